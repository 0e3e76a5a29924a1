import { describe, expect, it } from 'vitest';
import type { Command } from '../lib/host';
import { call, installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import { Session } from './session.svelte';

async function seeded() {
  const host = createMockHost({ seed: true });
  setHost(host);
  const session = new Session();
  await session.refreshList();
  const id = (name: string) => session.list.find((b) => b.name === name)!.id;
  return { session, id };
}

describe('Session', () => {
  it('writes the pending draft before switching to another blueprint', async () => {
    const { session, id } = await seeded();
    const calls: Array<[Command, string]> = [];
    await session.select(id('Support reply'));
    installHandlers({
      drafts_save: (req) => { calls.push(['drafts_save', req.id]); return null; },
    });
    session.setSystem('Work in progress');
    await session.select(id('Ticket triage'));
    expect(calls).toEqual([['drafts_save', id('Support reply')]]);
    expect(session.list.find((b) => b.name === 'Support reply')!.hasDraft).toBe(true);
    expect(session.opened?.summary.name).toBe('Ticket triage');
    expect(session.dirty).toBe(false);
  });

  it('after an import, shows the new versions; the editor follows only when nothing is unsaved', async () => {
    const { session, id } = await seeded();
    await session.select(id('Support reply'));
    const before = session.opened!.versions.length;
    const imported = { ...session.opened!.latest!.content, system: 'From the repository.' };
    await call('versions_save', { id: id('Support reply'), content: imported, message: 'Edited in support-reply.galley.yaml' });
    await session.afterImport();
    expect(session.opened!.versions.length).toBe(before + 1);
    expect(session.content.system).toBe('From the repository.');

    session.setSystem('My unsaved words');
    await call('versions_save', { id: id('Support reply'), content: { ...imported, system: 'Again' }, message: 'again' });
    await session.afterImport();
    expect(session.opened!.versions.length).toBe(before + 2);
    expect(session.content.system).toBe('My unsaved words');
  });

  it('sends well-formed text to the engine', async () => {
    const { session, id } = await seeded();
    await session.select(id('Ticket triage'));
    const sent: string[] = [];
    installHandlers({ templates_check: (req) => { sent.push(req.content.system); return { issues: [], variables: [] }; } });
    session.setSystem('broken \uD83D end');
    await session.runChecks();
    expect(sent).toEqual(['broken \uFFFD end']);
  });

  it('drops the draft when the editor returns to the latest version', async () => {
    const { session, id } = await seeded();
    await session.select(id('Support reply'));
    const original = session.content.system;
    session.setSystem('changed');
    await session.flushDraft();
    expect(session.list.find((b) => b.name === 'Support reply')!.hasDraft).toBe(true);
    session.setSystem(original);
    expect(session.dirty).toBe(false);
    await session.flushDraft();
    expect(session.list.find((b) => b.name === 'Support reply')!.hasDraft).toBe(false);
  });
});
