"""An article's text cut into pieces, each carrying the layers of evidence that cover it.

Layers overlap freely (a quoted sentence can hold a figure, be loaded and be a claim), so the
text is cut at every span boundary and each piece lists its layers; the page styles each layer
differently (background for a claim's status, underline for quotes, and so on) and can switch
them off with CSS alone. Pieces are plain text: the template escapes them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

LAYERS = {
    "claim": "claims (background: corroborated green, single-source grey, disputed red)",
    "quote": "sentences in someone's words (underlined; the speaker in the tooltip)",
    "figure": "figures (boxed)",
    "opinion": "opinion sentences (italic)",
    "loaded": "loaded language (wavy red underline)",
    "reuse": "passages shared with or taken from another article (blue bar on the left)",
}


@dataclass(frozen=True)
class Span:
    """A highlighted stretch of the text: ``css`` classes, and ``why`` for its tooltip."""

    start: int
    end: int
    layer: str
    css: str
    why: str


def article_spans(article: Mapping[str, Any], claim_mentions: Iterable[Mapping[str, Any]],
                  sources: Mapping[str, str]) -> list[Span]:
    """Every highlight of an article in report form (:func:`parallax.report.render.article_json`).

    ``claim_mentions``: this article's claim mentions with ``claim``, ``status``, ``stance``,
    ``start``, ``end``; ``sources``: article id → a label, for reused passages.
    """
    text = article["text"]
    out: list[Span] = []

    def add(start: Any, end: Any, layer: str, css: str, why: str) -> None:
        if isinstance(start, int) and isinstance(end, int) and 0 <= start < end <= len(text):
            out.append(Span(start, end, layer, css, why))

    for m in claim_mentions:
        stance = {"agrees": "states it", "discusses": "reports it as someone's words",
                  "disagrees": "contradicts it"}.get(m["stance"], m["stance"])
        add(m["start"], m["end"], "claim", f"cl cl-{m['status']}",
            f"claim {m['claim']} ({m['status']}): {stance}" + (" (copied passage)" if m.get("copied") else ""))
    for s in article["sentences"]:
        if s.get("speaker"):
            add(s["start"], s["end"], "quote", "q", f"in the words of {s['speaker']}")
    for q in article.get("quantities", []):
        about = f" ({q['about']})" if q.get("about") else ""
        add(q["start"], q["end"], "figure", "fig", f"figure: {q['text']}{about}")
    for ev in article["signals"]["opinion_share"]["evidence"]:
        add(ev.get("start"), ev.get("end"), "opinion", "op", f"opinion: {ev['why']}")
    for ev in article["signals"]["loaded_language"]["evidence"]:
        add(ev.get("start"), ev.get("end"), "loaded", "ld", f"loaded language: {ev['why']}")
    for r in article["reuse"]:
        src = sources.get(r["source"], r["source"])
        add(r["start"], r["end"], "reuse", "ru",
            f"also in {src}" if r["source"] in sources else f"marked as taken from {src}")
    return out


def layered_paragraphs(text: str, spans: Sequence[Span], anchors: Iterable[int] = ()) -> list[list[dict[str, Any]]]:
    """The text's paragraphs (split on blank lines) as pieces ``{"text", "css", "why", "id"}``.

    ``css`` joins the classes of every span over the piece (empty for plain text); ``id`` is
    ``p<offset>`` on the first piece starting where some span starts or at one of ``anchors``
    (sentence starts, say), so links can point there.
    """
    extra = {a for a in anchors if 0 <= a < len(text)}
    cuts = {0, len(text)} | extra
    for s in spans:
        cuts.update((s.start, s.end))
    pos = 0
    bounds = []
    for para in text.split("\n\n"):
        bounds.append((pos, pos + len(para)))
        cuts.update((pos, pos + len(para)))
        pos += len(para) + 2
    starts = {s.start for s in spans} | extra
    ordered = sorted(c for c in cuts if 0 <= c <= len(text))
    by_start = sorted(spans, key=lambda s: s.start)
    placed: set[int] = set()
    paragraphs: list[list[dict[str, Any]]] = []
    for lo, hi in bounds:
        pieces: list[dict[str, Any]] = []
        edges = [c for c in ordered if lo <= c <= hi]
        for a, b in zip(edges, edges[1:], strict=False):
            if b <= a:
                continue
            over = [s for s in by_start if s.start <= a < s.end]
            css = " ".join(dict.fromkeys(c for s in over for c in s.css.split()))
            why = "; ".join(dict.fromkeys(s.why for s in over))
            anchor = None
            if a in starts and a not in placed:
                anchor = f"p{a}"
                placed.add(a)
            pieces.append({"text": text[a:b], "css": css, "why": why, "id": anchor})
        paragraphs.append(pieces)
    return paragraphs
