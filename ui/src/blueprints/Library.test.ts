import { describe, expect, it } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import { call, installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import { Session } from '../workbench/session.svelte';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import Library from './Library.svelte';

async function setup() {
  setHost(createMockHost({ seed: true }));
  const session = new Session();
  await session.refreshList();
  render(Library, { session });
  render(ConfirmHost);
  return session;
}

const names = () => screen.getAllByTestId('bp-item').map((el) => el.dataset.name);

describe('Library', () => {
  it('lists blueprints with tags, versions, prod badge and draft dot', async () => {
    await setup();
    expect(names()).toEqual(['Release notes', 'Support reply', 'Ticket triage']);
    const support = screen.getAllByTestId('bp-item')[1]!;
    expect(within(support).getByText('v3')).toBeTruthy();
    expect(within(support).getByText('prod v2')).toBeTruthy();
    expect(within(support).getByText('email')).toBeTruthy();
    expect(within(support).queryByLabelText('unsaved draft')).toBeNull();
    const notes = screen.getAllByTestId('bp-item')[0]!;
    expect(within(notes).getByLabelText('unsaved draft')).toBeTruthy();
    expect(within(screen.getAllByTestId('bp-item')[2]!).getByText('new')).toBeTruthy();
  });

  it('filters through the engine, by name or tag, debounced', async () => {
    await setup();
    const searches: string[] = [];
    installHandlers({
      blueprints_list: async (req) => {
        searches.push(req.search);
        installHandlers({ blueprints_list: undefined });
        const out = await call('blueprints_list', req);
        installHandlers({ blueprints_list: (r) => { searches.push(r.search); return []; } });
        return out;
      },
    });
    await userEvent.type(screen.getByTestId('bp-search'), 'classify');
    await waitFor(() => expect(names()).toEqual(['Ticket triage']));
    expect(searches).toEqual(['classify']);
  });

  it('creates with Enter and shows the engine’s message for a taken name', async () => {
    const session = await setup();
    await fireEvent.click(screen.getByTestId('bp-new'));
    const input = screen.getByTestId('bp-new-name');
    await userEvent.type(input, 'support REPLY{Enter}');
    await screen.findByText('a blueprint named `support REPLY` already exists');
    expect(screen.getByTestId('bp-new-name')).toBeTruthy();
    await userEvent.clear(input);
    await userEvent.type(input, 'Onboarding{Enter}');
    await waitFor(() => expect(names()).toContain('Onboarding'));
    expect(screen.queryByTestId('bp-new-name')).toBeNull();
    const selected = screen.getAllByTestId('bp-item').find((el) => el.getAttribute('aria-selected') === 'true');
    expect(selected?.dataset.name).toBe('Onboarding');
    expect(session.opened?.summary.name).toBe('Onboarding');
  });

  it('renames inline and deletes after a confirmation naming the blueprint', async () => {
    const session = await setup();
    await session.select(session.list.find((b) => b.name === 'Ticket triage')!.id);
    await fireEvent.click(screen.getByTestId('bp-rename'));
    const input = screen.getByTestId('bp-rename-input');
    await userEvent.clear(input);
    await userEvent.type(input, 'Triage{Enter}');
    await waitFor(() => expect(names()).toEqual(['Release notes', 'Support reply', 'Triage']));

    await fireEvent.click(screen.getByTestId('bp-delete'));
    expect(screen.getByRole('alertdialog').textContent).toContain('Delete “Triage”?');
    await fireEvent.click(screen.getByTestId('confirm-cancel'));
    expect(names()).toHaveLength(3);
    await fireEvent.click(screen.getByTestId('bp-delete'));
    await fireEvent.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(names()).toEqual(['Release notes', 'Support reply']));
    expect(session.opened).toBeNull();
  });
});
