// The mock host's runs, before anything is called: the spec of a request (columns, inputs,
// checks, in the engine's words), the rendered request of every (column, input), and the estimate.

import type {
  BlueprintContent,
  ChatRequest,
  ModelRef,
  ModelSettings,
  RunColumn,
  RunEstimate,
  RunSpec,
  RunsStartReq,
} from '../../bindings';
import { cloneContent } from '../content';
import { engineError } from '../host';
import { columnLabel, inputTitle, MODEL_PROVIDERS } from '../../runs/labels';
import { chatRequest, priceOf } from './mockBedrock';
import { mockRender } from './mockTemplates';
import type { MockState } from './mockHost';

export const MAX_CELLS = 100_000;

function modelOf(s: ModelSettings): ModelRef {
  const m: ModelRef = { provider: s.provider, modelId: s.modelId };
  if (s.endpoint !== undefined) m.endpoint = s.endpoint;
  return m;
}

/** The version's settings with the column's model; Bedrock-only features stay on Bedrock. */
function applyModel(m: ModelRef, s: ModelSettings): ModelSettings {
  const out: ModelSettings = { ...structuredClone(s), provider: m.provider, modelId: m.modelId };
  if (m.endpoint !== undefined) out.endpoint = m.endpoint;
  else delete out.endpoint;
  if (m.provider !== 'bedrock') {
    delete out.guardrail;
    out.cachePrompt = false;
  }
  return out;
}

export function mockRunSpec(st: MockState, req: RunsStartReq): RunSpec {
  const bp = st.blueprints.find((b) => b.id === req.blueprintId);
  if (!bp) throw engineError('notFound', `blueprint ${req.blueprintId} not found`);
  const latest = bp.versions.at(-1)?.meta.number ?? null;
  let numbers: number[];
  if (req.versions.length === 0) {
    if (latest === null) throw engineError('invalid', `\`${bp.name}\` has no saved version: save one before running it`);
    numbers = [latest];
  } else {
    numbers = [...new Set(req.versions)];
  }
  const versions: { [n: number]: BlueprintContent } = {};
  for (const n of numbers) {
    const v = bp.versions.find((x) => x.meta.number === n);
    if (!v) throw engineError('invalid', `\`${bp.name}\` has no version ${n} (latest is ${latest ?? 0})`);
    versions[n] = cloneContent(v.content);
  }
  const columns: RunColumn[] = [];
  for (const n of numbers) {
    const settings = versions[n]!.model;
    const models = req.models.length === 0 ? [modelOf(settings)] : req.models;
    for (const model of models) {
      if (!(MODEL_PROVIDERS as readonly string[]).includes(model.provider)) {
        throw engineError('invalid', `the provider \`${model.provider}\` is not known: use \`local\`, \`bedrock\` or \`openai\``);
      }
      columns.push({ version: n, model: { ...model }, settings: applyModel(model, settings) });
    }
  }
  if (req.inputs.length === 0) {
    throw engineError('invalid', 'a run needs at least one input (a set of variable values; empty for a prompt without variables)');
  }
  if (req.repeats < 1 || req.repeats > 100) {
    throw engineError('invalid', `${req.repeats} repeats is not possible: use 1 to 100`);
  }
  const cells = columns.length * req.inputs.length * req.repeats;
  if (cells > MAX_CELLS) {
    throw engineError('invalid', `${cells} cells is more than one run holds (${MAX_CELLS}): use fewer inputs, models or repeats`);
  }
  const concurrency = req.concurrency ?? st.settings.runs.concurrency;
  if (!(concurrency >= 1 && concurrency <= 256)) {
    throw engineError('invalid', `a concurrency of ${concurrency} is not possible: use 1 to 256`);
  }
  return {
    blueprintId: bp.id,
    blueprintName: bp.name,
    columns,
    inputs: structuredClone(req.inputs),
    repeats: req.repeats,
    concurrency,
    bypassCache: req.bypassCache,
    versions,
  };
}

/** Every request of a spec, by `column:input`; the first input that cannot render is an error. */
export function mockRequests(spec: RunSpec): Map<string, ChatRequest> {
  const out = new Map<string, ChatRequest>();
  spec.columns.forEach((column, c) => {
    const content = spec.versions[column.version]!;
    spec.inputs.forEach((input, i) => {
      const rendered = mockRender(content, input.values);
      if (rendered.issues.length) {
        const lines = rendered.issues.map((x) => `${x.place} line ${x.line}, column ${x.column}: ${x.message}`);
        throw engineError(
          'invalid',
          `v${column.version} cannot be rendered for input ${i + 1} (${inputTitle(input, i)}): ${lines.join('; ')}`,
        );
      }
      try {
        out.set(`${c}:${i}`, chatRequest({ ...content, model: column.settings }, rendered.messages));
      } catch (e) {
        throw engineError('invalid', `${columnLabel(column)}: ${(e as { message: string }).message}`);
      }
    });
  });
  return out;
}

/** About four characters a token, plus a few tokens of framing per message (the engine's rule). */
export function estimateTokens(r: ChatRequest): number {
  const chars = [...(r.system ?? '')].length + r.messages.reduce((n, m) => n + [...m.text].length, 0);
  return Math.ceil(chars / 4) + 4 * (r.messages.length + 1);
}

export function cacheKey(column: RunColumn, request: ChatRequest, repeat: number): string {
  return `${columnLabel(column)}\n${JSON.stringify(request)}\n${repeat}`;
}

export function mockEstimate(st: MockState, spec: RunSpec, requests: Map<string, ChatRequest>, done: Set<string> = new Set()): RunEstimate {
  const est: RunEstimate = {
    cells: spec.columns.length * spec.inputs.length * spec.repeats,
    cachedCells: 0,
    inputTokens: 0,
    maxOutputTokens: 0,
    costUsdMin: 0,
    costUsdMax: 0,
    unpriced: [],
    countedRequests: 0,
    judgeCalls: 0,
  };
  // The engine asks Bedrock's CountTokens when there are at most 40 Bedrock requests; the mock
  // "counts" them with its own estimate.
  const bedrock = spec.columns.filter((c) => c.model.provider === 'bedrock').length * spec.inputs.length;
  if (bedrock <= 40) est.countedRequests = bedrock;
  for (const column of spec.columns) {
    const judges = (spec.versions[column.version]?.evaluators ?? []).filter((e) => e.type === 'judge').length;
    est.judgeCalls += judges * spec.inputs.length * spec.repeats;
  }
  spec.columns.forEach((column, c) => {
    spec.inputs.forEach((_, i) => {
      const request = requests.get(`${c}:${i}`)!;
      const input = estimateTokens(request);
      const maxOut = request.params.maxTokens ?? 1024;
      for (let r = 0; r < spec.repeats; r++) {
        if (done.has(`${c}:${i}:${r}`)) continue;
        if (!spec.bypassCache && st.runCache.has(cacheKey(column, request, r))) {
          est.cachedCells++;
          continue;
        }
        est.inputTokens += input;
        est.maxOutputTokens += maxOut;
        if (column.model.provider === 'local') continue;
        const price = column.model.provider === 'bedrock' ? priceOf(request.modelId) : null;
        if (price) {
          est.costUsdMin += (input * price.input) / 1e6;
          est.costUsdMax += (input * price.input + maxOut * price.output) / 1e6;
        } else {
          const label = columnLabel(column);
          if (!est.unpriced.includes(label)) est.unpriced.push(label);
        }
      }
    });
  });
  return est;
}
