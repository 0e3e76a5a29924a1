// Evaluation in the mock host, for the browser preview and the tests: the rubrics, what a save
// refuses, verdicts on a run's cells (mockEvalScore), its summary (mockEvalStats, simple
// intervals clearly not the engine's bootstrap), the reports, and the scores of a run diff.

import type { CellScore, EvalIssue, EvalSummary, Evaluator, Interval, RunDetail, RunDiff, Thresholds } from '../../bindings';
import { engineError, type Command, type Emit, type Req, type Res } from '../host';
import { inputTitle } from '../../runs/labels';
import { evaluatorProblems, thresholdProblems } from '../../eval/evaluators';
import type { MockState } from './mockHost';
import { MOCK_RUBRICS, scoreCell, weighted } from './mockEvalScore';
import { summarize, type ScoredRun } from './mockEvalStats';

export { MOCK_RUBRICS, scoreCell, weighted } from './mockEvalScore';
export { signTest, summarize, wilcoxon, wilson, type ScoredRun } from './mockEvalStats';

type EvalCommand = Extract<Command, `eval_${string}`>;
export type EvalImpl = { [C in EvalCommand]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

// ---- validation (versions_save) ------------------------------------------------------------

/** What the engine refuses to save, in its words: `name, \`field\`: message`. */
export function mockEvalIssues(content: { evaluators?: Evaluator[]; thresholds?: Thresholds }): EvalIssue[] {
  const list = content.evaluators ?? [];
  const out: EvalIssue[] = [];
  for (const p of evaluatorProblems(list, MOCK_RUBRICS)) {
    const e = list[p.index ?? 0];
    const compiles = p.field === 'pattern' && p.severity === 'hint' && p.message.startsWith('the pattern does not compile');
    if (p.severity !== 'error' && !compiles) continue;
    out.push({ evaluator: e?.name.trim() ? e.name : `evaluator ${(p.index ?? 0) + 1}`, index: p.index, field: p.field, message: p.message });
  }
  for (const p of thresholdProblems(content.thresholds, list)) out.push({ evaluator: 'thresholds', field: p.field, message: p.message });
  return out;
}

// ---- reports --------------------------------------------------------------------------------

const xml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const pctOf = (i: Interval | null) => (i ? `${(i.estimate * 100).toFixed(1)}% [${(i.low * 100).toFixed(1)}, ${(i.high * 100).toFixed(1)}]` : 'n/a');

function junit(s: EvalSummary, d: ScoredRun, scores: readonly CellScore[]): string {
  const lines = [`<?xml version="1.0" encoding="UTF-8"?>`, `<testsuites name="${xml(`galley eval: ${s.blueprintName}`)}">`];
  for (const v of s.variants) {
    const cells = d.cells.filter((c) => c.key.column === v.column);
    lines.push(`  <testsuite name="${xml(v.label)}" tests="${cells.length + v.gate.length}">`);
    for (const g of v.gate) {
      lines.push(`    <testcase classname="gate" name="${xml(g.name)}">${g.pass ? '' : `<failure message="${xml(g.message)}"/>`}</testcase>`);
    }
    for (const c of cells) {
      const mine = scores.filter((x) => x.key.column === c.key.column && x.key.input === c.key.input && x.key.repeat === c.key.repeat);
      const bad = mine.filter((x) => x.pass !== true);
      const name = `${inputTitle(d.spec.inputs[c.key.input]!, c.key.input)} #${c.key.repeat + 1}`;
      const body = c.status !== 'ok'
        ? `<error message="${xml(c.error?.message ?? c.status)}"/>`
        : bad.map((x) => (x.pass === null ? `<error message="${xml(`${x.evaluator}: ${x.reason}`)}"/>` : `<failure message="${xml(`${x.evaluator}: ${x.reason}`)}"/>`)).join('');
      lines.push(`    <testcase classname="${xml(v.label)}" name="${xml(name)}">${body}</testcase>`);
    }
    lines.push('  </testsuite>');
  }
  lines.push('</testsuites>', '');
  return lines.join('\n');
}

function markdown(s: EvalSummary): string {
  const out = [`## Galley evaluation: ${s.blueprintName}`, '', `Gate: **${s.gatePass ? 'passed' : 'failed'}** · ${s.cases} cases × ${s.repeats} repeats (mock host)`, ''];
  out.push('| Variant | Pass rate (95% CI) | Mean score | Gate |', '|---|---|---|---|');
  for (const v of s.variants) {
    out.push(`| ${v.label} | ${pctOf(v.passRate)} | ${v.meanScore ? v.meanScore.estimate.toFixed(2) : 'n/a'} | ${v.gate.length === 0 ? '–' : v.gatePass ? 'pass' : v.gate.filter((g) => !g.pass).map((g) => g.message).join('; ')} |`);
  }
  out.push('');
  return out.join('\n');
}

// ---- run diff -------------------------------------------------------------------------------

/** Adds the rows' weighted scores and the improved/regressed counts to a diff of two columns. */
export function withDiffScores(diff: RunDiff, a: RunDetail, ca: number, b: RunDetail, cb: number): RunDiff {
  const same = (x: object, y: object) => JSON.stringify(Object.entries(x).sort()) === JSON.stringify(Object.entries(y).sort());
  const first = (d: RunDetail, column: number, input: number) =>
    d.cells.filter((c) => c.key.column === column && c.key.input === input && c.status === 'ok').sort((x, y) => x.key.repeat - y.key.repeat)[0];
  let row = 0;
  a.spec.inputs.forEach((input, ai) => {
    const empty = Object.keys(input.values).length === 0;
    let bi = empty ? -1 : b.spec.inputs.findIndex((x) => same(x.values, input.values));
    if (bi < 0 && empty && ai < b.spec.inputs.length) bi = ai;
    if (bi < 0) return;
    const r = diff.rows[row++];
    if (!r) return;
    const x = first(a, ca, ai);
    const y = first(b, cb, bi);
    const sx = x ? weighted(a.spec, scoreCell(a.spec, x)) : null;
    const sy = y ? weighted(b.spec, scoreCell(b.spec, y)) : null;
    r.aScore = sx?.score ?? null;
    r.bScore = sy?.score ?? null;
    r.aPass = sx?.pass ?? null;
    r.bPass = sy?.pass ?? null;
  });
  const moved = (up: boolean) => diff.rows.filter((r) => r.aScore !== null && r.bScore !== null && (up ? r.bScore > r.aScore : r.bScore < r.aScore)).length;
  return { ...diff, improved: moved(true), regressed: moved(false) };
}

// ---- commands -------------------------------------------------------------------------------

/** Every verdict of a run's cells, in the grid's order. */
function runScores(d: ScoredRun): CellScore[] {
  return d.cells.flatMap((c) => scoreCell(d.spec, c) ?? []);
}

export function mockEval(st: MockState): EvalImpl {
  const detail = async (runId: string): Promise<ScoredRun> => {
    const rec = st.runs.find((r) => r.id === runId);
    if (!rec) throw engineError('notFound', `run ${runId} not found`);
    const cells = [...rec.cells.values()].sort((x, y) => x.key.column - y.key.column || x.key.input - y.key.input || x.key.repeat - y.key.repeat);
    return { id: rec.id, spec: rec.spec, cells };
  };
  return {
    eval_rubrics: () => structuredClone(MOCK_RUBRICS),
    eval_scores: async ({ runId }) => ({ scores: structuredClone(runScores(await detail(runId))) }),
    eval_summary: async ({ runId }) => {
      const d = await detail(runId);
      return structuredClone(summarize(d, runScores(d)));
    },
    eval_report: async (req) => {
      const d = await detail(req.runId);
      const scores = runScores(d);
      const s = summarize(d, scores);
      const written: string[] = [];
      const write = (path: string | undefined, text: () => string) => {
        if (path === undefined) return;
        const p = path.trim();
        if (!(p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p))) throw engineError('invalid', `\`${p}\` is not a full path: give the whole path of the file to write`);
        st.exported.push({ path: p, text: text() });
        written.push(p);
      };
      write(req.junit, () => junit(s, d, scores));
      write(req.json, () => `${JSON.stringify({ format: 'galley-eval/1', summary: s, scores }, null, 2)}\n`);
      write(req.markdown, () => markdown(s));
      if (written.length === 0) throw engineError('invalid', 'no report asked for: give a path for junit, json or markdown');
      return { written };
    },
  };
}
