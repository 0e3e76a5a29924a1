// Exporting a run as CSV or JSONL: to a file chosen with the desktop's save dialog, or, in a
// plain browser, as a download of the text the engine writes.

import type { RunExportFormat } from '../bindings';
import { call } from '../lib/host';
import { canPickFiles, pickSavePath } from '../lib/filePicker';

const TYPES: Record<RunExportFormat, { name: string; mime: string }> = {
  csv: { name: 'CSV', mime: 'text/csv' },
  jsonl: { name: 'JSON Lines', mime: 'application/x-ndjson' },
};

/** `support-reply-01J…csv`: the blueprint's name as a file name, and the run id. */
export function exportFileName(blueprintName: string, runId: string, format: RunExportFormat): string {
  const base = blueprintName.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, '-').replace(/^-+|-+$/g, '') || 'run';
  return `${base}-${runId}.${format}`;
}

/** Hands text to the browser as a file download. */
export function download(name: string, text: string, mime: string): void {
  const blob = new Blob([text], { type: `${mime};charset=utf-8` });
  if (typeof URL.createObjectURL !== 'function') return;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/** Saves the export; resolves with where it went (a path or the download's name), or null when cancelled. */
export async function exportRun(runId: string, blueprintName: string, format: RunExportFormat): Promise<string | null> {
  const name = exportFileName(blueprintName, runId, format);
  const type = TYPES[format];
  if (canPickFiles()) {
    const path = await pickSavePath(name, { name: type.name, extensions: [format] });
    if (path === null) return null;
    return call('runs_export_save', { runId, format, path });
  }
  const text = await call('runs_export', { runId, format });
  download(name, text, type.mime);
  return name;
}
