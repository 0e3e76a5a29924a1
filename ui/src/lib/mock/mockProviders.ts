// A stand-in for the engine's local-model and OpenAI-compatible endpoint commands, for the mock
// host: what it finds on "this computer", which paths it accepts, and which servers answer.
//
// To click through every path in a browser:
// - a path that does not start with `/` is not a full path; one not ending in `.gguf` is not a
//   GGUF file; one containing `missing` does not exist; any other `/….gguf` is accepted;
// - an endpoint answers when its host is `localhost` or `127.0.0.1` (with the models of
//   `MOCK_SERVED_MODELS`); any other host cannot be reached.

import type {
  EndpointConfig,
  EndpointPreset,
  EndpointTestRes,
  LocalConfig,
  LocalModelInfo,
  LocalModelsRes,
  ProviderError,
} from '../../bindings';
import { engineError, type Emit, type Req, type Res } from '../host';
import type { MockState } from './mockHost';

export const MOCK_MODELS_DIR = '/home/you/.cache/galley/models';
export const MOCK_OLLAMA_DIR = '/home/you/.ollama/models';
export const MOCK_DEFAULT_MODEL_ID = 'SmolLM2-135M-Instruct';
/** What a reachable mock endpoint serves. */
export const MOCK_SERVED_MODELS = ['llama3.2:latest', 'mistral:7b-instruct', 'qwen2.5:0.5b'];
/** The engine's words when the default model is not installed. */
export const DEFAULT_MISSING =
  'the default model is not installed: run `make model` (or scripts/fetch-model.sh), or pick another GGUF file';

/** The models on "this computer", apart from the files picked in Settings. */
export interface MockLocal {
  modelsDir: string;
  ollamaDir: string | null;
  /** The default model, then the models folder, then Ollama's models. */
  found: LocalModelInfo[];
  /** Files added in Settings, by full path. */
  picked: string[];
}

export function defaultMockLocal(): MockLocal {
  return {
    modelsDir: MOCK_MODELS_DIR,
    ollamaDir: MOCK_OLLAMA_DIR,
    found: [
      {
        id: MOCK_DEFAULT_MODEL_ID,
        path: `${MOCK_MODELS_DIR}/SmolLM2-135M-Instruct-Q4_1.gguf`,
        source: 'default',
        sizeBytes: 98_362_432,
        problem: null,
      },
      {
        id: 'ollama/llama3.2:latest',
        path: `${MOCK_OLLAMA_DIR}/blobs/sha256-dde5aa3fc5ffc17176b5e8bdc82f587b24b2678c6c66101bf7da77af9f7ccdff`,
        source: 'ollama',
        sizeBytes: 2_019_393_189,
        problem: null,
      },
    ],
    picked: [],
  };
}

/** Takes the default model away, as before `make model`. */
export function removeMockDefaultModel(st: MockState): void {
  const d = st.local.found.find((m) => m.source === 'default');
  if (d) {
    d.sizeBytes = null;
    d.problem = DEFAULT_MISSING;
  }
}

export function defaultMockLocalConfig(): LocalConfig {
  return { threads: 4, context: 4096 };
}

const ORDER = ['default', 'folder', 'picked', 'ollama'];

function fileName(path: string): string {
  return path.split('/').pop() ?? path;
}

function fileId(path: string): string {
  const name = fileName(path);
  return name.toLowerCase().endsWith('.gguf') ? name.slice(0, -5) : name;
}

/** A picked file's size: made up, but the same for the same path. */
function pickedSize(path: string): number {
  let h = 0;
  for (let i = 0; i < path.length; i++) h = (Math.imul(31, h) + path.charCodeAt(i)) | 0;
  return 400_000_000 + ((h >>> 0) % 4_000_000_000);
}

function listLocal(st: MockState): LocalModelsRes {
  const picked: LocalModelInfo[] = st.local.picked.map((path) => ({
    id: fileId(path),
    path,
    source: 'picked',
    sizeBytes: path.includes('moved') ? null : pickedSize(path),
    problem: path.includes('moved') ? `the file is missing: ${path}` : null,
  }));
  const all = [...st.local.found, ...picked].sort((a, b) => ORDER.indexOf(a.source) - ORDER.indexOf(b.source));
  const seen = new Set<string>();
  return {
    modelsDir: st.local.modelsDir,
    ollamaDir: st.local.ollamaDir,
    models: structuredClone(all.filter((m) => !seen.has(m.id) && seen.add(m.id))),
  };
}

function addLocal(st: MockState, raw: string): LocalModelsRes {
  const path = raw.trim();
  if (!path.startsWith('/')) {
    throw engineError('invalid', `\`${path}\` is not a full path: pick the file, or give its path from \`/\``);
  }
  if (path.includes('missing')) {
    throw engineError('invalid', `the local model file \`${path}\` does not exist: pick a GGUF file in Settings`);
  }
  if (path.endsWith('/')) {
    throw engineError('invalid', `\`${path}\` is not a usable GGUF model (it is a folder, not a file): pick a \`.gguf\` file of a chat model`);
  }
  if (!path.toLowerCase().endsWith('.gguf')) {
    throw engineError(
      'invalid',
      `\`${path}\` is not a usable GGUF model (it does not start with the GGUF signature): pick a \`.gguf\` file of a chat model`,
    );
  }
  if (!st.local.picked.includes(path)) st.local.picked.push(path);
  return listLocal(st);
}

function removeLocal(st: MockState, raw: string): LocalModelsRes {
  const path = raw.trim();
  if (!st.local.picked.includes(path)) throw engineError('notFound', `\`${path}\` is not among the picked model files`);
  st.local.picked = st.local.picked.filter((p) => p !== path);
  return listLocal(st);
}

/** Why the local model `id` cannot run, as the engine words it; null when it can. */
export function mockLocalProblem(st: MockState, id: string): ProviderError | null {
  const models = listLocal(st).models;
  const model = models.find((m) => m.id === id);
  const fail = (message: string): ProviderError => ({ code: 'modelNotFound', message, partialText: null, suggestedModelId: null });
  if (!model) {
    const known = models.filter((m) => m.sizeBytes !== null).map((m) => `\`${m.id}\``);
    return fail(
      `no local model \`${id}\` on this machine (models here: ${known.length ? known.join(', ') : 'none'}): ` +
        `put its GGUF file in ${st.local.modelsDir} or pick it in Settings`,
    );
  }
  if (model.sizeBytes === null) {
    return fail(
      model.source === 'default'
        ? 'the default local model is not installed: run `make model` (or scripts/fetch-model.sh), or pick a GGUF file in Settings'
        : `the local model file \`${model.path}\` does not exist: pick a GGUF file in Settings`,
    );
  }
  return null;
}

// ---- endpoints ----------------------------------------------------------------------------

const PRESETS: EndpointPreset[] = [
  { name: 'Ollama', baseUrl: 'http://localhost:11434/v1', apiKeyEnv: null },
  { name: 'vLLM', baseUrl: 'http://localhost:8000/v1', apiKeyEnv: null },
  { name: 'LM Studio', baseUrl: 'http://localhost:1234/v1', apiKeyEnv: null },
  { name: 'LiteLLM', baseUrl: 'http://localhost:4000/v1', apiKeyEnv: 'LITELLM_API_KEY' },
  { name: 'OpenAI', baseUrl: 'https://api.openai.com/v1', apiKeyEnv: 'OPENAI_API_KEY' },
];

type Checked = { ok: true; value: EndpointConfig } | { ok: false; error: ProviderError };

function providerError(code: ProviderError['code'], message: string): ProviderError {
  return { code, message, partialText: null, suggestedModelId: null };
}

/** The endpoint's settings as the engine reads them, or why they are not usable. */
function checkEndpoint(e: EndpointConfig): Checked {
  const baseUrl = e.baseUrl.trim().replace(/\/+$/, '');
  const malformed = (why: string): Checked => ({
    ok: false,
    error: providerError(
      'endpoint',
      `the base URL \`${baseUrl}\` is not usable (${why}): use a URL like \`http://localhost:11434/v1\` or \`https://api.openai.com/v1\``,
    ),
  });
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return malformed(baseUrl.includes('://') ? 'it is not a URL' : 'it must start with http:// or https://');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return malformed('it must start with http:// or https://');
  if (!url.hostname) return malformed('it has no host');
  if (url.username || url.password) return malformed('it must not contain credentials; name the key\'s variable instead');
  if (url.search || url.hash) return malformed('it must not have a query or fragment');
  const key = e.apiKeyEnv?.trim() || null;
  if (key !== null && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
    return {
      ok: false,
      error: providerError(
        'invalidRequest',
        'the key setting is not an environment variable name (letters, digits and `_`): give the name of the variable ' +
          'that holds the key, like `OPENAI_API_KEY`, not the key itself',
      ),
    };
  }
  if (!(e.timeoutSecs >= 1)) return { ok: false, error: providerError('invalidRequest', 'the timeout must be at least 1 second') };
  if (!(e.maxAttempts >= 1)) return { ok: false, error: providerError('invalidRequest', 'the number of attempts must be at least 1') };
  return { ok: true, value: { ...e, name: e.name.trim(), baseUrl, apiKeyEnv: key } };
}

/** What one call to the endpoint's model list gives. */
function listServed(e: EndpointConfig): { models: string[] } | { error: ProviderError } {
  const checked = checkEndpoint(e);
  if (!checked.ok) return { error: checked.error };
  const host = new URL(checked.value.baseUrl).hostname;
  if (host === 'localhost' || host === '127.0.0.1') return { models: [...MOCK_SERVED_MODELS] };
  return {
    error: providerError(
      'endpoint',
      `cannot reach ${checked.value.baseUrl}/models (connection refused): check that the server is running and the base URL (mock: only localhost answers)`,
    ),
  };
}

/** The saved endpoint `name` (or the only one), or why a model call cannot use one. */
export function mockEndpoint(st: MockState, name: string | undefined): { endpoint: EndpointConfig } | { error: ProviderError } {
  const endpoints = st.settings.endpoints;
  const names = () => endpoints.map((e) => `\`${e.name}\``).join(', ');
  const wanted = name?.trim();
  if (wanted) {
    const found = endpoints.find((e) => e.name.toLowerCase() === wanted.toLowerCase());
    if (found) return { endpoint: found };
    return {
      error: providerError(
        'invalidRequest',
        endpoints.length === 0
          ? `no endpoint named \`${wanted}\`: add it under Settings → OpenAI-compatible endpoints`
          : `no endpoint named \`${wanted}\` (there are ${names()}): add it in Settings or choose another`,
      ),
    };
  }
  if (endpoints.length === 1) return { endpoint: endpoints[0]! };
  return {
    error: providerError(
      'invalidRequest',
      endpoints.length === 0
        ? 'no OpenAI-compatible endpoint is set up: add one under Settings → OpenAI-compatible endpoints'
        : `choose which endpoint runs this model (${names()}) in Model settings`,
    ),
  };
}

/** Why the endpoint cannot answer a chat call, or null when it can. */
export function mockEndpointProblem(st: MockState, name: string | undefined): ProviderError | null {
  const found = mockEndpoint(st, name);
  if ('error' in found) return found.error;
  const served = listServed(found.endpoint);
  return 'error' in served ? served.error : null;
}

/** The settings `settings_save` stores for local models and endpoints, checked as the engine does. */
export function validLocal(c: LocalConfig): LocalConfig {
  if (!(c.threads >= 1 && c.threads <= 256)) {
    throw engineError('invalid', `local models: ${c.threads} threads is not possible; use 1 to 256`);
  }
  if (!(c.context >= 256 && c.context <= 262_144)) {
    throw engineError('invalid', `local models: a context of ${c.context} tokens is not possible; use 256 to 262144`);
  }
  return { ...c };
}

export function validEndpoints(endpoints: EndpointConfig[]): EndpointConfig[] {
  const out: EndpointConfig[] = [];
  endpoints.forEach((e, i) => {
    const name = e.name.trim();
    if (!name) throw engineError('invalid', `endpoint ${i + 1} has no name: give it one, like \`Ollama\``);
    if ([...name].length > 40 || /\p{Cc}/u.test(name)) {
      throw engineError('invalid', `the endpoint name \`${name}\` is too long or has control characters (at most 40 characters)`);
    }
    if (out.some((o) => o.name.toLowerCase() === name.toLowerCase())) {
      throw engineError('invalid', `two endpoints are named \`${name}\`: names must differ`);
    }
    const checked = checkEndpoint({ ...e, name });
    if (!checked.ok) throw engineError('invalid', `endpoint \`${name}\`: ${checked.error.message}`);
    out.push(checked.value);
  });
  return out;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

type ProviderCommands =
  | 'local_models_list'
  | 'local_models_add'
  | 'local_models_remove'
  | 'endpoints_presets'
  | 'endpoints_test'
  | 'endpoints_models';
type ProviderImpl = { [C in ProviderCommands]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

export function mockProviders(st: MockState): ProviderImpl {
  return {
    local_models_list: () => listLocal(st),
    local_models_add: ({ path }) => addLocal(st, path),
    local_models_remove: ({ path }) => removeLocal(st, path),
    endpoints_presets: () => structuredClone(PRESETS),
    endpoints_test: async (req): Promise<EndpointTestRes> => {
      await sleep(st.streamDelayMs * 4);
      const served = listServed(req);
      if ('error' in served) return { ok: false, models: [], latencyMs: st.endpointLatencyMs, error: served.error };
      return { ok: true, models: served.models, latencyMs: st.endpointLatencyMs, error: null };
    },
    endpoints_models: async ({ name }) => {
      await sleep(st.streamDelayMs * 4);
      const found = mockEndpoint(st, name);
      if ('error' in found) throw engineError('invalid', found.error.message);
      const served = listServed(found.endpoint);
      if ('error' in served) throw engineError('invalid', served.error.message);
      return served.models;
    },
  };
}
