// Dataset files: choosing one to import and where to save an export with the desktop's own
// pickers, or, in a plain browser, reading a chosen or dropped file and downloading the export.

import type { DatasetFormat } from '../bindings';
import { call } from '../lib/host';
import { canPickFiles, pickSavePath } from '../lib/filePicker';
import { download } from '../runs/exportRun';
import { FORMATS, IMPORT_EXTENSIONS, exportFileName, fileStem, guessFormat } from './rules';
import type { ImportSource } from './library.svelte';

/** True when the desktop's file pickers are there (the Tauri window). */
export function nativePickers(): boolean {
  return canPickFiles();
}

/** Asks for a CSV or JSON Lines file: its full path, or null when the picker was closed. */
export async function pickImportPath(): Promise<string | null> {
  const { open } = await import('@tauri-apps/plugin-dialog');
  const picked = await open({
    filters: [{ name: 'Dataset (CSV, JSON Lines)', extensions: IMPORT_EXTENSIONS }],
    multiple: false,
    directory: false,
  });
  return typeof picked === 'string' ? picked : null;
}

/** A file chosen or dropped in the page, as an import of its text named after the file. */
export async function sourceOfFile(file: File): Promise<ImportSource> {
  const text = await file.text();
  return { text, name: fileStem(file.name), format: guessFormat(file.name, text) };
}

/** True for a file name the import reads. */
export function importable(name: string): boolean {
  const ext = /\.([^.]+)$/.exec(name)?.[1]?.toLowerCase();
  return ext !== undefined && IMPORT_EXTENSIONS.includes(ext);
}

/**
 * Exports a version: to a file chosen with the save dialog, or as a download in a plain browser.
 * Resolves with where it went, or null when the dialog was closed; rejects with the engine's error.
 */
export async function exportDataset(o: { id: string; name: string; version: number; format: DatasetFormat }): Promise<string | null> {
  const fileName = exportFileName(o.name, o.version, o.format);
  const type = FORMATS.find((f) => f.id === o.format)!;
  if (nativePickers()) {
    const path = await pickSavePath(fileName, { name: type.label, extensions: [type.extension] });
    if (path === null) return null;
    await call('datasets_export', { id: o.id, version: o.version, format: o.format, path });
    return path;
  }
  const text = await call('datasets_export', { id: o.id, version: o.version, format: o.format });
  download(fileName, text, type.mime);
  return fileName;
}
