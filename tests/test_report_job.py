"""The work report written by a build's second process after the ledger
(render/annexes/ledger_job.py ReportJob): the report's value goes there as JSON and comes back
the same value, whatever its text; the .docx is byte for byte the one written in one process;
a report that cannot be written fails the job like a ledger that cannot."""

from __future__ import annotations

import json
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, prepared_clean
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pipeline import Prepared
from generator.render.annexes import ledger_job
from generator.render.report import model
from generator.render.report.report import report_sections, write_docx
from generator.text import ledger as T

AS_OF = date(2019, 5, 24)
WHEN = datetime(2019, 5, 30, 9, 0, tzinfo=UTC)

TEXT = st.text(max_size=12)
PARAGRAPHS = st.builds(model.Paragraph, TEXT, TEXT, st.booleans())
TABLES = st.integers(1, 3).flatmap(lambda n: st.builds(
    model.Table, TEXT, st.tuples(*[TEXT] * n),
    st.lists(st.tuples(*[TEXT] * n), max_size=3).map(tuple),
    st.tuples(*[st.booleans()] * n), st.booleans()))
SECTIONS = st.recursive(
    st.builds(model.Section, TEXT, st.integers(1, 4),
              st.lists(st.one_of(PARAGRAPHS, TABLES), max_size=3).map(tuple)),
    lambda children: st.builds(model.Section, TEXT, st.integers(1, 4),
                               st.lists(st.one_of(PARAGRAPHS, TABLES), max_size=2).map(tuple),
                               st.lists(children, max_size=3).map(tuple)),
    max_leaves=6)
REPORTS = st.builds(model.Report, TEXT, st.lists(SECTIONS, max_size=3).map(tuple), TEXT, TEXT)


@settings(max_examples=150, deadline=None)
@given(REPORTS)
def test_a_report_through_json_is_the_same_report(report: model.Report) -> None:

    assert model.from_plain(json.loads(json.dumps(model.to_plain(report)))) == report


@pytest.mark.parametrize("plain", [
    {"kind": "Census"}, {"title": "x"}, {"kind": "Paragraph", "text": "x"},
    {"kind": "Report", "title": "t", "sections": [{"kind": "os.system"}], "issuer": "",
     "date": ""},
])
def test_anything_but_a_report_is_refused(plain: dict[str, object]) -> None:
    with pytest.raises(ValueError, match="report"):
        model.from_plain(plain)


@pytest.fixture(scope="module")
def shipped() -> Prepared:
    return prepared_clean(REPO / "records")


def test_the_child_writes_the_report_one_process_writes(shipped: Prepared,
                                                         tmp_path: Path) -> None:
    census, figures = shipped.census, shipped.figures
    assert census and figures
    write_docx(census, figures, tmp_path / "inline.docx", when=WHEN)
    out = tmp_path / "dist"
    out.mkdir()
    job_report = ledger_job.ReportJob(report_sections(census, figures), out / "r.docx", WHEN,
                                      census.city.issuer)
    with ledger_job.started(census, out, AS_OF, WHEN, tmp_path, job_report) as job:
        assert job.names == ("r.docx", T.FILE)  # known before they are written
        made = job.made()
    assert made == [out / "r.docx", out / T.FILE]
    assert (out / "r.docx").read_bytes() == (tmp_path / "inline.docx").read_bytes()


def test_a_report_that_cannot_be_written_fails_the_job(shipped: Prepared,
                                                       tmp_path: Path) -> None:
    census, figures = shipped.census, shipped.figures
    assert census and figures
    out = tmp_path / "dist"
    out.mkdir()
    (out / "r.docx").mkdir()  # a folder where the file should go
    job_report = ledger_job.ReportJob(report_sections(census, figures), out / "r.docx", WHEN,
                                      census.city.issuer)
    with ledger_job.started(census, out, AS_OF, WHEN, tmp_path, job_report) as job, \
            pytest.raises(OSError) as failed:
        job.made()
    assert "r.docx" in str(failed.value)
    with pytest.raises(OSError):  # asked again: the same failure
        job.wait()


def test_a_build_makes_the_same_files_with_the_report_written_here_or_beside_the_ledger(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Up to REPORT_BESIDE_LEDGER errors the ledger's process writes the report, beyond it
    the build's own: every file of the site and the downloads is the same bytes, but for the
    search entry of the 下载 page, which holds no size of a file written late (the page
    itself shows it)."""
    from generator import pipeline
    from generator.publish import late
    from generator.settings import for_records

    def built(name: str) -> dict[str, bytes]:
        settings = for_records(MINIMAL, site=tmp_path / name / "site",
                               dist=tmp_path / name / "dist", today=1559174400)
        assert pipeline.build(settings).outputs is not None
        return {str(p.relative_to(tmp_path / name)): p.read_bytes()
                for p in sorted((tmp_path / name).rglob("*")) if p.is_file()}

    prepared = prepared_clean(MINIMAL)
    assert prepared.census and late.report_beside_ledger(prepared.census)
    beside = built("beside")
    monkeypatch.setattr(late, "REPORT_BESIDE_LEDGER", 0)
    assert not late.report_beside_ledger(prepared.census)
    here = built("here")
    assert here.keys() == beside.keys() and "dist/工作报告.docx" in here
    index = ["site/search/search_index.json", "site/search/search_index.js"]
    assert [k for k in here if here[k] != beside[k] and k not in index] == []
    docs = {name: {d["location"]: d for d in json.loads(
        files[index[0]])["docs"]} for name, files in (("here", here), ("beside", beside))}
    assert docs["here"].keys() == docs["beside"].keys()
    assert [k for k in docs["here"] if docs["here"][k] != docs["beside"][k]] == [
        "downloads.html"]
    size = re.compile(r"\s*\d* KB")
    assert size.sub("", docs["here"]["downloads.html"]["text"]) == size.sub(
        "", docs["beside"]["downloads.html"]["text"])
    assert "工作报告.docx" in (tmp_path / "beside" / "site" / "report.html").read_text("utf-8")
