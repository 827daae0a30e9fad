-- The language group an article is clustered and scored under (ISO 639-1; see text/language.py).
-- Existing rows were analysed as English.
ALTER TABLE articles ADD COLUMN language TEXT NOT NULL DEFAULT 'en';
