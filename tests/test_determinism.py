"""The same records give byte-identical outputs: two CLI builds of the shipped records/, into
separate folders and under different PYTHONHASHSEED values, hashed file by file."""

from __future__ import annotations

import difflib
import gzip
import hashlib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO, run_cli

EPOCH = {"SOURCE_DATE_EPOCH": "1559174400"}  # what CI passes; the default comes from git


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file under ``root`` by its relative path, with its SHA-256."""
    return {p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def _members(data: bytes) -> dict[str, bytes]:
    import io

    with zipfile.ZipFile(io.BytesIO(data)) as z:
        return {i.filename: z.read(i) + repr((i.date_time, i.external_attr)).encode()
                for i in z.infolist()}


def explain(a: Path, b: Path) -> str:
    """Where two files differ: the zip member or the first differing lines."""
    da, db = a.read_bytes(), b.read_bytes()
    if da[:2] == b"PK":
        ma, mb = _members(da), _members(db)
        names = sorted(set(ma) | set(mb))
        changed = [n for n in names if ma.get(n) != mb.get(n)]
        return f"{a.name}: zip members differ: {changed[:5]}"
    if da[:2] == b"\x1f\x8b":
        da, db = gzip.decompress(da), gzip.decompress(db)
        if da == db:
            return f"{a.name}: same content, gzip header differs (mtime?)"
    ta = da.decode("utf-8", "replace").splitlines()
    tb = db.decode("utf-8", "replace").splitlines()
    diff = list(difflib.unified_diff(ta, tb, lineterm="", n=0))[:12]
    return f"{a.name}:\n" + "\n".join(line[:300] for line in diff)


def build(out: Path, seed: str) -> dict[str, str]:
    done = run_cli("build", str(REPO / "records"), "--site", str(out / "site"),
                   "--dist", str(out / "dist"), env={"PYTHONHASHSEED": seed, **EPOCH})
    assert done.returncode == 0, done.stderr
    return {f"site/{k}": v for k, v in tree_hashes(out / "site").items()} | \
        {f"dist/{k}": v for k, v in tree_hashes(out / "dist").items()}


@pytest.mark.slow
def test_two_builds_are_byte_identical_whatever_the_hash_seed(tmp_path: Path) -> None:
    first = build(tmp_path / "a", "1")
    second = build(tmp_path / "b", "2718281")
    assert first.keys() == second.keys(), sorted(set(first) ^ set(second))
    differ = [name for name in first if first[name] != second[name]]
    reasons = [explain(tmp_path / "a" / n, tmp_path / "b" / n) for n in differ[:5]]
    assert not differ, f"{len(differ)} files differ:\n" + "\n\n".join(reasons)
    assert any(n.startswith("dist/") and n.endswith(".xlsx") for n in first)
    assert "site/index.html" in first

