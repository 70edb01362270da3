"""The output folders of a build: which may be replaced and what marks them.

Takes the outputs of one build by role (``{"site": Path, "dist": Path}``) and its profile
(``internal`` or ``public``); gives
- check_outputs: refuses, all problems at once, a choice of folders whose replacement could
  delete what this tool did not make (BuildUsageError, a usage error);
- write_mark / read_mark: the mark file that says a folder is this tool's output, of which
  role and profile.
How the outputs are swapped in and recovered after a kill is build_stage's part.
"""

from __future__ import annotations

import json
import os
from contextlib import suppress
from pathlib import Path
from typing import Any

from generator.errors import EXIT_USAGE, GeneratorError
from generator.settings import CHECKOUT as REPO
from generator.text import render
from generator.text.build import PROFILES, ROLES, WRITE_REASONS

MARK = ".census-output"  # in every output folder this tool writes
TOOL = "python -m generator build"


class BuildError(GeneratorError):
    """A build that could not finish (exit 1); its code (:mod:`generator.text.build`) keys a
    Chinese message that says what to do."""


class BuildUsageError(BuildError):
    """A build refused before it began (output folders, settings): a usage error, exit 2,
    each problem shown on its own line after "用法错误："."""

    exit_code = EXIT_USAGE

    def show(self, prog: str) -> str:
        lines = self.format_message().splitlines()
        return "\n".join(render("build.usage_line", line=line) for line in lines)




def reason(exc: OSError) -> str:
    """Why a write failed, in Chinese; the system's own words only for rare errors."""
    known = WRITE_REASONS.get(exc.errno or 0)
    return known or render("build.reason_other", detail=exc.strerror or exc)


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
        raise BuildUsageError.joined(problems)


def full_path(path: Path) -> Path:
    """``path`` absolute, with links followed as far as they lead (a loop or a folder that may
    not be looked into stops there, it is not an error: the checks below say what is wrong)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):  # RuntimeError: a symbolic link loop (Python 3.11)
        return Path(os.path.abspath(path))


def _overlap(outputs: dict[str, Path]) -> list[BuildUsageError]:
    if "dist" not in outputs:
        return []
    site, dist = full_path(outputs["site"]), full_path(outputs["dist"])
    if site == dist:
        return [BuildUsageError("build.output_same", site=outputs["site"], dist=outputs["dist"])]
    if site in dist.parents or dist in site.parents:
        return [BuildUsageError("build.output_nested", site=outputs["site"],
                                dist=outputs["dist"])]
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


def _protected(role: str, path: Path,
               guarded: list[tuple[Path, str, bool]]) -> list[BuildUsageError]:
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
        return [BuildUsageError("build.output_protected", role=ROLES[role], path=path,
                                relation=render(relation), what=render(what), protected=folder)]
    return []


def _replaceable(role: str, path: Path, profile: str) -> list[BuildUsageError]:
    """Missing, empty, or marked as this role's output of this profile: nothing else."""
    where: dict[str, Any] = {"role": ROLES[role], "path": path}  # the fields of every message
    try:
        if path.is_symlink():
            return [BuildUsageError("build.output_symlink", **where)]
        if not path.exists():
            return []
        if not path.is_dir():
            return [BuildUsageError("build.output_not_folder", **where)]
        empty = next(path.iterdir(), None) is None
    except OSError:  # a folder on the way, or the output itself, that may not be looked into
        return [BuildUsageError("build.output_unreadable", **where)]
    mark = read_mark(path)
    if empty or mark == (role, profile):
        return []
    if mark is None:
        return [BuildUsageError("build.output_foreign", mark=MARK, **where)]
    their_role, their_profile = mark
    return [BuildUsageError("build.output_other", their_role=ROLES.get(their_role, their_role),
                            their_profile=PROFILES.get(their_profile, their_profile),
                            profile=PROFILES[profile], **where)]
