// Blueprints as files in a folder, in the mock host: `repo_export` writes one file per blueprint
// (and the schema, datasets and CI workflow when asked) into the mock "file system" (`st.files`)
// and says which files it added, modified or left unchanged; `repo_import` reads back the
// blueprint files under `<dir>/blueprints/`. The mock writes JSON: the real files are YAML and
// come from the engine (galley_core::bpfile), as does the real schema and workflow. Paths and
// messages follow the engine's (crates/galley-engine/src/repo).

import type { FileChange, Label, RepoFile, RepoImportItem, Version } from '../../bindings';
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

      const files: RepoFile[] = outputs.map((o) => {
        const old = st.files.get(joinPath(dir, o.path));
        const change: FileChange = old === undefined ? 'added' : old === o.text ? 'unchanged' : 'modified';
        return { path: o.path, change, blueprint: o.blueprint };
      });
      let commit: string | null = null;
      if (!req.dryRun) {
        if (req.commit !== undefined && !req.commit.trim()) throw engineError('invalid', 'a commit needs a message');
        outputs.forEach((o, i) => {
          if (files[i]!.change !== 'unchanged') st.files.set(joinPath(dir, o.path), o.text);
        });
        if (req.commit !== undefined && files.some((f) => f.change !== 'unchanged')) {
          commits += 1;
          commit = `mock${commits.toString().padStart(4, '0')}`;
        }
      }
      return { dir, files, written: !req.dryRun, commit };
    },

    repo_import: ({ path: raw, dryRun }) => {
      const path = raw.trim();
      if (!isAbsolute(path)) throw engineError('invalid', `\`${path}\` is not a full path`);
      let paths: string[];
      if (st.files.has(path)) paths = [path];
      else {
        const under = joinPath(path, `${BLUEPRINTS_DIR}/`);
        paths = [...st.files.keys()].filter((p) => p.startsWith(under) && p.endsWith(FILE_SUFFIX) && !p.slice(under.length).includes('/')).sort();
        if (paths.length === 0) throw engineError('notFound', `no blueprint files (*${FILE_SUFFIX}) in ${path}`);
      }
      return paths.map((p) => importOne(st, p, dryRun));
    },
  };
}

function importOne(st: MockState, path: string, dryRun: boolean): RepoImportItem {
  const file = path.split('/').pop() ?? path;
  const item = (name: string, outcome: RepoImportItem['outcome'], versionsAdded: number, labelsMoved: string[], message: string): RepoImportItem => ({
    file, name, outcome, versionsAdded, labelsMoved, message,
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
  for (let i = 0; i < Math.min(ours.length, bp.versions.length); i++) {
    const mine = ours[i]!.meta;
    const theirs = bp.versions[i]!.meta;
    if (mine.contentHash !== theirs.contentHash) {
      return item(bp.name, 'conflict', 0, [],
        `version ${mine.number} differs from Galley's (“${mine.message}” here, “${theirs.message}” in the file): the histories diverged, nothing was imported; rename the blueprint in the file to import it as a copy`);
    }
  }
  const toAppend = bp.versions.slice(ours.length);
  const behind = ours.length > bp.versions.length;
  const labels = Object.entries(bp.labels ?? {}) as Array<[Label, number]>;
  const moved = behind ? [] : labels.filter(([l, v]) => !existing?.labels.some((c) => c.label === l && c.version === v));
  const labelsMoved = moved.map(([l, v]) => `${l} → v${v}`);
  const outcome = !existing ? 'new' : toAppend.length || moved.length ? 'updated' : 'unchanged';
  const message =
    outcome === 'new' ? `new blueprint with ${bp.versions.length} version${bp.versions.length === 1 ? '' : 's'}`
    : outcome === 'updated' ? `${toAppend.length} version${toAppend.length === 1 ? '' : 's'} added${labelsMoved.length ? `, ${labelsMoved.join(', ')}` : ''}`
    : behind ? 'Galley has later versions than the file: nothing to add' : 'nothing to add';
  if (!dryRun && outcome !== 'unchanged') {
    let b = existing;
    if (!b) {
      const now = st.now();
      b = { id: st.nextId(), name: bp.name, tags: [...(bp.tags ?? [])], createdAt: now, updatedAt: now, versions: [], labels: [], labelMoves: [], draft: null };
      st.blueprints.push(b);
    }
    for (const v of toAppend) b.versions.push({ meta: { ...v.meta }, content: cloneContent(v.content) });
    for (const [label, version] of moved) moveLabel(st, b, label, version);
    b.updatedAt = st.now();
  }
  return item(bp.name, outcome, toAppend.length, labelsMoved, message);
}
