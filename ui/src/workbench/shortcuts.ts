// The workbench's keyboard shortcuts: one table for the handler and for the overlay.

export type ShortcutId = 'save' | 'new' | 'search' | 'diff' | 'help' | 'run' | 'newRun' | 'settings' | 'datasets' | 'reviews' | 'repo';

export const SHORTCUTS: ReadonlyArray<{ id: ShortcutId | 'close' | 'undo' | 'redo' | 'complete'; keys: string[]; what: string }> = [
  { id: 'save', keys: ['Ctrl+S'], what: 'Save a version' },
  { id: 'new', keys: ['Ctrl+N'], what: 'New blueprint' },
  { id: 'search', keys: ['Ctrl+K', 'Ctrl+F'], what: 'Search the library' },
  { id: 'diff', keys: ['Ctrl+D'], what: 'Compare versions' },
  { id: 'run', keys: ['Ctrl+Enter'], what: 'Run the prompt (Try it)' },
  { id: 'newRun', keys: ['Ctrl+Shift+Enter'], what: 'New comparison run (versions × models × inputs)' },
  { id: 'datasets', keys: ['Ctrl+Shift+D'], what: 'Datasets: reference cases, import and export' },
  { id: 'reviews', keys: ['Ctrl+Shift+H'], what: 'Human review: rate answers blind, merge ratings, read the results' },
  { id: 'repo', keys: ['Ctrl+Shift+E'], what: 'Export / import blueprints (a folder, e.g. a git checkout)' },
  { id: 'settings', keys: ['Ctrl+,'], what: 'Settings' },
  { id: 'help', keys: ['?', 'Ctrl+/'], what: 'Show these shortcuts' },
  { id: 'close', keys: ['Esc'], what: 'Close a dialog' },
  { id: 'undo', keys: ['Ctrl+Z'], what: 'Undo in an editor' },
  { id: 'redo', keys: ['Ctrl+Shift+Z', 'Ctrl+Y'], what: 'Redo in an editor' },
  { id: 'complete', keys: ['Ctrl+Space'], what: 'Complete a variable name' },
];

function typingIn(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.closest !== 'function') return false;
  return !!el.closest('input, textarea, select, [contenteditable="true"], .cm-editor');
}

/** The shortcut a key press means, or null. Ctrl and Cmd are the same. */
export function matchShortcut(e: KeyboardEvent): ShortcutId | null {
  const mod = e.ctrlKey || e.metaKey;
  const key = e.key.toLowerCase();
  if (mod && !e.altKey) {
    if (key === 's' && !e.shiftKey) return 'save';
    if (key === 'n' && !e.shiftKey) return 'new';
    if ((key === 'k' || key === 'f') && !e.shiftKey) return 'search';
    if (key === 'd') return e.shiftKey ? 'datasets' : 'diff';
    if (key === 'h' && e.shiftKey) return 'reviews';
    if (key === 'e' && e.shiftKey) return 'repo';
    if (key === '/') return 'help';
    if (key === 'enter') return e.shiftKey ? 'newRun' : 'run';
    if (key === ',' && !e.shiftKey) return 'settings';
    return null;
  }
  if (e.key === '?' && !mod && !e.altKey && !typingIn(e.target)) return 'help';
  return null;
}
