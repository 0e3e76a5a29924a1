// What the evaluation charts share: scales, ticks, the colour of each variant, and how shares,
// scores, intervals and p-values read.

import type { Interval } from '../bindings';

/** A linear map from `domain` to `range`. */
export function linear(domain: readonly [number, number], range: readonly [number, number]): (x: number) => number {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (x) => r0 + ((x - d0) / span) * (r1 - r0);
}

/** Round tick values from 0 to at least `max` (about `count` of them): 0, 0.002, 0.004… */
export function niceTicks(max: number, count = 4): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0, 1];
  const raw = max / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? 10 * mag;
  const n = Math.ceil(max / step - 1e-9);
  return Array.from({ length: n + 1 }, (_, i) => Number((i * step).toPrecision(12)));
}

/**
 * Each variant's colour: theme variables that read in light and dark, none of them the colours
 * of pass and fail.
 */
export const VARIANT_COLORS = [
  'var(--accent)',
  'var(--tok-filter)',
  'var(--tok-number)',
  'var(--accent-2)',
  'var(--label-dev)',
  'var(--tok-string)',
] as const;

export function variantColor(i: number): string {
  return VARIANT_COLORS[i % VARIANT_COLORS.length]!;
}

/** `72%`; `0.4%` or `99.6%` where a whole number would read as none or all; `–` when unknown. */
export function pct(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const v = x * 100;
  const whole = Math.round(v);
  const digits = (whole === 0 && v > 0) || (whole === 100 && v < 100) ? 1 : 0;
  return `${v.toFixed(digits)}%`;
}

/** A share with its interval: `72% (58–83%)`. */
export function pctInterval(i: Interval | null | undefined): string {
  if (!i) return '–';
  return `${pct(i.estimate)} (${pct(i.low).replace('%', '')}–${pct(i.high)})`;
}

/** A score 0–1: `0.72`. */
export function score(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return x.toFixed(2);
}

/** A score with its interval: `0.72 (0.61–0.80)`. */
export function scoreInterval(i: Interval | null | undefined): string {
  if (!i) return '–';
  return `${score(i.estimate)} (${score(i.low)}–${score(i.high)})`;
}

/** A signed difference with its interval: `+0.12 (+0.03 to +0.21)`. */
export function diffInterval(i: Interval | null | undefined): string {
  if (!i) return '–';
  const s = (x: number) => (Math.abs(x) < 0.005 ? '±0.00' : `${x > 0 ? '+' : '−'}${Math.abs(x).toFixed(2)}`);
  return `${s(i.estimate)} (${s(i.low)} to ${s(i.high)})`;
}

/** `p = 0.031`, `p < 0.001`; `–` when not computed. */
export function pValue(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return '–';
  if (p < 0.001) return '< 0.001';
  return p.toFixed(3);
}

/** Cuts a label to about `max` characters for a chart, with `…`. */
export function clip(label: string, max: number): string {
  if (label.length <= max) return label;
  return `${label.slice(0, Math.max(1, max - 1))}…`;
}

/** `v3 · bedrock:amazon.nova-lite-v1:0` → `v3 · nova-lite-v1:0`: short enough for a point's label. */
export function shortLabel(label: string): string {
  const [version, model] = label.split(' · ');
  if (!model) return label;
  const id = model.slice(model.indexOf(':') + 1);
  const short = id.includes('/') ? id.slice(id.lastIndexOf('/') + 1) : id.replace(/^[a-z]+\./, '');
  return `${version} · ${short}`;
}
