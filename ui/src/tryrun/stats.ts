// How the numbers of a call read in "Try it".

/**
 * `$0.000123` (six decimals); `free · local` for a model that ran on this computer; `no price`
 * when the price table has none for the model (OpenAI-compatible endpoints have none).
 */
export function formatCost(usd: number | null, provider: string | null = null): string {
  if (usd === null) return 'no price';
  if (usd === 0 && provider === 'local') return 'free · local';
  return `$${usd.toFixed(6)}`;
}

/** Whole milliseconds, no separators (the number people compare), or `–` when unknown. */
export function formatMs(ms: number | null): string {
  return ms === null ? '–' : String(Math.round(ms));
}
