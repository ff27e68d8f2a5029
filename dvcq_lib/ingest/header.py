"""Which commune wrote a report, and for which period: the "UBND xã …" heading, the
place-and-date line ("Đông Sơn, ngày 03 tháng 06 năm 2024"), "huyện …"/"tỉnh …" mentions, the
title ("6 tháng đầu năm 2024", "quý III năm 2025", "9 tháng đầu năm 2025", "5 tháng đầu năm",
"từ ngày 01/7 đến 31/10/2025") — resolved through the commune register and `Period.parse`.

A commune or period given by hand is needed only when the text says nothing; one that
contradicts the header is a HeaderConflictError unless `override=True` (`dvcq ingest
--override`)."""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from dvcq_lib import communes, register
from dvcq_lib.exceptions import (
    AmbiguousCommuneError,
    CommuneNotFoundError,
    HeaderConflictError,
    HeaderNotFoundError,
    PeriodError,
)
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
_DATE = r"\d{1,2}(?:/|\s+tháng\s+)\d{1,2}"
_YEAR_TAIL = r"(?:/|\s+năm\s+)"
#: Every way a title names its period; each phrase is read by `Period.parse` (one grammar).
_PERIOD_PHRASE = re.compile(
    r"(?P<months>\b(?P<n>\d{1,2}|sáu|chín|ba|mười một|mười hai|mười)\s+tháng\s+"
    r"(?:(?P<side>đầu|cuối)\s+)?năm(?:\s+năm)?(?:\s+(?P<n_year>\d{4}))?)"
    r"|(?P<quarter>quý\s+(?P<q>IV|I{1,3}|[1-4])\b(?:\s*(?:năm\s+|/\s*|-\s*)(?P<q_year>\d{4}))?)"
    r"|(?P<dates>từ\s+(?:ngày\s+)?" + _DATE + r"(?:" + _YEAR_TAIL + r"\d{4})?\s*(?:đến|tới|-|–)\s*"
    r"(?:hết\s+)?(?:ngày\s+)?" + _DATE + _YEAR_TAIL + r"\d{4})"
    r"|(?P<mrange>(?:từ\s+)?tháng\s+\d{1,2}(?:\s*(?:/|năm)\s*\d{4})?\s*(?:đến|tới|-|–)\s*"
    r"(?:hết\s+)?tháng\s+\d{1,2}(?:\s*(?:/|năm\s+)\s*(?P<m_year>\d{4}))?)"
    r"|(?P<year>(?:cả\s+)?năm\s+(?P<y>\d{4}))",
    re.IGNORECASE,
)
#: Words that make a period phrase a comparison base, not the period reported on.
_COMPARED_BEFORE = re.compile(r"(so với|cùng kỳ)\W*(\w+\W+){0,2}$", re.IGNORECASE)
#: A bare year after these words is a point in time, not the period reported on: "Từ năm 2011,
#: xã mạnh dạn chuyển đổi…", "trước năm 2020", "đến năm 2030".
_POINT_BEFORE = re.compile(r"\b(kể từ|từ|trước|sau|đến|tới|cho đến)\s*$", re.IGNORECASE)
#: Words that make a period phrase a plan for later, not the period reported on.
_PLAN_BEFORE = re.compile(
    r"(phương hướng|nhiệm vụ|kế hoạch|giải pháp)\W*(\w+\W+){0,3}$", re.IGNORECASE
)
#: …unless the plan word is what was done: "kết quả thực hiện nhiệm vụ 6 tháng đầu năm".
_DONE_BEFORE = re.compile(r"(thực hiện|kết quả|tình hình)\s*$", re.IGNORECASE)


def _is_plan(before: str) -> bool:
    m = _PLAN_BEFORE.search(before)
    return bool(m) and not _DONE_BEFORE.search(before[: m.start()])


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


def _phrase_period(m: re.Match, year: int | None) -> Period | None:
    """The period a matched phrase names (None when its year is unknown or it is no period)."""
    if m.group("year"):
        return Period(int(m.group("y")))
    if m.group("dates"):
        return Period.parse(m.group("dates"))
    if m.group("mrange"):
        text = m.group("mrange")
        return (
            Period.parse(text if m.group("m_year") else f"{text} năm {year}")
            if (m.group("m_year") or year)
            else None
        )
    if m.group("quarter"):
        y = m.group("q_year") or year
        return Period.parse(f"quý {m.group('q')} năm {y}") if y else None
    y = m.group("n_year") or year
    side = f"{m.group('side')} " if m.group("side") else ""
    return Period.parse(f"{m.group('n')} tháng {side}năm {y}") if y else None


def detect_period(doc: Document) -> Period:
    """The reporting period from the title (and the date); HeaderNotFoundError if unclear.

    Halves, years, quarters ("quý III năm 2025"), nine months and month ranges ("5 tháng đầu
    năm 2025", "từ ngày 01/7 đến 31/10/2025") are read. A named span wins over a bare year; a
    phrase after "phương hướng", "kế hoạch", "so với", … is not the period reported on. A title
    naming two different spans ("quý III và 9 tháng đầu năm 2025") is not guessed at: the
    error lists both and asks for --period."""
    text = _title_text(doc)
    date = report_date(doc)
    spans: list[Period] = []
    years: list[Period] = []
    seen: list[str] = []
    for m in _PERIOD_PHRASE.finditer(text):
        phrase = " ".join(m.group().split())
        seen.append(phrase)
        before = text[max(0, m.start() - 60) : m.start()]
        if _is_plan(before) or _COMPARED_BEFORE.search(before):
            continue  # a plan for later, or the base of a comparison
        if m.group("year") and re.search(r"tháng\s+\d{1,2}\s*[,/]?\s*$", before):
            continue  # the year of a date
        if m.group("year") and _POINT_BEFORE.search(before):
            continue  # "Từ năm 2011, …": since when, not the period
        fallback = _next_year(text, m.end()) or (date and date.year)
        try:
            p = _phrase_period(m, int(fallback) if fallback else None)
        except PeriodError:
            continue  # "từ ngày 05/7 …": not whole months; said in the evidence
        if p is not None:
            (years if m.group("year") else spans).append(p)
    found = list(dict.fromkeys(spans)) or list(dict.fromkeys(years))[:1]
    if len(found) == 1:
        return found[0]
    if len(found) > 1:
        raise HeaderNotFoundError(
            doc.source,
            "kỳ báo cáo (period)",
            [f"{p.label_vi} ({p.code})" for p in found],
            "Tiêu đề nêu nhiều kỳ khác nhau; dùng --period để chỉ rõ kỳ của các số liệu "
            f"(vd. --period {found[-1].code})",
        )
    raise HeaderNotFoundError(
        doc.source,
        "kỳ báo cáo (period)",
        seen,
        "Cần tiêu đề như '6 tháng đầu năm 2024', 'quý III năm 2025', '9 tháng đầu năm 2025', "
        "'từ ngày 01/7 đến 31/10/2025' hoặc 'năm 2024'; dùng --period 2024-H1 để chỉ rõ",
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
        by_district = [
            c for c in candidates if any(communes.matches(c, district=d) for d in districts if d)
        ]
        if len(by_district) == 1:
            return by_district[0]
        by_province = [
            c
            for c in by_district or candidates
            if any(communes.matches(c, province=p) for p in provinces if p)
        ]
        if len(by_province) == 1:
            return by_province[0]
        left = by_province or by_district or candidates
        raise AmbiguousCommuneError(name, [c.describe() for c in left])
    raise CommuneNotFoundError(names.most_common(1)[0][0], scope="trong báo cáo " + doc.source)


def _candidates(name: str, period: Period | None) -> list[register.Commune]:
    # Reports date from before the 2025 reform unless their period says otherwise.
    system = register.system_for(period) if period else register.LEGACY
    return communes.find(name, system=system)


def resolve_commune(
    query: str, *, period: Period | None, district: str | None = None, province: str | None = None
) -> register.Commune:
    """An explicit --commune (name or code): `communes.resolve` in the register of the period."""
    return communes.resolve(
        query,
        district=district,
        province=province,
        system=register.system_for(period) if period else None,
    )


def _commune_in_text(
    doc: Document, c: register.Commune, p: Period, district: str | None, province: str | None
) -> str | None:
    """What the header says instead of commune `c` (None when it agrees or says nothing)."""
    try:
        found = detect_commune(doc, period=p, district=district, province=province)
    except AmbiguousCommuneError as err:
        return None if c.describe() in err.candidates else f"'{err.query}' (không phải {c.name})"
    except (HeaderNotFoundError, CommuneNotFoundError):
        return None  # the text names no commune the register knows: the hint is the only word
    return None if found.code == c.code else found.describe()


def detect_header(
    doc: Document,
    *,
    commune: str | None = None,
    period: str | None = None,
    district: str | None = None,
    province: str | None = None,
    override: bool = False,
) -> Header:
    """Commune and period of a report, from its header or given by hand.

    A given `commune`/`period` is needed only when the text says nothing (or is unclear); one
    that contradicts what the header says is refused unless `override` is true. A period hint
    inside a bare year the header names ("năm 2024" → 2024-H2) is a refinement, not a
    contradiction; a commune hint that picks one of several same-named communes is none either.

    Raises:
        HeaderConflictError: a hint contradicts the header (every contradiction listed).
        HeaderNotFoundError, AmbiguousCommuneError, CommuneNotFoundError: nothing given and the
            text is unclear.

    >>> from dvcq_lib.ingest.text import document_from_text
    >>> doc = document_from_text("UBND XÃ ĐÔNG SƠN\\nHUYỆN YÊN THẾ\\nBÁO CÁO 6 tháng đầu năm 2024")
    >>> detect_header(doc).period
    Period('2024-H1')
    >>> detect_header(doc, period="2024-H2")
    Traceback (most recent call last):
    dvcq_lib.exceptions.HeaderConflictError: ...
      - kỳ báo cáo: báo cáo ghi 6 tháng đầu năm 2024 (2024-H1), tham số cho ...
    """
    conflicts: list[tuple[str, str, str]] = []
    if period:
        p = Period.parse(period)
        try:
            written = detect_period(doc)
        except HeaderNotFoundError:
            written = p
        # A bare "năm 2024" is the weakest reading (any mention of the year in the title
        # region): a hint inside that year refines it rather than contradicting it.
        if written != p and not (written.is_year and written.contains(p)):
            conflicts.append(
                ("kỳ báo cáo", f"{written.label_vi} ({written.code})", f"{p.label_vi} ({p.code})")
            )
    else:
        p = detect_period(doc)
    if commune:
        c = resolve_commune(commune, period=p, district=district, province=province)
        if (found := _commune_in_text(doc, c, p, district, province)) is not None:
            conflicts.append(("xã/phường", found, c.describe()))
    else:
        c = detect_commune(doc, period=p, district=district, province=province)
    if conflicts and not override:
        raise HeaderConflictError(doc.source, conflicts)
    evidence = (c.describe(), p.label_vi)
    if conflicts:
        evidence += tuple(f"ghi đè (--override): {w} — báo cáo ghi {f}" for w, f, _ in conflicts)
    return Header(c, p, evidence)
