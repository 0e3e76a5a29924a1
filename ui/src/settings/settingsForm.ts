// What the Settings form offers, what it opens with and how it reads what people type.

import type { AppSettings, EndpointPreset, EngineError, LocalModelsRes, PricesInfo } from '../bindings';
import { call } from '../lib/host';

/** Regions with Bedrock runtime endpoints, offered as suggestions (any region name is accepted). */
export const BEDROCK_REGIONS: readonly string[] = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'us-gov-west-1',
  'ca-central-1',
  'sa-east-1',
  'eu-central-1',
  'eu-central-2',
  'eu-west-1',
  'eu-west-2',
  'eu-west-3',
  'eu-north-1',
  'eu-south-1',
  'eu-south-2',
  'ap-northeast-1',
  'ap-northeast-2',
  'ap-northeast-3',
  'ap-south-1',
  'ap-south-2',
  'ap-southeast-1',
  'ap-southeast-2',
];

/** A whole number ≥ 0 as typed (the engine says what range it accepts), or null. */
export function parseCount(text: string): number | null {
  const t = text.trim();
  if (!/^\d{1,12}$/.test(t)) return null;
  return Number(t);
}

/** An amount of US dollars ≥ 0 as typed (`1`, `0.50`, `$2.5`), or null. */
export function parseUsd(text: string): number | null {
  const t = text.trim().replace(/^\$\s*/, '');
  if (!/^(\d{1,9}(\.\d*)?|\.\d+)$/.test(t)) return null;
  return Number(t);
}

/** The parts of the Settings dialog, in order. */
export type SettingsSection = 'local' | 'bedrock' | 'endpoints' | 'runs' | 'reviews';

export const SETTINGS_SECTIONS: ReadonlyArray<{ id: SettingsSection; title: string }> = [
  { id: 'local', title: 'Local models' },
  { id: 'bedrock', title: 'Amazon Bedrock' },
  { id: 'endpoints', title: 'OpenAI-compatible endpoints' },
  { id: 'runs', title: 'Runs' },
  { id: 'reviews', title: 'Reviews' },
];

/** What the Settings dialog opens with, read before it shows so nothing typed gets overwritten. */
export interface SettingsForm {
  settings: AppSettings;
  profiles: string[];
  profilesError: string | null;
  prices: PricesInfo | null;
  /** The local models found, or why they could not be listed. */
  local: LocalModelsRes | null;
  localError: string | null;
  /** The usual servers an endpoint can start from. */
  presets: EndpointPreset[];
  /** Why the stored settings could not be read (the form then starts from the defaults). */
  error: string | null;
}

export function defaultSettings(): AppSettings {
  return {
    bedrock: { profile: null, region: null, endpointUrl: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 1000 },
    local: { threads: 4, context: 4096 },
    endpoints: [],
    runs: { confirmAboveUsd: 1, concurrency: 4 },
    rater: { name: '', email: '' },
  };
}

export async function loadSettingsForm(): Promise<SettingsForm> {
  const [settings, listed, prices, local, presets] = await Promise.allSettled([
    call('settings_get'),
    call('aws_profiles_list'),
    call('prices_info'),
    call('local_models_list'),
    call('endpoints_presets'),
  ]);
  const reason = (r: PromiseRejectedResult) => (r.reason as EngineError).message;
  return {
    settings: settings.status === 'fulfilled' ? settings.value : defaultSettings(),
    error: settings.status === 'rejected' ? reason(settings) : null,
    profiles: listed.status === 'fulfilled' ? listed.value.profiles : [],
    profilesError: listed.status === 'rejected' ? reason(listed) : null,
    prices: prices.status === 'fulfilled' ? prices.value : null,
    local: local.status === 'fulfilled' ? local.value : null,
    localError: local.status === 'rejected' ? reason(local) : null,
    presets: presets.status === 'fulfilled' ? presets.value : [],
  };
}
