// What the Settings form offers, what it opens with and how it reads what people type.

import type { AppSettings, EngineError, PricesInfo } from '../bindings';
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

/** What the Settings dialog opens with, read before it shows so nothing typed gets overwritten. */
export interface SettingsForm {
  settings: AppSettings;
  profiles: string[];
  profilesError: string | null;
  prices: PricesInfo | null;
  /** Why the stored settings could not be read (the form then starts from the defaults). */
  error: string | null;
}

export function defaultSettings(): AppSettings {
  return {
    bedrock: { profile: null, region: null, endpointUrl: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 1000 },
  };
}

export async function loadSettingsForm(): Promise<SettingsForm> {
  const [settings, listed, prices] = await Promise.allSettled([
    call('settings_get'),
    call('aws_profiles_list'),
    call('prices_info'),
  ]);
  const reason = (r: PromiseRejectedResult) => (r.reason as EngineError).message;
  return {
    settings: settings.status === 'fulfilled' ? settings.value : defaultSettings(),
    error: settings.status === 'rejected' ? reason(settings) : null,
    profiles: listed.status === 'fulfilled' ? listed.value.profiles : [],
    profilesError: listed.status === 'rejected' ? reason(listed) : null,
    prices: prices.status === 'fulfilled' ? prices.value : null,
  };
}
