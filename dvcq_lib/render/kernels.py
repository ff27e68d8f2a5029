"""Warm, reused Jupyter kernels.

Most of the cost of a naive batch is starting a kernel, importing pandas and matplotlib, and the
graceful shutdown — not the analysis. A `WarmKernel` is started once per worker (thread), runs
every notebook of many reports, and has its user namespace reset between reports; it is killed
outright at the end (no graceful shutdown: nothing in it needs saving). Imported modules and the
library's caches (e.g. the parsed observations, keyed by file mtime) stay warm, which is the point.

The kernel is the running interpreter (`sys.executable`), so a project venv is used as is. Its
connection file (with its key) and its ipc sockets live in the process's run folder
(`dvcq_lib.render.scratch`), which the next run removes if this one is killed.
"""

from __future__ import annotations

import atexit
import os
import sys
import threading
import weakref
from queue import Empty

import nbformat
from jupyter_client.kernelspec import KernelSpec, KernelSpecManager
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from nbclient import NotebookClient
from nbclient import client as nbclient_module
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError

from dvcq_lib.paths import ROOT
from dvcq_lib.render.scratch import run_dir

#: Run between two reports: forget every user name, close every figure, so nothing of the
#: previous report can leak into the next (the A-B-A test checks it).
RESET_CODE = """\
def _dvcq_reset(ip=get_ipython()):
    import sys
    # What `%reset -f` does, minus its full gc.collect() (0.2 s with pandas loaded):
    # every user name goes, the output cache and history references too.
    hidden = ip.user_ns_hidden
    for name in [k for k in ip.user_ns if k not in hidden or k in ("_", "__", "___")]:
        del ip.user_ns[name]
    ip.user_ns.update({"_": "", "__": "", "___": ""})
    ip.user_ns["Out"].clear()
    ip.user_ns["_oh"].clear()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")
_dvcq_reset()  # removes its own name too
"""
#: Environment of the kernels: Agg so charts are drawn only when the notebook draws them (never
#: again by the inline backend), and a fixed hash seed so set/dict order — and pages — repeat.
KERNEL_ENV = {"MPLBACKEND": "Agg", "PYTHONHASHSEED": "0", "PYDEVD_DISABLE_FILE_VALIDATION": "1"}
DEFAULT_TIMEOUT = 600.0  # seconds per cell; generous: a district overview of 170 communes


#: What an output of each kind carries from its message's content, in nbformat's order.
_OUTPUT_FIELDS = {
    "execute_result": ("metadata", "data", "execution_count"),
    "stream": ("name", "text"),
    "display_data": ("metadata", "data"),
    "error": ("ename", "evalue", "traceback"),
}


def output_from_msg(msg: dict) -> nbformat.NotebookNode:
    """`nbformat.v4.output_from_msg` without its schema validation of every single output
    (≈ 0,5 ms each, ≈ 15 a page, all in the batch's one process): the executed notebook is
    validated once, whole, when its page is exported (`Exporter.optimistic_validation`). An
    unknown message type is nbformat's ValueError, as before."""
    fields = _OUTPUT_FIELDS.get(msg["header"]["msg_type"])
    if fields is None:
        return nbformat.v4.output_from_msg(msg)
    out = nbformat.NotebookNode(output_type=msg["header"]["msg_type"])
    out.update({name: msg["content"][name] for name in fields})
    return out


# nbclient builds every output of a cell through this module-level name
nbclient_module.output_from_msg = output_from_msg


class _ThisPython(KernelSpecManager):
    """Kernel spec of the running interpreter, whatever kernels are installed."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        return KernelSpec(
            # no input history: nothing to keep, and no SQLite file shared by every kernel
            argv=[
                sys.executable,
                "-m",
                "ipykernel_launcher",
                "-f",
                "{connection_file}",
                "--HistoryManager.enabled=False",
            ],
            display_name="dvcq",
            language="python",
            env={},
        )


class WarmKernel:
    """One kernel, started on first use, reused for every notebook until `stop()`."""

    def __init__(self, *, cwd: str | None = None, startup_timeout: float = 120) -> None:
        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.km: AsyncKernelManager | None = None
        self.kc = None
        self.starts = 0  # how many kernels this worker started (restarts after a fault count)
        self.runs = 0
        _LIVE.add(self)
        _ensure_exit_hook()

    @property
    def alive(self) -> bool:
        return self.km is not None and self.km.has_kernel

    def _client(self, nb: nbformat.NotebookNode, timeout: float | None) -> NotebookClient:
        if self.km is None:
            # ipc: local sockets (absolute path: the kernel runs in another cwd), no TCP ports
            # to find, no "unencrypted TCP" warning. Sockets and connection file (it holds the
            # kernel's key) go to the run folder, not to /tmp and Jupyter's runtime folder,
            # where a killed batch would leave them for good.
            folder = run_dir()
            self.starts += 1
            name = f"kernel-{id(self):x}-{self.starts}"
            self.km = AsyncKernelManager(
                kernel_name="python3",
                transport="ipc",
                ip=str(folder / name),
                connection_file=str(folder / f"{name}.json"),
                kernel_spec_manager=_ThisPython(),
            )
            self.kc = None
        client = NotebookClient(
            nb,
            km=self.km,
            timeout=timeout,
            record_timing=False,
            startup_timeout=self.startup_timeout,
            kernel_name="python3",
            shutdown_kernel="immediate",
        )
        client.kc = self.kc
        return client

    def execute(
        self,
        nb: nbformat.NotebookNode,
        *,
        timeout: float | None = DEFAULT_TIMEOUT,
        on_cell=None,
        defaults: tuple[int, str] | None = None,
        reset: bool = False,
    ) -> nbformat.NotebookNode:
        """Run the code cells of `nb` in place (outputs are kept in `nb` even when a cell fails).

        `on_cell(index)` is called before each cell runs, so a caller knows which one failed.
        With `reset`, the previous report is forgotten first (see `reset`); `defaults` (index,
        source) is a parameters cell of literal defaults, run silently in that same request.
        """
        client = self._client(nb, timeout)
        # The kernel imports the same dvcq_lib as the engine, installed or not.
        path = os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)
        env = {**os.environ, **KERNEL_ENV, "PYTHONPATH": path}
        try:
            run_sync(self._execute)(client, nb, on_cell, defaults, reset, env)
        finally:
            self.kc = client.kc
        self.runs += 1
        return nb

    async def _execute(self, client, nb, on_cell, defaults, reset, env) -> None:
        # The cell loop papermill's engine also runs in place of NotebookClient.execute, without
        # its kernel_info round trip per notebook.
        was_running = self.kc is not None
        async with client.async_setup_kernel(cwd=self.cwd, env=env):
            self.kc = client.kc
            skipped, prelude = None, RESET_CODE if reset and was_running else ""
            if defaults is not None:
                skipped, source = defaults
                prelude += source
                if on_cell is not None:
                    on_cell(skipped)
            if prelude:
                await self._silent(prelude, 60)
            for index, cell in enumerate(nb.cells):
                if cell.cell_type != "code" or index == skipped:
                    continue
                if on_cell is not None:
                    on_cell(index)
                await client.async_execute_cell(
                    cell, index, execution_count=client.code_cells_executed + 1
                )
            client.set_widgets_metadata()

    def reset(self, timeout: float = 60) -> None:
        """Forget the previous report (a no-op before the kernel has started).

        Sent straight through the kernel client as a silent request — no notebook, no history,
        no outputs to collect — and its reply awaited: the next report starts clean or not at all.
        """
        if self.alive and self.kc is not None:
            run_sync(self._silent)(RESET_CODE, timeout)

    async def _silent(self, code: str, timeout: float) -> None:
        """Run `code` as a silent request (no outputs, no history) and await its reply."""
        msg_id = self.kc.execute(code, silent=True, store_history=False, allow_stdin=False)
        waited = 0.0
        while True:
            try:
                reply = await self.kc.get_shell_msg(timeout=1)
            except Empty:
                waited += 1
                if not await self.km.is_alive():
                    raise DeadKernelError("kernel đã chết (the kernel died)") from None
                if waited >= timeout:
                    raise CellTimeoutError(
                        f"kernel không trả lời trong {timeout:.0f} s (no reply)"
                    ) from None
                continue
            if reply["parent_header"].get("msg_id") == msg_id:
                break
        content = reply["content"]
        if content.get("status") != "ok":
            raise CellExecutionError(
                f"{content.get('ename')}: {content.get('evalue')}",
                content.get("ename", ""),
                content.get("evalue", ""),
            )

    def stop(self) -> None:
        """Kill the kernel now (no graceful shutdown) and forget it; `execute` starts a new one."""
        km, kc, self.km, self.kc = self.km, self.kc, None, None
        if kc is not None:
            try:
                kc.stop_channels()
            except Exception:  # noqa: BLE001 — best effort on a dying kernel
                pass
        if km is not None and km.has_kernel:
            try:
                run_sync(km.shutdown_kernel)(now=True)
            except Exception:  # noqa: BLE001
                pass

    restart = stop  # a restart is a stop; the next `execute` starts a fresh kernel


#: Every kernel of this process, stopped at exit (also in pool / Dask worker processes).
_LIVE: weakref.WeakSet[WarmKernel] = weakref.WeakSet()
_LOCAL = threading.local()


def _stop_all() -> None:
    for kernel in list(_LIVE):
        kernel.stop()


def kill_all() -> None:
    """Kill every kernel of this process at once, from any thread (Ctrl-C on a batch): the
    pages running in them fail at once instead of running on; their threads clean up."""
    for kernel in list(_LIVE):
        km = kernel.km
        provisioner = getattr(km, "provisioner", None) if km is not None else None
        process = getattr(provisioner, "process", None)
        if process is not None:
            try:
                process.kill()
            except OSError:
                pass


def stop_thread_kernel() -> None:
    """Stop this thread's kernel, if it has one (a worker thread ending)."""
    kernel = _LOCAL.__dict__.pop("kernel", None)
    if kernel is not None:
        kernel.stop()


_HOOKED_PID: int | None = None


def _ensure_exit_hook() -> None:
    """Kill this process's kernels when it exits. Registered in the process that starts them:
    a forked pool worker starts with an empty finaliser registry and skips atexit."""
    global _HOOKED_PID
    if _HOOKED_PID == os.getpid():
        return
    _HOOKED_PID = os.getpid()
    atexit.register(_stop_all)
    from multiprocessing import util

    util.Finalize(None, _stop_all, exitpriority=100)


#: Run once in a fresh kernel before any report: the imports and the data every page reads
#: (cached in the kernel's process), so that the first report costs no more than the next. The
#: data come already checked from the batch when it handed them over (`observations.hand_over`).
#: What is loaded then lives as long as the kernel: it is frozen out of the collector's sight,
#: so that a report's garbage collections walk only that report's objects, not pandas and the
#: data (≈ 6 % of a page); the collector stays off while it loads.
WARM_CODE = """\
import gc as _gc
_gc.disable()
try:
    from dvcq_lib.page import html as _pages
    from dvcq_lib.observations import read_observations as _read, take_over as _take_over
    if {handed!r}:
        _take_over({handed!r})
    _read({data_dir!r} or None)
    del _pages, _read, _take_over
finally:
    _gc.freeze()
    _gc.enable()
    del _gc
"""


def warm_up(data_dir: str | None = None, cwd: str | None = None, handed: str = "") -> None:
    """Start this thread's kernel now and load the library and the data into it (a worker
    does this while the batch is still being planned); `handed` is the file the batch handed
    its checked observations over in, if any."""
    kernel = thread_kernel(cwd=cwd)
    code = WARM_CODE.format(data_dir=str(data_dir) if data_dir else "", handed=handed)
    try:
        kernel.execute(
            nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), timeout=300
        )
    except Exception:  # noqa: BLE001 — a failed warm-up only means the first report is slower
        kernel.stop()
    kernel.runs = 0


def thread_kernel(cwd: str | None = None) -> WarmKernel:
    """This thread's warm kernel (a worker process or a Dask worker thread has one each)."""
    kernel = getattr(_LOCAL, "kernel", None)
    if kernel is None:
        kernel = _LOCAL.kernel = WarmKernel(cwd=cwd)
    return kernel
