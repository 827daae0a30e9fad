"""Click through the web app in headless Chromium on the analysed Raqqa sample, with screenshots.

Screenshots go to a temporary folder; with ``PARALLAX_SCREENSHOTS=docs/screenshots`` they are
written there instead (once, for the README).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from conftest import AMN, FAR_RIGHT, live_server


@pytest.fixture(scope="module")
def site(raqqa_run: Any) -> Any:
    with live_server(raqqa_run.db_path) as base:
        yield base


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("PARALLAX_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _shot(chrome: Any, folder: Path, name: str, element: Any = None) -> Path:
    """A screenshot of the whole page (or one element) as ``name.png``; checks it is a real PNG."""
    path = folder / f"{name}.png"
    height = chrome.execute_script("return document.documentElement.scrollHeight")
    chrome.set_window_size(1400, min(max(height, 800), 3000))  # an element outside the window is cut
    if element is not None:
        element.screenshot(str(path))
    else:
        chrome.save_screenshot(str(path))
    chrome.set_window_size(1400, 1000)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000, f"{name}: no real screenshot"
    return path


def _no_console_errors(chrome: Any) -> None:
    errors = [e for e in chrome.get_log("browser") if e["level"] == "SEVERE" and "favicon" not in e["message"]]
    assert not errors, errors  # a CSP violation or a missing asset shows here


def test_click_through_stories_story_article_outlet(chrome: Any, site: str, shots: Path,
                                                   raqqa_by_input: dict[str, Any]) -> None:
    from selenium.webdriver.common.by import By

    chrome.get(f"{site}/stories")
    assert chrome.title.startswith("Stories")
    rows = chrome.find_elements(By.CSS_SELECTOR, "#stories tbody tr")
    assert len(rows) == 1
    _shot(chrome, shots, "stories")
    _no_console_errors(chrome)
    rows[0].find_element(By.CSS_SELECTOR, "a.story-link").click()

    # The story: the claims matrix answers who says what.
    assert "/story/" in chrome.current_url
    matrix = chrome.find_element(By.CSS_SELECTOR, "table.matrix")
    claim_rows = matrix.find_elements(By.CSS_SELECTOR, "tbody tr")
    columns = matrix.find_elements(By.CSS_SELECTOR, "thead th.col")
    assert len(columns) == 5 and len(claim_rows) >= 20
    for row in claim_rows:
        assert len(row.find_elements(By.CSS_SELECTOR, "td.cell")) == 5
    states = {c.get_attribute("class") for c in matrix.find_elements(By.CSS_SELECTOR, "td.cell")}
    assert {"cell st-states", "cell st-words", "cell st-silent"} <= states
    assert claim_rows[0].get_attribute("class") == "row-disputed"  # disputes come first
    _shot(chrome, shots, "story-matrix", chrome.find_element(By.ID, "matrix"))
    _shot(chrome, shots, "story")
    _no_console_errors(chrome)
    # A digest line leads to its claim's row.
    chrome.find_element(By.CSS_SELECTOR, "ol.digest a.claimref").click()
    target = chrome.current_url.split("#", 1)[1]
    assert chrome.find_element(By.ID, target).tag_name == "tr"
    assert chrome.execute_script("return document.querySelector(':target').id") == target

    # A cell leads to the very sentence in the article.
    far_right = raqqa_by_input[FAR_RIGHT]["id"]
    cell = chrome.find_element(By.CSS_SELECTOR, f"td.cell.st-states a[href^='/article/{far_right}#p']")
    anchor = cell.get_attribute("href").split("#", 1)[1]
    cell.click()
    assert chrome.current_url.endswith(f"/article/{far_right}#{anchor}")
    marked = chrome.find_element(By.ID, anchor)
    assert "cl" in marked.get_attribute("class").split()  # the claim is highlighted there
    # The title lists every mark of the sentence ("loaded language: …; claim …"): one is the claim.
    assert any(part.startswith("claim ") for part in marked.get_attribute("title").split("; "))
    body = chrome.find_element(By.CSS_SELECTOR, ".body")
    for css in ("cl", "q", "fig", "ld", "op"):
        assert body.find_elements(By.CSS_SELECTOR, f"span.{css}"), f"no {css} highlight"
    _shot(chrome, shots, "article")
    verdict = chrome.find_element(By.CSS_SELECTOR, "section.verdict")
    assert "Mostly opinion" in verdict.text  # the far-right blog post is mostly its author's opinion
    _shot(chrome, shots, "article-verdict", verdict)
    _shot(chrome, shots, "article-text", chrome.find_element(By.ID, "text"))
    _no_console_errors(chrome)

    # Layers switch off with CSS alone (no script on the page).
    claim_span = body.find_element(By.CSS_SELECTOR, "span.cl")
    shaded = claim_span.value_of_css_property("background-color")
    chrome.find_element(By.CSS_SELECTOR, "label[for=show-claim]").click()
    assert claim_span.value_of_css_property("background-color") != shaded
    assert claim_span.value_of_css_property("background-color") in ("rgba(0, 0, 0, 0)", "transparent")
    assert chrome.execute_script("return document.scripts.length") == 0

    # Its outlet's card.
    amn = raqqa_by_input[AMN]["id"]
    chrome.get(f"{site}/article/{amn}")
    chrome.find_element(By.CSS_SELECTOR, ".meta a[href^='/outlet']").click()
    assert chrome.find_element(By.TAG_NAME, "h1").text == "AMN (Al-Masdar News)"
    assert chrome.find_elements(By.CSS_SELECTOR, "svg.chart circle")
    _shot(chrome, shots, "outlet")
    _no_console_errors(chrome)


def test_search_from_the_top_bar(chrome: Any, site: str, shots: Path) -> None:
    from selenium.webdriver.common.by import By

    chrome.get(f"{site}/stories")
    box = chrome.find_element(By.CSS_SELECTOR, "nav.top input[name=q]")
    box.send_keys("Save the Children")
    box.submit()
    # submit() returns before the next page has loaded: wait for it (a bare assert raced it).
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(chrome, 10).until(lambda d: "/search?" in d.current_url)
    assert "/search?q=Save+the+Children" in chrome.current_url
    hits = chrome.find_elements(By.CSS_SELECTOR, "#article-hits li a.hit-title")
    assert hits
    marks = {m.text.lower() for m in chrome.find_elements(By.CSS_SELECTOR, "#article-hits mark")}
    assert marks <= {"save", "the", "children"} and "children" in marks
    _shot(chrome, shots, "search")
    hits[0].click()
    assert "/article/" in chrome.current_url
    _no_console_errors(chrome)


def test_timeline_and_charts_render_as_svg(chrome: Any, site: str, shots: Path) -> None:
    from selenium.webdriver.common.by import By

    chrome.get(f"{site}/stories")
    chrome.find_element(By.CSS_SELECTOR, "a.story-link").click()
    corroboration = chrome.find_element(By.CSS_SELECTOR, "#corroboration svg")
    bars = corroboration.find_elements(By.TAG_NAME, "rect")
    assert len(bars) >= 20 and all(b.size["width"] > 0 for b in bars)
    dots = chrome.find_elements(By.CSS_SELECTOR, "#timeline svg circle")
    # One Raqqa article has a date (AMN's dateline); the four others are counted as undated.
    assert len(dots) == 1
    assert "4 articles without a known date" in chrome.find_element(By.ID, "timeline").text
    _shot(chrome, shots, "story-charts", chrome.find_element(By.ID, "corroboration"))
    _shot(chrome, shots, "story-cites", chrome.find_element(By.ID, "cites"))
