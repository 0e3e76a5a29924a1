// How runs name things, as the engine does: models (`bedrock:amazon.nova-lite-v1:0`,
// `openai:Ollama/llama3.2`), columns (`v2 · local:SmolLM2-135M-Instruct`) and inputs (their name,
// else `key=value, …` in key order, else `input 3`).

import type { ModelRef, RunColumn, RunInput } from '../bindings';

export const MODEL_PROVIDERS = ['local', 'bedrock', 'openai'] as const;

/** `provider:id`, or `openai:ENDPOINT/ID` for an OpenAI-compatible endpoint. */
export function modelLabel(m: ModelRef): string {
  if (m.provider === 'openai' && m.endpoint !== undefined) return `openai:${m.endpoint}/${m.modelId}`;
  return `${m.provider}:${m.modelId}`;
}

export function columnLabel(c: Pick<RunColumn, 'version' | 'model'>): string {
  return `v${c.version} · ${modelLabel(c.model)}`;
}

export type ParsedModel = { ok: true; model: ModelRef } | { ok: false; error: string };

/**
 * Reads `local:ID`, `bedrock:ID`, `openai:ENDPOINT/ID` or `dataset:ID` (a dataset's own responses),
 * as the engine's `ModelRef::parse` does.
 */
export function parseModel(text: string): ParsedModel {
  const t = text.trim();
  const bad: ParsedModel = {
    ok: false,
    error: `\`${t}\` does not name a model: write \`local:MODEL\`, \`bedrock:MODEL_ID\`, \`openai:ENDPOINT/MODEL\` or \`dataset:MODEL\` (a dataset's own responses)`,
  };
  const colon = t.indexOf(':');
  if (colon < 0) return bad;
  const provider = t.slice(0, colon).trim();
  const rest = t.slice(colon + 1).trim();
  if (rest === '') return bad;
  if (provider === 'local' || provider === 'bedrock' || provider === 'dataset') return { ok: true, model: { provider, modelId: rest } };
  if (provider === 'openai') {
    const slash = rest.indexOf('/');
    if (slash < 0) return bad;
    const endpoint = rest.slice(0, slash).trim();
    const modelId = rest.slice(slash + 1).trim();
    if (!endpoint || !modelId) return bad;
    return { ok: true, model: { provider, endpoint, modelId } };
  }
  return bad;
}

/** The row title of an input. */
export function inputTitle(input: RunInput, index: number): string {
  if (input.name !== null && input.name.trim() !== '') return input.name;
  const keys = Object.keys(input.values).sort();
  if (keys.length === 0) return `input ${index + 1}`;
  return keys.map((k) => `${k}=${input.values[k] ?? ''}`).join(', ');
}

/** The key of a cell in maps and DOM ids. */
export function cellId(k: { column: number; input: number; repeat: number }): string {
  return `${k.column}:${k.input}:${k.repeat}`;
}
