"""A cross-encoder: two texts read together by all-MiniLM-L6-v2 fine-tuned with low-rank adapters.

A bi-encoder compares two sentence vectors made apart; a cross-encoder lets every word of one
text attend to every word of the other, which is what telling "the same fact, reworded" from
"the same topic" needs (docs/claims.md). The fine-tuned updates ship as plain arrays (rank-8
LoRA, a few hundred kB), merged into a graph of their own in the encoder cache
(:class:`parallax.models.encoder_build.Adapter`), and a linear head reads the unit vector of the
pair. Each pair runs alone, so its score never depends on the batch.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .encoder_build import Adapter, adapter_from_arrays


@dataclass(frozen=True)
class PairReader:
    """The head's logit for pairs of texts: read in both orders and averaged, or in one order, the
    texts sorted (half the cost; the models are trained on pairs in random order). Either way a
    pair's logit does not depend on the order it is given in."""

    adapter: Adapter
    head: np.ndarray  # (384,): weights on the unit pair vector
    bias: float
    max_tokens: int
    both_orders: bool = True

    def logits(self, pairs: Sequence[tuple[str, str]]) -> np.ndarray:
        """One logit per pair: the head's logit for (a, b), or its mean with (b, a)'s."""
        from .encoder import get_encoder

        if not len(pairs):
            return np.zeros(0)
        if self.both_orders:
            todo = [(a, b) for a, b in pairs] + [(b, a) for a, b in pairs]
        else:
            todo = [(a, b) if a <= b else (b, a) for a, b in pairs]
        # Copies and wire rewrites repeat sentence pairs word for word: each is read once (a
        # pair's score depends on its texts only, so this changes no result).
        unique = list(dict.fromkeys(todo))
        where = {pair: k for k, pair in enumerate(unique)}
        scores = get_encoder(adapter=self.adapter).encode_pairs(unique, self.max_tokens).astype(np.float64) @ self.head
        z = scores[[where[pair] for pair in todo]]
        n = len(pairs)
        return np.asarray(((z[:n] + z[n:]) / 2.0 if self.both_orders else z) + self.bias)


def reader_from_arrays(name: str, arrays: dict[str, np.ndarray], scale: float, max_tokens: int,
                       both_orders: bool = True, layers: int | None = None) -> PairReader:
    """A :class:`PairReader` from LoRA arrays (``A/…``, ``B/…``), ``head`` and ``bias``, on the
    encoder's first ``layers`` layers if given."""
    adapter = adapter_from_arrays(name, arrays, scale, layers)
    return PairReader(adapter, arrays["head"].astype(np.float64), float(arrays["bias"][0]), int(max_tokens),
                      both_orders)


__all__ = ["PairReader", "reader_from_arrays"]
