"""The built site in a real headless Chromium (Debian's, driven by Playwright): it loads with no
console error and no request leaving 127.0.0.1, Chinese search finds the right pages, tables
sort and filter, county pages show their findings. Also opened straight from disk (file://)."""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import pytest
from conftest import REPO, need_tool, run_cli

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built")
    result = run_cli("build", str(REPO / "records"), "--site", str(out / "site"),
                     "--dist", str(out / "dist"))
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "site"


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server(built: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(built))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    chromium = need_tool("chromium")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        instance = p.chromium.launch(executable_path=chromium, args=FLAGS)
        yield instance
        instance.close()


class Watched:
    """A page that records console errors and every request leaving the local server."""

    def __init__(self, browser: object, allowed: str):
        self.page = browser.new_page()  # type: ignore[attr-defined]
        self.errors: list[str] = []
        self.outside: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", self._request)
        self.allowed = allowed

    def _request(self, request: object) -> None:
        url = request.url  # type: ignore[attr-defined]
        parsed = urlparse(url)
        if parsed.scheme in ("data", "blob", "about"):
            return
        if self.allowed == "file" and parsed.scheme == "file":
            return
        if parsed.hostname != "127.0.0.1":
            self.outside.append(url)


# Material's result line says "正在初始化搜索引擎" until its worker has loaded the index.
SEARCH_READY = """() => {
  const meta = document.querySelector('.md-search-result__meta');
  return meta !== null && meta.textContent.trim() !== '' && !meta.textContent.includes('初始化');
}"""


def _search(page: object, query: str) -> list[str]:
    page.click(".md-search__input")  # type: ignore[attr-defined]
    page.wait_for_function(SEARCH_READY, timeout=60000)  # type: ignore[attr-defined]
    # Material reads the query on keyup (and once more when its index is ready). Playwright
    # types CJK characters as text input, without key events, as an IME commits them; a
    # person's IME then sends a keyup (the key that commits). End stands in for that key.
    page.keyboard.type(query)  # type: ignore[attr-defined]
    page.keyboard.press("End")  # type: ignore[attr-defined]
    page.wait_for_selector(".md-search-result__item", timeout=30000)  # type: ignore[attr-defined]
    for _ in range(8):  # Material renders results in batches as the list scrolls
        page.eval_on_selector(".md-search__scrollwrap",  # type: ignore[attr-defined]
                              "e => { e.scrollTop = e.scrollHeight; }")
        page.wait_for_timeout(150)  # type: ignore[attr-defined]
    return page.eval_on_selector_all(  # type: ignore[attr-defined]
        ".md-search-result__item a", "els => els.map(e => e.getAttribute('href'))")


def test_home_loads_cleanly_with_no_outside_request(browser: object, server: str) -> None:
    w = Watched(browser, "http")
    w.page.goto(server + "/index.html", wait_until="networkidle")
    assert "质量提升指导" in w.page.title()
    w.page.wait_for_selector(".chart-box svg")  # drawn once ECharts has loaded
    assert w.page.locator(".chart-box svg").count() >= 2
    assert w.errors == [] and w.outside == []


@pytest.mark.parametrize(("query", "expected"), [
    ("华龙区", "counties/hualong.html"),
    ("昌达印染", "counties/hualong.html"),
    ("G106-1", "analysis.html"),
    ("现场核查", "verifications.html"),
])
def test_chinese_search_finds_the_right_page(browser: object, server: str, query: str,
                                             expected: str) -> None:
    w = Watched(browser, "http")
    w.page.goto(server + "/index.html", wait_until="networkidle")
    hrefs = _search(w.page, query)
    assert any(expected in h for h in hrefs), hrefs
    assert w.errors == [] and w.outside == []


def test_county_page_shows_its_findings_and_tables_sort_and_filter(browser: object,
                                                                   server: str) -> None:
    w = Watched(browser, "http")
    w.page.goto(server + "/counties/hualong.html", wait_until="networkidle")
    table = w.page.locator(".detail-table table").first
    rows = table.locator("tbody tr")
    assert rows.count() == 19  # the shipped records: 华龙区 has 19 form errors
    header = table.locator("th", has_text="指标代码")
    header.click()
    assert header.get_attribute("aria-sort") in ("ascending", "descending")
    w.page.click("input.table-filter")
    w.page.keyboard.type("G106-1")
    visible = w.page.locator(".detail-table table >> nth=0 >> tbody tr:visible").count()
    assert 0 < visible < 19
    assert w.errors == [] and w.outside == []


def test_site_works_from_disk(browser: object, built: Path) -> None:
    """Opened straight from a shared folder: pages, tables, the offline search index and a
    Chinese search work with no request outside."""
    w = Watched(browser, "file")
    loaded: list[str] = []
    w.page.on("requestfinished", lambda r: loaded.append(r.url))
    w.page.goto((built / "counties" / "nanle.html").as_uri(), wait_until="load")
    assert w.page.locator(".detail-table table tbody tr").count() > 0
    assert (built / "search" / "search_index.js").is_file()
    w.page.wait_for_timeout(1500)
    assert any(u.endswith("/assets/vendor/iframe-worker/shim.js") for u in loaded), loaded
    hrefs = _search(w.page, "昌达印染")
    assert any("hualong.html" in h for h in hrefs), hrefs
    assert w.outside == [] and w.errors == []


@pytest.fixture(scope="module")
def large_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A site from synthetic records at a fifth of city scale: every county's 附件2 table is
    over the search limit, so it goes round MkDocs and is spliced into the built page."""
    out = tmp_path_factory.mktemp("large")
    made = subprocess.run([sys.executable, str(REPO / "benchmarks" / "synth.py"),
                           str(out / "records"), "--scale", "0.2"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert made.returncode == 0, made.stderr
    result = run_cli("build", str(out / "records"), "--site", str(out / "site"),
                     "--dist", str(out / "dist"))
    assert result.returncode == 0, result.stdout + result.stderr
    return out / "site"


def test_large_spliced_table_sorts_and_filters(browser: object, large_site: Path) -> None:
    html = (large_site / "counties" / "hualong.html").read_text(encoding="utf-8")
    assert "detail-table:" not in html  # every placeholder was replaced
    w = Watched(browser, "file")
    w.page.goto((large_site / "counties" / "hualong.html").as_uri(), wait_until="load")
    table = w.page.locator(".detail-table table").first
    rows = table.locator("tbody tr")
    total = rows.count()
    start = html.index('<div class="detail-table"')
    assert total > 400 and total == html.count("<tr><td>", start, html.index("</table>", start))
    first_name = rows.first.locator("td").nth(1).inner_text()
    header = table.locator("th", has_text="普查对象名称")
    header.click()
    assert header.get_attribute("aria-sort") in ("ascending", "descending")
    w.page.click("input.table-filter")
    w.page.keyboard.type(first_name)
    visible = w.page.locator(".detail-table table >> nth=0 >> tbody tr:visible").count()
    assert 0 < visible < total
    assert w.errors == [] and w.outside == []
