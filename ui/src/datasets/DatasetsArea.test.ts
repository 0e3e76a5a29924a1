import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import userEvent from '@testing-library/user-event';
import type { DatasetsSaveReq } from '../bindings';
import { installHandlers, setHost } from '../lib/host';
import { createMockHost } from '../lib/mock/mockHost';
import ConfirmHost from '../lib/ConfirmHost.svelte';
import Toasts from '../lib/Toasts.svelte';
import DatasetsArea from './DatasetsArea.svelte';

// The desktop's file pickers, as a test wants them: none (a plain browser) or native ones that
// answer with the paths set here.
const picker = vi.hoisted(() => ({ native: false, open: null as string | null, save: null as string | null }));
vi.mock('../lib/filePicker', () => ({
  canPickFiles: () => picker.native,
  pickSavePath: vi.fn(async () => picker.save),
  pickGgufFile: vi.fn(async () => null),
}));
vi.mock('@tauri-apps/plugin-dialog', () => ({ open: vi.fn(async () => picker.open), save: vi.fn(async () => picker.save) }));

beforeEach(() => {
  picker.native = false;
  picker.open = null;
  picker.save = null;
});

async function setup(o: { more?: string[] } = {}) {
  const host = createMockHost({ seed: true });
  for (const name of o.more ?? []) await host.call('datasets_create', { name, description: '' });
  setHost(host);
  render(DatasetsArea, { open: true });
  render(ConfirmHost);
  render(Toasts);
  await waitFor(() => expect(screen.getAllByTestId('dataset-row')).toHaveLength(6));
  return { host, user: userEvent.setup() };
}

const columns = () => screen.getAllByTestId('dataset-column').map((c) => c.dataset.var);
const cell = (row: number, name: string) =>
  screen.getAllByTestId('dataset-cell').find((c) => c.dataset.row === String(row) && (c.dataset.var ?? c.dataset.field) === name)!;
const texts = (row: number) =>
  screen
    .getAllByTestId('dataset-cell')
    .filter((c) => c.dataset.row === String(row))
    .map((c) => c.querySelector('.text')?.textContent ?? '');
const toastTexts = () => screen.queryAllByTestId('toast').map((t) => t.querySelector('.text')?.textContent);

async function createDataset(user: ReturnType<typeof userEvent.setup>, name: string) {
  await user.click(screen.getByTestId('dataset-new'));
  await user.type(screen.getByTestId('dataset-new-name'), `${name}{Enter}`);
  await waitFor(() => expect(screen.getByTestId('dataset-name').textContent).toBe(name));
}

describe('the datasets area', () => {
  it('lists the datasets and shows the cases of the open one as text', async () => {
    const { host } = await setup();
    const item = screen.getByTestId('dataset-item');
    expect(item.dataset.name).toBe('Support tickets');
    expect(item.textContent).toContain('v2');
    expect(item.textContent).toContain('6 cases');
    expect(columns()).toEqual(['message', 'agent', 'language']);
    expect(texts(0)).toEqual(['Where is my order? It was due on Monday.', 'Sam', 'English', 'Apologise, give the tracking link, promise an update within 24 hours.', 'shipping', 'order; late']);
    // Markup in a value stays text.
    expect(cell(3, 'message').querySelector('.text')!.textContent).toBe('My invoice shows <img src=x onerror=alert(1)> instead of the total');
    expect(cell(3, 'message').querySelector('img')).toBeNull();
    // A multi-line value is one line in the table, in full when its cell has focus.
    expect(cell(1, 'message').querySelector('.text')!.textContent).toBe('Can I get a refund for the annual plan? ↵ I only used it for a week.');
    expect(screen.queryByTestId('dataset-cell-full')).toBeNull();
    cell(1, 'message').focus();
    await waitFor(() => expect(screen.getByTestId('dataset-cell-full').textContent).toBe('Can I get a refund for the annual plan?\nI only used it for a week.'));
    expect(screen.queryByTestId('dataset-dirty')).toBeNull();
    expect(host.state.datasets).toHaveLength(1);
  });

  it('edits cells with the keyboard: Enter or F2 edits, Escape cancels, Tab and arrows move', async () => {
    const { user } = await setup();
    cell(0, 'agent').focus();
    await user.keyboard('{F2}');
    const editor = screen.getByTestId('dataset-cell-editor') as HTMLTextAreaElement;
    expect(editor.value).toBe('Sam');
    await user.clear(editor);
    await user.type(editor, 'Nobody');
    await user.keyboard('{Escape}');
    expect(screen.queryByTestId('dataset-cell-editor')).toBeNull();
    expect(screen.getByTestId('datasets-area')).toBeTruthy();
    expect(texts(0)[1]).toBe('Sam');
    expect(document.activeElement).toBe(cell(0, 'agent'));

    await user.keyboard('{ArrowRight}');
    expect(document.activeElement).toBe(cell(0, 'language'));
    await user.keyboard('{Enter}');
    await user.clear(screen.getByTestId('dataset-cell-editor'));
    await user.type(screen.getByTestId('dataset-cell-editor'), 'German{Tab}');
    expect(texts(0)[2]).toBe('German');
    expect(document.activeElement).toBe(cell(0, 'reference'));
    // Typing on a cell replaces its value; Shift+Enter is a new line, Enter keeps and goes down.
    await user.keyboard('L');
    await user.keyboard('ine one{Shift>}{Enter}{/Shift}line two{Enter}');
    expect(document.activeElement).toBe(cell(1, 'reference'));
    expect(texts(0)[3]).toBe('Line one ↵ line two');
    await user.keyboard('{ArrowUp}{Home}');
    expect(document.activeElement).toBe(cell(0, 'message'));
    await user.keyboard('{Tab}');
    expect(document.activeElement).toBe(cell(0, 'agent'));
    await user.keyboard('{Shift>}{Tab}{/Shift}');
    expect(document.activeElement).toBe(cell(0, 'message'));
    await user.keyboard('{Control>}{End}{/Control}');
    expect(document.activeElement).toBe(cell(5, 'tags'));
    expect(screen.getByTestId('dataset-dirty').textContent).toContain('Unsaved');
    expect(screen.getByTestId('dataset-item').querySelector('[aria-label="unsaved edits"]')).toBeTruthy();
  });

  it('deletes cases, and pastes rows copied from a spreadsheet over the cells', async () => {
    const { user } = await setup();
    await user.click(within(screen.getAllByTestId('dataset-row')[0]!).getByTestId('dataset-row-delete'));
    expect(screen.getAllByTestId('dataset-row')).toHaveLength(5);
    expect(texts(0)[0]).toBe('Can I get a refund for the annual plan? ↵ I only used it for a week.');
    cell(4, 'agent').focus();
    await user.keyboard('{Control>}{Delete}{/Control}');
    expect(screen.getAllByTestId('dataset-row')).toHaveLength(4);
    expect(document.activeElement).toBe(cell(3, 'agent'));
    // Two rows of two cells from the agent column of the last case: one more case is added.
    await fireEvent.paste(cell(3, 'agent'), { clipboardData: { getData: () => 'Kim\tSpanish\nLi\tChinese\n' } });
    expect(screen.getAllByTestId('dataset-row')).toHaveLength(5);
    expect(texts(3).slice(1, 3)).toEqual(['Kim', 'Spanish']);
    expect(texts(4)).toEqual(['', 'Li', 'Chinese', '', '', '']);
  });

  it('adds rows and variables, saves version 1 then 2, and says when nothing changed', async () => {
    const { host, user } = await setup();
    const saves: DatasetsSaveReq[] = [];
    installHandlers({ datasets_save: (req) => (saves.push(req), host.call('datasets_save', req)) });
    await createDataset(user, 'FAQ');
    // A new dataset starts by naming its first variable, checked as typed.
    const name = screen.getByTestId('dataset-column-input');
    expect(document.activeElement).toBe(name);
    await user.type(name, '2x');
    expect(screen.getByTestId('dataset-column-error').textContent).toBe('`2x` is not a variable name: use letters, digits and `_`, not starting with a digit');
    await user.clear(name);
    await user.type(name, 'question{Enter}');
    expect(columns()).toEqual(['question']);
    expect(screen.getByTestId('dataset-empty').textContent).toContain('No cases yet');

    await user.click(screen.getByTestId('dataset-row-add'));
    expect(document.activeElement).toBe(cell(0, 'question'));
    await user.keyboard('{Enter}How do I reset my password?{Tab}');
    await user.keyboard('Use the link on the sign-in page.{Tab}account{Tab}login;  password ; login{Enter}');
    expect(texts(0)).toEqual(['How do I reset my password?', 'Use the link on the sign-in page.', 'account', 'login;  password ; login']);

    await user.keyboard('{Control>}s{/Control}');
    const dialog = await screen.findByTestId('dataset-save-dialog');
    expect(dialog.textContent).toContain('Save FAQ v1');
    await user.type(screen.getByTestId('dataset-save-message'), 'First questions{Enter}');
    await waitFor(() => expect(screen.queryByTestId('dataset-save-dialog')).toBeNull());
    expect(saves[0]).toEqual({
      id: host.state.datasets.find((d) => d.name === 'FAQ')!.id,
      content: {
        variables: ['question'],
        cases: [{ values: { question: 'How do I reset my password?' }, reference: 'Use the link on the sign-in page.', category: 'account', tags: ['login', 'password'] }],
      },
      message: 'First questions',
    } satisfies DatasetsSaveReq);
    await waitFor(() => expect((screen.getByTestId('dataset-version') as HTMLSelectElement).value).toBe('1'));
    expect(screen.queryByTestId('dataset-dirty')).toBeNull();

    // A second variable and a second case: version 2.
    await user.click(screen.getByTestId('dataset-column-add'));
    await user.type(screen.getByTestId('dataset-column-input'), 'tone{Enter}');
    expect(columns()).toEqual(['question', 'tone']);
    await user.click(screen.getByTestId('dataset-row-add'));
    await user.keyboard('{Enter}Can I pay by invoice?{Tab}{Enter}formal{Enter}');
    cell(0, 'tone').focus();
    await user.keyboard('{Enter}casual{Enter}');
    expect(screen.getByTestId('dataset-dirty')).toBeTruthy();
    await user.click(screen.getByTestId('dataset-save'));
    await user.click(await screen.findByTestId('dataset-save-confirm'));
    await waitFor(() => expect((screen.getByTestId('dataset-version') as HTMLSelectElement).value).toBe('2'));
    const faq = host.state.datasets.find((d) => d.name === 'FAQ')!;
    expect(faq.versions.map((v) => [v.meta.number, v.meta.message, v.meta.cases])).toEqual([[1, 'First questions', 1], [2, '', 2]]);
    expect(faq.versions[1]!.content).toEqual({
      variables: ['question', 'tone'],
      cases: [
        { values: { question: 'How do I reset my password?', tone: 'casual' }, reference: 'Use the link on the sign-in page.', category: 'account', tags: ['login', 'password'] },
        { values: { question: 'Can I pay by invoice?', tone: 'formal' } },
      ],
    });
    expect(screen.getByTestId('dataset-name').textContent).toBe('FAQ');

    // Saving what is already saved makes no version, and says so.
    await user.keyboard('{Control>}s{/Control}');
    await user.click(await screen.findByTestId('dataset-save-confirm'));
    await waitFor(() => expect(toastTexts()).toContain('Unchanged: v2 of “FAQ” already has these cases'));
    expect(saves).toHaveLength(3);
    expect(faq.versions).toHaveLength(2);
  });

  it('shows the problems of the cases before saving, and does not save them', async () => {
    const { host, user } = await setup();
    const [rename] = screen.getAllByTestId('dataset-column-rename');
    await user.click(rename!);
    const input = screen.getByTestId('dataset-column-input');
    await user.clear(input);
    await user.type(input, 'agent');
    expect(screen.getByTestId('dataset-column-error').textContent).toBe('variable `agent` is declared twice');
    await user.keyboard('{Enter}');
    await user.click(screen.getAllByTestId('dataset-column-rename')[2]!);
    await user.clear(screen.getByTestId('dataset-column-input'));
    await user.type(screen.getByTestId('dataset-column-input'), 'Category{Enter}');
    const issues = screen.getAllByTestId('dataset-issue').filter((i) => i.dataset.severity === 'error');
    expect(issues.map((i) => i.textContent?.replace(/^error/, '').trim())).toEqual([
      'variable `agent` is declared twice',
      "`Category` is reserved for the case's category: choose another variable name",
    ]);
    expect(screen.getByTestId('dataset-issues').textContent).toContain('2 problems stop a save');
    await user.keyboard('{Control>}s{/Control}');
    expect(screen.queryByTestId('dataset-save-dialog')).toBeNull();
    await waitFor(() => expect(toastTexts()).toContain('Fix the 2 problems under the table first'));
    expect(host.state.datasets[0]!.versions).toHaveLength(2);
    // Removing the column asks (it has values), then the problem goes away.
    await user.click(within(screen.getAllByTestId('dataset-column')[0]!).getByTestId('dataset-column-remove'));
    await user.click(await screen.findByTestId('confirm-ok'));
    expect(columns()).toEqual(['agent', 'Category']);
    expect(screen.getAllByTestId('dataset-issue').map((i) => i.dataset.severity)).toEqual(['error']);
  });

  it('shows an older version read-only, and goes back to the edits', async () => {
    const { user } = await setup();
    cell(5, 'agent').focus();
    await user.keyboard('Kim{Enter}');
    const picker = screen.getByTestId('dataset-version') as HTMLSelectElement;
    expect(Array.from(picker.options).map((o) => o.textContent)).toEqual(['v2 (latest) · 6 cases', 'v1 · 4 cases']);
    await fireEvent.change(picker, { target: { value: '1' } });
    await waitFor(() => expect(screen.getByTestId('dataset-table').dataset.readonly).toBe('true'));
    expect(screen.getAllByTestId('dataset-row')).toHaveLength(4);
    expect(screen.getByTestId('dataset-older').textContent).toContain('Viewing v1');
    expect((screen.getByTestId('dataset-save') as HTMLButtonElement).disabled).toBe(true);
    cell(0, 'agent').focus();
    await user.keyboard('{Enter}');
    expect(screen.queryByTestId('dataset-cell-editor')).toBeNull();
    await user.click(screen.getByTestId('dataset-latest'));
    await waitFor(() => expect(screen.getAllByTestId('dataset-row')).toHaveLength(6));
    expect(texts(5)[1]).toBe('Kim');
  });

  it('asks before unsaved edits are lost, and keeps them on Cancel', async () => {
    const { host, user } = await setup({ more: ['Tone checks'] });
    cell(0, 'agent').focus();
    await user.keyboard('Zed{Enter}');
    // Closing the area asks.
    await fireEvent.keyDown(screen.getByTestId('datasets-area'), { key: 'Escape' });
    const ask = await screen.findByTestId('confirm-dialog');
    expect(ask.textContent).toContain('Discard the edits to “Support tickets”?');
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(screen.getByTestId('datasets-area')).toBeTruthy();
    expect(texts(0)[1]).toBe('Zed');
    // So does opening another dataset.
    const another = () => screen.getAllByTestId('dataset-item').find((i) => i.dataset.name === 'Tone checks')!.querySelector('button')!;
    await user.click(another());
    await screen.findByTestId('confirm-dialog');
    await user.click(screen.getByTestId('confirm-cancel'));
    expect(screen.getByTestId('dataset-name').textContent).toBe('Support tickets');
    expect(texts(0)[1]).toBe('Zed');
    await user.click(another());
    await user.click(await screen.findByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('dataset-name').textContent).toBe('Tone checks'));
    expect(host.state.datasets[0]!.versions.at(-1)!.content.cases[0]!.values.agent).toBe('Sam');
    // Without edits nothing asks.
    await fireEvent.keyDown(screen.getByTestId('datasets-area'), { key: 'Escape' });
    expect(screen.queryByTestId('confirm-dialog')).toBeNull();
    expect(screen.queryByTestId('datasets-area')).toBeNull();
  });

  it('renames and deletes a dataset', async () => {
    const { host, user } = await setup();
    await user.click(screen.getByTestId('dataset-rename'));
    const input = screen.getByTestId('dataset-rename-input');
    await user.clear(input);
    await user.type(input, 'Help desk{Enter}');
    await waitFor(() => expect(screen.getByTestId('dataset-name').textContent).toBe('Help desk'));
    expect(host.state.datasets[0]!.name).toBe('Help desk');
    await user.click(screen.getByTestId('dataset-delete'));
    const ask = await screen.findByTestId('confirm-dialog');
    expect(ask.textContent).toContain('“Help desk” and its 2 versions will be deleted');
    await user.click(screen.getByTestId('confirm-ok'));
    await waitFor(() => expect(screen.getByTestId('datasets-empty')).toBeTruthy());
    expect(host.state.datasets).toHaveLength(0);
  });
});

describe('import and export', () => {
  it('shows every bad row of a refused import, one per line, and imports nothing', async () => {
    const { host, user } = await setup();
    picker.native = true;
    picker.open = '/data/tickets-bad.csv';
    host.state.files.set('/data/tickets-bad.csv', 'message,agent,tags\n"Hello, there",Sam,a\nonly one field\nok,Ana,b\n"x","y","z","w"\n');
    await user.click(screen.getByTestId('dataset-import'));
    const report = await screen.findByTestId('import-report');
    expect(within(report).getByTestId('import-error').textContent).toBe('cannot import tickets-bad.csv: the file was not imported: 2 problems');
    const problems = within(report).getAllByTestId('import-problem');
    expect(problems.map((p) => [p.dataset.line, p.querySelector('.msg')!.textContent])).toEqual([
      ['3', '1 fields, but the header has 3: quote fields that contain commas or line breaks'],
      ['5', '4 fields, but the header has 3: quote fields that contain commas or line breaks'],
    ]);
    expect(problems[0]!.querySelector('.ln')!.textContent).toBe('line 3');
    expect(host.state.datasets.map((d) => d.name)).toEqual(['Support tickets']);
    await user.click(screen.getByTestId('import-close'));
    expect(screen.queryByTestId('import-report')).toBeNull();
  });

  it('imports a file as a new dataset and shows its warnings', async () => {
    const { host, user } = await setup();
    picker.native = true;
    picker.open = '/data/faq.jsonl';
    host.state.files.set('/data/faq.jsonl', '{"values": {"q": "Refunds?", "lang": "en"}, "category": "billing"}\n{"values": {"q": "Hours?"}}\n');
    await user.click(screen.getByTestId('dataset-import'));
    const report = await screen.findByTestId('import-report');
    expect(within(report).getByTestId('import-done').textContent).toContain('Created “faq” v1: 2 cases, read as JSON Lines.');
    expect(within(report).getAllByTestId('import-warning').map((w) => w.textContent)).toEqual(["case 2 has no value for `lang`: rendering uses the blueprint's default"]);
    await user.click(screen.getByTestId('import-close'));
    expect(screen.getByTestId('dataset-name').textContent).toBe('faq');
    expect(columns()).toEqual(['q', 'lang']);
    expect(texts(1)).toEqual(['Hours?', '—', '', '', '']);

    // The same file again: its name is taken; another name, or a new version of that one.
    await user.click(screen.getByTestId('dataset-import'));
    const again = await screen.findByTestId('import-report');
    expect(within(again).getByTestId('import-error').textContent).toBe('a dataset named `faq` already exists');
    await user.click(within(again).getByTestId('import-as-version'));
    await waitFor(() => expect(screen.getByTestId('import-done').textContent).toContain('Unchanged: “faq” already has exactly these cases (v1).'));
    expect(host.state.datasets.map((d) => d.name)).toEqual(['Support tickets', 'faq']);
  });

  it('imports a file chosen in a plain browser, or dropped, as text named after the file', async () => {
    const { host, user } = await setup();
    const file = new File(['prompt,reference\nWhat is 2+2?,4\n'], 'math.csv', { type: 'text/csv' });
    await user.click(screen.getByTestId('dataset-import'));
    await fireEvent.change(screen.getByTestId('dataset-file'), { target: { files: [file] } });
    await waitFor(() => expect(screen.getByTestId('dataset-name').textContent).toBe('math'));
    expect(toastTexts()).toContain('Imported math.csv: “math” v1, 1 case');
    expect(host.state.datasets.find((d) => d.name === 'math')!.versions[0]!.content).toEqual({
      variables: ['prompt'],
      cases: [{ values: { prompt: 'What is 2+2?' }, reference: '4' }],
    });

    const area = screen.getByTestId('datasets-area').querySelector('.area')!;
    const dropped = new File(['{"prompt": "Capital of France?", "referenceResponse": "Paris"}\n'], 'geo.jsonl');
    await fireEvent.dragOver(area, { dataTransfer: { types: ['Files'], files: [dropped] } });
    expect(screen.getByTestId('dataset-drop')).toBeTruthy();
    await fireEvent.drop(area, { dataTransfer: { types: ['Files'], files: [dropped] } });
    await waitFor(() => expect(screen.getByTestId('dataset-name').textContent).toBe('geo'));
    expect(host.state.datasets.find((d) => d.name === 'geo')!.versions[0]!.content.cases).toEqual([
      { values: { prompt: 'Capital of France?' }, reference: 'Paris' },
    ]);
  });

  it('exports a version to the file chosen, and shows why a format does not fit', async () => {
    const { host, user } = await setup();
    picker.native = true;
    picker.save = '/out/tickets.csv';
    await user.click(screen.getByTestId('dataset-export'));
    const dialog = await screen.findByTestId('dataset-export-dialog');
    expect(dialog.textContent).toContain('Export Support tickets v2');
    await fireEvent.change(within(dialog).getByTestId('dataset-export-format'), { target: { value: 'bedrock-jsonl' } });
    await user.click(within(dialog).getByTestId('dataset-export-confirm'));
    expect((await within(dialog).findByTestId('dataset-export-error')).textContent).toBe(
      'cannot export `Support tickets`: a Bedrock dataset has one prompt per case, so the dataset needs exactly one variable; it has 3 (`message`, `agent`, `language`): remove or merge variables first',
    );
    expect(host.state.files.has('/out/tickets.csv')).toBe(false);

    await fireEvent.change(within(dialog).getByTestId('dataset-export-format'), { target: { value: 'csv' } });
    await user.click(within(dialog).getByTestId('dataset-export-confirm'));
    await waitFor(() => expect(screen.queryByTestId('dataset-export-dialog')).toBeNull());
    expect(toastTexts()).toContain('Exported to /out/tickets.csv');
    const text = host.state.files.get('/out/tickets.csv')!;
    expect(text.split('\n').slice(0, 3)).toEqual([
      'message,agent,language,reference,category,tags',
      'Where is my order? It was due on Monday.,Sam,English,"Apologise, give the tracking link, promise an update within 24 hours.",shipping,order;late',
      '"Can I get a refund for the annual plan?',
    ]);
    expect(text.endsWith('\n')).toBe(true);
  });
});
