import { describe, expect, it } from 'vitest';
import type { RunEvent, RunsStartReq } from '../../bindings';
import { call, setHost } from '../host';
import { createMockHost } from './mockHost';

function setup() {
  const host = createMockHost({ seed: true });
  host.state.streamDelayMs = 1;
  setHost(host);
  const support = host.state.blueprints.find((b) => b.name === 'Support reply')!;
  const req: RunsStartReq = {
    blueprintId: support.id,
    versions: [2, 3],
    models: [
      { provider: 'bedrock', modelId: 'amazon.nova-lite-v1:0' },
      { provider: 'local', modelId: 'SmolLM2-135M-Instruct' },
    ],
    inputs: [
      { name: null, values: { agent: 'Sam', message: 'Where is my order?' } },
      { name: 'refund', values: { agent: 'Ana', message: 'Refund please' } },
    ],
    repeats: 2,
    concurrency: 3,
    bypassCache: false,
  };
  return { host, req };
}

describe('the mock host’s runs', () => {
  it('plans: cells, an estimate, and the engine’s words for what cannot render', async () => {
    const { req } = setup();
    const plan = await call('runs_plan', req);
    expect(plan.spec.columns.map((c) => `${c.version}:${c.model.provider}`)).toEqual(['2:bedrock', '2:local', '3:bedrock', '3:local']);
    expect(plan.estimate.cells).toBe(16);
    expect(plan.estimate.cachedCells).toBe(0);
    expect(plan.estimate.costUsdMax).toBeGreaterThan(plan.estimate.costUsdMin);
    expect(plan.needsConfirmation).toBe(false);
    await expect(call('runs_plan', { ...req, inputs: [{ name: null, values: { agent: 'Sam' } }] })).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringContaining('v2 cannot be rendered for input 1 (agent=Sam): message 1 (user) line 2, column 4: undefined variable `message`'),
    });
  });

  it('streams every cell, stores it, and answers again from the cache', async () => {
    const { req } = setup();
    const events: RunEvent[] = [];
    const summary = await call('runs_start', req, (e) => events.push(e));
    expect(summary).toMatchObject({ status: 'finished', cellsTotal: 16, cellsOk: 16, cellsFailed: 0, source: 'app' });
    expect(events[0]).toEqual({ type: 'started', data: { runId: summary.id, pending: 16 } });
    const finished = events.filter((e) => e.type === 'cellFinished');
    expect(finished).toHaveLength(16);
    // The deltas of one cell add up to its stored text.
    const key = { column: 1, input: 0, repeat: 1 };
    const same = (k: { column: number; input: number; repeat: number }) => k.column === key.column && k.input === key.input && k.repeat === key.repeat;
    const deltas = events.flatMap((e) => (e.type === 'cellDelta' && same(e.data.key) ? [e.data.text] : []));
    const cell = finished.map((e) => (e.type === 'cellFinished' ? e.data.cell : null)).find((c) => c && same(c.key))!;
    expect(deltas.length).toBeGreaterThan(1);
    expect(deltas.join('')).toBe(cell.text);
    expect(cell.costUsd).toBe(0);
    expect(events.at(-1)).toMatchObject({ type: 'progress', data: { done: 16, failed: 0, total: 16 } });

    const plan = await call('runs_plan', req);
    expect(plan.estimate.cachedCells).toBe(16);
    const again: RunEvent[] = [];
    await call('runs_start', req, (e) => again.push(e));
    expect(again.filter((e) => e.type === 'cellDelta')).toHaveLength(0);
    expect(again.flatMap((e) => (e.type === 'cellFinished' ? [e.data.cell.cacheHit] : []))).toEqual(Array(16).fill(true));
  });

  it('cancels a run, leaves its unfinished cells missing, and resumes them', async () => {
    const { req } = setup();
    let runId = '';
    const going = call('runs_start', { ...req, concurrency: 1 }, (e) => {
      if (e.type === 'started') runId = e.data.runId;
      if (e.type === 'cellFinished' && e.data.cell.key.input === 0 && e.data.cell.key.column === 0 && e.data.cell.key.repeat === 0) {
        void call('runs_cancel', { runId, cell: null });
      }
    });
    const summary = await going;
    expect(summary.status).toBe('cancelled');
    const stored = await call('runs_get', { runId });
    expect(stored.cells.length).toBeGreaterThan(0);
    expect(stored.cells.length).toBeLessThan(16);
    const events: RunEvent[] = [];
    const resumed = await call('runs_resume', { runId }, (e) => events.push(e));
    expect(resumed).toMatchObject({ status: 'finished', cellsOk: 16 });
    expect(events[0]).toEqual({ type: 'started', data: { runId: runId, pending: 16 - stored.cells.length } });
  });

  it('lists newest first, finds runs by their words, exports and diffs them', async () => {
    const { host, req } = setup();
    const first = await call('runs_start', { ...req, versions: [2], models: [req.models[0]!] }, () => {});
    const second = await call('runs_start', { ...req, versions: [3], models: [req.models[0]!], inputs: [{ name: null, values: { agent: 'Zoe', message: 'Parcel lost' } }] }, () => {});
    const all = await call('runs_list', { blueprintId: null, text: null, model: null, version: null, label: null, since: null, until: null, limit: null });
    expect(all.map((r) => r.id)).toEqual([second.id, first.id]);
    const found = await call('runs_list', { blueprintId: null, text: 'parc', model: null, version: null, label: null, since: null, until: null, limit: null });
    expect(found.map((r) => r.id)).toEqual([second.id]);
    const prod = await call('runs_list', { blueprintId: null, text: null, model: null, version: null, label: 'prod', since: null, until: null, limit: null });
    expect(prod.map((r) => r.id)).toEqual([first.id]);

    const csv = await call('runs_export', { runId: first.id, format: 'csv' });
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('run_id,version,provider,endpoint,model_id,input,variables,repeat,status,output,stop_reason,input_tokens,output_tokens,cache_read_tokens,ttft_ms,latency_ms,cost_usd,cache_hit');
    expect(lines).toHaveLength(1 + 4 + 1);
    const jsonl = (await call('runs_export', { runId: first.id, format: 'jsonl' })).trim().split('\n');
    expect(JSON.parse(jsonl[0]!)).toMatchObject({ runId: first.id, version: 2, repeat: 1 });
    await expect(call('runs_export_save', { runId: first.id, format: 'csv', path: 'out.csv' })).rejects.toMatchObject({ message: '`out.csv` is not a full path' });
    expect(await call('runs_export_save', { runId: first.id, format: 'csv', path: '/tmp/out.csv' })).toBe('/tmp/out.csv');
    expect(host.state.exported[0]!.text).toBe(csv);

    const diff = await call('runs_diff', { a: { runId: first.id, column: 0 }, b: { runId: first.id, column: 0 } });
    expect(diff.changed).toBe(0);
    expect(diff.rows.map((r) => r.input)).toEqual(['agent=Sam, message=Where is my order?', 'refund']);
    expect(diff.rows.every((r) => r.sameText && Number(r.deltaOutputTokens) === 0)).toBe(true);

    await call('runs_delete', { runId: first.id });
    await expect(call('runs_get', { runId: first.id })).rejects.toMatchObject({ code: 'notFound' });
  });
});
