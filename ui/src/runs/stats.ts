// Summaries of a column of cells: latency mean and percentiles, tokens and cost.

import type { RunCell } from '../bindings';

/**
 * The `p`-th percentile (0–100) of ascending `sorted` values, by linear interpolation between
 * closest ranks (Hyndman & Fan type 7: numpy's default, R's default, Python's
 * `statistics.quantiles(method='inclusive')`). Null for no values.
 */
export function percentile(sorted: readonly number[], p: number): number | null {
  const n = sorted.length;
  if (n === 0) return null;
  if (n === 1) return sorted[0]!;
  const h = ((n - 1) * Math.min(100, Math.max(0, p))) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(n - 1, lo + 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

export interface ColumnSummary {
  ok: number;
  failed: number;
  /** Cells answered from the cache (their latency is the stored one). */
  cached: number;
  latency: { mean: number; p50: number; p95: number } | null;
  inputTokens: number;
  outputTokens: number;
  cacheReadTokens: number;
  /** Cost of the cells with a price; `unpriced` counts the others that succeeded. */
  costUsd: number;
  unpriced: number;
}

/** Sums and latency statistics over finished cells; latency of successful cells only. */
export function summarize(cells: Iterable<RunCell>): ColumnSummary {
  const s: ColumnSummary = {
    ok: 0, failed: 0, cached: 0, latency: null,
    inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, costUsd: 0, unpriced: 0,
  };
  const latencies: number[] = [];
  for (const c of cells) {
    if (c.status !== 'ok') {
      s.failed++;
      continue;
    }
    s.ok++;
    if (c.cacheHit) s.cached++;
    if (c.latencyMs !== null) latencies.push(c.latencyMs);
    if (c.usage) {
      s.inputTokens += c.usage.inputTokens;
      s.outputTokens += c.usage.outputTokens;
      s.cacheReadTokens += c.usage.cacheReadTokens;
    }
    if (c.costUsd === null) s.unpriced++;
    else s.costUsd += c.costUsd;
  }
  if (latencies.length) {
    latencies.sort((a, b) => a - b);
    const mean = latencies.reduce((a, b) => a + b, 0) / latencies.length;
    s.latency = { mean, p50: percentile(latencies, 50)!, p95: percentile(latencies, 95)! };
  }
  return s;
}
