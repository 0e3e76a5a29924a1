// The human reviews of the browser preview (see `seedMockReviews`).

import type { Rater, ReviewSummary } from '../../bindings';
import type { MockState } from './mockHost';
import { mockReviews } from './mockReviews';
import { fnv, present } from './mockReviewValues';

/**
 * Two reviews for the browser preview, from the first seeded runs: a pairwise review rated by
 * three raters (so the results have something to say), and a copy imported to rate.
 */
export function seedMockReviews(st: MockState): void {
  const noEvents = () => {};
  const [first, second] = st.runs;
  if (!first) return;
  const impl = mockReviews(st);
  const made = impl.reviews_create({
    runId: first.id,
    title: 'Support reply: Nova Lite vs SmolLM',
    kind: 'pairwise',
    columns: [0, 1],
    metrics: [
      { name: 'overall', method: 'choice', instructions: 'Which answer serves the customer better?' },
      { name: 'tone', method: 'comparisonLikert', instructions: 'Which reply sounds warmer and more professional? 1 = A much better, 5 = B much better.' },
    ],
    instructions: 'You are a support lead. For each customer message, pick the reply you would rather send.',
  }, noEvents) as ReviewSummary;
  const review = st.reviews.find((r) => r.id === made.id)!;
  const shapes = review.pack.items.map((i) => i.answers.length);
  // Per rater: the column preferred on each item in pack order (null for a tie), and how strongly
  // column 0 is preferred on tone (1 strongly … 5 strongly not).
  const raters: Array<{ rater: Rater; overall: Array<0 | 1 | null>; tone: number[] }> = [
    { rater: { name: 'Ana Lima', email: 'ana@example.com' }, overall: [0, 0, 0, 1, 0, null], tone: [2, 1, 2, 4, 2, 3] },
    { rater: { name: 'Bo Berg', email: 'bo@example.com' }, overall: [0, 0, null, 1, 0], tone: [2, 2, 3, 4, 1] },
    { rater: { name: 'Chen Wei', email: 'chen@example.com' }, overall: [0, 1, 0, 1], tone: [1, 3, 2, 5] },
  ];
  const at = Date.now() - 3_600_000;
  for (const { rater, overall, tone } of raters) {
    const seed = fnv(`${review.id}\n${rater.email}`);
    review.sessionSeeds.set(rater.email, seed);
    const shown = present(seed, shapes).sides;
    overall.forEach((pref, i) => {
      const item = review.pack.items[i]!;
      const cols = review.sources![i]!.columns;
      const choice = pref === null ? 'tie' : cols.indexOf(pref) === 0 ? 'first' : 'second';
      const towardSecond = cols[0] === 0 ? tone[i]! : 6 - tone[i]!;
      const ratedAt = new Date(at + i * 40_000).toISOString();
      review.ratings.push(
        { rater, item: item.id, metric: 'overall', value: { type: 'choice', value: choice }, shown: [...shown[i]!], comment: '', ratedAt, origin: 'merged' },
        { rater, item: item.id, metric: 'tone', value: { type: 'comparisonLikert', value: towardSecond }, shown: [...shown[i]!], comment: '', ratedAt, origin: 'merged' },
      );
    });
  }
  if (!second) return;
  const copy = impl.reviews_create({
    runId: second.id,
    title: 'Support reply v3: clarity',
    kind: 'single',
    columns: [0, 1],
    metrics: [{ name: 'clarity', method: 'likert', instructions: 'How clear is this reply? 1 = confusing, 5 = crystal clear.' }],
    instructions: 'Rate each reply on its own. Ignore typos; judge whether the customer knows what to do next.',
    maxItems: 5,
  }, noEvents) as ReviewSummary;
  const imported = st.reviews.find((r) => r.id === copy.id)!;
  Object.assign(imported, { role: 'rater', runId: null, sources: null, variants: null, createdAt: new Date(at + 600_000).toISOString() });
}
