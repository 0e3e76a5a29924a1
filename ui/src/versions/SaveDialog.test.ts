import { describe, expect, it, vi } from 'vitest';
import { render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { VersionsSaveReq } from '../bindings';
import { installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import Toasts from '../lib/Toasts.svelte';
import { Session } from '../workbench/session.svelte';
import SaveDialog from './SaveDialog.svelte';

async function openSupport() {
  setHost(createMockHost({ seed: true }));
  const session = new Session();
  await session.refreshList();
  await session.select(session.list.find((b) => b.name === 'Support reply')!.id);
  return session;
}

const meta = (number: number) => ({ number, parent: number - 1, message: 'm', author: 'ana', createdAt: '2025-01-01T00:00:00Z', contentHash: 'h' });

describe('SaveDialog', () => {
  it('saves with the typed message and reports "No changes" when nothing was created', async () => {
    const session = await openSupport();
    const sent: VersionsSaveReq[] = [];
    installHandlers({ versions_save: (req) => { sent.push(req); return { created: false, version: meta(2) }; } });
    const onclose = vi.fn();
    render(SaveDialog, { session, onclose });
    render(Toasts);
    await userEvent.type(screen.getByTestId('save-message'), 'Tighter wording{Enter}');
    await waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(sent).toHaveLength(1);
    expect(sent[0]!.message).toBe('Tighter wording');
    expect(sent[0]!.content.system).toContain('friendly support agent');
    expect(screen.getByTestId('toast').textContent).toContain('No changes since v2 — nothing saved');
  });

  it('adds the new version and says so', async () => {
    const session = await openSupport();
    session.setSystem('You are terse.');
    expect(session.dirty).toBe(true);
    const onclose = vi.fn();
    render(SaveDialog, { session, onclose });
    render(Toasts);
    await userEvent.type(screen.getByTestId('save-message'), 'Terse');
    await userEvent.click(screen.getByTestId('save-confirm'));
    await waitFor(() => expect(onclose).toHaveBeenCalled());
    expect(session.opened?.versions.map((v) => [v.number, v.message])[0]).toEqual([4, 'Terse']);
    expect(session.dirty).toBe(false);
    expect(screen.getByTestId('toast').textContent).toContain('Saved v4');
  });

  it('keeps the dialog open and shows why when the engine refuses', async () => {
    const session = await openSupport();
    installHandlers({
      versions_save: () => { throw { code: 'invalid', message: 'cannot save a version: system line 1, column 1: syntax error' }; },
    });
    const onclose = vi.fn();
    render(SaveDialog, { session, onclose });
    await userEvent.type(screen.getByTestId('save-message'), 'x{Enter}');
    expect((await screen.findByRole('alert')).textContent).toBe('cannot save a version: system line 1, column 1: syntax error');
    expect(onclose).not.toHaveBeenCalled();
  });
});
