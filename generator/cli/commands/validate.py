"""``python -m generator validate [RECORDS_DIR] [--strict] [--format text|json|github]``.

Exit 0 clean (warnings allowed), 1 problems, 3 when RECORDS_DIR is not a readable records
folder (generator/exits.py).
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.errors import REPORTERS
from generator.text import cli as C

EXIT_OK, EXIT_PROBLEMS = 0, 1


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def add_checking_arguments(p: argparse.ArgumentParser) -> None:
    """RECORDS_DIR, --strict and --format: the same for every command that validates."""
    p.add_argument("records", nargs="?", default="records", help=C.render("help.records"))
    p.add_argument("--strict", action="store_true", help=C.render("help.validate.strict"))
    p.add_argument("--format", choices=sorted(REPORTERS), default=default_format(),
                   help=C.render("help.validate.format"))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("validate", help=C.render("help.validate"),
                       description=C.render("help.validate.description"))
    add_checking_arguments(p)
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.exits import require_records
    from generator.pipeline import check
    from generator.settings import for_records, usable_cores

    settings = for_records(Path(args.records), strict=args.strict, workers=usable_cores())
    require_records(settings.paths.records)  # else exit 3: not a records folder, unreadable
    checked = check(settings.paths.records, strict=settings.strict,
                    schemas_dir=settings.paths.schemas, workers=settings.workers)
    sys.stdout.write(REPORTERS[args.format](checked.problems, checked.loaded.n_files))
    return EXIT_OK if checked.ok else EXIT_PROBLEMS
