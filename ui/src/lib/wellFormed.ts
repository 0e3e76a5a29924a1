// Text the engine receives must be well-formed UTF-16: lone surrogates become U+FFFD.

type WithWellFormed = { isWellFormed?: () => boolean; toWellFormed?: () => string };

export function isWellFormed(s: string): boolean {
  const native = (s as unknown as WithWellFormed).isWellFormed;
  if (typeof native === 'function') return native.call(s);
  return toWellFormedFallback(s) === s;
}

export function toWellFormedFallback(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        out += s[i]! + s[i + 1]!;
        i++;
      } else out += '\uFFFD';
    } else if (c >= 0xdc00 && c <= 0xdfff) out += '\uFFFD';
    else out += s[i]!;
  }
  return out;
}

export function toWellFormed(s: string): string {
  const native = (s as unknown as WithWellFormed).toWellFormed;
  return typeof native === 'function' ? native.call(s) : toWellFormedFallback(s);
}
