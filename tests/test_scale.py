"""Scale (issue #17): the synthetic scale set, the Parquet store, vectorised checks, the index
split per province and Dask workers that get their data slice instead of a shared folder."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dvcq_lib import communes, observations, register, store
from dvcq_lib.paths import ROOT

SCRIPT = ROOT / "scripts" / "generate_demo_data.py"


def _generator():
    spec = importlib.util.spec_from_file_location("generate_demo_data", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def district_set(tmp_path_factory) -> Path:
    """The scale set of one legacy district (Yên Thế), every catalogue indicator."""
    gen = _generator()
    out = tmp_path_factory.mktemp("scale") / "data"
    gen.write_scale(gen.generate_scale("district", "Yên Thế", "all"), out, "test")
    return out


def _fresh(monkeypatch) -> None:
    """Forget what this process has read: the next load reads the store or the files."""
    monkeypatch.setattr(observations, "_CHECKED", {})


# ---------------------------------------------------------------------------------------------
# the scale set
# ---------------------------------------------------------------------------------------------
def test_scale_set_holds_every_unit_period_and_indicator_labelled_synthetic(district_set):
    from dvcq_lib.catalogue import catalogue
    from dvcq_lib.periods import period_range

    df = observations.read_observations(district_set)
    legacy = communes.units(register.LEGACY, district="Yên Thế").index
    new = communes.units(register.NEW, district="Yên Thế").index
    old_periods = {p.code for p in period_range("2019-H1", "2025-H1")}
    new_periods = {p.code for p in period_range("2025-H2", "2026-H1")}
    system = df["period"].astype(str).map(register.system_for)
    old, later = df[system == register.LEGACY], df[system == register.NEW]
    assert set(old["commune_code"].astype(str)) == set(legacy)
    assert set(later["commune_code"].astype(str)) == set(new)
    assert set(old["period"].astype(str)) == old_periods
    assert set(later["period"].astype(str)) == new_periods
    assert set(df["indicator"].astype(str)) == set(catalogue().codes)
    assert df["synthetic"].all() and observations.is_synthetic(df).all()
    for side in (district_set / "observations").rglob("*.meta.yml"):
        assert "synthetic: true" in side.read_text(encoding="utf-8")


def test_scale_set_is_consistent_with_the_rules(district_set):
    """Made-up but coherent: no balance, part or ratio rule fails as an error."""
    from dvcq_lib.checks.rules import check_rules

    found = check_rules(observations.read_observations(district_set))
    assert found[found["severity"] == "error"].empty, found[["check", "message_vi"]].head()


def test_scale_set_is_never_written_into_data():
    gen = _generator()
    with pytest.raises(SystemExit, match="never written into data"):
        gen.write_scale({}, ROOT / "data" / "scale", "test")


# ---------------------------------------------------------------------------------------------
# the store
# ---------------------------------------------------------------------------------------------
def _copy(src: Path, dst: Path) -> Path:
    import shutil

    shutil.copytree(src / "observations", dst / "observations")
    return dst


def test_store_serves_an_unchanged_folder_without_reading_the_files(
    district_set, tmp_path, monkeypatch
):
    data = _copy(district_set, tmp_path / "data")
    _fresh(monkeypatch)
    first = observations.read_observations(data)
    stored = list((data / store.STORE_SUBDIR).glob("observations-*.parquet"))
    assert len(stored) == 1
    _fresh(monkeypatch)

    def refuse(*_):
        raise AssertionError("read and checked again although nothing changed")

    monkeypatch.setattr(observations, "_read_and_check", refuse)
    again = observations.read_observations(data)
    pd.testing.assert_frame_equal(first, again)
    assert again["period"].cat.ordered and list(again["period"].cat.categories) == sorted(
        again["period"].cat.categories
    )


def test_store_is_rebuilt_when_a_file_changes(district_set, tmp_path, monkeypatch):
    data = _copy(district_set, tmp_path / "data")
    _fresh(monkeypatch)
    before = observations.read_observations(data)
    path = next((data / "observations" / "legacy").glob("*.csv"))
    raw = pd.read_csv(path, dtype=str, keep_default_na=False)
    raw.loc[0, "value"] = "12345"
    raw.to_csv(path, index=False)
    _fresh(monkeypatch)
    after = observations.read_observations(data)
    changed = after[
        (after["commune_code"] == raw.loc[0, "commune_code"])
        & (after["period"] == raw.loc[0, "period"])
        & (after["indicator"] == raw.loc[0, "indicator"])
    ]["value"]
    assert changed.iloc[0] == 12345 and len(after) == len(before)
    assert len(list((data / store.STORE_SUBDIR).glob("observations-*.parquet"))) == 1


def test_store_never_holds_a_table_with_problems(tmp_path, monkeypatch):
    from dvcq_lib.exceptions import DataValidationError

    obs = tmp_path / "data" / "observations"
    obs.mkdir(parents=True)
    (obs / "bad.csv").write_text(
        "commune_code,period,indicator,value,unit\n07273,2024-H1,rice_area,abc,ha\n",
        encoding="utf-8",
    )
    for _ in range(2):
        _fresh(monkeypatch)
        with pytest.raises(DataValidationError):
            observations.read_observations(tmp_path / "data")
    assert not list((tmp_path / "data" / store.STORE_SUBDIR).glob("*.parquet"))


def test_store_off_by_environment(district_set, tmp_path, monkeypatch):
    data = _copy(district_set, tmp_path / "data")
    monkeypatch.setenv(store.ENV, "0")
    _fresh(monkeypatch)
    observations.read_observations(data)
    assert not (data / store.STORE_SUBDIR).exists()


def test_store_off_for_a_block_then_on_again(district_set, tmp_path, monkeypatch):
    """A merge checks files it has not committed inside `store.off()`: no copy of them."""
    data = _copy(district_set, tmp_path / "data")
    _fresh(monkeypatch)
    with store.off():
        observations.read_observations(data)
    assert not (data / store.STORE_SUBDIR).exists()
    _fresh(monkeypatch)
    observations.read_observations(data)
    assert len(list((data / store.STORE_SUBDIR).glob("observations-*.parquet"))) == 1


# ---------------------------------------------------------------------------------------------
# vectorised checks: the same answers as the definitions
# ---------------------------------------------------------------------------------------------
def test_leave_one_out_medians_match_the_definition():
    from dvcq_lib.checks.outliers import _leave_one_out_medians

    rng = np.random.default_rng(17)
    groups = rng.integers(0, 40, 600)
    values = pd.Series(rng.integers(0, 6, 600).astype(float))  # ties on purpose
    got = _leave_one_out_medians(values, groups)
    for g in np.unique(groups):
        a = values[groups == g].to_numpy()
        want = [np.median(np.delete(a, i)) if len(a) > 1 else np.nan for i in range(len(a))]
        np.testing.assert_allclose(got[groups == g].to_numpy(), want)


def test_group_mad_matches_the_definition():
    from dvcq_lib.checks.outliers import _group_mad, _mad

    rng = np.random.default_rng(3)
    frame = pd.DataFrame({"g": rng.integers(0, 12, 300), "x": rng.normal(size=300)})
    center = frame.groupby("g")["x"].transform("median")
    got = _group_mad(frame["x"], center, [frame["g"]])
    want = frame.groupby("g")["x"].transform(_mad)
    np.testing.assert_allclose(got, want)


# ---------------------------------------------------------------------------------------------
# the index: a national page of provinces, a page per province
# ---------------------------------------------------------------------------------------------
def _state(code: str, key: str, period: str, status: str = "done") -> dict:
    return {
        "period": period,
        "commune_code": code,
        "commune_key": key,
        "notebook": "overview",
        "status": status,
        "seconds": 1.0,
        "page": f"{period}/{code}/overview.html",
        "error": "",
        "failed_notebook": "",
        "rendered_at": "",
        "synthetic": True,
    }


def test_index_is_split_per_province_with_a_national_page(tmp_path, monkeypatch):
    import json

    from dvcq_lib.render import index
    from dvcq_lib.render.plan import STATE_DIR

    # Đông Sơn (Bắc Giang) and a commune of Hà Nội, both legacy
    hanoi = communes.units(register.LEGACY, province="Hà Nội").index[0]
    states = [
        _state("07273", "legacy:07273", "2024-H1"),
        _state(hanoi, f"legacy:{hanoi}", "2024-H1", status="failed"),
    ]
    for s in states:
        f = tmp_path / STATE_DIR / s["commune_code"] / "overview.json"
        f.parent.mkdir(parents=True, exist_ok=True)
        f.write_text(json.dumps(s), encoding="utf-8")
    monkeypatch.setattr(index, "_flags", lambda _: {("07273", "2024-H1"): "1 lỗi"})
    national = index.write_index(tmp_path).read_text(encoding="utf-8")
    bac_giang = index.province_page_name("Tỉnh Bắc Giang")
    ha_noi = index.province_page_name(register.get(hanoi, register.LEGACY).province)
    assert f'href="{bac_giang}"' in national and f'href="{ha_noi}"' in national
    assert "Đông Sơn" not in national  # communes are on their province's page
    page = (tmp_path / bac_giang).read_text(encoding="utf-8")
    assert "Đông Sơn" in page and 'href="index.html"' in page and "1 lỗi" in page
    assert register.get(hanoi, register.LEGACY).name not in page


def test_index_of_one_province_stays_one_page(tmp_path, monkeypatch):
    import json

    from dvcq_lib.render import index
    from dvcq_lib.render.plan import STATE_DIR

    s = _state("07273", "legacy:07273", "2024-H1")
    f = tmp_path / STATE_DIR / "07273" / "overview.json"
    f.parent.mkdir(parents=True)
    f.write_text(json.dumps(s), encoding="utf-8")
    monkeypatch.setattr(index, "_flags", lambda _: {})
    page = index.write_index(tmp_path).read_text(encoding="utf-8")
    assert "Đông Sơn" in page and not list(tmp_path.glob("index-*.html"))


# ---------------------------------------------------------------------------------------------
# Dask: workers that cannot see data/
# ---------------------------------------------------------------------------------------------
def _worker_view(job) -> dict:
    """Run on a Dask worker: what it sees, and what it reads from the folder it was given."""
    from dvcq_lib.checks import checks_for_folder
    from dvcq_lib.observations import load

    data = job.plan.data_dir
    rows = load(commune=job.plan.commune.code, period=job.plan.period, data_dir=data)
    found = checks_for_folder(data)
    mine = found[found["commune_code"].astype(str) == job.plan.commune.code]
    return {
        "cwd": os.getcwd(),
        "sees_data": Path("data").exists(),
        "data_dir": str(data),
        "values": rows.sort_values(["indicator"])["value"].tolist(),
        "findings": sorted(mine["check"].astype(str)),
    }


def test_dask_workers_render_from_their_slice_without_the_data_folder(
    district_set, tmp_path, monkeypatch
):
    pytest.importorskip("distributed")
    from distributed import LocalCluster

    from dvcq_lib.checks import checks_for_folder
    from dvcq_lib.observations import load
    from dvcq_lib.render.executors import DaskExecutor
    from dvcq_lib.render.plan import ReportPlan
    from dvcq_lib.render.run import Job

    client_dir, worker_dir = tmp_path / "client", tmp_path / "worker"
    _copy(district_set, client_dir / "data")
    worker_dir.mkdir()
    monkeypatch.chdir(worker_dir)  # the workers start here: no data/ beside them
    with LocalCluster(
        n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
    ) as cluster:
        monkeypatch.chdir(client_dir)
        jobs = [
            Job(
                ReportPlan(
                    register.get(code, period=period),
                    period,
                    {},
                    client_dir / "outputs",
                    Path("data"),
                ),
                (),
                {},
                None,
            )
            for code, period in (("07273", "2024-H1"), ("07294", "2026-H1"))
        ]
        results = {
            job.plan.commune.code: res
            for job, res, exc in DaskExecutor(cluster.scheduler_address).run(_worker_view, jobs)
            if exc is None or pytest.fail(f"{exc!r}")
        }
    found = checks_for_folder("data")
    for job in jobs:
        code, res = job.plan.commune.code, results[job.plan.commune.code]
        assert Path(res["cwd"]) == worker_dir and not res["sees_data"]
        assert res["data_dir"] != "data"
        mine = load(commune=code, period=job.plan.period, data_dir="data")
        assert res["values"] == mine.sort_values(["indicator"])["value"].tolist()
        assert res["findings"] == sorted(
            found[found["commune_code"].astype(str) == code]["check"].astype(str)
        )
