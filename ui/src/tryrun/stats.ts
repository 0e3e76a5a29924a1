// How the numbers of a call read in "Try it".

/** `$0.000123` (six decimals), or `no price` when the price table has none for the model. */
export function formatCost(usd: number | null): string {
  return usd === null ? 'no price' : `$${usd.toFixed(6)}`;
}

/** Whole milliseconds, no separators (the number people compare), or `–` when unknown. */
export function formatMs(ms: number | null): string {
  return ms === null ? '–' : String(Math.round(ms));
}
