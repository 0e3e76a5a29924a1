import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { RunsStartReq } from '../bindings';
import { installHandlers } from '../lib/host';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import { openedSession } from '../test/opened';
import { ModelCatalog } from '../models/catalog.svelte';
import { LocalModels } from '../models/localModels.svelte';
import { Endpoints } from '../models/endpoints.svelte';
import RunsArea from './RunsArea.svelte';

async function area(opts: { confirmAbove?: number; before?: (host: Awaited<ReturnType<typeof openedSession>>['host']) => Promise<void> } = {}) {
  const { host, session } = await openedSession('Support reply');
  await opts.before?.(host);
  if (opts.confirmAbove !== undefined) host.state.settings.runs.confirmAboveUsd = opts.confirmAbove;
  session.setSample('agent', 'Sam');
  session.setSample('message', 'Where is my order?');
  const { component } = render(RunsArea, { session, catalog: new ModelCatalog(), local: new LocalModels(), endpoints: new Endpoints() });
  render(ConfirmHost);
  component.newRun();
  await screen.findByTestId('run-dialog');
  await waitFor(() => expect(screen.getAllByTestId('run-input-value').length).toBe(4));
  return { host, session, component };
}

const value = (name: string, row: number) =>
  screen.getAllByTestId('run-input-value').find((el) => el.dataset.var === name && el.dataset.row === String(row)) as HTMLTextAreaElement;
const version = (n: number) => screen.getAllByTestId('run-version').find((el) => el.dataset.version === String(n)) as HTMLInputElement;
const chips = () => screen.queryAllByTestId('run-model-chip').map((c) => c.dataset.model);

async function addModel(text: string) {
  const input = screen.getByTestId('run-model-input') as HTMLInputElement;
  await fireEvent.input(input, { target: { value: text } });
  await fireEvent.click(screen.getByTestId('run-model-add'));
}

function captureStart() {
  const sent: RunsStartReq[] = [];
  installHandlers({
    runs_start: (req, emit) => {
      sent.push(req);
      emit({ type: 'started', data: { runId: 'run-9', pending: 0 } });
      return {
        id: 'run-9', blueprintId: req.blueprintId, blueprintName: 'Support reply', status: 'finished', columns: [], inputs: req.inputs.length,
        repeats: req.repeats, cellsTotal: 0, cellsOk: 0, cellsFailed: 0, costUsd: 0, source: 'app', createdAt: '2026-05-04T10:00:00Z', updatedAt: '2026-05-04T10:00:00Z',
      };
    },
  });
  return sent;
}

describe('a new run', () => {
  it('starts from the latest version and the workbench samples, estimates, and sends exactly what the form says', async () => {
    const { session } = await area();
    const sent = captureStart();
    expect(screen.getAllByTestId('run-version').map((v) => [v.dataset.version, (v as HTMLInputElement).checked])).toEqual([
      ['3', true], ['2', false], ['1', false],
    ]);
    expect(screen.getByTestId('run-models-own').textContent).toContain('local:SmolLM2-135M-Instruct');
    // The variables of v3, in order of use, filled with the samples typed in the workbench and the defaults.
    expect(screen.getAllByTestId('run-input-value').map((el) => `${el.dataset.var}=${(el as HTMLTextAreaElement).value}`)).toEqual([
      'product=Galley', 'agent=Sam', 'message=Where is my order?', 'language=English',
    ]);
    await waitFor(() => expect(screen.getByTestId('run-estimate').dataset.cells).toBe('1'));

    await fireEvent.click(version(2));
    await addModel('bedrock:amazon.nova-lite-v1:0');
    const input = screen.getByTestId('run-model-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: ' local:SmolLM2-135M-Instruct ' } });
    await fireEvent.keyDown(input, { key: 'Enter' });
    await addModel('openai:Ollama/llama3.2:latest');
    await addModel('gpt-4o');
    expect(screen.getByTestId('run-model-error').textContent).toContain('`gpt-4o` does not name a model');
    expect(chips()).toEqual(['bedrock:amazon.nova-lite-v1:0', 'local:SmolLM2-135M-Instruct', 'openai:Ollama/llama3.2:latest']);
    const ollama = screen.getAllByTestId('run-model-chip')[2]!;
    await fireEvent.click(within(ollama).getByTestId('run-model-remove'));
    expect(chips()).toEqual(['bedrock:amazon.nova-lite-v1:0', 'local:SmolLM2-135M-Instruct']);

    await fireEvent.click(screen.getByTestId('run-input-add'));
    expect(screen.getAllByTestId('run-input-row').map((r) => r.dataset.row)).toEqual(['0', '1']);
    await fireEvent.input(value('agent', 1), { target: { value: 'Ana' } });
    await fireEvent.input(value('message', 1), { target: { value: 'Refund, please' } });
    await fireEvent.input(screen.getByTestId('run-repeats'), { target: { value: '3' } });
    await fireEvent.input(screen.getByTestId('run-concurrency'), { target: { value: '2' } });
    await fireEvent.click(screen.getByTestId('run-bypass-cache'));

    // 2 versions × 2 models × 2 inputs × 3 repeats.
    await waitFor(() => expect(screen.getByTestId('run-estimate').dataset.cells).toBe('24'));
    const estimate = screen.getByTestId('run-estimate');
    expect(Number(estimate.dataset.costMax)).toBeGreaterThan(Number(estimate.dataset.costMin));
    expect(estimate.textContent).toContain('24 cells');

    await fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toEqual({
      blueprintId: session.openId!,
      versions: [2, 3],
      models: [
        { provider: 'bedrock', modelId: 'amazon.nova-lite-v1:0' },
        { provider: 'local', modelId: 'SmolLM2-135M-Instruct' },
      ],
      inputs: [
        { name: null, values: { product: 'Galley', agent: 'Sam', message: 'Where is my order?', language: 'English' } },
        { name: null, values: { agent: 'Ana', message: 'Refund, please' } },
      ],
      repeats: 3,
      concurrency: 2,
      bypassCache: true,
    } satisfies RunsStartReq);
    // The dialog gives way to the grid of the run.
    await waitFor(() => expect(screen.queryByTestId('run-dialog')).toBeNull());
    expect(screen.getByTestId('run-grid').dataset.runId).toBe('run-9');
    expect(screen.getAllByTestId('run-column').map((c) => c.getAttribute('title'))).toEqual([
      'v2 · bedrock:amazon.nova-lite-v1:0', 'v2 · local:SmolLM2-135M-Instruct', 'v3 · bedrock:amazon.nova-lite-v1:0', 'v3 · local:SmolLM2-135M-Instruct',
    ]);
  });

  it('asks before a run that may cost more than the amount in Settings', async () => {
    await area({ confirmAbove: 0 });
    const sent = captureStart();
    await addModel('bedrock:amazon.nova-pro-v1:0');
    await waitFor(() => expect(screen.getByTestId('run-estimate-confirm').textContent).toContain('you will be asked'));
    const max = Number(screen.getByTestId('run-estimate').dataset.costMax);
    await fireEvent.click(screen.getByTestId('run-start'));
    const step = await screen.findByTestId('run-confirm-step');
    expect(step.textContent).toContain('This run may cost up to');
    expect(screen.getByTestId('run-confirm-max').textContent).toBe(`$${max.toFixed(6)}`);
    expect(step.textContent).toContain('more than the $0 set in Settings → Runs');
    expect(sent).toHaveLength(0);
    await fireEvent.click(screen.getByTestId('run-confirm-back'));
    expect(screen.queryByTestId('run-confirm-step')).toBeNull();
    await fireEvent.click(screen.getByTestId('run-start'));
    await fireEvent.click(await screen.findByTestId('run-confirm'));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]!.models).toEqual([{ provider: 'bedrock', modelId: 'amazon.nova-pro-v1:0' }]);
  });

  it('shows what the engine cannot run, and does not start it', async () => {
    await area();
    const sent = captureStart();
    await fireEvent.input(value('message', 0), { target: { value: '' } });
    const error = await screen.findByTestId('run-estimate-error');
    expect(error.textContent).toBe(
      'v3 cannot be rendered for input 1 (agent=Sam, language=English, product=Galley): message 1 (user) line 2, column 4: undefined variable `message`: give it a value or a default',
    );
    await fireEvent.click(screen.getByTestId('run-start'));
    await new Promise((r) => setTimeout(r, 50));
    expect(sent).toHaveLength(0);
    expect(screen.getByTestId('run-dialog')).toBeTruthy();
  });

  it('fills the inputs from pasted spreadsheet rows, mapping a header row by name', async () => {
    await area();
    const paste = (el: HTMLElement, text: string) => fireEvent.paste(el, { clipboardData: { getData: () => text } });
    await paste(value('agent', 0), 'message\tagent\nHello\tAna\nRefund?\tBob\n');
    expect(screen.getAllByTestId('run-input-row')).toHaveLength(2);
    expect([value('agent', 0).value, value('message', 0).value, value('agent', 1).value, value('message', 1).value]).toEqual(['Ana', 'Hello', 'Bob', 'Refund?']);
    // Without a header, columns go from the field pasted into.
    await paste(value('message', 1), 'Third\tGerman\nFourth\tSpanish');
    expect(screen.getAllByTestId('run-input-row')).toHaveLength(3);
    expect([value('message', 2).value, value('language', 2).value, value('language', 1).value]).toEqual(['Fourth', 'Spanish', 'German']);
    await userEvent.click(screen.getAllByTestId('run-input-remove')[0]!);
    expect(screen.getAllByTestId('run-input-row')).toHaveLength(2);
    expect(value('agent', 0).value).toBe('Bob');
  });

  it('closes on Escape without starting anything', async () => {
    await area();
    const sent = captureStart();
    await fireEvent.keyDown(screen.getByTestId('run-dialog'), { key: 'Escape' });
    expect(screen.queryByTestId('run-dialog')).toBeNull();
    expect(sent).toHaveLength(0);
  });

  it('runs on the cases of a dataset version: says how many, warns about uncovered variables, sends the dataset and no inputs', async () => {
    let partialId = '';
    const { host } = await area({
      before: async (host) => {
        const partial = await host.call('datasets_create', { name: 'Messages only', description: '' });
        partialId = partial.id;
        const cases = [{ values: { message: 'Hi' } }, { values: { message: 'Bye' } }];
        await host.call('datasets_save', { id: partial.id, content: { variables: ['message'], cases }, message: '' });
      },
    });
    const tickets = host.state.datasets.find((d) => d.name === 'Support tickets')!;
    const sent = captureStart();
    await waitFor(() => expect(screen.getByTestId('run-estimate').dataset.cells).toBe('1'));
    const source = screen.getByTestId('inputs-source');
    expect(source.dataset.source).toBe('inputs');
    await userEvent.click(within(source).getByRole('radio', { name: 'Dataset' }));
    // The dataset that covers most of the template's variables is chosen, at its latest version.
    await waitFor(() => expect((screen.getByTestId('run-dataset') as HTMLSelectElement).value).toBe(tickets.id));
    expect(screen.queryByTestId('run-input-row')).toBeNull();
    expect((screen.getByTestId('run-dataset-version') as HTMLSelectElement).value).toBe('');
    expect(screen.getByTestId('run-dataset-cases').dataset.cases).toBe('6');
    expect(screen.getByTestId('run-dataset-cases').textContent).toContain('6 cases from v2');
    expect(screen.queryByTestId('run-dataset-warning')).toBeNull();
    expect(screen.getByTestId('run-dataset-note').textContent!.replace(/\s+/g, ' ').trim()).toBe('product takes its default from the blueprint.');
    await waitFor(() => expect(screen.getByTestId('run-estimate').dataset.cells).toBe('6'));

    await fireEvent.change(screen.getByTestId('run-dataset-version'), { target: { value: '1' } });
    await waitFor(() => expect(screen.getByTestId('run-dataset-cases').dataset.cases).toBe('4'));
    await waitFor(() => expect(screen.getByTestId('run-estimate').dataset.cells).toBe('4'));

    await fireEvent.change(screen.getByTestId('run-dataset'), { target: { value: partialId } });
    const warning = await screen.findByTestId('run-dataset-warning');
    expect(warning.textContent).toContain('The dataset has no values for agent, which the template uses without a default: rendering fails.');
    expect(await screen.findByTestId('run-estimate-error')).toBeTruthy();

    await fireEvent.change(screen.getByTestId('run-dataset'), { target: { value: tickets.id } });
    await waitFor(() => expect(screen.getByTestId('run-estimate').dataset.cells).toBe('6'));
    await fireEvent.click(screen.getByTestId('run-start'));
    await waitFor(() => expect(sent).toHaveLength(1));
    expect(sent[0]).toMatchObject({ versions: [3], models: [], inputs: [], dataset: { id: tickets.id, version: 2 }, repeats: 1 });
    await waitFor(() => expect(screen.queryByTestId('run-dialog')).toBeNull());
  });
});
