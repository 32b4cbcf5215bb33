"""Worker processes for work too large for one core (an export's pages: export/page_workers.py).

The workers are started with "spawn", never "fork": the app's process has Qt loaded and
threads running, which a forked child would inherit half-copied. A worker imports only the
module of the function it is given and what that needs (no Qt, no database).
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor
from multiprocessing import spawn
from typing import Any, TypeVar

_T = TypeVar("_T")


def worker_count() -> int:
    """Every core the process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


class WorkerPool(ProcessPoolExecutor):
    """Spawned worker processes that never run the parent's main script.

    A spawned child normally imports the parent's `__main__` again, to find what was defined
    there; a script without an `if __name__ == "__main__"` guard (a test host, a user's
    script driving the app) would then open its window or start its export once more in
    every worker. Our work lives in this package, so the children are told of no main module.
    """

    def __init__(self, workers: int) -> None:
        _install_bare_spawns()
        super().__init__(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))

    def submit(self, fn: Callable[..., _T], /, *args: Any, **kwargs: Any) -> Future[_T]:
        # Workers start inside submit(), on this thread: only they are spawned bare.
        _spawning.bare = True
        try:
            return super().submit(fn, *args, **kwargs)
        finally:
            _spawning.bare = False


def start_pool(workers: int) -> ProcessPoolExecutor:
    return WorkerPool(workers)


class _Spawning(threading.local):
    bare = False


_spawning = _Spawning()
_MAIN_KEYS = ("init_main_from_path", "init_main_from_name")


def _install_bare_spawns() -> None:
    """Wraps multiprocessing's preparation data once; other spawns in the process are unchanged."""
    original = spawn.get_preparation_data
    if getattr(original, "_fieldnotes_bare", False):
        return

    def preparation_data(name: str) -> dict[str, Any]:
        data: dict[str, Any] = original(name)
        if _spawning.bare:
            for key in _MAIN_KEYS:
                data.pop(key, None)
        return data

    preparation_data._fieldnotes_bare = True  # type: ignore[attr-defined]
    spawn.get_preparation_data = preparation_data
