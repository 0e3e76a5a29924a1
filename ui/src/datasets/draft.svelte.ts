// The cases of a dataset as the table edits them: variable columns with stable keys (a rename
// keeps the values), rows with their cells as typed, and what that makes: the content to save,
// whether it differs from the version it started from, and its problems.

import type { DatasetContent, DatasetIssue, ModelResponse } from '../bindings';
import { deepEqual } from '../lib/content';
import { joinTags, splitTags, validateContent, variableNameProblem } from './rules';

export interface VarColumn {
  key: number;
  name: string;
}

/** A column of the table: a variable (by key) or one of the case's own fields. */
export type ColumnId = number | 'reference' | 'category' | 'tags';
export const FIELD_COLUMNS = ['reference', 'category', 'tags'] as const;

export interface DraftRow {
  key: number;
  /** Values by variable column key; absent means the case has no value (the blueprint's default). */
  values: Record<number, string>;
  reference: string;
  category: string;
  /** As typed: `a; b`. */
  tags: string;
  /** Brought model responses: kept as they are (the table does not show them). */
  responses: ModelResponse[];
}

export class DatasetDraft {
  columns = $state<VarColumn[]>([]);
  rows = $state<DraftRow[]>([]);
  /** The variable column being named in its header: its problems wait until the name is given. */
  naming = $state<number | null>(null);
  readonly readonly: boolean;

  private base = $state.raw<DatasetContent>({ variables: [], cases: [] });
  private nextKey = 0;

  /** The content as the table has it now. */
  readonly content = $derived.by(() => this.build());
  readonly dirty = $derived(!deepEqual(this.content, this.base));
  readonly issues = $derived.by(() => this.problems());
  readonly errors = $derived(this.issues.filter((i) => i.severity === 'error'));

  constructor(content: DatasetContent, opts: { readonly?: boolean } = {}) {
    this.readonly = opts.readonly ?? false;
    this.load(content);
    this.base = this.build();
  }

  private load(content: DatasetContent): void {
    const columns = content.variables.map((name) => ({ key: this.nextKey++, name }));
    this.columns = columns;
    this.rows = content.cases.map((c) => {
      const values: Record<number, string> = {};
      for (const col of columns) {
        const v = c.values[col.name];
        if (v !== undefined) values[col.key] = v;
      }
      return {
        key: this.nextKey++,
        values,
        reference: c.reference ?? '',
        category: c.category ?? '',
        tags: joinTags(c.tags),
        responses: (c.responses ?? []).map((r) => ({ ...r })),
      };
    });
  }

  private build(): DatasetContent {
    return {
      variables: this.columns.map((c) => c.name),
      cases: this.rows.map((r) => {
        const values: Record<string, string> = {};
        for (const col of this.columns) {
          const v = r.values[col.key];
          if (v !== undefined) values[col.name] = v;
        }
        const tags = splitTags(r.tags);
        return {
          values,
          ...(r.reference !== '' ? { reference: r.reference } : {}),
          ...(r.category !== '' ? { category: r.category } : {}),
          ...(tags.length ? { tags } : {}),
          ...(r.responses.length ? { responses: r.responses.map((x) => ({ ...x })) } : {}),
        };
      }),
    };
  }

  private problems(): DatasetIssue[] {
    const issues = validateContent(this.content);
    const naming = this.columns.find((c) => c.key === this.naming);
    if (naming?.name !== '') return issues;
    return issues.filter((i) => i.variable !== '');
  }

  /** What is wrong with a variable column's name (bad, reserved, or taken by another column). */
  nameProblem(key: number, name = this.columns.find((c) => c.key === key)?.name ?? ''): string | null {
    const bad = variableNameProblem(name);
    if (bad) return bad;
    if (this.columns.some((c) => c.key !== key && c.name === name)) return `variable \`${name}\` is declared twice`;
    return null;
  }

  /** Puts other cases in the table (an older version's), keeping the starting point. */
  replaceWith(content: DatasetContent): void {
    if (!this.readonly) this.load(content);
  }

  /** Takes what was saved (or loaded) as the new starting point. */
  markSaved(): void {
    this.base = this.build();
  }

  /** The content the draft started from (or was last saved as). */
  get saved(): DatasetContent {
    return this.base;
  }

  // ---- cells ---------------------------------------------------------------------------

  cell(row: number, col: ColumnId): string | undefined {
    const r = this.rows[row];
    if (!r) return undefined;
    if (typeof col === 'number') return r.values[col];
    return r[col];
  }

  setCell(row: number, col: ColumnId, value: string): void {
    const r = this.rows[row];
    if (!r || this.readonly) return;
    if (typeof col === 'number') r.values[col] = value;
    else r[col] = value;
  }

  // ---- rows ----------------------------------------------------------------------------

  /** Adds an empty case at the end (or after `after`); its index. */
  addRow(after?: number): number {
    const row: DraftRow = { key: this.nextKey++, values: {}, reference: '', category: '', tags: '', responses: [] };
    // A new case gets an empty value for every variable: typed values, not blueprint defaults.
    for (const c of this.columns) row.values[c.key] = '';
    const at = after === undefined ? this.rows.length : Math.min(after + 1, this.rows.length);
    this.rows.splice(at, 0, row);
    return at;
  }

  removeRow(index: number): void {
    if (index >= 0 && index < this.rows.length) this.rows.splice(index, 1);
  }

  // ---- variables -----------------------------------------------------------------------

  /** Adds a variable column at the end; every case gets an empty value for it. */
  addColumn(name = ''): VarColumn {
    const col = { key: this.nextKey++, name };
    this.columns.push(col);
    for (const r of this.rows) r.values[col.key] = '';
    return col;
  }

  renameColumn(key: number, name: string): void {
    const c = this.columns.find((x) => x.key === key);
    if (c) c.name = name;
  }

  removeColumn(key: number): void {
    this.columns = this.columns.filter((c) => c.key !== key);
    for (const r of this.rows) delete r.values[key];
  }

  /** Cases with a non-empty value in a variable column. */
  filled(key: number): number {
    return this.rows.filter((r) => (r.values[key] ?? '') !== '').length;
  }
}
