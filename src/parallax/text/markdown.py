"""Markdown as plain text: what a reader of the rendered page sees, and its title.

Only the marks that would otherwise end up in the article's words are undone: headings,
emphasis, links, images, quotes, code fences, horizontal rules and HTML comments. Lists stay
lines of their own.
"""

from __future__ import annotations

import re

_HEADING = re.compile(r"^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_SETEXT = re.compile(r"^\s{0,3}(=+|-+)\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REF_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_REF_DEF = re.compile(r"^\s{0,3}\[[^\]]+\]:\s+\S+.*$")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_|~~)(?=\S)(.+?)(?<=\S)\1")
_CODE = re.compile(r"`([^`]+)`")
_RULE = re.compile(r"^\s{0,3}([-*_])(\s*\1){2,}\s*$")
_QUOTE = re.compile(r"^\s{0,3}>\s?")
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.S)
_FRONT_TITLE = re.compile(r"^title:\s*[\"']?(.*?)[\"']?\s*$", re.M)


def markdown_text(text: str) -> tuple[str, str | None]:
    """(plain text, title): the title is the first top-level heading or front-matter title."""
    title: str | None = None
    front = _FRONT_MATTER.match(text)
    if front:
        m = _FRONT_TITLE.search(front.group(0))
        title = m.group(1).strip() if m and m.group(1).strip() else None
        text = text[front.end():]
    text = _COMMENT.sub("", text)
    out: list[str] = []
    in_fence = False
    for line in text.split("\n"):
        if line.lstrip().startswith(("```", "~~~")):
            in_fence = not in_fence
            out.append("")
            continue
        if in_fence:
            out.append(line)
            continue
        if _REF_DEF.match(line) or _RULE.match(line):
            out.append("")
            continue
        if _SETEXT.match(line) and out and out[-1].strip():
            heading = out.pop()
            if title is None and line.strip().startswith("="):
                title = _inline(heading).strip()
                out.append("")
            else:
                out.extend(["", _inline(heading).strip(), ""])
            continue
        m = _HEADING.match(line)
        if m:
            heading = _inline(m.group(2)).strip()
            if title is None and len(m.group(1)) == 1:
                title = heading
                out.append("")
            else:
                # A heading is a block of its own, as on the rendered page.
                out.extend(["", heading, ""])
            continue
        out.append(_inline(_QUOTE.sub("", line)))
    return "\n".join(out).strip("\n"), title


def _inline(line: str) -> str:
    line = _IMAGE.sub("", line)
    line = _LINK.sub(r"\1", line)
    line = _REF_LINK.sub(r"\1", line)
    line = _CODE.sub(r"\1", line)
    for _ in range(2):  # **_nested_** emphasis
        line = _EMPHASIS.sub(r"\2", line)
    return line
