// A run's evaluation as the run view shows it: the summary the engine computes from the verdicts,
// read when the run is opened or ends, and at most every two seconds while it runs.

import type { EvalSummary } from '../bindings';
import { call, toEngineError } from '../lib/host';
import type { RunGrid } from '../runs/grid.svelte';

/** The least time between two summaries of a running run. */
export const REFRESH_MS = 2000;

export class RunEvaluation {
  summary = $state.raw<EvalSummary | null>(null);
  error = $state<string | null>(null);
  loading = $state(false);

  private seq = 0;
  private last = Number.NEGATIVE_INFINITY;
  private timer: ReturnType<typeof setTimeout> | null = null;

  constructor(readonly grid: RunGrid) {}

  /** Reads the summary now. */
  async refresh(): Promise<void> {
    const runId = this.grid.runId;
    if (!runId) return;
    this.cancelScheduled();
    this.last = Date.now();
    const mine = ++this.seq;
    this.loading = true;
    try {
      const summary = await call('eval_summary', { runId });
      if (mine !== this.seq) return;
      this.summary = summary;
      this.error = null;
    } catch (e) {
      if (mine === this.seq) this.error = toEngineError(e).message;
    } finally {
      if (mine === this.seq) this.loading = false;
    }
  }

  /** Reads the summary soon: now if the last read was two seconds ago, else when it will be. */
  schedule(): void {
    if (this.timer !== null) return;
    const wait = Math.max(0, this.last + REFRESH_MS - Date.now());
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.refresh();
    }, wait);
  }

  private cancelScheduled(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
  }

  /** Stops reading (the view closed or shows another run). */
  dispose(): void {
    this.cancelScheduled();
    this.seq++;
  }
}
