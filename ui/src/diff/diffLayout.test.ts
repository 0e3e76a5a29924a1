import { describe, expect, it } from 'vitest';
import type { DiffLine, DiffOp } from '../bindings';
import { expandFolds, foldUnchanged, pairSideBySide } from './diffLayout';

let n = 0;
const line = (op: DiffOp, text: string): DiffLine => ({
  op,
  oldLine: op === 'insert' ? null : ++n,
  newLine: op === 'delete' ? null : n,
  segments: [{ text, emph: false }],
});
const text = (l: DiffLine | null) => (l ? l.segments.map((s) => s.text).join('') : null);

describe('side by side', () => {
  it('pairs deletes with the inserts that follow', () => {
    const rows = pairSideBySide([
      line('equal', 'a'),
      line('delete', 'b1'),
      line('delete', 'b2'),
      line('insert', 'B1'),
      line('equal', 'c'),
      line('insert', 'D'),
    ]);
    expect(rows.map((r) => [text(r.left), text(r.right)])).toEqual([
      ['a', 'a'],
      ['b1', 'B1'],
      ['b2', null],
      ['c', 'c'],
      [null, 'D'],
    ]);
  });
});

describe('folding', () => {
  const items = 'eeeeeeeeeeCeeeeeeeeeeCee'.split('');
  const isEq = (c: string) => c === 'e';

  it('keeps three lines of context and folds long unchanged runs', () => {
    const f = foldUnchanged(items, isEq);
    const shape = f.map((x) => (x.kind === 'fold' ? `[${x.items.length}]` : x.item)).join('');
    // 10 leading: fold 7 keep 3; 10 between: keep 3, fold 4, keep 3; 2 trailing: shown.
    expect(shape).toBe('[7]eeeCeee[4]eeeCee');
  });

  it('folds a wholly unchanged text entirely, and expands a fold on demand', () => {
    const all = foldUnchanged('eeeeeeee'.split(''), isEq);
    expect(all).toHaveLength(1);
    expect(all[0]).toMatchObject({ kind: 'fold', start: 0 });
    expect(expandFolds(all, new Set([0]))).toHaveLength(8);
    expect(foldUnchanged('eeeCeee'.split(''), isEq).every((x) => x.kind === 'item')).toBe(true);
  });
});
