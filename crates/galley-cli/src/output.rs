//! What the CLI prints: text for people, `--json` for scripts.

use galley_engine::core::RenderedMessage;
use galley_engine::{BlueprintSummary, LabelState, Version};

pub fn blueprint_list(list: &[BlueprintSummary], json: bool) {
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(list).expect("serialises")
        );
        return;
    }
    if list.is_empty() {
        println!("no blueprints");
        return;
    }
    let width = list
        .iter()
        .map(|b| b.name.chars().count())
        .max()
        .unwrap_or(4)
        .max(4);
    println!("{:<width$}  {:>7}  {:>5}  TAGS", "NAME", "LATEST", "PROD");
    for b in list {
        let latest = b
            .latest_version
            .map_or("-".to_string(), |v| format!("v{v}"));
        let prod = b.prod_version.map_or("-".to_string(), |v| format!("v{v}"));
        let line = format!(
            "{:<width$}  {:>7}  {:>5}  {}",
            b.name,
            latest,
            prod,
            b.tags.join(", ")
        );
        println!("{}", line.trim_end());
    }
}

pub fn version(name: &str, v: &Version, labels: &[LabelState], json: bool) {
    if json {
        let value = serde_json::json!({
            "name": name,
            "version": v.meta,
            "labels": labels.iter().filter(|l| l.version == v.meta.number).map(|l| l.label).collect::<Vec<_>>(),
            "content": v.content,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&value).expect("serialises")
        );
        return;
    }
    let here: Vec<&str> = labels
        .iter()
        .filter(|l| l.version == v.meta.number)
        .map(|l| l.label.as_str())
        .collect();
    println!(
        "{name} v{}{}",
        v.meta.number,
        if here.is_empty() {
            String::new()
        } else {
            format!(" [{}]", here.join(", "))
        }
    );
    println!(
        "message: {}",
        if v.meta.message.is_empty() {
            "(none)"
        } else {
            &v.meta.message
        }
    );
    println!("author:  {}", v.meta.author);
    println!("saved:   {}", v.meta.created_at);
    let m = &v.content.model;
    println!(
        "model:   {} {} (max tokens {}, temperature {}, top p {})",
        m.provider,
        m.model_id,
        m.max_tokens.map_or("-".into(), |x| x.to_string()),
        m.temperature.map_or("-".into(), |x| x.to_string()),
        m.top_p.map_or("-".into(), |x| x.to_string()),
    );
    if !m.stop_sequences.is_empty() {
        println!("stop:    {:?}", m.stop_sequences);
    }
    for var in &v.content.variables {
        let default = var
            .default
            .as_deref()
            .map(|d| format!(" = {d:?}"))
            .unwrap_or_default();
        println!(
            "var:     {} ({:?}){default} {}",
            var.name, var.var_type, var.description
        );
    }
    for (place, text) in v.content.templates() {
        println!("\n── {place} ──\n{text}");
    }
}

pub fn messages(messages: &[RenderedMessage], json: bool) {
    if json {
        println!("{}", serde_json::json!({ "messages": messages }));
        return;
    }
    for (i, m) in messages.iter().enumerate() {
        if i > 0 {
            println!();
        }
        println!("── {} ──\n{}", m.role, m.text);
    }
}
