// Shared by the evaluation tests: a run spec whose versions have evaluators, verdicts, and a
// summary built by hand.

import type { CellKey, CellScore, EvalSummary, Evaluator, RunSpec, VariantStats } from '../bindings';
import { starterContent } from '../lib/content';
import { spec } from '../runs/testing';

export const EVALUATORS: Evaluator[] = [
  { name: 'paris', weight: 1, type: 'contains', value: '{{ reference }}' },
  { name: 'helpful', weight: 2, type: 'judge', metric: 'helpfulness', model: 'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0', passScore: 0.75 },
];

/** Two columns (v1, v2 on Nova Lite), `inputs` inputs, both versions scored by EVALUATORS. */
export function scoredSpec(o: { inputs?: number; repeats?: number } = {}): RunSpec {
  const s = spec(o);
  const content = { ...starterContent(), evaluators: EVALUATORS, thresholds: { minPassRate: 0.8 } };
  s.versions = { 1: content, 2: content };
  return s;
}

export function verdict(key: CellKey, evaluator: string, pass: boolean | null, o: Partial<CellScore> = {}): CellScore {
  return {
    key,
    evaluator,
    pass,
    score: pass === null ? null : pass ? 1 : 0,
    reason: pass === null ? 'the judge’s answer could not be read' : pass ? 'contains "Paris"' : 'does not contain "Paris"',
    ...o,
  };
}

export function variant(column: number, o: Partial<VariantStats> = {}): VariantStats {
  return {
    column,
    label: `v${column + 1} · bedrock:amazon.nova-lite-v1:0`,
    version: column + 1,
    model: 'bedrock:amazon.nova-lite-v1:0',
    cases: 50,
    cellsScored: 48,
    cellsFailed: 0,
    scoreErrors: 0,
    passRate: { estimate: 0.72, low: 0.58, high: 0.83 },
    meanScore: { estimate: 0.8, low: 0.74, high: 0.86 },
    evaluators: [
      { name: 'paris', kind: 'contains', weight: 1, passRate: { estimate: 0.9, low: 0.8, high: 0.96 }, mean: { estimate: 0.9, low: 0.8, high: 0.96 }, errors: 0, histogram: [5, 0, 0, 0, 45] },
      { name: 'helpful', kind: 'judge', weight: 2, passRate: { estimate: 0.7, low: 0.56, high: 0.81 }, mean: { estimate: 0.75, low: 0.69, high: 0.8 }, errors: 0, histogram: [1, 4, 10, 20, 15] },
    ],
    categories: [],
    costPerCaseUsd: 0.00012,
    judgeCostUsd: 0.0042,
    p50LatencyMs: 820,
    p95LatencyMs: 1430,
    flakyCases: [],
    gate: [],
    gatePass: true,
    ...o,
  };
}

export function evalSummary(o: Partial<EvalSummary> = {}): EvalSummary {
  return {
    runId: 'run-1',
    blueprintName: 'Support reply',
    dataset: null,
    cases: 50,
    repeats: 1,
    variants: [variant(0), variant(1)],
    comparisons: [],
    gatePass: true,
    unscoredCells: 0,
    seed: 42,
    ...o,
  };
}
