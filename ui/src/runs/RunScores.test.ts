import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import type { RunSummary } from '../bindings';
import { installHandlers } from '../lib/host';
import { RunGrid } from './grid.svelte';
import RunView from './RunView.svelte';
import CellFocus from './CellFocus.svelte';
import { okCell } from './testing';
import { evalSummary, scoredSpec, verdict, variant } from '../eval/testing';

const k = (column: number, input: number, repeat = 0) => ({ column, input, repeat });
const cellEl = (c: number, i: number, r = 0) => document.querySelector<HTMLElement>(`[data-testid="run-cell"][data-cell="${c}:${i}:${r}"]`)!;
const badge = (c: number, i: number, r = 0) => within(cellEl(c, i, r)).queryByTestId('run-cell-verdict');

function summary(o: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1', blueprintId: 'bp-1', blueprintName: 'Support reply', status: 'finished', columns: [],
    inputs: 3, repeats: 1, cellsTotal: 6, cellsOk: 6, cellsFailed: 0, costUsd: 0, source: 'app', createdAt: '2026-05-04T10:00:00Z', updatedAt: '2026-05-04T10:00:00Z', ...o,
  };
}

function view(grid: RunGrid) {
  return render(RunView, { grid, onopen: vi.fn(), onresume: vi.fn(), ondiff: vi.fn(), onexport: vi.fn() });
}

describe('verdicts in the grid', () => {
  it('badges a cell live from the cellScored events of a running run', () => {
    const grid = new RunGrid(scoredSpec());
    view(grid);
    grid.apply({ type: 'started', data: { runId: 'run-1', pending: 4 } });
    grid.apply({ type: 'cellStarted', data: { key: k(0, 0), attempt: 1 } });
    flushSync();
    expect(badge(0, 0)).toBeNull();
    grid.apply({ type: 'cellFinished', data: { cell: okCell(k(0, 0)) } });
    flushSync();
    // Answered, not judged yet.
    expect(badge(0, 0)!.dataset.verdict).toBe('pending');
    expect(badge(0, 0)!.textContent!.trim()).toBe('scoring…');
    grid.apply({ type: 'cellScored', data: { key: k(0, 0), scores: [verdict(k(0, 0), 'paris', true), verdict(k(0, 0), 'helpful', true, { score: 0.75 })] } });
    flushSync();
    expect(badge(0, 0)!.dataset.verdict).toBe('pass');
    expect(cellEl(0, 0).dataset.verdict).toBe('pass');
    expect(badge(0, 0)!.getAttribute('title')).toBe('paris: pass (1.00) — contains "Paris"\nhelpful: pass (0.75) — contains "Paris"');

    grid.apply({ type: 'cellFinished', data: { cell: okCell(k(1, 0), { text: 'Lyon.' }) } });
    grid.apply({ type: 'cellScored', data: { key: k(1, 0), scores: [verdict(k(1, 0), 'paris', false), verdict(k(1, 0), 'helpful', true)] } });
    flushSync();
    expect(badge(1, 0)!.dataset.verdict).toBe('fail');
    expect(badge(1, 0)!.textContent!.replace(/\s+/g, ' ').trim()).toBe('fail 1/2');
    // A column whose version has no evaluators shows no badge.
    const plain = new RunGrid({ ...scoredSpec(), versions: { 1: { ...scoredSpec().versions[1]!, evaluators: [] }, 2: { ...scoredSpec().versions[2]!, evaluators: [] } } });
    expect(plain.hasEvaluators).toBe(false);
  });

  it('shows a verdict that could not be given as an error, never as a zero', () => {
    const grid = new RunGrid(scoredSpec());
    view(grid);
    grid.apply({ type: 'started', data: { runId: 'run-1', pending: 4 } });
    grid.apply({ type: 'cellFinished', data: { cell: okCell(k(0, 1)) } });
    const raw = 'Score: <b>four</b> of five <img src=x onerror=alert(1)>';
    grid.apply({
      type: 'cellScored',
      data: {
        key: k(0, 1),
        scores: [
          verdict(k(0, 1), 'paris', true),
          verdict(k(0, 1), 'helpful', null, {
            reason: 'the judge’s answer is not the JSON object asked for',
            judge: {
              model: 'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0', metric: 'helpfulness', system: 'You are a careful judge.',
              prompt: '# Criterion: Helpfulness\n<response>\nParis.\n</response>', raw, reasoning: '', cacheHit: false, costUsd: 0.000286,
            },
          }),
        ],
      },
    });
    flushSync();
    expect(badge(0, 1)!.dataset.verdict).toBe('error');
    expect(badge(0, 1)!.textContent!.trim()).toBe('! error');

    render(CellFocus, { grid, cell: grid.cell(0, 1, 0)!, onclose: () => {} });
    const verdicts = screen.getAllByTestId('cell-verdict');
    expect(verdicts.map((v) => [v.dataset.evaluator, v.dataset.verdict, within(v).getByTestId('cell-verdict-score').textContent!.trim()])).toEqual([
      ['paris', 'pass', '1.00'],
      ['helpful', 'error', 'no score'],
    ]);
    const judge = within(verdicts[1]!).getByTestId('cell-verdict-judge') as HTMLDetailsElement;
    expect(judge.open).toBe(false);
    expect(judge.querySelector('summary')!.textContent).toContain('bedrock:anthropic.claude-3-5-haiku-20241022-v1:0');
    expect(within(judge).getByTestId('judge-raw').textContent).toBe(raw);
    expect(within(judge).getByTestId('judge-prompt').textContent).toBe('# Criterion: Helpfulness\n<response>\nParis.\n</response>');
    expect(within(verdicts[1]!).getByTestId('cell-verdict-reason').textContent).toBe('the judge’s answer is not the JSON object asked for');
    // The judge's text is text: its markup never becomes elements.
    expect(document.querySelector('[data-testid="run-cell-focus"] img, [data-testid="run-cell-focus"] b')).toBeNull();
  });

  it('reads a stored run’s verdicts and summary, and drills down from the evaluation to the failing cells', async () => {
    const spec = scoredSpec({ inputs: 3 });
    const cells = [0, 1].flatMap((c) => [0, 1, 2].map((i) => okCell(k(c, i))));
    const scores = cells.flatMap((cell) => {
      const { column, input } = cell.key;
      // v2 fails `paris` on input 2; v1 cannot judge input 1.
      return [
        verdict(cell.key, 'paris', !(column === 1 && input === 2)),
        verdict(cell.key, 'helpful', column === 0 && input === 1 ? null : true),
      ];
    });
    const asked: string[] = [];
    installHandlers({
      eval_scores: ({ runId }) => (asked.push(`scores ${runId}`), { scores }),
      eval_summary: ({ runId }) => (asked.push(`summary ${runId}`), evalSummary({ gatePass: false, variants: [variant(0, { scoreErrors: 1 }), variant(1, { gatePass: false, gate: [{ name: 'pass rate', limit: 0.8, actual: 0.67, pass: false, message: 'pass rate 66.7% < 80.0%' }] })] })),
    });
    const grid = RunGrid.fromDetail({ summary: summary(), spec, cells });
    view(grid);
    await waitFor(() => expect(badge(1, 2)?.dataset.verdict).toBe('fail'));
    expect(asked.sort()).toEqual(['scores run-1', 'summary run-1']);
    expect(badge(0, 1)!.dataset.verdict).toBe('error');
    expect(await screen.findByTestId('run-tab-gate')).toHaveProperty('textContent', 'fail');

    await fireEvent.click(screen.getByTestId('run-tab-eval'));
    expect(screen.getByTestId('eval-results')).toBeTruthy();
    expect(screen.queryByTestId('run-table')).toBeNull();

    // v2's bar: only the rows where v2 did not pass, the other cells faded.
    await fireEvent.click(screen.getAllByTestId('pass-rate-bar')[1]!);
    expect(screen.getByTestId('run-tab-grid').getAttribute('aria-selected')).toBe('true');
    expect(screen.getAllByTestId('run-row').map((r) => r.dataset.input)).toEqual(['2']);
    expect(screen.getByTestId('grid-filter').textContent).toContain('cells of v2 · bedrock:amazon.nova-lite-v1:0 that did not pass: 1 cell');
    expect(cellEl(1, 2).classList.contains('flagged')).toBe(true);
    expect(cellEl(0, 2).classList.contains('dimmed')).toBe(true);

    // An evaluator across columns: verdict errors count as not passing.
    grid.filter = { column: null, evaluator: 'helpful', label: 'cells helpful did not pass' };
    flushSync();
    expect(screen.getAllByTestId('run-row').map((r) => r.dataset.input)).toEqual(['1']);
    expect(grid.shownCells).toBe(1);

    await fireEvent.click(screen.getByTestId('grid-filter-clear'));
    expect(screen.getAllByTestId('run-row').map((r) => r.dataset.input)).toEqual(['0', '1', '2']);
    expect(screen.queryByTestId('grid-filter')).toBeNull();
  });

  it('has no evaluation tab for a run whose versions have no evaluators', () => {
    const spec = scoredSpec();
    for (const v of Object.values(spec.versions)) delete v!.evaluators;
    view(RunGrid.fromDetail({ summary: summary(), spec, cells: [okCell(k(0, 0))] }));
    expect(screen.queryByTestId('run-tab-eval')).toBeNull();
    expect(badge(0, 0)).toBeNull();
  });
});
