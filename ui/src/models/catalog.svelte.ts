// The Bedrock model catalog, fetched once and shared by the model picker and Settings (which
// refreshes it after the connection changed).

import type { Catalog, CatalogModel, EngineError } from '../bindings';
import { call } from '../lib/host';

export class ModelCatalog {
  catalog = $state<Catalog | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);

  private seq = 0;

  /** Fetches the catalog unless it is here or on its way. */
  ensure(): void {
    if (this.catalog === null && !this.loading) void this.load(false);
  }

  /** Asks the engine; `refresh` makes it ask Bedrock again instead of using what it kept. */
  async load(refresh: boolean): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const catalog = await call('models_catalog', { refresh });
      if (seq === this.seq) this.catalog = catalog;
    } catch (e) {
      if (seq === this.seq) this.error = (e as EngineError).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  find(id: string): CatalogModel | undefined {
    const wanted = id.trim();
    return this.catalog?.models.find((m) => m.id === wanted);
  }
}
