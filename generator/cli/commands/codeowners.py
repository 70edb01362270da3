"""``python -m generator codeowners [--records DIR] [--write | --check] [--output FILE]``.

.github/CODEOWNERS from the ``owners`` of every county.yaml (read, like every record, through
generator.records.load and its tree source): a pull request that touches
``records/<county>/`` asks that county's team for review; the city technical team (city.yaml
``owners``, CITY_TEAM when absent) owns the record format, the program, the site templates,
the workflows, city.yaml and anything not listed. Without options the file is printed;
``--write`` writes it; ``--check`` exits 1 when the file on disk is not what city.yaml and
county.yaml say (CI, pre-commit and a test run it).
"""

from __future__ import annotations

import argparse
import difflib
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, TypeGuard

from generator.errors import GeneratorError
from generator.records.domain import is_county_slug
from generator.text import cli as C
from generator.text.workflow import render

if TYPE_CHECKING:
    from generator.records.load import Loaded

EXIT_OK, EXIT_PROBLEMS = 0, 1
CITY_TEAM = "@puyang-census/city-team"
CITY_PATHS = ("/schemas/", "/generator/", "/site_templates/", "/.github/")


class OwnersError(GeneratorError):
    """A county.yaml or city.yaml whose owners cannot be written into CODEOWNERS (exit 1)."""

    def __init__(self, file: str, detail: str = "", code: str = "codeowners.bad_county") -> None:
        super().__init__(code, file=file, detail=detail)


def _owner_files(records: Path) -> tuple[dict[str, object], Loaded]:
    """city.yaml and every county.yaml, read through the one reader of the records tree (no
    FIFO opened, no link leading outside followed, dot-folders skipped): place shown → data.
    A problem with one of those files, or with a county folder itself, refuses the whole run."""
    from generator.records.load import load

    loaded = load(records, kinds=("city", "county"))
    shown = {loaded.show(p) for p in loaded.tree.refused  # a county folder, or its file
             if len(p) == 1 or p[1:] == ("county.yaml",)}
    for slug in loaded.counties:
        if "county.yaml" in loaded.tree.names.get((slug,), set()):
            if not is_county_slug(slug):  # "zz\n" would write a line "/ @team"
                raise OwnersError(json.dumps(slug, ensure_ascii=False), code="codeowners.bad_slug")
            shown.add(loaded.show((slug, "county.yaml")))
    shown.add(loaded.show(("city.yaml",)))
    for problem in loaded.problems:
        if problem.file in shown and problem.code.split(".")[0] in ("yaml", "load"):
            raise OwnersError(problem.file, problem.message)
    return {s.file: s.data for s in loaded.sources}, loaded


def _valid(owners: object) -> TypeGuard[list[str]]:
    return isinstance(owners, list) and all(
        isinstance(o, str) and o.startswith("@") and " " not in o for o in owners)


def county_owners(records: Path) -> dict[str, list[str]]:
    """slug → owners, for every county folder that has a county.yaml, sorted by slug."""
    return _county_owners(*_owner_files(records))


def city_owners(records: Path) -> str:
    """The city team's accounts from city.yaml ``owners``, space-separated; CITY_TEAM when
    the file does not name any."""
    return _city_owners(*_owner_files(records))


def _county_owners(data: dict[str, object], loaded: Loaded) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for slug in loaded.counties:
        file = loaded.show((slug, "county.yaml"))
        if file not in data:
            continue
        county = data[file]
        owners = county.get("owners", []) if isinstance(county, dict) else None
        if not _valid(owners):
            raise OwnersError(file, "owners")
        found[slug] = list(owners)
    return found


def _city_owners(data: dict[str, object], loaded: Loaded) -> str:
    file = loaded.show(("city.yaml",))
    city = data.get(file)
    owners = city.get("owners") if isinstance(city, dict) else None
    if owners is None:
        return CITY_TEAM
    if not _valid(owners) or not owners:
        raise OwnersError(file, "owners")
    return " ".join(owners)


def generate(records: Path, city_team: str | None = None) -> str:
    """The CODEOWNERS text. Later lines win in CODEOWNERS, so the catch-all comes first."""
    data, loaded = _owner_files(records)
    city_team = city_team or _city_owners(data, loaded)
    folder = records.resolve().name
    lines = [render("codeowners.header"), "", render("codeowners.city"), f"* {city_team}"]
    lines += [f"{path} {city_team}" for path in CITY_PATHS]
    lines += [f"/{folder}/city.yaml {city_team}", "", render("codeowners.counties")]
    for slug, owners in _county_owners(data, loaded).items():
        if not owners:  # an entry without owners would let anyone approve; keep the city team
            lines.append(render("codeowners.no_owners", slug=slug))
        lines.append(f"/{folder}/{slug}/ {' '.join(owners or [city_team])}")
    return "\n".join(lines) + "\n"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "codeowners", help=C.render("help.codeowners"),
        description=C.render("help.codeowners.description"))
    p.add_argument("--records", default="records", help=C.render("help.records"))
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help=C.render("help.codeowners.write"))
    mode.add_argument("--check", action="store_true",
                      help=C.render("help.codeowners.check"))
    p.add_argument("--output", default=None,
                   help=C.render("help.codeowners.output"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.exits import require_records

    records = Path(args.records)
    require_records(records)  # else exit 3: a missing folder would give an empty CODEOWNERS
    output = Path(args.output) if args.output else records.resolve().parent / ".github" / "CODEOWNERS"
    wanted = generate(records)  # OwnersError: exit 1, printed by cli.py
    shown = _shown(output)
    if args.check:
        current = output.read_text(encoding="utf-8") if output.is_file() else ""
        if current == wanted:
            sys.stdout.write(render("codeowners.in_sync", file=shown) + "\n")
            return EXIT_OK
        sys.stdout.writelines(difflib.unified_diff(
            current.splitlines(keepends=True), wanted.splitlines(keepends=True),
            fromfile=shown, tofile="county.yaml owners"))
        sys.stderr.write(render("codeowners.out_of_sync", file=shown) + "\n")
        return EXIT_PROBLEMS
    if args.write:
        output.parent.mkdir(parents=True, exist_ok=True)
        output.write_text(wanted, encoding="utf-8", newline="\n")
        sys.stderr.write(render("codeowners.written", file=shown) + "\n")
        return EXIT_OK
    sys.stdout.write(wanted)
    return EXIT_OK


def _shown(path: Path) -> str:
    from generator.records.load import display_path

    return display_path(path)
