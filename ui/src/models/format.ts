// How model facts read: prices per million tokens, context windows, and the picker's filter.

import type { CatalogModel, Price } from '../bindings';

/** USD with at least two decimals and no more than needed: `$0.80`, `$0.035`, `$16.50`. */
export function usd(value: number): string {
  const [, decimals = ''] = value.toFixed(6).replace(/0+$/, '').split('.');
  return `$${value.toFixed(Math.max(2, decimals.length))}`;
}

/** `$0.80 / $4.00 per M tokens` (input / output). */
export function priceLine(price: Price | null): string {
  return price ? `${usd(price.input)} / ${usd(price.output)} per M tokens` : 'no price';
}

/** `200K context`, `1M context`; empty when unknown. */
export function contextLine(tokens: number | null): string {
  if (tokens === null) return '';
  if (tokens >= 1_000_000) return `${Number((tokens / 1_000_000).toFixed(1))}M context`;
  if (tokens >= 1000) return `${Math.round(tokens / 1000)}K context`;
  return `${tokens} context`;
}

/** The models whose name, provider or id contain every word of the query. */
export function filterModels(models: CatalogModel[], query: string): CatalogModel[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return models;
  return models.filter((m) => {
    const hay = `${m.name} ${m.providerName} ${m.id}`.toLowerCase();
    return words.every((w) => hay.includes(w));
  });
}

/** `98 MB`, `2.0 GB`, `512 B`: decimal units, one decimal below 10 (as the engine writes sizes). */
export function bytesLine(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 'B';
  for (const u of units) {
    if (value < 1000) break;
    value /= 1000;
    unit = u;
  }
  return value < 10 ? `${value.toFixed(1)} ${unit}` : `${Math.round(value)} ${unit}`;
}
