-- Names and figures of each article's lead (stories.cluster.specifics), as a JSON list: the
-- merge pass keeps look-alike events apart by them, and incremental runs read them here
-- rather than the articles' text. Articles stored before this migration have NULL: they give
-- no specifics, so they never keep two stories apart (re-analyse to give them some).
ALTER TABLE article_features ADD COLUMN specifics TEXT;
