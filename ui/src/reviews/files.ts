// Review files (packs, ratings files, CSV): the engine reads and writes them at a path. In the
// desktop app the path comes from the desktop's own open and save dialogs; in a plain browser
// (the preview, tests) it is typed (see PathDialog.svelte).

import { canPickFiles, pickSavePath } from '../lib/filePicker';

export type ReviewFileKind = 'pack' | 'ratings' | 'csv';

export const FILTERS: Record<ReviewFileKind, { name: string; extensions: string[] }> = {
  pack: { name: 'Galley review pack', extensions: ['json'] },
  ratings: { name: 'Galley ratings file', extensions: ['json'] },
  csv: { name: 'CSV', extensions: ['csv'] },
};

/** True when the desktop's file dialogs are there (the Tauri window). */
export function nativePickers(): boolean {
  return canPickFiles();
}

/** Asks for a file to read: its full path, or null when the dialog was closed. */
export async function pickOpen(kind: ReviewFileKind): Promise<string | null> {
  const { open } = await import('@tauri-apps/plugin-dialog');
  const picked = await open({ filters: [FILTERS[kind]], multiple: false, directory: false });
  return typeof picked === 'string' ? picked : null;
}

/** Asks where to write: the full path, or null when the dialog was closed. */
export function pickSave(kind: ReviewFileKind, defaultName: string): Promise<string | null> {
  return pickSavePath(defaultName, FILTERS[kind]);
}

/**
 * The location of a file chosen in the page, when the window gives it (a File object usually
 * carries only its name); null otherwise. The engine reads review files by path only.
 */
export function pathOfFile(file: File): string | null {
  const path = (file as File & { path?: unknown }).path;
  return typeof path === 'string' && path.trim() !== '' ? path : null;
}
