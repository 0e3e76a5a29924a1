// Changing a blueprint's provider or endpoint in the model settings: the model lands on one that
// provider has (what it had before in this editor, else its first choice), and for an endpoint,
// once its model list arrives, on a model it serves. The lists load asynchronously; an answer that
// comes after the content moved on (another blueprint, another provider) changes nothing.

import type { ModelSettings } from '../bindings';
import type { Session } from '../workbench/session.svelte';
import type { Endpoints } from './endpoints.svelte';
import type { LocalModels } from './localModels.svelte';
import { modelForEndpoint, switchProvider, type Remembered } from './providers';

export class ModelChoice {
  /** What each provider was set to before a switch, to come back to it. */
  private remembered: Partial<Record<string, Remembered>> = {};

  constructor(
    private session: Session,
    private local: LocalModels,
    private endpoints: Endpoints,
  ) {}

  async provider(next: string): Promise<void> {
    const m = this.session.content.model;
    if (next === m.provider) return;
    this.remembered[m.provider] = { modelId: m.modelId, endpoint: m.endpoint };
    switchProvider(m, next, {
      localModels: this.local.models,
      endpoints: this.endpoints.names,
      endpointModels: (name) => this.endpoints.modelsOf(name)?.models ?? undefined,
      remembered: this.remembered,
    });
    this.session.changed();
    if (next !== 'openai') return;
    if (this.endpoints.configs === null) {
      // Not read yet: take the first endpoint once they are.
      await this.endpoints.load();
      const first = this.endpoints.names?.[0];
      if (!this.current(m) || m.provider !== 'openai' || m.endpoint !== undefined || !first) return;
      m.endpoint = first;
      this.session.changed();
    }
    if (m.endpoint && m.modelId === '') await this.settle(m, m.endpoint);
  }

  async endpoint(name: string): Promise<void> {
    const m = this.session.content.model;
    if (name) m.endpoint = name;
    else delete m.endpoint;
    this.session.changed();
    if (name) await this.settle(m, name);
  }

  private current(m: ModelSettings): boolean {
    return this.session.content.model === m;
  }

  /** Once the endpoint's models are known, lands on one it serves unless the model id is one. */
  private async settle(m: ModelSettings, name: string): Promise<void> {
    const list = this.endpoints.modelsOf(name)?.models ?? (await this.endpoints.loadModels(name));
    if (!this.current(m) || m.provider !== 'openai' || m.endpoint !== name) return;
    const next = modelForEndpoint(m.modelId, list ?? undefined);
    if (next !== m.modelId) {
      m.modelId = next;
      this.session.changed();
    }
  }
}
