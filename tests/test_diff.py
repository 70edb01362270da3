"""``python -m generator diff``: two commits of a fixture repository made here with git."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import MINIMAL, cli, git

from generator.cli.commands.diff import cell, markdown
from generator.tools.diffing import compare

FINDING = "records/hualong/findings/hl-20190311-aaa.yaml"



def edit(repo: Path, rel: str, old: str, new: str) -> None:
    path = repo / rel
    text = path.read_text(encoding="utf-8")
    assert old in text, (rel, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def change_things(repo: Path) -> None:
    """One of each: rectify an error, break a form, add a finding, remove the assistance record,
    and touch city.yaml with a comment only."""
    edit(repo, FINDING, "rectification: {status: 未整改}",
         'rectification: {status: 已整改, date: "2019-03-20"}')
    edit(repo, FINDING, "form: G101-1", "form: N101-1")
    added = repo / "records/hualong/findings/hl-20190320-b2c.yaml"
    added.write_text((repo / FINDING).read_text(encoding="utf-8")
                     .replace("测试化工有限公司", "新增<b>|公司").replace("N101-1", "G101-1")
                     .replace('credit_code: "91350100M000100Y43"\n', ""),  # another object
                     encoding="utf-8")
    (repo / "records/hualong/assistance.yaml").unlink()
    edit(repo, "records/city.yaml", "title:", "# 只加了注释\ntitle:")


def test_two_commits_per_county(repo: Path) -> None:
    change_things(repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "change")
    diff = compare(repo / "records", "base")
    assert [c.slug for c in diff.counties] == ["hualong"]  # city.yaml: a comment is no change
    hualong = diff.counties[0]
    assert hualong.name == "华龙区"
    assert {(c.change, c.kind, c.record_id) for c in hualong.changes} == {
        ("added", "finding", "hl-20190320-b2c"),
        ("changed", "finding", "hl-20190311-aaa"),
        ("removed", "assistance", "hualong"),
    }
    codes = sorted(p.code for p in hualong.new_problems)
    assert codes == ["rule.assistance_missing", "rule.form_prefix"]
    assert [(r.record_id, r.form, r.indicator, r.date) for r in hualong.rectified] == [
        ("hl-20190311-aaa", "G106-1", "07 产品产量", "2019-03-20")]
    assert (diff.changes("added"), diff.changes("removed"), diff.errors_now) == (1, 1, 1)


def test_cli_text_against_a_branch_with_uncommitted_edits(repo: Path) -> None:
    change_things(repo)  # not committed: diff compares with the working tree
    result = cli("diff", "main", "--records", "records", cwd=repo)
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert out.startswith("本次变更（与 main 相比）\n")
    assert "华龙区（hualong）" in out
    assert "新增 集中审核明细 records/hualong/findings/hl-20190320-b2c.yaml" in out
    assert "删除 重点帮扶记录 records/hualong/assistance.yaml" in out
    assert f"{FINDING}:7:11: errors[1].form（普查表号）" in out
    assert "hl-20190311-aaa 测试化工有限公司 G106-1 07 产品产量 2019-03-20" in out
    assert "新出现 1 个错误、1 个警告" in out and "仍有 1 个错误" in out
    assert git(repo, "status", "--porcelain")  # nothing was checked out or reset


def test_markdown_summary_has_a_table_per_county_and_escapes_record_text(repo: Path) -> None:
    change_things(repo)
    result = cli("diff", "base", "--format", "markdown", cwd=repo)
    out = result.stdout
    assert out.startswith("## 本次变更（与 `base` 相比）\n")
    assert "| 县（区） | 新增 | 修改 | 删除 |" in out
    assert "| 华龙区（hualong） | 1 | 1 | 1 | 2 | 0 | 1 |" in out
    assert "### 华龙区（hualong）" in out
    assert "新增&lt;b&gt;\\|公司" in out and "<b>" not in out
    assert "| `hl-20190311-aaa` | 测试化工有限公司 | G106-1 | 07 产品产量 | 2019-03-20 |" in out
    assert_tables_are_rectangular(out)


def assert_tables_are_rectangular(out: str) -> None:
    """Every row of a table has as many cells as its header: no record text broke a table."""
    width = None
    for line in out.splitlines():
        if not line.startswith("|"):
            width = None
            continue
        cells = line.replace("\\|", "").count("|")
        width = width or cells
        assert cells == width, line


def test_no_change_says_so(repo: Path) -> None:
    result = cli("diff", "HEAD", cwd=repo)
    assert result.returncode == 0
    assert "记录没有变化。" in result.stdout and "当前记录校验通过。" in result.stdout
    assert "记录没有变化。" in cli("diff", "HEAD", "--format", "markdown", cwd=repo).stdout


def test_a_problem_that_only_moved_is_not_new(repo: Path) -> None:
    edit(repo, FINDING, "form: G101-1", "form: N101-1")
    git(repo, "commit", "-q", "-am", "broken")
    edit(repo, FINDING, "object_name:", "# 上面加一行，问题下移一行\nobject_name:")
    diff = compare(repo / "records", "HEAD")
    assert [c.new_problems for c in diff.counties] == []
    assert diff.errors_now == 1


def test_fixing_a_problem_counts_it_gone(repo: Path) -> None:
    edit(repo, FINDING, "form: G101-1", "form: N101-1")
    git(repo, "commit", "-q", "-am", "broken")
    edit(repo, FINDING, "form: N101-1", "form: G101-1")
    diff = compare(repo / "records", "HEAD")
    assert diff.gone_problems == 1 and diff.new_problems("error") == 0
    assert "消除 1 个问题" in cli("diff", "HEAD", cwd=repo).stdout


def test_a_new_county_shows_under_its_name(repo: Path) -> None:
    county = repo / "records/hualong/county.yaml"
    target = repo / "records/xinqu/county.yaml"
    target.parent.mkdir()
    target.write_text(county.read_text(encoding="utf-8").replace("华龙区", "新区")
                      .replace('"410902"', '"410999"').replace("key_assistance: true",
                                                               "key_assistance: false"),
                      encoding="utf-8")
    diff = compare(repo / "records", "base")
    assert [(c.slug, c.name) for c in diff.counties] == [("xinqu", "新区")]
    assert diff.counties[0].changes[0].change == "added"


def test_records_folder_missing_at_base_means_all_added(repo: Path) -> None:
    git(repo, "mv", "records", "data")
    git(repo, "commit", "-q", "-m", "moved")
    diff = compare(repo / "data", "base")
    assert diff.changes("added") == 6 and diff.changes("removed") == 0


def test_bad_ref_and_no_repository_exit_2_in_chinese(repo: Path, tmp_path: Path) -> None:
    bad = cli("diff", "no-such-branch", cwd=repo)
    assert bad.returncode == 2 and "git 中没有 no-such-branch" in bad.stderr
    assert cli("diff", "--", "-x", cwd=repo).returncode == 2
    outside = tmp_path / "plain"
    shutil.copytree(MINIMAL, outside / "records")
    lonely = cli("diff", "main", cwd=outside, env={"GIT_CEILING_DIRECTORIES": str(tmp_path)})
    assert lonely.returncode == 2 and "不在 git 仓库里" in lonely.stderr
    assert "Traceback" not in bad.stderr + lonely.stderr


def test_cell_keeps_record_text_data() -> None:
    assert cell("a|b") == "a\\|b"
    assert cell("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
    assert cell("行一\n行二") == "行一 行二"
    assert cell("[链接](http://x)") == "\\[链接\\](http://x)"
    assert cell("*粗*_斜_`码`") == "\\*粗\\*\\_斜\\_\\`码\\`"


def test_markdown_of_an_empty_diff_is_stable(repo: Path) -> None:
    diff = compare(repo / "records", "HEAD")
    assert markdown(diff, repo / "records") == markdown(diff, repo / "records")


def test_long_tables_are_cut_to_keep_the_summary_small(repo: Path,
                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.cli.commands import diff as command

    for n in range(3):
        (repo / f"records/hualong/findings/hl-20190320-x{n}a.yaml").write_text(
            (repo / FINDING).read_text(encoding="utf-8"), encoding="utf-8")
    monkeypatch.setattr(command, "MAX_ROWS", 2)
    out = command.markdown(compare(repo / "records", "HEAD"), repo / "records")
    assert out.count("| 新增 | 集中审核明细 |") == 2
    assert "……另有 1 行未列出" in out
    assert_tables_are_rectangular(out)


def test_counties_are_listed_city_first_then_by_division_code(repo: Path) -> None:
    for slug, code in (("aaa", "410999"), ("zzz", "410101")):
        target = repo / f"records/{slug}/county.yaml"
        target.parent.mkdir()
        target.write_text(f'code: "{code}"\nname: {slug}县\nkey_assistance: false\n', encoding="utf-8")
    edit(repo, "records/city.yaml", "title: 测试市", "title: 改过的测试市")
    diff = compare(repo / "records", "HEAD")
    assert [c.slug for c in diff.counties] == [None, "zzz", "aaa"]
