"""Where render jobs run: a small registry of executors, name → class (as papermill registers
its engines). Each runs `fn(job)` for every job and yields `(job, result, error)` as jobs finish,
in any order; an error is the exception that escaped `fn` (a crashed worker), never a notebook's
own failure (those are results).

- `serial`: in this process, one warm kernel (used for a single report);
- `local` (default): a pool of worker processes, each with its own warm kernel;
- `dask`: the jobs are submitted to a dask.distributed scheduler (`--scheduler tcp://HOST:PORT`);
  its workers must have dvcq installed and see the same data, notebooks and outputs folders.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from dvcq_lib.exceptions import DvcqError

Outcome = tuple[object, object, BaseException | None]
#: A pool whose worker process died is rebuilt this many times before the jobs it held fail.
POOL_RESTARTS = 3


def default_workers() -> int:
    """One worker per core: a worker and its kernel take turns, they rarely both compute."""
    return max(1, os.cpu_count() or 1)


class SerialExecutor:
    def __init__(self, **_: object) -> None:
        pass

    def start(self, initializer: Callable | None = None, initargs: tuple = ()) -> None:
        """Nothing to start ahead: the kernel starts with the first page."""

    def run(self, fn: Callable, jobs: Iterable) -> Iterator[Outcome]:
        for job in jobs:
            try:
                yield job, fn(job), None
            except Exception as exc:  # noqa: BLE001 — reported as that job's failure
                yield job, None, exc


class LocalExecutor:
    """A process pool; the workers keep their warm kernels until the batch ends."""

    def __init__(self, workers: int | None = None, **_: object) -> None:
        self.workers = workers or default_workers()
        self._started: ProcessPoolExecutor | None = None
        self._init: tuple[Callable | None, tuple] = (None, ())

    def _pool(self) -> ProcessPoolExecutor:
        # forkserver: workers are forked from a clean server process (no threads of ours, no
        # kernel sockets) that imported the engine once, so a worker starts in milliseconds.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["dvcq_lib.render.batch"])
        initializer, initargs = self._init
        return ProcessPoolExecutor(
            max_workers=self.workers, mp_context=ctx, initializer=initializer, initargs=initargs
        )

    def start(self, initializer: Callable | None = None, initargs: tuple = ()) -> None:
        """Start the workers now, each running `initializer` (e.g. warming its kernel) while
        the caller goes on planning; `run` then uses them."""
        self._init = (initializer, initargs)
        self._started = self._pool()
        for _ in range(self.workers):  # a pool starts its processes on demand
            self._started.submit(os.getpid)

    def run(self, fn: Callable, jobs: Iterable) -> Iterator[Outcome]:
        pending = list(jobs)
        restarts = 0
        while pending:
            pool, self._started = self._started or self._pool(), None
            futures = {pool.submit(fn, job): job for job in pending}
            pending = []
            broken: list = []
            try:
                not_done = set(futures)
                while not_done:
                    done, not_done = wait(not_done, return_when=FIRST_COMPLETED)
                    for fut in done:
                        job = futures[fut]
                        try:
                            yield job, fut.result(), None
                        except BrokenProcessPool as exc:
                            broken.append((job, exc))
                        except Exception as exc:  # noqa: BLE001
                            yield job, None, exc
            except BaseException:  # Ctrl-C, or the consumer stopped: do not wait for the rest
                pool.shutdown(wait=False, cancel_futures=True)
                raise
            # Workers exit on their own; their kernels are killed by the workers' finalisers.
            pool.shutdown(wait=True, cancel_futures=True)
            if broken:
                restarts += 1
                if restarts > POOL_RESTARTS:
                    for job, exc in broken:
                        yield job, None, exc
                else:
                    pending = [job for job, _ in broken]


class DaskExecutor:
    """Jobs as tasks of a dask.distributed cluster; each worker thread keeps a warm kernel."""

    def __init__(self, scheduler: str | None = None, **_: object) -> None:
        if not scheduler:
            raise DvcqError(
                "--executor dask cần --scheduler tcp://HOST:PORT "
                "(the dask executor needs the scheduler's address)"
            )
        self.scheduler = scheduler

    def start(self, initializer: Callable | None = None, initargs: tuple = ()) -> None:
        """Dask workers keep their kernels between batches: nothing to start ahead."""

    def run(self, fn: Callable, jobs: Iterable) -> Iterator[Outcome]:
        from distributed import Client, as_completed

        with Client(self.scheduler, timeout="30s") as client:
            futures = {client.submit(fn, job, pure=False): job for job in jobs}
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    yield job, fut.result(), None
                except Exception as exc:  # noqa: BLE001
                    yield job, None, exc


EXECUTORS: dict[str, type] = {
    "serial": SerialExecutor,
    "local": LocalExecutor,
    "dask": DaskExecutor,
}


def make_executor(name: str, **options: object):
    if name not in EXECUTORS:
        raise DvcqError(f"Không có executor {name!r}; chọn một trong: {', '.join(EXECUTORS)}")
    return EXECUTORS[name](**options)
