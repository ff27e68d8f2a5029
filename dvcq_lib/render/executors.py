"""Where render jobs run: a small registry of executors, name → class (as papermill registers
its engines). Each runs `fn(job)` for every job and yields `(job, result, error)` as jobs finish,
in any order; an error is the exception that escaped `fn` (a crashed worker), never a notebook's
own failure (those are results).

- `serial`: in this process, one warm kernel (used for a single report);
- `threads`: N warm kernels driven from this process, one thread each. The kernels are the
  worker processes: no pool of Python workers in between, nothing pickled, and the kernels start
  the moment the batch does (while it is still being planned);
- `processes`: a pool of worker processes, each driving its own warm kernel. Every page's
  messages and HTML export then run in its worker rather than all in this process, which is
  what a machine with many cores needs;
- `local` (default): `threads` up to `THREADS_UP_TO` workers, `processes` beyond;
- `dask`: the jobs are submitted to a dask.distributed scheduler (`--scheduler tcp://HOST:PORT`);
  its workers must have dvcq installed and see the same notebooks and outputs folders, but not
  the data: each job is sent with its data slice (`dvcq_lib.render.slices`: the checked rows of
  its 2025 province, shipped once per province to a worker), which the worker turns into a
  private data folder for the job's pages.
"""

from __future__ import annotations

import dataclasses
import multiprocessing
import os
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from dvcq_lib.exceptions import DvcqError

Outcome = tuple[object, object, BaseException | None]
#: A pool whose worker process died is rebuilt this many times before the jobs it held fail.
POOL_RESTARTS = 3
#: One process exports every page and handles every kernel message of the `threads` executor:
#: about 20 ms of its time per page against about 300 ms of a kernel's. Beyond this many kernels
#: that one process would hold the others up; `local` then uses worker processes.
THREADS_UP_TO = 8


def default_workers() -> int:
    """One kernel per core: the kernels do the work (the charts), little else runs."""
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


class ThreadExecutor:
    """N threads of this process, each driving its own warm kernel until the batch ends.

    A kernel belongs to the thread that started it (its sockets live on that thread's event
    loop), so each thread takes jobs from a shared queue rather than from a thread pool that
    could hand a job to any thread.
    """

    _DONE = object()

    def __init__(self, workers: int | None = None, **_: object) -> None:
        self.workers = workers or default_workers()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._results: queue.SimpleQueue = queue.SimpleQueue()
        self._threads: list[threading.Thread] = []
        self._cancelled = threading.Event()

    def start(self, initializer: Callable | None = None, initargs: tuple = ()) -> None:
        """Start the threads — and, through `initializer`, their kernels — now."""
        for i in range(self.workers):
            thread = threading.Thread(
                target=self._work,
                args=(initializer, initargs),
                name=f"dvcq-kernel-{i}",
                daemon=True,  # never keeps the interpreter alive; kernels die at exit anyway
            )
            thread.start()
            self._threads.append(thread)

    def _work(self, initializer: Callable | None, initargs: tuple) -> None:
        from dvcq_lib.render.kernels import stop_thread_kernel

        try:
            if initializer is not None:
                initializer(*initargs)
            while (item := self._jobs.get()) is not self._DONE:
                fn, job = item
                if self._cancelled.is_set():
                    continue
                try:
                    self._results.put((job, fn(job), None))
                except Exception as exc:  # noqa: BLE001 — that job's failure, not the batch's
                    self._results.put((job, None, exc))
        finally:
            stop_thread_kernel()

    def run(self, fn: Callable, jobs: Iterable) -> Iterator[Outcome]:
        if not self._threads:
            self.start()
        pending = 0
        for job in jobs:
            self._jobs.put((fn, job))
            pending += 1
        for _ in self._threads:
            self._jobs.put(self._DONE)
        try:
            for _ in range(pending):
                yield self._results.get()
        except BaseException:  # Ctrl-C, or the consumer stopped: end the running pages now
            self._cancelled.set()
            from dvcq_lib.render.kernels import kill_all

            kill_all()
            raise
        finally:
            for thread in self._threads:
                thread.join(timeout=30)
            self._threads = []


class ProcessExecutor:
    """A process pool; the workers keep their warm kernels until the batch ends."""

    def __init__(self, workers: int | None = None, **_: object) -> None:
        self.workers = workers or default_workers()
        self._started: ProcessPoolExecutor | None = None
        self._init: tuple[Callable | None, tuple] = (None, ())

    def _pool(self) -> ProcessPoolExecutor:
        # forkserver: workers are forked from a clean server process (no threads of ours, no
        # kernel sockets) that imported the engine once, so a worker starts in milliseconds.
        ctx = multiprocessing.get_context("forkserver")
        ctx.set_forkserver_preload(["dvcq_lib.render.run"])
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
    """Jobs as tasks of a dask.distributed cluster; each worker thread keeps a warm kernel.

    A job that has a plan (`job.plan.data_dir`, `job.plan.commune`) travels with its data
    slice: the checked rows of its 2025 province, scattered once per province, made into a
    private data folder on the worker, where the job runs with `data_dir` pointing there."""

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
            slices: dict[tuple, object] = {}
            futures = {}
            for job in jobs:
                data = _slice_for(client, slices, job)
                if data is None:
                    fut = client.submit(fn, job, pure=False)
                else:
                    fut = client.submit(run_with_slice, fn, job, data, pure=False)
                futures[fut] = job
            for fut in as_completed(futures):
                job = futures[fut]
                try:
                    yield job, fut.result(), None
                except Exception as exc:  # noqa: BLE001
                    yield job, None, exc


def _slice_for(client, slices: dict, job) -> object | None:
    """The scattered data slice of a job's commune (None for a job without a plan)."""
    plan = getattr(job, "plan", None)
    if plan is None or not hasattr(plan, "data_dir"):
        return None
    from dvcq_lib.render.slices import scope_of, slice_bytes

    key = (str(plan.data_dir or ""), scope_of(plan.commune))
    if key not in slices:
        slices[key] = client.scatter(slice_bytes(plan.data_dir, key[1]), hash=False)
    return slices[key]


def run_with_slice(fn: Callable, job, data: bytes):
    """On a worker: the job with its plan's data folder replaced by the slice's own."""
    from dvcq_lib.render.slices import materialise

    plan = dataclasses.replace(job.plan, data_dir=materialise(data))
    return fn(dataclasses.replace(job, plan=plan))


EXECUTORS: dict[str, type] = {
    "threads": ThreadExecutor,
    "processes": ProcessExecutor,
    "serial": SerialExecutor,
    "dask": DaskExecutor,
}


#: What `--executor` accepts: the executors, and `local`, the default, which picks one of them.
CHOICES = ("local", *EXECUTORS)


def make_executor(name: str, workers: int | None = None, **options: object):
    if name not in CHOICES:
        raise DvcqError(f"Không có executor {name!r}; chọn một trong: {', '.join(CHOICES)}")
    if name == "local":
        name = "threads" if (workers or default_workers()) <= THREADS_UP_TO else "processes"
    return EXECUTORS[name](workers=workers, **options)
