//! Evaluators: the checks a blueprint version attaches to score each cell of a run.
//!
//! - [`config`]: what a version stores ([`Evaluator`], [`Check`], [`JudgeConfig`]) and its
//!   validation.
//! - [`check`]: deterministic checks of one cell ([`check()`]).
//! - [`rubric`], [`judge`], [`verdict`]: LLM-as-judge rubrics, the judge's prompt, and the
//!   parsing of its answer. The engine calls the judge model; everything else happens here.
//! - [`thresholds`]: the quality gate of a version over a whole run.
//!
//! Every score is normalised to `0..=1`, and higher is better everywhere.

pub mod check;
pub mod config;
pub mod judge;
pub mod rubric;
pub mod thresholds;
pub mod verdict;

pub(crate) mod value;

pub use check::{check, CellFacts, Verdict};
pub use config::{validate, Check, EvalIssue, Evaluator, JudgeConfig, JUDGE_PROVIDERS};
pub use judge::{judge_prompt, resolve_rubric, JudgePrompt};
pub use rubric::{custom_rubric, rubric, rubrics, Rubric, Scale, ScaleLabel, CUSTOM_METRIC};
pub use thresholds::{all_pass, Observed, ThresholdResult, Thresholds};
pub use verdict::{judge_to_verdict, parse_verdict, JudgeParseError, JudgeVerdict};

/// Why an evaluator could not give a verdict. An error is never a pass: the engine records it
/// with the cell and counts the cell as failed.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum EvalError {
    /// A templated value of the check did not render.
    #[error("`{field}` template: {message}")]
    Template {
        field: &'static str,
        message: String,
    },
    /// The check needs a fact about the cell that was not recorded.
    #[error("{check} check needs the cell's {fact}, which is not known")]
    MissingFact {
        check: &'static str,
        fact: &'static str,
    },
    /// The check's configuration cannot be used (bad regex, bad schema, unknown metric...).
    #[error("{0}")]
    Invalid(String),
    /// [`check()`] was given an LLM judge, which only the engine can run.
    #[error("a judge is run by the engine, which calls the judge model; it is not a deterministic check")]
    NeedsJudgeModel,
}

/// The weighted mean of the verdicts' scores, in `0..=1`. Weights that are not positive and
/// finite are skipped (validation rejects them); with no usable weight the result is `0.0`.
pub fn weighted_score(verdicts: &[(f64, &Verdict)]) -> f64 {
    let mut sum = 0.0;
    let mut total = 0.0;
    for (weight, v) in verdicts {
        if weight.is_finite() && *weight > 0.0 && v.score.is_finite() {
            sum += weight * v.score.clamp(0.0, 1.0);
            total += weight;
        }
    }
    if total > 0.0 {
        (sum / total).clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// A cell passes when every evaluator passes. An evaluator that failed with an [`EvalError`]
/// has no verdict: the caller counts the cell as failed. A cell without evaluators passes.
pub fn cell_passes<'a>(verdicts: impl IntoIterator<Item = &'a Verdict>) -> bool {
    verdicts.into_iter().all(|v| v.pass)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(pass: bool, score: f64) -> Verdict {
        Verdict {
            pass,
            score,
            reason: String::new(),
        }
    }

    #[test]
    fn weighted_score_weighs_and_skips_bad_weights() {
        let a = v(true, 1.0);
        let b = v(false, 0.0);
        let c = v(true, 0.5);
        assert_eq!(weighted_score(&[(3.0, &a), (1.0, &b)]), 0.75);
        assert_eq!(weighted_score(&[(1.0, &a), (1.0, &c)]), 0.75);
        assert_eq!(
            weighted_score(&[(2.0, &c), (0.0, &a), (f64::NAN, &a), (-1.0, &a)]),
            0.5
        );
        assert_eq!(weighted_score(&[]), 0.0);
        assert_eq!(weighted_score(&[(0.0, &a)]), 0.0);
    }

    #[test]
    fn a_cell_passes_only_when_every_evaluator_passes() {
        let ok = v(true, 1.0);
        let ko = v(false, 0.0);
        assert!(cell_passes([&ok, &ok]));
        assert!(!cell_passes([&ok, &ko]));
        assert!(cell_passes(std::iter::empty::<&Verdict>()));
    }

    #[test]
    fn no_bigint_crosses_to_the_ui() {
        use ts_rs::TS;
        for decl in [
            Evaluator::decl(),
            Check::decl(),
            JudgeConfig::decl(),
            EvalIssue::decl(),
            Verdict::decl(),
            JudgeVerdict::decl(),
            JudgePrompt::decl(),
            Rubric::decl(),
            Scale::decl(),
            ScaleLabel::decl(),
            Thresholds::decl(),
            Observed::decl(),
            ThresholdResult::decl(),
        ] {
            assert!(!decl.contains("bigint"), "{decl}");
        }
    }

    #[test]
    fn errors_say_what_happened() {
        let e = EvalError::MissingFact {
            check: "cost",
            fact: "cost",
        };
        assert_eq!(
            e.to_string(),
            "cost check needs the cell's cost, which is not known"
        );
        assert!(EvalError::NeedsJudgeModel.to_string().contains("engine"));
    }
}
