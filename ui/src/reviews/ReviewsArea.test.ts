import { beforeEach, describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { RatingValue, ReviewsMergeReq } from '../bindings';
import { installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import Toasts from '../lib/Toasts.svelte';
import ReviewsArea from './ReviewsArea.svelte';
import { ratingText } from './format';
import { showReviews } from './navigation.svelte';

// The desktop's file dialogs, as a test wants them: none (a plain browser: paths are typed) or
// native ones that answer with the paths set here.
const picker = vi.hoisted(() => ({ native: false, open: null as string | null, save: null as string | null, saveNames: [] as string[] }));
vi.mock('../lib/filePicker', () => ({
  canPickFiles: () => picker.native,
  pickSavePath: vi.fn(async (name: string) => {
    picker.saveNames.push(name);
    return picker.save;
  }),
  pickGgufFile: vi.fn(async () => null),
}));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(async () => picker.open), save: vi.fn(async () => picker.save) }));

beforeEach(() => {
  picker.native = false;
  picker.open = null;
  picker.save = null;
  picker.saveNames = [];
});

type Host = ReturnType<typeof createMockHost>;

async function setRater(host: Host, name: string, email: string) {
  const settings = await host.call('settings_get', undefined);
  await host.call('settings_save', { ...settings, rater: { name, email } });
}

/** A seeded host with a pairwise review of its first run ("Support tone", 6 items). */
async function ownerHost() {
  const host = createMockHost({ seed: true, seedRuns: true });
  // Without the demo reviews.
  host.state.reviews = [];
  const made = await host.call('reviews_create', {
    runId: host.state.runs[0]!.id,
    title: 'Support tone',
    kind: 'pairwise',
    columns: [0, 1],
    metrics: [{ name: 'overall', method: 'choice', instructions: 'Which answer serves the user better?' }],
    instructions: 'You are a support lead: pick the reply you would send.',
  });
  await setRater(host, 'Ana', 'ana@example.com');
  return { host, made };
}

/** Rates, as the host's rater, the first items of their queue (in the order of `values`). */
async function rate(host: Host, id: string, values: RatingValue[]) {
  const queue = (await host.call('reviews_session', { id })).queue;
  for (const [i, value] of values.entries()) await host.call('reviews_rate', { reviewId: id, item: queue[i]!.id, metric: 'overall', value, comment: '' });
  return queue;
}

/** A rater's desktop with the owner's pack imported. */
async function raterHost(owner: Host, id: string) {
  await owner.call('reviews_export_pack', { id, path: '/tmp/tone.review.json' });
  const host = createMockHost();
  host.state.files.set('/tmp/tone.review.json', owner.state.files.get('/tmp/tone.review.json')!);
  await setRater(host, 'Bo', 'bo@example.com');
  return host;
}

const FIRST: RatingValue = { type: 'choice', value: 'first' };
const toastTexts = () => screen.queryAllByTestId('toast').map((t) => t.querySelector('.text')?.textContent);

function mount(host: Host, open = true) {
  setHost(host);
  const r = render(ReviewsArea, { open });
  render(ConfirmHost);
  render(Toasts);
  return { ...r, user: userEvent.setup() };
}

async function typePath(user: ReturnType<typeof userEvent.setup>, path: string) {
  const input = (await screen.findByTestId('review-path')) as HTMLInputElement;
  await user.clear(input);
  await user.type(input, path);
  await user.click(screen.getByTestId('review-path-ok'));
}

describe('the reviews area', () => {
  it('lists reviews with their role and counts, and shows the owner the results', async () => {
    const { host, made } = await ownerHost();
    await rate(host, made.id, [FIRST, FIRST, { type: 'choice', value: 'tie' }]);
    // A pack someone else sent, imported to rate.
    const other = await ownerHost();
    await other.host.call('reviews_export_pack', { id: other.made.id, path: '/tmp/other.review.json' });
    host.state.files.set('/tmp/other.review.json', other.host.state.files.get('/tmp/other.review.json')!);
    await host.call('reviews_import_pack', { path: '/tmp/other.review.json' });

    mount(host);
    await waitFor(() => expect(screen.getAllByTestId('review-row')).toHaveLength(2));
    const rows = screen.getAllByTestId('review-row');
    expect(rows.map((r) => [r.dataset.role, within(r).getByTestId('review-role').textContent])).toEqual([
      ['rater', 'to rate'],
      ['owner', 'yours'],
    ]);
    const mine = rows[1]!;
    expect(within(mine).getByTestId('review-row-items').textContent).toBe('6 items');
    expect(within(mine).getByTestId('review-row-raters').textContent).toBe('1 rater');
    expect(within(mine).getByTestId('review-row-ratings').textContent).toBe('3 ratings');
    expect(mine.textContent).toContain('pairwise');

    await userEvent.click(within(mine).getByRole('button'));
    await screen.findByTestId('review-results');
    expect(screen.getByTestId('review-name').textContent).toBe('Support tone');
    const expected = await host.call('reviews_results', { id: made.id });
    expect(Array.from(screen.getByTestId('review-summary').querySelectorAll('li')).map((li) => li.textContent)).toEqual(expected.summary);
    const pair = expected.metrics[0]!.pairs[0]!;
    expect(screen.getByTestId('pair-win-rate-value').textContent).toBe(`${Math.round(pair.firstWinRate.estimate * 100)}%`);
    expect(screen.getByTestId('pair-counts').textContent).toBe(`wins / ties / losses: ${pair.firstWins} / 1 / ${pair.secondWins}`);
    expect(pair.firstWins + pair.secondWins).toBe(2);
    expect(screen.getAllByTestId('rater-row')).toHaveLength(1);
    expect(screen.getByTestId('rater-progress-figures').textContent).toBe('3 / 6 items · 3 ratings of 6');
  });

  it('merges a ratings file: conflicts are listed and only replaced when asked', async () => {
    const { host, made } = await ownerHost();
    const bo = await raterHost(host, made.id);
    await bo.call('reviews_import_pack', { path: '/tmp/tone.review.json' });
    const queue = await rate(bo, made.id, [FIRST, FIRST, FIRST]);
    await bo.call('reviews_export_ratings', { id: made.id, path: '/tmp/bo.ratings.json' });
    host.state.files.set('/tmp/bo.ratings.json', bo.state.files.get('/tmp/bo.ratings.json')!);
    await host.call('reviews_merge', { id: made.id, path: '/tmp/bo.ratings.json', replaceConflicts: false });
    // Bo changes his mind on one item and sends the file again.
    await bo.call('reviews_rate', { reviewId: made.id, item: queue[1]!.id, metric: 'overall', value: { type: 'choice', value: 'tie' }, comment: 'too close to call' });
    await bo.call('reviews_export_ratings', { id: made.id, path: '/tmp/bo.ratings.json' });
    host.state.files.set('/tmp/bo.ratings.json', bo.state.files.get('/tmp/bo.ratings.json')!);
    const kept = host.state.reviews[0]!.ratings.find((r) => r.item === queue[1]!.id)!.value;

    const sent: ReviewsMergeReq[] = [];
    installHandlers({
      reviews_merge: (req) => {
        sent.push(req);
        return host.call('reviews_merge', req);
      },
    });
    const { user } = mount(host);
    await screen.findByTestId('review-results');
    await user.click(screen.getByTestId('review-merge'));
    expect(screen.getByTestId('review-path-dialog').textContent).toContain('Merge a ratings file');
    await typePath(user, '/tmp/bo.ratings.json');

    const report = await screen.findByTestId('merge-report');
    expect(sent).toEqual([{ id: made.id, path: '/tmp/bo.ratings.json', replaceConflicts: false }]);
    expect(screen.queryByTestId('review-path-dialog')).toBeNull();
    expect(within(report).getByTestId('merge-added').textContent).toBe('0');
    expect(within(report).getByTestId('merge-duplicates').textContent).toBe('2');
    expect(within(report).getByTestId('merge-conflict-count').textContent).toBe('1');
    const rows = within(report).getAllByTestId('merge-conflict');
    expect(rows).toHaveLength(1);
    expect(rows[0]!.dataset.item).toBe(queue[1]!.id);
    expect(within(rows[0]!).getByTestId('merge-kept').textContent).toBe(ratingText(kept));
    expect(within(rows[0]!).getByTestId('merge-incoming').textContent).toBe('tie');
    expect(within(rows[0]!).getByTestId('merge-incoming-comment').textContent).toBe('“too close to call”');
    expect(within(report).getByTestId('merge-status').textContent).toContain('Nothing was overwritten: the 1 rating below stays as kept here.');
    expect(host.state.reviews[0]!.ratings.find((r) => r.item === queue[1]!.id)!.value).toEqual(kept);

    await user.click(within(report).getByTestId('merge-replace'));
    await waitFor(() => expect(within(report).getByTestId('merge-replaced').textContent).toBe('1'));
    expect(sent[1]).toEqual({ id: made.id, path: '/tmp/bo.ratings.json', replaceConflicts: true });
    expect(within(report).getByTestId('merge-status').textContent).toContain('Replaced 1 kept rating with the file’s');
    expect(within(report).queryByTestId('merge-replace')).toBeNull();
    expect(host.state.reviews[0]!.ratings.find((r) => r.item === queue[1]!.id)!.value).toEqual({ type: 'choice', value: 'tie' });
    // The results now count Bo's tie.
    await waitFor(() => expect(screen.getByTestId('pair-counts').textContent).toMatch(/ \/ 1 \/ /));
  });

  it('shows a rater’s copy without results, rates in the rating screen and exports the ratings', async () => {
    const { host: owner, made } = await ownerHost();
    const bo = await raterHost(owner, made.id);
    const { user } = mount(bo);
    await user.click(await screen.findByTestId('review-import'));
    await typePath(user, '/tmp/tone.review.json');
    const copy = await screen.findByTestId('review-rater-copy');
    expect(toastTexts()).toContain('Imported “Support tone”: 6 items to rate');
    expect(within(screen.getByTestId('review-row')).getByTestId('review-role').textContent).toBe('to rate');
    expect(screen.queryByTestId('review-results')).toBeNull();
    expect(screen.queryByTestId('review-merge')).toBeNull();
    await waitFor(() => expect(within(copy).getByTestId('review-instructions-text').textContent).toBe('You are a support lead: pick the reply you would send.'));
    expect(within(copy).getByTestId('review-my-progress').textContent?.replace(/\s+/g, ' ').trim()).toBe('0 of 6 ratings given (6 items × 1 metric)');
    expect((screen.getByTestId('review-export-ratings') as HTMLButtonElement).disabled).toBe(true);

    // Rating happens in the rating screen; closing it reads the progress again.
    await user.click(screen.getByTestId('review-rate'));
    await screen.findByTestId('rating-screen');
    await rate(bo, made.id, [FIRST, { type: 'choice', value: 'second' }]);
    await user.click(screen.getByTestId('rating-close'));
    await waitFor(() => expect(screen.queryByTestId('rating-screen')).toBeNull());
    await waitFor(() => expect(within(copy).getByTestId('review-my-progress').textContent).toContain('2 of 6 ratings given'));
    expect(screen.queryByTestId('review-results')).toBeNull();

    await user.click(screen.getByTestId('review-export-ratings'));
    expect((screen.getByTestId('review-path') as HTMLInputElement).value).toBe('Support tone.ratings.json');
    await typePath(user, '/tmp/bo.ratings.json');
    await waitFor(() => expect(toastTexts()).toContain('Exported 2 ratings to /tmp/bo.ratings.json: send the file to the review’s owner'));
    const file = JSON.parse(bo.state.files.get('/tmp/bo.ratings.json')!) as { rater: unknown; ratings: unknown[] };
    expect(file.rater).toEqual({ name: 'Bo', email: 'bo@example.com' });
    expect(file.ratings).toHaveLength(2);
  });

  it('uses the desktop’s dialogs when there are: the pack is saved under the review’s name, a pack opened is imported', async () => {
    picker.native = true;
    const { host, made } = await ownerHost();
    picker.save = '/home/ana/Support tone.review.json';
    const { user } = mount(host);
    await screen.findByTestId('review-results');
    await user.click(screen.getByTestId('review-export-pack'));
    await waitFor(() => expect(toastTexts()).toContain('Review pack written to /home/ana/Support tone.review.json: send it to the raters'));
    expect(picker.saveNames).toEqual(['Support tone.review.json']);
    expect(screen.queryByTestId('review-path-dialog')).toBeNull();
    const pack = JSON.parse(host.state.files.get('/home/ana/Support tone.review.json')!) as { reviewId: string; items: unknown[] };
    expect(pack.reviewId).toBe(made.id);
    expect(pack.items).toHaveLength(6);

    picker.save = '/home/ana/tone.csv';
    await user.click(screen.getByTestId('review-export-csv'));
    await waitFor(() => expect(toastTexts()).toContain('Ratings written to /home/ana/tone.csv'));
    expect(picker.saveNames[1]).toBe('Support tone.ratings.csv');

    // Importing its own pack is refused with the engine's words.
    picker.open = '/home/ana/Support tone.review.json';
    await user.click(screen.getByTestId('review-import'));
    await waitFor(() => expect(toastTexts()).toContain('"Support tone" is your own review: rate it from Reviews instead of importing its pack'));
  });

  it('deletes a review after confirmation', async () => {
    const { host } = await ownerHost();
    const { user } = mount(host);
    await screen.findByTestId('review-detail');
    await user.click(screen.getByTestId('review-delete'));
    await user.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryAllByTestId('review-row')).toHaveLength(0));
    expect(host.state.reviews).toHaveLength(0);
    expect(toastTexts()).toContain('Deleted “Support tone”');
    expect(screen.getByTestId('reviews-empty')).toBeTruthy();
  });

  it('opens on the review asked for from elsewhere', async () => {
    const { host, made } = await ownerHost();
    await host.call('reviews_create', { runId: host.state.runs[0]!.id, title: 'Newer', kind: 'pairwise', columns: [0, 1], metrics: made.metrics, instructions: '' });
    mount(host, false);
    expect(screen.queryByTestId('reviews-area')).toBeNull();
    showReviews(made.id);
    await screen.findByTestId('reviews-area');
    await waitFor(() => expect(screen.getByTestId('review-name').textContent).toBe('Support tone'));
  });
});
