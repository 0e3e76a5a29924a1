// Where a model runs: the providers a blueprint can name, how they read, and what a model's
// settings become when its provider changes.

import type { LocalModelInfo, LocalModelSource, ModelSettings } from '../bindings';

export type Provider = 'local' | 'bedrock' | 'openai';

export const PROVIDERS: ReadonlyArray<{ id: Provider; label: string }> = [
  { id: 'local', label: 'Local (on this computer)' },
  { id: 'bedrock', label: 'Amazon Bedrock' },
  { id: 'openai', label: 'OpenAI-compatible' },
];

/** The model new blueprints use, installed by `make model`. */
export const DEFAULT_LOCAL_MODEL_ID = 'SmolLM2-135M-Instruct';

export const SOURCE_LABELS: Record<LocalModelSource, string> = {
  default: 'default',
  folder: 'models folder',
  picked: 'picked file',
  ollama: 'Ollama',
};

/** The default local model's id as the engine lists it (it is always first). */
export function defaultLocalId(models: LocalModelInfo[] | undefined): string {
  return models?.find((m) => m.source === 'default')?.id ?? DEFAULT_LOCAL_MODEL_ID;
}

/** What a provider was last set to in this editor, to come back to. */
export interface Remembered {
  modelId: string;
  endpoint?: string;
}

export interface SwitchContext {
  /** The local models, when known. */
  localModels?: LocalModelInfo[];
  /** The saved endpoint names, when known. */
  endpoints?: string[];
  /** The models an endpoint serves, when known. */
  endpointModels?: (name: string) => string[] | undefined;
  /** What each provider was set to before, in this editor. */
  remembered?: Partial<Record<string, Remembered>>;
}

/**
 * Points `model` at another provider, keeping every parameter: the model id becomes what that
 * provider had before, else its sensible first choice (the default local model; the first
 * endpoint and its first model; for Bedrock, nothing until one is picked from the catalog).
 * `endpoint` is kept for `openai` only.
 */
export function switchProvider(model: ModelSettings, provider: string, ctx: SwitchContext = {}): void {
  const before = ctx.remembered?.[provider];
  model.provider = provider;
  if (provider === 'openai') {
    const names = ctx.endpoints ?? [];
    const endpoint = before?.endpoint && names.includes(before.endpoint) ? before.endpoint : names[0];
    if (endpoint === undefined) delete model.endpoint;
    else model.endpoint = endpoint;
    const served = endpoint === undefined ? undefined : ctx.endpointModels?.(endpoint);
    if (before && before.endpoint === endpoint) model.modelId = before.modelId;
    else model.modelId = served?.[0] ?? '';
    return;
  }
  delete model.endpoint;
  if (provider === 'local') model.modelId = before?.modelId ?? defaultLocalId(ctx.localModels);
  else model.modelId = before?.modelId ?? '';
}

/** The model an endpoint switch lands on: the current one when the endpoint serves it, else its first. */
export function modelForEndpoint(current: string, served: string[] | undefined): string {
  if (!served || served.length === 0 || served.includes(current.trim())) return current;
  return served[0]!;
}
