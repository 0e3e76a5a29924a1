// One run as a grid: rows are inputs, columns are version × model, repeats are stacked inside a
// row. Built from a plan (a run about to start) or from what the engine stored (`runs_get`), and
// kept up to date by the run's events while it streams. Components read it; they never change
// it except through its methods.

import { untrack } from 'svelte';
import type {
  CellKey,
  EngineError,
  RunCell,
  RunDetail,
  RunEvent,
  RunProgress,
  RunSpec,
  RunStatus,
  RunSummary,
  RunsStartReq,
} from '../bindings';
import { call, toEngineError } from '../lib/host';
import { columnLabel, inputTitle } from './labels';
import { summarize, type ColumnSummary } from './stats';

/** What a cell shows: `pending` has not run (or is missing after a cancel), `running` streams. */
export type CellState = 'pending' | 'running' | RunCell['status'];

export class CellView {
  readonly key: CellKey;
  status = $state<CellState>('pending');
  /** The streamed text, then the stored text. */
  text = $state('');
  /** The call being made (retries count up). */
  attempt = $state(0);
  /** The stored cell, once finished. */
  result = $state.raw<RunCell | null>(null);

  constructor(key: CellKey) {
    this.key = key;
  }

  /** Back to "not run": what the engine holds for a cell left unfinished. */
  reset(): void {
    this.status = 'pending';
    this.text = '';
    this.attempt = 0;
    this.result = null;
  }

  finish(cell: RunCell): void {
    this.result = cell;
    this.status = cell.status;
    this.text = cell.text;
    this.attempt = cell.attempts;
  }
}

/** How a run stands in the grid: `starting` until the engine gave it an id, `failed` when it refused to start. */
export type GridStatus = 'starting' | 'failed' | RunStatus;

export class RunGrid {
  readonly spec: RunSpec;
  readonly cells: readonly CellView[];
  readonly columnLabels: readonly string[];
  readonly inputTitles: readonly string[];

  runId = $state<string | null>(null);
  status = $state<GridStatus>('starting');
  summary = $state.raw<RunSummary | null>(null);
  progress = $state<RunProgress>({ done: 0, failed: 0, total: 0, etaMs: null });
  /** Why the run could not start or stopped early. */
  error = $state<EngineError | null>(null);
  cancelling = $state(false);
  /** Counts finished cells, so summaries recompute once per finish rather than per cell read. */
  private finishedTick = $state(0);
  /** Events are taken only from the call that is running (the result is authoritative). */
  private stream = 0;

  constructor(spec: RunSpec) {
    this.spec = spec;
    const cells: CellView[] = [];
    for (let input = 0; input < spec.inputs.length; input++) {
      for (let column = 0; column < spec.columns.length; column++) {
        for (let repeat = 0; repeat < spec.repeats; repeat++) cells.push(new CellView({ column, input, repeat }));
      }
    }
    this.cells = cells;
    this.columnLabels = spec.columns.map(columnLabel);
    this.inputTitles = spec.inputs.map(inputTitle);
    this.progress = { done: 0, failed: 0, total: cells.length, etaMs: null };
  }

  /** A stored run, exactly as the engine holds it. */
  static fromDetail(d: RunDetail): RunGrid {
    const g = new RunGrid(d.spec);
    g.load(d);
    return g;
  }

  /** Replaces what the grid shows with what the engine holds. */
  load(d: RunDetail): void {
    for (const c of this.cells) c.reset();
    for (const cell of d.cells) this.cellAt(cell.key)?.finish(cell);
    this.runId = d.summary.id;
    this.summary = d.summary;
    this.status = d.summary.status;
    const failed = d.cells.filter((c) => c.status !== 'ok').length;
    this.progress = { done: d.cells.length, failed, total: this.cells.length, etaMs: null };
    this.finishedTick++;
  }

  get columns(): number {
    return this.spec.columns.length;
  }

  get rows(): number {
    return this.spec.inputs.length;
  }

  get repeats(): number {
    return this.spec.repeats;
  }

  get running(): boolean {
    return this.status === 'starting' || this.status === 'running';
  }

  /** Whether Resume has something to run: a run stopped before its end. */
  get resumable(): boolean {
    return this.status === 'cancelled' || this.status === 'interrupted';
  }

  cell(column: number, input: number, repeat: number): CellView | undefined {
    if (column < 0 || column >= this.columns || input < 0 || input >= this.rows || repeat < 0 || repeat >= this.repeats) {
      return undefined;
    }
    return this.cells[(input * this.columns + column) * this.repeats + repeat];
  }

  cellAt(k: CellKey): CellView | undefined {
    return this.cell(k.column, k.input, k.repeat);
  }

  /** Per column: latency mean/p50/p95, tokens and cost of its finished cells. */
  readonly summaries: ColumnSummary[] = $derived.by(() => {
    void this.finishedTick;
    return untrack(() =>
      this.spec.columns.map((_, column) => {
        const done: RunCell[] = [];
        for (let input = 0; input < this.rows; input++) {
          for (let repeat = 0; repeat < this.repeats; repeat++) {
            const r = this.cell(column, input, repeat)?.result;
            if (r) done.push(r);
          }
        }
        return summarize(done);
      }),
    );
  });

  /** What the finished cells cost so far. */
  readonly costSoFar: number = $derived(this.summaries.reduce((n, s) => n + s.costUsd, 0));

  /** Takes one event of the run. */
  apply(ev: RunEvent): void {
    switch (ev.type) {
      case 'started':
        this.runId = ev.data.runId;
        this.status = 'running';
        this.progress = { ...this.progress, done: this.progress.total - ev.data.pending, etaMs: null };
        break;
      case 'cellStarted': {
        const c = this.cellAt(ev.data.key);
        if (!c) break;
        c.status = 'running';
        c.text = '';
        c.attempt = ev.data.attempt;
        c.result = null;
        break;
      }
      case 'cellDelta': {
        const c = this.cellAt(ev.data.key);
        if (c && c.status === 'running') c.text += ev.data.text;
        break;
      }
      case 'cellFinished':
        this.cellAt(ev.data.cell.key)?.finish(ev.data.cell);
        this.finishedTick++;
        break;
      case 'progress':
        this.progress = { ...ev.data };
        break;
    }
  }

  /** Starts the run of `req` (whose plan this grid was built from); resolves when it ends. */
  async start(req: RunsStartReq): Promise<void> {
    await this.drive((onEvent) => call('runs_start', req, onEvent));
  }

  /** Runs the cells that are missing or failed; resolves when the run ends again. */
  async resume(): Promise<void> {
    const runId = this.runId;
    if (!runId || this.running) return;
    this.status = 'running';
    this.error = null;
    await this.drive((onEvent) => call('runs_resume', { runId }, onEvent));
  }

  private async drive(run: (onEvent: (ev: RunEvent) => void) => Promise<RunSummary>): Promise<void> {
    const mine = ++this.stream;
    this.cancelling = false;
    const onEvent = (ev: RunEvent) => {
      if (mine === this.stream) this.apply(ev);
    };
    try {
      const summary = await run(onEvent);
      if (mine !== this.stream) return;
      this.stream++;
      this.summary = summary;
      this.runId = summary.id;
      this.status = summary.status;
    } catch (e) {
      if (mine !== this.stream) return;
      this.stream++;
      this.error = toEngineError(e);
      this.status = this.runId ? 'interrupted' : 'failed';
    } finally {
      if (mine === this.stream) this.cancelling = false;
    }
    // Cells cut off by a cancel were not stored: they are missing, for Resume.
    for (const c of this.cells) if (c.status === 'running') c.reset();
    this.progress = { ...this.progress, etaMs: null };
  }

  /** Stops the whole run; its unfinished cells stay missing until Resume. */
  async cancel(): Promise<void> {
    const runId = this.runId;
    if (!runId || !this.running || this.cancelling) return;
    this.cancelling = true;
    try {
      await call('runs_cancel', { runId, cell: null });
    } catch {
      this.cancelling = false;
    }
  }

  /** Stops one cell; it ends as `cancelled` with the text that had arrived. */
  async cancelCell(key: CellKey): Promise<boolean> {
    const runId = this.runId;
    if (!runId || !this.running) return false;
    try {
      return await call('runs_cancel', { runId, cell: { ...key } });
    } catch {
      return false;
    }
  }

  /** Stops listening (the grid is closed); the run itself goes on in the engine. */
  detach(): void {
    this.stream++;
  }
}
