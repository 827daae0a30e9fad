"""report.html is the story view in one self-contained file: matrix and charts inline, no script."""

from __future__ import annotations

import re
from typing import Any

from parallax.report.render import REPORT_MATRIX_CLAIMS


def test_report_html_holds_the_story_view_self_contained(raqqa_run: Any) -> None:
    html = (raqqa_run.db_path.parent / "report.html").read_text(encoding="utf-8")
    story = raqqa_run.report["stories"][0]
    assert "<h3>Who says what</h3>" in html
    matrix = html[html.index('<table class="matrix">'):]
    matrix = matrix[:matrix.index("</table>")]
    shown = min(len(story["claims"]), REPORT_MATRIX_CLAIMS)  # the matrix is capped
    assert matrix.count('<td class="claimcol">') == shown
    assert matrix.count('<td class="cell ') == shown * len(story["articles"])
    assert {"st-states", "st-words", "st-silent"} <= set(re.findall(r'<td class="cell (st-\w+)"', matrix))
    for aid in story["articles"]:
        assert f'<a href="#{aid}">' in matrix and f'<article class="card" id="{aid}">' in html
    assert html.count('<svg class="chart"') == 2  # corroboration and timeline
    # Each origin's evidence is shown with it.
    assert 'title="attributed to Ryan Dillon' in html
    assert "<summary>evidence</summary>" in html and "Ryan Dillon: attributed to Ryan Dillon</li>" in html
    # Self-contained and inert: nothing loaded from anywhere, no script.
    assert "<script" not in html and "<link" not in html and " src=" not in html
    assert "default-src 'none'" in html
