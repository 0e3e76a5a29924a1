// The Settings form as typed: every field as text until Save reads it into `AppSettings` (numbers
// are checked here so the message can name the field; the engine checks the rest). Endpoints can
// be tried with their unsaved values.

import type { AppSettings, EndpointConfig, EndpointPreset, EndpointTestRes } from '../bindings';
import { call, toEngineError } from '../lib/host';
import { parseCount, parseUsd } from './settingsForm';

export type Read<T> = { ok: true; value: T } | { ok: false; error: string };

/** Defaults of a new endpoint (the engine's). */
const NEW_ENDPOINT = { timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 500 };

type Count = { text: string; what: string; example: number };

/** Reads whole numbers, or says which one is not. */
function counts<K extends string>(fields: Record<K, Count>, prefix = ''): Read<Record<K, number>> {
  const out = {} as Record<K, number>;
  for (const key of Object.keys(fields) as K[]) {
    const f = fields[key];
    const n = parseCount(f.text);
    if (n === null) return { ok: false, error: `${prefix}${f.what.replace('{}', () => `\`${f.text}\``)}: use one like ${f.example}` };
    out[key] = n;
  }
  return { ok: true, value: out };
}

export type EndpointTest =
  | { state: 'idle' }
  | { state: 'testing' }
  /** The call was made: `res.ok` says whether it answered. */
  | { state: 'done'; res: EndpointTestRes }
  /** No call: the form or the engine refused first. */
  | { state: 'refused'; message: string };

/** One endpoint as typed. */
export class EndpointDraft {
  readonly key: number;
  name = $state('');
  baseUrl = $state('');
  keyEnv = $state('');
  timeout = $state('');
  attempts = $state('');
  backoff = $state('');
  test = $state<EndpointTest>({ state: 'idle' });
  private seq = 0;

  constructor(key: number, e: EndpointConfig) {
    this.key = key;
    this.name = e.name;
    this.baseUrl = e.baseUrl;
    this.keyEnv = e.apiKeyEnv ?? '';
    this.timeout = String(e.timeoutSecs);
    this.attempts = String(e.maxAttempts);
    this.backoff = String(e.initialBackoffMs);
  }

  /** How messages name it: `endpoint `Ollama`` or `endpoint 2`. */
  label(index: number): string {
    const name = this.name.trim();
    return name ? `endpoint \`${name}\`` : `endpoint ${index + 1}`;
  }

  read(index: number): Read<EndpointConfig> {
    const numbers = counts(
      {
        timeoutSecs: { text: this.timeout, what: 'the timeout {} is not a whole number of seconds', example: 120 },
        maxAttempts: { text: this.attempts, what: 'the number of attempts {} is not a whole number', example: 3 },
        initialBackoffMs: { text: this.backoff, what: 'the backoff {} is not a whole number of milliseconds', example: 500 },
      },
      `${this.label(index)}: `,
    );
    if (!numbers.ok) return numbers;
    return {
      ok: true,
      value: {
        name: this.name.trim(),
        baseUrl: this.baseUrl.trim(),
        apiKeyEnv: this.keyEnv.trim() || null,
        ...numbers.value,
      },
    };
  }

  /** A connection field changed: an earlier result no longer applies. */
  touched(): void {
    if (this.test.state === 'idle') return;
    this.seq++;
    this.test = { state: 'idle' };
  }

  /** One short call (the model list) with the values as typed. */
  async runTest(index: number): Promise<void> {
    const config = this.read(index);
    const seq = ++this.seq;
    if (!config.ok) {
      this.test = { state: 'refused', message: config.error };
      return;
    }
    this.test = { state: 'testing' };
    try {
      const res = await call('endpoints_test', config.value);
      if (seq === this.seq) this.test = { state: 'done', res };
    } catch (e) {
      if (seq === this.seq) this.test = { state: 'refused', message: toEngineError(e).message };
    }
  }
}

/** The whole form. */
export class SettingsDraft {
  profile = $state('');
  region = $state('');
  endpointUrl = $state('');
  timeout = $state('');
  attempts = $state('');
  backoff = $state('');
  threads = $state('');
  context = $state('');
  endpoints = $state<EndpointDraft[]>([]);
  /** Runs: ask before starting a run that may cost more than this many dollars. */
  runsConfirm = $state('');
  /** Runs: calls at once per provider when a run does not say. */
  runsConcurrency = $state('');
  /** Reviews: the name and email ratings given here are recorded under. */
  raterName = $state('');
  raterEmail = $state('');
  private nextKey = 0;

  constructor(s: AppSettings) {
    const b = s.bedrock;
    this.profile = b.profile ?? '';
    this.region = b.region ?? '';
    this.endpointUrl = b.endpointUrl ?? '';
    this.timeout = String(b.timeoutSecs);
    this.attempts = String(b.maxAttempts);
    this.backoff = String(b.initialBackoffMs);
    this.threads = String(s.local.threads);
    this.context = String(s.local.context);
    this.endpoints = s.endpoints.map((e) => new EndpointDraft(this.nextKey++, e));
    this.runsConfirm = String(s.runs.confirmAboveUsd);
    this.runsConcurrency = String(s.runs.concurrency);
    this.raterName = s.rater?.name ?? '';
    this.raterEmail = s.rater?.email ?? '';
  }

  /** Adds an endpoint filled from `preset` (named after it, numbered when taken), or a blank one. */
  addEndpoint(preset: EndpointPreset | null): EndpointDraft {
    const taken = new Set(this.endpoints.map((e) => e.name.trim().toLowerCase()));
    let name = '';
    if (preset) {
      name = preset.name;
      for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${preset.name} ${i}`;
    }
    const e = new EndpointDraft(this.nextKey++, {
      name,
      baseUrl: preset?.baseUrl ?? '',
      apiKeyEnv: preset?.apiKeyEnv ?? null,
      ...NEW_ENDPOINT,
    });
    this.endpoints.push(e);
    return e;
  }

  removeEndpoint(key: number): void {
    this.endpoints = this.endpoints.filter((e) => e.key !== key);
  }

  /** What Save sends, or the first field that is not a number. */
  read(): Read<AppSettings> {
    const bedrock = counts({
      timeoutSecs: { text: this.timeout, what: 'the timeout {} is not a whole number of seconds', example: 120 },
      maxAttempts: { text: this.attempts, what: 'the number of attempts {} is not a whole number', example: 3 },
      initialBackoffMs: { text: this.backoff, what: 'the backoff {} is not a whole number of milliseconds', example: 1000 },
    });
    if (!bedrock.ok) return bedrock;
    const local = counts({
      threads: { text: this.threads, what: 'local models: the number of threads {} is not a whole number', example: 4 },
      context: { text: this.context, what: 'local models: the context size {} is not a whole number of tokens', example: 4096 },
    });
    if (!local.ok) return local;
    const endpoints: EndpointConfig[] = [];
    for (const [i, e] of this.endpoints.entries()) {
      const read = e.read(i);
      if (!read.ok) return read;
      endpoints.push(read.value);
    }
    const confirmAboveUsd = parseUsd(this.runsConfirm);
    if (confirmAboveUsd === null) {
      return { ok: false, error: `runs: the amount \`${this.runsConfirm}\` is not a number of dollars: use one like 1.00` };
    }
    const concurrency = counts({
      concurrency: { text: this.runsConcurrency, what: 'runs: the concurrency {} is not a whole number', example: 4 },
    });
    if (!concurrency.ok) return concurrency;
    return {
      ok: true,
      value: {
        bedrock: {
          profile: this.profile || null,
          region: this.region.trim() || null,
          endpointUrl: this.endpointUrl.trim() || null,
          ...bedrock.value,
        },
        local: local.value,
        endpoints,
        runs: { confirmAboveUsd, ...concurrency.value },
        rater: { name: this.raterName.trim(), email: this.raterEmail.trim() },
      },
    };
  }
}
