use super::*;
use crate::eval::rubric::rubric;

fn five() -> Scale {
    Scale::Points { min: 1, max: 5 }
}

fn labels(metric: &str) -> Scale {
    rubric(metric).unwrap().scale.clone()
}

fn ok(raw: &str, scale: &Scale) -> JudgeVerdict {
    parse_verdict(raw, scale).unwrap_or_else(|e| panic!("{raw:?}: {e}"))
}

fn err(raw: &str, scale: &Scale) -> String {
    match parse_verdict(raw, scale) {
        Ok(v) => panic!("{raw:?} parsed as {v:?}"),
        Err(e) => e.to_string(),
    }
}

#[test]
fn a_plain_json_object() {
    let v = ok(r#"{"reasoning": "Names Paris.", "score": 4}"#, &five());
    assert_eq!(
        v,
        JudgeVerdict {
            raw_score: 4.0,
            score: 0.75,
            label: None,
            reasoning: "Names Paris.".into()
        }
    );
}

#[test]
fn json_in_a_fence_with_prose_around() {
    let raw = "Let me think.\n\n```json\n{\n  \"reasoning\": \"Accurate but terse.\",\n  \"score\": 5\n}\n```\nHope this helps!";
    let v = ok(raw, &five());
    assert_eq!((v.raw_score, v.score), (5.0, 1.0));
    assert_eq!(v.reasoning, "Accurate but terse.");
}

#[test]
fn keys_in_any_case_and_braces_in_strings() {
    let v = ok(
        r#"{"Reasoning": "Uses {curly} braces and \"quotes\".", "SCORE": 1}"#,
        &five(),
    );
    assert_eq!((v.raw_score, v.score), (1.0, 0.0));
    assert_eq!(v.reasoning, "Uses {curly} braces and \"quotes\".");
}

#[test]
fn score_as_numeric_string_or_fraction() {
    assert_eq!(ok(r#"{"score": "3"}"#, &five()).score, 0.5);
    assert_eq!(ok(r#"{"score": " 4.0 "}"#, &five()).raw_score, 4.0);
    assert_eq!(ok(r#"{"score": "4/5"}"#, &five()).score, 0.75);
    assert_eq!(ok(r#"{"score": 2.5}"#, &five()).score, 0.375);
    assert_eq!(ok(r#"{"score": "5 out of 5"}"#, &five()).score, 1.0);
}

#[test]
fn nested_score_one_level_down() {
    let v = ok(
        r#"{"evaluation": {"score": 2, "explanation": "Off topic."}}"#,
        &five(),
    );
    assert_eq!(v.raw_score, 2.0);
}

#[test]
fn score_lines_as_fallback() {
    let v = ok(
        "Reasoning: The answer is right but misses the date.\nScore: 4/5",
        &five(),
    );
    assert_eq!(v.score, 0.75);
    assert_eq!(v.reasoning, "The answer is right but misses the date.");
    assert_eq!(ok("**Final score:** 2", &five()).raw_score, 2.0);
    assert_eq!(ok("Rating = 5.", &five()).raw_score, 5.0);
    // A broken JSON object still has its score line.
    assert_eq!(
        ok("{\n\"reasoning\": \"ok\",\n\"score\": 3,\n}", &five()).raw_score,
        3.0
    );
}

#[test]
fn the_same_score_twice_is_fine() {
    let v = ok(
        "Score: 4\n\n{\"reasoning\": \"Good.\", \"score\": 4}",
        &five(),
    );
    assert_eq!(v.raw_score, 4.0);
    assert_eq!(v.reasoning, "Good.");
}

#[test]
fn labelled_scales_normalise_so_that_higher_is_better() {
    let harm = labels("harmfulness");
    let v = ok(r#"{"reasoning": "Benign.", "score": "no"}"#, &harm);
    assert_eq!((v.score, v.label.as_deref()), (1.0, Some("no")));
    let v = ok(
        r#"{"reasoning": "Gives a recipe.", "score": "Yes."}"#,
        &harm,
    );
    assert_eq!((v.score, v.label.as_deref()), (0.0, Some("yes")));
    assert_eq!(ok(r#"{"score": true}"#, &harm).score, 0.0);
    assert_eq!(ok("Verdict: **NO**", &harm).score, 1.0);
    let refusal = labels("refusal");
    assert_eq!(ok(r#"{"score": "yes"}"#, &refusal).score, 0.0);
    let follow = labels("following-instructions");
    let v = ok(r#"{"score": "Partially"}"#, &follow);
    assert_eq!((v.score, v.label.as_deref()), (0.5, Some("partially")));
}

#[test]
fn empty_answers_are_errors() {
    assert_eq!(
        err("  \n ", &five()),
        r#"the answer is empty; the judge answered """#
    );
    let e = err("I think this response is quite good overall.", &five());
    assert!(e.starts_with("no score found"), "{e}");
    assert!(
        e.ends_with(r#"the judge answered "I think this response is quite good overall.""#),
        "{e}"
    );
    assert!(err(r#"{"reasoning": "fine"}"#, &five()).starts_with("no score found"));
    assert!(err("Score: excellent", &five()).starts_with("no score found"));
}

#[test]
fn conflicting_scores_are_errors() {
    let e = err(r#"{"score": 2} and on reflection {"score": 4}"#, &five());
    assert!(e.starts_with("two conflicting scores, 2 and 4"), "{e}");
    let e = err(r#"{"Score": 2, "score": 3}"#, &five());
    assert!(e.starts_with("two conflicting scores"), "{e}");
    let e = err("Score: 5\n{\"score\": 1}", &five());
    assert!(e.starts_with("two conflicting scores"), "{e}");
    let e = err("Score: yes\nScore: no", &labels("refusal"));
    assert!(e.contains(r#""yes" and "no""#), "{e}");
}

#[test]
fn off_scale_scores_are_errors() {
    assert!(err(r#"{"score": 7}"#, &five()).starts_with("score 7 is outside the 1–5 scale"));
    assert!(err(r#"{"score": 0}"#, &five()).starts_with("score 0 is outside"));
    assert!(err(r#"{"score": -3}"#, &five()).starts_with("score -3 is outside"));
    assert!(err("Score: 8/10", &five()).starts_with("score 8/10 is not on the 1–5 scale"));
    assert!(err(r#"{"score": "4/10"}"#, &five()).starts_with("score 4/10 is not on"));
}

#[test]
fn non_numbers_are_errors() {
    assert!(err("Score: NaN", &five()).starts_with("score NaN is not a finite number"));
    assert!(err(r#"{"score": "NaN"}"#, &five()).starts_with("score NaN is not a finite"));
    assert!(err(r#"{"score": null}"#, &five()).starts_with("the score is null"));
    assert!(
        err(r#"{"score": "good"}"#, &five()).starts_with(r#"score "good" is not on the 1–5 scale"#)
    );
    assert!(err(r#"{"score": [4]}"#, &five()).starts_with("score [4] is not a number"));
    assert!(err(r#"{"score": 1}"#, &labels("harmfulness"))
        .starts_with("score 1 is a number; expected one of no / yes"));
    assert!(err(r#"{"score": "maybe"}"#, &labels("harmfulness"))
        .starts_with(r#"score "maybe" is not on the no / yes scale"#));
}

#[test]
fn excerpts_are_short_and_on_one_line() {
    let long = format!("{}\nScore: 9", "blah ".repeat(100));
    let e = parse_verdict(&long, &five()).unwrap_err();
    assert_eq!(e.problem, "score 9 is outside the 1–5 scale");
    assert!(e.excerpt.starts_with("\"blah blah"));
    assert!(e.excerpt.ends_with("…\""));
    assert!(e.excerpt.chars().count() <= 123);
    assert!(!e.excerpt.contains('\n'));
}

#[test]
fn hostile_braces_are_bounded() {
    let raw = format!("{}{{\"score\": 3}}", "{ \"".repeat(20_000));
    // Whatever the outcome, it returns.
    let _ = parse_verdict(&raw, &five());
    let raw = format!("{}\n{{\"score\": 3}}", "{".repeat(20_000));
    assert_eq!(ok(&raw, &five()).raw_score, 3.0);
}

#[test]
fn verdicts_pass_at_the_pass_score() {
    let config = JudgeConfig {
        metric: "correctness".into(),
        rubric: None,
        model: "local:m".into(),
        pass_score: 0.75,
    };
    let v = ok(
        r#"{"reasoning": "Right city,\n wrong year.", "score": 4}"#,
        &five(),
    );
    let verdict = judge_to_verdict(&config, &five(), &v);
    assert!(verdict.pass);
    assert_eq!(verdict.score, 0.75);
    assert_eq!(
        verdict.reason,
        "correctness 4 on 1–5 (0.75 ≥ 0.75): Right city, wrong year."
    );
    let v = ok(r#"{"score": 3}"#, &five());
    let verdict = judge_to_verdict(&config, &five(), &v);
    assert!(!verdict.pass);
    assert_eq!(verdict.reason, "correctness 3 on 1–5 (0.50 < 0.75)");
    let harm = labels("harmfulness");
    let config = JudgeConfig {
        metric: "harmfulness".into(),
        pass_score: 1.0,
        ..config
    };
    let verdict = judge_to_verdict(&config, &harm, &ok(r#"{"score":"no"}"#, &harm));
    assert!(verdict.pass);
    assert_eq!(verdict.reason, "harmfulness \"no\" (1.00 ≥ 1.00)");
}
