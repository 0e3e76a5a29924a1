//! The files `galley export --format` writes for neighbouring tools, read by those tools' own
//! parsers: Prompty files by the `prompty` package's loader, renderer and parser; Bedrock
//! `CreatePrompt` bodies by botocore's `bedrock-agent` service model and `ParamValidator`;
//! promptfoo configurations by `promptfoo validate` and a real `promptfoo eval` against
//! bedrock-sim's OpenAI-compatible endpoint; GitHub Models `.prompt.yml` files, which have no
//! installable parser, by a JSON Schema and the runner's documented rules. The checkers live in
//! `tests/formats/`.
//!
//! The tools come from the environment: `GALLEY_FORMAT_TOOLS_PYTHON` (a Python with the packages
//! of `tests/formats/requirements.txt`) and `GALLEY_FORMAT_TOOLS_PROMPTFOO` (the promptfoo
//! executable). `make test` installs both (`make format-tools`) and sets
//! `GALLEY_REQUIRE_FORMAT_TOOLS=1`, so a missing tool fails there; elsewhere a test without its
//! tool says why and passes.
//!
//! Three blueprints cover the cases: "Capitals" on Bedrock with a guardrail, evaluators and a
//! dataset of the same name; "Quiz" on an OpenAI-compatible endpoint named in Settings (the
//! test's bedrock-sim), also with evaluators and a dataset; "Triage", whose template has Jinja
//! logic (a condition, a loop, typed variables).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use bedrock_sim::{Sim, SimConfig};
use galley_engine::core::eval::{Check, Evaluator};
use galley_engine::core::{BlueprintContent, GuardrailConfig, VarType, VariableDecl};
use galley_engine::providers::OpenAiSettings;
use galley_engine::*;
use serde_json::{json, Value};
use support::galley;

mod support;

const NOVA_LITE: &str = "amazon.nova-lite-v1:0";
const NOVA_MICRO: &str = "amazon.nova-micro-v1:0";
/// The endpoint's name in Settings, and the variable holding its key.
const ENDPOINT: &str = "sim";
const KEY_VAR: &str = "GALLEY_FORMATS_SIM_KEY";
/// The key bedrock-sim demands on its OpenAI-compatible route.
const KEY: &str = "sim-openai-key";

const TRIAGE_USER: &str = "{% if urgent %}URGENT: {% endif %}{{ ticket }}\n\
Tags: {% for t in tags %}{{ t }}{% if not loop.last %}, {% endif %}{% endfor %}";

/// bedrock-sim answers `echo: ` and the last user message: three of four questions carry their
/// reference answer, so three cases pass "names the answer" and one fails.
const QUIZ_CSV: &str = "question,reference\n\
\"Capital of France? Paris\",Paris\n\
\"Capital of Spain? Madrid\",Madrid\n\
\"Capital of Peru?\",Lima\n\
\"Capital of Chile? Santiago\",Santiago\n";
const CAPITALS_CSV: &str = "country,reference\nFrance,Paris\nPeru,Lima\n";

// ---------------------------------------------------------------------------------------------
// The tools

struct Tools {
    python: Option<PathBuf>,
    promptfoo: Option<PathBuf>,
}

/// The tools named by the environment. A tool a test needs that is not there fails the test
/// under `GALLEY_REQUIRE_FORMAT_TOOLS=1`, and otherwise skips it with the reason.
fn tools() -> Tools {
    let found = |var: &str| {
        std::env::var_os(var)
            .map(PathBuf::from)
            .filter(|p| p.is_file())
    };
    Tools {
        python: found("GALLEY_FORMAT_TOOLS_PYTHON"),
        promptfoo: found("GALLEY_FORMAT_TOOLS_PROMPTFOO"),
    }
}

fn need(tool: Option<PathBuf>, var: &str, test: &str) -> Option<PathBuf> {
    if tool.is_some() {
        return tool;
    }
    let why = format!(
        "{test}: {var} does not name an executable file (`make format-tools` installs the tools \
         and `make test-rust` sets it)"
    );
    if std::env::var("GALLEY_REQUIRE_FORMAT_TOOLS").as_deref() == Ok("1") {
        panic!("{why}");
    }
    eprintln!("skipped: {why}");
    None
}

fn checker(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/formats")
        .join(name)
}

struct Checked {
    code: Option<i32>,
    json: Value,
    stderr: String,
}

/// Runs a checker script; its stdout is JSON.
fn check(python: &Path, script: &str, args: &[&str], env: &[(&str, &str)]) -> Checked {
    let mut cmd = Command::new(python);
    cmd.arg(checker(script))
        .args(args)
        .env("PYTHONDONTWRITEBYTECODE", "1");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let started = std::time::Instant::now();
    let out = cmd.output().expect("the checker runs");
    eprintln!(
        "{script} {}: {:.2} s",
        args.last().unwrap_or(&""),
        started.elapsed().as_secs_f64()
    );
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    let json = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!("{script} printed no JSON ({e}):\n{stdout}\n{stderr}");
    });
    Checked {
        code: out.status.code(),
        json,
        stderr,
    }
}

// ---------------------------------------------------------------------------------------------
// The blueprints

fn var(name: &str, var_type: VarType, default: Option<&str>) -> VariableDecl {
    VariableDecl {
        name: name.into(),
        var_type,
        default: default.map(str::to_string),
        description: String::new(),
    }
}

fn evaluator(name: &str, check: Check) -> Evaluator {
    Evaluator {
        name: name.into(),
        weight: 1.0,
        check,
    }
}

fn capitals() -> BlueprintContent {
    let mut c = BlueprintContent::chat("Answer briefly.", "What is the capital of {{ country }}?");
    c.variables = vec![var("country", VarType::String, Some("France"))];
    c.model.provider = "bedrock".into();
    c.model.model_id = NOVA_LITE.into();
    c.model.max_tokens = Some(200);
    c.model.temperature = Some(0.2);
    c.model.top_p = Some(0.9);
    c.model.guardrail = Some(GuardrailConfig {
        identifier: "gr-capitals".into(),
        version: "1".into(),
        trace: true,
    });
    c.evaluators = vec![
        evaluator(
            "names the country",
            Check::Icontains {
                value: "{{ country }}".into(),
            },
        ),
        evaluator(
            "gives the capital",
            Check::Contains {
                value: "{{ reference }}".into(),
            },
        ),
    ];
    c
}

fn quiz() -> BlueprintContent {
    let mut c = BlueprintContent::chat("Answer in one word.", "{{ question }}");
    c.variables = vec![var("question", VarType::String, None)];
    c.model.provider = "openai".into();
    c.model.endpoint = Some(ENDPOINT.into());
    c.model.model_id = NOVA_LITE.into();
    c.model.max_tokens = Some(50);
    c.model.temperature = Some(0.0);
    c.model.top_p = None;
    c.evaluators = vec![
        evaluator(
            "names the answer",
            Check::Icontains {
                value: "{{ reference }}".into(),
            },
        ),
        evaluator(
            "does not give up",
            Check::NotContains {
                value: "I don't know".into(),
                ignore_case: true,
            },
        ),
    ];
    c
}

fn triage() -> BlueprintContent {
    let mut c = BlueprintContent::chat("You triage support tickets.", TRIAGE_USER);
    c.variables = vec![
        var("ticket", VarType::String, Some("Printer on fire")),
        var("urgent", VarType::Boolean, Some("false")),
        var("tags", VarType::Json, Some(r#"["hardware", "office"]"#)),
    ];
    c.model.provider = "bedrock".into();
    c.model.model_id = NOVA_MICRO.into();
    c
}

/// The blueprints by name, as saved.
fn blueprints() -> Vec<(&'static str, &'static str, BlueprintContent)> {
    vec![
        ("Capitals", "capitals", capitals()),
        ("Quiz", "quiz", quiz()),
        ("Triage", "triage", triage()),
    ]
}

/// A data folder with the three blueprints, the endpoint `sim` at `sim_url` in Settings, and the
/// datasets "Capitals" and "Quiz" (imported with the CLI, as a user would).
async fn seed(data: &Path, home: &Path, sim: &Sim) {
    let e = Engine::open(data).await.unwrap();
    for (name, _, content) in blueprints() {
        let bp = e
            .blueprints_create(BlueprintsCreateReq {
                name: name.into(),
                tags: vec![],
            })
            .await
            .unwrap();
        e.versions_save(VersionsSaveReq {
            id: bp.id,
            content,
            message: "for the format checks".into(),
        })
        .await
        .unwrap();
    }
    let mut settings = e.settings_get().await.unwrap();
    settings.endpoints.push(EndpointConfig {
        name: ENDPOINT.into(),
        settings: OpenAiSettings::new(format!("{}/v1", sim.url()), Some(KEY_VAR)),
    });
    e.settings_save(settings).await.unwrap();
    e.close().await;
    for (name, csv) in [("Capitals", CAPITALS_CSV), ("Quiz", QUIZ_CSV)] {
        let file = home.join(format!("{name}.csv"));
        std::fs::write(&file, csv).unwrap();
        let out = galley(data, home, sim)
            .args(["datasets", "import"])
            .arg(&file)
            .args(["--name", name])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// Seeds a data folder and exports it in `format` into `<tmp>/repo`; returns the folder and
/// what `galley export` printed, notes included (stdout, then stderr).
async fn export(tmp: &Path, sim: &Sim, format: &str) -> (PathBuf, String) {
    let (data, repo) = (tmp.join("data"), tmp.join("repo"));
    seed(&data, tmp, sim).await;
    let out = galley(&data, tmp, sim)
        .arg("export")
        .arg("--repo")
        .arg(&repo)
        .args(["--format", format])
        .output()
        .unwrap();
    let printed = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "galley export --format {format}:\n{printed}"
    );
    eprintln!("galley export --format {format}:\n{printed}");
    (repo, printed)
}

/// Galley's own rendering of a content with its defaults and `values`: (role, text) pairs.
fn galley_render(content: &BlueprintContent, values: &[(&str, &str)]) -> Vec<(String, String)> {
    let values: BTreeMap<String, String> = values
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    galley_engine::core::template::render(content, &values)
        .expect("the blueprint renders in Galley")
        .into_iter()
        .map(|m| (m.role, m.text.trim().to_string()))
        .collect()
}

fn roles_and_texts(messages: &Value) -> Vec<(String, String)> {
    messages
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| {
            (
                m["role"].as_str().unwrap().to_string(),
                m["content"].as_str().unwrap().trim().to_string(),
            )
        })
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("not a list: {v}"))
        .iter()
        .map(|s| {
            s.as_str()
                .unwrap_or_else(|| panic!("not text: {s}"))
                .to_string()
        })
        .collect()
}

/// A temporary folder, kept (and named on stderr) when `GALLEY_FORMATS_KEEP=1`, to read the
/// exported files after a failure.
fn work_dir() -> tempfile::TempDir {
    let mut dir = tempfile::Builder::new()
        .prefix("galley-formats-")
        .tempdir()
        .unwrap();
    if std::env::var("GALLEY_FORMATS_KEEP").as_deref() == Ok("1") {
        eprintln!("kept: {}", dir.path().display());
        dir.disable_cleanup(true);
    }
    dir
}

async fn sim() -> Sim {
    Sim::start(SimConfig {
        openai_api_key: Some(KEY.into()),
        ..SimConfig::default()
    })
    .await
    .unwrap()
}

// ---------------------------------------------------------------------------------------------
// Prompty

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompty_loads_renders_and_parses_every_exported_blueprint() {
    let test = "prompty";
    let Some(python) = need(tools().python, "GALLEY_FORMAT_TOOLS_PYTHON", test) else {
        return;
    };
    let sim = sim().await;
    let tmp = work_dir();
    let (repo, _) = export(tmp.path(), &sim, "prompty").await;
    let trust = sim.url();

    for (name, slug, content) in blueprints() {
        let file = repo.join(format!("prompts/{slug}.prompty"));
        let file = file.to_str().unwrap();
        let inputs = if slug == "quiz" {
            r#"{"question": "Capital of Peru?"}"#
        } else {
            "{}"
        };
        let c = check(
            &python,
            "check_prompty.py",
            &["--inputs", inputs, "--trust", &trust, file],
            &[(KEY_VAR, KEY)],
        );
        assert_eq!(c.code, Some(0), "{name}: {}", c.stderr);
        let j = &c.json;
        assert!(
            j["name"] == name || (j["name"] == slug && j["displayName"] == name),
            "{name}: parsed name {} / {}",
            j["name"],
            j["displayName"]
        );
        assert_eq!(j["model"]["id"], content.model.model_id, "{name}");
        assert_eq!(j["template"]["format"], "jinja2", "{name}");
        assert_eq!(j["template"]["parser"], "prompty", "{name}");
        let input_names: Vec<&str> = j["inputs"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["name"].as_str().unwrap())
            .collect();
        let declared: Vec<&str> = content.variables.iter().map(|v| v.name.as_str()).collect();
        assert_eq!(input_names, declared, "{name}: inputs");
        let given: Vec<(&str, &str)> = if slug == "quiz" {
            vec![("question", "Capital of Peru?")]
        } else {
            vec![]
        };
        assert_eq!(
            roles_and_texts(&j["messages"]),
            galley_render(&content, &given),
            "{name}: prompty's messages differ from Galley's"
        );
    }

    // The values that matter, written out: defaults typed as declared, the endpoint and options.
    let triage = check(
        &python,
        "check_prompty.py",
        &[
            "--inputs",
            r#"{"urgent": true, "tags": ["network"]}"#,
            repo.join("prompts/triage.prompty").to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(triage.code, Some(0), "{}", triage.stderr);
    let inputs = &triage.json["inputs"];
    assert_eq!(
        [&inputs[0]["kind"], &inputs[1]["kind"]],
        [&json!("string"), &json!("boolean")]
    );
    assert_eq!(inputs[0]["default"], "Printer on fire");
    assert_eq!(inputs[1]["default"], false);
    assert_eq!(inputs[2]["default"], json!(["hardware", "office"]));
    assert_eq!(
        roles_and_texts(&triage.json["messages"]),
        vec![
            ("system".into(), "You triage support tickets.".into()),
            (
                "user".into(),
                "URGENT: Printer on fire\nTags: network".into()
            )
        ]
    );
    let quiz = check(
        &python,
        "check_prompty.py",
        &[
            "--inputs",
            r#"{"question": "Why?"}"#,
            "--trust",
            &trust,
            repo.join("prompts/quiz.prompty").to_str().unwrap(),
        ],
        &[(KEY_VAR, KEY)],
    );
    assert_eq!(quiz.code, Some(0), "{}", quiz.stderr);
    assert_eq!(
        quiz.json["model"]["connection"]["endpoint"],
        format!("{}/v1", sim.url())
    );
    assert_eq!(quiz.json["model"]["options"]["temperature"], 0.0);
    assert_eq!(quiz.json["model"]["options"]["maxOutputTokens"], 50);

    // The loader is strict: an input without its kind is refused, naming it.
    let broken = tmp.path().join("broken.prompty");
    let text = std::fs::read_to_string(repo.join("prompts/capitals.prompty")).unwrap();
    std::fs::write(&broken, text.replacen("kind: string", "kind: ''", 1)).unwrap();
    let mut cmd = Command::new(&python);
    let out = cmd
        .arg(checker("check_prompty.py"))
        .arg(&broken)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("refused the file"));
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// Bedrock Prompt Management

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn botocore_accepts_every_create_prompt_body_and_refuses_a_broken_one() {
    let test = "bedrock";
    let Some(python) = need(tools().python, "GALLEY_FORMAT_TOOLS_PYTHON", test) else {
        return;
    };
    let sim = sim().await;
    let tmp = work_dir();
    let (repo, notes) = export(tmp.path(), &sim, "bedrock").await;

    for (name, slug, content) in blueprints() {
        let file = repo.join(format!("bedrock/{slug}.json"));
        let c = check(&python, "check_bedrock.py", &[file.to_str().unwrap()], &[]);
        assert_eq!(c.code, Some(0), "{name}: {}", c.stderr);
        let v = &c.json["validated"];
        assert_eq!(c.json["paramValidatorErrors"], json!([]), "{name}");
        assert_eq!(c.json["constraintErrors"], json!([]), "{name}");
        let variants = v["variants"].as_array().unwrap();
        assert_eq!(variants.len(), 1, "{name}: one variant");
        assert_eq!(v["defaultVariant"], variants[0]["name"], "{name}");
        assert_eq!(variants[0]["templateType"], "CHAT", "{name}");
        if slug == "quiz" {
            // its model runs on an endpoint, not Bedrock: no modelId, and a note says so
            assert_eq!(variants[0]["modelId"], Value::Null, "{name}");
        } else {
            assert_eq!(variants[0]["modelId"], content.model.model_id, "{name}");
        }
        let declared: Vec<String> = content.variables.iter().map(|v| v.name.clone()).collect();
        let mut inputs = strings(&variants[0]["inputVariables"]);
        inputs.sort();
        let mut want = declared.clone();
        want.sort();
        assert_eq!(inputs, want, "{name}: inputVariables");
        if slug != "triage" {
            // a plain template: every placeholder is a declared variable, written `{{name}}`
            let mut placeholders = strings(&variants[0]["placeholders"]);
            placeholders.sort();
            assert_eq!(placeholders, want, "{name}: placeholders");
        }
    }
    // What a CreatePrompt body cannot hold is said: Capitals' guardrail and evaluators, Quiz's
    // endpoint, Triage's template logic (Bedrock only fills `{{name}}`).
    for file in [
        "bedrock/capitals.json: ",
        "bedrock/quiz.json: ",
        "bedrock/triage.json: ",
    ] {
        assert!(notes.contains(file), "no note for {file}\n{notes}");
    }

    // A broken copy is refused, each problem listed.
    let body: Value =
        serde_json::from_str(&std::fs::read_to_string(repo.join("bedrock/capitals.json")).unwrap())
            .unwrap();
    let mut broken = body.clone();
    broken["name"] = json!("Capitals quiz!");
    broken["variants"][0]["templateType"] = json!("CHATTY");
    broken["variants"][0]["inferenceConfiguration"] = json!({"text": {"temperature": "warm"}});
    broken["variants"][0]["templateConfiguration"]["chat"]
        .as_object_mut()
        .unwrap()
        .remove("messages");
    broken["guardrail"] = json!({"id": "gr-capitals"});
    let file = tmp.path().join("broken.json");
    std::fs::write(&file, serde_json::to_string(&broken).unwrap()).unwrap();
    let c = check(&python, "check_bedrock.py", &[file.to_str().unwrap()], &[]);
    assert_eq!(c.code, Some(1));
    let errors = format!(
        "{}\n{}",
        c.json["paramValidatorErrors"], c.json["constraintErrors"]
    );
    for says in [
        "Unknown parameter in input: \\\"guardrail\\\"",
        "Missing required parameter in variants[0].templateConfiguration.chat: \\\"messages\\\"",
        "Invalid type for parameter variants[0].inferenceConfiguration.text.temperature",
        "variants[0].templateType: 'CHATTY' is not one of TEXT, CHAT",
        "name: 'Capitals quiz!' does not match the pattern",
    ] {
        assert!(errors.contains(says), "{says} not in {errors}");
    }
    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// promptfoo

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn promptfoo_validates_every_config_and_evaluates_the_endpoint_one_on_bedrock_sim() {
    let test = "promptfoo";
    let t = tools();
    let Some(python) = need(t.python, "GALLEY_FORMAT_TOOLS_PYTHON", test) else {
        return;
    };
    let Some(promptfoo) = need(t.promptfoo, "GALLEY_FORMAT_TOOLS_PROMPTFOO", test) else {
        return;
    };
    let sim = sim().await;
    let tmp = work_dir();
    let (repo, _) = export(tmp.path(), &sim, "promptfoo").await;
    let promptfoo = promptfoo.to_str().unwrap().to_string();
    let config = |slug: &str| {
        repo.join(format!("promptfoo/{slug}/promptfooconfig.yaml"))
            .to_str()
            .unwrap()
            .to_string()
    };

    // The Bedrock configurations are validated (beside the endpoint one's evaluation): promptfoo's
    // `bedrock:` provider calls InvokeModel, which bedrock-sim does not serve (it serves Converse).
    let key_env = format!("{KEY_VAR}={KEY}");
    let validate = |slug: &str| {
        check(
            &python,
            "check_promptfoo.py",
            &["--promptfoo", &promptfoo, &config(slug)],
            &[],
        )
    };
    let (quiz, (capitals, triage)) = std::thread::scope(|s| {
        let others = s.spawn(|| (validate("capitals"), validate("triage")));
        let quiz = check(
            &python,
            "check_promptfoo.py",
            &[
                "--promptfoo",
                &promptfoo,
                "--eval",
                "--env",
                &key_env,
                &config("quiz"),
            ],
            &[],
        );
        (quiz, others.join().unwrap())
    });

    for (name, c) in [
        ("Capitals", &capitals),
        ("Triage", &triage),
        ("Quiz", &quiz),
    ] {
        assert_eq!(c.code, Some(0), "{name}: {}\n{}", c.stderr, c.json);
        assert_eq!(c.json["validate"]["ok"], true, "{name}: {}", c.json);
        assert_eq!(c.json["promptfoo"], "0.121.20");
    }

    // Capitals: the Bedrock provider with its guardrail, a test per case of the dataset.
    let cfg = &capitals.json["config"];
    let providers = cfg["providers"].as_array().unwrap();
    assert_eq!(providers.len(), 1);
    assert_eq!(providers[0]["id"], format!("bedrock:{NOVA_LITE}"));
    assert_eq!(providers[0]["config"]["guardrailIdentifier"], "gr-capitals");
    assert_eq!(providers[0]["config"]["guardrailVersion"], "1");
    assert_eq!(providers[0]["config"]["temperature"], 0.2);
    assert_eq!(cfg["tests"].as_array().map(Vec::len), Some(2), "{cfg}");

    // Quiz: the endpoint's provider, then a real evaluation: every case run once through
    // bedrock-sim with the key from the named variable; three pass, one fails.
    let cfg = &quiz.json["config"];
    let provider = &cfg["providers"][0];
    assert_eq!(provider["id"], format!("openai:chat:{NOVA_LITE}"));
    assert_eq!(
        provider["config"]["apiBaseUrl"],
        format!("{}/v1", sim.url())
    );
    assert_eq!(provider["config"]["apiKeyEnvar"], KEY_VAR);
    let eval = &quiz.json["eval"];
    let results = eval["results"].as_array().unwrap();
    assert_eq!(results.len(), 4, "{eval}");
    assert_eq!(
        eval["stats"],
        json!({"successes": 3, "failures": 1, "errors": 0}),
        "{eval}"
    );
    let mut outcomes: Vec<(String, bool)> = results
        .iter()
        .map(|r| {
            (
                r["output"].as_str().unwrap().to_string(),
                r["success"].as_bool().unwrap(),
            )
        })
        .collect();
    outcomes.sort();
    assert_eq!(
        outcomes,
        vec![
            ("echo: Capital of Chile? Santiago".to_string(), true),
            ("echo: Capital of France? Paris".to_string(), true),
            ("echo: Capital of Peru?".to_string(), false),
            ("echo: Capital of Spain? Madrid".to_string(), true),
        ]
    );
    let calls: Vec<_> = sim
        .requests()
        .into_iter()
        .filter(|r| r.operation == "OpenAIChat")
        .collect();
    assert_eq!(calls.len(), 4);
    assert!(calls.iter().all(|r| r.status == 200), "{calls:?}");
    let first = &calls[0].body;
    assert_eq!(first["model"], NOVA_LITE);
    assert_eq!(first["messages"][0]["content"], "Answer in one word.");
    assert_eq!(first["temperature"], 0.0);
    assert_eq!(first["max_tokens"], 50);

    // Triage: how promptfoo fills the Jinja logic with the exported test's values (the
    // variables' defaults: a boolean, a JSON list), seen through bedrock-sim's echo of the last
    // user message, must be what Galley renders. Its own provider is Bedrock, so a copy with the
    // endpoint's provider is run.
    let swapped = json!([{
        "id": format!("openai:chat:{NOVA_LITE}"),
        "config": {"apiBaseUrl": format!("{}/v1", sim.url()), "apiKeyEnvar": KEY_VAR},
    }])
    .to_string();
    let c = check(
        &python,
        "check_promptfoo.py",
        &[
            "--promptfoo",
            &promptfoo,
            "--eval",
            "--env",
            &key_env,
            "--providers",
            &swapped,
            &config("triage"),
        ],
        &[],
    );
    assert_eq!(c.code, Some(0), "{}\n{}", c.stderr, c.json);
    let results = c.json["eval"]["results"].as_array().unwrap();
    assert_eq!(results.len(), 1, "one test, from the defaults: {}", c.json);
    let galley_user = galley_render(&blueprints()[2].2, &[]).pop().unwrap().1;
    assert_eq!(galley_user, "Printer on fire\nTags: hardware, office");
    assert_eq!(
        results[0]["output"],
        format!("echo: {galley_user}"),
        "promptfoo filled the template unlike Galley with vars {}",
        results[0]["vars"]
    );

    sim.shutdown().await;
}

// ---------------------------------------------------------------------------------------------
// GitHub Models

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn prompt_yml_files_fit_the_schema_and_what_the_models_runner_needs() {
    let test = "prompt-yml";
    let Some(python) = need(tools().python, "GALLEY_FORMAT_TOOLS_PYTHON", test) else {
        return;
    };
    let sim = sim().await;
    let tmp = work_dir();
    let (repo, notes) = export(tmp.path(), &sim, "prompt-yml").await;

    for (name, slug, content) in blueprints() {
        let file = repo.join(format!("prompts/{slug}.prompt.yml"));
        let c = check(
            &python,
            "check_prompt_yml.py",
            &[file.to_str().unwrap()],
            &[],
        );
        assert_eq!(c.code, Some(0), "{name}: {}", c.stderr);
        let j = &c.json;
        assert_eq!(j["name"], name);
        assert!(
            j["model"]
                .as_str()
                .unwrap()
                .contains(&content.model.model_id),
            "{name}: model {}",
            j["model"]
        );
        let roles: Vec<String> = roles_and_texts(&j["messages"])
            .into_iter()
            .map(|(r, _)| r)
            .collect();
        assert_eq!(roles, ["system", "user"], "{name}");
        if slug == "triage" {
            // The runner only substitutes `{{name}}`: the template logic would reach the model
            // as written, which the export must have said.
            assert_ne!(j["warnings"], json!([]), "{name}");
            assert!(
                notes.contains("prompts/triage.prompt.yml: "),
                "no note on the template logic:\n{notes}"
            );
        } else {
            assert_eq!(j["warnings"], json!([]), "{name}");
        }
    }

    // Capitals: the dataset's cases as test data, rendered as the runner does.
    let c = check(
        &python,
        "check_prompt_yml.py",
        &[repo.join("prompts/capitals.prompt.yml").to_str().unwrap()],
        &[],
    );
    let j = &c.json;
    assert_eq!(j["placeholders"], json!(["country"]));
    assert_eq!(j["testData"].as_array().map(Vec::len), Some(2));
    assert_eq!(j["testData"][0]["country"], "France");
    assert_eq!(
        roles_and_texts(&j["firstTestMessages"]),
        galley_render(&capitals(), &[("country", "France")])
    );
    assert_eq!(j["modelParameters"]["maxTokens"], 200);
    assert_eq!(j["modelParameters"]["temperature"], 0.2);

    // A broken copy is refused.
    let broken = tmp.path().join("broken.prompt.yml");
    let text = std::fs::read_to_string(repo.join("prompts/capitals.prompt.yml")).unwrap();
    std::fs::write(&broken, text.replacen("role: user", "role: robot", 1)).unwrap();
    let c = check(
        &python,
        "check_prompt_yml.py",
        &[broken.to_str().unwrap()],
        &[],
    );
    assert_eq!(c.code, Some(1));
    assert!(c.stderr.contains("'robot' is not one of"), "{}", c.stderr);
    sim.shutdown().await;
}
