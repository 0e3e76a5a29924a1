// The rows of the variables panel: variables the templates use (in order of first use), then
// declared ones no longer used.

import type { VariableDecl } from '../bindings';
import type { VariableInfo } from './completion';

export interface VariableRow {
  name: string;
  decl: VariableDecl | undefined;
  used: boolean;
}

export function variableRows(discovered: string[], declared: VariableDecl[]): VariableRow[] {
  const rows: VariableRow[] = discovered.map((name) => ({
    name,
    decl: declared.find((d) => d.name === name),
    used: true,
  }));
  for (const d of declared) {
    if (!discovered.includes(d.name)) rows.push({ name: d.name, decl: d, used: false });
  }
  return rows;
}

export function completionVariables(rows: VariableRow[]): VariableInfo[] {
  return rows.map((r) => ({
    name: r.name,
    detail: r.decl ? r.decl.type : undefined,
    info: r.decl?.description || undefined,
  }));
}
