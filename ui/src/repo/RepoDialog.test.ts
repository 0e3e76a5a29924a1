import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { RepoExportReq, RepoImportReq } from '../bindings';
import { engineError, installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import { mockGitRepo } from '../lib/mock/mockRepo';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import { Session } from '../workbench/session.svelte';
import Workbench from '../workbench/Workbench.svelte';
import ShortcutsOverlay from '../workbench/ShortcutsOverlay.svelte';
import { matchShortcut } from '../workbench/shortcuts';
import RepoDialog from './RepoDialog.svelte';

// The desktop's pickers: none by default (paths are typed, as in a browser); a test that wants them
// sets `picker.native` and answers each `open` with the options it was given.
const picker = vi.hoisted(() => ({ native: false, calls: [] as Record<string, unknown>[] }));
vi.mock('../lib/filePicker', () => ({ canPickFiles: () => picker.native, pickGgufFile: vi.fn(), pickSavePath: vi.fn() }));
vi.mock('@tauri-apps/plugin-dialog', () => ({
  open: vi.fn(async (options: Record<string, unknown>) => {
    picker.calls.push(options);
    return options.directory ? '/repo' : '/repo/blueprints/support-reply.galley.yaml';
  }),
}));

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

    mockGitRepo(host.state, '/work/repo');
    await waitFor(() => expect(screen.getAllByTestId('repo-bp')).toHaveLength(2));
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
    expect((screen.getByTestId('repo-apply') as HTMLButtonElement).disabled).toBe(true);

    await fireEvent.click(screen.getByTestId('repo-preview'));
    await waitFor(() => expect(rows()).toContainEqual(['.github/workflows/galley-eval.yml', 'added']));
    await fireEvent.click(screen.getByTestId('repo-apply'));
    await waitFor(() => expect(screen.getByTestId('repo-commit-id').textContent).toBe('mock0001'));
    expect(sent.at(-1)).toEqual({
      dir: '/work/repo', blueprints: [], label: 'prod', datasets: true, workflow: true, init: false, commit: 'Prompts for 1.2', dryRun: false,
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

    await fireEvent.click(screen.getByTestId('repo-import-apply'));
    await waitFor(() => expect(onimported).toHaveBeenCalledOnce());
    expect(host.state.blueprints.map((b) => b.name).sort()).toEqual(['Release notes', 'Support reply']);
    expect((screen.getByTestId('repo-import-apply') as HTMLButtonElement).disabled).toBe(true);
  });
});

describe('RepoDialog pickers', () => {
  it('imports from a folder or from one file chosen with the desktop pickers', async () => {
    picker.native = true;
    picker.calls = [];
    const from = createMockHost({ seed: true });
    await from.call('repo_export', { dir: '/repo', blueprints: [], datasets: false, workflow: false, dryRun: false });
    const host = createMockHost();
    host.state.files = from.state.files;
    setHost(host);
    render(RepoDialog, { onclose: () => {} });
    await fireEvent.click(screen.getByTestId('repo-tab-import'));
    const items = () => screen.getAllByTestId('repo-import-item').map((r) => r.dataset.file);

    await fireEvent.click(screen.getByTestId('repo-import-choose-file'));
    await waitFor(() => expect(items()).toEqual(['support-reply.galley.yaml']));
    expect(picker.calls[0]).toMatchObject({ directory: false, multiple: false });
    expect((picker.calls[0]!.filters as { extensions: string[] }[])[0]!.extensions).toEqual(['yaml', 'yml', 'prompty', 'json']);
    expect((screen.getByTestId('repo-import-path') as HTMLInputElement).value).toBe('/repo/blueprints/support-reply.galley.yaml');

    await fireEvent.click(screen.getByTestId('repo-import-choose'));
    await waitFor(() => expect(items()).toEqual(['release-notes.galley.yaml', 'support-reply.galley.yaml']));
    expect(picker.calls[1]).toMatchObject({ directory: true });
    expect((screen.getByTestId('repo-import-path') as HTMLInputElement).value).toBe('/repo');
    picker.native = false;
  });
});

/** Records the requests of one command while the mock answers them. */
function spy<T>(host: ReturnType<typeof createMockHost>, command: string): T[] {
  const sent: T[] = [];
  const real = host.call.bind(host);
  host.call = ((cmd: string, req: unknown, ev?: unknown) => {
    if (cmd === command) sent.push(structuredClone(req) as T);
    return real(cmd as never, req as never, ev as never);
  }) as typeof host.call;
  return sent;
}

describe('RepoDialog git, blueprints and keyboard', () => {
  it('offers to initialise a repository only where there is none, and sends init and the branch', async () => {
    const host = createMockHost({ seed: true });
    setHost(host);
    const sent = spy<RepoExportReq>(host, 'repo_export');
    render(RepoDialog, { onclose: () => {} });
    await waitFor(() => expect(screen.getAllByTestId('repo-bp')).toHaveLength(2));

    await fireEvent.input(screen.getByTestId('repo-dir'), { target: { value: '/work/new' } });
    await fireEvent.click(screen.getByTestId('repo-preview'));
    await waitFor(() => expect(screen.getByTestId('repo-git-state').dataset.repo).toBe('no'));
    await fireEvent.click(screen.getByTestId('repo-init'));
    await fireEvent.input(screen.getByTestId('repo-branch'), { target: { value: 'prompts' } });
    await fireEvent.click(screen.getByTestId('repo-commit'));
    await fireEvent.click(screen.getByTestId('repo-preview'));
    await waitFor(() => expect(screen.getAllByTestId('repo-file')).toHaveLength(3));
    expect(sent.at(-1)).toMatchObject({ dir: '/work/new', init: true, branch: 'prompts', commit: 'Export blueprints from Galley', dryRun: true });
    await fireEvent.click(screen.getByTestId('repo-apply'));
    await waitFor(() => expect(screen.getByTestId('repo-commit-id').textContent).toBe('mock0001'));
    expect(sent.at(-1)).toMatchObject({ init: true, branch: 'prompts', dryRun: false });
    // Now a repository on the branch: no offer to initialise.
    expect(screen.getByTestId('repo-git-state').dataset.branch).toBe('prompts');
    expect(screen.queryByTestId('repo-init')).toBeNull();
    expect(JSON.parse(host.state.files.get('/work/new/.git')!)).toEqual({ branch: 'prompts', branches: ['main', 'prompts'] });

    // An existing repository: its branch is shown, and no offer.
    mockGitRepo(host.state, '/work/team', 'release', ['main', 'release']);
    await fireEvent.input(screen.getByTestId('repo-dir'), { target: { value: '/work/team' } });
    await fireEvent.click(screen.getByTestId('repo-preview'));
    await waitFor(() => expect(screen.getByTestId('repo-git-state').dataset.branch).toBe('release'));
    expect(screen.queryByTestId('repo-init')).toBeNull();
    expect(screen.getByTestId('repo-git-state').textContent).toContain('/work/team');
  });

  it('shows an error beside the field it names', async () => {
    const host = createMockHost({ seed: true });
    setHost(host);
    mockGitRepo(host.state, '/r');
    render(RepoDialog, { onclose: () => {} });
    await waitFor(() => expect(screen.getAllByTestId('repo-bp')).toHaveLength(2));
    await fireEvent.input(screen.getByTestId('repo-dir'), { target: { value: '/r' } });
    await fireEvent.input(screen.getByTestId('repo-branch'), { target: { value: 'bad..name' } });
    await fireEvent.click(screen.getByTestId('repo-preview'));
    const err = await screen.findByTestId('repo-error');
    expect([err.dataset.field, err.textContent]).toEqual(['branch', 'branch: `bad..name` is not a valid branch name']);

    await fireEvent.click(screen.getByTestId('repo-bp-none'));
    await fireEvent.click(screen.getByTestId('repo-preview'));
    expect(screen.getByTestId('repo-error').dataset.field).toBe('blueprints');
    expect(screen.getByTestId('repo-error').textContent).toBe('Blueprints: choose at least one');
  });

  it('exports the checked blueprints, found by search, and shows the format notes per file', async () => {
    const host = createMockHost({ seed: true });
    setHost(host);
    const sent = spy<RepoExportReq>(host, 'repo_export');
    render(RepoDialog, { onclose: () => {} });
    await waitFor(() => expect(screen.getAllByTestId('repo-bp')).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('repo-bp-none'));
    await fireEvent.input(screen.getByTestId('repo-bp-search'), { target: { value: 'support' } });
    expect(screen.getAllByTestId('repo-bp').map((b) => b.dataset.name)).toEqual(['Support reply']);
    await fireEvent.click(screen.getByTestId('repo-bp'));
    await fireEvent.input(screen.getByTestId('repo-dir'), { target: { value: '/out' } });
    await fireEvent.click(screen.getByTestId('repo-preview'));
    await waitFor(() => expect(screen.getAllByTestId('repo-file')).toHaveLength(2));
    const id = host.state.blueprints.find((b) => b.name === 'Support reply')!.id;
    expect(sent.at(-1)!.blueprints).toEqual([id]);

    installHandlers({
      repo_export: (req) => ({
        dir: req.dir, written: false, commit: null, repo: null,
        files: [{ path: 'prompts/support-reply.prompty', change: 'added', blueprint: 'Support reply' }],
        notes: [{ path: 'prompts/support-reply.prompty', blueprint: 'Support reply', message: 'the guardrail is not carried' }],
      }),
    });
    await fireEvent.change(screen.getByTestId('repo-format'), { target: { value: 'prompty' } });
    await fireEvent.click(screen.getByTestId('repo-preview'));
    await waitFor(() => expect(screen.getByTestId('repo-file-note').textContent).toBe('the guardrail is not carried'));
    expect(screen.getByTestId('repo-file').dataset.path).toBe('prompts/support-reply.prompty');
  });

  it('Ctrl+Enter previews, then applies', async () => {
    const host = createMockHost({ seed: true });
    setHost(host);
    const sent = spy<RepoExportReq>(host, 'repo_export');
    render(RepoDialog, { onclose: () => {} });
    await waitFor(() => expect(screen.getAllByTestId('repo-bp')).toHaveLength(2));
    await fireEvent.input(screen.getByTestId('repo-dir'), { target: { value: '/k' } });
    await fireEvent.keyDown(screen.getByTestId('repo-dir'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.getAllByTestId('repo-file')).toHaveLength(3));
    expect(sent.map((r) => r.dryRun)).toEqual([true]);
    await fireEvent.keyDown(screen.getByTestId('repo-dir'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(screen.getByTestId('repo-summary').textContent).toContain('Wrote 3 files'));
    expect(sent.map((r) => r.dryRun)).toEqual([true, false]);
    expect(host.state.files.has('/k/schemas/blueprint.schema.json')).toBe(true);
  });

  it('shows a conflict side by side and sends the chosen resolution', async () => {
    const from = createMockHost({ seed: true });
    await from.call('repo_export', { dir: '/repo', blueprints: [], datasets: false, workflow: false, dryRun: false });
    const host = createMockHost();
    host.state.files = from.state.files;
    await host.call('repo_import', { path: '/repo', dryRun: false });
    // Galley's v2 of Support reply is not the file's v2 any more.
    const mine = host.state.blueprints.find((b) => b.name === 'Support reply')!;
    mine.versions[1]!.meta = { ...mine.versions[1]!.meta, contentHash: 'ours', message: 'my own v2' };
    setHost(host);
    const sent = spy<RepoImportReq>(host, 'repo_import');
    const onimported = vi.fn();
    render(RepoDialog, { onclose: () => {}, onimported });

    await fireEvent.click(screen.getByTestId('repo-tab-import'));
    await fireEvent.input(screen.getByTestId('repo-import-path'), { target: { value: '/repo' } });
    await fireEvent.click(screen.getByTestId('repo-import-preview'));
    const row = () => screen.getAllByTestId('repo-import-item').find((r) => r.dataset.file === 'support-reply.galley.yaml')!;
    await waitFor(() => expect(row().dataset.outcome).toBe('conflict'));
    const facts = screen.getByTestId('repo-conflict');
    expect(facts.textContent).toContain('v2 “my own v2”');
    expect(facts.textContent).toContain('The histories part at version 2');
    expect((screen.getByTestId('repo-import-apply') as HTMLButtonElement).disabled).toBe(true);

    const select = screen.getByTestId('repo-resolve') as HTMLSelectElement;
    expect([select.dataset.file, select.value]).toEqual(['support-reply.galley.yaml', 'keep']);
    await fireEvent.change(select, { target: { value: 'copy' } });
    await waitFor(() => expect(row().dataset.resolution).toBe('copy'));
    expect(sent.at(-1)).toEqual({ path: '/repo', dryRun: true, resolutions: [{ file: 'support-reply.galley.yaml', choice: 'copy' }] });
    expect(row().textContent).toContain('as a new blueprint “Support reply (from support-reply.galley.yaml)”');

    await fireEvent.keyDown(screen.getByTestId('repo-import-path'), { key: 'Enter', ctrlKey: true });
    await waitFor(() => expect(onimported).toHaveBeenCalledOnce());
    expect(sent.at(-1)).toMatchObject({ dryRun: false, resolutions: [{ file: 'support-reply.galley.yaml', choice: 'copy' }] });
    expect(host.state.blueprints.map((b) => b.name)).toContain('Support reply (from support-reply.galley.yaml)');
    expect(screen.getByTestId('repo-import-summary').textContent).toBe('Imported:');
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
    await fireEvent.click(screen.getByTestId('repo-import-apply'));
    await waitFor(() => expect(screen.getAllByTestId('bp-item').map((el) => el.dataset.name)).toContain('Imported one'));
  });

  it('lists Ctrl+Shift+E in the shortcuts overlay', () => {
    render(ShortcutsOverlay, { onclose: () => {} });
    const row = Array.from(screen.getByTestId('shortcuts').querySelectorAll('dt')).find((dt) => dt.textContent?.startsWith('Export / import'));
    expect(row?.nextElementSibling?.textContent).toBe('Ctrl+Shift+E');
  });
});
