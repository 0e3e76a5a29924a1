// Which words differ between two answers: a longest common subsequence over word tokens,
// O(n·m) in time and memory, so answers above a size are not compared at all.

export interface WordSegment {
  text: string;
  /** Not in the other answer (at this place). */
  changed: boolean;
}

export type WordDiff =
  | { ok: true; a: WordSegment[]; b: WordSegment[] }
  /** One side has more words than `limit`: nothing is highlighted. */
  | { ok: false; words: number; limit: number };

/** Above this many words on a side, no highlighting. */
export const WORD_DIFF_LIMIT = 4000;

/** Words and the whitespace between them, in order. */
function tokens(text: string): string[] {
  return text.split(/(\s+)/).filter((t) => t !== '');
}

const isSpace = (t: string) => /^\s+$/.test(t);

/** For each word of `a` and of `b`, whether it is kept by a longest common subsequence. */
function commonWords(a: string[], b: string[]): { keepA: boolean[]; keepB: boolean[] } {
  const keepA = new Array<boolean>(a.length).fill(false);
  const keepB = new Array<boolean>(b.length).fill(false);
  let start = 0;
  while (start < a.length && start < b.length && a[start] === b[start]) {
    keepA[start] = keepB[start] = true;
    start++;
  }
  let endA = a.length;
  let endB = b.length;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
    keepA[endA] = keepB[endB] = true;
  }
  const n = endA - start;
  const m = endB - start;
  if (n === 0 || m === 0) return { keepA, keepB };
  // lcs[i][j]: the longest common subsequence of a[start+i..endA] and b[start+j..endB].
  const width = m + 1;
  const lcs = new Uint16Array((n + 1) * width);
  for (let i = n - 1; i >= 0; i--) {
    for (let j = m - 1; j >= 0; j--) {
      lcs[i * width + j] =
        a[start + i] === b[start + j]
          ? lcs[(i + 1) * width + j + 1]! + 1
          : Math.max(lcs[(i + 1) * width + j]!, lcs[i * width + j + 1]!);
    }
  }
  let i = 0;
  let j = 0;
  while (i < n && j < m) {
    if (a[start + i] === b[start + j]) {
      keepA[start + i] = keepB[start + j] = true;
      i++;
      j++;
    } else if (lcs[(i + 1) * width + j]! >= lcs[i * width + j + 1]!) {
      i++;
    } else {
      j++;
    }
  }
  return { keepA, keepB };
}

/** The text as segments: changed words marked, and the spaces between two changed words too. */
function segments(toks: string[], keep: boolean[]): WordSegment[] {
  const changedWord: boolean[] = [];
  let w = 0;
  for (const t of toks) changedWord.push(isSpace(t) ? false : !keep[w++]);
  const out: WordSegment[] = [];
  toks.forEach((text, k) => {
    const changed = isSpace(text)
      ? (changedWord[k - 1] ?? false) && (changedWord[k + 1] ?? false)
      : changedWord[k]!;
    const last = out[out.length - 1];
    if (last && last.changed === changed) last.text += text;
    else out.push({ text, changed });
  });
  return out;
}

export function wordDiff(a: string, b: string, limit = WORD_DIFF_LIMIT): WordDiff {
  const ta = tokens(a);
  const tb = tokens(b);
  const wa = ta.filter((t) => !isSpace(t));
  const wb = tb.filter((t) => !isSpace(t));
  const words = Math.max(wa.length, wb.length);
  if (words > limit) return { ok: false, words, limit };
  const { keepA, keepB } = commonWords(wa, wb);
  return { ok: true, a: segments(ta, keepA), b: segments(tb, keepB) };
}
