// Rating values in the mock host: the seeded presentation a rater sees (item order and answer
// sides), values moved between screen positions and the pack's answer order, and the checks of a
// value against its method, as the engine's `galley_core::review` does them (with its own
// generator: the same seed gives other shuffles than the engine's).

import type { Metric, RatingValue } from '../../bindings';

// ---- seeded presentation -------------------------------------------------------------------

/** 32-bit FNV-1a of a string. */
export function fnv(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** mulberry32: a small seeded generator of numbers in [0, 1). */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function shuffled(next: () => number, n: number): number[] {
  const v = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [v[i], v[j]] = [v[j]!, v[i]!];
  }
  return v;
}

/** What a seed shows: the item order, and per item (pack order) the answer shown at each position. */
export function present(seed: number, shapes: readonly number[]): { order: number[]; sides: number[][] } {
  const next = generator(seed ^ 0x72657669);
  const order = shuffled(next, shapes.length);
  const sides = shapes.map((n) => shuffled(next, n));
  return { order, sides };
}

// ---- rating values -------------------------------------------------------------------------

const flipChoice = { first: 'second', second: 'first', tie: 'tie' } as const;

/** A value given in screen positions, in the pack's answer order. */
export function toCanonical(value: RatingValue, shown: readonly number[]): RatingValue {
  const swapped = shown[0] === 1;
  switch (value.type) {
    case 'choice':
      return swapped ? { type: 'choice', value: flipChoice[value.value] } : { ...value };
    case 'comparisonLikert':
      return swapped ? { type: 'comparisonLikert', value: 6 - value.value } : { ...value };
    case 'rank': {
      const byAnswer = new Array<number>(value.value.length).fill(0);
      value.value.forEach((rank, p) => {
        const answer = shown[p];
        if (answer !== undefined && answer < byAnswer.length) byAnswer[answer] = rank;
      });
      return { type: 'rank', value: byAnswer };
    }
    default:
      return { ...value };
  }
}

/** The inverse of `toCanonical`. */
export function toShown(value: RatingValue, shown: readonly number[]): RatingValue {
  if (value.type === 'rank') return { type: 'rank', value: shown.map((a) => value.value[a] ?? 0) };
  return toCanonical(value, shown);
}

export const METHOD_LABEL: Record<Metric['method'], string> = {
  thumbs: 'thumbs up/down',
  likert: 'Likert 1–5',
  comparisonLikert: 'comparison Likert 1–5',
  choice: 'choice A / B / tie',
  rank: 'ordinal rank',
};

const VALUE_LABEL: Record<RatingValue['type'], string> = {
  thumb: 'thumbs',
  likert: 'Likert',
  comparisonLikert: 'comparison Likert',
  choice: 'choice',
  rank: 'rank',
};

/** Why a value does not fit a method for an item of `answers` answers; null when it does. */
export function checkValue(value: RatingValue, method: Metric['method'], answers: number): string | null {
  const fits =
    (method === 'thumbs' && value.type === 'thumb') ||
    (method === 'likert' && value.type === 'likert') ||
    (method === 'comparisonLikert' && value.type === 'comparisonLikert') ||
    (method === 'choice' && value.type === 'choice') ||
    (method === 'rank' && value.type === 'rank');
  if (!fits) return `a ${METHOD_LABEL[method]} rating cannot be a ${VALUE_LABEL[value.type]} value`;
  if (value.type === 'likert' || value.type === 'comparisonLikert') {
    return Number.isInteger(value.value) && value.value >= 1 && value.value <= 5 ? null : `a Likert rating is 1 to 5, not ${value.value}`;
  }
  if (value.type === 'rank') {
    const sorted = [...value.value].sort((a, b) => a - b);
    const ok = sorted.length === answers && sorted.every((r, i) => r === i + 1);
    return ok ? null : `a rank gives each of the ${answers} answers a different place from 1 to ${answers}, not [${value.value.join(', ')}]`;
  }
  return null;
}

/** For two answers: the preferred one (0 or 1), null for no preference; undefined for values that do not compare. */
export function preferred(value: RatingValue): number | null | undefined {
  if (value.type === 'choice') return value.value === 'first' ? 0 : value.value === 'second' ? 1 : null;
  if (value.type === 'comparisonLikert') return value.value <= 2 ? 0 : value.value >= 4 ? 1 : null;
  return undefined;
}
