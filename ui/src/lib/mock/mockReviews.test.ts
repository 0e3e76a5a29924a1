import { describe, expect, it } from 'vitest';
import type { EngineError, RatingValue, ReviewsCreateReq } from '../../bindings';
import { createMockHost } from './mockHost';
import { cohenKappa, fleissKappa, krippendorffAlpha } from './mockReviewResults';
import { present, toCanonical, toShown } from './mockReviewValues';

const fail = async (p: Promise<unknown>): Promise<EngineError> => {
  try {
    await p;
  } catch (e) {
    return e as EngineError;
  }
  throw new Error('expected a rejection');
};

async function owner() {
  const host = createMockHost({ seed: true, seedRuns: true });
  // Without the demo reviews.
  host.state.reviews = [];
  const run = host.state.runs[0]!;
  const req: ReviewsCreateReq = {
    runId: run.id,
    title: 'Support tone',
    kind: 'pairwise',
    columns: [0, 1],
    metrics: [{ name: 'overall', method: 'choice', instructions: 'Which answer serves the user better?' }],
    instructions: 'Read both answers.',
  };
  return { host, run, req };
}

async function setRater(host: ReturnType<typeof createMockHost>, name: string, email: string) {
  const settings = await host.call('settings_get', undefined);
  await host.call('settings_save', { ...settings, rater: { name, email } });
}

describe('reviews in the mock host', () => {
  it('makes a blind pairwise review of every input answered in both columns', async () => {
    const { host, run, req } = await owner();
    const made = await host.call('reviews_create', req);
    // 3 inputs × 2 repeats, every cell answered.
    expect(made).toMatchObject({ title: 'Support tone', role: 'owner', kind: 'pairwise', items: 6, raters: 0, ratings: 0, runId: run.id });
    const review = host.state.reviews[0]!;
    expect(review.pack.items.map((i) => i.id)).toEqual(['item-001', 'item-002', 'item-003', 'item-004', 'item-005', 'item-006']);
    // The pack carries no model or column; the owner keeps where each answer came from.
    expect(JSON.stringify(review.pack)).not.toContain('nova');
    expect(review.sources!.every((s) => [...s.columns].sort().join() === '0,1')).toBe(true);
    // A sample keeps fewer items.
    expect((await host.call('reviews_create', { ...req, title: 'Sampled', maxItems: 4 })).items).toBe(4);
  });

  it('refuses what the engine refuses, with its words', async () => {
    const { host, req } = await owner();
    expect((await fail(host.call('reviews_create', { ...req, columns: [0] }))).message).toBe('a pairwise review compares two columns, not 1');
    expect((await fail(host.call('reviews_create', { ...req, kind: 'rank', metrics: [{ name: 'order', method: 'rank', instructions: '' }] }))).message).toBe(
      'a rank review orders three columns or more, not 2',
    );
    expect((await fail(host.call('reviews_create', { ...req, metrics: [{ name: 'tone', method: 'thumbs', instructions: '' }] }))).message).toBe(
      'metric "tone": thumbs up/down does not fit a pairwise review (use choice or comparison Likert)',
    );
    expect((await fail(host.call('reviews_create', { ...req, title: '  ' }))).message).toBe('a review needs a title');
    const made = await host.call('reviews_create', req);
    expect((await fail(host.call('reviews_session', { id: made.id }))).message).toContain('Settings → Reviews');
  });

  it('round trip: rate in screen positions, read the results counts, undo a rating', async () => {
    const { host, req } = await owner();
    const made = await host.call('reviews_create', req);
    await setRater(host, 'Ana', 'ana@example.com');
    const session = await host.call('reviews_session', { id: made.id });
    expect(session.queue).toHaveLength(6);
    expect(session.rater).toEqual({ name: 'Ana', email: 'ana@example.com' });
    const review = host.state.reviews[0]!;
    const variants = review.variants!;
    // Ana prefers column 0 (the Nova Lite answers) on 4 items, ties on 1, prefers column 1 on 1.
    const plan: Array<'c0' | 'c1' | 'tie'> = ['c0', 'c0', 'c0', 'c0', 'tie', 'c1'];
    for (const [n, q] of session.queue.entries()) {
      const index = review.pack.items.findIndex((i) => i.id === q.id);
      const shown = present(review.sessionSeeds.get('ana@example.com')!, review.pack.items.map((i) => i.answers.length)).sides[index]!;
      const cols = review.sources!.find((s) => s.item === q.id)!.columns;
      // The answer shown at position A is the pack answer shown[0], from column cols[shown[0]].
      const leftColumn = cols[shown[0]!]!;
      const want = plan[n]!;
      const value: RatingValue =
        want === 'tie' ? { type: 'choice', value: 'tie' } : { type: 'choice', value: (want === 'c0') === (leftColumn === 0) ? 'first' : 'second' };
      const saved = await host.call('reviews_rate', { reviewId: made.id, item: q.id, metric: 'overall', value, comment: n === 5 ? ' shorter ' : '' });
      expect(saved.value).toEqual(value);
    }
    expect((await host.call('reviews_get', { id: made.id })).ratings).toBe(6);
    const again = await host.call('reviews_session', { id: made.id });
    expect(again.queue.map((q) => q.id)).toEqual(session.queue.map((q) => q.id));
    expect(again.ratings).toHaveLength(6);

    const res = await host.call('reviews_results', { id: made.id });
    expect(res.items).toBe(6);
    expect(res.ratings).toBe(6);
    expect(res.raters).toEqual([{ rater: { name: 'Ana', email: 'ana@example.com' }, ratedItems: 6, ratings: 6 }]);
    const pair = res.metrics[0]!.pairs[0]!;
    expect(pair).toMatchObject({ first: variants[0], second: variants[1], items: 6, ratings: 6, firstWins: 4, secondWins: 1, ties: 1 });
    expect(pair.firstWinRate.estimate).toBeCloseTo(4.5 / 6, 10);
    expect(pair.tieRate).toBeCloseTo(1 / 6, 10);
    // Exact sign test: 4 against 1 over 5 decisive items, two-sided: 2·(1+5)/32.
    expect(pair.pValue).toBeCloseTo(0.375, 10);
    expect(res.metrics[0]!.agreement).toMatchObject({ raters: 1, note: 'one rater so far: agreement needs two or more' });
    expect(res.summary[0]).toBe(`No clear winner on overall: «${variants[0]}» wins 75% of 6 items against «${variants[1]}» (95% CI ${Math.round(pair.firstWinRate.low * 100)}–${Math.round(pair.firstWinRate.high * 100)}%), 1 tie, p = 0.38.`);
    expect(res.summary[1]).toBe('Only one rater so far: agreement between raters needs two or more.');

    expect(await host.call('reviews_unrate', { reviewId: made.id, item: session.queue[0]!.id, metric: 'overall' })).toBe(true);
    expect(await host.call('reviews_unrate', { reviewId: made.id, item: session.queue[0]!.id, metric: 'overall' })).toBe(false);
    expect((await host.call('reviews_results', { id: made.id })).ratings).toBe(5);
  });

  it('carries a pack to a rater and their ratings back: duplicates skipped, conflicts listed, replaced on request', async () => {
    const { host, req } = await owner();
    const made = await host.call('reviews_create', req);
    await host.call('reviews_export_pack', { id: made.id, path: '/tmp/tone.review.json' });

    const rater = createMockHost();
    rater.state.files.set('/tmp/tone.review.json', host.state.files.get('/tmp/tone.review.json')!);
    const copy = await rater.call('reviews_import_pack', { path: '/tmp/tone.review.json' });
    expect(copy).toMatchObject({ id: made.id, role: 'rater', items: 6, runId: null });
    expect((await fail(rater.call('reviews_import_pack', { path: '/tmp/tone.review.json' }))).message).toBe('the review "Support tone" is already here: open it from Reviews');
    expect((await fail(rater.call('reviews_results', { id: made.id }))).message).toBe('"Support tone" is a copy to rate: reading results is done in the owner\'s Galley');
    await setRater(rater, 'Bo', 'bo@example.com');
    expect((await fail(rater.call('reviews_export_ratings', { id: made.id, path: '/tmp/bo.json' }))).message).toBe('you have not rated anything in "Support tone" yet');
    const queue = (await rater.call('reviews_session', { id: made.id })).queue;
    for (const q of queue.slice(0, 3)) await rater.call('reviews_rate', { reviewId: made.id, item: q.id, metric: 'overall', value: { type: 'choice', value: 'first' }, comment: '' });
    expect(await rater.call('reviews_export_ratings', { id: made.id, path: '/tmp/bo.ratings.json' })).toBe(3);

    host.state.files.set('/tmp/bo.ratings.json', rater.state.files.get('/tmp/bo.ratings.json')!);
    const first = await host.call('reviews_merge', { id: made.id, path: '/tmp/bo.ratings.json', replaceConflicts: false });
    expect(first).toMatchObject({ rater: { name: 'Bo', email: 'bo@example.com' }, added: 3, duplicates: 0, conflicts: [], replaced: 0 });
    const again = await host.call('reviews_merge', { id: made.id, path: '/tmp/bo.ratings.json', replaceConflicts: false });
    expect(again).toMatchObject({ added: 0, duplicates: 3, conflicts: [] });

    // Bo changes his mind on one item and sends the file again.
    await rater.call('reviews_rate', { reviewId: made.id, item: queue[0]!.id, metric: 'overall', value: { type: 'choice', value: 'tie' }, comment: 'close call' });
    await rater.call('reviews_export_ratings', { id: made.id, path: '/tmp/bo.ratings.json' });
    host.state.files.set('/tmp/bo.ratings.json', rater.state.files.get('/tmp/bo.ratings.json')!);
    const listed = await host.call('reviews_merge', { id: made.id, path: '/tmp/bo.ratings.json', replaceConflicts: false });
    expect(listed.duplicates).toBe(2);
    expect(listed.replaced).toBe(0);
    expect(listed.conflicts).toHaveLength(1);
    expect(listed.conflicts[0]).toMatchObject({ item: queue[0]!.id, metric: 'overall', incoming: { type: 'choice', value: 'tie' }, keptComment: '', incomingComment: 'close call' });
    const kept = host.state.reviews[0]!.ratings.find((r) => r.item === queue[0]!.id)!;
    expect(kept.value).toEqual(listed.conflicts[0]!.kept);
    const replaced = await host.call('reviews_merge', { id: made.id, path: '/tmp/bo.ratings.json', replaceConflicts: true });
    expect(replaced.replaced).toBe(1);
    expect(host.state.reviews[0]!.ratings.find((r) => r.item === queue[0]!.id)!.value).toEqual({ type: 'choice', value: 'tie' });

    // A file edited by hand is refused whole.
    host.state.files.set('/tmp/bad.json', rater.state.files.get('/tmp/bo.ratings.json')!.replace('close call', 'edited'));
    expect((await fail(host.call('reviews_merge', { id: made.id, path: '/tmp/bad.json', replaceConflicts: false }))).message).toContain('bad.json: the file was changed after it was exported');
    // A pack is not a ratings file.
    expect((await fail(host.call('reviews_merge', { id: made.id, path: '/tmp/tone.review.json', replaceConflicts: false }))).message).toBe(
      'tone.review.json: this is a review pack file, not a ratings file',
    );
  });

  it('seeds the preview with a review three raters rated, and a copy to rate', async () => {
    const host = createMockHost({ seed: true, seedRuns: true });
    const list = await host.call('reviews_list', undefined);
    expect(list.map((r) => [r.title, r.role, r.items, r.raters, r.ratings])).toEqual([
      ['Support reply: Nova Lite vs SmolLM', 'owner', 6, 3, 30],
      ['Support reply v3: clarity', 'rater', 5, 0, 0],
    ]);
    const res = await host.call('reviews_results', { id: list[0]!.id });
    const overall = res.metrics[0]!;
    // Ana 6 items, Bo 5, Chen 4; column 0 preferred 4 + 3 + 2 times, column 1 1 + 1 + 2 times, 2 ties.
    expect(res.raters.map((r) => [r.rater.name, r.ratedItems, r.ratings])).toEqual([
      ['Ana Lima', 6, 12],
      ['Bo Berg', 5, 10],
      ['Chen Wei', 4, 8],
    ]);
    expect(overall.pairs[0]).toMatchObject({ firstWins: 9, secondWins: 4, ties: 2, items: 6, ratings: 15 });
    expect(overall.agreement.raters).toBe(3);
    expect(overall.agreement.units).toBe(5);
    expect(overall.agreement.alphaNominal).not.toBeNull();
    expect(overall.agreement.fleissKappa).not.toBeNull();
    expect(res.summary).toHaveLength(4);
  });

  it('maps values between screen positions and pack order', () => {
    expect(toCanonical({ type: 'choice', value: 'first' }, [1, 0])).toEqual({ type: 'choice', value: 'second' });
    expect(toCanonical({ type: 'comparisonLikert', value: 2 }, [1, 0])).toEqual({ type: 'comparisonLikert', value: 4 });
    const given: RatingValue = { type: 'rank', value: [1, 3, 2] };
    const canonical = toCanonical(given, [2, 0, 1]);
    expect(canonical).toEqual({ type: 'rank', value: [3, 2, 1] });
    expect(toShown(canonical, [2, 0, 1])).toEqual(given);
  });

  it('computes agreement coefficients as their textbook definitions', () => {
    // Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with four
    // observers, twelve units and missing values: nominal alpha 0.743, ordinal 0.815. Units are
    // its columns; the twelfth has one value and counts for nothing.
    const units = [[1, 1, 1], [2, 2, 3, 2], [3, 3, 3, 3], [3, 3, 3, 3], [2, 2, 2, 2], [1, 2, 3, 4], [4, 4, 4, 4], [1, 1, 2, 1], [2, 2, 2, 2], [5, 5, 5], [1, 1], [3]];
    expect(krippendorffAlpha(units, 'nominal')).toBeCloseTo(0.743, 3);
    expect(krippendorffAlpha(units, 'ordinal')).toBeCloseTo(0.815, 3);
    // Cohen's kappa: 20 agree-yes, 15 agree-no, 5 + 10 disagree → po 0.7, pe 0.5, κ 0.4.
    const pairs: Array<[number, number]> = [
      ...Array.from({ length: 20 }, () => [1, 1] as [number, number]),
      ...Array.from({ length: 5 }, () => [1, 0] as [number, number]),
      ...Array.from({ length: 10 }, () => [0, 1] as [number, number]),
      ...Array.from({ length: 15 }, () => [0, 0] as [number, number]),
    ];
    expect(cohenKappa(pairs)).toBeCloseTo(0.4, 10);
    // Fleiss' kappa, three raters agreeing perfectly on two categories.
    expect(fleissKappa([[1, 1, 1], [0, 0, 0], [1, 1, 1]])).toBeCloseTo(1, 10);
  });
});
