import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { ContentDiff, VersionsDiffReq } from '../bindings';
import { installHandlers } from '../lib/host';
import DiffView from './DiffView.svelte';

const versions = [3, 2, 1].map((number) => ({
  number, parent: number > 1 ? number - 1 : null, message: `m${number}`, author: 'ana', createdAt: '2025-01-01T00:00:00Z', contentHash: `h${number}`,
}));

const diff: ContentDiff = {
  templates: [
    {
      place: 'system', status: 'changed', inserted: 2, deleted: 1,
      lines: [
        { op: 'equal', oldLine: 1, newLine: 1, segments: [{ text: 'Summarise the text.', emph: false }] },
        { op: 'delete', oldLine: 2, newLine: null, segments: [{ text: 'Be brief.', emph: false }] },
        { op: 'insert', oldLine: null, newLine: 2, segments: [{ text: 'Be ', emph: false }, { text: 'very ', emph: true }, { text: 'brief.', emph: false }] },
        { op: 'insert', oldLine: null, newLine: 3, segments: [{ text: 'Use bullet points.', emph: false }] },
      ],
    },
    { place: 'message 1 (user)', status: 'unchanged', inserted: 0, deleted: 0, lines: Array.from({ length: 9 }, (_, i) => ({ op: 'equal' as const, oldLine: i + 1, newLine: i + 1, segments: [{ text: `line ${i + 1}`, emph: false }] })) },
  ],
  variables: [{ field: 'name', old: 'string', new: 'string, default "Ada"' }],
  model: [{ field: 'temperature', old: '0.7', new: '0' }],
  evaluation: [{ field: 'evaluator `city`', old: null, new: '{"name":"city","weight":1,"type":"contains","value":"Lima"}' }],
};

function setup() {
  const requests: VersionsDiffReq[] = [];
  installHandlers({ versions_diff: (req) => { requests.push(req); return diff; } });
  const onclose = vi.fn();
  render(DiffView, { blueprintId: 'bp1', versions, from: 2, to: 3, onclose });
  return { requests, onclose };
}

describe('DiffView', () => {
  it('asks for the chosen versions and emphasises the changed words', async () => {
    const { requests } = setup();
    await screen.findAllByTestId('diff-line');
    expect(requests).toEqual([{ id: 'bp1', from: 2, to: 3 }]);
    const emph = screen.getAllByTestId('diff-emph');
    expect(emph.map((e) => [e.textContent, e.dataset.op])).toEqual([['very ', 'insert']]);
    expect(emph[0]!.tagName).toBe('MARK');
    const ops = screen.getAllByTestId('diff-line').map((l) => l.dataset.op);
    expect(ops).toEqual(['equal', 'delete', 'insert', 'insert']);
    // The unchanged message is folded behind an expander.
    const fold = screen.getByRole('button', { name: /9 unchanged lines/ });
    await fireEvent.click(fold);
    expect(screen.getAllByTestId('diff-line')).toHaveLength(13);
  });

  it('pairs deleted and inserted lines side by side', async () => {
    setup();
    await screen.findAllByTestId('diff-line');
    await fireEvent.click(screen.getByTestId('diff-mode'));
    const view = screen.getByTestId('diff-view');
    expect(view.dataset.mode).toBe('split');
    const rows = within(view).getAllByRole('row').slice(0, 3);
    const cells = rows.map((r) => within(r).getAllByRole('cell').map((c) => c.textContent?.replace(/\s+/g, ' ').trim()));
    expect(cells).toEqual([
      ['1 Summarise the text.', '1 Summarise the text.'],
      ['2 Be brief.', '2 Be very brief.'],
      ['', '3 Use bullet points.'],
    ]);
  });

  it('lists variable and model changes and re-diffs when a version is picked', async () => {
    const { requests, onclose } = setup();
    await screen.findAllByTestId('diff-line');
    const model = screen.getByTestId('diff-model');
    expect(within(model).getByText('temperature')).toBeTruthy();
    expect(within(model).getByText('0.7')).toBeTruthy();
    expect(within(screen.getByTestId('diff-variables')).getByText('string, default "Ada"')).toBeTruthy();
    const evaluation = screen.getByTestId('diff-evaluation');
    expect(within(evaluation).getByText('evaluator `city`')).toBeTruthy();
    expect(within(evaluation).getByText('(none)')).toBeTruthy();
    await fireEvent.change(screen.getByTestId('diff-from'), { target: { value: '1' } });
    await waitFor(() => expect(requests.at(-1)).toEqual({ id: 'bp1', from: 1, to: 3 }));
    await fireEvent.click(screen.getByTestId('diff-close'));
    expect(onclose).toHaveBeenCalledOnce();
  });
});
