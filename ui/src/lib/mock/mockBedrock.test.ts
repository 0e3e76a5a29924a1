import { describe, expect, it } from 'vitest';
import type { StreamEvent } from '../../bindings';
import { call, setHost } from '../host';
import { starterContent } from '../content';
import { createMockHost } from './mockHost';
import { costUsd } from './mockBedrock';

function bedrock(modelId: string, extra: Partial<ReturnType<typeof starterContent>['model']> = {}) {
  const c = starterContent();
  return {
    ...c,
    system: 'Be brief.',
    messages: [{ role: 'user' as const, template: 'Tell me about {{ topic }}.' }],
    model: { ...c.model, provider: 'bedrock', modelId, ...extra },
  };
}

describe('mock Bedrock', () => {
  it('streams started, the words, stopped and usage, then resolves with the outcome and its cost', async () => {
    const host = createMockHost();
    host.state.streamDelayMs = 0;
    setHost(host);
    const events: StreamEvent[] = [];
    const res = await call('tryrun_start', { runId: 'r1', content: bedrock('amazon.nova-pro-v1:0'), values: { topic: 'tea' } }, (e) => events.push(e));
    expect(events[0]).toEqual({ type: 'started' });
    const deltas = events.filter((e) => e.type === 'textDelta').map((e) => (e as { data: string }).data);
    expect(deltas.join('')).toBe(res.outcome!.text);
    expect(res.outcome!.text).toContain('You wrote: “Tell me about tea.”');
    expect(events.slice(-2).map((e) => e.type)).toEqual(['stopped', 'usage']);
    expect(res.outcome!.usage.outputTokens).toBe(deltas.length);
    expect(res.request).toMatchObject({ modelId: 'amazon.nova-pro-v1:0', system: 'Be brief.', messages: [{ role: 'user', text: 'Tell me about tea.' }], cachePoint: false, guardrail: null, extraFields: null });
    expect(res.costUsd).toBeCloseTo((res.outcome!.usage.inputTokens * 0.8 + res.outcome!.usage.outputTokens * 3.2) / 1e6, 12);
    expect(res.error).toBeNull();
  });

  it('stops at max tokens and reads the prompt cache on the second call', async () => {
    const host = createMockHost();
    host.state.streamDelayMs = 0;
    setHost(host);
    const content = bedrock('anthropic.claude-3-5-haiku-20241022-v1:0', { maxTokens: 5, cachePrompt: true });
    const first = await call('tryrun_start', { runId: 'a', content, values: { topic: 'x' } }, () => {});
    expect(first.outcome).toMatchObject({ stopReason: 'max_tokens', usage: { outputTokens: 5, cacheWriteTokens: 3, cacheReadTokens: 0 } });
    const second = await call('tryrun_start', { runId: 'b', content, values: { topic: 'x' } }, () => {});
    expect(second.outcome!.usage).toMatchObject({ cacheWriteTokens: 0, cacheReadTokens: 3 });
    expect(second.request.cachePoint).toBe(true);
  });

  it('suggests the inference profile for a profile-only model', async () => {
    setHost(createMockHost());
    const res = await call('tryrun_start', { runId: 'r', content: bedrock('anthropic.claude-sonnet-4-5-20250929-v1:0'), values: { topic: 'x' } }, () => {});
    expect(res.outcome).toBeNull();
    expect(res.error).toMatchObject({ code: 'needsInferenceProfile', suggestedModelId: 'us.anthropic.claude-sonnet-4-5-20250929-v1:0', partialText: null });
    const ok = await call('tryrun_start', { runId: 'r2', content: bedrock('global.anthropic.claude-sonnet-4-5-20250929-v1:0', { maxTokens: 2 }), values: { topic: 'x' } }, () => {});
    expect(ok.error).toBeNull();
  });

  it('refuses what the engine refuses', async () => {
    setHost(createMockHost());
    await expect(call('tryrun_start', { runId: 'r', content: bedrock('m'), values: {} }, () => {})).rejects.toMatchObject({
      code: 'invalid',
      message: expect.stringMatching(/^cannot render: message 1 \(user\) line 1, column 18: undefined variable `topic`/),
    });
    await expect(call('tryrun_start', { runId: 'r', content: { ...bedrock(''), system: '' }, values: { topic: 'x' } }, () => {})).rejects.toEqual({
      code: 'invalid',
      message: 'no model id: choose a model for this version',
    });
    expect(await call('tryrun_cancel', { runId: 'nothing' })).toBe(false);
  });

  it('prices cache tokens at the input price when the table has none', () => {
    const usage = { inputTokens: 1_000_000, outputTokens: 0, cacheReadTokens: 1_000_000, cacheWriteTokens: 1_000_000 };
    expect(costUsd({ input: 2, output: 6, cacheRead: null, cacheWrite: null }, usage)).toBe(6);
    expect(costUsd({ input: 2, output: 6, cacheRead: 0.2, cacheWrite: 2.5 }, usage)).toBe(4.7);
  });
});
