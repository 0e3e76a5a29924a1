//! Template commands behind the editor's live markers and preview.

use galley_core::template::{analyze, render};
use galley_core::TemplateReport;
use tracing::instrument;

use crate::dto::*;
use crate::Engine;

impl Engine {
    /// Syntax problems and the variables in use, for the editor's markers and variables panel.
    #[instrument(skip_all)]
    pub fn templates_check(&self, req: TemplatesCheckReq) -> TemplateReport {
        analyze(&req.content)
    }

    /// The rendered messages, or every problem that prevents rendering (not an error: the
    /// preview shows them).
    #[instrument(skip_all)]
    pub fn templates_render(&self, req: TemplatesRenderReq) -> TemplatesRenderRes {
        match render(&req.content, &req.values) {
            Ok(messages) => TemplatesRenderRes {
                messages,
                issues: Vec::new(),
            },
            Err(issues) => TemplatesRenderRes {
                messages: Vec::new(),
                issues,
            },
        }
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            version: env!("CARGO_PKG_VERSION").to_string(),
            data_dir: self.data_dir.display().to_string(),
            author: self.author.clone(),
        }
    }
}
