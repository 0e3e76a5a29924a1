// The datasets area's state: the list of datasets, the one open (its history, and its cases as
// the table edits them), an older version shown read-only, and the engine calls behind them.

import type {
  DatasetDetail,
  DatasetFormat,
  DatasetSummary,
  DatasetVersionMeta,
  DatasetsImportReq,
  DatasetsImportRes,
  EngineError,
} from '../bindings';
import { call, toEngineError } from '../lib/host';
import { DatasetDraft } from './draft.svelte';

export type Outcome<T> = { ok: true; value: T } | { ok: false; error: EngineError };

async function attempt<T>(f: () => Promise<T>): Promise<Outcome<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    return { ok: false, error: toEngineError(e) };
  }
}

/** Where an import reads from: a file the engine opens, or text read in the page. */
export type ImportSource = { path: string; name?: string } | { text: string; name: string; format?: DatasetFormat };

export class DatasetLibrary {
  list = $state.raw<DatasetSummary[]>([]);
  search = $state('');
  loaded = $state(false);
  listError = $state<string | null>(null);
  /** The open dataset at its latest version: summary and history. */
  detail = $state.raw<DatasetDetail | null>(null);
  /** The open dataset's cases as edited (from its latest version). */
  draft = $state.raw<DatasetDraft | null>(null);
  /** An older version, shown read-only in place of the draft. */
  older = $state.raw<{ meta: DatasetVersionMeta; draft: DatasetDraft } | null>(null);
  loading = $state(false);
  private openSeq = 0;

  readonly shown = $derived.by(() => {
    const term = this.search.trim().toLowerCase();
    if (!term) return this.list;
    return this.list.filter((d) => d.name.toLowerCase().includes(term) || d.description.toLowerCase().includes(term));
  });
  readonly openId = $derived(this.detail?.summary.id ?? null);
  readonly dirty = $derived(this.draft?.dirty ?? false);
  /** The table shown: the older version's, else the draft. */
  readonly table = $derived(this.older?.draft ?? this.draft);

  async refresh(): Promise<void> {
    try {
      this.list = await call('datasets_list');
      this.listError = null;
    } catch (e) {
      this.listError = toEngineError(e).message;
    } finally {
      this.loaded = true;
    }
  }

  /** Opens a dataset at its latest version; the draft starts from it. */
  async open(id: string): Promise<Outcome<DatasetDetail>> {
    const seq = ++this.openSeq;
    this.loading = true;
    const out = await attempt(() => call('datasets_get', { id }));
    if (seq !== this.openSeq) return out;
    this.loading = false;
    if (out.ok) {
      this.detail = out.value;
      this.draft = new DatasetDraft(out.value.content);
      this.older = null;
    }
    return out;
  }

  close(): void {
    this.openSeq++;
    this.detail = null;
    this.draft = null;
    this.older = null;
  }

  /** Shows an older version read-only (null: back to the draft of the latest). */
  async view(version: number | null): Promise<Outcome<null>> {
    const d = this.detail;
    if (!d) return { ok: true, value: null };
    if (version === null || version === d.version?.number) {
      this.older = null;
      return { ok: true, value: null };
    }
    const out = await attempt(() => call('datasets_get', { id: d.summary.id, version }));
    if (!out.ok) return out;
    if (this.detail?.summary.id !== d.summary.id) return { ok: true, value: null };
    this.older = { meta: out.value.version!, draft: new DatasetDraft(out.value.content, { readonly: true }) };
    return { ok: true, value: null };
  }

  /** Puts the older version's cases in the draft, to save them as the next version. */
  restoreOlder(): void {
    const older = this.older;
    if (!older || !this.draft) return;
    this.draft.replaceWith(older.draft.content);
    this.older = null;
  }

  async create(name: string): Promise<Outcome<DatasetSummary>> {
    const out = await attempt(() => call('datasets_create', { name, description: '' }));
    if (out.ok) {
      await this.refresh();
      await this.open(out.value.id);
    }
    return out;
  }

  async rename(id: string, name: string): Promise<Outcome<DatasetSummary>> {
    const current = this.list.find((d) => d.id === id);
    const out = await attempt(() => call('datasets_update', { id, name, description: current?.description ?? '' }));
    if (out.ok) {
      await this.refresh();
      if (this.detail?.summary.id === id) this.detail = { ...this.detail, summary: out.value };
    }
    return out;
  }

  async remove(id: string): Promise<Outcome<null>> {
    const out = await attempt(() => call('datasets_delete', { id }));
    if (out.ok) {
      if (this.detail?.summary.id === id) this.close();
      await this.refresh();
    }
    return out;
  }

  /** Saves the draft as the next version; the value is null when nothing changed. */
  async save(message: string): Promise<Outcome<DatasetVersionMeta | null>> {
    const d = this.detail;
    const draft = this.draft;
    if (!d || !draft) return { ok: true, value: null };
    const content = draft.content;
    const out = await attempt(() => call('datasets_save', { id: d.summary.id, content, message }));
    if (!out.ok) return out;
    draft.markSaved();
    if (out.value) {
      const fresh = await attempt(() => call('datasets_get', { id: d.summary.id }));
      if (fresh.ok && this.draft === draft) this.detail = fresh.value;
      await this.refresh();
    }
    return out;
  }

  /** Imports a file as a new dataset, or as the next version of `into`; opens what it made. */
  async import(source: ImportSource, into: string | null): Promise<Outcome<DatasetsImportRes>> {
    const req: DatasetsImportReq = 'path' in source ? { path: source.path } : { text: source.text, name: source.name };
    if ('path' in source && source.name !== undefined) req.name = source.name;
    if ('format' in source && source.format) req.format = source.format;
    if (into !== null) {
      req.datasetId = into;
      delete req.name;
    }
    const out = await attempt(() => call('datasets_import', req));
    if (out.ok) {
      await this.refresh();
      await this.open(out.value.summary.id);
    }
    return out;
  }
}
