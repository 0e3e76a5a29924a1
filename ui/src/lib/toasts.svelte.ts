// Short messages at the corner of the window: confirmations, and engine errors for people.

import type { EngineError } from '../bindings';

export type ToastKind = 'info' | 'success' | 'error';

export interface Toast {
  id: number;
  kind: ToastKind;
  text: string;
}

let nextId = 1;
export const toasts = $state<Toast[]>([]);

export function dismissToast(id: number): void {
  const i = toasts.findIndex((t) => t.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

export function toast(text: string, kind: ToastKind = 'info', ms = kind === 'error' ? 8000 : 4000): number {
  const id = nextId++;
  toasts.push({ id, kind, text });
  if (toasts.length > 5) toasts.splice(0, toasts.length - 5);
  if (ms > 0) setTimeout(() => dismissToast(id), ms);
  return id;
}

/** Shows an engine error's message (the engine writes them for people). */
export function toastError(e: EngineError | { message: string }): number {
  return toast(e.message, 'error');
}

export function clearToasts(): void {
  toasts.splice(0, toasts.length);
}
