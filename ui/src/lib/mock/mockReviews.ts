// Human reviews in the mock host: a review made blind from a mock run's answers (items and the
// answers inside them shuffled with a seed), each rater's own seeded order and sides, ratings
// given in screen positions and kept in the pack's order (mockReviewValues.ts), review packs and
// ratings files written to and read from the mock "file system" (`st.files`), merges with
// duplicates and conflicts, and results (mockReviewResults.ts: simple statistics for the preview;
// the real ones come from the engine). Messages follow the engine's. The preview's demo reviews
// are in mockReviewSeed.ts.

import type {
  MergeReport,
  Metric,
  Rater,
  RatingValue,
  ReviewKind,
  ReviewRole,
  ReviewSummary,
  RunInput,
  ChatRequest,
} from '../../bindings';
import { engineError, type Command, type Emit, type Req, type Res } from '../host';
import { columnLabel } from '../../runs/labels';
import type { MockState } from './mockHost';
import { mockResults, mockRatingsCsv } from './mockReviewResults';
import { METHOD_LABEL, checkValue, fnv, present, toCanonical, toShown } from './mockReviewValues';

export const PACK_FORMAT = 'galley.review-pack';
export const RATINGS_FORMAT = 'galley.review-ratings';
const FORMAT_VERSION = 1;
const MAX_COMMENT_CHARS = 4000;

/** One item of a pack: a prompt and its answers in pack order. */
export interface PackItem {
  id: string;
  prompt: string;
  answers: string[];
}

/** Where an item's answers came from: the run's input, repeat and column of each answer. */
export interface ItemSource {
  item: string;
  input: number;
  repeat: number;
  columns: number[];
}

/** A review pack as the engine writes it (the mock's checksum is FNV-1a, not SHA-256). */
export interface MockPack {
  format: string;
  formatVersion: number;
  reviewId: string;
  title: string;
  instructions: string;
  kind: ReviewKind;
  metrics: Metric[];
  items: PackItem[];
  createdAt: string;
  contentHash: string;
}

/** One stored rating: the value in the pack's answer order, with the sides the rater saw. */
export interface MockRating {
  rater: Rater;
  item: string;
  metric: string;
  value: RatingValue;
  /** `shown[p]` is the pack index of the answer shown at position p. */
  shown: number[];
  comment: string;
  ratedAt: string;
  origin: 'here' | 'merged';
}

export interface MockReview {
  id: string;
  role: ReviewRole;
  pack: MockPack;
  runId: string | null;
  /** Where each item's answers came from (owner only). */
  sources: ItemSource[] | null;
  /** The run's column labels (owner only). */
  variants: string[] | null;
  /** Each rater's presentation seed, by email (lower case). */
  sessionSeeds: Map<string, number>;
  ratings: MockRating[];
  createdAt: string;
}

interface RatingsFileJson {
  format: string;
  formatVersion: number;
  reviewId: string;
  packHash: string;
  rater: Rater;
  seed: number;
  ratings: Array<{ item: string; metric: string; value: RatingValue; shown: number[]; comment: string; ratedAt: string }>;
  exportedAt: string;
  contentHash: string;
}

type ReviewCommand = Extract<Command, `reviews_${string}`>;
export type ReviewsImpl = { [C in ReviewCommand]: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

// ---- checks --------------------------------------------------------------------------------

const ALLOWED: Record<ReviewKind, Metric['method'][]> = {
  single: ['thumbs', 'likert'],
  pairwise: ['choice', 'comparisonLikert'],
  rank: ['rank'],
};
const USE: Record<ReviewKind, string> = { single: 'thumbs or Likert', pairwise: 'choice or comparison Likert', rank: 'rank' };

function validateMetrics(kind: ReviewKind, metrics: readonly Metric[]): void {
  if (metrics.length === 0) throw engineError('invalid', 'a review needs at least one metric to rate (e.g. "overall", choice)');
  const seen: string[] = [];
  metrics.forEach((m, i) => {
    const name = m.name.trim();
    if (!name) throw engineError('invalid', `metric ${i + 1} needs a name`);
    if ([...name].length > 60) throw engineError('invalid', `metric "${name}": a name is at most 60 characters`);
    if ([...m.instructions].length > 4000) throw engineError('invalid', `metric "${name}": instructions are at most 4000 characters`);
    if (seen.includes(name.toLowerCase())) throw engineError('invalid', `metric "${name}" is named twice`);
    seen.push(name.toLowerCase());
    if (!ALLOWED[kind].includes(m.method)) {
      throw engineError('invalid', `metric "${name}": ${METHOD_LABEL[m.method]} does not fit a ${kind} review (use ${USE[kind]})`);
    }
  });
}

function checkedColumns(kind: ReviewKind, columns: readonly number[], available: number): number[] {
  const seen = new Set<number>();
  for (const c of columns) {
    if (c >= available) throw engineError('invalid', `the run has ${available} columns; there is no column ${c + 1}`);
    if (seen.has(c)) throw engineError('invalid', `column ${c + 1} is chosen twice`);
    seen.add(c);
  }
  if (kind === 'single' && columns.length === 0) throw engineError('invalid', 'choose at least one column to rate');
  if (kind === 'pairwise' && columns.length !== 2) throw engineError('invalid', `a pairwise review compares two columns, not ${columns.length}`);
  if (kind === 'rank' && columns.length < 3) throw engineError('invalid', `a rank review orders three columns or more, not ${columns.length}`);
  return [...columns];
}

/** What raters see as the question (as the engine words it). */
function promptText(request: ChatRequest, input: RunInput, sameVersion: boolean): string {
  if (sameVersion && request.messages.length > 0) {
    if (request.messages.length === 1) return request.messages[0]!.text;
    return request.messages.map((m) => `${m.role === 'user' ? 'User' : 'Assistant'}: ${m.text}`).join('\n\n');
  }
  const keys = Object.keys(input.values).sort();
  if (keys.length === 0) return input.name ?? '(no input values)';
  return keys.map((k) => `${k}: ${input.values[k] ?? ''}`).join('\n');
}

// ---- files ---------------------------------------------------------------------------------

function hashOf(value: unknown): string {
  return fnv(JSON.stringify(value)).toString(16).padStart(8, '0');
}

function packHash(p: Omit<MockPack, 'contentHash'> | MockPack): string {
  const { contentHash: _ignored, ...rest } = p as MockPack;
  return hashOf(rest);
}

function ratingsHash(f: RatingsFileJson): string {
  const { contentHash: _ignored, ...rest } = f;
  return hashOf(rest);
}

const fileName = (path: string) => path.trim().split(/[\\/]/).pop() || path;

function readFile(st: MockState, path: string): string {
  const text = st.files.get(path.trim());
  if (text === undefined) throw engineError('invalid', `cannot read ${path.trim()}: No such file or directory (os error 2)`);
  return text;
}

function parseFile<T>(text: string, path: string, expected: string): T {
  const bad = (why: string) => engineError('invalid', `${fileName(path)}: ${why}`);
  let raw: Record<string, unknown>;
  try {
    raw = JSON.parse(text) as Record<string, unknown>;
  } catch (e) {
    throw bad(`this is not a Galley review file: not JSON (${(e as Error).message})`);
  }
  const format = typeof raw?.format === 'string' ? raw.format : '';
  if (format !== expected) {
    if (!format) throw bad('this is not a Galley review file: it has no "format" field');
    const name = (f: string) => (f === PACK_FORMAT ? 'review pack' : f === RATINGS_FORMAT ? 'ratings' : `"${f}"`);
    throw bad(`this is a ${name(format)} file, not a ${name(expected)} file`);
  }
  const version = typeof raw.formatVersion === 'number' ? raw.formatVersion : 0;
  if (version > FORMAT_VERSION) throw bad(`this file is format version ${version}, newer than this Galley reads (1): update Galley to open it`);
  return raw as T;
}

const TAMPERED = 'the file was changed after it was exported (its content no longer matches its checksum): ask for a fresh copy instead of editing it by hand';

// ---- the commands --------------------------------------------------------------------------

const copy = <T>(v: T): T => JSON.parse(JSON.stringify(v)) as T;
const emailKey = (r: Rater) => r.email.trim().toLowerCase();

export function summaryOf(r: MockReview): ReviewSummary {
  const raters = new Set(r.ratings.map((x) => emailKey(x.rater)));
  return {
    id: r.id,
    title: r.pack.title,
    role: r.role,
    kind: r.pack.kind,
    items: r.pack.items.length,
    metrics: copy(r.pack.metrics),
    runId: r.runId,
    raters: raters.size,
    ratings: r.ratings.length,
    createdAt: r.createdAt,
  };
}

export function mockReviews(st: MockState): ReviewsImpl {
  const find = (id: string): MockReview => {
    const r = st.reviews.find((x) => x.id === id);
    if (!r) throw engineError('notFound', `review ${id} not found`);
    return r;
  };
  const rater = (): Rater => {
    const me = st.settings.rater;
    if (!me || !me.email.trim()) {
      throw engineError('invalid', 'set your name and email in Settings → Reviews first: ratings are recorded under them');
    }
    return { name: me.name.trim(), email: me.email.trim() };
  };
  const ownerOnly = (r: MockReview, what: string) => {
    if (r.role !== 'owner') throw engineError('invalid', `"${r.pack.title}" is a copy to rate: ${what} is done in the owner's Galley`);
  };
  const seedOf = (r: MockReview, who: Rater): number => {
    const key = emailKey(who);
    let seed = r.sessionSeeds.get(key);
    if (seed === undefined) {
      seed = fnv(`${r.id}\n${key}`);
      r.sessionSeeds.set(key, seed);
    }
    return seed;
  };
  const shapes = (r: MockReview) => r.pack.items.map((i) => i.answers.length);
  const own = (r: MockReview, who: Rater) => r.ratings.filter((x) => emailKey(x.rater) === emailKey(who));
  const itemIndex = (r: MockReview, item: string) => {
    const i = r.pack.items.findIndex((x) => x.id === item);
    if (i < 0) throw engineError('invalid', `there is no item "${item}" in this review`);
    return i;
  };

  return {
    reviews_list: () =>
      st.reviews
        .map((r, i) => ({ r, i }))
        .sort((a, b) => b.r.createdAt.localeCompare(a.r.createdAt) || b.i - a.i)
        .map(({ r }) => summaryOf(r)),
    reviews_get: ({ id }) => summaryOf(find(id)),
    reviews_delete: ({ id }) => {
      find(id);
      st.reviews = st.reviews.filter((r) => r.id !== id);
      return null;
    },

    reviews_create: (req) => {
      const title = req.title.trim();
      if (!title) throw engineError('invalid', 'a review needs a title');
      validateMetrics(req.kind, req.metrics);
      const run = st.runs.find((r) => r.id === req.runId);
      if (!run) throw engineError('notFound', `run ${req.runId} not found`);
      const spec = run.spec;
      const columns = checkedColumns(req.kind, req.columns, spec.columns.length);
      const sameVersion = new Set(columns.map((c) => spec.columns[c]!.version)).size === 1;
      const answered = (c: number, input: number, repeat: number) => {
        const cell = run.cells.get(`${c}:${input}:${repeat}`);
        return cell && cell.status === 'ok' ? cell : null;
      };
      let candidates: Array<{ input: number; repeat: number; cols: number[] }> = [];
      for (let input = 0; input < spec.inputs.length; input++) {
        for (let repeat = 0; repeat < spec.repeats; repeat++) {
          if (req.kind === 'single') {
            for (const c of columns) if (answered(c, input, repeat)) candidates.push({ input, repeat, cols: [c] });
          } else if (columns.every((c) => answered(c, input, repeat))) {
            candidates.push({ input, repeat, cols: [...columns] });
          }
        }
      }
      if (candidates.length === 0) throw engineError('invalid', 'nothing to review: no input has an answer in every chosen column');

      const id = st.nextId();
      const seed = fnv(`review:${id}`);
      if (req.maxItems !== undefined) {
        if (req.maxItems === 0) throw engineError('invalid', 'a review needs at least one item');
        if (req.maxItems < candidates.length) {
          const keep = present(seed ^ 0x5a5a5a5a, candidates.map(() => 1))
            .order.slice(0, req.maxItems)
            .sort((a, b) => a - b);
          candidates = keep.map((i) => candidates[i]!);
        }
      }
      const shuffle = present(seed, candidates.map((c) => c.cols.length));
      const width = Math.max(3, String(candidates.length).length);
      const items: PackItem[] = [];
      const sources: ItemSource[] = [];
      shuffle.order.forEach((i, n) => {
        const cand = candidates[i]!;
        const order = shuffle.sides[i]!.map((a) => cand.cols[a]!);
        const itemId = `item-${String(n + 1).padStart(width, '0')}`;
        const first = answered(order[0]!, cand.input, cand.repeat)!;
        items.push({
          id: itemId,
          prompt: promptText(first.request, spec.inputs[cand.input]!, sameVersion),
          answers: order.map((c) => answered(c, cand.input, cand.repeat)!.text),
        });
        sources.push({ item: itemId, input: cand.input, repeat: cand.repeat, columns: order });
      });
      const now = st.now();
      const body = {
        format: PACK_FORMAT,
        formatVersion: FORMAT_VERSION,
        reviewId: id,
        title,
        instructions: req.instructions.trim(),
        kind: req.kind,
        metrics: req.metrics.map((m) => ({ name: m.name.trim(), instructions: m.instructions.trim(), method: m.method })),
        items,
        createdAt: now,
      };
      const review: MockReview = {
        id,
        role: 'owner',
        pack: { ...body, contentHash: packHash(body) },
        runId: run.id,
        sources,
        variants: spec.columns.map(columnLabel),
        sessionSeeds: new Map(),
        ratings: [],
        createdAt: now,
      };
      st.reviews.push(review);
      return summaryOf(review);
    },

    reviews_session: ({ id }) => {
      const who = rater();
      const r = find(id);
      const shown = present(seedOf(r, who), shapes(r));
      return {
        review: summaryOf(r),
        instructions: r.pack.instructions,
        rater: who,
        queue: shown.order.map((i) => {
          const item = r.pack.items[i]!;
          return { id: item.id, prompt: item.prompt, answers: shown.sides[i]!.map((a) => item.answers[a]!) };
        }),
        ratings: own(r, who).map((x) => ({ item: x.item, metric: x.metric, value: toShown(x.value, x.shown), comment: x.comment, ratedAt: x.ratedAt })),
      };
    },

    reviews_rate: (req) => {
      const who = rater();
      const r = find(req.reviewId);
      const index = itemIndex(r, req.item);
      const metric = r.pack.metrics.find((m) => m.name === req.metric);
      if (!metric) throw engineError('invalid', `there is no metric "${req.metric}" in this review`);
      const problem = checkValue(req.value, metric.method, r.pack.items[index]!.answers.length);
      if (problem) throw engineError('invalid', `${req.metric}: ${problem}`);
      const comment = req.comment.trim();
      if ([...comment].length > MAX_COMMENT_CHARS) throw engineError('invalid', `a comment is at most ${MAX_COMMENT_CHARS} characters`);
      const shown = present(seedOf(r, who), shapes(r)).sides[index]!;
      const ratedAt = st.now();
      r.ratings = r.ratings.filter((x) => !(emailKey(x.rater) === emailKey(who) && x.item === req.item && x.metric === req.metric));
      r.ratings.push({ rater: who, item: req.item, metric: req.metric, value: toCanonical(req.value, shown), shown: [...shown], comment, ratedAt, origin: 'here' });
      return { item: req.item, metric: req.metric, value: copy(req.value), comment, ratedAt };
    },

    reviews_unrate: ({ reviewId, item, metric }) => {
      const who = rater();
      const r = st.reviews.find((x) => x.id === reviewId);
      if (!r) return false;
      const before = r.ratings.length;
      r.ratings = r.ratings.filter((x) => !(emailKey(x.rater) === emailKey(who) && x.item === item && x.metric === metric));
      return r.ratings.length < before;
    },

    reviews_export_pack: ({ id, path }) => {
      const r = find(id);
      const to = path.trim();
      st.files.set(to, `${JSON.stringify(r.pack, null, 2)}\n`);
      return to;
    },

    reviews_import_pack: (req) => {
      const path = req.path ?? req.fileName ?? 'the file';
      const text = req.path !== undefined ? readFile(st, req.path) : (req.text ?? '');
      const pack = parseFile<MockPack>(text, path, PACK_FORMAT);
      if (packHash(pack) !== pack.contentHash) throw engineError('invalid', `${fileName(path)}: ${TAMPERED}`);
      const existing = st.reviews.find((r) => r.id === pack.reviewId);
      if (existing) {
        throw engineError(
          'conflict',
          existing.role === 'owner'
            ? `"${existing.pack.title}" is your own review: rate it from Reviews instead of importing its pack`
            : `the review "${existing.pack.title}" is already here: open it from Reviews`,
        );
      }
      const review: MockReview = {
        id: pack.reviewId,
        role: 'rater',
        pack: copy(pack),
        runId: null,
        sources: null,
        variants: null,
        sessionSeeds: new Map(),
        ratings: [],
        createdAt: st.now(),
      };
      st.reviews.push(review);
      return summaryOf(review);
    },

    reviews_export_ratings: ({ id, path }) => {
      const who = rater();
      const r = find(id);
      const mine = own(r, who);
      if (mine.length === 0) throw engineError('invalid', `you have not rated anything in "${r.pack.title}" yet`);
      const body: RatingsFileJson = {
        format: RATINGS_FORMAT,
        formatVersion: FORMAT_VERSION,
        reviewId: r.id,
        packHash: r.pack.contentHash,
        rater: who,
        seed: seedOf(r, who),
        ratings: mine.map((x) => ({ item: x.item, metric: x.metric, value: copy(x.value), shown: [...x.shown], comment: x.comment, ratedAt: x.ratedAt })),
        exportedAt: st.now(),
        contentHash: '',
      };
      body.contentHash = ratingsHash(body);
      st.files.set(path.trim(), `${JSON.stringify(body, null, 2)}\n`);
      return mine.length;
    },

    reviews_merge: ({ id, path: at, text: inline, fileName: named, replaceConflicts }) => {
      const r = find(id);
      ownerOnly(r, 'merging ratings');
      const path = at ?? named ?? 'the file';
      const text = at !== undefined ? readFile(st, at) : (inline ?? '');
      const file = parseFile<RatingsFileJson>(text, path, RATINGS_FORMAT);
      const bad = (why: string) => engineError('invalid', `${fileName(path)}: ${why}`);
      if (ratingsHash(file) !== file.contentHash) throw bad(TAMPERED);
      if (file.reviewId !== r.id) throw bad(`these ratings belong to another review ("${file.reviewId}"), not this one`);
      if (file.packHash !== r.pack.contentHash) throw bad('these ratings were given on a different pack of this review: export the pack again and have it rated');
      if (!file.rater?.email?.trim()) throw bad('the file is inconsistent: the rater has no email');
      const seen = new Set<string>();
      for (const x of file.ratings) {
        const k = `${x.item}\n${x.metric}`;
        if (seen.has(k)) throw bad(`the file is inconsistent: item "${x.item}" is rated twice on "${x.metric}"`);
        seen.add(k);
        const index = r.pack.items.findIndex((i) => i.id === x.item);
        const metric = r.pack.metrics.find((m) => m.name === x.metric);
        if (index < 0 || !metric) throw bad(`the file is inconsistent: item "${x.item}" or metric "${x.metric}" is not in the pack`);
        const problem = checkValue(x.value, metric.method, r.pack.items[index]!.answers.length);
        if (problem) throw bad(`the file is inconsistent: ${problem}`);
      }
      const kept = own(r, file.rater);
      const report: MergeReport = { rater: copy(file.rater), added: 0, duplicates: 0, conflicts: [], replaced: 0 };
      const writes: MockRating[] = [];
      for (const x of file.ratings) {
        const k = kept.find((y) => y.item === x.item && y.metric === x.metric);
        const incoming: MockRating = { rater: copy(file.rater), item: x.item, metric: x.metric, value: copy(x.value), shown: [...x.shown], comment: x.comment, ratedAt: x.ratedAt, origin: 'merged' };
        if (!k) {
          report.added++;
          writes.push(incoming);
        } else if (JSON.stringify(k.value) === JSON.stringify(x.value) && k.comment === x.comment) {
          report.duplicates++;
        } else {
          report.conflicts.push({ item: x.item, metric: x.metric, kept: copy(k.value), keptComment: k.comment, incoming: copy(x.value), incomingComment: x.comment });
          if (replaceConflicts) writes.push(incoming);
        }
      }
      if (replaceConflicts) report.replaced = report.conflicts.length;
      for (const w of writes) {
        r.ratings = r.ratings.filter((y) => !(emailKey(y.rater) === emailKey(w.rater) && y.item === w.item && y.metric === w.metric));
        r.ratings.push(w);
      }
      return report;
    },

    reviews_results: ({ id }) => {
      const r = find(id);
      ownerOnly(r, 'reading results');
      return mockResults(r);
    },

    reviews_export_csv: ({ id, path }) => {
      const r = find(id);
      ownerOnly(r, 'reading results');
      const to = path.trim();
      st.files.set(to, mockRatingsCsv(r));
      return to;
    },
  };
}
