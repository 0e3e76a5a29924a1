//! Tauri commands: one line each over the engine. Each takes one argument, `req`.

use galley_engine::core::{ContentDiff, TemplateReport};
use galley_engine::providers::{Catalog, StreamEvent};
use galley_engine::*;
use tauri::ipc::Channel;
use tauri::State;

use crate::AppState;

type Res<T> = Result<T, EngineError>;

#[tauri::command]
pub async fn app_info(s: State<'_, AppState>) -> Res<AppInfo> {
    Ok(s.engine()?.app_info())
}

#[tauri::command]
pub async fn blueprints_list(
    s: State<'_, AppState>,
    req: BlueprintsListReq,
) -> Res<Vec<BlueprintSummary>> {
    s.engine()?.blueprints_list(req).await
}

#[tauri::command]
pub async fn blueprints_create(
    s: State<'_, AppState>,
    req: BlueprintsCreateReq,
) -> Res<BlueprintSummary> {
    s.engine()?.blueprints_create(req).await
}

#[tauri::command]
pub async fn blueprints_rename(
    s: State<'_, AppState>,
    req: BlueprintsRenameReq,
) -> Res<BlueprintSummary> {
    s.engine()?.blueprints_rename(req).await
}

#[tauri::command]
pub async fn blueprints_set_tags(
    s: State<'_, AppState>,
    req: BlueprintsSetTagsReq,
) -> Res<BlueprintSummary> {
    s.engine()?.blueprints_set_tags(req).await
}

#[tauri::command]
pub async fn blueprints_duplicate(
    s: State<'_, AppState>,
    req: BlueprintRef,
) -> Res<BlueprintSummary> {
    s.engine()?.blueprints_duplicate(req).await
}

#[tauri::command]
pub async fn blueprints_delete(s: State<'_, AppState>, req: BlueprintRef) -> Res<()> {
    s.engine()?.blueprints_delete(req).await
}

#[tauri::command]
pub async fn blueprints_open(s: State<'_, AppState>, req: BlueprintRef) -> Res<BlueprintsOpenRes> {
    s.engine()?.blueprints_open(req).await
}

#[tauri::command]
pub async fn versions_get(s: State<'_, AppState>, req: VersionsGetReq) -> Res<Version> {
    s.engine()?.versions_get(req).await
}

#[tauri::command]
pub async fn versions_save(s: State<'_, AppState>, req: VersionsSaveReq) -> Res<VersionsSaveRes> {
    s.engine()?.versions_save(req).await
}

#[tauri::command]
pub async fn versions_diff(s: State<'_, AppState>, req: VersionsDiffReq) -> Res<ContentDiff> {
    s.engine()?.versions_diff(req).await
}

#[tauri::command]
pub async fn labels_move(s: State<'_, AppState>, req: LabelsMoveReq) -> Res<LabelsMoveRes> {
    s.engine()?.labels_move(req).await
}

#[tauri::command]
pub async fn drafts_save(s: State<'_, AppState>, req: DraftsSaveReq) -> Res<()> {
    s.engine()?.drafts_save(req).await
}

#[tauri::command]
pub async fn drafts_discard(s: State<'_, AppState>, req: BlueprintRef) -> Res<()> {
    s.engine()?.drafts_discard(req).await
}

#[tauri::command]
pub async fn templates_check(
    s: State<'_, AppState>,
    req: TemplatesCheckReq,
) -> Res<TemplateReport> {
    Ok(s.engine()?.templates_check(req))
}

#[tauri::command]
pub async fn templates_render(
    s: State<'_, AppState>,
    req: TemplatesRenderReq,
) -> Res<TemplatesRenderRes> {
    Ok(s.engine()?.templates_render(req))
}

#[tauri::command]
pub async fn settings_get(s: State<'_, AppState>) -> Res<AppSettings> {
    s.engine()?.settings_get().await
}

#[tauri::command]
pub async fn settings_save(s: State<'_, AppState>, req: AppSettings) -> Res<AppSettings> {
    s.engine()?.settings_save(req).await
}

#[tauri::command]
pub async fn aws_profiles_list(s: State<'_, AppState>) -> Res<AwsProfilesRes> {
    s.engine()?.aws_profiles_list()
}

#[tauri::command]
pub async fn models_catalog(s: State<'_, AppState>, req: ModelsCatalogReq) -> Res<Catalog> {
    s.engine()?.models_catalog(req).await
}

#[tauri::command]
pub async fn prices_info(s: State<'_, AppState>) -> Res<PricesInfo> {
    s.engine()?.prices_info()
}

/// Streams the answer's events through the per-call channel; returns the outcome.
#[tauri::command]
pub async fn tryrun_start(
    s: State<'_, AppState>,
    req: TryRunReq,
    on_event: Channel<StreamEvent>,
) -> Res<TryRunRes> {
    s.engine()?
        .tryrun_start(req, &mut |e| drop(on_event.send(e)))
        .await
}

#[tauri::command]
pub async fn tryrun_cancel(s: State<'_, AppState>, req: TryRunCancelReq) -> Res<bool> {
    Ok(s.engine()?.tryrun_cancel(req).await)
}

#[tauri::command]
pub async fn local_models_list(s: State<'_, AppState>) -> Res<LocalModelsRes> {
    s.engine()?.local_models_list().await
}

#[tauri::command]
pub async fn local_models_add(
    s: State<'_, AppState>,
    req: LocalModelPathReq,
) -> Res<LocalModelsRes> {
    s.engine()?.local_models_add(req).await
}

#[tauri::command]
pub async fn local_models_remove(
    s: State<'_, AppState>,
    req: LocalModelPathReq,
) -> Res<LocalModelsRes> {
    s.engine()?.local_models_remove(req).await
}

#[tauri::command]
pub async fn endpoints_presets(s: State<'_, AppState>) -> Res<Vec<EndpointPreset>> {
    Ok(s.engine()?.endpoints_presets())
}

#[tauri::command]
pub async fn endpoints_test(s: State<'_, AppState>, req: EndpointConfig) -> Res<EndpointTestRes> {
    s.engine()?.endpoints_test(req).await
}

#[tauri::command]
pub async fn endpoints_models(s: State<'_, AppState>, req: EndpointsModelsReq) -> Res<Vec<String>> {
    s.engine()?.endpoints_models(req).await
}

#[tauri::command]
pub async fn runs_plan(s: State<'_, AppState>, req: RunsStartReq) -> Res<RunPlan> {
    s.engine()?.runs_plan(req).await
}

#[tauri::command]
pub async fn runs_start(
    s: State<'_, AppState>,
    req: RunsStartReq,
    on_event: Channel<RunEvent>,
) -> Res<RunSummary> {
    let sink: RunSink = std::sync::Arc::new(move |e| drop(on_event.send(e)));
    s.engine()?.runs_start(req, "app", sink).await
}

#[tauri::command]
pub async fn runs_resume(
    s: State<'_, AppState>,
    req: RunRef,
    on_event: Channel<RunEvent>,
) -> Res<RunSummary> {
    let sink: RunSink = std::sync::Arc::new(move |e| drop(on_event.send(e)));
    s.engine()?.runs_resume(req, sink).await
}

#[tauri::command]
pub async fn runs_cancel(s: State<'_, AppState>, req: RunsCancelReq) -> Res<bool> {
    Ok(s.engine()?.runs_cancel(req).await)
}

#[tauri::command]
pub async fn runs_list(s: State<'_, AppState>, req: RunsListReq) -> Res<Vec<RunSummary>> {
    s.engine()?.runs_list(req).await
}

#[tauri::command]
pub async fn runs_get(s: State<'_, AppState>, req: RunRef) -> Res<RunDetail> {
    s.engine()?.runs_get(req).await
}

#[tauri::command]
pub async fn runs_delete(s: State<'_, AppState>, req: RunRef) -> Res<()> {
    s.engine()?.runs_delete(req).await
}

#[tauri::command]
pub async fn runs_export(s: State<'_, AppState>, req: RunsExportReq) -> Res<String> {
    s.engine()?.runs_export(req).await
}

#[tauri::command]
pub async fn runs_export_save(s: State<'_, AppState>, req: RunsExportSaveReq) -> Res<String> {
    s.engine()?.runs_export_save(req).await
}

#[tauri::command]
pub async fn runs_diff(s: State<'_, AppState>, req: RunsDiffReq) -> Res<RunDiff> {
    s.engine()?.runs_diff(req).await
}

#[tauri::command]
pub async fn datasets_list(s: State<'_, AppState>) -> Res<Vec<DatasetSummary>> {
    s.engine()?.datasets_list().await
}

#[tauri::command]
pub async fn datasets_get(s: State<'_, AppState>, req: DatasetRef) -> Res<DatasetDetail> {
    s.engine()?.datasets_get(req).await
}

#[tauri::command]
pub async fn datasets_create(
    s: State<'_, AppState>,
    req: DatasetsCreateReq,
) -> Res<DatasetSummary> {
    s.engine()?.datasets_create(req).await
}

#[tauri::command]
pub async fn datasets_update(
    s: State<'_, AppState>,
    req: DatasetsUpdateReq,
) -> Res<DatasetSummary> {
    s.engine()?.datasets_update(req).await
}

#[tauri::command]
pub async fn datasets_delete(s: State<'_, AppState>, req: DatasetRef) -> Res<()> {
    s.engine()?.datasets_delete(req).await
}

#[tauri::command]
pub async fn datasets_save(
    s: State<'_, AppState>,
    req: DatasetsSaveReq,
) -> Res<Option<DatasetVersionMeta>> {
    s.engine()?.datasets_save(req).await
}

#[tauri::command]
pub async fn datasets_import(
    s: State<'_, AppState>,
    req: DatasetsImportReq,
) -> Res<DatasetsImportRes> {
    s.engine()?.datasets_import(req).await
}

#[tauri::command]
pub async fn datasets_export(s: State<'_, AppState>, req: DatasetsExportReq) -> Res<String> {
    s.engine()?.datasets_export(req).await
}

#[tauri::command]
pub async fn eval_rubrics(s: State<'_, AppState>) -> Res<Vec<galley_engine::core::eval::Rubric>> {
    Ok(s.engine()?.eval_rubrics())
}

#[tauri::command]
pub async fn eval_summary(s: State<'_, AppState>, req: RunRef) -> Res<EvalSummary> {
    s.engine()?.eval_summary(req).await
}

#[tauri::command]
pub async fn eval_scores(s: State<'_, AppState>, req: RunRef) -> Res<EvalScoresRes> {
    s.engine()?.eval_scores(req).await
}

#[tauri::command]
pub async fn eval_report(s: State<'_, AppState>, req: EvalReportReq) -> Res<EvalReportFiles> {
    s.engine()?.eval_report(req).await
}

#[tauri::command]
pub async fn reviews_list(s: State<'_, AppState>) -> Res<Vec<ReviewSummary>> {
    s.engine()?.reviews_list().await
}

#[tauri::command]
pub async fn reviews_get(s: State<'_, AppState>, req: ReviewRef) -> Res<ReviewSummary> {
    s.engine()?.reviews_get(req).await
}

#[tauri::command]
pub async fn reviews_create(s: State<'_, AppState>, req: ReviewsCreateReq) -> Res<ReviewSummary> {
    s.engine()?.reviews_create(req).await
}

#[tauri::command]
pub async fn reviews_delete(s: State<'_, AppState>, req: ReviewRef) -> Res<()> {
    s.engine()?.reviews_delete(req).await
}

#[tauri::command]
pub async fn reviews_session(s: State<'_, AppState>, req: ReviewRef) -> Res<RatingSession> {
    s.engine()?.reviews_session(req).await
}

#[tauri::command]
pub async fn reviews_rate(s: State<'_, AppState>, req: ReviewsRateReq) -> Res<ShownRating> {
    s.engine()?.reviews_rate(req).await
}

#[tauri::command]
pub async fn reviews_unrate(s: State<'_, AppState>, req: ReviewsUnrateReq) -> Res<bool> {
    s.engine()?.reviews_unrate(req).await
}

#[tauri::command]
pub async fn reviews_export_pack(s: State<'_, AppState>, req: ReviewsFileReq) -> Res<String> {
    s.engine()?.reviews_export_pack(req).await
}

#[tauri::command]
pub async fn reviews_import_pack(
    s: State<'_, AppState>,
    req: ReviewsImportReq,
) -> Res<ReviewSummary> {
    s.engine()?.reviews_import_pack(req).await
}

#[tauri::command]
pub async fn reviews_export_ratings(s: State<'_, AppState>, req: ReviewsFileReq) -> Res<u32> {
    s.engine()?.reviews_export_ratings(req).await
}

#[tauri::command]
pub async fn reviews_merge(s: State<'_, AppState>, req: ReviewsMergeReq) -> Res<MergeReport> {
    s.engine()?.reviews_merge(req).await
}

#[tauri::command]
pub async fn reviews_results(
    s: State<'_, AppState>,
    req: ReviewRef,
) -> Res<galley_engine::core::review::ReviewResults> {
    s.engine()?.reviews_results(req).await
}

#[tauri::command]
pub async fn reviews_export_csv(s: State<'_, AppState>, req: ReviewsFileReq) -> Res<String> {
    s.engine()?.reviews_export_csv(req).await
}

#[tauri::command]
pub async fn repo_export(s: State<'_, AppState>, req: RepoExportReq) -> Res<RepoExportRes> {
    s.engine()?.repo_export(req).await
}

#[tauri::command]
pub async fn repo_import(s: State<'_, AppState>, req: RepoImportReq) -> Res<Vec<RepoImportItem>> {
    s.engine()?.repo_import(req).await
}
