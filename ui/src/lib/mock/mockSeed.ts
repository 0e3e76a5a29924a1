// Demo blueprints for the mock host, so a plain browser shows a workbench with history.

import type { BlueprintContent, RunInput } from '../../bindings';
import { starterContent } from '../content';
import { moveLabel, saveVersion, type MockBlueprint, type MockState } from './mockHost';
import { instantCell, type MockRunRecord } from './mockRuns';
import { mockRequests, mockRunSpec } from './mockRunSpec';
import { seedMockDatasets } from './mockDatasets';

function content(system: string, user: string, extra: Partial<BlueprintContent> = {}): BlueprintContent {
  return { ...starterContent(), system, messages: [{ role: 'user', template: user }], ...extra };
}

function blueprint(st: MockState, name: string, tags: string[], daysAgo: number): MockBlueprint {
  const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
  const b: MockBlueprint = {
    id: st.nextId(), name, tags, createdAt: at, updatedAt: at,
    versions: [], labels: [], labelMoves: [], draft: null,
  };
  st.blueprints.push(b);
  return b;
}

export function seedMock(st: MockState): void {
  const support = blueprint(st, 'Support reply', ['support', 'email'], 6);
  const v1 = content(
    'You are a support agent for {{ product }}.\nAnswer politely.',
    'Customer message:\n{{ message }}\n\nWrite a reply.',
  );
  saveVersion(st, support, v1, 'First draft');
  const v2 = content(
    'You are a friendly support agent for {{ product }}.\nAnswer politely and briefly.\nSign as {{ agent }}.',
    'Customer message:\n{{ message }}\n\nWrite a reply in {{ language }}.',
    {
      variables: [
        { name: 'product', type: 'string', default: 'Galley', description: 'Product name' },
        { name: 'language', type: 'string', default: 'English', description: '' },
      ],
    },
  );
  saveVersion(st, support, v2, 'Friendlier tone, sign-off');
  const v3: BlueprintContent = {
    ...v2,
    model: { ...v2.model, temperature: 0.3, maxTokens: 768 },
    evaluators: [
      { name: 'polite', weight: 1, type: 'regex', pattern: '(?i)thank|sorry|happy to help|good question|polite' },
      { name: 'helpful', weight: 2, type: 'judge', metric: 'helpfulness', model: 'bedrock:anthropic.claude-3-5-haiku-20241022-v1:0', passScore: 0.75 },
    ],
    thresholds: { minPassRate: 0.8, minMean: { helpful: 0.6 }, maxP95LatencyMs: 1500 },
  };
  saveVersion(st, support, v3, 'Lower temperature, scored for politeness and helpfulness');
  moveLabel(st, support, 'dev', 3);
  moveLabel(st, support, 'staging', 3);
  moveLabel(st, support, 'prod', 2);

  const notes = blueprint(st, 'Release notes', ['docs'], 3);
  saveVersion(
    st,
    notes,
    content(
      'You turn commit messages into release notes.',
      '{% for c in commits %}- {{ c }}\n{% endfor %}\nWrite notes for version {{ version }}.',
      { variables: [{ name: 'commits', type: 'json', default: '["Fix login", "Faster search"]', description: '' }] },
    ),
    'Initial version',
  );
  moveLabel(st, notes, 'prod', 1);
  notes.draft = {
    content: content(
      'You turn commit messages into concise release notes.',
      '{% for c in commits %}- {{ c }}\n{% endfor %}\nWrite notes for version {{ version }}.',
      { variables: [{ name: 'commits', type: 'json', default: '["Fix login", "Faster search"]', description: '' }] },
    ),
    baseVersion: 1,
    updatedAt: new Date(Date.now() - 3_600_000).toISOString(),
  };

  blueprint(st, 'Ticket triage', ['support', 'classify'], 1);
  seedMockDatasets(st);
}

/** Two finished runs of "Support reply" (v2, then v3, on two models), to browse the history. */
export function seedMockRuns(st: MockState): void {
  const support = st.blueprints.find((b) => b.name === 'Support reply');
  if (!support) return;
  const inputs: RunInput[] = [
    { name: null, values: { agent: 'Sam', message: 'Where is my order? It was due on Monday.' }, category: 'shipping', reference: 'Apologise, give the tracking link and a delivery date.' },
    { name: 'refund', values: { agent: 'Sam', message: 'Can I get a refund?', language: 'French' }, category: 'billing', reference: 'Yes, within 30 days: explain how.' },
    { name: null, values: { agent: 'Ana', message: 'My invoice shows <img src=x onerror=alert(1)> instead of the total' }, category: 'billing' },
  ];
  const models = [
    { provider: 'bedrock', modelId: 'amazon.nova-lite-v1:0' },
    { provider: 'local', modelId: 'SmolLM2-135M-Instruct' },
  ];
  [
    { version: 2, daysAgo: 5, source: 'app' },
    { version: 3, daysAgo: 1, source: 'cli' },
  ].forEach(({ version, daysAgo, source }) => {
    const spec = mockRunSpec(st, { blueprintId: support.id, versions: [version], models, inputs, repeats: 2, concurrency: null, bypassCache: false });
    const at = new Date(Date.now() - daysAgo * 86_400_000).toISOString();
    const rec: MockRunRecord = {
      id: st.nextId(), spec, requests: mockRequests(spec), cells: new Map(), status: 'finished',
      source, createdAt: at, updatedAt: at, live: null,
    };
    spec.columns.forEach((_, column) =>
      spec.inputs.forEach((_, input) => {
        for (let repeat = 0; repeat < spec.repeats; repeat++) {
          const cell = instantCell(st, rec, { column, input, repeat });
          rec.cells.set(`${column}:${input}:${repeat}`, { ...cell, finishedAt: at });
        }
      }),
    );
    st.runs.push(rec);
  });
}
