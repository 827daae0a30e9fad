"""Segment: sentences with offsets into the clean text, dates, and the article's id."""

from __future__ import annotations

import ctypes
import hashlib
import re

import blingfire
import numpy as np

from parallax.text.dates import find_dates, first_full_date, parse_iso
from parallax.types import Article, CleanDocument, Sentence

_PARA = re.compile(r"[^\n]+")
# blingfire splits after a closing quote's period but also inside "U.S. officials"; a split
# whose next piece starts lowercase is almost always an abbreviation, so the pieces are merged.
_LOWER_START = re.compile(r"^[“\"'‘(\[]?[a-z]")
# blingfire never splits before a digit: "…have ended. 90% of the city has been clear." stays one
# sentence (Raqqa, article 003), which hides the second fact from alignment. A lowercase word of
# two letters or more, an end mark and a digit after the space end a sentence, unless the word is
# an abbreviation that precedes numbers ("no. 1", "vs. 2", "approx. 30"). On the first 2,700
# articles of the bench corpus the rule fires 22 times, all real sentence ends once "no." and
# "a.m." are left out.
_DIGIT_START = re.compile(r"\b([a-z]{2,})[.!?][\"”’']?(\s+)(?=\d)")
_BEFORE_NUMBERS = frozenset({"no", "nos", "vs", "approx", "ca", "est", "pp", "vol", "vols", "fig", "figs", "op",
                             "cf", "ch", "sec", "art", "para", "ext", "tel", "ave", "st", "mt", "ft", "rev",
                             "gen", "dr", "mr", "mrs", "ms", "sr", "jr", "pt", "pts", "nr", "ref", "ed", "eds"})


def article_id(title: str, text: str) -> str:
    """Content-derived id: the same title and body give the same id on every run."""
    norm = re.sub(r"\s+", " ", f"{title}\n{text}".lower()).strip()
    return "a" + hashlib.sha1(norm.encode("utf-8")).hexdigest()[:15]


def sentence_offsets(chunk: str) -> list[tuple[int, int]]:
    """blingfire's sentence spans of ``chunk`` as str offsets.

    Same spans as ``blingfire.text_to_sentences_and_offsets``, whose UTF-8 → str offset mapping
    is a Python loop over every byte (a third of the HTML path's time); here numpy maps them.
    """
    data = chunk.encode("utf-8")
    size = len(data)
    cap = size * 2
    # numpy buffers: ctypes arrays are zero-filled element by element, slower than the split.
    out_buf = np.empty(cap + 1, dtype=np.uint8)
    starts = np.empty(cap, dtype=np.int32)
    ends = np.empty(cap, dtype=np.int32)
    n = blingfire.blingfire.TextToSentencesWithOffsets(
        ctypes.c_char_p(data), ctypes.c_int(size), out_buf.ctypes.data_as(ctypes.c_void_p),
        starts.ctypes.data_as(ctypes.c_void_p), ends.ctypes.data_as(ctypes.c_void_p), ctypes.c_int(cap))
    if n == -1 or n > cap:
        return []
    text_out = out_buf[:n]
    nul = np.flatnonzero(text_out == 0)
    count = int(np.count_nonzero(text_out[: nul[0] if len(nul) else n] == 10)) + 1
    first = starts[:count]
    last = ends[:count] + 1  # blingfire's end byte is inclusive
    if len(chunk) == size:  # ASCII: bytes are characters
        return list(zip(first.tolist(), last.tolist(), strict=True))
    lead = (np.frombuffer(data, dtype=np.uint8) & 0xC0) != 0x80
    char_at = np.append(np.cumsum(lead) - 1, len(chunk))  # str index of the character at each byte
    return list(zip(char_at[first].tolist(), char_at[last].tolist(), strict=True))


def _split_before_digits(chunk: str, span: list[int]) -> list[list[int]]:
    """``span`` cut where a sentence ends and the next one opens with a digit (``_DIGIT_START``)."""
    start, end = span
    parts = []
    for m in _DIGIT_START.finditer(chunk, start, end):
        if m.group(1) in _BEFORE_NUMBERS:
            continue
        parts.append([start, m.start(2)])
        start = m.end(2)
    parts.append([start, end])
    return parts


def split_sentences(text: str) -> list[Sentence]:
    """Sentences of ``text`` with character offsets; paragraph breaks always end a sentence."""
    out: list[Sentence] = []
    for para in _PARA.finditer(text):
        chunk = para.group(0)
        if not chunk.strip():
            continue
        offsets = sentence_offsets(chunk)
        spans: list[list[int]] = []
        for start, end in offsets:
            piece = chunk[start:end]
            if spans and _LOWER_START.match(piece):
                spans[-1][1] = end
            else:
                spans.append([start, end])
        spans = [part for span in spans for part in _split_before_digits(chunk, span)]
        for start, end in spans:
            a, b = para.start() + start, para.start() + end
            out.append(Sentence(a, b, text[a:b]))
    return out


def segment(doc: CleanDocument) -> Article:
    """Cut a clean document into sentences and fill ``published`` from the text if needed."""
    published, evidence = doc.published, doc.published_evidence
    if not published:
        # A full date near the top (a dateline kept in the body) names the publication day;
        # dates deeper in the body usually name events, so they are not used.
        head = doc.text[:300]
        found = first_full_date(head)
        if found:
            published, evidence = found[0], f"date in text {found[1]!r}"
    dates = find_dates(doc.text, parse_iso(published))
    return Article(
        id=article_id(doc.title, doc.text),
        doc=doc,
        sentences=split_sentences(doc.text),
        dates=dates,
        published=published,
        published_evidence=evidence,
    )
