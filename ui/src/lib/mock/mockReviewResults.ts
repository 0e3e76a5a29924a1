// The results of a review in the mock host, shaped as the engine's `ReviewResults`.
//
// MOCK STATISTICS: the engine computes seeded bootstrap intervals over items, its own agreement
// coefficients and the LLM-judge agreement from the run's verdicts. Here intervals are a normal
// approximation over items (mean ± 1.96·sd/√n, clamped to the scale), Krippendorff's alpha,
// Cohen's and Fleiss' kappa are computed directly on the same variant-oriented codes, the sign
// and position-bias tests are exact, and there is no LLM-judge agreement. Good enough to draw the
// results in a browser preview and in tests; the real statistics come from the engine.

import type {
  Agreement,
  Interval,
  Method,
  MetricResults,
  PairResult,
  PositionBias,
  Rater,
  RaterProgress,
  RaterResult,
  RatingValue,
  ReviewResults,
  VariantResult,
} from '../../bindings';
import { signTest } from './mockEvalStats';
import type { MockRating, MockReview } from './mockReviews';
import { checkValue, preferred } from './mockReviewValues';

const Z = 1.959963984540054;
const ONE_RATER = 'one rater so far: agreement needs two or more';
const NO_RATER = 'no ratings yet: agreement needs two raters or more';
const NO_UNIT = 'no item is rated by two raters yet';
const NO_VARIATION = 'every rating has the same value, so agreement beyond chance cannot be measured';
const NO_COMPLETE_ITEM = "Fleiss' kappa needs items rated by every rater, and there is none yet";
const NO_SHARED_ITEM = "Cohen's kappa needs items both raters rated, and there is none yet";

interface Rated {
  rater: number;
  item: number;
  rating: MockRating;
}

interface Prepared {
  review: MockReview;
  raters: Rater[];
  /** Per pack item: the run column of each answer, or null. */
  columns: Array<number[] | null>;
  /** Per metric: one rating per rater and item, by item then rater. */
  ratings: Rated[][];
}

const raterKey = (r: Rater) => (r.email.trim() ? r.email.trim().toLowerCase() : `name:${r.name.trim().toLowerCase()}`);
const mean = (xs: readonly number[]) => (xs.length ? xs.reduce((a, b) => a + b, 0) / xs.length : null);

/** Mean with a normal-approximation 95% interval, clamped to [lo, hi]; a point with one value. */
function interval(xs: readonly number[], lo: number, hi: number): Interval | null {
  const m = mean(xs);
  if (m === null) return null;
  const n = xs.length;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (n - 1)) : 0;
  const half = (Z * sd) / Math.sqrt(n);
  return { estimate: m, low: Math.max(lo, m - half), high: Math.min(hi, m + half) };
}

function prepare(review: MockReview): Prepared {
  const pack = review.pack;
  const sources = new Map((review.sources ?? []).map((s) => [s.item, s]));
  const columns = pack.items.map((item) => {
    const s = sources.get(item.id);
    return s && s.columns.length === item.answers.length ? s.columns : null;
  });
  const itemIndex = new Map(pack.items.map((item, i) => [item.id, i]));
  const raters: Rater[] = [];
  const byKey = new Map<string, number>();
  const kept = new Map<string, { metric: number; item: number; rater: number; rating: MockRating }>();
  for (const r of review.ratings) {
    const item = itemIndex.get(r.item);
    const metric = pack.metrics.findIndex((m) => m.name === r.metric);
    if (item === undefined || metric < 0 || !columns[item]) continue;
    if (checkValue(r.value, pack.metrics[metric]!.method, pack.items[item]!.answers.length) !== null) continue;
    const key = raterKey(r.rater);
    let rater = byKey.get(key);
    if (rater === undefined) {
      rater = raters.length;
      raters.push(r.rater);
      byKey.set(key, rater);
    }
    kept.set(`${metric}:${item}:${rater}`, { metric, item, rater, rating: r });
  }
  const order = raters.map((_, i) => i);
  order.sort((a, b) => {
    const x = raters[a]!;
    const y = raters[b]!;
    return x.name.toLowerCase().localeCompare(y.name.toLowerCase()) || x.email.toLowerCase().localeCompare(y.email.toLowerCase()) || a - b;
  });
  const newIndex = new Array<number>(raters.length);
  order.forEach((old, i) => (newIndex[old] = i));
  const ratings: Rated[][] = pack.metrics.map(() => []);
  for (const k of kept.values()) ratings[k.metric]!.push({ rater: newIndex[k.rater]!, item: k.item, rating: k.rating });
  for (const list of ratings) list.sort((a, b) => a.item - b.item || a.rater - b.rater);
  return { review, raters: order.map((i) => raters[i]!), columns, ratings };
}

const label = (p: Prepared, column: number) => p.review.variants?.[column] ?? `column ${column + 1}`;

function variantColumns(p: Prepared): number[] {
  return [...new Set(p.columns.flatMap((c) => c ?? []))].sort((a, b) => a - b);
}

// ---- pairs ---------------------------------------------------------------------------------

/** One comparison of two variants in one rating: 1 the lower column won, 0 it lost, ½ a tie. */
interface Duel {
  a: number;
  b: number;
  item: number;
  rater: number;
  outcome: number;
}

function duels(p: Prepared, rated: readonly Rated[]): Duel[] {
  const out: Duel[] = [];
  for (const r of rated) {
    const cols = p.columns[r.item]!;
    const v = r.rating.value;
    if (v.type === 'rank') {
      for (let x = 0; x < cols.length; x++) {
        for (let y = x + 1; y < cols.length; y++) {
          const [lo, hi] = cols[x]! < cols[y]! ? [x, y] : [y, x];
          out.push({ a: cols[lo]!, b: cols[hi]!, item: r.item, rater: r.rater, outcome: (v.value[lo] ?? 0) < (v.value[hi] ?? 0) ? 1 : 0 });
        }
      }
      continue;
    }
    const pref = preferred(v);
    if (pref === undefined || cols.length !== 2) continue;
    const lo = Math.min(cols[0]!, cols[1]!);
    const hi = Math.max(cols[0]!, cols[1]!);
    out.push({ a: lo, b: hi, item: r.item, rater: r.rater, outcome: pref === null ? 0.5 : cols[pref] === lo ? 1 : 0 });
  }
  return out;
}

function pairResults(p: Prepared, all: readonly Duel[]): PairResult[] {
  const groups = new Map<string, Duel[]>();
  for (const d of [...all].sort((x, y) => x.a - y.a || x.b - y.b)) {
    const key = `${d.a}:${d.b}`;
    groups.set(key, [...(groups.get(key) ?? []), d]);
  }
  return [...groups.values()].map((ds) => {
    const byItem = new Map<number, number[]>();
    for (const d of ds) byItem.set(d.item, [...(byItem.get(d.item) ?? []), d.outcome]);
    const itemMeans = [...byItem.values()].map((o) => mean(o)!);
    const ties = ds.filter((d) => d.outcome === 0.5).length;
    return {
      first: label(p, ds[0]!.a),
      second: label(p, ds[0]!.b),
      items: byItem.size,
      ratings: ds.length,
      firstWins: ds.filter((d) => d.outcome === 1).length,
      secondWins: ds.filter((d) => d.outcome === 0).length,
      ties,
      firstWinRate: interval(itemMeans, 0, 1)!,
      tieRate: ties / ds.length,
      pValue: signTest(itemMeans.map((m) => m - 0.5)),
    };
  });
}

// ---- single answers and ranks --------------------------------------------------------------

/** The number a rating gives the answer of `column`: a Likert score, 1/0 for thumbs, a rank. */
function scoreOf(value: RatingValue, cols: readonly number[], column: number): number | null {
  const answer = cols.indexOf(column);
  if (answer < 0) return null;
  if (value.type === 'likert') return value.value;
  if (value.type === 'thumb') return value.value ? 1 : 0;
  if (value.type === 'rank') return value.value[answer] ?? null;
  return null;
}

function variantResults(p: Prepared, rated: readonly Rated[], method: Method): VariantResult[] {
  if (method === 'choice' || method === 'comparisonLikert') return [];
  const maxAnswers = Math.max(0, ...p.review.pack.items.map((i) => i.answers.length));
  const bins = method === 'likert' ? 5 : method === 'thumbs' ? 2 : maxAnswers;
  const [lo, hi] = method === 'likert' ? [1, 5] : method === 'thumbs' ? [0, 1] : [1, maxAnswers];
  return variantColumns(p).map((column) => {
    const byItem = new Map<number, number[]>();
    const histogram = new Array<number>(bins).fill(0);
    let ratings = 0;
    for (const r of rated) {
      const s = scoreOf(r.rating.value, p.columns[r.item]!, column);
      if (s === null) continue;
      ratings++;
      byItem.set(r.item, [...(byItem.get(r.item) ?? []), s]);
      const bin = method === 'thumbs' ? s : s - 1;
      if (bin >= 0 && bin < bins) histogram[bin]!++;
    }
    return { variant: label(p, column), ratings, mean: interval([...byItem.values()].map((v) => mean(v)!), lo, hi), histogram };
  });
}

function raterResults(p: Prepared, rated: readonly Rated[], method: Method, all: readonly Duel[]): RaterResult[] {
  const pairwise = method === 'choice' || method === 'comparisonLikert';
  const first = variantColumns(p)[0];
  const firstPair = all.length ? [...all].sort((x, y) => x.a - y.a || x.b - y.b)[0]! : null;
  const raters = [...new Set(rated.map((r) => r.rater))].sort((a, b) => a - b);
  return raters.map((i) => {
    const mine = rated.filter((r) => r.rater === i);
    const scores = pairwise || first === undefined ? [] : mine.map((r) => scoreOf(r.rating.value, p.columns[r.item]!, first)).filter((s): s is number => s !== null);
    const myDuels = firstPair ? all.filter((d) => d.rater === i && d.a === firstPair.a && d.b === firstPair.b) : [];
    const decisive = pairwise ? mine.filter((r) => preferred(r.rating.value) !== null) : [];
    const leftWins = decisive.filter((r) => preferred(r.rating.value) === r.rating.shown[0]).length;
    return {
      rater: { ...p.raters[i]! },
      ratings: mine.length,
      mean: pairwise ? null : mean(scores),
      firstWinShare: pairwise ? mean(myDuels.map((d) => d.outcome)) : null,
      ties: pairwise ? mine.filter((r) => preferred(r.rating.value) === null).length : 0,
      shownFirstShare: pairwise && decisive.length ? leftWins / decisive.length : null,
    };
  });
}

function positionBias(rated: readonly Rated[]): PositionBias | null {
  const decisive = rated.filter((r) => {
    const pref = preferred(r.rating.value);
    return pref !== null && pref !== undefined;
  });
  if (decisive.length === 0) return null;
  const wins = decisive.filter((r) => preferred(r.rating.value) === r.rating.shown[0]).length;
  const signs = decisive.map((r) => (preferred(r.rating.value) === r.rating.shown[0] ? 1 : -1));
  return { decisive: decisive.length, shownFirstWins: wins, share: wins / decisive.length, pValue: signTest(signs) ?? 1 };
}

// ---- agreement -----------------------------------------------------------------------------

/** A rating's category, oriented by variant (so a shuffle never changes agreement), as the engine codes it. */
function code(value: RatingValue, cols: readonly number[]): number {
  const flipped = cols.length >= 2 && cols[0]! > cols[1]!;
  switch (value.type) {
    case 'choice': {
      const pref = preferred(value);
      if (pref === null || pref === undefined) return 1;
      return (pref === 0) !== flipped ? 0 : 2;
    }
    case 'comparisonLikert':
      return flipped ? 6 - value.value : value.value;
    case 'likert':
      return value.value;
    case 'thumb':
      return value.value ? 1 : 0;
    case 'rank': {
      let first = 0;
      cols.forEach((c, i) => {
        if (c < cols[first]!) first = i;
      });
      return value.value[first] ?? 0;
    }
  }
}

/** Krippendorff's alpha over units of codes (each with two values or more), nominal or ordinal. */
export function krippendorffAlpha(units: readonly (readonly number[])[], level: 'nominal' | 'ordinal'): number | null {
  const values = [...new Set(units.flat())].sort((a, b) => a - b);
  const index = new Map(values.map((v, i) => [v, i]));
  const k = values.length;
  const o = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (const u of units) {
    const m = u.length;
    if (m < 2) continue;
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) if (i !== j) o[index.get(u[i]!)!]![index.get(u[j]!)!]! += 1 / (m - 1);
  }
  const nc = o.map((row) => row.reduce((a, b) => a + b, 0));
  const n = nc.reduce((a, b) => a + b, 0);
  if (n <= 1) return null;
  const delta = (c: number, d: number): number => {
    if (level === 'nominal') return c === d ? 0 : 1;
    const [lo, hi] = c < d ? [c, d] : [d, c];
    let sum = 0;
    for (let g = lo; g <= hi; g++) sum += nc[g]!;
    return (sum - (nc[c]! + nc[d]!) / 2) ** 2;
  };
  let observed = 0;
  let expected = 0;
  for (let c = 0; c < k; c++) {
    for (let d = 0; d < k; d++) {
      observed += o[c]![d]! * delta(c, d);
      expected += nc[c]! * nc[d]! * delta(c, d);
    }
  }
  if (expected === 0) return null;
  return 1 - ((n - 1) * observed) / expected;
}

/** Cohen's kappa of two raters' paired codes; null when chance agreement is total. */
export function cohenKappa(pairs: readonly (readonly [number, number])[]): number | null {
  const n = pairs.length;
  if (n === 0) return null;
  const cats = [...new Set(pairs.flat())];
  const po = pairs.filter(([a, b]) => a === b).length / n;
  const pe = cats.reduce((s, c) => s + (pairs.filter(([a]) => a === c).length / n) * (pairs.filter(([, b]) => b === c).length / n), 0);
  return pe === 1 ? null : (po - pe) / (1 - pe);
}

/** Fleiss' kappa of items each rated by the same number of raters; null when chance agreement is total. */
export function fleissKappa(items: readonly (readonly number[])[]): number | null {
  const N = items.length;
  if (N === 0) return null;
  const n = items[0]!.length;
  if (n < 2) return null;
  const cats = [...new Set(items.flat())];
  const counts = items.map((codes) => cats.map((c) => codes.filter((x) => x === c).length));
  const pj = cats.map((_, j) => counts.reduce((s, row) => s + row[j]!, 0) / (N * n));
  const Pi = counts.map((row) => (row.reduce((s, x) => s + x * x, 0) - n) / (n * (n - 1)));
  const Pbar = mean(Pi)!;
  const Pe = pj.reduce((s, x) => s + x * x, 0);
  return Pe === 1 ? null : (Pbar - Pe) / (1 - Pe);
}

function agreement(p: Prepared, rated: readonly Rated[]): Agreement {
  const raters = [...new Set(rated.map((r) => r.rater))].sort((a, b) => a - b);
  const none: Agreement = { raters: raters.length, units: 0, alphaNominal: null, alphaOrdinal: null, cohenKappa: null, fleissKappa: null, note: null };
  if (raters.length < 2) return { ...none, note: raters.length === 0 ? NO_RATER : ONE_RATER };
  const byItem = new Map<number, Map<number, number>>();
  for (const r of rated) {
    const m = byItem.get(r.item) ?? new Map<number, number>();
    m.set(r.rater, code(r.rating.value, p.columns[r.item]!));
    byItem.set(r.item, m);
  }
  const units = [...byItem.values()].filter((m) => m.size >= 2);
  const notes: string[] = [];
  const note = (s: string) => {
    if (!notes.includes(s)) notes.push(s);
  };
  if (units.length === 0) note(NO_UNIT);
  const codes = units.map((m) => [...m.values()]);
  const alphaNominal = units.length ? krippendorffAlpha(codes, 'nominal') : null;
  const alphaOrdinal = units.length ? krippendorffAlpha(codes, 'ordinal') : null;
  if (units.length && alphaNominal === null) note(NO_VARIATION);
  let cohen: number | null = null;
  let fleiss: number | null = null;
  if (raters.length === 2) {
    const [a, b] = raters as [number, number];
    const pairs = units.filter((m) => m.has(a) && m.has(b)).map((m) => [m.get(a)!, m.get(b)!] as const);
    if (pairs.length === 0) note(NO_SHARED_ITEM);
    cohen = cohenKappa(pairs);
    if (pairs.length && cohen === null) note(NO_VARIATION);
  } else {
    const complete = units.filter((m) => raters.every((r) => m.has(r))).map((m) => raters.map((r) => m.get(r)!));
    if (complete.length === 0) note(NO_COMPLETE_ITEM);
    fleiss = fleissKappa(complete);
    if (complete.length && fleiss === null) note(NO_VARIATION);
  }
  return { ...none, units: units.length, alphaNominal, alphaOrdinal, cohenKappa: cohen, fleissKappa: fleiss, note: notes.length ? notes.join('; ') : null };
}

// ---- summary (the engine's sentences) --------------------------------------------------------

const pctText = (x: number) => String(Math.round(x * 100));
const pText = (p: number) => (p < 0.001 ? 'p < 0.001' : p < 0.01 ? `p = ${p.toFixed(3)}` : p.toFixed(2) === '1.00' ? 'p = 1' : `p = ${p.toFixed(2)}`);
const countText = (n: number, one: string, many: string) => (n === 0 ? `no ${many}` : n === 1 ? `1 ${one}` : `${n} ${many}`);

function pairSentence(metric: string, pair: PairResult): string {
  const r = pair.firstWinRate;
  const [winner, loser, share, low, high] =
    r.estimate >= 0.5 ? [pair.first, pair.second, r.estimate, r.low, r.high] : [pair.second, pair.first, 1 - r.estimate, 1 - r.high, 1 - r.low];
  const items = countText(pair.items, 'item', 'items');
  const ties = countText(pair.ties, 'tie', 'ties');
  const ci = `95% CI ${pctText(low)}–${pctText(high)}%`;
  const p = pair.pValue === null ? 'no item had a preference' : pText(pair.pValue);
  const clear = (r.low > 0.5 || r.high < 0.5) && pair.pValue !== null && pair.pValue < 0.05;
  return clear
    ? `«${winner}» beats «${loser}» on ${metric}: wins ${pctText(share)}% of ${items} (${ci}), ${ties}, ${p}.`
    : `No clear winner on ${metric}: «${winner}» wins ${pctText(share)}% of ${items} against «${loser}» (${ci}), ${ties}, ${p}.`;
}

function scoresList(variants: readonly VariantResult[], lowerIsBetter: boolean, num: (x: number) => string, unit: string): string | null {
  const scored = variants.filter((v) => v.mean).map((v) => ({ v: v.variant, m: v.mean! }));
  if (!scored.length) return null;
  scored.sort((a, b) => (lowerIsBetter ? a.m.estimate - b.m.estimate : b.m.estimate - a.m.estimate));
  return scored
    .map(({ v, m }, i) => `«${v}» ${num(m.estimate)}${unit} (${i === 0 ? '95% CI ' : ''}${num(m.low)}–${num(m.high)}${unit})`)
    .join(', ');
}

function headline(m: MetricResults): string | null {
  const name = m.metric.name;
  const one = (x: number) => x.toFixed(1);
  switch (m.metric.method) {
    case 'choice':
    case 'comparisonLikert': {
      const pair = [...m.pairs].reverse().reduce<PairResult | null>((best, p) => (!best || p.items > best.items ? p : best), null);
      return pair ? pairSentence(name, pair) : null;
    }
    case 'likert': {
      const list = scoresList(m.variants, false, one, '');
      return list && `On ${name} (Likert 1–5), mean scores: ${list}.`;
    }
    case 'thumbs': {
      const list = scoresList(m.variants, false, pctText, '%');
      return list && `On ${name}, share of thumbs up: ${list}.`;
    }
    case 'rank': {
      const list = scoresList(m.variants, true, one, '');
      return list && `On ${name}, mean ranks (1 = best): ${list}.`;
    }
  }
}

const alphaWords = (a: number) =>
  a < 0 ? 'less than chance' : a < 0.2 ? 'poorly' : a < 0.4 ? 'fairly' : a < 0.6 ? 'moderately' : a < 0.8 ? 'substantially' : 'almost perfectly';

function summary(metrics: readonly MetricResults[]): string[] {
  const rated = metrics.filter((m) => m.ratings > 0);
  const primary = rated[0];
  if (!primary) return ['No ratings yet.'];
  const named = rated.length > 1;
  const on = (m: MetricResults) => (named ? ` on ${m.metric.name}` : '');
  const a = primary.agreement;
  const extras: string[] = [];
  if (a.raters < 2) extras.push(`Only one rater so far${on(primary)}: agreement between raters needs two or more.`);
  else {
    const alpha = primary.metric.method === 'thumbs' ? a.alphaNominal : (a.alphaOrdinal ?? a.alphaNominal);
    extras.push(
      alpha !== null
        ? `Raters agreed ${alphaWords(alpha)}${on(primary)} (Krippendorff's α = ${alpha.toFixed(2)}, ${a.raters} raters).`
        : `Agreement between the ${a.raters} raters${on(primary)} cannot be measured yet: ${a.note ?? 'too few items rated by two of them'}.`,
    );
  }
  const biased = rated.find((m) => m.positionBias);
  if (biased) {
    const b = biased.positionBias!;
    const verdict = b.pValue >= 0.05 ? 'no sign of position bias' : b.share > 0.5 ? 'raters favour the left side' : 'raters favour the right side';
    const lead = named ? `On ${biased.metric.name}, answers` : 'Answers';
    extras.push(`${lead} shown on the left won ${pctText(b.share)}% of ${countText(b.decisive, 'decisive rating', 'decisive ratings')} (${pText(b.pValue)}): ${verdict}.`);
  }
  const heads = rated.map(headline).filter((h): h is string => h !== null).slice(0, 5 - extras.length);
  return [...heads, ...extras];
}

// ---- results -------------------------------------------------------------------------------

export function mockResults(review: MockReview): ReviewResults {
  const p = prepare(review);
  const metrics: MetricResults[] = review.pack.metrics.map((metric, m) => {
    const rated = p.ratings[m]!;
    const all = duels(p, rated);
    const pairwise = metric.method === 'choice' || metric.method === 'comparisonLikert';
    return {
      metric: { ...metric },
      ratedItems: new Set(rated.map((r) => r.item)).size,
      ratings: rated.length,
      pairs: pairResults(p, all),
      variants: variantResults(p, rated, metric.method),
      perRater: raterResults(p, rated, metric.method, all),
      positionBias: pairwise ? positionBias(rated) : null,
      agreement: agreement(p, rated),
      judge: null,
    };
  });
  const raters: RaterProgress[] = p.raters.map((rater, i) => {
    const mine = p.ratings.flat().filter((r) => r.rater === i);
    return { rater: { ...rater }, ratedItems: new Set(mine.map((r) => r.item)).size, ratings: mine.length };
  });
  return {
    items: review.pack.items.length,
    ratings: p.ratings.reduce((n, list) => n + list.length, 0),
    raters,
    metrics,
    summary: summary(metrics),
  };
}

function valueText(v: RatingValue): string {
  return v.type === 'rank' ? v.value.join(' ') : String(v.value);
}

/** Every rating as CSV, with the variants of its answers revealed (pack order). */
export function mockRatingsCsv(review: MockReview): string {
  const quote = (s: string) => (/[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);
  const sources = new Map((review.sources ?? []).map((s) => [s.item, s]));
  const lines = [['item', 'metric', 'rater', 'email', 'method', 'value', 'variants', 'shown', 'comment', 'rated_at'].join(',')];
  for (const r of review.ratings) {
    const method = review.pack.metrics.find((m) => m.name === r.metric)?.method ?? '';
    const variants = (sources.get(r.item)?.columns ?? []).map((c) => review.variants?.[c] ?? `column ${c + 1}`).join(' | ');
    lines.push([r.item, r.metric, r.rater.name, r.rater.email, method, valueText(r.value), variants, r.shown.join(' '), r.comment, r.ratedAt].map(quote).join(','));
  }
  return `${lines.join('\n')}\n`;
}
