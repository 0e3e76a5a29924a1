import { describe, expect, it } from 'vitest';
import type { EngineError } from '../../bindings';
import { createMockHost } from './mockHost';
import { slug } from './mockRepo';

const base = { blueprints: [], datasets: false, workflow: false, dryRun: false };

describe('blueprint folders in the mock host', () => {
  it('exports, tells added from modified from unchanged, and commits only a change', async () => {
    const host = createMockHost({ seed: true });
    const dry = await host.call('repo_export', { ...base, dir: '/repo', dryRun: true, workflow: true });
    expect(dry.written).toBe(false);
    expect(dry.files.map((f) => [f.path, f.change, f.blueprint])).toEqual([
      ['blueprints/release-notes.galley.yaml', 'added', 'Release notes'],
      ['blueprints/support-reply.galley.yaml', 'added', 'Support reply'],
      ['schemas/blueprint.schema.json', 'added', null],
      ['.github/workflows/galley-eval.yml', 'added', null],
    ]);
    expect(host.state.files.size).toBe(0);

    await expect(host.call('repo_export', { ...base, dir: '/repo/', commit: 'Export' })).rejects.toMatchObject({
      message: '/repo/ is not in a git repository: initialise one there, or export without committing',
    });
    const first = await host.call('repo_export', { ...base, dir: '/repo/', commit: 'Export', init: true });
    expect(first).toMatchObject({ dir: '/repo/', written: true, commit: 'mock0001', repo: { root: '/repo', branch: 'main', branches: ['main'] } });
    expect(host.state.files.has('/repo/blueprints/support-reply.galley.yaml')).toBe(true);

    const again = await host.call('repo_export', { ...base, dir: '/repo', commit: 'Export' });
    expect(again.files.every((f) => f.change === 'unchanged')).toBe(true);
    expect(again.commit).toBeNull();

    await host.call('labels_move', { id: host.state.blueprints[0]!.id, label: 'prod', version: 3 });
    const prod = await host.call('repo_export', { ...base, dir: '/repo', label: 'prod', commit: 'Again' });
    expect(prod.files.map((f) => f.change)).toEqual(['unchanged', 'modified', 'unchanged']);
    expect(prod.commit).toBe('mock0002');
  });

  it('refuses a relative folder and a label nobody has', async () => {
    const host = createMockHost({ seed: true });
    await expect(host.call('repo_export', { ...base, dir: 'repo' })).rejects.toMatchObject({ code: 'invalid' });
    host.state.blueprints.forEach((b) => (b.labels = []));
    const e = (await host.call('repo_export', { ...base, dir: '/r', label: 'prod' }).catch((x: unknown) => x)) as EngineError;
    expect(e.message).toBe('no blueprint has the label prod: nothing to export');
  });

  it('imports back what it wrote: new, unchanged, updated, conflict, invalid', async () => {
    const from = createMockHost({ seed: true });
    await from.call('repo_export', { ...base, dir: '/repo' });
    const to = createMockHost();
    to.state.files = from.state.files;
    to.state.files.set('/repo/blueprints/broken.galley.yaml', 'not: json');

    const preview = await to.call('repo_import', { path: '/repo', dryRun: true });
    expect(preview.map((i) => [i.file, i.outcome])).toEqual([
      ['broken.galley.yaml', 'invalid'],
      ['release-notes.galley.yaml', 'new'],
      ['support-reply.galley.yaml', 'new'],
    ]);
    expect(to.state.blueprints).toHaveLength(0);

    const done = await to.call('repo_import', { path: '/repo', dryRun: false });
    expect(done.find((i) => i.name === 'Support reply')).toMatchObject({ versionsAdded: 3, labelsMoved: ['dev → v3', 'staging → v3', 'prod → v2'] });
    expect((await to.call('blueprints_list', { search: '' })).map((b) => [b.name, b.latestVersion, b.prodVersion])).toEqual([
      ['Release notes', 1, 1],
      ['Support reply', 3, 2],
    ]);
    const again = await to.call('repo_import', { path: '/repo', dryRun: true });
    expect(again.map((i) => i.outcome)).toEqual(['invalid', 'unchanged', 'unchanged']);

    // Galley moves on differently: the file's history conflicts.
    const support = from.state.blueprints.find((b) => b.name === 'Support reply')!;
    support.versions[2]!.meta.contentHash = 'different';
    await from.call('repo_export', { ...base, dir: '/other' });
    const conflict = await to.call('repo_import', { path: '/other/blueprints/support-reply.galley.yaml', dryRun: true });
    expect(conflict[0]!.outcome).toBe('conflict');
  });

  it('names files like the engine', () => {
    expect(slug('Support reply (EN)')).toBe('support-reply-en');
    expect(slug('***')).toBe('blueprint');
  });
});
