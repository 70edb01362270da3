"""``python -m generator build [RECORDS_DIR] [--site DIR] [--dist DIR] [--strict] [--as-of DATE]``.

The settings of the build are decided here, once (arguments, SOURCE_DATE_EPOCH), and passed
to pipeline.build, which does the work in order. A GeneratorError (BuildError exit 1,
BuildUsageError exit 2) is printed by cli.py.
"""

from __future__ import annotations

import argparse
import os
import sys
from datetime import date
from pathlib import Path

from generator.cli.commands.validate import add_checking_arguments
from generator.errors import REPORTERS
from generator.settings import (
    Settings,
    SettingsError,
    for_records,
    parse_as_of,
    today_from,
    usable_cores,
)
from generator.text import cli as C
from generator.text import render

EXIT_OK, EXIT_PROBLEMS = 0, 1


def as_of_argument(value: str) -> date:
    """``--as-of`` (build and serve): a date, or argparse's usage error in Chinese."""
    try:
        return parse_as_of(value)
    except SettingsError as exc:
        raise argparse.ArgumentTypeError(exc.format_message()) from None


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help=C.render("help.build"),
                       description=C.render("help.build.description"))
    add_checking_arguments(p)
    p.add_argument("--profile", choices=("internal", "public"), default="internal",
                   help=C.render("help.build.profile"))
    p.add_argument("--site", default=None,
                   help=C.render("help.build.site"))
    p.add_argument("--dist", default="dist", help=C.render("help.build.dist"))
    p.add_argument("--as-of", type=as_of_argument, default=None, metavar="YYYY-MM-DD",
                   help=C.render("help.build.as_of"))
    p.set_defaults(func=run)


def settings_from(args: argparse.Namespace) -> Settings:
    """The build's settings from its arguments and SOURCE_DATE_EPOCH (read here, and only
    here), and the output folders checked before anything else: every usage problem found
    is raised at once (BuildUsageError, exit 2)."""
    from generator.publish.staging import BuildUsageError, check_outputs

    problems: list[BuildUsageError] = []
    today = None
    try:
        today = today_from(os.environ)
    except SettingsError as exc:
        problems.append(BuildUsageError(exc.code, **exc.fields))  # type: ignore[arg-type]
    settings = for_records(Path(args.records), profile=args.profile,
                           site=Path(args.site) if args.site else None, dist=Path(args.dist),
                           strict=args.strict, as_of=args.as_of, today=today,
                           workers=usable_cores())
    try:
        check_outputs(settings.paths.records, settings.outputs(), settings.profile)
    except BuildUsageError as exc:
        problems.append(exc)
    if problems:
        raise BuildUsageError.joined(problems)
    return settings


def run(args: argparse.Namespace) -> int:
    from generator import pipeline
    from generator.exits import require_records
    from generator.publish.staging import BuildError, recover_outputs

    require_records(Path(args.records))  # else exit 3 before any output folder is touched
    settings = settings_from(args)
    try:  # first, so that records with errors do not keep a killed build's outputs hidden
        notes = recover_outputs(settings.paths.site, settings.paths.dist, settings.profile)
    except BuildError:
        notes = []  # locked or not writable: the build says so, if the records get that far
    for note in notes:
        sys.stderr.write(render("build.note", note=note) + "\n")

    def report(checked: pipeline.Checked) -> None:
        if checked.problems or not checked.ok:
            sys.stdout.write(REPORTERS[args.format](checked.problems, checked.loaded.n_files))

    built = pipeline.build(settings, report)
    if built.outputs is None:
        sys.stderr.write(render("build.blocked") + "\n")
        return EXIT_PROBLEMS
    for note in built.outputs.notes:
        sys.stderr.write(render("build.note", note=note) + "\n")
    sys.stdout.write(render("build.site", path=built.outputs.site / "index.html") + "\n")
    for path in built.outputs.files:
        sys.stdout.write(render("build.download", path=path) + "\n")
    return EXIT_OK
