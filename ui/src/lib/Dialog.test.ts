import { describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import { createRawSnippet } from 'svelte';
import Dialog from './Dialog.svelte';

const body = createRawSnippet(() => ({ render: () => '<div><button type="button">Work</button></div>' }));

function open(title: string, testid: string) {
  const onclose = vi.fn();
  render(Dialog, { title, onclose, children: body, testid });
  return onclose;
}

describe('Dialog', () => {
  it('closes on Esc pressed inside it, once', async () => {
    const onclose = open('One', 'one');
    const button = screen.getByText('Work');
    button.focus();
    await fireEvent.keyDown(button, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('still takes Esc and Tab when focus fell to the page (its control was disabled)', async () => {
    const onclose = open('One', 'one');
    const button = screen.getByText('Work') as HTMLButtonElement;
    button.focus();
    button.blur();
    expect(document.activeElement).toBe(document.body);
    await fireEvent.keyDown(window, { key: 'Tab' });
    expect(screen.getByTestId('one').contains(document.activeElement)).toBe(true);
    (document.activeElement as HTMLElement).blur();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledTimes(1);
  });

  it('gives a stray Esc to the topmost dialog only', async () => {
    const under = open('Under', 'under');
    const top = open('Top', 'top');
    (document.activeElement as HTMLElement | null)?.blur();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(top).toHaveBeenCalledTimes(1);
    expect(under).not.toHaveBeenCalled();
  });
});
