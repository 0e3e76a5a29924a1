//! `galley_core::stats` agreement statistics against independent implementations: Krippendorff's
//! alpha from the `krippendorff` package, Cohen's kappa from scikit-learn, Fleiss' kappa from
//! statsmodels.
//!
//! The fixtures in `tests/fixtures/agreement/` were computed by `scripts/agreement_fixtures.py`
//! (its header says how to regenerate them; each file records the package versions). These tests
//! need no Python.

use galley_core::stats::{cohen_kappa, fleiss_kappa, krippendorff_alpha, Level, Ratings};
use serde::Deserialize;

const TOLERANCE: f64 = 1e-9;

macro_rules! fixture {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/tests/fixtures/agreement/",
                $name,
                ".json"
            )),
        )
    };
}

const FIXTURES: [(&str, &str); 6] = [
    fixture!("paper_example"),
    fixture!("two_raters_3cat_n30"),
    fixture!("two_raters_5cat_n40_low"),
    fixture!("three_raters_4cat_n20"),
    fixture!("three_raters_gapped_missing_n25"),
    fixture!("five_raters_5cat_n60"),
];

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Source {
    krippendorff: String,
    scikit_learn: String,
    statsmodels: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Alphas {
    nominal: f64,
    ordinal: f64,
    interval: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Expected {
    alpha: Alphas,
    cohen_kappa: Option<f64>,
    fleiss_kappa: Option<f64>,
}

#[derive(Deserialize)]
struct Fixture {
    source: Source,
    name: String,
    units: Vec<Vec<Option<u32>>>,
    expected: Expected,
}

fn load_all() -> Vec<Fixture> {
    FIXTURES
        .iter()
        .map(|(file, text)| {
            let f: Fixture =
                serde_json::from_str(text).unwrap_or_else(|e| panic!("{file}.json: {e}"));
            assert_eq!(&f.name, file, "fixture name matches its file");
            f
        })
        .collect()
}

fn assert_close(what: &str, f: &Fixture, reference: &str, got: f64, want: f64) {
    assert!(
        (got - want).abs() <= TOLERANCE,
        "{} {what}: got {got:.15}, {reference} gives {want:.15} (tolerance {TOLERANCE:e})",
        f.name
    );
}

#[test]
fn fixtures_cover_the_intended_shapes() {
    let all = load_all();
    let raters: Vec<usize> = all.iter().map(|f| f.units[0].len()).collect();
    assert!(raters.contains(&2) && raters.iter().any(|&r| r >= 3));
    assert!(all.iter().any(|f| f.units.len() == 60));
    assert!(all
        .iter()
        .any(|f| f.units.iter().flatten().any(Option::is_none)));
    assert_eq!(
        all.iter()
            .filter(|f| f.expected.cohen_kappa.is_some())
            .count(),
        2
    );
    assert_eq!(
        all.iter()
            .filter(|f| f.expected.fleiss_kappa.is_some())
            .count(),
        4
    );
    for f in &all {
        assert!(!f.source.krippendorff.is_empty());
        assert!(!f.source.scikit_learn.is_empty());
        assert!(!f.source.statsmodels.is_empty());
    }
}

#[test]
fn krippendorff_alpha_matches_the_krippendorff_package() {
    for f in &load_all() {
        let r = Ratings {
            units: f.units.clone(),
        };
        let reference = format!("krippendorff {}", f.source.krippendorff);
        for (level, want) in [
            (Level::Nominal, f.expected.alpha.nominal),
            (Level::Ordinal, f.expected.alpha.ordinal),
            (Level::Interval, f.expected.alpha.interval),
        ] {
            let got = krippendorff_alpha(&r, level)
                .unwrap_or_else(|e| panic!("{} {level:?}: {e}", f.name));
            assert_close(&format!("alpha {level:?}"), f, &reference, got, want);
        }
    }
}

#[test]
fn paper_example_fixture_gives_the_published_alphas() {
    let all = load_all();
    let paper = all.iter().find(|f| f.name == "paper_example").unwrap();
    // Krippendorff (2011) reports 0.743 (nominal), 0.815 (ordinal), 0.849 (interval).
    assert_eq!(format!("{:.3}", paper.expected.alpha.nominal), "0.743");
    assert_eq!(format!("{:.3}", paper.expected.alpha.ordinal), "0.815");
    assert_eq!(format!("{:.3}", paper.expected.alpha.interval), "0.849");
}

#[test]
fn cohen_kappa_matches_scikit_learn() {
    for f in &load_all() {
        let Some(want) = f.expected.cohen_kappa else {
            continue;
        };
        let rater = |i: usize| -> Vec<u32> {
            f.units
                .iter()
                .map(|u| u[i].expect("complete ratings"))
                .collect()
        };
        let got = cohen_kappa(&rater(0), &rater(1)).unwrap();
        let reference = format!("scikit-learn {}", f.source.scikit_learn);
        assert_close("Cohen's kappa", f, &reference, got, want);
    }
}

#[test]
fn fleiss_kappa_matches_statsmodels() {
    for f in &load_all() {
        let r = Ratings {
            units: f.units.clone(),
        };
        match f.expected.fleiss_kappa {
            Some(want) => {
                let got = fleiss_kappa(&r).unwrap();
                let reference = format!("statsmodels {}", f.source.statsmodels);
                assert_close("Fleiss' kappa", f, &reference, got, want);
            }
            // The fixtures with missing ratings have units with unequal rating counts.
            None => assert!(fleiss_kappa(&r).is_err(), "{}", f.name),
        }
    }
}
