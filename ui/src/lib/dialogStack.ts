// Which dialogs are open, so that global shortcuts stay quiet while one is.

let open = 0;
/** The open dialogs' boxes, the topmost last (screens without a box only count). */
const boxes: HTMLElement[] = [];

export function dialogOpened(box?: HTMLElement): void {
  open++;
  if (box) boxes.push(box);
}

export function dialogClosed(box?: HTMLElement): void {
  open = Math.max(0, open - 1);
  if (box) {
    const i = boxes.lastIndexOf(box);
    if (i >= 0) boxes.splice(i, 1);
  }
}

/** Whether `box` is the dialog on top, the one keys pressed outside any dialog belong to. */
export function isTopDialog(box: HTMLElement): boolean {
  return boxes.length > 0 && boxes[boxes.length - 1] === box;
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
