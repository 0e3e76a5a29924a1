// What the Export and Import tabs share: the formats offered, errors placed beside the field
// they name, the notes of a format per file, and the desktop's folder picker.

import type { ExportFormat, FormatNote, RepoExportRes } from '../bindings';

/** The export formats the engine writes (`RepoExportReq.format`). */
export const EXPORT_FORMATS: ReadonlyArray<{ id: ExportFormat; name: string }> = [
  { id: 'galley', name: 'Galley (every version, lossless)' },
  { id: 'prompt-yml', name: 'GitHub Models (.prompt.yml)' },
  { id: 'prompty', name: 'Prompty (.prompty)' },
  { id: 'promptfoo', name: 'promptfoo config' },
  { id: 'bedrock', name: 'Bedrock Prompt Management (JSON)' },
];

export type Field = 'dir' | 'blueprints' | 'branch' | 'commit' | 'path' | 'general';
export interface FieldError {
  field: Field;
  message: string;
}

/** The field an engine message is about (its messages start with the field's name). */
export function fieldOf(message: string): Field {
  const m = message.toLowerCase();
  if (m.startsWith('branch') || m.startsWith('cannot switch to the branch')) return 'branch';
  if (m.startsWith('commit message')) return 'commit';
  if (m.includes('not a full path') || m.includes('is a file: export into a folder')) return 'dir';
  return 'general';
}

/** The format's notes (what it could not carry), by file. */
export function notesOf(res: RepoExportRes): Map<string, FormatNote[]> {
  const out = new Map<string, FormatNote[]>();
  for (const n of res.notes ?? []) out.set(n.path, [...(out.get(n.path) ?? []), n]);
  return out;
}

/** The desktop's folder picker: a full path, or null when closed. */
export async function pickFolder(): Promise<string | null> {
  const { open } = await import('@tauri-apps/plugin-dialog');
  const picked = await open({ directory: true, multiple: false });
  return typeof picked === 'string' ? picked : null;
}

/** The extensions of the files Import reads: blueprint files and the neighbouring formats. */
export const IMPORT_FILE_EXTENSIONS = ['yaml', 'yml', 'prompty', 'json'];

/** The desktop's file picker for one blueprint or prompt file: a full path, or null when closed. */
export async function pickImportFile(): Promise<string | null> {
  const { open } = await import('@tauri-apps/plugin-dialog');
  const picked = await open({
    directory: false,
    multiple: false,
    filters: [{ name: 'Blueprint or prompt file', extensions: IMPORT_FILE_EXTENSIONS }],
  });
  return typeof picked === 'string' ? picked : null;
}

/** A file of an import as the list shows it: relative to the folder imported from when it lies
 *  inside it, its name when it is the file imported, else whole. */
export function shownFile(file: string, from: string): string {
  const base = from.trim().replace(/[\\/]+$/, '');
  if (!base) return file;
  if (file === base) return file.split(/[\\/]/).pop() || file;
  for (const sep of ['/', '\\']) {
    if (file.startsWith(base + sep) && file.length > base.length + 1) return file.slice(base.length + 1);
  }
  return file;
}
