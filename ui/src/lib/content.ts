// Helpers over a blueprint's content: the starter content, copies and comparisons.

import type { BlueprintContent, MessageTemplate } from '../bindings';

/**
 * Placeholder content while no blueprint is open, and the mock host's starter. An opened
 * blueprint starts from the engine's `BlueprintsOpenRes.starter`.
 */
export function starterContent(): BlueprintContent {
  return {
    system: '',
    messages: [{ role: 'user', template: '' }],
    variables: [],
    model: {
      provider: 'local',
      modelId: 'SmolLM2-135M-Instruct',
      maxTokens: 512,
      temperature: 0.7,
      topP: 0.9,
      stopSequences: [],
    },
  };
}

/** A deep copy through JSON (content is plain data; this also unwraps reactive proxies). */
export function cloneContent(c: BlueprintContent): BlueprintContent {
  return JSON.parse(JSON.stringify(c)) as BlueprintContent;
}

/** Structural equality of JSON values, ignoring key order. */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = Object.keys(ao).filter((k) => ao[k] !== undefined);
  if (keys.length !== Object.keys(bo).filter((k) => bo[k] !== undefined).length) return false;
  return keys.every((k) => deepEqual(ao[k], bo[k]));
}

export function sameContent(a: BlueprintContent, b: BlueprintContent): boolean {
  return deepEqual(a, b);
}

/** The place name the engine uses for message `index`: `message 1 (user)`. */
export function messagePlace(index: number, m: MessageTemplate): string {
  return `message ${index + 1} (${m.role})`;
}

/** Every template of a content with its place, as the engine orders them. */
export function templatesOf(c: BlueprintContent): Array<{ place: string; text: string }> {
  return [
    { place: 'system', text: c.system },
    ...c.messages.map((m, i) => ({ place: messagePlace(i, m), text: m.template })),
  ];
}
