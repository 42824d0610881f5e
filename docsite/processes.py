"""Work shared among processes, one per core: parsing pages, then converting and rendering them.

Where the system can fork (Linux, macOS, the BSDs), the processes are forked, so they inherit
what the build has loaded (configuration, the site graph, compiled templates) instead of
receiving it; only each item of work and its result cross between processes, pickled. Where it
cannot (Windows), they are spawned: the task is pickled and sent to each process once, when it
starts, and what does not pickle is made again there (``pipeline._Stage`` sends its site and
rebuilds the templates and converters); the output is the same byte for byte. The environment
variable DOCSITE_START_METHOD (fork, spawn, forkserver) chooses the start method instead.

A parsed page comes back without its Markdown tokens, which are as slow to unpickle as to parse:
the process that renders the page parses its body again (load.Page.tokens).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Names a start method of ``multiprocessing`` to use instead of fork.
START_METHOD_VARIABLE = "DOCSITE_START_METHOD"

#: The task of this process's work: inherited when forked, installed by ``_install`` when spawned.
_task: Callable[[Any], Any] | None = None


def cores() -> int:
    """The cores this process may run on (a container or taskset may allow fewer than the
    machine has), on any system: only Linux can tell which cores a process may use before Python
    3.13 (``os.sched_getaffinity``); elsewhere, every core of the machine."""
    if sys.version_info >= (3, 13):
        return os.process_cpu_count() or 1
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def start_method() -> str:
    """How processes start: fork where the system can, else spawn; DOCSITE_START_METHOD overrides."""
    available = multiprocessing.get_all_start_methods()
    chosen = os.environ.get(START_METHOD_VARIABLE)
    if chosen:
        if chosen not in available:
            raise ValueError(f"{START_METHOD_VARIABLE}={chosen}: this system starts processes by "
                             f"{', '.join(available)}")
        return chosen
    return "fork" if "fork" in available else "spawn"


def _install(task: Callable[[Any], Any]) -> None:
    """Run in a spawned process as it starts: the task it receives, once, for all its items."""
    global _task
    _task = task


def _run(item: Any) -> Any:
    if _task is None:
        raise RuntimeError("a process was given work before its task")
    return _task(item)


def process_map(task: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``task`` of each item, in order, in ``jobs`` processes (here, with one job or one item)."""
    global _task
    if jobs == 1 or len(items) < 2:
        yield from map(task, items)
        return
    method = start_method()
    if method != "fork":
        context = multiprocessing.get_context(method)
        with ProcessPoolExecutor(jobs, mp_context=context, initializer=_install, initargs=(task,)) as pool:
            yield from pool.map(_run, items)
        return
    _task = task
    gc.freeze()  # the collector leaves the inherited objects alone, so fewer memory pages get copied
    try:
        with ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context("fork")) as pool:
            yield from pool.map(_run, items)
    finally:
        _task = None
        gc.unfreeze()
