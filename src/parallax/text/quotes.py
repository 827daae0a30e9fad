"""Quotation marks: where a text gives someone else's words rather than the author's.

Several stages tell the author's own words from quoted ones (opinion and hate on the author's
words, loaded language and framing cues outside quotations), so the patterns live here once.
"""

from __future__ import annotations

import re

#: A closed quotation, curly or straight; a straight one does not run over a line break, so one
#: stray inch mark cannot swallow a page.
QUOTATION = re.compile(r"“[^”]*”|\"[^\"\n]*\"")

#: Inside one sentence an unclosed quotation runs to the sentence's end: a quote that continues
#: into the next sentence opens here and closes there.
QUOTATION_IN_SENTENCE = re.compile(r"“[^”]*”?|\"[^\"]*\"?")


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each closed quotation in ``text``, quotation marks included."""
    return [(m.start(), m.end()) for m in QUOTATION.finditer(text)]
