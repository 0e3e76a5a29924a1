// How a failed call reads in "Try it": a title that names the provider's side, and where in
// Settings the fix is, when it is there.

import type { ProviderErrorCode } from '../bindings';
import type { SettingsSection } from '../settings/settingsForm';

const BEDROCK: Record<ProviderErrorCode, string> = {
  noCredentials: 'No AWS credentials',
  ssoExpired: 'The AWS SSO session has expired',
  accessDenied: 'Access denied',
  needsInferenceProfile: 'This model needs an inference profile',
  throttled: 'Throttled by Bedrock',
  modelTimeout: 'The model timed out',
  streamBroken: 'The answer stream broke',
  invalidRequest: 'Bedrock refused the request',
  modelNotFound: 'Model not found',
  unavailable: 'Bedrock is unavailable',
  timeout: 'Timed out',
  cancelled: 'Cancelled',
  endpoint: 'The endpoint cannot be reached',
  other: 'The call failed',
};

const OPENAI: Partial<Record<ProviderErrorCode, string>> = {
  noCredentials: 'No key, or the key was refused',
  accessDenied: 'The endpoint refused access',
  throttled: 'Throttled by the endpoint',
  invalidRequest: 'The endpoint refused the request',
  modelNotFound: 'The endpoint does not serve this model',
  unavailable: 'The endpoint is unavailable',
};

const LOCAL: Partial<Record<ProviderErrorCode, string>> = {
  modelNotFound: 'The local model is not here',
  invalidRequest: 'The local model cannot run this',
  unavailable: 'The local model is unavailable',
};

export function errorTitle(code: ProviderErrorCode, provider: string | null): string {
  const own = provider === 'openai' ? OPENAI[code] : provider === 'local' ? LOCAL[code] : undefined;
  return own ?? BEDROCK[code] ?? BEDROCK.other;
}

/** The Settings section that can fix the error, if any. */
export function settingsFor(code: ProviderErrorCode, provider: string | null): SettingsSection | null {
  if (provider === 'local') return code === 'modelNotFound' || code === 'invalidRequest' ? 'local' : null;
  if (provider === 'openai') {
    return ['noCredentials', 'accessDenied', 'endpoint', 'invalidRequest', 'timeout'].includes(code) ? 'endpoints' : null;
  }
  return ['noCredentials', 'ssoExpired', 'accessDenied', 'endpoint'].includes(code) ? 'bedrock' : null;
}
