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
        "new", help="新建一条记录：带中文说明和待填写项的模板，编号不会与别人的冲突",
        description="新建一条记录并打印它的路径。模板列出每个字段的中文名称和说明；"
                    "待填写项在填好之前通不过校验。已有的文件不会被覆盖。")
    p.add_argument("kind", choices=KINDS, metavar="类别",
                   help="finding（集中审核明细）、g106（G106-1 问题）、verification（现场核查）、"
                        "assistance（重点帮扶记录）或 county（新建县（区））")
    p.add_argument("--county", required=True, metavar="县区代号",
                   help="县（区）文件夹名，如 hualong")
    p.add_argument("--records", default="records", help="记录文件夹（默认 records）")
    p.add_argument("--date", type=_day, default=None, metavar="YYYY-MM-DD",
                   help="编号中的日期，一般是审核或核查的日期（默认今天）")
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
