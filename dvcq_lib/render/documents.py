"""The slide deck (`report.pptx`) and the Excel workbook (`report.xlsx`) of each report, written
beside its pages by `dvcq render … --deck --xlsx` and `dvcq deck`, through the batch's rules:

- incremental: a document is skipped when its inputs are unchanged — the digests of the report's
  pages' inputs (data slice, findings, library, notebooks; `dvcq_lib.render.incremental`), kept
  in `outputs/_state/<period>/<commune>/<kind>.digest`; `--force` writes it again;
- fault-isolated: a report whose document fails is a failed result, the others go on;
- atomic: written to a temporary file, then renamed (`dvcq_lib.files.write_atomic`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib
import time
import traceback
from collections.abc import Sequence
from pathlib import Path

from dvcq_lib.checks import checks_for_folder
from dvcq_lib.files import write_atomic
from dvcq_lib.observations import read_observations
from dvcq_lib.render.engine import DONE, FAILED, SKIPPED, PageResult
from dvcq_lib.render.incremental import InputIndex
from dvcq_lib.render.index import DECK_NAME, WORKBOOK_NAME
from dvcq_lib.render.plan import ReportPlan

#: kind → (file name, module whose `write(views, path)` writes it)
DOCUMENTS = {
    "deck": (DECK_NAME, "dvcq_lib.page.deck"),
    "xlsx": (WORKBOOK_NAME, "dvcq_lib.page.workbook"),
}


def document_path(plan: ReportPlan, kind: str) -> Path:
    return plan.folder / DOCUMENTS[kind][0]


def _digest_file(plan: ReportPlan, kind: str) -> Path:
    return plan.state_file(kind).with_suffix(".digest")


def document_digest(index: InputIndex, plan: ReportPlan, kind: str) -> str:
    h = hashlib.sha256(f"{kind}\n{plan.lang}\n".encode())
    for name in sorted(plan.notebooks):
        h.update(index.page_digest(plan, name).encode())
    return h.hexdigest()


def is_current(plan: ReportPlan, kind: str, digest: str) -> bool:
    f = _digest_file(plan, kind)
    return (
        document_path(plan, kind).exists()
        and f.exists()
        and f.read_text(encoding="utf-8").strip() == digest
    )


def _result(plan: ReportPlan, doc: str, status: str, **kw) -> PageResult:
    return PageResult(
        period=plan.period,
        commune_code=plan.commune.code,
        commune_key=str(plan.commune.key),
        notebook=doc,
        status=status,
        page=f"{plan.relative_folder}/{DOCUMENTS[doc][0]}",
        **kw,
    )


def render_documents(
    plans: Sequence[ReportPlan],
    kinds: Sequence[str],
    *,
    data_dir: Path | None = None,
    force: bool = False,
) -> list[PageResult]:
    """Write the documents of these reports (skipping unchanged ones); one result each."""
    kinds = [k for k in DOCUMENTS if k in kinds]
    if not plans or not kinds:
        return []
    from dvcq_lib.page.report import report_views

    findings = checks_for_folder(data_dir)
    index = InputIndex(read_observations(data_dir), lambda: findings)
    results = []
    for plan in plans:
        digests = {k: document_digest(index, plan, k) for k in kinds}
        todo = [k for k in kinds if force or not is_current(plan, k, digests[k])]
        results += [_result(plan, k, SKIPPED, inputs=digests[k]) for k in kinds if k not in todo]
        if not todo:
            continue
        start = time.perf_counter()
        try:
            views = report_views(
                plan.commune.code,
                plan.period,
                data_dir=data_dir or "",
                lang=plan.lang,
                findings=findings,
            )
        except Exception as exc:  # noqa: BLE001 — one report's failure stays its own
            results += [_failed(plan, k, exc, digests[k]) for k in todo]
            continue
        for kind in todo:
            try:
                importlib.import_module(DOCUMENTS[kind][1]).write(views, document_path(plan, kind))
                write_atomic(_digest_file(plan, kind), digests[kind])
            except Exception as exc:  # noqa: BLE001
                results.append(_failed(plan, kind, exc, digests[kind]))
                continue
            results.append(
                _result(
                    plan,
                    kind,
                    DONE,
                    seconds=time.perf_counter() - start,
                    rendered_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
                    inputs=digests[kind],
                    synthetic=views.synthetic,
                )
            )
    return results


def _failed(plan: ReportPlan, kind: str, exc: Exception, digest: str) -> PageResult:
    error = f"{type(exc).__name__}: {exc}"
    log = plan.failed_notebook(kind).with_suffix(".error.txt")
    write_atomic(log, error + "\n\n" + traceback.format_exc())
    return _result(
        plan, kind, FAILED, error=error, kind="internal", failed_notebook=str(log), inputs=digest
    )
