import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import type { DraftsSaveReq } from '../bindings';
import { installHandlers } from '../lib/host';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import { openedSession } from '../test/opened';
import { ModelCatalog } from '../models/catalog.svelte';
import { LocalModels } from '../models/localModels.svelte';
import { Endpoints } from '../models/endpoints.svelte';
import { DRAFT_DELAY_MS } from '../workbench/session.svelte';
import EvaluatorsPanel from './EvaluatorsPanel.svelte';

async function setup(name = 'Ticket triage') {
  const { host, session } = await openedSession(name);
  const drafts: DraftsSaveReq[] = [];
  installHandlers({ drafts_save: (req) => (drafts.push(req), host.call('drafts_save', req)) });
  render(EvaluatorsPanel, { session, catalog: new ModelCatalog(), local: new LocalModels(), endpoints: new Endpoints() });
  render(ConfirmHost);
  await fireEvent.click(screen.getByTestId('evaluators-toggle'));
  return { host, session, drafts };
}

const rows = () => screen.queryAllByTestId('evaluator-row');
const row = (i: number) => rows()[i]!;
const problems = (el: HTMLElement) => within(el).queryAllByTestId('evaluator-problem').map((p) => `${p.dataset.field}: ${p.textContent!.trim()}`);

async function add(type: string) {
  await fireEvent.click(screen.getByTestId('evaluator-add'));
  await fireEvent.click(screen.getByTestId(`evaluator-add-${type}`));
}

describe('the evaluators editor', () => {
  it('adds a contains check and an LLM judge, edits them, and autosaves the draft', async () => {
    const { session, drafts } = await setup();
    expect(screen.getByTestId('evaluators-panel').textContent).toContain('No evaluators yet');

    await add('contains');
    expect(rows()).toHaveLength(1);
    expect(row(0).dataset).toMatchObject({ type: 'contains', name: 'contains' });
    // A new evaluator opens with what it still needs.
    expect(problems(row(0))).toEqual(['value: `value` is empty']);
    expect(within(row(0)).getByTestId('evaluator-template-hint').textContent).toContain('{{ reference }}');
    await fireEvent.input(within(row(0)).getByTestId('evaluator-value'), { target: { value: '{{ reference }}' } });
    await fireEvent.input(within(row(0)).getByTestId('evaluator-name'), { target: { value: 'mentions-answer' } });
    expect(problems(row(0))).toEqual([]);
    expect(within(row(0)).getByTestId('evaluator-summary').textContent).toBe('contains “{{ reference }}”');

    await add('judge');
    const judge = row(1);
    // The judge starts on the blueprint's own model and the correctness rubric.
    expect((within(judge).getByTestId('judge-provider') as HTMLSelectElement).value).toBe('local');
    await waitFor(() => expect((within(judge).getByTestId('judge-metric') as HTMLSelectElement).options.length).toBeGreaterThan(5));
    await fireEvent.change(within(judge).getByTestId('judge-metric'), { target: { value: 'helpfulness' } });
    expect(within(judge).getByTestId('judge-metric-description').textContent).toContain('Would the person who wrote the input find the response useful?');
    await fireEvent.input(within(judge).getByTestId('judge-pass-score'), { target: { value: '0.75' } });
    expect(within(judge).getByTestId('judge-pass-explain').textContent).toContain('passes at 4 or more on 1–5');
    await fireEvent.change(within(judge).getByTestId('judge-provider'), { target: { value: 'bedrock' } });
    expect(problems(row(1))).toEqual([expect.stringMatching(/^model: judge model `bedrock:` must be `provider:model`/)]);
    await fireEvent.input(within(row(1)).getByTestId('judge-model'), { target: { value: 'anthropic.claude-3-5-haiku-20241022-v1:0' } });
    expect(problems(row(1))).toEqual([]);

    expect(session.content.evaluators).toEqual([
      { name: 'mentions-answer', weight: 1, type: 'contains', value: '{{ reference }}' },
      { name: 'correctness', weight: 1, type: 'judge', metric: 'helpfulness', model: 'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0', passScore: 0.75 },
    ]);
    expect(session.dirty).toBe(true);
    await waitFor(() => expect(drafts.at(-1)?.content.evaluators).toHaveLength(2), { timeout: DRAFT_DELAY_MS + 2000 });
  });

  it('writes a custom rubric, reorders and removes evaluators', async () => {
    const { session } = await setup();
    await add('is-json');
    await add('judge');
    await fireEvent.change(within(row(1)).getByTestId('judge-metric'), { target: { value: 'custom' } });
    expect(problems(row(1))).toEqual(['rubric: a custom metric needs its rubric: say what a good answer is']);
    await fireEvent.input(within(row(1)).getByTestId('judge-rubric'), { target: { value: 'Names the order number.' } });
    expect(problems(row(1))).toEqual([]);
    expect(session.content.evaluators![1]).toMatchObject({ metric: 'custom', rubric: 'Names the order number.' });

    await fireEvent.click(within(row(1)).getByTestId('evaluator-up'));
    expect(rows().map((r) => r.dataset.type)).toEqual(['judge', 'is-json']);
    await fireEvent.click(within(row(0)).getByTestId('evaluator-remove'));
    expect(rows().map((r) => r.dataset.type)).toEqual(['is-json']);
    await fireEvent.click(within(row(0)).getByTestId('evaluator-remove'));
    // An empty list leaves the content as it was: nothing to save.
    expect(rows()).toHaveLength(0);
    expect('evaluators' in session.content).toBe(false);
    expect(session.dirty).toBe(false);
  });

  it('edits the gate: pass rate in percent, a minimum mean per evaluator, cost and latency', async () => {
    const { session } = await setup();
    await add('contains');
    await fireEvent.input(within(row(0)).getByTestId('evaluator-value'), { target: { value: 'order' } });
    const form = screen.getByTestId('thresholds-form');
    await fireEvent.input(within(form).getByTestId('threshold-pass-rate'), { target: { value: '80' } });
    await fireEvent.input(within(form).getByTestId('threshold-min-mean-contains'), { target: { value: '0.6' } });
    await fireEvent.input(within(form).getByTestId('threshold-cost'), { target: { value: '0.002' } });
    await fireEvent.input(within(form).getByTestId('threshold-latency'), { target: { value: '1500' } });
    expect(session.content.thresholds).toEqual({ minPassRate: 0.8, minMean: { contains: 0.6 }, maxCostPerCaseUsd: 0.002, maxP95LatencyMs: 1500 });
    // Renaming the evaluator carries its minimum mean.
    await fireEvent.input(within(row(0)).getByTestId('evaluator-name'), { target: { value: 'order' } });
    expect(session.content.thresholds!.minMean).toEqual({ order: 0.6 });
    await fireEvent.input(within(form).getByTestId('threshold-pass-rate'), { target: { value: '180' } });
    expect(within(form).getAllByTestId('evaluator-problem').map((p) => p.textContent!.trim())).toEqual([
      'the pass rate is a share between 0 and 1 (0.8 = 80%), not 1.8',
    ]);
    // Clearing every limit removes the gate from the content.
    for (const id of ['threshold-pass-rate', 'threshold-min-mean-order', 'threshold-cost', 'threshold-latency']) {
      await fireEvent.input(within(form).getByTestId(id), { target: { value: '' } });
    }
    expect('thresholds' in session.content).toBe(false);
  });

  it('shows what the engine would refuse while typing, and the engine’s message on save', async () => {
    const { session } = await setup();
    await add('regex');
    await fireEvent.input(within(row(0)).getByTestId('evaluator-pattern'), { target: { value: '(?<=order )\\d+' } });
    const [hint] = within(row(0)).getAllByTestId('evaluator-problem');
    expect(hint!.dataset.severity).toBe('hint');
    expect(hint!.textContent).toContain('look-around');
    await fireEvent.input(within(row(0)).getByTestId('evaluator-pattern'), { target: { value: 'order (\\d+' } });
    expect(problems(row(0))).toEqual([expect.stringMatching(/^pattern: the pattern does not compile: .*\(a hint: the engine checks on save\)$/)]);

    await add('length');
    await fireEvent.input(within(row(1)).getByTestId('evaluator-name'), { target: { value: 'pattern' } });
    await fireEvent.input(within(row(1)).getByTestId('evaluator-weight'), { target: { value: '0' } });
    await fireEvent.input(within(row(1)).getByTestId('evaluator-min'), { target: { value: '2000' } });
    expect(problems(row(1))).toEqual([
      'name: another evaluator is already named `pattern`',
      'weight: weight must be a positive number, not 0',
      'min: min 2000 is greater than max 1000',
    ]);
    expect(screen.getByTestId('evaluators-issues').textContent).toBe('3 problems');

    await fireEvent.input(within(row(0)).getByTestId('evaluator-pattern'), { target: { value: 'order \\d+' } });
    const saved = await session.save('with evaluators');
    expect(saved).toEqual({
      ok: false,
      error: {
        code: 'invalid',
        message: 'cannot save a version: pattern, `name`: another evaluator is already named `pattern`; pattern, `weight`: weight must be a positive number, not 0; pattern, `min`: min 2000 is greater than max 1000',
      },
    });
  });

  it('shows the seeded evaluators folded, with what each checks', async () => {
    await setup('Support reply');
    expect(rows().map((r) => [r.dataset.name, within(r).getByTestId('evaluator-summary').textContent])).toEqual([
      ['polite', 'matches /(?i)thank|sorry|happy to help|good quest…/'],
      ['helpful', 'Helpfulness judged by bedrock:anthropic.claude-3-5-haiku-20241022-v1:0 · passes at 75%'],
    ]);
    expect(within(row(0)).queryByTestId('evaluator-name')).toBeNull();
    await fireEvent.click(within(row(1)).getByTestId('evaluator-toggle'));
    expect((within(row(1)).getByTestId('judge-model') as HTMLInputElement).value).toBe('anthropic.claude-3-5-haiku-20241022-v1:0');
  });
});
