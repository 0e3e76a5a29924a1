// One "Try it" call: streams the answer into `text` as it arrives, then keeps the engine's
// result (the exact request, the outcome with usage and timings, or the provider's error).

import type { BlueprintContent, EngineError, StopReason, StreamEvent, TryRunRes, Usage } from '../bindings';
import { call, toEngineError } from '../lib/host';
import { uuidv7 } from '../lib/ids';

export type TryPhase = 'idle' | 'running' | 'done';

export class TryRun {
  phase = $state<TryPhase>('idle');
  /** The answer so far; once finished, the outcome's text or the partial text of an error. */
  text = $state('');
  /** What the engine resolved with. */
  result = $state<TryRunRes | null>(null);
  /** Why the engine refused to start (a template problem, a provider it cannot run). */
  refused = $state<EngineError | null>(null);
  /** Reported while streaming, before the result. */
  liveUsage = $state<Usage | null>(null);
  stopped = $state<StopReason | null>(null);
  startedAt = $state<number | null>(null);
  cancelling = $state(false);
  /** The provider the call went to (the model settings may change after it started). */
  provider = $state<string | null>(null);

  private runId: string | null = null;

  get running(): boolean {
    return this.phase === 'running';
  }

  /** Starts a call unless one is running; resolves when it has finished. */
  async start(input: { content: BlueprintContent; values: Record<string, string> }): Promise<void> {
    if (this.phase === 'running') return;
    const runId = uuidv7();
    this.runId = runId;
    this.phase = 'running';
    this.text = '';
    this.result = null;
    this.refused = null;
    this.liveUsage = null;
    this.stopped = null;
    this.cancelling = false;
    this.startedAt = Date.now();
    this.provider = input.content.model.provider;
    let open = true;
    const onEvent = (ev: StreamEvent) => {
      if (!open || this.runId !== runId) return;
      if (ev.type === 'textDelta') this.text += ev.data;
      else if (ev.type === 'usage') this.liveUsage = ev.data;
      else if (ev.type === 'stopped') this.stopped = ev.data;
    };
    try {
      const res = await call('tryrun_start', { runId, ...input }, onEvent);
      open = false;
      if (this.runId !== runId) return;
      this.result = res;
      // The result is authoritative: events still in flight are not appended after it.
      if (res.outcome) this.text = res.outcome.text;
      else if (res.error?.partialText != null) this.text = res.error.partialText;
    } catch (e) {
      open = false;
      if (this.runId === runId) this.refused = toEngineError(e);
    } finally {
      if (this.runId === runId) {
        this.phase = 'done';
        this.cancelling = false;
      }
    }
  }

  /** Asks the engine to stop the running call; the call then resolves with what arrived. */
  async cancel(): Promise<void> {
    const runId = this.runId;
    if (this.phase !== 'running' || runId === null || this.cancelling) return;
    this.cancelling = true;
    try {
      await call('tryrun_cancel', { runId });
    } catch {
      this.cancelling = false;
    }
  }

  /** Forgets the call (the panel closes); a running call is cancelled. */
  dispose(): void {
    if (this.phase === 'running') void this.cancel();
    this.runId = null;
  }
}
