// Engine issues placed as CodeMirror diagnostics: 1-based line, 1-based UTF-16 column and a
// UTF-16 length become document offsets (CodeMirror also counts in UTF-16 code units).

import type { Diagnostic } from '@codemirror/lint';
import type { TemplateIssue } from '../bindings';

export interface PlacedIssue {
  issue: TemplateIssue;
  severity: 'error' | 'warning';
}

/** Offsets of the first character of each line of `doc`. */
function lineStarts(doc: string): number[] {
  const starts = [0];
  for (let i = 0; i < doc.length; i++) if (doc.charCodeAt(i) === 10) starts.push(i + 1);
  return starts;
}

/** Document range of an issue, clamped to the document (issues may be a keystroke old). */
export function issueRange(doc: string, issue: Pick<TemplateIssue, 'line' | 'column' | 'length'>): { from: number; to: number } {
  if (issue.line < 1) return { from: 0, to: 0 };
  const starts = lineStarts(doc);
  const lineIdx = Math.min(issue.line, starts.length) - 1;
  const lineStart = starts[lineIdx]!;
  const lineEnd = lineIdx + 1 < starts.length ? starts[lineIdx + 1]! - 1 : doc.length;
  const from = Math.min(lineStart + Math.max(issue.column, 1) - 1, lineEnd);
  const to = Math.min(from + Math.max(issue.length, 0), doc.length);
  return { from, to };
}

/** Diagnostics for the editor of `place`, from the issues of every place. */
export function issuesToDiagnostics(doc: string, place: string, issues: PlacedIssue[]): Diagnostic[] {
  return issues
    .filter((p) => p.issue.place === place)
    .map(({ issue, severity }) => ({
      ...issueRange(doc, issue),
      severity,
      source: issue.kind,
      message: issue.message,
    }));
}

/** One line for people: "message 1 (user) line 2, column 18: undefined variable `topc`: …". */
export function describeIssue(issue: TemplateIssue): string {
  return issue.line === 0
    ? `${issue.place}: ${issue.message}`
    : `${issue.place} line ${issue.line}, column ${issue.column}: ${issue.message}`;
}
