// An in-memory engine for running the UI outside Tauri: enough to click through the workbench
// in a plain browser and to drive component tests.

import type {
  AppSettings,
  BlueprintContent,
  BlueprintSummary,
  Draft,
  Label,
  LabelMove,
  LabelState,
  Version,
} from '../../bindings';
import { starterContent, cloneContent, sameContent } from '../content';
import { engineError, type Command, type Emit, type Host, type Req, type Res } from '../host';
import { defaultMockSettings, mockBedrock, type MockRun } from './mockBedrock';
import { mockDiffContent } from './mockDiff';
import { mockCheck, mockRender } from './mockTemplates';
import { seedMock, seedMockRuns } from './mockSeed';
import { mockRuns, type MockAnswer, type MockRunRecord } from './mockRuns';
import { defaultMockLocal, mockProviders, type MockLocal } from './mockProviders';
import { mockDatasets, withDatasetInputs, type MockDataset } from './mockDatasets';
import { mockEval, mockEvalIssues } from './mockEval';
import { mockReviews, type MockReview } from './mockReviews';
import { seedMockReviews } from './mockReviewSeed';
import { mockRepo } from './mockRepo';

export interface MockBlueprint {
  id: string;
  name: string;
  tags: string[];
  createdAt: string;
  updatedAt: string;
  versions: Version[];
  labels: LabelState[];
  labelMoves: LabelMove[];
  draft: Draft | null;
}

export interface MockState {
  author: string;
  blueprints: MockBlueprint[];
  now: () => string;
  nextId: () => string;
  /** The settings as `settings_save` last stored them. */
  settings: AppSettings;
  /** The local models on "this computer" and the files picked in Settings. */
  local: MockLocal;
  /** What `endpoints_test` reports as the time of its call. */
  endpointLatencyMs: number;
  /** Profile names `aws_profiles_list` answers with. */
  profiles: string[];
  /** When set, `models_catalog` answers with the bundled table and this reason. */
  catalogOffline: string | null;
  /** Milliseconds between two streamed words. */
  streamDelayMs: number;
  /** Calls in flight, by run id. */
  running: Map<string, MockRun>;
  /** System prompts already written to the prompt cache. */
  cached: Set<string>;
  /** Comparison runs, oldest first. */
  runs: MockRunRecord[];
  /** The response cache of runs, by cell request. */
  runCache: Map<string, MockAnswer>;
  /** What `runs_export_save` "wrote". */
  exported: Array<{ path: string; text: string }>;
  /** Datasets, in the order they were made. */
  datasets: MockDataset[];
  /** The "file system" of dataset imports and exports: text by path. */
  files: Map<string, string>;
  /** Human reviews, in the order they were made or imported. */
  reviews: MockReview[];
}

const LABEL_ORDER: Label[] = ['dev', 'staging', 'prod'];

function normalizeTags(tags: string[]): string[] {
  const out: string[] = [];
  for (const t of tags) {
    const tag = t.trim().toLowerCase();
    if (!tag || out.includes(tag)) continue;
    if (!/^[\p{L}\p{N}\-_./]+$/u.test(tag)) throw engineError('invalid', `tag \`${tag}\` contains a character that is not allowed: use letters, digits, - _ . /`);
    out.push(tag);
  }
  return out;
}

function validName(raw: string): string {
  const name = raw.trim();
  if (!name) throw engineError('invalid', 'a blueprint needs a name');
  if (name.length > 120) throw engineError('invalid', 'name is longer than 120 characters');
  return name;
}

function summary(b: MockBlueprint): BlueprintSummary {
  return {
    id: b.id,
    name: b.name,
    tags: [...b.tags],
    createdAt: b.createdAt,
    updatedAt: b.updatedAt,
    latestVersion: b.versions.at(-1)?.meta.number ?? null,
    prodVersion: b.labels.find((l) => l.label === 'prod')?.version ?? null,
    hasDraft: b.draft !== null,
  };
}

function copyName(name: string, taken: string[]): string {
  const lower = taken.map((t) => t.toLowerCase());
  for (let i = 1; ; i++) {
    const c = i === 1 ? `${name} (copy)` : `${name} (copy ${i})`;
    if (!lower.includes(c.toLowerCase())) return c;
  }
}

function hash(c: BlueprintContent): string {
  const s = JSON.stringify(c);
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return (h >>> 0).toString(16).padStart(8, '0');
}

export function saveVersion(st: MockState, b: MockBlueprint, content: BlueprintContent, message: string): Version {
  const latest = b.versions.at(-1);
  const v: Version = {
    meta: {
      number: (latest?.meta.number ?? 0) + 1,
      parent: latest?.meta.number ?? null,
      message,
      author: st.author,
      createdAt: st.now(),
      contentHash: hash(content),
    },
    content: cloneContent(content),
  };
  b.versions.push(v);
  b.draft = null;
  b.updatedAt = v.meta.createdAt;
  return v;
}

export function moveLabel(st: MockState, b: MockBlueprint, label: Label, version: number): LabelMove | null {
  const cur = b.labels.find((l) => l.label === label);
  if (cur?.version === version) return null;
  const movedAt = st.now();
  const mv: LabelMove = { id: st.nextId(), label, fromVersion: cur?.version ?? null, toVersion: version, author: st.author, movedAt };
  b.labels = [...b.labels.filter((l) => l.label !== label), { label, version, movedAt }].sort(
    (x, y) => LABEL_ORDER.indexOf(x.label) - LABEL_ORDER.indexOf(y.label),
  );
  b.labelMoves.unshift(mv);
  return mv;
}

type Impl = { [C in Command]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

function implementation(st: MockState): Impl {
  const find = (id: string): MockBlueprint => {
    const b = st.blueprints.find((x) => x.id === id);
    if (!b) throw engineError('notFound', `blueprint ${id} not found`);
    return b;
  };
  const nameTaken = (name: string, except?: string) =>
    st.blueprints.some((b) => b.id !== except && b.name.toLowerCase() === name.toLowerCase());
  const version = (b: MockBlueprint, n: number): Version => {
    const v = b.versions.find((x) => x.meta.number === n);
    if (!v) throw engineError('notFound', `version ${n} of ${b.name} not found`);
    return v;
  };
  return {
    app_info: () => ({ version: '0.1.0 (mock)', dataDir: '(in memory)', author: st.author }),
    blueprints_list: ({ search }) => {
      const term = search.trim().toLowerCase();
      return st.blueprints
        .filter((b) => !term || b.name.toLowerCase().includes(term) || b.tags.some((t) => t.includes(term)))
        .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()))
        .map(summary);
    },
    blueprints_create: ({ name, tags }) => {
      const n = validName(name);
      if (nameTaken(n)) throw engineError('conflict', `a blueprint named \`${n}\` already exists`);
      const now = st.now();
      const b: MockBlueprint = {
        id: st.nextId(), name: n, tags: normalizeTags(tags), createdAt: now, updatedAt: now,
        versions: [], labels: [], labelMoves: [], draft: null,
      };
      st.blueprints.push(b);
      return summary(b);
    },
    blueprints_rename: ({ id, name }) => {
      const b = find(id);
      const n = validName(name);
      if (nameTaken(n, id)) throw engineError('conflict', `a blueprint named \`${n}\` already exists`);
      b.name = n;
      b.updatedAt = st.now();
      return summary(b);
    },
    blueprints_set_tags: ({ id, tags }) => {
      const b = find(id);
      b.tags = normalizeTags(tags);
      b.updatedAt = st.now();
      return summary(b);
    },
    blueprints_duplicate: ({ id }) => {
      const src = find(id);
      const now = st.now();
      const b: MockBlueprint = {
        id: st.nextId(), name: copyName(src.name, st.blueprints.map((x) => x.name)), tags: [...src.tags],
        createdAt: now, updatedAt: now, versions: [], labels: [], labelMoves: [], draft: null,
      };
      st.blueprints.push(b);
      const latest = src.versions.at(-1);
      if (latest) saveVersion(st, b, latest.content, `Duplicated from ${src.name} v${latest.meta.number}`);
      if (src.draft) b.draft = { content: cloneContent(src.draft.content), baseVersion: b.versions.at(-1)?.meta.number ?? null, updatedAt: now };
      return summary(b);
    },
    blueprints_delete: ({ id }) => {
      find(id);
      st.blueprints = st.blueprints.filter((b) => b.id !== id);
      return null;
    },
    blueprints_open: ({ id }) => {
      const b = find(id);
      const latest = b.versions.at(-1);
      return {
        summary: summary(b),
        versions: b.versions.map((v) => ({ ...v.meta })).reverse(),
        latest: latest ? { meta: { ...latest.meta }, content: cloneContent(latest.content) } : null,
        labels: b.labels.map((l) => ({ ...l })),
        labelMoves: b.labelMoves.map((m) => ({ ...m })),
        draft: b.draft ? { ...b.draft, content: cloneContent(b.draft.content) } : null,
        starter: starterContent(),
      };
    },
    versions_get: ({ id, number }) => {
      const v = version(find(id), number);
      return { meta: { ...v.meta }, content: cloneContent(v.content) };
    },
    versions_save: ({ id, content, message }) => {
      const b = find(id);
      const issues = mockCheck(content).issues;
      const evalIssues = mockEvalIssues(content);
      if (issues.length || evalIssues.length) {
        const list = issues.map((i) => `${i.place} line ${i.line}, column ${i.column}: ${i.message}`);
        list.push(...evalIssues.map((i) => `${i.evaluator}, \`${i.field}\`: ${i.message}`));
        throw engineError('invalid', `cannot save a version: ${list.join('; ')}`);
      }
      const latest = b.versions.at(-1);
      if (latest && sameContent(latest.content, content)) {
        b.draft = null;
        return { created: false, version: { ...latest.meta } };
      }
      return { created: true, version: { ...saveVersion(st, b, content, message.trim()).meta } };
    },
    versions_diff: ({ id, from, to }) => {
      const b = find(id);
      return mockDiffContent(version(b, from).content, version(b, to).content);
    },
    labels_move: ({ id, label, version: n }) => {
      const b = find(id);
      version(b, n);
      const moved = moveLabel(st, b, label, n);
      return { moved, labels: b.labels.map((l) => ({ ...l })), labelMoves: b.labelMoves.map((m) => ({ ...m })) };
    },
    drafts_save: ({ id, content, baseVersion }) => {
      find(id).draft = { content: cloneContent(content), baseVersion, updatedAt: st.now() };
      return null;
    },
    drafts_discard: ({ id }) => {
      find(id).draft = null;
      return null;
    },
    templates_check: ({ content }) => mockCheck(content),
    templates_render: ({ content, values }) => mockRender(content, values),
    ...mockBedrock(st),
    ...mockProviders(st),
    ...withDatasetInputs(st, mockRuns(st)),
    ...mockDatasets(st),
    ...mockEval(st),
    ...mockReviews(st),
    ...mockRepo(st),
  };
}

export function createMockState(): MockState {
  let counter = 0;
  return {
    author: 'you',
    blueprints: [],
    now: () => new Date().toISOString(),
    nextId: () => `mock-${Date.now().toString(36)}-${(counter++).toString(36).padStart(4, '0')}`,
    settings: defaultMockSettings(),
    local: defaultMockLocal(),
    endpointLatencyMs: 42,
    profiles: ['default', 'dev', 'prod-readonly'],
    catalogOffline: null,
    streamDelayMs: 45,
    running: new Map(),
    cached: new Set(),
    runs: [],
    runCache: new Map(),
    exported: [],
    datasets: [],
    files: new Map(),
    reviews: [],
  };
}

/**
 * A host answering every command from memory; `seed` fills it with a few demo blueprints and
 * `seedRuns` (with `seed`) with two finished comparison runs and two human reviews of them.
 */
export function createMockHost(opts: { seed?: boolean; seedRuns?: boolean; state?: MockState } = {}): Host & { state: MockState } {
  const state = opts.state ?? createMockState();
  if (opts.seed) seedMock(state);
  if (opts.seed && opts.seedRuns) {
    seedMockRuns(state);
    seedMockReviews(state);
  }
  const impl = implementation(state);
  return {
    state,
    async call<C extends Command>(cmd: C, req: Req<C>, onEvent?: Emit<C>): Promise<Res<C>> {
      const fn = impl[cmd] as ((r: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>>) | undefined;
      if (!fn) throw engineError('internal', `unknown command ${cmd}`);
      // Copy the request and the events as the real bridge would (JSON over IPC), so callers
      // cannot share state with the host.
      const copy = req === undefined ? req : (JSON.parse(JSON.stringify(req)) as Req<C>);
      const emit = ((ev: unknown) => onEvent?.(JSON.parse(JSON.stringify(ev)) as never)) as Emit<C>;
      return fn(copy, emit);
    },
  };
}
