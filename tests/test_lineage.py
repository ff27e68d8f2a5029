"""Lineage: the crosswalk file, and following units legacy → 2025 → later changes."""

from __future__ import annotations

import datetime as dt

import pytest

from dvcq_lib import lineage as L
from dvcq_lib import register
from dvcq_lib.exceptions import DataValidationError, LineageError

HEADER = ",".join(L.CROSSWALK_COLUMNS)
BO_HA_2025 = ("07273", "07279", "07294")  # Đông Sơn, Hương Vĩ, Thị trấn Bố Hạ → Xã Bố Hạ


def write(tmp_path, *rows: str, comment: str = "# test crosswalk\n"):
    path = tmp_path / "crosswalk.csv"
    path.write_text(comment + HEADER + "\n" + "".join(r + "\n" for r in rows), encoding="utf-8")
    return path


def test_bundled_crosswalk_is_valid_and_holds_no_applied_example():
    cw = L.load_crosswalk()
    assert all(c.from_code.isdigit() and len(c.from_code) == 5 for c in cw.changes)
    assert all(c.effective_date >= dt.date(2025, 7, 1) for c in cw.changes)
    # every split's weights add up to 1
    totals: dict = {}
    for c in cw.changes:
        totals[(c.from_code, c.effective_date)] = (
            totals.get((c.from_code, c.effective_date), 0) + c.weight
        )
    assert all(abs(t - 1) < 1e-6 for t in totals.values())
    # codes a 2025 period knows are the register's
    known = set(register.new_units().index) | {c.to_code for c in cw.changes}
    assert all(c.from_code in known or c.is_reform_weight for c in cw.changes)


def test_crosswalk_rows_load_into_frozen_changes(tmp_path):
    path = write(tmp_path, "07294,07294,2026-01-01,reclassify,,,NQ thử nghiệm,Phường Bố Hạ,")
    cw = L.load_crosswalk(path)
    (c,) = cw.changes
    assert (c.from_code, c.to_code, c.effective_date, c.kind, c.weight) == (
        "07294",
        "07294",
        dt.date(2026, 1, 1),
        "reclassify",
        1.0,
    )
    with pytest.raises(AttributeError):
        c.weight = 0.5  # frozen


def test_crosswalk_reports_every_problem_with_row_and_value(tmp_path):
    path = write(
        tmp_path,
        "7294,99001,2026-13-01,merge,1,,NQ 1,Phường X,",  # bad date
        "07294,99002,2026-01-01,explode,1,,NQ 2,Phường Y,",  # unknown kind
        "07282,99003,2026-01-01,split,0.5,population,NQ 3,Xã A,",  # split weights sum 0.8
        "07282,99004,2026-01-01,split,0.3,population,NQ 3,Xã B,",
        "99999,07246,2026-01-01,merge,1,,NQ 4,,",  # unknown from_code
        "07264,99005,2026-01-01,rename,1,,,,",  # no legal basis, new code without a name
        "07288,07288,2026-01-01,split,,area,NQ 5,,",  # split without weight
    )
    with pytest.raises(DataValidationError) as err:
        L.load_crosswalk(path)
    found = {(p.row, p.column) for p in err.value.problems}
    # header comment is line 1, header line 2, first row line 3
    assert {
        (3, "effective_date"),
        (4, "kind"),
        (5, "weight"),
        (7, "from_code"),
        (8, "legal_basis"),
        (8, "to_name"),
        (9, "weight"),
    } <= found
    assert "0.8" in {str(p.value) for p in err.value.problems if p.row == 5}
    assert str(path) in str(err.value)


def test_crosswalk_missing_column_is_named(tmp_path):
    path = tmp_path / "cw.csv"
    path.write_text("from_code,to_code,kind\n07294,07294,rename\n", encoding="utf-8")
    with pytest.raises(DataValidationError) as err:
        L.load_crosswalk(path)
    assert {p.column for p in err.value.problems} == {"effective_date", "legal_basis"}


def test_yen_the_merger_into_bo_ha():
    links = L.sources("07294", "2024-H1", "2025", L.Crosswalk())
    assert [link.source for link in links] == list(BO_HA_2025)
    assert all(link.whole and not link.estimated for link in links)
    (link,) = L.trace("07273", "2024-H1", "2025", L.Crosswalk())
    assert (link.target, link.weight, link.steps[0].kind) == ("07294", 1.0, "reform_2025")
    text = L.describe("07294", cw=L.Crosswalk())
    assert "Xã Đông Sơn (07273)" in text and "Thị trấn Bố Hạ (07294)" in text


def test_a_2025_unit_at_a_2025_period_is_itself():
    (link,) = L.trace("07294", "2026-H1", "2025", L.Crosswalk())
    assert (link.source, link.target, link.weight, link.steps) == ("07294", "07294", 1.0, ())


def test_package_split_uses_area_weights_marked_estimated():
    # legacy 00988 was divided between the 2025 units 00994 (159.34 km²) and 00700 (98.07 km²)
    links = {link.target: link for link in L.trace("00988", "2024-H1", "2025", L.Crosswalk())}
    assert set(links) == {"00994", "00700"}
    assert links["00700"].weight == pytest.approx(98.07 / (98.07 + 159.34))
    assert links["00994"].weight == pytest.approx(159.34 / (98.07 + 159.34))
    assert all(link.estimated and link.basis == L.AREA_BASIS for link in links.values())


def test_crosswalk_weights_override_the_area_proxy(tmp_path):
    path = write(
        tmp_path,
        "00988,00700,2025-07-01,split,0.25,population,QĐ thử,,",
        "00988,00994,2025-07-01,split,0.75,population,QĐ thử,,",
    )
    links = {link.target: link for link in L.trace("00988", "2024-H1", "2025", path)}
    assert (links["00700"].weight, links["00994"].weight) == (0.25, 0.75)
    assert links["00700"].basis == "population"


def test_reform_weight_row_must_name_a_real_successor(tmp_path):
    path = write(tmp_path, "00988,07294,2025-07-01,split,1,population,QĐ thử,,")
    with pytest.raises(DataValidationError, match="00700"):
        L.load_crosswalk(path)


def test_two_step_chain_through_the_crosswalk(tmp_path):
    path = write(tmp_path, "07294,99001,2026-01-01,reclassify,,,NQ thử nghiệm,Phường Bố Hạ,")
    (link,) = L.trace("07279", "2024-H1", "2026-H1", path)
    assert link.target == "99001" and link.weight == 1.0
    assert [(s.from_code, s.to_code) for s in link.steps] == [
        ("07279", "07294"),
        ("07294", "99001"),
    ]
    assert [s.source for s in L.sources("99001", "2024-H1", "2026-H1", path)] == list(BO_HA_2025)
    # 2025-H2 data is of the 2025 unit, one step away; before the change date nothing moves
    assert L.trace("07294", "2025-H2", "2026-H1", path)[0].target == "99001"
    assert L.trace("07294", "2025-H2", "2025-H2", path)[0].steps == ()
    assert L.lineage(path).name("99001", "2026-H1") == "Phường Bố Hạ"


def test_cannot_follow_a_unit_back_in_time(tmp_path):
    path = write(tmp_path, "07294,99001,2026-01-01,reclassify,,,NQ thử nghiệm,Phường Bố Hạ,")
    with pytest.raises(LineageError, match="ngược thời gian"):
        L.trace("99001", "2026-H1", "2025", path)


def test_unknown_legacy_code_is_an_error():
    with pytest.raises(LineageError, match="99999"):
        L.trace("99999", "2024-H1", "2025", L.Crosswalk())


def test_as_date_reads_system_period_and_date():
    assert L.as_date("2025") == dt.date(2025, 7, 1)
    assert L.as_date("2026-H1") == dt.date(2026, 6, 30)
    assert L.as_date(dt.date(2027, 1, 1)) == dt.date(2027, 1, 1)


def test_formed_from_follows_the_reform_and_later_splits(tmp_path):
    path = write(
        tmp_path,
        "07282,99003,2026-01-01,split,0.6,population,NQ thử nghiệm,Xã A,",
        "07282,99004,2026-01-01,split,0.4,population,NQ thử nghiệm,Xã B,",
    )
    lin = L.lineage(path)
    legacy = {c for s, c in lin.formed_from("07282")}
    assert legacy and all(s == register.LEGACY for s, _ in lin.formed_from("07282"))
    assert set(lin.formed_from("99003")) == {(register.LEGACY, c) for c in legacy} | {
        (register.NEW, "07282")
    }
    assert "07282" not in lin.units_at("2026-H1") and "99003" in lin.units_at("2026-H1")
    assert lin.created() == {"99003": "Xã A", "99004": "Xã B"}
    assert lin.predecessors("99004") == ("07282",)


def test_crosswalk_is_read_again_when_its_file_changes(tmp_path):
    path = write(tmp_path)
    assert L.crosswalk(path).later == ()
    path.write_text(
        HEADER + "\n07294,99001,2026-01-01,rename,1,,NQ thử nghiệm,Xã Bố Hạ Mới,\n",
        encoding="utf-8",
    )
    assert [c.to_code for c in L.crosswalk(path).later] == ["99001"]
