import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { RepoExportReq } from '../bindings';
import { engineError, installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import { Session } from '../workbench/session.svelte';
import Workbench from '../workbench/Workbench.svelte';
import ShortcutsOverlay from '../workbench/ShortcutsOverlay.svelte';
import { matchShortcut } from '../workbench/shortcuts';
import RepoDialog from './RepoDialog.svelte';

const rows = () => screen.getAllByTestId('repo-file').map((r) => [r.dataset.path, r.dataset.change]);

describe('RepoDialog', () => {
  it('previews the files with their changes, then exports with the chosen options', async () => {
    const host = createMockHost({ seed: true });
    setHost(host);
    host.state.files.set('/work/repo/blueprints/support-reply.galley.yaml', 'old');
    const sent: RepoExportReq[] = [];
    const real = host.call.bind(host);
    host.call = ((cmd: string, req: unknown, ev?: unknown) => {
      if (cmd === 'repo_export') sent.push(req as RepoExportReq);
      return real(cmd as never, req as never, ev as never);
    }) as typeof host.call;
    render(RepoDialog, { onclose: () => {} });

    await fireEvent.input(screen.getByTestId('repo-dir'), { target: { value: '/work/repo' } });
    await fireEvent.keyDown(screen.getByTestId('repo-dir'), { key: 'Enter' });
    await waitFor(() => expect(screen.getAllByTestId('repo-file')).toHaveLength(3));
    expect(rows()).toEqual([
      ['blueprints/release-notes.galley.yaml', 'added'],
      ['blueprints/support-reply.galley.yaml', 'modified'],
      ['schemas/blueprint.schema.json', 'added'],
    ]);
    expect(sent[0]).toMatchObject({ dir: '/work/repo', dryRun: true, datasets: false, workflow: false });
    expect(sent[0]!.label).toBeUndefined();
    expect(sent[0]!.commit).toBeUndefined();

    // Changing an option asks for a new preview.
    await fireEvent.change(screen.getByTestId('repo-label'), { target: { value: 'prod' } });
    await fireEvent.click(screen.getByTestId('repo-workflow'));
    await fireEvent.click(screen.getByTestId('repo-datasets'));
    await fireEvent.click(screen.getByTestId('repo-commit'));
    expect((screen.getByTestId('repo-commit-message') as HTMLInputElement).value).toBe('Export blueprints from Galley');
    await fireEvent.input(screen.getByTestId('repo-commit-message'), { target: { value: 'Prompts for 1.2' } });
    expect(screen.queryByTestId('repo-file')).toBeNull();
    expect((screen.getByTestId('repo-export') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('repo-preview'));
    await waitFor(() => expect(rows()).toContainEqual(['.github/workflows/galley-eval.yml', 'added']));
    await fireEvent.click(screen.getByTestId('repo-export'));
    await waitFor(() => expect(screen.getByTestId('repo-commit-id').textContent).toBe('mock0001'));
    expect(sent.at(-1)).toEqual({
      dir: '/work/repo', blueprints: [], label: 'prod', datasets: true, workflow: true, commit: 'Prompts for 1.2', dryRun: false,
    });
    expect(screen.getByTestId('repo-summary').textContent).toContain('Wrote');
    expect(host.state.files.get('/work/repo/.github/workflows/galley-eval.yml')).toBeTruthy();
  });

  it('shows the engine error', async () => {
    setHost(createMockHost({ seed: true }));
    installHandlers({ repo_export: () => { throw engineError('invalid', '/r is not in a git repository: run `git init` there, or export without committing'); } });
    render(RepoDialog, { onclose: () => {} });
    await fireEvent.input(screen.getByTestId('repo-dir'), { target: { value: '/r' } });
    await fireEvent.click(screen.getByTestId('repo-preview'));
    const err = await screen.findByTestId('repo-error');
    expect(err.classList.contains('error-box')).toBe(true);
    expect(err.textContent).toContain('not in a git repository');
    expect(screen.queryByTestId('repo-file')).toBeNull();
  });

  it('previews an import with outcomes, imports and refreshes the library', async () => {
    const from = createMockHost({ seed: true });
    await from.call('repo_export', { dir: '/repo', blueprints: [], datasets: false, workflow: false, dryRun: false });
    const host = createMockHost();
    host.state.files = from.state.files;
    host.state.files.set('/repo/blueprints/bad.galley.yaml', '{');
    setHost(host);
    const onimported = vi.fn();
    render(RepoDialog, { onclose: () => {}, onimported });

    await fireEvent.click(screen.getByTestId('repo-tab-import'));
    await fireEvent.input(screen.getByTestId('repo-import-path'), { target: { value: '/repo' } });
    await fireEvent.keyDown(screen.getByTestId('repo-import-path'), { key: 'Enter' });
    await waitFor(() => expect(screen.getAllByTestId('repo-import-item')).toHaveLength(3));
    const outcomes = () => screen.getAllByTestId('repo-import-item').map((r) => [r.dataset.file, r.dataset.outcome]);
    expect(outcomes()).toEqual([
      ['bad.galley.yaml', 'invalid'],
      ['release-notes.galley.yaml', 'new'],
      ['support-reply.galley.yaml', 'new'],
    ]);
    expect(screen.getAllByTestId('repo-import-item')[0]!.textContent).toContain('cannot read the file');
    expect(host.state.blueprints).toHaveLength(0);

    await fireEvent.click(screen.getByTestId('repo-import'));
    await waitFor(() => expect(onimported).toHaveBeenCalledOnce());
    expect(host.state.blueprints.map((b) => b.name).sort()).toEqual(['Release notes', 'Support reply']);
    expect((screen.getByTestId('repo-import') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('opening the export dialog', () => {
  it('opens from the toolbar and with Ctrl+Shift+E, and refreshes the library after an import', async () => {
    const host = createMockHost({ seed: true });
    setHost(host);
    const session = new Session();
    await session.refreshList();
    render(Workbench, { session, info: null });
    render(ConfirmHost);

    const button = screen.getByTestId('repo-open');
    expect(button.getAttribute('title')).toBe('Export / import blueprints (Ctrl+Shift+E)');
    await fireEvent.click(button);
    expect(screen.getByTestId('repo-dialog')).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId('repo-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('repo-dialog')).toBeNull();

    await fireEvent.keyDown(window, { key: 'E', ctrlKey: true, shiftKey: true });
    await waitFor(() => expect(screen.getByTestId('repo-dialog')).toBeTruthy());
    expect(matchShortcut(new KeyboardEvent('keydown', { key: 'e', metaKey: true, shiftKey: true }))).toBe('repo');
    expect(matchShortcut(new KeyboardEvent('keydown', { key: 'e', ctrlKey: true }))).toBeNull();

    // An import adds a blueprint: the library shows it.
    host.state.files.set(
      '/in/blueprints/x.galley.yaml',
      JSON.stringify({ format: 'galley.blueprint', name: 'Imported one', tags: [], versions: [host.state.blueprints[0]!.versions[0]], labels: {} }),
    );
    await fireEvent.click(screen.getByTestId('repo-tab-import'));
    await fireEvent.input(screen.getByTestId('repo-import-path'), { target: { value: '/in' } });
    await fireEvent.click(screen.getByTestId('repo-import-preview'));
    await waitFor(() => expect(screen.getByTestId('repo-import-item').dataset.outcome).toBe('new'));
    await fireEvent.click(screen.getByTestId('repo-import'));
    await waitFor(() => expect(screen.getAllByTestId('bp-item').map((el) => el.dataset.name)).toContain('Imported one'));
  });

  it('lists Ctrl+Shift+E in the shortcuts overlay', () => {
    render(ShortcutsOverlay, { onclose: () => {} });
    const row = Array.from(screen.getByTestId('shortcuts').querySelectorAll('dt')).find((dt) => dt.textContent?.startsWith('Export / import'));
    expect(row?.nextElementSibling?.textContent).toBe('Ctrl+Shift+E');
  });
});
