"""Extract: what each sentence of an article says and who says it.

Takes articles (clean text and sentences); gives one :class:`~parallax.types.Extraction` per
article: entities, quantities, speakers and cues, cited sources, and the sentence classifiers'
probabilities (subjective, check-worthy). A pure per-article stage run in batches; the result
for an article never depends on its batch.

Modules:
- ``extractor``: the batch API (``extract_batch``) that ties the others together.
- ``ner``: spaCy NER, loaded once, in persistent worker processes.
- ``attribution``: reporting cues, speakers, quotations over several sentences.
- ``names``: one spelling per speaker (titles stripped, acronyms expanded, full names).
- ``cited``: the sources an article cites, outlets named as reporting among them.
- ``quantities``: figures with unit, qualifier and what they count.
"""
