// A version's evaluators and thresholds as the editor handles them: the kinds of check, a new
// evaluator of a kind, one line that says what an evaluator checks, and the problems the engine
// reports when the version is saved (mirrored here so they show while typing).

import type { BlueprintContent, Evaluator, Rubric, Thresholds } from '../bindings';
import { parseModel } from '../runs/labels';

export type EvaluatorType = Evaluator['type'];

export interface EvaluatorKind {
  type: EvaluatorType;
  label: string;
  group: 'Text' | 'Format' | 'Limits' | 'Judge';
  /** One line for the add menu. */
  hint: string;
}

export const EVALUATOR_KINDS: readonly EvaluatorKind[] = [
  { type: 'contains', label: 'Contains', group: 'Text', hint: 'The answer contains a text (case-sensitive)' },
  { type: 'icontains', label: 'Contains, any case', group: 'Text', hint: 'The answer contains a text, ignoring case' },
  { type: 'not-contains', label: 'Does not contain', group: 'Text', hint: 'The answer never says a text' },
  { type: 'equals', label: 'Equals', group: 'Text', hint: 'The trimmed answer is exactly a text' },
  { type: 'starts-with', label: 'Starts with', group: 'Text', hint: 'The answer begins with a text' },
  { type: 'ends-with', label: 'Ends with', group: 'Text', hint: 'The answer ends with a text' },
  { type: 'regex', label: 'Matches a pattern', group: 'Text', hint: 'A regular expression matches somewhere in the answer' },
  { type: 'is-json', label: 'Is JSON', group: 'Format', hint: 'The answer is JSON, alone or in one ```json block' },
  { type: 'json-schema', label: 'Matches a JSON schema', group: 'Format', hint: 'The answer is JSON valid against a schema' },
  { type: 'length', label: 'Length', group: 'Format', hint: 'The answer has between min and max characters' },
  { type: 'latency', label: 'Latency', group: 'Limits', hint: 'The whole answer came within a time' },
  { type: 'cost', label: 'Cost', group: 'Limits', hint: 'The call cost at most an amount' },
  { type: 'tokens', label: 'Tokens', group: 'Limits', hint: 'Output or total tokens stay under a limit' },
  { type: 'judge', label: 'LLM judge', group: 'Judge', hint: 'A model grades the answer with a rubric' },
];

export const KIND_GROUPS = ['Text', 'Format', 'Limits', 'Judge'] as const;

export function kindOf(type: string): EvaluatorKind | undefined {
  return EVALUATOR_KINDS.find((k) => k.type === type);
}

/** Types whose check is a text value (`value`), rendered as a template. */
export const VALUE_TYPES: readonly EvaluatorType[] = ['contains', 'icontains', 'not-contains', 'equals', 'starts-with', 'ends-with'];

export const CUSTOM_METRIC = 'custom';
export const DEFAULT_PASS_SCORE = 0.5;

/** `name`, else `name-2`, `name-3`… not in `taken`. */
export function freeName(base: string, taken: readonly string[]): string {
  const names = new Set(taken);
  if (!names.has(base)) return base;
  for (let i = 2; ; i++) if (!names.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** A new evaluator of a kind, named after it, with fields to fill in. */
export function newEvaluator(type: EvaluatorType, taken: readonly string[], judgeModel: string): Evaluator {
  const base = { weight: 1 };
  const named = (n: string) => ({ ...base, name: freeName(n, taken) });
  switch (type) {
    case 'contains':
    case 'icontains':
    case 'starts-with':
    case 'ends-with':
      return { ...named(type), type, value: '' };
    case 'not-contains':
    case 'equals':
      return { ...named(type), type, value: '' };
    case 'regex':
      return { ...named('pattern'), type, pattern: '' };
    case 'is-json':
      return { ...named('json'), type };
    case 'json-schema':
      return { ...named('schema'), type, schema: { type: 'object' } };
    case 'length':
      return { ...named('length'), type, max: 1000 };
    case 'latency':
      return { ...named('latency'), type, maxMs: 5000 };
    case 'cost':
      return { ...named('cost'), type, maxUsd: 0.01 };
    case 'tokens':
      return { ...named('tokens'), type, maxOutput: 512 };
    case 'judge':
      return { ...named('correctness'), type, metric: 'correctness', model: judgeModel, passScore: DEFAULT_PASS_SCORE };
  }
}

/** `"text"`, cut at 40 characters. */
function quoted(s: string): string {
  const t = s.length > 40 ? `${s.slice(0, 40)}…` : s;
  return `“${t}”`;
}

function money(x: number): string {
  return `$${Number(x.toFixed(6))}`;
}

/** What an evaluator checks, in one line. */
export function describeEvaluator(e: Evaluator, rubrics: readonly Rubric[] | null = null): string {
  switch (e.type) {
    case 'contains':
      return `contains ${quoted(e.value)}`;
    case 'icontains':
      return `contains ${quoted(e.value)}, any case`;
    case 'not-contains':
      return `does not contain ${quoted(e.value)}${e.ignoreCase ? ', any case' : ''}`;
    case 'equals':
      return `equals ${quoted(e.value)}${e.ignoreCase ? ', any case' : ''}`;
    case 'starts-with':
      return `starts with ${quoted(e.value)}`;
    case 'ends-with':
      return `ends with ${quoted(e.value)}`;
    case 'regex':
      return `matches /${e.pattern.length > 40 ? `${e.pattern.slice(0, 40)}…` : e.pattern}/`;
    case 'is-json':
      return 'is valid JSON';
    case 'json-schema':
      return 'is JSON matching a schema';
    case 'length':
      if (e.min !== undefined && e.max !== undefined) return `${e.min}–${e.max} characters`;
      if (e.min !== undefined) return `at least ${e.min} characters`;
      if (e.max !== undefined) return `at most ${e.max} characters`;
      return 'length (no bounds yet)';
    case 'latency':
      return `answers within ${e.maxMs >= 1000 ? `${Number((e.maxMs / 1000).toFixed(2))} s` : `${e.maxMs} ms`}`;
    case 'cost':
      return `costs at most ${money(e.maxUsd)}`;
    case 'tokens': {
      const parts = [];
      if (e.maxOutput !== undefined) parts.push(`≤ ${e.maxOutput} output tokens`);
      if (e.maxTotal !== undefined) parts.push(`≤ ${e.maxTotal} in all`);
      return parts.join(', ') || 'tokens (no limit yet)';
    }
    case 'judge': {
      const title = e.metric === CUSTOM_METRIC ? 'custom rubric' : (rubrics?.find((r) => r.id === e.metric)?.title ?? e.metric);
      return `${title} judged by ${e.model || 'no model'} · passes at ${Math.round(e.passScore * 100)}%`;
    }
  }
}

// ---- problems ------------------------------------------------------------------------------

/** A problem of one field; `hint` ones are this editor's guesses, the engine has the last word. */
export interface Problem {
  /** The evaluator's position; absent for a threshold. */
  index?: number;
  /** As the engine names it: `value`, `pattern`, `minMean.correctness`. */
  field: string;
  message: string;
  severity: 'error' | 'hint';
}

export function isTemplate(src: string): boolean {
  return src.includes('{{') || src.includes('{%') || src.includes('{#');
}

/** A tag opened and never closed, the one template error worth catching while typing. */
export function templateProblem(src: string): string | null {
  const close: Record<string, string> = { '{{': '}}', '{%': '%}', '{#': '#}' };
  let i = 0;
  while (i < src.length - 1) {
    const open = src.slice(i, i + 2);
    const want = close[open];
    if (!want) {
      i++;
      continue;
    }
    const end = src.indexOf(want, i + 2);
    if (end < 0) {
      const what = open === '{{' ? 'variable block' : open === '{%' ? 'block' : 'comment';
      return `template error: \`${open}\` is never closed (expected the end of the ${what}, \`${want}\`)`;
    }
    i = end + 2;
  }
  return null;
}

/**
 * Whether JavaScript compiles a pattern: a hint only, since the engine uses Rust's `regex`
 * (no look-around or back-references; `(?i)` flags at the start are fine).
 */
export function regexProblem(pattern: string): string | null {
  const m = /^\(\?([imsxU]+)\)/.exec(pattern);
  const body = m ? pattern.slice(m[0].length) : pattern;
  const flags = m ? [...new Set(m[1]!.replace(/[xU]/g, ''))].join('') : '';
  try {
    new RegExp(body, flags);
  } catch (e) {
    return `the pattern does not compile: ${(e as Error).message.replace(/^Invalid regular expression: /, '')}`;
  }
  if (/\(\?<?[=!]/.test(body)) return 'look-around `(?=…)`, `(?!…)` is not supported by the engine’s regex syntax';
  if (/\\[1-9]/.test(body)) return 'back-references like `\\1` are not supported by the engine’s regex syntax';
  return null;
}

/** Reads a JSON schema as typed: the value, or why it is not one. */
export function parseSchema(text: string): { ok: true; value: unknown } | { ok: false; error: string } {
  const t = text.trim();
  if (!t) return { ok: false, error: 'write a JSON schema, e.g. {"type": "object", "required": ["answer"]}' };
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
  }
  if (typeof value !== 'object' && typeof value !== 'boolean') return { ok: false, error: 'a JSON schema is an object (or true / false)' };
  if (Array.isArray(value) || value === null) return { ok: false, error: 'a JSON schema is an object (or true / false)' };
  return { ok: true, value };
}

function checkProblems(e: Evaluator, rubrics: readonly Rubric[] | null): Array<Omit<Problem, 'index'>> {
  const out: Array<Omit<Problem, 'index'>> = [];
  const err = (field: string, message: string) => out.push({ field, message, severity: 'error' });
  const text = (field: string, value: string) => {
    if (value === '') err(field, `\`${field}\` is empty`);
    else {
      const t = templateProblem(value);
      if (t) err(field, t);
    }
  };
  switch (e.type) {
    case 'contains':
    case 'icontains':
    case 'not-contains':
    case 'equals':
    case 'starts-with':
    case 'ends-with':
      text('value', e.value);
      break;
    case 'regex':
      text('pattern', e.pattern);
      if (e.pattern !== '' && !isTemplate(e.pattern)) {
        const r = regexProblem(e.pattern);
        if (r) out.push({ field: 'pattern', message: r, severity: 'hint' });
      }
      break;
    case 'is-json':
      break;
    case 'json-schema':
      if (typeof e.schema !== 'boolean' && (typeof e.schema !== 'object' || e.schema === null || Array.isArray(e.schema))) {
        err('schema', 'a JSON schema is an object (or true / false)');
      }
      break;
    case 'length':
      if (e.min === undefined && e.max === undefined) err('max', 'set `min`, `max` or both');
      else if (e.min !== undefined && e.max !== undefined && e.min > e.max) err('min', `min ${e.min} is greater than max ${e.max}`);
      for (const [field, v] of [['min', e.min], ['max', e.max]] as const) {
        if (v !== undefined && !(Number.isInteger(v) && v >= 0)) err(field, `\`${field}\` is a whole number of characters, not ${v}`);
      }
      break;
    case 'latency':
      if (!(e.maxMs > 0)) err('maxMs', 'the latency limit must be above 0 ms');
      else if (!Number.isInteger(e.maxMs)) err('maxMs', `the latency limit is whole milliseconds, not ${e.maxMs}`);
      break;
    case 'cost':
      if (!(Number.isFinite(e.maxUsd) && e.maxUsd >= 0)) err('maxUsd', `the cost limit must be a non-negative amount, not ${e.maxUsd}`);
      break;
    case 'tokens':
      if (e.maxOutput === undefined && e.maxTotal === undefined) err('maxOutput', 'set `maxOutput`, `maxTotal` or both');
      break;
    case 'judge': {
      const hasRubric = (e.rubric ?? '').trim() !== '';
      if (e.metric === CUSTOM_METRIC) {
        if (!hasRubric) err('rubric', 'a custom metric needs its rubric: say what a good answer is');
      } else if (rubrics && !rubrics.some((r) => r.id === e.metric)) {
        err('metric', `unknown metric \`${e.metric}\`: use one of ${rubrics.map((r) => r.id).join(', ')}, or \`custom\` with a rubric`);
      } else if (e.rubric !== undefined) {
        err('rubric', `a rubric is only used with the \`custom\` metric, not \`${e.metric}\``);
      }
      if (!parseModel(e.model).ok) {
        err('model', `judge model \`${e.model}\` must be \`provider:model\` with provider \`local\`, \`bedrock\` or \`openai\`, e.g. \`local:SmolLM2-135M-Instruct\``);
      }
      if (!(e.passScore >= 0 && e.passScore <= 1)) {
        err('passScore', `pass score must be between 0 and 1 (a normalised score), not ${e.passScore}`);
      }
      break;
    }
  }
  return out;
}

/** Every problem of a list of evaluators, as the engine checks them on save (`rubrics` when known). */
export function evaluatorProblems(list: readonly Evaluator[], rubrics: readonly Rubric[] | null = null): Problem[] {
  const out: Problem[] = [];
  const seen = new Set<string>();
  list.forEach((e, index) => {
    const err = (field: string, message: string) => out.push({ index, field, message, severity: 'error' });
    if (e.name.trim() === '') err('name', 'give the evaluator a name');
    else if (seen.has(e.name)) err('name', `another evaluator is already named \`${e.name}\``);
    else seen.add(e.name);
    if (!(Number.isFinite(e.weight) && e.weight > 0)) err('weight', `weight must be a positive number, not ${e.weight}`);
    for (const p of checkProblems(e, rubrics)) out.push({ ...p, index });
  });
  return out;
}

/** Problems of the thresholds: ranges, and means of evaluators the version does not have. */
export function thresholdProblems(t: Thresholds | undefined, list: readonly Evaluator[]): Problem[] {
  const out: Problem[] = [];
  if (!t) return out;
  const err = (field: string, message: string) => out.push({ field, message, severity: 'error' });
  if (t.minPassRate !== undefined && !(t.minPassRate >= 0 && t.minPassRate <= 1)) {
    err('minPassRate', `the pass rate is a share between 0 and 1 (0.8 = 80%), not ${t.minPassRate}`);
  }
  for (const [name, min] of Object.entries(t.minMean ?? {})) {
    if (min === undefined) continue;
    if (!list.some((e) => e.name === name)) err(`minMean.${name}`, `no evaluator is named \`${name}\``);
    if (!(min >= 0 && min <= 1)) err(`minMean.${name}`, `a mean score is between 0 and 1, not ${min}`);
  }
  if (t.maxCostPerCaseUsd !== undefined && !(Number.isFinite(t.maxCostPerCaseUsd) && t.maxCostPerCaseUsd >= 0)) {
    err('maxCostPerCaseUsd', `the cost limit must be a non-negative amount, not ${t.maxCostPerCaseUsd}`);
  }
  if (t.maxP95LatencyMs !== undefined && !(t.maxP95LatencyMs > 0)) err('maxP95LatencyMs', 'the latency limit must be above 0 ms');
  return out;
}

/** What the gate asks for, in one line: `pass rate ≥ 80% · mean correctness ≥ 0.70`. */
export function describeThresholds(t: Thresholds | undefined): string {
  if (!t) return '';
  const parts: string[] = [];
  if (t.minPassRate !== undefined) parts.push(`pass rate ≥ ${Number((t.minPassRate * 100).toFixed(1))}%`);
  for (const [name, min] of Object.entries(t.minMean ?? {})) if (min !== undefined) parts.push(`mean ${name} ≥ ${min.toFixed(2)}`);
  if (t.maxCostPerCaseUsd !== undefined) parts.push(`cost per case ≤ ${money(t.maxCostPerCaseUsd)}`);
  if (t.maxP95LatencyMs !== undefined) parts.push(`p95 latency ≤ ${t.maxP95LatencyMs} ms`);
  return parts.join(' · ');
}

// ---- changing the content -----------------------------------------------------------------
// Empty lists and limits are left out of the content, so adding and removing again changes nothing.
// The content may be reactive: an object is read back after it is set (what `??=` returns is the
// plain object, not the state that holds it).

export function evaluatorsOf(c: BlueprintContent): Evaluator[] {
  return c.evaluators ?? [];
}

/** Drops what is empty: no evaluators, no thresholds, an empty `minMean`. */
export function tidy(c: BlueprintContent): void {
  if (c.evaluators && c.evaluators.length === 0) delete c.evaluators;
  const t = c.thresholds;
  if (!t) return;
  if (t.minMean) {
    for (const [k, v] of Object.entries(t.minMean)) if (v === undefined) delete t.minMean[k];
    if (Object.keys(t.minMean).length === 0) delete t.minMean;
  }
  for (const k of ['minPassRate', 'maxCostPerCaseUsd', 'maxP95LatencyMs'] as const) if (t[k] === undefined) delete t[k];
  if (Object.keys(t).length === 0) delete c.thresholds;
}

/** Sets or clears (`null`) one limit. */
export function setLimit(c: BlueprintContent, key: 'minPassRate' | 'maxCostPerCaseUsd' | 'maxP95LatencyMs', value: number | null): void {
  c.thresholds ??= {};
  if (value === null) delete c.thresholds[key];
  else c.thresholds[key] = value;
  tidy(c);
}

/** Sets or clears (`null`) the minimum mean of one evaluator. */
export function setMinMean(c: BlueprintContent, name: string, value: number | null): void {
  c.thresholds ??= {};
  c.thresholds.minMean ??= {};
  if (value === null) delete c.thresholds.minMean[name];
  else c.thresholds.minMean[name] = value;
  tidy(c);
}

/** Renames an evaluator, and its minimum mean with it. */
export function renameEvaluator(c: BlueprintContent, index: number, name: string): void {
  const e = c.evaluators?.[index];
  if (!e) return;
  const old = e.name;
  e.name = name;
  const means = c.thresholds?.minMean;
  if (means && old !== name && means[old] !== undefined && !c.evaluators!.some((x, i) => i !== index && x.name === old)) {
    means[name] = means[old];
    delete means[old];
  }
}

/** Removes an evaluator and the minimum mean that named it. */
export function removeEvaluator(c: BlueprintContent, index: number): void {
  const e = c.evaluators?.[index];
  if (!e) return;
  c.evaluators!.splice(index, 1);
  const means = c.thresholds?.minMean;
  if (means && !c.evaluators!.some((x) => x.name === e.name)) delete means[e.name];
  tidy(c);
}

export function moveEvaluator(c: BlueprintContent, index: number, delta: -1 | 1): void {
  const list = c.evaluators;
  const j = index + delta;
  if (!list || j < 0 || j >= list.length) return;
  [list[index], list[j]] = [list[j]!, list[index]!];
}

/** Changes an evaluator to another kind, keeping its name, weight and what still applies. */
export function changeType(e: Evaluator, type: EvaluatorType, judgeModel: string): Evaluator {
  const fresh = newEvaluator(type, [], judgeModel);
  const keep: Record<string, unknown> = { ...fresh, name: e.name, weight: e.weight };
  if ('value' in e && 'value' in fresh) keep.value = e.value;
  if ('value' in e && type === 'regex' && e.value !== '') {
    keep.pattern = isTemplate(e.value) ? e.value : e.value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return keep as Evaluator;
}
