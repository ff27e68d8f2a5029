"""Shared helpers of the engine tests: a small copy of the demo data, a folder of stand-in
notebooks (tests/data/notebooks, built by build_standins.py)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import nbformat
import pandas as pd

from dvcq_lib.paths import ROOT

STANDINS = Path(__file__).parent / "data" / "notebooks"
DEMO = ROOT / "data" / "observations" / "demo" / "yen-the_synthetic.csv"
REFERENCE = ROOT / "data" / "observations" / "reference"
PAGE_SUFFIX = "</html>"


def small_data(
    root: Path, communes=("07273", "07279", "07285"), periods=("2023-H1", "2023-H2", "2024-H1")
) -> Path:
    """A data folder with a slice of the synthetic demo set (same file format, same sidecar)."""
    raw = pd.read_csv(DEMO, dtype=str, keep_default_na=False)
    part = raw[raw["commune_code"].isin(communes) & raw["period"].isin(periods)]
    folder = root / "observations" / "demo"
    folder.mkdir(parents=True)
    part.to_csv(folder / DEMO.name, index=False)
    shutil.copy(DEMO.with_name(DEMO.name + ".meta.yml"), folder)
    shutil.copytree(REFERENCE, root / "observations" / "reference")  # Đông Sơn 2024-H1 (real)
    return root


def change_value(data_dir: Path, commune: str, period: str, indicator: str) -> None:
    """Change one figure of one commune in the data (a new source value, as if corrected)."""
    path = data_dir / "observations" / "demo" / DEMO.name
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    hit = (
        (raw["commune_code"] == commune)
        & (raw["period"] == period)
        & (raw["indicator"] == indicator)
    )
    assert hit.sum() == 1, (commune, period, indicator)
    raw.loc[hit, "value"] = raw.loc[hit, "value"].map(lambda v: re.sub(r"\d", "7", v, count=1))
    raw.to_csv(path, index=False)


def notebooks(root: Path, **copies: str) -> Path:
    """A notebook folder: name → stand-in stem (`overview="standin"` copies standin.ipynb)."""
    root.mkdir(parents=True, exist_ok=True)
    for name, stem in copies.items():
        shutil.copy(STANDINS / f"{stem}.ipynb", root / f"{name}.ipynb")
    return root


def slow_notebook(root: Path, name: str = "slow", seconds: float = 0.5) -> Path:
    """A notebook that takes a while, for the killed-batch test."""
    nb = nbformat.read(STANDINS / "fragile.ipynb", as_version=4)
    nb.cells[1].source = (
        "import time\n\nfrom IPython.display import HTML, display\n\n"
        f"time.sleep({seconds})\n"
        "display(HTML(f'<h1>Trang chậm — {commune} {period}</h1>'))"
    )
    root.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, root / f"{name}.ipynb")
    return root


def complete_page(path: Path) -> bool:
    return path.read_text(encoding="utf-8").rstrip().endswith(PAGE_SUFFIX)
