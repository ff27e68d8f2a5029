"""Rendered report pages for the browser and print tests: Đông Sơn 2024-H1 (the reference
report) with every notebook, and the index — rendered once per test session."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

from dvcq_lib.render.plan import notebook_set, plan_report
from dvcq_lib.render.run import BatchOptions, run_plans
from tests._engine_support import STANDINS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


def need_chromium() -> str:
    if Path(CHROMIUM).exists():
        return CHROMIUM
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)")


def artefact_folder(what: str) -> Path:
    """A temporary folder kept after the run (not pytest's rotated basetemp, not `outputs/`):
    screenshots, printed PDFs and rendered slides a reviewer can open."""
    folder = Path(tempfile.mkdtemp(prefix=f"dvcq-test-{what}-"))
    print(f"{what}: {folder}")
    return folder


def render_reference(out: Path):
    folder = None if notebook_set() else STANDINS
    names = None if folder is None else ["standin"]
    plan = plan_report(
        "Đông Sơn",
        "2024-H1",
        district="Yên Thế",
        notebooks=names,
        notebooks_dir=folder,
        outputs_dir=out,
    )
    outcome = run_plans(
        [plan], BatchOptions(outputs_dir=out, executor="serial", progress=False, timeout=300)
    )
    assert outcome.exit_code == 0, [r.error for r in outcome.failures]
    return plan
