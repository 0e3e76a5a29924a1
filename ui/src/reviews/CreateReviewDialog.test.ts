import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { ReviewsCreateReq, RunSummary } from '../bindings';
import { engineError, installHandlers } from '../lib/host';
import { RunGrid } from '../runs/grid.svelte';
import RunView from '../runs/RunView.svelte';
import { column, okCell, spec } from '../runs/testing';
import CreateReviewDialog from './CreateReviewDialog.svelte';
import { reviewsRequest, takeReviewsRequest } from './navigation.svelte';

const COLUMNS = [column(1, 'bedrock', 'amazon.nova-lite-v1:0'), column(2, 'bedrock', 'amazon.nova-lite-v1:0'), column(2, 'local', 'SmolLM2-135M-Instruct')];

function summary(o: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1', blueprintId: 'bp-1', blueprintName: 'Support reply', status: 'finished', columns: [], inputs: 4, repeats: 1,
    cellsTotal: 12, cellsOk: 11, cellsFailed: 1, costUsd: 0, source: 'app', createdAt: '2026-05-04T10:00:00Z', updatedAt: '2026-05-04T10:00:00Z', ...o,
  };
}

/** A finished run of 4 inputs on 3 columns; column 2 failed on input 3. */
function grid(columns = COLUMNS, failed: Array<[number, number]> = [[2, 3]]): RunGrid {
  const s = spec({ columns, inputs: 4 });
  const cells = [];
  for (let c = 0; c < columns.length; c++) {
    for (let i = 0; i < 4; i++) {
      const bad = failed.some(([fc, fi]) => fc === c && fi === i);
      cells.push(okCell({ column: c, input: i, repeat: 0 }, bad ? { status: 'error', text: '' } : { text: `answer ${c}.${i}` }));
    }
  }
  return RunGrid.fromDetail({ summary: summary(), spec: s, cells });
}

const box = (i: number) => screen.getByTestId(`review-column-${i}`) as HTMLInputElement;
const createButton = () => screen.getByTestId('review-create') as HTMLButtonElement;

describe('making a review from a run', () => {
  it('starts pairwise on the first two columns, with the default metric', () => {
    render(CreateReviewDialog, { grid: grid(), onclose: vi.fn() });
    expect((screen.getByTestId('review-title') as HTMLInputElement).value).toBe('Support reply review');
    expect((screen.getByTestId('review-kind-pairwise') as HTMLInputElement).checked).toBe(true);
    expect([box(0).checked, box(1).checked, box(2).checked]).toEqual([true, true, false]);
    // Labelled with the run's column labels and their answers.
    expect(box(2).closest('label')!.textContent).toContain('v2 · local:SmolLM2-135M-Instruct');
    expect(box(2).closest('label')!.textContent).toContain('3 answers');
    // Exactly two: a third cannot be ticked while two are.
    expect(box(2).disabled).toBe(true);
    expect((screen.getByTestId('review-metric-name') as HTMLInputElement).value).toBe('overall');
    expect((screen.getByTestId('review-metric-method') as HTMLSelectElement).value).toBe('choice');
    expect(Array.from((screen.getByTestId('review-metric-method') as HTMLSelectElement).options).map((o) => o.value)).toEqual(['choice', 'comparisonLikert']);
    expect((screen.getByTestId('review-metric-instructions') as HTMLTextAreaElement).value).toBe('Which answer serves the user better?');
    expect(screen.getByTestId('review-items-preview').textContent).toContain('4 items');
    expect(createButton().disabled).toBe(false);
  });

  it('enforces the number of columns of each kind', async () => {
    render(CreateReviewDialog, { grid: grid(), onclose: vi.fn() });
    await fireEvent.click(box(1));
    expect(screen.getByTestId('review-columns-problem').textContent).toBe('A pairwise review compares exactly two columns: choose 2 (1 chosen).');
    expect(createButton().disabled).toBe(true);
    expect(box(2).disabled).toBe(false);
    await fireEvent.click(box(2));
    expect(screen.queryByTestId('review-columns-problem')).toBeNull();
    // Columns 0 and 2 both answered inputs 0–2 only.
    expect(screen.getByTestId('review-items-preview').textContent).toContain('3 items');
    expect(createButton().disabled).toBe(false);

    // Rank takes every column, and three at least; the default metric follows the kind.
    await fireEvent.click(screen.getByTestId('review-kind-rank'));
    expect([box(0).checked, box(1).checked, box(2).checked]).toEqual([true, true, true]);
    expect((screen.getByTestId('review-metric-method') as HTMLSelectElement).value).toBe('rank');
    expect((screen.getByTestId('review-metric-instructions') as HTMLTextAreaElement).value).toBe('Order the answers from best to worst.');
    await fireEvent.click(box(0));
    expect(screen.getByTestId('review-columns-problem').textContent).toBe('A rank review orders three columns or more: choose at least 3 (2 chosen).');
    expect(createButton().disabled).toBe(true);

    // Single answers: one column or more, rated with thumbs or Likert.
    await fireEvent.click(screen.getByTestId('review-kind-single'));
    expect(screen.queryByTestId('review-columns-problem')).toBeNull();
    expect(Array.from((screen.getByTestId('review-metric-method') as HTMLSelectElement).options).map((o) => o.value)).toEqual(['thumbs', 'likert']);
    // 4 answers of column 1 and 3 of column 2: one item each.
    expect(screen.getByTestId('review-items-preview').textContent).toContain('7 items');
    await fireEvent.click(box(1));
    await fireEvent.click(box(2));
    expect(screen.getByTestId('review-columns-problem').textContent).toBe('Choose at least one column to rate.');
    expect(createButton().disabled).toBe(true);
  });

  it('offers rank only to runs of three columns or more', () => {
    render(CreateReviewDialog, { grid: grid(COLUMNS.slice(0, 2), []), onclose: vi.fn() });
    expect((screen.getByTestId('review-kind-rank') as HTMLInputElement).disabled).toBe(true);
    expect((screen.getByTestId('review-kind-pairwise') as HTMLInputElement).disabled).toBe(false);
  });

  it('sends the request as typed, then asks for the reviews area on the new review', async () => {
    const sent: ReviewsCreateReq[] = [];
    installHandlers({
      reviews_create: (req) => {
        sent.push(req);
        return { id: 'rev-9', title: req.title, role: 'owner', kind: req.kind, items: 3, metrics: req.metrics, runId: req.runId, raters: 0, ratings: 0, createdAt: '2026-05-04T10:00:00Z' };
      },
    });
    const onclose = vi.fn();
    const user = userEvent.setup();
    render(CreateReviewDialog, { grid: grid(), onclose });
    await user.clear(screen.getByTestId('review-title'));
    await user.type(screen.getByTestId('review-title'), '  Tone of replies ');
    await user.type(screen.getByTestId('review-instructions'), 'You are a support lead.');
    await user.type(screen.getByTestId('review-max-items'), '3');
    await user.click(screen.getByTestId('review-metric-add'));
    const metrics = screen.getAllByTestId('review-metric');
    expect(metrics).toHaveLength(2);
    const second = within(metrics[1]!);
    expect((second.getByTestId('review-metric-name') as HTMLInputElement).value).toBe('helpfulness');
    await user.clear(second.getByTestId('review-metric-name'));
    await user.type(second.getByTestId('review-metric-name'), 'tone');
    await user.selectOptions(second.getByTestId('review-metric-method'), 'comparisonLikert');
    await user.type(second.getByTestId('review-metric-instructions'), 'Which one sounds kinder?');
    expect(screen.getByTestId('review-items-preview').textContent).toContain('3 items\u00a0(a random sample of 4) × 2 metrics per rater');

    takeReviewsRequest();
    await user.click(createButton());
    await waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(sent).toEqual([
      {
        runId: 'run-1',
        title: 'Tone of replies',
        kind: 'pairwise',
        columns: [0, 1],
        metrics: [
          { name: 'overall', method: 'choice', instructions: 'Which answer serves the user better?' },
          { name: 'tone', method: 'comparisonLikert', instructions: 'Which one sounds kinder?' },
        ],
        instructions: 'You are a support lead.',
        maxItems: 3,
      },
    ]);
    expect({ ...reviewsRequest }).toEqual({ id: 'rev-9', pending: true });
    takeReviewsRequest();
  });

  it('refuses names twice and bad sample sizes before the engine, and shows the engine’s refusal', async () => {
    installHandlers({ reviews_create: () => { throw engineError('invalid', 'nothing to review: no input has an answer in every chosen column'); } });
    const user = userEvent.setup();
    render(CreateReviewDialog, { grid: grid(), onclose: vi.fn() });
    await user.click(screen.getByTestId('review-metric-add'));
    const second = within(screen.getAllByTestId('review-metric')[1]!);
    await user.clear(second.getByTestId('review-metric-name'));
    await user.type(second.getByTestId('review-metric-name'), 'Overall');
    await user.type(screen.getByTestId('review-max-items'), '0');
    expect(Array.from(screen.getByTestId('review-create-problems').querySelectorAll('li')).map((li) => li.textContent)).toEqual([
      'Metric “Overall” is named twice.',
      'The number of items to sample is a whole number, 1 or more.',
    ]);
    expect(createButton().disabled).toBe(true);
    await user.click(second.getByTestId('review-metric-remove'));
    await user.clear(screen.getByTestId('review-max-items'));
    expect(createButton().disabled).toBe(false);
    await user.click(createButton());
    const error = await screen.findByTestId('review-create-error');
    expect(error.textContent).toBe('nothing to review: no input has an answer in every chosen column');
    expect(error.classList.contains('error-box')).toBe(true);
    expect(screen.getByTestId('review-create-dialog')).toBeTruthy();
  });

  it('is offered by a stored run with an answer', async () => {
    const g = grid();
    render(RunView, { grid: g, onopen: vi.fn(), onresume: vi.fn(), ondiff: vi.fn(), onexport: vi.fn() });
    const button = screen.getByTestId('run-review') as HTMLButtonElement;
    expect(button.textContent).toContain('Review…');
    expect(button.disabled).toBe(false);
    await fireEvent.click(button);
    expect(screen.getByTestId('review-create-dialog').textContent).toContain('Review — Support reply');

    const none = grid(COLUMNS.slice(0, 2), [[0, 0], [0, 1], [0, 2], [0, 3], [1, 0], [1, 1], [1, 2], [1, 3]]);
    const other = render(RunView, { grid: none, onopen: vi.fn(), onresume: vi.fn(), ondiff: vi.fn(), onexport: vi.fn() });
    expect((within(other.container).getByTestId('run-review') as HTMLButtonElement).disabled).toBe(true);
  });
});
