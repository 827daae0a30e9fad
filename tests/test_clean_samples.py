"""The five Raqqa samples cleaned as a careful reader would: title, body, removed, comments."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import AMN, CLICKBAIT, FAR_RIGHT, PARTISAN, SMALL_BLOG

from parallax.ingest.readers import IngestOptions, read_file
from parallax.text.clean import clean
from parallax.types import RawDocument


def _clean(raqqa_dir: Path, name: str):  # type: ignore[no-untyped-def]
    units = list(read_file(raqqa_dir / name, IngestOptions()))
    assert len(units) == 1 and isinstance(units[0], RawDocument)
    return clean(units[0])


@pytest.mark.parametrize(("name", "title"), [
    (CLICKBAIT, "Insane Footage Shows ‘Apocalyptic Aftermath’ From The War On ISIS [Video]"),
    (PARTISAN, "ALERT: Trump Wins Massive Military Victory, Obama Never Did This"),
    (AMN, "US-backed forces now control 90 percent of Raqqa, ‘capital’ of ISIS, and ISIS is "
          "‘losing in every way,’ Army spokesman says"),
    (SMALL_BLOG, "U.S.-Backed Forces Defeat ISIS in Raqqa"),
    (FAR_RIGHT, "OOPS: American-Backed Syrian Militia Allowed ISIS To Quietly Evacuate Capital"),
])
def test_titles(raqqa_dir: Path, name: str, title: str) -> None:
    assert _clean(raqqa_dir, name).title == title


def test_amn_promotion_captions_dateline_and_outlet(raqqa_dir: Path) -> None:
    doc = _clean(raqqa_dir, AMN)
    kinds = [r.kind for r in doc.removed]
    assert kinds.count("caption") == 5
    assert "promotion" in kinds and "dateline" in kinds
    assert "Telegram" not in doc.text and "(Twitter)" not in doc.text
    assert doc.text.startswith("The city of Raqqa, formerly ISIS’")
    assert doc.text.endswith("Dillion added.")
    assert doc.outlet.name and "AMN" in doc.outlet.name
    assert "Telegram" in doc.outlet.evidence
    assert doc.published == "2017-10-17"
    assert doc.comments == []


def test_small_blog_navigation_title_repeat_author_bio(raqqa_dir: Path) -> None:
    doc = _clean(raqqa_dir, SMALL_BLOG)
    removed = {(r.kind, r.text) for r in doc.removed}
    assert ("navigation", "Select Page") in removed
    assert ("title-repeat", "U.S.-Backed Forces Defeat ISIS in Raqqa") in removed
    assert ("author-bio", "About The Author") in removed
    assert "Select Page" not in doc.text and "About The Author" not in doc.text
    assert doc.text.startswith("After three long years of ISIS rule in Raqqa")
    # The editor's note is the blog's own voice, part of what it published: it stays.
    assert "Editor’s note" in doc.text


def test_clickbait_reuse_markers(raqqa_dir: Path) -> None:
    doc = _clean(raqqa_dir, CLICKBAIT)
    kinds = {r.kind: r for r in doc.removed}
    assert kinds["source-marker"].text == "As Originally Reported By"
    assert kinds["read-more"].text.startswith("Read More Here: Raqqa, ISIS ‘Capital,’ Is Captured")
    assert "Read More" not in doc.text and "Originally Reported" not in doc.text
    assert len(doc.reuse) == 1
    passage = doc.text[doc.reuse[0]["start"]:doc.reuse[0]["end"]]
    assert passage.startswith("BEIRUT, Lebanon — American-backed forces said on Tuesday")
    assert passage.rstrip().endswith("controlled by the Islamic State.")
    assert "Raqqa, ISIS ‘Capital,’ Is Captured" in doc.reuse[0]["source"]


def test_far_right_comments_split_from_body(raqqa_dir: Path) -> None:
    doc = _clean(raqqa_dir, FAR_RIGHT)
    assert len(doc.comments) == 3
    assert doc.comments[0].startswith("Iraq’s fight may be over (for now)")
    assert "The SDF claim to be secular" in doc.comments[0]
    assert doc.comments[1].startswith("Half a million Syrians have been killed")
    assert "King Kike" in doc.comments[1]
    assert doc.comments[2].startswith("I read about that convoy weeks ago")
    assert not any(c.startswith(("•", "1.", "2.")) for c in doc.comments)
    assert "King Kike" not in doc.text and "Half a million Syrians" not in doc.text
    assert doc.text.endswith("during the Bush and Obama Administrations.")
    assert doc.text.startswith("Didn’t we vote for Donald Trump")


def test_partisan_body_is_whole(raqqa_dir: Path) -> None:
    doc = _clean(raqqa_dir, PARTISAN)
    assert doc.removed == [] and doc.comments == []
    assert doc.text.startswith("With Trump as president, ISIS has been steadily beaten back")
    assert doc.text.endswith("plagued the world since its creation.")


def test_removed_offsets_point_into_clean_text(raqqa_dir: Path) -> None:
    for name in (CLICKBAIT, AMN, SMALL_BLOG):
        doc = _clean(raqqa_dir, name)
        for r in doc.removed:
            assert r.at is not None and 0 <= r.at <= len(doc.text)


def test_mid_article_dateline_marks_wire_copy() -> None:
    from parallax.text.clean import marked_reuse

    text = ("Our take on the news today.\n\nWASHINGTON (Reuters) — The Senate passed the bill on Friday.\n\n"
            "More of the wire story.")
    [r] = marked_reuse([], text)
    assert r["source"] == "wire copy (Reuters) datelined WASHINGTON"
    assert text[int(r["start"]):int(r["end"])].startswith("WASHINGTON (Reuters) — The Senate")
    assert marked_reuse([], "WASHINGTON — A first-paragraph dateline is the article's own.") == []
