import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { AppSettings } from '../bindings';
import { installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import SettingsDialog from './SettingsDialog.svelte';
import { loadSettingsForm, parseCount } from './settingsForm';

async function open() {
  const host = createMockHost();
  setHost(host);
  const onclose = vi.fn();
  const onsaved = vi.fn<(s: AppSettings) => void>();
  render(SettingsDialog, { form: await loadSettingsForm(), onclose, onsaved });
  return { host, onclose, onsaved };
}

const field = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

describe('Settings', () => {
  it('opens with the stored settings, the profiles and where prices come from', async () => {
    await open();
    const profile = screen.getByTestId('settings-profile') as HTMLSelectElement;
    expect(Array.from(profile.options).map((o) => [o.value, o.textContent])).toEqual([
      ['', 'Default credential chain'],
      ['default', 'default'],
      ['dev', 'dev'],
      ['prod-readonly', 'prod-readonly'],
    ]);
    expect(profile.value).toBe('');
    expect(field('settings-region').value).toBe('');
    expect(field('settings-endpoint').value).toBe('');
    expect(field('settings-timeout').value).toBe('120');
    expect(field('settings-attempts').value).toBe('3');
    expect(screen.getByTestId('settings-dialog').textContent).toContain('Galley stores only the name');
    expect(screen.getByTestId('settings-dialog').textContent).toContain('leave empty for AWS; set it for a proxy or bedrock-sim'.replace('leave', 'Leave'));
    const prices = screen.getByTestId('settings-prices').textContent!;
    expect(prices).toContain('as of 2026-11-27');
    expect(prices).toContain('https://aws.amazon.com/bedrock/pricing/');
    expect(prices).toContain('~/.local/share/galley/prices.json');
    expect(screen.queryByTestId('settings-error')).toBeNull();
  });

  it("shows the engine's message inline and stays open when it refuses", async () => {
    const { host, onclose, onsaved } = await open();
    await fireEvent.input(field('settings-region'), { target: { value: 'US East' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    const error = await screen.findByTestId('settings-error');
    expect(error.textContent).toBe('the region `US East` is not a region name: use one like `us-east-1`');
    expect(onclose).not.toHaveBeenCalled();
    expect(onsaved).not.toHaveBeenCalled();

    await fireEvent.input(field('settings-region'), { target: { value: 'eu-west-1' } });
    await fireEvent.input(field('settings-endpoint'), { target: { value: 'not a url' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-error').textContent).toContain('the endpoint URL `not a url` is malformed'));
    expect(host.state.settings.bedrock.region).toBeNull();
  });

  it('checks numbers before asking the engine', async () => {
    const { onsaved } = await open();
    const saves = vi.fn();
    installHandlers({ settings_save: (req) => { saves(req); return req; } });
    await fireEvent.input(field('settings-timeout'), { target: { value: '2 min' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('settings-error')).textContent).toContain('the timeout `2 min` is not a whole number of seconds');
    expect(saves).not.toHaveBeenCalled();
    expect(onsaved).not.toHaveBeenCalled();
  });

  it('saves what was chosen and closes (Enter saves)', async () => {
    const { host, onclose, onsaved } = await open();
    await fireEvent.change(screen.getByTestId('settings-profile'), { target: { value: 'dev' } });
    await fireEvent.input(field('settings-region'), { target: { value: ' eu-central-1 ' } });
    await fireEvent.input(field('settings-endpoint'), { target: { value: 'http://127.0.0.1:4000' } });
    await fireEvent.input(field('settings-timeout'), { target: { value: '30' } });
    await fireEvent.input(field('settings-attempts'), { target: { value: '5' } });
    await fireEvent.keyDown(field('settings-attempts'), { key: 'Enter' });
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    const stored = { profile: 'dev', region: 'eu-central-1', endpointUrl: 'http://127.0.0.1:4000', timeoutSecs: 30, maxAttempts: 5, initialBackoffMs: 1000 };
    expect(onsaved).toHaveBeenCalledWith({
      bedrock: stored,
      local: { threads: 4, context: 4096 },
      endpoints: [],
      runs: { confirmAboveUsd: 1, concurrency: 4 },
      rater: { name: '', email: '' },
    });
    expect(host.state.settings.bedrock).toEqual(stored);
  });
});

describe('Settings → Runs', () => {
  it('saves when a run asks before it starts and its default concurrency', async () => {
    const { host, onsaved } = await open();
    expect(field('settings-runs-confirm').value).toBe('1');
    expect(field('settings-runs-concurrency').value).toBe('4');
    await fireEvent.input(field('settings-runs-confirm'), { target: { value: 'five' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('settings-error')).textContent).toBe('runs: the amount `five` is not a number of dollars: use one like 1.00');
    await fireEvent.input(field('settings-runs-confirm'), { target: { value: '$2.50' } });
    await fireEvent.input(field('settings-runs-concurrency'), { target: { value: '300' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(screen.getByTestId('settings-error').textContent).toBe('runs: a concurrency of 300 is not possible; use 1 to 256'));
    await fireEvent.input(field('settings-runs-concurrency'), { target: { value: '8' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    await waitFor(() => expect(onsaved).toHaveBeenCalledTimes(1));
    expect(host.state.settings.runs).toEqual({ confirmAboveUsd: 2.5, concurrency: 8 });
  });
});

describe('parseCount', () => {
  it('reads whole numbers only', () => {
    expect(parseCount(' 42 ')).toBe(42);
    expect(parseCount('0')).toBe(0);
    expect(parseCount('')).toBeNull();
    expect(parseCount('1.5')).toBeNull();
    expect(parseCount('-3')).toBeNull();
    expect(parseCount('1e3')).toBeNull();
  });
});
