import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { EvalReportReq } from '../bindings';
import { installHandlers } from '../lib/host';
import Toasts from '../lib/Toasts.svelte';
import { RunGrid } from '../runs/grid.svelte';
import EvalResults from './EvalResults.svelte';
import { RunEvaluation, REFRESH_MS } from './evaluation.svelte';
import { evalSummary, scoredSpec, variant } from './testing';

const picker = vi.hoisted(() => ({ can: false, path: null as string | null, asked: [] as string[] }));
vi.mock('../lib/filePicker', () => ({
  canPickFiles: () => picker.can,
  pickSavePath: async (name: string) => {
    picker.asked.push(name);
    return picker.path;
  },
}));

const FAILING = evalSummary({
  cases: 50,
  repeats: 2,
  gatePass: false,
  unscoredCells: 3,
  variants: [
    variant(0, {
      gate: [
        { name: 'pass rate', limit: 0.8, actual: 0.72, pass: false, message: 'pass rate 72.0% < 80.0%' },
        { name: 'p95 latency', limit: 1500, actual: 1430, pass: true, message: 'p95 latency 1430 ms ≤ 1500 ms' },
      ],
      gatePass: false,
      scoreErrors: 2,
      flakyCases: [1],
      categories: [{ category: 'billing', cases: 20, passRate: { estimate: 0.65, low: 0.43, high: 0.82 }, meanScore: null }],
    }),
    variant(1, {
      passRate: { estimate: 0.94, low: 0.84, high: 0.98 },
      meanScore: { estimate: 0.9, low: 0.86, high: 0.93 },
      costPerCaseUsd: 0.00031,
      gate: [{ name: 'pass rate', limit: 0.8, actual: 0.94, pass: true, message: 'pass rate 94.0% ≥ 80.0%' }],
      gatePass: true,
    }),
  ],
  comparisons: [
    {
      a: 0, b: 1, aLabel: 'v1 · bedrock:amazon.nova-lite-v1:0', bLabel: 'v2 · bedrock:amazon.nova-lite-v1:0', pairs: 50,
      difference: { estimate: -0.1, low: -0.16, high: -0.04 }, aBetter: 8, bBetter: 30, ties: 12,
      signTestP: 0.00027, wilcoxonP: 0.0016, significant: true,
    },
  ],
});

async function setup(summary = FAILING) {
  const grid = RunGrid.fromDetail({
    summary: { id: 'run-1', blueprintId: 'bp-1', blueprintName: 'Support reply', status: 'finished', columns: [], inputs: 2, repeats: 2, cellsTotal: 8, cellsOk: 8, cellsFailed: 0, costUsd: 0, source: 'app', createdAt: '2026-05-04T10:00:00Z', updatedAt: '2026-05-04T10:00:00Z' },
    spec: scoredSpec({ repeats: 2 }),
    cells: [],
  });
  installHandlers({ eval_summary: () => summary });
  const evaluation = new RunEvaluation(grid);
  await evaluation.refresh();
  const ondrill = vi.fn();
  render(EvalResults, { grid, evaluation, ondrill });
  render(Toasts);
  return { grid, ondrill };
}

describe('the evaluation of a run', () => {
  it('draws a pass-rate bar per variant with its 95% interval and value, and the gate mark', async () => {
    await setup();
    const chart = screen.getByTestId('pass-rate-chart');
    expect(chart.querySelector('title')!.textContent).toBe('Pass rate per variant, with 95% confidence intervals');
    const bars = within(chart).getAllByTestId('pass-rate-bar');
    expect(bars.map((b) => [b.dataset.column, b.dataset.estimate, b.dataset.low, b.dataset.high])).toEqual([
      ['0', '0.72', '0.58', '0.83'],
      ['1', '0.94', '0.84', '0.98'],
    ]);
    expect(bars[0]!.getAttribute('aria-label')).toBe('v1 · bedrock:amazon.nova-lite-v1:0: pass rate 72%, 95% interval 58% to 83%. Show its failing cells.');
    expect(within(bars[0]!).getByTestId('pass-rate-value').textContent!.replace(/\s+/g, ' ').trim()).toBe('72% 58%–83%');
    expect(within(bars[1]!).getByTestId('pass-rate-value').textContent!.replace(/\s+/g, ' ').trim()).toBe('94% 84%–98%');
    // The bar ends at the estimate and the whisker spans low–high on the same scale.
    const rect = bars[0]!.querySelector<SVGRectElement>('rect.bar')!;
    const [whisker] = bars[0]!.querySelectorAll<SVGLineElement>('.whisker line');
    const x0 = Number(rect.getAttribute('x'));
    const end = x0 + Number(rect.getAttribute('width'));
    const lo = Number(whisker!.getAttribute('x1'));
    const hi = Number(whisker!.getAttribute('x2'));
    expect((lo - x0) / (end - x0)).toBeCloseTo(0.58 / 0.72, 6);
    expect((hi - x0) / (end - x0)).toBeCloseTo(0.83 / 0.72, 6);
    expect(bars[0]!.querySelector('line.gate.fails')).not.toBeNull();
    expect(bars[1]!.querySelector('line.gate:not(.fails)')).not.toBeNull();
  });

  it('says the gate failed, with each threshold’s own line, and counts verdict errors and unscored cells', async () => {
    await setup();
    expect(screen.getByTestId('eval-results').dataset.gate).toBe('false');
    expect(screen.getByTestId('eval-gate-overall').textContent!.trim()).toBe('Gate failed');
    const [first, second] = screen.getAllByTestId('eval-gate');
    expect(first!.dataset.pass).toBe('false');
    expect(within(first!).getByTestId('eval-gate-verdict').textContent).toBe('failed');
    expect(within(first!).getAllByTestId('eval-gate-item').map((i) => [i.dataset.pass, i.textContent!.trim()])).toEqual([
      ['false', 'pass rate 72.0% < 80.0%'],
      ['true', 'p95 latency 1430 ms ≤ 1500 ms'],
    ]);
    expect(second!.dataset.pass).toBe('true');
    expect(screen.getByTestId('eval-errors').textContent!.trim()).toBe('2 verdict errors');
    expect(screen.getByTestId('eval-unscored').textContent!.trim()).toBe('3 cells not scored');
    const rows = screen.getAllByTestId('eval-variant');
    expect(within(rows[0]!).getByTestId('eval-variant-errors').textContent).toBe('2');
    expect(within(rows[0]!).getByTestId('eval-variant-pass').textContent).toBe('72% (58–83%)');
    expect(screen.getAllByTestId('eval-flaky-case').map((c) => c.textContent)).toEqual(['country=C2']);
    expect(within(screen.getByTestId('eval-categories')).getByText('billing')).toBeTruthy();
    expect(screen.getByTestId('eval-method').textContent).toContain('Mock host');
  });

  it('marks a significant comparison, with its interval and both p-values', async () => {
    await setup();
    const row = screen.getByTestId('eval-comparison');
    expect(row.dataset.significant).toBe('true');
    expect(within(row).getByTestId('eval-significant').textContent).toBe('significant');
    expect(within(row).getByTestId('comparison-verdict').textContent).toBe('v2 · nova-lite-v1:0 better');
    expect(within(row).getByTestId('comparison-difference').textContent).toBe('−0.10 (−0.16 to −0.04)');
    expect(within(row).getByTestId('comparison-wilcoxon').textContent).toBe('0.002');
    expect(within(row).getByTestId('comparison-sign').textContent).toBe('< 0.001');
    expect(within(row).getByTestId('comparison-ci').getAttribute('aria-label')).toBe('Difference −0.10 (−0.16 to −0.04)');
  });

  it('shows no significance when the interval holds zero', async () => {
    const s = structuredClone(FAILING);
    s.comparisons[0] = { ...s.comparisons[0]!, difference: { estimate: -0.02, low: -0.08, high: 0.04 }, wilcoxonP: 0.4, significant: false };
    await setup(s);
    const row = screen.getByTestId('eval-comparison');
    expect(within(row).queryByTestId('eval-significant')).toBeNull();
    expect(within(row).getByTestId('comparison-verdict').textContent).toBe('no clear difference');
  });

  it('draws each evaluator’s score distribution and cost against quality', async () => {
    await setup();
    const hist = screen.getAllByTestId('score-histogram').find((h) => h.dataset.evaluator === 'helpful')!;
    const counts = within(hist).getAllByTestId('histogram-bar').filter((b) => b.dataset.column === '0').map((b) => Number(b.dataset.count));
    expect(counts).toEqual([1, 4, 10, 20, 15]);
    expect(hist.querySelector('svg')!.getAttribute('role')).toBe('img');
    const points = within(screen.getByTestId('cost-quality-chart')).getAllByTestId('cost-quality-point');
    expect(points.map((p) => [p.dataset.cost, p.dataset.score])).toEqual([['0.00012', '0.8'], ['0.00031', '0.9']]);
    // Dearer is further right, better is higher.
    const cx = (i: number) => Number(points[i]!.querySelector('circle')!.getAttribute('cx'));
    const cy = (i: number) => Number(points[i]!.querySelector('circle')!.getAttribute('cy'));
    expect(cx(1)).toBeGreaterThan(cx(0));
    expect(cy(1)).toBeLessThan(cy(0));
  });

  it('drills down: a variant’s bar or an evaluator’s name asks for its failing cells', async () => {
    const { ondrill } = await setup();
    await fireEvent.click(screen.getAllByTestId('pass-rate-bar')[1]!);
    expect(ondrill).toHaveBeenLastCalledWith({ column: 1, evaluator: null, label: 'cells of v2 · bedrock:amazon.nova-lite-v1:0 that did not pass' });
    await fireEvent.keyDown(screen.getAllByTestId('pass-rate-bar')[0]!, { key: 'Enter' });
    expect(ondrill).toHaveBeenLastCalledWith(expect.objectContaining({ column: 0, evaluator: null }));
    const hist = screen.getAllByTestId('score-histogram').find((h) => h.dataset.evaluator === 'helpful')!;
    await fireEvent.click(within(hist).getByTestId('eval-drill-evaluator'));
    expect(ondrill).toHaveBeenLastCalledWith({ column: null, evaluator: 'helpful', label: 'cells helpful did not pass' });
  });
});

describe('the reports', () => {
  it('are written where the save dialog says', async () => {
    picker.can = true;
    picker.path = '/home/me/reports/r.xml';
    picker.asked = [];
    const reqs: EvalReportReq[] = [];
    installHandlers({ eval_report: (req) => (reqs.push(req), { written: ['/home/me/reports/r.xml'] }) });
    await setup();
    await fireEvent.click(screen.getByTestId('eval-export-junit'));
    await waitFor(() => expect(reqs).toEqual([{ runId: 'run-1', junit: '/home/me/reports/r.xml' }]));
    expect(picker.asked).toEqual(['support-reply-run-1-junit.xml']);
    expect(await screen.findByText('JUnit XML report written to /home/me/reports/r.xml')).toBeTruthy();
    // Closing the dialog writes nothing.
    picker.path = null;
    await fireEvent.click(screen.getByTestId('eval-export-markdown'));
    await waitFor(() => expect(picker.asked).toHaveLength(2));
    expect(reqs).toHaveLength(1);
  });

  it('take a typed path outside the desktop app, and show the engine’s refusal', async () => {
    picker.can = false;
    const reqs: EvalReportReq[] = [];
    installHandlers({
      eval_report: (req) => {
        reqs.push(req);
        if (!req.json?.startsWith('/')) throw { code: 'invalid', message: `\`${req.json}\` is not a full path` };
        return { written: [req.json] };
      },
    });
    await setup();
    await fireEvent.click(screen.getByTestId('eval-export-json'));
    const path = screen.getByTestId('eval-report-path') as HTMLInputElement;
    expect(path.value).toBe('support-reply-run-1-eval.json');
    await fireEvent.click(screen.getByTestId('eval-report-save'));
    expect((await screen.findByTestId('eval-report-error')).textContent).toBe('`support-reply-run-1-eval.json` is not a full path');
    await fireEvent.input(path, { target: { value: '/tmp/eval.json' } });
    await fireEvent.click(screen.getByTestId('eval-report-save'));
    await waitFor(() => expect(screen.queryByTestId('eval-report-dialog')).toBeNull());
    expect(reqs.map((r) => r.json)).toEqual(['support-reply-run-1-eval.json', '/tmp/eval.json']);
  });
});

describe('reading the summary', () => {
  it('asks at most once every two seconds however many verdicts arrive', async () => {
    vi.useFakeTimers();
    try {
      const grid = new RunGrid(scoredSpec());
      grid.runId = 'run-1';
      let calls = 0;
      installHandlers({ eval_summary: () => (calls++, evalSummary()) });
      const ev = new RunEvaluation(grid);
      for (let i = 0; i < 10; i++) ev.schedule();
      await vi.advanceTimersByTimeAsync(0);
      expect(calls).toBe(1);
      for (let i = 0; i < 10; i++) {
        ev.schedule();
        await vi.advanceTimersByTimeAsync(150);
      }
      expect(calls).toBe(1);
      await vi.advanceTimersByTimeAsync(REFRESH_MS);
      expect(calls).toBe(2);
      ev.schedule();
      ev.dispose();
      await vi.advanceTimersByTimeAsync(REFRESH_MS * 2);
      expect(calls).toBe(2);
      expect(ev.summary?.runId).toBe('run-1');
    } finally {
      vi.useRealTimers();
    }
  });
});
