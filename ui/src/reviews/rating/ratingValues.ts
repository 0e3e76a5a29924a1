// What each rating method offers on screen: the options with their keys and words, how a value
// reads back, and how a rank is built from answers picked best first. Values are in SHOWN
// positions (A = the answer shown first); the engine converts them.

import type { Method, RatingValue } from '../../bindings';

/** One button of a metric: the key that presses it, its words and the value it gives. */
export interface RatingOption {
  key: string;
  label: string;
  /** A picture before the words (thumbs). */
  icon?: string;
  value: RatingValue;
}

/** The letter of the answer at a shown position: 0 → A. */
export function letter(position: number): string {
  return String.fromCharCode(65 + position);
}

const LIKERT_LABELS = ['Very poor', 'Poor', 'Fair', 'Good', 'Excellent'];
const COMPARISON_LABELS = ['A much better', 'A better', 'About the same', 'B better', 'B much better'];

/** The buttons of a method, in the order shown; none for rank (built answer by answer). */
export function ratingOptions(method: Method): RatingOption[] {
  switch (method) {
    case 'choice':
      return [
        { key: 'A', label: 'A is better', value: { type: 'choice', value: 'first' } },
        { key: 'T', label: 'Tie', value: { type: 'choice', value: 'tie' } },
        { key: 'B', label: 'B is better', value: { type: 'choice', value: 'second' } },
      ];
    case 'likert':
      return LIKERT_LABELS.map((label, i) => ({ key: String(i + 1), label, value: { type: 'likert', value: i + 1 } }));
    case 'comparisonLikert':
      return COMPARISON_LABELS.map((label, i) => ({
        key: String(i + 1),
        label,
        value: { type: 'comparisonLikert', value: i + 1 },
      }));
    case 'thumbs':
      return [
        { key: '1', label: 'Thumbs down', icon: '👎', value: { type: 'thumb', value: false } },
        { key: '2', label: 'Thumbs up', icon: '👍', value: { type: 'thumb', value: true } },
      ];
    case 'rank':
      return [];
  }
}

/** What the rater is asked to do with a method, in a few words. */
export function methodHint(method: Method, answers: number): string {
  switch (method) {
    case 'choice':
      return 'Which answer is better?';
    case 'likert':
      return 'Score the answer from 1 (very poor) to 5 (excellent).';
    case 'comparisonLikert':
      return 'From 1 (A much better) through 3 (about the same) to 5 (B much better).';
    case 'thumbs':
      return 'Thumbs up or down.';
    case 'rank':
      return `Press the letters of the ${answers} answers from best to worst; Backspace takes back the last.`;
  }
}

export function sameValue(a: RatingValue | null | undefined, b: RatingValue | null | undefined): boolean {
  if (!a || !b || a.type !== b.type) return false;
  if (a.type === 'rank' && b.type === 'rank') {
    return a.value.length === b.value.length && a.value.every((v, i) => v === b.value[i]);
  }
  return a.value === b.value;
}

/** A rank value (`value[p]` = place of the answer shown at position p, 1 = best) from the
 * positions picked best first. */
export function rankFromOrder(order: number[]): RatingValue {
  const value = new Array<number>(order.length).fill(0);
  order.forEach((position, i) => {
    value[position] = i + 1;
  });
  return { type: 'rank', value };
}

/** The positions best first, from a rank value. */
export function orderFromRank(value: number[]): number[] {
  return value
    .map((rank, position) => ({ rank, position }))
    .sort((x, y) => x.rank - y.rank)
    .map((x) => x.position);
}

/** A value as words: `A is better`, `4 · Good`, `B > A > C`. */
export function describeValue(value: RatingValue): string {
  switch (value.type) {
    case 'rank':
      return orderFromRank(value.value).map(letter).join(' > ');
    case 'thumb':
      return value.value ? '👍 up' : '👎 down';
    default: {
      const method: Method = value.type;
      const option = ratingOptions(method).find((o) => sameValue(o.value, value));
      if (!option) return String(value.value);
      return method === 'choice' ? option.label : `${option.key} · ${option.label}`;
    }
  }
}
