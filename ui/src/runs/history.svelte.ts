// The history of runs: what the search box and filters ask `runs_list` for, newest first.

import type { Label, RunSummary, RunsListReq } from '../bindings';
import { call, toEngineError } from '../lib/host';
import { debounce } from '../lib/debounce';

export const SEARCH_DELAY_MS = 250;

/** The RFC 3339 time a local calendar day (`2026-05-04`) starts at, or null. */
export function dayStart(day: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day.trim());
  if (!m) return null;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}

export class RunHistory {
  items = $state.raw<RunSummary[]>([]);
  loaded = $state(false);
  loading = $state(false);
  error = $state<string | null>(null);
  /** Words to find in templates, inputs and outputs. */
  text = $state('');
  /** One blueprint's runs, or every run (null). */
  blueprintId = $state<string | null>(null);
  /** A model label or part of a model id. */
  model = $state('');
  version = $state('');
  /** Runs that include the version this label points at now. */
  label = $state<Label | ''>('');
  /** Runs created on or after this day (`YYYY-MM-DD`). */
  since = $state('');

  private seq = 0;
  readonly schedule = debounce(() => void this.refresh(), SEARCH_DELAY_MS);

  request(): RunsListReq {
    const text = this.text.trim();
    const model = this.model.trim();
    const version = /^\s*v?(\d{1,9})\s*$/i.exec(this.version)?.[1];
    return {
      blueprintId: this.blueprintId,
      text: text === '' ? null : text,
      model: model === '' ? null : model,
      version: version === undefined ? null : Number(version),
      label: this.label === '' ? null : this.label,
      since: dayStart(this.since),
      until: null,
      limit: 200,
    };
  }

  get filtered(): boolean {
    const r = this.request();
    return r.text !== null || r.model !== null || r.version !== null || r.label !== null || r.since !== null;
  }

  async refresh(): Promise<void> {
    this.schedule.cancel();
    const seq = ++this.seq;
    this.loading = true;
    try {
      const items = await call('runs_list', this.request());
      if (seq !== this.seq) return;
      this.items = items;
      this.error = null;
      this.loaded = true;
    } catch (e) {
      if (seq === this.seq) this.error = toEngineError(e).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Puts a run's new state in the list without asking again (a run that just ended). */
  patch(s: RunSummary): void {
    const i = this.items.findIndex((x) => x.id === s.id);
    if (i >= 0) this.items = this.items.map((x) => (x.id === s.id ? s : x));
  }

  clearFilters(): void {
    this.text = '';
    this.model = '';
    this.version = '';
    this.label = '';
    this.since = '';
    void this.refresh();
  }
}
