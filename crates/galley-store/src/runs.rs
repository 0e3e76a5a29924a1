//! Comparison runs and their cells, the response cache and the full-text index of runs.
//!
//! The spec, requests and errors are JSON the engine owns; the store keeps them as text and never
//! looks inside, except to index templates, inputs and outputs for search.

use serde_json::Value;
use sqlx::Row;

use crate::db::Store;
use crate::error::StoreError;

/// A run as stored, with counts of its cells.
#[derive(Debug, Clone, PartialEq)]
pub struct RunRow {
    pub id: String,
    pub blueprint_id: String,
    pub blueprint_name: String,
    pub spec: Value,
    pub status: String,
    pub cells_total: u32,
    pub source: String,
    pub pid: Option<u32>,
    pub created_at: String,
    pub updated_at: String,
    /// Cells stored with status `ok`.
    pub cells_ok: u32,
    /// Cells stored with status `error` or `cancelled`.
    pub cells_failed: u32,
    pub cost_usd: f64,
}

/// A new run.
#[derive(Debug, Clone)]
pub struct RunInsert<'a> {
    pub id: &'a str,
    pub blueprint_id: &'a str,
    pub blueprint_name: &'a str,
    pub spec: &'a Value,
    pub cells_total: u32,
    pub source: &'a str,
    pub pid: u32,
    pub now: &'a str,
    /// Text to index for search: the templates and the inputs.
    pub search_text: &'a str,
}

/// One finished cell.
#[derive(Debug, Clone, PartialEq)]
pub struct CellRow {
    pub column_index: u32,
    pub input_index: u32,
    pub repeat: u32,
    pub status: String,
    pub text: String,
    pub stop_reason: Option<String>,
    pub input_tokens: Option<u32>,
    pub output_tokens: Option<u32>,
    pub cache_read_tokens: Option<u32>,
    pub cache_write_tokens: Option<u32>,
    pub ttft_ms: Option<u64>,
    pub latency_ms: Option<u64>,
    pub cost_usd: Option<f64>,
    pub cache_hit: bool,
    pub attempts: u32,
    pub error: Option<Value>,
    pub request: Value,
    pub finished_at: String,
}

/// An answer to keep in the response cache, under the key of the request that produced it.
#[derive(Debug, Clone, Copy)]
pub struct CacheEntry<'a> {
    pub key: &'a str,
    pub outcome: &'a Value,
}

/// Which runs to list.
#[derive(Debug, Clone, Default)]
pub struct RunsQuery {
    pub blueprint_id: Option<String>,
    /// Full-text query over templates, inputs and outputs (words; all must match).
    pub text: Option<String>,
    /// Runs created at or after this RFC 3339 time.
    pub since: Option<String>,
    /// Runs created before this RFC 3339 time.
    pub until: Option<String>,
    pub limit: u32,
}

const RUN_COLUMNS: &str = "r.id, r.blueprint_id, r.blueprint_name, r.spec, r.status, r.cells_total, \
     r.source, r.pid, r.created_at, r.updated_at, \
     (SELECT COUNT(*) FROM run_cells c WHERE c.run_id = r.id AND c.status = 'ok') AS cells_ok, \
     (SELECT COUNT(*) FROM run_cells c WHERE c.run_id = r.id AND c.status <> 'ok') AS cells_failed, \
     (SELECT TOTAL(c.cost_usd) FROM run_cells c WHERE c.run_id = r.id) AS cost_usd";

impl Store {
    pub async fn run_insert(&self, run: &RunInsert<'_>) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        sqlx::query(
            "INSERT INTO runs (id, blueprint_id, blueprint_name, spec, status, cells_total, source, pid, created_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, 'running', ?5, ?6, ?7, ?8, ?8)",
        )
        .bind(run.id)
        .bind(run.blueprint_id)
        .bind(run.blueprint_name)
        .bind(run.spec.to_string())
        .bind(run.cells_total)
        .bind(run.source)
        .bind(run.pid)
        .bind(run.now)
        .execute(&mut *tx)
        .await?;
        sqlx::query("INSERT INTO runs_fts (run_id, body) VALUES (?1, ?2)")
            .bind(run.id)
            .bind(run.search_text)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Marks a run `running` again (by this process) or ends it.
    pub async fn run_set_status(
        &self,
        id: &str,
        status: &str,
        pid: Option<u32>,
        now: &str,
    ) -> Result<(), StoreError> {
        let done =
            sqlx::query("UPDATE runs SET status = ?2, pid = ?3, updated_at = ?4 WHERE id = ?1")
                .bind(id)
                .bind(status)
                .bind(pid)
                .bind(now)
                .execute(&self.pool)
                .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("run {id}")));
        }
        Ok(())
    }

    /// Writes a finished cell (replacing an earlier failed attempt of the same cell), indexes its
    /// text and, for an answer fresh from the model, keeps it in the response cache, in one
    /// transaction: a cell whose write was cut short (a killed process) is missing together with
    /// its cache entry, so Resume calls the model for it again.
    pub async fn cell_put(
        &self,
        run_id: &str,
        cell: &CellRow,
        cache: Option<CacheEntry<'_>>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        if let Some(entry) = cache {
            sqlx::query(
                "INSERT OR REPLACE INTO response_cache (key, outcome, created_at) VALUES (?1, ?2, ?3)",
            )
            .bind(entry.key)
            .bind(entry.outcome.to_string())
            .bind(&cell.finished_at)
            .execute(&mut *tx)
            .await?;
        }
        sqlx::query(
            "INSERT OR REPLACE INTO run_cells (run_id, column_index, input_index, repeat, status, text,
               stop_reason, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens,
               ttft_ms, latency_ms, cost_usd, cache_hit, attempts, error, request, finished_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19)",
        )
        .bind(run_id)
        .bind(cell.column_index)
        .bind(cell.input_index)
        .bind(cell.repeat)
        .bind(&cell.status)
        .bind(&cell.text)
        .bind(&cell.stop_reason)
        .bind(cell.input_tokens)
        .bind(cell.output_tokens)
        .bind(cell.cache_read_tokens)
        .bind(cell.cache_write_tokens)
        .bind(cell.ttft_ms.map(|v| v as i64))
        .bind(cell.latency_ms.map(|v| v as i64))
        .bind(cell.cost_usd)
        .bind(cell.cache_hit)
        .bind(cell.attempts)
        .bind(cell.error.as_ref().map(Value::to_string))
        .bind(cell.request.to_string())
        .bind(&cell.finished_at)
        .execute(&mut *tx)
        .await
        .map_err(|e| match &e {
            sqlx::Error::Database(db) if db.is_foreign_key_violation() => {
                StoreError::NotFound(format!("run {run_id}"))
            }
            _ => StoreError::Sql(e),
        })?;
        if cell.status == "ok" && !cell.text.is_empty() {
            sqlx::query("INSERT INTO runs_fts (run_id, body) VALUES (?1, ?2)")
                .bind(run_id)
                .bind(&cell.text)
                .execute(&mut *tx)
                .await?;
        }
        tx.commit().await?;
        Ok(())
    }

    pub async fn run_get(&self, id: &str) -> Result<RunRow, StoreError> {
        let row = sqlx::query(&format!("SELECT {RUN_COLUMNS} FROM runs r WHERE r.id = ?1"))
            .bind(id)
            .fetch_optional(&self.pool)
            .await?
            .ok_or_else(|| StoreError::NotFound(format!("run {id}")))?;
        run_from(&row)
    }

    /// Every stored cell of a run, in grid order.
    pub async fn run_cells(&self, id: &str) -> Result<Vec<CellRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT * FROM run_cells WHERE run_id = ?1 ORDER BY input_index, column_index, repeat",
        )
        .bind(id)
        .fetch_all(&self.pool)
        .await?;
        rows.iter().map(cell_from).collect()
    }

    /// Runs, newest first.
    pub async fn runs_list(&self, q: &RunsQuery) -> Result<Vec<RunRow>, StoreError> {
        let mut sql = format!("SELECT {RUN_COLUMNS} FROM runs r WHERE 1 = 1");
        let mut binds: Vec<String> = Vec::new();
        if let Some(b) = &q.blueprint_id {
            binds.push(b.clone());
            sql.push_str(&format!(" AND r.blueprint_id = ?{}", binds.len()));
        }
        if let Some(since) = &q.since {
            binds.push(since.clone());
            sql.push_str(&format!(" AND r.created_at >= ?{}", binds.len()));
        }
        if let Some(until) = &q.until {
            binds.push(until.clone());
            sql.push_str(&format!(" AND r.created_at < ?{}", binds.len()));
        }
        if let Some(query) = q.text.as_deref().and_then(fts_query) {
            binds.push(query);
            sql.push_str(&format!(
                " AND r.id IN (SELECT run_id FROM runs_fts WHERE runs_fts MATCH ?{})",
                binds.len()
            ));
        }
        sql.push_str(" ORDER BY r.id DESC");
        if q.limit > 0 {
            sql.push_str(&format!(" LIMIT {}", q.limit));
        }
        let mut query = sqlx::query(&sql);
        for b in &binds {
            query = query.bind(b);
        }
        let rows = query.fetch_all(&self.pool).await?;
        rows.iter().map(run_from).collect()
    }

    pub async fn run_delete(&self, id: &str) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await?;
        let done = sqlx::query("DELETE FROM runs WHERE id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        if done.rows_affected() == 0 {
            return Err(StoreError::NotFound(format!("run {id}")));
        }
        sqlx::query("DELETE FROM runs_fts WHERE run_id = ?1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
        tx.commit().await?;
        Ok(())
    }

    pub async fn cache_get(&self, key: &str) -> Result<Option<Value>, StoreError> {
        let row: Option<(String,)> =
            sqlx::query_as("SELECT outcome FROM response_cache WHERE key = ?1")
                .bind(key)
                .fetch_optional(&self.pool)
                .await?;
        row.map(|(text,)| {
            serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
                what: format!("cached answer {key}"),
                detail: e.to_string(),
            })
        })
        .transpose()
    }

    pub async fn cache_put(&self, key: &str, outcome: &Value, now: &str) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT OR REPLACE INTO response_cache (key, outcome, created_at) VALUES (?1, ?2, ?3)",
        )
        .bind(key)
        .bind(outcome.to_string())
        .bind(now)
        .execute(&self.pool)
        .await?;
        Ok(())
    }
}

/// Words of a user's query as an FTS5 query in which every word must match (as a prefix); `None`
/// when nothing searchable is left. Quotes keep FTS5 operators in the text from being parsed.
fn fts_query(text: &str) -> Option<String> {
    let words: Vec<String> = text
        .split(|c: char| !c.is_alphanumeric() && c != '_')
        .filter(|w| !w.is_empty())
        .map(|w| format!("\"{w}\"*"))
        .collect();
    (!words.is_empty()).then(|| words.join(" AND "))
}

fn json_column(row: &sqlx::sqlite::SqliteRow, name: &str) -> Result<Value, StoreError> {
    let text: String = row.try_get(name)?;
    serde_json::from_str(&text).map_err(|e| StoreError::Corrupt {
        what: format!("run {name}"),
        detail: e.to_string(),
    })
}

fn run_from(row: &sqlx::sqlite::SqliteRow) -> Result<RunRow, StoreError> {
    Ok(RunRow {
        id: row.try_get("id")?,
        blueprint_id: row.try_get("blueprint_id")?,
        blueprint_name: row.try_get("blueprint_name")?,
        spec: json_column(row, "spec")?,
        status: row.try_get("status")?,
        cells_total: row.try_get("cells_total")?,
        source: row.try_get("source")?,
        pid: row.try_get("pid")?,
        created_at: row.try_get("created_at")?,
        updated_at: row.try_get("updated_at")?,
        cells_ok: row.try_get("cells_ok")?,
        cells_failed: row.try_get("cells_failed")?,
        cost_usd: row.try_get("cost_usd")?,
    })
}

fn cell_from(row: &sqlx::sqlite::SqliteRow) -> Result<CellRow, StoreError> {
    let error: Option<String> = row.try_get("error")?;
    let u64_of = |name: &str| -> Result<Option<u64>, StoreError> {
        let v: Option<i64> = row.try_get(name)?;
        Ok(v.map(|v| v.max(0) as u64))
    };
    Ok(CellRow {
        column_index: row.try_get("column_index")?,
        input_index: row.try_get("input_index")?,
        repeat: row.try_get("repeat")?,
        status: row.try_get("status")?,
        text: row.try_get("text")?,
        stop_reason: row.try_get("stop_reason")?,
        input_tokens: row.try_get("input_tokens")?,
        output_tokens: row.try_get("output_tokens")?,
        cache_read_tokens: row.try_get("cache_read_tokens")?,
        cache_write_tokens: row.try_get("cache_write_tokens")?,
        ttft_ms: u64_of("ttft_ms")?,
        latency_ms: u64_of("latency_ms")?,
        cost_usd: row.try_get("cost_usd")?,
        cache_hit: row.try_get("cache_hit")?,
        attempts: row.try_get("attempts")?,
        error: error
            .map(|e| {
                serde_json::from_str(&e).map_err(|e| StoreError::Corrupt {
                    what: "cell error".into(),
                    detail: e.to_string(),
                })
            })
            .transpose()?,
        request: json_column(row, "request")?,
        finished_at: row.try_get("finished_at")?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(input: u32, text: &str) -> CellRow {
        CellRow {
            column_index: 0,
            input_index: input,
            repeat: 0,
            status: "ok".into(),
            text: text.into(),
            stop_reason: Some("end_turn".into()),
            input_tokens: Some(9),
            output_tokens: Some(8),
            cache_read_tokens: Some(0),
            cache_write_tokens: Some(0),
            ttft_ms: Some(200),
            latency_ms: Some(201),
            cost_usd: Some(0.0001),
            cache_hit: false,
            attempts: 1,
            error: None,
            request: serde_json::json!({ "modelId": "m" }),
            finished_at: "2026-01-02T03:04:05.000Z".into(),
        }
    }

    #[tokio::test]
    async fn a_cell_and_its_cache_entry_are_written_together_or_not_at_all() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).await.unwrap();
        let spec = serde_json::json!({});
        store
            .run_insert(&RunInsert {
                id: "run1",
                blueprint_id: "bp1",
                blueprint_name: "Capitals",
                spec: &spec,
                cells_total: 2,
                source: "cli",
                pid: 1,
                now: "2026-01-02T03:04:00.000Z",
                search_text: "Capitals",
            })
            .await
            .unwrap();
        let answer = serde_json::json!({ "text": "Paris" });
        store
            .cell_put(
                "run1",
                &cell(0, "Paris"),
                Some(CacheEntry {
                    key: "k0",
                    outcome: &answer,
                }),
            )
            .await
            .unwrap();
        assert_eq!(store.cache_get("k0").await.unwrap(), Some(answer.clone()));
        assert_eq!(store.run_cells("run1").await.unwrap()[0].text, "Paris");

        // a cell of a run that is gone: nothing is written, the cache entry neither
        let err = store
            .cell_put(
                "gone",
                &cell(1, "Rome"),
                Some(CacheEntry {
                    key: "k1",
                    outcome: &answer,
                }),
            )
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::NotFound(_)), "{err}");
        assert_eq!(store.cache_get("k1").await.unwrap(), None);
    }

    #[test]
    fn user_queries_become_safe_fts_queries() {
        assert_eq!(
            fts_query("Paris capital").as_deref(),
            Some("\"Paris\"* AND \"capital\"*")
        );
        assert_eq!(
            fts_query("\"a\" OR NEAR(b)").as_deref(),
            Some("\"a\"* AND \"OR\"* AND \"NEAR\"* AND \"b\"*")
        );
        assert_eq!(fts_query("  -- ** "), None);
    }
}
