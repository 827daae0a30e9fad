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
import re
import time
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from parallax.claims.align import AlignSentence, align_story, candidates
from parallax.claims.claimsim import TooManyPairs
from parallax.engine.executors import Engine, SerialEngine
from parallax.extract.extractor import extract_batch
from parallax.ingest.readers import IngestOptions, iter_inputs
from parallax.models.classifiers import load_classifier, model_available
from parallax.report.render import SIGNAL_KEYS
from parallax.signals.score import ScoreInput, score_batch
from parallax.store.database import Store, UnitStoreError, run_lock
from parallax.store.reports import Selection, write_reports
from parallax.store.stories import assign_new_articles
from parallax.stories.cluster import ClusterInput, vectors
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

    def add(self, seconds: dict[str, float]) -> None:
        """Add a worker's stage seconds (with an engine, stage times are summed over workers)."""
        for name, value in seconds.items():
            self.seconds[name] = self.seconds.get(name, 0.0) + value


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
    timer = _Timer()
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
    timer = _Timer()
    # The run lock: report pieces are written to the database, and a running analyze may be
    # changing the same stories.
    with run_lock(db), Store(db) as store, timer.stage("report"):
        digest, json_path, html_path, _ = write_reports(store, select, out)
    counts = {k: v for k, v in digest["corpus"].items() if isinstance(v, int)}
    counts["rejected"] = len(digest["corpus"]["rejected"])
    return AnalyzeResult(counts, timer.seconds, digest, json_path, html_path, db)


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


def prepare(unit: RawDocument, timer: _Timer | None = None) -> Article | Rejection:
    """Clean and segment one input unit (pure; what a worker runs per article)."""
    timer = timer or _Timer()
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


Prepared = tuple[Article, Extraction, Features] | Rejection


def prepare_batch(units: list[RawDocument | Rejection]) -> tuple[list[Prepared], dict[str, float]]:
    """Clean, segment, extract and vectorise a batch of units (a worker's task; pure per unit).

    One result per unit, in order: its rejection, or its article with extraction and features.
    Returns the stage seconds it spent too. Units with the same article id are extracted once.
    """
    timer = _Timer()
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


def _commit_batch(store: Store, done: list[Prepared], seen: set[str], timer: _Timer) -> int:
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
    """Lead TF-IDF vector and body MinHash of each article (pure per article)."""
    items = []
    for a in articles:
        group = _group(a)
        if supported(group):
            items.append(ClusterInput(a.id, a.doc.title, a.doc.text, a.published))
        else:
            items.append(ClusterInput(a.id, content_words(a.doc.title, group), content_words(a.doc.text, group),
                                      a.published))
    rows = vectors(items)
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


def _corpus_stages(store: Store, timer: _Timer, engine: Engine) -> None:
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
            yield StoryTask(story_id, article_ids, {k: _plain(r) for k, r in rows.items()}, subj_threshold)

    for task, (origins, alignment, reuse), seconds in engine.map(analyse_story, tasks()):
        timer.add(seconds)
        with timer.stage("store"):
            store.save_story_result(task.story_id, origins, alignment, reuse)


@dataclass
class StoryTask:
    """One story's stored rows (as plain dicts), what a worker needs to analyse it."""

    story_id: str
    article_ids: list[str]
    rows: dict[str, dict[str, Any]]
    subj_threshold: float


def _plain(row: Any) -> dict[str, Any]:
    return dict(zip(row.keys(), row, strict=True))  # a sqlite3.Row does not travel to another process


def analyse_story(task: StoryTask) -> tuple[StoryTask, tuple[int, StoryAlignment, dict[str, Any]], dict[str, float]]:
    """A worker's task: reuse and alignment of one story; a story that fails is flagged."""
    timer = _Timer()
    story_id, article_ids = task.story_id, task.article_ids
    try:
        result = _analyse_story(story_id, article_ids, task.rows, task.subj_threshold, timer)
    except Exception as exc:  # one story that cannot be analysed must not end the run
        result = len(article_ids), _flagged(story_id, f"could not be aligned: {exc!r}"[:500]), {}
    task.rows = {}  # the rows need not travel back
    return task, result, {k: v for k, v in timer.seconds.items() if v}


def _flagged(story_id: str, reason: str) -> StoryAlignment:
    return StoryAlignment(story_id, [], [], [f"Not aligned: {reason}."], [], flag=reason)


def _analyse_story(story_id: str, article_ids: list[str], rows: dict[str, Any], subj_threshold: float,
                   timer: _Timer) -> tuple[int, StoryAlignment, dict[str, Any]]:
    """Reuse (copies, shared passages, origins) and claim alignment of one story."""
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
            return origins, align_story(story_id, sentences, reuse), reuse
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


def _score_pending(store: Store, timer: _Timer, engine: Engine) -> None:
    """Signals of every article without them; an article that cannot be scored is rejected."""
    ids = store.unscored_ids()
    size = _batch_size(engine)

    def chunks() -> Iterator[list[dict[str, Any]]]:
        # Rows (text and extraction) are read a batch at a time: memory follows the batch.
        for lo in range(0, len(ids), size):
            by_id = store.articles_by_id(ids[lo:lo + size])
            yield [_plain(by_id[i]) for i in ids[lo:lo + size] if i in by_id]

    for signals, failed, seconds in engine.map(score_rows, chunks()):
        timer.add(seconds)
        with timer.stage("store"):
            for article_id, reason in failed:
                store.reject_article(article_id, reason)
            store.set_signals(signals)


def score_rows(chunk: list[dict[str, Any]]) -> tuple[list[Signals], list[tuple[str, str]], dict[str, float]]:
    """A worker's task: signals of stored articles, and (id, reason) of those that failed."""
    timer = _Timer()
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
