// How the numbers of a run read: dollars, durations, token counts and signed changes.

/** `$0.000123`, `$0.0421`, `$12.40`; `$0` for nothing; `–` when unknown. */
export function usd(value: number | null | undefined): string {
  if (value === null || value === undefined || Number.isNaN(value)) return '–';
  if (value === 0) return '$0';
  const abs = Math.abs(value);
  const sign = value < 0 ? '−' : '';
  if (abs >= 1) return `${sign}$${abs.toFixed(2)}`;
  if (abs >= 0.01) return `${sign}$${abs.toFixed(4)}`;
  if (abs < 0.0000005) return `${sign}<$0.000001`;
  return `${sign}$${abs.toFixed(6)}`;
}

/** `840 ms`, `1.25 s`, `12.4 s`, `2 min 05 s`; `–` when unknown. */
export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || Number.isNaN(ms)) return '–';
  const abs = Math.abs(ms);
  if (abs < 1000) return `${Math.round(ms)} ms`;
  if (abs < 10_000) return `${(ms / 1000).toFixed(2)} s`;
  if (abs < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const total = Math.round(abs / 1000);
  const sign = ms < 0 ? '−' : '';
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  if (h > 0) return `${sign}${h} h ${String(m).padStart(2, '0')} min`;
  return `${sign}${m} min ${String(s).padStart(2, '0')} s`;
}

/** What is left of a run: `about 40 s left`; `estimating…` before the first cell finishes. */
export function eta(ms: number | null): string {
  if (ms === null) return 'estimating…';
  if (ms < 1000) return 'almost done';
  const secs = Math.round(ms / 1000);
  return `about ${secs < 60 ? `${secs} s` : duration(secs * 1000)} left`;
}

/** `1,234`; `–` when unknown. */
export function count(n: number | null | undefined): string {
  if (n === null || n === undefined) return '–';
  return Math.round(n).toLocaleString('en-US');
}

/** A change with its sign: `+12`, `−3`, `±0`, through `fmt` for the magnitude. */
export function signed(n: number | null, fmt: (abs: number) => string = count): string {
  if (n === null) return '–';
  if (n === 0) return `±${fmt(0)}`;
  return `${n > 0 ? '+' : '−'}${fmt(Math.abs(n))}`;
}

/** A number that may be absent, as null. */
export function num(v: number | null | undefined): number | null {
  return v ?? null;
}

export function plural(n: number, word: string, many = `${word}s`): string {
  return `${count(n)} ${n === 1 ? word : many}`;
}
