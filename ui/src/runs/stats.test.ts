import { describe, expect, it } from 'vitest';
import { percentile, summarize } from './stats';
import { duration, eta, signed, usd } from './format';
import { okCell } from './testing';
import fixtures from './fixtures/percentiles.json';

describe('percentile', () => {
  // Reference values: Python's statistics module (see the fixture's `source`).
  it.each(fixtures.cases)('matches the reference for $name', ({ values, mean, p50, p95 }) => {
    const sorted = [...values].sort((a, b) => a - b);
    expect(percentile(sorted, 50)).toBeCloseTo(p50, 9);
    expect(percentile(sorted, 95)).toBeCloseTo(p95, 9);
    const s = summarize(values.map((latencyMs, i) => okCell({ column: 0, input: i, repeat: 0 }, { latencyMs })));
    expect(s.latency!.mean).toBeCloseTo(mean, 9);
    expect(s.latency!.p50).toBeCloseTo(p50, 9);
    expect(s.latency!.p95).toBeCloseTo(p95, 9);
  });

  it('is the value itself for one value and nothing for none', () => {
    expect(percentile([42], 95)).toBe(42);
    expect(percentile([], 50)).toBeNull();
  });
});

describe('summarize', () => {
  it('adds tokens and costs of the cells that succeeded, and counts the others', () => {
    const s = summarize([
      okCell({ column: 0, input: 0, repeat: 0 }),
      okCell({ column: 0, input: 1, repeat: 0 }, { usage: { inputTokens: 100, outputTokens: 20, cacheReadTokens: 0, cacheWriteTokens: 0 }, costUsd: 0.001, cacheHit: true }),
      okCell({ column: 0, input: 2, repeat: 0 }, { costUsd: null }),
      okCell({ column: 0, input: 3, repeat: 0 }, { status: 'error', usage: null, latencyMs: null, costUsd: null, text: '' }),
    ]);
    expect(s).toMatchObject({
      ok: 3,
      failed: 1,
      cached: 1,
      inputTokens: 152 + 100 + 152,
      outputTokens: 7 + 20 + 7,
      cacheReadTokens: 80,
      unpriced: 1,
    });
    expect(s.costUsd).toBeCloseTo(0.001123, 12);
    expect(summarize([]).latency).toBeNull();
  });
});

describe('format', () => {
  it('reads dollars, durations, time left and signed changes', () => {
    expect(usd(0.000123)).toBe('$0.000123');
    expect(usd(0.04213)).toBe('$0.0421');
    expect(usd(12.4)).toBe('$12.40');
    expect(usd(0)).toBe('$0');
    expect(usd(null)).toBe('–');
    expect(duration(840)).toBe('840 ms');
    expect(duration(1534)).toBe('1.53 s');
    expect(duration(125_000)).toBe('2 min 05 s');
    expect(eta(null)).toBe('estimating…');
    expect(eta(42_400)).toBe('about 42 s left');
    expect(eta(95_000)).toBe('about 1 min 35 s left');
    expect(signed(12)).toBe('+12');
    expect(signed(-3)).toBe('−3');
    expect(signed(0)).toBe('±0');
    expect(signed(-0.0004, usd)).toBe('−$0.000400');
  });
});
