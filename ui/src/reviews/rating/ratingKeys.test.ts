import { describe, expect, it } from 'vitest';
import { keyAction } from './ratingKeys';
import { describeValue, orderFromRank, rankFromOrder } from './ratingValues';

const k = (key: string, more: Partial<KeyboardEvent> = {}) => ({ key, ctrlKey: false, metaKey: false, altKey: false, shiftKey: false, ...more });

describe('rating keys', () => {
  it('give each method its values, in shown positions', () => {
    const choice = { method: 'choice' as const, answers: 2 };
    expect(keyAction(k('a'), choice)).toEqual({ kind: 'rate', value: { type: 'choice', value: 'first' } });
    expect(keyAction(k('B'), choice)).toEqual({ kind: 'rate', value: { type: 'choice', value: 'second' } });
    expect(keyAction(k('t'), choice)).toEqual({ kind: 'rate', value: { type: 'choice', value: 'tie' } });
    expect(keyAction(k('3'), choice)).toBeNull();
    expect(keyAction(k('3'), { method: 'likert', answers: 1 })).toEqual({ kind: 'rate', value: { type: 'likert', value: 3 } });
    expect(keyAction(k('6'), { method: 'likert', answers: 1 })).toBeNull();
    expect(keyAction(k('5'), { method: 'comparisonLikert', answers: 2 })).toEqual({ kind: 'rate', value: { type: 'comparisonLikert', value: 5 } });
    expect(keyAction(k('1'), { method: 'thumbs', answers: 1 })).toEqual({ kind: 'rate', value: { type: 'thumb', value: false } });
    expect(keyAction(k('2'), { method: 'thumbs', answers: 1 })).toEqual({ kind: 'rate', value: { type: 'thumb', value: true } });
    expect(keyAction(k('3'), { method: 'thumbs', answers: 1 })).toBeNull();
  });

  it('let answer letters win while ranking', () => {
    const rank = { method: 'rank' as const, answers: 4 };
    expect(keyAction(k('c'), rank)).toEqual({ kind: 'place', position: 2 });
    expect(keyAction(k('d'), rank)).toEqual({ kind: 'place', position: 3 });
    expect(keyAction(k('C', { shiftKey: true }), rank)).toEqual({ kind: 'comment' });
    expect(keyAction(k('j'), rank)).toEqual({ kind: 'nextItem' });
    expect(keyAction(k('Backspace'), rank)).toEqual({ kind: 'unplace' });
    expect(keyAction(k('Backspace'), { method: 'choice', answers: 2 })).toBeNull();
  });

  it('move, undo, comment and close the same for every method', () => {
    const ctx = { method: 'likert' as const, answers: 1 };
    expect(keyAction(k('ArrowRight'), ctx)).toEqual({ kind: 'nextItem' });
    expect(keyAction(k('k'), ctx)).toEqual({ kind: 'prevItem' });
    expect(keyAction(k('u'), ctx)).toEqual({ kind: 'undo' });
    expect(keyAction(k('c'), ctx)).toEqual({ kind: 'comment' });
    expect(keyAction(k('Tab', { shiftKey: true }), ctx)).toEqual({ kind: 'prevMetric' });
    expect(keyAction(k('Escape'), ctx)).toEqual({ kind: 'close' });
    expect(keyAction(k('?', { shiftKey: true }), ctx)).toEqual({ kind: 'help' });
    // The diff is for two answers only, and modified keys belong to the app.
    expect(keyAction(k('d'), ctx)).toBeNull();
    expect(keyAction(k('d'), { method: 'choice', answers: 2 })).toEqual({ kind: 'diff' });
    expect(keyAction(k('a', { ctrlKey: true }), { method: 'choice', answers: 2 })).toBeNull();
  });
});

describe('rank values', () => {
  it('give each shown position its place, and back', () => {
    // Picked best first: B, C, A.
    expect(rankFromOrder([1, 2, 0])).toEqual({ type: 'rank', value: [3, 1, 2] });
    expect(orderFromRank([3, 1, 2])).toEqual([1, 2, 0]);
    expect(describeValue({ type: 'rank', value: [3, 1, 2] })).toBe('B > C > A');
    expect(describeValue({ type: 'comparisonLikert', value: 3 })).toBe('3 · About the same');
    expect(describeValue({ type: 'choice', value: 'tie' })).toBe('Tie');
  });
});
