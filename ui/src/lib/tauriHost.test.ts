import { afterEach, describe, expect, it, vi } from 'vitest';
import type { StreamEvent } from '../bindings';
import { call, setHost } from './host';
import { starterContent } from './content';

// A stand-in for Tauri's IPC: records what `invoke` receives; a channel delivers what the
// "Rust side" sends to the function given to its constructor.
const invoke = vi.fn<(cmd: string, args: Record<string, unknown>) => Promise<unknown>>();
vi.mock('@tauri-apps/api/core', () => ({
  invoke: (cmd: string, args: Record<string, unknown>) => invoke(cmd, args),
  Channel: class {
    constructor(public onmessage: (m: unknown) => void) {}
  },
}));

afterEach(() => {
  delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
  invoke.mockReset();
});

describe('the Tauri host', () => {
  it('passes the request as `req` and the event channel as `onEvent`', async () => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    setHost(null);
    invoke.mockImplementation(async (cmd, args) => {
      if (cmd !== 'tryrun_start') return { bedrock: null };
      const channel = args.onEvent as { onmessage: (e: StreamEvent) => void };
      channel.onmessage({ type: 'started' });
      channel.onmessage({ type: 'textDelta', data: 'Hi' });
      return { request: null, outcome: null, error: null, costUsd: null };
    });
    const events: StreamEvent[] = [];
    const req = { runId: 'r', content: starterContent(), values: { a: '1' } };
    await call('tryrun_start', req, (e) => events.push(e));
    expect(invoke).toHaveBeenCalledTimes(1);
    expect(invoke.mock.calls[0]![0]).toBe('tryrun_start');
    expect(Object.keys(invoke.mock.calls[0]![1]).sort()).toEqual(['onEvent', 'req']);
    expect(invoke.mock.calls[0]![1].req).toEqual(req);
    expect(events).toEqual([{ type: 'started' }, { type: 'textDelta', data: 'Hi' }]);

    await call('settings_get');
    expect(invoke.mock.calls[1]).toEqual(['settings_get', {}]);
    await call('models_catalog', { refresh: true });
    expect(invoke.mock.calls[2]).toEqual(['models_catalog', { req: { refresh: true } }]);
  });
});
