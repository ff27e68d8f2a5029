"""Opening generated files with the programs users open them with: LibreOffice (headless)."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def need_soffice() -> str:
    if SOFFICE:
        return SOFFICE
    if os.environ.get("CI"):
        raise RuntimeError(
            "CI needs LibreOffice: .ci/run installs libreoffice-impress-nogui and -calc-nogui"
        )
    pytest.skip("LibreOffice is not installed (apt-get install libreoffice-impress-nogui)")


def convert(path: Path, to: str, outdir: Path) -> Path:
    """`soffice --headless --convert-to <to>` with a private profile; returns the new file."""
    soffice = need_soffice()
    outdir.mkdir(parents=True, exist_ok=True)
    profile = outdir / ".lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    out = outdir / f"{path.stem}.{to.split(':')[0]}"
    assert out.exists(), f"LibreOffice did not write {out}"
    return out
