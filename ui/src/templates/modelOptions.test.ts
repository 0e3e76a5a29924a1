import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import type { ModelSettings as Model } from '../bindings';
import { sameContent } from '../lib/content';
import { openedSession } from '../test/opened';
import { ModelCatalog } from '../models/catalog.svelte';
import ModelSettings from './ModelSettings.svelte';
import { parseExtraFields, setCachePrompt, setExtraFields, setGuardrail } from './modelOptions';

const base = (): Model => ({ provider: 'bedrock', modelId: 'm', maxTokens: null, temperature: null, topP: null, stopSequences: [] });

describe('optional model settings', () => {
  it('are left out when off or empty', () => {
    const m = base();
    setCachePrompt(m, true);
    setGuardrail(m, ' gr-1 ', '');
    setExtraFields(m, { top_k: 50 });
    expect(m).toEqual({ ...base(), cachePrompt: true, guardrail: { identifier: 'gr-1', version: 'DRAFT', trace: true }, extraFields: { top_k: 50 } });
    setCachePrompt(m, false);
    setGuardrail(m, '  ', '3');
    setExtraFields(m, undefined);
    expect(JSON.stringify(m)).toBe(JSON.stringify(base()));
  });

  it('keep a guardrail trace choice when the version changes', () => {
    const m = { ...base(), guardrail: { identifier: 'g', version: '1', trace: false } };
    setGuardrail(m, 'g', '2');
    expect(m.guardrail).toEqual({ identifier: 'g', version: '2', trace: false });
  });

  it('read extra fields as a JSON object', () => {
    expect(parseExtraFields('  ')).toEqual({ ok: true, value: undefined });
    expect(parseExtraFields('{}')).toEqual({ ok: true, value: undefined });
    expect(parseExtraFields('{"top_k": 50}')).toEqual({ ok: true, value: { top_k: 50 } });
    expect(parseExtraFields('[1]')).toEqual({ ok: false, error: 'extra request fields must be a JSON object, like {"top_k": 50}' });
    const bad = parseExtraFields('{"top_k": }');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error).toMatch(/^not valid JSON: /);
  });
});

describe('Model section', () => {
  it('turns options on and off without leaving a change behind', async () => {
    const { session } = await openedSession('Support reply');
    render(ModelSettings, { session, catalog: new ModelCatalog() });
    expect(session.dirty).toBe(false);

    const cache = screen.getByTestId('model-cache-prompt') as HTMLInputElement;
    await fireEvent.click(cache);
    expect(session.content.model.cachePrompt).toBe(true);
    expect(session.dirty).toBe(true);
    await fireEvent.click(cache);
    expect('cachePrompt' in session.content.model).toBe(false);

    const id = screen.getByTestId('model-guardrail-id');
    const version = screen.getByTestId('model-guardrail-version') as HTMLInputElement;
    expect(version.value).toBe('DRAFT');
    await fireEvent.input(id, { target: { value: 'gr-abc123' } });
    expect(session.content.model.guardrail).toEqual({ identifier: 'gr-abc123', version: 'DRAFT', trace: true });
    await fireEvent.input(version, { target: { value: '4' } });
    expect(session.content.model.guardrail).toEqual({ identifier: 'gr-abc123', version: '4', trace: true });
    await fireEvent.input(id, { target: { value: '' } });
    expect('guardrail' in session.content.model).toBe(false);

    const extra = screen.getByTestId('model-extra-fields');
    await fireEvent.input(extra, { target: { value: '{"top_k": 5' } });
    expect(screen.getByTestId('model-extra-fields-error').textContent).toMatch(/^not valid JSON: .* — not applied$/);
    expect(extra.getAttribute('aria-invalid')).toBe('true');
    expect('extraFields' in session.content.model).toBe(false);
    await fireEvent.input(extra, { target: { value: '{"top_k": 5}' } });
    expect(screen.queryByTestId('model-extra-fields-error')).toBeNull();
    expect(session.content.model.extraFields).toEqual({ top_k: 5 });
    await fireEvent.input(extra, { target: { value: '' } });
    expect('extraFields' in session.content.model).toBe(false);

    expect(session.dirty).toBe(false);
    expect(sameContent(session.content, session.baseline)).toBe(true);
    expect(JSON.stringify(session.renderInput().content)).toBe(JSON.stringify(session.baseline));
  });

  it('follows a restored version into the fields', async () => {
    const { session } = await openedSession('Support reply');
    render(ModelSettings, { session, catalog: new ModelCatalog() });
    const v = await session.getVersion(3);
    v!.content.model = { ...v!.content.model, cachePrompt: true, guardrail: { identifier: 'gr-9', version: '2', trace: true }, extraFields: { top_k: 7 } };
    session.restore(v!);
    await Promise.resolve();
    await new Promise((r) => setTimeout(r, 0));
    expect((screen.getByTestId('model-cache-prompt') as HTMLInputElement).checked).toBe(true);
    expect((screen.getByTestId('model-guardrail-id') as HTMLInputElement).value).toBe('gr-9');
    expect((screen.getByTestId('model-guardrail-version') as HTMLInputElement).value).toBe('2');
    expect((screen.getByTestId('model-extra-fields') as HTMLTextAreaElement).value).toBe('{\n  "top_k": 7\n}');
  });
});
