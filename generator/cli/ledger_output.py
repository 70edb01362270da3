"""``python -m generator import 整改台账.xlsx [--records DIR] [--dry-run] [--force]``.

The ledger half of the ``import`` command (commands/import_workbook.py hands over to it): a
workbook whose header row is the ledger's (generator/tools/ledger/read.py) updates the errors'
rectification (generator/tools/ledger/importer.py); this prints what it planned or wrote, the diff
of a dry run, every problem at its cell, and the closing line. Exit codes as for the
annexes: 0 done (warnings allowed), 1 problems, 3 a file could not be written.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.errors import count, report_text
from generator.exits import EXIT_ENVIRONMENT, EXIT_OK, EXIT_PROBLEMS
from generator.records.load import display_path
from generator.text import render
from generator.tools.ledger.importer import LedgerOptions, LedgerOutcome, import_ledger
from generator.tools.ledger.read import Ledger, read_ledger

UNWRITTEN = ("import.unwritable", "ledger.changed")  # a planned file left as it was


def ledger_or_county(workbook: Path, county: str | None) -> Ledger | None:
    """The ledger in ``workbook``; None for an annex workbook, which needs ``--county``
    (UsageError when it is missing; a missing or unreadable workbook is said first)."""
    ledger = read_ledger(workbook) if workbook.is_file() else None
    if ledger is None and county is None:
        from generator.tools.importer.importer import UsageError, _readable

        _readable(workbook)
        raise UsageError("usage.county_needed")
    return ledger


def _closing(outcome: LedgerOutcome, dry_run: bool, force: bool) -> str:
    errors, _ = count(outcome.problems)
    changed = sum(len(item.changes) for item in outcome.planned)
    refused = sum(p.code in UNWRITTEN for p in outcome.problems)
    if refused:  # files that could not be written: say so, whatever else there is
        return render("ledger.note.unwritable", bad=refused, n=len(outcome.written))
    if errors and not outcome.written:
        return render("ledger.note.blocked")
    if errors and force:
        return render("ledger.note.forced", n=len(outcome.written), bad=outcome.skipped_rows)
    if not outcome.planned:
        return render("ledger.note.nothing", unchanged=outcome.unchanged)
    if dry_run:
        return render("ledger.note.dry_run", n=len(outcome.planned))
    return render("ledger.note.written", n=len(outcome.written), rows=changed,
                  unchanged=outcome.unchanged)


def run_ledger(args: argparse.Namespace, ledger: Ledger) -> int:
    options = LedgerOptions(Path(args.records), dry_run=args.dry_run, force=args.force)
    outcome = import_ledger(ledger, options)
    lines = [render("ledger.note.read", sheets=len(ledger.sheets), rows=outcome.rows)]
    written = set(outcome.written)
    for item in outcome.planned:
        code = "ledger.note.plan" if item.path in written else "ledger.note.plan_dry"
        lines.append(render(code, path=display_path(item.path), n=len(item.changes)))
    sys.stdout.write("".join(f"{line}\n" for line in lines))
    if outcome.problems:
        sys.stdout.write(report_text(outcome.problems, len(outcome.planned)))
    sys.stdout.write(_closing(outcome, args.dry_run, args.force) + "\n")
    if args.dry_run and outcome.planned:
        sys.stdout.write(outcome.diff())
    if any(p.code == "import.unwritable" for p in outcome.problems):
        return EXIT_ENVIRONMENT
    return EXIT_OK if outcome.ok else EXIT_PROBLEMS
