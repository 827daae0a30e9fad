"""The pipeline: ingest → clean → segment → extract → cluster → align → score → report.

Per-article stages (ingest to extract, and score) are pure functions of one article, run in
batches; corpus stages (cluster, align) run once the new articles are in, over the stored
stories the new articles reach and no others (docs/incremental.md). The report covers the
stories of the run's inputs (or a selection) and is streamed story by story.
Each article is committed with its ledger row, so a killed run loses nothing already done
and a re-run skips the units it has seen; story assignments are committed before any story is
aligned, then each story's analysis on its own, so a run killed while aligning resumes with the
stories left.

One bad unit never ends a run: a failure to read, clean, extract, store or score one article
makes it a rejection with its reason, and a story that cannot be aligned (or is too large to)
is saved with a ``flag`` saying why. Only faults of the run itself (the database cannot be
written, the disk is full) propagate.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from parallax.engine.executors import Engine, SerialEngine
from parallax.extract.extractor import extract_batch
from parallax.ingest.readers import IngestOptions, iter_inputs
from parallax.models.classifiers import load_classifier, model_available
from parallax.models.encoder import ENCODER_ID
from parallax.store.database import Store, UnitStoreError, run_lock
from parallax.store.reports import Selection, write_reports
from parallax.store.stories import assign_new_articles
from parallax.stories.reuse import (
    NEAR_DUPLICATE_JACCARD,
    jaccard,
    lsh_keys,
)
from parallax.tasks import (
    Prepared,
    StageTimer,
    StoryTask,
    analyse_story,
    plain_row,
    prepare,
    prepare_batch,
    score_rows,
    scrub,
)
from parallax.types import (
    Article,
    Extraction,
    Features,
    RawDocument,
    Rejection,
)

# Articles per extract batch: big enough for spaCy's worker processes and the classifiers to
# amortise their start, small enough that a kill loses little work and memory stays flat.
BATCH_SIZE = 128

# Articles per task when an engine runs tasks on several workers: a warm worker has no start to
# amortise (NER runs in its own process), and smaller tasks share the work out evenly (200
# articles in tasks of 128 keep one of two workers idle for half the run).
TASK_BATCH_SIZE = 32

# Ledger rows of rejected units are written in one transaction per this many (a flood of
# empty records in one file would otherwise cost a commit each).
REJECTION_BATCH = 1000


@dataclass
class AnalyzeResult:
    """What a run did: counts, per-stage seconds, the report and where it was written.

    ``digest`` is the report's ``corpus`` with its largest stories (what the terminal summary
    shows); ``report`` reads the whole report back (from ``report_json``) only when asked for.
    """

    counts: dict[str, int]
    timings: dict[str, float]
    digest: dict[str, Any]
    report_json: Path | None
    report_html: Path | None
    db_path: Path
    new_articles: int = 0
    new_units: int = 0
    report_text: str | None = None  # the report.json text of a run that wrote no files
    _report: dict[str, Any] | None = field(default=None, repr=False)

    @property
    def report(self) -> dict[str, Any]:
        """The whole report (parsed once from report.json; costs memory in its size)."""
        if self._report is None:
            if self.report_text is not None:
                self._report = json.loads(self.report_text)
            elif self.report_json is not None:
                self._report = json.loads(self.report_json.read_text(encoding="utf-8"))
            else:
                raise ValueError("this run wrote no report")
        return self._report


def analyze(
    inputs: Iterable[str | Path],
    out_dir: Path | str | None = None,
    db_path: Path | str | None = None,
    options: IngestOptions | None = None,
    progress: Callable[[str, int], None] | None = None,
    stdin: IO[bytes] | None = None,
    write: bool = True,
    notify: Callable[[str], None] | None = None,
    select: Selection | None = None,
    engine: Engine | None = None,
) -> AnalyzeResult:
    """Analyse inputs into the database and write ``report.json`` and ``report.html``.

    ``progress(event, n)`` is called with ("unit", 1) per input unit read and
    ("stage:NAME", 0) when a corpus stage starts, for progress bars. ``notify`` is told when
    the run waits for another run writing the same database (runs on one database take turns).
    ``select`` is what the report covers: by default the stories of this run's inputs
    (see :mod:`parallax.store.reports`). ``engine`` runs the per-article and per-story tasks
    (``parallax.engine``; default: this process); this process stays the single writer, so the
    database is the same either way.
    """
    missing = [name for name in ("subjectivity", "checkworthy", "clickbait", "hate") if not model_available(name)]
    if missing:  # fail before any work rather than at the score stage
        raise RuntimeError(f"model weights missing for {', '.join(missing)}: run scripts/train_classifiers.py")
    out = Path(out_dir) if out_dir is not None else Path("parallax-out")
    db = Path(db_path) if db_path is not None else out / "parallax.db"
    timer = StageTimer()
    engine = engine or SerialEngine()
    with run_lock(db, notify), Store(db) as store:
        run_units: list[str] = []
        new_articles, new_units = _ingest_all(store, inputs, options, timer, progress, stdin, engine, run_units)
        if progress:
            progress("stage:cluster", 0)
        # Only stories that received new articles are re-analysed: a re-run on the same
        # inputs leaves the database untouched.
        _corpus_stages(store, timer, engine)
        if progress:
            progress("stage:score", 0)
        _score_pending(store, timer, engine)
        with timer.stage("report"):
            sel = select or Selection()
            if sel.kind == "run":
                sel.run_units = run_units
            digest, json_path, html_path, text = write_reports(store, sel, out if write else None)
    counts = {k: v for k, v in digest["corpus"].items() if isinstance(v, int)}
    counts["rejected"] = len(digest["corpus"]["rejected"])
    return AnalyzeResult(counts, timer.seconds, digest, json_path, html_path, db, new_articles, new_units, text)


def report_only(db_path: Path | str, out_dir: Path | str, select: Selection) -> AnalyzeResult:
    """Write ``report.json`` and ``report.html`` of a selection of an analysed database (no inputs)."""
    db, out = Path(db_path), Path(out_dir)
    timer = StageTimer()
    # The run lock: report pieces are written to the database, and a running analyze may be
    # changing the same stories.
    with run_lock(db), Store(db) as store, timer.stage("report"):
        digest, json_path, html_path, _ = write_reports(store, select, out)
    counts = {k: v for k, v in digest["corpus"].items() if isinstance(v, int)}
    counts["rejected"] = len(digest["corpus"]["rejected"])
    return AnalyzeResult(counts, timer.seconds, digest, json_path, html_path, db)


@dataclass
class PruneResult:
    """What :func:`prune_vectors` did: vectors deleted, and whether the file was compacted (and
    if not, why)."""

    deleted: int
    vacuumed: bool
    vacuum_error: str | None = None


def prune_vectors(db_path: Path | str, before: str | None = None, everything: bool = False,
                  vacuum: bool = False) -> PruneResult:
    """Drop stored sentence vectors (``sentence_vectors``, about 1.6 kB per compared sentence): all
    of other encoder builds; with ``before`` (ISO date) those of stories last aligned before it;
    with ``everything`` all. They are a cache: a story that gains articles later encodes its
    sentences again, and its claims come out the same. ``vacuum`` then compacts the file, which
    needs every other connection closed (readers included); when one is open the prune stands
    and ``vacuum_error`` says why the file was not compacted."""
    db = Path(db_path)
    if not db.is_file():
        raise FileNotFoundError(f"no database at {db}")
    with run_lock(db), Store(db) as store:
        deleted = store.prune_sentence_vectors(ENCODER_ID, before, everything)
        if not vacuum:
            return PruneResult(deleted, False)
        try:
            store.vacuum()
        except sqlite3.OperationalError as exc:
            return PruneResult(deleted, False, str(exc))
    return PruneResult(deleted, True)


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
    timer: StageTimer,
    progress: Callable[[str, int], None] | None,
    stdin: IO[bytes] | None,
    engine: Engine,
    run_units: list[str],
) -> tuple[int, int]:
    """Read the inputs here, prepare and extract them in batches on ``engine``, and commit the
    results here in input order (so the database is the same whoever did the work)."""
    occurrences: dict[str, int] = defaultdict(int)
    new_units = [0]
    batch_size = _batch_size(engine)

    def batches() -> Iterator[list[RawDocument | Rejection]]:
        batch: list[RawDocument | Rejection] = []
        documents = 0
        units = iter_inputs(inputs, options, stdin)
        while True:
            with timer.stage("ingest"):
                unit = next(units, None)
            if unit is None:
                break
            unit = scrub(unit)
            if progress:
                progress("unit", 1)
            # The same name and bytes read twice in one run (a.txt in two folders) are two input
            # units: the repeat gets its own key, stable across runs, and becomes a duplicate.
            occurrences[unit.unit_key] += 1
            if occurrences[unit.unit_key] > 1:
                unit = _rekey(unit, f"{unit.unit_key}~{occurrences[unit.unit_key]}")
            run_units.append(unit.unit_key)
            if store.has_unit(unit.unit_key):
                continue  # seen in an earlier run: already accounted for
            new_units[0] += 1
            batch.append(unit)
            documents += isinstance(unit, RawDocument)
            # Units rejected while reading cost nothing to prepare: they ride along with the
            # documents, up to REJECTION_BATCH of them (a flood of empty records).
            if documents >= batch_size or len(batch) >= REJECTION_BATCH:
                yield batch
                batch, documents = [], 0
        if batch:
            yield batch

    seen: set[str] = set()  # ids of the articles of this run, committed or about to be
    new_articles = 0
    for done, seconds in engine.map(prepare_batch, batches()):
        timer.add(seconds)
        new_articles += _commit_batch(store, done, seen, timer)
    return new_articles, new_units[0]


def _batch_size(engine: Engine) -> int:
    return int(os.environ.get("PARALLAX_BATCH_SIZE") or (BATCH_SIZE if engine.workers == 1 else TASK_BATCH_SIZE))


def _rekey(unit: RawDocument | Rejection, key: str) -> RawDocument | Rejection:
    if isinstance(unit, Rejection):
        return Rejection(unit.input, unit.reason, key)
    unit.unit_key = key
    return unit


def _commit_batch(store: Store, done: list[Prepared], seen: set[str], timer: StageTimer) -> int:
    """Commit a prepared batch in unit order; an article seen before becomes a duplicate."""
    rejected: list[Rejection] = []
    articles: list[tuple[Article, Extraction, Features]] = []
    stored = 0
    with timer.stage("store"):
        for item in done:
            if isinstance(item, Rejection):
                rejected.append(item)
                continue
            article = item[0]
            if article.id in seen or store.has_article(article.id):
                store.add_rejections(rejected)  # keep the ledger in input order
                rejected = []
                store.add_duplicate(article.doc.unit_key, article.doc.input, article.id)
                continue
            seen.add(article.id)
            articles.append(item)
        store.add_rejections(rejected)
        for article, extraction, feat in articles:
            keys = lsh_keys(feat.minhash)
            _mark_near_duplicate(store, feat, keys)
            try:
                store.add_article(article, extraction, feat, keys)
                stored += 1
            except UnitStoreError as exc:
                store.add_rejection(Rejection(article.doc.input, str(exc)[:500], article.doc.unit_key))
    return stored


def _mark_near_duplicate(store: Store, feat: Features, keys: list[bytes]) -> None:
    """Point ``feat.copy_of`` at the earliest stored article this one nearly duplicates."""
    for other, _, sig in store.lsh_candidates(keys):
        sim = jaccard(feat.minhash, sig)
        if sim >= NEAR_DUPLICATE_JACCARD:
            feat.copy_of, feat.copy_similarity = other, round(sim, 4)
            return


def _corpus_stages(store: Store, timer: StageTimer, engine: Engine) -> None:
    """Assign new articles to stories (one commit), then analyse each pending story (a commit each)."""
    subj_threshold = load_classifier("subjectivity").threshold
    with timer.stage("cluster"):
        # Only the stories the new articles reach are read (docs/incremental.md).
        stories, removed, _ = assign_new_articles(store.db)
    with timer.stage("store"):
        store.save_story_assignments(stories, removed=removed)
        # Pending: the stories just touched, and any a killed run left unanalysed.
        pending = store.pending_stories()

    def tasks() -> Iterator[StoryTask]:
        for story_id, article_ids in pending:
            with timer.stage("store"):
                rows = store.articles_by_id(article_ids)
                known = store.sentence_vectors(article_ids, ENCODER_ID)
            yield StoryTask(story_id, article_ids, {k: plain_row(r) for k, r in rows.items()}, subj_threshold, known)

    for task, (origins, alignment, reuse), seconds in engine.map(analyse_story, tasks()):
        timer.add(seconds)
        with timer.stage("store"):
            store.save_story_result(task.story_id, origins, alignment, reuse, task.vectors, ENCODER_ID)


def _score_pending(store: Store, timer: StageTimer, engine: Engine) -> None:
    """Signals of every article without them; an article that cannot be scored is rejected."""
    ids = store.unscored_ids()
    size = _batch_size(engine)

    def chunks() -> Iterator[list[dict[str, Any]]]:
        # Rows (text and extraction) are read a batch at a time: memory follows the batch.
        for lo in range(0, len(ids), size):
            by_id = store.articles_by_id(ids[lo:lo + size])
            yield [plain_row(by_id[i]) for i in ids[lo:lo + size] if i in by_id]

    for signals, failed, seconds in engine.map(score_rows, chunks()):
        timer.add(seconds)
        with timer.stage("store"):
            for article_id, reason in failed:
                store.reject_article(article_id, reason)
            store.set_signals(signals)
