import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import { Session } from '../workbench/session.svelte';
import Workbench from '../workbench/Workbench.svelte';
import ShortcutsOverlay from '../workbench/ShortcutsOverlay.svelte';
import { matchShortcut } from '../workbench/shortcuts';

describe('opening the datasets', () => {
  it('opens from the toolbar and with Ctrl+Shift+D, listed among the shortcuts', async () => {
    setHost(createMockHost({ seed: true }));
    const session = new Session();
    await session.refreshList();
    render(Workbench, { session, info: null });
    render(ConfirmHost);

    await fireEvent.click(screen.getByTestId('datasets-open'));
    await waitFor(() => expect(screen.getAllByTestId('dataset-row')).toHaveLength(6));
    expect(document.activeElement).toBe(screen.getByTestId('dataset-search'));
    await fireEvent.keyDown(screen.getByTestId('datasets-area'), { key: 'Escape' });
    expect(screen.queryByTestId('datasets-area')).toBeNull();

    await fireEvent.keyDown(window, { key: 'D', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('datasets-area')).toBeTruthy());
    // Ctrl+D is still the diff.
    expect(matchShortcut(new KeyboardEvent('keydown', { key: 'd', ctrlKey: true }))).toBe('diff');
  });

  it('lists Ctrl+Shift+D in the shortcuts overlay', () => {
    render(ShortcutsOverlay, { onclose: () => {} });
    const row = Array.from(screen.getByTestId('shortcuts').querySelectorAll('dt')).find((dt) => dt.textContent?.startsWith('Datasets'));
    expect(row?.nextElementSibling?.textContent).toBe('Ctrl+Shift+D');
  });
});
