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
from generator.text import imports as M

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
        "import", help="把填好的附件1或附件2导入为一个县（区）的 YAML 记录，或导入整改台账",
        description="读取填好的附件1（无法填报 G106-1 问题表）或附件2（集中审核普查表情况明细表），"
        "为一个县（区）写入新的记录并校验；或读取发回的整改台账（按表头识别），只更新各处错误的整改情况。"
        "已有的记录不会被覆盖，重复导入不会改变任何文件。")
    p.add_argument("workbook", help="填好的工作簿（.xlsx）")
    p.add_argument("--county", help="县（区）文件夹名，如 hualong（导入附件1、附件2时必填）")
    p.add_argument("--records", default="records", help="记录文件夹（默认 records）")
    p.add_argument("--dry-run", action="store_true", help="只检查并显示将写入的文件，不写入")
    p.add_argument("--reviewer", help="审核人（导入附件2时必填）")
    p.add_argument("--reviewed-on", type=_date,
                   help="审核日期 YYYY-MM-DD（必填；附件1 只用于记录编号）")
    p.add_argument("--status", choices=["未整改", "整改中", "已整改"], default="未整改",
                   help="附件2 各处错误的整改状态（默认 未整改；已整改时整改日期取审核日期）")
    p.add_argument("--result", choices=["已解决", "需现场核查", "报省级"], default="需现场核查",
                   help="附件1 各问题的集中审核结论（默认 需现场核查）")
    p.add_argument("--force", action="store_true",
                   help="有错误时仍写入没有错误的记录（有错误的记录仍不写入）")
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
