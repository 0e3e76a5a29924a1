import { describe, expect, it } from 'vitest';
import { agreementWord, coef, csvFileName, packFileName, pText, ratingText, ratingsFileName } from './format';

describe('how reviews read', () => {
  it('names review files after the title, without characters file systems refuse', () => {
    expect(packFileName('Support tone')).toBe('Support tone.review.json');
    expect(ratingsFileName('Support tone')).toBe('Support tone.ratings.json');
    expect(csvFileName('Q3: v2 / v3?')).toBe('Q3- v2 - v3-.ratings.csv');
    expect(packFileName('  ..  ')).toBe('review.review.json');
  });

  it('puts agreement in the summary’s words', () => {
    expect([-0.1, 0, 0.19, 0.2, 0.39, 0.4, 0.59, 0.6, 0.79, 0.8, 1].map(agreementWord)).toEqual([
      'less than chance', 'poor', 'poor', 'fair', 'fair', 'moderate', 'moderate', 'substantial', 'substantial', 'almost perfect', 'almost perfect',
    ]);
    expect([coef(0.6251), coef(-0.05), coef(-0.001), coef(null)]).toEqual(['0.63', '−0.05', '0.00', '–']);
    expect([0.0004, 0.0043, 0.0717, 0.999, null].map(pText)).toEqual(['p < 0.001', 'p = 0.004', 'p = 0.07', 'p = 1', 'p –']);
  });

  it('reads stored ratings in pack order', () => {
    expect(ratingText({ type: 'choice', value: 'second' })).toBe('answer 2 better');
    expect(ratingText({ type: 'choice', value: 'tie' })).toBe('tie');
    expect(ratingText({ type: 'comparisonLikert', value: 2 })).toBe('2 (prefers answer 1)');
    expect(ratingText({ type: 'likert', value: 4 })).toBe('4 / 5');
    expect(ratingText({ type: 'thumb', value: false })).toBe('thumbs down');
    expect(ratingText({ type: 'rank', value: [2, 1, 3] })).toBe('answer 1: 2, answer 2: 1, answer 3: 3');
  });
});
