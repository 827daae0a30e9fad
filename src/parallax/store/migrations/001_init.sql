-- Input ledger: one row per input unit ever read. status: article | duplicate | rejected.
CREATE TABLE inputs (
    unit_key   TEXT PRIMARY KEY,
    input      TEXT NOT NULL,
    status     TEXT NOT NULL CHECK (status IN ('article', 'duplicate', 'rejected')),
    article_id TEXT,
    reason     TEXT,
    seen_at    TEXT NOT NULL
);
CREATE INDEX inputs_status ON inputs(status);

-- One row per distinct article; seq keeps the order articles entered the corpus.
CREATE TABLE articles (
    id                 TEXT PRIMARY KEY,
    seq                INTEGER NOT NULL UNIQUE,
    input              TEXT NOT NULL,
    title              TEXT NOT NULL,
    text               TEXT NOT NULL,
    outlet             TEXT,
    outlet_domain      TEXT,
    outlet_evidence    TEXT NOT NULL,
    url                TEXT,
    author             TEXT,
    published          TEXT,
    published_evidence TEXT,
    story_id           TEXT,
    document           TEXT NOT NULL,  -- JSON: removed, comments, sentences, dates
    extraction         TEXT,           -- JSON: entities, quantities, attributions, sources, probabilities
    signals            TEXT,           -- JSON: body and comment signals
    added_at           TEXT NOT NULL
);
CREATE INDEX articles_story ON articles(story_id);
CREATE INDEX articles_outlet ON articles(outlet);

CREATE TABLE stories (
    id                  TEXT PRIMARY KEY,
    title               TEXT NOT NULL,
    independent_origins INTEGER NOT NULL,
    alignment           TEXT,           -- JSON: claims, disputes, summary
    updated_at          TEXT NOT NULL
);
