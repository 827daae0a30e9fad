"""A cheap static sentence encoder distilled from MiniLM, for candidate blocking only.

model2vec-style: every word piece of MiniLM's vocabulary is run through the fp32 MiniLM graph
alone (``[CLS] piece [SEP]``), the 384-dim outputs are reduced to ``DIM`` by PCA, and each row is
weighted by how rare its piece is (Zipf: weight log(1 + rank), word pieces being numbered roughly
by frequency in BERT's vocabulary). A sentence's vector is the mean of its pieces' rows, made
unit length. No context, no word order: a few thousand sentences per second, but only a rough
likeness (see docs/encoder.md): use it to find candidate pairs, then score those with
:func:`parallax.models.encoder.encode`.

The table (30,522 × 256 float16, 15.6 MB) is built once from the same weights package, into the
same cache as the ONNX models (``scripts/build_encoder.py`` does it at ``make setup``), and kept
as a plain ``.npy`` array (loaded with ``allow_pickle=False``).
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from .encoder_build import _atomic_write, cache_dir, model_dir

DIM = 256
STATIC_VERSION = 1
# BERT's vocabulary starts with [PAD], [unused*] slots, [UNK]/[CLS]/[SEP]/[MASK] and then the
# single characters; ranks for the Zipf weight count from the first of those.
_BATCH = 512

_LOCK = threading.Lock()
_STATE: dict[str, Any] = {}


def table_path() -> Path:
    """Cached path of the static table for this build."""
    from .encoder_build import BUILD_VERSION, WEIGHTS_SHA256

    return cache_dir() / f"static-minilm-v{BUILD_VERSION}.{STATIC_VERSION}-{WEIGHTS_SHA256[:12]}-{DIM}.npy"


def build_table() -> np.ndarray:
    """The (vocab, DIM) float16 table: MiniLM on each piece alone, PCA, Zipf weights."""
    from tokenizers import Tokenizer

    from .encoder import Encoder

    tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
    vocab = tok.get_vocab_size()
    cls_id, sep_id = tok.token_to_id("[CLS]"), tok.token_to_id("[SEP]")
    enc = Encoder("fp32", threads=1)
    sess = enc._sessions[0]
    rows = np.empty((vocab, 384), dtype=np.float32)
    for start in range(0, vocab, _BATCH):
        ids = np.arange(start, min(start + _BATCH, vocab), dtype=np.int64)
        batch = np.stack([np.full_like(ids, cls_id), ids, np.full_like(ids, sep_id)], axis=1)
        # Every row has the same length (3), so there is no padding and batching changes nothing.
        rows[start:start + len(ids)] = sess.run(["embedding"], {"input_ids": batch,
                                                                "attention_mask": np.ones_like(batch)})[0]
    centred = rows - rows.mean(axis=0)
    _, _, vt = np.linalg.svd(centred.astype(np.float64), full_matrices=False)
    # Fix each component's sign (SVD may flip it) so that rebuilds give the same table.
    comps = vt[:DIM] * np.sign(vt[:DIM, np.abs(vt[:DIM]).argmax(axis=1)].diagonal())[:, None]
    reduced = centred @ comps.T
    weights = np.log1p(np.arange(vocab, dtype=np.float64))
    for special in ("[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"):
        weights[tok.token_to_id(special)] = 0.0
    return (reduced * weights[:, None]).astype(np.float16)


def _state() -> tuple[Any, np.ndarray]:
    if "table" not in _STATE:
        with _LOCK:
            if "table" not in _STATE:
                from tokenizers import Tokenizer

                path = table_path()
                if not path.is_file():
                    buf = io.BytesIO()
                    np.save(buf, build_table(), allow_pickle=False)
                    path.parent.mkdir(parents=True, exist_ok=True)
                    _atomic_write(path, buf.getvalue())
                tok = Tokenizer.from_file(str(model_dir() / "tokenizer.json"))
                tok.no_padding()
                tok.no_truncation()
                _STATE["tokenizer"] = tok
                _STATE["table"] = np.load(path, allow_pickle=False).astype(np.float32)
    return _STATE["tokenizer"], _STATE["table"]


def encode_static(texts: Sequence[str]) -> np.ndarray:
    """Unit-length float32 vectors, shape (n, 256), from the static table (zeros for empty texts)."""
    if isinstance(texts, str):
        raise TypeError("encode_static() takes a sequence of texts, not one string")
    tok, table = _state()
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    for i, e in enumerate(tok.encode_batch(list(texts), add_special_tokens=False)):
        if e.ids:
            v = table[e.ids].mean(axis=0)
            norm = float(np.linalg.norm(v))
            if norm > 0:
                out[i] = v / norm
    return out
