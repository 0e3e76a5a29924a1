// Times as people read them: "5 min ago", with the exact time for tooltips.

const UNITS: Array<[Intl.RelativeTimeFormatUnit, number]> = [
  ['year', 365 * 86_400],
  ['month', 30 * 86_400],
  ['week', 7 * 86_400],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
];

export function relativeTime(iso: string, now: number = Date.now()): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const secs = Math.round((t - now) / 1000);
  if (Math.abs(secs) < 45) return 'just now';
  const fmt = new Intl.RelativeTimeFormat('en', { numeric: 'auto', style: 'short' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(secs) >= size || unit === 'minute') return fmt.format(Math.round(secs / size), unit);
  }
  return fmt.format(secs, 'second');
}

export function exactTime(iso: string): string {
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  return new Date(t).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

/** A short clock time for "Unsaved changes from 14:05" (with the date when not today). */
export function shortTime(iso: string, now: Date = new Date()): string {
  const t = new Date(Date.parse(iso));
  if (Number.isNaN(t.getTime())) return iso;
  const time = t.toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
  if (t.toDateString() === now.toDateString()) return time;
  return `${t.toLocaleDateString(undefined, { month: 'short', day: 'numeric' })}, ${time}`;
}
