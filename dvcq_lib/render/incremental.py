"""Incremental rendering: a page is skipped when its inputs are unchanged since its last
successful render. The inputs of a page are hashed:

- the notebook file;
- the library (its version and the digest of its source and catalogue files — a changed chart
  function changes every page that may use it);
- the parameters injected;
- its slice of the data: the commune's rows for every period up to the report's (the trends),
  and — for notebooks that compare a commune with its peers — the peers' rows too. Peers are
  those of `communes.peer_group` (the same legacy district, or the same province for 2025
  units); a 2025 unit also depends on the units it was formed from (`communes.formed_from`:
  the lineage of the reform and of the crosswalk);
- the data-quality findings of the commune and period that every page shows (they may depend
  on peers — an outlier among the district — without the page showing the peers' data).

Which slice a notebook reads may be declared in its metadata (`"dvcq": {"inputs": {"domains":
[...], "peers": true, "findings": true}}`), key by key over the defaults: the contract's five
notebooks have defaults below; any other notebook is assumed to read everything of its peers and
to show findings (safe: it is re-rendered rather than left stale).

Each row's hash is computed once per batch; a slice's digest adds the row hashes of its groups.
A commune's peers, the legacy communes behind a 2025 unit and the digest of a slice are computed
once per peer group (every commune of a group, every notebook of the same scope share them), so
the planning of the country's 16,605 pages of a half-year is a matter of seconds.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd

import dvcq_lib
from dvcq_lib import communes
from dvcq_lib.observations import TABLE_COLUMNS, commune_keys, domain_of
from dvcq_lib.page import meta
from dvcq_lib.paths import CATALOGUE_DIR, ROOT
from dvcq_lib.periods import Period
from dvcq_lib.render.plan import ReportPlan


@dataclass(frozen=True)
class Scope:
    """The data a notebook reads: domains (None = all), whether it shows peers, and whether it
    shows the data-quality findings of its commune and period."""

    domains: tuple[str, ...] | None = None
    peers: bool = True
    findings: bool = True


def default_scopes() -> dict[str, Scope]:
    """The contract's notebooks, from their metadata (`data/catalogue/notebooks.csv`)."""
    return {n: Scope(m.reads, peers=m.peers) for n, m in meta.notebooks().items()}


CONSERVATIVE = Scope(None, peers=True)
_HASHED_COLUMNS = list(TABLE_COLUMNS)  # every column of an observation, its synthetic mark too


def notebook_scope(name: str, path: Path) -> Scope:
    """The default of the notebook's name (else everything), overridden key by key by what its
    metadata declares."""
    base = default_scopes().get(name, CONSERVATIVE)
    declared = nbformat.read(path, as_version=4).metadata.get("dvcq", {}).get("inputs") or {}
    domains = declared.get("domains", base.domains)
    return Scope(
        tuple(domains) if domains else None,
        bool(declared.get("peers", base.peers)),
        bool(declared.get("findings", base.findings)),
    )


def _file_digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@cache
def library_digest() -> str:
    """The library's version plus a digest of its code and catalogue files."""
    h = hashlib.sha256(dvcq_lib.__version__.encode())
    package = Path(dvcq_lib.__file__).parent
    files = sorted(package.rglob("*.py")) + sorted(Path(CATALOGUE_DIR).glob("*"))
    for f in files:
        if f.is_file():
            h.update(str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f.name).encode())
            h.update(f.read_bytes())
    return h.hexdigest()


def _domains(df: pd.DataFrame) -> pd.Series:
    """`domain_of` each row, looked up once per indicator."""
    if isinstance(df["indicator"].dtype, pd.CategoricalDtype):
        codes = df["indicator"].cat.categories.astype(str)
        one = domain_of(pd.DataFrame({"indicator": codes}))
        return (
            df["indicator"]
            .cat.rename_categories(range(len(codes)))
            .map(dict(enumerate(one)), na_action="ignore")
        )
    return domain_of(df)


def _text_category(column: pd.Series) -> pd.Categorical:
    """A column as an unordered categorical of its texts, categories sorted as texts (what
    `pd.Categorical(column.astype(str))` gives), without a text per row when it is one already."""
    if not isinstance(column.dtype, pd.CategoricalDtype) or column.isna().any():
        return pd.Categorical(column.astype(str))
    out = column.cat.remove_unused_categories().cat.as_unordered()
    texts = [str(c) for c in out.cat.categories]
    out = out.cat.rename_categories(texts)
    return out.cat.reorder_categories(sorted(texts)).array


def _peer_group(key: str) -> str:
    """The peer group of a page's commune: `communes.peer_group` (legacy district, or the
    province of a 2025 commune), the same groups the page and the checks compare within."""
    return communes.peer_group(key) or key


def findings_digests(findings: pd.DataFrame | None) -> dict[tuple[str, str], str]:
    """The sha256 of each (commune_code, period)'s findings: one line per finding (its cells as
    text joined by "|", `synthetic` left out), the lines sorted, joined by newlines. The text is
    built column by column and the groups cut from one sort (no Python per row or per group
    beyond one join and one hash)."""
    if findings is None or not len(findings):
        return {}
    cols = [c for c in findings.columns if c != "synthetic"]
    text = findings[cols[0]].astype(object).map(str).to_numpy(dtype=object)
    for c in cols[1:]:
        text = text + "|" + findings[c].astype(object).map(str).to_numpy(dtype=object)
    frame = pd.DataFrame(
        {
            "c": findings["commune_code"].astype(str).to_numpy(dtype=object),
            "p": findings["period"].astype(str).to_numpy(dtype=object),
            "t": text,
        }
    ).sort_values(["c", "p", "t"], kind="stable")
    c, p, t = (frame[k].to_numpy(dtype=object) for k in ("c", "p", "t"))
    starts = [0, *(np.flatnonzero((c[1:] != c[:-1]) | (p[1:] != p[:-1])) + 1).tolist()]
    ends = [*starts[1:], len(c)]
    return {
        (c[a], p[a]): hashlib.sha256("\n".join(t[a:b]).encode()).hexdigest()
        for a, b in zip(starts, ends, strict=True)
    }


class InputIndex:
    """Digests of data slices for every page of a batch, from one pass over the data."""

    def __init__(
        self,
        df: pd.DataFrame,
        findings: pd.DataFrame | Callable[[], pd.DataFrame] | None = None,
    ) -> None:
        # findings (or how to get them) are digested only if a page shows them
        self._findings_source = findings
        self._findings: dict[tuple[str, str], str] | None = None
        keys = commune_keys(df)
        hashed = [c for c in _HASHED_COLUMNS if c in df]
        # Each cell hashed by its value (a categorical's categories are hashed once, then taken
        # by code), never turned into text row by row: the country's 6 million rows in seconds.
        rows = pd.util.hash_pandas_object(df[hashed], index=False, categorize=True)
        frame = pd.DataFrame(
            {
                "key": pd.Categorical(keys.to_numpy()),
                "period": _text_category(df["period"]),
                "domain": pd.Categorical(_domains(df)),
                "h": rows.to_numpy(),
            }
        )
        sums = (
            frame.groupby(["key", "period", "domain"], sort=True, observed=True)["h"]
            .sum()
            .reset_index()
        )
        # a period's sort key (a tuple of ints) compares in C: 1.4 million comparisons a country
        order = {p: Period.parse(p).sort_key for p in frame["period"].unique()}
        self._groups: dict[str, list[tuple[str, str, int, tuple[int, int, int]]]] = {}
        for key, period, domain, h in zip(
            sums["key"].astype(str).tolist(),
            sums["period"].astype(str).tolist(),
            sums["domain"].astype(str).tolist(),
            sums["h"].tolist(),
            strict=True,
        ):
            self._groups.setdefault(key, []).append((period, domain, int(h), order[period]))
        self._group_of: dict[str, str] = {}  # commune key → peer group, looked up once
        self._peers: dict[str, list[str]] = {}
        groups = communes.peer_groups(self._groups)
        for key in self._groups:
            self._group_of[key] = groups[key] or key
            self._peers.setdefault(self._group_of[key], []).append(key)
        self._notebooks: dict[Path, tuple[str, Scope]] = {}
        self._constituents: dict[str, set[str]] = {}
        self._slices: dict[tuple, tuple[str, ...]] = {}
        self._digests: dict[tuple, str] = {}
        self._own: dict[tuple, str] = {}

    def _group(self, key: str) -> str:
        if key not in self._group_of:
            self._group_of[key] = _peer_group(key)
        return self._group_of[key]

    def _formed_from(self, key: str) -> set[str]:
        if key not in self._constituents:
            self._constituents[key] = {str(c) for c in communes.formed_from(key)}
        return self._constituents[key]

    def slice_keys(self, key: object, peers: bool) -> list[str]:
        """The commune keys whose rows make up a page's data: its own, its peers' (when the
        notebook shows them) and those of the units each was formed from (lineage); the same
        for a whole peer group, so computed once per group."""
        key = str(key)
        slot = (self._group(key), True) if peers else (key, False)
        if slot not in self._slices:
            own = sorted(self._peers.get(slot[0], [key])) if peers else [key]
            out = set(own)
            for k in own:  # a unit shows the history of the units that formed it (lineage)
                out |= self._formed_from(k) & self._groups.keys()
            self._slices[slot] = tuple(sorted(out))
        return list(self._slices[slot])

    def _commune_digest(self, key: str, upto: Period, domains: tuple[str, ...] | None) -> str:
        """One commune's rows up to `upto` in `domains` (memoised: shared by its peers' pages)."""
        slot = (key, upto, domains)
        if slot not in self._own:
            h, last = hashlib.sha256(), upto.sort_key
            for p, domain, value, when in self._groups.get(key, []):
                if (domains is None or domain in domains) and when <= last:
                    h.update(f"{key}|{p}|{domain}|{value};".encode())
            self._own[slot] = h.hexdigest()
        return self._own[slot]

    def data_digest(self, key: str, period: str, scope: Scope) -> str:
        key = str(key)
        upto = Period.parse(period)
        slot = (self._group(key) if scope.peers else key, scope.peers, upto, scope.domains)
        if slot not in self._digests:
            h = hashlib.sha256()
            for k in self.slice_keys(key, scope.peers):
                h.update(self._commune_digest(k, upto, scope.domains).encode())
            self._digests[slot] = h.hexdigest()
        return self._digests[slot]

    def _notebook(self, name: str, path: Path) -> tuple[str, Scope]:
        if path not in self._notebooks:
            self._notebooks[path] = (_file_digest(path), notebook_scope(name, path))
        return self._notebooks[path]

    def findings_digest(self, code: str, period: str) -> str:
        """A digest of the findings of one commune and period ("" when there are none)."""
        if self._findings is None:
            source = self._findings_source
            findings = source() if callable(source) else source
            self._findings = findings_digests(findings)
        return self._findings.get((code, period), "")

    def page_digest(self, plan: ReportPlan, name: str) -> str:
        """The hash of every input of one page."""
        nb_digest, scope = self._notebook(name, plan.notebooks[name])
        h = hashlib.sha256()
        for part in (
            library_digest(),
            nb_digest,
            json.dumps(plan.parameters, sort_keys=True, ensure_ascii=False),
            self.data_digest(plan.commune.key, plan.period, scope),
            self.findings_digest(plan.commune.code, plan.period) if scope.findings else "",
        ):
            h.update(part.encode())
            h.update(b"\0")
        return h.hexdigest()


def previous_state(plan: ReportPlan, name: str) -> dict | None:
    path = plan.state_file(name)
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(plan: ReportPlan, name: str, digest: str) -> bool:
    """The page exists and was rendered successfully from exactly these inputs."""
    state = previous_state(plan, name)
    return bool(
        state
        and state.get("status") == "done"
        and state.get("inputs") == digest
        and plan.page(name).exists()
    )
