//! `galley_core::review::results` and `ratings_csv` on small reviews whose figures are worked
//! out by hand in the comments. Statistics that are not hand-checkable (bootstrap intervals,
//! alpha on a mixed matrix) are compared with the `stats` functions called on the data as the
//! test lays it out, which checks the wiring: which items, which codes, which orientation.

use galley_core::review::{
    ratings_csv, results, Choice, ItemSource, JudgeScore, Method, Metric, Pack, PackItem, Rater,
    RaterRating, Rating, RatingValue, ResultsInput, ReviewKind, ReviewResults,
};
use galley_core::stats::{
    binomial_two_sided_p, bootstrap_mean, cohen_kappa, fleiss_kappa, krippendorff_alpha, Bootstrap,
    Level, Ratings,
};

fn opts() -> Bootstrap {
    Bootstrap {
        resamples: 2000,
        seed: 11,
        ..Bootstrap::default()
    }
}

fn close(got: f64, want: f64) {
    assert!((got - want).abs() < 1e-12, "got {got}, want {want}");
}

fn metric(name: &str, method: Method) -> Metric {
    Metric {
        name: name.into(),
        instructions: String::new(),
        method,
    }
}

fn pack(kind: ReviewKind, metrics: Vec<Metric>, items: usize, answers: usize) -> Pack {
    Pack::new(
        "01REVIEW".into(),
        "Replies".into(),
        String::new(),
        kind,
        metrics,
        (1..=items)
            .map(|i| PackItem {
                id: format!("item-{i:03}"),
                prompt: format!("question {i}"),
                answers: (0..answers).map(|a| format!("answer {a} of {i}")).collect(),
            })
            .collect(),
        "2026-11-27T10:00:00Z".into(),
    )
    .expect("valid pack")
}

fn sources(columns: &[&[u32]]) -> Vec<ItemSource> {
    columns
        .iter()
        .enumerate()
        .map(|(i, c)| ItemSource {
            item: format!("item-{:03}", i + 1),
            input: i as u32,
            repeat: 0,
            columns: c.to_vec(),
        })
        .collect()
}

fn rater(name: &str, email: &str) -> Rater {
    Rater {
        name: name.into(),
        email: email.into(),
    }
}

fn rated(who: &Rater, item: usize, metric: &str, value: RatingValue, shown: &[u32]) -> RaterRating {
    RaterRating {
        rater: who.clone(),
        rating: Rating {
            item: format!("item-{item:03}"),
            metric: metric.into(),
            value,
            shown: shown.to_vec(),
            comment: String::new(),
            rated_at: "2026-11-28T09:00:00Z".into(),
        },
    }
}

const VARIANTS: [&str; 2] = ["v1 · claude", "v2 · claude"];

/// The pairwise review: 6 items, variant v1 is run column 0 and v2 column 1. Items 1, 3, 5 show
/// v1 as the pack's answer 0, items 2, 4, 6 as answer 1 (`swap` reverses that for every item).
/// Winners per item for Ada, Ben, Cleo ('1' = v1, '2' = v2, 'T' = tie):
///
/// | item | Ada | Ben | Cleo | v1's score (win 1, tie ½) |
/// |------|-----|-----|------|---------------------------|
/// | 1    | 2   | 2   | 2    | 0                         |
/// | 2    | 2   | 2   | T    | 1/6                       |
/// | 3    | 2   | 1   | 2    | 1/3                       |
/// | 4    | 1   | 1   | 2    | 2/3                       |
/// | 5    | T   | T   | 2    | 1/3                       |
/// | 6    | 2   | 2   | 2    | 0                         |
///
/// Ada saw the pack's answer 0 on the left everywhere, Ben answer 1, Cleo answer 0 on odd items
/// and answer 1 on even ones (`flip_shown` swaps every side).
const WINNERS: [&str; 6] = ["222", "22T", "212", "112", "TT2", "222"];

struct Review {
    pack: Pack,
    sources: Vec<ItemSource>,
    variants: Vec<String>,
    ratings: Vec<RaterRating>,
    judge: Vec<JudgeScore>,
}

impl Review {
    fn input(&self) -> ResultsInput<'_> {
        ResultsInput {
            pack: &self.pack,
            sources: &self.sources,
            variants: &self.variants,
            ratings: &self.ratings,
            judge: &self.judge,
            bootstrap: opts(),
        }
    }

    fn results(&self) -> ReviewResults {
        results(&self.input())
    }
}

fn raters() -> [Rater; 3] {
    [
        rater("Ada", "ada@example.com"),
        rater("Ben", "ben@example.com"),
        rater("Cleo", "cleo@example.com"),
    ]
}

fn pairwise(winners: &[&str; 6], swap: bool, flip_shown: bool) -> Review {
    let columns: Vec<Vec<u32>> = (0..6)
        .map(|i| {
            if (i % 2 == 0) != swap {
                vec![0, 1]
            } else {
                vec![1, 0]
            }
        })
        .collect();
    let [ada, ben, cleo] = raters();
    // Ben's email is written in two ways: still one rater.
    let ben_upper = rater("Ben", "Ben@Example.COM");
    let mut ratings = Vec::new();
    for (i, row) in winners.iter().enumerate() {
        let c = &columns[i];
        for (r, winner) in row.chars().enumerate() {
            let choice = match winner {
                'T' => Choice::Tie,
                w => {
                    let variant = if w == '1' { 0 } else { 1 };
                    if c[0] == variant {
                        Choice::First
                    } else {
                        Choice::Second
                    }
                }
            };
            let left_first = match r {
                0 => true,
                1 => false,
                _ => i % 2 == 0,
            } != flip_shown;
            let shown: &[u32] = if left_first { &[0, 1] } else { &[1, 0] };
            let who = match r {
                0 => &ada,
                1 if i % 2 == 1 => &ben_upper,
                1 => &ben,
                _ => &cleo,
            };
            ratings.push(rated(
                who,
                i + 1,
                "overall",
                RatingValue::Choice(choice),
                shown,
            ));
        }
    }
    // Judge scores per item as (v1's answer, v2's answer); item 6 has v2's only.
    let by_variant: [(Option<f64>, Option<f64>); 6] = [
        (Some(0.2), Some(0.9)),
        (Some(0.3), Some(0.8)),
        (Some(0.9), Some(0.1)),
        (Some(0.5), Some(0.5)),
        (Some(0.1), Some(0.6)),
        (None, Some(0.7)),
    ];
    let mut judge = Vec::new();
    for (i, scores) in by_variant.iter().enumerate() {
        for (variant, score) in [(0u32, scores.0), (1, scores.1)] {
            if let Some(score) = score {
                judge.push(JudgeScore {
                    item: format!("item-{:03}", i + 1),
                    answer: columns[i].iter().position(|&c| c == variant).unwrap() as u32,
                    score,
                });
            }
        }
    }
    let column_refs: Vec<&[u32]> = columns.iter().map(|c| c.as_slice()).collect();
    Review {
        pack: pack(
            ReviewKind::Pairwise,
            vec![metric("overall", Method::Choice)],
            6,
            2,
        ),
        sources: sources(&column_refs),
        variants: VARIANTS.iter().map(|v| v.to_string()).collect(),
        ratings,
        judge,
    }
}

/// Item scores of v1 from the table above.
fn v1_scores() -> Vec<f64> {
    vec![0.0, 0.5 / 3.0, 1.0 / 3.0, 2.0 / 3.0, 1.0 / 3.0, 0.0]
}

/// Choice codes by variant (v1 preferred 0, tie 1, v2 preferred 2), items × (Ada, Ben, Cleo),
/// read straight off the table: the pack's answer order does not matter.
fn choice_codes() -> Ratings {
    let rows = [
        [2, 2, 2],
        [2, 2, 1],
        [2, 0, 2],
        [0, 0, 2],
        [1, 1, 2],
        [2, 2, 2],
    ];
    Ratings {
        units: rows
            .iter()
            .map(|r| r.iter().map(|&c| Some(c)).collect())
            .collect(),
    }
}

#[test]
fn pairwise_counts_rates_and_sign_test() {
    let res = pairwise(&WINNERS, false, false).results();
    assert_eq!((res.items, res.ratings), (6, 18));
    let names: Vec<(&str, u32, u32)> = res
        .raters
        .iter()
        .map(|p| (p.rater.name.as_str(), p.rated_items, p.ratings))
        .collect();
    assert_eq!(names, vec![("Ada", 6, 6), ("Ben", 6, 6), ("Cleo", 6, 6)]);

    let m = &res.metrics[0];
    assert_eq!((m.rated_items, m.ratings), (6, 18));
    assert!(m.variants.is_empty());
    assert_eq!(m.pairs.len(), 1);
    let pair = &m.pairs[0];
    assert_eq!(
        (pair.first.as_str(), pair.second.as_str()),
        (VARIANTS[0], VARIANTS[1])
    );
    // v1 wins: Ben on 3, Ada and Ben on 4 = 3; ties: Cleo on 2, Ada and Ben on 5 = 3.
    assert_eq!((pair.items, pair.ratings), (6, 18));
    assert_eq!((pair.first_wins, pair.second_wins, pair.ties), (3, 12, 3));
    close(pair.tie_rate, 3.0 / 18.0);
    // Mean of 0, 1/6, 1/3, 2/3, 1/3, 0 = 1.5 / 6.
    close(pair.first_win_rate.estimate, 0.25);
    assert_eq!(
        pair.first_win_rate,
        bootstrap_mean(&v1_scores(), &opts()).unwrap()
    );
    // Sign test: v1 ahead on item 4 only, behind on the other five: 2·(1 + 6)/64.
    close(pair.p_value.unwrap(), 14.0 / 64.0);
}

#[test]
fn position_bias_and_per_rater_figures() {
    let m = &pairwise(&WINNERS, false, false).results().metrics[0];
    // Decisive ratings that went to the left answer: Ada items 2 and 6 (v2 = answer 0); Ben
    // items 1 and 4 (answer 1 on the left); Cleo none. 4 of 15.
    let bias = m.position_bias.as_ref().unwrap();
    assert_eq!((bias.decisive, bias.shown_first_wins), (15, 4));
    close(bias.share, 4.0 / 15.0);
    // 2·P(X ≤ 4) for X ~ Bin(15, ½) = 2·(1 + 15 + 105 + 455 + 1365)/32768.
    close(bias.p_value, 3882.0 / 32768.0);
    close(bias.p_value, binomial_two_sided_p(4, 15, 0.5));

    let per: Vec<_> = m.per_rater.iter().map(|r| r.rater.name.as_str()).collect();
    assert_eq!(per, ["Ada", "Ben", "Cleo"]);
    let [ada, ben, cleo] = [&m.per_rater[0], &m.per_rater[1], &m.per_rater[2]];
    assert_eq!((ada.ratings, ada.ties, ada.mean), (6, 1, None));
    close(ada.first_win_share.unwrap(), 1.5 / 6.0);
    close(ada.shown_first_share.unwrap(), 2.0 / 5.0);
    close(ben.first_win_share.unwrap(), 2.5 / 6.0);
    close(ben.shown_first_share.unwrap(), 2.0 / 5.0);
    close(cleo.first_win_share.unwrap(), 0.5 / 6.0);
    assert_eq!(cleo.shown_first_share, Some(0.0));
    assert_eq!(cleo.ties, 1);
}

#[test]
fn agreement_uses_canonical_codes() {
    let a = &pairwise(&WINNERS, false, false).results().metrics[0].agreement;
    let codes = choice_codes();
    assert_eq!((a.raters, a.units), (3, 6));
    assert_eq!(
        a.alpha_nominal,
        krippendorff_alpha(&codes, Level::Nominal).ok()
    );
    assert_eq!(
        a.alpha_ordinal,
        krippendorff_alpha(&codes, Level::Ordinal).ok()
    );
    assert_eq!(a.fleiss_kappa, fleiss_kappa(&codes).ok());
    assert!(a.alpha_nominal.is_some() && a.fleiss_kappa.is_some());
    assert_eq!(a.cohen_kappa, None, "three raters");
    assert_eq!(a.note, None);
}

#[test]
fn unanimous_raters_agree_perfectly() {
    // Every rater gives the same verdict, over all three categories.
    let winners = ["111", "222", "TTT", "111", "222", "111"];
    let a = &pairwise(&winners, false, false).results().metrics[0].agreement;
    assert_eq!(a.alpha_nominal, Some(1.0));
    assert_eq!(a.alpha_ordinal, Some(1.0));
    assert_eq!(a.fleiss_kappa, Some(1.0));
}

#[test]
fn sides_and_answer_order_do_not_change_canonical_results() {
    let base = pairwise(&WINNERS, false, false).results();
    let flipped = pairwise(&WINNERS, false, true).results();
    let swapped = pairwise(&WINNERS, true, false).results();
    let (b, f, s) = (&base.metrics[0], &flipped.metrics[0], &swapped.metrics[0]);
    assert_eq!(b.pairs, f.pairs);
    assert_eq!(b.pairs, s.pairs);
    assert_eq!(b.agreement, f.agreement);
    // Swapping every item's answers swaps codes 0 and 2 everywhere: the same agreement.
    assert_eq!(b.agreement.alpha_nominal, s.agreement.alpha_nominal);
    assert_eq!(b.agreement.fleiss_kappa, s.agreement.fleiss_kappa);
    close(
        b.agreement.alpha_ordinal.unwrap(),
        s.agreement.alpha_ordinal.unwrap(),
    );
    assert_eq!(b.judge, s.judge);
    // Flipping the sides turns the 4 left wins of 15 into 11.
    assert_eq!(f.position_bias.as_ref().unwrap().shown_first_wins, 11);
    for (x, y) in b.per_rater.iter().zip(&f.per_rater) {
        assert_eq!(x.first_win_share, y.first_win_share);
        close(
            x.shown_first_share.unwrap(),
            1.0 - y.shown_first_share.unwrap(),
        );
    }
}

#[test]
fn judge_agreement_on_pairs() {
    let j = pairwise(&WINNERS, false, false).results().metrics[0]
        .judge
        .clone()
        .unwrap();
    // By variant, raters: items 1–3 and 5 v2, item 4 v1. The judge (pack answers mapped to
    // variants: odd items put v1 first): item 1 v2 (agrees), item 2 v2 (agrees), item 3 v1,
    // item 4 tie, item 5 v2 (agrees); item 6 has one score only and is left out.
    assert_eq!((j.items, j.agree), (5, 3));
    close(j.rate, 0.6);
    // Codes raters [2,2,2,0,2], judge [2,2,0,1,2]: p_o = 3/5, p_e = (4·3 + 1·1)/25 = 13/25.
    close(j.kappa.unwrap(), (0.6 - 0.52) / (1.0 - 0.52));
    assert_eq!(
        j.kappa,
        cohen_kappa(&[2, 2, 2, 0, 2], &[2, 2, 0, 1, 2]).ok()
    );
}

#[test]
fn summary_of_a_pairwise_review() {
    let res = pairwise(&WINNERS, false, false).results();
    let rate = bootstrap_mean(&v1_scores(), &opts()).unwrap();
    // v2 wins 75%; its interval is v1's mirrored.
    let low = ((1.0 - rate.high) * 100.0).round();
    let high = ((1.0 - rate.low) * 100.0).round();
    let alpha = krippendorff_alpha(&choice_codes(), Level::Ordinal).unwrap();
    assert_eq!(res.summary.len(), 4, "{:#?}", res.summary);
    assert_eq!(
        res.summary[0],
        format!(
            "No clear winner on overall: «v2 · claude» wins 75% of 6 items against «v1 · claude» \
             (95% CI {low}–{high}%), 3 ties, p = 0.22."
        )
    );
    assert!(
        res.summary[1].starts_with("Raters agreed "),
        "{}",
        res.summary[1]
    );
    assert!(
        res.summary[1].ends_with(&format!("(Krippendorff's α = {alpha:.2}, 3 raters).")),
        "{}",
        res.summary[1]
    );
    assert_eq!(
        res.summary[2],
        "Answers shown on the left won 27% of 15 decisive ratings (p = 0.12): no sign of \
         position bias."
    );
    assert_eq!(
        res.summary[3],
        "The LLM judge agreed with the raters on 3 of 5 items (60%)."
    );
}

#[test]
fn a_clear_winner_with_one_rater() {
    let mut review = pairwise(&["222"; 6], false, false);
    review.ratings.retain(|r| r.rater.name == "Ada");
    review.judge.clear();
    let res = review.results();
    let m = &res.metrics[0];
    assert_eq!(m.pairs[0].second_wins, 6);
    // Six of six items: 2/64.
    close(m.pairs[0].p_value.unwrap(), 2.0 / 64.0);
    assert_eq!(
        m.agreement.note.as_deref(),
        Some("one rater so far: agreement needs two or more")
    );
    assert_eq!(
        (
            m.agreement.alpha_nominal,
            m.agreement.cohen_kappa,
            m.agreement.fleiss_kappa
        ),
        (None, None, None)
    );
    assert_eq!(m.judge, None);
    assert_eq!(
        res.summary,
        vec![
            "«v2 · claude» beats «v1 · claude» on overall: wins 100% of 6 items (95% CI \
             100–100%), no ties, p = 0.03."
                .to_string(),
            "Only one rater so far: agreement between raters needs two or more.".to_string(),
            // Ada saw answer 0 on the left: v2 is answer 0 on the even items, 3 of 6.
            "Answers shown on the left won 50% of 6 decisive ratings (p = 1): no sign of \
             position bias."
                .to_string(),
        ]
    );
}

#[test]
fn an_empty_review() {
    let mut review = pairwise(&WINNERS, false, false);
    review.ratings.clear();
    let res = review.results();
    assert_eq!((res.items, res.ratings), (6, 0));
    assert!(res.raters.is_empty());
    assert_eq!(res.summary, vec!["No ratings yet.".to_string()]);
    let m = &res.metrics[0];
    assert!(m.pairs.is_empty() && m.per_rater.is_empty());
    assert_eq!((m.position_bias.clone(), m.judge.clone()), (None, None));
    assert_eq!(ratings_csv(&review.input()).lines().count(), 1);
}

#[test]
fn ratings_without_a_source_or_metric_are_left_out() {
    let mut review = pairwise(&WINNERS, false, false);
    review.sources.retain(|s| s.item != "item-006");
    review.ratings.push(rated(
        &raters()[0],
        1,
        "tone",
        RatingValue::Choice(Choice::First),
        &[0, 1],
    ));
    let res = review.results();
    assert_eq!(res.ratings, 15);
    let pair = &res.metrics[0].pairs[0];
    assert_eq!((pair.items, pair.second_wins), (5, 9));
}

#[test]
fn comparison_likert_is_read_in_pack_order() {
    // One item with v2 as answer 0. Ada gives 2 (leans to answer 0 = v2), Ben 3 (no preference).
    let review = Review {
        pack: pack(
            ReviewKind::Pairwise,
            vec![metric("tone", Method::ComparisonLikert)],
            1,
            2,
        ),
        sources: sources(&[&[1, 0]]),
        variants: VARIANTS.iter().map(|v| v.to_string()).collect(),
        ratings: vec![
            rated(
                &raters()[0],
                1,
                "tone",
                RatingValue::ComparisonLikert(2),
                &[0, 1],
            ),
            rated(
                &raters()[1],
                1,
                "tone",
                RatingValue::ComparisonLikert(3),
                &[1, 0],
            ),
        ],
        judge: Vec::new(),
    };
    let m = &review.results().metrics[0];
    let pair = &m.pairs[0];
    assert_eq!((pair.first_wins, pair.second_wins, pair.ties), (0, 1, 1));
    close(pair.first_win_rate.estimate, 0.25);
    // Codes are the scale values: 2 and 3 on one unit.
    let a = &m.agreement;
    assert_eq!((a.raters, a.units), (2, 1));
    assert_eq!(a.cohen_kappa, cohen_kappa(&[2], &[3]).ok());
}

/// A rank review: variants A, B, C (columns 0, 1, 2); item 1 answers are A, B, C, item 2 C, A,
/// B, item 3 B, C, A. Ranks in pack order: Ada [1,2,3], [1,3,2], [2,1,3]; Ben [2,1,3], [1,2,3].
fn rank_review() -> Review {
    let [ada, ben, _] = raters();
    let r = |who: &Rater, item, ranks: [u8; 3]| {
        rated(
            who,
            item,
            "preference",
            RatingValue::Rank(ranks.to_vec()),
            &[0, 1, 2],
        )
    };
    Review {
        pack: pack(
            ReviewKind::Rank,
            vec![metric("preference", Method::Rank)],
            3,
            3,
        ),
        sources: sources(&[&[0, 1, 2], &[2, 0, 1], &[1, 2, 0]]),
        variants: vec!["A".into(), "B".into(), "C".into()],
        ratings: vec![
            r(&ada, 1, [1, 2, 3]),
            r(&ada, 2, [1, 3, 2]),
            r(&ada, 3, [2, 1, 3]),
            r(&ben, 1, [2, 1, 3]),
            r(&ben, 2, [1, 2, 3]),
        ],
        judge: Vec::new(),
    }
}

#[test]
fn rank_review_means_histograms_and_pairs() {
    let res = rank_review().results();
    let m = &res.metrics[0];
    // Ranks given to A: 1, 3, 3 (Ada), 2, 2 (Ben); B: 2, 2, 2, 1, 3; C: 3, 1, 1, 3, 1.
    let hist: Vec<(&str, u32, &[u32])> = m
        .variants
        .iter()
        .map(|v| (v.variant.as_str(), v.ratings, v.histogram.as_slice()))
        .collect();
    assert_eq!(
        hist,
        vec![
            ("A", 5, &[1, 2, 2][..]),
            ("B", 5, &[1, 3, 1][..]),
            ("C", 5, &[3, 0, 2][..])
        ]
    );
    // Per item mean ranks: A 1.5, 2.5, 3; B 1.5, 2.5, 2; C 3, 1, 1.
    for (v, units) in m
        .variants
        .iter()
        .zip([[1.5, 2.5, 3.0], [1.5, 2.5, 2.0], [3.0, 1.0, 1.0]])
    {
        assert_eq!(v.mean, bootstrap_mean(&units, &opts()), "{}", v.variant);
    }
    close(m.variants[0].mean.as_ref().unwrap().estimate, 7.0 / 3.0);
    close(m.variants[2].mean.as_ref().unwrap().estimate, 5.0 / 3.0);

    let pairs: Vec<(&str, &str, u32, u32, u32, u32)> = m
        .pairs
        .iter()
        .map(|p| {
            (
                p.first.as_str(),
                p.second.as_str(),
                p.items,
                p.first_wins,
                p.second_wins,
                p.ties,
            )
        })
        .collect();
    assert_eq!(
        pairs,
        vec![
            ("A", "B", 3, 2, 3, 0),
            ("A", "C", 3, 2, 3, 0),
            ("B", "C", 3, 2, 3, 0)
        ]
    );
    // A vs B per item: ½, ½, 0; A vs C: 1, 0, 0.
    close(m.pairs[0].first_win_rate.estimate, 1.0 / 3.0);
    assert_eq!(m.pairs[0].p_value, Some(1.0));
    assert_eq!(m.pairs[1].p_value, Some(1.0));
    assert_eq!(m.position_bias, None);
    assert_eq!(m.judge, None);

    // Per rater: mean rank of A, and A's share against B.
    close(m.per_rater[0].mean.unwrap(), 7.0 / 3.0);
    close(m.per_rater[0].first_win_share.unwrap(), 1.0 / 3.0);
    assert_eq!(m.per_rater[1].mean, Some(2.0));
    assert_eq!(m.per_rater[1].first_win_share, Some(0.5));

    // Agreement on the rank of variant A: items 1 (Ada 1, Ben 2) and 2 (3 vs 2). Coincidences
    // o12 = o21 = o23 = o32 = 1, n1 = 1, n2 = 2, n3 = 1, n = 4: D_o = 4/4 = 1,
    // D_e = (2·1·2 + 2·1·1 + 2·2·1)/(4·3) = 10/12, alpha = 1 − 12/10 = −0.2; kappa: Ada never
    // gives 2 and Ben only 2, so p_o = p_e = 0 → 0.
    let a = &m.agreement;
    assert_eq!((a.raters, a.units), (2, 2));
    close(a.alpha_nominal.unwrap(), -0.2);
    assert_eq!(a.cohen_kappa, Some(0.0));

    let headline = &res.summary[0];
    assert!(headline.starts_with("On preference, mean ranks (1 = best): «C» 1.7 (95% CI "));
    let (c, b, a) = (
        headline.find("«C» 1.7").unwrap(),
        headline.find("«B» 2.0").unwrap(),
        headline.find("«A» 2.3").unwrap(),
    );
    assert!(c < b && b < a, "{headline}");
    // Ordinal alpha on the same two units: δ(1,2) = δ(2,3) = (3 − 1.5)² = 2.25, δ(1,3) = 9;
    // D_o = 4·2.25/4 = 2.25, D_e = (2·1·2·2.25 + 2·2·1·2.25 + 2·1·1·9)/12 = 3, alpha = 0.25.
    assert_eq!(
        res.summary[1],
        "Raters agreed fairly (Krippendorff's α = 0.25, 2 raters)."
    );
}

/// A single-answer review of 4 items: items 1–2 from v1 (column 0), 3–4 from v2. Clarity
/// (Likert): Ada and Ben give 5, 4, 2, 4, Cleo gives item 1 a 1. Correct (thumbs): Ada and Ben
/// both up, up, down, up.
fn single_review() -> Review {
    let [ada, ben, cleo] = raters();
    let mut ratings = Vec::new();
    for who in [&ada, &ben] {
        for (i, (score, up)) in [(5, true), (4, true), (2, false), (4, true)]
            .iter()
            .enumerate()
        {
            ratings.push(rated(
                who,
                i + 1,
                "clarity",
                RatingValue::Likert(*score),
                &[0],
            ));
            ratings.push(rated(who, i + 1, "correct", RatingValue::Thumb(*up), &[0]));
        }
    }
    ratings.push(rated(&cleo, 1, "clarity", RatingValue::Likert(1), &[0]));
    let judge = [0.9, 0.4, 0.1, 0.5]
        .iter()
        .enumerate()
        .map(|(i, &score)| JudgeScore {
            item: format!("item-{:03}", i + 1),
            answer: 0,
            score,
        })
        .collect();
    Review {
        pack: pack(
            ReviewKind::Single,
            vec![
                metric("clarity", Method::Likert),
                metric("correct", Method::Thumbs),
            ],
            4,
            1,
        ),
        sources: sources(&[&[0], &[0], &[1], &[1]]),
        variants: vec!["v1".into(), "v2".into()],
        ratings,
        judge,
    }
}

#[test]
fn likert_means_are_over_items() {
    let res = single_review().results();
    let clarity = &res.metrics[0];
    assert!(clarity.pairs.is_empty());
    let [v1, v2] = [&clarity.variants[0], &clarity.variants[1]];
    assert_eq!((v1.variant.as_str(), v1.ratings), ("v1", 5));
    assert_eq!(v1.histogram, vec![1, 0, 0, 2, 2]);
    assert_eq!(v2.histogram, vec![0, 2, 0, 2, 0]);
    // v1: item 1 (5 + 5 + 1)/3, item 2 4 → 23/6, not the mean of ratings 19/5.
    close(v1.mean.as_ref().unwrap().estimate, 23.0 / 6.0);
    assert_eq!(v1.mean, bootstrap_mean(&[11.0 / 3.0, 4.0], &opts()));
    assert_eq!(v2.mean, bootstrap_mean(&[2.0, 4.0], &opts()));
    let means: Vec<Option<f64>> = clarity.per_rater.iter().map(|r| r.mean).collect();
    assert_eq!(means, vec![Some(3.75), Some(3.75), Some(1.0)]);
    assert!(clarity
        .per_rater
        .iter()
        .all(|r| r.shown_first_share.is_none()));

    // Three raters, all four items rated twice or more; only item 1 by all three.
    let a = &clarity.agreement;
    assert_eq!((a.raters, a.units), (3, 4));
    let matrix = Ratings {
        units: vec![
            vec![Some(5), Some(5), Some(1)],
            vec![Some(4), Some(4), None],
            vec![Some(2), Some(2), None],
            vec![Some(4), Some(4), None],
        ],
    };
    assert_eq!(
        a.alpha_ordinal,
        krippendorff_alpha(&matrix, Level::Ordinal).ok()
    );
    let complete = Ratings {
        units: vec![vec![Some(5), Some(5), Some(1)]],
    };
    assert_eq!(a.fleiss_kappa, fleiss_kappa(&complete).ok());

    // Judge good at ≥ 0.5: items 1, 4; raters good at a mean ≥ 3.5: items 1, 2, 4.
    let j = clarity.judge.as_ref().unwrap();
    assert_eq!((j.items, j.agree), (4, 3));

    let correct = &res.metrics[1];
    assert_eq!(correct.variants[0].histogram, vec![0, 4]);
    assert_eq!(correct.variants[1].histogram, vec![2, 2]);
    assert_eq!(correct.variants[0].mean.as_ref().unwrap().estimate, 1.0);
    assert_eq!(correct.variants[1].mean.as_ref().unwrap().estimate, 0.5);
    // Two raters agreeing on every item, over both categories.
    let a = &correct.agreement;
    assert_eq!(
        (
            a.alpha_nominal,
            a.alpha_ordinal,
            a.cohen_kappa,
            a.fleiss_kappa
        ),
        (Some(1.0), Some(1.0), Some(1.0), None)
    );

    assert_eq!(res.summary.len(), 4, "{:#?}", res.summary);
    assert!(res.summary[0].starts_with("On clarity (Likert 1–5), mean scores: «v1» 3.8 (95% CI "));
    assert!(
        res.summary[0].contains(", «v2» 3.0 ("),
        "{}",
        res.summary[0]
    );
    assert_eq!(
        res.summary[1],
        "On correct, share of thumbs up: «v1» 100% (95% CI 100–100%), «v2» 50% (0–100%)."
    );
    assert!(res.summary[2].contains(" on clarity (Krippendorff's α = "));
    assert_eq!(
        res.summary[3],
        "On clarity, the LLM judge agreed with the raters on 3 of 4 items (75%)."
    );
}

#[test]
fn csv_has_one_quoted_defused_row_per_rating() {
    let mut review = pairwise(&WINNERS, false, false);
    review.ratings[0].rating.comment = "good, but\nlong".into();
    review.ratings[4].rating.comment = "=HYPERLINK(\"http://x\")".into();
    let text = ratings_csv(&review.input());
    assert!(text.starts_with(
        "item,metric,rater,email,value,preferred_variant,answer_variants,shown_order,comment,\
         rated_at\r\n"
    ));
    // Ada on item 1: v2 (answer 1) preferred, answer 0 shown on the left.
    assert!(text.contains(
        "\r\nitem-001,overall,Ada,ada@example.com,second,v2 · claude,v1 · claude | v2 · claude,\
         0;1,\"good, but\nlong\",2026-11-28T09:00:00Z\r\n"
    ));
    // Ben on item 2 (his email in capitals): v2 is answer 0 there.
    assert!(text.contains(
        "\r\nitem-002,overall,Ben,Ben@Example.COM,first,v2 · claude,v2 · claude | v1 · claude,\
         1;0,\"'=HYPERLINK(\"\"http://x\"\")\",2026-11-28T09:00:00Z\r\n"
    ));
    // Cleo's tie on item 2 prefers no variant.
    assert!(text.contains("\r\nitem-002,overall,Cleo,cleo@example.com,tie,,v2 · claude"));

    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), 18);
    let order: Vec<(&str, &str)> = rows.iter().take(3).map(|r| (&r[0], &r[2])).collect();
    assert_eq!(
        order,
        vec![
            ("item-001", "Ada"),
            ("item-001", "Ben"),
            ("item-001", "Cleo")
        ]
    );
    assert_eq!(&rows[0][8], "good, but\nlong");
    assert_eq!(&rows[4][8], "'=HYPERLINK(\"http://x\")");
}

#[test]
fn csv_writes_ranks_and_thumbs_in_words() {
    let text = ratings_csv(&rank_review().input());
    assert!(text.contains("\r\nitem-002,preference,Ada,ada@example.com,1;3;2,C,C | A | B,0;1;2,,"));
    let text = ratings_csv(&single_review().input());
    assert!(text.contains("\r\nitem-003,correct,Ada,ada@example.com,down,,v2,0,,"));
    assert!(text.contains("\r\nitem-001,clarity,Cleo,cleo@example.com,1,,v1,0,,"));
}
