"""Plain dataclasses passed between pipeline stages.

Each stage takes and returns these and nothing else, so a stage can run on a worker that
knows neither the CLI, the web app nor the store. Offsets are always Python ``str`` indices
into the article's *clean* text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rejection:
    """An input unit that could not become an article, and why."""

    input: str
    reason: str
    unit_key: str = ""


@dataclass
class RawDocument:
    """One input unit as read from disk or stdin (output of ``ingest``)."""

    input: str  # base file name, or "name#record" for container formats
    unit_key: str  # stable identity of this unit: input name + hash of its raw bytes
    format: str  # txt | html | record
    text: str  # body as given (plain text); empty for html until cleaned
    html: str | None = None
    title: str | None = None
    url: str | None = None
    outlet: str | None = None
    published: str | None = None
    author: str | None = None
    # Where each metadata field came from ("metadata field 'source'", "<meta og:site_name>").
    evidence: dict[str, str] = field(default_factory=dict)
    # A feed item or record that carries only a summary, not the article's full text.
    summary_only: bool = False
    # How the bytes became text: {"encoding": ..., "evidence": ..., "replaced": n stray bytes}.
    decoding: dict[str, Any] | None = None


@dataclass(frozen=True)
class Removed:
    """A piece cut from the raw input; ``at`` is where it sat in the clean text."""

    kind: str
    text: str
    at: int | None = None


@dataclass(frozen=True)
class Outlet:
    name: str | None
    domain: str | None
    evidence: str


@dataclass
class CleanDocument:
    """Output of ``clean``: the article body with everything else set apart."""

    input: str
    unit_key: str
    title: str
    text: str
    removed: list[Removed]
    comments: list[str]
    outlet: Outlet
    url: str | None
    author: str | None
    published: str | None
    published_evidence: str | None
    # Passages marked in the text as taken from elsewhere: {source, start, end, marker}.
    reuse: list[dict[str, Any]] = field(default_factory=list)
    summary_only: bool = False
    decoding: dict[str, Any] | None = None
    # ISO 639-1 code of the body's language and the detector's confidence (None: undetermined).
    language: str | None = None
    language_confidence: float | None = None


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class DateMention:
    """A date found in the text; ``value`` is ISO (day, or month/year when that is all)."""

    start: int
    end: int
    text: str
    value: str
    precision: str  # day | month | year | weekday


@dataclass
class Article:
    """Output of ``segment``: a clean document cut into sentences, with its dates."""

    id: str
    doc: CleanDocument
    sentences: list[Sentence]
    dates: list[DateMention]
    published: str | None
    published_evidence: str | None


@dataclass(frozen=True)
class Entity:
    start: int
    end: int
    text: str
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, ...


@dataclass(frozen=True)
class Quantity:
    start: int
    end: int
    text: str
    value: float
    unit: str | None
    about: str
    qualifier: str | None
    sentence: int


@dataclass(frozen=True)
class Attribution:
    """A sentence's statement attributed to a speaker through a cue ("said", "according to")."""

    sentence: int
    speaker: str
    cue: str
    cue_start: int
    cue_end: int
    # True when the source is unnamed ("officials said", "one SDF fighter told Ruptly").
    anonymous: bool = False


@dataclass(frozen=True)
class CitedSource:
    name: str
    kind: str  # outlet | organisation | person | social


@dataclass
class Extraction:
    """Output of ``extract`` for one article."""

    article_id: str
    entities: list[Entity]
    quantities: list[Quantity]
    attributions: list[Attribution]
    cited_sources: list[CitedSource]
    subjective: list[float]  # one probability per sentence
    checkworthy: list[float]


@dataclass
class Features:
    """Per-article features for the corpus stages, computed once at ingest."""

    article_id: str
    lead_idx: Any  # np.ndarray int32: term buckets of the lead's TF-IDF vector
    lead_val: Any  # np.ndarray float32: their weights
    minhash: Any  # np.ndarray uint32[128]: MinHash of the body's word shingles
    specifics: tuple[str, ...] = ()  # names and figures of the lead (stories.cluster.specifics)
    copy_of: str | None = None  # earlier article this one nearly duplicates
    copy_similarity: float | None = None


@dataclass(frozen=True)
class Evidence:
    text: str
    why: str
    start: int | None = None
    end: int | None = None


@dataclass
class Signal:
    score: float | None
    evidence: list[Evidence] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass
class Signals:
    """Output of ``score`` for one article: body signals and one dict per comment."""

    article_id: str
    body: dict[str, Signal]
    comments: list[dict[str, Signal]]


@dataclass
class Story:
    id: str
    title: str
    articles: list[str]  # article ids, in corpus order
    independent_origins: int


@dataclass(frozen=True)
class Mention:
    article: str
    sentence: int
    start: int
    end: int
    stance: str  # agrees | disagrees | discusses
    copied: bool = False


@dataclass
class Claim:
    id: str
    story: str
    text: str
    kind: str  # quantity | quote | event | other
    mentions: list[Mention]
    outlets: int
    independent_origins: int
    status: str  # corroborated | single-source | disputed
    quantity: dict[str, Any] | None = None
    speaker: str | None = None
    # Who the claim comes from: one entry per independent origin (a named primary source, or an
    # article with its copies), with the articles that carry it.
    origins: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class StoryAlignment:
    """Output of ``align`` for one story."""

    story: str
    claims: list[Claim]
    disputes: list[dict[str, Any]]
    summary: list[str]
    summary_claims: list[list[str]]
    # Per article of the story: the corroborated claims it does not mention.
    omissions: dict[str, list[str]] = field(default_factory=dict)
    # Why the story was not aligned ("too large to align …"), when it was not.
    flag: str | None = None
