// Asking people before anything that loses work: `await confirm({...})` resolves true on OK.

export interface ConfirmRequest {
  title: string;
  message: string;
  ok?: string;
  danger?: boolean;
}

interface Pending extends ConfirmRequest {
  resolve: (ok: boolean) => void;
}

export const confirmState = $state<{ pending: Pending | null }>({ pending: null });

export function confirm(req: ConfirmRequest): Promise<boolean> {
  confirmState.pending?.resolve(false);
  return new Promise((resolve) => {
    confirmState.pending = { ...req, resolve };
  });
}

export function answerConfirm(ok: boolean): void {
  const p = confirmState.pending;
  confirmState.pending = null;
  p?.resolve(ok);
}
