"""Models: the shared machinery of the trained classifiers and their weights.

Takes texts; gives calibrated probabilities. Weights are plain arrays and JSON in ``weights/``
(no pickles), each with a model card there, trained from ``$PARALLAX_DATA`` by the scripts in
``scripts/``. Loaded once, lazily, and shared by every stage that needs them. Any stage may
import this package; it imports no stage.

Modules:
- ``classifiers``: hashed word/char n-gram features, linear models, loading and batch scoring.
"""
