import { describe, expect, it } from 'vitest';
import type { TemplateIssue } from '../bindings';
import { describeIssue, issueRange, issuesToDiagnostics } from './diagnostics';

const issue = (p: Partial<TemplateIssue>): TemplateIssue => ({
  place: 'system', kind: 'syntax', line: 1, column: 1, length: 1, message: 'bad', ...p,
});

describe('issue positions', () => {
  it('counts columns in UTF-16 units, like the engine and CodeMirror', () => {
    // "🙂" is two UTF-16 units: `{{` starts at column 4 on line 1.
    const doc = '🙂 {{ x }}';
    const r = issueRange(doc, { line: 1, column: 4, length: 2 });
    expect(r).toEqual({ from: 3, to: 5 });
    expect(doc.slice(r.from, r.to)).toBe('{{');
  });

  it('places issues on later lines and lets them run across lines', () => {
    const doc = 'Hello.\nTell me about {{ topc }} now.\nBye';
    const r = issueRange(doc, { line: 2, column: 18, length: 4 });
    expect(doc.slice(r.from, r.to)).toBe('topc');
    const multi = issueRange(doc, { line: 2, column: 26, length: 8 });
    expect(doc.slice(multi.from, multi.to)).toBe('now.\nBye');
  });

  it('clamps positions past the end (the issue may be a keystroke old)', () => {
    const doc = 'ab\ncd';
    expect(issueRange(doc, { line: 9, column: 1, length: 3 })).toEqual({ from: 3, to: 5 });
    expect(issueRange(doc, { line: 1, column: 40, length: 3 })).toEqual({ from: 2, to: 5 });
    expect(issueRange(doc, { line: 0, column: 0, length: 0 })).toEqual({ from: 0, to: 0 });
  });

  it('keeps only the issues of the editor’s place', () => {
    const doc = 'x {{ y }}';
    const list = [
      { issue: issue({ place: 'system', column: 3, length: 2, message: 'in system' }), severity: 'error' as const },
      { issue: issue({ place: 'message 1 (user)', message: 'elsewhere' }), severity: 'error' as const },
      { issue: issue({ place: 'system', kind: 'missingValue', column: 6, length: 1, message: 'no y' }), severity: 'warning' as const },
    ];
    const d = issuesToDiagnostics(doc, 'system', list);
    expect(d.map((x) => [x.from, x.to, x.severity, x.message])).toEqual([
      [2, 4, 'error', 'in system'],
      [5, 6, 'warning', 'no y'],
    ]);
  });

  it('describes issues as the engine does', () => {
    expect(describeIssue(issue({ place: 'message 1 (user)', line: 2, column: 18, message: 'undefined variable `topc`: give it a value or a default' })))
      .toBe('message 1 (user) line 2, column 18: undefined variable `topc`: give it a value or a default');
    expect(describeIssue(issue({ place: 'variables', line: 0, column: 0, message: 'variable `n`: `x` is not a number' })))
      .toBe('variables: variable `n`: `x` is not a number');
  });
});
