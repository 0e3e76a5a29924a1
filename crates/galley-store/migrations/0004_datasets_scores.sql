-- Datasets of reference cases, versioned like blueprints, and the scores evaluators give cells.

CREATE TABLE datasets (
    id          TEXT PRIMARY KEY,                 -- ULID
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    description TEXT NOT NULL DEFAULT '',
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL
);

CREATE TABLE dataset_versions (
    dataset_id   TEXT NOT NULL REFERENCES datasets(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    content      TEXT NOT NULL,                   -- JSON of galley_core::dataset::DatasetContent
    content_hash TEXT NOT NULL,
    cases        INTEGER NOT NULL,
    message      TEXT NOT NULL,
    author       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (dataset_id, number)
);

-- One evaluator's verdict on one cell. A judge's prompt, model, raw answer and usage are kept in
-- `detail` so every score can be explained later.
CREATE TABLE cell_scores (
    run_id       TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    column_index INTEGER NOT NULL,
    input_index  INTEGER NOT NULL,
    repeat       INTEGER NOT NULL,
    evaluator    TEXT NOT NULL,                   -- the evaluator's name within its version
    status       TEXT NOT NULL CHECK (status IN ('ok', 'error')),
    pass         INTEGER,                         -- 0/1; NULL for errors
    score        REAL,                            -- 0..1; NULL for errors
    reason       TEXT NOT NULL,                   -- one line for people, or the error
    detail       TEXT,                            -- JSON (judge prompt, model, raw verdict, usage, cost)
    created_at   TEXT NOT NULL,
    PRIMARY KEY (run_id, column_index, input_index, repeat, evaluator)
);
