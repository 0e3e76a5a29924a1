// Shared by the runs tests: a small spec, finished cells and events, built by hand.

import type { CellKey, ChatRequest, RunCell, RunColumn, RunSpec } from '../bindings';
import { starterContent } from '../lib/content';

export function column(version: number, provider: string, modelId: string): RunColumn {
  return {
    version,
    model: { provider, modelId },
    settings: { ...starterContent().model, provider, modelId },
  };
}

export function spec(o: { columns?: RunColumn[]; inputs?: number; repeats?: number } = {}): RunSpec {
  const columns = o.columns ?? [column(1, 'bedrock', 'amazon.nova-lite-v1:0'), column(2, 'bedrock', 'amazon.nova-lite-v1:0')];
  return {
    blueprintId: 'bp-1',
    blueprintName: 'Support reply',
    columns,
    inputs: Array.from({ length: o.inputs ?? 2 }, (_, i) => ({ name: null, values: { country: `C${i + 1}` } })),
    repeats: o.repeats ?? 1,
    concurrency: 4,
    bypassCache: false,
    versions: { 1: starterContent(), 2: starterContent() },
  };
}

export const REQUEST: ChatRequest = {
  modelId: 'amazon.nova-lite-v1:0',
  system: 'You are terse.',
  messages: [{ role: 'user', text: 'Capital of C1?' }],
  params: { maxTokens: 256, temperature: 0.2, topP: null, stopSequences: [] },
  extraFields: null,
  guardrail: null,
  cachePoint: false,
};

export function okCell(key: CellKey, o: Partial<RunCell> = {}): RunCell {
  return {
    key,
    status: 'ok',
    text: 'Paris.',
    stopReason: 'end_turn',
    usage: { inputTokens: 152, outputTokens: 7, cacheReadTokens: 40, cacheWriteTokens: 0 },
    ttftMs: 212,
    latencyMs: 1534,
    costUsd: 0.000123,
    cacheHit: false,
    attempts: 1,
    error: null,
    request: REQUEST,
    finishedAt: '2026-05-04T10:00:00Z',
    ...o,
  };
}
