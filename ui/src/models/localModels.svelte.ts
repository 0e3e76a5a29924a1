// The models Galley can run on this computer, as the engine finds them: read once, shared by the
// model settings and Settings (which hands back the list after a file is added or forgotten).

import type { EngineError, LocalModelInfo, LocalModelsRes } from '../bindings';
import { call } from '../lib/host';

export class LocalModels {
  list = $state<LocalModelsRes | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  private seq = 0;

  get models(): LocalModelInfo[] | undefined {
    return this.list?.models;
  }

  /** Reads the list unless it is here or on its way. */
  ensure(): void {
    if (this.list === null && !this.loading) void this.load();
  }

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const list = await call('local_models_list');
      if (seq === this.seq) this.list = list;
    } catch (e) {
      if (seq === this.seq) this.error = (e as EngineError).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Takes a list the engine answered with elsewhere (Settings). */
  set(list: LocalModelsRes): void {
    this.seq++;
    this.list = list;
    this.error = null;
    this.loading = false;
  }

  find(id: string): LocalModelInfo | undefined {
    const wanted = id.trim();
    return this.list?.models.find((m) => m.id === wanted);
  }
}
