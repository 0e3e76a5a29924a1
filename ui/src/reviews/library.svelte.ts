// The reviews area's state: the reviews on this desktop (made here, or imported to rate), the one
// open, and the engine calls behind the list.

import type { EngineError, ReviewSummary, ReviewsImportReq } from '../bindings';
import { call, toEngineError } from '../lib/host';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineError };

export async function attempt<T>(f: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: toEngineError(e) };
  }
}

export class ReviewLibrary {
  /** Newest first, as the engine lists them. */
  list = $state.raw<ReviewSummary[]>([]);
  loaded = $state(false);
  listError = $state<string | null>(null);
  openId = $state<string | null>(null);

  readonly selected = $derived(this.list.find((r) => r.id === this.openId) ?? null);

  async refresh(): Promise<void> {
    try {
      this.list = await call('reviews_list');
      this.listError = null;
    } catch (e) {
      this.listError = toEngineError(e).message;
    } finally {
      this.loaded = true;
    }
  }

  /** Opens a review of the list (the first one when `id` is not there). */
  open(id: string | null): void {
    this.openId = id !== null && this.list.some((r) => r.id === id) ? id : (this.list[0]?.id ?? null);
  }

  async remove(id: string): Promise<Outcome<null>> {
    const out = await attempt(() => call('reviews_delete', { id }));
    if (out.ok) {
      await this.refresh();
      if (this.openId === id) this.open(null);
    }
    return out;
  }

  /** Adds a review pack to rate here (by its path, or its text), and opens it. */
  async importPack(source: ReviewsImportReq): Promise<ReviewSummary> {
    const made = await call('reviews_import_pack', source);
    await this.refresh();
    this.open(made.id);
    return made;
  }
}
