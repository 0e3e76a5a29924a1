//! The TypeScript types in `ui/src/bindings/` are generated from these Rust types and committed.
//! This test fails when they are stale; `UPDATE_BINDINGS=1 cargo test -p galley-engine --test
//! bindings` rewrites them.

use std::collections::BTreeMap;
use std::path::PathBuf;

use galley_engine::core::diff::ChangeStatus;
use galley_engine::core::formats::{ExportFormat, FormatNote};
use galley_engine::core::template::IssueKind;
use galley_engine::core::*;
use galley_engine::providers::{
    BedrockSettings, Catalog, CatalogModel, ChatMessage, ChatOutcome, ChatRequest, GuardrailRef,
    InferenceParams, OpenAiSettings, Price, ProviderError, ProviderErrorCode, StopReason,
    StreamEvent, Usage,
};
use galley_engine::*;
use ts_rs::TS;

macro_rules! bindings {
    ($($t:ty),* $(,)?) => {{
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        $(
            let text = <$t>::export_to_string().expect("type exports");
            out.insert(format!("{}.ts", <$t>::ident()), text);
        )*
        out
    }};
}

fn expected() -> BTreeMap<String, String> {
    let mut files = bindings!(
        // core
        BlueprintContent,
        MessageTemplate,
        ModelSettings,
        GuardrailConfig,
        Role,
        VarType,
        VariableDecl,
        Label,
        TemplateIssue,
        IssueKind,
        TemplateReport,
        RenderedMessage,
        ContentDiff,
        TemplateDiff,
        DiffLine,
        DiffOp,
        DiffSegment,
        FieldChange,
        ChangeStatus,
        // store records
        BlueprintSummary,
        VersionMeta,
        Version,
        LabelState,
        LabelMove,
        Draft,
        // engine
        EngineError,
        ErrorCode,
        BlueprintsListReq,
        BlueprintsCreateReq,
        BlueprintsRenameReq,
        BlueprintsSetTagsReq,
        BlueprintRef,
        BlueprintsOpenRes,
        VersionsGetReq,
        VersionsSaveReq,
        VersionsSaveRes,
        VersionsDiffReq,
        LabelsMoveReq,
        LabelsMoveRes,
        DraftsSaveReq,
        TemplatesCheckReq,
        TemplatesRenderReq,
        TemplatesRenderRes,
        VersionSelector,
        AppInfo,
        AppSettings,
        AwsProfilesRes,
        ModelsCatalogReq,
        PricesInfo,
        TryRunReq,
        TryRunRes,
        TryRunCancelReq,
        LocalConfig,
        LocalModelInfo,
        LocalModelSource,
        LocalModelsRes,
        LocalModelPathReq,
        EndpointConfig,
        EndpointPreset,
        EndpointTestRes,
        EndpointsModelsReq,
        ModelRef,
        RunInput,
        RunColumn,
        RunSpec,
        CellKey,
        RunsStartReq,
        RunEstimate,
        RunPlan,
        CellStatus,
        RunCell,
        RunStatus,
        RunSummary,
        RunDetail,
        RunEvent,
        RunProgress,
        RunRef,
        RunsCancelReq,
        RunsListReq,
        RunsExportReq,
        RunExportFormat,
        ColumnRef,
        RunsDiffReq,
        RunDiffRow,
        RunDiff,
        RunsExportSaveReq,
        RunsConfig,
        RunDataset,
        // datasets
        DatasetSummary,
        DatasetVersionMeta,
        DatasetRef,
        DatasetDetail,
        DatasetsCreateReq,
        DatasetsUpdateReq,
        DatasetsImportReq,
        DatasetsImportRes,
        DatasetsSaveReq,
        DatasetsExportReq,
        dataset::Case,
        dataset::ModelResponse,
        dataset::DatasetContent,
        dataset::DatasetFormat,
        dataset::DatasetIssue,
        dataset::Severity,
        // evaluation
        eval::Evaluator,
        eval::Check,
        eval::JudgeConfig,
        eval::Thresholds,
        eval::EvalIssue,
        eval::Rubric,
        eval::Scale,
        eval::ScaleLabel,
        eval::ThresholdResult,
        stats::Interval,
        CellScore,
        JudgeDetail,
        VariantStats,
        EvaluatorStats,
        CategoryStats,
        Comparison,
        EvalSummary,
        EvalScoresRes,
        EvalReportReq,
        EvalReportFiles,
        // review
        review::ReviewKind,
        review::Method,
        review::Metric,
        review::Choice,
        review::RatingValue,
        review::Rating,
        review::Rater,
        review::Conflict,
        review::ReviewResults,
        review::RaterProgress,
        review::MetricResults,
        review::PairResult,
        review::VariantResult,
        review::RaterResult,
        review::PositionBias,
        review::Agreement,
        review::JudgeAgreement,
        RaterIdentity,
        ReviewsCreateReq,
        ReviewRole,
        ReviewSummary,
        ReviewRef,
        QueueItem,
        ShownRating,
        RatingSession,
        ReviewsRateReq,
        ReviewsUnrateReq,
        ReviewsFileReq,
        ReviewsImportReq,
        ReviewsMergeReq,
        MergeReport,
        // blueprint files
        RepoExportReq,
        FileChange,
        RepoFile,
        RepoExportRes,
        ExportFormat,
        FormatNote,
        RepoState,
        RepoImportReq,
        ImportResolution,
        ImportChoice,
        ConflictSide,
        ImportConflict,
        ImportOutcome,
        RepoDatasetFormat,
        ImportKind,
        RepoImportItem,
        // providers
        OpenAiSettings,
        BedrockSettings,
        Catalog,
        CatalogModel,
        Price,
        ChatOutcome,
        ChatRequest,
        ChatMessage,
        InferenceParams,
        GuardrailRef,
        Usage,
        StopReason,
        StreamEvent,
        ProviderError,
        ProviderErrorCode,
    );
    let index: String = files
        .keys()
        .map(|f| {
            let name = f.trim_end_matches(".ts");
            format!("export type {{ {name} }} from \"./{name}\";\n")
        })
        .collect();
    files.insert("index.ts".into(), index);
    files
}

#[test]
fn every_import_is_generated() {
    let files = expected();
    for (name, text) in &files {
        for line in text.lines().filter(|l| l.starts_with("import type")) {
            let target = line.rsplit("\"./").next().unwrap().trim_end_matches("\";");
            assert!(
                files.contains_key(&format!("{target}.ts")),
                "{name} imports {target}, which is not in the bindings list"
            );
        }
    }
}

#[test]
fn ui_bindings_are_current() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../ui/src/bindings");
    let files = expected();
    if std::env::var_os("UPDATE_BINDINGS").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "ts") {
                std::fs::remove_file(path).unwrap();
            }
        }
        for (name, text) in &files {
            std::fs::write(dir.join(name), text).unwrap();
        }
        return;
    }
    let mut stale = Vec::new();
    for (name, text) in &files {
        match std::fs::read_to_string(dir.join(name)) {
            Ok(on_disk) if &on_disk == text => {}
            Ok(_) => stale.push(format!("{name} differs")),
            Err(_) => stale.push(format!("{name} is missing")),
        }
    }
    for entry in std::fs::read_dir(&dir).expect("ui/src/bindings exists") {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if !files.contains_key(&name) {
            stale.push(format!("{name} is not generated by any Rust type"));
        }
    }
    assert!(
        stale.is_empty(),
        "ui/src/bindings is stale ({}); run `UPDATE_BINDINGS=1 cargo test -p galley-engine --test bindings`",
        stale.join(", ")
    );
}
