"""Align: line up what the articles of one story state, count who supports each claim, find disputes.

Per story (the story is the block: no pair ever crosses stories):

1. Candidates: every statement of the story's articles, except questions, fragments, page
   furniture and the article's own opinion.
2. Claim groups: pairs of sentences from different articles that share some wording (story-
   weighted stems, :mod:`parallax.claims.claimsim`) go to the same-fact model
   (:mod:`parallax.claims.samefact`: sentence meaning from the shared encoder, names, figures,
   negation). Groups form by complete linkage over the accepted pairs — every mention must
   match every other — with at most one mention per article, never over two figures that
   conflict, never across a negation on one side only.
3. Origins: mentions collapse into one origin when they come from one article, from copies or
   shared passages of one origin, from one text reworded (a sentence, or an article most of
   whose statements restate another's), from one outlet's own reporting, or
   from one named primary source under any of its names (three outlets quoting one spokesman
   are one origin through three outlets). Corroborated = two or more origins.
4. Disputes (:mod:`parallax.claims.disputes`): figures for the same thing that cannot both hold, and
   restatements one side negates. A claim is "disputed" only when a dispute names it and an
   opposing position is at least as well supported as it is.
5. Digest: the corroborated claims, then each dispute stated as disputed with who says what.
   Omissions: per article, the corroborated claims it leaves out.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import itertools
import re
from collections.abc import Collection, Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from parallax.claims.claimsim import StorySpace
from parallax.claims.disputes import (
    Figure,
    Polarity,
    comparable,
    conflicting,
    contradicts,
    figures,
    polarity,
)
from parallax.claims.origins import origin_basis, rewritten_articles, speaker_key, trace_origins
from parallax.claims.samefact import FEATURES, PairText, load_samefact, load_second_stage, pair_features
from parallax.claims.values import independent, value_disputes, value_links
from parallax.models.encoder import encode
from parallax.stories.groups import complete_link
from parallax.types import Claim, Mention, Quantity, StoryAlignment

# Cross-article pairs at least this stem-alike are put to the same-fact model; the rest are never
# compared (nor encoded: encoding is most of align's cost). On the tune half of the claims gold
# (tests/fixtures/claims_gold), of the 144 pairs the shipped model accepts, 0.12 keeps 143 while
# comparing 3,078 pairs instead of 8,532 at 0.05.
BLOCK_STEM_COSINE = 0.12
# Two statements must be at least this alike, in stems and in meaning, before one can be read
# as negating the other. At stem cosine 0.12 alone, 206 "account" disputes came out of 600 news
# articles, most of them a negation somewhere near a shared word (and 11 of 13 judged wrong in
# the review); the meaning floor keeps only restatements that differ by their negation.
ACCOUNT_COSINE = 0.2
ACCOUNT_MEANING = 0.75
CHECKWORTHY_MIN = 0.5
MIN_WORDS = 6
SUMMARY_MAX_SENTENCES = 8
# Lines that are page furniture, not statements ("CLICK HERE TO SEE MORE", "(Reporting by …;
# Editing by …)", "The original story is below."): they are never claims.
_BOILERPLATE = re.compile(
    r"^\W*(?:click here|read more|related:|more:|watch:|sign up|subscribe|follow us|share this|"
    r"the original (?:story|article|post) is below|this (?:story|article) (?:was|has been) (?:updated|corrected))"
    r"|\((?:reporting|additional reporting|writing|editing) by\b|\bediting by\b", re.I)


@dataclass(frozen=True)
class AlignSentence:
    """One sentence of one article, with what alignment needs to know of it."""

    article: str
    outlet: str | None
    index: int
    start: int
    end: int
    text: str
    speaker: str | None
    checkworthy: float
    subjective: bool
    quantities: tuple[Quantity, ...]
    anonymous: bool = False


def candidates(sentences: Sequence[AlignSentence]) -> list[AlignSentence]:
    """Statements that can be claims: not questions, fragments or page furniture.

    Sentences the subjectivity model calls opinion stay: on the Raqqa sample it calls "ISIS
    lost one of their main holdings in Raqqa – a hospital" and "SDF fighters posted celebratory
    photos" opinion (its macro-F1 on new text is 0.6), and dropping them lost real, corroborated
    facts. Opinion is kept out of negation disputes, and a claim's printed wording prefers a
    reporting sentence."""
    return [s for s in sentences
            if len(s.text.split()) >= MIN_WORDS and not s.text.rstrip("”\"' ").endswith("?")
            and not _BOILERPLATE.search(s.text)]


def _claim_id(story: str, mentions: list[Mention]) -> str:
    key = story + "|" + "|".join(f"{m.article}:{m.start}" for m in mentions)
    return "c" + hashlib.sha1(key.encode()).hexdigest()[:11]


def align_story(story_id: str, sentences: Sequence[AlignSentence],
                reuse: Mapping[str, Any] | None = None,
                vectors: MutableMapping[tuple[str, int], np.ndarray] | None = None) -> StoryAlignment:
    """Group the story's statements into claims, with origins, status, disputes and a digest.

    ``reuse`` (from reuse.story_reuse) tells which articles copy which and which passages
    they share, so that a claim repeated through a copied passage counts once. ``vectors``
    (by (article, start)) holds sentence vectors encoded before; the ones this call encodes are
    added to it (vectors depend on their sentence only, so the result is the same either way).
    """
    reuse = reuse or {}
    cands = candidates(sentences)
    if not cands:
        return StoryAlignment(story_id, [], [], [], [])
    space, figs = story_space(cands)

    def clash(i: int, j: int) -> bool:
        return any(conflicting(a, b) for a in figs[i] for b in figs[j])

    pairs, rows, meaning = compare(cands, space, figs, vectors)
    edges, about_same = _accepted(pairs, rows, cands)
    for links in (edges, about_same):
        for pair in [p for p in links if opposite_events(cands[p[0]].text, cands[p[1]].text)]:
            del links[pair]  # a firing and a hiring: two facts (see _OPPOSITE)
    # Values are read on every pair either stage accepts: the second stage learnt from the gold
    # that two sums for one thing are not one fact, so it drops the very pairs a figure dispute
    # is found on ("$3.6 billion" / "$3.5 billion" from military construction).
    value_clashes, dated_apart = value_links(cands, {**about_same, **edges})
    for pair in [*value_clashes, *dated_apart]:  # a dispute, or two facts: no link either way
        edges.pop(pair, None)
    rewrites = rewritten_articles(edges, [c.article for c in cands])
    roots = complete_link(len(cands), edges, cannot_link=lambda a, b: bool(
        {cands[i].article for i in a} & {cands[j].article for j in b}) or any(clash(i, j) for i in a for j in b))
    groups: dict[int, list[int]] = {}
    for i, root in enumerate(roots):
        groups.setdefault(root, []).append(i)

    disputes_raw = _find_disputes(cands, figs, space, roots, meaning) + value_disputes(value_clashes, roots)
    in_dispute = {i for d in disputes_raw for side in d["sides"] for i in side}
    claims: dict[int, Claim] = {}
    for root, members in groups.items():
        arts = {cands[i].article for i in members}
        worthy = any(cands[i].checkworthy >= CHECKWORTHY_MIN and not cands[i].subjective for i in members)
        if len(arts) < 2 and not worthy and not set(members) & in_dispute:
            continue  # a lone remark that is not check-worthy is not a claim worth listing
        claims[root] = _make_claim(story_id, [cands[i] for i in members], meaning, members, figs, reuse, rewrites)
    _model_stances(list(claims.values()), {(c.article, c.start): c.text for c in cands})
    disputes = _dispute_records(disputes_raw, cands, roots, claims, figs)
    ordered = sorted(claims.values(), key=lambda c: (-c.independent_origins, c.mentions[0].article,
                                                     c.mentions[0].start))
    summary, summary_claims = _digest(ordered, disputes)
    omissions = _omissions(ordered, sorted({s.article for s in sentences}))
    return StoryAlignment(story_id, ordered, disputes, summary, summary_claims, omissions)


class _Meaning:
    """Sentence vectors of the candidates that take part in some compared pair (only those are
    encoded: a story's other sentences cost nothing), and their cosines."""

    def __init__(self, cands: Sequence[AlignSentence], needed: Sequence[int],
                 known: MutableMapping[tuple[str, int], np.ndarray] | None = None) -> None:
        self.row = {k: r for r, k in enumerate(needed)}
        known = {} if known is None else known
        keys = [(cands[k].article, cands[k].start) for k in needed]
        todo = [r for r, key in enumerate(keys) if key not in known]
        if todo:
            # One encoding per distinct text: copies and wire rewrites repeat sentences word for
            # word (3-9 % of the sentences compared in the bench corpus).
            texts = sorted({cands[needed[r]].text for r in todo})
            by_text = dict(zip(texts, encode(texts), strict=True))
            for r in todo:
                known[keys[r]] = by_text[cands[needed[r]].text]
        self.vectors = (np.stack([known[key] for key in keys]) if keys
                        else np.zeros((0, 0), dtype=np.float32))

    def __call__(self, i: int, j: int) -> float:
        if i not in self.row or j not in self.row:
            return 0.0
        return float(self.vectors[self.row[i]] @ self.vectors[self.row[j]])


def story_space(cands: Sequence[AlignSentence]) -> tuple[StorySpace, list[list[Figure]]]:
    """The story's stem space (speakers' names and role words left out) and each sentence's figures."""
    speaker_words = {w for c in cands if c.speaker and not c.anonymous for w in c.speaker.split() if len(w) > 2}
    names = (re.compile(r"\b(?:" + "|".join(re.escape(w) for w in sorted(speaker_words)) + r")\b")
             if speaker_words else None)
    space = StorySpace([_content(c, names) for c in cands], [c.article for c in cands])
    figs = [figures(c.text, c.start, c.quantities, toks) for c, toks in zip(cands, space.tokens, strict=True)]
    return space, figs


def compare(cands: Sequence[AlignSentence], space: StorySpace, figs: Sequence[Sequence[Figure]],
            vectors: MutableMapping[tuple[str, int], np.ndarray] | None = None,
            ) -> tuple[list[tuple[int, int]], list[list[float]], _Meaning]:
    """The pairs worth comparing — different articles, some shared wording, no conflicting
    figures — with their same-fact features (``samefact.FEATURES``), and the meaning vectors
    (``vectors``: known ones by (article, start), see :func:`align_story`)."""
    stem_sims = {p: v for p, v in space.similar_pairs(BLOCK_STEM_COSINE).items()
                 if cands[p[0]].article != cands[p[1]].article
                 and not any(conflicting(a, b) for a in figs[p[0]] for b in figs[p[1]])}
    pairs = sorted(stem_sims)
    meaning = _Meaning(cands, sorted({k for p in pairs for k in p}), vectors)
    sides = [PairText(c.text, speaker_key(c)) for c in cands]
    rows = [pair_features(sides[i], sides[j], meaning(i, j), stem_sims[(i, j)]) for i, j in pairs]
    return pairs, rows, meaning


def _accepted(pairs: Sequence[tuple[int, int]], rows: Sequence[Sequence[float]], cands: Sequence[AlignSentence],
              ) -> tuple[dict[tuple[int, int], float], dict[tuple[int, int], float]]:
    """Pairs the same-fact model accepts: P(same fact) ≥ its threshold, and no negation on one
    side only (that pair is a candidate dispute, never one claim). With the second stage switched
    on (``samefact.load_second_stage``), pairs the first model finds plausible are read again by
    the cross-encoder, and its threshold decides. Also returned: the pairs the first model accepts
    on its own (the same as the first when the second stage is off)."""
    model = load_samefact()
    neg = FEATURES.index("negation_one_side")
    negated_one = np.array([bool(row[neg]) for row in rows], dtype=bool)
    first = model.probability(rows)
    by_first = {p: float(pr) for p, pr, skip in zip(pairs, first, negated_one, strict=True)
                if pr >= model.threshold and not skip}
    second = load_second_stage()
    if second is None:
        return by_first, dict(by_first)
    texts = [(cands[i].text, cands[j].text) for i, j in pairs]
    probs = second.rescore(rows, texts, first, skip=negated_one)
    return {p: float(pr) for p, pr, skip in zip(pairs, probs, negated_one, strict=True)
            if pr >= second.threshold and not skip}, by_first


# Event verbs of opposite outcome: "Cheeks was fired" / "Cheeks was introduced as head coach"
# share a name and a topic, and the pair model joins them. One side with only one kind, the
# other with only the other kind: two facts. (Win / lose is left out: "X beat Y" and "Y lost to
# X" state one fact.) Seen on ECB+ dev topic 5 (1 Dec 2026), so dev is in-sample for it: claim
# pairs 0.954 -> 0.966; no claim of the claims gold, of the 36 BASIL triplets outside it or of
# ECB+ train changes. It only removes links (a group it splits is judged again on its own origins).
_OPPOSITE = [
    (re.compile(r"\b(?:hire[ds]?|hiring|appoint(?:s|ed|ing)?|named\s+(?:as\s+)?(?:the\s+)?(?:new\s+)?(?:head\s+)?"
                r"(?:coach|manager|director|chief|president|chairman|ceo)|introduced\s+as|takes?\s+over\s+as)\b", re.I),
     re.compile(r"\b(?:fire[ds]?|firing|sacked|dismiss(?:es|ed)?|ousted|relieved\s+(?:[\w.]+\s+){0,3}of|parted\s+ways|"
                r"resign(?:s|ed|ing)?|steps?\s+down|stepped\s+down|quit|is\s+out\s+as)\b", re.I)),
    (re.compile(r"\b(?:arrest(?:s|ed)?|detain(?:s|ed)?|jailed|charged)\b", re.I),
     re.compile(r"\b(?:released|freed|acquitted|cleared)\b", re.I)),
    (re.compile(r"\b(?:approv(?:es|ed)|passe[sd])\b", re.I),
     re.compile(r"\b(?:reject(?:s|ed)|fail(?:s|ed)|vetoe[sd])\b", re.I)),
]


@functools.lru_cache(maxsize=4096)
def _outcomes(text: str) -> tuple[int, ...]:
    """Per pair of _OPPOSITE: 1 when ``text`` reports only the first outcome, -1 only the
    second, 0 neither or both (a sentence takes part in many links: read once)."""
    return tuple(int(bool(x.search(text))) - int(bool(y.search(text))) for x, y in _OPPOSITE)


def opposite_events(a: str, b: str) -> bool:
    """One sentence reports only one of two opposite outcomes, the other only the other."""
    return any(u * v < 0 for u, v in zip(_outcomes(a), _outcomes(b), strict=True))


def _same_figure(a: Figure, b: Figure) -> bool:
    """The same figure for the same thing: comparable, the intervals meet and the values are close."""
    return comparable(a, b) and not (a.high < b.low or b.high < a.low) and abs(a.value - b.value) <= 0.2 * max(
        abs(a.value), abs(b.value), 1e-9)


def _stance(m: AlignSentence) -> str:
    # An attributed statement is reported, not asserted, by the article.
    return "discusses" if m.speaker else "agrees"


def _make_claim(story: str, members_in: list[AlignSentence], meaning: _Meaning, idx: list[int],
                figs: list[list[Figure]], reuse: Mapping[str, Any], rewrites: Collection[frozenset[str]]) -> Claim:
    sims = np.array([[1.0 if a == b else meaning(a, b) for b in idx] for a in idx])
    # Representative wording: the statement closest to all others, preferring reporting over
    # opinion and plain statements over quotations (a digest line must stand on its own, not
    # begin "“…,” he tweeted"); ties go to the shorter one.
    centrality = (sims.mean(axis=1) - 0.2 * np.array([m.subjective for m in members_in])
                  - 0.1 * np.array([_quoted(m.text) for m in members_in])
                  - 1e-4 * np.array([len(m.text) for m in members_in]))
    rep_pos = int(np.argmax(centrality))
    rep = members_in[rep_pos]
    order = sorted(range(len(members_in)), key=lambda k: (members_in[k].article, members_in[k].start))
    members = [members_in[k] for k in order]
    copied, origin_groups, joined_because = trace_origins(members, reuse, rewrites)
    mentions = [Mention(article=m.article, sentence=m.index, start=m.start, end=m.end, stance=_stance(m),
                        copied=i in copied) for i, m in enumerate(members)]
    origins = []
    for g, because in zip(origin_groups, joined_because, strict=True):
        named = [members[i].speaker for i in g if members[i].speaker and not members[i].anonymous]
        unnamed = [members[i].speaker for i in g if members[i].speaker and members[i].anonymous]
        lead = min(g)
        arts = sorted({members[i].article for i in g})
        # Several articles relaying one unnamed source ("the indictment said" / "according to the
        # indictment") name that source, not the first outlet.
        relayed_unnamed = not named and len(arts) > 1 and len(unnamed) == len(g)
        origins.append({
            "source": named[0] if named else unnamed[0] if relayed_unnamed else members[lead].outlet,
            "kind": "speaker" if named else "unnamed source" if relayed_unnamed else "article",
            "articles": arts,
            # The evidence for this origin: what it rests on, then why its mentions are one.
            "why": [origin_basis([members[i] for i in g]), *because],
        })
    speakers = [m.speaker for m in members if m.speaker]
    kind = "quote" if speakers and any("“" in m.text or '"' in m.text for m in members) else "event"
    quantity = None
    rep_figs = figs[idx[rep_pos]]
    shared = [f for f in rep_figs if all(any(_same_figure(f, g) for g in figs[idx[k]]) for k in range(len(idx)))]
    q_pick = shared[0] if shared else (rep_figs[0] if rep_figs and len(idx) == 1 else None)
    if q_pick is not None:
        q = next((q for q in rep.quantities if q.start == q_pick.start), None)
        quantity = {"value": q_pick.value, "unit": q.unit if q else "percent", "about": q.about if q else q_pick.text}
        kind = "quantity"
    return Claim(
        id=_claim_id(story, mentions), story=story, text=rep.text, kind=kind, mentions=mentions,
        outlets=len({m.outlet or m.article for m in members}), independent_origins=len(origin_groups),
        status="corroborated" if len(origin_groups) >= 2 else "single-source", quantity=quantity,
        # Who says the representative wording (every source of the claim is in ``origins``).
        speaker=rep.speaker, origins=origins,
    )


# P(disagree) a mention needs, with disagree the most probable related class, to be called
# "disagrees" with its claim's representative wording.
DISAGREE_MIN = 0.5


def _model_stances(claims: list[Claim], text_of: Mapping[tuple[str, int], str]) -> None:
    """Mark mentions the stance model reads as contradicting their claim's wording.

    Agrees / discusses stay from attribution (an attributed statement is reported, not
    asserted); the model, trained on headline-body pairs, decides only disagreement here. The
    mark is a hint for the reader, not a verdict: a claim is "disputed" only when a dispute
    names it (the model alone had hidden well-corroborated facts behind that status).
    """
    from parallax.claims.stance import model_available, predict_stance

    if not model_available():
        return
    pairs: list[tuple[str, str]] = []
    where: list[tuple[Claim, int]] = []
    for claim in claims:
        rep_articles = {m.article for m in claim.mentions if text_of[(m.article, m.start)] == claim.text}
        for k, m in enumerate(claim.mentions):
            # Another article's wording only: an article restating itself is not a dispute.
            if m.article not in rep_articles:
                pairs.append((claim.text, text_of[(m.article, m.start)]))
                where.append((claim, k))
    for (claim, k), res in zip(where, predict_stance(pairs) if pairs else [], strict=True):
        if res.label == "disagree" and res.probs["disagree"] >= DISAGREE_MIN:
            claim.mentions[k] = dataclasses.replace(claim.mentions[k], stance="disagrees")


def _find_disputes(cands: list[AlignSentence], figs: list[list[Figure]], space: StorySpace,
                   roots: list[int], meaning: _Meaning) -> list[dict[str, Any]]:
    """Pairs of statements that cannot both hold, merged per pair of claim groups."""
    found: dict[tuple[int, int], dict[str, Any]] = {}
    n_articles = len({c.article for c in cands})
    # Stems most of the story's articles use ("raqqa", "isis"): shared by everything, evidence of nothing.
    per_article: dict[str, set[str]] = {}
    for c, words in zip(cands, space.tokens, strict=True):
        per_article.setdefault(c.article, set()).update(words)
    counts: dict[str, int] = {}
    for vocab in per_article.values():
        for t in vocab:
            counts[t] = counts.get(t, 0) + 1
    common = {t for t, k in counts.items() if n_articles >= 3 and k > n_articles / 2}
    with_figs = [i for i, f in enumerate(figs) if f]
    for i, j in itertools.combinations(with_figs, 2):
        if roots[i] == roots[j] or not independent(cands[i], cands[j]):
            continue
        for a, b in itertools.product(figs[i], figs[j]):
            if conflicting(a, b):
                key = (min(roots[i], roots[j]), max(roots[i], roots[j]))
                rec = found.setdefault(key, {"kind": "figure", "frame": sorted(a.frames & b.frames),
                                             "family": a.family, "sides": ({}, {})})
                side_i, side_j = (0, 1) if roots[i] == key[0] else (1, 0)
                rec["sides"][side_i][i] = a
                rec["sides"][side_j][j] = b
    pol: dict[int, Polarity] = {}
    for (i, j) in space.similar_pairs(ACCOUNT_COSINE):
        if roots[i] == roots[j] or not independent(cands[i], cands[j]) or _opinion(cands[i]) or _opinion(cands[j]) \
                or meaning(i, j) < ACCOUNT_MEANING:
            continue
        for k in (i, j):
            if k not in pol:
                pol[k] = polarity(cands[k].text)
        if contradicts(pol[i], pol[j], common):
            key = (min(roots[i], roots[j]), max(roots[i], roots[j]))
            if key in found:
                continue
            shared = sorted(space.shared(i, j) - common)
            rec = found.setdefault(key, {"kind": "account", "words": shared, "sides": ({}, {})})
            side_i, side_j = (0, 1) if roots[i] == key[0] else (1, 0)
            rec["sides"][side_i][i] = None
            rec["sides"][side_j][j] = None
    return list(found.values())


# Who says it is not what is said: the speaker's name and role words are left out of the
# similarity, or every sentence quoting "Army Col. Ryan Dillon, spokesman for Operation Inherent
# Resolve" would look alike whatever he said.
_ROLE_WORDS = re.compile(r"\b(?:spokes(?:man|woman|person)|col(?:onel)?|army|reporter|official|said|says|tweeted|"
                         r"told|according|reported|stated)\b\.?", re.I)


_ROLE_OF = re.compile(r"\bspokes(?:man|woman|person)\s+(?:for|of)\s+(?:the\s+)?(?:[A-Z][\w.-]*\s*)+(?:\([A-Z]+\))?")


def _content(s: AlignSentence, names: re.Pattern[str] | None) -> str:
    """The sentence without who says it: the story's speaker names (``names``, one pattern per
    story) and the role phrases."""
    text = _ROLE_OF.sub(" ", s.text)
    if names is not None:
        text = names.sub(" ", text)
    return _ROLE_WORDS.sub(" ", text)


def _quoted(text: str) -> bool:
    return "“" in text or text.lstrip().startswith('"')


def _opinion(s: AlignSentence) -> bool:
    """The article's own opinion (an attributed statement is a report, whatever its tone)."""
    return s.subjective and not s.speaker


_FRAME_QUESTION = {
    "displaced": "how many people fled or were displaced",
    "killed": "how many people were killed",
    "injured": "how many people were injured",
    "control": "how much was taken or is controlled",
    "destroyed": "how much was destroyed",
    "strikes": "how many strikes there were",
}


def _dispute_records(raw: list[dict[str, Any]], cands: list[AlignSentence], roots: list[int],
                     claims: dict[int, Claim], figs: list[list[Figure]]) -> list[dict[str, Any]]:
    """Disputes in report form; also marks the weaker or equal positions' claims as disputed."""
    out: list[dict[str, Any]] = []
    for rec in raw:
        positions = []
        for side in rec["sides"]:
            first = min(side)
            claim = claims.get(roots[first])
            if claim is None:
                break
            fig = side[first]
            positions.append({
                "claim": claim.id,
                "value": fig.value if fig is not None else None,
                "text": fig.text if fig is not None else cands[first].text,
                "articles": sorted({cands[i].article for i in side}),
                "attributed_to": ", ".join(sorted({cands[i].speaker for i in side if cands[i].speaker})) or None,
                "outlets": sorted({cands[i].outlet for i in side if cands[i].outlet}),
            })
        if len(positions) != 2:
            continue
        if rec["kind"] == "figure":
            frame = next((f for f in rec["frame"] if f in _FRAME_QUESTION), None)
            about = _FRAME_QUESTION.get(frame or "", "the sum" if rec["family"] == "money"
                                        else "the years" if rec["family"].endswith(" span")
                                        else "the year" if rec["family"].startswith("year ")
                                        else f"the figure ({rec['family']})")
        else:
            about = "conflicting accounts: " + ", ".join(rec["words"][:6])
        # How the dispute was found: figures whose intervals do not meet are checked facts; a
        # negated shared statement is a heuristic (about a third of such pairs were real
        # contradictions in a sample of FNC-1 stories), so it is labelled as such.
        basis = "figures" if rec["kind"] == "figure" else "negation (heuristic)"
        out.append({"about": about, "kind": rec["kind"], "basis": basis, "positions": positions})
    out = _merge_disputes(out)
    by_id = {c.id: c for c in claims.values()}
    for d in out:
        for p in d["positions"]:
            mine = by_id[p["claim"]]
            rivals = [by_id[q["claim"]] for q in d["positions"]
                      if q["claim"] != p["claim"] and (d["kind"] == "account" or q["value"] != p["value"])]
            if any(r.independent_origins >= mine.independent_origins for r in rivals):
                mine.status = "disputed"
    return out


def _merge_disputes(disputes: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One dispute per question: "the entire city" against two "90 percent" claims is one
    dispute with three positions, not two disputes."""
    merged: list[dict[str, Any]] = []
    for d in disputes:
        ids = {p["claim"] for p in d["positions"]}
        home = next((m for m in merged if m["about"] == d["about"] and m["kind"] == d["kind"]
                     and ids & {p["claim"] for p in m["positions"]}), None)
        if home is None:
            merged.append(d)
            continue
        known = {p["claim"] for p in home["positions"]}
        home["positions"].extend(p for p in d["positions"] if p["claim"] not in known)
    return merged


def _digest(claims: list[Claim], disputes: list[dict[str, Any]]) -> tuple[list[str], list[list[str]]]:
    """Digest from corroborated claims only, best-supported first, then the disputes as disputes."""
    lines: list[str] = []
    refs: list[list[str]] = []
    for c in [c for c in claims if c.status == "corroborated"][:SUMMARY_MAX_SENTENCES]:
        # A statement is given with its speaker unless it names them itself ("…, Dillon said"),
        # so that the line says who claims it.
        named = c.speaker is not None and c.speaker.split()[-1] in c.text
        lines.append(f"{c.speaker}: {c.text}" if c.speaker and not named else c.text)
        refs.append([c.id])
    for d in disputes:
        if d["kind"] == "account" and not all(p["attributed_to"] for p in d["positions"]):
            continue  # a negation heuristic alone is not enough to print a dispute in the digest
        # Positions that give one value are one side of the line: "“90 [percent]” (Ryan Dillon);
        # “90%” (1 article, unattributed)" against "the entire city" read as three accounts.
        sides: dict[Any, tuple[list[str], list[str]]] = {}
        for k, p in enumerate(d["positions"]):
            n = len(p["articles"])
            who = (p["attributed_to"] or ", ".join(p["outlets"])
                   or f"{n} article{'s' if n > 1 else ''}, unattributed")
            key = p["value"] if d["kind"] == "figure" and p["value"] is not None else ("position", k)
            texts, whos = sides.setdefault(key, ([], []))
            text = f"“{p['text']}”" if d["kind"] == "figure" else p["text"]
            if text not in texts:
                texts.append(text)
            whos.append(who)
        lines.append(f"Disputed, {d['about']}: "
                     + "; ".join(f"{' / '.join(texts)} ({'; '.join(whos)})" for texts, whos in sides.values()) + ".")
        refs.append([p["claim"] for p in d["positions"]])
    return lines, refs


def _omissions(claims: list[Claim], articles: list[str]) -> dict[str, list[str]]:
    """Per article, the corroborated claims it does not mention."""
    corroborated = [c for c in claims if c.status == "corroborated"]
    return {a: [c.id for c in corroborated if all(m.article != a for m in c.mentions)] for a in articles}


__all__ = ["AlignSentence", "align_story", "candidates"]
