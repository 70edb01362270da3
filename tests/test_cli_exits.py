"""Exit codes for what is not a bug: wrong arguments exit 2, a refusing environment (not a
records folder, an unreadable or unwritable folder, a busy port) exits 3, each with a
Chinese message naming what to change; 70 stays for our own bugs."""

from __future__ import annotations

import shutil
import socket
from pathlib import Path

import pytest
from cli_helpers import as_nobody, free_port, main_in_process, open_tmp
from conftest import MINIMAL

from generator.cli.commands.serve import exposed

CHINESE = "的"  # every message here is a Chinese sentence


def _not_records(tmp_path: Path, kind: str) -> str:
    if kind == "missing":
        return str(tmp_path / "nope")
    if kind == "file":
        (tmp_path / "a.yaml").write_text("x: 1\n", encoding="utf-8")
        return str(tmp_path / "a.yaml")
    if kind == "empty":
        (tmp_path / "empty").mkdir()
        return str(tmp_path / "empty")
    if kind == "other":  # a folder of something else: the repository's tests/, /proc
        return str(Path(__file__).parent)
    return "/proc"


def _argv(command: str, records: str, port: int) -> list[str]:
    return {
        "validate": ["validate", records],
        "build": ["build", records, "--site", "unused-site", "--dist", "unused-dist"],
        "serve": ["serve", records, "--port", str(port)],
        "new": ["new", "finding", "--county", "hualong", "--records", records],
        "import": ["import", __file__, "--county", "hualong", "--records", records,
                   "--reviewed-on", "2019-03-11", "--reviewer", "乙"],
        "codeowners": ["codeowners", "--records", records],
    }[command]


@pytest.mark.parametrize("kind", ["missing", "file", "empty", "other", "proc"])
@pytest.mark.parametrize("command", ["validate", "build", "serve", "new", "import", "codeowners"])
def test_a_path_that_is_no_records_folder_exits_3(tmp_path: Path, command: str, kind: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    code, out, err = main_in_process(_argv(command, _not_records(tmp_path, kind), free_port()))
    assert code == 3, (out, err)
    assert "记录文件夹" in err and "Traceback" not in err + out and "内部错误" not in err
    assert not (tmp_path / "unused-site").exists() and not (tmp_path / "hualong").exists()


@pytest.mark.parametrize("port", ["99999", "65536", "0", "-1", "abc", "80.5"])
def test_a_port_out_of_range_is_a_usage_error(port: str) -> None:
    code, _, err = main_in_process(["serve", str(MINIMAL), "--port", port])
    assert code == 2 and "端口" in err and "1–65535" in err


@pytest.mark.parametrize("host", ["256.1.1.1", "example.com", "", "1.2.3", "::g"])
def test_a_host_that_is_no_address_is_a_usage_error(host: str) -> None:
    code, _, err = main_in_process(["serve", str(MINIMAL), "--host", host, "--port", "8000"])
    assert code == 2 and "监听地址" in err


@pytest.mark.parametrize("host", ["127.0.0.1", "0.0.0.0"])
def test_a_busy_port_exits_3_and_says_so(host: str) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, _, err = main_in_process(["serve", str(MINIMAL), "--host", host, "--port", str(port)])
    assert code == 3 and f"端口 {port} 已被占用" in err and "Traceback" not in err


def test_an_address_of_another_machine_exits_3() -> None:
    code, _, err = main_in_process(["serve", str(MINIMAL), "--host", "192.0.2.1",
                                    "--port", str(free_port())])
    assert code == 3 and "本机没有地址 192.0.2.1" in err


@pytest.mark.parametrize("host,warned", [("127.0.0.1", False), ("localhost", False),
                                         ("::1", False), ("127.0.0.2", False), ("0.0.0.0", True),
                                         ("::", True), ("192.0.2.1", True)])
def test_serving_beyond_this_machine_warns(host: str, warned: bool) -> None:
    assert exposed(host) is warned


def test_the_warning_for_0_0_0_0_is_printed() -> None:
    with socket.socket() as busy:  # busy, so that the command stops right after warning
        busy.bind(("0.0.0.0", 0))
        busy.listen()
        port = busy.getsockname()[1]
        _, _, err = main_in_process(["serve", str(MINIMAL), "--host", "0.0.0.0", "--port", str(port)])
    assert "警告：监听地址 0.0.0.0" in err and "内部版网站" in err


@pytest.mark.parametrize("error", [PermissionError(13, "Permission denied", "/srv/x.yaml"),
                                   OSError(28, "No space left on device", "/srv/site"),
                                   OSError(30, "Read-only file system", "/srv/records/a"),
                                   OSError(5, "Input/output error")])
def test_an_unforeseen_os_error_is_the_environment_not_a_bug(
        error: OSError, monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.pipeline

    def fail(*args: object, **kwargs: object) -> None:
        raise error

    monkeypatch.setattr(generator.pipeline, "check", fail)
    code, _, err = main_in_process(["validate", str(MINIMAL)])
    assert code == 3 and "内部错误" not in err and "Traceback" not in err
    assert (error.filename or "系统拒绝") in err


def test_a_bug_is_still_70(monkeypatch: pytest.MonkeyPatch) -> None:
    import generator.pipeline

    def fail(*args: object, **kwargs: object) -> None:
        raise KeyError("oops")

    monkeypatch.setattr(generator.pipeline, "check", fail)
    code, _, err = main_in_process(["validate", str(MINIMAL)])
    assert code == 70 and "内部错误" in err


def _read_only_copy(root: Path) -> Path:
    records = root / "records"
    shutil.copytree(MINIMAL, records)
    for path in [records, *records.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    return records


def test_new_into_a_read_only_folder_exits_3() -> None:
    with open_tmp() as root:
        records = _read_only_copy(root)
        scratch = root / "scratch"
        shutil.copytree(MINIMAL, scratch)
        before = sorted(p.name for p in records.rglob("*"))
        code, out, err = as_nobody(
            ["new", "finding", "--county", "hualong", "--records", str(records)],
            warm_up=["new", "finding", "--county", "hualong", "--records", str(scratch)])
        assert code == 3, (out, err)
        assert "无法写入" in err and "没有权限" in err and "Traceback" not in err
        assert sorted(p.name for p in records.rglob("*")) == before


def test_new_where_a_file_stands_for_the_folder_exits_3(minimal_tree: Path) -> None:
    shutil.rmtree(minimal_tree / "hualong/g106")
    (minimal_tree / "hualong/g106").write_text("not a folder\n", encoding="utf-8")
    code, out, err = main_in_process(["new", "g106", "--county", "hualong",
                                      "--records", str(minimal_tree)])
    assert code == 3 and "无法写入" in err, (out, err)
    assert (minimal_tree / "hualong/g106").read_text(encoding="utf-8") == "not a folder\n"


def test_validate_an_unreadable_records_folder_exits_3() -> None:
    with open_tmp() as root:
        records = root / "records"
        shutil.copytree(MINIMAL, records)
        records.chmod(0o000)
        code, out, err = as_nobody(["validate", str(records)],
                                   warm_up=["validate", str(MINIMAL)])
        assert code == 3 and "无法读取" in err and "没有权限" in err, (out, err)


@pytest.mark.parametrize("option", ["--site", "--dist"])
def test_build_never_replaces_a_file_named_as_its_output(tmp_path: Path, option: str) -> None:
    (tmp_path / "notes.txt").write_text("mine\n", encoding="utf-8")
    code, out, err = main_in_process(["build", str(MINIMAL), option, str(tmp_path / "notes.txt")])
    assert code == 2 and "[build.output_not_folder]" in err, (out, err)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine\n"


def test_every_refusal_and_import_code_has_its_message() -> None:
    """A code without a template would turn a refusal into a KeyError, exit 70."""
    import re

    from generator.text import imports as import_messages
    from generator.text import workflow as workflow_messages
    root = Path(__file__).resolve().parent.parent / "generator"
    text = "\n".join(p.read_text(encoding="utf-8") for p in root.rglob("*.py"))
    refused = set(re.findall(r'Refused\(\s*"([a-z_.]+)"', text))
    assert refused and refused <= set(workflow_messages.MESSAGES), refused - set(workflow_messages.MESSAGES)
    opened = (root / "tools/importer/open.py").read_text(encoding="utf-8")
    codes = set(re.findall(r'"(import\.[a-z_]+)"', opened))
    assert codes and codes <= set(import_messages.MESSAGES), codes - set(import_messages.MESSAGES)
