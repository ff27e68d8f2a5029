import dataclasses

import pandas as pd
import pytest

from dvcq_lib.catalogue import Catalogue, Indicator, catalogue, evaluate, validate
from dvcq_lib.exceptions import CatalogueError
from dvcq_lib.units import units

from .conftest import REFERENCE_CSV, SEED

REQUIRED_EXTRA = [
    "rice_output",
    "maize_output",
    "peanut_yield",
    "peanut_output",
    "dossiers_received",
    "dossiers_resolved",
    "dossiers_pending",
    "dossiers_on_time_rate",
    "dossiers_online_rate",
    "petitions_pending",
    "citizen_visits",
]


def test_catalogue_file_is_valid():
    cat = catalogue()
    assert validate(cat) == []
    assert len(set(cat.codes)) == len(cat.codes)
    assert {i.unit for i in cat} <= set(units())
    for ind in cat:
        assert all(c in cat for c in ind.components)


def test_catalogue_holds_every_reference_code_and_the_required_extras():
    source = SEED / "dong-son_2024-H1.figures.csv" if SEED.exists() else REFERENCE_CSV
    codes = set(pd.read_csv(source)["indicator"])
    assert codes | set(REQUIRED_EXTRA) <= set(catalogue().codes)


def test_indicator_is_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        catalogue()["rice_area"].unit = "m2"


def test_ratios_are_recomputed_never_averaged():
    cat = catalogue()
    for ind in cat:
        if ind.kind == "ratio":
            assert ind.aggregation == "formula" and ind.formula
    rice = cat["rice_yield"]
    # two communes: 100 ha at 60 tạ/ha and 300 ha at 40 tạ/ha → 45 tạ/ha, not the mean 50
    total = rice.compute({"rice_output": 600 + 1200, "rice_area": 400})
    assert total == pytest.approx(45)
    wide = pd.DataFrame({"petitions_resolved": [8, 0], "petitions_received": [10, 0]})
    rate = evaluate(cat["petitions_resolution_rate"].formula, wide)
    assert rate.iloc[0] == pytest.approx(80) and pd.isna(rate.iloc[1])


def test_validation_reports_each_problem():
    bad = Catalogue(
        (
            Indicator("a", "profile", "A", "A", "ha", "stock", "sum"),
            Indicator("a", "nowhere", "A", "A", "furlong", "ratio", "sum", "b / c"),
        )
    )
    problems = "\n".join(validate(bad))
    for fragment in ("duplicate", "nowhere", "furlong", "công thức", "'b'", "'c'"):
        assert fragment in problems


def test_unknown_code_is_a_clear_error():
    with pytest.raises(CatalogueError, match="rice_yeild"):
        catalogue()["rice_yeild"]
