"""Streamed reports: ``report.json`` and ``report.html`` written story by story.

A report of N stories costs O(N): each story and each of its articles is turned into report form
once (:func:`story_piece`; the store keeps these pieces), and :class:`ReportStream` writes them
to the files as they come, keeping only what the closing parts need (outlet tallies, language
counts, the few largest stories for the terminal summary), never the articles' text.

The JSON is the same document :func:`parallax.report.render.build_report` builds in memory for
the same selection; only the order of its top-level keys differs: ``corpus`` and ``outlets`` come
last, since they are known only once every article has been written.
"""

from __future__ import annotations

import datetime as dt
import heapq
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import IO, Any

from parallax.report.profiles import OutletTally
from parallax.report.render import (
    SIGNAL_KEYS,
    LanguageTally,
    _env,
    add_story_reuse,
    article_json,
    marked_text,
    story_json,
    story_view,
)
from parallax.report.schema import SCHEMA_VERSION

# Format of the stored report pieces; raise it when article_json or story_json change what they
# write, so that pieces stored by an older Parallax are rebuilt instead of reused.
PIECE_FORMAT = 1
# The terminal summary lists the largest stories; the digest keeps this many of them.
DIGEST_STORIES = 10
# ... and at most this many articles of each (the summary prints eight).
DIGEST_ARTICLES = 8


def story_piece(story_row: Any, article_rows: Iterable[Any]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One story and its articles (rows in corpus order) in report form, as ``build_report`` makes them."""
    articles = [article_json(r) for r in article_rows]
    by_id = {a["id"]: a for a in articles}
    story = story_json(story_row, [a["id"] for a in articles])
    reuse = json.loads(story_row["reuse"]) if story_row["reuse"] else {}
    add_story_reuse(by_id, reuse)
    story["origins"] = reuse.get("origins", [[a] for a in story["articles"]])
    for a in articles:
        a["reuse"].sort(key=lambda x: (x["start"], str(x["source"])))
    return story, articles


def _dump(value: Any, depth: int) -> str:
    """``value`` as ``json.dumps(..., indent=1)`` writes it ``depth`` levels down (strings hold no newline)."""
    text = json.dumps(value, ensure_ascii=False, indent=1)
    pad = " " * depth
    return pad + text.replace("\n", "\n" + pad)


class ReportStream:
    """Write one report: every article (corpus order), then every story (with its articles).

    ``json_out`` receives ``report.json``; ``html_path`` (optional) receives ``report.html``,
    whose story sections are spooled to a temporary file beside it because the page opens with
    the ledger and outlet profiles, which are known only at the end. Call :meth:`finish` once.
    """

    def __init__(self, json_out: IO[str], html_path: Path | None = None) -> None:
        self.out = json_out
        self.html_path = html_path
        self.outlets = OutletTally()
        self.languages = LanguageTally()
        self.n_articles = self.n_stories = 0
        self.named_outlets: set[str] = set()
        self._top: list[tuple[int, int, dict[str, Any]]] = []  # heap of the largest stories
        self._section = "articles"
        self._spool: IO[str] | None = None
        self._env = _env()
        self._parts: Any = self._env.get_template("report_parts.html.j2").module if html_path else None
        self.generated_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        self.out.write('{\n "schema_version": ' + json.dumps(SCHEMA_VERSION) + ',\n "generated_at": '
                       + json.dumps(self.generated_at) + ',\n "articles": [')
        if html_path is not None:
            html_path.parent.mkdir(parents=True, exist_ok=True)
            # Closed in close(), which finish() and every caller on failure reach.
            self._spool = open(html_path.with_name(html_path.name + ".stories.tmp"), "w+", encoding="utf-8")  # noqa: SIM115

    def add_article(self, article: Mapping[str, Any]) -> None:
        """Write one article (report form); articles come in corpus order, before any story."""
        if self._section != "articles":
            raise RuntimeError("articles come before stories")
        self.out.write(("\n" if self.n_articles == 0 else ",\n") + _dump(article, 2))
        self.n_articles += 1
        self.outlets.add_article(article)
        self.languages.add(article)
        if article["outlet"]["name"]:
            self.named_outlets.add(article["outlet"]["name"])

    def add_story(self, story: Mapping[str, Any], articles: Mapping[str, Mapping[str, Any]]) -> None:
        """Write one story; ``articles`` holds its articles (and any other it refers to) by id."""
        if self._section == "articles":
            self.out.write(("\n " if self.n_articles else "") + "],\n \"stories\": [")
            self._section = "stories"
        self.out.write(("\n" if self.n_stories == 0 else ",\n") + _dump(story, 2))
        self.n_stories += 1
        self.outlets.add_story(story)
        if self._spool is not None:
            marked = {aid: marked_text(articles[aid]) for aid in story["articles"] if aid in articles}
            self._spool.write(str(self._parts.story_section(
                story, story_view(story, articles), articles, marked, SIGNAL_KEYS)))
        # The terminal summary's stories: the largest, ties to the earlier.
        kept = {"story": dict(story), "articles": {aid: dict(articles[aid]) for aid in
                                                   story["articles"][:DIGEST_ARTICLES] if aid in articles}}
        item = (len(story["articles"]), -self.n_stories, kept)
        if len(self._top) < DIGEST_STORIES:
            heapq.heappush(self._top, item)
        elif item[:2] > self._top[0][:2]:
            heapq.heapreplace(self._top, item)

    def finish(self, ledger: Mapping[str, Any]) -> dict[str, Any]:
        """Close the files with the outlet profiles and ``corpus`` (``ledger`` plus counts).

        Returns a digest for the terminal summary: a report-shaped dict with ``corpus``, the
        largest stories and their first articles only.
        """
        if self._section == "articles":
            self.out.write(("\n " if self.n_articles else "") + "],\n \"stories\": [")
        profiles = self.outlets.profiles()
        corpus = {**ledger, "stories": self.n_stories, "outlets": len(self.named_outlets), **self.languages.counts()}
        self.out.write(("\n " if self.n_stories else "") + "],\n \"outlets\": " + _dump(profiles, 1).lstrip()
                       + ",\n \"corpus\": " + _dump(corpus, 1).lstrip() + "\n}\n")
        if self._spool is not None and self.html_path is not None:
            self._write_html(corpus, profiles)
        top = [kept for _, _, kept in sorted(self._top, key=lambda t: (-t[0], -t[1]))]
        return {"schema_version": SCHEMA_VERSION, "generated_at": self.generated_at, "corpus": corpus,
                "stories": [t["story"] for t in top],
                "articles": [a for t in top for a in t["articles"].values()]}

    def _write_html(self, corpus: Mapping[str, Any], profiles: list[dict[str, Any]]) -> None:
        assert self._spool is not None and self.html_path is not None
        head = {"corpus": corpus, "outlets": profiles, "generated_at": self.generated_at,
                "schema_version": SCHEMA_VERSION}
        tmp = self.html_path.with_name(self.html_path.name + ".tmp")
        try:
            with open(tmp, "w", encoding="utf-8") as page:
                page.write(str(self._parts.page_head(head, SIGNAL_KEYS)))
                self._spool.seek(0)
                shutil.copyfileobj(self._spool, page)
                page.write(str(self._parts.page_foot()))
            tmp.replace(self.html_path)
        finally:
            self.close()

    def close(self) -> None:
        """Remove the spool file (also after a failure)."""
        if self._spool is not None:
            name = self._spool.name
            self._spool.close()
            self._spool = None
            if os.path.exists(name):
                os.unlink(name)
