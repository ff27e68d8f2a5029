"""Planning one report: everything is resolved and checked before any kernel starts."""

from __future__ import annotations

import nbformat
import pytest

from dvcq_lib import cli
from dvcq_lib.exceptions import CommuneNotFoundError, PeriodError, ReportError
from dvcq_lib.render import kernels
from dvcq_lib.render.plan import (
    PARAMETER_NAMES,
    declared_parameters,
    parameters_cell,
    plan_batch,
    plan_report,
)
from tests._engine_support import STANDINS, notebooks, small_data


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return small_data(tmp_path_factory.mktemp("data"))


@pytest.fixture
def no_kernel(monkeypatch):
    """Fails the test if anything tries to start or use a kernel."""

    def forbidden(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(kernels.WarmKernel, "_client", forbidden)


def plan(data, commune="Đông Sơn", period="2024-H1", **kw):
    kw.setdefault("notebooks_dir", STANDINS)
    kw.setdefault("notebooks", ["standin"])
    return plan_report(commune, period, data_dir=data, outputs_dir=data / "out", **kw)


def test_name_with_district_gives_the_code_folder_and_parameters(data, no_kernel):
    p = plan(data, district="Yên Thế")
    assert p.commune.code == "07273" and p.period == "2024-H1"
    assert p.page("standin") == data / "out" / "2024-H1" / "07273-dong-son" / "standin.html"
    assert p.parameters["commune"] == "07273"
    assert p.parameters["output_dir"] == str(data / "out" / "2024-H1" / "07273-dong-son")
    assert set(p.parameters) <= set(declared_parameters(STANDINS / "standin.ipynb"))


@pytest.mark.parametrize("query", [7273, "7273", "07273", 7273.0, "Xã Đông Sơn"])
def test_codes_that_lost_their_zero_and_names_are_accepted(data, query, no_kernel):
    assert plan(data, commune=query).commune.key == "legacy:07273"


def test_period_in_words_is_accepted(data, no_kernel):
    assert plan(data, period="6 tháng đầu năm 2024").period == "2024-H1"


def test_unknown_commune_is_an_error_with_suggestions(data, no_kernel):
    with pytest.raises(CommuneNotFoundError, match="Dong Sonn"):
        plan(data, commune="Dong Sonn")


def test_period_without_data_lists_the_periods_with_data(data, no_kernel):
    with pytest.raises(ReportError, match="2031-H1") as err:
        plan(data, period="2031-H1")
    assert "2023-H1" in str(err.value)


def test_commune_without_data_for_the_period_says_which_periods_it_has(tmp_path, no_kernel):
    data = small_data(tmp_path, communes=("07279",), periods=("2023-H1",))
    with pytest.raises(ReportError, match="2023-H1"):
        plan(data, commune="07279", period="2024-H1")


def test_malformed_period_is_a_period_error(data, no_kernel):
    with pytest.raises(PeriodError):
        plan(data, period="H3-2024")


def test_unknown_notebook_lists_the_known_ones(data, no_kernel):
    with pytest.raises(ReportError, match="standin"):
        plan(data, notebooks=["agricultur"])


def test_a_notebook_missing_a_parameter_is_an_error(tmp_path, data, no_kernel):
    nb = nbformat.read(STANDINS / "standin.ipynb", as_version=4)
    nb.cells[0].source = "\n".join(
        line for line in nb.cells[0].source.splitlines() if not line.startswith("lang")
    )
    folder = tmp_path / "nbs"
    folder.mkdir()
    nbformat.write(nb, folder / "nolang.ipynb")
    with pytest.raises(ReportError, match="'lang'"):
        plan(data, notebooks=["nolang"], notebooks_dir=folder)


def test_parameters_with_an_equals_sign_in_the_comment_are_still_read(tmp_path):
    nb = nbformat.read(STANDINS / "standin.ipynb", as_version=4)
    nb.cells[0].source = nb.cells[0].source.replace("rỗng: data/", '"" = data/')
    path = notebooks(tmp_path / "nbs") / "eq.ipynb"
    nbformat.write(nb, path)
    assert "data_dir" in declared_parameters(path)  # papermill alone skips that line


def test_cli_unknown_commune_fails_before_any_kernel(data, no_kernel, capsys):
    code = cli.main(
        [
            "render",
            "--commune",
            "Không Có Xã Này",
            "--period",
            "2024-H1",
            "--data",
            str(data),
            "--outputs",
            str(data / "out"),
            "--notebooks-dir",
            str(STANDINS),
        ]
    )
    assert code == 2
    assert "Không tìm thấy xã/phường" in capsys.readouterr().err


def test_cli_unknown_period_fails_before_any_kernel(data, no_kernel, capsys):
    code = cli.main(
        [
            "render",
            "--commune",
            "07273",
            "--period",
            "2030-H2",
            "--data",
            str(data),
            "--notebooks-dir",
            str(STANDINS),
        ]
    )
    assert code == 2
    assert "Không có số liệu kỳ 2030-H2" in capsys.readouterr().err


def test_one_selection_serves_a_report_and_a_batch(data, no_kernel):
    one = plan(data, commune="Đông Sơn", district="Yên Thế")
    (batch,) = plan_batch(
        periods=["6 tháng đầu năm 2024"],
        commune="Đông Sơn",
        district="Yên Thế",
        notebooks_dir=STANDINS,
        notebooks=["standin"],
        data_dir=data,
        outputs_dir=data / "out",
    )
    assert batch == one and batch.parameters == one.parameters


def test_a_period_without_data_is_refused_alike_by_a_report_and_a_batch(data, no_kernel):
    messages = []
    for call in (
        lambda: plan(data, period="2031-H1"),
        lambda: plan_batch(periods=["2031-H1"], notebooks_dir=STANDINS, data_dir=data),
    ):
        with pytest.raises(ReportError) as err:
            call()
        messages.append(str(err.value))
    assert messages[0] == messages[1] and "2023-H1" in messages[0]


def test_a_batch_of_a_district_keeps_every_commune_a_report_needs_one(data, no_kernel, capsys):
    plans = plan_batch(
        periods=["2024-H1"], district="Yên Thế", notebooks_dir=STANDINS, data_dir=data
    )
    assert len({p.commune.key for p in plans}) > 1
    args = ["render", "--district", "Yên Thế", "--period", "2024-H1", "--data", str(data)]
    assert cli.main([*args, "--outputs", str(data / "out")]) == 2
    assert "Cần --commune" in capsys.readouterr().err


def test_what_is_injected_is_declared_once_and_by_the_notebooks(data, no_kernel):
    p = plan(data)
    assert set(p.parameters) <= set(PARAMETER_NAMES)
    cell = parameters_cell()
    assert [line.split(":")[0] for line in cell.splitlines()] == list(PARAMETER_NAMES)
