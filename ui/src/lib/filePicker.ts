// The desktop's own file pickers: choosing a model file, and where to save an export. Only the
// Tauri window has them; a plain browser and the tests type the path (or download) instead. The
// plugin is loaded on first use, so builds without Tauri never touch it.

import { inTauri } from './host';

/** True when a native file picker can be shown. */
export function canPickFiles(): boolean {
  return inTauri();
}

/** Asks for one `.gguf` file: its full path, or null when the picker was closed. */
export async function pickGgufFile(): Promise<string | null> {
  const { open } = await import('@tauri-apps/plugin-dialog');
  const picked = await open({ filters: [{ name: 'GGUF model', extensions: ['gguf'] }], multiple: false, directory: false });
  return typeof picked === 'string' ? picked : null;
}

/** Asks where to save a file: its full path, or null when the picker was closed. */
export async function pickSavePath(defaultPath: string, filter: { name: string; extensions: string[] }): Promise<string | null> {
  const { save } = await import('@tauri-apps/plugin-dialog');
  const picked = await save({ defaultPath, filters: [filter] });
  return typeof picked === 'string' ? picked : null;
}
