"""Running independent pieces of work (verifying claims) on the machine's cores.

:func:`run_all` maps a module-level function over items in worker processes and hands
each result back as it arrives, so a caller can show progress. Workers ignore Ctrl-C:
the parent catches it, stops every worker it started and re-raises, so an interrupted
build ends with one message instead of a traceback per process. Each worker runs its
tasks in its own main thread, where the verifier's SIGALRM time limit works.
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import sys
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

from derive.errors import DeriveError

T = TypeVar("T")
R = TypeVar("R")


def default_jobs() -> int:
    """The number of cores this process may use."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


def _quiet_worker() -> None:
    # Ctrl-C reaches the whole process group; only the parent should react to it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def forks() -> bool:
    """Whether workers are forked: they then start with a copy of this process's memory
    (imported modules, registered checkers, and objects that cannot be pickled)."""
    return sys.platform.startswith("linux") and "fork" in multiprocessing.get_all_start_methods()


def _context() -> Any:
    # fork shares the parent's imported SymPy and registered checkers: no start-up cost.
    return multiprocessing.get_context("fork") if forks() else multiprocessing.get_context()


def _picklable(item: Any) -> bool:
    try:
        pickle.dumps(item)
    except Exception:  # any failure means: run it here instead of in a worker
        return False
    return True


def _stop(executor: ProcessPoolExecutor) -> None:
    """Cancel what has not started and end the workers this executor started."""
    processes = list(getattr(executor, "_processes", {}).values())
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)


def run_all(
    fn: Callable[[T], R],
    items: Sequence[T],
    jobs: int = 1,
    on_result: Callable[[int, R], None] | None = None,
    meanwhile: Iterable[Callable[[], object]] = (),
) -> list[R]:
    """``[fn(item) for item in items]``, on up to ``jobs`` worker processes.

    ``fn`` must be a module-level function. Items that cannot be pickled are done in
    this process. ``on_result(index, result)`` is called as each result arrives. An
    exception raised by ``fn`` is raised here after the workers are stopped; a worker
    that dies (killed, out of memory) is a :class:`DeriveError`.

    ``meanwhile`` are chores for this process, which would otherwise only wait for the
    workers: each is called once, between checks for arrived results (after the items
    when there are no workers).
    """
    results: list[Any] = [None] * len(items)
    chores = iter(meanwhile)

    def done(index: int, result: R) -> None:
        results[index] = result
        if on_result is not None:
            on_result(index, result)

    remote = [i for i, item in enumerate(items) if _picklable(item)] if jobs > 1 and len(items) > 1 else []
    chosen = set(remote)
    local = [i for i in range(len(items)) if i not in chosen]
    if len(remote) > 1:
        executor = ProcessPoolExecutor(max_workers=min(jobs, len(remote)), mp_context=_context(), initializer=_quiet_worker)
        try:
            pending: dict[Future[R], int] = {executor.submit(fn, items[i]): i for i in remote}
            for i in local:
                done(i, fn(items[i]))
            while pending:
                chore = next(chores, None)
                # With a chore to do, only collect what has arrived; else wait for a result.
                finished, _ = wait(pending, timeout=0 if chore else None, return_when=FIRST_COMPLETED)
                for future in finished:
                    done(pending.pop(future), future.result())
                if chore is not None:
                    chore()
            for chore in chores:
                chore()
        except BrokenProcessPool as exc:
            _stop(executor)
            raise DeriveError(f"a worker process stopped unexpectedly (out of memory?): {exc}") from None
        except BaseException:
            _stop(executor)
            raise
        executor.shutdown(wait=True)
    else:
        for i in range(len(items)):
            done(i, fn(items[i]))
        for chore in chores:
            chore()
    return results


__all__ = ["default_jobs", "forks", "run_all"]
