import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { AppSettings, EndpointConfig, LocalModelsRes } from '../bindings';
import { installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import { DEFAULT_MISSING, MOCK_MODELS_DIR, MOCK_OLLAMA_DIR, removeMockDefaultModel } from '../lib/mock/mockProviders';
import { deferred } from '../test/opened';
import SettingsDialog from './SettingsDialog.svelte';
import { loadSettingsForm, type SettingsSection } from './settingsForm';

// The desktop's file picker, as the Tauri plugin would answer.
const pick = vi.fn<(options: unknown) => Promise<string | null>>();
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: (options: unknown) => pick(options) }));

afterEach(() => {
  delete (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__;
  pick.mockReset();
});

async function open(opts: { section?: SettingsSection; prepare?: (host: ReturnType<typeof createMockHost>) => void } = {}) {
  const host = createMockHost();
  host.state.streamDelayMs = 1;
  opts.prepare?.(host);
  setHost(host);
  const onclose = vi.fn();
  const onsaved = vi.fn<(s: AppSettings) => void>();
  const onlocal = vi.fn<(l: LocalModelsRes) => void>();
  render(SettingsDialog, { form: await loadSettingsForm(), section: opts.section, onclose, onsaved, onlocal });
  return { host, onclose, onsaved, onlocal };
}

const field = (testid: string, within: HTMLElement | Document = document) =>
  within.querySelector(`[data-testid="${testid}"]`) as HTMLInputElement;
const items = () => screen.getAllByTestId('local-model-item');
const item = (id: string) => items().find((el) => el.dataset.modelId === id)!;
const endpointsShown = () => screen.queryAllByTestId('endpoint-item');

async function addPreset(name: string) {
  await fireEvent.change(screen.getByTestId('endpoint-preset'), { target: { value: name } });
  await fireEvent.click(screen.getByTestId('endpoint-add'));
  return endpointsShown().at(-1)!;
}

describe('Settings → sections', () => {
  it('has the three sections, in order, and opens at the one asked for', async () => {
    await open({ section: 'endpoints' });
    const nav = ['local', 'bedrock', 'endpoints'].map((s) => screen.getByTestId(`settings-section-${s}`));
    expect(nav.map((b) => b.textContent!.trim())).toEqual(['Local models', 'Amazon Bedrock', 'OpenAI-compatible endpoints']);
    expect(nav.map((b) => b.getAttribute('aria-current'))).toEqual([null, null, 'true']);
    expect(document.activeElement).toBe(screen.getByTestId('endpoint-preset'));

    await fireEvent.click(nav[1]!);
    expect(nav[1]!.getAttribute('aria-current')).toBe('true');
    expect(document.activeElement).toBe(screen.getByText('Amazon Bedrock', { selector: 'h3' }));
    // Every section is on the page, so each field can be reached without switching.
    expect(screen.getByTestId('settings-region')).toBeTruthy();
    expect(screen.getByTestId('settings-local-threads')).toBeTruthy();
  });
});

describe('Settings → Local models', () => {
  it('lists the models found with their source, size and path, and where others go', async () => {
    await open();
    expect(document.activeElement).toBe(field('settings-local-threads'));
    expect(field('settings-local-threads').value).toBe('4');
    expect(field('settings-local-context').value).toBe('4096');
    expect(items().map((el) => el.dataset.modelId)).toEqual(['SmolLM2-135M-Instruct', 'ollama/llama3.2:latest']);

    const smol = item('SmolLM2-135M-Instruct');
    expect(within(smol).getByText('default')).toBeTruthy();
    expect(within(smol).getByText('98 MB')).toBeTruthy();
    const path = within(smol).getByText(`${MOCK_MODELS_DIR}/SmolLM2-135M-Instruct-Q4_1.gguf`);
    expect(path.getAttribute('title')).toBe(`${MOCK_MODELS_DIR}/SmolLM2-135M-Instruct-Q4_1.gguf`);
    expect(within(smol).queryByTestId('local-model-problem')).toBeNull();
    expect(within(smol).queryByTestId('local-model-forget')).toBeNull();

    const llama = item('ollama/llama3.2:latest');
    expect(within(llama).getByText('Ollama')).toBeTruthy();
    expect(within(llama).getByText('2.0 GB')).toBeTruthy();

    expect(screen.getByTestId('local-models-dir').textContent).toBe(MOCK_MODELS_DIR);
    expect(screen.getByTestId('settings-dialog').textContent).toContain('Put .gguf files here');
    expect(screen.getByTestId('local-ollama-dir').textContent).toBe(MOCK_OLLAMA_DIR);
    expect(screen.queryByTestId('local-missing-hint')).toBeNull();
    // Outside the desktop app there is no file picker: the path is typed.
    expect(screen.queryByTestId('local-model-browse')).toBeNull();
  });

  it('says how to install the default model, and how to add another, when it is missing', async () => {
    await open({
      prepare: (host) => {
        removeMockDefaultModel(host.state);
        host.state.local.ollamaDir = null;
        host.state.local.found = host.state.local.found.filter((m) => m.source !== 'ollama');
      },
    });
    const smol = item('SmolLM2-135M-Instruct');
    expect(within(smol).getByTestId('local-model-problem').textContent).toBe(DEFAULT_MISSING);
    expect(within(smol).getByText('not installed')).toBeTruthy();
    expect(screen.getByTestId('local-missing-hint').textContent).toContain('put its .gguf file in the models folder below, or add it by its path');
    expect(screen.queryByTestId('local-ollama-dir')).toBeNull();
  });

  it("adds a file by its path, shows the engine's refusal inline, and forgets a picked file", async () => {
    const { host, onlocal } = await open();
    const path = field('local-model-path');
    expect((screen.getByTestId('local-model-add') as HTMLButtonElement).disabled).toBe(true);

    await userEvent.type(path, 'models/qwen.gguf{Enter}');
    expect((await screen.findByTestId('local-model-error')).textContent).toBe(
      '`models/qwen.gguf` is not a full path: pick the file, or give its path from `/`',
    );
    expect(path.getAttribute('aria-invalid')).toBe('true');

    await userEvent.clear(path);
    expect(screen.queryByTestId('local-model-error')).toBeNull();
    await userEvent.type(path, '/home/you/notes.txt');
    await fireEvent.click(screen.getByTestId('local-model-add'));
    expect((await screen.findByTestId('local-model-error')).textContent).toBe(
      '`/home/you/notes.txt` is not a usable GGUF model (it does not start with the GGUF signature): pick a `.gguf` file of a chat model',
    );
    expect(items()).toHaveLength(2);

    await userEvent.clear(path);
    await userEvent.type(path, '/data/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf{Enter}');
    await waitFor(() => expect(items()).toHaveLength(3));
    expect(items().map((el) => el.dataset.modelId)).toEqual([
      'SmolLM2-135M-Instruct',
      'Qwen2.5-0.5B-Instruct-Q4_K_M',
      'ollama/llama3.2:latest',
    ]);
    expect(within(item('Qwen2.5-0.5B-Instruct-Q4_K_M')).getByText('picked file')).toBeTruthy();
    expect(path.value).toBe('');
    expect(screen.getByTestId('local-model-status').textContent).toBe('Added Qwen2.5-0.5B-Instruct-Q4_K_M');
    expect(host.state.local.picked).toEqual(['/data/Qwen2.5-0.5B-Instruct-Q4_K_M.gguf']);
    expect(onlocal).toHaveBeenCalledTimes(1);
    expect(onlocal.mock.calls[0]![0].models.map((m) => m.id)).toContain('Qwen2.5-0.5B-Instruct-Q4_K_M');

    // Only picked files can be forgotten; the file itself is left alone.
    expect(screen.getAllByTestId('local-model-forget')).toHaveLength(1);
    await fireEvent.click(within(item('Qwen2.5-0.5B-Instruct-Q4_K_M')).getByTestId('local-model-forget'));
    await waitFor(() => expect(items()).toHaveLength(2));
    expect(host.state.local.picked).toEqual([]);
    expect(screen.getByTestId('local-model-status').textContent).toBe('Forgot Qwen2.5-0.5B-Instruct-Q4_K_M (the file is still on disk)');
    expect(onlocal).toHaveBeenCalledTimes(2);
  });

  it('offers Browse… in the desktop app and adds the file picked there', async () => {
    (window as unknown as Record<string, unknown>).__TAURI_INTERNALS__ = {};
    const { host } = await open();
    pick.mockResolvedValueOnce(null).mockResolvedValueOnce('/home/you/Downloads/Phi-3-mini-4k-instruct-q4.gguf');

    await fireEvent.click(screen.getByTestId('local-model-browse'));
    await waitFor(() => expect(pick).toHaveBeenCalledTimes(1));
    expect(pick).toHaveBeenCalledWith({ filters: [{ name: 'GGUF model', extensions: ['gguf'] }], multiple: false, directory: false });
    expect(items()).toHaveLength(2);

    await fireEvent.click(screen.getByTestId('local-model-browse'));
    await waitFor(() => expect(items().map((el) => el.dataset.modelId)).toContain('Phi-3-mini-4k-instruct-q4'));
    expect(host.state.local.picked).toEqual(['/home/you/Downloads/Phi-3-mini-4k-instruct-q4.gguf']);
  });
});

describe('Settings → OpenAI-compatible endpoints', () => {
  it('adds endpoints from the presets, numbered when the name is taken, or blank', async () => {
    await open();
    expect(screen.getByTestId('endpoints-empty')).toBeTruthy();
    const preset = screen.getByTestId('endpoint-preset') as HTMLSelectElement;
    expect(Array.from(preset.options).map((o) => o.textContent)).toEqual(['Ollama', 'vLLM', 'LM Studio', 'LiteLLM', 'OpenAI', 'Custom']);

    const litellm = await addPreset('LiteLLM');
    expect(field('endpoint-name', litellm).value).toBe('LiteLLM');
    expect(field('endpoint-base-url', litellm).value).toBe('http://localhost:4000/v1');
    expect(field('endpoint-key-env', litellm).value).toBe('LITELLM_API_KEY');
    expect(field('endpoint-key-env', litellm).placeholder).toBe('OPENAI_API_KEY');
    expect(litellm.textContent).toContain('the key itself is never stored');
    expect(document.activeElement).toBe(field('endpoint-name', litellm));

    const again = await addPreset('LiteLLM');
    expect(field('endpoint-name', again).value).toBe('LiteLLM 2');

    const custom = await addPreset('');
    expect([field('endpoint-name', custom).value, field('endpoint-base-url', custom).value, field('endpoint-key-env', custom).value]).toEqual(['', '', '']);
    expect(field('endpoint-timeout', custom).value).toBe('120');
    expect(field('endpoint-attempts', custom).value).toBe('3');

    await fireEvent.click(within(again).getByTestId('endpoint-remove'));
    expect(endpointsShown().map((e) => field('endpoint-name', e).value)).toEqual(['LiteLLM', '']);
  });

  it('tests the unsaved values: a spinner, then the models and the time, or the error', async () => {
    const { host } = await open();
    const ollama = await addPreset('Ollama');
    expect(within(ollama).getByText('Not tested')).toBeTruthy();

    const sent: EndpointConfig[] = [];
    const gate = deferred();
    installHandlers({
      endpoints_test: async (req) => {
        sent.push(req);
        await gate.promise;
        return host.call('endpoints_test', req);
      },
    });
    await fireEvent.click(within(ollama).getByTestId('endpoint-test'));
    expect(within(ollama).getByTestId('endpoint-testing').textContent).toContain('Testing…');
    expect((within(ollama).getByTestId('endpoint-test') as HTMLButtonElement).disabled).toBe(true);
    gate.resolve();
    const ok = await within(ollama).findByTestId('endpoint-test-result');
    expect(ok.dataset.ok).toBe('true');
    expect(ok.textContent!.trim()).toBe('Connected · 3 models · 42 ms');
    expect(ollama.textContent).toContain('llama3.2:latest, mistral:7b-instruct, qwen2.5:0.5b');
    expect(sent).toEqual([
      { name: 'Ollama', baseUrl: 'http://localhost:11434/v1', apiKeyEnv: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 500 },
    ]);

    // Changing the address makes the result stale; the next test uses the new value.
    await fireEvent.input(field('endpoint-base-url', ollama), { target: { value: 'https://llm.example.com/v1/' } });
    expect(within(ollama).queryByTestId('endpoint-test-result')).toBeNull();
    await fireEvent.click(within(ollama).getByTestId('endpoint-test'));
    const bad = await within(ollama).findByTestId('endpoint-test-result');
    expect(bad.dataset.ok).toBe('false');
    expect(bad.textContent).toContain('cannot reach https://llm.example.com/v1/models');
    expect(sent[1]!.baseUrl).toBe('https://llm.example.com/v1/');

    // A number that is not one is caught before any call.
    await fireEvent.input(field('endpoint-timeout', ollama), { target: { value: 'soon' } });
    await fireEvent.click(within(ollama).getByTestId('endpoint-test'));
    await waitFor(() =>
      expect(within(ollama).getByTestId('endpoint-test-result').textContent).toContain(
        'endpoint `Ollama`: the timeout `soon` is not a whole number of seconds: use one like 120',
      ),
    );
    expect(sent).toHaveLength(2);
  });

  it("saves local models and endpoints as typed, and shows the engine's message naming the endpoint", async () => {
    const { host, onsaved, onclose } = await open({
      prepare: (host) => {
        host.state.settings.endpoints = [
          { name: 'Gateway', baseUrl: 'https://gw.example.com/v1', apiKeyEnv: 'GW_KEY', timeoutSecs: 60, maxAttempts: 2, initialBackoffMs: 250 },
        ];
      },
    });
    const saves: AppSettings[] = [];
    installHandlers({ settings_save: (req) => (saves.push(req), host.call('settings_save', req)) });

    const gateway = endpointsShown()[0]!;
    expect(field('endpoint-name', gateway).value).toBe('Gateway');
    expect(field('endpoint-key-env', gateway).value).toBe('GW_KEY');
    expect(field('endpoint-backoff', gateway).value).toBe('250');

    await fireEvent.input(field('settings-local-threads'), { target: { value: '0' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('settings-error')).textContent).toBe('local models: 0 threads is not possible; use 1 to 256');

    await fireEvent.input(field('settings-local-threads'), { target: { value: '6' } });
    await fireEvent.input(field('settings-local-context'), { target: { value: '8192' } });
    const ollama = await addPreset('Ollama');
    await fireEvent.input(field('endpoint-name', ollama), { target: { value: 'gateway' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-error').textContent).toBe('two endpoints are named `gateway`: names must differ'));

    await fireEvent.input(field('endpoint-name', ollama), { target: { value: ' Ollama ' } });
    await fireEvent.input(field('endpoint-key-env', ollama), { target: { value: 'sk-live-123' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() =>
      expect(screen.getByTestId('settings-error').textContent).toMatch(/^endpoint `Ollama`: the key setting is not an environment variable name/),
    );
    expect(screen.getByTestId('settings-error').textContent).not.toContain('sk-live-123');
    expect(onsaved).not.toHaveBeenCalled();

    await fireEvent.input(field('endpoint-key-env', ollama), { target: { value: '' } });
    await fireEvent.keyDown(field('endpoint-base-url', ollama), { key: 'Enter' });
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    const bedrock = { profile: null, region: null, endpointUrl: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 1000 };
    expect(saves.at(-1)).toEqual({
      bedrock,
      local: { threads: 6, context: 8192 },
      runs: { confirmAboveUsd: 1, concurrency: 4 },
      rater: { name: '', email: '' },
      endpoints: [
        { name: 'Gateway', baseUrl: 'https://gw.example.com/v1', apiKeyEnv: 'GW_KEY', timeoutSecs: 60, maxAttempts: 2, initialBackoffMs: 250 },
        { name: 'Ollama', baseUrl: 'http://localhost:11434/v1', apiKeyEnv: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 500 },
      ],
    });
    expect(onsaved).toHaveBeenCalledWith(host.state.settings);
    expect(host.state.settings.endpoints.map((e) => e.name)).toEqual(['Gateway', 'Ollama']);
  });
});
