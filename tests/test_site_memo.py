"""The site renderers' memos: kept across serve's rebuilds, let go by a build once its pages
are written (at ten times city scale they held hundreds of megabytes through MkDocs)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MINIMAL

from generator import pipeline
from generator.render.site import memo, search, segment, tables
from generator.settings import for_records


def _filled() -> None:
    prepared = pipeline.prepare(MINIMAL)
    assert prepared.census is not None
    tables.finding_rows(prepared.census.findings)
    search._words("普查对象")


def test_forget_empties_every_memo() -> None:
    _filled()
    assert all(m.cache_info().currsize for m in (tables._object_rows, segment._cut))
    memo.forget()
    named = (tables._object_rows, tables._row_html, tables._row_json, tables._text_part,
             segment._cut, search._indexed_piece)
    assert all(m.cache_info().currsize == 0 for m in (*memo._MEMOS, *named))


def test_a_build_lets_the_memos_go_before_mkdocs(tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish import mkdocs_run

    sizes: list[int] = []
    real = mkdocs_run.run_mkdocs

    def watched(*args: object, **kwargs: object) -> None:
        sizes.append(sum(m.cache_info().currsize for m in memo._MEMOS))
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mkdocs_run, "run_mkdocs", watched)
    _filled()
    settings = for_records(MINIMAL, site=tmp_path / "site", dist=tmp_path / "dist",
                           today=1559174400)
    assert pipeline.build(settings).outputs is not None
    assert sizes == [0]


def test_a_render_once_passes_the_rerender_memos_by() -> None:
    prepared = pipeline.prepare(MINIMAL)
    assert prepared.census is not None
    memo.forget()
    with memo.once():
        inside = tables.finding_rows(prepared.census.findings)
    assert tables._object_rows.cache_info().currsize == 0
    assert tables.finding_rows(prepared.census.findings) == inside  # the same rows either way
    assert tables._object_rows.cache_info().currsize > 0
