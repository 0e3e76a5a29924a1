import { describe, expect, it } from 'vitest';
import { inputTitle, modelLabel, parseModel } from './labels';

describe('model labels', () => {
  // The cases of the engine's `model_labels_round_trip` test (crates/galley-engine/src/runs/spec.rs).
  it.each([
    'local:SmolLM2-135M-Instruct',
    'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0',
    'openai:Ollama/llama3.2:3b',
    'local:ollama/llama3.2:latest',
    'dataset:my-model:v2',
  ])('reads and writes %s', (text) => {
    const parsed = parseModel(text);
    expect(parsed.ok && modelLabel(parsed.model)).toBe(text);
  });

  it('splits an endpoint from its model', () => {
    expect(parseModel('openai:My gateway/gpt-4o')).toEqual({ ok: true, model: { provider: 'openai', endpoint: 'My gateway', modelId: 'gpt-4o' } });
  });

  it.each(['gpt-4o', 'openai:gpt-4o', 'vertex:gemini', 'local:', 'openai:/m'])('refuses %s, naming it', (bad) => {
    const parsed = parseModel(bad);
    expect(parsed.ok).toBe(false);
    expect(!parsed.ok && parsed.error).toContain(`\`${bad}\` does not name a model`);
  });
});

describe('input titles', () => {
  it('is the name, else the values in key order, else the position', () => {
    expect(inputTitle({ name: 'refund', values: { a: '1' } }, 0)).toBe('refund');
    expect(inputTitle({ name: null, values: { b: 'x', a: '1' } }, 3)).toBe('a=1, b=x');
    expect(inputTitle({ name: '  ', values: {} }, 3)).toBe('input 4');
  });
});
