"""`serve` through its real entry point: it serves the pages and regenerates on a record change."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from conftest import MINIMAL, REPO

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _get(url: str) -> str | None:
    """The body, also of an error response (the problem page of a URL not built yet)."""
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
    except urllib.error.HTTPError as exc:
        return exc.read().decode("utf-8")
    except OSError:
        return None


def _wait_for(url: str, needle: str, seconds: float) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        page = _get(url)
        if page and needle in page:
            return True
        time.sleep(0.5)
    return False


def test_serve_previews_and_follows_record_changes(tmp_path: Path) -> None:
    records, proc, url = _serving(tmp_path)
    try:
        finding = records / "hualong/findings/hl-20190311-aaa.yaml"
        text = finding.read_text(encoding="utf-8")
        finding.write_text(text.replace("测试化工有限公司", "改名后的化工有限公司", 1),
                           encoding="utf-8")
        assert _wait_for(url, "改名后的化工有限公司", 90), "preview did not follow the change"
    finally:
        out = _stop(proc)
    assert proc.returncode == 0, out


def _ctrl_c_obeyed() -> None:
    """In the preview's process before it runs: Ctrl+C back to Python's default. A test run
    started in the background by a shell without job control ignores SIGINT, and a process
    inherits that: the preview would then ignore the tests' Ctrl+C (Python installs its
    KeyboardInterrupt only where SIGINT is not ignored)."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _popen(args: list[str], cwd: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.Popen([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            preexec_fn=_ctrl_c_obeyed if os.name == "posix" else None)


def _start(records: Path, cwd: Path) -> tuple[subprocess.Popen[str], int]:
    port = _free_port()
    return _popen(["serve", str(records), "--port", str(port)], cwd), port


def _serving(tmp_path: Path) -> tuple[Path, subprocess.Popen[str], str]:
    """A preview of a copy of the shipped records, up: the copy, the process, and the URL of
    华龙区's page (already showing its object)."""
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    proc, port = _start(records, tmp_path)
    url = f"http://127.0.0.1:{port}/counties/hualong.html"
    if not _wait_for(url, "测试化工有限公司", 90):
        out = _stop(proc)
        pytest.fail(f"preview did not come up:\n{out}")
    return records, proc, url


def _stop(proc: subprocess.Popen[str]) -> str:
    """Ctrl+C; a preview that does not stop within 20 s is asked for its threads' stacks
    (serve prints them on SIGUSR1) before it is killed: they are then in its output."""
    proc.send_signal(signal.SIGINT)
    try:
        out, _ = proc.communicate(timeout=20)
    except subprocess.TimeoutExpired:
        if hasattr(signal, "SIGUSR1"):
            proc.send_signal(signal.SIGUSR1)
            time.sleep(2)
        proc.kill()
        out, _ = proc.communicate()
    return out


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_record_problems_show_in_the_browser_until_fixed(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    finding = records / "hualong/findings/hl-20190311-aaa.yaml"
    proc, port = _start(records, tmp_path)
    out = ""
    try:
        url = f"http://127.0.0.1:{port}/counties/hualong.html"
        assert _wait_for(url, "测试化工有限公司", 90), "preview did not come up"
        _edit(finding, "form: G101-1", "form: N101-1")
        assert _wait_for(url, "rule.form_prefix", 60), "the problem page did not appear"
        page = _get(url) or ""
        assert "hl-20190311-aaa.yaml:7:11" in page and "livereload" in page  # reloads when fixed
        _edit(finding, "form: N101-1", "form: G101-1")
        _edit(finding, "测试化工有限公司", "改好后的化工有限公司")
        assert _wait_for(url, "改好后的化工有限公司", 90), "the watcher stopped after the error"
    finally:
        out = _stop(proc)
    assert out.count("预览已更新") >= 2 and "记录有错误" in out and "Traceback" not in out


def test_starting_with_an_invalid_record_serves_the_problem_page(tmp_path: Path) -> None:
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    finding = records / "hualong/findings/hl-20190311-aaa.yaml"
    _edit(finding, "form: G101-1", "form: N101-1")
    proc, port = _start(records, tmp_path)
    try:
        assert _wait_for(f"http://127.0.0.1:{port}/", "rule.form_prefix", 90), \
            "no problem page at the start"
        assert "rule.form_prefix" in (_get(f"http://127.0.0.1:{port}/counties/hualong.html") or "")
        _edit(finding, "form: N101-1", "form: G101-1")
        assert _wait_for(f"http://127.0.0.1:{port}/counties/hualong.html", "测试化工有限公司", 90)
    finally:
        out = _stop(proc)
    assert proc.returncode == 0 and "上一次的页面" not in out, out


def test_a_render_failure_becomes_a_page_and_the_next_rebuild_recovers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Records that validate but do not render (a bug of ours) must not stop the preview."""
    from generator.preview.builder import Preview
    from generator.render.site import pages as site
    lines: list[str] = []
    preview = Preview(MINIMAL, tmp_path / "docs", tmp_path / "site", "http://127.0.0.1:1/",
                      say=lines.append)
    preview.rebuild()
    assert preview.failure is None and "预览已更新" in lines[-1]
    assert "测试化工有限公司" in (tmp_path / "site/counties/hualong.html").read_text("utf-8")

    def broken(*args: object, **kwargs: object) -> None:
        raise ValueError("模板出错")

    with monkeypatch.context() as patch:
        patch.setattr(site, "write_pages", broken)
        preview.rebuild()  # must not raise: MkDocs' watcher would stop for good
    assert preview.failure is not None and "生成失败" in lines[-1]
    for page in ("index.html", "counties/hualong.html"):
        text = (tmp_path / "site" / page).read_text("utf-8")
        assert "ValueError: 模板出错" in text and "生成网站时出错" in text
    assert b"ValueError" in (preview.error_page(404) or b"")
    preview.rebuild()
    assert preview.failure is None and "预览已更新" in lines[-1]
    assert "测试化工有限公司" in (tmp_path / "site/counties/hualong.html").read_text("utf-8")


@pytest.mark.skipif(not hasattr(signal, "SIGUSR1"), reason="SIGUSR1 is POSIX")
def test_sigusr1_prints_every_threads_stack_and_serve_goes_on(tmp_path: Path) -> None:
    """What a preview that stopped answering was doing: kill -USR1 prints its threads'
    stacks; the preview keeps serving and still stops on Ctrl+C."""
    records, proc, url = _serving(tmp_path)
    try:
        proc.send_signal(signal.SIGUSR1)
        time.sleep(1)
        assert _wait_for(url, "测试化工有限公司", 10), "preview stopped serving"
    finally:
        out = _stop(proc)
    assert proc.returncode == 0, out
    assert "Current thread" in out and "_build_loop" in out, out
