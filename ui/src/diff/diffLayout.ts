// Laying out diff lines: side-by-side rows (deletes paired with the inserts that follow) and
// long unchanged runs folded behind "n unchanged lines" expanders.

import type { DiffLine } from '../bindings';

export interface SideRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

export function pairSideBySide(lines: DiffLine[]): SideRow[] {
  const rows: SideRow[] = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i]!;
    if (line.op === 'equal') {
      rows.push({ left: line, right: line });
      i++;
      continue;
    }
    const dels: DiffLine[] = [];
    while (i < lines.length && lines[i]!.op === 'delete') dels.push(lines[i++]!);
    const ins: DiffLine[] = [];
    while (i < lines.length && lines[i]!.op === 'insert') ins.push(lines[i++]!);
    for (let k = 0; k < Math.max(dels.length, ins.length); k++) {
      rows.push({ left: dels[k] ?? null, right: ins[k] ?? null });
    }
  }
  return rows;
}

export type Folded<T> =
  | { kind: 'item'; item: T }
  | { kind: 'fold'; start: number; items: T[] };

/**
 * Keeps `context` unchanged items next to each change and folds the rest of every unchanged
 * run, when at least `minHidden` items would be hidden. `start` identifies a fold.
 */
export function foldUnchanged<T>(
  items: T[],
  isUnchanged: (item: T) => boolean,
  context = 3,
  minHidden = 4,
): Folded<T>[] {
  const out: Folded<T>[] = [];
  let i = 0;
  while (i < items.length) {
    if (!isUnchanged(items[i]!)) {
      out.push({ kind: 'item', item: items[i]! });
      i++;
      continue;
    }
    let j = i;
    while (j < items.length && isUnchanged(items[j]!)) j++;
    const keepStart = i === 0 ? 0 : context;
    const keepEnd = j === items.length ? 0 : context;
    const hidden = j - i - keepStart - keepEnd;
    if (hidden >= minHidden) {
      for (let k = i; k < i + keepStart; k++) out.push({ kind: 'item', item: items[k]! });
      out.push({ kind: 'fold', start: i + keepStart, items: items.slice(i + keepStart, j - keepEnd) });
      for (let k = j - keepEnd; k < j; k++) out.push({ kind: 'item', item: items[k]! });
    } else {
      for (let k = i; k < j; k++) out.push({ kind: 'item', item: items[k]! });
    }
    i = j;
  }
  return out;
}

/** Replaces folds whose `start` is in `expanded` by their items. */
export function expandFolds<T>(folded: Folded<T>[], expanded: ReadonlySet<number>): Folded<T>[] {
  return folded.flatMap((f) =>
    f.kind === 'fold' && expanded.has(f.start) ? f.items.map((item) => ({ kind: 'item' as const, item })) : [f],
  );
}
