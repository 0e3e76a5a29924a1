import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { DraftsSaveReq, TryRunReq } from '../bindings';
import { call, installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import { Session } from './session.svelte';
import Workbench from './Workbench.svelte';

async function setup(name: string) {
  setHost(createMockHost({ seed: true }));
  const session = new Session();
  await session.refreshList();
  render(Workbench, { session, info: null });
  render(ConfirmHost);
  await fireEvent.click(screen.getAllByTestId('bp-item').find((el) => el.dataset.name === name)!);
  await screen.findByTestId('editor-system');
  return session;
}

const editorText = (testid: string) =>
  Array.from(screen.getByTestId(testid).querySelectorAll('.cm-content .cm-line')).map((l) => l.textContent).join('\n');

describe('Workbench', () => {
  it('opens a blueprint into the editors, variables and preview', async () => {
    await setup('Support reply');
    expect(editorText('editor-system')).toBe(
      'You are a friendly support agent for {{ product }}.\nAnswer politely and briefly.\nSign as {{ agent }}.',
    );
    expect(editorText('editor-message-0')).toContain('Write a reply in {{ language }}.');
    expect((screen.getByTestId('message-role-0') as HTMLSelectElement).value).toBe('user');
    await waitFor(() =>
      expect(screen.getAllByTestId('var-row').map((r) => r.dataset.var)).toEqual(['product', 'agent', 'message', 'language']),
    );
    expect((screen.getByTestId('var-default-product') as HTMLInputElement).value).toBe('Galley');
    expect(screen.getAllByTestId('preview-issue')).toHaveLength(2);
    expect(screen.queryByTestId('dirty-indicator')).toBeNull();

    await userEvent.type(screen.getByTestId('var-sample-agent'), 'Sam');
    await userEvent.type(screen.getByTestId('var-sample-message'), 'Where is my order?');
    await waitFor(() => expect(screen.getAllByTestId('preview-message')).toHaveLength(2));
    const [system, user] = screen.getAllByTestId('preview-message');
    expect(system!.textContent).toBe('You are a friendly support agent for Galley.\nAnswer politely and briefly.\nSign as Sam.');
    expect(user!.dataset.role).toBe('user');
    expect(user!.textContent).toContain('Where is my order?');
  });

  it('marks unsaved changes, autosaves a draft and shows labels and versions', async () => {
    const session = await setup('Support reply');
    const drafts: DraftsSaveReq[] = [];
    installHandlers({ drafts_save: (req) => { drafts.push(req); return null; } });
    session.setSystem('You are terse.');
    await screen.findByTestId('dirty-indicator');
    await waitFor(() => expect(editorText('editor-system')).toBe('You are terse.'));
    await waitFor(() => expect(drafts).toHaveLength(1), { timeout: 2000 });
    expect(drafts[0]).toMatchObject({ baseVersion: 3, content: { system: 'You are terse.' } });

    expect(screen.getAllByTestId('version-item').map((v) => v.dataset.number)).toEqual(['3', '2', '1']);
    const prod = screen.getAllByTestId('label-badge').find((b) => b.dataset.label === 'prod')!;
    expect(prod.textContent).toContain('v2');
    const v1 = screen.getAllByTestId('version-item').find((v) => v.dataset.number === '1')!;
    await fireEvent.click(within(v1).getByTestId('label-move-prod'));
    await waitFor(() => expect(prod.textContent).toContain('v1'));
    const moves = screen.getAllByTestId('label-move-item');
    expect(moves[0]!.textContent).toContain('v2 → v1');
  });

  it('shows a draft bar for a blueprint with a draft and discards it after confirmation', async () => {
    const session = await setup('Release notes');
    expect(screen.getByTestId('draft-bar').textContent).toContain('Unsaved changes from');
    expect(editorText('editor-system')).toBe('You turn commit messages into concise release notes.');
    expect(screen.getByTestId('dirty-indicator')).toBeTruthy();
    await fireEvent.click(screen.getByTestId('draft-discard'));
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(editorText('editor-system')).toBe('You turn commit messages into release notes.'));
    expect(screen.queryByTestId('draft-bar')).toBeNull();
    expect(screen.queryByTestId('dirty-indicator')).toBeNull();
    const open = await call('blueprints_open', { id: session.openId! });
    expect(open.draft).toBeNull();
  });

  it('adds, reorders and removes messages', async () => {
    const session = await setup('Support reply');
    await fireEvent.click(screen.getByTestId('message-add'));
    expect((screen.getByTestId('message-role-1') as HTMLSelectElement).value).toBe('assistant');
    session.setMessage(1, 'Sure, happy to help.');
    await fireEvent.click(screen.getByTestId('message-up-1'));
    await waitFor(() => expect(editorText('editor-message-0')).toBe('Sure, happy to help.'));
    expect(session.content.messages.map((m) => m.role)).toEqual(['assistant', 'user']);
    await fireEvent.click(screen.getByTestId('message-remove-0'));
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.queryByTestId('editor-message-1')).toBeNull());
    expect(editorText('editor-message-0')).toContain('Customer message:');
  });

  it('opens the diff with Ctrl+D, previous against latest', async () => {
    await setup('Support reply');
    await fireEvent.keyDown(window, { key: 'd', ctrlKey: true });
    await screen.findByTestId('diff-view');
    expect((screen.getByTestId('diff-from') as HTMLSelectElement).value).toBe('2');
    expect((screen.getByTestId('diff-to') as HTMLSelectElement).value).toBe('3');
    await waitFor(() => expect(screen.getByTestId('diff-model').textContent).toContain('temperature'));
    await fireEvent.keyDown(screen.getByTestId('diff-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('diff-view')).toBeNull();
  });

  it('runs "Try it" with Ctrl+Enter from inside an editor, without touching the text', async () => {
    const session = await setup('Support reply');
    session.content.model.provider = 'bedrock';
    session.setModelId('amazon.nova-micro-v1:0');
    await userEvent.type(screen.getByTestId('var-sample-agent'), 'Sam');
    await userEvent.type(screen.getByTestId('var-sample-message'), 'Hello');
    const sent: TryRunReq[] = [];
    installHandlers({
      tryrun_start: (req, emit) => {
        sent.push(req);
        emit({ type: 'textDelta', data: 'Hi Sam.' });
        return {
          request: { modelId: req.content.model.modelId, system: null, messages: [], params: { maxTokens: null, temperature: null, topP: null, stopSequences: [] }, extraFields: null, guardrail: null, cachePoint: false },
          outcome: { text: 'Hi Sam.', stopReason: 'end_turn', usage: { inputTokens: 30, outputTokens: 3, cacheReadTokens: 0, cacheWriteTokens: 0 }, ttftMs: 10, latencyMs: 20, guardrailTrace: null, partial: false },
          error: null,
          costUsd: 0.0000021,
        };
      },
    });
    const before = editorText('editor-system');
    const content = screen.getByTestId('editor-system').querySelector('.cm-content')!;
    await fireEvent.keyDown(content, { key: 'Enter', ctrlKey: true });
    await screen.findByTestId('try-stats');
    expect(screen.getByTestId('try-output').textContent).toBe('Hi Sam.');
    expect(screen.getByTestId('try-cost').textContent).toBe('$0.000002');
    expect(sent).toHaveLength(1);
    expect(sent[0]!.content.model.modelId).toBe('amazon.nova-micro-v1:0');
    expect(sent[0]!.values).toEqual({ agent: 'Sam', message: 'Hello' });
    expect(editorText('editor-system')).toBe(before);
  });

  it('opens Settings from the gear and with Ctrl+, and refreshes the catalog after a save', async () => {
    await setup('Support reply');
    const refreshes: boolean[] = [];
    installHandlers({
      models_catalog: ({ refresh }) => {
        refreshes.push(refresh);
        return { models: [], offline: true, offlineReason: 'no network', pricesAsOf: '2026-11-27' };
      },
    });
    await fireEvent.keyDown(window, { key: ',', ctrlKey: true });
    await screen.findByTestId('settings-dialog');
    await fireEvent.click(screen.getByTestId('settings-cancel'));
    expect(screen.queryByTestId('settings-dialog')).toBeNull();
    expect(refreshes).toEqual([]);

    await fireEvent.click(screen.getByTestId('settings-open'));
    const region = (await screen.findByTestId('settings-region')) as HTMLInputElement;
    await fireEvent.input(region, { target: { value: 'us-west-2' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.queryByTestId('settings-dialog')).toBeNull());
    expect(refreshes).toEqual([true]);
    expect((await call('settings_get')).bedrock.region).toBe('us-west-2');
  });

  it('opens Settings at the right section from the model settings, and picks up what changed there', async () => {
    const session = await setup('Support reply');
    expect(session.content.model.provider).toBe('local');

    // A file added in Settings is offered at once (no Save needed for it).
    await fireEvent.click(await screen.findByTestId('local-models-manage'));
    await screen.findByTestId('settings-dialog');
    expect(document.activeElement).toBe(screen.getByTestId('settings-local-threads'));
    await userEvent.type(screen.getByTestId('local-model-path'), '/data/Phi-3-mini-4k-instruct-q4.gguf{Enter}');
    await waitFor(() => expect(screen.getAllByTestId('local-model-item')).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('settings-cancel'));
    const localIds = () =>
      Array.from((screen.getByTestId('local-model-select') as HTMLSelectElement).options).map((o) => o.dataset.modelId);
    expect(localIds()).toEqual(['SmolLM2-135M-Instruct', 'Phi-3-mini-4k-instruct-q4', 'ollama/llama3.2:latest']);

    // An endpoint saved in Settings becomes a choice for the blueprint.
    await fireEvent.change(screen.getByTestId('model-provider'), { target: { value: 'openai' } });
    await fireEvent.click(await screen.findByTestId('endpoint-settings'));
    await screen.findByTestId('settings-dialog');
    expect(document.activeElement).toBe(screen.getByTestId('endpoint-preset'));
    await fireEvent.click(screen.getByTestId('endpoint-add'));
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.queryByTestId('settings-dialog')).toBeNull());
    const endpoint = screen.getByTestId('model-endpoint') as HTMLSelectElement;
    await waitFor(() => expect(Array.from(endpoint.options).map((o) => o.value)).toEqual(['', 'Ollama']));
    await fireEvent.change(endpoint, { target: { value: 'Ollama' } });
    expect(session.content.model.endpoint).toBe('Ollama');
    await waitFor(() => expect(session.content.model.modelId).toBe('llama3.2:latest'));
  });

  it('opens a new run with Ctrl+Shift+Enter from an editor, and the runs from the top bar', async () => {
    await setup('Support reply');
    const content = screen.getByTestId('editor-system').querySelector('.cm-content')!;
    const before = editorText('editor-system');
    await fireEvent.keyDown(content, { key: 'Enter', ctrlKey: true, shiftKey: true });
    const dialog = await screen.findByTestId('run-dialog');
    expect(dialog.textContent).toContain('New run — Support reply');
    expect(editorText('editor-system')).toBe(before);
    await fireEvent.keyDown(dialog, { key: 'Escape' });
    expect(screen.queryByTestId('run-dialog')).toBeNull();

    await fireEvent.click(screen.getByTestId('runs-open'));
    await screen.findByTestId('runs-history');
    // One "New run" button at a time: the area's, while the area is open.
    expect(screen.getAllByTestId('run-new')).toHaveLength(1);
    expect(within(screen.getByTestId('runs-area')).getByTestId('run-new')).toBeTruthy();
    await fireEvent.keyDown(screen.getByTestId('runs-area'), { key: 'Escape' });
    expect(screen.queryByTestId('runs-area')).toBeNull();
    expect(screen.getByTestId('run-new')).toBeTruthy();

    await fireEvent.keyDown(window, { key: '?' });
    const help = await screen.findByTestId('shortcuts');
    expect(help.textContent).toContain('New comparison run');
    expect(help.textContent).toContain('Ctrl+Shift+Enter');
  });
});
