"""The last line: after the public site is built in staging, every file is scanned for every
confidential value; a hit fails the build and the previous public site stays."""

from __future__ import annotations

import gzip
import html
import io
import json
import urllib.parse
import zipfile
from pathlib import Path

import pytest
from conftest import REPO
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generator.pipeline import prepare
from generator.publish import leakscan
from generator.publish.staging import BuildError, build
from generator.records import redact

PREPARED = prepare(REPO / "records")
assert PREPARED.census and PREPARED.figures
CENSUS, FIGURES, SCHEMAS = PREPARED.census, PREPARED.figures, PREPARED.checked.schemas
VALUES = sorted(redact.confidential_texts(CENSUS, SCHEMAS))


def _escaped(value: str) -> list[str]:
    return [value, html.escape(value), json.dumps(value)[1:-1], urllib.parse.quote(value),
            "\u200b".join(value), "".join(f"&#{ord(c)};" for c in value)]


def test_every_kind_of_confidential_value_is_collected() -> None:
    assert "濮阳清源水务有限公司城东污水处理厂" in VALUES  # object names
    assert "杨帆" in VALUES and "KF-0216" in VALUES and "13900000901" in VALUES
    assert any(len(v) == 18 and v[:2].isdigit() for v in VALUES)  # credit codes
    assert not {e.reason for f in CENSUS.findings for e in f.errors} & set(VALUES)


@settings(max_examples=60, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(value=st.sampled_from(VALUES), how=st.integers(0, 5),
       where=st.sampled_from(["page.html", "search/search_index.json", "sitemap.xml.gz",
                              "assets/x.js", "downloads/a.zip"]))
def test_a_value_is_found_however_it_was_written(value: str, how: int, where: str,
                                                 tmp_path_factory: pytest.TempPathFactory
                                                 ) -> None:
    site = tmp_path_factory.mktemp("site")
    body = f"<p>前文{_escaped(value)[how]}后文</p>".encode()
    path = site / where
    path.parent.mkdir(parents=True, exist_ok=True)
    (site / "clean.html").write_text("<p>全市审核情况</p>", encoding="utf-8")
    if where.endswith(".gz"):
        body = gzip.compress(body)
    elif where.endswith(".zip"):
        packed = io.BytesIO()
        with zipfile.ZipFile(packed, "w") as archive:
            archive.writestr("inner/page.html", body)
        body = packed.getvalue()
    path.write_bytes(body)
    leaks = leakscan.scan(site, VALUES)
    assert [leak.value for leak in leaks if value == leak.value], (value, how, where)
    assert all(leak.file.startswith(where) for leak in leaks)


def test_a_clean_site_has_no_leak(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text("<p>全市共审核普查对象 100 个</p>", encoding="utf-8")
    assert leakscan.scan(tmp_path, VALUES) == []
    assert leakscan.scan(tmp_path, ["甲"]) == []  # shorter than the minimum: ignored


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_a_leak_fails_the_public_build_and_keeps_the_previous_site(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "site-public"
    build(REPO / "records", CENSUS, FIGURES, SCHEMAS, site, None, public=True)
    before = _snapshot(site)
    assert leakscan.scan(site, VALUES) == []
    # a renderer that forgets to redact: the full model goes into the public pages
    from generator.render.site import pages as site_pages
    monkeypatch.setattr(site_pages, "public_view", lambda census, figures, schemas: (
        census, figures))
    with pytest.raises(BuildError) as caught:
        build(REPO / "records", CENSUS, FIGURES, SCHEMAS, site, None, public=True)
    message = str(caught.value)
    assert "保密内容" in message and "counties/" in message and "原有的公开版网站未被改动" in message
    assert _snapshot(site) == before
    assert not any(p.name.startswith(".build-") for p in tmp_path.iterdir())


@pytest.mark.slow
def test_a_leaking_template_fails_the_public_build(tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """A template that prints a value the model no longer has cannot leak; one that reaches
    around the model (here: a page text with a name in it) is caught by the scan."""
    from generator.render.site import pages as site_pages
    leaked_name = CENSUS.findings[0].object_name
    real = site_pages._benchmark_results
    monkeypatch.setattr(site_pages, "_benchmark_results",
                        lambda path: real(path) + f"\n{leaked_name}\n")
    with pytest.raises(BuildError):
        build(REPO / "records", CENSUS, FIGURES, SCHEMAS, tmp_path / "site-public", None,
              public=True)
    assert not (tmp_path / "site-public").exists()


@pytest.mark.slow
def test_values_the_tools_own_text_says_are_not_leaks(tmp_path: Path) -> None:
    """The minimal tree's team unit is 市普查办技术组 and its credit code the documented
    example: both stand in the 填报说明 and the schemas, so the public build must pass."""
    from conftest import MINIMAL

    prepared = prepare(MINIMAL)
    assert prepared.census is not None and prepared.figures is not None
    values = redact.confidential_texts(prepared.census, prepared.checked.schemas)
    assert {"市普查办技术组", "91350100M000100Y43"} <= set(values)
    build(MINIMAL, prepared.census, prepared.figures, prepared.checked.schemas,
          tmp_path / "site-public", None, public=True)
    assert (tmp_path / "site-public" / "index.html").is_file()


@pytest.mark.parametrize(("value", "written"), [
    ("杨 帆", "一是杨帆同志"), ("孙立伟", "孙\u200e立伟"), ("孙立伟", "孙\U000e0100立伟"),
    ("HL-0311", "hl\u200b-0311"), ("91410902MA189AQAY9", "91410902ma189aqay9"),
])
def test_the_last_line_finds_what_validate_finds(tmp_path: Path, value: str,
                                                 written: str) -> None:
    """The final scan compares as validate does (privacy.Needles): spacing, invisible
    characters and small letters hide nothing from it either."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "report.html").write_text(f"<p>{html.escape(written)}</p>", encoding="utf-8")
    assert [leak.value for leak in leakscan.scan(site, [value])] == [value]


@pytest.mark.parametrize(("value", "written"), [
    ("周平", "每周 平均值偏高"),  # two cells of a search entry, joined by a space
    ("南本", "河南\n本县"),  # a line break of a page between two words
    ("孙立伟", "孙 立伟"),  # spaced in the page: validate's business, field by field
])
def test_the_last_line_joins_nothing_across_white_space(tmp_path: Path, value: str,
                                                        written: str) -> None:
    """Squeezing white space across a whole built file joins words of different cells:
    the scan refused public builds for values that no text held."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "search_index.json").write_text(json.dumps({"docs": [{"text": written}]},
                                                        ensure_ascii=False), encoding="utf-8")
    assert leakscan.scan(site, [value]) == []
