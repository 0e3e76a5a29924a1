import { describe, expect, it } from 'vitest';
import { wordDiff } from './wordDiff';

const marked = (segs: { text: string; changed: boolean }[]) => segs.filter((s) => s.changed).map((s) => s.text);
const joined = (segs: { text: string }[]) => segs.map((s) => s.text).join('');

describe('wordDiff', () => {
  it('marks the words of each side that are not in the other', () => {
    const d = wordDiff('the quick brown fox jumps', 'the slow brown fox leaps high');
    if (!d.ok) throw new Error('compared');
    expect(marked(d.a)).toEqual(['quick', 'jumps']);
    // Spaces between two changed words belong to the change.
    expect(marked(d.b)).toEqual(['slow', 'leaps high']);
    expect(joined(d.a)).toBe('the quick brown fox jumps');
    expect(joined(d.b)).toBe('the slow brown fox leaps high');
  });

  it('keeps whitespace and line breaks as they are, and marks nothing in equal texts', () => {
    const text = 'One.\n\n  Two  three.\t';
    const d = wordDiff(text, text);
    if (!d.ok) throw new Error('compared');
    expect(d.a).toEqual([{ text, changed: false }]);
    expect(d.b).toEqual([{ text, changed: false }]);
  });

  it('finds a longest common subsequence, not a greedy one', () => {
    // Greedy matching of "a" first would lose "b c d".
    const d = wordDiff('b c d a', 'a b c d');
    if (!d.ok) throw new Error('compared');
    expect(marked(d.a)).toEqual(['a']);
    expect(marked(d.b)).toEqual(['a']);
  });

  it('handles empty sides', () => {
    const d = wordDiff('', 'new words');
    if (!d.ok) throw new Error('compared');
    expect(d.a).toEqual([]);
    expect(marked(d.b)).toEqual(['new words']);
  });

  it('does not compare answers above the limit', () => {
    const long = Array.from({ length: 11 }, (_, i) => `w${i}`).join(' ');
    expect(wordDiff(long, 'short', 10)).toEqual({ ok: false, words: 11, limit: 10 });
  });
});
