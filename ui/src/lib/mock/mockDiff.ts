// A small diff for the mock host: lines by longest common subsequence, words inside changed
// lines. The engine has its own; this only has to look right in a plain browser.

import type {
  BlueprintContent,
  ContentDiff,
  DiffLine,
  DiffSegment,
  FieldChange,
  ModelSettings,
  TemplateDiff,
  VariableDecl,
} from '../../bindings';

type Op<T> = { op: 'equal' | 'insert' | 'delete'; a?: T; b?: T; ai?: number; bi?: number };

function lcs<T>(a: T[], b: T[]): Op<T>[] {
  const n = a.length;
  const m = b.length;
  const dp: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      dp[i]![j] = a[i] === b[j] ? dp[i + 1]![j + 1]! + 1 : Math.max(dp[i + 1]![j]!, dp[i]![j + 1]!);
    }
  }
  const out: Op<T>[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push({ op: 'equal', a: a[i], b: b[j], ai: i, bi: j });
      i++;
      j++;
    } else if (j < m && (i >= n || dp[i]![j + 1]! >= dp[i + 1]![j]!)) {
      out.push({ op: 'insert', b: b[j], bi: j });
      j++;
    } else {
      out.push({ op: 'delete', a: a[i], ai: i });
      i++;
    }
  }
  // Deletes first within each changed run, as unified diffs show them.
  const sorted: Op<T>[] = [];
  let run: Op<T>[] = [];
  const flush = () => {
    sorted.push(...run.filter((o) => o.op === 'delete'), ...run.filter((o) => o.op === 'insert'));
    run = [];
  };
  for (const o of out) {
    if (o.op === 'equal') {
      flush();
      sorted.push(o);
    } else run.push(o);
  }
  flush();
  return sorted;
}

function words(s: string): string[] {
  return s.match(/\s+|\w+|[^\s\w]/g) ?? [];
}

function segments(parts: Array<{ text: string; emph: boolean }>): DiffSegment[] {
  const out: DiffSegment[] = [];
  for (const p of parts) {
    const last = out.at(-1);
    if (last && last.emph === p.emph) last.text += p.text;
    else if (p.text) out.push({ ...p });
  }
  return out;
}

function wordSegments(oldLine: string, newLine: string): [DiffSegment[], DiffSegment[]] {
  const ops = lcs(words(oldLine), words(newLine));
  const del = segments(ops.filter((o) => o.op !== 'insert').map((o) => ({ text: o.a ?? '', emph: o.op === 'delete' })));
  const ins = segments(ops.filter((o) => o.op !== 'delete').map((o) => ({ text: o.b ?? '', emph: o.op === 'insert' })));
  return [del, ins];
}

export function mockDiffText(oldText: string, newText: string): DiffLine[] {
  const a = oldText === '' ? [] : oldText.replace(/\n$/, '').split('\n');
  const b = newText === '' ? [] : newText.replace(/\n$/, '').split('\n');
  const ops = lcs(a, b);
  const lines: DiffLine[] = ops.map((o) => ({
    op: o.op,
    oldLine: o.ai === undefined ? null : o.ai + 1,
    newLine: o.bi === undefined ? null : o.bi + 1,
    segments: segments([{ text: o.op === 'insert' ? o.b ?? '' : o.a ?? '', emph: false }]),
  }));
  // Pair each run of deletes with the inserts after it and emphasise the changed words.
  for (let i = 0; i < lines.length; ) {
    if (lines[i]!.op !== 'delete') {
      i++;
      continue;
    }
    let d = i;
    while (d < lines.length && lines[d]!.op === 'delete') d++;
    let e = d;
    while (e < lines.length && lines[e]!.op === 'insert') e++;
    for (let k = 0; k < Math.min(d - i, e - d); k++) {
      const del = lines[i + k]!;
      const ins = lines[d + k]!;
      const [ds, is] = wordSegments(a[del.oldLine! - 1]!, b[ins.newLine! - 1]!);
      del.segments = ds;
      ins.segments = is;
    }
    i = e;
  }
  return lines;
}

function templateDiff(place: string, oldText: string | undefined, newText: string | undefined): TemplateDiff {
  const lines = mockDiffText(oldText ?? '', newText ?? '');
  const inserted = lines.filter((l) => l.op === 'insert').length;
  const deleted = lines.filter((l) => l.op === 'delete').length;
  const status =
    oldText === undefined ? 'added' : newText === undefined ? 'removed' : inserted + deleted ? 'changed' : 'unchanged';
  return { place, status, inserted, deleted, lines };
}

function describeVar(v: VariableDecl): string {
  let s = v.type;
  if (v.default !== null) s += `, default ${JSON.stringify(v.default)}`;
  if (v.description) s += `, "${v.description}"`;
  return s;
}

function modelChanges(o: ModelSettings, n: ModelSettings): FieldChange[] {
  const str = (x: unknown) => (x === null || x === undefined ? null : String(x));
  const fields: Array<[string, string | null, string | null]> = [
    ['provider', o.provider, n.provider],
    ['model id', o.modelId, n.modelId],
    ['max tokens', str(o.maxTokens), str(n.maxTokens)],
    ['temperature', str(o.temperature), str(n.temperature)],
    ['top p', str(o.topP), str(n.topP)],
    ['stop sequences', JSON.stringify(o.stopSequences), JSON.stringify(n.stopSequences)],
  ];
  return fields.filter(([, a, b]) => a !== b).map(([field, old, now]) => ({ field, old, new: now }));
}

export function mockDiffContent(o: BlueprintContent, n: BlueprintContent): ContentDiff {
  const templates = [templateDiff('system', o.system, n.system)];
  for (let i = 0; i < Math.max(o.messages.length, n.messages.length); i++) {
    const om = o.messages[i];
    const nm = n.messages[i];
    const role = (nm ?? om)!.role;
    const d = templateDiff(`message ${i + 1} (${role})`, om?.template, nm?.template);
    if (om && nm && om.role !== nm.role) {
      d.status = 'changed';
      d.place = `message ${i + 1} (${om.role} → ${nm.role})`;
    }
    templates.push(d);
  }
  const variables: FieldChange[] = [];
  for (const v of o.variables) {
    const now = n.variables.find((x) => x.name === v.name);
    const a = describeVar(v);
    const b = now ? describeVar(now) : null;
    if (a !== b) variables.push({ field: v.name, old: a, new: b });
  }
  for (const v of n.variables) {
    if (!o.variables.some((x) => x.name === v.name)) variables.push({ field: v.name, old: null, new: describeVar(v) });
  }
  return { templates, variables, model: modelChanges(o.model, n.model), evaluation: evaluationChanges(o, n) };
}

function evaluationChanges(o: BlueprintContent, n: BlueprintContent): FieldChange[] {
  const out: FieldChange[] = [];
  const before = o.evaluators ?? [];
  const after = n.evaluators ?? [];
  for (const e of before) {
    const now = after.find((x) => x.name === e.name);
    const [a, b] = [JSON.stringify(e), now ? JSON.stringify(now) : null];
    if (a !== b) out.push({ field: `evaluator \`${e.name}\``, old: a, new: b });
  }
  for (const e of after) {
    if (!before.some((x) => x.name === e.name)) out.push({ field: `evaluator \`${e.name}\``, old: null, new: JSON.stringify(e) });
  }
  const [a, b] = [JSON.stringify(o.thresholds ?? {}), JSON.stringify(n.thresholds ?? {})];
  if (a !== b) out.push({ field: 'thresholds', old: a, new: b });
  return out;
}
