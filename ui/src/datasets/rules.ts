// The rules a dataset keeps, as the engine states them (galley-core `dataset::content`): variable
// names, tags, the problems of a content, and the file formats. The UI shows them before saving;
// the engine still has the last word.

import type { DatasetContent, DatasetFormat, DatasetIssue } from '../bindings';

/** CSV columns kept for case fields (compared case-insensitively), with the field each gives. */
const RESERVED: ReadonlyArray<[string, 'reference' | 'category' | 'tags']> = [
  ['reference', 'reference'],
  ['referenceresponse', 'reference'],
  ['expected', 'reference'],
  ['reference_answer', 'reference'],
  ['category', 'category'],
  ['tags', 'tags'],
];

/** Words a Jinja expression reads as literals or operators. */
const JINJA_WORDS = ['true', 'false', 'none', 'True', 'False', 'None', 'and', 'or', 'not', 'in', 'is', 'if', 'else', 'loop', 'self', 'super'];

/** The prefix of a CSV column holding a model's brought response. */
export const RESPONSE_PREFIX = 'response:';

/** The case field a reserved column name stands for, if it is one. */
export function reservedField(name: string): 'reference' | 'category' | 'tags' | null {
  const lower = name.toLowerCase();
  return RESERVED.find(([c]) => c === lower)?.[1] ?? null;
}

/** Why `name` cannot be a variable, or null when it can. */
export function variableNameProblem(name: string): string | null {
  if (name === '') return 'a variable needs a name';
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
    return `\`${name}\` is not a variable name: use letters, digits and \`_\`, not starting with a digit`;
  }
  if (JINJA_WORDS.includes(name)) return `\`${name}\` is a Jinja word: choose another variable name`;
  const field = reservedField(name);
  if (field) return `\`${name}\` is reserved for the case's ${field}: choose another variable name`;
  return null;
}

/** Tags as typed in a cell (`a; b | c`): trimmed, without empties or repeats, in order. */
export function splitTags(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split(/[;|]/)) {
    const t = raw.trim();
    if (t && !out.includes(t)) out.push(t);
  }
  return out;
}

export function joinTags(tags: readonly string[] | undefined): string {
  return (tags ?? []).join('; ');
}

function casesPhrase(first: number, n: number): string {
  return n === 1 ? `case ${first + 1}` : `${n} cases (first: case ${first + 1})`;
}

/**
 * Everything wrong with a content, in the engine's words and order. Errors (the engine refuses
 * to save): a bad, reserved or repeated variable name; a value for an undeclared variable; a bad
 * tag; a response without a model or two of one model. Warnings: a case without a value for a
 * variable (rendering then uses the blueprint's default).
 */
export function validateContent(c: DatasetContent): DatasetIssue[] {
  const issues: DatasetIssue[] = [];
  const seen = new Set<string>();
  const declared: string[] = [];
  for (const name of c.variables) {
    const bad = variableNameProblem(name);
    if (bad) issues.push({ severity: 'error', variable: name, message: bad });
    if (seen.has(name)) issues.push({ severity: 'error', variable: name, message: `variable \`${name}\` is declared twice` });
    else {
      seen.add(name);
      declared.push(name);
    }
  }
  const missing = new Map<string, [number, number]>();
  const undeclared = new Map<string, [number, number]>();
  const count = (m: Map<string, [number, number]>, name: string, i: number) => {
    const e = m.get(name);
    if (e) e[1]++;
    else m.set(name, [i, 1]);
  };
  c.cases.forEach((kase, i) => {
    for (const name of declared) if (kase.values[name] === undefined) count(missing, name, i);
    for (const name of Object.keys(kase.values).sort()) if (!seen.has(name) && kase.values[name] !== undefined) count(undeclared, name, i);
    for (const tag of kase.tags ?? []) {
      let why: string | null = null;
      if (tag.trim() === '') why = 'a tag is empty';
      else if (tag.trim() !== tag) why = `tag \`${tag}\` starts or ends with a space`;
      else {
        const sep = [...tag].find((ch) => ch === ';' || ch === '|');
        if (sep) why = `tag \`${tag}\` contains \`${sep}\`, which separates tags in CSV files`;
      }
      if (why) issues.push({ severity: 'error', case: i, message: `case ${i + 1}: ${why}` });
    }
    const models: string[] = [];
    for (const r of kase.responses ?? []) {
      if (r.model.trim() === '') issues.push({ severity: 'error', case: i, message: `case ${i + 1}: a response has no model` });
      else if (models.includes(r.model)) issues.push({ severity: 'error', case: i, message: `case ${i + 1}: two responses of model \`${r.model}\`` });
      models.push(r.model);
    }
  });
  for (const [name, [first, n]] of [...undeclared].sort(([a], [b]) => (a < b ? -1 : 1))) {
    issues.push({
      severity: 'error',
      case: first,
      variable: name,
      message: `${casesPhrase(first, n)} ha${n === 1 ? 's' : 've'} a value for \`${name}\`, which is not a declared variable`,
    });
  }
  for (const name of declared) {
    const m = missing.get(name);
    if (!m) continue;
    const [first, n] = m;
    issues.push({
      severity: 'warning',
      case: first,
      variable: name,
      message: `${casesPhrase(first, n)} ha${n === 1 ? 's' : 've'} no value for \`${name}\`: rendering uses the blueprint's default`,
    });
  }
  return issues;
}

// ---- formats -------------------------------------------------------------------------------

export const FORMATS: ReadonlyArray<{ id: DatasetFormat; label: string; extension: string; mime: string; note: string }> = [
  { id: 'csv', label: 'CSV', extension: 'csv', mime: 'text/csv', note: 'One column per variable, then reference, category and tags (`;`-separated).' },
  { id: 'jsonl', label: 'JSON Lines', extension: 'jsonl', mime: 'application/x-ndjson', note: 'Galley’s lines: values, reference, category, tags and responses.' },
  {
    id: 'bedrock-jsonl',
    label: 'Bedrock JSONL',
    extension: 'jsonl',
    mime: 'application/x-ndjson',
    note: 'Bedrock’s evaluation format: the dataset’s one variable is the prompt; tags are left out.',
  },
];

export function formatLabel(f: DatasetFormat): string {
  return FORMATS.find((x) => x.id === f)?.label ?? f;
}

/** The extensions the import accepts. */
export const IMPORT_EXTENSIONS = ['csv', 'jsonl', 'ndjson'];

/**
 * The format of a text: JSON Lines when its first non-blank line starts with `{`, Bedrock's when
 * that object has a `prompt` and no `values` or `vars`; anything else is CSV.
 */
export function detectFormat(text: string): DatasetFormat {
  const first = text.replace(/^\uFEFF/, '').split('\n').map((l) => l.trim()).find((l) => l !== '');
  if (!first || !first.startsWith('{')) return 'csv';
  try {
    const o = JSON.parse(first) as unknown;
    if (o && typeof o === 'object' && !Array.isArray(o) && 'prompt' in o && !('values' in o) && !('vars' in o)) return 'bedrock-jsonl';
  } catch {
    // not JSON: Galley's reader says why
  }
  return 'jsonl';
}

/** The format of a file from its name (`.csv`, `.jsonl`, `.ndjson`), refined by its text. */
export function guessFormat(fileName: string, text: string): DatasetFormat {
  const ext = /\.([^./\\]+)$/.exec(fileName)?.[1]?.toLowerCase();
  if (ext === 'csv') return 'csv';
  if (ext === 'jsonl' || ext === 'ndjson') {
    const d = detectFormat(text);
    return d === 'csv' ? 'jsonl' : d;
  }
  return detectFormat(text);
}

/** `tickets.csv` of `/home/me/tickets.csv` (either slash). */
export function fileLabel(path: string): string {
  return path.split(/[/\\]/).pop() || path;
}

/** `tickets` of `/home/me/tickets.csv`. */
export function fileStem(path: string): string {
  const name = fileLabel(path);
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(0, dot) : name;
}

/** `support-tickets-v2.csv`: a file name for an export. */
export function exportFileName(datasetName: string, version: number, format: DatasetFormat): string {
  const base = datasetName.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'dataset';
  const ext = FORMATS.find((f) => f.id === format)?.extension ?? 'txt';
  return `${base}${format === 'bedrock-jsonl' ? '-bedrock' : ''}-v${version}.${ext}`;
}

/**
 * An import error as the engine writes it, split for reading: the headline, one problem per
 * line (`line 4: …`, with the line number apart) and what was left uncounted.
 */
export function importProblems(message: string): { headline: string; problems: Array<{ line: number | null; text: string }>; more: string | null } {
  const [headline = '', ...rest] = message.split('\n');
  const problems: Array<{ line: number | null; text: string }> = [];
  let more: string | null = null;
  for (const raw of rest) {
    if (raw.trim() === '') continue;
    if (/^and \d+ more$/.test(raw)) {
      more = raw;
      continue;
    }
    const m = /^line (\d+): ([\s\S]*)$/.exec(raw);
    problems.push(m ? { line: Number(m[1]), text: m[2]! } : { line: null, text: raw });
  }
  return { headline, problems, more };
}
