// A stand-in for the engine's Bedrock commands, for the mock host: settings kept in memory, a
// small catalog with prices, and "Try it" answers streamed word by word with timers.
//
// Model ids that behave differently, to click through the failure paths in a browser:
// - a Claude Sonnet 4.5 id without a `us.` / `global.` prefix fails with `needsInferenceProfile`
//   and suggests the `us.` inference profile;
// - an id containing `flaky` breaks the stream halfway (`streamBroken`, with the partial text).
// Local and OpenAI-compatible models stream the same way when `mockProviders` finds them.

import type {
  AppSettings,
  BedrockSettings,
  BlueprintContent,
  Catalog,
  CatalogModel,
  ChatMessage,
  ChatRequest,
  Price,
  ProviderError,
  RaterIdentity,
  RunsConfig,
  TryRunReq,
  TryRunRes,
  Usage,
} from '../../bindings';
import { engineError, type Emit, type Req, type Res } from '../host';
import { mockRender } from './mockTemplates';
import type { MockState } from './mockHost';
import { defaultMockLocalConfig, mockEndpointProblem, mockLocalProblem, validEndpoints, validLocal } from './mockProviders';

/** A call in flight. */
export interface MockRun {
  cancel: () => void;
}

export const MOCK_PRICES_AS_OF = '2026-11-27';
const PRICE_SOURCE = 'https://aws.amazon.com/bedrock/pricing/ (on-demand, us-east-1)';
const PROFILE_PREFIXES = ['us.', 'eu.', 'apac.', 'global.', 'us-gov.'];

export function defaultMockSettings(): AppSettings {
  return {
    bedrock: { profile: null, region: null, endpointUrl: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 1000 },
    local: defaultMockLocalConfig(),
    endpoints: [],
    runs: { confirmAboveUsd: 1, concurrency: 4 },
    rater: { name: '', email: '' },
  };
}

function validRuns(r: RunsConfig): RunsConfig {
  if (!Number.isFinite(r.confirmAboveUsd) || r.confirmAboveUsd < 0) {
    throw engineError('invalid', 'runs: the amount to confirm above must be zero or more dollars');
  }
  if (!(r.concurrency >= 1 && r.concurrency <= 256)) {
    throw engineError('invalid', `runs: a concurrency of ${r.concurrency} is not possible; use 1 to 256`);
  }
  return { ...r };
}

/** The rater identity as the engine checks it: both or neither, a well-formed email. */
function validRater(r: RaterIdentity): RaterIdentity {
  const name = (r.name ?? '').trim();
  const email = (r.email ?? '').trim();
  if ([...name].length > 100) throw engineError('invalid', 'rater: a name is at most 100 characters');
  if (email) {
    const at = email.indexOf('@');
    if (!(at > 0 && at + 1 < email.length) || /\s/.test(email) || email.length > 254) {
      throw engineError('invalid', `rater: "${email}" is not an email address (name@example.com)`);
    }
  }
  if (!name !== !email) throw engineError('invalid', 'rater: give both a name and an email, or neither');
  return { name, email };
}

type Prices = [input: number, output: number, cacheRead?: number, cacheWrite?: number];

function entry(id: string, name: string, providerName: string, contextWindow: number | null, p: Prices | null): CatalogModel {
  const base = baseModelId(id);
  const price: Price | null = p ? { input: p[0], output: p[1], cacheRead: p[2] ?? null, cacheWrite: p[3] ?? null } : null;
  return { id, baseModelId: base, name, providerName, contextWindow, viaProfile: base !== id, price, streaming: true };
}

/** The catalog the mock serves: a few models of each kind, one without a price. */
export function mockCatalogModels(): CatalogModel[] {
  return [
    entry('amazon.nova-lite-v1:0', 'Nova Lite', 'Amazon', 300_000, [0.06, 0.24, 0.015]),
    entry('amazon.nova-micro-v1:0', 'Nova Micro', 'Amazon', 128_000, [0.035, 0.14, 0.00875]),
    entry('amazon.nova-pro-v1:0', 'Nova Pro', 'Amazon', 300_000, [0.8, 3.2, 0.2]),
    entry('anthropic.claude-3-5-haiku-20241022-v1:0', 'Claude 3.5 Haiku', 'Anthropic', 200_000, [0.8, 4, 0.08, 1]),
    entry('us.anthropic.claude-haiku-4-5-20251001-v1:0', 'Claude Haiku 4.5', 'Anthropic', 200_000, [1.1, 5.5, 0.11, 1.375]),
    entry('us.anthropic.claude-sonnet-4-5-20250929-v1:0', 'Claude Sonnet 4.5', 'Anthropic', 200_000, [3.3, 16.5, 0.33, 4.125]),
    entry('cohere.command-r-v1:0', 'Command R', 'Cohere', 128_000, null),
    entry('meta.llama3-3-70b-instruct-v1:0', 'Llama 3.3 70B Instruct', 'Meta', 128_000, [0.72, 0.72]),
    entry('mistral.mistral-large-2407-v1:0', 'Mistral Large (24.07)', 'Mistral AI', 128_000, [2, 6]),
  ];
}

/** The foundation model behind an inference-profile id (`us.anthropic…` → `anthropic…`). */
export function baseModelId(id: string): string {
  const prefix = PROFILE_PREFIXES.find((p) => id.startsWith(p));
  return prefix ? id.slice(prefix.length) : id;
}

export function priceOf(modelId: string): Price | null {
  const models = mockCatalogModels();
  const own = models.find((m) => m.id === modelId);
  if (own) return own.price;
  const base = baseModelId(modelId);
  return models.find((m) => m.id === base || m.baseModelId === base)?.price ?? null;
}

export function costUsd(price: Price, u: Usage): number {
  const per = (count: number, perMillion: number) => (count * perMillion) / 1_000_000;
  return (
    per(u.inputTokens, price.input) +
    per(u.outputTokens, price.output) +
    per(u.cacheReadTokens, price.cacheRead ?? price.input) +
    per(u.cacheWriteTokens, price.cacheWrite ?? price.input)
  );
}

// ---- settings ---------------------------------------------------------------------------

function validSettings(s: BedrockSettings): BedrockSettings {
  const clean = (v: string | null) => (v === null || v.trim() === '' ? null : v.trim());
  const out: BedrockSettings = { ...s, profile: clean(s.profile), region: clean(s.region), endpointUrl: clean(s.endpointUrl) };
  const url = out.endpointUrl;
  if (url !== null) {
    const malformed = (why: string) =>
      engineError(
        'invalid',
        `the endpoint URL \`${url}\` is malformed (${why}): use a URL like \`https://bedrock-runtime.us-east-1.amazonaws.com\` or \`http://127.0.0.1:4000\``,
      );
    if (!/^https?:\/\//.test(url)) throw malformed('it must start with http:// or https://');
    if (/\s/.test(url)) throw malformed('it contains spaces');
    if (/^https?:\/\/[^/?#]*@/.test(url)) throw malformed('it must not contain credentials');
  }
  if (out.region !== null && !/^[a-z0-9-]+$/.test(out.region)) {
    throw engineError('invalid', `the region \`${out.region}\` is not a region name: use one like \`us-east-1\``);
  }
  if (!(out.timeoutSecs >= 1)) throw engineError('invalid', 'the timeout must be at least 1 second');
  if (!(out.maxAttempts >= 1)) throw engineError('invalid', 'the number of attempts must be at least 1');
  return out;
}

// ---- try it -----------------------------------------------------------------------------

export const tokens = (text: string) => (text ? Math.max(1, Math.ceil(text.length / 4)) : 0);

export function chatRequest(content: BlueprintContent, rendered: Array<{ role: string; text: string }>): ChatRequest {
  const system: string[] = [];
  const messages: ChatMessage[] = [];
  for (const m of rendered) {
    if (m.role === 'system') system.push(m.text);
    else messages.push({ role: m.role === 'assistant' ? 'assistant' : 'user', text: m.text });
  }
  if (messages.length === 0) {
    throw engineError('invalid', 'the prompt has no user message: add one (a system prompt alone cannot be sent)');
  }
  const m = content.model;
  if (m.modelId.trim() === '') throw engineError('invalid', 'no model id: choose a model for this version');
  return {
    modelId: m.modelId.trim(),
    system: system.length ? system.join('\n\n') : null,
    messages,
    params: { maxTokens: m.maxTokens, temperature: m.temperature, topP: m.topP, stopSequences: [...m.stopSequences] },
    extraFields: m.extraFields ?? null,
    guardrail: m.guardrail ? { ...m.guardrail } : null,
    cachePoint: m.cachePrompt ?? false,
  };
}

export function cannedAnswer(req: ChatRequest): string {
  const name = mockCatalogModels().find((m) => m.id === req.modelId)?.name ?? req.modelId;
  const last = [...req.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const gist = last.replace(/\s+/g, ' ').trim();
  const quoted = gist.length > 90 ? `${gist.slice(0, 90)}…` : gist;
  return (
    `Thanks for the message. This is ${name}, answering from Galley's mock host: nothing left this machine.\n\n` +
    `You wrote: “${quoted}”\n\n` +
    'A real model would reply here. The words arrive one by one, the way models stream them, ' +
    'so you can watch the answer grow and then read its token counts, latency and cost.'
  );
}

export function needsProfile(modelId: string): ProviderError | null {
  if (!modelId.includes('sonnet-4-5') || modelId.startsWith('us.') || modelId.startsWith('global.')) return null;
  const suggested = `us.${modelId}`;
  return {
    code: 'needsInferenceProfile',
    message: `\`${modelId}\` can only be called through an inference profile: use \`${suggested}\``,
    partialText: null,
    suggestedModelId: suggested,
  };
}

function startRun(st: MockState, { runId, content, values }: TryRunReq, emit: Emit<'tryrun_start'>): Promise<TryRunRes> {
  const rendered = mockRender(content, values);
  if (rendered.issues.length) {
    const list = rendered.issues.map((i) => `${i.place} line ${i.line}, column ${i.column}: ${i.message}`);
    throw engineError('invalid', `cannot render: ${list.join('; ')}`);
  }
  const request = chatRequest(content, rendered.messages);
  const provider = content.model.provider;
  // Local and endpoint models answer like Bedrock's, once the model or endpoint is there.
  let unavailable: ProviderError | null = null;
  if (provider === 'local') unavailable = mockLocalProblem(st, request.modelId);
  else if (provider === 'openai') unavailable = mockEndpointProblem(st, content.model.endpoint);
  else if (provider !== 'bedrock') {
    throw engineError('invalid', `the provider \`${provider}\` is not known: choose \`local\`, \`bedrock\` or \`openai\` in Model settings`);
  }
  if (unavailable) return Promise.resolve({ request, outcome: null, error: unavailable, costUsd: null });
  const delay = st.streamDelayMs;
  const started = performance.now();

  return new Promise((resolve) => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let text = '';
    let ttftMs: number | null = null;
    const finish = (res: TryRunRes) => {
      clearTimeout(timer);
      st.running.delete(runId);
      resolve(res);
    };
    const fail = (error: ProviderError) => finish({ request, outcome: null, error, costUsd: null });
    st.running.set(runId, {
      cancel: () =>
        fail({ code: 'cancelled', message: 'the call was cancelled: the text that had arrived is kept', partialText: text || null, suggestedModelId: null }),
    });

    const refused = provider === 'bedrock' ? needsProfile(request.modelId) : null;
    if (refused) {
      timer = setTimeout(() => fail(refused), delay * 3);
      return;
    }

    const words = cannedAnswer(request).match(/\S+\s*/g) ?? [];
    const limit = request.params.maxTokens ?? Number.POSITIVE_INFINITY;
    const breakAt = request.modelId.includes('flaky') ? Math.floor(words.length / 2) : -1;
    let sent = 0;

    const done = () => {
      const stopReason = sent < words.length ? 'max_tokens' : 'end_turn';
      const system = request.system ?? '';
      const prompt = tokens(system) + request.messages.reduce((n, m) => n + tokens(m.text), 0);
      const usage: Usage = { inputTokens: prompt, outputTokens: sent, cacheReadTokens: 0, cacheWriteTokens: 0 };
      if (request.cachePoint && system) {
        const key = `${request.modelId}\n${system}`;
        if (st.cached.has(key)) usage.cacheReadTokens = tokens(system);
        else usage.cacheWriteTokens = tokens(system);
        st.cached.add(key);
        usage.inputTokens -= tokens(system);
      }
      emit({ type: 'stopped', data: stopReason });
      emit({ type: 'usage', data: usage });
      // Local models cost nothing; endpoints have no price table.
      const price = provider === 'bedrock' ? priceOf(request.modelId) : null;
      finish({
        request,
        outcome: {
          text,
          stopReason,
          usage,
          ttftMs,
          latencyMs: Math.round(performance.now() - started),
          guardrailTrace: request.guardrail?.trace ? { action: 'NONE', note: 'mock guardrail: nothing to report' } : null,
          partial: false,
        },
        error: null,
        costUsd: provider === 'local' ? 0 : price ? costUsd(price, usage) : null,
      });
    };

    const tick = () => {
      if (sent === breakAt) {
        fail({
          code: 'streamBroken',
          message: 'the answer stream broke before the model finished (mock): run again, or raise the timeout in Settings',
          partialText: text || null,
          suggestedModelId: null,
        });
        return;
      }
      const word = words[sent];
      if (word === undefined || sent >= limit) {
        done();
        return;
      }
      sent++;
      text += word;
      ttftMs ??= Math.round(performance.now() - started);
      emit({ type: 'textDelta', data: word });
      timer = setTimeout(tick, delay);
    };

    emit({ type: 'started' });
    timer = setTimeout(tick, delay * 4);
  });
}

type BedrockCommands = 'settings_get' | 'settings_save' | 'aws_profiles_list' | 'models_catalog' | 'prices_info' | 'tryrun_start' | 'tryrun_cancel';
type BedrockImpl = { [C in BedrockCommands]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

export function mockBedrock(st: MockState): BedrockImpl {
  return {
    settings_get: () => structuredClone(st.settings),
    settings_save: (req) => {
      const bedrock = validSettings(req.bedrock);
      const local = validLocal(req.local);
      st.settings = { bedrock, local, endpoints: validEndpoints(req.endpoints), runs: validRuns(req.runs), rater: req.rater === undefined ? st.settings.rater : validRater(req.rater) };
      return structuredClone(st.settings);
    },
    aws_profiles_list: () => ({ profiles: [...st.profiles] }),
    models_catalog: (): Catalog => ({
      models: mockCatalogModels(),
      offline: st.catalogOffline !== null,
      offlineReason: st.catalogOffline,
      pricesAsOf: MOCK_PRICES_AS_OF,
    }),
    prices_info: () => ({
      asOf: MOCK_PRICES_AS_OF,
      source: PRICE_SOURCE,
      overridesFile: '~/.local/share/galley/prices.json',
      overridesPresent: false,
    }),
    tryrun_start: (req, emit) => startRun(st, req, emit),
    tryrun_cancel: ({ runId }) => {
      const run = st.running.get(runId);
      run?.cancel();
      return run !== undefined;
    },
  };
}
