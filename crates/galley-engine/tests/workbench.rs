//! The workbench's commands driven without a window, on a temporary data folder: the same calls
//! the desktop app makes.

use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;

use galley_engine::core::diff::ChangeStatus;
use galley_engine::core::{BlueprintContent, DiffOp, Label};
use galley_engine::*;

/// A clock that ticks one second per call, so times are distinct and predictable.
struct TickClock(AtomicU32);

impl Clock for TickClock {
    fn now(&self) -> String {
        let s = self.0.fetch_add(1, Ordering::SeqCst);
        format!("2026-11-27T10:{:02}:{:02}.000Z", s / 60, s % 60)
    }
}

async fn engine(dir: &std::path::Path) -> Engine {
    Engine::open_with(dir, Arc::new(TickClock(AtomicU32::new(0))), "tester".into())
        .await
        .unwrap()
}

fn content(system: &str, user: &str) -> BlueprintContent {
    BlueprintContent::chat(system, user)
}

fn id(req: &str) -> BlueprintRef {
    BlueprintRef { id: req.into() }
}

#[tokio::test]
async fn the_workbench_story_survives_a_restart() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "  Support reply ".into(),
            tags: vec!["Support".into()],
        })
        .await
        .unwrap();
    assert_eq!(bp.name, "Support reply");
    assert_eq!(bp.tags, vec!["support"]);
    assert_eq!(bp.latest_version, None);

    // type a template with a variable; the preview names what is missing, then renders
    let c1 = content("You answer customers.", "Reply to: {{ question }}");
    assert_eq!(
        e.templates_check(TemplatesCheckReq {
            content: c1.clone()
        })
        .variables,
        vec!["question"]
    );
    let r = e.templates_render(TemplatesRenderReq {
        content: c1.clone(),
        values: BTreeMap::new(),
    });
    assert!(r.messages.is_empty());
    assert_eq!(r.issues[0].to_string(), "message 1 (user) line 1, column 14: undefined variable `question`: give it a value or a default");
    let values = BTreeMap::from([("question".to_string(), "Where is my parcel?".to_string())]);
    let r = e.templates_render(TemplatesRenderReq {
        content: c1.clone(),
        values,
    });
    assert_eq!(r.messages[1].text, "Reply to: Where is my parcel?");

    // draft autosave, then save v1 (clears the draft)
    e.drafts_save(DraftsSaveReq {
        id: bp.id.clone(),
        content: c1.clone(),
        base_version: None,
    })
    .await
    .unwrap();
    assert!(e.blueprints_open(id(&bp.id)).await.unwrap().draft.is_some());
    let s1 = e
        .versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: c1.clone(),
            message: "first".into(),
        })
        .await
        .unwrap();
    assert!(s1.created);
    assert_eq!(
        (s1.version.number, s1.version.author.as_str()),
        (1, "tester")
    );
    assert!(e.blueprints_open(id(&bp.id)).await.unwrap().draft.is_none());

    // unchanged save creates nothing
    let again = e
        .versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: c1.clone(),
            message: "noop".into(),
        })
        .await
        .unwrap();
    assert!(!again.created);
    assert_eq!(again.version.number, 1);

    // change and save v2, diff shows the changed word
    let c2 = content("You answer customers kindly.", "Reply to: {{ question }}");
    let s2 = e
        .versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: c2,
            message: "kinder".into(),
        })
        .await
        .unwrap();
    assert_eq!(s2.version.number, 2);
    let d = e
        .versions_diff(VersionsDiffReq {
            id: bp.id.clone(),
            from: 1,
            to: 2,
        })
        .await
        .unwrap();
    assert_eq!(d.templates[0].status, ChangeStatus::Changed);
    assert_eq!(d.templates[1].status, ChangeStatus::Unchanged);
    let ins = d.templates[0]
        .lines
        .iter()
        .find(|l| l.op == DiffOp::Insert)
        .unwrap();
    let emph: Vec<&str> = ins
        .segments
        .iter()
        .filter(|s| s.emph)
        .map(|s| s.text.trim())
        .collect();
    assert_eq!(emph, vec!["kindly"]);

    // promote v2 to prod, roll back to v1
    e.labels_move(LabelsMoveReq {
        id: bp.id.clone(),
        label: Label::Prod,
        version: 2,
    })
    .await
    .unwrap();
    let res = e
        .labels_move(LabelsMoveReq {
            id: bp.id.clone(),
            label: Label::Prod,
            version: 1,
        })
        .await
        .unwrap();
    let mv = res.moved.unwrap();
    assert_eq!((mv.from_version, mv.to_version), (Some(2), 1));
    assert_eq!(res.label_moves.len(), 2);

    // unsaved work on top of v2
    let c3 = content(
        "You answer customers kindly and briefly.",
        "Reply to: {{ question }}",
    );
    e.drafts_save(DraftsSaveReq {
        id: bp.id.clone(),
        content: c3,
        base_version: Some(2),
    })
    .await
    .unwrap();
    e.close().await;

    // restart: everything is there
    let e = engine(dir.path()).await;
    let open = e.blueprints_open(id(&bp.id)).await.unwrap();
    assert_eq!(
        open.versions
            .iter()
            .map(|v| (v.number, v.message.as_str()))
            .collect::<Vec<_>>(),
        vec![(2, "kinder"), (1, "first")]
    );
    assert_eq!(
        open.labels
            .iter()
            .map(|l| (l.label, l.version))
            .collect::<Vec<_>>(),
        vec![(Label::Prod, 1)]
    );
    assert_eq!(open.label_moves.len(), 2);
    let draft = open.draft.unwrap();
    assert_eq!(
        draft.content.system,
        "You answer customers kindly and briefly."
    );
    assert_eq!(draft.base_version, Some(2));
    assert_eq!(open.summary.prod_version, Some(1));
    let prod = e
        .versions_resolve(
            "support reply",
            &VersionSelector {
                version: None,
                label: Some(Label::Prod),
            },
        )
        .await
        .unwrap();
    assert_eq!(prod.content.system, "You answer customers.");
}

#[tokio::test]
async fn library_rules() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let a = e
        .blueprints_create(BlueprintsCreateReq {
            name: "Greeter".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    let err = e
        .blueprints_create(BlueprintsCreateReq {
            name: "greeter".into(),
            tags: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(
        err,
        EngineError {
            code: ErrorCode::Conflict,
            message: "a blueprint named `greeter` already exists".into()
        }
    );
    let err = e
        .blueprints_create(BlueprintsCreateReq {
            name: " ".into(),
            tags: vec![],
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);

    e.versions_save(VersionsSaveReq {
        id: a.id.clone(),
        content: content("Hi", "{{ name }}"),
        message: "v1".into(),
    })
    .await
    .unwrap();
    let copy = e.blueprints_duplicate(id(&a.id)).await.unwrap();
    assert_eq!(copy.name, "Greeter (copy)");
    assert_eq!(copy.latest_version, Some(1));
    let copied = e
        .versions_resolve("Greeter (copy)", &VersionSelector::default())
        .await
        .unwrap();
    assert_eq!(copied.meta.message, "Duplicated from Greeter v1");
    assert_eq!(copied.content.system, "Hi");

    let renamed = e
        .blueprints_rename(BlueprintsRenameReq {
            id: copy.id.clone(),
            name: "Welcomer".into(),
        })
        .await
        .unwrap();
    assert_eq!(renamed.name, "Welcomer");
    let tagged = e
        .blueprints_set_tags(BlueprintsSetTagsReq {
            id: copy.id.clone(),
            tags: vec!["Onboarding".into()],
        })
        .await
        .unwrap();
    assert_eq!(tagged.tags, vec!["onboarding"]);
    let found = e
        .blueprints_list(BlueprintsListReq {
            search: "onboard".into(),
        })
        .await
        .unwrap();
    assert_eq!(
        found.iter().map(|b| b.name.as_str()).collect::<Vec<_>>(),
        vec!["Welcomer"]
    );

    e.blueprints_delete(id(&copy.id)).await.unwrap();
    let err = e.blueprints_open(id(&copy.id)).await.unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    // the original is untouched
    assert_eq!(
        e.blueprints_open(id(&a.id)).await.unwrap().versions.len(),
        1
    );
}

#[tokio::test]
async fn bad_input_is_refused_and_saved_work_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let e = engine(dir.path()).await;
    let bp = e
        .blueprints_create(BlueprintsCreateReq {
            name: "B".into(),
            tags: vec![],
        })
        .await
        .unwrap();
    e.versions_save(VersionsSaveReq {
        id: bp.id.clone(),
        content: content("ok", "{{ x }}"),
        message: "good".into(),
    })
    .await
    .unwrap();

    let broken = content("ok", "line\n{% for x in %}");
    let err = e
        .versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: broken.clone(),
            message: "bad".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::Invalid);
    assert!(
        err.message
            .starts_with("cannot save a version: message 1 (user) line 2"),
        "{}",
        err.message
    );
    // the draft keeps the broken work; the saved version is intact
    e.drafts_save(DraftsSaveReq {
        id: bp.id.clone(),
        content: broken,
        base_version: Some(1),
    })
    .await
    .unwrap();
    let open = e.blueprints_open(id(&bp.id)).await.unwrap();
    assert_eq!(open.versions.len(), 1);
    assert_eq!(open.latest.unwrap().content.messages[0].template, "{{ x }}");
    assert_eq!(
        open.draft.unwrap().content.messages[0].template,
        "line\n{% for x in %}"
    );

    // a 1 MB template saves and renders; 2 MB is refused with its size
    let big = content("", &("a".repeat(1_000_000) + "{{ x }}"));
    assert!(
        e.versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: big,
            message: "big".into()
        })
        .await
        .unwrap()
        .created
    );
    let huge = content("", &"a".repeat(2_000_000));
    let err = e
        .versions_save(VersionsSaveReq {
            id: bp.id.clone(),
            content: huge,
            message: "huge".into(),
        })
        .await
        .unwrap_err();
    assert!(
        err.message
            .contains("template is 2.0 MB; the limit is 1.0 MB"),
        "{}",
        err.message
    );

    let err = e
        .labels_move(LabelsMoveReq {
            id: bp.id.clone(),
            label: Label::Prod,
            version: 9,
        })
        .await
        .unwrap_err();
    assert_eq!(err.code, ErrorCode::NotFound);
    let err = e
        .versions_resolve(
            "B",
            &VersionSelector {
                version: Some(9),
                label: None,
            },
        )
        .await
        .unwrap_err();
    assert_eq!(err.message, "`B` has no version 9 (latest is 2)");
}
