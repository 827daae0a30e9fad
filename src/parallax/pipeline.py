"""The pipeline: ingest → clean → segment → extract → cluster → align → score → report.

Per-article stages (ingest to extract, and score) are pure functions of one article, run in
batches; corpus stages (cluster, align) run over the database once the new articles are in.
Each article is committed with its ledger row, so a killed run loses nothing already done
and a re-run skips the units it has seen.
"""

from __future__ import annotations

import json
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from parallax.claims.align import AlignSentence, align_story
from parallax.extract.extractor import extract_batch
from parallax.ingest.readers import IngestOptions, iter_inputs
from parallax.models.classifiers import load_classifier, model_available
from parallax.report.render import build_report, write_report
from parallax.signals.score import ScoreInput, score_batch
from parallax.store.database import Store
from parallax.stories.cluster import ClusterInput, StoryIndex, vectors
from parallax.stories.reuse import (
    NEAR_DUPLICATE_JACCARD,
    ReuseItem,
    jaccard,
    lsh_keys,
    minhash,
    shingles,
    story_reuse,
    tokens,
)
from parallax.text.clean import clean
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
    StoryAlignment,
)

# Articles per extract batch: big enough for spaCy's worker processes and the classifiers to
# amortise their start, small enough that a kill loses little work and memory stays flat.
BATCH_SIZE = 128
# "reuse" (copies, shared passages, origins) is part of the stories stage but timed apart.
STAGES = ("ingest", "clean", "segment", "extract", "cluster", "reuse", "align", "score", "report", "store")


@dataclass
class AnalyzeResult:
    """What a run did: counts, per-stage seconds, the report and where it was written."""

    counts: dict[str, int]
    timings: dict[str, float]
    report: dict[str, Any]
    report_json: Path | None
    report_html: Path | None
    db_path: Path
    new_articles: int = 0
    new_units: int = 0


@dataclass
class _Timer:
    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        t0 = time.perf_counter()
        try:
            yield
        finally:
            self.seconds[name] += time.perf_counter() - t0


def analyze(
    inputs: Iterable[str | Path],
    out_dir: Path | str | None = None,
    db_path: Path | str | None = None,
    options: IngestOptions | None = None,
    progress: Callable[[str, int], None] | None = None,
    stdin: IO[bytes] | None = None,
    write: bool = True,
) -> AnalyzeResult:
    """Analyse inputs into the database and write ``report.json`` and ``report.html``.

    ``progress(event, n)`` is called with ("unit", 1) per input unit read and
    ("stage:NAME", 0) when a corpus stage starts, for progress bars.
    """
    missing = [name for name in ("subjectivity", "checkworthy", "clickbait", "hate") if not model_available(name)]
    if missing:  # fail before any work rather than at the score stage
        raise RuntimeError(f"model weights missing for {', '.join(missing)}: run scripts/train_classifiers.py")
    out = Path(out_dir) if out_dir is not None else Path("parallax-out")
    db = Path(db_path) if db_path is not None else out / "parallax.db"
    timer = _Timer()
    with Store(db) as store:
        new_articles, new_units = _ingest_all(store, inputs, options, timer, progress, stdin)
        if progress:
            progress("stage:cluster", 0)
        # Only stories that received new articles are re-analysed: a re-run on the same
        # inputs leaves the database untouched.
        _corpus_stages(store, timer)
        if progress:
            progress("stage:score", 0)
        _score_pending(store, timer)
        with timer.stage("report"):
            report = build_report(store.ledger(), store.iter_articles(), store.stories())
            paths = write_report(report, out) if write else (None, None)
    counts = {k: (len(v) if isinstance(v, list) else v) for k, v in report["corpus"].items()}
    return AnalyzeResult(counts, timer.seconds, report, paths[0], paths[1], db, new_articles, new_units)


def prepare(unit: RawDocument, timer: _Timer | None = None) -> Article | Rejection:
    """Clean and segment one input unit (pure; what a worker runs per article)."""
    timer = timer or _Timer()
    try:
        with timer.stage("clean"):
            doc = clean(unit)
        if not doc.text.strip():
            return Rejection(unit.input, "no article text left after removing boilerplate", unit.unit_key)
        with timer.stage("segment"):
            return segment(doc)
    except Exception as exc:  # a parser bug on one odd page must not end the run
        return Rejection(unit.input, f"could not be processed: {exc!r}", unit.unit_key)


def read_articles(inputs: Iterable[str | Path], options: IngestOptions | None = None,
                  stdin: IO[bytes] | None = None) -> Iterator[tuple[Article, Extraction] | Rejection]:
    """Ingest, clean, segment and extract without a database (for ``parallax attribute``)."""
    batch: list[Article] = []
    for unit in iter_inputs(inputs, options, stdin):
        article = unit if isinstance(unit, Rejection) else prepare(unit)
        if isinstance(article, Rejection):
            yield article
            continue
        batch.append(article)
        if len(batch) >= BATCH_SIZE:
            yield from zip(batch, extract_batch(batch), strict=True)
            batch = []
    yield from zip(batch, extract_batch(batch), strict=True)


def _ingest_all(
    store: Store,
    inputs: Iterable[str | Path],
    options: IngestOptions | None,
    timer: _Timer,
    progress: Callable[[str, int], None] | None,
    stdin: IO[bytes] | None,
) -> tuple[int, int]:
    known = store.known_units()
    occurrences: dict[str, int] = defaultdict(int)
    batch: list[Article] = []
    batch_ids: set[str] = set()
    new_articles = new_units = 0
    units = iter_inputs(inputs, options, stdin)
    while True:
        with timer.stage("ingest"):
            unit = next(units, None)
        if unit is None:
            break
        if progress:
            progress("unit", 1)
        # The same name and bytes read twice in one run (a.txt in two folders) are two input
        # units: the repeat gets its own key, stable across runs, and becomes a duplicate.
        occurrences[unit.unit_key] += 1
        if occurrences[unit.unit_key] > 1:
            unit = _rekey(unit, f"{unit.unit_key}~{occurrences[unit.unit_key]}")
        if unit.unit_key in known:
            continue  # seen in an earlier run: already accounted for
        new_units += 1
        known.add(unit.unit_key)
        if isinstance(unit, Rejection):
            with timer.stage("store"):
                store.add_rejection(unit)
            continue
        article = prepare(unit, timer)
        if isinstance(article, Rejection):
            with timer.stage("store"):
                store.add_rejection(article)
            continue
        if article.id in batch_ids or store.has_article(article.id):
            with timer.stage("store"):
                store.add_duplicate(unit.unit_key, unit.input, article.id)
            continue
        batch.append(article)
        batch_ids.add(article.id)
        if len(batch) >= BATCH_SIZE:
            new_articles += _flush(store, batch, timer)
            batch, batch_ids = [], set()
    new_articles += _flush(store, batch, timer)
    return new_articles, new_units


def _rekey(unit: RawDocument | Rejection, key: str) -> RawDocument | Rejection:
    if isinstance(unit, Rejection):
        return Rejection(unit.input, unit.reason, key)
    unit.unit_key = key
    return unit


def _flush(store: Store, batch: list[Article], timer: _Timer) -> int:
    if not batch:
        return 0
    with timer.stage("extract"):
        extractions = extract_batch(batch)
        features = features_batch(batch)
    with timer.stage("store"):
        for article, extraction, feat in zip(batch, extractions, features, strict=True):
            keys = lsh_keys(feat.minhash)
            _mark_near_duplicate(store, feat, keys)
            store.add_article(article, extraction, feat, keys)
    return len(batch)


def features_batch(articles: list[Article]) -> list[Features]:
    """Lead TF-IDF vector and body MinHash of each article (pure per article)."""
    rows = vectors([ClusterInput(a.id, a.doc.title, a.doc.text, a.published) for a in articles])
    return [Features(a.id, rows[i].indices, rows[i].data, minhash(shingles(tokens(a.doc.text))))
            for i, a in enumerate(articles)]


def _mark_near_duplicate(store: Store, feat: Features, keys: list[bytes]) -> None:
    """Point ``feat.copy_of`` at the earliest stored article this one nearly duplicates."""
    for other, _, sig in store.lsh_candidates(keys):
        sim = jaccard(feat.minhash, sig)
        if sim >= NEAR_DUPLICATE_JACCARD:
            feat.copy_of, feat.copy_similarity = other, round(sim, 4)
            return


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


def _corpus_stages(store: Store, timer: _Timer) -> None:
    """Assign new articles to stories, then re-analyse the stories that changed."""
    subj_threshold = load_classifier("subjectivity").threshold
    touched: set[str] = set()
    with timer.stage("cluster"):
        index = StoryIndex()
        for row, idx, val in store.lead_vectors():
            item = ClusterInput(row["id"], row["title"], "", row["published"], row["copy_of"])
            sid = index.add(item, idx, val, story=row["story_id"])
            if row["story_id"] is None:
                touched.add(sid)
        merged = index.merge(touched)
        touched = {merged.get(s, s) for s in touched}
        stories = [s for s in index.stories() if s.id in touched]
    with timer.stage("store"):
        rows = store.articles_by_id([a for s in stories for a in s.articles])
    with timer.stage("reuse"):
        reuse: dict[str, dict[str, Any]] = {}
        for story in stories:
            reuse[story.id] = story_reuse([
                ReuseItem(a, rows[a]["text"], rows[a]["seq"], rows[a]["published"], rows[a]["copy_of"])
                for a in story.articles])
            story.independent_origins = int(reuse[story.id]["independent_origins"])
    with timer.stage("align"):
        alignments: dict[str, StoryAlignment] = {}
        for story in stories:
            sentences = [s for aid in story.articles for s in align_sentences(rows[aid], subj_threshold)]
            alignments[story.id] = align_story(story.id, sentences, reuse[story.id])
    with timer.stage("store"):
        store.save_stories(stories, alignments, reuse, removed=sorted(merged))


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


def _score_pending(store: Store, timer: _Timer) -> None:
    rows = store.articles_without_signals()
    for lo in range(0, len(rows), BATCH_SIZE):
        chunk = rows[lo:lo + BATCH_SIZE]
        items = []
        for r in chunk:
            doc = json.loads(r["document"])
            items.append(ScoreInput(
                id=r["id"], title=r["title"], text=r["text"],
                sentences=[Sentence(**s) for s in doc["sentences"]], comments=doc["comments"],
                extraction=_extraction_from_json(json.loads(r["extraction"])),
            ))
        with timer.stage("score"):
            signals = score_batch(items)
        with timer.stage("store"):
            store.set_signals(signals)
