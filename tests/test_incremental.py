"""Incremental runs: only the stories new articles reach are re-analysed, and reports cover a selection.

The clustering check is pure (synthetic corpora, no database); the pipeline checks analyse the
Raqqa example and a few generated articles into a real SQLite database.
"""

from __future__ import annotations

import json
import random
import shutil
import sqlite3
import time
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from parallax.pipeline import analyze, report_only
from parallax.report.render import build_report
from parallax.store.database import Store, ensure_current
from parallax.store.reports import Selection, stream_report
from parallax.stories.cluster import ClusterInput, StoryIndex, vectors
from parallax.stories.incremental import StoredMember, StoredStoryIndex

# --- clustering -------------------------------------------------------------------------------


def _corpus(seed: int, n: int) -> list[ClusterInput]:
    """Articles on a few dozen events: each event has its own names, all share common words."""
    rng = random.Random(seed)
    common = [f"word{i}" for i in range(300)]
    events = [[f"name{e}x{j}" for j in range(12)] for e in range(40)]
    out = []
    for i in range(n):
        e = rng.randrange(len(events))
        names = rng.sample(events[e], 5)
        title = " ".join(names[:3] + rng.sample(common, 4))
        text = " ".join(rng.sample(common, 30) + names + rng.sample(events[rng.randrange(len(events))], 1))
        day = 1 + (e % 20) + rng.randrange(3)
        published = f"2024-03-{day:02d}" if rng.random() > 0.2 else None
        copy_of = out[rng.randrange(len(out))].id if out and rng.random() < 0.05 else None
        out.append(ClusterInput(f"a{i:04d}", title, text, published, copy_of))
    return out


class _MemorySource:
    """A StorySource over stories held in memory, built like story_terms from an assignment."""

    def __init__(self, members: dict[str, list[StoredMember]]) -> None:
        self._members = members
        first: dict[int, list[tuple[int, str]]] = {}
        for sid, ms in members.items():
            seen: dict[int, int] = {}
            for m in ms:
                for t in m.idx.tolist():
                    seen.setdefault(t, m.seq)
            for t, seq in seen.items():
                first.setdefault(t, []).append((seq, sid))
        self._postings = {t: [sid for _, sid in sorted(v)] for t, v in first.items()}
        self._story_of = {m.item.id: sid for sid, ms in members.items() for m in ms}
        self.lookups = 0

    def postings(self, term: int, limit: int) -> list[str]:
        self.lookups += 1
        return self._postings.get(term, [])[:limit]

    def members(self, story_id: str) -> list[StoredMember]:
        return self._members.get(story_id, [])

    def story_of(self, article_id: str) -> str | None:
        return self._story_of.get(article_id)


# Seeds 1-3 passed for months while the lazy index could reload a stored story merged away in the
# same run (its members twice); refinement's stored states showed it at 3 of 40 seeds.
@pytest.mark.parametrize("seed", range(1, 41))
def test_stored_index_places_new_articles_as_a_full_reload_would(seed: int) -> None:
    arts = _corpus(seed, 400)
    rows = vectors(arts)
    vec = [(rows[i].indices, rows[i].data) for i in range(len(arts))]
    first, second = arts[:300], arts[300:]
    # Run 1: the first 300 articles (what the database holds afterwards).
    base = StoryIndex()
    for i, a in enumerate(first):
        base.add(a, *vec[i])
    base.merge()
    base.refine()
    stored = {s.id: s.articles for s in base.stories()}
    # Run 2 as analyze did before: reload every stored article, then add the new ones.
    full = StoryIndex()
    for i, a in enumerate(first):
        full.add(a, *vec[i], story=base.story_of(a.id))
    touched = {full.add(a, *vec[300 + i]) for i, a in enumerate(second)}
    merged = full.merge(touched)
    touched = {merged.get(t, t) for t in touched} | full.refine()
    expect = {s.id: s.articles for s in full.stories() if s.id in touched}
    # Run 2 incrementally: only the stories the new articles reach are read.
    seq = {a.id: i + 1 for i, a in enumerate(arts)}
    source = _MemorySource({sid: [StoredMember(arts[seq[m] - 1], *vec[seq[m] - 1], seq[m])
                                  for m in sorted(ms, key=seq.__getitem__)] for sid, ms in stored.items()})
    lazy = StoredStoryIndex(source)
    touched2 = {lazy.add_new(a, *vec[300 + i], seq[a.id]) for i, a in enumerate(second)}
    merged2 = lazy.merge(touched2)
    touched2 = {merged2.get(t, t) for t in touched2} | lazy.refine()
    got = {s.id: s.articles for s in lazy.stories() if s.id in touched2}
    assert merged2 == merged
    assert got == expect
    assert lazy.loaded_articles < len(first)  # it did not read the whole corpus


# --- pipeline and reports -----------------------------------------------------------------------

ZEBRA = ("Zebras escape from Raqqa zoo\n\nA herd of zebras escaped from the zoo in Raqqa on Tuesday, keepers said. "
         "\"They ran north,\" said keeper Amina Zorlu.\n\nThe city is calm.\n")
HARBOUR = ("Storm closes Lisbon harbour for two days\n\nThe Lisbon port authority closed the harbour on Monday "
           "after a storm damaged two cranes, a spokesman said. \"Nobody was hurt,\" said harbour master "
           "Rui Costa.\n\nShips waited offshore.\n")


def _rows(db: Path, sql: str) -> list[Any]:
    with sqlite3.connect(db) as con:
        rows = list(con.execute(sql))
    con.close()
    return rows


@pytest.fixture(scope="module")
def two_runs(raqqa_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Raqqa (5 articles, one story), then one unrelated article into the same database."""
    tmp = tmp_path_factory.mktemp("incremental")
    shutil.copytree(raqqa_dir, tmp / "raqqa")
    (tmp / "more").mkdir()
    (tmp / "more" / "harbour.txt").write_text(HARBOUR, encoding="utf-8")
    db = tmp / "p.db"
    first = analyze([tmp / "raqqa"], out_dir=tmp / "out1", db_path=db)
    before = _rows(db, "SELECT id, alignment, reuse, updated_at FROM stories ORDER BY id")
    # Stories are stamped to the second (--since takes seconds): the second run starts in a later
    # second, or a fast machine stamps both runs alike and --since cannot tell them apart.
    time.sleep(1.0 - time.time() % 1.0 + 0.01)
    second = analyze([tmp / "more"], out_dir=tmp / "out2", db_path=db)
    return {"tmp": tmp, "db": db, "first": first, "second": second, "before": before}


def test_a_story_the_new_run_does_not_touch_keeps_its_analysis(two_runs: dict[str, Any]) -> None:
    db, before = two_runs["db"], two_runs["before"]
    [raqqa] = before
    after = {r[0]: r for r in _rows(db, "SELECT id, alignment, reuse, updated_at FROM stories")}
    assert len(after) == 2
    assert after[raqqa[0]] == raqqa  # same alignment, reuse and timestamp: not re-analysed
    assert _rows(db, "SELECT COUNT(*) FROM story_terms WHERE story_id = ?".replace("?", repr(raqqa[0])))[0][0] > 0


def test_the_report_of_a_run_covers_its_inputs(two_runs: dict[str, Any], schema: dict[str, Any]) -> None:
    second = two_runs["second"].report
    jsonschema.validate(second, schema)
    assert [a["title"] for a in second["articles"]] == ["Storm closes Lisbon harbour for two days"]
    c = second["corpus"]
    assert (c["inputs_seen"], c["articles"], c["duplicates"], c["rejected"], c["stories"]) == (1, 1, 0, [], 1)
    assert c["scope"]["selection"] == "run"
    assert "Lisbon" in two_runs["second"].report_html.read_text(encoding="utf-8")
    assert "Raqqa" not in two_runs["second"].report_html.read_text(encoding="utf-8")


def test_report_all_story_and_since(two_runs: dict[str, Any], schema: dict[str, Any]) -> None:
    tmp, db = two_runs["tmp"], two_runs["db"]
    whole = report_only(db, tmp / "all", Selection("all")).report
    jsonschema.validate(whole, schema)
    assert (whole["corpus"]["inputs_seen"], whole["corpus"]["stories"], len(whole["articles"])) == (6, 2, 6)
    raqqa_id = two_runs["before"][0][0]
    one = report_only(db, tmp / "one", Selection("stories", stories=[raqqa_id])).report
    jsonschema.validate(one, schema)
    assert [s["id"] for s in one["stories"]] == [raqqa_id] and len(one["articles"]) == 5
    assert one["corpus"]["inputs_seen"] == 5 and one["corpus"]["scope"]["stories"] == [raqqa_id]
    # --since: stories analysed at or after the second run's harbour story.
    [(when,)] = _rows(db, f"SELECT updated_at FROM stories WHERE id != {raqqa_id!r}")
    since = report_only(db, tmp / "since", Selection("since", since=when)).report
    assert [s["title"] for s in since["stories"]] == ["Storm closes Lisbon harbour for two days"]
    later = report_only(db, tmp / "later", Selection("since", since="2999-01-01T00:00:00+00:00")).report
    jsonschema.validate(later, schema)
    assert later["stories"] == [] and later["articles"] == []


def test_streamed_report_equals_the_one_built_in_memory(two_runs: dict[str, Any]) -> None:
    import io

    with Store(two_runs["db"]) as store:
        buffer = io.StringIO()
        stream_report(store, Selection("all"), buffer)
        streamed = json.loads(buffer.getvalue())
        built = build_report({**store.ledger(), "scope": Selection("all").scope()}, store.iter_articles(),
                             store.stories())
    for report in (streamed, built):
        report.pop("generated_at")
    assert streamed == built
    # Stored pieces are used the second time and give the same document.
    with Store(two_runs["db"]) as store:
        assert store.db.execute("SELECT COUNT(*) FROM report_stories").fetchone()[0] == 2
        again = io.StringIO()
        stream_report(store, Selection("all"), again)
    second = json.loads(again.getvalue())
    second.pop("generated_at")
    assert second == streamed


def test_a_changed_story_drops_its_report_pieces(two_runs: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    shutil.copy(two_runs["db"], db)
    report_only(db, tmp_path / "out", Selection("all"))
    raqqa_id = two_runs["before"][0][0]
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT COUNT(*) FROM report_articles WHERE story_id = ?", (raqqa_id,)).fetchone()[0] == 5
        con.execute("UPDATE articles SET signals = signals WHERE story_id = ?", (raqqa_id,))
        left = con.execute("SELECT story_id FROM report_stories").fetchall()
        assert (raqqa_id,) not in left and len(left) == 1
    con.close()


def test_migration_005_backfills_story_postings(two_runs: dict[str, Any], tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    shutil.copy(two_runs["db"], db)
    query = "SELECT language, term, story_id, first_seq FROM story_terms ORDER BY 1, 2, 3"
    expected = _rows(db, query)
    with sqlite3.connect(db) as con:
        con.executescript("DROP TABLE story_terms; DROP TABLE report_stories; DROP TABLE report_articles; "
                          "DROP INDEX stories_updated; DROP INDEX stories_pending; DROP INDEX articles_unscored; "
                          "DROP TRIGGER report_story_update; "
                          "DROP TRIGGER report_story_delete; DROP TRIGGER report_article_update; "
                          "DROP TRIGGER report_article_delete; DROP TABLE sentence_vectors; "
                          "ALTER TABLE article_features DROP COLUMN specifics; "
                          "DELETE FROM schema_migrations WHERE number > 4; PRAGMA user_version = 4;")
    con.close()
    assert ensure_current(db) == 7
    assert _rows(db, query) == expected and expected


def test_report_command(two_runs: dict[str, Any], tmp_path: Path) -> None:
    from click.testing import CliRunner

    from parallax.cli import main

    db, raqqa_id = two_runs["db"], two_runs["before"][0][0]
    runner = CliRunner()
    res = runner.invoke(main, ["report", "--db", str(db), "--out", str(tmp_path / "r"), "--story", raqqa_id, "--json"])
    assert res.exit_code == 0, res.output
    assert [s["id"] for s in json.loads(res.output)["stories"]] == [raqqa_id]
    assert (tmp_path / "r" / "report.html").stat().st_size > 0
    base = ["report", "--db", str(db), "--out", str(tmp_path / "r")]
    res = runner.invoke(main, [*base, "--all", "--since", "2020-01-01"])
    assert res.exit_code == 2 and "one of --all, --story and --since" in res.output
    res = runner.invoke(main, [*base, "--story", "nope"])
    assert res.exit_code == 1 and "no story 'nope'" in res.output
    res = runner.invoke(main, [*base, "--since", "yesterday"])
    assert res.exit_code == 2 and "--since expects a date" in res.output


def test_streamed_html_is_the_page_rendered_in_memory(raqqa_run: Any) -> None:
    import re

    from parallax.report.render import render_html

    def norm(html: str) -> str:
        return re.sub(r"\s+", " ", html).strip()

    assert norm(raqqa_run.report_html.read_text(encoding="utf-8")) == norm(render_html(raqqa_run.report))


def test_stored_sentence_vectors_change_no_alignment(raqqa_run: Any) -> None:
    """Re-aligning a story with the vectors stored by the first alignment gives the same claims
    and encodes nothing again (a story that gains an article re-encodes only its sentences)."""
    from parallax.models.classifiers import load_classifier
    from parallax.models.encoder import ENCODER_ID
    from parallax.store.database import Store
    from parallax.tasks import StoryTask, analyse_story, plain_row

    with Store(raqqa_run.db_path) as store:
        [(story_id, n)] = _rows(raqqa_run.db_path, "SELECT story_id, COUNT(*) FROM articles GROUP BY story_id")
        ids = [r[0] for r in _rows(raqqa_run.db_path, "SELECT id FROM articles ORDER BY seq")]
        rows = {k: plain_row(r) for k, r in store.articles_by_id(ids).items()}
        stored = store.sentence_vectors(ids, ENCODER_ID)
    assert n == 5 and stored  # the run kept the vectors it encoded
    threshold = load_classifier("subjectivity").threshold
    fresh_task, fresh, _ = analyse_story(StoryTask(story_id, ids, dict(rows), threshold))
    assert set(fresh_task.vectors) == set(stored)  # encoded from scratch: the same sentences
    cached_task, cached, _ = analyse_story(StoryTask(story_id, ids, dict(rows), threshold, dict(stored)))
    assert cached_task.vectors == {}  # nothing encoded again
    assert cached == fresh
    # Half of the vectors known: only the other half is encoded, with the same result.
    half = dict(sorted(stored.items())[: len(stored) // 2])
    part_task, part, _ = analyse_story(StoryTask(story_id, ids, dict(rows), threshold, half))
    assert set(part_task.vectors) == set(stored) - set(half) and part == fresh
    with Store(raqqa_run.db_path) as store:
        assert store.sentence_vectors(ids, "another encoder") == {}


def test_prune_drops_vectors_and_keeps_the_claims(raqqa_run: Any, tmp_path: Path) -> None:
    """`parallax prune`: stale encoder builds always go, older stories' vectors with --before.
    (Aligning without stored vectors gives the same claims: the test above.)"""
    from click.testing import CliRunner

    from parallax.cli import main
    from parallax.models.encoder import ENCODER_ID
    from parallax.pipeline import prune_vectors

    db = tmp_path / "copy.db"
    with sqlite3.connect(raqqa_run.db_path) as src, sqlite3.connect(db) as dst:
        src.backup(dst)
    with sqlite3.connect(db) as con:
        kept = con.execute("SELECT COUNT(*) FROM sentence_vectors WHERE model = ?", (ENCODER_ID,)).fetchone()[0]
        con.execute("INSERT INTO sentence_vectors(article_id, start, model, vector) "
                    "SELECT article_id, start, 'an older build', vector FROM sentence_vectors")
    assert kept > 0
    assert prune_vectors(db).deleted == kept  # the other build's copies only
    assert _rows(db, "SELECT COUNT(*) FROM sentence_vectors") == [(kept,)]
    assert prune_vectors(db, before="2000-01-01").deleted == 0  # the story is newer
    result = prune_vectors(db, before="2999-01-01", vacuum=True)
    assert (result.deleted, result.vacuumed) == (kept, True)
    assert _rows(db, "SELECT COUNT(*) FROM sentence_vectors") == [(0,)]
    bad = CliRunner().invoke(main, ["prune", "--db", str(db), "--before", "soon"])
    assert bad.exit_code != 0 and "not a date" in bad.output
    ok = CliRunner().invoke(main, ["prune", "--db", str(db), "--all"])
    assert ok.exit_code == 0 and "0 sentence vectors dropped" in ok.output
