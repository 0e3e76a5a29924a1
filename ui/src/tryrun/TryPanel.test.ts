import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { ChatRequest, TryRunReq, TryRunRes } from '../bindings';
import { installHandlers } from '../lib/host';
import { deferred, openedSession } from '../test/opened';
import TryPanel from './TryPanel.svelte';
import { removeMockDefaultModel } from '../lib/mock/mockProviders';
import { formatCost } from './stats';

const MODEL = 'amazon.nova-lite-v1:0';

async function panel(opts: { streamDelayMs?: number; provider?: string; model?: string; onsettings?: () => void } = {}) {
  const { host, session } = await openedSession('Support reply', opts);
  session.content.model.provider = opts.provider ?? 'bedrock';
  session.content.model.modelId = opts.model ?? MODEL;
  session.setSample('agent', 'Sam');
  session.setSample('message', 'Where is my order?');
  render(TryPanel, { session, onsettings: opts.onsettings ?? (() => {}) });
  return { host, session };
}

function requestOf(req: TryRunReq): ChatRequest {
  return {
    modelId: req.content.model.modelId,
    system: 'system text',
    messages: [{ role: 'user', text: 'user text' }],
    params: { maxTokens: 768, temperature: 0.3, topP: 0.9, stopSequences: [] },
    extraFields: null,
    guardrail: null,
    cachePoint: false,
  };
}

const text = (testid: string) => screen.getByTestId(testid).textContent;

describe('Try it', () => {
  it('streams deltas into the output in order, then shows the outcome figures', async () => {
    await panel();
    const gate = deferred();
    const sent: TryRunReq[] = [];
    installHandlers({
      tryrun_start: async (req, emit) => {
        sent.push(req);
        emit({ type: 'started' });
        emit({ type: 'textDelta', data: 'Your order ' });
        emit({ type: 'textDelta', data: 'left on ' });
        await gate.promise;
        emit({ type: 'textDelta', data: 'Monday.' });
        emit({ type: 'stopped', data: 'end_turn' });
        const usage = { inputTokens: 152, outputTokens: 7, cacheReadTokens: 40, cacheWriteTokens: 0 };
        emit({ type: 'usage', data: usage });
        const outcome = {
          text: 'Your order left on Monday.', stopReason: 'end_turn', usage,
          ttftMs: 212.4, latencyMs: 1534, guardrailTrace: null, partial: false,
        };
        return { request: requestOf(req), outcome, error: null, costUsd: 0.0001234 } satisfies TryRunRes;
      },
    });

    await fireEvent.click(screen.getByTestId('try-run'));
    await waitFor(() => expect(text('try-output')).toBe('Your order left on '));
    expect(screen.getByTestId('try-cancel')).toBeTruthy();
    expect((screen.getByTestId('try-run') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.queryByTestId('try-stats')).toBeNull();

    gate.resolve();
    await screen.findByTestId('try-stats');
    expect(text('try-output')).toBe('Your order left on Monday.');
    expect(text('try-tokens-in')).toBe('152');
    expect(text('try-tokens-out')).toBe('7');
    expect(text('try-tokens-cache')).toBe('40 / 0');
    expect(text('try-ttft')).toBe('212');
    expect(text('try-latency')).toBe('1534');
    expect(text('try-cost')).toBe('$0.000123');
    expect(text('try-stop')).toBe('end_turn');
    expect(screen.queryByTestId('try-error')).toBeNull();
    expect((screen.getByTestId('try-run') as HTMLButtonElement).disabled).toBe(false);
    expect(screen.queryByTestId('try-cancel')).toBeNull();

    // The run used the editor's content and the preview's sample values.
    expect(sent).toHaveLength(1);
    expect(sent[0]!.runId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(sent[0]!.values).toEqual({ agent: 'Sam', message: 'Where is my order?' });
    expect(sent[0]!.content.model).toMatchObject({ provider: 'bedrock', modelId: MODEL });
    expect(sent[0]!.content.system).toContain('Sign as {{ agent }}.');

    const request = screen.getByTestId('try-request');
    expect(within(request).getByText('Exact request')).toBeTruthy();
    expect(JSON.parse(request.querySelector('pre')!.textContent!)).toEqual(requestOf(sent[0]!));
  });

  it('says "no price" when the model has none', async () => {
    await panel();
    installHandlers({
      tryrun_start: (req) => ({
        request: requestOf(req),
        outcome: {
          text: 'ok', stopReason: 'max_tokens', usage: { inputTokens: 3, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0 },
          ttftMs: null, latencyMs: 80, guardrailTrace: null, partial: false,
        },
        error: null,
        costUsd: null,
      }),
    });
    await fireEvent.click(screen.getByTestId('try-run'));
    await screen.findByTestId('try-stats');
    expect(text('try-cost')).toBe('no price');
    expect(text('try-ttft')).toBe('–');
    expect(text('try-stop')).toBe('max_tokens');
  });

  it('offers the suggested inference profile and switches the model id in one click', async () => {
    const { session, host } = await panel({ model: 'anthropic.claude-sonnet-4-5-20250929-v1:0' });
    expect(session.dirty).toBe(true); // provider changed above
    const before = { ...session.content.model };
    await fireEvent.click(screen.getByTestId('try-run'));
    const use = await screen.findByTestId('try-use-model');
    expect(text('try-error')).toContain('inference profile');
    expect(use.textContent).toContain('Use us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(screen.queryByTestId('try-partial')).toBeNull();
    expect(screen.queryByTestId('try-stats')).toBeNull();

    await fireEvent.click(use);
    expect(session.content.model.modelId).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect({ ...session.content.model, modelId: before.modelId }).toEqual(before);
    expect(screen.queryByTestId('try-use-model')).toBeNull();
    expect(text('try-error')).toContain('now us.anthropic.claude-sonnet-4-5-20250929-v1:0');

    // Runs again on the profile: the mock answers, signed by the chosen model.
    await fireEvent.click(screen.getByTestId('try-run'));
    await screen.findByTestId('try-stats', {}, { timeout: 3000 });
    expect(text('try-output')).toMatch(/^Thanks for the message\. This is Claude Sonnet 4\.5,/);
    expect(text('try-output')).toContain('You wrote: “Customer message: Where is my order? Write a reply in English.”');
    expect(Number(text('try-tokens-out'))).toBe(text('try-output')!.match(/\S+\s*/g)!.length);
    expect(host.state.running.size).toBe(0);
    expect(session.dirty).toBe(true);
  });

  it('keeps the partial text of a broken stream and marks it', async () => {
    await panel();
    installHandlers({
      tryrun_start: (req, emit) => {
        emit({ type: 'started' });
        emit({ type: 'textDelta', data: 'The parcel is ' });
        emit({ type: 'textDelta', data: 'on its' });
        return {
          request: requestOf(req),
          outcome: null,
          error: {
            code: 'streamBroken',
            message: 'the answer stream broke after 2 s: run again',
            partialText: 'The parcel is on its',
            suggestedModelId: null,
          },
          costUsd: null,
        };
      },
    });
    await fireEvent.click(screen.getByTestId('try-run'));
    const partial = await screen.findByTestId('try-partial');
    expect(partial.textContent).toContain('partial — the answer was cut off');
    expect(within(partial).getByTestId('try-output').textContent).toBe('The parcel is on its');
    expect(screen.getAllByTestId('try-output')).toHaveLength(1);
    expect(text('try-error')).toContain('the answer stream broke after 2 s: run again');
    expect(screen.queryByTestId('try-use-model')).toBeNull();
    expect(screen.queryByTestId('try-stats')).toBeNull();
    expect(screen.getByTestId('try-request')).toBeTruthy();
  });

  it('shows markup in an answer as text, never as HTML', async () => {
    await panel();
    const answer = 'Look: <img src=x onerror=alert(1)> and <b>bold</b>';
    installHandlers({
      tryrun_start: (req, emit) => {
        emit({ type: 'textDelta', data: answer });
        return {
          request: requestOf(req),
          outcome: {
            text: answer, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 12, cacheReadTokens: 0, cacheWriteTokens: 0 },
            ttftMs: 5, latencyMs: 9, guardrailTrace: null, partial: false,
          },
          error: null,
          costUsd: 0,
        };
      },
    });
    await fireEvent.click(screen.getByTestId('try-run'));
    await screen.findByTestId('try-stats');
    const output = screen.getByTestId('try-output');
    expect(output.textContent).toBe(answer);
    expect(output.children).toHaveLength(0);
    expect(document.querySelector('img')).toBeNull();
    expect(document.querySelector('b')).toBeNull();
  });

  it('shows why the engine refuses a provider it does not know', async () => {
    await panel({ provider: 'azure', model: 'gpt-4o' });
    await fireEvent.click(screen.getByTestId('try-run'));
    const error = await screen.findByTestId('try-error');
    expect(error.dataset.code).toBe('invalid');
    expect(error.textContent).toContain(
      'the provider `azure` is not known: choose `local`, `bedrock` or `openai` in Model settings',
    );
    expect(screen.queryByTestId('try-output')).toBeNull();
  });

  it('cancels a running call and keeps what arrived', async () => {
    const { host, session } = await panel({ streamDelayMs: 15 });
    await fireEvent.click(screen.getByTestId('try-run'));
    await waitFor(() => expect(text('try-output')!.split(' ').length).toBeGreaterThan(3), { timeout: 3000 });
    await fireEvent.click(screen.getByTestId('try-cancel'));
    const error = await screen.findByTestId('try-error');
    expect(error.dataset.code).toBe('cancelled');
    const kept = within(screen.getByTestId('try-partial')).getByTestId('try-output').textContent!;
    expect(kept).toMatch(/^Thanks for the /);
    expect(kept.length).toBeLessThan(200);
    await new Promise((r) => setTimeout(r, 60));
    expect(within(screen.getByTestId('try-partial')).getByTestId('try-output').textContent).toBe(kept);
    expect(host.state.running.size).toBe(0);
    expect(session.content.model.modelId).toBe(MODEL);
  });

  it('shows the cost of a local model as free, and an endpoint model as without a price', async () => {
    const { host, session } = await panel({ provider: 'local', model: 'SmolLM2-135M-Instruct' });
    await fireEvent.click(screen.getByTestId('try-run'));
    await screen.findByTestId('try-stats', {}, { timeout: 3000 });
    expect(text('try-output')).toMatch(/^Thanks for the message\. This is SmolLM2-135M-Instruct,/);
    expect(text('try-cost')).toBe('free · local');
    expect(screen.getByTestId('try-cost').classList.contains('none')).toBe(false);

    host.state.settings.endpoints = [
      { name: 'Ollama', baseUrl: 'http://localhost:11434/v1', apiKeyEnv: null, timeoutSecs: 120, maxAttempts: 3, initialBackoffMs: 500 },
    ];
    session.content.model.provider = 'openai';
    session.content.model.endpoint = 'Ollama';
    session.content.model.modelId = 'llama3.2:latest';
    await fireEvent.click(screen.getByTestId('try-run'));
    await waitFor(() => expect(text('try-output')).toMatch(/^Thanks for the message\. This is llama3\.2:latest,/), { timeout: 3000 });
    await screen.findByTestId('try-stats');
    expect(text('try-cost')).toBe('no price');
    expect(screen.getByTestId('try-cost').getAttribute('title')).toBe('OpenAI-compatible endpoints have no price table');
    expect(screen.getByText('openai (Ollama) · llama3.2:latest')).toBeTruthy();
  });

  it('shows a missing local model like any failed call, and opens Settings at Local models', async () => {
    const onsettings = vi.fn();
    const { host } = await panel({ provider: 'local', model: 'SmolLM2-135M-Instruct', onsettings });
    removeMockDefaultModel(host.state);
    await fireEvent.click(screen.getByTestId('try-run'));
    const error = await screen.findByTestId('try-error');
    expect(error.dataset.code).toBe('modelNotFound');
    expect(error.querySelector('strong')!.textContent).toBe('The local model is not here');
    expect(error.querySelector('p')!.textContent).toBe(
      'the default local model is not installed: run `make model` (or scripts/fetch-model.sh), or pick a GGUF file in Settings',
    );
    expect(screen.queryByTestId('try-stats')).toBeNull();
    await fireEvent.click(screen.getByTestId('try-open-settings'));
    expect(onsettings).toHaveBeenCalledWith('local');
  });

  it('points an endpoint problem at the endpoints in Settings', async () => {
    const onsettings = vi.fn();
    const { session } = await panel({ provider: 'openai', model: 'llama3.2:latest', onsettings });
    session.content.model.endpoint = 'Ollama';
    await fireEvent.click(screen.getByTestId('try-run'));
    const error = await screen.findByTestId('try-error');
    expect(error.dataset.code).toBe('invalidRequest');
    expect(error.querySelector('strong')!.textContent).toBe('The endpoint refused the request');
    expect(error.textContent).toContain('no endpoint named `Ollama`: add it under Settings → OpenAI-compatible endpoints');
    await fireEvent.click(screen.getByTestId('try-open-settings'));
    expect(onsettings).toHaveBeenCalledWith('endpoints');
  });
});

describe('formatCost', () => {
  it('reads dollars, free local runs and missing prices', () => {
    expect(formatCost(0.0001234)).toBe('$0.000123');
    expect(formatCost(0, 'local')).toBe('free · local');
    expect(formatCost(0, 'bedrock')).toBe('$0.000000');
    expect(formatCost(null, 'openai')).toBe('no price');
  });
});
