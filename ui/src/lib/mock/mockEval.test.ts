import { describe, expect, it } from 'vitest';
import type { BlueprintContent, Evaluator, RunCell, RunEvent } from '../../bindings';
import { call, setHost } from '../host';
import { starterContent } from '../content';
import { okCell, spec } from '../../runs/testing';
import { createMockHost } from './mockHost';
import { scoreCell, signTest, summarize, wilcoxon, wilson } from './mockEval';
import fixtures from './fixtures/mock-stats.json';

describe('the mock host’s statistics', () => {
  // Reference values: Python's standard library (see the fixture's `source`).
  it.each(fixtures.wilson)('gives the Wilson interval of $p over $n cases', ({ p, n, interval }) => {
    const w = wilson(p, n);
    expect([w.estimate, w.low, w.high]).toEqual(interval.map((x) => expect.closeTo(x, 12)));
  });

  it.each(fixtures.paired)('tests paired differences like the reference', ({ differences, signTestP, wilcoxonP }) => {
    if (signTestP === null) expect(signTest(differences)).toBeNull();
    else expect(signTest(differences)).toBeCloseTo(signTestP, 12);
    if (wilcoxonP === null) expect(wilcoxon(differences)).toBeNull();
    else expect(wilcoxon(differences)).toBeCloseTo(wilcoxonP, 6);
  });
});

function scoredSpec(evaluators: Evaluator[], thresholds: BlueprintContent['thresholds'] = undefined) {
  const s = spec({ inputs: 3, repeats: 2 });
  const content: BlueprintContent = { ...starterContent(), evaluators, ...(thresholds ? { thresholds } : {}) };
  s.versions = { 1: content, 2: content };
  s.inputs[0]!.reference = 'Paris';
  s.inputs[0]!.category = 'capitals';
  return s;
}

const k = (column: number, input: number, repeat = 0) => ({ column, input, repeat });

describe('scoring a cell in the mock host', () => {
  it('renders templates with the case and checks text, patterns, JSON and length', () => {
    const s = scoredSpec([
      { name: 'ref', weight: 1, type: 'contains', value: '{{ reference }}' },
      { name: 'country', weight: 1, type: 'icontains', value: '{{ country }}' },
      { name: 'shape', weight: 1, type: 'regex', pattern: '(?i)^paris\\.$' },
      { name: 'json', weight: 1, type: 'is-json' },
      { name: 'short', weight: 1, type: 'length', max: 3 },
      { name: 'fast', weight: 1, type: 'latency', maxMs: 2000 },
    ]);
    const scores = scoreCell(s, okCell(k(0, 0), { text: 'Paris.' }))!;
    expect(scores.map((x) => [x.evaluator, x.pass, x.score, x.reason])).toEqual([
      ['ref', true, 1, 'contains "Paris"'],
      ['country', false, 0, 'does not contain "C1" (ignoring case)'],
      ['shape', true, 1, 'matches /(?i)^paris\\.$/ at "Paris."'],
      ['json', false, 0, expect.stringMatching(/^not valid JSON: /)],
      ['short', false, 0, '6 characters > max 3'],
      ['fast', true, 1, 'latency 1534 ms ≤ 2000 ms'],
    ]);
  });

  it('gives an error, not a zero, when a verdict cannot be given', () => {
    const s = scoredSpec([{ name: 'ref', weight: 1, type: 'contains', value: '{{ reference }}' }]);
    // Input 2 has no reference answer: the template cannot render.
    const [score] = scoreCell(s, okCell(k(0, 1)))!;
    expect(score).toMatchObject({ pass: null, score: null, reason: 'template error: undefined variable `reference`' });
    // A failed call is not scored at all.
    expect(scoreCell(s, okCell(k(0, 1), { status: 'error' }))).toBeNull();
  });

  it('has a fake judge that shows its prompt, answer and reasoning, and sometimes cannot be read', () => {
    const s = scoredSpec([{ name: 'helpful', weight: 1, type: 'judge', metric: 'helpfulness', model: 'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0', passScore: 0.75 }]);
    const verdicts = Array.from({ length: 40 }, (_, i) => scoreCell(s, okCell(k(0, 0), { text: `Answer number ${i}.` }))![0]!);
    const read = verdicts.filter((v) => v.pass !== null);
    const unread = verdicts.filter((v) => v.pass === null);
    expect(read.length).toBeGreaterThan(20);
    expect(unread.length).toBeGreaterThan(0);
    for (const v of read) {
      expect(v.score! * 4 + 1).toBe(v.judge!.rawScore);
      expect(v.pass).toBe(v.score! >= 0.75);
      expect(JSON.parse(v.judge!.raw)).toEqual({ reasoning: v.judge!.reasoning, score: v.judge!.rawScore });
      expect(v.judge!.prompt).toContain('# Criterion: Helpfulness');
      expect(v.judge!.costUsd).toBeGreaterThan(0);
    }
    expect(unread[0]).toMatchObject({ score: null, judge: { reasoning: '' } });
    expect(unread[0]!.judge!.raw).toContain('four out of five');
  });
});

describe('the mock summary', () => {
  it('counts per case, keeps errors apart, and checks the gate', () => {
    const s = scoredSpec([{ name: 'paris', weight: 1, type: 'contains', value: 'Paris' }], { minPassRate: 0.8, minMean: { paris: 0.5 } });
    const cells: RunCell[] = [];
    for (let i = 0; i < 3; i++) {
      for (let r = 0; r < 2; r++) {
        cells.push(okCell(k(0, i, r), { text: 'Paris.' }));
        // Column 1 answers Paris for input 0 only, and only on its first repeat.
        cells.push(okCell(k(1, i, r), { text: i === 0 && r === 0 ? 'Paris.' : 'Lyon.' }));
      }
    }
    const scores = cells.flatMap((c) => scoreCell(s, c)!);
    const sum = summarize({ id: 'run-1', spec: s, cells }, scores);
    const [a, b] = sum.variants;
    expect(a!.passRate!.estimate).toBe(1);
    expect(b!.passRate!.estimate).toBeCloseTo(0.5 / 3, 12);
    expect(b!.flakyCases).toEqual([0]);
    expect(a!.gatePass).toBe(true);
    expect(b!.gate.map((g) => g.message)).toEqual(['pass rate 16.7% < 80.0%', 'mean paris 0.17 < 0.50']);
    expect(sum.gatePass).toBe(false);
    expect(a!.evaluators[0]!.histogram).toEqual([0, 0, 0, 0, 3]);
    expect(b!.evaluators[0]!.histogram).toEqual([2, 0, 1, 0, 0]);
    expect(a!.categories).toEqual([{ category: 'capitals', cases: 1, passRate: expect.objectContaining({ estimate: 1 }), meanScore: expect.objectContaining({ estimate: 1 }) }]);
    const [cmp] = sum.comparisons;
    expect(cmp).toMatchObject({ a: 0, b: 1, pairs: 3, aBetter: 3, bBetter: 0, ties: 0 });
    expect(cmp!.difference!.estimate).toBeCloseTo((0.5 + 1 + 1) / 3, 12);
  });
});

describe('the mock host’s evaluation commands', () => {
  it('refuses to save evaluators the engine would refuse, with its words', async () => {
    const host = createMockHost({ seed: true });
    setHost(host);
    const b = host.state.blueprints.find((x) => x.name === 'Support reply')!;
    const content = { ...b.versions.at(-1)!.content };
    content.evaluators = [
      { name: 'polite', weight: 0, type: 'contains', value: '' },
      { name: 'polite', weight: 1, type: 'regex', pattern: '(unclosed' },
    ];
    content.thresholds = { minMean: { gone: 0.5 } };
    await expect(call('versions_save', { id: b.id, content, message: 'x' })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/^cannot save a version: polite, `weight`: weight must be a positive number, not 0; polite, `value`: `value` is empty; polite, `name`: another evaluator is already named `polite`; polite, `pattern`: the pattern does not compile: .*; thresholds, `minMean.gone`: no evaluator is named `gone`$/),
    });
  });

  it('scores the seeded run, streams verdicts while a run goes, and writes the reports', async () => {
    const host = createMockHost({ seed: true, seedRuns: true });
    host.state.streamDelayMs = 1;
    setHost(host);
    const seeded = host.state.runs.at(-1)!;
    expect(seeded.spec.columns.map((c) => c.version)).toEqual([3, 3]);
    const { scores } = await call('eval_scores', { runId: seeded.id });
    expect(scores).toHaveLength(12 * 2);
    const summary = await call('eval_summary', { runId: seeded.id });
    expect(summary.variants.map((v) => v.gate.map((g) => g.name))).toEqual([
      ['pass rate', 'mean helpful', 'p95 latency'],
      ['pass rate', 'mean helpful', 'p95 latency'],
    ]);
    expect(summary.comparisons).toHaveLength(1);

    const b = host.state.blueprints.find((x) => x.name === 'Support reply')!;
    const events: RunEvent[] = [];
    await call('runs_start', { blueprintId: b.id, versions: [3], models: [], inputs: [{ name: null, values: { agent: 'Zoe', message: 'Hi' } }], repeats: 1, concurrency: null, bypassCache: true }, (e) => events.push(e));
    const types = events.map((e) => e.type).filter((t) => t === 'cellFinished' || t === 'cellScored');
    expect(types).toEqual(['cellFinished', 'cellScored']);
    const scored = events.find((e) => e.type === 'cellScored');
    expect(scored?.type === 'cellScored' && scored.data.scores.map((s) => s.evaluator)).toEqual(['polite', 'helpful']);

    await expect(call('eval_report', { runId: seeded.id, junit: 'out.xml' })).rejects.toMatchObject({ code: 'invalid' });
    const res = await call('eval_report', { runId: seeded.id, junit: '/tmp/r.xml', markdown: '/tmp/r.md' });
    expect(res.written).toEqual(['/tmp/r.xml', '/tmp/r.md']);
    const [xml, md] = host.state.exported.slice(-2);
    expect(xml!.text).toMatch(/^<\?xml version="1.0" encoding="UTF-8"\?>\n<testsuites name="galley eval: Support reply">/);
    expect(xml!.text).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(md!.text).toContain('## Galley evaluation: Support reply');
  });
});
