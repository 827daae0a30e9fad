-- Search (SQLite FTS5) and per-story figures for the web app. Number 003 is reserved for
-- another change; this one only adds tables, indexes and triggers, so it applies in any order.

-- Full text of every article: headline, body and the speakers its sentences are attributed to.
-- rowid = articles.seq, so hits join back through the seq index. Triggers keep it in step with
-- articles, whoever writes them: the index follows every article that `analyze` adds.
CREATE VIRTUAL TABLE article_fts USING fts5(title, body, speakers, tokenize = 'unicode61 remove_diacritics 2');

CREATE TRIGGER article_fts_insert AFTER INSERT ON articles BEGIN
    INSERT INTO article_fts(rowid, title, body, speakers) VALUES (
        NEW.seq, NEW.title, NEW.text,
        COALESCE((SELECT group_concat(DISTINCT json_extract(value, '$.speaker'))
                  FROM json_each(NEW.extraction, '$.attributions')), ''));
END;
CREATE TRIGGER article_fts_delete AFTER DELETE ON articles BEGIN
    DELETE FROM article_fts WHERE rowid = OLD.seq;
END;
CREATE TRIGGER article_fts_update AFTER UPDATE OF title, text, extraction ON articles BEGIN
    DELETE FROM article_fts WHERE rowid = OLD.seq;
    INSERT INTO article_fts(rowid, title, body, speakers) VALUES (
        NEW.seq, NEW.title, NEW.text,
        COALESCE((SELECT group_concat(DISTINCT json_extract(value, '$.speaker'))
                  FROM json_each(NEW.extraction, '$.attributions')), ''));
END;

INSERT INTO article_fts(rowid, title, body, speakers)
SELECT a.seq, a.title, a.text,
       COALESCE((SELECT group_concat(DISTINCT json_extract(value, '$.speaker'))
                 FROM json_each(a.extraction, '$.attributions')), '')
FROM articles a;

-- One row per claim of a story (from stories.alignment), kept by triggers on stories; claim_fts
-- indexes its wording and speaker (external content: the text is stored once, here).
CREATE TABLE claims (
    id                  INTEGER PRIMARY KEY,
    story_id            TEXT NOT NULL,
    claim_id            TEXT NOT NULL,
    text                TEXT NOT NULL,
    speaker             TEXT,
    status              TEXT,
    independent_origins INTEGER
);
CREATE INDEX claims_story ON claims(story_id);
CREATE INDEX claims_claim ON claims(claim_id);

CREATE VIRTUAL TABLE claim_fts USING fts5(text, speaker, content = 'claims', content_rowid = 'id',
                                          tokenize = 'unicode61 remove_diacritics 2');
CREATE TRIGGER claims_ai AFTER INSERT ON claims BEGIN
    INSERT INTO claim_fts(rowid, text, speaker) VALUES (NEW.id, NEW.text, COALESCE(NEW.speaker, ''));
END;
CREATE TRIGGER claims_ad AFTER DELETE ON claims BEGIN
    INSERT INTO claim_fts(claim_fts, rowid, text, speaker) VALUES ('delete', OLD.id, OLD.text, COALESCE(OLD.speaker, ''));
END;

CREATE TRIGGER stories_claims_insert AFTER INSERT ON stories BEGIN
    INSERT INTO claims(story_id, claim_id, text, speaker, status, independent_origins)
    SELECT NEW.id, json_extract(value, '$.id'), json_extract(value, '$.text'), json_extract(value, '$.speaker'),
           json_extract(value, '$.status'), json_extract(value, '$.independent_origins')
    FROM json_each(NEW.alignment, '$.claims');
END;
CREATE TRIGGER stories_claims_update AFTER UPDATE OF alignment ON stories BEGIN
    DELETE FROM claims WHERE story_id = OLD.id;
    INSERT INTO claims(story_id, claim_id, text, speaker, status, independent_origins)
    SELECT NEW.id, json_extract(value, '$.id'), json_extract(value, '$.text'), json_extract(value, '$.speaker'),
           json_extract(value, '$.status'), json_extract(value, '$.independent_origins')
    FROM json_each(NEW.alignment, '$.claims');
END;
CREATE TRIGGER stories_claims_delete AFTER DELETE ON stories BEGIN
    DELETE FROM claims WHERE story_id = OLD.id;
END;

INSERT INTO claims(story_id, claim_id, text, speaker, status, independent_origins)
SELECT s.id, json_extract(c.value, '$.id'), json_extract(c.value, '$.text'), json_extract(c.value, '$.speaker'),
       json_extract(c.value, '$.status'), json_extract(c.value, '$.independent_origins')
FROM stories s, json_each(s.alignment, '$.claims') c;

-- Figures of each story for the stories list, so it sorts and filters by index instead of
-- reading every story's alignment. Refreshed by Store.save_stories for the stories it writes.
CREATE TABLE story_stats (
    story_id        TEXT PRIMARY KEY,
    article_count   INTEGER NOT NULL,
    outlet_count    INTEGER NOT NULL,
    first_published TEXT,
    last_published  TEXT,
    claims          INTEGER NOT NULL,
    corroborated    INTEGER NOT NULL,
    single_source   INTEGER NOT NULL,
    disputed        INTEGER NOT NULL,
    disputes        INTEGER NOT NULL,
    first_seq       INTEGER NOT NULL
);
-- One index per sort of the stories list, matching its ORDER BY (parallax.store.browse.STORY_SORTS)
-- term for term, so a page is read in index order instead of sorting every story.
CREATE INDEX story_stats_newest ON story_stats(last_published IS NULL, last_published DESC, first_seq DESC);
CREATE INDEX story_stats_oldest ON story_stats(first_published IS NULL, first_published, first_seq);
CREATE INDEX story_stats_articles ON story_stats(article_count DESC, first_seq);
CREATE INDEX story_stats_disputes ON story_stats(disputes DESC, article_count DESC, first_seq);
CREATE INDEX story_stats_corroborated ON story_stats(corroborated DESC, article_count DESC, first_seq);
CREATE INDEX story_stats_seq ON story_stats(first_seq);

-- Covering indexes: a story's outlets and dates, and an outlet's stories, without reading text.
CREATE INDEX articles_story_outlet ON articles(story_id, outlet, published);
CREATE INDEX articles_outlet_story ON articles(outlet, story_id);

INSERT INTO story_stats
SELECT s.id, COUNT(a.id), COUNT(DISTINCT a.outlet), MIN(a.published), MAX(a.published),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id AND c.status = 'corroborated'),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id AND c.status = 'single-source'),
       (SELECT COUNT(*) FROM claims c WHERE c.story_id = s.id AND c.status = 'disputed'),
       COALESCE(json_array_length(s.alignment, '$.disputes'), 0),
       MIN(a.seq)
FROM stories s JOIN articles a ON a.story_id = s.id
GROUP BY s.id;
