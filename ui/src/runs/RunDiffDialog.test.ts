import { describe, expect, it } from 'vitest';
import { render, screen, within } from '@testing-library/svelte';
import type { RunDiff, RunDiffRow, RunsDiffReq } from '../bindings';
import { installHandlers } from '../lib/host';
import { RunGrid } from './grid.svelte';
import RunDiffDialog from './RunDiffDialog.svelte';
import { okCell, spec } from './testing';

function row(input: string, o: Partial<RunDiffRow>): RunDiffRow {
  return {
    input, aText: 'Paris.', bText: 'Paris.', lines: [{ op: 'equal', oldLine: 1, newLine: 1, segments: [{ text: 'Paris.', emph: false }] }], sameText: true,
    deltaOutputTokens: 0, deltaLatencyMs: 0, deltaCostUsd: 0, aScore: null, bScore: null, aPass: null, bPass: null, ...o,
  };
}

const DIFF: RunDiff = {
  aLabel: 'v1 · bedrock:amazon.nova-lite-v1:0',
  bLabel: 'v2 · bedrock:amazon.nova-lite-v1:0',
  rows: [
    row('country=C1', { aScore: 0.5, bScore: 0.75, aPass: false, bPass: true }),
    row('country=C2', { aScore: 1, bScore: 0.25, aPass: true, bPass: false }),
    row('country=C3', { aScore: 0.8, bScore: 0.8, aPass: true, bPass: true }),
    row('country=C4', { aScore: 0.6, bScore: null, aPass: true, bPass: null }),
  ],
  unmatched: 0,
  changed: 0,
  improved: 1,
  regressed: 1,
};

describe('comparing runs', () => {
  it('shows each row’s score going from A to B, coloured by direction, and the counts', async () => {
    const grid = RunGrid.fromDetail({
      summary: { id: 'run-1', blueprintId: 'bp-1', blueprintName: 'Support reply', status: 'finished', columns: [], inputs: 4, repeats: 1, cellsTotal: 8, cellsOk: 1, cellsFailed: 0, costUsd: 0, source: 'app', createdAt: '2026-05-04T10:00:00Z', updatedAt: '2026-05-04T10:00:00Z' },
      spec: spec({ inputs: 4 }),
      cells: [okCell({ column: 0, input: 0, repeat: 0 })],
    });
    const asked: RunsDiffReq[] = [];
    installHandlers({ runs_list: () => [], runs_diff: (req) => (asked.push(req), DIFF) });
    render(RunDiffDialog, { grid, onclose: () => {} });
    const rows = await screen.findAllByTestId('run-diff-row');
    expect(asked[0]).toEqual({ a: { runId: 'run-1', column: 0 }, b: { runId: 'run-1', column: 1 } });
    const score = (i: number) => within(rows[i]!).queryByTestId('run-diff-score');
    expect(score(0)!.textContent!.replace(/\s+/g, ' ').trim()).toBe('0.50 → 0.75 (+0.25)');
    expect(score(0)!.classList.contains('better')).toBe(true);
    expect(score(1)!.textContent!.replace(/\s+/g, ' ').trim()).toBe('1.00 → 0.25 (−0.75)');
    expect(score(1)!.classList.contains('worse')).toBe(true);
    expect(score(2)!.textContent!.replace(/\s+/g, ' ').trim()).toBe('0.80 → 0.80 (±0.00)');
    expect(score(2)!.classList.contains('better') || score(2)!.classList.contains('worse')).toBe(false);
    expect(score(3)!.textContent!.replace(/\s+/g, ' ').trim()).toBe('0.60 → –');
    expect(within(rows[0]!).getByTestId('run-diff-pass').textContent!.trim()).toBe('fail → pass');
    expect(within(rows[1]!).getByTestId('run-diff-pass').textContent!.trim()).toBe('pass → fail');
    expect(within(rows[2]!).queryByTestId('run-diff-pass')).toBeNull();
    expect(screen.getByTestId('run-diff-improved').textContent).toBe('1 scored higher');
    expect(screen.getByTestId('run-diff-regressed').textContent).toBe('1 scored lower');
  });

  it('shows no scores when neither side is scored', async () => {
    const grid = RunGrid.fromDetail({
      summary: { id: 'run-1', blueprintId: 'bp-1', blueprintName: 'Support reply', status: 'finished', columns: [], inputs: 1, repeats: 1, cellsTotal: 2, cellsOk: 1, cellsFailed: 0, costUsd: 0, source: 'app', createdAt: '2026-05-04T10:00:00Z', updatedAt: '2026-05-04T10:00:00Z' },
      spec: spec({ inputs: 1 }),
      cells: [],
    });
    installHandlers({ runs_list: () => [], runs_diff: () => ({ ...DIFF, rows: [row('country=C1', {})], improved: 0, regressed: 0 }) });
    render(RunDiffDialog, { grid, onclose: () => {} });
    const [r] = await screen.findAllByTestId('run-diff-row');
    expect(within(r!).queryByTestId('run-diff-score')).toBeNull();
    expect(screen.queryByTestId('run-diff-scores')).toBeNull();
  });
});
