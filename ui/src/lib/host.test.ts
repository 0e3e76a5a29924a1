import { describe, expect, expectTypeOf, it } from 'vitest';
import type {
  BlueprintSummary,
  BlueprintsOpenRes,
  Catalog,
  EndpointConfig,
  EndpointTestRes,
  LocalModelsRes,
  RunEvent,
  RunSummary,
  StreamEvent,
  TemplateReport,
  TryRunRes,
  VersionsSaveReq,
  VersionsSaveRes,
} from '../bindings';
import {
  call,
  installHandlers,
  setHost,
  toEngineError,
  type Commands,
  type EventOf,
  type Req,
  type Res,
  type StreamingCommand,
} from './host';
import { createMockHost } from './mock/mockHost';
import { starterContent } from './content';

describe('Commands map', () => {
  it('ties each command to its request and response types', () => {
    expectTypeOf<Req<'versions_save'>>().toEqualTypeOf<VersionsSaveReq>();
    expectTypeOf<Res<'versions_save'>>().toEqualTypeOf<VersionsSaveRes>();
    expectTypeOf<Res<'blueprints_list'>>().toEqualTypeOf<BlueprintSummary[]>();
    expectTypeOf<Res<'blueprints_open'>>().toEqualTypeOf<BlueprintsOpenRes>();
    expectTypeOf<Res<'templates_check'>>().toEqualTypeOf<TemplateReport>();
    expectTypeOf<Res<'blueprints_delete'>>().toEqualTypeOf<null>();
    expectTypeOf<Req<'app_info'>>().toEqualTypeOf<void>();
    expectTypeOf<keyof Commands>().toEqualTypeOf<
      | 'app_info' | 'blueprints_list' | 'blueprints_create' | 'blueprints_rename' | 'blueprints_set_tags'
      | 'blueprints_duplicate' | 'blueprints_delete' | 'blueprints_open' | 'versions_get' | 'versions_save'
      | 'versions_diff' | 'labels_move' | 'drafts_save' | 'drafts_discard' | 'templates_check' | 'templates_render'
      | 'settings_get' | 'settings_save' | 'aws_profiles_list' | 'models_catalog' | 'prices_info'
      | 'tryrun_start' | 'tryrun_cancel'
      | 'local_models_list' | 'local_models_add' | 'local_models_remove'
      | 'endpoints_presets' | 'endpoints_test' | 'endpoints_models'
      | 'runs_plan' | 'runs_start' | 'runs_resume' | 'runs_cancel' | 'runs_list' | 'runs_get'
      | 'runs_delete' | 'runs_export' | 'runs_export_save' | 'runs_diff'
      | 'datasets_list' | 'datasets_get' | 'datasets_create' | 'datasets_update' | 'datasets_delete'
      | 'datasets_save' | 'datasets_import' | 'datasets_export'
      | 'eval_rubrics' | 'eval_summary' | 'eval_scores' | 'eval_report'
      | 'reviews_list' | 'reviews_get' | 'reviews_create' | 'reviews_delete' | 'reviews_session'
      | 'reviews_rate' | 'reviews_unrate' | 'reviews_export_pack' | 'reviews_import_pack'
      | 'reviews_export_ratings' | 'reviews_merge' | 'reviews_results' | 'reviews_export_csv'
      | 'repo_export' | 'repo_import'
    >();
    expectTypeOf<Req<'local_models_list'>>().toEqualTypeOf<void>();
    expectTypeOf<Res<'local_models_add'>>().toEqualTypeOf<LocalModelsRes>();
    expectTypeOf<Req<'endpoints_test'>>().toEqualTypeOf<EndpointConfig>();
    expectTypeOf<Res<'endpoints_test'>>().toEqualTypeOf<EndpointTestRes>();
    expectTypeOf<Res<'endpoints_models'>>().toEqualTypeOf<string[]>();
    // @ts-expect-error a request of the wrong shape does not compile
    void (() => call('blueprints_rename', { id: 'x' }));
    // @ts-expect-error app_info takes no request
    void (() => call('app_info', { search: '' }));
  });

  it('gives a streaming command its event type and a required event receiver', () => {
    expectTypeOf<StreamingCommand>().toEqualTypeOf<'tryrun_start' | 'runs_start' | 'runs_resume'>();
    expectTypeOf<EventOf<'tryrun_start'>>().toEqualTypeOf<StreamEvent>();
    expectTypeOf<EventOf<'runs_start'>>().toEqualTypeOf<RunEvent>();
    expectTypeOf<Res<'runs_list'>>().toEqualTypeOf<RunSummary[]>();
    expectTypeOf<EventOf<'settings_get'>>().toEqualTypeOf<never>();
    expectTypeOf<Res<'tryrun_start'>>().toEqualTypeOf<TryRunRes>();
    expectTypeOf<Res<'models_catalog'>>().toEqualTypeOf<Catalog>();
    expectTypeOf<Req<'settings_get'>>().toEqualTypeOf<void>();
    const req = { runId: 'r', content: starterContent(), values: {} };
    // @ts-expect-error tryrun_start needs the function that receives its events
    void (() => call('tryrun_start', req));
    // @ts-expect-error only streaming commands take an event receiver
    void (() => call('models_catalog', { refresh: false }, () => {}));
    void (() => call('tryrun_start', req, (ev) => expectTypeOf(ev).toEqualTypeOf<StreamEvent>()));
  });
});

describe('call', () => {
  it('answers from installed handlers first', async () => {
    installHandlers({ blueprints_list: ({ search }) => [{ id: '1', name: `found ${search}`, tags: [], createdAt: '', updatedAt: '', latestVersion: 2, prodVersion: null, hasDraft: false }] });
    const list = await call('blueprints_list', { search: 'tea' });
    expect(list.map((b) => b.name)).toEqual(['found tea']);
  });

  it('rejects with an EngineError whatever the handler threw', async () => {
    installHandlers({ blueprints_open: () => { throw 'boom'; } });
    await expect(call('blueprints_open', { id: 'x' })).rejects.toEqual({ code: 'internal', message: 'boom' });
    installHandlers({ blueprints_open: () => { throw { code: 'notFound', message: 'blueprint x not found' }; } });
    await expect(call('blueprints_open', { id: 'x' })).rejects.toEqual({ code: 'notFound', message: 'blueprint x not found' });
  });

  it('normalises unknown rejections', () => {
    expect(toEngineError(new Error('gone'))).toEqual({ code: 'internal', message: 'gone' });
    expect(toEngineError({ code: 'weird', message: 'x' }).code).toBe('internal');
    expect(toEngineError({ code: 'conflict', message: 'taken', extra: 1 })).toEqual({ code: 'conflict', message: 'taken' });
  });
});

describe('mock host', () => {
  it('creates, refuses duplicate names and saves versions like the engine', async () => {
    setHost(createMockHost());
    const a = await call('blueprints_create', { name: '  Greeter ', tags: ['Support'] });
    expect(a).toMatchObject({ name: 'Greeter', tags: ['support'], latestVersion: null, hasDraft: false });
    await expect(call('blueprints_create', { name: 'greeter', tags: [] })).rejects.toEqual({
      code: 'conflict',
      message: 'a blueprint named `greeter` already exists',
    });
    const content = { ...starterContent(), system: 'Hi {{ name }}' };
    const first = await call('versions_save', { id: a.id, content, message: 'one' });
    expect(first).toMatchObject({ created: true, version: { number: 1, message: 'one' } });
    const again = await call('versions_save', { id: a.id, content, message: 'two' });
    expect(again).toMatchObject({ created: false, version: { number: 1 } });
    const bad = { ...content, system: 'Hi {{ name' };
    await expect(call('versions_save', { id: a.id, content: bad, message: '' })).rejects.toMatchObject({ code: 'invalid' });
  });

  it('renders naively and reports missing values with their place', async () => {
    setHost(createMockHost());
    const content = { ...starterContent(), messages: [{ role: 'user' as const, template: 'Hello.\nTell me about {{ topc }} now.' }] };
    const missing = await call('templates_render', { content, values: {} });
    expect(missing.issues).toEqual([
      { place: 'message 1 (user)', kind: 'missingValue', line: 2, column: 18, length: 4, message: 'undefined variable `topc`: give it a value or a default' },
    ]);
    const ok = await call('templates_render', { content, values: { topc: 'tea' } });
    expect(ok.messages).toEqual([{ role: 'user', text: 'Hello.\nTell me about tea now.' }]);
  });
});
