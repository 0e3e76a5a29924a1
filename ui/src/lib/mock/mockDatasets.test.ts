import { describe, expect, it } from 'vitest';
import type { EngineError } from '../../bindings';
import { createMockHost } from './mockHost';
import { exportDataset, importDataset } from './mockDatasetFormats';

const fail = async (p: Promise<unknown>): Promise<EngineError> => {
  try {
    await p;
  } catch (e) {
    return e as EngineError;
  }
  throw new Error('expected a rejection');
};

describe('dataset files in the mock host', () => {
  it('reads CSV with quoted commas and line breaks, reserved columns and tags', () => {
    const out = importDataset(
      'question,Expected,category,tags,response:m1\n"Hi, there","Hello\nfriend",greet, a ; b |a ,ok\n\n , ,,,\nBye,,,,\n',
      'csv',
    );
    expect(out).toEqual({
      ok: true,
      content: {
        variables: ['question'],
        cases: [
          { values: { question: 'Hi, there' }, reference: 'Hello\nfriend', category: 'greet', tags: ['a', 'b'], responses: [{ model: 'm1', response: 'ok' }] },
          { values: { question: 'Bye' } },
        ],
      },
      warnings: ['skipped 1 empty row (line 5)'],
    });
  });

  it('names every bad row by its line, and imports nothing', () => {
    const out = importDataset('q,2x,tags\n"a\nb",1,x\nonly one\nok,1,t\n"x","y","z","w"\n', 'csv');
    expect(out).toEqual({
      ok: false,
      error: [
        'the file was not imported: 3 problems',
        'line 1: column "2x": `2x` is not a variable name: use letters, digits and `_`, not starting with a digit',
        'line 4: 1 fields, but the header has 3: quote fields that contain commas or line breaks',
        'line 6: 4 fields, but the header has 3: quote fields that contain commas or line breaks',
      ].join('\n'),
    });
  });

  it('reads Galley and Bedrock JSON Lines, and writes the three formats', () => {
    const galley = importDataset('{"values": {"q": "a", "n": 3}, "tags": ["x"]}\n\n{"vars": {"q": null}, "reference": ""}\n', 'jsonl');
    expect(galley).toEqual({
      ok: true,
      content: { variables: ['q', 'n'], cases: [{ values: { q: 'a', n: '3' }, tags: ['x'] }, { values: {} }] },
      warnings: ['case 2 has no value for `q`: rendering uses the blueprint\'s default', 'case 2 has no value for `n`: rendering uses the blueprint\'s default'],
    });
    const bedrock = importDataset('{"prompt": "2+2?", "referenceResponse": "4", "category": "math"}\n{"prompt": ""}\n{"prompt": "x", "extra": 1}\n', 'bedrock-jsonl');
    expect(bedrock.ok).toBe(false);
    expect(!bedrock.ok && bedrock.error.split('\n')).toEqual([
      'the file was not imported: 2 problems',
      'line 2: column "prompt": `prompt` is empty',
      'line 3: column "extra": unknown key `extra`: a Bedrock dataset line has prompt, referenceResponse, category and modelResponses',
    ]);

    const content = { variables: ['q'], cases: [{ values: { q: 'say "hi", twice' }, reference: 'hi\nhi', category: 'c', tags: ['a', 'b'] }] };
    expect(exportDataset(content, 'csv')).toBe('q,reference,category,tags\n"say ""hi"", twice","hi\nhi",c,a;b\n');
    expect(exportDataset(content, 'jsonl')).toBe('{"values":{"q":"say \\"hi\\", twice"},"reference":"hi\\nhi","category":"c","tags":["a","b"]}\n');
    expect(exportDataset(content, 'bedrock-jsonl')).toBe('{"prompt":"say \\"hi\\", twice","referenceResponse":"hi\\nhi","category":"c"}\n');
    expect(() => exportDataset({ variables: ['a', 'b'], cases: [] }, 'bedrock-jsonl')).toThrow(
      'a Bedrock dataset has one prompt per case, so the dataset needs exactly one variable; it has 2 (`a`, `b`): remove or merge variables first',
    );
  });
});

describe('datasets in the mock host', () => {
  it('versions saves, says unchanged, keeps names unique and runs on a dataset’s cases', async () => {
    const host = createMockHost({ seed: true });
    const [seeded] = await host.call('datasets_list', undefined);
    expect(seeded).toMatchObject({ name: 'Support tickets', latestVersion: 2, cases: 6 });

    const created = await host.call('datasets_create', { name: 'FAQ', description: '' });
    expect(await fail(host.call('datasets_create', { name: ' faq ', description: '' }))).toEqual({ code: 'conflict', message: 'a dataset named `faq` already exists' });
    const content = { variables: ['q'], cases: [{ values: { q: 'hi' } }] };
    expect(await host.call('datasets_save', { id: created.id, content, message: ' first ' })).toMatchObject({ number: 1, cases: 1, message: 'first' });
    expect(await host.call('datasets_save', { id: created.id, content, message: 'again' })).toBeNull();
    expect(await fail(host.call('datasets_save', { id: created.id, content: { variables: ['q', 'q'], cases: [] }, message: '' }))).toEqual({
      code: 'invalid',
      message: 'the cases are not valid: variable `q` is declared twice',
    });

    const bp = host.state.blueprints.find((b) => b.name === 'Support reply')!;
    const req = { blueprintId: bp.id, versions: [3], models: [], inputs: [], dataset: { id: seeded!.id }, repeats: 1, concurrency: null, bypassCache: false };
    const plan = await host.call('runs_plan', req);
    expect(plan.estimate.cells).toBe(6);
    expect(plan.spec.inputs[1]).toEqual({
      name: null,
      values: { message: 'Can I get a refund for the annual plan?\nI only used it for a week.', agent: 'Sam', language: 'French' },
      reference: 'Yes: refunds within 30 days; explain how to ask for it.',
      category: 'billing',
    });
    expect(plan.spec.dataset).toMatchObject({ id: seeded!.id, name: 'Support tickets', version: 2 });
    expect(await fail(host.call('runs_plan', { ...req, dataset: { id: seeded!.id, version: 7 } }))).toEqual({
      code: 'notFound',
      message: 'the dataset `Support tickets` has no version 7',
    });
  });
});
