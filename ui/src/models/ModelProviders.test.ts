import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { ModelSettings as Model } from '../bindings';
import { openedSession } from '../test/opened';
import ModelSettings from '../templates/ModelSettings.svelte';
import { ModelCatalog } from './catalog.svelte';
import { LocalModels } from './localModels.svelte';
import { Endpoints } from './endpoints.svelte';
import { DEFAULT_MISSING, MOCK_SERVED_MODELS, removeMockDefaultModel } from '../lib/mock/mockProviders';
import { bytesLine } from './format';
import { DEFAULT_LOCAL_MODEL_ID, modelForEndpoint, switchProvider } from './providers';
import type { SettingsSection } from '../settings/settingsForm';

const OLLAMA = { name: 'Ollama', baseUrl: 'http://localhost:11434/v1', apiKeyEnv: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 500 };
const REMOTE = { name: 'Remote', baseUrl: 'https://llm.example.com/v1', apiKeyEnv: 'REMOTE_KEY', timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 500 };

async function setup(opts: { provider?: string; modelId?: string; prepare?: (st: Awaited<ReturnType<typeof openedSession>>['host']['state']) => void } = {}) {
  const { host, session } = await openedSession('Support reply');
  opts.prepare?.(host.state);
  session.content.model.provider = opts.provider ?? 'bedrock';
  session.content.model.modelId = opts.modelId ?? 'amazon.nova-lite-v1:0';
  const onsettings = vi.fn<(s: SettingsSection) => void>();
  const local = new LocalModels();
  const endpoints = new Endpoints();
  render(ModelSettings, { session, catalog: new ModelCatalog(), local, endpoints, onsettings });
  return { host, session, onsettings, local, endpoints };
}

const provider = () => screen.getByTestId('model-provider') as HTMLSelectElement;
const choose = (value: string) => fireEvent.change(provider(), { target: { value } });
const localOptions = () =>
  Array.from((screen.getByTestId('local-model-select') as HTMLSelectElement).options).map((o) => [o.dataset.modelId ?? null, o.textContent]);

describe('Model settings → provider', () => {
  it('names the providers for people', async () => {
    await setup();
    expect(Array.from(provider().options).map((o) => [o.value, o.textContent])).toEqual([
      ['local', 'Local (on this computer)'],
      ['bedrock', 'Amazon Bedrock'],
      ['openai', 'OpenAI-compatible'],
    ]);
  });

  it('switching to local lands on the default model and keeps every parameter', async () => {
    const { session } = await setup();
    const before = { ...session.content.model };
    await choose('local');
    expect(session.content.model).toEqual({ ...before, provider: 'local', modelId: 'SmolLM2-135M-Instruct' });
    expect('endpoint' in session.content.model).toBe(false);

    await waitFor(() =>
      expect(localOptions()).toEqual([
        ['SmolLM2-135M-Instruct', 'SmolLM2-135M-Instruct'],
        ['ollama/llama3.2:latest', 'ollama/llama3.2:latest'],
      ]),
    );
    expect((screen.getByTestId('local-model-select') as HTMLSelectElement).value).toBe('SmolLM2-135M-Instruct');
    expect(screen.getByTestId('local-model-info').textContent).toContain('default 98 MB · runs on this computer, free');
    expect(screen.queryByTestId('model-id')).toBeNull();

    await fireEvent.change(screen.getByTestId('local-model-select'), { target: { value: 'ollama/llama3.2:latest' } });
    expect(session.content.model.modelId).toBe('ollama/llama3.2:latest');
    expect(screen.getByTestId('local-model-info').textContent).toContain('Ollama 2.0 GB');

    // Back on Bedrock, the Bedrock model it had comes back; so does the local one after.
    await choose('bedrock');
    expect(session.content.model.modelId).toBe('amazon.nova-lite-v1:0');
    expect((screen.getByTestId('model-id') as HTMLInputElement).value).toBe('amazon.nova-lite-v1:0');
    await choose('local');
    expect(session.content.model.modelId).toBe('ollama/llama3.2:latest');
  });

  it('warns when the default model is missing, says what to do, and opens Settings', async () => {
    const { onsettings } = await setup({ provider: 'local', modelId: 'SmolLM2-135M-Instruct', prepare: removeMockDefaultModel });
    const warning = await screen.findByTestId('local-model-warning');
    expect(warning.textContent).toBe(DEFAULT_MISSING);
    await waitFor(() => expect(localOptions()[0]).toEqual(['SmolLM2-135M-Instruct', 'SmolLM2-135M-Instruct (not installed)']));
    await fireEvent.click(screen.getByTestId('local-models-manage'));
    expect(onsettings).toHaveBeenCalledWith('local');
  });

  it('keeps a local model id this computer does not have, and says so', async () => {
    await setup({ provider: 'local', modelId: 'Llama-3.2-3B-Instruct-Q4_K_M' });
    await waitFor(() => expect(localOptions()[0]).toEqual([null, 'Llama-3.2-3B-Instruct-Q4_K_M (not on this computer)']));
    expect((screen.getByTestId('local-model-select') as HTMLSelectElement).value).toBe('Llama-3.2-3B-Instruct-Q4_K_M');
    expect(screen.getByTestId('local-model-warning').textContent).toContain('`Llama-3.2-3B-Instruct-Q4_K_M` is not on this computer');
  });

  it("for an endpoint: sets it, lists its models, takes any id, and shows the endpoint's error", async () => {
    const { session } = await setup({ prepare: (st) => (st.settings.endpoints = [OLLAMA, REMOTE]) });
    await choose('openai');
    expect(session.content.model.provider).toBe('openai');
    await waitFor(() => expect(session.content.model.endpoint).toBe('Ollama'));
    // The first model it serves, once it has answered.
    await waitFor(() => expect(session.content.model.modelId).toBe('llama3.2:latest'));
    const select = screen.getByTestId('model-endpoint') as HTMLSelectElement;
    expect(Array.from(select.options).map((o) => o.value)).toEqual(['Ollama', 'Remote']);
    expect(select.value).toBe('Ollama');
    const options = () => Array.from(screen.getByTestId('endpoint-model-options').querySelectorAll('option')).map((o) => o.value);
    expect(options()).toEqual(MOCK_SERVED_MODELS);
    const input = screen.getByTestId('endpoint-model') as HTMLInputElement;
    expect(input.value).toBe('llama3.2:latest');
    expect(input.getAttribute('list')).toBe('endpoint-model-options');
    expect(screen.getByTestId('endpoint-info').textContent).toContain('http://localhost:11434/v1 · 3 models');

    await userEvent.clear(input);
    await userEvent.type(input, 'my-finetune');
    expect(session.content.model.modelId).toBe('my-finetune');
    expect(screen.getByTestId('endpoint-info').textContent).toContain('`my-finetune` is not among them');

    await fireEvent.change(select, { target: { value: 'Remote' } });
    expect(session.content.model.endpoint).toBe('Remote');
    const error = await screen.findByTestId('endpoint-models-error');
    expect(error.textContent).toContain('Could not list the models of Remote: cannot reach https://llm.example.com/v1/models');
    expect(session.content.model.modelId).toBe('my-finetune');

    // Leaving the provider drops the endpoint; the other parameters stay.
    await choose('local');
    expect(session.content.model.endpoint).toBeUndefined();
    expect(session.content.model).toMatchObject({ provider: 'local', modelId: 'SmolLM2-135M-Instruct', temperature: 0.3, maxTokens: 768 });
  });

  it('with no endpoint saved, says so and links to Settings', async () => {
    const { session, onsettings } = await setup();
    await choose('openai');
    expect(session.content.model).toMatchObject({ provider: 'openai', modelId: '' });
    expect(session.content.model.endpoint).toBeUndefined();
    expect((screen.getByTestId('model-endpoint') as HTMLSelectElement).disabled).toBe(true);
    expect(screen.getByTestId('endpoint-info').textContent).toContain('No OpenAI-compatible endpoint is set up yet.');
    await fireEvent.click(screen.getByTestId('endpoint-settings'));
    expect(onsettings).toHaveBeenCalledWith('endpoints');
  });
});

describe('switchProvider', () => {
  const base = (): Model => ({ provider: 'bedrock', modelId: 'amazon.nova-pro-v1:0', maxTokens: 256, temperature: 0.2, topP: null, stopSequences: ['END'], cachePrompt: true });

  it('lands on a sensible model for each provider and keeps the rest', () => {
    const m = base();
    switchProvider(m, 'local', {});
    expect(m).toEqual({ ...base(), provider: 'local', modelId: DEFAULT_LOCAL_MODEL_ID });

    switchProvider(m, 'openai', { endpoints: ['vLLM', 'Ollama'], endpointModels: (n) => (n === 'vLLM' ? ['Qwen/Qwen2.5-7B-Instruct'] : undefined) });
    expect(m).toEqual({ ...base(), provider: 'openai', endpoint: 'vLLM', modelId: 'Qwen/Qwen2.5-7B-Instruct' });

    switchProvider(m, 'openai', { endpoints: ['Ollama'] });
    expect(m).toMatchObject({ endpoint: 'Ollama', modelId: '' });

    switchProvider(m, 'bedrock', { remembered: { bedrock: { modelId: 'amazon.nova-pro-v1:0' } } });
    expect(m).toEqual(base());
  });

  it('comes back to what an endpoint had, if the endpoint is still there', () => {
    const m = base();
    const remembered = { openai: { modelId: 'mistral:7b', endpoint: 'Ollama' } };
    switchProvider(m, 'openai', { endpoints: ['vLLM', 'Ollama'], remembered });
    expect(m).toMatchObject({ endpoint: 'Ollama', modelId: 'mistral:7b' });
    switchProvider(m, 'openai', { endpoints: ['vLLM'], remembered });
    expect(m).toMatchObject({ endpoint: 'vLLM', modelId: '' });
  });

  it('takes the default local model id from the list', () => {
    const m = base();
    const models = [{ id: 'SmolLM2-360M', path: '/m.gguf', source: 'default' as const, sizeBytes: 1, problem: null }];
    switchProvider(m, 'local', { localModels: models });
    expect(m.modelId).toBe('SmolLM2-360M');
  });

  it('keeps a model an endpoint serves and otherwise takes its first', () => {
    expect(modelForEndpoint('b', ['a', 'b'])).toBe('b');
    expect(modelForEndpoint('c', ['a', 'b'])).toBe('a');
    expect(modelForEndpoint('c', [])).toBe('c');
    expect(modelForEndpoint('c', undefined)).toBe('c');
  });

  it('writes sizes as the engine does', () => {
    expect(bytesLine(98_362_432)).toBe('98 MB');
    expect(bytesLine(2_019_393_189)).toBe('2.0 GB');
    expect(bytesLine(512)).toBe('512 B');
    expect(bytesLine(12_400_000_000)).toBe('12 GB');
  });
});
