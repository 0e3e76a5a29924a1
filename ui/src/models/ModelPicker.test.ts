import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { installHandlers } from '../lib/host';
import { openedSession } from '../test/opened';
import ModelSettings from '../templates/ModelSettings.svelte';
import { ModelCatalog } from './catalog.svelte';
import { contextLine, filterModels, priceLine, usd } from './format';
import { mockCatalogModels } from '../lib/mock/mockBedrock';

async function setup(opts: { offline?: string; provider?: string } = {}) {
  const { host, session } = await openedSession('Support reply');
  host.state.catalogOffline = opts.offline ?? null;
  session.content.model.provider = opts.provider ?? 'bedrock';
  const catalog = new ModelCatalog();
  render(ModelSettings, { session, catalog });
  return { host, session, catalog };
}

const ids = () => screen.getAllByTestId('model-option').map((o) => o.dataset.id);

describe('Model picker', () => {
  it('lists the catalog, filters by text and sets the model id', async () => {
    const { session } = await setup();
    await fireEvent.click(screen.getByTestId('model-picker'));
    await waitFor(() => expect(ids()).toHaveLength(9));
    const haiku = screen.getAllByTestId('model-option').find((o) => o.dataset.id === 'anthropic.claude-3-5-haiku-20241022-v1:0')!;
    expect(haiku.textContent).toContain('Claude 3.5 Haiku');
    expect(haiku.textContent).toContain('$0.80 / $4.00 per M tokens');
    expect(haiku.textContent).toContain('Anthropic · 200K context');
    expect(haiku.textContent).not.toContain('via profile');
    const profile = screen.getAllByTestId('model-option').find((o) => o.dataset.id?.startsWith('us.anthropic.claude-haiku'))!;
    expect(profile.textContent).toContain('via profile');
    expect(screen.getAllByTestId('model-option').find((o) => o.dataset.id === 'cohere.command-r-v1:0')!.textContent).toContain('no price');

    const search = screen.getByTestId('model-search');
    expect(document.activeElement).toBe(search);
    await userEvent.type(search, 'haiku');
    expect(ids()).toEqual(['anthropic.claude-3-5-haiku-20241022-v1:0', 'us.anthropic.claude-haiku-4-5-20251001-v1:0']);
    await userEvent.clear(search);
    await userEvent.type(search, 'anthropic 4.5');
    expect(ids()).toEqual(['us.anthropic.claude-haiku-4-5-20251001-v1:0', 'us.anthropic.claude-sonnet-4-5-20250929-v1:0']);

    await fireEvent.click(screen.getAllByTestId('model-option')[1]!);
    expect(session.content.model.modelId).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect((screen.getByTestId('model-id') as HTMLInputElement).value).toBe('us.anthropic.claude-sonnet-4-5-20250929-v1:0');
    expect(screen.queryByTestId('model-option')).toBeNull();
    expect(screen.getByTestId('model-info').textContent).toContain('Claude Sonnet 4.5');
    expect(screen.getByTestId('model-info').textContent).toContain('$3.30 / $16.50 per M tokens');
    expect(session.dirty).toBe(true);
  });

  it('chooses from the keyboard and closes on Escape', async () => {
    const { session } = await setup();
    await fireEvent.click(screen.getByTestId('model-picker'));
    await waitFor(() => expect(ids()).toHaveLength(9));
    await userEvent.keyboard('nova');
    expect(ids()).toEqual(['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0', 'amazon.nova-pro-v1:0']);
    await userEvent.keyboard('{ArrowDown}{ArrowDown}{Enter}');
    expect(session.content.model.modelId).toBe('amazon.nova-pro-v1:0');
    expect(document.activeElement).toBe(screen.getByTestId('model-picker'));

    await fireEvent.click(screen.getByTestId('model-picker'));
    await userEvent.keyboard('{Escape}');
    expect(screen.queryByTestId('model-search')).toBeNull();
    expect(session.content.model.modelId).toBe('amazon.nova-pro-v1:0');
  });

  it('keeps the model id free text', async () => {
    const { session } = await setup();
    await fireEvent.input(screen.getByTestId('model-id'), { target: { value: 'arn:aws:bedrock:us-east-1:123456789012:inference-profile/x' } });
    expect(session.content.model.modelId).toBe('arn:aws:bedrock:us-east-1:123456789012:inference-profile/x');
    await waitFor(() => expect(screen.getByTestId('model-info').textContent).toContain('Not in the catalog'));
  });

  it('says when the catalog comes from the bundled price table', async () => {
    await setup({ offline: 'no AWS credentials for profile `dev`: run `aws sso login --profile dev`' });
    const notice = await screen.findByTestId('catalog-offline');
    expect(notice.textContent!.trim()).toBe(
      'Showing the bundled price table (as of 2026-11-27): no AWS credentials for profile `dev`: run `aws sso login --profile dev`',
    );
  });

  it('asks Bedrock again on refresh', async () => {
    await setup();
    const asked: boolean[] = [];
    installHandlers({
      models_catalog: ({ refresh }) => {
        asked.push(refresh);
        return { models: mockCatalogModels().slice(0, 2), offline: false, offlineReason: null, pricesAsOf: '2026-12-01' };
      },
    });
    await fireEvent.click(screen.getByTestId('catalog-refresh'));
    await fireEvent.click(screen.getByTestId('model-picker'));
    await waitFor(() => expect(ids()).toEqual(['amazon.nova-lite-v1:0', 'amazon.nova-micro-v1:0']));
    expect(asked).toEqual([true]);
  });

  it('is offered for Bedrock only', async () => {
    const { session } = await setup({ provider: 'local' });
    expect(screen.queryByTestId('model-picker')).toBeNull();
    expect(screen.queryByTestId('model-info')).toBeNull();
    await fireEvent.change(screen.getByTestId('model-provider'), { target: { value: 'bedrock' } });
    expect(session.content.model.provider).toBe('bedrock');
    expect(screen.getByTestId('model-picker')).toBeTruthy();
  });
});

describe('model facts', () => {
  it('formats prices and context windows', () => {
    expect(usd(0.8)).toBe('$0.80');
    expect(usd(0.035)).toBe('$0.035');
    expect(usd(16.5)).toBe('$16.50');
    expect(usd(0.00875)).toBe('$0.00875');
    expect(priceLine({ input: 0.8, output: 4, cacheRead: null, cacheWrite: null })).toBe('$0.80 / $4.00 per M tokens');
    expect(priceLine(null)).toBe('no price');
    expect(contextLine(200_000)).toBe('200K context');
    expect(contextLine(1_000_000)).toBe('1M context');
    expect(contextLine(8192)).toBe('8K context');
    expect(contextLine(null)).toBe('');
  });

  it('filters on every word, in name, provider or id', () => {
    const models = mockCatalogModels();
    expect(filterModels(models, '').length).toBe(models.length);
    expect(filterModels(models, '  META ').map((m) => m.id)).toEqual(['meta.llama3-3-70b-instruct-v1:0']);
    expect(filterModels(models, 'mistral large 2407').map((m) => m.name)).toEqual(['Mistral Large (24.07)']);
    expect(filterModels(models, 'nova gpt')).toEqual([]);
  });
});
