// Sample values for the preview are UI state, kept per blueprint in localStorage.

const PREFIX = 'galley.samples.';

export function loadSamples(blueprintId: string): Record<string, string> {
  try {
    const raw = localStorage.getItem(PREFIX + blueprintId);
    const parsed: unknown = raw ? JSON.parse(raw) : {};
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return {};
    // fromEntries defines properties, so names like `constructor` work with a frozen prototype.
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

export function storeSamples(blueprintId: string, samples: Record<string, string>): void {
  try {
    const kept = Object.fromEntries(Object.entries(samples).filter(([, v]) => v !== ''));
    if (Object.keys(kept).length) localStorage.setItem(PREFIX + blueprintId, JSON.stringify(kept));
    else localStorage.removeItem(PREFIX + blueprintId);
  } catch {
    // Storage full or disabled: samples are a convenience, the preview still works.
  }
}

export function forgetSamples(blueprintId: string): void {
  try {
    localStorage.removeItem(PREFIX + blueprintId);
  } catch {
    // ignore
  }
}
