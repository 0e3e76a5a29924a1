import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import Preview from './Preview.svelte';

describe('Preview', () => {
  it('shows engine output as text, never as markup', () => {
    render(Preview, {
      preview: { messages: [{ role: 'system', text: 'Be terse.' }, { role: 'user', text: '<b>x</b>\n<img src=y onerror=alert(1)>' }], issues: [] },
      error: null,
      onjump: () => {},
    });
    const msgs = screen.getAllByTestId('preview-message');
    expect(msgs.map((m) => m.dataset.role)).toEqual(['system', 'user']);
    expect(msgs[1]!.textContent).toBe('<b>x</b>\n<img src=y onerror=alert(1)>');
    const preview = screen.getByTestId('preview');
    expect(preview.querySelector('b')).toBeNull();
    expect(preview.querySelector('img')).toBeNull();
  });

  it('lists issues and jumps to them', async () => {
    const onjump = vi.fn();
    const issue = { place: 'message 1 (user)', kind: 'missingValue' as const, line: 2, column: 18, length: 4, message: 'undefined variable `topc`: give it a value or a default' };
    render(Preview, { preview: { messages: [], issues: [issue] }, error: null, onjump });
    const item = screen.getByTestId('preview-issue');
    expect(item.textContent?.trim()).toBe('message 1 (user) line 2, column 18: undefined variable `topc`: give it a value or a default');
    expect(screen.queryByTestId('preview-message')).toBeNull();
    await fireEvent.click(item);
    expect(onjump).toHaveBeenCalledWith(issue);
  });
});
