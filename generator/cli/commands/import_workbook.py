"""``python -m generator import WORKBOOK --county SLUG [--records DIR] [--dry-run] …``.

Reads a filled 附件1 or 附件2 workbook into new YAML records of one county (generator/tools/importer/importer.py)
and prints what it did, what it skipped and every problem, located by sheet, cell and header.
Exit codes: 0 done (warnings allowed), 1 problems, 2 wrong usage, 3 the environment: the
records folder is missing or not a records folder, the workbook cannot be read, a record
file cannot be written (generator/exits.py).
"""

from __future__ import annotations

import argparse
import sys
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from generator.errors import count, report_text
from generator.records.load import display_path
from generator.text import cli as C
from generator.text import imports as M
from generator.text import vocabulary

if TYPE_CHECKING:
    from generator.tools.importer.importer import Outcome

from generator.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_PROBLEMS


def _date(value: str) -> str:
    try:
        if len(value) != 10:
            raise ValueError(value)
        date.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(M.render("usage.date", value=value)) from None
    return value


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import", help=C.render("help.import"),
        description=C.render("help.import.description"))
    p.add_argument("workbook", help=C.render("help.import.workbook"))
    p.add_argument("--county", help=C.render("help.import.county"))
    p.add_argument("--records", default="records", help=C.render("help.records"))
    p.add_argument("--dry-run", action="store_true", help=C.render("help.import.dry_run"))
    p.add_argument("--reviewer", help=C.render("help.import.reviewer"))
    p.add_argument("--reviewed-on", type=_date,
                   help=C.render("help.import.reviewed_on"))
    p.add_argument("--status", default=vocabulary.NOT_RECTIFIED,
                   choices=[vocabulary.NOT_RECTIFIED, vocabulary.IN_PROGRESS, vocabulary.RECTIFIED],
                   help=C.render("help.import.status"))
    p.add_argument("--result", choices=list(vocabulary.REVIEW_RESULTS),
                   default=vocabulary.NEEDS_VERIFICATION,
                   help=C.render("help.import.result"))
    p.add_argument("--force", action="store_true",
                   help=C.render("help.import.force"))
    p.set_defaults(func=run)


def _unwritable(outcome: Outcome) -> int:
    return sum(p.code == "import.unwritable" for p in outcome.problems)


def _finish(outcome: Outcome, dry_run: bool) -> str:
    errors, _ = count(outcome.problems)
    if _unwritable(outcome):
        return M.render("note.unwritable", bad=_unwritable(outcome), n=len(outcome.written))
    if errors and not outcome.written:
        return M.render("note.blocked")
    if errors:
        return M.render("note.forced", n=len(outcome.written),
                        bad=len(outcome.planned) - len(outcome.written))
    if not outcome.planned:
        return M.render("note.nothing")
    if dry_run:
        return M.render("note.dry_run", n=len(outcome.planned))
    return M.render("note.written", n=len(outcome.written), skipped=outcome.skipped)


def run(args: argparse.Namespace) -> int:
    from generator.exits import require_records
    from generator.settings import project_root
    from generator.tools.importer.importer import Options, import_workbook

    require_records(Path(args.records))  # else exit 3
    from generator.cli.ledger_output import ledger_or_county

    ledger = ledger_or_county(Path(args.workbook), args.county)  # UsageError without county
    if ledger is not None:
        from generator.cli.ledger_output import run_ledger

        return run_ledger(args, ledger)
    options = Options(county=args.county, records=Path(args.records),
                      reviewed_on=args.reviewed_on, reviewer=args.reviewer, status=args.status,
                      result=args.result, dry_run=args.dry_run, force=args.force,
                      schemas=project_root(Path(args.records)) / "schemas")
    outcome = import_workbook(Path(args.workbook), options)  # UsageError: exit 2 (cli.py)
    lines = list(outcome.notes)
    written = set(outcome.written)
    for item in outcome.planned:
        code = "note.plan" if item.path in written else "note.plan_dry"
        what = (M.render("what.finding", name=item.draft.name, rows=item.rows,
                         n=len(item.draft.data.get("errors", [])))
                if item.draft.kind == "finding"
                else M.render("what.g106", name=item.draft.name, rows=item.rows))
        lines.append(M.render(code, path=display_path(item.path), what=what))
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    if outcome.problems:
        sys.stdout.write(report_text(outcome.problems, len(outcome.planned)))
    sys.stdout.write(_finish(outcome, args.dry_run) + "\n")
    if _unwritable(outcome):
        return EXIT_ENVIRONMENT
    return EXIT_OK if outcome.ok else EXIT_PROBLEMS
