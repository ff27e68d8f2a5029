"""Executing notebooks in a warm kernel: pages, fault isolation, no state leaking between
reports. One kernel for the whole module (the machine is small)."""

from __future__ import annotations

import json
import re

import nbformat
import pytest

from dvcq_lib.files import TMP_MARK, sweep_temporary, write_atomic
from dvcq_lib.render.engine import DONE, FAILED, defaults_cell, render_notebook
from dvcq_lib.render.kernels import WarmKernel
from dvcq_lib.render.plan import plan_report
from tests._engine_support import STANDINS, complete_page, small_data


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return small_data(tmp_path_factory.mktemp("data"))


@pytest.fixture(scope="module")
def kernel():
    k = WarmKernel()
    yield k
    k.stop()


def plan(data, out, commune="07273", notebooks=("standin",)):
    return plan_report(
        commune,
        "2024-H1",
        notebooks=list(notebooks),
        notebooks_dir=STANDINS,
        data_dir=data,
        outputs_dir=out,
    )


def test_page_is_self_contained_vietnamese_and_hides_code(data, tmp_path, kernel):
    p = plan(data, tmp_path)
    result = render_notebook(p, "standin", kernel, timeout=120)
    assert result.status == DONE, result.error
    html = p.page("standin").read_text(encoding="utf-8")
    assert "Xã Đông Sơn, 6 tháng đầu năm 2024" in html  # title in words, diacritics intact
    assert "DỮ LIỆU GIẢ LẬP" in html  # its history is the synthetic demo set: the banner shows
    assert html.count("data:image/png;base64,") >= 4  # the four charts, embedded
    assert not re.search(r"<script[^>]+src=", html)  # no require.js / MathJax from a CDN
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", html)  # nothing loaded remotely
    assert "<link" not in html
    assert "matplotlib.use" not in html and "import io" not in html  # inputs hidden
    assert "# Parameters" not in html and "injected-parameters" not in html
    assert 'lang="vi"' in html and complete_page(p.page("standin"))
    charts = sorted(f.name for f in (p.folder / "charts").iterdir())
    assert len(charts) == 4 and all(c.endswith(".png") for c in charts)
    state = json.loads(p.state_file("standin").read_text())
    assert state["status"] == "done" and state["page"] == "2024-H1/07273-dong-son/standin.html"


def test_a_b_a_in_one_kernel_gives_identical_pages_for_a(data, tmp_path, kernel):
    a, b = plan(data, tmp_path / "1"), plan(data, tmp_path / "2", commune="07279")
    a2 = plan(data, tmp_path / "3")
    for p in (a, b, a2):
        assert render_notebook(p, "standin", kernel, timeout=120).status == DONE
    first = a.page("standin").read_bytes()
    assert first == a2.page("standin").read_bytes()
    assert first != b.page("standin").read_bytes()  # B really is another page


def test_reset_forgets_the_previous_report(data, tmp_path, kernel):
    probe = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("leaked = 42")])
    kernel.execute(probe)
    kernel.reset()
    check = nbformat.v4.new_notebook(
        cells=[nbformat.v4.new_code_cell("print('leaked' in globals(), 'p' in globals())")]
    )
    kernel.execute(check)
    assert check.cells[0].outputs[0]["text"].strip() == "False False"


def _defaults_notebook(folder, parameters_source):
    nb = nbformat.read(STANDINS / "fragile.ipynb", as_version=4)
    nb.cells[0].source = parameters_source
    nb.cells[1].source = (
        "from IPython.display import HTML, display\n"
        "display(HTML(f'<p>mặc định={shown} xã={commune}</p>'))"
    )
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, folder / "defaults.ipynb")
    return folder / "defaults.ipynb"


@pytest.mark.parametrize(
    ("extra", "silent", "shown"),
    [
        ('shown: str = "bốn hai"', True, "bốn hai"),  # literal defaults: run with the reset
        ("shown = str(40 + 2)", False, "42"),  # a call: runs as a cell of its own
    ],
)
def test_parameter_defaults_are_bound_whichever_way_they_run(
    data, tmp_path, kernel, extra, silent, shown
):
    source = nbformat.read(STANDINS / "fragile.ipynb", as_version=4).cells[0].source
    path = _defaults_notebook(tmp_path / "nbs", f"{source}\n{extra}")
    assert (defaults_cell(path) is not None) is silent
    p = plan_report(
        "07273",
        "2024-H1",
        notebooks=["defaults"],
        notebooks_dir=path.parent,
        data_dir=data,
        outputs_dir=tmp_path / "out",
    )
    kernel.execute(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("shown = 'cũ'")]))
    result = render_notebook(p, "defaults", kernel, timeout=60)
    assert result.status == DONE, result.error
    html = p.page("defaults").read_text(encoding="utf-8")
    assert f"mặc định={shown} xã=07273" in html  # the default, not the previous report's value


def test_a_raising_notebook_fails_its_page_only_and_keeps_the_evidence(data, tmp_path, kernel):
    p = plan(data, tmp_path, commune="07285", notebooks=("fragile", "standin"))
    bad = render_notebook(p, "fragile", kernel, timeout=60)
    assert bad.status == FAILED and bad.kind == "error" and bad.cell_index == 2
    assert "ValueError" in bad.error and not p.page("fragile").exists()
    kept = nbformat.read(p.failed_notebook("fragile"), as_version=4)
    assert kept.metadata["dvcq_error"]["cell_index"] == 2
    assert "raise ValueError" in kept.metadata["dvcq_error"]["cell_source"]
    assert any(o.get("ename") == "ValueError" for o in kept.cells[2].outputs)
    text = p.failed_notebook("fragile").with_suffix(".error.txt").read_text()
    assert "deliberate failure" in text and "raise ValueError" in text
    assert render_notebook(p, "standin", kernel, timeout=120).status == DONE  # kernel still good


def test_a_hanging_cell_hits_the_timeout_and_the_next_page_renders(data, tmp_path, kernel):
    p = plan(data, tmp_path, notebooks=("hanging", "fragile"))
    hung = render_notebook(p, "hanging", kernel, timeout=2)
    assert hung.status == FAILED and hung.kind == "timeout" and hung.cell_index == 2
    assert p.failed_notebook("hanging").exists()
    assert render_notebook(p, "fragile", kernel, timeout=60).status == DONE


def test_a_notebook_killing_its_kernel_fails_alone(data, tmp_path, kernel):
    p = plan(data, tmp_path, notebooks=("killer", "fragile"))
    starts = kernel.starts
    dead = render_notebook(p, "killer", kernel, timeout=60)
    assert dead.status == FAILED and dead.kind == "kernel_died"
    assert render_notebook(p, "fragile", kernel, timeout=60).status == DONE
    assert kernel.starts == starts + 1  # a fresh kernel took over


def test_a_later_success_clears_the_failed_copy(data, tmp_path, kernel):
    p = plan(data, tmp_path, notebooks=("fragile",))
    write_atomic(p.failed_notebook("fragile"), "{}")
    assert render_notebook(p, "fragile", kernel, timeout=60).status == DONE
    assert not p.failed_notebook("fragile").exists()


def test_atomic_write_and_sweep(tmp_path):
    target = write_atomic(tmp_path / "a" / "page.html", "<html></html>")
    assert target.read_text() == "<html></html>"
    assert [f.name for f in target.parent.iterdir()] == ["page.html"]
    leftover = target.parent / f".page.html{TMP_MARK}999"
    leftover.write_text("<html><bo")
    assert sweep_temporary(tmp_path) == [leftover] and not leftover.exists()


OUTPUT_MESSAGES = [
    {
        "header": {"msg_type": "display_data"},
        "content": {
            "data": {"image/svg+xml": "<svg/>", "text/plain": "<IPython.core.display.SVG>"},
            "metadata": {"image/svg+xml": {"dvcq_chart": "a", "labels": ["2024"]}},
        },
    },
    {
        "header": {"msg_type": "execute_result"},
        "content": {"data": {"text/plain": "1"}, "metadata": {}, "execution_count": 3},
    },
    {"header": {"msg_type": "stream"}, "content": {"name": "stdout", "text": "xin chào\n"}},
    {
        "header": {"msg_type": "error"},
        "content": {"ename": "KeyError", "evalue": "'x'", "traceback": ["KeyError: 'x'"]},
    },
]


@pytest.mark.parametrize("msg", OUTPUT_MESSAGES, ids=lambda m: m["header"]["msg_type"])
def test_outputs_built_without_validation_are_nbformat_s(msg):
    """The engine's outputs (no schema validation per output) are nbformat's, node for node,
    and nbclient builds every output through them."""
    import nbclient.client

    from dvcq_lib.render import kernels

    ours, theirs = kernels.output_from_msg(msg), nbformat.v4.output_from_msg(msg)
    assert ours == theirs and list(ours) == list(theirs)
    assert all(type(ours[k]) is type(theirs[k]) for k in theirs)
    assert nbclient.client.output_from_msg is kernels.output_from_msg
    with pytest.raises(ValueError):
        kernels.output_from_msg({"header": {"msg_type": "comm_open"}, "content": {}})


def test_a_page_with_an_invalid_output_is_still_refused_at_export():
    """Outputs are validated once, with the whole notebook, when the page is exported."""
    from nbformat import ValidationError

    from dvcq_lib.render.export import to_html

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("1")])
    nb.cells[0].outputs = [nbformat.v4.new_output("display_data", data={"text/plain": "1"})]
    assert "<html" in to_html(nb, "Trang")
    nb.cells[0].outputs[0].pop("metadata")  # a display_data without metadata is not nbformat 4
    with pytest.raises(ValidationError):
        to_html(nb, "Trang")
