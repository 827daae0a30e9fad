-- Per-article features computed once at ingest, so corpus stages never recompute them.
CREATE TABLE article_features (
    article_id TEXT PRIMARY KEY REFERENCES articles(id),
    lead_idx   BLOB NOT NULL,  -- int32 term buckets of the lead's TF-IDF vector
    lead_val   BLOB NOT NULL,  -- float32 weights
    minhash    BLOB NOT NULL   -- uint32[128] MinHash signature of the body's word shingles
);

-- LSH buckets of the MinHash signatures: near-duplicate candidates without comparing all pairs.
CREATE TABLE lsh_buckets (
    key        BLOB NOT NULL,
    article_id TEXT NOT NULL REFERENCES articles(id)
);
CREATE INDEX lsh_buckets_key ON lsh_buckets(key);

ALTER TABLE articles ADD COLUMN copy_of TEXT;          -- origin article of a near-duplicate
ALTER TABLE articles ADD COLUMN copy_similarity REAL;  -- estimated Jaccard with it
ALTER TABLE stories ADD COLUMN reuse TEXT;             -- JSON: passages, copies, origins
