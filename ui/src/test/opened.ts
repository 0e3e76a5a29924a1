// Test set-up shared by the Bedrock features: a seeded mock host and a session with a
// blueprint open.

import { setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import { Session } from '../workbench/session.svelte';

export async function openedSession(name = 'Support reply', opts: { streamDelayMs?: number } = {}) {
  const host = createMockHost({ seed: true });
  host.state.streamDelayMs = opts.streamDelayMs ?? 1;
  setHost(host);
  const session = new Session();
  await session.refreshList();
  const id = session.list.find((b) => b.name === name)!.id;
  await session.select(id);
  return { host, session };
}

export function deferred<T = void>() {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
