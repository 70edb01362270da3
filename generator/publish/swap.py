"""The staging folder of a build, the final swap, and recovery after a build killed outright.

Takes the outputs of one build by role (``{"site": Path, "dist": Path}``) and its profile;
gives
- new_stage: a staging folder whose own mark says which profile and targets it is building;
- swap: all outputs replaced together or none, or a message saying exactly which one changed;
- recover / clear_stage: put back only the copies that a build of the same profile moved
  aside from the same target, and delete a staging folder only when nothing of a person's or
  of another build's would go with it.
"""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path

from generator.publish.marks import TOOL, BuildError, full_path, read_mark, reason
from generator.text.build import PROFILES, ROLES, render, text

STAGE_PREFIX = ".build-"
STAGE_MARK = ".census-build"  # in every staging folder: recovery touches no other .build-*


def new_stage(parent: Path, outputs: dict[str, Path], profile: str) -> Path:
    """An empty staging folder in ``parent``, marked with the profile and the targets it builds
    (recovery restores a copy moved aside into it only to the same target and profile)."""
    stage = Path(tempfile.mkdtemp(prefix=STAGE_PREFIX, dir=parent))
    try:
        mark_stage(stage, outputs, profile)
    except BaseException:  # an error, or SIGTERM / Ctrl-C before the mark is whole
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
            raise write_failed(exc, stage, outputs, moves) from None
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
                 moves: _Moves | None = None) -> BuildError:
    """The error of a failed write: why, and what became of each output."""
    where = text("build.where", file=exc.filename) if exc.filename else ""
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
        outcome = text("build.outcome_sep").join(parts)
    return BuildError("build.write_failed", where=where, reason=reason(exc), outcome=outcome)


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
            # a build killed between making its staging folder and marking it leaves it
            # empty: an empty folder holds nothing of anyone's, so it goes; any other stays
            with suppress(OSError):
                stale.rmdir()
            continue
        notes += restore(stale, outputs, profile)
        left = [c for c in _copies(stale) if not _belongs(c, mark, outputs, profile)]
        if left:
            notes.append(_left_note(stale, mark, left))
        elif not _stranded(stale, outputs):
            shutil.rmtree(stale, ignore_errors=True)
    return notes


def _left_note(stale: Path, mark: _StageMark, left: list[Path]) -> str:
    copies = text("build.list_sep").join(c.name for c in left)
    if mark.profile is None or any(c.name.removeprefix("old-") not in mark.targets for c in left):
        return render("build.left_unknown", stale=stale, copies=copies)
    targets = text("build.list_sep").join(f"{ROLES.get(r, r)} {t}" for r, t in sorted(mark.targets.items()))
    return render("build.left_other", profile=PROFILES.get(mark.profile, mark.profile),
                  outputs=targets, stale=stale, copies=copies)


def clear_stage(stage: Path, outputs: dict[str, Path], profile: str) -> None:
    """At the end of a build: put back what is still moved aside, then delete the staging
    folder, unless an old output in it could not be put back (the next build will)."""
    restore(stage, outputs, profile)
    if not _stranded(stage, outputs):
        shutil.rmtree(stage, ignore_errors=True)
