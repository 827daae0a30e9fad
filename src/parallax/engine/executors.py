"""Three ways to run the pipeline's tasks, behind one ordered ``map``.

A task is a pure, module-level function of one picklable argument (a batch of input units, one
story's rows, a batch of score inputs) that returns plain dataclasses. ``Engine.map(fn, items)``
runs ``fn`` on each item and yields the results *in the order of the items*, keeping at most
``window`` tasks in flight, so the pipeline (the single writer) commits exactly what a run in one
process would have committed, in the same order, whatever ran where.

- ``SerialEngine``: in this process, one item at a time (what ``analyze`` did before).
- ``PoolEngine``: a pool of local processes (forked, so nothing is re-imported); a worker that
  dies breaks the pool, which is started again and the tasks not yet returned are resubmitted.
- ``DaskEngine``: ``dask.distributed``: a LocalCluster of processes (one thread each), or an
  existing scheduler. Tasks are submitted with ``retries``; a task whose worker died is
  rescheduled by the scheduler itself.

Models load lazily, once per worker process, on the first task that needs them.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# Tasks in flight per worker: one running and one queued, so a worker never waits for the main
# process to hand it the next batch, while the results held in memory stay bounded.
IN_FLIGHT_PER_WORKER = 2
# A pool broken this many times in one map (its workers killed by the OOM killer, a segfault in a
# model) is a fault of the run: the error propagates rather than retrying forever.
POOL_RESTARTS = 3
# Dask: times a task that raised is run again; a task whose *worker died* is rescheduled by the
# scheduler up to distributed.scheduler.allowed-failures times (default 3) before KilledWorker.
DASK_RETRIES = 3
# Fault injection for the tests: a folder; the first task any worker runs while the folder holds
# no marker file creates the marker and kills its worker process (os._exit), once per folder.
FAULT_ENV = "PARALLAX_FAULT_EXIT_ONCE"


class Engine(Protocol):
    """Where tasks run: ``map`` yields ``fn(item)`` for each item, in order."""

    workers: int

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]: ...  # pragma: no cover

    def close(self) -> None: ...  # pragma: no cover


def usable_cpus() -> int:
    """CPUs this process may run on (the affinity mask: a container's or taskset's limit)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def worker_setup() -> None:
    """In a worker: NER and the sentence encoder run single-process, single-thread (the engine
    already runs one task per core; more threads per worker only fight over the same cores)."""
    from parallax.extract.ner import stay_in_process

    stay_in_process()
    os.environ["PARALLAX_ENCODER_THREADS"] = "1"


def run_task(fn: Callable[[T], R], item: T) -> R:
    """What a worker runs: setup, the fault hook of the tests, then the task."""
    worker_setup()
    folder = os.environ.get(FAULT_ENV)
    if folder:
        try:
            fd = os.open(os.path.join(folder, "exited"), os.O_CREAT | os.O_EXCL | os.O_WRONLY)
        except FileExistsError:
            pass
        else:
            os.write(fd, str(os.getpid()).encode())
            os.close(fd)
            os._exit(17)
    return fn(item)


class SerialEngine:
    """Everything in this process, lazily: the next item is read only when asked for."""

    workers = 1

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(item)`` for each item, in order."""
        return (fn(item) for item in items)

    def close(self) -> None:
        """Nothing to release."""


def _ordered(submit: Callable[[Any], Any], wait: Callable[[Any], Any], items: Iterable[Any], window: int,
             broken: type[BaseException] | None = None, restart: Callable[[], None] | None = None,
             ) -> Iterator[Any]:
    """Submit ahead up to ``window`` items and yield their results in item order. When waiting
    raises ``broken`` (the workers died), ``restart`` and resubmit every task not yet returned:
    tasks are pure and nothing was committed for them, so nothing is lost or doubled."""
    source = iter(items)
    pending: deque[tuple[Any, Any]] = deque()
    done = False
    restarts = 0
    while True:
        while not done and len(pending) < window:
            try:
                item = next(source)
            except StopIteration:
                done = True
                break
            pending.append((item, submit(item)))
        if not pending:
            return
        try:
            result = wait(pending[0][1])
        except BaseException as exc:
            if broken is None or restart is None or not isinstance(exc, broken) or restarts >= POOL_RESTARTS:
                raise
            restarts += 1
            logging.getLogger(__name__).warning("a worker process died; restarting the pool and "
                                                "resubmitting %d tasks", len(pending))
            restart()
            pending = deque((item, submit(item)) for item, _ in pending)
            continue
        pending.popleft()
        yield result


def _worker_start(parent: int) -> None:
    """A pool worker's start: die with the client, and leave SIGINT and SIGTERM to it.

    Forked workers inherit the client's handlers (``watch`` turns SIGTERM into
    KeyboardInterrupt); a Ctrl-C or a SIGTERM sent to the process group must stop the client,
    which closes the pool, not raise inside a worker's task."""
    import signal

    from parallax.extract.ner import _die_with_parent as die

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    die(parent)


class PoolEngine:
    """A pool of ``processes`` local worker processes, started on first use."""

    def __init__(self, processes: int | None = None) -> None:
        self.workers = max(1, processes or usable_cpus())
        self._pool: ProcessPoolExecutor | None = None

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # "fork": "spawn" and "forkserver" re-import the caller's __main__ in each worker
            # (a script calling analyze() without a __main__ guard would run again) and pay the
            # imports again. The pool starts before the main process loads any model.
            method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
            self._pool = ProcessPoolExecutor(self.workers, mp_context=multiprocessing.get_context(method),
                                             initializer=_worker_start, initargs=(os.getpid(),))
        return self._pool

    def _restart(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
        self._pool = None

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(item)`` for each item, run in the pool, yielded in order."""

        def submit(item: T) -> Future[R]:
            return self._executor().submit(run_task, fn, item)

        return _ordered(submit, lambda f: f.result(), items, IN_FLIGHT_PER_WORKER * self.workers,
                        BrokenProcessPool, self._restart)

    def close(self) -> None:
        """Stop the workers."""
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel_futures=True)
            self._pool = None


class DaskEngine:
    """Tasks on a ``dask.distributed`` cluster: a new LocalCluster of ``workers`` processes (one
    thread each), or the existing scheduler at ``scheduler`` (``tcp://host:8786``)."""

    def __init__(self, workers: int | None = None, scheduler: str | None = None,
                 retries: int = DASK_RETRIES, connect_timeout: str = "30s") -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:  # pragma: no cover - a dependency, but say what to install
            raise RuntimeError("Dask is not installed: pip install 'dask[distributed]'") from exc
        self.retries = retries
        self.cluster: Any = None
        if scheduler:
            try:
                self.client = Client(scheduler, timeout=connect_timeout)
            except OSError as exc:
                raise RuntimeError(f"no Dask scheduler answers at {scheduler}: {exc}") from exc
        else:
            n = max(1, workers or usable_cpus())
            self.cluster = LocalCluster(n_workers=n, threads_per_worker=1, processes=True,
                                        dashboard_address=None, silence_logs=logging.ERROR)
            self.client = Client(self.cluster)
        info = self.client.scheduler_info()
        self.workers = max(1, sum(w.get("nthreads", 1) for w in info.get("workers", {}).values()))

    def map(self, fn: Callable[[T], R], items: Iterable[T]) -> Iterator[R]:
        """``fn(item)`` for each item as Dask tasks, yielded in order."""

        def submit(item: T) -> Any:
            # pure=False: two batches with equal contents are still two tasks (each is committed).
            return self.client.submit(run_task, fn, item, pure=False, retries=self.retries)

        return _ordered(submit, lambda f: f.result(), items, IN_FLIGHT_PER_WORKER * self.workers)

    def close(self) -> None:
        """Disconnect; stop the LocalCluster if this engine started it."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()


def make_engine(processes: int | None = None, workers: int | None = None,
                scheduler: str | None = None) -> Engine:
    """The engine for these options: Dask when ``workers`` or ``scheduler`` is given, else a pool
    of ``processes`` (``None``: one per CPU) when that is more than one, else this process."""
    if scheduler or workers:
        return DaskEngine(workers=workers, scheduler=scheduler)
    n = processes if processes is not None else usable_cpus()
    return PoolEngine(n) if n > 1 else SerialEngine()
