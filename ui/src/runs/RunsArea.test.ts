import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { RunDiff, RunsDiffReq, RunsExportReq, RunsListReq } from '../bindings';
import { installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import Toasts from '../lib/Toasts.svelte';
import { Session } from '../workbench/session.svelte';
import { ModelCatalog } from '../models/catalog.svelte';
import { LocalModels } from '../models/localModels.svelte';
import { Endpoints } from '../models/endpoints.svelte';
import RunsArea from './RunsArea.svelte';
import { SEARCH_DELAY_MS } from './history.svelte';

/** The runs area over the demo data: "Support reply" open, with two finished runs (v2, then v3). */
async function setup() {
  const host = createMockHost({ seed: true, seedRuns: true });
  host.state.streamDelayMs = 1;
  setHost(host);
  const session = new Session();
  await session.refreshList();
  await session.select(session.list.find((b) => b.name === 'Support reply')!.id);
  const lists: RunsListReq[] = [];
  installHandlers({ runs_list: (req) => (lists.push(req), host.call('runs_list', req)) });
  const { component } = render(RunsArea, { session, catalog: new ModelCatalog(), local: new LocalModels(), endpoints: new Endpoints() });
  render(ConfirmHost);
  render(Toasts);
  component.openHistory();
  await waitFor(() => expect(screen.getAllByTestId('run-item')).toHaveLength(2));
  const [newer, older] = host.state.runs.slice().reverse();
  return { host, session, lists, newer: newer!, older: older! };
}

const items = () => screen.queryAllByTestId('run-item').map((el) => el.dataset.runId);

describe('the history of runs', () => {
  it('lists the open blueprint’s runs, newest first, with their figures', async () => {
    const { session, lists, newer, older } = await setup();
    expect(lists[0]).toEqual({ blueprintId: session.openId, text: null, model: null, version: null, label: null, since: null, until: null, limit: 200 });
    expect(items()).toEqual([newer.id, older.id]);
    const first = screen.getAllByTestId('run-item')[0]!;
    expect(first.dataset.status).toBe('finished');
    expect(first.textContent).toContain('Support reply');
    expect(first.textContent).toContain('v3 · bedrock:amazon.nova-lite-v1:0 · v3 · local:SmolLM2-135M-Instruct');
    expect(first.textContent).toContain('12/12 ok');
    expect(first.textContent).toContain('cli');
  });

  it('searches the runs’ words once typing stops', async () => {
    const { session, lists, older } = await setup();
    const before = lists.length;
    await userEvent.type(screen.getByTestId('runs-search'), 'friendly');
    // One request for the whole word, not one per key.
    await waitFor(() => expect(lists.length).toBe(before + 1), { timeout: SEARCH_DELAY_MS + 1000 });
    expect(lists.at(-1)).toEqual({ blueprintId: session.openId, text: 'friendly', model: null, version: null, label: null, since: null, until: null, limit: 200 });
    expect(items()).toHaveLength(2);
    await fireEvent.input(screen.getByTestId('runs-search'), { target: { value: '' } });
    await fireEvent.input(screen.getByTestId('runs-filter-version'), { target: { value: 'v2' } });
    await waitFor(() => expect(items()).toEqual([older.id]));
    expect(lists.at(-1)).toMatchObject({ text: null, version: 2 });
    await fireEvent.change(screen.getByTestId('runs-filter-label'), { target: { value: 'staging' } });
    await waitFor(() => expect(screen.getByTestId('runs-history').textContent).toContain('No run matches'));
    expect(lists.at(-1)).toMatchObject({ version: 2, label: 'staging' });
  });

  it('opens a stored run exactly as stored, and deletes a run after asking', async () => {
    const { older, newer } = await setup();
    await fireEvent.click(within(screen.getAllByTestId('run-item')[1]!).getByRole('button', { name: /finished/ }));
    await waitFor(() => expect(screen.getByTestId('run-grid').dataset.runId).toBe(older.id));
    const cells = screen.getAllByTestId('run-cell');
    expect(cells).toHaveLength(2 * 3 * 2);
    expect(cells.every((c) => c.dataset.status === 'ok')).toBe(true);
    const stored = older.cells.get('0:2:1')!;
    const cell = cells.find((c) => c.dataset.cell === '0:2:1')!;
    expect(within(cell).getByTestId('run-cell-text').textContent).toBe(stored.text);
    // The third input holds markup: it is shown as typed.
    expect(stored.text).toContain('<img src=x onerror=alert(1)>');
    expect(document.querySelector('[data-testid="runs-area"] img')).toBeNull();

    await fireEvent.click(within(screen.getAllByTestId('run-item')[0]!).getByTestId('run-delete'));
    expect((await screen.findByTestId('confirm-dialog')).textContent).toContain('Delete this run?');
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(items()).toEqual([older.id]));
    expect(screen.getByTestId('run-grid').dataset.runId).toBe(older.id);
    expect(newer.id).not.toBe(older.id);
  });

  it('exports the open run as CSV or JSONL', async () => {
    const { older } = await setup();
    const exports: RunsExportReq[] = [];
    installHandlers({ runs_export: (req) => (exports.push(req), 'run_id\r\n') });
    await fireEvent.click(within(screen.getAllByTestId('run-item')[1]!).getByRole('button', { name: /finished/ }));
    await screen.findByTestId('run-grid');
    await fireEvent.click(screen.getByTestId('run-export-csv'));
    await fireEvent.click(screen.getByTestId('run-export-jsonl'));
    await waitFor(() => expect(exports).toEqual([{ runId: older.id, format: 'csv' }, { runId: older.id, format: 'jsonl' }]));
    await waitFor(() => expect(document.body.textContent).toContain(`Exported to support-reply-${older.id}.csv`));
  });

  it('starts, streams and finishes a run in the mock host, then shows it first in the history', async () => {
    const { session } = await setup();
    await fireEvent.click(screen.getByTestId('run-new'));
    await screen.findByTestId('run-dialog');
    await waitFor(() => expect(screen.getAllByTestId('run-input-value').length).toBe(4));
    await fireEvent.input(screen.getAllByTestId('run-input-value').find((e) => e.dataset.var === 'agent')!, { target: { value: 'Sam' } });
    await fireEvent.input(screen.getAllByTestId('run-input-value').find((e) => e.dataset.var === 'message')!, { target: { value: 'Hello' } });
    await waitFor(() => expect(screen.getByTestId('run-estimate').dataset.cells).toBe('1'));
    await fireEvent.click(screen.getByTestId('run-start'));
    const grid = await screen.findByTestId('run-grid');
    await waitFor(() => expect(grid.dataset.status).toBe('finished'));
    const cell = screen.getByTestId('run-cell');
    expect(cell.dataset.status).toBe('ok');
    expect(within(cell).getByTestId('run-cell-text').textContent).toContain('You wrote: “Customer message: Hello');
    expect(screen.getByTestId('run-progress').dataset).toMatchObject({ done: '1', total: '1' });
    await waitFor(() => expect(items()[0]).toBe(grid.dataset.runId));
    expect(session.openId).toBeTruthy();
  });
});

describe('comparing runs', () => {
  it('diffs a column of the open run with a column of another run, input by input', async () => {
    const { older, newer } = await setup();
    const asked: RunsDiffReq[] = [];
    const diff: RunDiff = {
      aLabel: 'A', bLabel: 'B', unmatched: 1, changed: 1, improved: 0, regressed: 0,
      rows: [
        {
          input: 'refund', aText: 'Sorry, no refund.', bText: 'Sorry, a refund is on its way.', sameText: false,
          lines: [
            { op: 'delete', oldLine: 1, newLine: null, segments: [{ text: 'Sorry, ', emph: false }, { text: 'no refund', emph: true }, { text: '.', emph: false }] },
            { op: 'insert', oldLine: null, newLine: 1, segments: [{ text: 'Sorry, ', emph: false }, { text: 'a refund is on its way', emph: true }, { text: '.', emph: false }] },
          ],
          deltaOutputTokens: 12, deltaLatencyMs: -250, deltaCostUsd: 0.0001, aScore: null, bScore: null, aPass: null, bPass: null,
        },
        {
          input: 'agent=Sam', aText: 'Hi.', bText: 'Hi.', sameText: true,
          lines: [{ op: 'equal', oldLine: 1, newLine: 1, segments: [{ text: 'Hi.', emph: false }] }],
          deltaOutputTokens: 0, deltaLatencyMs: null, deltaCostUsd: null, aScore: null, bScore: null, aPass: null, bPass: null,
        },
      ],
    };
    installHandlers({ runs_diff: (req) => (asked.push(req), diff) });
    await fireEvent.click(within(screen.getAllByTestId('run-item')[1]!).getByRole('button', { name: /finished/ }));
    await screen.findByTestId('run-grid');
    await fireEvent.click(screen.getByTestId('run-diff-open'));
    const rows = await screen.findAllByTestId('run-diff-row');
    // A: the first column of this run; B: the same model in the newest other run of the blueprint.
    expect(asked[0]).toEqual({ a: { runId: older.id, column: 0 }, b: { runId: newer.id, column: 0 } });
    expect((screen.getByTestId('run-diff-b') as HTMLSelectElement).value).toBe(`${newer.id}|0`);
    expect(rows).toHaveLength(2);
    expect(screen.getByTestId('run-diff-summary').textContent).toBe('1 of 2 inputs changed · 1 without a match');
    const [changed, same] = rows;
    expect(changed!.dataset.changed).toBe('true');
    expect(within(changed!).getByTestId('run-diff-tokens').textContent).toBe('+12 tok');
    expect(within(changed!).getByTestId('run-diff-latency').textContent).toBe('−250 ms');
    expect(within(changed!).getByTestId('run-diff-cost').textContent).toBe('+$0.000100');
    expect(within(changed!).getAllByTestId('diff-emph').map((m) => `${m.dataset.op}:${m.textContent}`)).toEqual([
      'delete:no refund', 'insert:a refund is on its way',
    ]);
    expect(same!.dataset.changed).toBe('false');
    expect(within(same!).getByTestId('run-diff-latency').textContent).toBe('–');

    await fireEvent.change(screen.getByTestId('run-diff-a'), { target: { value: '1' } });
    await fireEvent.change(screen.getByTestId('run-diff-b'), { target: { value: `${older.id}|0` } });
    await waitFor(() => expect(asked.at(-1)).toEqual({ a: { runId: older.id, column: 1 }, b: { runId: older.id, column: 0 } }));
    await fireEvent.keyDown(screen.getByTestId('run-diff'), { key: 'Escape' });
    expect(screen.queryByTestId('run-diff')).toBeNull();
    expect(screen.getByTestId('runs-area')).toBeTruthy();
  });

  it('diffs real answers of the mock host: v2 against v3', async () => {
    await setup();
    await fireEvent.click(within(screen.getAllByTestId('run-item')[1]!).getByRole('button', { name: /finished/ }));
    await screen.findByTestId('run-grid');
    await fireEvent.click(screen.getByTestId('run-diff-open'));
    const rows = await screen.findAllByTestId('run-diff-row');
    expect(rows).toHaveLength(3);
    expect(screen.getByTestId('run-diff-summary').textContent).toMatch(/^\d of 3 inputs changed$/);
  });
});
