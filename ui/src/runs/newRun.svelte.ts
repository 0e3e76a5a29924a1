// The new-run form as typed: which versions, which models, which inputs, how many repeats, and
// the engine's live estimate of the run it describes.

import type { BlueprintContent, DatasetDetail, DatasetSummary, ModelRef, RunPlan, RunsStartReq, VariableDecl, VersionMeta } from '../bindings';
import { call, toEngineError } from '../lib/host';
import { debounce } from '../lib/debounce';
import { modelLabel, parseModel } from './labels';

export const PLAN_DELAY_MS = 300;

export interface InputRow {
  key: number;
  name: string;
  values: Record<string, string>;
}

export type Built = { ok: true; req: RunsStartReq } | { ok: false; error: string };

/** Where a run's inputs come from: the rows typed in the dialog, or the cases of a dataset. */
export type InputSource = 'inputs' | 'dataset';

/** How a dataset's variables meet the template's. */
export interface Coverage {
  /** Template variables the dataset has no column for, and no default fills. */
  missing: string[];
  /** Template variables the dataset has no column for, filled by the blueprint's default. */
  defaulted: string[];
  /** Dataset variables no selected version uses. */
  unused: string[];
}

export interface NewRunOptions {
  blueprintId: string;
  blueprintName: string;
  /** The blueprint's versions, newest first. */
  versions: VersionMeta[];
  /** The value an input starts with for a variable (the workbench's sample, else its default). */
  prefill?: (name: string, decl: VariableDecl | undefined) => string;
  /** The default concurrency (Settings); read from the engine when not given. */
  concurrency?: number;
}

/** Whole numbers only, as typed (`3`, ` 12 `); null for anything else. */
function whole(text: string): number | null {
  const t = text.trim();
  return /^\d{1,9}$/.test(t) ? Number(t) : null;
}

export class NewRunForm {
  readonly blueprintId: string;
  readonly blueprintName: string;
  readonly versions: VersionMeta[];

  selected = $state<number[]>([]);
  models = $state<ModelRef[]>([]);
  modelText = $state('');
  modelError = $state<string | null>(null);
  /** The variables of the selected versions, in order of first use: the columns of the inputs. */
  variables = $state<string[]>([]);
  rows = $state<InputRow[]>([]);
  repeats = $state('1');
  concurrency = $state('');
  bypassCache = $state(false);
  /** Each selected version's own model, for "each version on its own model". */
  ownModels = $state<Record<number, string>>({});

  source = $state<InputSource>('inputs');
  /** The datasets to choose from (read on `init`). */
  datasets = $state.raw<DatasetSummary[]>([]);
  datasetId = $state<string | null>(null);
  /** The chosen version; null means the latest. */
  datasetVersion = $state<number | null>(null);
  /** The chosen dataset version, with its content (variables and cases). */
  dataset = $state.raw<DatasetDetail | null>(null);
  datasetError = $state<string | null>(null);

  plan = $state.raw<RunPlan | null>(null);
  planError = $state<string | null>(null);
  planning = $state(false);

  private readonly prefill: (name: string, decl: VariableDecl | undefined) => string;
  private readonly contents = new Map<number, BlueprintContent>();
  private readonly declared = new Map<string, VariableDecl>();
  private readonly used = new Map<number, string[]>();
  /** Variables row 0 was already given a starting value for. */
  private readonly prefilled = new Set<string>();
  private nextKey = 0;
  private planSeq = 0;
  private varSeq = 0;
  private datasetSeq = 0;

  readonly schedulePlan = debounce(() => void this.refreshPlan(), PLAN_DELAY_MS);

  constructor(o: NewRunOptions) {
    this.blueprintId = o.blueprintId;
    this.blueprintName = o.blueprintName;
    this.versions = o.versions;
    this.prefill = o.prefill ?? ((_, decl) => decl?.default ?? '');
    const latest = o.versions[0];
    this.selected = latest ? [latest.number] : [];
    this.rows = [this.newRow()];
    if (o.concurrency !== undefined) this.concurrency = String(o.concurrency);
  }

  /** Reads what the form needs from the engine: the variables, and the default concurrency. */
  async init(): Promise<void> {
    const settings = this.concurrency === '' ? call('settings_get').catch(() => null) : Promise.resolve(null);
    const datasets = call('datasets_list').catch(() => [] as DatasetSummary[]);
    await this.loadVariables();
    this.datasets = await datasets;
    const s = await settings;
    if (s && this.concurrency === '') this.concurrency = String(s.runs.concurrency);
  }

  private newRow(): InputRow {
    return { key: this.nextKey++, name: '', values: {} };
  }

  // ---- versions ------------------------------------------------------------------------

  isSelected(n: number): boolean {
    return this.selected.includes(n);
  }

  toggleVersion(n: number, on = !this.isSelected(n)): void {
    const rest = this.selected.filter((v) => v !== n);
    this.selected = (on ? [...rest, n] : rest).sort((a, b) => a - b);
    void this.loadVariables();
  }

  private async content(n: number): Promise<BlueprintContent | null> {
    const known = this.contents.get(n);
    if (known) return known;
    try {
      const v = await call('versions_get', { id: this.blueprintId, number: n });
      this.contents.set(n, v.content);
      return v.content;
    } catch {
      return null;
    }
  }

  /** The union of the selected versions' variables, newest version first. */
  async loadVariables(): Promise<void> {
    const seq = ++this.varSeq;
    const numbers = [...this.selected].sort((a, b) => b - a);
    const names: string[] = [];
    const own: Record<number, string> = {};
    for (const n of numbers) {
      const content = await this.content(n);
      if (!content) continue;
      own[n] = modelLabel({ provider: content.model.provider, modelId: content.model.modelId, ...(content.model.endpoint !== undefined ? { endpoint: content.model.endpoint } : {}) });
      for (const d of content.variables) if (!this.declared.has(d.name)) this.declared.set(d.name, d);
      let used = this.used.get(n);
      if (!used) {
        try {
          used = (await call('templates_check', { content })).variables;
        } catch {
          used = [];
        }
        this.used.set(n, used);
      }
      for (const name of [...used, ...content.variables.map((d) => d.name)]) if (!names.includes(name)) names.push(name);
    }
    if (seq !== this.varSeq) return;
    this.variables = names;
    this.ownModels = own;
    const first = this.rows[0];
    if (first) {
      for (const name of names) {
        if (this.prefilled.has(name)) continue;
        this.prefilled.add(name);
        if ((first.values[name] ?? '') === '') {
          const v = this.prefill(name, this.declared.get(name));
          if (v !== '') first.values[name] = v;
        }
      }
    }
  }

  // ---- models --------------------------------------------------------------------------

  /** Adds the model typed (or `text`); false with `modelError` set when it does not read. */
  addModel(text: string = this.modelText): boolean {
    if (text.trim() === '') {
      this.modelError = null;
      return false;
    }
    const parsed = parseModel(text);
    if (!parsed.ok) {
      this.modelError = parsed.error;
      return false;
    }
    this.modelError = null;
    const label = modelLabel(parsed.model);
    if (!this.models.some((m) => modelLabel(m) === label)) this.models = [...this.models, parsed.model];
    if (text === this.modelText) this.modelText = '';
    return true;
  }

  removeModel(label: string): void {
    this.models = this.models.filter((m) => modelLabel(m) !== label);
  }

  // ---- inputs --------------------------------------------------------------------------

  addRow(): InputRow {
    const row = this.newRow();
    this.rows.push(row);
    return row;
  }

  removeRow(key: number): void {
    if (this.rows.length <= 1) {
      const only = this.rows[0];
      if (only) {
        only.name = '';
        only.values = {};
      }
      return;
    }
    this.rows = this.rows.filter((r) => r.key !== key);
  }

  setValue(rowIndex: number, name: string, value: string): void {
    const row = this.rows[rowIndex];
    if (row) row.values[name] = value;
  }

  /**
   * Spreads pasted tab-separated rows over the table from (`rowIndex`, `varIndex`), adding rows
   * as needed. A first line naming variables maps the columns by name. False when the text is a
   * single value (the field takes it as typed).
   */
  paste(rowIndex: number, varIndex: number, text: string): boolean {
    if (!text.includes('\t') && !text.replace(/\r?\n$/, '').includes('\n')) return false;
    const lines = text.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n').map((l) => l.split('\t'));
    let targets = (cells: string[]) => cells.map((_, i) => this.variables[varIndex + i]);
    const head = lines[0] ?? [];
    if (lines.length > 1 && head.every((h) => this.variables.includes(h.trim()))) {
      const names = head.map((h) => h.trim());
      targets = () => names;
      lines.shift();
    }
    lines.forEach((cells, i) => {
      const at = rowIndex + i;
      while (this.rows.length <= at) this.addRow();
      const row = this.rows[at]!;
      const names = targets(cells);
      cells.forEach((value, j) => {
        const name = names[j];
        if (name !== undefined) row.values[name] = value;
      });
    });
    return true;
  }

  // ---- a dataset as the inputs ---------------------------------------------------------

  /** Takes the inputs from the typed rows or from a dataset (the best fitting one, at first). */
  async useSource(source: InputSource): Promise<void> {
    this.source = source;
    if (source !== 'dataset' || this.datasetId !== null) return;
    const saved = this.datasets.filter((d) => d.latestVersion !== null);
    if (saved.length === 0) return;
    // The dataset whose variables cover most of the template's; the first one on a tie.
    let best = saved[0]!;
    let bestScore = -1;
    for (const d of saved) {
      const detail = await call('datasets_get', { id: d.id }).catch(() => null);
      const score = detail ? detail.content.variables.filter((v) => this.variables.includes(v)).length : 0;
      if (score > bestScore) [best, bestScore] = [d, score];
    }
    if (this.datasetId === null) await this.chooseDataset(best.id);
  }

  /** Chooses a dataset (at its latest version) and reads its content. */
  async chooseDataset(id: string | null, version: number | null = null): Promise<void> {
    const seq = ++this.datasetSeq;
    this.datasetId = id;
    this.datasetVersion = version;
    this.datasetError = null;
    if (id === null) {
      this.dataset = null;
      return;
    }
    try {
      const detail = await call('datasets_get', version === null ? { id } : { id, version });
      if (seq !== this.datasetSeq) return;
      this.dataset = detail;
      if (detail.version === null) this.datasetError = `“${detail.summary.name}” has no saved version: save one in Datasets first`;
    } catch (e) {
      if (seq !== this.datasetSeq) return;
      this.dataset = null;
      this.datasetError = toEngineError(e).message;
    }
  }

  chooseDatasetVersion(version: number | null): Promise<void> {
    return this.chooseDataset(this.datasetId, version);
  }

  /** Which template variables the chosen dataset gives values for. */
  get coverage(): Coverage {
    const have = this.dataset?.content.variables ?? [];
    const missing: string[] = [];
    const defaulted: string[] = [];
    for (const name of this.variables) {
      if (have.includes(name)) continue;
      if ((this.declared.get(name)?.default ?? '') !== '') defaulted.push(name);
      else missing.push(name);
    }
    return { missing, defaulted, unused: have.filter((v) => !this.variables.includes(v)) };
  }

  // ---- the request ---------------------------------------------------------------------

  /** What Start sends, or what is wrong with the form. */
  request(): Built {
    if (this.selected.length === 0) return { ok: false, error: 'choose at least one version to run' };
    const repeats = whole(this.repeats);
    if (repeats === null) return { ok: false, error: `repeats: \`${this.repeats}\` is not a whole number: use 1 to 100` };
    let concurrency: number | null = null;
    if (this.concurrency.trim() !== '') {
      concurrency = whole(this.concurrency);
      if (concurrency === null) return { ok: false, error: `concurrency: \`${this.concurrency}\` is not a whole number: use 1 to 256` };
    }
    if (this.source === 'dataset') {
      if (this.datasetId === null) return { ok: false, error: 'choose a dataset, or type the inputs' };
      const number = this.dataset?.summary.id === this.datasetId ? (this.dataset.version?.number ?? null) : null;
      if (this.datasetError) return { ok: false, error: this.datasetError };
      if (number === null) return { ok: false, error: 'reading the dataset…' };
      return {
        ok: true,
        req: {
          blueprintId: this.blueprintId,
          versions: [...this.selected],
          models: this.models.map((m) => ({ ...m })),
          inputs: [],
          dataset: { id: this.datasetId, version: number },
          repeats,
          concurrency,
          bypassCache: this.bypassCache,
        },
      };
    }
    const inputs = this.rows.map((r) => {
      const values: Record<string, string> = {};
      for (const name of this.variables) {
        const v = r.values[name] ?? '';
        if (v !== '') values[name] = v;
      }
      return { name: r.name.trim() === '' ? null : r.name.trim(), values };
    });
    return {
      ok: true,
      req: {
        blueprintId: this.blueprintId,
        versions: [...this.selected],
        models: this.models.map((m) => ({ ...m })),
        inputs,
        repeats,
        concurrency,
        bypassCache: this.bypassCache,
      },
    };
  }

  /** Asks the engine for the plan of the form as it is now. */
  async refreshPlan(): Promise<RunPlan | null> {
    const seq = ++this.planSeq;
    const built = this.request();
    if (!built.ok) {
      this.plan = null;
      this.planError = built.error;
      this.planning = false;
      return null;
    }
    this.planning = true;
    try {
      const plan = await call('runs_plan', built.req);
      if (seq !== this.planSeq) return null;
      this.plan = plan;
      this.planError = null;
      return plan;
    } catch (e) {
      if (seq !== this.planSeq) return null;
      this.plan = null;
      this.planError = toEngineError(e).message;
      return null;
    } finally {
      if (seq === this.planSeq) this.planning = false;
    }
  }
}
