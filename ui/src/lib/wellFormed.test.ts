import { describe, expect, it } from 'vitest';
import { isWellFormed, toWellFormed, toWellFormedFallback } from './wellFormed';

describe('well-formed text', () => {
  it('replaces lone surrogates and keeps pairs', () => {
    const broken = 'a\uD83Db🙂c\uDE00';
    expect(isWellFormed(broken)).toBe(false);
    expect(toWellFormed(broken)).toBe('a\uFFFDb🙂c\uFFFD');
    expect(toWellFormedFallback(broken)).toBe('a\uFFFDb🙂c\uFFFD');
    expect(isWellFormed('🙂 fine')).toBe(true);
  });
});
