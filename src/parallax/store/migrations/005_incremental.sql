-- Incremental runs (docs/incremental.md): what a run needs to touch only the stories its new
-- articles reach, and report pieces so that a report of N stories costs O(N), not O(database).

-- Clustering postings: the terms of each story's members (their lead vectors) with the seq of
-- the first member holding the term. A new article looks its strongest terms up here instead
-- of loading every story; ordering by first_seq replays the order in which a full reload of
-- the corpus would list the stories under a term, so both give the same stories.
-- Filled by Store.save_story_terms for the stories a run writes; Store.migrate fills it for a
-- database written before this migration.
CREATE TABLE story_terms (
    language  TEXT NOT NULL,
    term      INTEGER NOT NULL,
    story_id  TEXT NOT NULL,
    first_seq INTEGER NOT NULL,
    PRIMARY KEY (language, term, story_id)
) WITHOUT ROWID;
CREATE INDEX story_terms_lookup ON story_terms(language, term, first_seq);
CREATE INDEX story_terms_story ON story_terms(story_id);

-- Report pieces: one story in report form (with its origins) and each of its articles in report
-- form (with the story's shared passages and copies). Built once, read by every later report.
-- The triggers below drop a story's pieces whenever what they are made of changes, whoever
-- writes it, so a piece in the table is never stale. ``format`` is the code's piece format:
-- a piece of another format is rebuilt (a new Parallax may report more).
CREATE TABLE report_stories (
    story_id TEXT PRIMARY KEY,
    format   INTEGER NOT NULL,
    piece    TEXT NOT NULL
);
CREATE TABLE report_articles (
    article_id TEXT PRIMARY KEY,
    story_id   TEXT NOT NULL,
    piece      TEXT NOT NULL
);
CREATE INDEX report_articles_story ON report_articles(story_id);

CREATE TRIGGER report_story_update AFTER UPDATE ON stories BEGIN
    DELETE FROM report_stories WHERE story_id = OLD.id;
    DELETE FROM report_articles WHERE story_id = OLD.id;
END;
CREATE TRIGGER report_story_delete AFTER DELETE ON stories BEGIN
    DELETE FROM report_stories WHERE story_id = OLD.id;
    DELETE FROM report_articles WHERE story_id = OLD.id;
END;
CREATE TRIGGER report_article_update AFTER UPDATE OF story_id, signals, copy_of, title, text, extraction, document
    ON articles BEGIN
    DELETE FROM report_stories WHERE story_id IN (OLD.story_id, NEW.story_id);
    DELETE FROM report_articles WHERE story_id IN (OLD.story_id, NEW.story_id) OR article_id = OLD.id;
END;
CREATE TRIGGER report_article_delete AFTER DELETE ON articles BEGIN
    DELETE FROM report_stories WHERE story_id = OLD.story_id;
    DELETE FROM report_articles WHERE story_id = OLD.story_id OR article_id = OLD.id;
END;

-- Reports by --since select stories by when they were last analysed.
CREATE INDEX stories_updated ON stories(updated_at);
-- Stories left to align (a run's touched stories, or a killed run's), found without a scan.
CREATE INDEX stories_pending ON stories(id) WHERE alignment IS NULL;
-- Articles left to score (a run's new ones), found without reading every article's row.
CREATE INDEX articles_unscored ON articles(seq) WHERE signals IS NULL;
