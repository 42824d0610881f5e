"""Work shared among processes, one per core: parsing pages, then converting and rendering them.

Where the system can fork (Linux, macOS, the BSDs), the processes are forked, so they inherit
what the build has loaded (configuration, the site graph, compiled templates) instead of
receiving it; only each item of work and its result cross between processes, pickled. Where it
cannot (Windows), they are spawned: the task is pickled and sent to each process once, when it
starts, and what does not pickle is made again there (``pipeline._Stage`` sends its site and
rebuilds the templates and converters); the output is the same byte for byte. The environment
variable DOCSITE_START_METHOD (fork, spawn, forkserver) chooses the start method instead.

A loaded page comes back with its Markdown tokens packed (page.Page.packed), which the process
that renders the page unpacks in less time than parsing its body again would take.

The processes end with the build, however it ends (``_start``). Ctrl-C, which a terminal sends to
every process of the build, is the build's to handle: it stops handing out work, lets the
processes finish their item and exit, and removes what it had written. SIGTERM, which a CI may send
to them all, ends them; the build, stopped, no longer waits for them (``stop_waiting``).
"""

from __future__ import annotations

import contextlib
import ctypes
import gc
import multiprocessing
import os
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import cache, partial
from types import FrameType
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: Names a start method of ``multiprocessing`` to use instead of fork.
START_METHOD_VARIABLE = "DOCSITE_START_METHOD"

#: The task of this process's work: inherited when forked, installed by ``_start`` when spawned.
_task: Callable[[Any], Any] | None = None
#: prctl's option that has the kernel send a signal to a process when its parent ends (<linux/prctl.h>).
PR_SET_PDEATHSIG = 1


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


def _start(task: Callable[[Any], Any] | None) -> None:
    """Run in each process as it starts: it ignores Ctrl-C and takes SIGTERM's default (the build
    handles them, see cli.py; the pool ends a process with SIGTERM), ends with the build, and
    installs ``task`` (when spawned: it receives it once, for all its items)."""
    global _task
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    _end_with_parent()
    if task is not None:
        _task = task


def _end_with_parent() -> None:
    """End this process as soon as the one that started it ends, even killed outright (kill -9, a
    CI's timeout), which no code of the build can answer: a process left waiting for work would
    live on for nothing, holding its memory. On Linux the kernel sends it SIGKILL then
    (PR_SET_PDEATHSIG); everywhere, a thread waits for the end of the pipe the parent holds open
    for multiprocessing (``parent_process().sentinel``: the system closes it when the parent
    ends), and ends the process: that also covers a parent ended before the prctl call."""
    if sys.platform == "linux":
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    parent = multiprocessing.parent_process()
    if parent is not None:
        threading.Thread(target=_exit_after, args=(parent,), daemon=True).start()


def _exit_after(parent: multiprocessing.process.BaseProcess) -> None:
    parent.join()
    os._exit(1)


def _run(item: Any) -> Any:
    if _task is None:
        raise RuntimeError("a process was given work before its task")
    return _task(item)


#: Whether pools shut down without waiting for their processes (see ``stop_waiting``).
_waits = True


def stop_waiting() -> None:
    """From now on, shut pools down without waiting for their processes: the build is stopped by
    SIGTERM, which may have ended one of them as it sent its result (a CI sends it to every process
    of the build), and its pool would wait for the rest of that for ever. The processes end with
    the build (``_start``)."""
    global _waits
    _waits = False


@contextlib.contextmanager
def _pool(jobs: int, method: str, task: Callable[[Any], Any] | None) -> Iterator[ProcessPoolExecutor]:
    """A pool of ``jobs`` processes started by ``method``, shut down with the block: the work not
    begun dropped (stopped, or an error met here), the processes left to finish their item and exit."""
    pool = ProcessPoolExecutor(jobs, mp_context=multiprocessing.get_context(method), initializer=_start,
                               initargs=(task,))
    try:
        yield pool
    finally:
        pool.shutdown(wait=_waits and not _lost(pool), cancel_futures=True)


#: How often the processes of a pool are looked at while a result is awaited (see ``_result``).
LOOK_S = 1.0


def _lost(pool: ProcessPoolExecutor) -> bool:
    """Whether a process of ``pool`` ended before the pool was shut down: the system ended it. (The
    pool's own record of its processes: concurrent.futures has no public one.)"""
    return any(process.exitcode is not None for process in (pool._processes or {}).values())


def _result(pool: ProcessPoolExecutor, future: Future[R]) -> R:
    """What ``future`` gives. A process the system ends as it sends its result (out of memory)
    leaves the pool waiting for the rest of it, and another for the lock it held, for ever, the
    pool never finding out (Python's concurrent.futures): so while the result is awaited, the
    pool's processes are looked at every ``LOOK_S``, and one gone breaks the pool, its others
    ended (``_pool`` then does not wait for them)."""
    while True:
        try:
            return future.result(timeout=LOOK_S)
        except TimeoutError:
            if _lost(pool):
                for process in (pool._processes or {}).values():
                    process.kill()
                raise BrokenProcessPool("a process of the pool ended before its work was done") from None


def process_map(task: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``task`` of each item, in order, in ``jobs`` processes (here, with one job or one item)."""
    global _task
    if jobs == 1 or len(items) < 2:
        yield from map(task, items)
        return
    method = start_method()
    if method != "fork":
        with _pool(jobs, method, task) as pool:
            yield from _mapped(pool, items, jobs)
        return
    _task = task
    gc.freeze()  # the collector leaves the inherited objects alone, so fewer memory pages get copied
    try:
        with _pool(jobs, "fork", None) as pool:
            yield from _mapped(pool, items, jobs)
    finally:
        _task = None
        gc.unfreeze()


def forked_map(task: Callable[[T], R], items: Sequence[T], jobs: int) -> Iterator[R]:
    """``process_map`` for a task that only a forked process can run, as it inherits what the task
    holds and which does not pickle (converters, files open): here, where processes are spawned."""
    return process_map(task, items, jobs if start_method() == "fork" else 1)


#: Allocations between the cycle collector's passes over the youngest objects while a build runs (see
#: ``collected_less_often``); Python's default is 700.
YOUNG_THRESHOLD = 10_000


@contextlib.contextmanager
def collected_less_often() -> Iterator[None]:
    """The block (a build) with the cycle collector passing over young objects at every
    ``YOUNG_THRESHOLD`` allocations. What a build reads and keeps is frozen (``gc.freeze``: see
    kept.py, serve.py, and process_map's forks), so the collector finds its oldest generation small
    and passes over all the build made since at every tenth pass of the middle one: eleven times
    (a second) in the rest of a title edit in the preview at 10,000 pages, for almost no garbage."""
    before = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, *before[1:])
    try:
        yield
    finally:
        gc.set_threshold(*before)


@contextlib.contextmanager
def beside(task: Callable[[], R], jobs: int) -> Iterator[Callable[[], R]]:
    """``task()``, worked out by a forked process while this one goes on (with more than one job,
    where processes fork), else here when first asked for: the function yielded gives the answer,
    the same each time it is asked. The process ends with the block, asked or not."""
    if jobs == 1 or start_method() != "fork":
        yield cache(task)
        return
    global _task
    _task = partial(_called, task)  # inherited by the process forked as the task is handed over
    try:
        with _pool(1, "fork", None) as pool:
            with _signals_held():
                future = pool.submit(_run, None)
            _task = None

            def answer() -> R:
                try:
                    given: R = _result(pool, future)
                    return given
                except BrokenProcessPool:  # the process ended without answering (killed): here, then
                    return task()

            yield cache(answer)
    finally:
        _task = None


def _called(task: Callable[[], R], _: object) -> R:
    return task()


#: Items handed to a pool's processes ahead of the result awaited, per process: enough that none
#: waits for work, few enough that results do not pile up while this process takes one in.
AHEAD = 2


def _mapped(pool: ProcessPoolExecutor, items: Sequence[Any], jobs: int) -> Iterator[Any]:
    """``_run`` of each item, in order, by the pool's ``jobs`` processes. Each result is let go
    once given, as ``Executor.map`` does: those of a build's pages are all its HTML. Only
    ``AHEAD`` items a process are handed over beyond the first result not yet given: this process
    takes in each result (writes its files, keeps it in the cache) while the others make the
    next, and results made faster than it takes them in would otherwise wait here, in its memory."""
    ahead = AHEAD * jobs
    futures: deque[Future[Any]] = deque()
    for item in items:
        if len(futures) >= ahead:
            yield _result(pool, futures.popleft())
        with _signals_held():
            futures.append(pool.submit(_run, item))
    while futures:
        yield _result(pool, futures.popleft())


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Ctrl-C and SIGTERM held back while a pool starts its processes and is handed its work, and
    raised after: Python runs a signal's handler between any two steps of the program, and the
    exception it raises is lost when that step is in one of fork's hooks (logging's), or leaves
    the pool half given its work, unable to shut down. Only the main thread takes signals."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []

    def hold(signum: int, frame: FrameType | None) -> None:
        held.append(signum)

    before = {signum: signal.signal(signum, hold) for signum in (signal.SIGINT, signal.SIGTERM)}
    try:
        yield
    finally:
        for signum, handler in before.items():
            signal.signal(signum, handler)
        for received in held:
            signal.raise_signal(received)
