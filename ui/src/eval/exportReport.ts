// The reports of an evaluation (JUnit XML for CI dashboards, the JSON summary with every verdict,
// Markdown for a pull request), written by the engine to a path chosen with the save dialog.

import type { EvalReportReq } from '../bindings';
import { call } from '../lib/host';
import { canPickFiles, pickSavePath } from '../lib/filePicker';

export type ReportKind = 'junit' | 'json' | 'markdown';

export const REPORTS: Record<ReportKind, { label: string; suffix: string; filter: { name: string; extensions: string[] } }> = {
  junit: { label: 'JUnit XML', suffix: 'junit.xml', filter: { name: 'JUnit XML', extensions: ['xml'] } },
  json: { label: 'JSON', suffix: 'eval.json', filter: { name: 'JSON', extensions: ['json'] } },
  markdown: { label: 'Markdown', suffix: 'eval.md', filter: { name: 'Markdown', extensions: ['md'] } },
};

/** `support-reply-01J…-junit.xml`. */
export function reportFileName(blueprintName: string, runId: string, kind: ReportKind): string {
  const base = blueprintName.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'run';
  return `${base}-${runId}-${REPORTS[kind].suffix}`;
}

/** Has the engine write one report; resolves with the paths written. */
export async function writeReport(runId: string, kind: ReportKind, path: string): Promise<string[]> {
  const req: EvalReportReq = { runId };
  req[kind] = path;
  const res = await call('eval_report', req);
  return res.written;
}

/** Whether the desktop's save dialog picks the path (else it is typed). */
export function savesWithDialog(): boolean {
  return canPickFiles();
}

/** Asks the save dialog where to write; null when it was closed. */
export function askReportPath(blueprintName: string, runId: string, kind: ReportKind): Promise<string | null> {
  return pickSavePath(reportFileName(blueprintName, runId, kind), REPORTS[kind].filter);
}
