// Closing a pop-up (a menu, a picker's list) when the pointer goes down anywhere outside it.

/**
 * Calls `close` on a pointer press outside `root` (seen in the capture phase, before the press
 * reaches anything else); returns what removes the listener, for a Svelte `$effect`.
 */
export function onPointerOutside(root: HTMLElement, close: () => void): () => void {
  const outside = (e: Event) => {
    if (!root.contains(e.target as Node)) close();
  };
  document.addEventListener('pointerdown', outside, true);
  return () => document.removeEventListener('pointerdown', outside, true);
}
