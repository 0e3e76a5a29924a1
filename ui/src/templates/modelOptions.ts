// The optional model settings (prompt caching, guardrail, extra request fields). Each is left
// out of the content when off or empty, so turning one on and off again changes nothing.

import type { ModelSettings } from '../bindings';

export const DEFAULT_GUARDRAIL_VERSION = 'DRAFT';

export function setCachePrompt(model: ModelSettings, on: boolean): void {
  if (on) model.cachePrompt = true;
  else delete model.cachePrompt;
}

/** Sets the guardrail from the two fields; none when the identifier is empty. */
export function setGuardrail(model: ModelSettings, identifier: string, version: string): void {
  const id = identifier.trim();
  if (!id) {
    delete model.guardrail;
    return;
  }
  model.guardrail = {
    identifier: id,
    version: version.trim() || DEFAULT_GUARDRAIL_VERSION,
    trace: model.guardrail?.trace ?? true,
  };
}

export type ParsedFields =
  | { ok: true; value: Record<string, unknown> | undefined }
  | { ok: false; error: string };

/** Reads the extra request fields as typed: a JSON object, or nothing when empty or `{}`. */
export function parseExtraFields(text: string): ParsedFields {
  const t = text.trim();
  if (!t) return { ok: true, value: undefined };
  let value: unknown;
  try {
    value = JSON.parse(t);
  } catch (e) {
    return { ok: false, error: `not valid JSON: ${(e as Error).message}` };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, error: 'extra request fields must be a JSON object, like {"top_k": 50}' };
  }
  return { ok: true, value: Object.keys(value).length ? (value as Record<string, unknown>) : undefined };
}

export function setExtraFields(model: ModelSettings, value: Record<string, unknown> | undefined): void {
  if (value === undefined) delete model.extraFields;
  else model.extraFields = value;
}

/** How stored extra fields show in the text area. */
export function showExtraFields(value: unknown): string {
  return value === undefined || value === null ? '' : JSON.stringify(value, null, 2);
}
