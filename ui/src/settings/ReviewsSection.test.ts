import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { AppSettings } from '../bindings';
import { engineError, installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import SettingsDialog from './SettingsDialog.svelte';
import { defaultSettings, loadSettingsForm } from './settingsForm';

const field = (testid: string) => screen.getByTestId(testid) as HTMLInputElement;

/** Settings over the mock host, with `settings_get`/`settings_save` answered here. */
async function open(stored: AppSettings, save?: (req: AppSettings) => AppSettings) {
  setHost(createMockHost());
  const saves: AppSettings[] = [];
  installHandlers({
    settings_get: () => structuredClone(stored),
    settings_save: (req) => {
      saves.push(structuredClone(req));
      return save ? save(req) : req;
    },
  });
  const onclose = vi.fn();
  const onsaved = vi.fn<(s: AppSettings) => void>();
  render(SettingsDialog, { form: await loadSettingsForm(), section: 'reviews', onclose, onsaved });
  return { saves, onclose, onsaved };
}

describe('Settings → Reviews', () => {
  it('shows who rates here, and what the name and email are for', async () => {
    await open({ ...defaultSettings(), rater: { name: 'Ada Lovelace', email: 'ada@example.com' } });
    expect(screen.getByTestId('settings-section-reviews').textContent!.trim()).toBe('Reviews');
    expect(screen.getByRole('heading', { name: 'Reviews' })).toBeTruthy();
    expect(field('rater-name').value).toBe('Ada Lovelace');
    expect(field('rater-email').value).toBe('ada@example.com');
    const help = screen.getByTestId('rater-help').textContent!;
    expect(help).toContain('Ratings you give are recorded under this name and email');
    expect(help).toContain('a ratings file you send carries them');
    // Opened on this section: its first field has the focus.
    expect(document.activeElement).toBe(field('rater-name'));
  });

  it('saves the name and email, trimmed, with the rest of Settings unchanged', async () => {
    const { saves, onclose, onsaved } = await open(defaultSettings());
    expect(field('rater-name').value).toBe('');
    expect(field('rater-email').value).toBe('');
    await fireEvent.input(field('rater-name'), { target: { value: '  Grace Hopper ' } });
    await fireEvent.input(field('rater-email'), { target: { value: ' grace@example.com ' } });
    await fireEvent.keyDown(field('rater-email'), { key: 'Enter' });
    await waitFor(() => expect(onclose).toHaveBeenCalledTimes(1));
    expect(saves).toEqual([{ ...defaultSettings(), rater: { name: 'Grace Hopper', email: 'grace@example.com' } }]);
    expect(onsaved.mock.calls[0]![0].rater).toEqual({ name: 'Grace Hopper', email: 'grace@example.com' });
  });

  it("shows the engine's message when it refuses the identity", async () => {
    const { onclose } = await open(defaultSettings(), (req) => {
      if (!req.rater.email.includes('@')) throw engineError('invalid', `rater: "${req.rater.email}" is not an email address (name@example.com)`);
      return req;
    });
    await fireEvent.input(field('rater-name'), { target: { value: 'Ada' } });
    await fireEvent.input(field('rater-email'), { target: { value: 'ada' } });
    await fireEvent.click(screen.getByTestId('settings-save'));
    expect((await screen.findByTestId('settings-error')).textContent).toBe('rater: "ada" is not an email address (name@example.com)');
    expect(onclose).not.toHaveBeenCalled();
  });
});
