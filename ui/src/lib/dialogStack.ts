// Which dialogs are open, so that global shortcuts stay quiet while one is.

let open = 0;

export function dialogOpened(): void {
  open++;
}

export function dialogClosed(): void {
  open = Math.max(0, open - 1);
}

export function anyDialogOpen(): boolean {
  return open > 0;
}

const FOCUSABLE =
  'a[href], button:not([disabled]), input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"]), [contenteditable="true"]';

export function focusables(root: HTMLElement): HTMLElement[] {
  return Array.from(root.querySelectorAll<HTMLElement>(FOCUSABLE)).filter(
    (el) => !el.hasAttribute('inert') && el.getAttribute('aria-hidden') !== 'true',
  );
}
