import { describe, expect, it } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { installHandlers, setHost } from './lib/host';
import { createMockHost } from './lib/mock/mockHost';
import App from './App.svelte';

describe('App', () => {
  it('shows only the error screen when the database cannot be used', async () => {
    installHandlers({
      app_info: () => { throw { code: 'database', message: 'the database /d/galley.db was written by a newer Galley (schema 9; this Galley knows up to 1).' }; },
    });
    render(App);
    const fatal = await screen.findByTestId('fatal-error');
    expect(fatal.textContent).toContain('was written by a newer Galley (schema 9');
    expect(screen.queryByTestId('bp-search')).toBeNull();
    expect(document.querySelectorAll('[data-testid]')).toHaveLength(1);
  });

  it('starts the workbench with the library', async () => {
    setHost(createMockHost({ seed: true }));
    render(App);
    expect((await screen.findAllByTestId('bp-item')).map((e) => e.dataset.name)).toEqual(['Release notes', 'Support reply', 'Ticket triage']);
  });
});
