// Datasets in the mock host: named, versioned sets of cases, created, edited, imported from the
// "files" of the mock state and exported to them, with the engine's rules and messages (unique
// names, all-or-nothing imports, no version for unchanged content). Runs take a dataset's cases
// as their inputs here too.

import type {
  DatasetContent,
  DatasetRef,
  DatasetSummary,
  DatasetVersionMeta,
  RunDataset,
  RunInput,
  RunsStartReq,
} from '../../bindings';
import { engineError, type Command, type Emit, type Req, type Res } from '../host';
import { fileLabel, fileStem, guessFormat, detectFormat, validateContent } from '../../datasets/rules';
import { canonicalContent, contentHash, exportDataset, importDataset } from './mockDatasetFormats';
import type { MockState } from './mockHost';

export interface MockDataset {
  id: string;
  name: string;
  description: string;
  createdAt: string;
  updatedAt: string;
  /** Oldest first. */
  versions: Array<{ meta: DatasetVersionMeta; content: DatasetContent }>;
}

type DatasetCommand = Extract<Command, `datasets_${string}`>;
export type DatasetsImpl = { [C in DatasetCommand]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

function summary(d: MockDataset): DatasetSummary {
  const latest = d.versions.at(-1);
  return {
    id: d.id,
    name: d.name,
    description: d.description,
    createdAt: d.createdAt,
    updatedAt: d.updatedAt,
    latestVersion: latest?.meta.number ?? null,
    cases: latest?.meta.cases ?? 0,
  };
}

function datasetName(raw: string): string {
  const name = raw.trim();
  if (!name) throw engineError('invalid', 'a dataset needs a name');
  if ([...name].length > 120) throw engineError('invalid', 'name is longer than 120 characters');
  const control = [...name].find((c) => /\p{Cc}/u.test(c));
  if (control) throw engineError('invalid', `name contains a control character (U+${control.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
  return name;
}

/** The engine's check before a save or an import: errors refuse, warnings pass. */
function checkContent(c: DatasetContent): void {
  const errors = validateContent(c).filter((i) => i.severity === 'error');
  if (errors.length) throw engineError('invalid', `the cases are not valid: ${errors.map((i) => i.message).join('; ')}`);
}

/** Adds the next version unless the content equals the latest; null then. */
export function saveDatasetVersion(st: MockState, d: MockDataset, content: DatasetContent, message: string): DatasetVersionMeta | null {
  const canonical = canonicalContent(content);
  const hash = contentHash(canonical);
  const latest = d.versions.at(-1);
  if (latest && latest.meta.contentHash === hash) return null;
  const meta: DatasetVersionMeta = {
    number: (latest?.meta.number ?? 0) + 1,
    cases: canonical.cases.length,
    message: message.trim(),
    author: st.author,
    createdAt: st.now(),
    contentHash: hash,
  };
  d.versions.push({ meta, content: canonical });
  d.updatedAt = meta.createdAt;
  return { ...meta };
}

/** Creates a dataset (no version); the name must be free, compared case-insensitively. */
export function createDataset(st: MockState, rawName: string, description = '', at = st.now()): MockDataset {
  const name = datasetName(rawName);
  if (st.datasets.some((d) => d.name.toLowerCase() === name.toLowerCase())) throw engineError('conflict', `a dataset named \`${name}\` already exists`);
  const d: MockDataset = { id: st.nextId(), name, description: description.trim(), createdAt: at, updatedAt: at, versions: [] };
  st.datasets.push(d);
  return d;
}

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;

export function mockDatasets(st: MockState): DatasetsImpl {
  const find = (id: string): MockDataset => {
    const d = st.datasets.find((x) => x.id === id);
    if (!d) throw engineError('notFound', `dataset ${id} not found`);
    return d;
  };
  const version = (d: MockDataset, n: number | undefined) => {
    const v = n === undefined ? d.versions.at(-1) : d.versions.find((x) => x.meta.number === n);
    if (!v) {
      throw engineError('notFound', n === undefined ? `the dataset \`${d.name}\` has no saved version` : `the dataset \`${d.name}\` has no version ${n}`);
    }
    return v;
  };
  return {
    datasets_list: () =>
      [...st.datasets].sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase())).map(summary),
    datasets_get: ({ id, version: n }) => {
      const d = find(id);
      const versions = d.versions.map((v) => ({ ...v.meta })).reverse();
      if (d.versions.length === 0 && n === undefined) return { summary: summary(d), version: null, content: { variables: [], cases: [] }, versions };
      const v = version(d, n);
      return { summary: summary(d), version: { ...v.meta }, content: copy(v.content), versions };
    },
    datasets_create: ({ name, description }) => summary(createDataset(st, name, description)),
    datasets_update: ({ id, name, description }) => {
      const d = find(id);
      const n = datasetName(name);
      if (st.datasets.some((x) => x.id !== id && x.name.toLowerCase() === n.toLowerCase())) throw engineError('conflict', `a dataset named \`${n}\` already exists`);
      d.name = n;
      d.description = description.trim();
      d.updatedAt = st.now();
      return summary(d);
    },
    datasets_delete: ({ id }) => {
      find(id);
      st.datasets = st.datasets.filter((d) => d.id !== id);
      return null;
    },
    datasets_save: ({ id, content, message }) => {
      const d = find(id);
      checkContent(content);
      return saveDatasetVersion(st, d, content, message);
    },
    datasets_import: (req) => {
      if ((req.path === undefined) === (req.text === undefined)) throw engineError('invalid', 'import either a file (path) or text, not both or neither');
      let text: string;
      if (req.path !== undefined) {
        const file = st.files.get(req.path);
        if (file === undefined) throw engineError('invalid', `cannot read ${req.path}: No such file or directory (os error 2)`);
        text = file;
      } else text = req.text!;
      const format = req.format ?? (req.path !== undefined ? guessFormat(req.path, text) : detectFormat(text));
      const where = req.path !== undefined ? fileLabel(req.path) : 'the text';
      const imported = importDataset(text, format);
      if (!imported.ok) throw engineError('invalid', `cannot import ${where}: ${imported.error}`);
      checkContent(imported.content);
      const message = req.path !== undefined ? `imported ${fileLabel(req.path)}` : 'imported';
      let d: MockDataset;
      let meta: DatasetVersionMeta | null;
      if (req.datasetId !== undefined) {
        d = find(req.datasetId);
        meta = saveDatasetVersion(st, d, imported.content, message);
      } else {
        const name = req.name ?? (req.path !== undefined ? fileStem(req.path) : null);
        if (name === null) throw engineError('invalid', 'a new dataset needs a name');
        d = createDataset(st, name);
        meta = saveDatasetVersion(st, d, imported.content, message);
      }
      return { summary: summary(d), version: meta, format, warnings: imported.warnings };
    },
    datasets_export: ({ id, version: n, format, path }) => {
      const d = find(id);
      const v = version(d, n);
      let text: string;
      try {
        text = exportDataset(v.content, format);
      } catch (e) {
        throw engineError('invalid', `cannot export \`${d.name}\`: ${(e as Error).message}`);
      }
      if (path !== undefined) st.files.set(path, text);
      return text;
    },
  };
}

// ---- runs on a dataset ---------------------------------------------------------------------

/** The cases of a dataset version as run inputs, as the engine's planner takes them. */
function datasetInputs(st: MockState, ref: DatasetRef): { inputs: RunInput[]; dataset: RunDataset } {
  const d = st.datasets.find((x) => x.id === ref.id);
  if (!d) throw engineError('notFound', `dataset ${ref.id} not found`);
  const v = ref.version === undefined ? d.versions.at(-1) : d.versions.find((x) => x.meta.number === ref.version);
  if (!v) {
    throw engineError('notFound', ref.version === undefined ? `the dataset \`${d.name}\` has no saved version` : `the dataset \`${d.name}\` has no version ${ref.version}`);
  }
  if (v.content.cases.length === 0) throw engineError('invalid', `version ${v.meta.number} of the dataset \`${d.name}\` has no cases`);
  const inputs = v.content.cases.map((c): RunInput => {
    const input: RunInput = { name: null, values: { ...c.values } };
    if (c.reference !== undefined) input.reference = c.reference;
    if (c.category !== undefined) input.category = c.category;
    return input;
  });
  return { inputs, dataset: { id: d.id, name: d.name, version: v.meta.number, contentHash: v.meta.contentHash } };
}

function resolve(st: MockState, req: RunsStartReq): { plain: RunsStartReq; dataset: RunDataset | null } {
  if (!req.dataset) return { plain: req, dataset: null };
  if (req.inputs.length > 0) throw engineError('invalid', 'a run takes its inputs from a dataset or from the request, not both');
  const { inputs, dataset } = datasetInputs(st, req.dataset);
  const plain: RunsStartReq = { ...req, inputs };
  delete plain.dataset;
  return { plain, dataset };
}

type Fn<C extends Command> = (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>>;

/** The mock's runs commands, taking the inputs of a run from `dataset` when the request names one. */
export function withDatasetInputs<T extends { runs_plan: Fn<'runs_plan'>; runs_start: Fn<'runs_start'> }>(st: MockState, runs: T): T {
  return {
    ...runs,
    runs_plan: async (req: Req<'runs_plan'>, emit: Emit<'runs_plan'>) => {
      const { plain, dataset } = resolve(st, req);
      const plan = await runs.runs_plan(plain, emit);
      if (dataset) plan.spec.dataset = dataset;
      return plan;
    },
    runs_start: (req: Req<'runs_start'>, emit: Emit<'runs_start'>) => {
      const { plain, dataset } = resolve(st, req);
      const at = st.runs.length;
      // The run's record is made before its first call: give its spec the dataset it came from.
      const going = runs.runs_start(plain, emit);
      const rec = st.runs[at];
      if (rec && dataset) rec.spec.dataset = dataset;
      return going;
    },
  } as T;
}

// ---- demo data -----------------------------------------------------------------------------

/** "Support tickets": cases for the "Support reply" blueprint (v1 with four, v2 with six). */
export function seedMockDatasets(st: MockState): void {
  const at = (daysAgo: number) => new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const tickets = createDataset(st, 'Support tickets', 'Real questions from the help desk, anonymised', at(4));
  const cases = [
    { values: { message: 'Where is my order? It was due on Monday.', agent: 'Sam', language: 'English' }, reference: 'Apologise, give the tracking link, promise an update within 24 hours.', category: 'shipping', tags: ['order', 'late'] },
    { values: { message: 'Can I get a refund for the annual plan?\nI only used it for a week.', agent: 'Sam', language: 'French' }, reference: 'Yes: refunds within 30 days; explain how to ask for it.', category: 'billing', tags: ['refund'] },
    { values: { message: 'I cannot log in since the update.', agent: 'Ana', language: 'English' }, reference: 'Ask for the error message; suggest resetting the password.', category: 'account', tags: ['login'] },
    { values: { message: 'My invoice shows <img src=x onerror=alert(1)> instead of the total', agent: 'Ana', language: 'English' }, reference: 'Thank them, say the invoice is being fixed and send a corrected PDF.', category: 'billing', tags: ['invoice', 'bug'] },
  ];
  saveDatasetVersion(st, tickets, { variables: ['message', 'agent', 'language'], cases }, 'imported support-tickets.csv');
  saveDatasetVersion(
    st,
    tickets,
    {
      variables: ['message', 'agent', 'language'],
      cases: [
        ...cases,
        { values: { message: 'Do you ship to Canada?', agent: 'Lee', language: 'English' }, reference: 'Yes, in 5–8 working days; customs fees may apply.', category: 'shipping', tags: ['international'] },
        {
          values: { message: 'Hallo, ich wurde zweimal belastet.\nBestellung 4471.\nBitte um Hilfe.', agent: 'Lee', language: 'German' },
          reference: 'Entschuldigen, die doppelte Belastung erstatten, Bestellnummer bestätigen.',
          category: 'billing',
          tags: ['refund', 'duplicate'],
        },
      ],
    },
    'Added a shipping and a German billing case',
  );
  const [v1, v2] = tickets.versions;
  if (v1) v1.meta.createdAt = at(4);
  if (v2) v2.meta.createdAt = tickets.updatedAt = at(2);
}
