"""Cluster: group articles that tell the same story, incrementally.

Each article is a TF-IDF vector over its headline and lead (hashed terms, fixed background
IDF: see textvec). Articles arrive in corpus order; each one joins the existing story with
the highest *average* similarity to its members (average linkage, computed from the story's
summed vector) if that clears a threshold, or opens a new story; a merge pass then joins
stories that arrival order had split, unless each has names and figures of its own (two
look-alike events: :func:`specifics`), and a refinement pass moves an article of the run to the
story it is clearly more alike on average (:meth:`StoryIndex.refine`: the first article of an
event can join a look-alike event's story before its own exists). Nothing stored is
recomputed when articles are added, the same articles in the same order give the same stories,
and every article lands in a story of its own making rather than a catch-all bucket.

Candidate stories come from an inverted index over each article's strongest terms, skipping
terms so common that they block nothing, and from a time window when dates are known: the
cost per article depends on the size of its candidate set, not on the corpus.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from parallax.text.dates import parse_iso
from parallax.text.textvec import N_FEATURES, tfidf
from parallax.types import Story

# Headline plus roughly the first three paragraphs: long enough to hold the event's names
# and places even when the headline is a teaser ("Insane Footage Shows…"), short enough that
# background paragraphs do not join unrelated events.
LEAD_CHARS = 1200
# Minimum mean cosine (hashed unigram TF-IDF, background IDF) between an article and a story's
# members for the article to join it on arrival, and between two stories for the merge pass
# to join them. Joining strictly and merging afterwards lets the strongest pairs form first,
# as agglomerative clustering would. Swept on BASIL and FNC-1 train groups (bench/clustering.py):
# join 0.16 alone gave BCubed F1 0.976 / 0.903; join 0.3 + merge 0.16 gives 0.978 / 0.946;
# a merge threshold of 0.17 loses FNC recall, 0.15 BASIL precision.
SIMILARITY_THRESHOLD = 0.3
MERGE_THRESHOLD = 0.16
# Terms per article used to look up candidate stories (its highest-weighted ones).
BLOCKING_TERMS = 15
# A term found in more stories than this blocks nothing and is skipped for lookup (it still
# counts in the similarity). Keeps lookups bounded on large corpora: 500 spent half the time
# of a 30k-article run counting votes; 300 halves that with the same BCubed on BASIL and FNC-1.
MAX_POSTINGS = 300
# Candidate stories scored exactly per article, best first by the blocking votes. FNC-1 BCubed
# F1: 0.941 with 5, 0.946 with 12, 0.946 with 30 (BASIL 0.978 for all three).
MAX_CANDIDATES = 12
# Articles dated this many days outside a story's date range do not join it. BASIL's event
# triplets span at most 4 days; a developing story may run for weeks (then it grows day by day).
MAX_DAY_GAP = 7
# Look-alike events (ECB+ pairs each topic with two: Vincent Jackson's and Jamal Williams's DUI
# arrests, 23 vs 26 pirates caught by two Indian warships) share their topic words, so the merge
# pass joins them at MERGE_THRESHOLD. Two stories are kept apart when each has "specifics"
# (names and figures of its lead, see ``specifics``) that half or more of its members give and
# at most a tenth of the other's do, at least two such on each side, and each story has three
# members or more (a smaller story has no reliable signature). Chosen on the mean BCubed F1 of
# ECB+ train topics, BASIL and FNC-1 train over a grid (share 0.4-0.7, other 0.1/0.2, members
# 2-4, specifics 1-3): ECB+ train 0.873 -> 0.909, BASIL 0.978 -> 0.993, FNC-1 0.946 -> 0.935
# (FNC-1 groups join bodies by related headlines, looser than one event); ECB+ dev topics,
# read after the choice, 0.872 -> 0.907.
# Refinement after the merge pass: an article placed in this run moves to the candidate story
# its lead is most alike on average when that mean clears MERGE_THRESHOLD and beats its own
# story's (itself left out) by this margin. Arrival order is greedy: the first articles of a
# look-alike event join the other event's story before the articles that tell them apart
# arrive. Margins 0-0.1 were scored by the mean BCubed F1 of ECB+ train topics, BASIL and
# FNC-1 train; 0.06 was best (ECB+ train 0.909 -> 0.918, BASIL 0.993 kept, FNC-1 0.935 ->
# 0.937); smaller margins cost BASIL (0.974-0.984). ECB+ dev topics, read after the choice:
# 0.907 -> 0.917.
REFINE_MARGIN = 0.06
SIGNATURE_SHARE = 0.5
SIGNATURE_ELSEWHERE = 0.1
SIGNATURE_MIN_MEMBERS = 3
SIGNATURE_MIN_SPECIFICS = 2
# Capitalised words that are not names: sentence openers, days and months, titles.
_NOT_NAMES = frozenset(re.findall(r"\w+", """
    the a an in on at for but and or of to by with from as he she it they we i his her their this that these
    those its our after before when while if monday tuesday wednesday thursday friday saturday sunday january
    february march april may june july august september october november december mr mrs ms dr"""))
_SENTENCE_BREAK = re.compile(r"(?<=[.!?])\s+|\n")
_EDGE_PUNCT = ",.;:!?\"'()“”‘’"
_POSSESSIVE = re.compile(r"['’]s$")
_NAME_WORD = re.compile(r"[A-Z][a-z]{2,}")
_SHOUT = re.compile(r"^\s*(?:[A-Z]{2,}[!:]\s*)+|\s*\[(?:video|photos?|watch|pics?)\]\s*$", re.I)


@dataclass(frozen=True)
class ClusterInput:
    """What clustering needs to know of an article."""

    id: str
    title: str
    text: str
    published: str | None = None
    copy_of: str | None = None  # a near-duplicate joins the story of the article it copies
    specifics: frozenset[str] | None = None  # names and figures of the lead; None: read from title and text


def lead(title: str, text: str) -> str:
    """The text that is compared: the headline (counted twice) and the lead."""
    return f"{title}\n{title}\n{text[:LEAD_CHARS]}"


def specifics(title: str, text: str) -> frozenset[str]:
    """Names and figures of an article's lead: what tells one event from a look-alike one.

    Names are capitalised words inside a sentence (not its first word, not days, months or
    titles), lowercased; figures are whole numbers of 2 or more. Pure per article.
    """
    out: set[str] = set()
    for sentence in _SENTENCE_BREAK.split(lead(title, text)):
        for i, raw in enumerate(sentence.split()):
            word = _POSSESSIVE.sub("", raw.strip(_EDGE_PUNCT))
            if word.isdigit() and word.isascii():
                if int(word) >= 2:
                    out.add(word)
            elif i > 0 and _NAME_WORD.fullmatch(word) and word.lower() not in _NOT_NAMES:
                out.add(word.lower())
    return frozenset(out)


def item_specifics(item: ClusterInput) -> frozenset[str]:
    """The item's specifics, as given or read from its title and text."""
    return item.specifics if item.specifics is not None else specifics(item.title, item.text)


def vectors(items: Sequence[ClusterInput]) -> sp.csr_matrix:
    """TF-IDF rows of the items' leads (batch; pure per article)."""
    return tfidf([lead(a.title, a.text) for a in items])


@dataclass
class _StoryState:
    id: str
    first: str
    members: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    total: dict[int, float] = field(default_factory=dict)  # sum of the members' vectors
    arrays: tuple[np.ndarray, np.ndarray] | None = None  # ``total`` as arrays, rebuilt lazily
    specifics: Counter[str] = field(default_factory=Counter)  # members giving each name or figure
    lo: dt.date | None = None
    hi: dt.date | None = None
    rank: int = 0  # order of the story's first article: ties go to the earlier story


def story_id(first_article_id: str) -> str:
    """A story is named after its earliest article, so adding articles keeps its id."""
    return "s" + hashlib.sha1(first_article_id.encode()).hexdigest()[:11]


class StoryIndex:
    """Incremental story clustering state: add articles one by one, read stories any time."""

    def __init__(self, threshold: float = SIMILARITY_THRESHOLD, merge_threshold: float | None = None) -> None:
        self.threshold = threshold
        self.merge_threshold = MERGE_THRESHOLD if merge_threshold is None else merge_threshold
        self._stories: list[_StoryState] = []
        self._postings: dict[int, list[int]] = defaultdict(list)
        self._story_of: dict[str, int] = {}
        self._by_story_id: dict[str, int] = {}
        self._dense = np.zeros(N_FEATURES, dtype=np.float32)  # scratch: the article being placed
        # Articles placed by similarity since the last refine(), in arrival order (not forced
        # into a stored story, not copies): the only ones refine() may move.
        self._placed: dict[str, tuple[ClusterInput, np.ndarray, np.ndarray]] = {}

    def __len__(self) -> int:
        return len(self._story_of)

    def story_of(self, article_id: str) -> str | None:
        k = self._story_of.get(article_id)
        return None if k is None else self._stories[k].id

    def add(self, item: ClusterInput, idx: np.ndarray, val: np.ndarray, story: str | None = None) -> str:
        """Assign one article (its TF-IDF vector as term indices and weights) to a story.

        Returns the story id. ``story`` forces the assignment (reloading a stored corpus).
        """
        if item.id in self._story_of:
            return self._stories[self._story_of[item.id]].id
        day = parse_iso(item.published)
        k: int | None = None
        if story is not None:
            k = self._by_story_id.get(story)
        elif item.copy_of and self._locate(item.copy_of) is not None:
            k = self._story_of[item.copy_of]
        else:
            k = self._best_story(idx, val, day)
            self._placed[item.id] = (item, idx, val)
        if k is None:
            k = len(self._stories)
            self._stories.append(_StoryState(story or story_id(item.id), item.id, rank=self._new_rank(item)))
            self._by_story_id[self._stories[k].id] = k
        self._join(k, item, idx, val, day)
        return self._stories[k].id

    # Hooks for an index that holds only part of the corpus (parallax.stories.incremental).

    def _new_rank(self, item: ClusterInput) -> int:
        """Rank of a story the article opens: stories are made in corpus order."""
        return len(self._stories)

    def _posting(self, term: int) -> list[int] | None:
        """Stories (indices, in the order they gained the term) whose members hold the term."""
        return self._postings.get(term)

    def _ensure(self, k: int) -> None:
        """Make story ``k`` complete (members, vector, dates) before it is compared."""

    def _locate(self, article_id: str) -> int | None:
        """The story (index) of an article already placed, if any."""
        return self._story_of.get(article_id)

    def _candidates(self, idx: np.ndarray, val: np.ndarray, day: dt.date | None, exclude: int = -1) -> list[int]:
        votes: Counter[int] = Counter()
        for t in np.argsort(-val, kind="stable")[:BLOCKING_TERMS]:
            posting = self._posting(int(idx[t]))
            if posting and len(posting) <= MAX_POSTINGS:
                votes.update(posting)
        votes.pop(exclude, None)
        out = []
        for k, _ in votes.most_common(MAX_CANDIDATES):  # ties in first-seen order: deterministic
            self._ensure(k)
            if not self._stories[k].members:
                continue  # merged away
            st = self._stories[k]
            if day and st.lo and st.hi and not (
                    st.lo - dt.timedelta(MAX_DAY_GAP) <= day <= st.hi + dt.timedelta(MAX_DAY_GAP)):
                continue
            out.append(k)
        return out

    def _best_story(self, idx: np.ndarray, val: np.ndarray, day: dt.date | None) -> int | None:
        cands = self._candidates(idx, val, day)
        if not cands:
            return None
        means = self._mean_similarity(idx, val, cands)
        order = sorted(range(len(cands)), key=lambda i: (-means[i], self._stories[cands[i]].rank))  # ties: earlier
        best = order[0]
        return cands[best] if means[best] >= self.threshold else None

    def _mean_similarity(self, idx: np.ndarray, val: np.ndarray, cands: list[int]) -> np.ndarray:
        """Mean cosine between a vector (or a story's mean vector) and each candidate's members."""
        arrays = [self._arrays(k) for k in cands]
        lengths = np.array([len(a[0]) for a in arrays])
        all_idx = np.concatenate([a[0] for a in arrays])
        all_val = np.concatenate([a[1] for a in arrays])
        self._dense[idx] = val
        try:
            products = self._dense[all_idx] * all_val
        finally:
            self._dense[idx] = 0.0
        # Mean cosine with the members = dot(article, sum of members) / number of members.
        dots = np.add.reduceat(products, np.concatenate(([0], np.cumsum(lengths)[:-1])))
        means: np.ndarray = dots / np.array([len(self._stories[k].members) for k in cands])
        return means

    def _arrays(self, k: int) -> tuple[np.ndarray, np.ndarray]:
        st = self._stories[k]
        if st.arrays is None:
            st.arrays = (np.fromiter(st.total.keys(), dtype=np.int64, count=len(st.total)),
                         np.fromiter(st.total.values(), dtype=np.float32, count=len(st.total)))
        return st.arrays

    def _join(self, k: int, item: ClusterInput, idx: np.ndarray, val: np.ndarray, day: dt.date | None) -> None:
        st = self._stories[k]
        st.members.append(item.id)
        st.titles.append(item.title)
        total = st.total
        for i, v in zip(idx.tolist(), val.tolist(), strict=True):
            if i in total:
                total[i] += v
            else:
                total[i] = v
                self._postings[i].append(k)
        st.arrays = None
        st.specifics.update(item_specifics(item))
        if day:
            st.lo = min(st.lo, day) if st.lo else day
            st.hi = max(st.hi, day) if st.hi else day
        self._story_of[item.id] = k

    def merge(self, touched: set[str] | None = None) -> dict[str, str]:
        """Merge stories whose members are, on average, as similar as a joining article must be.

        Online assignment depends on arrival order: the first articles of an event may open two
        stories before the articles that bridge them arrive. This pass joins such pairs, each
        touched story (all when ``touched`` is None) with its candidates, strongest first, under
        the same average-linkage threshold and date window. The earlier story keeps its id.
        Returns {absorbed story id: surviving story id}.
        """
        merged: dict[str, str] = {}
        queue = sorted((k for k, s in enumerate(self._stories) if s.members and (touched is None or s.id in touched)),
                       key=lambda k: self._stories[k].rank)
        while queue:
            k = queue.pop(0)
            st = self._stories[k]
            if not st.members:
                continue
            idx, val = self._arrays(k)
            mean_val = val / len(st.members)
            cands = [j for j in self._candidates(idx, mean_val, None, exclude=k)
                     if self._dates_overlap(st, self._stories[j]) and not self._distinct_events(st, self._stories[j])]
            if not cands:
                continue
            means = self._mean_similarity(idx, mean_val, cands)
            best = max(range(len(cands)), key=lambda i: (means[i], -self._stories[cands[i]].rank))
            if means[best] < self.merge_threshold:
                continue
            keep, gone = sorted((k, cands[best]), key=lambda j: self._stories[j].rank)
            self._absorb(keep, gone)
            merged[self._stories[gone].id] = self._stories[keep].id
            queue.append(keep)
        for old, new in list(merged.items()):  # chains: a -> b -> c becomes a -> c
            while new in merged:
                new = merged[new]
            merged[old] = new
        return merged

    def refine(self) -> set[str]:
        """Move each article placed since the last call to the story it is most alike on average,
        where that beats its own story (itself left out) by ``REFINE_MARGIN``; call after
        :meth:`merge`. Returns the ids of the stories that received an article; a story left
        empty disappears, as a merged one does."""
        received: set[str] = set()
        placed, self._placed = self._placed, {}
        for article, (item, idx, val) in placed.items():
            if not len(idx):
                continue  # an article without terms is alike to nothing
            k = self._story_of[article]
            own = self._stories[k]
            n = len(own.members)
            dot = sum(v * own.total.get(i, 0.0) for i, v in zip(idx.tolist(), val.tolist(), strict=True))
            own_mean = (dot - float(val @ val)) / (n - 1) if n > 1 else 0.0
            day = parse_iso(item.published)
            cands = [j for j in self._candidates(idx, val, day, exclude=k)
                     if len(self._stories[j].members) >= 2 and self._stories[j].total]
            if not cands:
                continue
            means = self._mean_similarity(idx, val, cands)
            best = max(range(len(cands)), key=lambda i: (means[i], -self._stories[cands[i]].rank))
            if means[best] < self.merge_threshold or means[best] <= own_mean + REFINE_MARGIN:
                continue
            self._leave(k, item, idx, val)
            self._join(cands[best], item, idx, val, day)
            received.add(self._stories[cands[best]].id)
        return received

    def _leave(self, k: int, item: ClusterInput, idx: np.ndarray, val: np.ndarray) -> None:
        """Take one article out of story ``k``. Its date range stays (a bound, not a fit), and so
        do its postings (a stale one costs a lookup, never a wrong story: candidates are scored
        on their members)."""
        st = self._stories[k]
        pos = st.members.index(item.id)
        del st.members[pos], st.titles[pos]
        for i, v in zip(idx.tolist(), val.tolist(), strict=True):
            left = st.total.get(i, 0.0) - v
            if st.members and abs(left) > 1e-6:
                st.total[i] = left
            else:
                st.total.pop(i, None)
        st.arrays = None
        st.specifics.subtract(item_specifics(item))
        st.specifics = +st.specifics
        del self._story_of[item.id]
        if not st.members:
            st.total, st.titles = {}, []
            self._gone_story(k)

    def _gone_story(self, k: int) -> None:
        """Forget the id of a story that lost its last member (merged away or emptied)."""
        del self._by_story_id[self._stories[k].id]

    @staticmethod
    def _dates_overlap(a: _StoryState, b: _StoryState) -> bool:
        if not (a.lo and a.hi and b.lo and b.hi):
            return True
        gap = dt.timedelta(MAX_DAY_GAP)
        return a.lo - gap <= b.hi and b.lo - gap <= a.hi

    @staticmethod
    def _distinct_events(a: _StoryState, b: _StoryState) -> bool:
        """Whether each story has specifics of its own that the other lacks (look-alike events)."""
        def own(x: _StoryState, y: _StoryState) -> int:
            nx, ny = len(x.members), len(y.members)
            if nx < SIGNATURE_MIN_MEMBERS:
                return 0
            return sum(1 for t, c in x.specifics.items()
                       if c >= SIGNATURE_SHARE * nx and y.specifics.get(t, 0) <= SIGNATURE_ELSEWHERE * ny)
        return own(a, b) >= SIGNATURE_MIN_SPECIFICS and own(b, a) >= SIGNATURE_MIN_SPECIFICS

    def _absorb(self, keep: int, gone: int) -> None:
        a, b = self._stories[keep], self._stories[gone]
        for i, v in b.total.items():
            if i in a.total:
                a.total[i] += v
            else:
                a.total[i] = v
                self._postings[i].append(keep)
        for article in b.members:
            self._story_of[article] = keep
        a.members.extend(b.members)
        a.titles.extend(b.titles)
        a.specifics.update(b.specifics)
        a.lo = min(filter(None, (a.lo, b.lo)), default=None)
        a.hi = max(filter(None, (a.hi, b.hi)), default=None)
        a.arrays = None
        b.members, b.titles, b.total, b.arrays, b.specifics = [], [], {}, None, Counter()
        self._gone_story(gone)

    def stories(self) -> list[Story]:
        """All stories, in order of their first article, with neutral titles."""
        return [Story(id=s.id, title=neutral_title(s.titles), articles=list(s.members),
                      independent_origins=len(s.members)) for s in self._stories if s.members]


def neutral_title(titles: Sequence[str]) -> str:
    """A plain headline of the story: no shouting prefix ("ALERT:"), no "[Video]".

    Prefers headlines without shouting or exclamation marks, of readable length, that share
    the most words with the story's other headlines (the most central wording).
    """
    titles = [t for t in titles if t.strip()]
    if not titles:
        return ""
    words = [set(re.findall(r"\w+", t.lower())) for t in titles]

    def score(i: int) -> float:
        t = titles[i]
        shared = sum(len(words[i] & w) / max(1, len(words[i] | w)) for j, w in enumerate(words) if j != i)
        penalty = (0.5 if _SHOUT.search(t) or "!" in t else 0.0) + (0.2 if len(t.split()) > 14 else 0.0)
        return shared / max(1, len(titles) - 1) - penalty

    best = max(range(len(titles)), key=lambda i: (score(i), -i))
    return _SHOUT.sub("", titles[best]).strip() or titles[best]


def cluster(articles: Sequence[ClusterInput], threshold: float = SIMILARITY_THRESHOLD,
            merge_threshold: float | None = None) -> list[Story]:
    """Cluster a whole list at once (in order), as the incremental index would."""
    index = StoryIndex(threshold, merge_threshold)
    matrix = vectors(articles)
    for i, a in enumerate(articles):
        row = matrix[i]
        index.add(a, row.indices, row.data)
    index.merge()
    index.refine()
    return index.stories()
