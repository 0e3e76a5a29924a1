//! Declares the app's commands so each gets an `allow-<command>` permission; the capability in
//! `capabilities/default.json` grants exactly the ones the UI uses.

const COMMANDS: &[&str] = &[
    "app_info",
    "blueprints_list",
    "blueprints_create",
    "blueprints_rename",
    "blueprints_set_tags",
    "blueprints_duplicate",
    "blueprints_delete",
    "blueprints_open",
    "versions_get",
    "versions_save",
    "versions_diff",
    "labels_move",
    "drafts_save",
    "drafts_discard",
    "templates_check",
    "templates_render",
    "settings_get",
    "settings_save",
    "aws_profiles_list",
    "models_catalog",
    "prices_info",
    "tryrun_start",
    "tryrun_cancel",
    "local_models_list",
    "local_models_add",
    "local_models_remove",
    "endpoints_presets",
    "endpoints_test",
    "endpoints_models",
    "runs_plan",
    "runs_start",
    "runs_resume",
    "runs_cancel",
    "runs_list",
    "runs_get",
    "runs_delete",
    "runs_export",
    "runs_export_save",
    "runs_diff",
    "datasets_list",
    "datasets_get",
    "datasets_create",
    "datasets_update",
    "datasets_delete",
    "datasets_save",
    "datasets_import",
    "datasets_export",
    "eval_rubrics",
    "eval_summary",
    "eval_scores",
    "eval_report",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build script");
}
