"""Stories: which articles tell the same story, and which are copies of one origin.

Takes articles (title, lead, text, date); gives story assignments (incremental: a new article
joins the best story or opens its own), near-duplicates (``copy_of``), passages shared with
other articles of the story, and each story's independent origins. A corpus stage: it works on
blocks (candidate stories from an inverted index and a time window), never on all pairs.

Modules:
- ``cluster``: incremental story assignment and merging.
- ``incremental``: the same over a stored corpus, loading only the stories new articles reach.
- ``reuse``: MinHash near-duplicates, shared passages, marked copies, origins.
- ``groups``: union-find and average linkage, shared with claim grouping.
"""
