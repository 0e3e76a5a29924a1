import { describe, expect, it } from 'vitest';
import type { BlueprintContent, Evaluator } from '../bindings';
import { starterContent } from '../lib/content';
import {
  changeType,
  describeEvaluator,
  describeThresholds,
  evaluatorProblems,
  freeName,
  newEvaluator,
  parseSchema,
  regexProblem,
  removeEvaluator,
  setLimit,
  setMinMean,
  templateProblem,
  thresholdProblems,
} from './evaluators';
import { clip, diffInterval, niceTicks, pct, pValue, shortLabel } from './chart';

const issues = (list: Evaluator[]) => evaluatorProblems(list).map((p) => `${p.index}:${p.field}:${p.severity}: ${p.message}`);

describe('evaluators as the editor handles them', () => {
  it('names a new evaluator after its kind, free among the others', () => {
    expect(freeName('contains', ['contains', 'contains-2'])).toBe('contains-3');
    expect(newEvaluator('judge', ['correctness'], 'local:SmolLM2-135M-Instruct')).toEqual({
      name: 'correctness-2', weight: 1, type: 'judge', metric: 'correctness', model: 'local:SmolLM2-135M-Instruct', passScore: 0.5,
    });
    expect(newEvaluator('length', [], '')).toEqual({ name: 'length', weight: 1, type: 'length', max: 1000 });
  });

  it('says what each kind checks in one line', () => {
    expect(describeEvaluator({ name: 'a', weight: 1, type: 'equals', value: '{{ reference }}', ignoreCase: true })).toBe('equals “{{ reference }}”, any case');
    expect(describeEvaluator({ name: 'a', weight: 1, type: 'length', min: 10, max: 200 })).toBe('10–200 characters');
    expect(describeEvaluator({ name: 'a', weight: 1, type: 'latency', maxMs: 1500 })).toBe('answers within 1.5 s');
    expect(describeEvaluator({ name: 'a', weight: 1, type: 'tokens', maxOutput: 300, maxTotal: 2000 })).toBe('≤ 300 output tokens, ≤ 2000 in all');
    expect(describeEvaluator({ name: 'a', weight: 1, type: 'judge', metric: 'custom', rubric: 'x', model: 'local:m', passScore: 0.6 })).toBe('custom rubric judged by local:m · passes at 60%');
  });

  it('finds what the engine refuses: names, weights, empty values, bounds, judges', () => {
    expect(issues([
      { name: '', weight: 1, type: 'contains', value: 'x' },
      { name: 'a', weight: -1, type: 'starts-with', value: '' },
      { name: 'a', weight: 1, type: 'icontains', value: 'Hi {{ name' },
      { name: 'b', weight: 1, type: 'tokens' },
      { name: 'c', weight: 1, type: 'judge', metric: 'correctness', rubric: 'extra', model: 'gpt-4o', passScore: 1.5 },
    ])).toEqual([
      '0:name:error: give the evaluator a name',
      '1:weight:error: weight must be a positive number, not -1',
      '1:value:error: `value` is empty',
      '2:name:error: another evaluator is already named `a`',
      '2:value:error: template error: `{{` is never closed (expected the end of the variable block, `}}`)',
      '3:maxOutput:error: set `maxOutput`, `maxTotal` or both',
      '4:rubric:error: a rubric is only used with the `custom` metric, not `correctness`',
      '4:model:error: judge model `gpt-4o` must be `provider:model` with provider `local`, `bedrock` or `openai`, e.g. `local:SmolLM2-135M-Instruct`',
      '4:passScore:error: pass score must be between 0 and 1 (a normalised score), not 1.5',
    ]);
  });

  it('checks a pattern in JavaScript as a hint, and leaves templated patterns to the engine', () => {
    expect(regexProblem('(?i)order #?\\d{6}')).toBeNull();
    expect(regexProblem('order (\\d+')).toMatch(/^the pattern does not compile: /);
    expect(regexProblem('(?<=order )\\d+')).toContain('look-around');
    expect(regexProblem('(a)\\1')).toContain('back-references');
    expect(issues([{ name: 'p', weight: 1, type: 'regex', pattern: '{{ reference | regex_escape }}(' }])).toEqual([]);
    expect(templateProblem('{% if x %}a{% endif %}')).toBeNull();
  });

  it('reads a JSON schema as typed', () => {
    expect(parseSchema('{"type": "object"}')).toEqual({ ok: true, value: { type: 'object' } });
    expect(parseSchema('[1]')).toEqual({ ok: false, error: 'a JSON schema is an object (or true / false)' });
    expect(parseSchema('{"type": ')).toMatchObject({ ok: false, error: expect.stringMatching(/^not valid JSON: /) });
  });

  it('keeps the gate tidy: limits in and out, means of evaluators only', () => {
    const c: BlueprintContent = { ...starterContent(), evaluators: [{ name: 'a', weight: 1, type: 'is-json' }] };
    setLimit(c, 'minPassRate', 0.9);
    setMinMean(c, 'a', 0.5);
    expect(c.thresholds).toEqual({ minPassRate: 0.9, minMean: { a: 0.5 } });
    expect(describeThresholds(c.thresholds)).toBe('pass rate ≥ 90% · mean a ≥ 0.50');
    expect(thresholdProblems({ minMean: { b: 2 }, maxP95LatencyMs: 0 }, c.evaluators!).map((p) => `${p.field}: ${p.message}`)).toEqual([
      'minMean.b: no evaluator is named `b`',
      'minMean.b: a mean score is between 0 and 1, not 2',
      'maxP95LatencyMs: the latency limit must be above 0 ms',
    ]);
    removeEvaluator(c, 0);
    expect(c.thresholds).toEqual({ minPassRate: 0.9 });
    expect('evaluators' in c).toBe(false);
    setLimit(c, 'minPassRate', null);
    expect('thresholds' in c).toBe(false);
  });

  it('changes kind keeping the name, weight and text', () => {
    expect(changeType({ name: 'x', weight: 2, type: 'contains', value: 'a.b' }, 'regex', '')).toEqual({ name: 'x', weight: 2, type: 'regex', pattern: 'a\\.b' });
    expect(changeType({ name: 'x', weight: 2, type: 'contains', value: 'a' }, 'equals', '')).toEqual({ name: 'x', weight: 2, type: 'equals', value: 'a' });
  });
});

describe('how the charts read numbers', () => {
  it('formats shares, differences, p-values and labels', () => {
    expect([pct(0.72), pct(0.004), pct(0.996), pct(1), pct(0), pct(null)]).toEqual(['72%', '0.4%', '99.6%', '100%', '0%', '–']);
    expect(diffInterval({ estimate: 0.12, low: 0.03, high: 0.21 })).toBe('+0.12 (+0.03 to +0.21)');
    expect(diffInterval({ estimate: -0.001, low: -0.05, high: 0.04 })).toBe('±0.00 (−0.05 to +0.04)');
    expect([pValue(0.0004), pValue(0.0312), pValue(null)]).toEqual(['< 0.001', '0.031', '–']);
    expect(shortLabel('v3 · bedrock:amazon.nova-lite-v1:0')).toBe('v3 · nova-lite-v1:0');
    expect(shortLabel('v2 · openai:Ollama/llama3.2')).toBe('v2 · llama3.2');
    expect(clip('abcdefgh', 5)).toBe('abcd…');
  });

  it('picks round ticks that cover the largest value', () => {
    expect(niceTicks(0.000031, 4)).toEqual([0, 0.00001, 0.00002, 0.00003, 0.00004]);
    expect(niceTicks(1, 4)).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(niceTicks(0)).toEqual([0, 1]);
  });
});
