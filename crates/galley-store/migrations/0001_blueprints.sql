-- Blueprints, their immutable versions, environment labels with their history, and drafts.

CREATE TABLE blueprints (
    id          TEXT PRIMARY KEY,                 -- ULID
    name        TEXT NOT NULL UNIQUE COLLATE NOCASE,
    tags        TEXT NOT NULL DEFAULT '[]',       -- JSON array of strings
    created_at  TEXT NOT NULL,                    -- RFC 3339, UTC
    updated_at  TEXT NOT NULL
);

CREATE TABLE versions (
    blueprint_id TEXT NOT NULL REFERENCES blueprints(id) ON DELETE CASCADE,
    number       INTEGER NOT NULL,
    parent       INTEGER,
    content      TEXT NOT NULL,                   -- JSON of galley_core::BlueprintContent
    content_hash TEXT NOT NULL,
    message      TEXT NOT NULL,
    author       TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    PRIMARY KEY (blueprint_id, number)
);

CREATE TABLE labels (
    blueprint_id TEXT NOT NULL,
    label        TEXT NOT NULL CHECK (label IN ('dev', 'staging', 'prod')),
    version      INTEGER NOT NULL,
    moved_at     TEXT NOT NULL,
    PRIMARY KEY (blueprint_id, label),
    FOREIGN KEY (blueprint_id, version) REFERENCES versions(blueprint_id, number) ON DELETE CASCADE
);

CREATE TABLE label_moves (
    id           TEXT PRIMARY KEY,                -- ULID, sorts by time
    blueprint_id TEXT NOT NULL REFERENCES blueprints(id) ON DELETE CASCADE,
    label        TEXT NOT NULL,
    from_version INTEGER,
    to_version   INTEGER NOT NULL,
    author       TEXT NOT NULL,
    moved_at     TEXT NOT NULL
);
CREATE INDEX label_moves_by_blueprint ON label_moves(blueprint_id, id);

CREATE TABLE drafts (
    blueprint_id TEXT PRIMARY KEY REFERENCES blueprints(id) ON DELETE CASCADE,
    content      TEXT NOT NULL,                   -- JSON of galley_core::BlueprintContent
    base_version INTEGER,
    updated_at   TEXT NOT NULL
);
