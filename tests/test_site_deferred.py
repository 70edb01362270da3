"""The large tables kept round MkDocs (render/site/deferred.py) and the heap handed back
between build stages (generator/heap.py).

A build keeps the tables in files of its staging folder rather than in memory; what the splice
puts into the pages must be exactly what was kept, whichever way it was held."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import heap
from generator.render.site.deferred import Deferred, splice

PAGES = st.sampled_from(["index.html", "counties/hualong.html", "progress.html"])
MARKS = st.sampled_from(["<!-- detail-table:findings -->", "<!-- detail-table:g106 -->"])
# table HTML as record text can make it: line ends of every kind, non-BMP characters, NUL
HTML = st.text(st.characters(codec="utf-8"), max_size=200)


@settings(max_examples=60, deadline=None)
@given(puts=st.lists(st.tuples(PAGES, MARKS, HTML), max_size=8))
def test_a_table_held_in_a_file_reads_back_as_it_was_put(
        tmp_path_factory: pytest.TempPathFactory,
        puts: list[tuple[str, str, str]]) -> None:
    folder = tmp_path_factory.mktemp("tables")
    spilled, held = Deferred(folder), Deferred()
    for page, mark, html in puts:
        spilled.put(page, mark, html)
        held.put(page, mark, html)
    assert list(spilled) == list(held)
    assert {p: dict(spilled[p]) for p in spilled} == {p: dict(held[p]) for p in held}
    # in memory, only the names of its files: not one table's text
    assert all(name.endswith(".part") and len(name) < 16
               for tables in spilled._pages.values() for name in tables.values())
    assert len(list(folder.iterdir())) == len(puts)


def test_a_spilled_table_is_spliced_byte_for_byte(tmp_path: Path) -> None:
    site, folder = tmp_path / "site", tmp_path / "tables"
    (site / "counties").mkdir(parents=True)
    folder.mkdir()
    page = "<html><body>\r\n<!-- detail-table:findings -->\n</body></html>"
    (site / "counties" / "hualong.html").write_bytes(page.encode("utf-8"))
    table = "<table>\r\n<tr><td>濮阳𠀋 &amp; \x00</td></tr>\n</table>"
    deferred = Deferred(folder)
    deferred.put("counties/hualong.html", "<!-- detail-table:findings -->", table)
    splice(site, deferred)
    assert (site / "counties" / "hualong.html").read_bytes() == \
        page.replace("<!-- detail-table:findings -->", table).encode("utf-8")


def test_the_heap_is_given_back_where_the_c_library_can(monkeypatch: pytest.MonkeyPatch) -> None:
    heap._malloc_trim.cache_clear()
    try:
        glibc = sys.platform.startswith("linux") and heap._malloc_trim() is not None
        assert heap.give_back() is glibc
        heap._malloc_trim.cache_clear()
        monkeypatch.setattr(sys, "platform", "win32")  # no such call: nothing done, no error
        assert heap.give_back() is False
    finally:
        heap._malloc_trim.cache_clear()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="glibc only")
def test_the_debian_ci_machine_has_malloc_trim() -> None:
    import platform
    if platform.libc_ver()[0] != "glibc":
        pytest.skip(f"C library {platform.libc_ver()[0] or 'unknown'}: no malloc_trim")
    heap._malloc_trim.cache_clear()
    assert heap.give_back() is True


def test_give_back_with_collect_frees_cyclic_garbage_while_the_collector_is_paused() -> None:
    """The documents of the workbooks and the report hold reference cycles; the pages stage
    pauses the collector: ``give_back(collect=True)`` between them frees such garbage."""
    import gc
    import weakref

    class Node:
        other: object

    was = gc.isenabled()
    gc.disable()
    try:
        a, b = Node(), Node()
        a.other, b.other = b, a
        ref = weakref.ref(a)
        del a, b
        heap.give_back()
        assert ref() is not None  # without a collection, the cycle stays
        heap.give_back(collect=True)
        assert ref() is None
    finally:
        if was:
            gc.enable()


def test_the_ledger_made_beside_mkdocs_is_in_the_site_with_its_size(tmp_path: Path) -> None:
    """A build lists the ledger on the 下载 page before its process has written it (an empty
    file and a size placeholder, so that MkDocs need not wait): the built site must hold the
    ledger itself, and the page every download's real size, the ledger's included."""
    import re
    from urllib.parse import unquote

    from generator import cli
    from tests.conftest import MINIMAL

    site, dist = tmp_path / "site", tmp_path / "dist"
    assert cli.main(["build", str(MINIMAL), "--site", str(site), "--dist", str(dist)]) == 0
    page = (site / "downloads.html").read_text(encoding="utf-8")
    assert "download-size" not in page
    rows = re.findall(r'href="downloads/([^"]+)".*?<td[^>]*>(\d+) KB</td>', page, re.S)
    listed = {unquote(name): int(kb) for name, kb in rows}
    made = {p.name: p for p in dist.iterdir() if not p.name.startswith(".")}
    assert set(listed) == set(made) and "整改台账.xlsx" in listed
    for name, path in made.items():
        assert (site / "downloads" / name).read_bytes() == path.read_bytes(), name
        assert listed[name] == max(1, round(path.stat().st_size / 1024)), name


def test_a_late_download_not_announced_is_a_bug_not_a_silent_gap(tmp_path: Path) -> None:
    from generator.render.site.pages import late_downloads

    made = tmp_path / "b.xlsx"
    made.write_bytes(b"x")
    (tmp_path / "site" / "downloads").mkdir(parents=True)
    with pytest.raises(RuntimeError, match="announced"):
        late_downloads(tmp_path / "site", Deferred(), ("a.xlsx",), [made])
    with pytest.raises(RuntimeError, match="announced"):
        late_downloads(tmp_path / "site", Deferred(), (), [made])


def test_a_late_download_named_like_another_is_a_bug(tmp_path: Path) -> None:
    from generator.pipeline import prepare
    from generator.render.site.pages import write_pages
    from tests.conftest import MINIMAL

    prepared = prepare(MINIMAL)
    assert prepared.census is not None and prepared.figures is not None
    made = tmp_path / "整改台账.xlsx"
    made.write_bytes(b"x")
    with pytest.raises(RuntimeError, match="named twice"):
        write_pages(prepared.census, prepared.figures, prepared.checked.schemas,
                    tmp_path / "docs", [made], "# 报告\n", late=("整改台账.xlsx",))


def test_a_placeholder_left_on_the_downloads_page_stops_the_build(tmp_path: Path) -> None:
    from generator.render.site.pages import _size_mark, downloads_complete

    (tmp_path / "downloads.html").write_text("<td>12 KB</td>", encoding="utf-8")
    downloads_complete(tmp_path)  # every size in
    (tmp_path / "downloads.html").write_text(f"<td>{_size_mark('a.xlsx')} KB</td>",
                                             encoding="utf-8")
    with pytest.raises(RuntimeError, match="never put into the site"):
        downloads_complete(tmp_path)
