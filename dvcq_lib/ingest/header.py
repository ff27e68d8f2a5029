"""Which commune wrote a report, and for which period: the "UBND xã …" heading, the
place-and-date line ("Đông Sơn, ngày 03 tháng 06 năm 2024"), "huyện …"/"tỉnh …" mentions, the
title ("6 tháng đầu năm 2024") — resolved through the commune register."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from dvcq_lib import register
from dvcq_lib.exceptions import AmbiguousCommuneError, CommuneNotFoundError, HeaderNotFoundError
from dvcq_lib.ingest.text import Document
from dvcq_lib.periods import Period

_NAME = r"([^\W\d_]\w*(?:[ \t]+[^\W\d_]\w*){0,3})"
_UNIT_WORD = r"(xã|phường|thị trấn|XÃ|PHƯỜNG|THỊ TRẤN|Xã|Phường|Thị trấn)"
_COMMITTEE = re.compile(
    r"(?:UBND|Ủy ban nhân dân|ỦY BAN NHÂN DÂN|Uỷ ban nhân dân|UỶ BAN NHÂN DÂN|HĐND|Đảng ủy)\s+"
    + _UNIT_WORD
    + r"\s+"
    + _NAME
)
_HEAD_LINE = re.compile(r"^\s*" + _UNIT_WORD + r"\s+" + _NAME + r"\s*$", re.MULTILINE)
_PLACE_DATE = re.compile(
    r"^\s*" + _NAME + r"\s*,\s*ngày\s+(\d{1,2})\s+tháng\s+(\d{1,2})\s+năm\s+(\d{4})", re.MULTILINE
)
_DISTRICT = re.compile(r"(?:huyện|quận|thị xã|thành phố|HUYỆN|QUẬN|THỊ XÃ)\s+" + _NAME)
_PROVINCE = re.compile(r"(?:tỉnh|TỈNH|Tỉnh)\s+" + _NAME)
_PERIOD_PHRASE = re.compile(
    r"(6|sáu)\s+tháng\s+(đầu|cuối)\s+năm(?:\s+năm)?(?:\s+(\d{4}))?"
    r"|(9|chín)\s+tháng(?:\s+đầu)?\s+năm(?:\s+(\d{4}))?"
    r"|quý\s+(I{1,3}|IV|[1-4])\b(?:\s+năm\s+(\d{4}))?"
    r"|(?:cả\s+)?năm\s+(\d{4})",
    re.IGNORECASE,
)
#: Words that make a period phrase a plan for later, not the period reported on.
_PLAN_BEFORE = re.compile(
    r"(phương hướng|nhiệm vụ|kế hoạch|giải pháp)\W*(\w+\W+){0,3}$", re.IGNORECASE
)
#: How far into a report its title may be (characters): the title region.
TITLE_REGION = 3000
_CLOSING = re.compile(r"Trên đây là báo cáo[^\n]*", re.IGNORECASE)


@dataclass(frozen=True)
class Header:
    commune: register.Commune
    period: Period
    evidence: tuple[str, ...]  # what was read, for the user


def _words(name: str) -> str:
    """The leading capitalised words of a match: "Đông Sơn năm" → "Đông Sơn"."""
    out = []
    for w in name.split():
        if not w[0].isupper():
            break
        out.append(w.title() if w.isupper() else w)
    return " ".join(out)


def _title_text(doc: Document) -> str:
    """The title region (up to the first Roman-numeral section) plus the closing sentence."""
    head = doc.text[:TITLE_REGION]
    if m := re.search(r"^\s*I\s*[.)]", head, re.MULTILINE):
        head = head[: m.start()]
    closing = " ".join(m.group() for m in _CLOSING.finditer(doc.text))
    return head + "\n" + closing


def report_date(doc: Document) -> dt.date | None:
    for m in _PLACE_DATE.finditer(doc.text[:TITLE_REGION]):
        try:
            return dt.date(int(m.group(4)), int(m.group(3)), int(m.group(2)))
        except ValueError:
            continue
    return None


def detect_period(doc: Document) -> Period:
    """The reporting period from the title (and the date); HeaderNotFoundError if unclear."""
    text = _title_text(doc)
    date = report_date(doc)
    found, seen = [], []
    for m in _PERIOD_PHRASE.finditer(text):
        seen.append(" ".join(m.group().split()))
        before = text[max(0, m.start() - 60) : m.start()]
        if _PLAN_BEFORE.search(before) or re.search(r"tháng\s+\d{1,2}\s*$", before):
            continue  # a plan for later, or the year of a date
        found.append(m)
    # A half-year phrase wins over a bare year (the title says "6 tháng đầu năm 2024").
    found.sort(key=lambda m: 0 if m.group(1) else 1 if (m.group(4) or m.group(6)) else 2)
    for m in found:
        if m.group(1):
            year = m.group(3) or _next_year(text, m.end()) or (date and date.year)
            if year:
                return Period(int(year), 1 if m.group(2).lower() == "đầu" else 2)
        elif m.group(4) or m.group(6):
            raise HeaderNotFoundError(
                doc.source,
                "kỳ báo cáo",
                seen,
                "Báo cáo 9 tháng hoặc theo quý không phải kỳ 6 tháng/năm; "
                "dùng --period để chỉ rõ (vd. --period 2024-H1)",
            )
        elif m.group(8):
            return Period(int(m.group(8)))
    raise HeaderNotFoundError(
        doc.source,
        "kỳ báo cáo (period)",
        seen,
        "Cần tiêu đề như '6 tháng đầu năm 2024' hoặc 'năm 2024'; dùng --period 2024-H1 để chỉ rõ",
    )


def _next_year(text: str, pos: int) -> str | None:
    m = re.search(r"\b(19|20)\d\d\b", text[pos : pos + 120])
    return m.group() if m else None


def detect_commune(
    doc: Document,
    *,
    period: Period | None = None,
    district: str | None = None,
    province: str | None = None,
) -> register.Commune:
    """The commune that wrote the report; HeaderNotFoundError / AmbiguousCommuneError if unclear."""
    names: Counter[str] = Counter()
    for pattern, group, weight, region in (
        (_COMMITTEE, 2, 2, len(doc.text)),
        (_HEAD_LINE, 2, 2, TITLE_REGION),
        (_PLACE_DATE, 1, 3, TITLE_REGION),
    ):
        for m in pattern.finditer(doc.text[:region]):
            if name := _words(m.group(group)):
                names[name] += weight
    districts = (
        [district]
        if district
        else list(
            dict.fromkeys(
                _words(m.group(1)) for m in _DISTRICT.finditer(doc.text) if _words(m.group(1))
            )
        )
    )
    provinces = (
        [province]
        if province
        else list(
            dict.fromkeys(
                _words(m.group(1)) for m in _PROVINCE.finditer(doc.text) if _words(m.group(1))
            )
        )
    )
    evidence = [f"tên '{n}'" for n in names] + [f"huyện '{d}'" for d in districts]
    if not names:
        raise HeaderNotFoundError(
            doc.source,
            "xã/phường (commune)",
            evidence,
            "Cần dòng 'UBND xã …' hoặc '…, ngày … tháng … năm …'; dùng --commune để chỉ rõ",
        )
    for name, _ in names.most_common():
        candidates = _candidates(name, period)
        if not candidates:
            continue
        if len(candidates) == 1:
            return candidates[0]
        by_district = [c for c in candidates if _in_any(c, districts, register._district_matches)]
        if len(by_district) == 1:
            return by_district[0]
        by_province = [
            c
            for c in by_district or candidates
            if _in_any(c, provinces, register._province_matches)
        ]
        if len(by_province) == 1:
            return by_province[0]
        left = by_province or by_district or candidates
        raise AmbiguousCommuneError(name, [c.describe() for c in left])
    raise CommuneNotFoundError(names.most_common(1)[0][0], scope="trong báo cáo " + doc.source)


def _candidates(name: str, period: Period | None) -> list[register.Commune]:
    # Reports date from before the 2025 reform unless their period says otherwise.
    system = register.system_for(period) if period else register.LEGACY
    return register.find(name, system=system)


def _in_any(c: register.Commune, places: list[str], matches) -> bool:
    return any(matches(c, p) for p in places if p)


def resolve_commune(
    query: str, *, period: Period | None, district: str | None = None, province: str | None = None
) -> register.Commune:
    """An explicit --commune (name or code) through the register."""
    return register.lookup(
        query,
        district=district,
        province=province,
        system=register.system_for(period) if period else None,
    )


def detect_header(
    doc: Document,
    *,
    commune: str | None = None,
    period: str | None = None,
    district: str | None = None,
    province: str | None = None,
) -> Header:
    """Commune and period of a report; explicit values override what the text says."""
    p = Period.parse(period) if period else detect_period(doc)
    if commune:
        c = resolve_commune(commune, period=p, district=district, province=province)
    else:
        c = detect_commune(doc, period=p, district=district, province=province)
    return Header(c, p, (c.describe(), p.label_vi))
