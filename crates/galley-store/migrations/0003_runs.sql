-- Comparison runs: a run is versions × models × inputs × repeats; each finished cell is one row,
-- written as soon as it finishes, so a run killed at any moment keeps every finished cell.
-- Runs outlive their blueprint (history): no foreign key to blueprints, the name is copied.

CREATE TABLE runs (
    id             TEXT PRIMARY KEY,                -- ULID (sorts by creation time)
    blueprint_id   TEXT NOT NULL,
    blueprint_name TEXT NOT NULL,
    spec           TEXT NOT NULL,                   -- JSON: columns, inputs, repeats, options
    status         TEXT NOT NULL CHECK (status IN ('running', 'finished', 'cancelled', 'interrupted')),
    cells_total    INTEGER NOT NULL,
    source         TEXT NOT NULL,                   -- 'app' or 'cli'
    pid            INTEGER,                         -- the process running it, while 'running'
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX runs_by_blueprint ON runs (blueprint_id, created_at);

CREATE TABLE run_cells (
    run_id             TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    column_index       INTEGER NOT NULL,            -- into spec.columns (version × model)
    input_index        INTEGER NOT NULL,            -- into spec.inputs
    repeat             INTEGER NOT NULL,            -- 0-based
    status             TEXT NOT NULL CHECK (status IN ('ok', 'error', 'cancelled')),
    text               TEXT NOT NULL,               -- the answer (partial text for errors)
    stop_reason        TEXT,
    input_tokens       INTEGER,
    output_tokens      INTEGER,
    cache_read_tokens  INTEGER,
    cache_write_tokens INTEGER,
    ttft_ms            INTEGER,
    latency_ms         INTEGER,
    cost_usd           REAL,
    cache_hit          INTEGER NOT NULL DEFAULT 0,
    attempts           INTEGER NOT NULL DEFAULT 1,
    error              TEXT,                        -- JSON {code, message, ...}
    request            TEXT NOT NULL,               -- JSON: exactly what was sent
    finished_at        TEXT NOT NULL,
    PRIMARY KEY (run_id, column_index, input_index, repeat)
);

-- Answers by request: the key hashes provider, endpoint, model, the whole rendered request with
-- every parameter, the seed and the repeat index.
CREATE TABLE response_cache (
    key        TEXT PRIMARY KEY,
    outcome    TEXT NOT NULL,                       -- JSON ChatOutcome
    created_at TEXT NOT NULL
);

-- Full-text search over what a run holds: its templates, inputs and outputs.
CREATE VIRTUAL TABLE runs_fts USING fts5(run_id UNINDEXED, body, tokenize = 'unicode61');
