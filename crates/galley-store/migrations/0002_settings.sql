-- Application settings: one JSON value per key. Settings hold references only (an AWS profile
-- name, a region, an endpoint URL), never credentials.

CREATE TABLE settings (
    key        TEXT PRIMARY KEY,
    value      TEXT NOT NULL,                     -- JSON
    updated_at TEXT NOT NULL                      -- RFC 3339, UTC
);
