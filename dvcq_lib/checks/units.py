"""Implausible units: a figure whose report wrote a unit for another kind of quantity.

At ingest an analyst records the value in the catalogue's unit and keeps what the source wrote in
`unit_written` (the reference report writes its grain *output* in "tấn/ha", a yield unit). The
value stays as recorded; this check reports the slip so that the commune can confirm it.
"""

from __future__ import annotations

import pandas as pd

from dvcq_lib.catalogue import catalogue
from dvcq_lib.checks.findings import as_findings
from dvcq_lib.numbers import format_number
from dvcq_lib.units import is_known_unit, normalize_unit, units

#: How each dimension of units.csv reads in a message.
DIMENSION_LABELS_VI = {
    "area": "diện tích",
    "mass": "khối lượng",
    "yield": "năng suất",
    "money": "giá trị tiền",
    "head": "số con vật nuôi",
    "household": "số hộ",
    "person": "số người",
    "village": "số thôn",
    "ethnic_group": "số dân tộc",
    "dossier": "số hồ sơ",
    "petition": "số đơn",
    "session": "số buổi",
    "visit": "số lượt",
    "percent": "tỷ lệ phần trăm",
}
#: A unit of the right kind written differently (tạ for tấn) was converted at ingest: not a
#: slip, only noted. A unit of another kind is a slip worth a warning.
SEVERITY_OTHER_DIMENSION = "warning"
SEVERITY_UNKNOWN_UNIT = "warning"


def _dimension(unit: str) -> str | None:
    return units()[normalize_unit(unit)].dimension if is_known_unit(unit) else None


def _label(dimension: str | None) -> str:
    return DIMENSION_LABELS_VI.get(dimension or "", dimension or "không rõ")


def check_units(df: pd.DataFrame) -> pd.DataFrame:
    """Findings (kind "unit") for every row whose written unit measures something else.

    >>> check_units(load(commune="07273", period="2024-H1"))  # doctest: +SKIP
    """
    written = df["unit_written"].fillna("").astype(str).str.strip()
    rows = df[written != ""]
    cat = catalogue()
    records = []
    for r, text in zip(rows.itertuples(index=False), written[written != ""], strict=True):
        ind = cat[str(r.indicator)]
        expected = units()[ind.unit].dimension
        got = _dimension(text)
        if got == expected:
            continue
        what = f"đơn vị của {_label(got)}" if got else "đơn vị không có trong danh mục"
        records.append(
            {
                "commune_code": str(r.commune_code),
                "period": str(r.period),
                "season": str(getattr(r, "season", "") or ""),
                "indicator": ind.code,
                "indicators": ind.code,
                "check": "unit_dimension",
                "kind": "unit",
                "severity": SEVERITY_OTHER_DIMENSION if got else SEVERITY_UNKNOWN_UNIT,
                "message_vi": (
                    f"{ind.name_vi} là {_label(expected)}, đo bằng {ind.unit}, nhưng báo cáo ghi "
                    f"“{text}” — {what}. Số liệu giữ nguyên như báo cáo "
                    f"({format_number(float(r.value))}, ghi nhận là {ind.unit}); cần xã xác nhận "
                    "đơn vị."
                ),
                "left": float(r.value),
                "right": float("nan"),
                "score": 1.0,
            }
        )
    return as_findings(records)
