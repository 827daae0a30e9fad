-- Sentence vectors of the shared encoder, kept per stored sentence (article, start offset) for
-- the candidates alignment compared (docs/incremental.md). A story that gains one article is
-- re-aligned whole; with these, only the new article's sentences are encoded again. Each vector
-- is exactly what the encoder gives (float32, little-endian): the encoder runs every sentence on
-- its own, so a vector never depends on its batch and reusing it changes no result. ``model``
-- names the encoder build (models.encoder.ENCODER_ID); vectors of another build are ignored.
CREATE TABLE sentence_vectors (
    article_id TEXT NOT NULL,
    start      INTEGER NOT NULL,
    model      TEXT NOT NULL,
    vector     BLOB NOT NULL,
    PRIMARY KEY (article_id, start, model)
) WITHOUT ROWID;
