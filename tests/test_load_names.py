"""Record ids and county slugs: one definition (domain.is_record_id / is_county_slug), used by
the loader, ``new``, ``import`` and ``codeowners`` alike. A name ending in a newline, a space,
a full-width or other look-alike letter is refused everywhere, and nothing is written outside
records/ or into CODEOWNERS for such a name."""

from __future__ import annotations

import shutil
import string
from datetime import date
from pathlib import Path

import pytest
from conftest import MINIMAL, cli, run_cli
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records.domain import is_county_slug, is_record_id
from generator.records.load import load, shown_name
from generator.tools.scaffold import ScaffoldError, write_new

ID_CHARS = set(string.ascii_letters + string.digits + "_-")
SLUG_CHARS = set(string.ascii_lowercase + string.digits + "-")
TRAPS = ["zz\n", "zz\n\n", "zz ", " zz", "zz\r", "zz\t", "ｚｚ", "zz\u200b", "z\u0131", "\u212aa",
         "zz/..", "..", "", "-zz", "zz.", "ZZ", "zé", "ze\u0301", "hualong\n"]


@pytest.mark.parametrize("name", TRAPS)
def test_traps_are_neither_ids_nor_slugs(name: str) -> None:
    assert not is_county_slug(name)
    if name not in ("ZZ", "-zz"):
        assert not is_record_id(name)


@pytest.mark.parametrize("name", ["hualong", "hl-20190311-a3f", "a", "0", "kaifaqu2"])
def test_plain_names_are_slugs_and_ids(name: str) -> None:
    assert is_county_slug(name) and is_record_id(name)


@given(st.text(max_size=12))
def test_is_record_id_is_exactly_the_ascii_alphabet(text: str) -> None:
    assert is_record_id(text) == (bool(text) and set(text) <= ID_CHARS)


@given(st.text(max_size=12))
def test_is_county_slug_is_exactly_lowercase_ascii(text: str) -> None:
    expected = bool(text) and set(text) <= SLUG_CHARS and text[0] != "-"
    assert is_county_slug(text) == expected


# --- the loader ---------------------------------------------------------------------------------

file_names = st.one_of(
    st.text(st.characters(blacklist_characters="/\x00", blacklist_categories=("Cs",)),
            min_size=1, max_size=12),
    st.sampled_from(TRAPS).filter(lambda n: "/" not in n and n not in ("", "..")),
    st.from_regex(r"[A-Za-z0-9_-]{1,8}[ \n\t\r]?", fullmatch=True),
).filter(lambda n: n not in (".", "..") and not n.startswith(".")
         and len(n.encode("utf-8", "surrogatepass")) < 200)


@settings(max_examples=60, deadline=None)
@given(st.lists(file_names, min_size=1, max_size=4, unique=True))
def test_every_file_name_is_read_or_reported(tmp_path_factory: pytest.TempPathFactory,
                                              stems: list[str]) -> None:
    """Random names (unicode, trailing newline or space, case variants) in findings/: each file
    becomes a record whose id is valid, or is named in a problem; never skipped silently."""
    root = tmp_path_factory.mktemp("names") / "records"
    shutil.copytree(MINIMAL, root)
    folder = root / "hualong" / "findings"
    record = (folder / "hl-20190311-aaa.yaml").read_bytes()
    written = []
    for stem in stems:
        path = folder / f"{stem}.yaml"
        try:
            path.write_bytes(record)
        except OSError:  # a name this file system refuses cannot reach the loader either
            continue
        written.append(path)
    loaded = load(root)
    for path in written:
        stem = path.name[: -len(".yaml")]
        shown = (path.parent / shown_name(path.name)).as_posix()
        assert "\n" not in shown and "\r" not in shown
        read = [s for s in loaded.sources if s.file == shown]
        named = [p for p in loaded.problems if p.file == shown]
        assert read or named, f"{path.name!r} was skipped silently"
        if read:
            assert is_record_id(read[0].id) and read[0].id == stem


@pytest.mark.parametrize("folder", ["zz\n", "hualong\n", "hualong ", "ｈualong", "Zz", "zz\r"])
def test_county_folder_with_a_trap_name_is_refused(tmp_path: Path, folder: str) -> None:
    shutil.copytree(MINIMAL, tmp_path / "records")
    shutil.copytree(tmp_path / "records" / "hualong", tmp_path / "records" / folder)
    loaded = load(tmp_path / "records")
    shown = (tmp_path / "records" / shown_name(folder)).as_posix()
    assert shown in [p.file for p in loaded.problems if p.code == "rule.county_slug"]
    assert all("\n" not in p.file and "\r" not in p.file for p in loaded.problems)


# --- new, import, codeowners --------------------------------------------------------------------


@pytest.mark.parametrize("slug", ["zz\n", "hualong\n", "../x", "../../x", "hualong/..", "ｈｌ"])
def test_new_refuses_a_trap_slug(tmp_path: Path, slug: str) -> None:
    shutil.copytree(MINIMAL, tmp_path / "records")
    with pytest.raises(ScaffoldError) as info:
        write_new(tmp_path / "records", "county", slug, {}, date(2019, 3, 20))
    assert info.value.code == "new.bad_slug"
    assert sorted(p.name for p in (tmp_path / "records").iterdir()) == ["city.yaml", "hualong"]


@pytest.mark.parametrize("slug", ["../../x", "../x", "hualong/../../x", "x\n", "{absolute}"])
def test_import_refuses_a_slug_that_is_not_a_county_folder_name(tmp_path: Path,
                                                                slug: str) -> None:
    from generator.tools.importer.importer import Options, UsageError, import_workbook

    records = tmp_path / "a" / "b" / "records"
    shutil.copytree(MINIMAL, records)
    slug = slug.format(absolute=tmp_path / "elsewhere" / "x")  # an absolute path of the test's own
    outside = (records / slug) if not slug.startswith("/") else Path(slug)
    (outside).mkdir(parents=True, exist_ok=True)
    shutil.copy(records / "hualong" / "county.yaml", outside / "county.yaml")
    book = tmp_path / "a2.xlsx"
    book.write_bytes(b"")  # never opened: the slug is refused first
    with pytest.raises(UsageError) as raised:
        import_workbook(book, Options(county=slug, records=records, reviewed_on="2019-03-11",
                                      reviewer="乙"))
    assert raised.value.code == "usage.bad_slug"
    assert sorted(p.name for p in outside.iterdir()) == ["county.yaml"]


def test_import_cli_refuses_dot_dot_with_exit_2(tmp_path: Path) -> None:
    records = tmp_path / "a" / "records"
    shutil.copytree(MINIMAL, records)
    book = tmp_path / "a2.xlsx"
    book.write_bytes(b"")
    done = run_cli("import", str(book), "--county", "../../x", "--records", str(records),
                   "--reviewer", "乙", "--reviewed-on", "2019-03-11")
    assert done.returncode == 2 and "不合规" in done.stderr, done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize("folder", ["zz\n", "zz\n ", "Zz", "zz "])
def test_codeowners_refuses_a_county_folder_that_is_not_a_slug(tmp_path: Path,
                                                               folder: str) -> None:
    shutil.copytree(MINIMAL, tmp_path / "records")
    shutil.copytree(tmp_path / "records" / "hualong", tmp_path / "records" / folder)
    output = tmp_path / "CODEOWNERS"
    done = run_cli("codeowners", "--records", str(tmp_path / "records"), "--write",
                   "--output", str(output))
    assert done.returncode == 1, done.stderr
    assert "不合规" in done.stderr and "Traceback" not in done.stderr
    assert not output.exists()


def test_a_record_hidden_by_a_dot_is_a_warning_not_a_silent_skip(tmp_path: Path) -> None:
    """A dot-named .yaml file, or a county folder named with a dot, is not read (most
    systems hide them); each is said, as a warning. .git, .gitkeep and the like are not."""
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    finding = records / "hualong" / "findings" / "hl-20190311-aaa.yaml"
    shutil.copy(finding, finding.with_name(".hl-20190311-zzz.yaml"))
    (records / ".newcounty").mkdir()
    shutil.copy(records / "hualong" / "county.yaml", records / ".newcounty" / "county.yaml")
    (records / ".git" / "objects").mkdir(parents=True)
    (records / ".git" / "objects" / "a.yaml").write_text("x: 1\n", encoding="utf-8")
    (records / "hualong" / ".gitkeep").write_text("", encoding="utf-8")
    # macOS's companion of a file copied to a foreign disk: no record meant, no warning
    (finding.parent / f"._{finding.name}").write_bytes(b"\x00\x05\x16\x07")
    result = cli("validate", str(records))
    assert result.returncode == 0, result.stdout
    hidden = [line for line in result.stdout.splitlines() if "[load.hidden]" in line]
    assert len(hidden) == 2, result.stdout
    assert any(".hl-20190311-zzz.yaml" in line for line in hidden)
    assert any(line.split(":")[0].endswith(".newcounty") for line in hidden)
