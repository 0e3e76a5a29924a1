//! The Galley desktop app. Nothing here holds logic: every command is a one-line adapter over a
//! `galley_engine::Engine` method, so the app, the CLI and the tests share one code path.

#![cfg_attr(not(debug_assertions), windows_subsystem = "windows")]

mod commands;

use galley_engine::{default_data_dir, Engine, EngineError};

/// The engine, or why it could not open (a database from a newer Galley, an unusable data
/// folder). In the latter case every command returns that error and the UI shows it.
pub struct AppState(Result<Engine, EngineError>);

impl AppState {
    pub fn engine(&self) -> Result<&Engine, EngineError> {
        self.0.as_ref().map_err(Clone::clone)
    }
}

fn main() {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GALLEY_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info")),
        )
        .init();
    let data_dir = default_data_dir();
    let engine = tauri::async_runtime::block_on(Engine::open(&data_dir));
    match &engine {
        Ok(_) => tracing::info!(data_dir = %data_dir.display(), "Galley started"),
        Err(e) => tracing::error!(error = %e, "cannot open the data folder"),
    }
    tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .manage(AppState(engine))
        .invoke_handler(tauri::generate_handler![
            commands::app_info,
            commands::blueprints_list,
            commands::blueprints_create,
            commands::blueprints_rename,
            commands::blueprints_set_tags,
            commands::blueprints_duplicate,
            commands::blueprints_delete,
            commands::blueprints_open,
            commands::versions_get,
            commands::versions_save,
            commands::versions_diff,
            commands::labels_move,
            commands::drafts_save,
            commands::drafts_discard,
            commands::templates_check,
            commands::templates_render,
            commands::settings_get,
            commands::settings_save,
            commands::aws_profiles_list,
            commands::models_catalog,
            commands::prices_info,
            commands::tryrun_start,
            commands::tryrun_cancel,
            commands::local_models_list,
            commands::local_models_add,
            commands::local_models_remove,
            commands::endpoints_presets,
            commands::endpoints_test,
            commands::endpoints_models,
            commands::runs_plan,
            commands::runs_start,
            commands::runs_resume,
            commands::runs_cancel,
            commands::runs_list,
            commands::runs_get,
            commands::runs_delete,
            commands::runs_export,
            commands::runs_export_save,
            commands::runs_diff,
            commands::datasets_list,
            commands::datasets_get,
            commands::datasets_create,
            commands::datasets_update,
            commands::datasets_delete,
            commands::datasets_save,
            commands::datasets_import,
            commands::datasets_export,
            commands::reviews_list,
            commands::reviews_get,
            commands::reviews_create,
            commands::reviews_delete,
            commands::reviews_session,
            commands::reviews_rate,
            commands::reviews_unrate,
            commands::reviews_export_pack,
            commands::reviews_import_pack,
            commands::reviews_export_ratings,
            commands::reviews_merge,
            commands::reviews_results,
            commands::reviews_export_csv,
            commands::repo_export,
            commands::repo_import,
            commands::eval_rubrics,
            commands::eval_summary,
            commands::eval_scores,
            commands::eval_report,
        ])
        .run(tauri::generate_context!())
        .unwrap_or_else(|e| {
            eprintln!("error: Galley could not start its window: {e}");
            std::process::exit(1);
        });
}
