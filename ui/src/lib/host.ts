// The one way the UI talks to the engine: typed Tauri commands, or the in-memory mock host when
// the page runs outside Tauri (plain browser, vitest).

import type {
  AppInfo,
  AppSettings,
  AwsProfilesRes,
  BlueprintRef,
  BlueprintSummary,
  BlueprintsCreateReq,
  BlueprintsListReq,
  BlueprintsOpenRes,
  BlueprintsRenameReq,
  BlueprintsSetTagsReq,
  Catalog,
  ContentDiff,
  DatasetDetail,
  DatasetRef,
  DatasetSummary,
  DatasetVersionMeta,
  DatasetsCreateReq,
  DatasetsExportReq,
  DatasetsImportReq,
  DatasetsImportRes,
  DatasetsSaveReq,
  DatasetsUpdateReq,
  DraftsSaveReq,
  EndpointConfig,
  EndpointPreset,
  EndpointTestRes,
  EndpointsModelsReq,
  EngineError,
  ErrorCode,
  EvalReportFiles,
  EvalReportReq,
  EvalScoresRes,
  EvalSummary,
  LabelsMoveReq,
  MergeReport,
  RatingSession,
  RepoExportReq,
  RepoExportRes,
  RepoImportItem,
  RepoImportReq,
  ReviewRef,
  ReviewResults,
  ReviewSummary,
  ReviewsCreateReq,
  ReviewsFileReq,
  ReviewsImportReq,
  ReviewsMergeReq,
  ReviewsRateReq,
  ReviewsUnrateReq,
  ShownRating,
  LabelsMoveRes,
  LocalModelPathReq,
  LocalModelsRes,
  ModelsCatalogReq,
  PricesInfo,
  Rubric,
  RunDetail,
  RunDiff,
  RunEvent,
  RunPlan,
  RunRef,
  RunSummary,
  RunsCancelReq,
  RunsDiffReq,
  RunsExportReq,
  RunsExportSaveReq,
  RunsListReq,
  RunsStartReq,
  StreamEvent,
  TemplateReport,
  TemplatesCheckReq,
  TemplatesRenderReq,
  TemplatesRenderRes,
  TryRunCancelReq,
  TryRunReq,
  TryRunRes,
  Version,
  VersionsDiffReq,
  VersionsGetReq,
  VersionsSaveReq,
  VersionsSaveRes,
} from '../bindings';

/**
 * Every command of the engine: its request (`req`), what it resolves with (`res`) and, for a
 * command that streams, what it reports while it runs (`event`, over a Tauri channel).
 */
export interface Commands {
  app_info: { req: void; res: AppInfo };
  blueprints_list: { req: BlueprintsListReq; res: BlueprintSummary[] };
  blueprints_create: { req: BlueprintsCreateReq; res: BlueprintSummary };
  blueprints_rename: { req: BlueprintsRenameReq; res: BlueprintSummary };
  blueprints_set_tags: { req: BlueprintsSetTagsReq; res: BlueprintSummary };
  blueprints_duplicate: { req: BlueprintRef; res: BlueprintSummary };
  blueprints_delete: { req: BlueprintRef; res: null };
  blueprints_open: { req: BlueprintRef; res: BlueprintsOpenRes };
  versions_get: { req: VersionsGetReq; res: Version };
  versions_save: { req: VersionsSaveReq; res: VersionsSaveRes };
  versions_diff: { req: VersionsDiffReq; res: ContentDiff };
  labels_move: { req: LabelsMoveReq; res: LabelsMoveRes };
  drafts_save: { req: DraftsSaveReq; res: null };
  drafts_discard: { req: BlueprintRef; res: null };
  templates_check: { req: TemplatesCheckReq; res: TemplateReport };
  templates_render: { req: TemplatesRenderReq; res: TemplatesRenderRes };
  settings_get: { req: void; res: AppSettings };
  settings_save: { req: AppSettings; res: AppSettings };
  aws_profiles_list: { req: void; res: AwsProfilesRes };
  models_catalog: { req: ModelsCatalogReq; res: Catalog };
  prices_info: { req: void; res: PricesInfo };
  tryrun_start: { req: TryRunReq; res: TryRunRes; event: StreamEvent };
  tryrun_cancel: { req: TryRunCancelReq; res: boolean };
  local_models_list: { req: void; res: LocalModelsRes };
  local_models_add: { req: LocalModelPathReq; res: LocalModelsRes };
  local_models_remove: { req: LocalModelPathReq; res: LocalModelsRes };
  endpoints_presets: { req: void; res: EndpointPreset[] };
  endpoints_test: { req: EndpointConfig; res: EndpointTestRes };
  endpoints_models: { req: EndpointsModelsReq; res: string[] };
  runs_plan: { req: RunsStartReq; res: RunPlan };
  runs_start: { req: RunsStartReq; res: RunSummary; event: RunEvent };
  runs_resume: { req: RunRef; res: RunSummary; event: RunEvent };
  runs_cancel: { req: RunsCancelReq; res: boolean };
  runs_list: { req: RunsListReq; res: RunSummary[] };
  runs_get: { req: RunRef; res: RunDetail };
  runs_delete: { req: RunRef; res: null };
  runs_export: { req: RunsExportReq; res: string };
  runs_export_save: { req: RunsExportSaveReq; res: string };
  runs_diff: { req: RunsDiffReq; res: RunDiff };
  datasets_list: { req: void; res: DatasetSummary[] };
  datasets_get: { req: DatasetRef; res: DatasetDetail };
  datasets_create: { req: DatasetsCreateReq; res: DatasetSummary };
  datasets_update: { req: DatasetsUpdateReq; res: DatasetSummary };
  datasets_delete: { req: DatasetRef; res: null };
  datasets_save: { req: DatasetsSaveReq; res: DatasetVersionMeta | null };
  datasets_import: { req: DatasetsImportReq; res: DatasetsImportRes };
  datasets_export: { req: DatasetsExportReq; res: string };
  eval_rubrics: { req: void; res: Rubric[] };
  eval_summary: { req: RunRef; res: EvalSummary };
  eval_scores: { req: RunRef; res: EvalScoresRes };
  eval_report: { req: EvalReportReq; res: EvalReportFiles };
  reviews_list: { req: void; res: ReviewSummary[] };
  reviews_get: { req: ReviewRef; res: ReviewSummary };
  reviews_create: { req: ReviewsCreateReq; res: ReviewSummary };
  reviews_delete: { req: ReviewRef; res: null };
  reviews_session: { req: ReviewRef; res: RatingSession };
  reviews_rate: { req: ReviewsRateReq; res: ShownRating };
  reviews_unrate: { req: ReviewsUnrateReq; res: boolean };
  reviews_export_pack: { req: ReviewsFileReq; res: string };
  reviews_import_pack: { req: ReviewsImportReq; res: ReviewSummary };
  reviews_export_ratings: { req: ReviewsFileReq; res: number };
  reviews_merge: { req: ReviewsMergeReq; res: MergeReport };
  reviews_results: { req: ReviewRef; res: ReviewResults };
  reviews_export_csv: { req: ReviewsFileReq; res: string };
  repo_export: { req: RepoExportReq; res: RepoExportRes };
  repo_import: { req: RepoImportReq; res: RepoImportItem[] };
}

export type Command = keyof Commands;
export type Req<C extends Command> = Commands[C]['req'];
export type Res<C extends Command> = Commands[C]['res'];
/** What a streaming command reports while it runs; `never` for the others. */
export type EventOf<C extends Command> = Commands[C] extends { event: infer E } ? E : never;
/** The commands that stream events. */
export type StreamingCommand = { [C in Command]: [EventOf<C>] extends [never] ? never : C }[Command];
/** Receives a streaming command's events, in order. */
export type Emit<C extends Command> = (event: EventOf<C>) => void;

/**
 * The arguments of `call` after the command name: none for commands without a request, the
 * request, and for a streaming command also the function that receives its events.
 */
export type ReqArgs<C extends Command> = Req<C> extends void
  ? []
  : [EventOf<C>] extends [never]
    ? [req: Req<C>]
    : [req: Req<C>, onEvent: Emit<C>];

/** Something that answers commands: Tauri, the mock host, or a test's own. */
export interface Host {
  call<C extends Command>(cmd: C, req: Req<C>, onEvent?: Emit<C>): Promise<Res<C>>;
}

/**
 * Handlers a test installs over the mock host, one per command it cares about. A streaming
 * command's handler gets `emit` to report events before it resolves.
 */
export type Handlers = { [C in Command]?: (req: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>> };

const ERROR_CODES: readonly ErrorCode[] = ['notFound', 'conflict', 'invalid', 'database', 'internal'];

export function isEngineError(e: unknown): e is EngineError {
  if (typeof e !== 'object' || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o.message === 'string' && ERROR_CODES.includes(o.code as ErrorCode);
}

/** Whatever a command rejected with, as an `EngineError` the UI can branch on and show. */
export function toEngineError(e: unknown): EngineError {
  if (isEngineError(e)) return { code: e.code, message: e.message };
  if (typeof e === 'string') return { code: 'internal', message: e };
  if (e instanceof Error) return { code: 'internal', message: e.message };
  return { code: 'internal', message: 'unexpected error from the engine' };
}

export function engineError(code: ErrorCode, message: string): EngineError {
  return { code, message };
}

/** True inside the Tauri webview. */
export function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

const tauriHost: Host = {
  async call<C extends Command>(cmd: C, req: Req<C>, onEvent?: Emit<C>): Promise<Res<C>> {
    const { invoke, Channel } = await import('@tauri-apps/api/core');
    const args: Record<string, unknown> = {};
    if (req !== undefined) args.req = req;
    if (onEvent) {
      // The command's `on_event: Channel<…>` argument; messages arrive in order.
      args.onEvent = new Channel<EventOf<C>>(onEvent);
    }
    return invoke<Res<C>>(cmd, args);
  },
};

const ignore = (): void => {};

let host: Host | null = null;
let installed: Handlers = {};

async function currentHost(): Promise<Host> {
  if (host) return host;
  if (inTauri()) {
    host = tauriHost;
  } else {
    const { createMockHost } = await import('./mock/mockHost');
    const demo = import.meta.env.MODE !== 'test';
    host = createMockHost({ seed: demo, seedRuns: demo });
  }
  return host;
}

/**
 * Calls an engine command. Resolves with its response; rejects with an `EngineError`
 * (`{ code, message }`) whatever went wrong. A streaming command takes a third argument that
 * receives its events while it runs: `call('tryrun_start', req, (ev) => …)`.
 */
export async function call<C extends Command>(cmd: C, ...args: ReqArgs<C>): Promise<Res<C>> {
  const [req, onEvent] = args as unknown as [Req<C>, Emit<C> | undefined];
  try {
    const handler = installed[cmd] as ((r: Req<C>, emit: Emit<C>) => Res<C> | Promise<Res<C>>) | undefined;
    if (handler) return await handler(req, onEvent ?? ignore);
    return await (await currentHost()).call(cmd, req, onEvent);
  } catch (e) {
    throw toEngineError(e);
  }
}

/** Replaces the host (tests, or a fresh mock). `null` goes back to choosing by environment. */
export function setHost(next: Host | null): void {
  host = next;
}

/** Answers the given commands with the test's handlers; the others still go to the host. */
export function installHandlers(handlers: Handlers): void {
  installed = { ...installed, ...handlers };
}

export function clearHandlers(): void {
  installed = {};
}
