import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import type { MetricResults, ReviewResults as Results } from '../bindings';
import ReviewResults from './ReviewResults.svelte';

const ANA = { name: 'Ana', email: 'ana@example.com' };
const BO = { name: 'Bo', email: 'bo@example.com' };
const V1 = 'v1 · bedrock:amazon.nova-lite-v1:0';
const V2 = 'v2 · bedrock:amazon.nova-lite-v1:0';

const OVERALL: MetricResults = {
  metric: { name: 'overall', method: 'choice', instructions: 'Which answer serves the user better?' },
  ratedItems: 20,
  ratings: 20,
  pairs: [
    {
      first: V2, second: V1, items: 20, ratings: 20, firstWins: 12, secondWins: 5, ties: 3,
      firstWinRate: { estimate: 0.675, low: 0.5, high: 0.825 }, tieRate: 0.15, pValue: 0.0717,
    },
  ],
  variants: [],
  perRater: [
    { rater: ANA, ratings: 12, mean: null, firstWinShare: 0.75, ties: 2, shownFirstShare: 0.5 },
    { rater: BO, ratings: 8, mean: null, firstWinShare: 0.5625, ties: 1, shownFirstShare: 0.857 },
  ],
  positionBias: { decisive: 17, shownFirstWins: 11, share: 0.647, pValue: 0.332 },
  agreement: { raters: 2, units: 6, alphaNominal: 0.4183, alphaOrdinal: 0.6251, cohenKappa: 0.55, fleissKappa: null, note: null },
  judge: { items: 20, agree: 14, rate: 0.7, kappa: 0.39 },
};

const TONE: MetricResults = {
  metric: { name: 'tone', method: 'likert', instructions: '' },
  ratedItems: 10,
  ratings: 12,
  pairs: [],
  variants: [
    { variant: V1, ratings: 6, mean: { estimate: 3.6, low: 3.2, high: 3.94 }, histogram: [0, 1, 2, 2, 1] },
    { variant: V2, ratings: 6, mean: { estimate: 4.13, low: 3.81, high: 4.4 }, histogram: [0, 0, 1, 3, 2] },
  ],
  perRater: [{ rater: ANA, ratings: 12, mean: 3.85, firstWinShare: null, ties: 0, shownFirstShare: null }],
  positionBias: null,
  agreement: { raters: 1, units: 0, alphaNominal: null, alphaOrdinal: null, cohenKappa: null, fleissKappa: null, note: 'one rater so far: agreement needs two or more' },
  judge: null,
};

const RESULTS: Results = {
  items: 20,
  ratings: 32,
  raters: [
    { rater: ANA, ratedItems: 20, ratings: 24 },
    { rater: BO, ratedItems: 8, ratings: 8 },
  ],
  metrics: [OVERALL, TONE],
  summary: [
    `No clear winner on overall: «${V2}» wins 68% of 20 items against «${V1}» (95% CI 50–83%), 3 ties, p = 0.07.`,
    `On tone (Likert 1–5), mean scores: «${V2}» 4.1 (95% CI 3.8–4.4), «${V1}» 3.6 (3.2–3.9).`,
    "Raters agreed substantially on overall (Krippendorff's α = 0.63, 2 raters).",
  ],
};

const metric = (name: string) => screen.getAllByTestId('metric-results').find((m) => m.dataset.metric === name)!;
const text = (el: HTMLElement, id: string) => within(el).getByTestId(id).textContent?.replace(/\s+/g, ' ').trim();

describe('review results', () => {
  it('puts the summary sentences first, as the engine wrote them', () => {
    render(ReviewResults, { results: RESULTS });
    const items = Array.from(screen.getByTestId('review-summary').querySelectorAll('li')).map((li) => li.textContent);
    expect(items).toEqual(RESULTS.summary);
    // The summary comes before any metric.
    const first = screen.getByTestId('review-results').firstElementChild!;
    expect(first.contains(screen.getByTestId('review-summary'))).toBe(true);
  });

  it('draws a pair’s win rate with its interval, ties and counts', () => {
    render(ReviewResults, { results: RESULTS });
    const pair = within(metric('overall')).getByTestId('pair-win-rate');
    expect(pair.dataset.first).toBe(V2);
    expect(text(pair, 'pair-win-rate-value')).toBe('68%');
    expect(text(pair, 'pair-ci')).toBe('95% CI 50–83%');
    expect(text(pair, 'pair-counts')).toBe('wins / ties / losses: 12 / 3 / 5');
    expect(text(pair, 'pair-ties')).toBe('ties 15% of ratings');
    // The interval reaches 50%: no winner called.
    expect(text(pair, 'pair-verdict')).toBe('no clear winner');
    expect(pair.textContent).toContain('sign test p = 0.07');
    // The bar and the whisker sit where the figures say.
    expect((pair.querySelector('.fill.first') as HTMLElement).style.width).toBe('67.5%');
    expect((pair.querySelector('.whisker') as HTMLElement).style.left).toBe('50%');
  });

  it('reads agreement, position bias and the LLM judge in words', () => {
    render(ReviewResults, { results: RESULTS });
    const m = metric('overall');
    expect(text(m, 'agreement-alpha-nominal')).toBe('Krippendorff’s α, nominal 0.42 moderate');
    expect(text(m, 'agreement-alpha-ordinal')).toBe('Krippendorff’s α, ordinal 0.63 substantial');
    expect(text(m, 'agreement-cohen')).toBe('Cohen’s κ 0.55 moderate');
    // Two raters: no Fleiss' kappa shown.
    expect(within(m).queryByTestId('agreement-fleiss')).toBeNull();
    expect(text(m, 'position-bias')).toBe('Answers shown on the left won 65% of 17 decisive ratings (p = 0.33): no sign of position bias.');
    expect(text(m, 'judge-agreement')).toBe('The LLM judge agreed with the raters on 14 of 20 items (70%, κ = 0.39 (fair)).');
    // One rater: the note says why, and no figure is made up.
    const tone = metric('tone');
    expect(text(tone, 'agreement-note')).toBe('One rater so far: agreement needs two or more.');
    expect(within(tone).queryByTestId('agreement-alpha-nominal')).toBeNull();
    expect(text(tone, 'judge-agreement')).toBe('No LLM judge scored these answers in the run, so there is nothing to compare with.');
    expect(within(tone).queryByTestId('position-bias')).toBeNull();
  });

  it('shows Likert means with their interval and histogram per variant', () => {
    render(ReviewResults, { results: RESULTS });
    const rows = within(metric('tone')).getAllByTestId('variant-score');
    expect(rows.map((r) => r.dataset.variant)).toEqual([V1, V2]);
    expect(text(rows[1]!, 'variant-mean')).toBe('4.1 (3.8–4.4)');
    expect(text(rows[0]!, 'variant-mean')).toBe('3.6 (3.2–3.9)');
    expect(within(rows[1]!).getByTestId('variant-histogram').getAttribute('aria-label')).toBe(`Ratings of ${V2}: 1: 0, 2: 0, 3: 1, 4: 3, 5: 2`);
  });

  it('lists every rater with their progress and figures', () => {
    render(ReviewResults, { results: RESULTS });
    const progress = screen.getAllByTestId('rater-progress');
    expect(progress.map((p) => p.dataset.email)).toEqual(['ana@example.com', 'bo@example.com']);
    expect(text(progress[1]!, 'rater-progress-figures')).toBe('8 / 20 items · 8 ratings of 40');

    const rows = within(metric('overall')).getAllByTestId('rater-row');
    expect(rows).toHaveLength(2);
    expect(text(rows[0]!, 'rater-row-progress')).toBe('20 / 20');
    expect(text(rows[0]!, 'rater-row-win')).toBe('75%');
    expect(text(rows[1]!, 'rater-row-progress')).toBe('8 / 20');
    expect(text(rows[1]!, 'rater-row-win')).toBe('56%');
    // Bo picked the left answer 86% of the time: flagged.
    expect(within(rows[1]!).getByTestId('rater-row-left').classList.contains('lean')).toBe(true);
    expect(within(rows[0]!).getByTestId('rater-row-left').classList.contains('lean')).toBe(false);
    const tone = within(metric('tone')).getAllByTestId('rater-row');
    expect(text(tone[0]!, 'rater-row-mean')).toBe('3.9');
  });

  it('renders model and rater text as text', () => {
    const evil = '<img src=x onerror=alert(1)>';
    render(ReviewResults, {
      results: { ...RESULTS, summary: [`«${evil}» beats «b» on overall.`], metrics: [{ ...OVERALL, pairs: [{ ...OVERALL.pairs[0]!, first: evil }] }] },
    });
    expect(screen.getByTestId('review-results').querySelector('img')).toBeNull();
    expect(screen.getByTestId('review-summary').textContent).toContain(evil);
  });
});
