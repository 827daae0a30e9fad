"""Score: per-article signals, each with the spans that justify it.

Batch API over many articles; each article's signals depend on that article alone. These
are first versions (the signals issue deepens each one); every score is computed from the
text by a model or rule documented here, never filled in.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from parallax.claims.stance import StanceResult, model_available, predict_stance
from parallax.models.classifiers import article_text, load_classifier
from parallax.signals.framing import framing
from parallax.signals.loaded import find_loaded_spans, loaded_score
from parallax.signals.techniques import label_paragraphs
from parallax.signals.techniques import model_available as model_available_techniques
from parallax.signals.voice import author_voice, combine, headline_devices
from parallax.text.quotes import QUOTATION as _QUOTED
from parallax.text.segment import split_sentences
from parallax.text.textvec import background_idf, hasher
from parallax.types import Evidence, Extraction, Sentence, Signal, Signals

# A comment or body sentence above this probability of abuse is listed as evidence.
HATE_EVIDENCE_MIN = 0.5
# Body hate is the mean of the three most abusive sentences: one quoted slur in a long report
# should not make the article hateful, a run of abusive sentences should.
HATE_TOP_K = 3


@dataclass
class ScoreInput:
    """What scoring needs to know of an article."""

    id: str
    title: str
    text: str
    sentences: list[Sentence]
    comments: list[str]
    extraction: Extraction


def score_batch(items: Sequence[ScoreInput]) -> list[Signals]:
    """Signals for each article, in order."""
    if not items:
        return []
    clickbait = load_classifier("clickbait")
    hate = load_classifier("hate")
    subj_threshold = load_classifier("subjectivity").threshold
    titles = [it.title for it in items]
    cb = clickbait.predict_proba(titles)
    para_labels = _paragraph_techniques([it.text for it in items])
    slant_model = load_classifier("hyperpartisan")
    slant_texts = [article_text(it.title, it.text) for it in items]
    slant = slant_model.predict_proba(slant_texts)
    with_title = [k for k, it in enumerate(items) if it.title.strip()]
    stances: list[StanceResult | None] = [None] * len(items)
    if model_available() and with_title:
        for k, res in zip(with_title, predict_stance([(items[k].title, items[k].text) for k in with_title]),
                          strict=True):
            stances[k] = res
    body_sents = [s.text for it in items for s in it.sentences]
    body_hate = hate.predict_proba(body_sents) if body_sents else np.zeros(0)
    # The author's own words: a report that quotes a slur to report on it ("The words “…” were
    # painted on the door") repeats the slur inside quotation marks only. Sentences with a
    # quotation are scored again without it, and that score is what counts for the body.
    own_hate = body_hate.copy()
    quoted = [k for k, text in enumerate(body_sents) if _QUOTED.search(text)]
    if quoted:
        own_hate[quoted] = hate.predict_proba([_QUOTED.sub(" … ", body_sents[k]) for k in quoted])
    # A comment is as abusive as its worst sentence: one slur at the end of a long comment
    # ("… not enough bloodshed for King Kike") must not be averaged away.
    comment_sents = [[s.text for s in split_sentences(c) if s.text.strip()] or [c] for it in items for c in it.comments]
    flat = [s for sents in comment_sents for s in sents]
    flat_p = hate.predict_proba(flat) if flat else np.zeros(0)
    comment_hate, comment_worst, k0 = [], [], 0
    for sents in comment_sents:
        ps = flat_p[k0:k0 + len(sents)]
        k0 += len(sents)
        comment_hate.append(float(ps.max()))
        comment_worst.append(sents[int(ps.argmax())])
    out: list[Signals] = []
    pos = cpos = 0
    for k, it in enumerate(items):
        n = len(it.sentences)
        sent_hate, sent_own = body_hate[pos:pos + n], own_hate[pos:pos + n]
        pos += n
        reported = _reported_regions(it)
        body = {
            # Evidence terms only where they are shown (top_terms re-featurizes the text).
            "clickbait": _clickbait(it.title, float(cb[k]), clickbait.top_terms(it.title, 3) if cb[k] >= 0.5 else []),
            "opinion_share": _opinion(it, subj_threshold),
            "loaded_language": _loaded(it.text, para_labels[k], reported),
            "hate": _hate_body(it.sentences, sent_hate, sent_own),
            "sourcing": _sourcing(it, subj_threshold),
            "headline_support": _headline_support(it.title, it.text, stances[k] if stances else None),
            "slant": _slant(it, reported, float(slant[k]), slant_model.top_terms(slant_texts[k], 5)
                            if slant[k] >= slant_model.threshold else [], slant_model.threshold),
        }
        comments = []
        for text in it.comments:
            p, worst = comment_hate[cpos], comment_worst[cpos]
            cpos += 1
            at = text.find(worst)
            ev = ([Evidence(worst, f"abusive-language model: {p:.2f}", at if at >= 0 else None,
                            at + len(worst) if at >= 0 else None)] if p >= HATE_EVIDENCE_MIN else [])
            comments.append({"hate": Signal(round(p, 4), ev), "loaded_language": _loaded(text)})
        out.append(Signals(it.id, body, comments))
    return out


def _clickbait(title: str, p: float, terms: list[tuple[str, float]]) -> Signal:
    """The headline model's probability combined with the sensational devices it misses."""
    cues = headline_devices(title)
    ev = [Evidence(c.text, f"{c.why} (+{c.weight:.2f})", c.start, c.end) for c in cues]
    for term, weight in terms:
        ev.append(Evidence(term, f"headline term typical of clickbait (model weight {weight:.2f})"))
    return Signal(round(combine(p, cues), 4), ev, {"model": round(p, 4), "devices": len(cues)})


def _opinion(it: ScoreInput, threshold: float) -> Signal:
    """Share of the article's *own* sentences that are opinion.

    Quoted and attributed sentences are the source's words, not the outlet's, so they are
    left out; a sentence is opinion when the subjectivity model says so or when it speaks in
    the author's own voice (first person, rhetorical question, interjection).
    """
    probs = it.extraction.subjective
    if not probs:
        return Signal(None)
    attributed = {a.sentence for a in it.extraction.attributions}
    own = [i for i in range(len(probs)) if i not in attributed] or list(range(len(probs)))
    ev: list[Evidence] = []
    for i in own:
        sent = it.sentences[i]
        voice = author_voice(sent.text)
        if probs[i] >= threshold or voice:
            why = f"opinion sentence (p={probs[i]:.2f})" if probs[i] >= threshold else f"author's voice: {voice}"
            ev.append(Evidence(sent.text, why, sent.start, sent.end))
    return Signal(round(len(ev) / len(own), 4), ev,
                  {"own_sentences": len(own), "opinion": len(ev), "attributed_left_out": len(probs) - len(own)})


def _slant(it: ScoreInput, reported: list[tuple[int, int]], p: float, terms: list[tuple[str, float]],
           threshold: float) -> Signal:
    """Hyperpartisan probability of the article (SemEval-2019 by-article model), and the
    direction of its framing (US left / right) where its own words show one (:mod:`.framing`).

    Evidence: the words that push the model most towards "hyperpartisan", located in the body,
    then every framing cue (headline cues carry no body offsets).
    """
    text = it.text
    ev = []
    for term, weight in terms:
        m = re.search(r"\b" + re.escape(term).replace(r"\ ", r"\W+") + r"\b", text, re.I)
        ev.append(Evidence(m.group(0) if m else term, f"word typical of hyperpartisan articles (+{weight:.2f})",
                           m.start() if m else None, m.end() if m else None))
    frame = framing(text, reported, it.title)
    for c in frame.cues:
        where = "headline: " if c.in_title else ""
        ev.append(Evidence(c.text, f"{where}frames towards the {c.side}: {c.why}",
                           None if c.in_title else c.start, None if c.in_title else c.end))
    return Signal(round(p, 4), ev, {"model": "hyperpartisan", "label": "hyperpartisan" if p >= threshold else "not",
                                    "direction": frame.direction, "direction_score": frame.score,
                                    "direction_strength": frame.strength, "framing_cues": len(frame.cues)})


# Paragraph techniques of the SemEval-2023 model shown as evidence: only those with dev F1
# >= 0.25 (Flag-Waving 0.40, Loaded Language 0.33, Name Calling 0.30, Causal Oversimplification
# 0.26; bench/results/techniques.json). The others are too often wrong to show a reader.
RELIABLE_TECHNIQUES = frozenset({"Flag_Waving", "Loaded_Language", "Name_Calling-Labeling",
                                 "Causal_Oversimplification"})


def _paragraph_techniques(texts: list[str]) -> list[list[tuple[int, int, list[str]]]]:
    """Per text: (start, end, techniques) of each paragraph the technique model flags."""
    if not model_available_techniques():
        return [[] for _ in texts]
    spans: list[tuple[int, int, int]] = []
    paras: list[str] = []
    for k, text in enumerate(texts):
        pos = 0
        for para in text.split("\n\n"):
            if para.strip():
                spans.append((k, pos, pos + len(para)))
                paras.append(para)
            pos += len(para) + 2
    out: list[list[tuple[int, int, list[str]]]] = [[] for _ in texts]
    for (k, start, end), labels in zip(spans, label_paragraphs(paras) if paras else [], strict=True):
        keep = [t for t in labels if t in RELIABLE_TECHNIQUES]
        if keep:
            out[k].append((start, end, keep))
    return out


def _reported_regions(it: ScoreInput) -> list[tuple[int, int]]:
    """Where the article reports others' words: quotations and attributed sentences."""
    regions = [(m.start(), m.end()) for m in _QUOTED.finditer(it.text)]
    regions += [(it.sentences[a.sentence].start, it.sentences[a.sentence].end) for a in it.extraction.attributions
                if a.sentence < len(it.sentences)]
    return regions


def _loaded(text: str, paragraphs: list[tuple[int, int, list[str]]] | None = None,
            reported: list[tuple[int, int]] | None = None) -> Signal:
    """Loaded-language intensity of the article's own words (PTC span lexicon).

    Like opinion share, the score reads what the outlet writes itself: loaded words inside
    quotations and attributed sentences ("a cesspool of brutal lies," Dillon said) are the
    source's, listed as evidence but left out of the score (``details.with_quotations`` keeps
    the score over the whole text). Paragraphs the SemEval-2023 technique model flags are
    evidence too.
    """
    spans = find_loaded_spans(text)
    reported = reported or []

    def quoted(a: int, b: int) -> bool:
        return any(lo <= a and b <= hi for lo, hi in reported)

    own_text = list(text)
    for lo, hi in reported:
        own_text[lo:hi] = " " * (hi - lo)
    own = [s for s in spans if not quoted(s.start, s.end)]
    ev = [Evidence(s.text, s.technique.replace("_", " ") + (" (in reported words)" if quoted(s.start, s.end) else ""),
                   s.start, s.end) for s in spans]
    for start, end, labels in paragraphs or []:
        names = ", ".join(t.replace("_", " ").replace("-", " / ") for t in labels)
        ev.append(Evidence(text[start:end], f"paragraph: {names} (technique model)", start, end))
    details = {"lexicon_spans": len(spans), "own_spans": len(own), "technique_paragraphs": len(paragraphs or []),
               "with_quotations": round(loaded_score(text, spans), 4)}
    return Signal(round(loaded_score("".join(own_text), own), 4), ev, details)


def _hate_body(sentences: list[Sentence], probs: np.ndarray, own: np.ndarray) -> Signal:
    """Abusive language of the body: the mean of the HATE_TOP_K most abusive sentences, each
    scored on the author's own words (``own``: quotations left out). A sentence abusive only
    through what it quotes is still evidence, marked as reported, but does not count."""
    if len(probs) == 0:
        return Signal(None)
    top = np.sort(own)[::-1][:HATE_TOP_K]
    ev = []
    for i in np.argsort(-probs, kind="stable"):
        if probs[i] < HATE_EVIDENCE_MIN:
            break
        why = (f"abusive-language model: {probs[i]:.2f}" if own[i] >= HATE_EVIDENCE_MIN else
               f"abusive words inside a quotation (reported, not counted): {probs[i]:.2f}, "
               f"the author's own words {own[i]:.2f}")
        ev.append(Evidence(sentences[i].text, why, sentences[i].start, sentences[i].end))
    return Signal(round(float(top.mean()), 4), ev,
                  {"reported_only": sum(1 for e in ev if "reported" in e.why)})


def _sourcing(it: ScoreInput, threshold: float) -> Signal:
    """Share of factual sentences attributed to a named source, with who the sources are.

    Unnamed sources ("officials said", "one fighter told") count as anonymous sourcing, not as
    named sources; cited outlets and links are listed beside.
    """
    ex = it.extraction
    named = {a.sentence for a in ex.attributions if not a.anonymous}
    anonymous = {a.sentence for a in ex.attributions if a.anonymous}
    factual = [i for i, p in enumerate(ex.subjective) if p < threshold] or list(range(len(it.sentences)))
    if not factual:
        return Signal(None)
    share = sum(1 for i in factual if i in named) / len(factual)
    ev = [Evidence(it.sentences[a.sentence].text,
                   f"{'unnamed source' if a.anonymous else 'attributed to'} {a.speaker} ({a.cue})",
                   it.sentences[a.sentence].start, it.sentences[a.sentence].end)
          for a in ex.attributions]
    details = {
        "named_sources": sorted({a.speaker for a in ex.attributions if not a.anonymous}),
        "anonymous_sources": sorted({a.speaker for a in ex.attributions if a.anonymous}),
        "cited_outlets": [c.name for c in ex.cited_sources if c.kind == "outlet"],
        "attributed_sentences": len(named),
        "anonymously_sourced_sentences": len(anonymous - named),
        "factual_sentences": len(factual),
        "links": len(re.findall(r"https?://", it.text)),
    }
    return Signal(round(share, 4), ev, details)


# Verbs that say who reports, not what: a headline's "…, Army spokesman says" is no claim.
_REPORTING_VERBS = frozenset({"says", "said", "say", "shows", "show", "reveals", "reveal", "reports", "report",
                              "claims", "watch", "explains", "warns"})


def _headline_support(title: str, text: str, stance: StanceResult | None) -> Signal:
    """How well the body backs its headline: the share of the headline's content it uses,
    times the stance model's probability that the body is related to the headline and does not
    contradict it.

    A headline whose key words never occur in the body ("Obama Never Did This" over a body
    without Obama) is not backed by it; nor is one the body argues against. Words are compared
    on a 5-letter prefix so that "defeat"/"defeated" match; each weighs its background IDF, so a
    missing name counts for more than a missing "did". Stop words, the headline's devices
    ("ALERT:", "[Video]") and reporting verbs ("says", "shows") are not claims and do not count.
    """
    analyzer = hasher().build_analyzer()
    devices = [(c.start, c.end) for c in headline_devices(title)]
    words = [m for m in re.finditer(r"[\w'’-]+", title)
             if not any(a <= m.start() < b for a, b in devices) and m.group(0).lower() not in _REPORTING_VERBS]
    head = [w for m in words for w in analyzer(m.group(0)) if len(w) > 1]
    if not head:
        return Signal(None)
    body = {w[:5] for w in analyzer(text)}
    uniq = list(dict.fromkeys(head))
    missing = [w for w in uniq if w[:5] not in body]
    # Offsets in evidence point into the body; these words are in the headline, so none.
    ev = []
    for w in missing:
        m = re.search(re.escape(w), title, re.I)
        ev.append(Evidence(m.group(0) if m else w, "headline word not found in the body"))
    idf = background_idf()
    hashed = hasher().transform(uniq).tocsr()
    weight = {w: float(idf[hashed[k].indices].max()) if hashed[k].nnz else 1.0 for k, w in enumerate(uniq)}
    coverage = 1 - sum(weight[w] for w in missing) / sum(weight.values())
    details: dict[str, object] = {"method": "lexical coverage x stance", "coverage": round(coverage, 4)}
    backed = 1.0
    if stance is not None:
        backed = max(0.0, 1.0 - stance.probs["unrelated"] - stance.probs["disagree"])
        details["stance"] = stance.label
        details["stance_probs"] = stance.probs
        if stance.label in ("disagree", "unrelated"):
            verb = "contradicts" if stance.label == "disagree" else "does not address"
            p = stance.probs[stance.label]
            ev.append(Evidence(title, f"stance model: the body {verb} the headline (p={p:.2f})"))
    # The stance model can at most halve the lexical score: trained on FNC-1, where bodies
    # repeat their headline's words, it reads a paraphrased headline as unrelated (the "OOPS …
    # Quietly Evacuate Capital" headline over a body about the convoy: P(unrelated) 0.92).
    return Signal(round(coverage * (0.5 + 0.5 * backed), 4), ev, details)
