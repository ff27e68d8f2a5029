"""Any input gives a result or a clear DvcqError — never a traceback."""

import os

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dvcq_lib.cli import main
from dvcq_lib.exceptions import DvcqError
from dvcq_lib.ingest import document_from_text, extract, ingest_report
from dvcq_lib.paths import RAW_DIR

REFERENCE_TEXT = (RAW_DIR / "dong-son_2024-H1.txt").read_text(encoding="utf-8")
#: Pieces real reports are made of, shuffled by hypothesis into new texts.
PIECES = [
    "2.706,51",
    "105.000",
    "08",
    "5.4",
    "ha",
    "con",
    "tạ/ha",
    "tấn/ha",
    "%",
    "/",
    "=",
    "tăng",
    "giảm",
    "lúa",
    "ngô",
    "trâu bò",
    "lợn",
    "không có",
    "đơn",
    "hồ sơ",
    " ",
    ", ",
    ". ",
    "\n",
    "(",
    ")",
    "phấn đấu",
    "Kế hoạch số",
    "ngày",
    "UBND xã",
    "năm 2024",
    "6 tháng đầu năm",
    "nghìn",
    "tỷ đồng",
    "21.450.000.000đ",
    "9/12",
    "thôn",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_random_unicode_never_crashes(text):
    ex = extract(document_from_text(text))
    for p in ex.proposals:
        assert p.value >= 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(PIECES), max_size=60))
def test_report_like_text_gives_consistent_proposals(pieces):
    doc = document_from_text("".join(pieces))
    for p in extract(doc).proposals:
        assert doc.text[p.start : p.end] == p.quote
        assert 0 <= p.confidence <= 1


@settings(max_examples=50, deadline=None)
@given(st.binary(max_size=2000))
def test_any_file_gives_a_result_or_a_clear_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("junk") / "r.txt"
    path.write_bytes(data)
    try:
        ingest_report(path)
    except DvcqError as err:
        assert str(err)  # a message a person can read


@pytest.mark.parametrize("suffix", [".txt", ".docx", ".xlsx", ".pdf"])
def test_binary_junk_is_a_clear_error(tmp_path, capsys, suffix):
    path = tmp_path / f"junk{suffix}"
    path.write_bytes(os.urandom(5000))
    assert main(["ingest", str(path), "--data", str(tmp_path)]) == 2
    assert "Lỗi" in capsys.readouterr().err


def test_empty_and_missing_files(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert main(["ingest", str(empty), "--data", str(tmp_path)]) == 2
    assert main(["ingest", str(tmp_path / "nope.txt"), "--data", str(tmp_path)]) == 2
    assert main(["ingest", "--data", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert "không tìm thấy" in err and "kỳ báo cáo" in err


def test_ten_megabytes(tmp_path):
    path = tmp_path / "big.txt"
    text = REFERENCE_TEXT * (10_000_000 // len(REFERENCE_TEXT.encode()) + 1)
    path.write_text(text, encoding="utf-8")
    res = ingest_report(path)
    assert res.commune.code == "07273"
    # repeated facts collapse: one proposal per indicator, as for the report itself
    assert len({p.indicator for p in res.proposals}) == len(res.proposals)
