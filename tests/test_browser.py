"""Rendered pages and the index opened in a real browser (Debian's headless Chromium, driven
over the DevTools protocol): every image decodes, the console shows no error, nothing is
fetched from the network, the Vietnamese text is intact; a screenshot of each page is kept in
outputs/_test_artifacts/.

Uses the project's notebooks when `notebooks/` has them, else the stand-in notebook."""

from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import urllib.request
from pathlib import Path

import pytest
from tornado.websocket import websocket_connect

from dvcq_lib.paths import OUTPUTS_DIR
from dvcq_lib.render.batch import BatchOptions, run_plans
from dvcq_lib.render.report import notebook_set, plan_report
from tests._engine_support import STANDINS

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARTIFACTS = OUTPUTS_DIR / "_test_artifacts"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--remote-debugging-port=0",
    "--window-size=1280,900",
]

if not Path(CHROMIUM).exists():
    if os.environ.get("CI"):
        raise RuntimeError("CI needs chromium: .ci/run installs it (apt-get install chromium)")
    pytest.skip("chromium is not installed (apt-get install chromium)", allow_module_level=True)


class Browser:
    """One headless Chromium and one tab, spoken to with the DevTools protocol."""

    def __init__(self, profile: Path) -> None:
        self.proc = subprocess.Popen(
            [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
            stderr=subprocess.PIPE,
            text=True,
        )
        for line in self.proc.stderr:
            if m := re.search(r"DevTools listening on ws://([^/]+)/", line):
                self.host = m.group(1)
                break
        else:
            raise RuntimeError("chromium did not start")
        with urllib.request.urlopen(f"http://{self.host}/json/list") as resp:
            pages = [t for t in json.load(resp) if t["type"] == "page"]
        self.ws_url = pages[0]["webSocketDebuggerUrl"]

    def close(self) -> None:
        self.proc.kill()
        self.proc.wait()

    def inspect(self, url: str, screenshot: Path) -> dict:
        return asyncio.run(self._inspect(url, screenshot))

    async def _inspect(self, url: str, screenshot: Path) -> dict:
        ws = await websocket_connect(self.ws_url, max_message_size=512 * 2**20)
        events: list[dict] = []
        counter = iter(range(1, 10**6))

        async def call(method: str, **params) -> dict:
            ident = next(counter)
            await ws.write_message(json.dumps({"id": ident, "method": method, "params": params}))
            while True:
                msg = json.loads(await ws.read_message())
                if msg.get("id") == ident:
                    assert "error" not in msg, msg
                    return msg["result"]
                events.append(msg)

        for domain in ("Page", "Runtime", "Log", "Network"):
            await call(f"{domain}.enable")
        await call("Page.navigate", url=url)
        while not any(e.get("method") == "Page.loadEventFired" for e in events):
            events.append(json.loads(await ws.read_message()))
        probe = await call(
            "Runtime.evaluate",
            returnByValue=True,
            expression="""JSON.stringify({
            images: [...document.images].map(i => [i.complete, i.naturalWidth]),
            text: document.body.innerText,
            links: [...document.querySelectorAll('a[href]')].map(a => a.href)})""",
        )
        shot = await call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        screenshot.parent.mkdir(parents=True, exist_ok=True)
        screenshot.write_bytes(base64.b64decode(shot["data"]))
        ws.close()
        found = json.loads(probe["result"]["value"])
        found["errors"] = [
            e
            for e in events
            if e.get("method") == "Runtime.exceptionThrown"
            or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] == "error")
            or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")
        ]
        found["requests"] = [
            e["params"]["request"]["url"]
            for e in events
            if e.get("method") == "Network.requestWillBeSent"
        ]
        return found


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Đông Sơn 2024-H1 (the reference report) rendered with every notebook, and the index."""
    out = tmp_path_factory.mktemp("browser_out")
    folder = None if notebook_set() else STANDINS
    names = None if folder is None else ["standin"]
    plan = plan_report(
        "Đông Sơn",
        "2024-H1",
        district="Yên Thế",
        notebooks=names,
        notebooks_dir=folder,
        outputs_dir=out,
    )
    outcome = run_plans(
        [plan], BatchOptions(outputs_dir=out, executor="serial", progress=False, timeout=300)
    )
    assert outcome.exit_code == 0, [r.error for r in outcome.failures]
    return plan, out


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    b = Browser(tmp_path_factory.mktemp("chromium_profile"))
    yield b
    b.close()


def _check_offline_and_clean(found: dict) -> None:
    assert not found["errors"], found["errors"]
    remote = [u for u in found["requests"] if not u.startswith(("file:", "data:"))]
    assert not remote, remote
    assert all(ok and width > 0 for ok, width in found["images"]), found["images"]


def test_every_report_page_in_chromium(rendered, browser):
    plan, _ = rendered
    for name in plan.notebooks:
        page = plan.page(name)
        found = browser.inspect(page.as_uri(), ARTIFACTS / f"{plan.commune.code}-{name}.png")
        _check_offline_and_clean(found)
        assert found["images"], f"{name}: no chart on the page"
        assert "6 tháng đầu năm 2024" in found["text"] and "Đông Sơn" in found["text"]
        assert (ARTIFACTS / f"{plan.commune.code}-{name}.png").stat().st_size > 10_000


def test_index_page_in_chromium(rendered, browser):
    plan, out = rendered
    found = browser.inspect((out / "index.html").as_uri(), ARTIFACTS / "index.png")
    _check_offline_and_clean(found)
    assert "6 tháng đầu năm 2024" in found["text"] and "Xã Đông Sơn" in found["text"]
    assert "Huyện Yên Thế" in found["text"]
    # Đông Sơn 2024-H1's pages show the synthetic series of earlier periods: marked as such
    assert "DỮ LIỆU GIẢ LẬP" in found["text"] and "giả lập" in found["text"]
    targets = [Path(urllib.request.url2pathname(u.removeprefix("file://"))) for u in found["links"]]
    assert len(targets) == len(plan.notebooks) and all(t.exists() for t in targets)
