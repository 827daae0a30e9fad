"""Engines: where the pipeline's per-article and per-story tasks run.

Takes a pure task (a module-level function of one picklable argument: a batch of input units, one
story's rows, a batch of stored articles to score) and the items to run it on; gives back the
results in the order of the items. Holds no state of the analysis: the pipeline reads the
database, hands plain dataclasses to the tasks and commits what comes back, in input order, as
the single writer, so every engine gives the same database.

Modules:

- ``executors``: the ``Engine`` interface (an ordered, bounded ``map``) and its three engines:
  this process (``SerialEngine``), a pool of local processes (``PoolEngine``) and a Dask cluster
  (``DaskEngine``: a new LocalCluster, or an existing scheduler), with ``make_engine`` to pick one.
"""
