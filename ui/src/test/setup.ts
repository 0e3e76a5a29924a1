// jsdom lacks a few layout APIs CodeMirror calls; give it harmless stand-ins.
import { afterEach } from 'vitest';
import { clearHandlers, setHost } from '../lib/host';
import { clearToasts } from '../lib/toasts.svelte';

const emptyRects = () => {
  const list: DOMRect[] = [];
  return Object.assign(list, { item: () => null }) as unknown as DOMRectList;
};
const zeroRect = () => new DOMRect(0, 0, 0, 0);

if (typeof Range !== 'undefined') {
  Range.prototype.getClientRects ??= emptyRects;
  Range.prototype.getBoundingClientRect ??= zeroRect;
}
if (typeof document !== 'undefined' && !document.elementFromPoint) {
  document.elementFromPoint = () => null;
}
if (typeof CSS === 'undefined' || !CSS.escape) {
  (globalThis as unknown as { CSS: { escape: (s: string) => string } }).CSS = {
    escape: (s: string) => s.replace(/[^\w-]/g, (c) => `\\${c}`),
  };
}

afterEach(() => {
  clearHandlers();
  setHost(null);
  clearToasts();
  localStorage.clear();
});
