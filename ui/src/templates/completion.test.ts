import { describe, expect, it } from 'vitest';
import { EditorState } from '@codemirror/state';
import { CompletionContext } from '@codemirror/autocomplete';
import { tagAt, variableCompletions } from './completion';
import { variableRows } from './variables';
import { parseStops, showStop } from './stopSequences';

function complete(doc: string, explicit = false) {
  const state = EditorState.create({ doc });
  const source = variableCompletions(() => [{ name: 'topic', detail: 'string' }, { name: 'tone' }]);
  return source(new CompletionContext(state, doc.length, explicit));
}

describe('completion', () => {
  it('knows when the cursor is inside a tag', () => {
    expect(tagAt('Hi {{ na', 8)).toBe('{{');
    expect(tagAt('{% if x %} and {{ y }} ', 23)).toBeNull();
    expect(tagAt('{% for p in ', 12)).toBe('{%');
    expect(tagAt('plain text', 5)).toBeNull();
  });

  it('offers variables inside {{ }} and filters after |', () => {
    const r = complete('Write about {{ to');
    expect(r?.from).toBe(15);
    expect(r?.options.map((o) => o.label)).toEqual(['topic', 'tone']);
    expect(complete('Write about to')).toBeNull();
    const f = complete('{{ topic | up');
    expect(f?.options.some((o) => o.label === 'upper')).toBe(true);
    expect(f?.options.some((o) => o.label === 'topic')).toBe(false);
    const k = complete('{% i', true);
    expect(k?.options.map((o) => o.label)).toContain('if');
  });
});

describe('variable rows', () => {
  it('lists used variables in order, then declared ones no longer used', () => {
    const rows = variableRows(['topic', 'audience'], [
      { name: 'old', type: 'number', default: '1', description: '' },
      { name: 'audience', type: 'string', default: null, description: 'who reads' },
    ]);
    expect(rows.map((r) => [r.name, r.used, r.decl?.type ?? null])).toEqual([
      ['topic', true, null],
      ['audience', true, 'string'],
      ['old', false, 'number'],
    ]);
  });
});

describe('stop sequences', () => {
  it('splits on commas and understands \\n', () => {
    expect(parseStops('END, \\n\\n ,  ###')).toEqual(['END', '\n\n', '###']);
    expect(showStop('\n\n')).toBe('\\n\\n');
  });
});
