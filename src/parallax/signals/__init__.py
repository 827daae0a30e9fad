"""Signals: what each article adds of its own, each score with the spans behind it.

Takes an article with its extraction (and its story's claims for headline support); gives
:class:`~parallax.types.Signals`: clickbait, opinion share, loaded language, hate (body and
comments apart), sourcing, headline support and slant, each with evidence. A pure per-article
stage run in batches.

Modules:
- ``score``: the batch API (``score_batch``) and the simpler signals.
- ``voice``: headline devices and the author's-voice cues of opinion.
- ``loaded`` and ``loaded_tagger``: loaded-language spans (lexicon filtered by a token tagger).
- ``techniques``: persuasion techniques per paragraph (SemEval-2023 model).
- ``framing``: direction of framing (left / right) from cues in the author's own words.
To add a signal: copy ``voice.py``'s shape (a pure function of the text returning a score and
evidence spans), call it from ``score.score_batch`` and add it to ``types.Signals``.
"""
