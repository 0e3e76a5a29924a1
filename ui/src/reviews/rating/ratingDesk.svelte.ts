// One rater's pass over a review's queue: where they are, what they have rated (in shown
// positions), rank orders being built, item comments and an undo stack. Every change goes to
// the engine first and is shown only once it is stored, so a failed call changes nothing.

import type { Metric, QueueItem, RatingSession, RatingValue, ShownRating } from '../../bindings';
import { call, toEngineError } from '../../lib/host';
import { toastError } from '../../lib/toasts.svelte';
import { describeValue, orderFromRank, rankFromOrder } from './ratingValues';

/** A rating action to take back: the metric and what it held before (null: nothing). */
interface UndoEntry {
  item: string;
  metric: string;
  before: ShownRating | null;
}

const keyOf = (item: string, metric: string) => `${item}\u0000${metric}`;

export class RatingDesk {
  readonly reviewId: string;
  /** How long a finished item stays before the next one shows. */
  readonly advanceMs: number;

  session = $state.raw<RatingSession | null>(null);
  /** The rater's ratings by item and metric. */
  ratings = $state.raw(new Map<string, ShownRating>());
  /** Each item's comment, sent with every rating of the item. */
  comments = $state.raw(new Map<string, string>());
  /** Rank orders being built (shown positions, best first), by item and metric. */
  drafts = $state.raw(new Map<string, number[]>());
  /** The item shown (index in the queue). */
  pos = $state(0);
  /** The metric that receives keys (index in the review's metrics). */
  active = $state(0);
  /** Every item rated and the closing page shown. */
  done = $state(false);
  undoStack = $state.raw<UndoEntry[]>([]);
  /** The last failure, until something succeeds. */
  error = $state<string | null>(null);
  /** What just happened, for people and screen readers. */
  status = $state('');
  /** A finished item is about to give way to the next. */
  advancing = $state(false);

  queue = $derived<QueueItem[]>(this.session?.queue ?? []);
  metrics = $derived<Metric[]>(this.session?.review.metrics ?? []);
  item = $derived<QueueItem | null>(this.queue[this.pos] ?? null);
  /** Items with every metric rated. */
  ratedItems = $derived(this.queue.filter((q) => this.complete(q.id)).length);

  private timer: ReturnType<typeof setTimeout> | null = null;
  private chain: Promise<unknown> = Promise.resolve();

  constructor(reviewId: string, advanceMs = 300) {
    this.reviewId = reviewId;
    this.advanceMs = advanceMs;
  }

  /** Takes a session: starts at the first item with a metric left to rate. */
  start(session: RatingSession): void {
    this.cancelAdvance();
    const ratings = new Map<string, ShownRating>();
    for (const r of session.ratings) ratings.set(keyOf(r.item, r.metric), r);
    const comments = new Map<string, string>();
    for (const q of session.queue) {
      for (const m of session.review.metrics) {
        const c = ratings.get(keyOf(q.id, m.name))?.comment;
        if (c) {
          comments.set(q.id, c);
          break;
        }
      }
    }
    this.session = session;
    this.ratings = ratings;
    this.comments = comments;
    this.drafts = new Map();
    this.undoStack = [];
    this.error = null;
    this.status = '';
    const first = this.nextIncomplete(-1);
    this.done = first < 0;
    this.goto(first < 0 ? 0 : first);
  }

  /** Runs actions one after another, each reading the state the previous one left. */
  enqueue(action: () => unknown): Promise<void> {
    const next = this.chain.then(action).then(
      () => undefined,
      () => undefined,
    );
    this.chain = next;
    return next;
  }

  rating(item: string, metric: string): ShownRating | undefined {
    return this.ratings.get(keyOf(item, metric));
  }

  complete(item: string): boolean {
    return this.metrics.length > 0 && this.metrics.every((m) => this.ratings.has(keyOf(item, m.name)));
  }

  /** The first item after `from` (wrapping round) with a metric left, or -1. */
  nextIncomplete(from: number): number {
    const n = this.queue.length;
    for (let k = 1; k <= n; k++) {
      const i = (((from + k) % n) + n) % n;
      if (!this.complete(this.queue[i]!.id)) return i;
    }
    return -1;
  }

  /** The first metric of the item left to rate, after `after` and wrapping round; or null. */
  private unratedMetric(item: string, after = -1): number | null {
    const n = this.metrics.length;
    for (let k = 1; k <= n; k++) {
      const i = (after + k) % n;
      if (!this.ratings.has(keyOf(item, this.metrics[i]!.name))) return i;
    }
    return null;
  }

  goto(index: number): void {
    this.cancelAdvance();
    if (this.queue.length === 0) return;
    this.pos = Math.max(0, Math.min(this.queue.length - 1, index));
    this.active = this.unratedMetric(this.queue[this.pos]!.id) ?? 0;
  }

  nextItem(): void {
    this.cancelAdvance();
    if (this.done) return;
    if (this.pos < this.queue.length - 1) this.goto(this.pos + 1);
    else if (this.ratedItems === this.queue.length) this.done = true;
  }

  prevItem(): void {
    this.cancelAdvance();
    if (this.done) this.done = false;
    else if (this.pos > 0) this.goto(this.pos - 1);
  }

  cycleMetric(delta: number): void {
    const n = this.metrics.length;
    if (n > 0) this.active = (((this.active + delta) % n) + n) % n;
  }

  /** Shows the next item with a metric left, after a moment; or the closing page. */
  private scheduleAdvance(): void {
    this.cancelAdvance();
    this.advancing = true;
    if (this.advanceMs <= 0) {
      this.flushAdvance();
      return;
    }
    this.timer = setTimeout(() => this.flushAdvance(), this.advanceMs);
  }

  /** Does a pending advance now. */
  flushAdvance(): void {
    if (!this.advancing) return;
    this.cancelAdvance();
    const next = this.nextIncomplete(this.pos);
    if (next < 0) this.done = true;
    else this.goto(next);
  }

  cancelAdvance(): void {
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    this.advancing = false;
  }

  private fail(e: unknown, what: string): void {
    const err = toEngineError(e);
    this.error = `${what}: ${err.message}`;
    toastError({ message: this.error });
  }

  private put(item: string, metric: string, r: ShownRating | null): void {
    const next = new Map(this.ratings);
    if (r) next.set(keyOf(item, metric), r);
    else next.delete(keyOf(item, metric));
    this.ratings = next;
  }

  private setDraft(key: string, order: number[] | null): void {
    const next = new Map(this.drafts);
    if (order) next.set(key, order);
    else next.delete(key);
    this.drafts = next;
  }

  /** Rates metric `index` of the item shown. False when the engine refused (nothing changes). */
  async rate(index: number, value: RatingValue): Promise<boolean> {
    const item = this.item;
    const metric = this.metrics[index];
    if (!item || !metric || this.done) return false;
    const before = this.rating(item.id, metric.name) ?? null;
    const wasComplete = this.complete(item.id);
    let saved: ShownRating;
    try {
      saved = await call('reviews_rate', {
        reviewId: this.reviewId,
        item: item.id,
        metric: metric.name,
        value,
        comment: this.comments.get(item.id) ?? '',
      });
    } catch (e) {
      this.fail(e, `${metric.name} not saved`);
      return false;
    }
    this.error = null;
    this.put(item.id, metric.name, saved);
    this.setDraft(keyOf(item.id, metric.name), null);
    this.undoStack = [...this.undoStack, { item: item.id, metric: metric.name, before }];
    this.status = `${metric.name}: ${describeValue(saved.value)}`;
    if (this.item?.id !== item.id) return true;
    if (!wasComplete && this.complete(item.id)) this.scheduleAdvance();
    else if (this.active === index) this.active = this.unratedMetric(item.id, index) ?? index;
    return true;
  }

  /** The rank order shown for a metric of an item: the one being built, else the stored one. */
  rankOrder(item: string, metric: string): number[] {
    const draft = this.drafts.get(keyOf(item, metric));
    if (draft) return draft;
    const r = this.rating(item, metric);
    return r?.value.type === 'rank' ? orderFromRank(r.value.value) : [];
  }

  /** Rank: the answer at `position` takes the next place of metric `index`; the last place
   * sends the rank. */
  async place(index: number, position: number): Promise<void> {
    const item = this.item;
    const metric = this.metrics[index];
    if (!item || !metric || metric.method !== 'rank' || this.done) return;
    const n = item.answers.length;
    if (position < 0 || position >= n) return;
    const key = keyOf(item.id, metric.name);
    const draft = this.drafts.get(key);
    const order = !draft || draft.length >= n ? [] : [...draft];
    if (order.includes(position)) return;
    order.push(position);
    this.active = index;
    this.setDraft(key, order);
    if (order.length < n) return;
    if (!(await this.rate(index, rankFromOrder(order)))) this.setDraft(key, order.slice(0, -1));
  }

  /** Rank: takes back the last place of metric `index` (of the stored rank if none is being built). */
  unplace(index: number): void {
    const item = this.item;
    const metric = this.metrics[index];
    if (!item || !metric || metric.method !== 'rank' || this.done) return;
    const order = this.rankOrder(item.id, metric.name);
    if (order.length === 0) return;
    this.active = index;
    this.setDraft(keyOf(item.id, metric.name), order.slice(0, -1));
  }

  /** Takes back the last rating action: the earlier value is stored again, or the rating removed. */
  async undo(): Promise<void> {
    this.cancelAdvance();
    const entry = this.undoStack[this.undoStack.length - 1];
    if (!entry) {
      this.status = 'Nothing to undo';
      return;
    }
    const { item, metric, before } = entry;
    const key = { reviewId: this.reviewId, item, metric };
    try {
      if (before) {
        const restored = await call('reviews_rate', {
          ...key,
          value: before.value,
          comment: this.comments.get(item) ?? before.comment,
        });
        this.put(item, metric, restored);
      } else {
        await call('reviews_unrate', key);
        this.put(item, metric, null);
      }
    } catch (e) {
      this.fail(e, `undo of ${metric} failed`);
      return;
    }
    this.error = null;
    this.undoStack = this.undoStack.slice(0, -1);
    this.setDraft(keyOf(item, metric), null);
    this.status = before ? `Undone: ${metric} is ${describeValue(before.value)} again` : `Undone: ${metric} is not rated`;
    this.done = false;
    const at = this.queue.findIndex((q) => q.id === item);
    if (at >= 0) this.pos = at;
    const m = this.metrics.findIndex((x) => x.name === metric);
    if (m >= 0) this.active = m;
  }

  /** Positions (1-based, in the rater's order) of items whose comment waits for a first rating. */
  unsentComments(): number[] {
    const queue = this.session?.queue ?? [];
    const metrics = this.session?.review.metrics ?? [];
    return queue
      .map((q, i) => ({ q, i }))
      .filter(({ q }) => (this.comments.get(q.id) ?? '') !== '' && !metrics.some((m) => this.ratings.has(keyOf(q.id, m.name))))
      .map(({ i }) => i + 1);
  }

  /** Keeps an item's comment and sends it with every rating of the item given so far (or
   * with the next one). False when the engine refused. */
  async saveComment(item: string, text: string): Promise<boolean> {
    const comment = text.trim();
    const old = this.comments.get(item) ?? '';
    if (comment === old) return true;
    const next = new Map(this.comments);
    next.set(item, comment);
    this.comments = next;
    const rated = this.metrics
      .map((m) => this.rating(item, m.name))
      .filter((r): r is ShownRating => r !== undefined);
    for (const r of rated) {
      try {
        const saved = await call('reviews_rate', {
          reviewId: this.reviewId,
          item,
          metric: r.metric,
          value: r.value,
          comment,
        });
        this.put(item, r.metric, saved);
      } catch (e) {
        const back = new Map(this.comments);
        back.set(item, old);
        this.comments = back;
        this.fail(e, 'comment not saved');
        return false;
      }
    }
    this.error = null;
    this.status =
      rated.length > 0
        ? comment
          ? 'Comment saved'
          : 'Comment removed'
        : 'Comment kept: it is sent with your first rating of this item';
    return true;
  }
}
