// The mock host's runs as files and side by side: CSV and JSONL exports (the engine's columns),
// and the diff of two columns input by input.

import type { RunCell, RunDetail, RunDiff, RunDiffRow } from '../../bindings';
import { engineError } from '../host';
import { columnLabel, inputTitle } from '../../runs/labels';
import { mockDiffText } from './mockDiff';

const CSV_HEADER = [
  'run_id', 'version', 'provider', 'endpoint', 'model_id', 'input', 'variables', 'repeat', 'status', 'output',
  'stop_reason', 'input_tokens', 'output_tokens', 'cache_read_tokens', 'ttft_ms', 'latency_ms', 'cost_usd', 'cache_hit',
];

function csvField(value: string): string {
  const v = /^[=+\-@]/.test(value) && Number.isNaN(Number(value)) ? `'${value}` : value;
  return /[,"\n\r]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v;
}

export function exportRun(d: RunDetail, format: 'csv' | 'jsonl'): string {
  if (format === 'jsonl') {
    return d.cells
      .map((cell) => {
        const column = d.spec.columns[cell.key.column]!;
        const input = d.spec.inputs[cell.key.input]!;
        return `${JSON.stringify({ runId: d.summary.id, version: column.version, model: column.model, input, repeat: cell.key.repeat + 1, cell })}\n`;
      })
      .join('');
  }
  const num = (v: number | null | undefined) => (v === null || v === undefined ? '' : String(v));
  const rows = d.cells.map((cell) => {
    const column = d.spec.columns[cell.key.column]!;
    const input = d.spec.inputs[cell.key.input]!;
    return [
      d.summary.id, String(column.version), column.model.provider, column.model.endpoint ?? '', column.model.modelId,
      inputTitle(input, cell.key.input), JSON.stringify(input.values), String(cell.key.repeat + 1), cell.status, cell.text,
      cell.stopReason ?? '', num(cell.usage?.inputTokens), num(cell.usage?.outputTokens), num(cell.usage?.cacheReadTokens),
      num(cell.ttftMs), num(cell.latencyMs), cell.costUsd === null ? '' : cell.costUsd.toFixed(8), String(cell.cacheHit),
    ].map(csvField).join(',');
  });
  return [CSV_HEADER.join(','), ...rows].map((r) => `${r}\r\n`).join('');
}

export function diffRuns(a: RunDetail, ca: number, b: RunDetail, cb: number): RunDiff {
  const label = (d: RunDetail, c: number) => {
    const col = d.spec.columns[c];
    if (!col) throw engineError('invalid', `run ${d.summary.id} has no column ${c + 1}`);
    return `${d.summary.id.slice(-6)} · ${columnLabel(col)}`;
  };
  const aLabel = label(a, ca);
  const bLabel = label(b, cb);
  const first = (d: RunDetail, column: number, input: number) =>
    d.cells.filter((c) => c.key.column === column && c.key.input === input).sort((x, y) => x.key.repeat - y.key.repeat)[0];
  const same = (x: object, y: object) => JSON.stringify(Object.entries(x).sort()) === JSON.stringify(Object.entries(y).sort());
  const rows: RunDiffRow[] = [];
  let unmatched = 0;
  a.spec.inputs.forEach((input, ai) => {
    const empty = Object.keys(input.values).length === 0;
    let bi = empty ? -1 : b.spec.inputs.findIndex((x) => same(x.values, input.values));
    if (bi < 0 && empty && ai < b.spec.inputs.length) bi = ai;
    if (bi < 0) {
      unmatched++;
      return;
    }
    const x = first(a, ca, ai);
    const y = first(b, cb, bi);
    const ok = (c: RunCell | undefined) => (c && c.status === 'ok' ? c : undefined);
    const [ox, oy] = [ok(x), ok(y)];
    const delta = (f: (c: RunCell) => number | null | undefined) => {
      const [p, q] = [ox && f(ox), oy && f(oy)];
      return p === undefined || p === null || q === undefined || q === null ? null : q - p;
    };
    rows.push({
      input: inputTitle(input, ai),
      aText: x?.text ?? null,
      bText: y?.text ?? null,
      lines: mockDiffText(x?.text ?? '', y?.text ?? ''),
      sameText: (x?.text ?? null) === (y?.text ?? null),
      deltaOutputTokens: delta((c) => c.usage?.outputTokens),
      deltaLatencyMs: delta((c) => c.latencyMs),
      deltaCostUsd: delta((c) => c.costUsd),
      aScore: null,
      bScore: null,
      aPass: null,
      bPass: null,
    });
  });
  unmatched += Math.max(0, b.spec.inputs.length - rows.length);
  return { aLabel, bLabel, rows, unmatched, changed: rows.filter((r) => !r.sameText).length, improved: 0, regressed: 0 };
}
