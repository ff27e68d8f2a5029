"""Rendered pages and the index opened in a real browser — Debian's headless Chromium driven by
playwright-python (no browser download: `executable_path`): every image decodes, the console
shows no error, nothing is fetched from the network, the Vietnamese text is intact. A screenshot
of each page is kept in a temporary folder (a test artefact, printed), not in `outputs/`.

Uses the project's notebooks when `notebooks/` has them, else the stand-in notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests._browser import artefact_folder, need_chromium, render_reference

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    out = tmp_path_factory.mktemp("browser_out")
    return render_reference(out), out


@pytest.fixture(scope="module")
def artefacts() -> Path:
    return artefact_folder("screenshots")


@pytest.fixture(scope="module")
def browser():
    executable = need_chromium()
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        yield b
        b.close()


def inspect(browser, url: str, screenshot: Path) -> dict:
    """Open a page; what it shows, what it logged and what it fetched."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors, requests = [], []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(url, wait_until="load")
    found = page.evaluate(
        """() => ({
        images: [...document.images].map(i => [i.complete, i.naturalWidth]),
        text: document.body.innerText,
        lang: document.documentElement.lang,
        links: [...document.querySelectorAll('a[href]')].map(a => a.href)})"""
    )
    page.screenshot(path=str(screenshot), full_page=True)
    page.close()
    return found | {"errors": errors, "requests": requests}


def _check_offline_and_clean(found: dict) -> None:
    assert not found["errors"], found["errors"]
    remote = [u for u in found["requests"] if not u.startswith(("file:", "data:"))]
    assert not remote, remote
    assert all(ok and width > 0 for ok, width in found["images"]), found["images"]


def test_every_report_page_in_chromium(rendered, browser, artefacts):
    plan, _ = rendered
    for name in plan.notebooks:
        shot = artefacts / f"{plan.commune.code}-{name}.png"
        found = inspect(browser, plan.page(name).as_uri(), shot)
        _check_offline_and_clean(found)
        assert found["images"], f"{name}: no chart on the page"
        assert "6 tháng đầu năm 2024" in found["text"] and "Đông Sơn" in found["text"]
        assert found["lang"] == "vi"
        assert shot.stat().st_size > 10_000


def test_index_page_in_chromium(rendered, browser, artefacts):
    import urllib.request

    plan, out = rendered
    found = inspect(browser, (out / "index.html").as_uri(), artefacts / "index.png")
    _check_offline_and_clean(found)
    assert "6 tháng đầu năm 2024" in found["text"] and "Xã Đông Sơn" in found["text"]
    assert "Huyện Yên Thế" in found["text"]
    # Đông Sơn 2024-H1's pages show the synthetic series of earlier periods: marked as such
    assert "DỮ LIỆU GIẢ LẬP" in found["text"] and "giả lập" in found["text"]
    targets = [Path(urllib.request.url2pathname(u.removeprefix("file://"))) for u in found["links"]]
    assert len(targets) == len(plan.notebooks) and all(t.exists() for t in targets)
