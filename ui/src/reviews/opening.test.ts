import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import { Session } from '../workbench/session.svelte';
import Workbench from '../workbench/Workbench.svelte';
import ShortcutsOverlay from '../workbench/ShortcutsOverlay.svelte';
import { matchShortcut } from '../workbench/shortcuts';

describe('opening the reviews', () => {
  it('opens from the toolbar and with Ctrl+Shift+H', async () => {
    setHost(createMockHost({ seed: true }));
    const session = new Session();
    await session.refreshList();
    render(Workbench, { session, info: null });
    render(ConfirmHost);

    const button = screen.getByTestId('reviews-open');
    expect(button.getAttribute('title')).toBe('Human review (Ctrl+Shift+H)');
    await fireEvent.click(button);
    await waitFor(() => expect(screen.getByTestId('reviews-empty')).toBeTruthy());
    expect(screen.getByTestId('reviews-area').textContent).toContain('Human review');
    await fireEvent.keyDown(screen.getByTestId('reviews-area'), { key: 'Escape' });
    expect(screen.queryByTestId('reviews-area')).toBeNull();

    await fireEvent.keyDown(window, { key: 'H', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('reviews-area')).toBeTruthy());
    expect(matchShortcut(new KeyboardEvent('keydown', { key: 'H', ctrlKey: true, shiftKey: true }))).toBe('reviews');
    expect(matchShortcut(new KeyboardEvent('keydown', { key: 'h', metaKey: true, shiftKey: true }))).toBe('reviews');
    // Without Shift, Ctrl+H is nothing of ours.
    expect(matchShortcut(new KeyboardEvent('keydown', { key: 'h', ctrlKey: true }))).toBeNull();
  });

  it('lists Ctrl+Shift+H in the shortcuts overlay', () => {
    render(ShortcutsOverlay, { onclose: () => {} });
    const row = Array.from(screen.getByTestId('shortcuts').querySelectorAll('dt')).find((dt) => dt.textContent?.startsWith('Human review'));
    expect(row?.nextElementSibling?.textContent).toBe('Ctrl+Shift+H');
  });
});
