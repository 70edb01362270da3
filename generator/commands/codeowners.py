"""``python -m generator codeowners [--records DIR] [--write | --check] [--output FILE]``.

.github/CODEOWNERS from the ``owners`` of every county.yaml: a pull request that touches
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

from generator.domain import is_county_slug
from generator.errors import GeneratorError
from generator.workflow_messages import render

EXIT_OK, EXIT_PROBLEMS = 0, 1
CITY_TEAM = "@puyang-census/city-team"
CITY_PATHS = ("/schemas/", "/generator/", "/site_templates/", "/.github/")


class OwnersError(GeneratorError):
    """A county.yaml or city.yaml whose owners cannot be written into CODEOWNERS (exit 1)."""

    def __init__(self, file: str, detail: str = "", code: str = "codeowners.bad_county") -> None:
        super().__init__(code, file=file, detail=detail)


def _read(path: Path) -> object:
    """A county.yaml or city.yaml through the loader's reader (which never blocks on a FIFO
    and says in Chinese what is wrong); any problem refuses the whole file."""
    from generator.load import read_source

    source, problems = read_source(path, "county", None, path.parent.name)
    if problems:
        raise OwnersError(path.as_posix(), problems[0].message)
    return source.data


def county_owners(records: Path) -> dict[str, list[str]]:
    """slug → owners, for every county folder that has a county.yaml, sorted by slug."""
    found: dict[str, list[str]] = {}
    for path in sorted(records.glob("*/county.yaml")):
        if path.parent.name.startswith("."):
            continue
        if not is_county_slug(path.parent.name):  # "zz\n" would write a line "/ @team"
            shown = json.dumps(path.parent.name, ensure_ascii=False)
            raise OwnersError(shown, code="codeowners.bad_slug")
        data = _read(path)
        owners = data.get("owners", []) if isinstance(data, dict) else None
        if not isinstance(owners, list) or not all(
                isinstance(o, str) and o.startswith("@") and " " not in o for o in owners):
            raise OwnersError(path.as_posix(), "owners")
        found[path.parent.name] = list(owners)
    return found


def city_owners(records: Path) -> str:
    """The city team's accounts from city.yaml ``owners``, space-separated; CITY_TEAM when
    the file does not name any."""
    path = records / "city.yaml"
    if not path.is_file():
        return CITY_TEAM
    data = _read(path)
    owners = data.get("owners") if isinstance(data, dict) else None
    if owners is None:
        return CITY_TEAM
    if not isinstance(owners, list) or not owners or not all(
            isinstance(o, str) and o.startswith("@") and " " not in o for o in owners):
        raise OwnersError(path.as_posix(), "owners")
    return " ".join(owners)


def generate(records: Path, city_team: str | None = None) -> str:
    """The CODEOWNERS text. Later lines win in CODEOWNERS, so the catch-all comes first."""
    city_team = city_team or city_owners(records)
    folder = records.resolve().name
    lines = [render("codeowners.header"), "", render("codeowners.city"), f"* {city_team}"]
    lines += [f"{path} {city_team}" for path in CITY_PATHS]
    lines += [f"/{folder}/city.yaml {city_team}", "", render("codeowners.counties")]
    for slug, owners in county_owners(records).items():
        if not owners:  # an entry without owners would let anyone approve; keep the city team
            lines.append(render("codeowners.no_owners", slug=slug))
        lines.append(f"/{folder}/{slug}/ {' '.join(owners or [city_team])}")
    return "\n".join(lines) + "\n"


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "codeowners", help="根据各县（区）county.yaml 的 owners 生成 .github/CODEOWNERS（审核人）",
        description="生成 CODEOWNERS：各县（区）的记录由 county.yaml 中 owners 列出的账号审核，"
                    "格式、程序、模板和市级记录由市普查办技术组审核。")
    p.add_argument("--records", default="records", help="记录文件夹（默认 records）")
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--write", action="store_true", help="写入文件（默认只打印）")
    mode.add_argument("--check", action="store_true",
                      help="只检查：文件与 county.yaml 不一致时退出码为 1")
    p.add_argument("--output", default=None,
                   help="CODEOWNERS 文件（默认为记录文件夹旁的 .github/CODEOWNERS）")
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
    from generator.load import display_path

    return display_path(path)
