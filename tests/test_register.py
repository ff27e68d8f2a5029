import json
import pickle

import pandas as pd
import pytest

from dvcq_lib import communes, register
from dvcq_lib.exceptions import AmbiguousCommuneError, CommuneNotFoundError


def test_dong_son_alone_is_ambiguous_and_lists_candidates():
    with pytest.raises(AmbiguousCommuneError) as err:
        communes.resolve("Đông Sơn")
    cands = err.value.candidates
    assert len(cands) > 3
    assert any("Yên Thế" in c and "07273" in c and "Bắc Giang" in c for c in cands)
    assert any("Chương Mỹ" in c for c in cands)


def test_dong_son_in_yen_the_and_its_2025_successor():
    c = communes.resolve("Đông Sơn", district="Yên Thế")
    assert (c.code, c.system, c.slug) == ("07273", "legacy", "dong-son")
    assert communes.resolve("Xã Đông Sơn", district="Huyện Yên Thế").code == "07273"
    [succ] = [communes.get(k) for k in communes.successors(c.key)]
    assert (succ.code, succ.short_name, succ.system) == ("07294", "Bố Hạ", "2025")
    assert {communes.get(k).short_name for k in communes.constituents(succ.key)} == {
        "Đông Sơn",
        "Hương Vĩ",
        "Bố Hạ",
    }


def test_diacritics_matter():
    dong = {c.code for c in communes.find("Đông Sơn")}
    dong_accent = {c.code for c in communes.find("Đồng Sơn")}
    assert dong and dong_accent and not dong & dong_accent


def test_code_forms_and_systems():
    assert register.get(7273).code == "07273"
    assert register.get("7273.0").name == "Xã Đông Sơn"
    # 07294 is the legacy town AND the 2025 commune: the period decides
    with pytest.raises(AmbiguousCommuneError):
        register.get("07294")
    assert register.get("07294", period="2024-H1").unit_type == "Thị trấn"
    assert register.get("07294", period="2026-H1").name == "Xã Bố Hạ"
    assert communes.resolve("Bố Hạ", period="2026-H1", district="Yên Thế").system == "2025"


def test_not_found_suggests_names():
    with pytest.raises(CommuneNotFoundError) as err:
        communes.resolve("Dong Son")
    assert "Đông Sơn" in err.value.suggestions and "Đồng Sơn" in err.value.suggestions


def test_register_sizes_and_yen_the():
    assert len(register.new_units()) == 3321
    assert len(register.legacy_units()) > 10000
    assert len(communes.units(register.LEGACY, district="Yên Thế")) == 17
    assert len(communes.units(register.NEW, district="Yên Thế")) == 5


def test_slugify():
    assert register.slugify("Thị trấn Bố Hạ") == "bo-ha"
    assert register.slugify("Xã Đồng Kỳ") == "dong-ky"


def test_commune_key_is_one_type_with_the_text_form_of_files():
    c = register.get("07294", period="2026-H1")
    assert c.key == register.CommuneKey("2025", "7294") and str(c.key) == "2025:07294"
    assert c.key == "2025:07294" and c.key != "legacy:07294"
    assert register.CommuneKey.parse("legacy:07273").code == "07273"
    # the key is its text: frames of text keys, JSON and pickles need no conversion
    frame = pd.Series(["legacy:07273", "2025:07294"], dtype="string")
    assert (frame == c.key).tolist() == [False, True]
    assert json.loads(json.dumps({"k": c.key})) == {"k": "2025:07294"}
    assert pickle.loads(pickle.dumps(c.key)).code == "07294"


def test_records_are_the_rows_of_the_register_one_by_one():
    from dvcq_lib.register import LEGACY, NEW, from_row, records, table

    for system in (LEGACY, NEW):
        t = table(system)
        assert t.index.is_unique and set(records(system)) == set(t.index)
        for code in t.index[:: max(1, len(t) // 300)]:  # about 300 units of each register
            assert records(system)[code] == from_row(t.loc[code], system)


def test_legacy_to_2025_is_the_packages_tables_read_through_the_registers():
    """The conversion table as the package gives it, read through pandas indexes as before
    issue #17 (slow, one look-up per entry): the same rows."""
    import pandas as pd
    from vietnamadminunits.converter import converter_2025 as conv

    from dvcq_lib.register import legacy_to_2025, legacy_units, new_units

    new = new_units().set_index(["province_key", "ward_key"])["code"]
    old = legacy_units().set_index("key")["code"]
    rows = [
        (old[k], new[(p, w)], False, True)
        for p, wards in conv.DICT_PROVINCE_WARD_NO_DIVIDED.items()
        for w, keys in wards.items()
        for k in keys
        if k in old.index and (p, w) in new.index
    ] + [
        (old[k], new[(p, t["newWardKey"])], True, bool(t["isDefaultNewWard"]))
        for p, divided in conv.DICT_PROVINCE_WARD_DIVIDED.items()
        for k, targets in divided.items()
        for t in targets
        if k in old.index and (p, t["newWardKey"]) in new.index
    ]
    expected = pd.DataFrame(rows, columns=["legacy_code", "new_code", "split", "default"])
    expected = expected.drop_duplicates(["legacy_code", "new_code"]).reset_index(drop=True)
    got = legacy_to_2025()
    assert len(got) > 10_000
    pd.testing.assert_frame_equal(got.drop(columns="new_area_km2"), expected)
