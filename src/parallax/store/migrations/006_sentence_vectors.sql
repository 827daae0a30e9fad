-- Sentence vectors of the shared encoder, kept per stored sentence (article, start offset) for
-- the candidates alignment compared (docs/incremental.md). A story that gains one article is
-- re-aligned whole; with these, only the new article's sentences are encoded again. Each vector
-- is exactly what the encoder gives (float32, little-endian): the encoder runs every sentence on
-- its own, so a vector never depends on its batch and reusing it changes no result. ``model``
-- names the encoder build (models.encoder.ENCODER_ID); vectors of another build are ignored.
-- A rowid table, not WITHOUT ROWID: a 1.5 kB row overflows the pages of a WITHOUT ROWID b-tree,
-- which took 3x the space of the vectors (260 MB for 89 MB of vectors at 4,000 articles).
CREATE TABLE sentence_vectors (
    article_id TEXT NOT NULL,
    start      INTEGER NOT NULL,
    model      TEXT NOT NULL,
    vector     BLOB NOT NULL,
    PRIMARY KEY (article_id, start, model)
);
