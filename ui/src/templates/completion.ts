// Completion inside `{{ }}` and `{% %}`: the blueprint's variables, Jinja keywords in
// statements, and common filters after `|`.

import type { Completion, CompletionContext, CompletionResult } from '@codemirror/autocomplete';
import { JINJA_KEYWORDS } from './jinjaLanguage';

export const FILTERS = [
  'default', 'upper', 'lower', 'title', 'capitalize', 'trim', 'length', 'join', 'replace', 'first',
  'last', 'sort', 'unique', 'reverse', 'round', 'int', 'float', 'string', 'tojson', 'indent', 'safe',
  'list', 'map', 'select', 'reject', 'items', 'dictsort', 'batch', 'abs', 'min', 'max', 'sum',
];

/** Which tag the position is inside of, if any. */
export function tagAt(doc: string, pos: number): '{{' | '{%' | null {
  const before = doc.slice(0, pos);
  const open = Math.max(before.lastIndexOf('{{'), before.lastIndexOf('{%'));
  if (open < 0) return null;
  const close = Math.max(before.lastIndexOf('}}'), before.lastIndexOf('%}'));
  if (close > open) return null;
  return before.slice(open, open + 2) === '{{' ? '{{' : '{%';
}

export interface VariableInfo {
  name: string;
  detail?: string;
  info?: string;
}

export function variableCompletions(getVariables: () => VariableInfo[]) {
  return (ctx: CompletionContext): CompletionResult | null => {
    const doc = ctx.state.doc.toString();
    const tag = tagAt(doc, ctx.pos);
    if (!tag) return null;
    const word = ctx.matchBefore(/[A-Za-z_]\w*/);
    if (!word && !ctx.explicit) return null;
    const from = word ? word.from : ctx.pos;
    const lead = doc.slice(0, from).trimEnd();
    const prev = lead.at(-1);
    if (prev === '.') return null;
    let options: Completion[];
    if (prev === '|') {
      options = FILTERS.map((f) => ({ label: f, type: 'function' }));
    } else {
      options = getVariables().map((v) => ({
        label: v.name,
        type: 'variable',
        detail: v.detail,
        info: v.info,
        boost: 10,
      }));
      if (tag === '{%') options = options.concat(JINJA_KEYWORDS.map((k) => ({ label: k, type: 'keyword' })));
    }
    return options.length ? { from, options, validFor: /^\w*$/ } : null;
  };
}
