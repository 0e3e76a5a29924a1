//! Datasets through a repository folder: exported beside the blueprints, imported into an empty
//! Galley with the same cases (values, references, categories, tags), exported again byte for
//! byte; a changed file becomes a new version, an unchanged one none, a broken one is refused by
//! line with nothing saved; JSON Lines the same way, Bedrock's JSON Lines read too.

use std::path::Path;

use galley_engine::core::dataset::DatasetContent;
use galley_engine::core::BlueprintContent;
use galley_engine::*;
use support::engine;

mod support;

/// Two cases; the second's question has a comma, quotes and a line break.
const CAPITALS: &str = "question,reference,category,tags\n\
\"What is the capital of France?\",Paris,europe,easy\n\
\"Capital of \"\"the\"\" Netherlands,\nofficially?\",Amsterdam,europe,tricky;official\n";

const TRIAGE: &str = "email,reference\n\"My invoice is wrong\",billing\n";

async fn seed(e: &Engine) {
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "Capitals".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    e.versions_save(VersionsSaveReq {
        id: bp.id,
        content: BlueprintContent::chat("Answer briefly.", "{{ question }}"),
        message: "first".into(),
    })
    .await
    .unwrap();
    for (name, text) in [("Capitals EU", CAPITALS), ("Triage", TRIAGE)] {
        e.datasets_import(DatasetsImportReq {
            path: None,
            text: Some(text.into()),
            format: None,
            dataset_id: None,
            name: Some(name.into()),
        })
        .await
        .unwrap();
    }
}

fn export_to(dir: &Path, format: RepoDatasetFormat) -> RepoExportReq {
    RepoExportReq {
        dir: dir.display().to_string(),
        datasets: true,
        dataset_format: format,
        ..Default::default()
    }
}

fn import_from(dir: &Path, dry_run: bool) -> RepoImportReq {
    RepoImportReq {
        path: dir.display().to_string(),
        dry_run,
        ..Default::default()
    }
}

/// The latest version's cases of a dataset, by name.
async fn cases(e: &Engine, name: &str) -> (u32, DatasetContent) {
    let d = e.dataset_find(name).await.unwrap();
    let detail = e
        .datasets_get(DatasetRef {
            id: d.id,
            version: None,
        })
        .await
        .unwrap();
    (detail.version.unwrap().number, detail.content)
}

/// (blueprints, blueprint versions, datasets, dataset versions).
async fn counts(e: &Engine) -> (usize, u32, usize, u32) {
    let bps = e
        .blueprints_list(BlueprintsListReq::default())
        .await
        .unwrap();
    let ds = e.datasets_list().await.unwrap();
    (
        bps.len(),
        bps.iter().filter_map(|b| b.latest_version).sum(),
        ds.len(),
        ds.iter().filter_map(|d| d.latest_version).sum(),
    )
}

/// (file name, kind, name, outcome, versions added) of each item.
fn outcomes(items: &[RepoImportItem]) -> Vec<(String, ImportKind, String, ImportOutcome, u32)> {
    items
        .iter()
        .map(|i| {
            (
                Path::new(&i.file)
                    .file_name()
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
                i.kind,
                i.name.clone(),
                i.outcome,
                i.versions_added,
            )
        })
        .collect()
}

fn row(
    file: &str,
    kind: ImportKind,
    name: &str,
    outcome: ImportOutcome,
    added: u32,
) -> (String, ImportKind, String, ImportOutcome, u32) {
    (file.into(), kind, name.into(), outcome, added)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn csv_datasets_travel_with_the_blueprints_and_come_back_the_same() {
    use ImportKind::{Blueprint, Dataset};
    use ImportOutcome::{Invalid, New, Unchanged, Updated};
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let ana = engine(&tmp.path().join("ana")).await;
    seed(&ana).await;
    let res = ana
        .repo_export(export_to(&repo, RepoDatasetFormat::Csv))
        .await
        .unwrap();
    let paths: Vec<_> = res.files.iter().map(|f| f.path.as_str()).collect();
    assert_eq!(
        paths,
        [
            "blueprints/capitals.galley.yaml",
            "schemas/blueprint.schema.json",
            "datasets/capitals-eu.csv",
            "datasets/triage.csv"
        ]
    );

    // An empty Galley: a dry run says what would come and changes nothing.
    let ben = engine(&tmp.path().join("ben")).await;
    let dry = ben.repo_import(import_from(&repo, true)).await.unwrap();
    assert_eq!(
        outcomes(&dry),
        [
            row("capitals.galley.yaml", Blueprint, "Capitals", New, 1),
            row("capitals-eu.csv", Dataset, "capitals-eu", New, 1),
            row("triage.csv", Dataset, "triage", New, 1),
        ]
    );
    assert_eq!(dry[1].message, "new dataset with 2 cases");
    assert_eq!(counts(&ben).await, (0, 0, 0, 0));

    // Imported: named after the files, with Ana's cases value for value.
    let done = ben.repo_import(import_from(&repo, false)).await.unwrap();
    assert_eq!(outcomes(&done), outcomes(&dry));
    assert_eq!(counts(&ben).await, (1, 1, 2, 2));
    let (v, theirs) = cases(&ben, "capitals-eu").await;
    let (_, ours) = cases(&ana, "Capitals EU").await;
    assert_eq!(v, 1);
    assert_eq!(theirs, ours);
    let tricky = &theirs.cases[1];
    assert_eq!(
        tricky.values["question"],
        "Capital of \"the\" Netherlands,\nofficially?"
    );
    assert_eq!(tricky.reference.as_deref(), Some("Amsterdam"));
    assert_eq!(tricky.category.as_deref(), Some("europe"));
    assert_eq!(tricky.tags, ["tricky", "official"]);
    assert_eq!(cases(&ben, "triage").await.1, cases(&ana, "Triage").await.1);

    // Ben's export is byte for byte Ana's; importing again changes nothing, in either Galley
    // (Ana's "Capitals EU" is the file capitals-eu.csv).
    let copy = tmp.path().join("copy");
    ben.repo_export(export_to(&copy, RepoDatasetFormat::Csv))
        .await
        .unwrap();
    for f in &res.files {
        assert_eq!(
            std::fs::read(copy.join(&f.path)).unwrap(),
            std::fs::read(repo.join(&f.path)).unwrap(),
            "{} differs after a round trip",
            f.path
        );
    }
    let again = ben.repo_import(import_from(&repo, false)).await.unwrap();
    assert!(again.iter().all(|i| i.outcome == Unchanged), "{again:?}");
    let home = ana.repo_import(import_from(&repo, false)).await.unwrap();
    assert_eq!(
        outcomes(&home)[1],
        row("capitals-eu.csv", Dataset, "Capitals EU", Unchanged, 0)
    );
    assert_eq!(home[1].message, "already up to date (the cases of v1)");

    // A case added to the file: a new version in Ana's Galley, the old one kept.
    let csv = repo.join("datasets/capitals-eu.csv");
    let mut text = std::fs::read_to_string(&csv).unwrap();
    text.push_str("What is the capital of Peru?,Lima,americas,\n");
    std::fs::write(&csv, &text).unwrap();
    let updated = ana.repo_import(import_from(&repo, false)).await.unwrap();
    assert_eq!(
        outcomes(&updated)[1],
        row("capitals-eu.csv", Dataset, "Capitals EU", Updated, 1)
    );
    assert_eq!(
        updated[1].message,
        "new version v2 with 3 cases (v1 has 2 cases)"
    );
    let (v, now) = cases(&ana, "Capitals EU").await;
    assert_eq!(v, 2);
    assert_eq!(
        now.cases[2].values["question"],
        "What is the capital of Peru?"
    );
    assert_eq!(now.cases[2].category.as_deref(), Some("americas"));
    assert_eq!(&now.cases[..2], &ours.cases[..]);
    let d = ana.dataset_find("Capitals EU").await.unwrap();
    let detail = ana
        .datasets_get(DatasetRef {
            id: d.id,
            version: None,
        })
        .await
        .unwrap();
    assert_eq!(
        detail.versions[0].message,
        "imported datasets/capitals-eu.csv"
    );

    // A broken row: refused with its file and line, nothing saved; the other files import.
    std::fs::write(
        &csv,
        format!("{text}\"Capital of Chile?\",Santiago,americas,x,extra\n"),
    )
    .unwrap();
    let before = counts(&ben).await;
    let broken = ben.repo_import(import_from(&repo, false)).await.unwrap();
    let b = &broken[1];
    assert_eq!((b.kind, b.outcome, b.name.as_str()), (Dataset, Invalid, ""));
    assert!(
        b.message.starts_with("datasets/capitals-eu.csv: line 6"),
        "{}",
        b.message
    );
    assert_eq!(broken[2].outcome, Unchanged);
    assert_eq!(counts(&ben).await, before, "nothing from the broken file");

    // The same dataset twice (CSV and JSON Lines): the second file is refused.
    std::fs::write(&csv, &text).unwrap();
    std::fs::write(
        repo.join("datasets/triage.jsonl"),
        "{\"values\":{\"email\":\"Refund please\"},\"reference\":\"billing\"}\n",
    )
    .unwrap();
    let twice = ben.repo_import(import_from(&repo, true)).await.unwrap();
    let t = twice
        .iter()
        .find(|i| i.file.ends_with("triage.jsonl"))
        .unwrap();
    assert_eq!(t.outcome, Invalid);
    assert_eq!(
        t.message,
        "datasets/triage.jsonl: datasets/triage.csv holds the same dataset: keep one of the two \
         files"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn jsonl_datasets_round_trip_and_keep_what_csv_cannot() {
    use ImportOutcome::{New, Unchanged, Updated};
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let ana = engine(&tmp.path().join("ana")).await;
    seed(&ana).await;
    // A case without a value for `detail`: JSON Lines keep it missing, CSV cannot.
    ana.datasets_import(DatasetsImportReq {
        path: None,
        text: Some(
            "{\"values\":{\"question\":\"Capital of Peru?\",\"detail\":\"short\"},\"reference\":\"Lima\"}\n\
             {\"values\":{\"question\":\"Capital of Chile?\"},\"reference\":\"Santiago\",\
             \"responses\":[{\"model\":\"nova\",\"response\":\"Santiago\"}]}\n"
                .into(),
        ),
        format: Some(galley_engine::core::dataset::DatasetFormat::Jsonl),
        dataset_id: None,
        name: Some("Americas".into()),
    })
    .await
    .unwrap();
    let res = ana
        .repo_export(export_to(&repo, RepoDatasetFormat::Jsonl))
        .await
        .unwrap();
    let datasets: Vec<_> = res
        .files
        .iter()
        .filter(|f| f.path.starts_with("datasets/"))
        .map(|f| (f.path.as_str(), f.blueprint.as_deref()))
        .collect();
    assert_eq!(
        datasets,
        [
            ("datasets/americas.jsonl", Some("Americas")),
            ("datasets/capitals-eu.jsonl", Some("Capitals EU")),
            ("datasets/triage.jsonl", Some("Triage")),
        ]
    );

    let ben = engine(&tmp.path().join("ben")).await;
    let done = ben.repo_import(import_from(&repo, false)).await.unwrap();
    assert!(
        done[1..]
            .iter()
            .all(|i| i.kind == ImportKind::Dataset && i.outcome == New),
        "{done:?}"
    );
    let (_, americas) = cases(&ben, "americas").await;
    assert_eq!(americas, cases(&ana, "Americas").await.1);
    assert!(!americas.cases[1].values.contains_key("detail"));
    assert_eq!(americas.cases[1].responses[0].response, "Santiago");
    let copy = tmp.path().join("copy");
    ben.repo_export(export_to(&copy, RepoDatasetFormat::Jsonl))
        .await
        .unwrap();
    for f in &res.files {
        assert_eq!(
            std::fs::read(copy.join(&f.path)).unwrap(),
            std::fs::read(repo.join(&f.path)).unwrap(),
            "{} differs after a round trip",
            f.path
        );
    }

    // Written as CSV, the missing value is an empty one: still the same cases for Galley, so
    // importing that file adds no version.
    let csv_repo = tmp.path().join("csv");
    ana.repo_export(export_to(&csv_repo, RepoDatasetFormat::Csv))
        .await
        .unwrap();
    let items = ana
        .repo_import(import_from(&csv_repo, false))
        .await
        .unwrap();
    let a = items.iter().find(|i| i.name == "Americas").unwrap();
    assert_eq!(
        (a.outcome, a.versions_added),
        (Unchanged, 0),
        "{}",
        a.message
    );

    // A changed JSON Lines file is a new version; a Bedrock evaluation file a new dataset.
    let file = repo.join("datasets/americas.jsonl");
    let text = std::fs::read_to_string(&file).unwrap();
    std::fs::write(&file, text.replace("Lima", "Lima, Peru")).unwrap();
    std::fs::write(
        repo.join("datasets/bedrock-set.jsonl"),
        "{\"prompt\":\"Capital of Spain?\",\"referenceResponse\":\"Madrid\",\"category\":\"europe\"}\n",
    )
    .unwrap();
    let items = ben.repo_import(import_from(&repo, false)).await.unwrap();
    let a = items.iter().find(|i| i.name == "americas").unwrap();
    assert_eq!((a.outcome, a.versions_added), (Updated, 1));
    let (v, content) = cases(&ben, "americas").await;
    assert_eq!(v, 2);
    assert_eq!(content.cases[0].reference.as_deref(), Some("Lima, Peru"));
    let b = items.iter().find(|i| i.name == "bedrock-set").unwrap();
    assert_eq!(b.outcome, New);
    let (_, bedrock) = cases(&ben, "bedrock-set").await;
    assert_eq!(bedrock.variables, ["prompt"]);
    assert_eq!(bedrock.cases[0].values["prompt"], "Capital of Spain?");
    assert_eq!(bedrock.cases[0].reference.as_deref(), Some("Madrid"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_blueprints_folder_reads_the_datasets_beside_it() {
    let tmp = tempfile::tempdir().unwrap();
    let repo = tmp.path().join("repo");
    let ana = engine(&tmp.path().join("ana")).await;
    seed(&ana).await;
    ana.repo_export(export_to(&repo, RepoDatasetFormat::Csv))
        .await
        .unwrap();
    let ben = engine(&tmp.path().join("ben")).await;
    let items = ben
        .repo_import(import_from(&repo.join("blueprints"), false))
        .await
        .unwrap();
    assert_eq!(items.len(), 3, "{items:?}");
    assert_eq!(counts(&ben).await, (1, 1, 2, 2));
    // One file is only that file.
    let one = engine(&tmp.path().join("one")).await;
    let items = one
        .repo_import(import_from(
            &repo.join("blueprints/capitals.galley.yaml"),
            false,
        ))
        .await
        .unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(counts(&one).await, (1, 1, 0, 0));
}
