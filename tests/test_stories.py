"""Stories: incremental clustering, near-duplicate reprints, shared passages, origins."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from conftest import AMN, CLICKBAIT

from parallax.pipeline import analyze
from parallax.stories.cluster import ClusterInput, StoryIndex, cluster, neutral_title, specifics, vectors
from parallax.stories.reuse import jaccard, minhash, shared_passages, shingles, tokens


def _reprint(raqqa_dir: Path, dest: Path) -> None:
    """AMN's article as another site reprints it: new promo line, one sentence reworded."""
    text = (raqqa_dir / AMN).read_text(encoding="utf-8")
    text = text.replace("Join our brand new verified AMN Telegram channel and get important news uncensored!",
                        "Subscribe to our newsletter!")
    text = text.replace("This is being declared a huge blow to ISIS.", "Analysts call it a huge blow to ISIS.")
    dest.write_text(text, encoding="utf-8")


@pytest.fixture(scope="module")
def with_reprint(tmp_path_factory: pytest.TempPathFactory, raqqa_dir: Path) -> dict[str, Any]:
    d = tmp_path_factory.mktemp("reprint")
    shutil.copytree(raqqa_dir, d / "in")
    _reprint(raqqa_dir, d / "in" / "zz_reprint.txt")
    return analyze([d / "in"], out_dir=d / "out").report


def test_reprint_is_a_copy_not_an_origin(with_reprint: dict[str, Any]) -> None:
    by_input = {a["input"]: a for a in with_reprint["articles"]}
    reprint, amn = by_input["zz_reprint.txt"], by_input[AMN]
    assert reprint["copy_of"] == amn["id"]
    [story] = with_reprint["stories"]
    assert len(story["articles"]) == 6 and story["independent_origins"] == 5
    assert [amn["id"], reprint["id"]] in story["origins"]


def test_shared_passages_listed_on_both_sides_with_offsets(with_reprint: dict[str, Any]) -> None:
    by_id = {a["id"]: a for a in with_reprint["articles"]}
    reprint = next(a for a in with_reprint["articles"] if a["input"] == "zz_reprint.txt")
    links = [r for r in reprint["reuse"] if r["source"] == reprint["copy_of"]]
    assert links
    amn = by_id[reprint["copy_of"]]
    for r in links:
        assert reprint["text"][r["start"]:r["end"]] == amn["text"][r["source_start"]:r["source_end"]]
        back = [b for b in amn["reuse"] if b["source"] == reprint["id"] and b["start"] == r["source_start"]]
        assert back


def test_claim_repeated_by_copy_counts_once(with_reprint: dict[str, Any]) -> None:
    [story] = with_reprint["stories"]
    copied = [c for c in story["claims"] if any(m.get("copied") for m in c["mentions"])]
    assert copied
    for c in copied:
        assert c["independent_origins"] < len({m["article"] for m in c["mentions"]})


def test_marked_reuse_stays(raqqa_by_input: dict[str, Any]) -> None:
    marked = [r for r in raqqa_by_input[CLICKBAIT]["reuse"] if "Raqqa, ISIS" in str(r["source"])]
    assert len(marked) == 1


def test_passages_and_minhash() -> None:
    a = "one two three four five six seven eight nine ten eleven twelve thirteen fourteen. Tail words."
    b = "Lead in. One two three four five six seven eight nine ten eleven twelve thirteen fourteen!"
    ta, tb = tokens(a), tokens(b)
    [p] = shared_passages(ta, shingles(ta), tb, shingles(tb))
    assert a[p.a_start:p.a_end].lower() == b[p.b_start:p.b_end].lower()
    assert p.words == 14
    sig = minhash(shingles(ta))
    assert jaccard(sig, sig) == 1.0 and jaccard(sig, minhash(shingles(tokens("x " * 40)))) < 0.1


def test_incremental_equals_batch_and_is_deterministic(raqqa_run: Any) -> None:
    arts = [ClusterInput(a["id"], a["title"], a["text"], a["published"]) for a in raqqa_run.report["articles"]]
    rows = vectors(arts)
    index = StoryIndex()
    for i, a in enumerate(arts[:2]):
        index.add(a, rows[i].indices, rows[i].data)
    first = [s.id for s in index.stories()]
    for i, a in enumerate(arts[2:], start=2):
        index.add(a, rows[i].indices, rows[i].data)
    index.merge()
    batch = cluster(arts)
    assert [s.articles for s in index.stories()] == [s.articles for s in batch] == [s.articles for s in cluster(arts)]
    assert index.stories()[0].id == first[0]  # a story keeps its id as it grows


def test_neutral_title_drops_shouting() -> None:
    assert neutral_title(["ALERT: Forces take Raqqa", "Forces take Raqqa from ISIS"]) == "Forces take Raqqa from ISIS"
    assert neutral_title(["OOPS: Militia let ISIS go"]) == "Militia let ISIS go"


def test_raqqa_is_one_story_of_its_own_among_basil(raqqa_run: Any, data_dir: Path) -> None:
    files = sorted((data_dir / "basil" / "articles").rglob("*.json"))
    if not files:
        pytest.fail(f"BASIL not found under {data_dir}")
    basil = []
    for f in files:
        rec = json.loads(f.read_text(encoding="utf-8"))
        paras = [p if isinstance(p, str) else " ".join(p) for p in rec["body-paragraphs"]]
        basil.append(ClusterInput(f.stem, rec["title"], "\n\n".join(paras), rec.get("date")))
    raqqa = [ClusterInput(a["id"], a["title"], a["text"], a["published"]) for a in raqqa_run.report["articles"]]
    stories = cluster(basil + raqqa)
    holding = [s for s in stories if set(s.articles) & {a.id for a in raqqa}]
    assert len(holding) == 1 and sorted(holding[0].articles) == sorted(a.id for a in raqqa)
    assert len(stories) == len({s.id for s in stories})
    assert np.isclose(sum(len(s.articles) for s in stories), len(basil) + len(raqqa))


FLOOD = ClusterInput("a1", "Flooding closes Danube bridge",
                     "Heavy flooding closed the Danube bridge in Vukovar on Monday as the river rose to record "
                     "levels, officials said. Traffic was diverted to the north.", "2021-03-01")
FAMILIES = ClusterInput("b1", "Families leave homes in eastern Croatia",
                        "Hundreds of families in Vukovar left riverside homes after the Danube rose overnight; "
                        "schools in the region stayed shut and the army sent boats.", "2021-03-02")


def test_merge_pass_joins_what_arrival_order_split() -> None:
    rows = vectors([FLOOD, FAMILIES])
    assert 0.16 <= float((rows[0] @ rows[1].T).toarray()[0, 0]) < 0.3  # too weak to join, enough to merge
    index = StoryIndex()
    for i, a in enumerate([FLOOD, FAMILIES]):
        index.add(a, rows[i].indices, rows[i].data)
    assert len(index.stories()) == 2
    first, second = index.story_of("a1"), index.story_of("b1")
    assert index.merge() == {second: first}
    assert [s.articles for s in index.stories()] == [["a1", "b1"]]


def test_merge_respects_the_date_window() -> None:
    late = ClusterInput(FAMILIES.id, FAMILIES.title, FAMILIES.text, "2021-06-01")
    rows = vectors([FLOOD, late])
    index = StoryIndex()
    for i, a in enumerate([FLOOD, late]):
        index.add(a, rows[i].indices, rows[i].data)
    assert index.merge() == {} and len(index.stories()) == 2


# Two look-alike events (ECB+ topic 35: two Chargers players' DUI arrests), three articles each.
JACKSON = [
    ClusterInput("j1", "Chargers receiver arrested on suspicion of DUI",
                 "San Diego receiver Vincent Jackson was arrested early Sunday on suspicion of drunken driving, a "
                 "police spokesman said. Jackson, 25, was booked into county jail."),
    ClusterInput("j2", "Jackson held after traffic stop",
                 "Vincent Jackson, the team's leading receiver, was stopped on Interstate 15 and held on suspicion "
                 "of driving under the influence. Jackson, 25, left jail after posting bond."),
    ClusterInput("j3", "Jackson to play despite arrest",
                 "Coach Norv Turner said Vincent Jackson will start against Pittsburgh despite his weekend arrest. "
                 "Jackson, 25, denied he had been drinking.")]
WILLIAMS = [
    ClusterInput("w1", "Chargers lineman arrested in Mission Valley",
                 "Nose tackle Jamal Williams was arrested early Saturday in Mission Valley on suspicion of driving "
                 "under the influence, police said. Williams, 30, was released hours later."),
    ClusterInput("w2", "Chargers lineman Williams arrested",
                 "Jamal Williams became the latest Chargers player arrested on suspicion of DUI when officers "
                 "pulled him over near Qualcomm Stadium. Williams, 30, faces a misdemeanor count."),
    ClusterInput("w3", "City attorney weighs DUI charges against lineman",
                 "The city attorney is reviewing whether to charge Chargers nose tackle Jamal Williams with "
                 "driving under the influence after his arrest, a spokeswoman said. Williams, 30, has a court "
                 "date in March.")]


def test_specifics_are_the_leads_names_and_figures() -> None:
    got = specifics("Jackson held after traffic stop", "On Monday, Vincent Jackson, 25, was stopped on "
                    "Interstate 15. Police said he was released in March.")
    assert got == {"jackson", "vincent", "25", "interstate", "15"}  # not "On", "Police", "Monday", "March"


def test_merge_pass_keeps_look_alike_events_apart(monkeypatch: pytest.MonkeyPatch) -> None:
    arts = JACKSON + WILLIAMS

    def stories() -> list[list[str]]:
        rows = vectors(arts)
        index = StoryIndex(merge_threshold=0.05)  # low enough that topic words alone would merge
        for i, a in enumerate(arts):
            index.add(a, rows[i].indices, rows[i].data)
        index.merge()
        return sorted(sorted(s.articles) for s in index.stories())

    assert stories() == [["j1", "j2", "j3"], ["w1", "w2", "w3"]]
    monkeypatch.setattr("parallax.stories.cluster.SIGNATURE_MIN_SPECIFICS", 99)  # no veto: one story
    assert stories() == [["j1", "j2", "j3", "w1", "w2", "w3"]]


def test_story_split_by_arrival_is_merged_across_runs(tmp_path: Path) -> None:
    for i, a in enumerate([FLOOD, FAMILIES]):
        rec = {"title": a.title, "text": a.text, "published": a.published}
        (tmp_path / f"{i}.json").write_text(json.dumps(rec), encoding="utf-8")
    analyze([tmp_path / "0.json"], out_dir=tmp_path / "out")
    report = analyze([tmp_path / "1.json"], out_dir=tmp_path / "out").report
    assert report["corpus"]["stories"] == 1 and len(report["stories"][0]["articles"]) == 2
    import sqlite3

    with sqlite3.connect(tmp_path / "out" / "parallax.db") as con:
        assert con.execute("SELECT COUNT(*) FROM stories").fetchone()[0] == 1


def test_refine_moves_an_article_that_arrived_before_its_own_event() -> None:
    """X arrives while only event A has a story and joins it; event B's articles then form their
    own story, which the merge pass keeps apart (each has names of its own). X is far more alike
    to B than to A, so refine() moves it there."""
    def unit(terms: list[int]) -> tuple[np.ndarray, np.ndarray]:
        return np.array(terms, dtype=np.int32), np.full(len(terms), 1 / np.sqrt(len(terms)), dtype=np.float32)

    def item(aid: str, names: set[str]) -> ClusterInput:
        return ClusterInput(aid, aid, aid, None, specifics=frozenset(names))

    arrivals = [(item(f"a{i}", {"alpha", "aa"}), unit([0, 1, 2])) for i in range(3)]
    arrivals.append((item("x", set()), unit([0, 1, 5, 6, 8, 9])))
    arrivals += [(item(f"b{i}", {"beta", "bb"}), unit([5, 6, 8, 9])) for i in range(3)]
    index = StoryIndex()
    for a, (idx, val) in arrivals:
        index.add(a, idx, val)
    assert index.story_of("x") == index.story_of("a0") and index.merge() == {}
    moved_to = index.refine()
    assert index.story_of("x") == index.story_of("b0") and moved_to == {index.story_of("b0")}
    assert sorted(sorted(s.articles) for s in index.stories()) == [["a0", "a1", "a2"], ["b0", "b1", "b2", "x"]]
    assert index.refine() == set()  # only articles placed since the last call move


def test_refine_leaves_an_article_without_terms_where_it_is() -> None:
    index = StoryIndex()
    empty = (np.array([], dtype=np.int32), np.array([], dtype=np.float32))
    index.add(ClusterInput("e1", "", ""), *empty)
    index.add(ClusterInput("e2", "", ""), *empty)
    assert index.refine() == set() and len(index.stories()) == 2
