"""The pipeline's tasks: what runs on a worker (this process, a pool process or a Dask worker).

Each task is a pure function of what it is given: a batch of input units (``prepare_batch``:
clean, segment, extract, features), one story's stored rows (``analyse_story``: reuse and
claim alignment) or a batch of stored articles (``score_rows``: signals). Tasks never touch the
database: :mod:`parallax.pipeline` reads what they need, hands them to an engine and commits
what they return, so the database is the same whoever ran them.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from parallax.claims.align import AlignSentence, align_story, candidates
from parallax.claims.claimsim import TooManyPairs
from parallax.extract.extractor import extract_batch
from parallax.report.render import SIGNAL_KEYS
from parallax.signals.score import ScoreInput, score_batch
from parallax.stories.cluster import ClusterInput, specifics, vectors
from parallax.stories.reuse import (
    ReuseItem,
    minhash,
    shingles,
    story_reuse,
    tokens,
)
from parallax.text.clean import clean
from parallax.text.language import content_words, language_group, supported
from parallax.text.segment import segment
from parallax.types import (
    Article,
    Attribution,
    CitedSource,
    Entity,
    Extraction,
    Features,
    Quantity,
    RawDocument,
    Rejection,
    Sentence,
    Signal,
    Signals,
    StoryAlignment,
)

# Candidate sentences of one story above which it is not aligned but flagged "too large to
# align": pairwise claim work grows with the square of this (20,000 candidates is a story of
# about 1,000 long articles; the 100,000-sentence text of the issue asked 74.5 GiB).
MAX_ALIGN_SENTENCES = 20_000

# Sentences of one article: a long feature has a few hundred, a book ~10,000. Past this an
# "article" is a dump, and extracting and scoring it would take minutes and over 1 GB
# (100,000 sentences: 112 s and 1.5 GB).
MAX_ARTICLE_SENTENCES = 20_000

# "reuse" (copies, shared passages, origins) is part of the stories stage but timed apart.
STAGES = ("ingest", "clean", "segment", "extract", "cluster", "reuse", "align", "score", "report", "store")


@dataclass
class StageTimer:
    """Seconds spent per stage (``with timer.stage("align"): ...``), added up across calls."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - t0

    def add(self, seconds: dict[str, float]) -> None:
        """Add a worker's stage seconds (with an engine, stage times are summed over workers)."""
        for name, value in seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _scrub_text(value: str) -> str:
    """A lone surrogate (JSON "\\ud800", a non-UTF-8 file name) as U+FFFD: SQLite and UTF-8 refuse it."""
    return _SURROGATE.sub("\ufffd", value)


def scrub(unit: RawDocument | Rejection) -> RawDocument | Rejection:
    """The unit with lone surrogates replaced in every text field (key unchanged)."""
    if isinstance(unit, Rejection):
        return Rejection(_scrub_text(unit.input), _scrub_text(unit.reason), unit.unit_key)
    for name in ("input", "text", "html", "title", "url", "outlet", "published", "author"):
        value = getattr(unit, name)
        if value and _SURROGATE.search(value):
            setattr(unit, name, _scrub_text(value))
    unit.evidence = {k: _scrub_text(v) for k, v in unit.evidence.items()}
    return unit


def prepare(unit: RawDocument, timer: StageTimer | None = None) -> Article | Rejection:
    """Clean and segment one input unit (pure; what a worker runs per article)."""
    timer = timer or StageTimer()
    try:
        with timer.stage("clean"):
            doc = clean(unit)
        if not doc.text.strip():
            return Rejection(unit.input, "no article text left after removing boilerplate", unit.unit_key)
        with timer.stage("segment"):
            article = segment(doc)
        limit = int(os.environ.get("PARALLAX_LIMIT_ARTICLE_SENTENCES") or MAX_ARTICLE_SENTENCES)
        if len(article.sentences) > limit:
            return Rejection(unit.input, f"{len(article.sentences)} sentences, too many for one article "
                             f"(limit article_sentences {limit}; raise it with PARALLAX_LIMIT_ARTICLE_SENTENCES)",
                             unit.unit_key)
        return article
    except Exception as exc:  # a parser bug on one odd page must not end the run
        return Rejection(unit.input, f"could not be processed: {exc!r}", unit.unit_key)


Prepared = tuple[Article, Extraction, Features] | Rejection


def prepare_batch(units: list[RawDocument | Rejection]) -> tuple[list[Prepared], dict[str, float]]:
    """Clean, segment, extract and vectorise a batch of units (a worker's task; pure per unit).

    One result per unit, in order: its rejection, or its article with extraction and features.
    Returns the stage seconds it spent too. Units with the same article id are extracted once.
    """
    timer = StageTimer()
    prepared = [unit if isinstance(unit, Rejection) else prepare(unit, timer) for unit in units]
    unique = list({a.id: a for a in reversed(prepared) if isinstance(a, Article)}.values())[::-1]
    with timer.stage("extract"):
        done = dict(zip([a.id for a in unique], _extract_safely(unique), strict=True))
    out: list[Prepared] = []
    for item in prepared:
        if isinstance(item, Rejection):
            out.append(item)
            continue
        result = done[item.id]
        if isinstance(result, Rejection):  # extraction failed: this unit's own rejection
            out.append(Rejection(item.doc.input, result.reason, item.doc.unit_key))
        else:
            out.append((item, result[1], result[2]))
    return out, {k: v for k, v in timer.seconds.items() if v}


def _extract_safely(batch: list[Article]) -> list[tuple[Article, Extraction, Features] | Rejection]:
    """Extraction and features of a batch; if the batch fails, each article alone (results are
    per article, so this changes nothing for the others), the failing one as a rejection."""
    try:
        return list(zip(batch, _extract_supported(batch), features_batch(batch), strict=True))
    except Exception:
        pass  # find the article at fault below
    out: list[tuple[Article, Extraction, Features] | Rejection] = []
    for article in batch:
        try:
            out.append((article, _extract_supported([article])[0], features_batch([article])[0]))
        except Exception as exc:  # one article the extractors cannot read must not end the run
            out.append(Rejection(article.doc.input, f"extraction failed: {exc!r}"[:500], article.doc.unit_key))
    return out


def _group(article: Article) -> str:
    return language_group(article.doc.language, article.doc.language_confidence)


def _extract_supported(batch: list[Article]) -> list[Extraction]:
    """Extraction for articles in a supported language; an empty one for the others.

    The entity tagger, speaker cues and sentence classifiers are English models: on German
    text they find nothing true, so they are not run ("language not supported").
    """
    english = [a for a in batch if supported(_group(a))]
    done = {e.article_id: e for e in extract_batch(english)}
    return [done.get(a.id) or Extraction(a.id, [], [], [], [], [], []) for a in batch]


def features_batch(articles: list[Article]) -> list[Features]:
    """Lead TF-IDF vector, lead names and figures, and body MinHash of each article (pure per article)."""
    items = []
    for a in articles:
        group = _group(a)
        if supported(group):
            items.append(ClusterInput(a.id, a.doc.title, a.doc.text, a.published))
        else:
            items.append(ClusterInput(a.id, content_words(a.doc.title, group), content_words(a.doc.text, group),
                                      a.published))
    rows = vectors(items)
    return [Features(a.id, rows[i].indices, rows[i].data, minhash(shingles(tokens(a.doc.text))),
                     specifics=tuple(sorted(specifics(items[i].title, items[i].text))))
            for i, a in enumerate(articles)]


def _extraction_from_json(data: dict[str, Any]) -> Extraction:
    return Extraction(
        article_id=data["article_id"],
        entities=[Entity(**e) for e in data["entities"]],
        quantities=[Quantity(**q) for q in data["quantities"]],
        attributions=[Attribution(**a) for a in data["attributions"]],
        cited_sources=[CitedSource(**c) for c in data["cited_sources"]],
        subjective=data["subjective"],
        checkworthy=data["checkworthy"],
    )


@dataclass
class StoryTask:
    """One story's stored rows (as plain dicts), what a worker needs to analyse it, and the
    sentence vectors stored for its articles (float32 bytes by (article, start)). It travels
    back with the vectors the worker encoded, to be stored."""

    story_id: str
    article_ids: list[str]
    rows: dict[str, dict[str, Any]]
    subj_threshold: float
    vectors: dict[tuple[str, int], bytes] = field(default_factory=dict)


def plain_row(row: Any) -> dict[str, Any]:
    """A stored row as a plain dict (a ``sqlite3.Row`` does not travel to another process)."""
    return dict(zip(row.keys(), row, strict=True))


def analyse_story(task: StoryTask) -> tuple[StoryTask, tuple[int, StoryAlignment, dict[str, Any]], dict[str, float]]:
    """A worker's task: reuse and alignment of one story; a story that fails is flagged."""
    timer = StageTimer()
    story_id, article_ids = task.story_id, task.article_ids
    vectors = {k: np.frombuffer(v, dtype="<f4") for k, v in task.vectors.items()}
    known = set(vectors)
    try:
        result = _analyse_story(story_id, article_ids, task.rows, task.subj_threshold, timer, vectors)
    except Exception as exc:  # one story that cannot be analysed must not end the run
        result = len(article_ids), _flagged(story_id, f"could not be aligned: {exc!r}"[:500]), {}
    task.rows = {}  # the rows need not travel back
    task.vectors = {k: np.asarray(v, dtype="<f4").tobytes() for k, v in vectors.items() if k not in known}
    return task, result, {k: v for k, v in timer.seconds.items() if v}


def _flagged(story_id: str, reason: str) -> StoryAlignment:
    return StoryAlignment(story_id, [], [], [f"Not aligned: {reason}."], [], flag=reason)


def _analyse_story(story_id: str, article_ids: list[str], rows: dict[str, Any], subj_threshold: float,
                   timer: StageTimer, vectors: dict[tuple[str, int], np.ndarray] | None = None,
                   ) -> tuple[int, StoryAlignment, dict[str, Any]]:
    """Reuse (copies, shared passages, origins) and claim alignment of one story (``vectors``:
    see :func:`parallax.claims.align.align_story`)."""
    with timer.stage("reuse"):
        reuse: dict[str, Any] = story_reuse([
            ReuseItem(a, rows[a]["text"], rows[a]["seq"], rows[a]["published"], rows[a]["copy_of"])
            for a in article_ids])
    origins = int(reuse["independent_origins"])
    with timer.stage("align"):
        if (rows[article_ids[0]]["language"] or "en") != "en":
            # The same-fact model and the figure rules read English only: no claims, rather
            # than claims made up from a model that cannot read the text.
            return origins, StoryAlignment(story_id, [], [], [], []), reuse
        sentences = [s for aid in article_ids for s in align_sentences(rows[aid], subj_threshold)]
        limit = int(os.environ.get("PARALLAX_LIMIT_ALIGN_SENTENCES") or MAX_ALIGN_SENTENCES)
        n = len(candidates(sentences))
        if n > limit:
            reason = (f"too large to align ({n} candidate sentences, limit align_sentences {limit}; "
                      "raise it with PARALLAX_LIMIT_ALIGN_SENTENCES)")
            return origins, _flagged(story_id, reason), reuse
        try:
            return origins, align_story(story_id, sentences, reuse, vectors), reuse
        except TooManyPairs as exc:
            return origins, _flagged(story_id, f"too large to align ({exc})"), reuse


def align_sentences(row: Any, subj_threshold: float) -> list[AlignSentence]:
    """One stored article's sentences as alignment reads them (speaker, figures, probabilities)."""
    doc = json.loads(row["document"])
    ex = _extraction_from_json(json.loads(row["extraction"]))
    speakers = {a.sentence: a for a in ex.attributions}
    qty: dict[int, list[Quantity]] = defaultdict(list)
    for q in ex.quantities:
        qty[q.sentence].append(q)
    return [AlignSentence(
        article=row["id"], outlet=row["outlet"], index=i, start=s["start"], end=s["end"],
        text=s["text"], speaker=speakers[i].speaker if i in speakers else None,
        anonymous=i in speakers and speakers[i].anonymous,
        checkworthy=ex.checkworthy[i] if i < len(ex.checkworthy) else 0.0,
        subjective=i < len(ex.subjective) and ex.subjective[i] >= subj_threshold,
        quantities=tuple(qty.get(i, ())),
    ) for i, s in enumerate(doc["sentences"])]


def _not_supported(article_id: str, language: str) -> Signals:
    """Signals of an article in a language the English-only models cannot read: no score."""
    details = {"reason": "language not supported", "language": language}
    return Signals(article_id, {k: Signal(None, [], dict(details)) for k in SIGNAL_KEYS}, [])


def score_rows(chunk: list[dict[str, Any]]) -> tuple[list[Signals], list[tuple[str, str]], dict[str, float]]:
    """A worker's task: signals of stored articles, and (id, reason) of those that failed."""
    timer = StageTimer()
    scored = [r for r in chunk if supported(r["language"])]
    unscored = [_not_supported(r["id"], r["language"]) for r in chunk if not supported(r["language"])]
    failed: list[tuple[str, str]] = []
    with timer.stage("score"):
        try:
            signals = score_batch([_score_input(r) for r in scored])
        except Exception:  # find the article at fault, one at a time
            signals = []
            for r in scored:
                try:
                    signals += score_batch([_score_input(r)])
                except Exception as exc:
                    failed.append((r["id"], f"scoring failed: {exc!r}"[:500]))
    return signals + unscored, failed, {k: v for k, v in timer.seconds.items() if v}


def _score_input(r: Any) -> ScoreInput:
    doc = json.loads(r["document"])
    return ScoreInput(
        id=r["id"], title=r["title"], text=r["text"],
        sentences=[Sentence(**s) for s in doc["sentences"]], comments=doc["comments"],
        extraction=_extraction_from_json(json.loads(r["extraction"])),
    )
