"""Checked records → site/ and dist/, built in a staging folder and swapped in at the end.

Everything is gathered and written first; only a complete build replaces the previous
output, so a failed or interrupted build leaves the last good site and workbooks in place.
One build at a time per output folder (a lock file); a build that finds the leftovers of one
that was killed outright (SIGKILL, a power cut) puts back what it had moved aside and removes
its staging folder before it starts.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import subprocess
import sys
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from generator.aggregate import Figures
from generator.model import Census
from generator.schemas import REPO, Schemas

MKDOCS_YML = REPO / "mkdocs.yml"
LOCK_NAME = ".build.lock"
STAGE_PREFIX = ".build-"


class BuildError(Exception):
    """A build that could not finish; the message is Chinese and says what to do."""


@dataclass
class Outputs:
    site: Path
    dist: Path
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # what was found and repaired, in Chinese


def source_date_epoch(records: Path, census: Census) -> str:
    """SOURCE_DATE_EPOCH: given, else the last commit touching records/, else the period end."""
    given = os.environ.get("SOURCE_DATE_EPOCH")
    if given:
        return given
    try:
        done = subprocess.run(["git", "log", "-1", "--format=%ct", "--", "."], cwd=records,
                              capture_output=True, text=True, timeout=20, check=False)
        if done.returncode == 0 and done.stdout.strip().isdigit():
            return done.stdout.strip()
    except (OSError, subprocess.SubprocessError):
        pass
    end = datetime.fromisoformat(census.city.period_end).replace(tzinfo=UTC)
    return str(int(end.timestamp()))


def _mkdocs(docs: Path, site: Path, nav: list[dict[str, object]], epoch: str) -> None:
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, ConfigurationError

    os.environ["SOURCE_DATE_EPOCH"] = epoch
    os.environ.setdefault("NO_MKDOCS_2_WARNING", "1")
    _quiet_logs()
    collected = _WarningCollector()
    logging.getLogger("mkdocs").addHandler(collected)
    try:
        config = load_config(str(MKDOCS_YML), docs_dir=str(docs), site_dir=str(site), nav=nav,
                             strict=True)
        config.plugins.on_startup(command="build", dirty=False)
        try:
            mkdocs_build(config)
        finally:
            config.plugins.on_shutdown()
    except (Abort, ConfigurationError) as exc:
        detail = "；".join(collected.messages[:10]) or str(exc)
        raise BuildError(f"MkDocs 生成网站失败：{detail}") from None
    finally:
        logging.getLogger("mkdocs").removeHandler(collected)


class _WarningCollector(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _quiet_logs() -> None:
    logging.getLogger("mkdocs").setLevel(logging.WARNING)
    logging.getLogger("mkdocs").propagate = False
    with warnings.catch_warnings():  # jieba imports pkg_resources where setuptools exists
        warnings.simplefilter("ignore")
        try:
            import jieba

            jieba.setLogLevel(logging.WARNING)
        except ImportError:
            pass


_ERRNO_REASONS = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘后重试",
    errno.EDQUOT: "磁盘配额已用完，请清理后重试",
    errno.EACCES: "没有写入权限，请换一个输出文件夹或检查权限",
    errno.EPERM: "没有写入权限，请换一个输出文件夹或检查权限",
    errno.EROFS: "文件夹是只读的，请换一个输出文件夹",
    errno.ENOTDIR: "路径中有一个同名的文件挡住了文件夹，请换一个输出位置",
    errno.EEXIST: "路径中有一个同名的文件挡住了文件夹，请换一个输出位置",
}


def _reason(exc: OSError) -> str:
    """Why a write failed, in Chinese; the system's own words only for rare errors."""
    return _ERRNO_REASONS.get(exc.errno or 0, f"系统错误 {exc.strerror or exc}")


def _swap(new: Path, target: Path, trash: Path) -> None:
    """Replace ``target`` by ``new``: two renames on one file system, the old copy deleted last."""
    old = None
    if target.exists():
        old = trash / f"old-{target.name}"
        target.rename(old)
    try:
        new.rename(target)
    except OSError:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


@contextmanager
def _exclusive(parent: Path) -> Iterator[None]:
    """Hold the output folder's lock: a second build there is refused, not interleaved."""
    try:
        handle = open(parent / LOCK_NAME, "a+b")  # noqa: SIM115 (held for the whole build)
    except OSError as exc:
        raise BuildError(f"无法在 {parent} 建立临时文件夹和锁文件：{_reason(exc)}") from None
    try:
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise BuildError(f"另一个生成正在向 {parent} 输出，请等它结束后再试") from None
        yield
    finally:
        handle.close()  # closing releases the lock


def _recover(parent: Path, targets: list[Path]) -> list[str]:
    """Clear up after a build that was killed outright (under the lock, so none is running).
    An output it had moved aside (``old-site`` in its staging folder, the target missing) is
    put back; its staging folder is then removed, unless it holds something else moved aside,
    which is left for a person to look at."""
    notes = []
    for stale in sorted(parent.glob(STAGE_PREFIX + "*")):
        if not stale.is_dir():
            continue
        names = {f"old-{t.name}": t for t in targets}
        for name, target in names.items():
            old = stale / name
            if old.is_dir() and not target.exists():
                old.rename(target)
                notes.append(f"上一次生成中途被终止：已恢复原有的 {target}")
        unknown = sorted(p.name for p in stale.glob("old-*") if p.name not in names)
        if unknown:
            notes.append(f"上一次生成留下的 {stale} 中有 {'、'.join(unknown)}，请检查后手动删除")
            continue
        shutil.rmtree(stale, ignore_errors=True)
    return notes


def _annexes(census: Census, figures: Figures, out: Path) -> list[Path]:
    from generator.render import excel, report

    out.mkdir()
    files = excel.write_annexes(census, figures, out)
    docx = out / "工作报告.docx"
    report.write_docx(census, figures, docx)
    return [*files, docx]


def build(records: Path, census: Census, figures: Figures, schemas: Schemas,
          site: Path, dist: Path | None, public: bool = False) -> Outputs:
    """Build the site into ``site`` and, for the internal profile, the downloads into ``dist``.
    The public profile (``public=True``) names no census object and no person anywhere, and
    makes no annex workbook."""
    targets = [site] if dist is None or public else [site, dist]
    try:
        for target in targets:
            target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"无法建立输出文件夹 {site.parent}：{_reason(exc)}") from None
    # absolute: MkDocs resolves a relative docs_dir against mkdocs.yml, not the cwd
    parent = site.parent.resolve()
    with _exclusive(parent):
        try:
            notes = _recover(parent, targets)
            stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=parent))
        except OSError as exc:
            raise BuildError(f"无法在 {site.parent} 建立临时文件夹：{_reason(exc)}") from None
        outputs = _build_in(stage, records, census, figures, schemas, targets, public)
    outputs.notes[:0] = notes
    return outputs


def _build_in(stage: Path, records: Path, census: Census, figures: Figures, schemas: Schemas,
              targets: list[Path], public: bool) -> Outputs:
    from generator.render import report
    from generator.render import site as site_pages

    site = targets[0]
    files: list[Path] = []
    try:
        if len(targets) == 2:
            files = _annexes(census, figures, stage / "dist")
        docs = stage / "docs"
        deferred = site_pages.write_pages(census, figures, schemas, docs, files,
                                          report.report_markdown(census, figures, public=public),
                                          public=public)
        _mkdocs(docs, stage / "site", site_pages.nav(census), source_date_epoch(records, census))
        site_pages.splice(stage / "site", deferred)
        _swap(stage / "site", site, stage)
        if len(targets) == 2:
            _swap(stage / "dist", targets[1], stage)
    except OSError as exc:
        where = f"（{exc.filename}）" if exc.filename else ""
        raise BuildError(f"写出文件失败{where}：{_reason(exc)}；原有的网站和附件未被改动") from None
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    out = targets[1] if len(targets) == 2 else site
    return Outputs(site, out, [out / f.name for f in files])
