"""The output folders of a build: which may be replaced, what marks them, how they are swapped
and how a killed build's leftovers are put back.

Takes the outputs of one build by role (``{"site": Path, "dist": Path}``) and its profile
(``internal`` or ``public``); gives
- check_outputs: refuses, all problems at once, a choice of folders whose replacement could
  delete what this tool did not make (BuildUsageError, a usage error);
- write_mark: the mark file that says a folder is this tool's output, of which role and profile;
- new_stage: a staging folder whose own mark says which profile and targets it is building;
- swap: all outputs replaced together or none, or a message saying exactly which one changed;
- recover: after a build killed outright, puts back only the copies that a build of the same
  profile moved aside from the same target.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from generator.build_messages import PROFILES, ROLES, render, text
from generator.schemas import REPO

MARK = ".census-output"  # in every output folder this tool writes
STAGE_PREFIX = ".build-"
STAGE_MARK = ".census-build"  # in every staging folder: recovery touches no other .build-*
TOOL = "python -m generator build"


class BuildError(Exception):
    """A build that could not finish; the message is Chinese and says what to do."""


class BuildUsageError(BuildError):
    """A build refused before it began (output folders, settings): a usage error, exit 2."""


_ERRNO_REASONS = {
    errno.ENOSPC: "磁盘空间不足，请清理磁盘后重试",
    errno.EDQUOT: "磁盘配额已用完，请清理后重试",
    errno.EACCES: "没有写入权限，请换一个输出文件夹或检查权限",
    errno.EPERM: "没有写入权限，请换一个输出文件夹或检查权限",
    errno.EROFS: "文件夹是只读的，请换一个输出文件夹",
    errno.ENOTDIR: "路径中有一个同名的文件挡住了文件夹，请换一个输出位置",
    errno.EEXIST: "路径中有一个同名的文件挡住了文件夹，请换一个输出位置",
}


def reason(exc: OSError) -> str:
    """Why a write failed, in Chinese; the system's own words only for rare errors."""
    return _ERRNO_REASONS.get(exc.errno or 0, f"系统错误 {exc.strerror or exc}")


# --- marks -----------------------------------------------------------------------------------

def write_mark(folder: Path, role: str, profile: str) -> None:
    """Mark ``folder`` as this tool's ``role`` output of ``profile`` (fixed bytes: builds stay
    byte-identical). Written after MkDocs, so it is in no search index or sitemap."""
    data = {"profile": profile, "role": role, "tool": TOOL}
    with open(folder / MARK, "w", encoding="utf-8") as mark:
        mark.write(json.dumps(data, sort_keys=True) + "\n")


def read_mark(folder: Path) -> tuple[str, str] | None:
    """(role, profile) of a folder this tool wrote, or None for any other folder."""
    try:
        data = json.loads((folder / MARK).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("tool") != TOOL:
        return None
    return str(data.get("role")), str(data.get("profile"))


# --- which folders may be replaced -----------------------------------------------------------

def check_outputs(records: Path, outputs: dict[str, Path], profile: str) -> None:
    """Refuse (BuildUsageError, every problem at once) outputs that are one folder or nested,
    that hold or sit inside the records, schemas, .git or the repository, that are links or
    files, or that hold files this tool did not write for this role and profile."""
    problems = _overlap(outputs)
    guarded = _guarded(records)
    for role, path in outputs.items():
        found = _protected(role, path, guarded)
        problems += found or _replaceable(role, path, profile)
    if problems:
        raise BuildUsageError("\n".join(problems))


def full_path(path: Path) -> Path:
    """``path`` absolute, with links followed as far as they lead (a loop or a folder that may
    not be looked into stops there, it is not an error: the checks below say what is wrong)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11)
        return Path(os.path.abspath(path))


def _overlap(outputs: dict[str, Path]) -> list[str]:
    if "dist" not in outputs:
        return []
    site, dist = full_path(outputs["site"]), full_path(outputs["dist"])
    if site == dist:
        return [render("build.output_same", site=outputs["site"], dist=outputs["dist"])]
    if site in dist.parents or dist in site.parents:
        return [render("build.output_nested", site=outputs["site"], dist=outputs["dist"])]
    return []


def _repo_root(start: Path) -> Path | None:
    """The nearest folder at or above ``start`` that holds a ``.git``."""
    for folder in (start, *start.parents):
        with suppress(OSError):
            if (folder / ".git").exists():
                return folder
    return None


def _guarded(records: Path) -> list[tuple[Path, str, bool]]:
    """(folder, what it is, whether an output may not be inside it either): the records given,
    and, for this tool's repository and the ones around the records and the working folder,
    the repository itself (an output may live inside it, not hold it), .git, records, schemas."""
    found = full_path(records)
    guarded = [(found, "build.records", True)]
    try:
        here = Path.cwd()
    except OSError:  # the working folder was deleted
        here = found
    roots = {REPO.resolve()} | {r for r in (_repo_root(found), _repo_root(here)) if r}
    for root in sorted(roots):
        guarded += [(root, "build.repo", False), (root / ".git", "build.git", True),
                    (root / "records", "build.records", True),
                    (root / "schemas", "build.schemas", True)]
    return guarded


def _protected(role: str, path: Path, guarded: list[tuple[Path, str, bool]]) -> list[str]:
    full = full_path(path)
    for folder, what, both_ways in guarded:
        if full == folder:
            relation = "build.is"
        elif full in folder.parents:
            relation = "build.holds"
        elif both_ways and folder in full.parents:
            relation = "build.inside"
        else:
            continue
        return [render("build.output_protected", role=ROLES[role], path=path,
                       relation=text(relation), what=text(what), protected=folder)]
    return []


def _replaceable(role: str, path: Path, profile: str) -> list[str]:
    """Missing, empty, or marked as this role's output of this profile: nothing else."""
    where = {"role": ROLES[role], "path": path}
    try:
        if path.is_symlink():
            return [render("build.output_symlink", **where)]
        if not path.exists():
            return []
        if not path.is_dir():
            return [render("build.output_not_folder", **where)]
        empty = next(path.iterdir(), None) is None
    except OSError:  # a folder on the way, or the output itself, that may not be looked into
        return [render("build.output_unreadable", **where)]
    mark = read_mark(path)
    if empty or mark == (role, profile):
        return []
    if mark is None:
        return [render("build.output_foreign", mark=MARK, **where)]
    their_role, their_profile = mark
    return [render("build.output_other", their_role=ROLES.get(their_role, their_role),
                   their_profile=PROFILES.get(their_profile, their_profile),
                   profile=PROFILES[profile], **where)]


# --- the staging folder and the swap ---------------------------------------------------------

def new_stage(parent: Path, outputs: dict[str, Path], profile: str) -> Path:
    """An empty staging folder in ``parent``, marked with the profile and the targets it builds
    (recovery restores a copy moved aside into it only to the same target and profile)."""
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=parent))
    try:
        mark_stage(stage, outputs, profile)
    except OSError:
        shutil.rmtree(stage, ignore_errors=True)
        raise
    return stage


def mark_stage(stage: Path, outputs: dict[str, Path], profile: str) -> None:
    data = {"profile": profile, "targets": {r: str(full_path(p)) for r, p in outputs.items()},
            "tool": TOOL, "note": "staging folder of a build; the next build clears it"}
    with open(stage / STAGE_MARK, "w", encoding="utf-8") as mark:
        mark.write(json.dumps(data, ensure_ascii=False, sort_keys=True) + "\n")


@dataclass
class _Moves:
    """Where a swap got to: roles whose old output is in the stage, roles whose new one is in."""

    aside: list[str] = field(default_factory=list)
    placed: list[str] = field(default_factory=list)


def swap(stage: Path, outputs: dict[str, Path]) -> None:
    """Replace every output by its new copy in ``stage``: first every old one moved aside, then
    every new one moved in. Whatever stops it (an error, Ctrl-C) undoes what was done; an
    OSError becomes a BuildError saying exactly which output, if any, changed."""
    moves = _Moves()
    try:
        for role, target in outputs.items():
            if target.exists():
                target.rename(stage / f"old-{role}")
                moves.aside.append(role)
        for role, target in outputs.items():
            (stage / role).rename(target)
            moves.placed.append(role)
    except BaseException as exc:
        _undo(stage, outputs, moves)
        if isinstance(exc, OSError):
            raise BuildError(write_failed(exc, stage, outputs, moves)) from None
        raise


def _undo(stage: Path, outputs: dict[str, Path], moves: _Moves) -> None:
    """Move each new output out again and each old one back, as far as the system lets."""
    for role in reversed(list(moves.placed)):
        try:
            outputs[role].rename(stage / role)
            moves.placed.remove(role)
        except OSError:
            pass
    for role in list(moves.aside):
        if role in moves.placed:
            continue  # the new one stays: its old copy goes with the stage
        try:
            (stage / f"old-{role}").rename(outputs[role])
            moves.aside.remove(role)
        except OSError:
            pass


def write_failed(exc: OSError, stage: Path, outputs: dict[str, Path],
                 moves: _Moves | None = None) -> str:
    """The message of a failed write: why, and what became of each output."""
    where = f"（{exc.filename}）" if exc.filename else ""
    moves = moves or _Moves()
    if not moves.placed and not moves.aside:
        outcome = text("build.unchanged_all")
    else:
        parts = []
        for role, target in outputs.items():
            fields = {"role": ROLES[role], "target": target}
            if role in moves.placed:
                parts.append(text("build.updated", **fields))
            elif role in moves.aside:
                parts.append(text("build.kept_aside", stale=stage, **fields))
            else:
                parts.append(text("build.unchanged", **fields))
        outcome = "，".join(parts)
    return render("build.write_failed", where=where, reason=reason(exc), outcome=outcome)


# --- after a build killed outright -----------------------------------------------------------

@dataclass(frozen=True)
class _StageMark:
    profile: str | None  # None: a mark this version cannot read
    targets: dict[str, str]


def _stage_mark(stage: Path) -> _StageMark | None:
    """What a staging folder says it built; None when it is not this tool's."""
    try:
        raw = (stage / STAGE_MARK).read_text(encoding="utf-8")
    except OSError:
        return None
    try:
        data = json.loads(raw)
        return _StageMark(str(data["profile"]), {str(k): str(v) for k, v in data["targets"].items()})
    except (ValueError, KeyError, TypeError, AttributeError):
        return _StageMark(None, {})


def _belongs(copy: Path, mark: _StageMark, outputs: dict[str, Path], profile: str) -> bool:
    """A copy moved aside goes back only to the target, role and profile it came from."""
    role = copy.name.removeprefix("old-")
    target = outputs.get(role)
    return (target is not None and mark.profile == profile
            and mark.targets.get(role) == str(full_path(target))
            and read_mark(copy) in (None, (role, profile)))


def _copies(stage: Path) -> list[Path]:
    return sorted(p for p in stage.glob("old-*") if p.is_dir() or p.is_symlink())


def restore(stage: Path, outputs: dict[str, Path], profile: str) -> list[str]:
    """Put back every copy in ``stage`` that belongs to this build and whose place is empty.
    A copy that cannot be moved stays where it is (see _stranded): it is never deleted."""
    mark = _stage_mark(stage)
    notes = []
    for copy in _copies(stage) if mark else []:
        target = outputs.get(copy.name.removeprefix("old-"))
        if (mark is None or target is None or not _belongs(copy, mark, outputs, profile)
                or target.exists() or target.is_symlink()):
            continue
        try:
            copy.rename(target)
        except OSError:
            continue
        notes.append(render("build.restored", target=target))
    return notes


def _stranded(stage: Path, outputs: dict[str, Path]) -> bool:
    """Whether ``stage`` holds an old output of this build whose place is still empty."""
    return any(not outputs[role].exists() for role in
               (c.name.removeprefix("old-") for c in _copies(stage)) if role in outputs)


def recover(parent: Path, outputs: dict[str, Path], profile: str) -> list[str]:
    """Clear up after builds killed outright (under the lock, so none is running). Only
    staging folders this tool made are touched: this build's copies go back where their place
    is empty (where it is not, the copy is older than what is there and goes with the folder);
    a folder holding a copy of another profile or target is left, and named, for its own build."""
    notes = []
    for stale in sorted(parent.glob(STAGE_PREFIX + "*")):
        mark = _stage_mark(stale)
        if mark is None:
            continue
        notes += restore(stale, outputs, profile)
        left = [c for c in _copies(stale) if not _belongs(c, mark, outputs, profile)]
        if left:
            notes.append(_left_note(stale, mark, left))
        elif not _stranded(stale, outputs):
            shutil.rmtree(stale, ignore_errors=True)
    return notes


def _left_note(stale: Path, mark: _StageMark, left: list[Path]) -> str:
    copies = "、".join(c.name for c in left)
    if mark.profile is None or any(c.name.removeprefix("old-") not in mark.targets for c in left):
        return render("build.left_unknown", stale=stale, copies=copies)
    targets = "、".join(f"{ROLES.get(r, r)} {t}" for r, t in sorted(mark.targets.items()))
    return render("build.left_other", profile=PROFILES.get(mark.profile, mark.profile),
                  outputs=targets, stale=stale, copies=copies)


def clear_stage(stage: Path, outputs: dict[str, Path], profile: str) -> None:
    """At the end of a build: put back what is still moved aside, then delete the staging
    folder, unless an old output in it could not be put back (the next build will)."""
    restore(stage, outputs, profile)
    if not _stranded(stage, outputs):
        shutil.rmtree(stage, ignore_errors=True)
