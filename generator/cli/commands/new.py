"""``python -m generator new KIND --county SLUG [--records DIR] [--date YYYY-MM-DD]``.

Writes a new record (generator/tools/scaffold.py) and prints its path on stdout, so that scripts and
editors can open it; the hint for people goes to stderr. Exit 0 written, 1 refused (the
file exists, an unknown county), 2 wrong arguments, 3 when the records folder is missing or
not writable (generator/exits.py).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path

from generator.records.domain import DATE_RE
from generator.text import cli as C
from generator.text.workflow import render

EXIT_OK = 0


def _day(text: str) -> date:
    # Python 3.11 also reads 20190311 as a date; the records spell dates YYYY-MM-DD only
    try:
        if DATE_RE.match(text):
            return date.fromisoformat(text)
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(render("new.bad_date", value=text))


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from generator.tools.scaffold import KINDS

    p = sub.add_parser(
        "new", help=C.render("help.new"),
        description=C.render("help.new.description"))
    p.add_argument("kind", choices=KINDS, metavar=C.render("help.new.metavar_kind"),
                   help=C.render("help.new.kind"))
    p.add_argument("--county", required=True, metavar=C.render("help.new.metavar_county"),
                   help=C.render("help.new.county"))
    p.add_argument("--records", default="records", help=C.render("help.records"))
    p.add_argument("--date", type=_day, default=None, metavar="YYYY-MM-DD",
                   help=C.render("help.new.date"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.exits import require_records
    from generator.records.load import display_path
    from generator.records.schemas import load_schemas
    from generator.settings import project_root
    from generator.tools.scaffold import write_new

    require_records(Path(args.records))  # else exit 3: not a records folder
    schema = load_schemas(project_root(Path(args.records)) / "schemas").documents[args.kind]
    # a refusal (ScaffoldError, exit 1; Refused, exit 3) is printed by cli.py
    path = write_new(Path(args.records), args.kind, args.county, schema, args.date or date.today())
    shown = display_path(path)
    sys.stdout.write(shown + "\n")
    sys.stderr.write(render("new.written", file=shown) + "\n")
    return EXIT_OK
