// Dataset files in the mock host: a small reader and writer of the engine's three formats (CSV,
// Galley JSON Lines, Bedrock JSON Lines), all-or-nothing like the engine's, with every bad row
// named by its line and the engine's messages for the cases the UI shows.

import type { Case, DatasetContent, DatasetFormat, ModelResponse } from '../../bindings';
import { RESPONSE_PREFIX, reservedField, splitTags, validateContent, variableNameProblem } from '../../datasets/rules';

/** At most this many problems are listed; the rest are counted. */
const MAX_PROBLEMS = 50;
const MAX_BEDROCK_RESPONSES = 2;
const MAX_BEDROCK_PROMPTS = 1000;

interface RowProblem {
  line: number;
  column?: string;
  message: string;
}

export type Imported = { ok: true; content: DatasetContent; warnings: string[] } | { ok: false; error: string };

class Problems {
  list: RowProblem[] = [];
  more = 0;
  push(line: number, column: string | undefined, message: string): void {
    if (this.list.length < MAX_PROBLEMS) this.list.push(column === undefined ? { line, message } : { line, column, message });
    else this.more++;
  }
  get count(): number {
    return this.list.length + this.more;
  }
  /** The engine's text of a failed import: a headline, then one problem per line. */
  text(): string {
    const total = this.count;
    const lines = [`the file was not imported: ${total} problem${total === 1 ? '' : 's'}`];
    for (const p of [...this.list].sort((a, b) => a.line - b.line)) {
      lines.push(p.column === undefined ? `line ${p.line}: ${p.message}` : `line ${p.line}: column ${JSON.stringify(p.column)}: ${p.message}`);
    }
    if (this.more > 0) lines.push(`and ${this.more} more`);
    return lines.join('\n');
  }
}

// ---- CSV -----------------------------------------------------------------------------------

interface CsvRecord {
  line: number;
  fields: string[];
  /** The line held no character at all (the reader skips it silently). */
  empty: boolean;
}

/** RFC 4180 records with the line each starts on; quoted fields may hold commas and line breaks. */
function csvRecords(text: string, problems: Problems): CsvRecord[] {
  const out: CsvRecord[] = [];
  let line = 1;
  let i = 0;
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let field = '';
    let quoted = false;
    let sawAny = false;
    for (;;) {
      if (i >= text.length) {
        if (quoted) problems.push(start, undefined, 'a quoted field is not closed: end it with `"`');
        break;
      }
      const ch = text[i]!;
      if (quoted) {
        if (ch === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
          } else {
            quoted = false;
            i++;
          }
          continue;
        }
        if (ch === '\n') line++;
        field += ch;
        i++;
        continue;
      }
      if (ch === '"' && field === '') {
        quoted = true;
        sawAny = true;
        i++;
        continue;
      }
      if (ch === ',') {
        fields.push(field);
        field = '';
        sawAny = true;
        i++;
        continue;
      }
      if (ch === '\r' && text[i + 1] === '\n') i++;
      if (ch === '\n' || ch === '\r') {
        i++;
        line++;
        break;
      }
      field += ch;
      sawAny = true;
      i++;
    }
    fields.push(field);
    out.push({ line: start, fields, empty: !sawAny });
  }
  return out;
}

const blank = (r: CsvRecord) => r.fields.every((f) => f.trim() === '');

type Column = { kind: 'variable'; name: string } | { kind: 'reference' | 'category' | 'tags' } | { kind: 'response'; model: string } | null;

const sameColumn = (a: Column, b: Column) => a !== null && b !== null && JSON.stringify(a) === JSON.stringify(b);

function importCsv(text: string): Imported {
  const problems = new Problems();
  const records = csvRecords(text.replace(/^\uFEFF/, ''), problems).filter((r) => !r.empty);
  const headIndex = records.findIndex((r) => !blank(r));
  const header = records[headIndex];
  if (!header) {
    problems.push(1, undefined, 'the file is empty: a CSV dataset starts with a header row of variable names');
    return { ok: false, error: problems.text() };
  }
  const columns: Column[] = [];
  const names: string[] = [];
  header.fields.forEach((raw, i) => {
    const name = raw.trim();
    let column: Column = null;
    const field = reservedField(name);
    if (name === '') problems.push(header.line, undefined, `column ${i + 1} has no name: name every column`);
    else if (field) column = { kind: field };
    else if (name.toLowerCase().startsWith(RESPONSE_PREFIX)) {
      const model = name.slice(RESPONSE_PREFIX.length).trim();
      if (model === '') problems.push(header.line, name, `a \`${RESPONSE_PREFIX}\` column needs a model: \`${RESPONSE_PREFIX}<model id>\``);
      else column = { kind: 'response', model };
    } else {
      const bad = variableNameProblem(name);
      if (bad) problems.push(header.line, name, bad);
      else column = { kind: 'variable', name };
    }
    const j = columns.findIndex((c) => sameColumn(c, column));
    if (j >= 0) {
      problems.push(header.line, name, names[j] === name ? `column \`${name}\` appears twice` : `columns \`${names[j]}\` and \`${name}\` give the same field`);
    }
    columns.push(column);
    names.push(name);
  });

  const cases: Case[] = [];
  const skipped: number[] = [];
  for (const r of records.slice(headIndex + 1)) {
    if (blank(r)) {
      skipped.push(r.line);
      continue;
    }
    if (r.fields.length !== header.fields.length) {
      problems.push(r.line, undefined, `${r.fields.length} fields, but the header has ${header.fields.length}: quote fields that contain commas or line breaks`);
      continue;
    }
    const kase: Case = { values: {} };
    columns.forEach((c, i) => {
      const cell = r.fields[i] ?? '';
      if (c?.kind === 'variable') kase.values[c.name] = cell;
      else if (c?.kind === 'reference' && cell !== '') kase.reference = cell;
      else if (c?.kind === 'category' && cell !== '') kase.category = cell;
      else if (c?.kind === 'tags') {
        const tags = splitTags(cell);
        if (tags.length) kase.tags = tags;
      } else if (c?.kind === 'response' && cell !== '') (kase.responses ??= []).push({ model: c.model, response: cell });
    });
    cases.push(kase);
  }
  if (problems.count > 0) return { ok: false, error: problems.text() };
  const warnings: string[] = [];
  if (skipped.length) {
    const n = skipped.length;
    warnings.push(`skipped ${n} empty row${n === 1 ? '' : 's'} (line${n === 1 ? '' : 's'} ${skipped.slice(0, 5).join(', ')}${n > 5 ? ', ...' : ''})`);
  }
  const variables = columns.flatMap((c) => (c?.kind === 'variable' ? [c.name] : []));
  return { ok: true, content: { variables, cases }, warnings };
}

function csvField(s: string): string {
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

function modelsOf(c: DatasetContent): string[] {
  const out: string[] = [];
  for (const r of c.cases.flatMap((k) => k.responses ?? [])) if (!out.includes(r.model)) out.push(r.model);
  return out;
}

function exportCsv(c: DatasetContent): string {
  const models = modelsOf(c);
  const rows = [[...c.variables, 'reference', 'category', 'tags', ...models.map((m) => `${RESPONSE_PREFIX}${m}`)]];
  for (const k of c.cases) {
    rows.push([
      ...c.variables.map((v) => k.values[v] ?? ''),
      k.reference ?? '',
      k.category ?? '',
      (k.tags ?? []).join(';'),
      ...models.map((m) => k.responses?.find((r) => r.model === m)?.response ?? ''),
    ]);
  }
  return rows.map((r) => r.map(csvField).join(',')).join('\n') + '\n';
}

// ---- JSON Lines ----------------------------------------------------------------------------

function jsonLines(text: string): Array<[number, string]> {
  return text
    .replace(/^\uFEFF/, '')
    .split('\n')
    .map((l, i): [number, string] => [i + 1, l.replace(/\r$/, '')])
    .filter(([, l]) => l.trim() !== '');
}

function kind(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  switch (typeof v) {
    case 'string': return 'a string';
    case 'number': return 'a number';
    case 'boolean': return 'a boolean';
    default: return 'an object';
  }
}

function parseObject(line: number, text: string, problems: Problems): Record<string, unknown> | null {
  let v: unknown;
  try {
    v = JSON.parse(text);
  } catch (e) {
    problems.push(line, undefined, `not valid JSON: ${(e as Error).message}`);
    return null;
  }
  if (v === null || typeof v !== 'object' || Array.isArray(v)) {
    problems.push(line, undefined, `each line must be a JSON object, found ${kind(v)}`);
    return null;
  }
  return v as Record<string, unknown>;
}

function optionalString(key: string, v: unknown, line: number, problems: Problems): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'string') return v === '' ? undefined : v;
  problems.push(line, key, `\`${key}\` must be a string, found ${kind(v)}`);
  return undefined;
}

function responsesOf(v: unknown, modelKey: 'model' | 'modelIdentifier', what: string): ModelResponse[] | string {
  if (v === null || v === undefined) return [];
  if (!Array.isArray(v)) return `\`${what}\` must be an array, found ${kind(v)}`;
  const out: ModelResponse[] = [];
  for (const item of v) {
    if (item === null || typeof item !== 'object' || Array.isArray(item)) return `a response must be an object with \`${modelKey}\` and \`response\`, found ${kind(item)}`;
    const o = item as Record<string, unknown>;
    const model = o[modelKey];
    const response = o.response;
    if (typeof model !== 'string' || typeof response !== 'string') return `a response needs both \`${modelKey}\` and \`response\` as strings`;
    if (model.trim() === '') return `a response has an empty \`${modelKey}\``;
    if (out.some((r) => r.model === model)) return `two responses of model \`${model}\``;
    out.push({ model, response });
  }
  return out;
}

function importJsonl(text: string): Imported {
  const problems = new Problems();
  const content: DatasetContent = { variables: [], cases: [] };
  for (const [line, raw] of jsonLines(text)) {
    const o = parseObject(line, raw, problems);
    if (!o) continue;
    const before = problems.count;
    const kase: Case = { values: {} };
    let valuesKey: string | null = null;
    for (const [key, value] of Object.entries(o)) {
      if (key === 'values' || key === 'vars') {
        if (valuesKey) {
          problems.push(line, key, `\`${valuesKey}\` and \`${key}\` both give values: keep one`);
          continue;
        }
        valuesKey = key;
        if (value === null) continue;
        if (typeof value !== 'object' || Array.isArray(value)) {
          problems.push(line, key, `\`${key}\` must be an object of variable values, found ${kind(value)}`);
          continue;
        }
        for (const [name, v] of Object.entries(value as Record<string, unknown>)) {
          const bad = variableNameProblem(name);
          if (bad) {
            problems.push(line, name, bad);
            continue;
          }
          if (!content.variables.includes(name)) content.variables.push(name);
          if (v !== null) kase.values[name] = typeof v === 'string' ? v : JSON.stringify(v);
        }
      } else if (key === 'reference' || key === 'category') {
        const s = optionalString(key, value, line, problems);
        if (s !== undefined) kase[key] = s;
      } else if (key === 'tags') {
        if (value === null) continue;
        if (!Array.isArray(value) || value.some((t) => typeof t !== 'string')) {
          problems.push(line, key, '`tags` must be an array of strings');
          continue;
        }
        const tags: string[] = [];
        for (const t of value as string[]) if (t.trim() !== '' && !tags.includes(t.trim())) tags.push(t.trim());
        const bad = tags.find((t) => /[;|]/.test(t));
        if (bad) problems.push(line, key, `tag \`${bad}\` contains \`${/;/.test(bad) ? ';' : '|'}\`, which separates tags in CSV files`);
        else if (tags.length) kase.tags = tags;
      } else if (key === 'responses') {
        const r = responsesOf(value, 'model', 'responses');
        if (typeof r === 'string') problems.push(line, key, r);
        else if (r.length) kase.responses = r;
      } else {
        const hint = ['prompt', 'referenceResponse', 'modelResponses'].includes(key) ? ' (this looks like a Bedrock dataset: import it as bedrock-jsonl)' : '';
        problems.push(line, key, `unknown key \`${key}\`: a line has values (or vars), reference, category, tags and responses${hint}`);
      }
    }
    if (problems.count === before) content.cases.push(kase);
  }
  if (problems.count > 0) return { ok: false, error: problems.text() };
  return { ok: true, content, warnings: [] };
}

function exportJsonl(c: DatasetContent): string {
  return c.cases
    .map((k) => {
      const values: Record<string, string | null> = {};
      for (const v of c.variables) values[v] = k.values[v] ?? null;
      const line: Record<string, unknown> = { values };
      if (k.reference !== undefined) line.reference = k.reference;
      if (k.category !== undefined) line.category = k.category;
      if (k.tags?.length) line.tags = k.tags;
      if (k.responses?.length) line.responses = k.responses;
      return JSON.stringify(line) + '\n';
    })
    .join('');
}

function importBedrock(text: string): Imported {
  const problems = new Problems();
  const cases: Case[] = [];
  for (const [line, raw] of jsonLines(text)) {
    const o = parseObject(line, raw, problems);
    if (!o) continue;
    const before = problems.count;
    const kase: Case = { values: {} };
    let prompt: string | null = null;
    for (const [key, value] of Object.entries(o)) {
      if (key === 'prompt') {
        if (typeof value !== 'string') problems.push(line, 'prompt', `\`prompt\` must be a string, found ${kind(value)}`);
        else if (value.trim() === '') problems.push(line, 'prompt', '`prompt` is empty');
        else prompt = value;
      } else if (key === 'referenceResponse') {
        const s = optionalString(key, value, line, problems);
        if (s !== undefined) kase.reference = s;
      } else if (key === 'category') {
        const s = optionalString(key, value, line, problems);
        if (s !== undefined) kase.category = s;
      } else if (key === 'modelResponses') {
        if (Array.isArray(value) && value.length > MAX_BEDROCK_RESPONSES) {
          problems.push(line, key, `${value.length} model responses: Bedrock takes at most ${MAX_BEDROCK_RESPONSES} per prompt`);
          continue;
        }
        const r = responsesOf(value, 'modelIdentifier', 'modelResponses');
        if (typeof r === 'string') problems.push(line, key, r);
        else if (r.length) kase.responses = r;
      } else {
        problems.push(line, key, `unknown key \`${key}\`: a Bedrock dataset line has prompt, referenceResponse, category and modelResponses`);
      }
    }
    if (prompt !== null) kase.values.prompt = prompt;
    else if (problems.count === before) problems.push(line, 'prompt', 'no `prompt`: every line needs one');
    if (problems.count === before) cases.push(kase);
  }
  if (problems.count > 0) return { ok: false, error: problems.text() };
  const warnings =
    cases.length > MAX_BEDROCK_PROMPTS
      ? [`${cases.length} prompts: a Bedrock evaluation job takes at most ${MAX_BEDROCK_PROMPTS}, so run this dataset in parts or sample it`]
      : [];
  return { ok: true, content: { variables: ['prompt'], cases }, warnings };
}

function exportBedrock(c: DatasetContent): string {
  const [variable, ...rest] = c.variables;
  if (variable === undefined || rest.length > 0) {
    const names = c.variables.length ? `${c.variables.length} (${c.variables.map((v) => `\`${v}\``).join(', ')})` : 'none';
    throw new Error(`a Bedrock dataset has one prompt per case, so the dataset needs exactly one variable; it has ${names}: remove or merge variables first`);
  }
  return c.cases
    .map((k, i) => {
      const prompt = k.values[variable];
      if (prompt === undefined || prompt.trim() === '') throw new Error(`case ${i + 1}: \`${variable}\` has no value, and Bedrock needs a prompt in every case`);
      if ((k.responses?.length ?? 0) > MAX_BEDROCK_RESPONSES) throw new Error(`case ${i + 1}: ${k.responses!.length} model responses, and Bedrock takes at most 2 per prompt`);
      const line: Record<string, unknown> = { prompt };
      if (k.reference !== undefined) line.referenceResponse = k.reference;
      if (k.category !== undefined) line.category = k.category;
      if (k.responses?.length) line.modelResponses = k.responses.map((r) => ({ response: r.response, modelIdentifier: r.model }));
      return JSON.stringify(line) + '\n';
    })
    .join('');
}

// ---- the entry points ----------------------------------------------------------------------

/** Reads a dataset file's text; missing values come back as warnings, as the engine's do. */
export function importDataset(text: string, format: DatasetFormat): Imported {
  const out = format === 'csv' ? importCsv(text) : format === 'jsonl' ? importJsonl(text) : importBedrock(text);
  if (!out.ok) return out;
  const issues = validateContent(out.content);
  return { ...out, warnings: [...out.warnings, ...issues.filter((i) => i.severity === 'warning').map((i) => i.message)] };
}

/** Writes a dataset in a format; throws an `Error` with the engine's message when it cannot. */
export function exportDataset(c: DatasetContent, format: DatasetFormat): string {
  const errors = validateContent(c).filter((i) => i.severity === 'error');
  if (errors.length) throw new Error(`the dataset has errors: ${errors.map((i) => i.message).join('; ')}`);
  if (format === 'csv') return exportCsv(c);
  if (format === 'jsonl') return exportJsonl(c);
  return exportBedrock(c);
}

/** The content as the engine serialises it (value keys sorted, empty fields left out). */
export function canonicalContent(c: DatasetContent): DatasetContent {
  return {
    variables: [...c.variables],
    cases: c.cases.map((k) => {
      const values: Record<string, string> = {};
      for (const name of Object.keys(k.values).sort()) {
        const v = k.values[name];
        if (v !== undefined) values[name] = v;
      }
      const out: Case = { values };
      if (k.reference !== undefined && k.reference !== '') out.reference = k.reference;
      if (k.category !== undefined && k.category !== '') out.category = k.category;
      if (k.tags?.length) out.tags = [...k.tags];
      if (k.responses?.length) out.responses = k.responses.map((r) => ({ model: r.model, response: r.response }));
      return out;
    }),
  };
}

/** A stable fingerprint of the canonical content (not the engine's SHA-256, but as stable). */
export function contentHash(c: DatasetContent): string {
  const s = JSON.stringify(canonicalContent(c));
  let out = '';
  for (const seed of [0x811c9dc5, 0x01000193, 0x9e3779b9, 0x85ebca6b]) {
    let h = seed >>> 0;
    for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193) >>> 0;
    out += h.toString(16).padStart(8, '0');
  }
  return out;
}
