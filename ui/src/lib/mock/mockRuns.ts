// A stand-in for the engine's comparison runs, for the mock host: a deterministic fake answer per
// cell streamed in a few deltas with timers, a bounded number of calls at once per provider, a
// response cache, cancel (whole run or one cell), resume, history with full-text search, export
// and the column diff.
//
// Model ids that behave differently, to click through every path in a browser:
// - an id containing `flaky` breaks its stream halfway (an error cell with the partial text);
// - an id containing `throttle` is throttled once: the cell starts again (attempt 2);
// - Bedrock, local and endpoint models refuse as they do in "Try it" (inference profile, missing
//   local model, unreachable endpoint).

import type {
  CellKey,
  ChatRequest,
  ProviderError,
  RunCell,
  RunDetail,
  RunEvent,
  RunSpec,
  RunStatus,
  RunSummary,
  RunsListReq,
  Usage,
} from '../../bindings';
import { engineError, type Emit, type Req, type Res } from '../host';
import { columnLabel, modelLabel } from '../../runs/labels';
import { costUsd, mockCatalogModels, needsProfile, priceOf } from './mockBedrock';
import type { MockState } from './mockHost';
import { mockEndpointProblem, mockLocalProblem } from './mockProviders';
import { cacheKey, estimateTokens, mockEstimate, mockRequests, mockRunSpec } from './mockRunSpec';
import { diffRuns, exportRun } from './mockRunExport';
import { templatesOf } from '../content';
import { scoreCell, withDiffScores } from './mockEval';

/** What the cache keeps of an answer. */
export interface MockAnswer {
  text: string;
  usage: Usage;
  ttftMs: number;
  latencyMs: number;
  stopReason: string;
}

export interface MockRunRecord {
  id: string;
  spec: RunSpec;
  requests: Map<string, ChatRequest>;
  /** Stored cells by `column:input:repeat`. */
  cells: Map<string, RunCell>;
  status: RunStatus;
  source: string;
  createdAt: string;
  updatedAt: string;
  /** While cells run. */
  live: { cancelRun: () => void; cancelCell: (id: string) => boolean } | null;
}

const PHRASES = [
  'Here is a short, polite answer.',
  'Thanks for writing in; here is what I found.',
  'Happy to help with that.',
  'Good question, and an easy one to fix.',
  'I looked into it, and this is the answer.',
  'Sorry for the trouble; here is how to sort it out.',
];

function hash(s: string): number {
  let h = 0;
  for (let i = 0; i < s.length; i++) h = (Math.imul(31, h) + s.charCodeAt(i)) | 0;
  return h >>> 0;
}

const key = (k: CellKey) => `${k.column}:${k.input}:${k.repeat}`;

/** The answer a model "gives" to a request: the same request and repeat, the same words. */
export function mockAnswer(request: ChatRequest, repeat: number): MockAnswer {
  const name = mockCatalogModels().find((m) => m.id === request.modelId)?.name ?? request.modelId;
  const h = hash(`${request.system ?? ''}\n${request.modelId}\n${JSON.stringify(request.params)}`);
  const last = [...request.messages].reverse().find((m) => m.role === 'user')?.text ?? '';
  const gist = last.replace(/\s+/g, ' ').trim();
  const quoted = gist.length > 70 ? `${gist.slice(0, 70)}…` : gist;
  const text = `${PHRASES[h % PHRASES.length]} ${name}, take ${repeat + 1}.\nYou wrote: “${quoted}”`;
  const words = text.match(/\S+\s*/g)?.length ?? 0;
  const limit = request.params.maxTokens ?? Number.POSITIVE_INFINITY;
  const ttftMs = 150 + ((h + repeat * 37) % 120);
  return {
    text,
    usage: { inputTokens: estimateTokens(request), outputTokens: Math.min(words, limit), cacheReadTokens: 0, cacheWriteTokens: 0 },
    ttftMs,
    latencyMs: ttftMs + words * 28 + ((h >> 3) % 50),
    stopReason: words > limit ? 'max_tokens' : 'end_turn',
  };
}

/** Splits an answer into a few deltas, as a stream would bring it. */
function chunks(text: string, parts = 4): string[] {
  const words = text.match(/\S+\s*/g) ?? [];
  const size = Math.max(1, Math.ceil(words.length / parts));
  const out: string[] = [];
  for (let i = 0; i < words.length; i += size) out.push(words.slice(i, i + size).join(''));
  return out;
}

function cellCost(spec: RunSpec, column: number, request: ChatRequest, usage: Usage): number | null {
  const provider = spec.columns[column]!.model.provider;
  if (provider === 'local') return 0;
  const price = provider === 'bedrock' ? priceOf(request.modelId) : null;
  return price ? costUsd(price, usage) : null;
}

function problemOf(st: MockState, spec: RunSpec, column: number, request: ChatRequest): ProviderError | null {
  const m = spec.columns[column]!.model;
  if (m.provider === 'local') return mockLocalProblem(st, request.modelId);
  if (m.provider === 'openai') return mockEndpointProblem(st, m.endpoint);
  return needsProfile(request.modelId);
}

function okCell(st: MockState, rec: MockRunRecord, k: CellKey, a: MockAnswer, attempts: number, cacheHit: boolean): RunCell {
  const request = rec.requests.get(`${k.column}:${k.input}`)!;
  return {
    key: { ...k },
    status: 'ok',
    text: a.text,
    stopReason: a.stopReason,
    usage: { ...a.usage },
    ttftMs: a.ttftMs,
    latencyMs: a.latencyMs,
    costUsd: cacheHit ? 0 : cellCost(rec.spec, k.column, request, a.usage),
    cacheHit,
    attempts,
    error: null,
    request: structuredClone(request),
    finishedAt: st.now(),
  };
}

function failedCell(st: MockState, rec: MockRunRecord, k: CellKey, e: ProviderError, attempts: number): RunCell {
  return {
    key: { ...k },
    status: e.code === 'cancelled' ? 'cancelled' : 'error',
    text: e.partialText ?? '',
    stopReason: null,
    usage: null,
    ttftMs: null,
    latencyMs: null,
    costUsd: null,
    cacheHit: false,
    attempts,
    error: e,
    request: structuredClone(rec.requests.get(`${k.column}:${k.input}`)!),
    finishedAt: st.now(),
  };
}

/** The cell as it ends without streaming (demo runs). */
export function instantCell(st: MockState, rec: MockRunRecord, k: CellKey): RunCell {
  const request = rec.requests.get(`${k.column}:${k.input}`)!;
  const problem = problemOf(st, rec.spec, k.column, request);
  if (problem) return failedCell(st, rec, k, problem, 1);
  const a = mockAnswer(request, k.repeat);
  st.runCache.set(cacheKey(rec.spec.columns[k.column]!, request, k.repeat), a);
  return okCell(st, rec, k, a, 1, false);
}

export function summaryOf(rec: MockRunRecord): RunSummary {
  let ok = 0;
  let failed = 0;
  let cost = 0;
  for (const c of rec.cells.values()) {
    if (c.status === 'ok') ok++;
    else failed++;
    cost += c.costUsd ?? 0;
  }
  return {
    id: rec.id,
    blueprintId: rec.spec.blueprintId,
    blueprintName: rec.spec.blueprintName,
    status: rec.live ? 'running' : rec.status,
    columns: rec.spec.columns.map(columnLabel),
    inputs: rec.spec.inputs.length,
    repeats: rec.spec.repeats,
    cellsTotal: rec.spec.columns.length * rec.spec.inputs.length * rec.spec.repeats,
    cellsOk: ok,
    cellsFailed: failed,
    costUsd: cost,
    source: rec.source,
    createdAt: rec.createdAt,
    updatedAt: rec.updatedAt,
  };
}

interface Job {
  key: CellKey;
  pool: string;
}

/** Runs every cell not in `done`; resolves with how the run ended. */
function execute(st: MockState, rec: MockRunRecord, done: Set<string>, emit: (e: RunEvent) => void): Promise<RunStatus> {
  const { spec } = rec;
  const jobs: Job[] = [];
  for (let i = 0; i < spec.inputs.length; i++) {
    for (let c = 0; c < spec.columns.length; c++) {
      const m = spec.columns[c]!.model;
      const pool = m.provider === 'openai' ? `openai:${m.endpoint ?? ''}` : m.provider;
      for (let r = 0; r < spec.repeats; r++) {
        const k = { column: c, input: i, repeat: r };
        if (!done.has(key(k))) jobs.push({ key: k, pool });
      }
    }
  }
  const total = spec.columns.length * spec.inputs.length * spec.repeats;
  const already = done.size;
  const delay = st.streamDelayMs;
  const started = Date.now();
  const busy = new Map<string, number>();
  const running = new Map<string, { timers: Set<ReturnType<typeof setTimeout>>; text: string; attempts: number; job: Job }>();
  let finished = 0;
  let failed = 0;
  let cancelled = false;

  emit({ type: 'started', data: { runId: rec.id, pending: jobs.length } });

  return new Promise((resolve) => {
    const end = () => {
      rec.live = null;
      rec.status = cancelled ? 'cancelled' : 'finished';
      rec.updatedAt = st.now();
      resolve(rec.status);
    };
    const limit = (pool: string) => (pool === 'local' ? 1 : spec.concurrency);

    const later = (id: string, ms: number, fn: () => void) => {
      const slot = running.get(id);
      if (!slot) return;
      const t = setTimeout(() => {
        slot.timers.delete(t);
        if (running.get(id) === slot) fn();
      }, ms);
      slot.timers.add(t);
    };

    const finish = (job: Job, cell: RunCell) => {
      const id = key(job.key);
      const slot = running.get(id);
      slot?.timers.forEach(clearTimeout);
      running.delete(id);
      busy.set(job.pool, (busy.get(job.pool) ?? 1) - 1);
      rec.cells.set(id, cell);
      rec.updatedAt = st.now();
      finished++;
      if (cell.status !== 'ok') failed++;
      emit({ type: 'cellFinished', data: { cell } });
      const scores = scoreCell(spec, cell);
      if (scores) emit({ type: 'cellScored', data: { key: { ...cell.key }, scores } });
      const doneNow = already + finished;
      const left = total - doneNow;
      const elapsed = Date.now() - started;
      emit({ type: 'progress', data: { done: doneNow, failed, total, etaMs: Math.round((elapsed * left) / finished) } });
      pump();
    };

    const stream = (job: Job, attempt: number) => {
      const id = key(job.key);
      const slot = running.get(id)!;
      const request = rec.requests.get(`${job.key.column}:${job.key.input}`)!;
      const answer = mockAnswer(request, job.key.repeat);
      const parts = chunks(answer.text);
      const throttled = request.modelId.includes('throttle') && attempt === 1;
      const breakAt = request.modelId.includes('flaky') ? Math.floor(parts.length / 2) : -1;
      slot.text = '';
      slot.attempts = attempt;
      emit({ type: 'cellStarted', data: { key: { ...job.key }, attempt } });
      const step = (n: number) => {
        if (throttled && n === 1) {
          stream(job, attempt + 1);
          return;
        }
        if (n === breakAt) {
          finish(job, failedCell(st, rec, job.key, {
            code: 'streamBroken',
            message: 'the answer stream broke before the model finished (mock): resume the run to try again',
            partialText: slot.text || null,
            suggestedModelId: null,
          }, attempt));
          return;
        }
        const part = parts[n];
        if (part === undefined) {
          st.runCache.set(cacheKey(spec.columns[job.key.column]!, request, job.key.repeat), answer);
          finish(job, okCell(st, rec, job.key, answer, attempt, false));
          return;
        }
        slot.text += part;
        emit({ type: 'cellDelta', data: { key: { ...job.key }, text: part } });
        later(id, delay * 2, () => step(n + 1));
      };
      later(id, delay * 3, () => step(0));
    };

    const begin = (job: Job) => {
      const id = key(job.key);
      busy.set(job.pool, (busy.get(job.pool) ?? 0) + 1);
      running.set(id, { timers: new Set(), text: '', attempts: 0, job });
      const request = rec.requests.get(`${job.key.column}:${job.key.input}`)!;
      const cached = spec.bypassCache ? undefined : st.runCache.get(cacheKey(spec.columns[job.key.column]!, request, job.key.repeat));
      if (cached) {
        later(id, 0, () => finish(job, okCell(st, rec, job.key, cached, 0, true)));
        return;
      }
      const problem = problemOf(st, spec, job.key.column, request);
      if (problem) {
        later(id, delay, () => finish(job, failedCell(st, rec, job.key, problem, 0)));
        return;
      }
      stream(job, 1);
    };

    const pump = () => {
      if (cancelled) return;
      for (let i = 0; i < jobs.length; ) {
        const job = jobs[i]!;
        if ((busy.get(job.pool) ?? 0) < limit(job.pool)) {
          jobs.splice(i, 1);
          begin(job);
        } else i++;
      }
      if (jobs.length === 0 && running.size === 0) end();
    };

    rec.live = {
      cancelRun: () => {
        if (cancelled) return;
        cancelled = true;
        jobs.length = 0;
        // Unfinished cells stay missing, for Resume.
        for (const slot of running.values()) slot.timers.forEach(clearTimeout);
        running.clear();
        end();
      },
      cancelCell: (id) => {
        const slot = running.get(id);
        if (!slot) return false;
        const e: ProviderError = {
          code: 'cancelled',
          message: 'the call was cancelled: the text that had arrived is kept',
          partialText: slot.text || null,
          suggestedModelId: null,
        };
        finish(slot.job, failedCell(st, rec, slot.job.key, e, slot.attempts));
        return true;
      },
    };
    pump();
  });
}

function searchText(rec: MockRunRecord): string {
  const parts = [rec.spec.blueprintName];
  for (const content of Object.values(rec.spec.versions)) {
    if (content) for (const t of templatesOf(content)) parts.push(t.text);
  }
  for (const input of rec.spec.inputs) {
    parts.push(...Object.values(input.values).filter((v): v is string => v !== undefined));
    if (input.name) parts.push(input.name);
  }
  for (const c of rec.spec.columns) parts.push(modelLabel(c.model));
  for (const cell of rec.cells.values()) parts.push(cell.text);
  return parts.join('\n');
}

/** Every word of the query starts a word of the text (the engine's full-text prefix search). */
function matches(text: string, query: string): boolean {
  const words = (s: string) => s.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  const wanted = words(query);
  if (wanted.length === 0) return true;
  const have = words(text);
  return wanted.every((w) => have.some((h) => h.startsWith(w)));
}

function listRuns(st: MockState, req: RunsListReq): RunSummary[] {
  const model = req.model?.toLowerCase() ?? null;
  const out: RunSummary[] = [];
  for (const rec of [...st.runs].reverse()) {
    if (req.blueprintId !== null && rec.spec.blueprintId !== req.blueprintId) continue;
    if (req.since !== null && rec.createdAt < req.since) continue;
    if (req.until !== null && rec.createdAt >= req.until) continue;
    if (req.text !== null && !matches(searchText(rec), req.text)) continue;
    if (model !== null && !rec.spec.columns.some((c) => modelLabel(c.model).toLowerCase().includes(model))) continue;
    if (req.version !== null && !rec.spec.columns.some((c) => c.version === req.version)) continue;
    if (req.label !== null) {
      const bp = st.blueprints.find((b) => b.id === rec.spec.blueprintId);
      const v = bp?.labels.find((l) => l.label === req.label)?.version;
      if (v === undefined || !rec.spec.columns.some((c) => c.version === v)) continue;
    }
    out.push(summaryOf(rec));
    if (out.length >= (req.limit ?? 500)) break;
  }
  return out;
}

function detailOf(rec: MockRunRecord): RunDetail {
  const cells = [...rec.cells.values()].sort(
    (a, b) => a.key.column - b.key.column || a.key.input - b.key.input || a.key.repeat - b.key.repeat,
  );
  return { summary: summaryOf(rec), spec: structuredClone(rec.spec), cells: structuredClone(cells) };
}

type RunCommands =
  | 'runs_plan' | 'runs_start' | 'runs_resume' | 'runs_cancel' | 'runs_list' | 'runs_get'
  | 'runs_delete' | 'runs_export' | 'runs_export_save' | 'runs_diff';
type RunsImpl = { [C in RunCommands]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

export function mockRuns(st: MockState): RunsImpl {
  const find = (id: string): MockRunRecord => {
    const rec = st.runs.find((r) => r.id === id);
    if (!rec) throw engineError('notFound', `run ${id} not found`);
    return rec;
  };
  return {
    runs_plan: (req) => {
      const spec = mockRunSpec(st, req);
      const estimate = mockEstimate(st, spec, mockRequests(spec));
      const confirmAboveUsd = st.settings.runs.confirmAboveUsd;
      return { spec, estimate, confirmAboveUsd, needsConfirmation: estimate.costUsdMax > confirmAboveUsd };
    },
    runs_start: async (req, emit) => {
      const spec = mockRunSpec(st, req);
      const now = st.now();
      const rec: MockRunRecord = {
        id: st.nextId(), spec, requests: mockRequests(spec), cells: new Map(), status: 'running',
        source: 'app', createdAt: now, updatedAt: now, live: null,
      };
      st.runs.push(rec);
      await execute(st, rec, new Set(), emit);
      return summaryOf(rec);
    },
    runs_resume: async ({ runId }, emit) => {
      const rec = find(runId);
      if (rec.live) throw engineError('conflict', `run ${runId} is still running`);
      const done = new Set([...rec.cells.values()].filter((c) => c.status === 'ok').map((c) => key(c.key)));
      rec.status = 'running';
      await execute(st, rec, done, emit);
      return summaryOf(rec);
    },
    runs_cancel: ({ runId, cell }) => {
      const rec = st.runs.find((r) => r.id === runId);
      if (!rec?.live) return false;
      if (cell === null) {
        rec.live.cancelRun();
        return true;
      }
      return rec.live.cancelCell(key(cell));
    },
    runs_list: (req) => listRuns(st, req),
    runs_get: ({ runId }) => detailOf(find(runId)),
    runs_delete: ({ runId }) => {
      const rec = find(runId);
      if (rec.live) throw engineError('conflict', 'the run is still running: cancel it first');
      st.runs = st.runs.filter((r) => r !== rec);
      return null;
    },
    runs_export: ({ runId, format }) => exportRun(detailOf(find(runId)), format),
    runs_export_save: ({ runId, format, path }) => {
      const p = path.trim();
      if (!p.startsWith('/')) throw engineError('invalid', `\`${p}\` is not a full path`);
      st.exported.push({ path: p, text: exportRun(detailOf(find(runId)), format) });
      return p;
    },
    runs_diff: ({ a, b }) => {
      const [da, db] = [detailOf(find(a.runId)), detailOf(find(b.runId))];
      return withDiffScores(diffRuns(da, a.column, db, b.column), da, a.column, db, b.column);
    },
  };
}
