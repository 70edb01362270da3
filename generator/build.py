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
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from generator.aggregate import Figures
from generator.model import Census
from generator.schemas import REPO, Schemas

MKDOCS_YML = REPO / "mkdocs.yml"
LOCK_NAME = ".build.lock"
STAGE_PREFIX = ".build-"
STAGE_MARK = ".census-build"  # in every staging folder: recovery touches no other .build-*


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


def _swap(new: Path, target: Path, trash: Path, role: str) -> None:
    """Replace ``target`` by ``new``: two renames on one file system, the old copy deleted last.
    Whatever stops the second rename (an error, Ctrl-C) puts the old copy back first."""
    old = None
    if target.exists():
        old = trash / f"old-{role}"
        target.rename(old)
    try:
        new.rename(target)
    except BaseException:
        if old is not None:
            old.rename(target)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _outputs(site: Path, dist: Path | None) -> dict[str, Path]:
    """The outputs of a build by role; a moved-aside copy is named after its role
    (``old-site``), so two outputs with the same folder name cannot be confused."""
    return {"site": site} if dist is None else {"site": site, "dist": dist}


@contextmanager
def _exclusive(parents: list[Path]) -> Iterator[list[str]]:
    """Hold the lock of every output folder (in a fixed order): a second build into any of
    them is refused, not interleaved. Yields notes: a file system without locks (some
    network shares) is used unlocked, and said so."""
    notes: list[str] = []
    with ExitStack() as stack:
        for parent in sorted(set(parents)):
            try:
                handle = stack.enter_context(open(parent / LOCK_NAME, "a+b"))
            except OSError as exc:
                raise BuildError(f"无法在 {parent} 建立临时文件夹和锁文件：{_reason(exc)}") from None
            try:
                _lock(handle.fileno())
            except OSError as exc:
                if exc.errno not in _LOCKED:
                    notes.append(f"{parent} 所在的文件系统不支持加锁：请勿同时运行两个生成")
                    continue
                raise BuildError(f"另一个生成正在向 {parent} 输出，请等它结束后再试") from None
            stack.callback(_unlock, handle.fileno())
        yield notes


_LOCKED = {errno.EWOULDBLOCK, errno.EAGAIN, errno.EACCES, getattr(errno, "EDEADLOCK", -1)}


def _lock(fd: int, take: bool = True) -> None:
    """Take (without waiting) or release the lock on a lock file. Released explicitly:
    Windows frees a lock only some time after its file is closed."""
    if sys.platform == "win32":
        import msvcrt

        os.lseek(fd, 0, os.SEEK_SET)  # msvcrt locks bytes from the current position
        msvcrt.locking(fd, msvcrt.LK_NBLCK if take else msvcrt.LK_UNLCK, 1)
    else:
        import fcntl

        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB if take else fcntl.LOCK_UN)


def _unlock(fd: int) -> None:
    with suppress(OSError):  # closing the file releases it anyway
        _lock(fd, take=False)


def _restore(stage: Path, outputs: dict[str, Path]) -> list[str]:
    """Put back any output moved aside into ``stage`` whose place is empty."""
    notes = []
    for role, target in outputs.items():
        old = stage / f"old-{role}"
        if old.is_dir() and not target.exists():
            old.rename(target)
            notes.append(f"上一次生成中途被终止：已恢复原有的 {target}")
    return notes


def _recover(parent: Path, outputs: dict[str, Path]) -> list[str]:
    """Clear up after a build that was killed outright (under the lock, so none is running).
    Only staging folders this tool made (they hold STAGE_MARK) are touched: an output one had
    moved aside is put back where its place is empty (where it is not, the copy is older than
    what is there and goes with the folder); the folder is then removed, unless it holds a
    copy of an output this build does not make, which is left for a person to look at."""
    notes = []
    known = {f"old-{role}" for role in outputs}
    for stale in sorted(parent.glob(STAGE_PREFIX + "*")):
        if not (stale / STAGE_MARK).is_file():
            continue
        notes += _restore(stale, outputs)
        left = sorted(p.name for p in stale.glob("old-*") if p.name not in known)
        if left:
            notes.append(f"上一次生成留下的 {stale} 中有 {'、'.join(left)}，请检查后手动删除")
            continue
        shutil.rmtree(stale, ignore_errors=True)
    return notes


def recover_outputs(site: Path, dist: Path | None) -> list[str]:
    """What ``build`` does first, for a caller that may not reach it (records with errors):
    put back outputs that a killed build left moved aside. Returns notes, in Chinese."""
    parent = site.parent.resolve()
    if not parent.is_dir():
        return []
    with _exclusive([parent]) as notes:
        try:
            return notes + _recover(parent, _outputs(site, dist))
        except OSError as exc:
            raise BuildError(f"无法清理 {parent} 中上一次生成留下的文件：{_reason(exc)}") from None


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
    outputs = _outputs(site, None if public else dist)
    try:
        for target in outputs.values():
            target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise BuildError(f"无法建立输出文件夹 {site.parent}：{_reason(exc)}") from None
    # absolute: MkDocs resolves a relative docs_dir against mkdocs.yml, not the cwd
    parent = site.parent.resolve()
    parents = [t.parent.resolve() for t in outputs.values()]
    if "dist" in outputs and os.stat(parents[1]).st_dev != os.stat(parent).st_dev:
        raise BuildError(f"网站 {site} 和附件 {dist} 的输出文件夹须在同一磁盘上"
                         "（生成完成后一次性替换，跨磁盘做不到），请换一个位置")
    with _exclusive(parents) as notes:
        try:
            notes += _recover(parent, outputs)
            stage = _new_stage(parent)
        except OSError as exc:
            raise BuildError(f"无法在 {site.parent} 建立临时文件夹：{_reason(exc)}") from None
        built = _build_in(stage, records, census, figures, schemas, outputs, public)
    built.notes[:0] = notes
    return built


def _new_stage(parent: Path) -> Path:
    """An empty staging folder in ``parent``, marked as this tool's (see _recover)."""
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=parent))
    try:
        with open(stage / STAGE_MARK, "w", encoding="utf-8") as mark:
            mark.write("staging folder of `python -m generator build`; safe to delete\n")
    except OSError:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def _build_in(stage: Path, records: Path, census: Census, figures: Figures, schemas: Schemas,
              outputs: dict[str, Path], public: bool) -> Outputs:
    from generator import leakscan
    from generator.render import report
    from generator.render import site as site_pages

    files: list[Path] = []
    try:
        if "dist" in outputs:
            files = _annexes(census, figures, stage / "dist")
        docs = stage / "docs"
        deferred = site_pages.write_pages(census, figures, schemas, docs, files,
                                          report.report_markdown(census, figures, public=public),
                                          public=public)
        _mkdocs(docs, stage / "site", site_pages.nav(census), source_date_epoch(records, census))
        site_pages.splice(stage / "site", deferred)
        if public:  # the last line: no confidential value in any file, or no swap
            leakscan.refuse_leaks(stage / "site", census, schemas)
        for role, target in outputs.items():
            _swap(stage / role, target, stage, role)
    except OSError as exc:
        where = f"（{exc.filename}）" if exc.filename else ""
        raise BuildError(f"写出文件失败{where}：{_reason(exc)}；原有的网站和附件未被改动") from None
    finally:
        _restore(stage, outputs)  # nothing moved aside is ever deleted with the stage
        shutil.rmtree(stage, ignore_errors=True)
    out = outputs.get("dist", outputs["site"])
    return Outputs(outputs["site"], out, [out / f.name for f in files])
