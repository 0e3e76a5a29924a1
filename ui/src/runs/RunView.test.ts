import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import type { RunSummary, RunsCancelReq } from '../bindings';
import { installHandlers } from '../lib/host';
import { deferred } from '../test/opened';
import { RunGrid } from './grid.svelte';
import RunView from './RunView.svelte';
import CellFocus from './CellFocus.svelte';
import { rowHeight } from './GridTable.svelte';
import { column, okCell, spec } from './testing';
import fixtures from './fixtures/percentiles.json';

const k = (column: number, input: number, repeat = 0) => ({ column, input, repeat });

function view(grid: RunGrid, onopen = vi.fn()) {
  const props = { grid, onopen, onresume: vi.fn(), ondiff: vi.fn(), onexport: vi.fn() };
  const r = render(RunView, props);
  return { ...r, props };
}

const cellEl = (c: number, i: number, r = 0) => document.querySelector<HTMLElement>(`[data-testid="run-cell"][data-cell="${c}:${i}:${r}"]`)!;
const cellText = (c: number, i: number, r = 0) => within(cellEl(c, i, r)).getByTestId('run-cell-text').textContent;
const tid = (el: HTMLElement, id: string) => within(el).getByTestId(id).textContent;

function summary(o: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1', blueprintId: 'bp-1', blueprintName: 'Support reply', status: 'finished', columns: ['v1 · bedrock:amazon.nova-lite-v1:0', 'v2 · bedrock:amazon.nova-lite-v1:0'],
    inputs: 2, repeats: 1, cellsTotal: 4, cellsOk: 4, cellsFailed: 0, costUsd: 0, source: 'app', createdAt: '2026-05-04T10:00:00Z', updatedAt: '2026-05-04T10:00:00Z', ...o,
  };
}

describe('the run grid', () => {
  it('builds itself from the streamed events: text per cell, restarts, figures, progress and ETA', async () => {
    const grid = new RunGrid(spec());
    view(grid);
    const stage = deferred();
    const end = deferred();
    installHandlers({
      runs_start: async (_req, emit) => {
        emit({ type: 'started', data: { runId: 'run-1', pending: 4 } });
        emit({ type: 'cellStarted', data: { key: k(0, 0), attempt: 1 } });
        emit({ type: 'cellDelta', data: { key: k(0, 0), text: 'Lond' } });
        emit({ type: 'cellStarted', data: { key: k(1, 0), attempt: 1 } });
        emit({ type: 'cellDelta', data: { key: k(1, 0), text: 'Ber' } });
        emit({ type: 'cellDelta', data: { key: k(0, 0), text: 'on' } });
        emit({ type: 'cellDelta', data: { key: k(1, 0), text: 'lin' } });
        await stage.promise;
        // Throttled: the call starts again, and what it had said is void.
        emit({ type: 'cellStarted', data: { key: k(0, 0), attempt: 2 } });
        emit({ type: 'cellDelta', data: { key: k(0, 0), text: 'Par' } });
        emit({ type: 'cellDelta', data: { key: k(0, 0), text: 'is.' } });
        emit({ type: 'cellFinished', data: { cell: okCell(k(0, 0), { attempts: 2 }) } });
        emit({ type: 'progress', data: { done: 1, failed: 0, total: 4, etaMs: 42_400 } });
        await end.promise;
        return summary({ status: 'cancelled', cellsOk: 1 });
      },
    });

    const going = grid.start({ blueprintId: 'bp-1', versions: [1, 2], models: [], inputs: [], repeats: 1, concurrency: null, bypassCache: false });
    await waitFor(() => expect(cellText(1, 0)).toBe('Berlin'));
    expect(screen.getByTestId('run-grid').dataset.runId).toBe('run-1');
    expect(cellText(0, 0)).toBe('London');
    expect(cellEl(0, 0).dataset.status).toBe('running');
    expect(cellEl(0, 1).dataset.status).toBe('pending');
    expect(screen.getByTestId('run-progress').dataset).toMatchObject({ done: '0', total: '4' });
    expect(screen.getByTestId('run-eta').textContent).toBe('estimating…');

    stage.resolve();
    await waitFor(() => expect(cellEl(0, 0).dataset.status).toBe('ok'));
    const done = cellEl(0, 0);
    expect(tid(done, 'run-cell-text')).toBe('Paris.');
    expect(tid(done, 'run-cell-tokens')).toBe('152 → 7 tok\u00a0· 40 cached');
    expect(tid(done, 'run-cell-ttft')).toBe('ttft 212 ms');
    expect(tid(done, 'run-cell-latency')).toBe('1.53 s');
    expect(tid(done, 'run-cell-cost')).toBe('$0.000123');
    expect(tid(done, 'run-cell-attempts')).toBe('×2');
    expect(within(done).queryByTestId('run-cell-cached')).toBeNull();
    expect(screen.getByTestId('run-progress').dataset).toMatchObject({ done: '1', total: '4' });
    expect(screen.getByTestId('run-progress').textContent).toContain('1 / 4 cells');
    expect(screen.getByTestId('run-eta').textContent).toBe('about 42 s left');
    expect(screen.getByTestId('run-cancel')).toBeTruthy();

    end.resolve();
    await going;
    await waitFor(() => expect(screen.getByTestId('run-grid').dataset.status).toBe('cancelled'));
    // The cell still streaming when the run was cancelled was not stored: it is missing again.
    expect(cellEl(1, 0).dataset.status).toBe('pending');
    expect(cellText(1, 0)).toBe('');
    expect(screen.queryByTestId('run-eta')).toBeNull();
    expect(screen.queryByTestId('run-cancel')).toBeNull();
    expect(screen.getByTestId('run-resume')).toBeTruthy();
  });

  it('shows the stored run when the last events arrive after the run has ended', async () => {
    const grid = new RunGrid(spec());
    view(grid);
    const cells = [okCell(k(0, 0)), okCell(k(1, 0)), okCell(k(0, 1)), okCell(k(1, 1), { text: 'Rome.' })];
    let late: (() => void) | null = null;
    installHandlers({
      runs_start: async (_req, emit) => {
        emit({ type: 'started', data: { runId: 'run-1', pending: 4 } });
        for (const cell of cells.slice(0, 3)) {
          emit({ type: 'cellFinished', data: { cell } });
          emit({ type: 'progress', data: { done: cells.indexOf(cell) + 1, failed: 0, total: 4, etaMs: null } });
        }
        emit({ type: 'cellStarted', data: { key: k(1, 1), attempt: 1 } });
        // The desktop hands the last cell's events over after the call's answer.
        late = () => {
          emit({ type: 'cellFinished', data: { cell: cells[3]! } });
          emit({ type: 'progress', data: { done: 4, failed: 0, total: 4, etaMs: null } });
        };
        return summary();
      },
      runs_get: async ({ runId }) => ({ summary: summary({ id: runId }), spec: spec(), cells }),
    });

    await grid.start({ blueprintId: 'bp-1', versions: [1, 2], models: [], inputs: [], repeats: 1, concurrency: null, bypassCache: false });
    late!();
    await waitFor(() => expect(screen.getByTestId('run-grid').dataset.status).toBe('finished'));
    expect(screen.getByTestId('run-progress').dataset).toMatchObject({ done: '4', total: '4', failed: '0' });
    expect(cellEl(1, 1).dataset.status).toBe('ok');
    expect(cellText(1, 1)).toBe('Rome.');
  });

  it('shows model output as text: markup in an answer never becomes elements', async () => {
    const grid = new RunGrid(spec());
    const { container } = view(grid);
    const evil = '<img src=x onerror=alert(1)> and <script>alert(2)</script><b>bold</b>';
    grid.apply({ type: 'started', data: { runId: 'run-x', pending: 4 } });
    grid.apply({ type: 'cellStarted', data: { key: k(0, 0), attempt: 1 } });
    grid.apply({ type: 'cellDelta', data: { key: k(0, 0), text: evil } });
    grid.apply({ type: 'cellFinished', data: { cell: okCell(k(1, 1), { text: evil, status: 'error', error: { code: 'streamBroken', message: '<img src=y onerror=alert(3)>', partialText: evil, suggestedModelId: null } }) } });
    flushSync();
    expect(cellText(0, 0)).toBe(evil);
    expect(cellText(1, 1)).toBe(evil);
    expect(tid(cellEl(1, 1), 'run-cell-error')).toBe('<img src=y onerror=alert(3)>');
    expect(container.querySelector('img, script, b')).toBeNull();

    render(CellFocus, { grid, cell: grid.cell(1, 1, 0)!, onclose: () => {} });
    expect(screen.getByTestId('run-focus-text').textContent).toBe(evil);
    expect(document.querySelector('img, script, b')).toBeNull();
  });

  it('sums each column: latency mean, p50 and p95, tokens and cost', () => {
    const { values, p50, p95, mean } = fixtures.cases[0]!;
    const grid = new RunGrid(spec({ columns: [column(1, 'bedrock', 'amazon.nova-lite-v1:0'), column(1, 'local', 'SmolLM2-135M-Instruct')], inputs: values.length }));
    view(grid);
    values.forEach((latencyMs, i) => grid.apply({ type: 'cellFinished', data: { cell: okCell(k(0, i), { latencyMs, costUsd: 0.0001 }) } }));
    grid.apply({ type: 'cellFinished', data: { cell: okCell(k(1, 0), { costUsd: 0 }) } });
    grid.apply({ type: 'cellFinished', data: { cell: okCell(k(1, 1), { status: 'error', usage: null, latencyMs: null, costUsd: null }) } });
    flushSync();
    expect([mean, p50, p95]).toEqual([359.5, 260, 903]);
    const [first, second] = screen.getAllByTestId('run-column');
    expect(first!.dataset.column).toBe('0');
    expect(first!.getAttribute('title')).toBe('v1 · bedrock:amazon.nova-lite-v1:0');
    expect(tid(first!, 'run-column-mean')).toBe('mean 360 ms');
    expect(tid(first!, 'run-column-p50')).toBe('p50 260 ms');
    expect(tid(first!, 'run-column-p95')).toBe('p95 903 ms');
    expect(tid(first!, 'run-column-tokens')).toBe('1,520 → 70');
    expect(tid(first!, 'run-column-cost')).toBe('$0.001000');
    expect(tid(second!, 'run-column-cost')).toBe('free · local');
    expect(tid(second!, 'run-column-summary')).toContain('1 ok · 1 failed');
    expect(screen.getByTestId('run-progress').textContent).toContain('$0.001000');
  });

  it('renders only the rows in view: 10 000 cells stay a few dozen elements', async () => {
    const grid = new RunGrid(spec({ columns: [0, 1, 2, 3].map((v) => column(v + 1, 'local', 'SmolLM2-135M-Instruct')), inputs: 2500 }));
    expect(grid.cells).toHaveLength(10_000);
    view(grid);
    const rows = () => screen.getAllByTestId('run-row').map((r) => Number(r.dataset.input));
    expect(rows().length).toBeLessThanOrEqual(20);
    expect(screen.getAllByTestId('run-cell').length).toBeLessThanOrEqual(80);
    expect(rows()[0]).toBe(0);

    const scroller = screen.getByTestId('run-table');
    scroller.scrollTop = 1200 * rowHeight(1);
    await fireEvent.scroll(scroller);
    expect(rows().length).toBeLessThanOrEqual(20);
    expect(rows()).toContain(1200);
    expect(rows()).not.toContain(0);
    // The page is as tall as every row, so the scrollbar is right.
    expect(scroller.querySelector<HTMLElement>('.rows')!.style.height).toBe(`${2500 * rowHeight(1)}px`);
  });

  it('cancels the run or one cell, and resumes a cancelled run', async () => {
    const cancels: RunsCancelReq[] = [];
    installHandlers({ runs_cancel: (req) => (cancels.push(req), true) });
    const grid = new RunGrid(spec());
    const { props } = view(grid);
    grid.apply({ type: 'started', data: { runId: 'run-2', pending: 4 } });
    grid.apply({ type: 'cellStarted', data: { key: k(1, 1), attempt: 1 } });
    flushSync();
    grid.status = 'running';
    await fireEvent.click(within(cellEl(1, 1)).getByTestId('run-cell-cancel'));
    await fireEvent.click(screen.getByTestId('run-cancel'));
    expect(cancels).toEqual([
      { runId: 'run-2', cell: { column: 1, input: 1, repeat: 0 } },
      { runId: 'run-2', cell: null },
    ]);
    expect(props.onopen).not.toHaveBeenCalled();

    grid.load({ summary: summary({ id: 'run-2', status: 'interrupted' }), spec: spec(), cells: [okCell(k(0, 0))] });
    flushSync();
    await fireEvent.click(screen.getByTestId('run-resume'));
    expect(props.onresume).toHaveBeenCalledTimes(1);
  });

  it('opens a cell with Enter or a click, and moves between cells with the arrow keys', async () => {
    const grid = new RunGrid(spec({ repeats: 2 }));
    const onopen = vi.fn();
    view(grid, onopen);
    const first = cellEl(0, 0, 0);
    expect(first.tabIndex).toBe(0);
    expect(cellEl(1, 0, 0).tabIndex).toBe(-1);
    first.focus();
    await fireEvent.keyDown(first, { key: 'ArrowRight' });
    await waitFor(() => expect(document.activeElement).toBe(cellEl(1, 0, 0)));
    await fireEvent.keyDown(cellEl(1, 0, 0), { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(cellEl(1, 0, 1)));
    await fireEvent.keyDown(cellEl(1, 0, 1), { key: 'ArrowDown' });
    await waitFor(() => expect(document.activeElement).toBe(cellEl(1, 1, 0)));
    await fireEvent.keyDown(cellEl(1, 1, 0), { key: 'Enter' });
    expect(onopen).toHaveBeenLastCalledWith(grid.cell(1, 1, 0));
    await fireEvent.click(cellEl(0, 1, 1));
    expect(onopen).toHaveBeenLastCalledWith(grid.cell(0, 1, 1));
  });

  it('shows a stored cell in focus with the exact request, and closes on Escape', async () => {
    const grid = RunGrid.fromDetail({ summary: summary(), spec: spec(), cells: [okCell(k(1, 0), { text: 'Berlin.\nSecond line.' })] });
    const onclose = vi.fn();
    render(CellFocus, { grid, cell: grid.cell(1, 0, 0)!, onclose });
    const dialog = screen.getByTestId('run-cell-focus');
    expect(dialog.textContent).toContain('v2 · bedrock:amazon.nova-lite-v1:0 — country=C1');
    expect(screen.getByTestId('run-focus-text').textContent).toBe('Berlin.\nSecond line.');
    expect(JSON.parse(screen.getByTestId('run-cell-request').textContent!)).toEqual(okCell(k(1, 0)).request);
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
  });
});

describe('a stored run', () => {
  it('is shown exactly as the engine holds it', () => {
    const grid = RunGrid.fromDetail({
      summary: summary({ status: 'finished', cellsOk: 1, cellsFailed: 1 }),
      spec: spec(),
      cells: [
        okCell(k(0, 0), { cacheHit: true, costUsd: 0 }),
        okCell(k(1, 1), { status: 'error', text: 'half an ans', usage: null, latencyMs: null, ttftMs: null, costUsd: null, error: { code: 'throttled', message: 'Too many requests: slow down', partialText: 'half an ans', suggestedModelId: null } }),
      ],
    });
    view(grid);
    expect(screen.getByTestId('run-grid').dataset).toMatchObject({ runId: 'run-1', status: 'finished' });
    expect(screen.getAllByTestId('run-cell').map((c) => `${c.dataset.cell}=${c.dataset.status}`)).toEqual([
      '0:0:0=ok', '1:0:0=pending', '0:1:0=pending', '1:1:0=error',
    ]);
    expect(tid(cellEl(0, 0), 'run-cell-cached')).toBe('cached');
    expect(tid(cellEl(1, 1), 'run-cell-error')).toBe('Too many requests: slow down');
    expect(cellText(1, 1)).toBe('half an ans');
    expect(screen.getByTestId('run-progress').dataset).toMatchObject({ done: '2', total: '4', failed: '1' });
    expect(screen.queryByTestId('run-resume')).toBeNull();
    expect(screen.getByTestId('run-retry').textContent).toContain('Retry 1 failed');
  });
});

