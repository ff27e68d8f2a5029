"""`make lab`: JupyterLab with the Vietnamese language pack selected and the project's kernel.

The Makefile's `lab-settings` step writes the settings into a temporary folder; a JupyterLab
server is started on a free port with a token and private config, runtime and user-settings
folders (nothing of the developer's own Jupyter set-up is read or written), its settings and
translations APIs are asked, the launcher is opened in headless Chromium (when installed: CI
installs it) and the server is stopped. A screenshot of the launcher is kept in
outputs/_test_artifacts/."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from jupyter_client.kernelspec import KernelSpecManager

from dvcq_lib.paths import OUTPUTS_DIR, ROOT

TOKEN = "dvcq-test-token"
PLUGIN = "@jupyterlab/translation-extension:plugin"
LOCALE = "vi_VN"
#: Seconds to wait for the server to answer: a loaded 2-core machine takes ~20 s.
START_TIMEOUT = 120
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
#: Virtual milliseconds Chromium lets the page run before it reads it: JupyterLab's scripts load
#: and draw the launcher in ~5 s of real time on a busy machine.
RENDER_BUDGET_MS = 30_000
ARTIFACTS = OUTPUTS_DIR / "_test_artifacts"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(base: str, path: str) -> dict:
    with urllib.request.urlopen(f"{base}{path}?token={TOKEN}", timeout=30) as r:
        return json.loads(r.read().decode("utf-8"))


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    if not shutil.which("make"):
        pytest.skip("make is not installed")
    tmp = tmp_path_factory.mktemp("lab")
    settings = tmp / "settings"
    subprocess.run(["make", "-s", "lab-settings", f"LAB_SETTINGS={settings}"], cwd=ROOT, check=True)
    port = free_port()
    env = dict(
        os.environ,
        JUPYTER_CONFIG_DIR=str(tmp / "config"),
        JUPYTER_RUNTIME_DIR=str(tmp / "runtime"),
        JUPYTERLAB_SETTINGS_DIR=str(tmp / "user-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp / "workspaces"),
    )
    log = open(tmp / "lab.log", "w", encoding="utf-8")  # noqa: SIM115 — closed below
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",  # CI runs as root
            f"--port={port}",
            "--ServerApp.port_retries=0",
            f"--IdentityProvider.token={TOKEN}",
            f"--ServerApp.root_dir={ROOT}",
            f"--LabApp.app_settings_dir={settings}",
            "--LabApp.extension_manager=readonly",  # no look-up of extensions on PyPI
        ],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                get(base, "/api/status")
                break
            except (urllib.error.URLError, ConnectionError):
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.flush()
                    pytest.fail("JupyterLab did not start:\n" + (tmp / "lab.log").read_text())
                time.sleep(0.5)
        yield base, settings
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


def test_make_lab_writes_the_vietnamese_locale_as_a_default(lab):
    _, settings = lab
    written = json.loads((settings / "overrides.d" / "dvcq.json").read_text(encoding="utf-8"))
    assert written[PLUGIN] == {"locale": LOCALE}
    assert "lab-settings" in (ROOT / "Makefile").read_text().split("\nlab:")[1].splitlines()[0]


def test_settings_api_shows_the_vietnamese_locale(lab):
    base, _ = lab
    data = get(base, f"/lab/api/settings/{PLUGIN}")
    # JupyterLab's effective setting: the user's own (none yet) over the schema default, which
    # the override replaced
    assert data["schema"]["properties"]["locale"]["default"] == LOCALE
    assert "locale" not in json.loads(data["raw"] or "{}")


def test_translations_api_serves_the_vietnamese_language_pack(lab):
    base, _ = lab
    languages = get(base, "/lab/api/translations/")["data"]
    assert languages[LOCALE]["nativeName"].startswith("Tiếng Việt")
    strings = get(base, f"/lab/api/translations/{LOCALE}")["data"]["jupyterlab"]
    assert strings["Launcher"] == ["Trình khởi chạy"]
    assert strings["Settings"] == ["Cài đặt"]


def test_the_notebooks_open_with_the_projects_kernel(lab):
    base, _ = lab
    specs = get(base, "/api/kernelspecs")
    assert specs["default"] == "python3"
    spec = KernelSpecManager().get_kernel_spec("python3")
    # argv "python" is run as the server's own interpreter: the project's environment
    assert spec.argv[0] in ("python", sys.executable)
    for name in ("01_bat_dau", "02_so_sanh_xa", "03_kiem_tra_so_lieu"):
        path = ROOT / "notebooks" / "explore" / f"{name}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["metadata"]["kernelspec"]["name"] == "python3"
    opened = get(base, "/api/contents/notebooks/explore/01_bat_dau.ipynb")
    assert opened["type"] == "notebook" and Path(opened["path"]).name == "01_bat_dau.ipynb"
    makefile = (ROOT / "Makefile").read_text()
    assert "jupyter lab notebooks/explore/01_bat_dau.ipynb" in makefile


def chromium(tmp: Path, url: str, *args: str) -> subprocess.CompletedProcess:
    flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--no-first-run",
        "--disable-background-networking",
        f"--user-data-dir={tmp}",
        "--window-size=1280,900",
        f"--virtual-time-budget={RENDER_BUDGET_MS}",
    ]
    return subprocess.run(
        [CHROMIUM, *flags, *args, url], capture_output=True, text=True, timeout=180, check=True
    )


def test_the_launcher_opens_in_vietnamese_in_a_browser(lab, tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            raise RuntimeError("CI needs chromium: .ci/run installs it (apt-get install chromium)")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    base, _ = lab
    url = f"{base}/lab?token={TOKEN}"
    dom = chromium(tmp_path / "dom", url, "--dump-dom").stdout
    assert '<html lang="vi-VN"' in dom
    for text in ("Trình khởi chạy", "Cài đặt", "Phiên điều khiển"):  # Launcher, Settings, Terminal
        assert text in dom, text
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / "lab-launcher-vi.png"
    chromium(tmp_path / "shot", url, f"--screenshot={shot}")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
