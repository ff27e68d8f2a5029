"""Old and other office formats (.doc, .odt, .rtf): converted to .docx by LibreOffice headless
(`soffice --headless --convert-to docx`) in a temporary folder, then read as a .docx."""

from __future__ import annotations

import fcntl
import os
import shutil
import signal
import subprocess
import tempfile
from dataclasses import replace
from pathlib import Path

from dvcq_lib.exceptions import MissingToolError, ReportReadError
from dvcq_lib.ingest.text import Document, _docx_document

INSTALL = "apt-get install libreoffice-writer-nogui (hoặc LibreOffice từ libreoffice.org)"
#: Seconds one conversion may take (the first start of LibreOffice sets up its profile).
CONVERT_TIMEOUT = 180


def soffice() -> str | None:
    """The LibreOffice program, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def _profile() -> Path:
    """A LibreOffice profile of dvcq's own (a user's open LibreOffice does not block it); kept
    between runs, since creating one costs seconds."""
    return Path(tempfile.gettempdir()) / f"dvcq-libreoffice-{os.getuid()}"


def convert(path: Path, suffix: str, outdir: Path) -> Path:
    """`path` converted by LibreOffice into `outdir` (suffix: "docx", "pdf", ...)."""
    program = soffice()
    if program is None:
        raise MissingToolError(str(path), "LibreOffice", INSTALL)
    profile = _profile()
    profile.mkdir(mode=0o700, exist_ok=True)
    cmd = [
        program,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nolockcheck",
        "--convert-to",
        suffix,
        "--outdir",
        str(outdir),
        str(path),
    ]
    # one conversion at a time per profile: two LibreOffice processes cannot share one
    with open(profile.with_suffix(".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.Popen(
            cmd,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
        try:
            out, err = proc.communicate(timeout=CONVERT_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise ReportReadError(
                str(path), f"LibreOffice không chuyển xong trong {CONVERT_TIMEOUT} s"
            ) from None
    target = outdir / f"{path.stem}.{suffix}"
    if not target.is_file():
        detail = (err or out or "").strip().splitlines()
        raise ReportReadError(
            str(path),
            "LibreOffice không chuyển được tệp sang "
            f".{suffix}: tệp hỏng hoặc không phải văn bản" + (f" ({detail[-1]})" if detail else ""),
        )
    return target


def read_office(path: Path) -> Document:
    """A .doc/.odt/.rtf report, through LibreOffice to .docx."""
    path = Path(path)
    with tempfile.TemporaryDirectory(prefix="dvcq-office-") as tmp:
        # a copy with a plain name: LibreOffice names its output after the input
        src = Path(tmp) / f"report{path.suffix.lower()}"
        shutil.copyfile(path, src)
        out = Path(tmp) / "out"
        out.mkdir()
        docx = convert(src, "docx", out)
        try:
            doc = _docx_document(docx)
        except ReportReadError as err:
            raise ReportReadError(str(path), err.expected) from None
    return replace(doc, source=str(path))
