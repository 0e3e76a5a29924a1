// A naive stand-in for the engine's template checking and rendering, for the mock host only:
// it finds `{{ }}` / `{% %}` tags, the names they use, and replaces `{{ name }}` with values.

import type {
  BlueprintContent,
  RenderedMessage,
  TemplateIssue,
  TemplateReport,
  TemplatesRenderRes,
} from '../../bindings';
import { templatesOf } from '../content';

const KEYWORDS = new Set([
  'if', 'elif', 'else', 'endif', 'for', 'endfor', 'in', 'not', 'and', 'or', 'is', 'true', 'false',
  'none', 'True', 'False', 'None', 'set', 'endset', 'loop', 'range', 'dict', 'namespace', 'debug',
  'with', 'endwith', 'macro', 'endmacro', 'raw', 'endraw', 'filter', 'endfilter', 'block', 'endblock',
]);

interface Tag {
  kind: '{{' | '{%' | '{#';
  start: number;
  end: number; // index after the closing delimiter
  inner: string;
  innerStart: number;
}

interface Scan {
  tags: Tag[];
  error?: { at: number; message: string };
}

const CLOSE = { '{{': '}}', '{%': '%}', '{#': '#}' } as const;

function scan(src: string): Scan {
  const tags: Tag[] = [];
  let i = 0;
  while (i < src.length - 1) {
    const open = src.slice(i, i + 2);
    if (open !== '{{' && open !== '{%' && open !== '{#') {
      i++;
      continue;
    }
    const close = CLOSE[open];
    const end = src.indexOf(close, i + 2);
    if (end < 0) {
      const what = open === '{{' ? 'variable block' : open === '{%' ? 'block' : 'comment';
      return { tags, error: { at: i, message: `syntax error: unexpected end of input, expected end of ${what}` } };
    }
    tags.push({ kind: open, start: i, end: end + 2, inner: src.slice(i + 2, end), innerStart: i + 2 });
    i = end + 2;
  }
  return { tags };
}

/** 1-based line and UTF-16 column of string index `at`. */
export function lineCol(src: string, at: number): { line: number; column: number } {
  const before = src.slice(0, at);
  const line = before.split('\n').length;
  const column = at - (before.lastIndexOf('\n') + 1) + 1;
  return { line, column };
}

interface Use {
  name: string;
  at: number;
}

/** Names a tag reads (not attributes, not strings, not keywords, not filters, not loop targets). */
function namesIn(tag: Tag, bound: Set<string>): Use[] {
  if (tag.kind === '{#') return [];
  const out: Use[] = [];
  const re = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[A-Za-z_]\w*/g;
  let m: RegExpExecArray | null;
  const forMatch = tag.kind === '{%' ? /^\s*-?\s*for\s+([A-Za-z_]\w*)(?:\s*,\s*([A-Za-z_]\w*))?\s+in\b/.exec(tag.inner) : null;
  const setMatch = tag.kind === '{%' ? /^\s*-?\s*set\s+([A-Za-z_]\w*)/.exec(tag.inner) : null;
  const targets = new Set<string>([forMatch?.[1], forMatch?.[2], setMatch?.[1]].filter((x): x is string => !!x));
  while ((m = re.exec(tag.inner)) !== null) {
    const word = m[0];
    const before = tag.inner.slice(0, m.index).trimEnd();
    const last = before.at(-1) ?? '';
    if (word.startsWith('"') || word.startsWith("'")) {
      continue;
    }
    const isFilter = last === '|';
    const isAttr = last === '.';
    if (!isFilter && !isAttr && !KEYWORDS.has(word) && !bound.has(word) && !targets.has(word)) {
      out.push({ name: word, at: tag.innerStart + m.index });
    }
  }
  for (const t of targets) bound.add(t);
  return out;
}

interface TemplateScan {
  place: string;
  text: string;
  issues: TemplateIssue[];
  uses: Use[];
  tags: Tag[];
}

function scanTemplate(place: string, text: string): TemplateScan {
  const s = scan(text);
  const issues: TemplateIssue[] = [];
  if (s.error) {
    const { line, column } = lineCol(text, s.error.at);
    issues.push({ place, kind: 'syntax', line, column, length: 2, message: s.error.message });
    return { place, text, issues, uses: [], tags: [] };
  }
  const bound = new Set<string>();
  const uses = s.tags.flatMap((t) => namesIn(t, bound));
  return { place, text, issues, uses, tags: s.tags };
}

export function mockCheck(content: BlueprintContent): TemplateReport {
  const issues: TemplateIssue[] = [];
  const variables: string[] = [];
  for (const { place, text } of templatesOf(content)) {
    const t = scanTemplate(place, text);
    issues.push(...t.issues);
    for (const u of t.uses) if (!variables.includes(u.name)) variables.push(u.name);
  }
  return { issues, variables };
}

function convert(type: string, raw: string): string | null {
  if (type === 'number') return raw.trim() !== '' && Number.isFinite(Number(raw)) ? String(Number(raw)) : null;
  if (type === 'boolean') {
    const v = raw.trim().toLowerCase();
    if (['true', 'yes', '1'].includes(v)) return 'true';
    if (['false', 'no', '0'].includes(v)) return 'false';
    return null;
  }
  if (type === 'json') {
    try {
      return JSON.stringify(JSON.parse(raw));
    } catch {
      return null;
    }
  }
  return raw;
}

export function mockRender(content: BlueprintContent, values: { [k: string]: string | undefined }): TemplatesRenderRes {
  const scans = templatesOf(content).map(({ place, text }) => scanTemplate(place, text));
  const syntax = scans.flatMap((s) => s.issues);
  if (syntax.length) return { messages: [], issues: syntax };
  const ctx = new Map<string, string>();
  const issues: TemplateIssue[] = [];
  const seen = new Set<string>();
  for (const s of scans) {
    for (const u of s.uses) {
      if (seen.has(u.name)) continue;
      seen.add(u.name);
      const decl = content.variables.find((v) => v.name === u.name);
      const raw = values[u.name] ?? decl?.default ?? null;
      if (raw === null) {
        const { line, column } = lineCol(s.text, u.at);
        issues.push({
          place: s.place, kind: 'missingValue', line, column, length: u.name.length,
          message: `undefined variable \`${u.name}\`: give it a value or a default`,
        });
        continue;
      }
      const v = convert(decl?.type ?? 'string', raw);
      if (v === null) {
        issues.push({
          place: 'variables', kind: 'badValue', line: 0, column: 0, length: 0,
          message: `variable \`${u.name}\`: \`${raw}\` is not a ${decl?.type ?? 'string'}`,
        });
      } else {
        ctx.set(u.name, v);
      }
    }
  }
  if (issues.length) return { messages: [], issues };
  const roles = ['system', ...content.messages.map((m) => m.role)];
  const messages: RenderedMessage[] = [];
  scans.forEach((s, i) => {
    if (i === 0 && s.text.trim() === '') return;
    let out = '';
    let pos = 0;
    for (const t of s.tags) {
      out += s.text.slice(pos, t.start);
      if (t.kind === '{{') {
        const name = /^\s*([A-Za-z_]\w*)/.exec(t.inner)?.[1];
        out += name !== undefined && ctx.has(name) ? ctx.get(name) : t.inner.trim();
      }
      pos = t.end;
    }
    out += s.text.slice(pos);
    messages.push({ role: roles[i] ?? 'user', text: out });
  });
  return { messages, issues: [] };
}
