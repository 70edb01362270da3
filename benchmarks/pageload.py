"""How soon a built page is usable in Chromium: the largest county page against the home page.

``ready`` is the later of the load event and the end of the last long task (> 50 ms of main
thread work: parsing, layout, the table scripts) seen within a few seconds of opening the page
from disk (file://, as from a shared folder), in milliseconds from navigation start: until
then a click or a keystroke waits. Each page is opened ``repeat`` times in a fresh tab; the
median counts. Needs Playwright and Chromium (/usr/bin/chromium); None without them.
"""

from __future__ import annotations

import shutil
import statistics
from pathlib import Path
from typing import Any

OBSERVE = """
window.__longtasks = [];
new PerformanceObserver(list => {
  for (const e of list.getEntries()) window.__longtasks.push(e.startTime + e.duration);
}).observe({type: 'longtask', buffered: true});
"""
READY = """() => Math.max(performance.getEntriesByType('navigation')[0].loadEventEnd,
                        ...window.__longtasks)"""


def _ready(browser: Any, page: Path, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        tab = browser.new_page(viewport={"width": 1366, "height": 900})
        tab.add_init_script(OBSERVE)
        tab.goto(page.as_uri(), wait_until="load")
        tab.wait_for_timeout(3000)  # long tasks after load (the search index, late scripts)
        times.append(tab.evaluate(READY) / 1000)
        tab.close()
    return statistics.median(times)


def measure(site: Path, repeat: int = 3) -> dict[str, Any] | None:
    """Seconds until the largest county page and the home page are usable; None when there
    is no browser to measure with."""
    chromium = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        return None
    if chromium is None:
        return None
    county = max((site / "counties").glob("*.html"), key=lambda p: p.stat().st_size)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
        try:
            return {"county": county.name, "county_mib": county.stat().st_size / 2**20,
                    "county_seconds": _ready(browser, county, repeat),
                    "home_seconds": _ready(browser, site / "index.html", repeat)}
        finally:
            browser.close()
