"""One geography (`dvcq_lib.communes`): one resolver, one definition of peers, lineage as the
only source of who formed whom. Every figure written here is synthetic (source
"synthetic-test"), made up for the test."""

from __future__ import annotations

import pandas as pd
import pytest

from dvcq_lib import communes, lineage
from dvcq_lib.checks import completeness, outliers
from dvcq_lib.exceptions import AmbiguousCommuneError, CommuneNotFoundError
from dvcq_lib.observations import commune_keys, read_observations
from dvcq_lib.page.context import context, peer_keys, peer_rows
from dvcq_lib.remap import remap
from dvcq_lib.render.incremental import InputIndex, Scope
from tests._engine_support import change_value, small_data
from tests.conftest import HEADER

SOURCE = "synthetic-test"


def _rows(rows: list[tuple[str, str, str, float, str]]) -> str:
    return HEADER + "".join(f"{c},{p},{i},{v:g},{u},{SOURCE},\n" for c, p, i, v, u in rows)


def _write(folder, name: str, rows) -> None:
    path = folder / "observations" / "test" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_rows(rows), encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# the resolver
# ---------------------------------------------------------------------------------------------
def test_resolve_by_name_code_and_district():
    assert communes.resolve("Xã Đông Sơn", district="Huyện Yên Thế").code == "07273"
    assert communes.resolve(7273).key == communes.CommuneKey("legacy", "07273")
    assert communes.resolve(7273.0).name == communes.resolve("07273").name == "Xã Đông Sơn"


def test_an_ambiguous_name_lists_its_candidates():
    with pytest.raises(AmbiguousCommuneError) as err:
        communes.resolve("Đông Sơn")
    assert any("Yên Thế" in c and "07273" in c and "Bắc Giang" in c for c in err.value.candidates)
    assert len(err.value.candidates) > 3


def test_a_misspelt_name_suggests_close_names():
    with pytest.raises(CommuneNotFoundError) as err:
        communes.resolve("Dong Sonn", district="Yên Thế")
    assert "Đông Sơn" in err.value.suggestions and "Đồng Sơn" in err.value.suggestions


def test_the_period_chooses_the_register():
    with pytest.raises(AmbiguousCommuneError):
        communes.resolve("07294")  # the legacy town and the 2025 commune
    assert communes.resolve("07294", period="2024-H1").unit_type == "Thị trấn"
    assert communes.resolve("Bố Hạ", period="2026-H1").key == "2025:07294"
    with pytest.raises(CommuneNotFoundError, match="từ 01/7/2025"):
        communes.resolve("Đông Sơn", district="Yên Thế", period="2026-H1")  # merged in 2025


def test_a_name_unique_in_the_data_is_resolved_and_absent_data_is_said(write_data):
    data = write_data({"a.csv": _rows([("07273", "2024-H1", "rice_area", 219, "ha")])})
    df = read_observations(data)
    assert communes.resolve("Đông Sơn", data=df).code == "07273"
    with pytest.raises(CommuneNotFoundError, match="chưa có số liệu"):
        communes.resolve("Hương Vĩ", data=df)


# ---------------------------------------------------------------------------------------------
# one definition of peers
# ---------------------------------------------------------------------------------------------
@pytest.fixture
def peer_data(tmp_path):
    """Synthetic figures of legacy and 2025 communes in and out of the peer groups of Đông Sơn
    (district Yên Thế) and of Bố Hạ (2025, province Bắc Ninh)."""
    legacy = ["07273", "07279", "07201", "00001"]  # Yên Thế ×2, TP Bắc Giang, Hà Nội
    new = ["07294", "07246", "07210", "01840"]  # former Yên Thế ×2, Bắc Ninh elsewhere, Thái Nguyên
    rows = []
    for i, code in enumerate(legacy):
        for period in ("2023-H1", "2024-H1"):
            rows += [(code, period, "population", 5000 + 100 * i, "người")]
            rows += [(code, period, "pig_head", 1500 + 10 * i, "con")]
    for i, code in enumerate(new):
        rows += [(code, "2025-H2", "population", 9000 + 100 * i, "người")]
        rows += [(code, "2025-H2", "pig_head", 2500 + 10 * i, "con")]
    _write(tmp_path, "peers.csv", rows)
    return tmp_path


def _check_peers(df: pd.DataFrame, key: str, period: str) -> tuple[set[str], set[str]]:
    rows = df[df["period"].astype(str) == period]
    keys = commune_keys(rows)
    group = outliers._peer_group(rows["commune_code"].astype(str), rows["period"].astype(str))
    mine = group.loc[(keys == key).to_numpy(), "group"].iloc[0]
    by_outliers = set(keys[(group["group"] == mine).to_numpy()])
    system, code = key.split(":")
    own = completeness.groups_of(code, system)
    by_completeness = {
        k for k in keys if completeness.groups_of(k.split(":")[1], k.split(":")[0]) == own
    }
    return by_outliers, by_completeness


@pytest.mark.parametrize(
    ("query", "period", "expected"),
    [
        ("07273", "2024-H1", {"legacy:07273", "legacy:07279"}),
        ("07294", "2025-H2", {"2025:07294", "2025:07246", "2025:07210"}),
    ],
)
def test_page_digest_and_checks_give_the_same_peers(peer_data, query, period, expected):
    df = read_observations(peer_data)
    ctx = context(query, period, data_dir=peer_data, findings=df.iloc[0:0])
    key = str(ctx.commune.key)
    in_period = set(commune_keys(df[df["period"].astype(str) == period]))
    by_page = {str(k) for k in peer_keys(ctx)} & in_period
    system = key.split(":")[0]
    by_digest = {k for k in InputIndex(df).slice_keys(key, peers=True) if k.startswith(system)}
    by_outliers, by_completeness = _check_peers(df, key, period)
    assert by_page == by_digest == by_outliers == by_completeness == expected
    assert set(commune_keys(peer_rows(ctx))) == expected  # the rows a page ranks


def test_a_2025_commune_is_compared_with_its_province_not_its_former_district():
    assert communes.default_scope("2025") == "province"
    mine = {k.code for k in communes.peers("2025:07294")}
    assert {"07246", "07210"} <= mine and "01840" not in mine
    former = {k.code for k in communes.peers("2025:07294", "former_district")}
    assert "07246" in former and "07210" not in former
    with pytest.raises(ValueError, match="không thuộc huyện"):
        communes.peers("2025:07294", "district")


# ---------------------------------------------------------------------------------------------
# lineage: one crosswalk row changes pages, digests and remap together
# ---------------------------------------------------------------------------------------------
RENAME = (
    "07294,99001,2026-01-01,rename,1,,Nghị quyết thử nghiệm (synthetic),Xã Bố Hạ Mới,"
    "synthetic test row\n"
)


@pytest.fixture
def catalogue_dir(tmp_path, monkeypatch):
    """A temporary catalogue folder whose crosswalk.csv the suite reads."""
    folder = tmp_path / "catalogue"
    folder.mkdir()
    path = folder / "crosswalk.csv"
    path.write_text(",".join(lineage.CROSSWALK_COLUMNS) + "\n", encoding="utf-8")
    monkeypatch.setattr(lineage, "CROSSWALK_FILE", path)
    return path


def test_a_crosswalk_row_changes_pages_digests_and_remap_together(tmp_path, catalogue_dir):
    data = small_data(tmp_path / "data", communes=("07273", "07279", "07294"))
    _write(data, "bo-ha_2025-H2.csv", [("07294", "2025-H2", "rice_area", 410.0, "ha")])
    df = read_observations(data)
    after_reform = df[df["period"].astype(str) == "2025-H2"]

    # before: Bố Hạ keeps its code after 2026; 99001 is nobody
    assert set(remap(after_reform, to="2026-H1")["commune_code"].astype(str)) == {"07294"}
    assert InputIndex(df).slice_keys("2025:99001", peers=False) == ["2025:99001"]
    assert context("Bố Hạ", "2025-H2", data_dir=data).commune.name == "Xã Bố Hạ"
    with pytest.raises(CommuneNotFoundError):
        communes.resolve("99001", period="2026-H1")

    # the row: Xã Bố Hạ becomes Xã Bố Hạ Mới (99001) on 1 January 2026
    with catalogue_dir.open("a", encoding="utf-8") as f:
        f.write(RENAME)
    _write(data, "bo-ha-moi_2026-H1.csv", [("99001", "2026-H1", "rice_area", 420.0, "ha")])
    df = read_observations(data)

    moved = remap(after_reform, to="2026-H1")
    assert set(moved["commune_code"].astype(str)) == {"99001"}
    assert set(moved["status"]) == {"remapped"}

    index = InputIndex(df)
    assert {"2025:99001", "2025:07294", "legacy:07273", "legacy:07279"} <= set(
        index.slice_keys("2025:99001", peers=False)
    )
    own = Scope(domains=None, peers=False, findings=False)
    digest = index.data_digest("2025:99001", "2026-H1", own)
    change_value(data, "07279", "2024-H1", "rice_area")  # a constituent's figure corrected
    assert InputIndex(read_observations(data)).data_digest("2025:99001", "2026-H1", own) != digest

    assert "99001" in communes.units("2025", province="Bắc Ninh").index  # selections too
    assert "99001" in communes.units("2025", district="Yên Thế").index
    assert communes.resolve("Bố Hạ Mới", district="Yên Thế").code == "99001"
    ctx = context("Bố Hạ Mới", "2026-H1", data_dir=data)
    assert (ctx.commune.code, ctx.commune.province) == ("99001", "Tỉnh Bắc Ninh")
    assert communes.peer_group(ctx.commune.key) == communes.peer_group("2025:07294")
    assert {"2024-H1", "2025-H2", "2026-H1"} <= set(ctx.wide.index)  # one series through both
    assert ctx.wide.loc["2025-H2", "rice_area"] == 410.0
    assert "Bố Hạ" in ctx.lineage_vi and "99001" in ctx.lineage_vi
    assert [k.code for k in communes.formed_from(ctx.commune.key)][-1] == "07294"


def test_group_member_codes_are_the_codes_of_group_members():
    from dvcq_lib import communes

    for group, period in (
        ("legacy-district:215", "2024-H1"),
        ("legacy-province:24", "2024-H1"),
        ("2025-province:24", "2026-H1"),
        ("2025-province:01", None),
        ("legacy-district:nowhere", "2024-H1"),
    ):
        want = {k.code for k in communes.group_members(group, period=period)}
        assert communes.group_member_codes(group, period=period) == want, group
    assert communes.group_member_codes("legacy-district:215")  # not an empty comparison


def test_keys_of_a_big_categorical_frame_are_those_of_its_rows(monkeypatch):
    import pandas as pd

    from dvcq_lib import communes

    rows = pd.DataFrame(
        {
            "commune_code": pd.Categorical(["07273", "07294", "07294", None, "07273"] * 3),
            "period": pd.Categorical(["2024-H1", "2024-H1", "2026-H1", "2024-H1", "2026-H1"] * 3),
        }
    )
    monkeypatch.setattr(communes, "KEYS_BY_PAIR", 1)  # the pair path, on a small frame
    by_pair = communes.keys(rows)
    monkeypatch.setattr(communes, "KEYS_BY_PAIR", 10**9)
    pd.testing.assert_series_equal(by_pair, communes.keys(rows))
    assert by_pair.iloc[2] == "2025:07294" and pd.isna(by_pair.iloc[3])  # as astype(str) + ":"
