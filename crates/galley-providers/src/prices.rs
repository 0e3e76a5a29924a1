//! Token prices: a dated table bundled with the app (`assets/prices/bedrock.json`), optionally
//! overridden entry by entry from a user file, and the cost of one call.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::model_id::{base_model_id, strip_arn};
use crate::provider::Usage;

const BUNDLED: &str = include_str!("../../../assets/prices/bedrock.json");

/// USD per million tokens.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct Price {
    pub input: f64,
    pub output: f64,
    /// Cache reads; `None` charges them at the input price.
    pub cache_read: Option<f64>,
    /// Cache writes; `None` charges them at the input price.
    pub cache_write: Option<f64>,
}

impl Price {
    /// The cost in USD of these token counts.
    pub fn cost_usd(&self, usage: &Usage) -> f64 {
        let per_token = |count: u32, per_million: f64| f64::from(count) * per_million / 1_000_000.0;
        per_token(usage.input_tokens, self.input)
            + per_token(usage.output_tokens, self.output)
            + per_token(
                usage.cache_read_tokens,
                self.cache_read.unwrap_or(self.input),
            )
            + per_token(
                usage.cache_write_tokens,
                self.cache_write.unwrap_or(self.input),
            )
    }
}

/// One model in the price table.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PriceEntry {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    pub provider: Option<String>,
    pub input: f64,
    pub output: f64,
    #[serde(default)]
    pub cache_read: Option<f64>,
    #[serde(default)]
    pub cache_write: Option<f64>,
    #[serde(default)]
    pub context_window: Option<u32>,
    /// Bedrock serves this model only through an inference profile.
    #[serde(default)]
    pub profile_only: bool,
}

impl PriceEntry {
    pub fn price(&self) -> Price {
        Price {
            input: self.input,
            output: self.output,
            cache_read: self.cache_read,
            cache_write: self.cache_write,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
#[allow(dead_code)] // `unit` and `notes` are accepted for people reading the file
struct PriceFile {
    #[serde(default)]
    as_of: Option<String>,
    #[serde(default)]
    source: Option<String>,
    #[serde(default)]
    currency: Option<String>,
    #[serde(default)]
    unit: Option<String>,
    #[serde(default)]
    notes: Option<String>,
    models: BTreeMap<String, PriceEntry>,
}

/// A price file Galley cannot use.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PriceError {
    #[error("price file line {line}, column {column}: {message}")]
    Syntax {
        line: usize,
        column: usize,
        message: String,
    },
    #[error("price file, model `{model_id}`: {message}")]
    Value { model_id: String, message: String },
}

fn parse(json: &str) -> Result<PriceFile, PriceError> {
    let file: PriceFile = serde_json::from_str(json).map_err(|e| PriceError::Syntax {
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    })?;
    if let Some(currency) = &file.currency {
        if currency != "USD" {
            return Err(PriceError::Syntax {
                line: 1,
                column: 1,
                message: format!("currency `{currency}` is not supported: prices are in USD"),
            });
        }
    }
    for (model_id, entry) in &file.models {
        let figures = [
            Some(entry.input),
            Some(entry.output),
            entry.cache_read,
            entry.cache_write,
        ];
        if figures
            .into_iter()
            .flatten()
            .any(|p| !p.is_finite() || p < 0.0)
        {
            return Err(PriceError::Value {
                model_id: model_id.clone(),
                message: "prices must be zero or positive numbers (USD per million tokens)".into(),
            });
        }
    }
    Ok(file)
}

/// serde_json appends " at line L column C"; the error already says where.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// The price table in use: the bundled one plus the user's overrides.
#[derive(Debug, Clone, PartialEq)]
pub struct Prices {
    as_of: String,
    source: String,
    entries: BTreeMap<String, PriceEntry>,
    overridden: BTreeSet<String>,
}

impl Default for Prices {
    fn default() -> Self {
        Prices::bundled()
    }
}

impl Prices {
    /// The table bundled with Galley.
    pub fn bundled() -> Prices {
        // The bundled file is checked by a unit test; a broken one must not ship.
        let file = parse(BUNDLED).unwrap_or_else(|e| panic!("bundled price table: {e}"));
        Prices {
            as_of: file.as_of.unwrap_or_default(),
            source: file.source.unwrap_or_default(),
            entries: file.models,
            overridden: BTreeSet::new(),
        }
    }

    /// The bundled table with the entries of a user price file (same format; only `models` is
    /// required) replacing or adding entries by id.
    pub fn with_overrides(user_json: &str) -> Result<Prices, PriceError> {
        let mut prices = Prices::bundled();
        prices.apply_overrides(user_json)?;
        Ok(prices)
    }

    /// Replaces or adds the entries of a user price file.
    pub fn apply_overrides(&mut self, user_json: &str) -> Result<(), PriceError> {
        let file = parse(user_json)?;
        for (id, entry) in file.models {
            self.overridden.insert(id.clone());
            self.entries.insert(id, entry);
        }
        Ok(())
    }

    /// The date the bundled prices were checked (`"2026-11-27"`).
    pub fn as_of(&self) -> &str {
        &self.as_of
    }

    /// Where the bundled prices come from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Whether the user's file set the price of this exact id.
    pub fn is_overridden(&self, model_id: &str) -> bool {
        self.overridden.contains(model_id)
    }

    /// All entries by id.
    pub fn entries(&self) -> impl Iterator<Item = (&str, &PriceEntry)> {
        self.entries.iter().map(|(id, e)| (id.as_str(), e))
    }

    /// The entry for a model id: its own entry, else (for an inference profile or ARN) its base
    /// model's.
    pub fn entry(&self, model_id: &str) -> Option<&PriceEntry> {
        let id = strip_arn(model_id.trim());
        self.entries
            .get(id)
            .or_else(|| self.entries.get(base_model_id(id)))
    }

    /// The price of a model id (see [`Prices::entry`]).
    pub fn price(&self, model_id: &str) -> Option<Price> {
        self.entry(model_id).map(PriceEntry::price)
    }

    /// The cost in USD of one call, if the model is priced.
    pub fn cost_usd(&self, model_id: &str, usage: &Usage) -> Option<f64> {
        self.price(model_id).map(|p| p.cost_usd(usage))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HAIKU_35: &str = "anthropic.claude-3-5-haiku-20241022-v1:0";
    const SONNET_45: &str = "anthropic.claude-sonnet-4-5-20250929-v1:0";

    fn usage(input: u32, output: u32, read: u32, write: u32) -> Usage {
        Usage {
            input_tokens: input,
            output_tokens: output,
            cache_read_tokens: read,
            cache_write_tokens: write,
        }
    }

    fn assert_usd(actual: Option<f64>, expected: f64) {
        let actual = actual.expect("priced");
        assert!(
            (actual - expected).abs() < 1e-12,
            "expected {expected} USD, got {actual}"
        );
    }

    #[test]
    fn bundled_table_is_dated_and_sourced() {
        let prices = Prices::bundled();
        assert_eq!(prices.as_of(), "2026-11-27");
        assert!(prices
            .source()
            .contains("https://aws.amazon.com/bedrock/pricing/"));
        assert!(prices.entries().count() >= 21);
        for (id, entry) in prices.entries() {
            assert!(entry.name.is_some(), "{id} has no name");
            assert!(entry.provider.is_some(), "{id} has no provider");
            assert!(entry.input > 0.0 && entry.output > 0.0, "{id}");
        }
    }

    #[test]
    fn haiku_35_input_and_output() {
        let prices = Prices::bundled();
        // 1,000 × 0.80 / 1M + 500 × 4.00 / 1M = 0.0008 + 0.002
        assert_usd(prices.cost_usd(HAIKU_35, &usage(1_000, 500, 0, 0)), 0.0028);
    }

    #[test]
    fn cache_reads_and_writes_are_priced_separately() {
        let prices = Prices::bundled();
        // 100 in × 0.80 + 10 out × 4.00 + 2,000 read × 0.08 + 1,000 write × 1.00 (per 1M)
        let expected = 0.00008 + 0.00004 + 0.00016 + 0.001;
        assert_usd(
            prices.cost_usd(HAIKU_35, &usage(100, 10, 2_000, 1_000)),
            expected,
        );
        // Nova Lite has no cache-write price: writes are charged at the input price.
        assert_usd(
            prices.cost_usd("amazon.nova-lite-v1:0", &usage(0, 0, 1_000_000, 1_000_000)),
            0.015 + 0.06,
        );
    }

    #[test]
    fn profiles_use_their_own_entry_else_the_base_model() {
        let prices = Prices::bundled();
        let u = usage(1_000_000, 1_000_000, 0, 0);
        assert_usd(
            prices.cost_usd(&format!("us.{SONNET_45}"), &u),
            3.30 + 16.50,
        );
        assert_usd(
            prices.cost_usd(&format!("global.{SONNET_45}"), &u),
            3.0 + 15.0,
        );
        assert_usd(prices.cost_usd(SONNET_45, &u), 3.0 + 15.0);
        assert_usd(
            prices.cost_usd("us.anthropic.claude-haiku-4-5-20251001-v1:0", &u),
            1.10 + 5.50,
        );
        assert_usd(
            prices.cost_usd("us.amazon.nova-micro-v1:0", &usage(1_000, 1_000, 0, 0)),
            0.000035 + 0.00014,
        );
        assert_usd(
            prices.cost_usd(
                "arn:aws:bedrock:us-east-1::foundation-model/meta.llama3-8b-instruct-v1:0",
                &usage(1_000_000, 0, 0, 0),
            ),
            0.30,
        );
        assert_eq!(prices.cost_usd("acme.unknown-v1:0", &u), None);
    }

    #[test]
    fn user_file_overrides_and_adds_entries() {
        let user = r#"{"models": {
            "anthropic.claude-3-5-haiku-20241022-v1:0": {"input": 1.0, "output": 2.0},
            "acme.house-model-v1:0": {"name": "House", "input": 0.5, "output": 0.5, "contextWindow": 4096}
        }}"#;
        let prices = Prices::with_overrides(user).unwrap();
        assert!(prices.is_overridden(HAIKU_35));
        assert!(!prices.is_overridden(SONNET_45));
        assert_usd(prices.cost_usd(HAIKU_35, &usage(1_000, 500, 0, 0)), 0.002);
        // the replaced entry has no cache prices any more: reads cost the input price
        assert_usd(prices.cost_usd(HAIKU_35, &usage(0, 0, 1_000, 0)), 0.001);
        assert_usd(
            prices.cost_usd("acme.house-model-v1:0", &usage(2_000, 0, 0, 0)),
            0.001,
        );
        assert_eq!(
            prices
                .entry("acme.house-model-v1:0")
                .unwrap()
                .context_window,
            Some(4096)
        );
        // untouched entries and the date stay
        assert_usd(prices.cost_usd(SONNET_45, &usage(1_000_000, 0, 0, 0)), 3.0);
        assert_eq!(prices.as_of(), "2026-11-27");
    }

    #[test]
    fn invalid_user_json_names_the_line() {
        let user = "{\n  \"models\": {\n    \"x\": {\"input\": 1.0,, \"output\": 2}\n  }\n}";
        let err = Prices::with_overrides(user).unwrap_err();
        match &err {
            PriceError::Syntax { line, .. } => assert_eq!(*line, 3),
            other => panic!("unexpected {other:?}"),
        }
        let message = err.to_string();
        assert!(
            message.starts_with("price file line 3, column "),
            "{message}"
        );
        assert!(!message.contains(" at line "), "{message}");

        let err = Prices::with_overrides("{\"models\": {\"x\": {\"input\": 1}}}").unwrap_err();
        assert!(err.to_string().contains("missing field `output`"), "{err}");

        let err = Prices::with_overrides(
            "{\"models\": {\"x\": {\"input\": 1, \"output\": 1, \"inptu\": 2}}}",
        )
        .unwrap_err();
        assert!(err.to_string().contains("unknown field `inptu`"), "{err}");

        let err = Prices::with_overrides("{\"models\": {\"x\": {\"input\": -1, \"output\": 1}}}")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "price file, model `x`: prices must be zero or positive numbers (USD per million tokens)"
        );

        let err = Prices::with_overrides("{\"currency\": \"EUR\", \"models\": {}}").unwrap_err();
        assert!(err.to_string().contains("currency `EUR`"), "{err}");
    }
}
