// The OpenAI-compatible endpoints saved in Settings and, per endpoint, the models it serves: read
// when the model settings need them, and replaced when Settings are saved.

import type { EndpointConfig, EngineError } from '../bindings';
import { call } from '../lib/host';

export interface ServedModels {
  models: string[] | null;
  error: string | null;
  loading: boolean;
}

export class Endpoints {
  configs = $state<EndpointConfig[] | null>(null);
  loading = $state(false);
  error = $state<string | null>(null);
  private served = $state<Record<string, ServedModels>>({});
  private seq = 0;
  private servedSeq = new Map<string, number>();

  get names(): string[] | undefined {
    return this.configs?.map((e) => e.name);
  }

  config(name: string | undefined): EndpointConfig | undefined {
    if (name === undefined) return undefined;
    return this.configs?.find((e) => e.name.toLowerCase() === name.trim().toLowerCase());
  }

  /** Reads the saved endpoints unless they are here or on their way. */
  ensure(): void {
    if (this.configs === null && !this.loading) void this.load();
  }

  async load(): Promise<void> {
    const seq = ++this.seq;
    this.loading = true;
    this.error = null;
    try {
      const settings = await call('settings_get');
      if (seq === this.seq) this.use(settings.endpoints);
    } catch (e) {
      if (seq === this.seq) this.error = (e as EngineError).message;
    } finally {
      if (seq === this.seq) this.loading = false;
    }
  }

  /** Takes the endpoints as saved; model lists are asked for again. */
  use(configs: EndpointConfig[]): void {
    this.seq++;
    this.loading = false;
    this.error = null;
    this.configs = configs;
    this.served = {};
    this.servedSeq.clear();
  }

  /** What `name` serves, as far as known. */
  modelsOf(name: string): ServedModels | undefined {
    return this.served[name];
  }

  /** Asks `name` for its models unless they are known or on their way. */
  ensureModels(name: string): void {
    if (!this.served[name]) void this.loadModels(name);
  }

  async loadModels(name: string): Promise<string[] | undefined> {
    const seq = (this.servedSeq.get(name) ?? 0) + 1;
    this.servedSeq.set(name, seq);
    const previous = this.served[name]?.models ?? null;
    this.served[name] = { models: previous, error: null, loading: true };
    try {
      const models = await call('endpoints_models', { name });
      if (this.servedSeq.get(name) === seq) this.served[name] = { models, error: null, loading: false };
      return models;
    } catch (e) {
      if (this.servedSeq.get(name) === seq) {
        this.served[name] = { models: null, error: (e as EngineError).message, loading: false };
      }
      return undefined;
    }
  }
}
