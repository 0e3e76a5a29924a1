//! `galley`: the command line over the same engine and data folder as the desktop app.

mod args;
mod eval;
mod eval_repo;
mod output;
mod repo;
mod review;
mod run;

use std::process::ExitCode;

use clap::Parser;
use galley_engine::{default_data_dir, Engine, EngineError};

use crate::args::{BlueprintsCmd, Cli, Cmd, DatasetsCmd, RunsCmd};

/// Exit code when a run finished with failed cells, or an evaluation's threshold failed.
const EXIT_FAILED: u8 = 1;

/// Exit codes: 0 success, 1 a check failed (failed cells, a threshold), 2 an error.
const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("GALLEY_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .init();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build();
    let runtime = match runtime {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start: {e}");
            return ExitCode::from(EXIT_ERROR);
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(EXIT_FAILED),
        Err(e) => {
            eprintln!("error: {}", e.message);
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// `Ok(false)`: the command ran, but what it checked failed (a run with failed cells).
async fn run(cli: Cli) -> Result<bool, EngineError> {
    let data_dir = cli.data_dir.clone().unwrap_or_else(default_data_dir);
    let engine = Engine::open(&data_dir).await?;
    let result = match cli.cmd {
        Cmd::Blueprints {
            cmd: BlueprintsCmd::List { search, json },
        } => {
            let list = engine
                .blueprints_list(galley_engine::BlueprintsListReq {
                    search: search.unwrap_or_default(),
                })
                .await?;
            output::blueprint_list(&list, json);
            Ok(true)
        }
        Cmd::Blueprints {
            cmd: BlueprintsCmd::Show { name, select, json },
        } => {
            let version = engine.versions_resolve(&name, &select.selector()?).await?;
            let bp = engine
                .blueprints_list(galley_engine::BlueprintsListReq {
                    search: String::new(),
                })
                .await?
                .into_iter()
                .find(|b| b.name.eq_ignore_ascii_case(name.trim()));
            let labels = match &bp {
                Some(b) => {
                    engine
                        .blueprints_open(galley_engine::BlueprintRef { id: b.id.clone() })
                        .await?
                        .labels
                }
                None => Vec::new(),
            };
            output::version(
                bp.as_ref().map_or(name.as_str(), |b| b.name.as_str()),
                &version,
                &labels,
                json,
            );
            Ok(true)
        }
        Cmd::Render {
            name,
            select,
            vars,
            json,
        } => {
            let version = engine.versions_resolve(&name, &select.selector()?).await?;
            let values = args::parse_vars(&vars)?;
            let res = engine.templates_render(galley_engine::TemplatesRenderReq {
                content: version.content,
                values,
            });
            if !res.issues.is_empty() {
                let lines: Vec<String> = res.issues.iter().map(|i| format!("  {i}")).collect();
                return Err(EngineError::invalid(format!(
                    "cannot render `{name}` v{}:\n{}",
                    version.meta.number,
                    lines.join("\n")
                )));
            }
            output::messages(&res.messages, json);
            Ok(true)
        }
        Cmd::Run(r) => {
            let args = run::RunArgs {
                blueprint: r.blueprint,
                versions: r.versions,
                label: r.label,
                models: r.models,
                vars: args::parse_vars(&r.vars)?,
                inputs_file: r.inputs,
                repeats: r.repeats,
                concurrency: r.concurrency,
                no_cache: r.no_cache,
                max_cost: r.max_cost,
                json: r.json,
            };
            run::run(&engine, args).await
        }
        Cmd::Runs { cmd } => match cmd {
            RunsCmd::List {
                blueprint,
                search,
                model,
                json,
            } => {
                let blueprint_id = match blueprint {
                    Some(name) => Some(engine.blueprint_by_name(&name).await?.id),
                    None => None,
                };
                let req = galley_engine::RunsListReq {
                    blueprint_id,
                    text: search,
                    model,
                    ..Default::default()
                };
                run::list(&engine, req, json).await.map(|()| true)
            }
            RunsCmd::Resume { run_id, json } => run::resume(&engine, &run_id, json).await,
            RunsCmd::Export { run_id, format } => {
                run::export(&engine, &run_id, &format).await.map(|()| true)
            }
        },
        Cmd::Eval(e) => {
            let args = eval::EvalArgs {
                path: e.path,
                versions: e.versions,
                label: e.label,
                models: e.models,
                dataset: e.dataset,
                repeats: e.repeats,
                concurrency: e.concurrency,
                no_cache: e.no_cache,
                junit: e.junit,
                json_report: e.report_json,
                markdown: e.markdown,
                json: e.json,
            };
            eval::eval(&engine, args).await
        }
        Cmd::Datasets { cmd } => match cmd {
            DatasetsCmd::List { json } => eval::datasets_list(&engine, json).await.map(|()| true),
            DatasetsCmd::Import {
                file,
                name,
                into,
                format,
            } => eval::datasets_import(&engine, &file, name, into, format)
                .await
                .map(|()| true),
            DatasetsCmd::Export {
                name,
                version,
                format,
            } => eval::datasets_export(&engine, &name, version, &format)
                .await
                .map(|()| true),
        },
        Cmd::Reviews { cmd } => review::run(&engine, cmd).await,
        Cmd::Export {
            to,
            format,
            label,
            datasets,
            datasets_format,
            workflow,
            commit,
            branch,
            init,
            dry_run,
        } => {
            let opts = repo::ExportOpts {
                format,
                label,
                datasets: datasets || datasets_format.is_some(),
                datasets_format,
                workflow,
                commit,
                branch,
                init,
                dry_run,
            };
            repo::export(&engine, &to, opts).await
        }
        Cmd::Import {
            path,
            dry_run,
            resolve,
        } => repo::import(&engine, &path, dry_run, &resolve).await,
    };
    engine.close().await;
    result
}
