// The "Review…" form of a run: title, kind, the columns (variants) rated, the metrics, the
// instructions and an optional sample size, checked as the engine checks them, with the number of
// items the review will hold, and turned into a `ReviewsCreateReq`.

import type { Method, ReviewKind, ReviewsCreateReq } from '../bindings';
import { METHODS_OF } from './format';

/** What the form needs of a run. */
export interface RunShape {
  runId: string;
  blueprintName: string;
  columnLabels: readonly string[];
  inputs: number;
  repeats: number;
  /** Whether a cell has an answer. */
  answered: (column: number, input: number, repeat: number) => boolean;
}

export interface MetricRow {
  key: number;
  name: string;
  method: Method;
  instructions: string;
}

type MetricDraft = Omit<MetricRow, 'key'>;

export const DEFAULT_METRIC: Record<ReviewKind, MetricDraft> = {
  single: { name: 'overall', method: 'likert', instructions: 'How well does this answer serve the user?' },
  pairwise: { name: 'overall', method: 'choice', instructions: 'Which answer serves the user better?' },
  rank: { name: 'overall', method: 'rank', instructions: 'Order the answers from best to worst.' },
};

/** The fewest columns of the run each kind needs. */
export const KIND_MIN_COLUMNS: Record<ReviewKind, number> = { single: 1, pairwise: 2, rank: 3 };

const same = (a: MetricDraft, b: MetricDraft) => a.name === b.name && a.method === b.method && a.instructions === b.instructions;

export class ReviewForm {
  readonly run: RunShape;
  title = $state('');
  kind = $state<ReviewKind>('single');
  /** Chosen columns, ascending. */
  columns = $state<number[]>([]);
  metrics = $state<MetricRow[]>([]);
  instructions = $state('');
  /** The sample size as typed; empty for every item. */
  maxItems = $state('');
  private nextKey = 0;

  constructor(run: RunShape) {
    this.run = run;
    this.title = `${run.blueprintName} review`;
    const kind: ReviewKind = run.columnLabels.length >= 2 ? 'pairwise' : 'single';
    this.kind = kind;
    this.columns = kind === 'pairwise' ? [0, 1] : [0];
    this.metrics = [this.row(DEFAULT_METRIC[kind])];
  }

  private row(d: MetricDraft): MetricRow {
    return { key: this.nextKey++, ...d };
  }

  /** Answered cells of a column. */
  answeredIn(column: number): number {
    let n = 0;
    for (let input = 0; input < this.run.inputs; input++) {
      for (let repeat = 0; repeat < this.run.repeats; repeat++) if (this.run.answered(column, input, repeat)) n++;
    }
    return n;
  }

  /** Whether the run has enough columns for a kind. */
  fits(kind: ReviewKind): boolean {
    return this.run.columnLabels.length >= KIND_MIN_COLUMNS[kind];
  }

  setKind(kind: ReviewKind): void {
    const before = this.kind;
    if (kind === before || !this.fits(kind)) return;
    this.kind = kind;
    const all = this.run.columnLabels.map((_, i) => i);
    if (kind === 'pairwise') this.columns = this.columns.length >= 2 ? this.columns.slice(0, 2) : [0, 1];
    else if (kind === 'rank') this.columns = all;
    else if (this.columns.length === 0) this.columns = [0];
    const allowed = METHODS_OF[kind];
    this.metrics = this.metrics.map((m) => {
      if (same(m, DEFAULT_METRIC[before])) return { key: m.key, ...DEFAULT_METRIC[kind] };
      return allowed.includes(m.method) ? m : { ...m, method: allowed[0]! };
    });
  }

  /** Whether a column's box can be ticked: a pairwise review takes exactly two. */
  canTick(column: number): boolean {
    return this.columns.includes(column) || this.kind !== 'pairwise' || this.columns.length < 2;
  }

  toggle(column: number, on: boolean): void {
    if (on && !this.canTick(column)) return;
    const set = new Set(this.columns);
    if (on) set.add(column);
    else set.delete(column);
    this.columns = [...set].sort((a, b) => a - b);
  }

  addMetric(): void {
    const taken = new Set(this.metrics.map((m) => m.name.trim().toLowerCase()));
    let name = '';
    for (const candidate of ['helpfulness', 'accuracy', 'tone', 'clarity', 'safety']) {
      if (!taken.has(candidate)) {
        name = candidate;
        break;
      }
    }
    this.metrics = [...this.metrics, this.row({ name, method: METHODS_OF[this.kind][0]!, instructions: '' })];
  }

  removeMetric(key: number): void {
    this.metrics = this.metrics.filter((m) => m.key !== key);
  }

  /** Items the review would hold with the columns chosen (before any sample). */
  readonly candidates: number = $derived.by(() => {
    const cols = this.columns;
    let n = 0;
    for (let input = 0; input < this.run.inputs; input++) {
      for (let repeat = 0; repeat < this.run.repeats; repeat++) {
        if (this.kind === 'single') n += cols.filter((c) => this.run.answered(c, input, repeat)).length;
        else if (cols.length > 0 && cols.every((c) => this.run.answered(c, input, repeat))) n++;
      }
    }
    return n;
  });

  /** The sample size, or null for every item; NaN when what is typed is not a count. */
  readonly sample: number | null = $derived.by(() => {
    const t = this.maxItems.trim();
    if (t === '') return null;
    return /^\d+$/.test(t) && Number(t) >= 1 ? Number(t) : Number.NaN;
  });

  /** Items the review will hold. */
  readonly items: number = $derived(this.sample === null || Number.isNaN(this.sample) ? this.candidates : Math.min(this.sample, this.candidates));

  /** Why the column choice does not fit the kind; null when it does. */
  readonly columnProblem: string | null = $derived.by(() => {
    const k = this.columns.length;
    if (this.kind === 'single' && k === 0) return 'Choose at least one column to rate.';
    if (this.kind === 'pairwise' && k !== 2) return `A pairwise review compares exactly two columns: choose 2 (${k} chosen).`;
    if (this.kind === 'rank' && k < 3) return `A rank review orders three columns or more: choose at least 3 (${k} chosen).`;
    return null;
  });

  /** Everything in the way of creating the review, in the order of the form. */
  readonly problems: string[] = $derived.by(() => {
    const out: string[] = [];
    if (!this.title.trim()) out.push('The review needs a title.');
    if (this.columnProblem) out.push(this.columnProblem);
    else if (this.candidates === 0) out.push('Nothing to review: no input has an answer in every chosen column.');
    if (this.metrics.length === 0) out.push('Add a metric: what raters judge.');
    const seen = new Set<string>();
    this.metrics.forEach((m, i) => {
      const name = m.name.trim();
      if (!name) out.push(`Metric ${i + 1} needs a name.`);
      else if (seen.has(name.toLowerCase())) out.push(`Metric “${name}” is named twice.`);
      seen.add(name.toLowerCase());
    });
    if (this.sample !== null && Number.isNaN(this.sample)) out.push('The number of items to sample is a whole number, 1 or more.');
    return out;
  });

  request(): ReviewsCreateReq {
    const req: ReviewsCreateReq = {
      runId: this.run.runId,
      title: this.title.trim(),
      kind: this.kind,
      columns: [...this.columns],
      metrics: this.metrics.map((m) => ({ name: m.name.trim(), method: m.method, instructions: m.instructions.trim() })),
      instructions: this.instructions.trim(),
    };
    if (this.sample !== null && !Number.isNaN(this.sample)) req.maxItems = this.sample;
    return req;
  }
}
