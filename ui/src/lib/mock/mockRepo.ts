// Blueprints as files in a folder, in the mock host: `repo_export` writes one file per blueprint
// (and the schema, datasets and CI workflow when asked) into the mock "file system" (`st.files`)
// and says which files it added, modified or left unchanged; `repo_import` reads back the
// blueprint files under `<dir>/blueprints/`. The mock writes JSON: the real files are YAML and
// come from the engine (galley_core::bpfile), as does the real schema and workflow. Paths and
// messages follow the engine's (crates/galley-engine/src/repo).
//
// Git, in the mock: a folder is in a repository when `st.files` holds `<root>/.git` (its text is
// the JSON of a `MockGit`: the current branch and the branches); `init` writes one, `branch`
// switches or creates, and a commit gets the id `mock0001`, `mock0002`, ... A diverged blueprint
// file is a conflict with its facts, resolved per file as the engine does (keep, copy, theirs).

import type { FileChange, ImportChoice, ImportResolution, Label, RepoFile, RepoImportItem, RepoState, Version } from '../../bindings';
import { engineError, type Command, type Emit, type Req, type Res } from '../host';
import { cloneContent } from '../content';
import { exportDataset } from './mockDatasetFormats';
import { moveLabel, type MockBlueprint, type MockState } from './mockHost';

const BLUEPRINTS_DIR = 'blueprints';
const SCHEMA_FILE = 'schemas/blueprint.schema.json';
const FILE_SUFFIX = '.galley.yaml';
const DATASETS_DIR = 'datasets';
const WORKFLOW_FILE = '.github/workflows/galley-eval.yml';
const FORMAT = 'galley.blueprint';

/** A blueprint file as the mock writes it (JSON standing in for the engine's YAML). */
interface MockBlueprintFile {
  format: string;
  name: string;
  tags: string[];
  versions: Version[];
  labels: Partial<Record<Label, number>>;
}

/** The engine's file name for a name: lower case, letters and digits, other runs one `-`. */
export function slug(name: string): string {
  let out = '';
  for (const c of name.toLowerCase()) {
    if (/[\p{L}\p{N}]/u.test(c)) out += c;
    else if (out && !out.endsWith('-')) out += '-';
  }
  out = out.replace(/-+$/, '');
  return out || 'blueprint';
}

/** A git repository in the mock file system (the text of `<root>/.git`). */
export interface MockGit {
  branch: string;
  branches: string[];
}

/** Makes `root` a git repository of the mock on `branch`. */
export function mockGitRepo(st: MockState, root: string, branch = 'main', branches: string[] = [branch]): void {
  st.files.set(`${root.replace(/[\\/]+$/, '')}/.git`, JSON.stringify({ branch, branches: [...new Set([...branches, branch])].sort() }));
}

/** The repository `dir` is in: the closest folder up from it holding `.git`. */
function findRepo(st: MockState, dir: string): { root: string; git: MockGit } | null {
  let d = dir.replace(/[\\/]+$/, '');
  while (d) {
    const text = st.files.get(`${d}/.git`);
    if (text !== undefined) return { root: d, git: JSON.parse(text) as MockGit };
    const cut = d.lastIndexOf('/');
    if (cut <= 0) break;
    d = d.slice(0, cut);
  }
  return null;
}

function repoState(st: MockState, dir: string): RepoState | null {
  const r = findRepo(st, dir);
  return r ? { root: r.root, branch: r.git.branch, clean: true, branches: [...r.git.branches] } : null;
}

const validBranch = (b: string) => /^[A-Za-z0-9._/-]+$/.test(b) && !b.includes('..') && !b.startsWith('-') && !b.endsWith('/') && !b.endsWith('.lock');

const isAbsolute = (p: string) => p.startsWith('/') || /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
const joinPath = (dir: string, rel: string) => `${dir.replace(/[\\/]+$/, '')}/${rel}`;

function blueprintText(b: MockBlueprint): string {
  const file: MockBlueprintFile = {
    format: FORMAT,
    name: b.name,
    tags: [...b.tags],
    versions: b.versions.map((v) => ({ meta: { ...v.meta }, content: cloneContent(v.content) })),
    labels: Object.fromEntries(b.labels.map((l) => [l.label, l.version])),
  };
  return `${JSON.stringify(file, null, 2)}\n`;
}

const SCHEMA_TEXT = `${JSON.stringify({ $schema: 'https://json-schema.org/draft/2020-12/schema', title: 'Galley blueprint (mock)' }, null, 2)}\n`;
const WORKFLOW_TEXT = 'name: galley-eval\n# (mock) the real workflow comes from the engine\non: pull_request\n';

type RepoCommand = Extract<Command, `repo_${string}`>;
export type RepoImpl = { [C in RepoCommand]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

export function mockRepo(st: MockState): RepoImpl {
  let commits = 0;
  return {
    repo_export: (req) => {
      const dir = req.dir.trim();
      if (!isAbsolute(dir)) throw engineError('invalid', `\`${dir}\` is not a full path`);
      if (st.files.has(dir)) throw engineError('invalid', `${dir} is a file: export into a folder`);
      const outputs: Array<{ path: string; text: string; blueprint: string | null }> = [];
      const taken = new Set<string>();
      const chosen = st.blueprints
        .filter((b) => req.blueprints.length === 0 || req.blueprints.includes(b.id))
        .filter((b) => b.versions.length > 0)
        .sort((a, b) => a.name.toLowerCase().localeCompare(b.name.toLowerCase()));
      for (const b of chosen) {
        if (req.label && !b.labels.some((l) => l.label === req.label)) continue;
        let stem = slug(b.name);
        if (taken.has(stem)) stem = `${stem}-${b.id.toLowerCase()}`;
        taken.add(stem);
        outputs.push({ path: `${BLUEPRINTS_DIR}/${stem}${FILE_SUFFIX}`, text: blueprintText(b), blueprint: b.name });
      }
      if (outputs.length === 0) {
        throw engineError('invalid', req.label ? `no blueprint has the label ${req.label}: nothing to export` : 'no saved blueprint to export');
      }
      outputs.push({ path: SCHEMA_FILE, text: SCHEMA_TEXT, blueprint: null });
      if (req.datasets) {
        for (const d of st.datasets) {
          const latest = d.versions.at(-1);
          if (!latest) continue;
          outputs.push({ path: `${DATASETS_DIR}/${slug(d.name)}.csv`, text: exportDataset(latest.content, 'csv'), blueprint: d.name });
        }
      }
      if (req.workflow) outputs.push({ path: WORKFLOW_FILE, text: WORKFLOW_TEXT, blueprint: null });

      if (req.commit !== undefined && !req.commit.trim()) throw engineError('invalid', 'commit message: a commit needs a message');
      const branch = req.branch?.trim() || null;
      if (branch && !validBranch(branch)) throw engineError('invalid', `branch: \`${branch}\` is not a valid branch name`);
      const before = findRepo(st, dir);
      if (req.init && before) throw engineError('invalid', `${dir} is already in the git repository at ${before.root}: export without initialising one`);
      if (!req.init && !before && (req.commit !== undefined || branch)) {
        throw engineError('invalid', `${dir} is not in a git repository: initialise one there, or export without committing`);
      }
      if (!req.dryRun) {
        if (req.init) mockGitRepo(st, dir);
        if (branch) {
          const r = findRepo(st, dir)!;
          mockGitRepo(st, r.root, branch, r.git.branches);
        }
      }
      const files: RepoFile[] = outputs.map((o) => {
        const old = st.files.get(joinPath(dir, o.path));
        const change: FileChange = old === undefined ? 'added' : old === o.text ? 'unchanged' : 'modified';
        return { path: o.path, change, blueprint: o.blueprint };
      });
      let commit: string | null = null;
      if (!req.dryRun) {
        outputs.forEach((o, i) => {
          if (files[i]!.change !== 'unchanged') st.files.set(joinPath(dir, o.path), o.text);
        });
        if (req.commit !== undefined && files.some((f) => f.change !== 'unchanged')) {
          commits += 1;
          commit = `mock${commits.toString().padStart(4, '0')}`;
        }
      }
      return { dir, files, written: !req.dryRun, commit, repo: repoState(st, dir), notes: [] };
    },

    repo_import: ({ path: raw, dryRun, resolutions }) => {
      const path = raw.trim();
      if (!isAbsolute(path)) throw engineError('invalid', `\`${path}\` is not a full path`);
      let paths: string[];
      if (st.files.has(path)) paths = [path];
      else {
        const under = joinPath(path, `${BLUEPRINTS_DIR}/`);
        paths = [...st.files.keys()].filter((p) => p.startsWith(under) && p.endsWith(FILE_SUFFIX) && !p.slice(under.length).includes('/')).sort();
        if (paths.length === 0) throw engineError('notFound', `no blueprint files (*${FILE_SUFFIX}) in ${path}`);
      }
      return paths.map((p) => importOne(st, p, dryRun, resolutions ?? []));
    },
  };
}

function importOne(st: MockState, path: string, dryRun: boolean, resolutions: ImportResolution[]): RepoImportItem {
  const file = path.split('/').pop() ?? path;
  const item = (name: string, outcome: RepoImportItem['outcome'], versionsAdded: number, labelsMoved: string[], message: string, extra: Partial<RepoImportItem> = {}): RepoImportItem => ({
    file, kind: 'blueprint', name, outcome, versionsAdded, labelsMoved, message, conflict: null, resolution: null, ...extra,
  });
  let bp: MockBlueprintFile;
  try {
    bp = JSON.parse(st.files.get(path)!) as MockBlueprintFile;
    if (bp.format !== FORMAT || typeof bp.name !== 'string' || !Array.isArray(bp.versions)) throw new Error('not a blueprint file');
  } catch (e) {
    return item('', 'invalid', 0, [], `cannot read the file: ${(e as Error).message}`);
  }
  const existing = st.blueprints.find((b) => b.name.toLowerCase() === bp.name.toLowerCase());
  const ours = existing?.versions ?? [];
  let common = 0;
  while (common < Math.min(ours.length, bp.versions.length) && ours[common]!.meta.contentHash === bp.versions[common]!.meta.contentHash) common++;
  const labels = Object.entries(bp.labels ?? {}) as Array<[Label, number]>;
  const choice: ImportChoice | null = [...resolutions].reverse().find((r) => r.file === path || r.file === file)?.choice ?? null;

  if (common < ours.length && common < bp.versions.length) {
    const o = ours[common]!.meta;
    const t = bp.versions[common]!.meta;
    const tail = bp.versions.slice(common);
    const conflict = {
      version: common + 1,
      ours: { number: o.number, message: o.message, author: o.author, createdAt: o.createdAt },
      theirs: { number: t.number, message: t.message, author: t.author, createdAt: t.createdAt },
      oursCount: ours.length - common,
      theirsCount: tail.length,
    };
    const extra = { conflict, resolution: choice };
    if (choice === null || choice === 'keep') {
      const message = choice === null
        ? `version ${o.number} differs from Galley's (“${o.message}” here, “${t.message}” in the file): the histories diverged, nothing imported; keep Galley's, import the file as a copy, or take the file's versions`
        : `kept Galley's history (the file differs from version ${common + 1} on): nothing imported`;
      return item(bp.name, 'conflict', 0, [], message, extra);
    }
    if (choice === 'copy') {
      const taken = new Set(st.blueprints.map((b) => b.name.toLowerCase()));
      let name = `${bp.name} (from ${file})`;
      for (let i = 2; taken.has(name.toLowerCase()); i++) name = `${bp.name} (from ${file}, ${i})`;
      const moved = labels.map(([l, v]) => `${l} → v${v}`);
      if (!dryRun) {
        const b = newBlueprint(st, name, bp.tags);
        for (const v of bp.versions) b.versions.push({ meta: { ...v.meta }, content: cloneContent(v.content) });
        for (const [label, version] of labels) moveLabel(st, b, label, version);
      }
      const n = bp.versions.length;
      return item(bp.name, 'conflict', n, moved, `as a new blueprint “${name}” with ${n} version${n === 1 ? '' : 's'}`, extra);
    }
    // theirs: the file's versions after the common part, on top of Galley's.
    const base = ours.length;
    const numbers = new Map(tail.map((v, i) => [v.meta.number, base + i + 1]));
    const moved = labels.filter(([, v]) => numbers.has(v)).map(([l, v]) => [l, numbers.get(v)!] as [Label, number]);
    if (!dryRun && existing) {
      tail.forEach((v, i) => {
        const number = base + i + 1;
        existing.versions.push({ meta: { ...v.meta, number, parent: number - 1, message: `${v.meta.message} (v${v.meta.number} in ${file})` }, content: cloneContent(v.content) });
      });
      for (const [label, version] of moved) moveLabel(st, existing, label, version);
      existing.updatedAt = st.now();
    }
    const span = tail.length === 1 ? `v${base + 1}` : `v${base + 1}–v${base + tail.length}`;
    return item(bp.name, 'conflict', tail.length, moved.map(([l, v]) => `${l} → v${v}`),
      `the file's ${tail.length} version${tail.length === 1 ? '' : 's'} from v${common + 1} on: added after Galley's v${base} as ${span}`, extra);
  }
  const toAppend = bp.versions.slice(ours.length);
  const behind = ours.length > bp.versions.length;
  const moved = behind ? [] : labels.filter(([l, v]) => !existing?.labels.some((c) => c.label === l && c.version === v));
  const labelsMoved = moved.map(([l, v]) => `${l} → v${v}`);
  const outcome = !existing ? 'new' : toAppend.length || moved.length ? 'updated' : 'unchanged';
  const message =
    outcome === 'new' ? `new blueprint with ${bp.versions.length} version${bp.versions.length === 1 ? '' : 's'}`
    : outcome === 'updated' ? `${toAppend.length} version${toAppend.length === 1 ? '' : 's'} added${labelsMoved.length ? `, ${labelsMoved.join(', ')}` : ''}`
    : behind ? `Galley is ahead (up to v${ours.length}): nothing to add` : 'already up to date';
  if (!dryRun && outcome !== 'unchanged') {
    const b = existing ?? newBlueprint(st, bp.name, bp.tags);
    for (const v of toAppend) b.versions.push({ meta: { ...v.meta }, content: cloneContent(v.content) });
    for (const [label, version] of moved) moveLabel(st, b, label, version);
    b.updatedAt = st.now();
  }
  return item(bp.name, outcome, toAppend.length, labelsMoved, message);
}

function newBlueprint(st: MockState, name: string, tags: string[] | undefined): MockBlueprint {
  const now = st.now();
  const b: MockBlueprint = { id: st.nextId(), name, tags: [...(tags ?? [])], createdAt: now, updatedAt: now, versions: [], labels: [], labelMoves: [], draft: null };
  st.blueprints.push(b);
  return b;
}
