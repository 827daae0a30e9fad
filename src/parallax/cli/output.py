"""What ``analyze`` prints on a terminal: the progress bar and the summary."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from parallax.cli.common import safe


class Progress:
    """A tqdm bar on stderr counting input units, shown only on a terminal."""

    def __init__(self, enabled: bool) -> None:
        self.bar: Any = None
        if enabled:
            from tqdm import tqdm

            self.bar = tqdm(unit=" inputs", file=sys.stderr, dynamic_ncols=True, leave=False)

    def __call__(self, event: str, n: int) -> None:
        if self.bar is None:
            return
        if event == "unit":
            self.bar.update(n)
        elif event.startswith("stage:"):
            self.bar.set_description(event.split(":", 1)[1])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def summary(report: dict[str, Any], html: Path | None, db: Path) -> str:
    """Terminal summary: the ledger, the stories and the main findings of each."""
    return safe(_summary(report, html, db))


def _summary(report: dict[str, Any], html: Path | None, db: Path) -> str:
    c = report["corpus"]
    lines = [
        f"{c['inputs_seen']} inputs: {c['articles']} articles, {c['duplicates']} duplicates, "
        f"{len(c['rejected'])} rejected · {c['stories']} stories · {c['outlets']} named outlets",
    ]
    if c["rejected"]:
        lines.append("  top rejection reasons:")
        for reason, n in top_reasons(c["rejected"], 5):
            lines.append(f"    {n:>5} × {_clip(reason, 110)}")
    for r in c["rejected"][:5]:
        lines.append(f"  rejected {r['input']}: {r['reason']}")
    if len(c["rejected"]) > 5:
        lines.append(f"  … and {len(c['rejected']) - 5} more rejected (see report.json)")
    aside = c.get("set_aside")
    if aside:
        langs = ", ".join(f"{k} {v}" for k, v in aside["languages"].items())
        lines.append(f"  {aside['articles']} articles set aside from the English-only signals "
                     f"({aside['reason']}: {langs}); they form stories within their own language")
    articles = {a["id"]: a for a in report["articles"]}
    stories = sorted(report["stories"], key=lambda s: -len(s["articles"]))
    for s in stories[:10]:
        n = len(s["articles"])
        corroborated = sum(1 for cl in s["claims"] if cl["status"] == "corroborated")
        # Untitled inputs (records without a title, text without a headline) make untitled stories.
        title = s["title"] or f"(untitled) {_clip(articles[s['articles'][0]]['text'], 80)}" if s["articles"] else ""
        lines.append(
            f"\n■ {title}\n  {n} article{'s' if n != 1 else ''}, "
            f"{s['independent_origins']} independent origin{'s' if s['independent_origins'] != 1 else ''} · "
            f"{len(s['claims'])} claims, {corroborated} corroborated, {len(s['disputes'])} disputes")
        for line in [x for x in s["summary"] if not x.startswith("Disputed")][:3]:
            lines.append(f"  · {line[:160]}")
        for d in s["disputes"][:3]:
            sides = "; ".join(f"{_clip(p.get('text') or '', 48)} ({p.get('attributed_to') or 'unattributed'})"
                              for p in d["positions"][:3])
            lines.append(f"  ≠ {d['about']}: {sides}")
        for aid in s["articles"][:8]:
            a = articles[aid]
            sig = a["signals"]
            if (sig["clickbait"].get("details") or {}).get("reason") == "language not supported":
                lines.append(f"    - {(a['outlet']['name'] or a['input'])[:28]:28}  "
                             f"signals n/a (language {a.get('language')})")
                continue
            lines.append(
                f"    - {(a['outlet']['name'] or a['input'])[:28]:28}  clickbait {sig['clickbait']['score']:.2f}"
                f"  opinion {sig['opinion_share']['score']:.2f}  hate {sig['hate']['score']:.2f}"
                f"  sourcing {sig['sourcing']['score']:.2f}  slant {sig['slant']['score']:.2f}"
                + (f" (frames {d})" if (d := (sig["slant"].get("details") or {}).get("direction")) else "")
                + (f"  comments {len(a['comments'])}" if a["comments"] else ""))
    if c["stories"] > 10:
        lines.append(f"\n… and {c['stories'] - 10} more stories")
    if html:
        lines.append(f"\nReport: {html}\n        {html.with_name('report.json')}\nDatabase: {db}")
    return "\n".join(lines)


def top_reasons(rejected: list[dict[str, str]], n: int) -> list[tuple[str, int]]:
    """The ``n`` most common rejection reasons, numbers and offsets folded so alike reasons count together."""
    import re
    from collections import Counter

    counts = Counter(re.sub(r"\d+", "N", r["reason"].split(" (http")[0]) for r in rejected)
    return counts.most_common(n)


def _clip(text: str, limit: int) -> str:
    """``text`` cut at a word boundary to about ``limit`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text.rfind(" ", 0, limit)
    return text[:cut if cut > limit // 2 else limit].rstrip(" ,;:") + "…"
