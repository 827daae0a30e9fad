"""Extract: entities, quantities, speakers, cited sources and sentence probabilities.

Batch API: many articles at a time, so spaCy and the classifiers see large batches. The
result for an article depends only on that article (a pure per-article stage).
"""

from __future__ import annotations

import bisect
from collections.abc import Sequence

from parallax.extract.attribution import attribute, needs_entities
from parallax.extract.cited import cited_sources
from parallax.extract.ner import EntityTuple, ner_entities
from parallax.extract.quantities import find_quantities
from parallax.models.classifiers import load_classifier
from parallax.types import Article, Entity, Extraction, Sentence

# spaCy refuses texts over 1M characters; articles near that are dumps, so entities are read
# from the first part only.
_MAX_NER_CHARS = 200_000
# Between two selected sentences in the text NER reads: a paragraph break, so no entity spans it.
_JOIN = "\n\n"
# NER in the two persistent worker processes once a batch is big enough to pay for shipping
# the texts (small runs such as the Raqqa example stay in one process and start no workers).
_PARALLEL_MIN_BATCH = 32
_ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT", "DATE", "PRODUCT", "LAW"}


def extract_batch(articles: Sequence[Article]) -> list[Extraction]:
    """Extract claims material for each article; one Extraction per article, same order."""
    if not articles:
        return []
    views = [ner_view(a.sentences) for a in articles]
    pending = ner_entities([text for text, _ in views], parallel=len(articles) >= _PARALLEL_MIN_BATCH)
    all_sents = [s.text for a in articles for s in a.sentences]
    subj = load_classifier("subjectivity").predict_proba(all_sents)
    check = load_classifier("checkworthy").predict_proba(all_sents)
    quantities = [find_quantities(a.doc.text, a.sentences) for a in articles]
    docs = pending()  # the workers ran NER while this process did the rest
    out: list[Extraction] = []
    pos = 0
    for article, doc, (_, pieces) in zip(articles, docs, views, strict=True):
        text = article.doc.text
        entities = map_entities(doc, pieces)
        attributions = attribute(text, article.sentences, entities)
        n = len(article.sentences)
        out.append(Extraction(
            article_id=article.id,
            entities=entities,
            quantities=quantities[len(out)],
            attributions=attributions,
            cited_sources=cited_sources(text, article.sentences, entities, attributions),
            subjective=[round(float(p), 4) for p in subj[pos:pos + n]],
            checkworthy=[round(float(p), 4) for p in check[pos:pos + n]],
        ))
        pos += n
    return out


def ner_view(sentences: Sequence[Sentence]) -> tuple[str, list[tuple[int, int, int]]]:
    """The part of an article NER reads, and where each piece sits in the article text.

    Entities serve attribution and cited sources, so NER reads only sentences where a
    speaker can be named or introduced (a reporting cue, a title, a role apposition; see
    ``attribution.needs_entities``): about half of the words of news text (45 % have a cue,
    measured on 500 articles of the throughput corpus), which about halves the cost of the
    slowest model in the pipeline. Pieces are ``(view_start, article_start,
    length)``.
    """
    parts: list[str] = []
    pieces: list[tuple[int, int, int]] = []
    pos = 0
    for sent in sentences:
        if sent.start >= _MAX_NER_CHARS or not needs_entities(sent.text):
            continue
        if parts:
            pos += len(_JOIN)
        pieces.append((pos, sent.start, len(sent.text)))
        parts.append(sent.text)
        pos += len(sent.text)
    return _JOIN.join(parts), pieces


def map_entities(ents: list[EntityTuple], pieces: list[tuple[int, int, int]]) -> list[Entity]:
    """Entities of the NER view, at their offsets in the article text."""
    starts = [p[0] for p in pieces]
    out: list[Entity] = []
    for start, end, label, text in ents:
        if label not in _ENTITY_LABELS:
            continue
        i = bisect.bisect_right(starts, start) - 1
        if i < 0:
            continue
        view_start, art_start, length = pieces[i]
        if end > view_start + length:  # ran over a join: not one entity of the article
            continue
        shift = art_start - view_start
        out.append(Entity(start + shift, end + shift, text, label))
    return out
