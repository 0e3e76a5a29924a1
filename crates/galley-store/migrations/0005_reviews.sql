-- Human review: blind queues of answers for people to rate, and their ratings.

-- A review made here from a run (`owner`) or imported from a pack to rate (`rater`).
CREATE TABLE reviews (
    id          TEXT PRIMARY KEY,                 -- the pack's review id (ULID)
    role        TEXT NOT NULL CHECK (role IN ('owner', 'rater')),
    title       TEXT NOT NULL,
    kind        TEXT NOT NULL,                    -- single | pairwise | rank
    run_id      TEXT REFERENCES runs(id) ON DELETE SET NULL,
    pack        TEXT NOT NULL,                    -- JSON of the sealed galley_core::review::Pack
    pack_hash   TEXT NOT NULL,
    sources     TEXT,                             -- owner only: JSON [ItemSource], never exported
    variants    TEXT,                             -- owner only: JSON [label] by run column
    seed        INTEGER NOT NULL,                 -- seed of the pack's own shuffles (owner)
    created_at  TEXT NOT NULL
);

-- The seed of the order and sides each rater sees, fixed on their first look.
CREATE TABLE review_sessions (
    review_id   TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    rater_email TEXT NOT NULL COLLATE NOCASE,
    seed        INTEGER NOT NULL,
    PRIMARY KEY (review_id, rater_email)
);

CREATE TABLE review_ratings (
    review_id   TEXT NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    rater_email TEXT NOT NULL COLLATE NOCASE,
    rater_name  TEXT NOT NULL,
    item        TEXT NOT NULL,
    metric      TEXT NOT NULL,
    value       TEXT NOT NULL,                    -- JSON of RatingValue, in the pack's answer order
    shown       TEXT NOT NULL,                    -- JSON: pack answer index at each screen position
    comment     TEXT NOT NULL DEFAULT '',
    rated_at    TEXT NOT NULL,
    origin      TEXT NOT NULL CHECK (origin IN ('here', 'merged')),
    PRIMARY KEY (review_id, rater_email, item, metric)
);
