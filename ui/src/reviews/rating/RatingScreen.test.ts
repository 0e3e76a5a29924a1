import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type {
  AppSettings,
  Metric,
  QueueItem,
  RatingSession,
  ReviewKind,
  ReviewsRateReq,
  ReviewsUnrateReq,
  ShownRating,
} from '../../bindings';
import { engineError, installHandlers, setHost } from '../../lib/host';
import { defaultSettings } from '../../settings/settingsForm';
import RatingScreen from './RatingScreen.svelte';

const RATER_MISSING = 'set your name and email in Settings → Reviews first: ratings are recorded under them';

function items(n: number, answers = 2): QueueItem[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `item-${i + 1}`,
    prompt: `Question ${i + 1}`,
    answers: Array.from({ length: answers }, (_, p) => `Answer ${i + 1}${String.fromCharCode(65 + p)}`),
  }));
}

function session(o: {
  kind?: ReviewKind;
  metrics?: Metric[];
  queue?: QueueItem[];
  ratings?: ShownRating[];
  role?: 'owner' | 'rater';
  instructions?: string;
}): RatingSession {
  const metrics = o.metrics ?? [{ name: 'overall', instructions: 'Which answer helps the customer more?', method: 'choice' }];
  const queue = o.queue ?? items(4);
  return {
    review: {
      id: 'rev-1',
      title: 'Support replies',
      role: o.role ?? 'owner',
      kind: o.kind ?? 'pairwise',
      items: queue.length,
      metrics,
      runId: 'run-1',
      raters: 3,
      ratings: 17,
      createdAt: '2026-05-04T10:00:00Z',
    },
    instructions: o.instructions ?? 'Read the question, then both answers.',
    rater: { name: 'Ada Lovelace', email: 'ada@example.com' },
    queue,
    ratings: o.ratings ?? [],
  };
}

const rated = (item: string, metric: string, value: ShownRating['value'], comment = ''): ShownRating => ({
  item,
  metric,
  value,
  comment,
  ratedAt: '2026-05-04T10:00:00Z',
});

/** An engine for one rater: stores what `reviews_rate` is given and answers the session with it. */
function engine(s: RatingSession) {
  const stored = new Map<string, ShownRating>(s.ratings.map((r) => [`${r.item}|${r.metric}`, r]));
  const rates: ReviewsRateReq[] = [];
  const unrates: ReviewsUnrateReq[] = [];
  let clock = 0;
  // Anything the screen asks beyond these is a mistake.
  setHost({ call: (cmd) => Promise.reject(engineError('internal', `unexpected command ${cmd}`)) });
  installHandlers({
    reviews_session: (req) => {
      expect(req).toEqual({ id: 'rev-1' });
      return structuredClone({ ...s, ratings: [...stored.values()] });
    },
    reviews_rate: (req) => {
      rates.push(structuredClone(req));
      const r = { item: req.item, metric: req.metric, value: req.value, comment: req.comment.trim(), ratedAt: `2026-05-04T11:00:${String(clock++).padStart(2, '0')}Z` };
      stored.set(`${req.item}|${req.metric}`, r);
      return structuredClone(r);
    },
    reviews_unrate: (req) => {
      unrates.push(structuredClone(req));
      return stored.delete(`${req.item}|${req.metric}`);
    },
  });
  return { stored, rates, unrates };
}

async function open(s: RatingSession, opts: { advanceMs?: number } = {}) {
  const fake = engine(s);
  const onclose = vi.fn();
  render(RatingScreen, { reviewId: 'rev-1', onclose, advanceMs: opts.advanceMs ?? 0 });
  await screen.findByTestId('rating-progress');
  return { ...fake, onclose };
}

const shown = () => screen.getByTestId('rating-screen');
const press = (key: string, init: Partial<KeyboardEventInit> = {}) => fireEvent.keyDown(shown(), { key, ...init });
const progress = () => screen.getByTestId('rating-progress').textContent;
const prompt = () => screen.getByTestId('rating-prompt').textContent;
const metric = (name: string) => screen.getAllByTestId('rating-metric').find((m) => m.dataset.metric === name)!;

describe('the rating screen', () => {
  it('rates a choice with A, B and T in shown positions, counts rated items and moves on', async () => {
    const { rates } = await open(session({}));
    expect(progress()).toBe('0 / 4');
    expect(prompt()).toBe('Question 1');
    expect(screen.getByTestId('rating-answer-a').textContent).toContain('Answer 1A');
    expect(screen.getByTestId('rating-answer-b').textContent).toContain('Answer 1B');
    expect(metric('overall').textContent).toContain('Which answer helps the customer more?');

    await press('a');
    await waitFor(() => expect(progress()).toBe('1 / 4'));
    expect(rates).toEqual([
      { reviewId: 'rev-1', item: 'item-1', metric: 'overall', value: { type: 'choice', value: 'first' }, comment: '' },
    ]);
    await waitFor(() => expect(prompt()).toBe('Question 2'));

    await press('B');
    await waitFor(() => expect(prompt()).toBe('Question 3'));
    await press('t');
    await waitFor(() => expect(progress()).toBe('3 / 4'));
    expect(rates.map((r) => [r.item, r.value])).toEqual([
      ['item-1', { type: 'choice', value: 'first' }],
      ['item-2', { type: 'choice', value: 'second' }],
      ['item-3', { type: 'choice', value: 'tie' }],
    ]);
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('3');
    // Keys of other methods do nothing on a choice.
    await press('3');
    await Promise.resolve();
    expect(rates).toHaveLength(3);
  });

  it('waits a moment on a finished item before the next one, and keys typed ahead go to the next', async () => {
    const { rates } = await open(session({}), { advanceMs: 5000 });
    await press('a');
    await waitFor(() => expect(progress()).toBe('1 / 4'));
    expect(prompt()).toBe('Question 1');
    expect(within(metric('overall')).getByTestId('rating-option-a').getAttribute('aria-pressed')).toBe('true');
    await press('b');
    await waitFor(() => expect(rates).toHaveLength(2));
    expect(rates[1]!.item).toBe('item-2');
  });

  it('scores Likert metrics with 1–5, thumbs with 1 and 2, one metric after another', async () => {
    const metrics: Metric[] = [
      { name: 'accuracy', instructions: 'Are the facts right?', method: 'likert' },
      { name: 'safe', instructions: '', method: 'thumbs' },
    ];
    const { rates } = await open(session({ kind: 'single', metrics, queue: items(4, 1) }));
    expect(screen.queryByTestId('rating-answer-b')).toBeNull();
    expect(metric('accuracy').dataset.active).toBe('true');
    await press('4');
    await waitFor(() => expect(metric('safe').dataset.active).toBe('true'));
    expect(progress()).toBe('0 / 4');
    expect(within(metric('accuracy')).getByTestId('rating-metric-state').textContent!.trim()).toBe('✓ 4 · Good');
    expect(within(metric('safe')).getByTestId('rating-option-2').textContent).toContain('Thumbs up');
    await press('2');
    await waitFor(() => expect(progress()).toBe('1 / 4'));
    await waitFor(() => expect(prompt()).toBe('Question 2'));
    await press('1');
    await waitFor(() => expect(rates).toHaveLength(3));
    expect(rates.map((r) => [r.item, r.metric, r.value])).toEqual([
      ['item-1', 'accuracy', { type: 'likert', value: 4 }],
      ['item-1', 'safe', { type: 'thumb', value: true }],
      ['item-2', 'accuracy', { type: 'likert', value: 1 }],
    ]);
    // Tab chooses the metric that receives keys.
    await press('Tab');
    await waitFor(() => expect(metric('accuracy').dataset.active).toBe('true'));
    await press('5');
    await waitFor(() => expect(rates).toHaveLength(4));
    expect(rates[3]).toMatchObject({ item: 'item-2', metric: 'accuracy', value: { type: 'likert', value: 5 } });
    // Back on the first item, the ratings given show selected.
    await press('k');
    await waitFor(() => expect(prompt()).toBe('Question 1'));
    expect(within(metric('accuracy')).getByTestId('rating-option-4').getAttribute('aria-pressed')).toBe('true');
    expect(within(metric('accuracy')).getByTestId('rating-option-5').getAttribute('aria-pressed')).toBe('false');
    expect(within(metric('safe')).getByTestId('rating-option-2').getAttribute('aria-pressed')).toBe('true');
  });

  it('leaves Tab to move the focus when there is one metric', async () => {
    await open(session({}));
    const tab = new KeyboardEvent('keydown', { key: 'Tab', bubbles: true, cancelable: true });
    shown().dispatchEvent(tab);
    expect(tab.defaultPrevented).toBe(false);
  });

  it('rates a comparison on its scale, 1 for A much better to 5 for B much better', async () => {
    const metrics: Metric[] = [{ name: 'tone', instructions: '', method: 'comparisonLikert' }];
    const { rates } = await open(session({ metrics }));
    const labels = within(metric('tone')).getAllByRole('button').map((b) => b.textContent!.replace(/\s+/g, ' ').trim());
    expect(labels).toEqual(['1 A much better', '2 A better', '3 About the same', '4 B better', '5 B much better']);
    await press('1');
    await waitFor(() => expect(progress()).toBe('1 / 4'));
    await press('5');
    await waitFor(() => expect(rates).toHaveLength(2));
    expect(rates.map((r) => r.value)).toEqual([
      { type: 'comparisonLikert', value: 1 },
      { type: 'comparisonLikert', value: 5 },
    ]);
  });

  it('moves between items with J/K and the arrows', async () => {
    const { rates } = await open(session({}));
    const position = () => screen.getByTestId('rating-item-position').textContent;
    expect(position()).toBe('Item 1 of 4');
    await press('j');
    await waitFor(() => expect(position()).toBe('Item 2 of 4'));
    expect(prompt()).toBe('Question 2');
    await press('ArrowRight');
    await waitFor(() => expect(position()).toBe('Item 3 of 4'));
    await press('k');
    await waitFor(() => expect(position()).toBe('Item 2 of 4'));
    await press('ArrowLeft');
    await press('ArrowLeft');
    await waitFor(() => expect(position()).toBe('Item 1 of 4'));
    await fireEvent.click(screen.getByTestId('rating-next'));
    await waitFor(() => expect(position()).toBe('Item 2 of 4'));
    expect(rates).toEqual([]);
  });

  it('undoes a new rating by taking it back', async () => {
    const { rates, unrates, stored } = await open(session({}));
    expect((screen.getByTestId('rating-undo') as HTMLButtonElement).disabled).toBe(true);
    await press('a');
    await waitFor(() => expect(prompt()).toBe('Question 2'));
    await press('u');
    await waitFor(() => expect(unrates).toEqual([{ reviewId: 'rev-1', item: 'item-1', metric: 'overall' }]));
    await waitFor(() => expect(progress()).toBe('0 / 4'));
    // It shows the item whose rating went.
    expect(prompt()).toBe('Question 1');
    expect(stored.size).toBe(0);
    expect(rates).toHaveLength(1);
    expect(within(metric('overall')).getByTestId('rating-metric-state').textContent!.trim()).toBe('Not rated');
  });

  it('undoes a changed rating by storing the earlier value again', async () => {
    const s = session({ ratings: [rated('item-1', 'overall', { type: 'choice', value: 'second' }, 'B is kinder')] });
    const { rates, unrates, stored } = await open(s);
    expect(prompt()).toBe('Question 2');
    await press('k');
    await waitFor(() => expect(prompt()).toBe('Question 1'));
    expect(within(metric('overall')).getByTestId('rating-option-b').getAttribute('aria-pressed')).toBe('true');
    await press('a');
    await waitFor(() => expect(rates).toHaveLength(1));
    expect(rates[0]).toEqual({ reviewId: 'rev-1', item: 'item-1', metric: 'overall', value: { type: 'choice', value: 'first' }, comment: 'B is kinder' });
    // A rated item changed is not left.
    expect(prompt()).toBe('Question 1');
    await press('u');
    await waitFor(() => expect(rates).toHaveLength(2));
    expect(rates[1]).toEqual({ reviewId: 'rev-1', item: 'item-1', metric: 'overall', value: { type: 'choice', value: 'second' }, comment: 'B is kinder' });
    expect(unrates).toEqual([]);
    expect(stored.get('item-1|overall')!.value).toEqual({ type: 'choice', value: 'second' });
    await waitFor(() => expect(within(metric('overall')).getByTestId('rating-option-b').getAttribute('aria-pressed')).toBe('true'));
  });

  it('keeps a comment typed before any rating and sends it with the first; keys do nothing while typing', async () => {
    const { rates } = await open(session({}));
    const box = screen.getByTestId('rating-comment') as HTMLTextAreaElement;
    await press('c');
    expect(document.activeElement).toBe(box);
    await fireEvent.input(box, { target: { value: ' A cites the refund policy. ' } });
    for (const key of ['a', 'b', 't', 'j', 'u', '?']) await fireEvent.keyDown(box, { key });
    await Promise.resolve();
    expect(rates).toEqual([]);
    expect(prompt()).toBe('Question 1');
    expect(screen.queryByTestId('rating-help')).toBeNull();
    await fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    expect(document.activeElement).toBe(shown());
    await screen.findByTestId('rating-comment-pending');
    expect(rates).toEqual([]);
    await press('a');
    await waitFor(() => expect(rates).toHaveLength(1));
    expect(rates[0]!.comment).toBe('A cites the refund policy.');
  });

  it('warns once before closing over a comment that waits for its first rating', async () => {
    const { onclose, rates } = await open(session({}));
    const box = screen.getByTestId('rating-comment') as HTMLTextAreaElement;
    await press('c');
    await fireEvent.input(box, { target: { value: 'B invents a policy.' } });
    await fireEvent.keyDown(box, { key: 'Enter', ctrlKey: true });
    await press('Escape');
    expect(onclose).not.toHaveBeenCalled();
    expect(screen.getByTestId('rating-close-warning').textContent).toContain('item 1');
    expect(rates).toEqual([]);
    await press('Escape');
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('sends a comment on a rated item with every rating of it', async () => {
    const metrics: Metric[] = [
      { name: 'overall', instructions: '', method: 'choice' },
      { name: 'tone', instructions: '', method: 'comparisonLikert' },
    ];
    const s = session({
      metrics,
      ratings: [rated('item-1', 'overall', { type: 'choice', value: 'first' }), rated('item-1', 'tone', { type: 'comparisonLikert', value: 2 })],
    });
    const { rates } = await open(s);
    await press('k');
    await waitFor(() => expect(prompt()).toBe('Question 1'));
    await press('c');
    const box = screen.getByTestId('rating-comment') as HTMLTextAreaElement;
    await fireEvent.input(box, { target: { value: 'B invents a phone number' } });
    await fireEvent.keyDown(box, { key: 'Escape' });
    await waitFor(() => expect(rates).toHaveLength(2));
    expect(rates).toEqual([
      { reviewId: 'rev-1', item: 'item-1', metric: 'overall', value: { type: 'choice', value: 'first' }, comment: 'B invents a phone number' },
      { reviewId: 'rev-1', item: 'item-1', metric: 'tone', value: { type: 'comparisonLikert', value: 2 }, comment: 'B invents a phone number' },
    ]);
    // Esc in the box saved it; it did not close the screen.
    expect(screen.getByTestId('rating-screen')).toBeTruthy();
  });

  it('resumes at the first item with a metric left, with the instructions folded', async () => {
    const s = session({
      ratings: [rated('item-1', 'overall', { type: 'choice', value: 'tie' }), rated('item-2', 'overall', { type: 'choice', value: 'first' })],
    });
    await open(s);
    expect(progress()).toBe('2 / 4');
    expect(prompt()).toBe('Question 3');
    expect(screen.queryByTestId('rating-instructions-text')).toBeNull();
    await fireEvent.click(screen.getByTestId('rating-instructions-toggle'));
    expect(screen.getByTestId('rating-instructions-text').textContent).toBe('Read the question, then both answers.');
    await press('k');
    await waitFor(() => expect(prompt()).toBe('Question 2'));
    expect(within(metric('overall')).getByTestId('rating-option-a').getAttribute('aria-pressed')).toBe('true');
  });

  it('shows the instructions first on a new review', async () => {
    await open(session({}));
    expect(screen.getByTestId('rating-instructions-text').textContent).toBe('Read the question, then both answers.');
  });

  it('shows answers as text, never as HTML', async () => {
    const queue = items(1);
    queue[0]!.answers = ['<img src=x onerror="window.pwned = 1">', '<b>bold</b> & <script>alert(1)</script>'];
    queue[0]!.prompt = '<img src=y onerror=alert(2)>';
    await open(session({ queue }));
    expect(shown().querySelector('img')).toBeNull();
    expect(shown().querySelector('b, script')).toBeNull();
    expect(within(screen.getByTestId('rating-answer-a')).getByTestId('rating-answer-text').textContent).toBe('<img src=x onerror="window.pwned = 1">');
    expect(within(screen.getByTestId('rating-answer-b')).getByTestId('rating-answer-text').textContent).toBe('<b>bold</b> & <script>alert(1)</script>');
    expect(prompt()).toBe('<img src=y onerror=alert(2)>');
    // Nor with the differences marked.
    await press('d');
    await waitFor(() => expect(screen.getAllByTestId('rating-diff-word').length).toBeGreaterThan(0));
    expect(shown().querySelector('img, b, script')).toBeNull();
  });

  it('marks the words that differ between A and B, with D or the button', async () => {
    const queue = items(1);
    queue[0]!.answers = ['The capital of France is Paris.\nIt is large.', 'The capital of France is Lyon.\nIt is large.'];
    await open(session({ queue }));
    expect(screen.queryAllByTestId('rating-diff-word')).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('rating-diff-toggle'));
    const marked = (side: 'a' | 'b') =>
      within(screen.getByTestId(`rating-answer-${side}`)).queryAllByTestId('rating-diff-word').map((m) => m.textContent);
    expect(marked('a')).toEqual(['Paris.']);
    expect(marked('b')).toEqual(['Lyon.']);
    expect(within(screen.getByTestId('rating-answer-a')).getByTestId('rating-answer-text').textContent).toBe(queue[0]!.answers[0]);
    await press('d');
    await waitFor(() => expect(screen.queryAllByTestId('rating-diff-word')).toHaveLength(0));
  });

  it('ranks answers by their letters, best first, with Backspace to take one back', async () => {
    const metrics: Metric[] = [{ name: 'best', instructions: 'Best answer first.', method: 'rank' }];
    const { rates } = await open(session({ kind: 'rank', metrics, queue: items(2, 3) }));
    expect(screen.getByTestId('rating-answer-c').textContent).toContain('Answer 1C');
    expect(screen.queryByTestId('rating-diff-toggle')).toBeNull();
    await press('b');
    await waitFor(() => expect(within(screen.getByTestId('rating-answer-b')).getByTestId('rating-place').textContent).toBe('#1'));
    // C is an answer here, not the comment box.
    await press('c');
    await waitFor(() => expect(screen.getByTestId('rating-order').textContent!.replace(/\s+/g, ' ').trim()).toBe('B > C > …'));
    expect(document.activeElement).toBe(shown());
    await press('Backspace');
    await waitFor(() => expect(screen.getByTestId('rating-order').textContent!.replace(/\s+/g, ' ').trim()).toBe('B > …'));
    expect(within(screen.getByTestId('rating-answer-c')).queryByTestId('rating-place')).toBeNull();
    await press('b'); // already placed: nothing
    await press('a');
    expect(rates).toEqual([]);
    await press('c');
    await waitFor(() => expect(rates).toHaveLength(1));
    // Rank of each shown position: A second, B first, C third.
    expect(rates[0]).toEqual({ reviewId: 'rev-1', item: 'item-1', metric: 'best', value: { type: 'rank', value: [2, 1, 3] }, comment: '' });
    await waitFor(() => expect(prompt()).toBe('Question 2'));
    expect(progress()).toBe('1 / 2');
    // Shift+C still comments while ranking.
    await press('C', { shiftKey: true });
    expect(document.activeElement).toBe(screen.getByTestId('rating-comment'));
  });

  it('keeps the item and says why when the engine refuses a rating', async () => {
    const { rates } = await open(session({}));
    installHandlers({
      reviews_rate: (req) => {
        rates.push(req);
        throw engineError('database', 'database is locked: try again');
      },
    });
    await press('a');
    expect((await screen.findByTestId('rating-error')).textContent).toBe('overall not saved: database is locked: try again');
    expect(progress()).toBe('0 / 4');
    expect(prompt()).toBe('Question 1');
    expect(within(metric('overall')).getByTestId('rating-option-a').getAttribute('aria-pressed')).toBe('false');
    expect((screen.getByTestId('rating-undo') as HTMLButtonElement).disabled).toBe(true);
  });

  it('ends with every item rated; a rater is told to export, and Esc closes', async () => {
    const s = session({ role: 'rater', queue: items(2) });
    const { onclose } = await open(s);
    await press('a');
    await waitFor(() => expect(prompt()).toBe('Question 2'));
    await press('b');
    const done = await screen.findByTestId('rating-done');
    expect(done.querySelector('h2')!.textContent).toBe('All 2 items rated');
    expect(screen.getByTestId('rating-done-export').textContent).toContain('Export ratings…');
    expect(progress()).toBe('2 / 2');
    await press('k');
    await waitFor(() => expect(prompt()).toBe('Question 2'));
    await press('j');
    await screen.findByTestId('rating-done');
    await press('Escape');
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('opens done when everything was rated, without the export note for the owner', async () => {
    const s = session({ queue: items(1), ratings: [rated('item-1', 'overall', { type: 'choice', value: 'first' })] });
    const { onclose } = await open(s);
    expect((await screen.findByTestId('rating-done')).textContent).toContain('All 1 items rated');
    expect(screen.queryByTestId('rating-done-export')).toBeNull();
    await fireEvent.click(screen.getByTestId('rating-done-close'));
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('lists the keys with ?', async () => {
    const { rates } = await open(session({}));
    await press('?');
    const help = await screen.findByTestId('rating-help');
    expect(help.textContent).toContain('Undo the last rating');
    // Keys do not rate while the list is open.
    await fireEvent.keyDown(help, { key: 'a' });
    expect(rates).toEqual([]);
    await fireEvent.keyDown(help, { key: 'Escape' });
    await waitFor(() => expect(screen.queryByTestId('rating-help')).toBeNull());
  });

  it('asks who is rating when Settings has nobody, saves it there and starts', async () => {
    const s = session({});
    const { rates } = engine(s);
    let settings: AppSettings = { ...defaultSettings(), runs: { confirmAboveUsd: 5, concurrency: 2 } };
    const saves: AppSettings[] = [];
    installHandlers({
      settings_get: () => structuredClone(settings),
      settings_save: (req) => {
        saves.push(structuredClone(req));
        settings = structuredClone(req);
        return req;
      },
      reviews_session: () => {
        if (!settings.rater.email) throw engineError('invalid', RATER_MISSING);
        return structuredClone(s);
      },
    });
    const onclose = vi.fn();
    render(RatingScreen, { reviewId: 'rev-1', onclose, advanceMs: 0 });
    const name = (await screen.findByTestId('rater-name-inline')) as HTMLInputElement;
    const email = screen.getByTestId('rater-email-inline') as HTMLInputElement;
    await waitFor(() => expect(document.activeElement).toBe(name));
    await fireEvent.input(name, { target: { value: ' Ada Lovelace ' } });
    // Keys of the screen do nothing in the form.
    await fireEvent.keyDown(name, { key: 'a' });
    await fireEvent.input(email, { target: { value: 'ada@example.com' } });
    await fireEvent.click(screen.getByTestId('rater-identity-save'));
    await waitFor(() => expect(progress()).toBe('0 / 4'));
    expect(saves).toEqual([{ ...defaultSettings(), runs: { confirmAboveUsd: 5, concurrency: 2 }, rater: { name: 'Ada Lovelace', email: 'ada@example.com' } }]);
    expect(screen.queryByTestId('rater-name-inline')).toBeNull();
    expect(rates).toEqual([]);
    expect(screen.getByTestId('rating-rater').textContent).toBe('Rating as Ada Lovelace <ada@example.com>');
  });

  it('shows other load failures with a way to try again', async () => {
    let fail = true;
    const s = session({});
    engine(s);
    installHandlers({
      reviews_session: () => {
        if (fail) throw engineError('notFound', 'there is no review `rev-1`: it may have been deleted');
        return structuredClone(s);
      },
    });
    render(RatingScreen, { reviewId: 'rev-1', onclose: () => {}, advanceMs: 0 });
    expect((await screen.findByTestId('rating-load-error')).textContent).toBe('there is no review `rev-1`: it may have been deleted');
    expect(screen.queryByTestId('rater-name-inline')).toBeNull();
    fail = false;
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await screen.findByTestId('rating-progress');
  });

  it('shows nothing of where the answers came from or of other raters', async () => {
    await open(session({}));
    const text = shown().textContent!;
    expect(text).not.toContain('run-1');
    expect(text).not.toMatch(/\b17\b/);
    expect(text).not.toMatch(/raters?\b/i);
  });
});
