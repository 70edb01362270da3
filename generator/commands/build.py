"""``python -m generator build [RECORDS_DIR] [--site DIR] [--dist DIR] [--strict]``."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from generator.commands.validate import add_checking_arguments
from generator.errors import REPORTERS
from generator.text import render

EXIT_OK, EXIT_PROBLEMS = 0, 1


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("build", help="校验记录并生成网站 site/、附件表格和工作报告 dist/",
                       description="校验全部记录；没有错误时生成网站、附件1–3 和工作报告。"
                                   "有错误时不生成，原有的网站和附件保持不变。")
    add_checking_arguments(p)
    p.add_argument("--profile", choices=("internal", "public"), default="internal",
                   help="internal（默认）：内部版，含明细和附件；public：公开版，不含任何普查对象、"
                        "信用代码、普查员号和人员信息，不生成附件")
    p.add_argument("--site", default=None,
                   help="网站输出文件夹（默认 内部版 site，公开版 site-public）")
    p.add_argument("--dist", default="dist", help="附件和报告输出文件夹（默认 dist）")
    p.set_defaults(func=run)


def _refusals(records: Path, site: Path, dist: Path | None, profile: str) -> int | None:
    """SOURCE_DATE_EPOCH (read here, and only here) and the output folders, checked before
    anything else: the date given; every usage problem found is raised at once
    (BuildUsageError, exit 2)."""
    from generator.build import BuildUsageError, check_outputs, parse_source_date

    problems, given = [], None
    try:
        given = parse_source_date(os.environ.get("SOURCE_DATE_EPOCH"))
    except BuildUsageError as exc:
        problems.append(exc)
    try:
        check_outputs(records, {"site": site} if dist is None else {"site": site, "dist": dist},
                      profile)
    except BuildUsageError as exc:
        problems.append(exc)
    if problems:
        raise BuildUsageError.joined(problems)
    return given


def run(args: argparse.Namespace) -> int:
    from generator.build import BuildError, build, recover_outputs, source_date
    from generator.exits import require_records
    from generator.pipeline import prepare

    require_records(Path(args.records))  # else exit 3 before any output folder is touched

    public = args.profile == "public"
    site = Path(args.site or ("site-public" if public else "site"))
    dist = None if public else Path(args.dist)
    records = Path(args.records)
    given = _refusals(records, site, dist, args.profile)
    try:  # first, so that records with errors do not keep a killed build's outputs hidden
        notes = recover_outputs(site, dist, args.profile)
    except BuildError:
        notes = []  # locked or not writable: build() says so, if the records get that far
    for note in notes:
        sys.stderr.write(render("build.note", note=note) + "\n")
    prepared = prepare(records, strict=args.strict)
    checked = prepared.checked
    if checked.problems or not checked.ok:
        sys.stdout.write(REPORTERS[args.format](checked.problems, checked.loaded.n_files))
    if prepared.census is None or prepared.figures is None:
        sys.stderr.write(render("build.blocked") + "\n")
        return EXIT_PROBLEMS
    # a BuildError (exit 1, or 2 for BuildUsageError) is printed by cli.py
    outputs = build(records, prepared.census, prepared.figures, checked.schemas, site, dist,
                    public=public, epoch=source_date(records, prepared.census, given))
    for note in outputs.notes:
        sys.stderr.write(render("build.note", note=note) + "\n")
    sys.stdout.write(render("build.site", path=outputs.site / "index.html") + "\n")
    for path in outputs.files:
        sys.stdout.write(render("build.download", path=path) + "\n")
    return EXIT_OK
