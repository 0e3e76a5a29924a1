// The rating screen's keys: one table for the handler and for the `?` list.

import type { Method, RatingValue } from '../../bindings';
import { ratingOptions } from './ratingValues';

export type KeyAction =
  /** Rate the active metric. */
  | { kind: 'rate'; value: RatingValue }
  /** Rank: the answer at this shown position takes the next place. */
  | { kind: 'place'; position: number }
  /** Rank: take back the last place given. */
  | { kind: 'unplace' }
  | { kind: 'nextItem' }
  | { kind: 'prevItem' }
  | { kind: 'nextMetric' }
  | { kind: 'prevMetric' }
  | { kind: 'undo' }
  | { kind: 'comment' }
  | { kind: 'diff' }
  | { kind: 'help' }
  | { kind: 'close' };

export interface KeyContext {
  /** The active metric's method, or null when there is none (done, loading). */
  method: Method | null;
  /** Answers of the item shown. */
  answers: number;
}

type KeyLike = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>;

/** What a key press means on the rating screen, or null for nothing. */
export function keyAction(e: KeyLike, ctx: KeyContext): KeyAction | null {
  if (e.ctrlKey || e.metaKey || e.altKey) return null;
  const key = e.key;
  switch (key) {
    case 'Escape':
      return { kind: 'close' };
    case 'Tab':
      return { kind: e.shiftKey ? 'prevMetric' : 'nextMetric' };
    case 'ArrowRight':
      return { kind: 'nextItem' };
    case 'ArrowLeft':
      return { kind: 'prevItem' };
    case '?':
      return { kind: 'help' };
    case 'Backspace':
      return ctx.method === 'rank' ? { kind: 'unplace' } : null;
  }
  if (key.length !== 1) return null;
  const lower = key.toLowerCase();
  // Ranking: the answers' letters come first (C is answer C there; Shift+C still comments).
  if (ctx.method === 'rank' && !(e.shiftKey && lower === 'c')) {
    const position = lower.charCodeAt(0) - 97;
    if (position >= 0 && position < ctx.answers && position < 26) return { kind: 'place', position };
  }
  if (ctx.method && ctx.method !== 'rank') {
    const option = ratingOptions(ctx.method).find((o) => o.key.toLowerCase() === lower);
    if (option) return { kind: 'rate', value: option.value };
  }
  switch (lower) {
    case 'j':
      return { kind: 'nextItem' };
    case 'k':
      return { kind: 'prevItem' };
    case 'u':
      return { kind: 'undo' };
    case 'c':
      return { kind: 'comment' };
    case 'd':
      return ctx.answers === 2 ? { kind: 'diff' } : null;
  }
  return null;
}

/** The key list shown by `?`. */
export const RATING_KEYS: ReadonlyArray<{ keys: string[]; what: string }> = [
  { keys: ['A', 'B', 'T'], what: 'Choice: A is better, B is better, tie' },
  { keys: ['1', '2', '3', '4', '5'], what: 'Likert score; comparison: 1 A much better … 3 about the same … 5 B much better' },
  { keys: ['1', '2'], what: 'Thumbs: 1 down, 2 up' },
  { keys: ['A', 'B', 'C', '…'], what: 'Rank: the answers from best to worst' },
  { keys: ['Backspace'], what: 'Rank: take back the last place' },
  { keys: ['Tab', 'Shift+Tab'], what: 'Next or previous metric' },
  { keys: ['J', '→'], what: 'Next item' },
  { keys: ['K', '←'], what: 'Previous item' },
  { keys: ['U'], what: 'Undo the last rating' },
  { keys: ['C', 'Shift+C'], what: 'Comment on the item (Shift+C while ranking)' },
  { keys: ['Ctrl+Enter', 'Esc'], what: 'Save the comment and leave the box' },
  { keys: ['D'], what: 'Highlight the words that differ (two answers)' },
  { keys: ['?'], what: 'Show these keys' },
  { keys: ['Esc'], what: 'Close (ratings are already saved)' },
];
