"""What reading one report gives: its commune and period, the figures proposed for review and
the passages skipped (with why), and the document read — whatever the file's format."""

from __future__ import annotations

from dataclasses import dataclass

from dvcq_lib import register
from dvcq_lib.ingest.extract import Proposal, Skipped
from dvcq_lib.ingest.text import Document
from dvcq_lib.periods import Period


@dataclass(frozen=True)
class IngestResult:
    source: str
    commune: register.Commune
    period: Period
    proposals: tuple[Proposal, ...]
    skipped: tuple[Skipped, ...]
    document: Document | None = None  # the text read (None for the Excel template)
