// One run as a grid: rows are inputs, columns are version × model, repeats are stacked inside a
// row. Built from a plan (a run about to start) or from what the engine stored (`runs_get`), and
// kept up to date by the run's events while it streams. Components read it; they never change
// it except through its methods.

import { untrack } from 'svelte';
import type {
  CellKey,
  CellScore,
  EngineError,
  Evaluator,
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
import { cellId, columnLabel, inputTitle } from './labels';
import { summarize, type ColumnSummary } from './stats';

/** What a cell shows: `pending` has not run (or is missing after a cancel), `running` streams. */
export type CellState = 'pending' | 'running' | RunCell['status'];

/**
 * A cell's verdict over all its evaluators: `error` when one could not judge (an error is never a
 * zero), else `fail` when one failed, else `pass`.
 */
export type Verdict = 'pass' | 'fail' | 'error';

export function verdictOf(scores: readonly CellScore[]): Verdict | null {
  if (scores.length === 0) return null;
  if (scores.some((s) => s.pass === null)) return 'error';
  return scores.every((s) => s.pass === true) ? 'pass' : 'fail';
}

/** Which cells the grid shows: those of a column and/or an evaluator that did not pass. */
export interface GridFilter {
  /** A column, or every column. */
  column: number | null;
  /** An evaluator, or any (a failed call counts too). */
  evaluator: string | null;
  /** What the filter is, for people. */
  label: string;
}

export class CellView {
  readonly key: CellKey;
  status = $state<CellState>('pending');
  /** The streamed text, then the stored text. */
  text = $state('');
  /** The call being made (retries count up). */
  attempt = $state(0);
  /** The stored cell, once finished. */
  result = $state.raw<RunCell | null>(null);
  /** Its evaluators' verdicts, once scored. */
  scores = $state.raw<CellScore[] | null>(null);

  constructor(key: CellKey) {
    this.key = key;
  }

  get verdict(): Verdict | null {
    return this.scores ? verdictOf(this.scores) : null;
  }

  /** Back to "not run": what the engine holds for a cell left unfinished. */
  reset(): void {
    this.status = 'pending';
    this.text = '';
    this.attempt = 0;
    this.result = null;
    this.scores = null;
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
  /** Each column's evaluators (its version's). */
  readonly evaluators: readonly (readonly Evaluator[])[];

  runId = $state<string | null>(null);
  status = $state<GridStatus>('starting');
  summary = $state.raw<RunSummary | null>(null);
  progress = $state<RunProgress>({ done: 0, failed: 0, total: 0, etaMs: null });
  /** Why the run could not start or stopped early. */
  error = $state<EngineError | null>(null);
  cancelling = $state(false);
  /** Shows only the cells that did not pass (drill-down from the evaluation); null shows all. */
  filter = $state.raw<GridFilter | null>(null);
  /** Counts verdicts received, so what depends on scores recomputes once per batch. */
  scoresTick = $state(0);
  /** Counts finished cells, so summaries recompute once per finish rather than per cell read. */
  private finishedTick = $state(0);
  private scoresSeq = 0;
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
    this.evaluators = spec.columns.map((c) => spec.versions[c.version]?.evaluators ?? []);
    this.progress = { done: 0, failed: 0, total: cells.length, etaMs: null };
  }

  /** A stored run, exactly as the engine holds it. */
  static fromDetail(d: RunDetail): RunGrid {
    const g = new RunGrid(d.spec);
    g.load(d);
    return g;
  }

  /** Replaces what the grid shows with what the engine holds (verdicts of cells still there are kept). */
  load(d: RunDetail): void {
    const kept = new Map<string, CellScore[]>();
    for (const c of this.cells) if (c.scores) kept.set(cellId(c.key), c.scores);
    for (const c of this.cells) c.reset();
    for (const cell of d.cells) {
      const view = this.cellAt(cell.key);
      if (!view) continue;
      view.finish(cell);
      if (cell.status === 'ok') view.scores = kept.get(cellId(cell.key)) ?? null;
    }
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

  /** Whether any column's version has evaluators (the run is scored). */
  get hasEvaluators(): boolean {
    return this.evaluators.some((e) => e.length > 0);
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

  /** Whether the filter shows a cell (every cell without a filter). */
  matches(cell: CellView): boolean {
    const f = this.filter;
    if (!f) return true;
    if (f.column !== null && cell.key.column !== f.column) return false;
    if (f.evaluator === null && cell.status === 'error') return true;
    const scores = cell.scores;
    if (!scores) return false;
    return scores.some((s) => (f.evaluator === null || s.evaluator === f.evaluator) && s.pass !== true);
  }

  /** The inputs (rows) shown: all, or those with a cell the filter shows. */
  readonly shownRows: readonly number[] = $derived.by(() => {
    const f = this.filter;
    void this.scoresTick;
    void this.finishedTick;
    return untrack(() => {
      const all = Array.from({ length: this.rows }, (_, i) => i);
      if (!f) return all;
      return all.filter((i) => {
        for (let c = 0; c < this.columns; c++) {
          for (let r = 0; r < this.repeats; r++) if (this.matches(this.cell(c, i, r)!)) return true;
        }
        return false;
      });
    });
  });

  /** How many cells the filter shows. */
  readonly shownCells: number = $derived.by(() => {
    const f = this.filter;
    void this.scoresTick;
    void this.finishedTick;
    return untrack(() => (f ? this.cells.filter((c) => this.matches(c)).length : this.cells.length));
  });

  /** Takes the verdicts the engine holds; cells it has none for keep theirs (live ones). */
  setScores(scores: readonly CellScore[]): void {
    const by = new Map<string, CellScore[]>();
    for (const s of scores) {
      const id = cellId(s.key);
      const list = by.get(id);
      if (list) list.push(s);
      else by.set(id, [s]);
    }
    for (const [id, list] of by) {
      const [c, i, r] = id.split(':').map(Number) as [number, number, number];
      const view = this.cell(c, i, r);
      if (view && view.status !== 'running') view.scores = list;
    }
    this.scoresTick++;
  }

  /** Reads the verdicts of a stored run (a run without evaluators has none). */
  async loadScores(): Promise<void> {
    const runId = this.runId;
    if (!runId || !this.hasEvaluators) return;
    const mine = ++this.scoresSeq;
    try {
      const res = await call('eval_scores', { runId });
      if (mine === this.scoresSeq && runId === this.runId) this.setScores(res.scores);
    } catch {
      // The evaluation view says what went wrong; the grid shows no badges.
    }
  }

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
        c.scores = null;
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
      case 'cellScored': {
        const c = this.cellAt(ev.data.key);
        if (c) {
          c.scores = ev.data.scores;
          this.scoresTick++;
        }
        break;
      }
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
      await this.settle(summary.id);
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

  /** The events of a run travel apart from the answer of its call (the desktop delivers them
   *  separately), so the last cells' events can arrive after the run has ended, when they are no
   *  longer taken. The grid then shows the run as the engine stored it, verdicts included. */
  private async settle(runId: string): Promise<void> {
    let detail: RunDetail;
    try {
      detail = await call('runs_get', { runId });
    } catch {
      return; // the grid keeps what the events said
    }
    if (this.runId !== runId || this.running) return;
    this.load(detail);
    await this.loadScores();
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
