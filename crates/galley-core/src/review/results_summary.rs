//! The few sentences a product owner reads first: who wins, by how much, how sure, whether raters
//! agree, lean to one side, and agree with the LLM judge.

use super::config::Method;
use super::results::{MetricResults, PairResult, ReviewResults, VariantResult};
use crate::stats::Interval;

/// At most this many sentences.
const MAX_SENTENCES: usize = 5;

/// 2–5 sentences (one, "No ratings yet.", for a review without ratings): a headline per rated
/// metric (as many as fit), then, for the first rated metric, how well raters agreed, then
/// position bias and agreement with the LLM judge where they were measured.
///
/// A pair has a winner only when its interval excludes ½ *and* the sign test gives p < 0.05:
/// with a handful of unanimous items the bootstrap interval shrinks to a point, which alone
/// would overstate certainty. The agreement figure is ordinal alpha (nominal for thumbs, where
/// the two are the same).
pub(super) fn summary(results: &ReviewResults, confidence: f64) -> Vec<String> {
    let rated: Vec<&MetricResults> = results.metrics.iter().filter(|m| m.ratings > 0).collect();
    let Some(primary) = rated.first() else {
        return vec!["No ratings yet.".to_string()];
    };
    let named = rated.len() > 1;
    let mut extras = vec![agreement_sentence(primary, named)];
    if let Some(m) = rated.iter().find(|m| m.position_bias.is_some()) {
        extras.push(position_sentence(m, named));
    }
    if let Some(m) = rated
        .iter()
        .find(|m| m.judge.as_ref().is_some_and(|j| j.items > 0))
    {
        extras.push(judge_sentence(m, named));
    }
    let room = MAX_SENTENCES - extras.len();
    let ci = confidence_label(confidence);
    let mut out: Vec<String> = rated
        .iter()
        .filter_map(|m| headline(m, &ci))
        .take(room)
        .collect();
    out.extend(extras);
    out
}

/// "95%" for 0.95, "97.5%" for 0.975.
fn confidence_label(confidence: f64) -> String {
    let c = (confidence * 1000.0).round() / 10.0;
    if c.fract() == 0.0 {
        format!("{c:.0}%")
    } else {
        format!("{c}%")
    }
}

/// A share as a whole percentage, without the sign: 0.625 → "63".
fn pct(share: f64) -> String {
    format!("{}", (share * 100.0).round() as i64)
}

fn one_decimal(v: f64) -> String {
    format!("{v:.1}")
}

fn p_text(p: f64) -> String {
    if p < 0.001 {
        "p < 0.001".to_string()
    } else if p < 0.01 {
        format!("p = {p:.3}")
    } else {
        let text = format!("{p:.2}");
        if text == "1.00" {
            "p = 1".to_string()
        } else {
            format!("p = {text}")
        }
    }
}

fn count(n: u32, one: &str, many: &str) -> String {
    match n {
        0 => format!("no {many}"),
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    }
}

fn headline(m: &MetricResults, ci: &str) -> Option<String> {
    let name = &m.metric.name;
    match m.metric.method {
        Method::Choice | Method::ComparisonLikert => {
            // The pair most items compared (the first of equals).
            let pair = m.pairs.iter().rev().max_by_key(|p| p.items)?;
            Some(pair_sentence(name, pair, ci))
        }
        Method::Likert => scores_list(&m.variants, ci, false, one_decimal, "")
            .map(|list| format!("On {name} (Likert 1–5), mean scores: {list}.")),
        Method::Thumbs => scores_list(&m.variants, ci, false, pct, "%")
            .map(|list| format!("On {name}, share of thumbs up: {list}.")),
        Method::Rank => scores_list(&m.variants, ci, true, one_decimal, "")
            .map(|list| format!("On {name}, mean ranks (1 = best): {list}.")),
    }
}

fn pair_sentence(metric: &str, pair: &PairResult, ci: &str) -> String {
    let r = &pair.first_win_rate;
    let (winner, loser, share, low, high) = if r.estimate >= 0.5 {
        (&pair.first, &pair.second, r.estimate, r.low, r.high)
    } else {
        (
            &pair.second,
            &pair.first,
            1.0 - r.estimate,
            1.0 - r.high,
            1.0 - r.low,
        )
    };
    let items = count(pair.items, "item", "items");
    let ties = count(pair.ties, "tie", "ties");
    let interval = format!("{ci} CI {}–{}%", pct(low), pct(high));
    let p = pair
        .p_value
        .map_or("no item had a preference".to_string(), p_text);
    let clear = (r.low > 0.5 || r.high < 0.5) && pair.p_value.is_some_and(|p| p < 0.05);
    if clear {
        format!(
            "«{winner}» beats «{loser}» on {metric}: wins {}% of {items} ({interval}), {ties}, {p}.",
            pct(share)
        )
    } else {
        format!(
            "No clear winner on {metric}: «{winner}» wins {}% of {items} against «{loser}» \
             ({interval}), {ties}, {p}.",
            pct(share)
        )
    }
}

/// "«v2» 4.1 (95% CI 3.8–4.4), «v1» 3.6 (3.2–3.9)": the variants with a mean, best first.
fn scores_list(
    variants: &[VariantResult],
    ci: &str,
    lower_is_better: bool,
    number: impl Fn(f64) -> String,
    unit: &str,
) -> Option<String> {
    let mut scored: Vec<(&str, &Interval)> = variants
        .iter()
        .filter_map(|v| v.mean.as_ref().map(|m| (v.variant.as_str(), m)))
        .collect();
    if scored.is_empty() {
        return None;
    }
    scored.sort_by(|a, b| {
        let order = b.1.estimate.total_cmp(&a.1.estimate);
        if lower_is_better {
            order.reverse()
        } else {
            order
        }
    });
    let parts: Vec<String> = scored
        .iter()
        .enumerate()
        .map(|(i, (variant, m))| {
            let bounds = format!("{}–{}{unit}", number(m.low), number(m.high));
            let bounds = if i == 0 {
                format!("{ci} CI {bounds}")
            } else {
                bounds
            };
            format!("«{variant}» {}{unit} ({bounds})", number(m.estimate))
        })
        .collect();
    Some(parts.join(", "))
}

fn alpha_words(alpha: f64) -> &'static str {
    if alpha < 0.0 {
        "less than chance"
    } else if alpha < 0.2 {
        "poorly"
    } else if alpha < 0.4 {
        "fairly"
    } else if alpha < 0.6 {
        "moderately"
    } else if alpha < 0.8 {
        "substantially"
    } else {
        "almost perfectly"
    }
}

fn agreement_sentence(m: &MetricResults, named: bool) -> String {
    let a = &m.agreement;
    let on = if named {
        format!(" on {}", m.metric.name)
    } else {
        String::new()
    };
    if a.raters < 2 {
        return format!("Only one rater so far{on}: agreement between raters needs two or more.");
    }
    let alpha = match m.metric.method {
        Method::Thumbs => a.alpha_nominal,
        _ => a.alpha_ordinal.or(a.alpha_nominal),
    };
    match alpha {
        Some(alpha) => format!(
            "Raters agreed {}{on} (Krippendorff's α = {alpha:.2}, {} raters).",
            alpha_words(alpha),
            a.raters
        ),
        None => format!(
            "Agreement between the {} raters{on} cannot be measured yet: {}.",
            a.raters,
            a.note
                .as_deref()
                .unwrap_or("too few items rated by two of them")
        ),
    }
}

fn position_sentence(m: &MetricResults, named: bool) -> String {
    let b = m
        .position_bias
        .as_ref()
        .expect("chosen for its position bias");
    let lead = if named {
        format!("On {}, answers", m.metric.name)
    } else {
        "Answers".to_string()
    };
    let verdict = if b.p_value >= 0.05 {
        "no sign of position bias"
    } else if b.share > 0.5 {
        "raters favour the left side"
    } else {
        "raters favour the right side"
    };
    format!(
        "{lead} shown on the left won {}% of {} ({}): {verdict}.",
        pct(b.share),
        count(b.decisive, "decisive rating", "decisive ratings"),
        p_text(b.p_value)
    )
}

fn judge_sentence(m: &MetricResults, named: bool) -> String {
    let j = m.judge.as_ref().expect("chosen for its judge agreement");
    let lead = if named {
        format!("On {}, the LLM judge", m.metric.name)
    } else {
        "The LLM judge".to_string()
    };
    format!(
        "{lead} agreed with the raters on {} of {} ({}%).",
        j.agree,
        count(j.items, "item", "items"),
        pct(j.rate)
    )
}
