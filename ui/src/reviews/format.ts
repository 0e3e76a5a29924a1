// How reviews read: kinds and methods in words, agreement figures with their word, rating values
// as text, and the default names of review files. Shares and p-values read as in the evaluation
// (eval/chart.ts), so the two screens agree.

import type { Method, RatingValue, ReviewKind } from '../bindings';
export { pct } from '../eval/chart';

export const KIND_LABEL: Record<ReviewKind, string> = {
  single: 'single answers',
  pairwise: 'pairwise',
  rank: 'rank',
};

/** The methods of the engine (`Method::label`). */
export const METHOD_LABEL: Record<Method, string> = {
  thumbs: 'thumbs up/down',
  likert: 'Likert 1–5',
  comparisonLikert: 'comparison Likert 1–5',
  choice: 'choice A / B / tie',
  rank: 'ordinal rank',
};

/** The methods that fit a kind of item (`Method::allowed_in`). */
export const METHODS_OF: Record<ReviewKind, Method[]> = {
  single: ['thumbs', 'likert'],
  pairwise: ['choice', 'comparisonLikert'],
  rank: ['rank'],
};

export const PAIRWISE_METHODS: readonly Method[] = ['choice', 'comparisonLikert'];

/** A coefficient (alpha, kappa): `0.62`, `−0.05`; `–` when missing. */
export function coef(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  const s = Math.abs(x).toFixed(2);
  return x < 0 && s !== '0.00' ? `−${s}` : s;
}

/**
 * What an agreement coefficient means, with the bands the engine's summary uses (after Landis
 * and Koch): below 0 less than chance, then poor, fair, moderate, substantial, almost perfect.
 */
export function agreementWord(x: number): string {
  if (x < 0) return 'less than chance';
  if (x < 0.2) return 'poor';
  if (x < 0.4) return 'fair';
  if (x < 0.6) return 'moderate';
  if (x < 0.8) return 'substantial';
  return 'almost perfect';
}

/** `p = 0.03`, `p = 0.004`, `p < 0.001`, `p = 1`: as the engine's summary writes p-values. */
export function pText(p: number | null | undefined): string {
  if (p === null || p === undefined || Number.isNaN(p)) return 'p –';
  if (p < 0.001) return 'p < 0.001';
  if (p < 0.01) return `p = ${p.toFixed(3)}`;
  const two = p.toFixed(2);
  return two === '1.00' ? 'p = 1' : `p = ${two}`;
}

/** A mean on a scale: `4.1`. */
export function one(x: number | null | undefined): string {
  if (x === null || x === undefined || Number.isNaN(x)) return '–';
  return x.toFixed(1);
}

/** `1 item`, `12 items`. */
export function n(count: number, word: string, many = `${word}s`): string {
  return `${count.toLocaleString('en-US')} ${count === 1 ? word : many}`;
}

const COMPARISON: Record<number, string> = {
  1: 'strongly prefers answer 1',
  2: 'prefers answer 1',
  3: 'no preference',
  4: 'prefers answer 2',
  5: 'strongly prefers answer 2',
};

/** A stored rating, in the pack's answer order (answer 1 is the pack's first answer, not a side). */
export function ratingText(v: RatingValue): string {
  switch (v.type) {
    case 'thumb':
      return v.value ? 'thumbs up' : 'thumbs down';
    case 'likert':
      return `${v.value} / 5`;
    case 'comparisonLikert':
      return `${v.value} (${COMPARISON[v.value] ?? '?'})`;
    case 'choice':
      return v.value === 'tie' ? 'tie' : `answer ${v.value === 'first' ? 1 : 2} better`;
    case 'rank':
      return v.value.map((r, i) => `answer ${i + 1}: ${r}`).join(', ');
  }
}

/** A title as a file name: characters no file system takes become `-`. */
export function fileBase(title: string): string {
  const base = title
    .trim()
    .replace(/[\\/:*?"<>|\p{Cc}]+/gu, '-')
    .replace(/^[.\s-]+|[.\s]+$/g, '');
  return base || 'review';
}

export const packFileName = (title: string) => `${fileBase(title)}.review.json`;
export const ratingsFileName = (title: string) => `${fileBase(title)}.ratings.json`;
export const csvFileName = (title: string) => `${fileBase(title)}.ratings.csv`;
