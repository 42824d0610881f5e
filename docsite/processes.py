"""Work shared among processes, one per core: parsing pages, then converting and rendering them.

The processes are forked, so they inherit what the build has loaded (configuration, the site
graph, compiled templates) instead of receiving it; only each item of work and its result cross
between processes, pickled. A parsed page comes back without its Markdown tokens, which are as
slow to unpickle as to parse: the process that renders the page parses its body again
(load.Page.tokens).
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: The task of the processes being forked: inherited by them, so it may be any callable.
_task: Callable[[Any], Any] | None = None


def _run(item: Any) -> Any:
    assert _task is not None
    return _task(item)


def forked_map(task: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``task`` of each item, in order, in ``jobs`` processes (here, with one job or one item)."""
    global _task
    if jobs == 1 or len(items) < 2:
        yield from map(task, items)
        return
    _task = task
    gc.freeze()  # the collector leaves the inherited objects alone, so fewer memory pages get copied
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_run, items)
    finally:
        _task = None
        gc.unfreeze()
