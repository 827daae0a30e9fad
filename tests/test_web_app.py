"""The web app on the analysed Raqqa sample: every page and its JSON twin, the safety rules, search.

Requests go through Starlette's TestClient (no socket); the browser tests are in
test_web_browser.py and test_web_xss.py.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from conftest import RAQQA
from markupsafe import escape

from parallax.web.app import CSP, create_app, http_url


@pytest.fixture(scope="module")
def client(raqqa_run: Any) -> Any:
    from starlette.testclient import TestClient

    return TestClient(create_app(raqqa_run.db_path), base_url="http://127.0.0.1")


@pytest.fixture(scope="module")
def story_id(client: Any) -> str:
    return str(client.get("/stories.json").json()["stories"][0]["id"])


def _part(schema: dict[str, Any], *path: str, keep: tuple[str, ...] | None = None) -> dict[str, Any]:
    """The schema of one part of the report (``"stories"`` → one story), with the shared $defs.

    ``keep`` narrows it to those fields (all required) for pages that show a summary of a part.
    """
    node: dict[str, Any] = schema
    for step in path:
        node = node["properties"][step]
        if node.get("type") == "array":
            node = node["items"]
    if keep is not None:
        node = {"type": "object", "required": list(keep), "properties": {k: node["properties"][k] for k in keep}}
    return {"$defs": schema["$defs"], **node}


def test_every_page_and_its_json_twin_answer(client: Any, story_id: str) -> None:
    story = client.get(f"/story/{story_id}.json").json()
    article = story["articles"][0]["id"]
    for path in ("/stories", "/outlets", "/outlet?name=", "/search?q=Raqqa", "/check", f"/story/{story_id}",
                 f"/article/{article}"):
        html = client.get(path)
        assert html.status_code == 200, path
        assert html.headers["content-type"].startswith("text/html")
        base, _, query = path.partition("?")
        twin = client.get(f"{base}.json" + (f"?{query}" if query else ""))
        assert twin.status_code == 200, path
        assert twin.headers["content-type"] == "application/json"
        assert f'href="{base}.json' in html.text, f"{path} does not link its JSON twin"
    assert client.get("/", follow_redirects=False).headers["location"] == "/stories"


def test_json_twins_validate_against_the_report_schema(client: Any, story_id: str, schema: dict[str, Any],
                                                       raqqa_report: dict[str, Any]) -> None:
    story = client.get(f"/story/{story_id}.json").json()
    jsonschema.validate(story["story"], _part(schema, "stories"))
    reported = next(s for s in raqqa_report["stories"] if s["id"] == story_id)
    assert story["story"]["claims"] == reported["claims"] and story["story"]["disputes"] == reported["disputes"]
    for a in story["articles"]:
        page = client.get(f"/article/{a['id']}.json").json()
        jsonschema.validate(page["article"], _part(schema, "articles"))
        same = next(r for r in raqqa_report["articles"] if r["id"] == a["id"])
        assert page["article"] == same, "the article page and report.json disagree"
    listing = client.get("/stories.json").json()
    summary = _part(schema, "stories", keep=("id", "title", "independent_origins"))
    for s in listing["stories"]:
        jsonschema.validate(s, summary)
    assert listing["corpus"]["articles"] == raqqa_report["corpus"]["articles"] == 5
    outlet = client.get("/outlet.json?name=").json()
    for a in outlet["articles"]:
        jsonschema.validate(a, _part(schema, "articles", keep=("id", "title", "published")))
    hits = client.get("/search.json?q=Dillon").json()
    claim_hit = _part(schema, "stories", "claims", keep=("id", "text", "speaker", "status"))
    assert hits["claims"] and hits["articles"]
    for c in hits["claims"]:
        jsonschema.validate(c, claim_hit)


def test_stories_list_shows_the_figures_and_filters(client: Any, raqqa_report: dict[str, Any]) -> None:
    s = client.get("/stories.json").json()["stories"][0]
    reported = raqqa_report["stories"][0]
    statuses = [c["status"] for c in reported["claims"]]
    assert s["claims"] == {"total": len(statuses), "corroborated": statuses.count("corroborated"),
                           "single-source": statuses.count("single-source"), "disputed": statuses.count("disputed")}
    assert s["disputes"] == len(reported["disputes"]) and s["article_count"] == 5
    assert s["first_published"] == "2017-10-17"
    assert {o["name"] for o in s["outlets"]} == {"AMN (Al-Masdar News)", None}
    assert client.get("/stories.json?disputed=1").json()["paging"]["total"] == 1
    assert client.get("/stories.json?outlet=AMN (Al-Masdar News)").json()["paging"]["total"] == 1
    assert client.get("/stories.json?outlet=Nobody").json()["stories"] == []
    assert client.get("/stories.json?from=2017-10-18").json()["stories"] == []
    assert client.get("/stories.json?to=2017-10-17&sort=disputes").json()["paging"]["total"] == 1
    assert "No story matches" in client.get("/stories?to=2001-01-01").text


def test_story_page_has_the_matrix_disputes_and_charts(client: Any, story_id: str) -> None:
    data = client.get(f"/story/{story_id}.json").json()["story"]
    html = client.get(f"/story/{story_id}").text
    second = client.get(f"/story/{story_id}?cpage=2").text
    assert html.count('<tr id="claim-') + second.count('<tr id="claim-') == len(data["claims"])
    assert html.count('<tr id="claim-') == min(len(data["claims"]), 40)
    for state in ("st-states", "st-words", "st-silent"):
        assert f'class="cell {state}"' in html
    assert "450,000" in html and "Save the Children" in html  # a dispute: each side, who says it
    for chart in ("corr-t", "tl-t", "ct-t"):
        assert f'aria-labelledby="{chart}"' in html
    for line in data["summary"]:
        assert str(escape(line)) in html
    assert html.count('class="claimref"') == sum(len(ids) for ids in data["summary_claims"])


def test_article_page_highlights_every_layer(client: Any, raqqa_by_input: dict[str, Any]) -> None:
    from conftest import FAR_RIGHT

    a = raqqa_by_input[FAR_RIGHT]
    html = client.get(f"/article/{a['id']}").text
    for css in ("cl cl-", "q", "fig", "ld"):
        assert f'class="{css}' in html or f' {css}"' in html or f' {css} ' in html, css
    assert 'id="removed"' in html and 'id="comments"' in html
    page = client.get(f"/article/{a['id']}.json").json()
    assert page["claims"], "the article's claims are listed"
    for m in page["claims"]:
        assert f'id="p{m["start"]}"' in html, "every claim mention has an anchor the matrix links to"


def test_safety_headers_host_allow_list_and_no_writes(client: Any, raqqa_run: Any) -> None:
    r = client.get("/stories")
    assert r.headers["content-security-policy"] == CSP
    assert "script-src" not in CSP and "default-src 'none'" in CSP and "unsafe-inline" not in CSP
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "<script" not in r.text
    assert client.get("/stories", headers={"host": "evil.example"}).status_code == 400
    assert client.get("/stories", headers={"host": "localhost:8000"}).status_code == 200
    for method in ("post", "put", "delete", "patch"):
        assert getattr(client, method)("/stories").status_code == 405
    assert client.get("/story/nope").status_code == 404 and client.get("/article/nope.json").status_code == 404


def test_server_never_writes_to_the_database(raqqa_run: Any, tmp_path: Path) -> None:
    from starlette.testclient import TestClient

    db = tmp_path / "copy.db"
    shutil.copy(raqqa_run.db_path, db)
    app = TestClient(create_app(db), base_url="http://127.0.0.1")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for path in ("/stories", "/stories.json", "/outlets", "/search?q=Raqqa", "/outlet?name="):
        assert app.get(path).status_code == 200
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before


def test_hosts_given_to_serve_are_allowed(raqqa_run: Any) -> None:
    from starlette.testclient import TestClient

    app = TestClient(create_app(raqqa_run.db_path, hosts=["news.lan"]), base_url="http://news.lan")
    assert app.get("/stories").status_code == 200


@pytest.mark.parametrize("url,link", [
    ("https://example.org/a", True), ("http://example.org", True), ("javascript:alert(1)", False),
    (" JavaScript:alert(1)", False), ("data:text/html,x", False), ("//evil.example/x", False),
    ("/relative", False), ("http://[broken", False), (None, False), ("ftp://example.org", False)])
def test_only_http_urls_become_links(url: str | None, link: bool) -> None:
    assert (http_url(url) is not None) == link


def test_search_takes_any_text_and_finds_claims_and_speakers(client: Any) -> None:
    for q in ('"', "NEAR(", "a OR", "*", "-", ")(", "\x00", "ISIS AND", 'x" OR 1=1 --'):
        assert client.get("/search.json", params={"q": q}).status_code == 200, q
    hit = client.get("/search.json", params={"q": '"Save the Children"'}).json()
    assert any("Save the Children" in (c["speaker"] or "") + c["text"] for c in hit["claims"])
    pieces = [p for a in hit["articles"] for p in a["snippet"] if p["hit"]]
    assert pieces and all(p["text"] == "Save the Children" for p in pieces)  # the phrase is one hit
    html = client.get("/search", params={"q": "Dillon"}).text
    assert "<mark>Dillon</mark>" in html


def test_search_index_follows_new_articles(raqqa_copy: Path, tmp_path: Path) -> None:
    from parallax.pipeline import analyze
    from parallax.store import browse
    from parallax.store.database import Store

    db = tmp_path / "p.db"
    analyze([raqqa_copy], out_dir=tmp_path / "out", db_path=db, write=False)
    extra = tmp_path / "more" / "zebra.txt"
    extra.parent.mkdir()
    extra.write_text("Zebras escape from Raqqa zoo\n\nA herd of zebras escaped from the zoo in Raqqa on Tuesday, "
                     "keepers said. \"They ran north,\" said keeper Amina Zorlu.\n\nThe city is calm.\n",
                     encoding="utf-8")
    analyze([extra], out_dir=tmp_path / "out", db_path=db, write=False)
    with Store(db, readonly=True) as store:
        rows, total = browse.search_articles(store.db, browse.fts_query("zebras"))
        assert total == 1 and rows[0]["title"] == "Zebras escape from Raqqa zoo"
        assert browse.search_articles(store.db, browse.fts_query("Zorlu"))[1] == 1  # by speaker
        counts = store.db.execute("SELECT (SELECT COUNT(*) FROM article_fts), (SELECT COUNT(*) FROM articles), "
                                  "(SELECT COUNT(*) FROM story_stats), (SELECT COUNT(*) FROM stories)").fetchone()
        assert counts[0] == counts[1] == 6 and counts[2] == counts[3]
        alignments = store.db.execute("SELECT alignment FROM stories")
        n_claims = sum(len(json.loads(r["alignment"])["claims"]) for r in alignments)
        assert store.db.execute("SELECT COUNT(*) FROM claims").fetchone()[0] == n_claims


def test_migration_004_fills_an_older_database(raqqa_run: Any, tmp_path: Path) -> None:
    from parallax.store.database import ensure_current

    db = tmp_path / "old.db"
    shutil.copy(raqqa_run.db_path, db)
    with sqlite3.connect(db) as con:
        expected = con.execute("SELECT * FROM story_stats ORDER BY story_id").fetchall()
        fts = con.execute("SELECT rowid, title FROM article_fts ORDER BY rowid").fetchall()
        for trigger in ("article_fts_insert", "article_fts_delete", "article_fts_update", "claims_ai", "claims_ad",
                        "stories_claims_insert", "stories_claims_update", "stories_claims_delete"):
            con.execute(f"DROP TRIGGER {trigger}")
        for table in ("article_fts", "claim_fts", "claims", "story_stats"):
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP INDEX articles_story_outlet")
        con.execute("DROP INDEX articles_outlet_story")
        # and what migration 005 (incremental runs) adds
        for trigger in ("report_story_update", "report_story_delete", "report_article_update",
                        "report_article_delete"):
            con.execute(f"DROP TRIGGER {trigger}")
        # and 006 (stored sentence vectors)
        for table in ("story_terms", "report_stories", "report_articles", "sentence_vectors"):
            con.execute(f"DROP TABLE {table}")
        con.execute("DROP INDEX stories_updated")
        con.execute("DROP INDEX stories_pending")
        con.execute("DROP INDEX articles_unscored")
        con.execute("ALTER TABLE article_features DROP COLUMN specifics")  # and 007 (story specifics)
        con.execute("DELETE FROM schema_migrations WHERE number > 3")
        con.execute("PRAGMA user_version = 3")
    con.close()
    assert ensure_current(db) == 7
    with sqlite3.connect(db) as con:
        assert con.execute("SELECT * FROM story_stats ORDER BY story_id").fetchall() == expected
        assert con.execute("SELECT rowid, title FROM article_fts ORDER BY rowid").fetchall() == fts
    con.close()


def test_claim_check_form_answers_like_the_cli(client: Any) -> None:
    page = client.get("/check.json", params={"claim": "450,000 people fled Raqqa"}).json()
    assert page["result"]["disagree"], "a conflicting figure is a disagreement"
    html = client.get("/check", params={"claim": "450,000 people fled Raqqa"}).text
    assert "conflicting figure" in html


def test_serve_refuses_a_missing_database(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from parallax.cli import main

    result = CliRunner().invoke(main, ["serve", "--db", str(tmp_path / "none.db")])
    assert result.exit_code == 2 and "no database" in result.output
    assert RAQQA.exists()
