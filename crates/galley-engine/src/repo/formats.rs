//! Export in a neighbouring tool's format (`galley_core::formats`): one file per blueprint
//! holding the version at the export's label (else the latest), tests from the dataset of the
//! blueprint's name, and the model's endpoint resolved from the settings (its URL and the name
//! of its key variable, never a key).
//!
//! ```text
//! prompts/<slug>.prompt.yml               GitHub Models
//! prompts/<slug>.prompty                  Prompty
//! promptfoo/<slug>/promptfooconfig.yaml   promptfoo
//! bedrock/<slug>.json                     Bedrock Prompt Management CreatePrompt request
//! ```

use galley_core::bpfile::BlueprintFile;
use galley_core::dataset::Case;
use galley_core::formats::{self, ExportFormat, ExportInput, ForeignFile, NamedEndpoint};
use galley_core::Label;
use galley_store::DatasetSummary;

use super::{slug, RepoExportReq};
use crate::{Engine, EngineError};

/// What every blueprint of one foreign export shares: the endpoints and the datasets.
pub(super) struct ForeignExport {
    format: ExportFormat,
    label: Option<Label>,
    endpoints: Vec<NamedEndpoint>,
    datasets: Vec<DatasetSummary>,
}

impl Engine {
    /// The OpenAI-compatible endpoints of the settings: names, URLs and key variable names.
    pub(super) async fn named_endpoints(&self) -> Result<Vec<NamedEndpoint>, EngineError> {
        Ok(self
            .settings_get()
            .await?
            .endpoints
            .into_iter()
            .map(|e| NamedEndpoint {
                name: e.name,
                base_url: e.settings.base_url,
                api_key_env: e.settings.api_key_env,
            })
            .collect())
    }

    /// Prepares a foreign export; `None` for the galley format. Refuses what only the galley
    /// format can do (the workflow evaluates `.galley.yaml` files).
    pub(super) async fn foreign_export(
        &self,
        req: &RepoExportReq,
    ) -> Result<Option<ForeignExport>, EngineError> {
        if req.format == ExportFormat::Galley {
            return Ok(None);
        }
        if req.workflow {
            return Err(EngineError::invalid(format!(
                "the CI workflow runs `galley eval` on .galley.yaml files: export with the galley \
                 format to add it, not {}",
                req.format
            )));
        }
        let endpoints = self.named_endpoints().await?;
        Ok(Some(ForeignExport {
            format: req.format,
            label: req.label,
            endpoints,
            datasets: self.store.datasets_list().await?,
        }))
    }

    /// One blueprint's file in the foreign format, written under `stem`.
    pub(super) async fn foreign_file(
        &self,
        export: &ForeignExport,
        file: &BlueprintFile,
        stem: &str,
    ) -> Result<ForeignFile, EngineError> {
        let number = export
            .label
            .and_then(|l| file.labels.get(&l).copied())
            .or_else(|| file.versions.iter().map(|v| v.number).max());
        let version = file
            .versions
            .iter()
            .find(|v| Some(v.number) == number)
            .ok_or_else(|| {
                EngineError::invalid(format!("`{}` has no version to export", file.name))
            })?;
        let cases = self.cases_for(export, &file.name).await?;
        let input = ExportInput {
            name: &file.name,
            slug: stem,
            content: &version.content,
            cases: &cases,
            endpoints: &export.endpoints,
        };
        Ok(formats::export(export.format, &input).expect("a foreign format"))
    }

    /// The cases of the dataset whose name has the blueprint's slug (the convention of the CI
    /// workflow: `blueprints/NAME.galley.yaml` with `datasets/NAME.csv`), latest version.
    async fn cases_for(
        &self,
        export: &ForeignExport,
        blueprint: &str,
    ) -> Result<Vec<Case>, EngineError> {
        let wanted = slug(blueprint);
        let Some(d) = export
            .datasets
            .iter()
            .find(|d| d.latest_version.is_some() && slug(&d.name) == wanted)
        else {
            return Ok(Vec::new());
        };
        let (_, _, content) = self.dataset_content(&d.id, None).await?;
        Ok(content.cases)
    }
}
