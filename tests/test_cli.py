"""The command line through its real entry point: exit codes, formats, help, README coverage."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO, cli, run_cli

BAD_FORM = "errors:\n  - form: N101-1\n"


def _break(tree: Path) -> Path:
    path = tree / "hualong/findings/hl-20190311-aaa.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("form: G101-1", "form: N101-1"),
                    encoding="utf-8")
    return path


def test_shipped_records_validate_without_errors() -> None:
    result = run_cli("validate", "records")
    assert result.returncode == 0, result.stdout
    assert "：0 个错误" in result.stdout or "全部通过" in result.stdout


def test_clean_tree_exits_0_and_says_so() -> None:
    result = cli("validate", str(MINIMAL))
    assert (result.returncode, result.stdout) == (0, "检查了 6 个文件：全部通过。\n")


def test_errors_exit_1_in_text(minimal_tree: Path) -> None:
    _break(minimal_tree)
    result = cli("validate", "records", cwd=minimal_tree.parent)
    assert result.returncode == 1
    assert result.stdout.splitlines()[0].startswith(
        "records/hualong/findings/hl-20190311-aaa.yaml:7:11: errors[1].form（普查表号）: ")


def test_strict_turns_warnings_into_errors(minimal_tree: Path) -> None:
    (minimal_tree / "city.yaml").write_text(
        (minimal_tree / "city.yaml").read_text(encoding="utf-8").replace("experience: [经验一]\n", ""),
        encoding="utf-8")
    assert cli("validate", str(minimal_tree)).returncode == 0
    strict = cli("validate", "--strict", str(minimal_tree))
    assert strict.returncode == 1 and "警告：" not in strict.stdout
    assert strict.stdout.endswith("1 个错误，0 个警告。\n")


def test_json_format(minimal_tree: Path) -> None:
    _break(minimal_tree)
    result = cli("validate", "--format", "json", str(minimal_tree))
    doc = json.loads(result.stdout)
    assert doc["errors"] == 1 and doc["files"] == 6
    problem = doc["problems"][0]
    assert (problem["line"], problem["column"], problem["code"]) == (7, 11, "rule.form_prefix")
    assert problem["path"] == ["errors", 0, "form"]


def test_github_format_annotates_the_line(minimal_tree: Path) -> None:
    _break(minimal_tree)
    result = cli("validate", "--format", "github", "records", cwd=minimal_tree.parent)
    first = result.stdout.splitlines()[0]
    assert re.match(r"::error file=records/hualong/findings/hl-20190311-aaa\.yaml,line=7,col=11,"
                    r"title=errors\[1\]\.form（普查表号）::普查表号 N101-1 ", first), first


def test_usage_errors_exit_2() -> None:
    assert cli("validate", "--format", "xml").returncode == 2
    assert cli("no-such-command").returncode == 2
    assert cli().returncode == 2


def test_missing_records_dir_is_reported_not_raised(tmp_path: Path) -> None:
    """A records folder that does not exist is the environment's fault: exit 3, not 1."""
    result = cli("validate", str(tmp_path / "nope"))
    assert result.returncode == 3 and "Traceback" not in result.stderr
    assert "不存在" in result.stderr and result.stdout == ""


def _commands() -> list[str]:
    from generator.cli.main import build_parser

    parser = build_parser()
    sub = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction")
    return sorted(sub.choices)  # type: ignore[attr-defined]


@pytest.mark.parametrize("command", _commands())
def test_every_command_has_help_and_is_in_readme(command: str) -> None:
    result = cli(command, "--help")
    assert result.returncode == 0 and re.search(r"[\u4e00-\u9fff]", result.stdout)
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert f"python -m generator {command}" in readme


@pytest.mark.slow
def test_build_with_relative_paths_from_another_folder(minimal_tree: Path) -> None:
    """A user's own folder: records/, site/ and dist/ relative to it, not to the repository."""
    finding = minimal_tree / "hualong/findings/hl-20190311-aaa.yaml"
    finding.write_text(finding.read_text(encoding="utf-8").replace(
        "reason: 计量单位不一致", 'reason: "计量\\x01单位不一致"'), encoding="utf-8")
    result = cli("build", "records", cwd=minimal_tree.parent)
    assert result.returncode == 0, result.stdout + result.stderr
    assert (minimal_tree.parent / "site" / "index.html").is_file()
    assert len(list((minimal_tree.parent / "dist").glob("*.xlsx"))) == 6  # 附件1–3, 2 templates, 整改台账
    assert not list(minimal_tree.parent.glob(".build-*"))
