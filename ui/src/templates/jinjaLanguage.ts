// Jinja highlighting for prompt templates: plain text outside tags; inside `{{ }}`, `{% %}`
// and `{# #}` keywords, names, filters, strings and numbers.

import { StreamLanguage, type StringStream } from '@codemirror/language';

export const JINJA_KEYWORDS = [
  'if', 'elif', 'else', 'endif', 'for', 'endfor', 'in', 'not', 'and', 'or', 'is', 'set', 'endset',
  'with', 'endwith', 'macro', 'endmacro', 'call', 'endcall', 'filter', 'endfilter', 'raw', 'endraw',
  'block', 'endblock', 'include', 'import', 'from', 'as', 'recursive', 'break', 'continue',
];
const ATOMS = new Set(['true', 'false', 'none', 'True', 'False', 'None']);
const KEYWORDS = new Set(JINJA_KEYWORDS);

export interface JinjaState {
  /** The closing delimiter we are inside of, or null in plain text. */
  close: '}}' | '%}' | '#}' | null;
  /** The previous significant token inside the tag (for filters and attributes). */
  prev: string;
}

function tokenText(stream: StringStream, state: JinjaState): string | null {
  if (stream.match(/^\{#/)) {
    state.close = '#}';
    return 'comment';
  }
  if (stream.match(/^\{\{-?/)) {
    state.close = '}}';
    state.prev = '';
    return 'meta';
  }
  if (stream.match(/^\{%-?/)) {
    state.close = '%}';
    state.prev = '';
    return 'meta';
  }
  stream.next();
  while (!stream.eol() && !stream.match(/^\{[{%#]/, false)) stream.next();
  return null;
}

function tokenTag(stream: StringStream, state: JinjaState): string | null {
  const close = state.close!;
  if (close === '#}') {
    while (!stream.eol()) {
      if (stream.match('#}')) {
        state.close = null;
        return 'comment';
      }
      stream.next();
    }
    return 'comment';
  }
  if (stream.eatSpace()) return null;
  if (stream.match(close === '}}' ? /^-?\}\}/ : /^-?%\}/)) {
    state.close = null;
    return 'meta';
  }
  const prev = state.prev;
  if (stream.match(/^"(?:[^"\\]|\\.)*"?/) || stream.match(/^'(?:[^'\\]|\\.)*'?/)) {
    state.prev = 'string';
    return 'string';
  }
  if (stream.match(/^\d+(\.\d+)?/)) {
    state.prev = 'number';
    return 'number';
  }
  const word = stream.match(/^[A-Za-z_]\w*/) as RegExpMatchArray | null;
  if (word) {
    const w = word[0];
    state.prev = w;
    if (prev === '|') return 'variableName.special';
    if (prev === '.') return 'propertyName';
    if (ATOMS.has(w)) return 'atom';
    if (KEYWORDS.has(w)) return 'keyword';
    return 'variableName';
  }
  const ch = stream.next() ?? '';
  state.prev = ch;
  return /[|=<>!+\-*/%~]/.test(ch) ? 'operator' : 'punctuation';
}

export const jinjaLanguage = StreamLanguage.define<JinjaState>({
  name: 'jinja',
  startState: () => ({ close: null, prev: '' }),
  copyState: (s) => ({ ...s }),
  token: (stream, state) => (state.close ? tokenTag(stream, state) : tokenText(stream, state)),
  languageData: { commentTokens: { block: { open: '{#', close: '#}' } } },
});
