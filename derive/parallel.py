"""Running independent pieces of work (verifying claims) on the machine's cores.

:func:`run_all` maps a module-level function over items in worker processes and hands
each result back as it arrives, so a caller can show progress; :class:`Pool` does the
same for work handed in as it becomes known (a build verifies the first problem's claims
while it builds the next). Both give the calling process chores to do between results
rather than only waiting. Workers ignore Ctrl-C:
the parent catches it, stops every worker it started and re-raises, so an interrupted
build ends with one message instead of a traceback per process. Each worker runs its
tasks in its own main thread, where the verifier's SIGALRM time limit works.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import pickle
import signal
import sys
from collections import deque
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
    processes = list((getattr(executor, "_processes", None) or {}).values())
    thread = getattr(executor, "_executor_manager_thread", None)  # shutdown forgets it
    executor.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.terminate()
    for process in processes:
        process.join(timeout=5)
        if process.is_alive():
            process.kill()
            process.join(timeout=5)
    # The executor's own thread reaps the workers too: when it got to a worker first,
    # the join above returned while that worker's bookkeeping was not yet done, and
    # the process still looked alive. Once the thread has ended, it is done.
    if thread is not None:
        thread.join(timeout=5)


def _died(exc: BaseException) -> DeriveError:
    return DeriveError(f"a worker process stopped unexpectedly (out of memory?): {exc}")


class Pool:
    """Work for worker processes, handed in as it becomes known; results handed back
    as they arrive. Used as a context manager: leaving it by an exception (Ctrl-C, a
    failure while more work was being prepared) stops every worker it started.

    ``submit`` queues items (the workers start with the first remote one); ``finish``
    does the items kept for this process, then the chores while the workers work, and
    returns every result in order of submission. ``on_result(index, result)`` is called
    as each result arrives, ``fn`` must be a module-level function.
    """

    def __init__(
        self, fn: Callable[[T], R], jobs: int = 1, on_result: Callable[[int, R], None] | None = None,
        workers: int | None = None,
    ) -> None:
        self.fn, self.jobs, self.on_result = fn, jobs, on_result
        self.workers = workers or jobs
        self.results: list[Any] = []
        self._items: list[T] = []
        self._local: list[int] = []
        self._pending: dict[Future[R], int] = {}
        self._executor: ProcessPoolExecutor | None = None

    @property
    def started(self) -> bool:
        """Whether worker processes have been started."""
        return self._executor is not None

    def submit(self, item: T, remote: bool = True) -> int:
        """Queue one item: for a worker when ``remote``, ``jobs`` > 1 and the item can be
        pickled, else for this process; returns its index."""
        index = len(self.results)
        self.results.append(None)
        self._items.append(item)
        if remote and self.jobs > 1 and _picklable(item):
            if self._executor is None:
                if forks():
                    # The collector leaves what exists now alone until the workers stop, so
                    # neither this process nor a worker writes to the memory they share:
                    # each write would copy a page (about a twentieth of a build's CPU, before).
                    gc.freeze()
                self._executor = ProcessPoolExecutor(max_workers=self.workers, mp_context=_context(), initializer=_quiet_worker)
            try:
                self._pending[self._executor.submit(self.fn, item)] = index
            except BrokenProcessPool as exc:  # a worker died while more work was being prepared
                self.stop()
                raise _died(exc) from None
        else:
            self._local.append(index)
        return index

    def _done(self, index: int, result: R) -> None:
        self.results[index] = result
        if self.on_result is not None:
            self.on_result(index, result)

    def finish(self, meanwhile: Iterable[Callable[[], object]] = ()) -> list[R]:
        """Do the local items and the chores (between checks for arrived results) and
        wait for every result; the workers are stopped afterwards.

        ``meanwhile`` given as a deque may grow while the pool works: ``on_result`` can
        add chores (say, rendering what a result completed)."""
        chores = meanwhile if isinstance(meanwhile, deque) else deque(meanwhile)
        try:
            while self._local:
                index = self._local.pop(0)
                self._done(index, self.fn(self._items[index]))
            while self._pending:
                chore = chores.popleft() if chores else None
                # With a chore to do, only collect what has arrived; else wait for a result.
                finished, _ = wait(self._pending, timeout=0 if chore else None, return_when=FIRST_COMPLETED)
                for future in finished:
                    self._done(self._pending.pop(future), future.result())
                if chore is not None:
                    chore()
            while chores:
                chores.popleft()()
        except BrokenProcessPool as exc:
            self.stop()
            raise _died(exc) from None
        except BaseException:
            self.stop()
            raise
        if self._executor is not None:
            self._executor.shutdown(wait=True)
            self._executor = None
            gc.unfreeze()
        return self.results

    def stop(self) -> None:
        """End every worker this pool started; what they had not done is dropped."""
        if self._executor is not None:
            executor, self._executor = self._executor, None
            _stop(executor)
            gc.unfreeze()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, kind: object, error: object, trace: object) -> None:
        if error is not None:
            self.stop()


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
    remote = [_picklable(item) for item in items] if jobs > 1 and len(items) > 1 else [False] * len(items)
    count = sum(remote)
    if count < 2:  # one item is done here: starting a worker for it would cost more
        remote = [False] * len(items)
    with Pool(fn, jobs, on_result, workers=min(jobs, max(count, 1))) as pool:
        for item, far in zip(items, remote):
            pool.submit(item, remote=far)
        return pool.finish(meanwhile)


__all__ = ["Pool", "default_jobs", "forks", "run_all"]
