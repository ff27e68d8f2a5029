"""The ingest vocabulary is data: it loads, and agrees with the catalogue."""

from dataclasses import replace

from dvcq_lib.catalogue import catalogue
from dvcq_lib.ingest.terms import Subject, validate_vocabulary, vocabulary


def test_vocabulary_is_consistent_with_the_catalogue():
    assert validate_vocabulary(vocabulary()) == []


def test_every_catalogue_indicator_can_be_extracted():
    ruled = {r.indicator for r in vocabulary().rules}
    derived = {i.code for i in catalogue() if i.unit == "%" and i.components}
    assert set(catalogue().codes) - ruled - derived == set()


def test_validation_reports_unknown_names():
    v = vocabulary()
    broken = replace(v, subjects={**v.subjects, "x": Subject("x", ("x",), parent="nope")})
    problems = validate_vocabulary(broken)
    assert any("nope" in p for p in problems)


def test_longest_subject_wins():
    v = vocabulary()
    hits = [v.subject_at(m.group()) for m in v.subject_re.finditer("tổng đàn trâu, bò và trâu")]
    assert hits == ["buffalo_cattle", "buffalo"]
