// Getting the path of a review file, then doing something with it: the desktop's dialog picks it
// (errors become toasts), or, without one, a small dialog asks for it and shows the engine's
// error in place until it works or is cancelled.

import { toEngineError } from '../lib/host';
import { toastError } from '../lib/toasts.svelte';
import { nativePickers, pickOpen, pickSave, type ReviewFileKind } from './files';

export interface PathJob {
  mode: 'open' | 'save';
  kind: ReviewFileKind;
  /** The dialog's title: "Export the review pack". */
  title: string;
  /** The file name proposed (save) or shown as an example (open). */
  name: string;
  /** The confirm button's label. */
  action: string;
  /** Uses the path; rejects with the engine's error. */
  run: (path: string) => Promise<void>;
}

export class PathAsk {
  /** The job waiting for a typed path (no native dialogs). */
  job = $state.raw<PathJob | null>(null);

  async start(job: PathJob): Promise<void> {
    if (!nativePickers()) {
      this.job = job;
      return;
    }
    let path: string | null;
    try {
      path = job.mode === 'open' ? await pickOpen(job.kind) : await pickSave(job.kind, job.name);
    } catch (e) {
      toastError({ message: `The file dialog failed: ${String(e)}` });
      return;
    }
    if (path === null) return;
    try {
      await job.run(path);
    } catch (e) {
      toastError(toEngineError(e));
    }
  }

  /** Runs the waiting job with a typed path; resolves with the engine's message when it failed. */
  async submit(path: string): Promise<string | null> {
    const job = this.job;
    if (!job) return null;
    try {
      await job.run(path.trim());
    } catch (e) {
      return toEngineError(e).message;
    }
    if (this.job === job) this.job = null;
    return null;
  }

  cancel(): void {
    this.job = null;
  }
}
