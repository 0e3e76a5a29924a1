// The mock host's evaluation summary, computed as the engine computes it but with simple
// intervals.
//
// MOCK STATISTICS: the engine's intervals are BCa bootstrap intervals. Here pass rates get Wilson
// score intervals, means a normal approximation (mean ± 1.96·sd/√n), and the Wilcoxon test a
// normal approximation; the sign test is exact. Good enough to draw charts, not to decide anything.

import type {
  CategoryStats,
  CellScore,
  Comparison,
  EvalSummary,
  EvaluatorStats,
  Interval,
  RunCell,
  RunSpec,
  ThresholdResult,
  Thresholds,
  VariantStats,
} from '../../bindings';
import { columnLabel, modelLabel } from '../../runs/labels';
import { percentile } from '../../runs/stats';

// ---- statistics (mock intervals) ------------------------------------------------------------

const Z = 1.959963984540054;
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Wilson score interval of a share observed over `n` cases. */
export function wilson(p: number, n: number): Interval {
  const z2 = Z * Z;
  const centre = (p + z2 / (2 * n)) / (1 + z2 / n);
  const half = (Z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n))) / (1 + z2 / n);
  return { estimate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

function normalMean(xs: readonly number[], lo = 0, hi = 1): Interval | null {
  const m = mean(xs);
  if (m === null) return null;
  const n = xs.length;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1)) : 0;
  const half = (Z * sd) / Math.sqrt(n);
  return { estimate: m, low: Math.max(lo, m - half), high: Math.min(hi, m + half) };
}

function shareInterval(xs: readonly number[]): Interval | null {
  const m = mean(xs);
  return m === null ? null : wilson(m, xs.length);
}

/** Φ, the standard normal distribution function (Abramowitz & Stegun 7.1.26). */
function phi(z: number): number {
  const t = 1 / (1 + 0.3275911 * (Math.abs(z) / Math.SQRT2));
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + y) / 2 : (1 - y) / 2;
}

/** Exact two-sided sign test; null without a non-tied pair. */
export function signTest(d: readonly number[]): number | null {
  const pos = d.filter((x) => x > 0).length;
  const neg = d.filter((x) => x < 0).length;
  const n = pos + neg;
  if (n === 0) return null;
  const k = Math.min(pos, neg);
  let tail = 0;
  let c = 1;
  for (let i = 0; i <= k; i++) {
    tail += c;
    c = (c * (n - i)) / (i + 1);
  }
  return Math.min(1, (2 * tail) / 2 ** n);
}

/** Wilcoxon signed-rank test, normal approximation with continuity correction; null without a non-zero difference. */
export function wilcoxon(d: readonly number[]): number | null {
  const nz = d.filter((x) => x !== 0).map((x) => ({ x, a: Math.abs(x) })).sort((p, q) => p.a - q.a);
  const n = nz.length;
  if (n === 0) return null;
  const ranks = new Array<number>(n);
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && nz[j + 1]!.a === nz[i]!.a) j++;
    for (let k = i; k <= j; k++) ranks[k] = (i + j) / 2 + 1;
    i = j + 1;
  }
  const wPlus = nz.reduce((s, v, i) => s + (v.x > 0 ? ranks[i]! : 0), 0);
  const mu = (n * (n + 1)) / 4;
  const sigma = Math.sqrt((n * (n + 1) * (2 * n + 1)) / 24);
  const z = Math.max(0, Math.abs(wPlus - mu) - 0.5) / sigma;
  return Math.min(1, 2 * (1 - phi(z)));
}

function caseMeans(by: Map<number, number[]>): Map<number, number> {
  const out = new Map<number, number>();
  for (const [i, v] of [...by].sort((a, b) => a[0] - b[0])) if (v.length) out.set(i, v.reduce((a, b) => a + b, 0) / v.length);
  return out;
}

function push(by: Map<number, number[]>, i: number, v: number): void {
  const list = by.get(i);
  if (list) list.push(v);
  else by.set(i, [v]);
}

function histogram(values: readonly number[]): number[] {
  const bins = [0, 0, 0, 0, 0];
  for (const v of values) bins[Math.min(4, Math.floor(Math.min(1, Math.max(0, v)) * 5))]!++;
  return bins;
}

const money = (x: number) => `$${Number(x.toFixed(6))}`;

function compare(name: string, limit: number, actual: number | null, show: (x: number) => string, atLeast: boolean): ThresholdResult {
  if (actual === null || Number.isNaN(actual)) {
    return { name, limit, actual: null, pass: false, message: `${name}: not measured in this run (needs ${atLeast ? '≥' : '≤'} ${show(limit)})` };
  }
  const pass = atLeast ? actual >= limit : actual <= limit;
  const op = atLeast ? (pass ? '≥' : '<') : pass ? '≤' : '>';
  return { name, limit, actual, pass, message: `${name} ${show(actual)} ${op} ${show(limit)}` };
}

function gate(t: Thresholds | undefined, observed: { passRate: number | null; means: Map<string, number>; cost: number | null; p95: number | null }): ThresholdResult[] {
  if (!t) return [];
  const out: ThresholdResult[] = [];
  if (t.minPassRate !== undefined) out.push(compare('pass rate', t.minPassRate, observed.passRate, (x) => `${(x * 100).toFixed(1)}%`, true));
  for (const [name, min] of Object.entries(t.minMean ?? {}).sort(([a], [b]) => a.localeCompare(b))) {
    if (min !== undefined) out.push(compare(`mean ${name}`, min, observed.means.get(name) ?? null, (x) => x.toFixed(2), true));
  }
  if (t.maxCostPerCaseUsd !== undefined) out.push(compare('cost per case', t.maxCostPerCaseUsd, observed.cost, money, false));
  if (t.maxP95LatencyMs !== undefined) out.push(compare('p95 latency', t.maxP95LatencyMs, observed.p95, (x) => `${x.toFixed(0)} ms`, false));
  return out;
}

/** What the summary and the reports read of a run. */
export interface ScoredRun {
  id: string;
  spec: RunSpec;
  cells: RunCell[];
}

/** The summary of a run, as the engine computes it (with the mock intervals above). */
export function summarize(d: ScoredRun, scores: readonly CellScore[]): EvalSummary {
  const spec = d.spec;
  const byCell = new Map<string, CellScore[]>();
  for (const s of scores) {
    const id = `${s.key.column}:${s.key.input}:${s.key.repeat}`;
    byCell.set(id, [...(byCell.get(id) ?? []), s]);
  }
  const cells = new Map(d.cells.map((c) => [`${c.key.column}:${c.key.input}:${c.key.repeat}`, c]));
  const variants: VariantStats[] = [];
  const caseScores: Array<Map<number, number>> = [];
  let unscored = 0;
  spec.columns.forEach((column, c) => {
    const content = spec.versions[column.version];
    const evaluators = content?.evaluators ?? [];
    const passBy = new Map<number, number[]>();
    const scoreBy = new Map<number, number[]>();
    const evScores = evaluators.map(() => new Map<number, number[]>());
    const evPasses = evaluators.map(() => new Map<number, number[]>());
    const evErrors = evaluators.map(() => 0);
    let scored = 0;
    let failed = 0;
    let errors = 0;
    let judgeCost = 0;
    const costs: number[] = [];
    const latencies: number[] = [];
    for (let i = 0; i < spec.inputs.length; i++) {
      for (let r = 0; r < spec.repeats; r++) {
        const cell = cells.get(`${c}:${i}:${r}`);
        if (!cell) continue;
        if (cell.status !== 'ok') {
          failed++;
          push(passBy, i, 0);
          continue;
        }
        if (cell.costUsd !== null) costs.push(cell.costUsd);
        if (cell.latencyMs !== null) latencies.push(cell.latencyMs);
        const verdicts = byCell.get(`${c}:${i}:${r}`) ?? [];
        let complete = true;
        let hasError = false;
        let allPass = true;
        let sum = 0;
        let weight = 0;
        evaluators.forEach((ev, e) => {
          const v = verdicts.find((s) => s.evaluator === ev.name);
          if (!v) {
            complete = false;
            return;
          }
          judgeCost += v.judge?.costUsd ?? 0;
          if (v.pass !== null && v.score !== null) {
            push(evScores[e]!, i, v.score);
            push(evPasses[e]!, i, v.pass ? 1 : 0);
            sum += ev.weight * v.score;
            weight += ev.weight;
            allPass &&= v.pass;
          } else {
            evErrors[e]!++;
            hasError = true;
          }
        });
        if (hasError) {
          errors++;
          continue;
        }
        if (!complete) {
          unscored++;
          continue;
        }
        scored++;
        push(passBy, i, allPass ? 1 : 0);
        if (weight > 0) push(scoreBy, i, sum / weight);
      }
    }
    const casePass = caseMeans(passBy);
    const caseScore = caseMeans(scoreBy);
    const flakyCases = [...passBy].filter(([, v]) => v.length > 1 && v.some((p) => p !== v[0])).map(([i]) => i).sort((a, b) => a - b);
    const evaluatorStats: EvaluatorStats[] = evaluators.map((ev, e) => {
      const means = [...caseMeans(evScores[e]!).values()];
      return {
        name: ev.name,
        kind: ev.type,
        weight: ev.weight,
        passRate: shareInterval([...caseMeans(evPasses[e]!).values()]),
        mean: normalMean(means),
        errors: evErrors[e]!,
        histogram: histogram(means),
      };
    });
    const byCategory = new Map<string, { pass: number[]; score: number[] }>();
    spec.inputs.forEach((input, i) => {
      const cat = input.category;
      if (!cat) return;
      const entry = byCategory.get(cat) ?? { pass: [], score: [] };
      const p = casePass.get(i);
      const s = caseScore.get(i);
      if (p !== undefined) entry.pass.push(p);
      if (s !== undefined) entry.score.push(s);
      byCategory.set(cat, entry);
    });
    const categories: CategoryStats[] = [...byCategory]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([category, v]) => ({ category, cases: v.pass.length, passRate: shareInterval(v.pass), meanScore: normalMean(v.score) }));
    latencies.sort((a, b) => a - b);
    const cost = mean(costs);
    const p95 = percentile(latencies, 95);
    const results = evaluators.length ? gate(content?.thresholds, {
      passRate: mean([...casePass.values()]),
      means: new Map(evaluatorStats.flatMap((e) => (e.mean ? [[e.name, e.mean.estimate] as const] : []))),
      cost,
      p95,
    }) : [];
    variants.push({
      column: c,
      label: columnLabel(column),
      version: column.version,
      model: modelLabel(column.model),
      cases: casePass.size,
      cellsScored: scored,
      cellsFailed: failed,
      scoreErrors: errors,
      passRate: shareInterval([...casePass.values()]),
      meanScore: normalMean([...caseScore.values()]),
      evaluators: evaluatorStats,
      categories,
      costPerCaseUsd: cost,
      judgeCostUsd: judgeCost,
      p50LatencyMs: percentile(latencies, 50),
      p95LatencyMs: p95,
      flakyCases,
      gate: results,
      gatePass: results.every((g) => g.pass),
    });
    caseScores.push(caseScore);
  });
  const comparisons: Comparison[] = [];
  const n = variants.length;
  for (let a = 0; a < n; a++) {
    for (let b = a + 1; b < n; b++) {
      if (n > 6 && a !== 0) continue;
      const diffs: number[] = [];
      for (const [i, x] of caseScores[a]!) {
        const y = caseScores[b]!.get(i);
        if (y !== undefined) diffs.push(x - y);
      }
      const difference = normalMean(diffs, -1, 1);
      const wilcoxonP = wilcoxon(diffs);
      const aBetter = diffs.filter((x) => x > 0).length;
      const bBetter = diffs.filter((x) => x < 0).length;
      comparisons.push({
        a, b,
        aLabel: variants[a]!.label,
        bLabel: variants[b]!.label,
        pairs: diffs.length,
        difference,
        aBetter,
        bBetter,
        ties: diffs.length - aBetter - bBetter,
        signTestP: signTest(diffs),
        wilcoxonP,
        significant: difference !== null && (difference.low > 0 || difference.high < 0) && wilcoxonP !== null && wilcoxonP < 0.05,
      });
    }
  }
  return {
    runId: d.id,
    blueprintName: spec.blueprintName,
    dataset: spec.dataset ? `${spec.dataset.name} v${spec.dataset.version}` : null,
    cases: spec.inputs.length,
    repeats: spec.repeats,
    variants,
    comparisons,
    gatePass: variants.every((v) => v.gatePass),
    unscoredCells: unscored,
    seed: 0,
  };
}

