"""Page digests: what makes a page stale."""

from __future__ import annotations

import nbformat
import pandas as pd

from dvcq_lib.checks import run_checks
from dvcq_lib.observations import read_observations
from dvcq_lib.render.incremental import InputIndex
from dvcq_lib.render.plan import plan_report
from tests._engine_support import notebooks, small_data


def test_a_page_is_stale_when_its_own_findings_change(tmp_path):
    data = small_data(tmp_path / "data")
    nbs = notebooks(tmp_path / "nb", overview="standin")
    nb = nbformat.read(nbs / "overview.ipynb", as_version=4)
    nb.metadata["dvcq"] = {"inputs": {"findings": True}}  # a page that shows its findings
    nbformat.write(nb, nbs / "overview.ipynb")
    df = read_observations(data)
    findings = run_checks(df)
    a = plan_report("07273", "2023-H2", notebooks_dir=nbs, data_dir=data, outputs_dir=tmp_path)
    b = plan_report("07279", "2023-H2", notebooks_dir=nbs, data_dir=data, outputs_dir=tmp_path)
    before = InputIndex(df, findings)
    # a finding added for Đông Sơn 2023-H2 only (as a peer's new figure could cause)
    extra = pd.concat(
        [
            findings,
            findings.head(1).assign(
                commune_code="07273", period="2023-H2", message_vi="một phát hiện mới"
            ),
        ]
    )
    after = InputIndex(df, extra)
    assert before.page_digest(a, "overview") != after.page_digest(a, "overview")
    assert before.page_digest(b, "overview") == after.page_digest(b, "overview")


def test_findings_are_not_computed_for_notebooks_that_do_not_show_them(tmp_path):
    data = small_data(tmp_path / "data")
    nbs = notebooks(tmp_path / "nb", overview="standin")
    plan = plan_report("07273", "2023-H2", notebooks_dir=nbs, data_dir=data, outputs_dir=tmp_path)
    calls = []
    index = InputIndex(read_observations(data), lambda: calls.append(1) or run_checks(df))
    df = read_observations(data)
    index.page_digest(plan, "overview")  # the stand-in declares "findings": false
    assert calls == []


def _findings_digests_row_by_row(findings):
    """The digest as it was computed before issue #17: one Python join per row and per group."""
    import hashlib

    cols = [c for c in findings.columns if c != "synthetic"]
    text = findings[cols].astype(object).map(str).agg("|".join, axis=1)
    groups = text.groupby([findings["commune_code"].astype(str), findings["period"].astype(str)])
    return {k: hashlib.sha256("\n".join(sorted(v)).encode()).hexdigest() for k, v in groups}


def test_findings_digests_are_those_of_the_row_by_row_join():
    from dvcq_lib.render.incremental import findings_digests

    findings = run_checks(read_observations())
    assert findings["commune_code"].nunique() > 1 and len(findings) > 10
    got = findings_digests(findings)
    assert got == _findings_digests_row_by_row(findings)
    assert findings_digests(findings.iloc[::-1]) == got  # the order of the rows does not count
    assert findings_digests(findings.head(0)) == {}
