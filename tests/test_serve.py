"""`serve` through its real entry point: it serves the pages and regenerates on a record change."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
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
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.read().decode("utf-8")
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
    records = tmp_path / "records"
    shutil.copytree(MINIMAL, records)
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen([sys.executable, "-m", "generator", "serve", str(records),
                             "--port", str(port)], cwd=tmp_path, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        url = f"http://127.0.0.1:{port}/counties/hualong.html"
        assert _wait_for(url, "测试化工有限公司", 90), "preview did not come up"
        finding = records / "hualong/findings/hl-20190311-aaa.yaml"
        text = finding.read_text(encoding="utf-8")
        finding.write_text(text.replace("测试化工有限公司", "改名后的化工有限公司", 1),
                           encoding="utf-8")
        assert _wait_for(url, "改名后的化工有限公司", 90), "preview did not follow the change"
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()
