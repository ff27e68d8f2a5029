"""Data slices — what a remote worker (Dask) needs of the observations to render one commune's
pages, so that workers need no shared data folder.

A page reads its commune, its history (legacy units before 1 July 2025, their 2025 successor
after), its peers (the legacy district, the 2025 province) and the checks' findings over them.
All of that lies inside one 2025 province together with every legacy unit that formed a
commune of it (the 2025 reform merged whole provinces), so the slice of a commune is the rows of
its 2025 province: `scope_of` names it, `slice_bytes` writes those rows (as checked by the
client) as Parquet bytes, and `materialise` turns them into a private data folder on the
worker — the rows as observation files (`synthetic` kept in each file's sidecar) and the store
(`dvcq_lib.store`) seeded with the checked table, so that neither the worker nor its kernel
reads and checks them again. One slice per province is shipped once to each worker that needs
it, whatever the number of its pages.
"""

from __future__ import annotations

import hashlib
import io
import tempfile
from functools import cache
from pathlib import Path

import pandas as pd
import yaml

from dvcq_lib import register, store
from dvcq_lib.observations import COLUMNS, files_signature, read_observations
from dvcq_lib.paths import OBSERVATIONS_SUBDIR
from dvcq_lib.periods import period_dtype

#: Where a worker keeps the data folders of the slices it was sent (one per content digest).
SLICE_ROOT = "dvcq-slices"


@cache
def _province_of_legacy() -> dict[str, str]:
    """Legacy code → the 2025 province code of its default successor."""
    m = register.legacy_to_2025()
    default = m[m["default"]].set_index("legacy_code")["new_code"]
    province = register.new_units()["province_code"]
    return default.map(province).dropna().astype(str).to_dict()


def scope_of(commune: register.Commune) -> str:
    """The slice a commune's pages need: its 2025 province's code ("" if it has none)."""
    if commune.system == register.NEW:
        return str(commune.province_code)
    return _province_of_legacy().get(commune.code, "")


def scopes(df: pd.DataFrame) -> pd.Series:
    """`scope_of` of each row of an observations frame (looked up once per commune key)."""
    from dvcq_lib.observations import commune_keys

    keys = commune_keys(df)
    new = register.new_units()["province_code"].astype(str).to_dict()
    legacy = _province_of_legacy()

    def scope(key: str) -> str:
        system, code = key.split(":", 1)
        return (new if system == register.NEW else legacy).get(code, "")

    return keys.map({k: scope(k) for k in keys.unique()})


def slice_frame(df: pd.DataFrame, scope: str) -> pd.DataFrame:
    """The rows of `df` in one scope, with categories narrowed to what they hold."""
    part = df[(scopes(df) == scope).to_numpy()].reset_index(drop=True)
    for col in ("commune_code", "indicator", "unit"):
        part[col] = part[col].cat.remove_unused_categories()
    part["period"] = part["period"].astype(str).astype(period_dtype(part["period"].unique()))
    return part


def slice_bytes(data_dir: Path | str | None, scope: str) -> bytes:
    """The checked rows of one scope of a data folder, as Parquet bytes."""
    buf = io.BytesIO()
    slice_frame(read_observations(data_dir), scope).to_parquet(buf, index=False)
    return buf.getvalue()


def materialise(data: bytes, root: Path | str | None = None) -> Path:
    """A data folder holding the slice `data` (from `slice_bytes`), made once per content; the
    store is seeded with the checked table. Returns the folder (to pass as `data_dir`)."""
    digest = hashlib.sha256(data).hexdigest()[:24]
    folder = Path(root or Path(tempfile.gettempdir()) / SLICE_ROOT) / digest
    frame = pd.read_parquet(io.BytesIO(data))
    obs = folder / OBSERVATIONS_SUBDIR
    if not (folder / ".complete").is_file():
        obs.mkdir(parents=True, exist_ok=True)
        for flag in (True, False):
            rows = frame[frame["synthetic"] == flag]
            name = "slice-synthetic" if flag else "slice"
            path = obs / f"{name}.parquet"
            if rows.empty:
                path.unlink(missing_ok=True)
                continue
            cells = rows[list(COLUMNS)].astype({c: str for c in COLUMNS if c != "value"})
            cells.to_parquet(path, index=False)
            meta = {"synthetic": flag, "number_format": "plain"}
            side = path.with_name(path.name + ".meta.yml")
            side.write_text(yaml.safe_dump(meta), encoding="utf-8")
        (folder / ".complete").write_text(digest, encoding="utf-8")
    # The rows are the client's checked ones: store them under this folder's own key.
    store.cached(files_signature(folder), None, lambda *_: frame)
    return folder
