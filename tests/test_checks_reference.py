"""What the checks must find — and must not flag — in the real reference report (Đông Sơn,
2024-H1), and every fault planted in the SYNTHETIC demo data (read from data/demo_faults.csv)."""

from __future__ import annotations

import pandas as pd
import pytest

from dvcq_lib.checks import findings_for, run_checks
from dvcq_lib.observations import is_synthetic, load
from dvcq_lib.paths import DATA_DIR


@pytest.fixture(scope="module")
def bundled() -> pd.DataFrame:
    return load()


@pytest.fixture(scope="module")
def all_findings(bundled) -> pd.DataFrame:
    return run_checks(bundled)


@pytest.fixture(scope="module")
def reference_findings() -> pd.DataFrame:
    df = load(commune="07273", period="2024-H1")
    real = df[~is_synthetic(df)]
    assert len(real) == 36
    return run_checks(real)


def test_reference_dossiers_do_not_add_up(reference_findings):
    f = reference_findings[reference_findings["check"] == "dossiers_online_total_parts"]
    assert len(f) == 1
    row = f.iloc[0]
    assert (row["severity"], row["left"], row["right"]) == ("error", 1028, 1027)
    assert "1.021 + 6 = 1.027" in row["message_vi"] and "1.028" in row["message_vi"]


def test_reference_grain_output_against_area_times_yield(reference_findings):
    f = reference_findings[reference_findings["check"] == "grain_output_area_yield"]
    assert len(f) == 1
    assert f["left"].iloc[0] == 1320.7
    assert f["right"].iloc[0] == pytest.approx(219.5 * 5.8 + 19.4 * 4.6)
    assert "1.320,7 tấn" in f["message_vi"].iloc[0]
    assert "= 1.362,3 tấn (lệch 3,1 %)" in f["message_vi"].iloc[0]


def test_reference_unit_slip_recorded_at_ingest(reference_findings):
    f = reference_findings[reference_findings["kind"] == "unit"]
    assert list(f["indicator"]) == ["grain_output"]
    assert "“tấn/ha”" in f["message_vi"].iloc[0]


def test_reference_correct_figures_are_not_flagged(reference_findings, all_findings):
    quiet = {
        "petitions_resolution_rate",
        "fruit_area_parts",
        "ethnic_minority_share",
        "petitions_resolved_le_received",
        "ethnic_minority_le_households",
    }
    for findings in (reference_findings, findings_for(all_findings, "07273", "2024-H1")):
        assert not set(findings["check"]) & quiet
    assert set(reference_findings["check"]) == {
        "dossiers_online_total_parts",
        "grain_output_area_yield",
        "unit_dimension",
    }
    assert not reference_findings["synthetic"].any()  # real data: no synthetic label


def test_same_findings_for_the_reference_within_the_whole_data(all_findings):
    mine = findings_for(all_findings, "07273", "2024-H1")
    assert {"dossiers_online_total_parts", "grain_output_area_yield", "unit_dimension"} <= set(
        mine["check"]
    )
    assert not mine["synthetic"].any()


FAULT_KINDS = {
    "outlier_time": {"outlier_time"},
    "outlier_peer": {"outlier_peer"},
    "rule": {"rule"},
    "missing": {"missing_indicator", "unreported"},
}


def test_every_planted_fault_is_found(all_findings):
    faults = pd.read_csv(DATA_DIR / "demo_faults.csv", dtype=str)
    assert len(faults) >= 5
    missed = []
    for fault in faults.itertuples(index=False):
        here = findings_for(all_findings, fault.commune_code, fault.period)
        here = here[here["kind"].isin(FAULT_KINDS[fault.fault])]
        if fault.indicator == "*":  # the whole period is absent
            hit = here["kind"].eq("unreported").any()
        elif fault.fault == "missing":  # a whole domain is absent
            hit = here["check"].eq(f"missing_{fault.indicator}").any()
        else:
            hit = here["indicators"].str.split().map(lambda c, i=fault.indicator: i in c).any()
        if not hit:
            missed.append(fault)
    assert not missed
    assert all_findings["synthetic"].any()  # demo findings carry the synthetic label
