"""``python -m generator build [RECORDS_DIR] [--site DIR] [--dist DIR] [--strict]``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from generator.commands.validate import add_checking_arguments
from generator.errors import REPORTERS

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


def run(args: argparse.Namespace) -> int:
    from generator.build import BuildError, build, recover_outputs
    from generator.exits import Refused, require_records, shown
    from generator.pipeline import prepare

    require_records(Path(args.records))  # else exit 3 before any output folder is touched

    public = args.profile == "public"
    site = Path(args.site or ("site-public" if public else "site"))
    dist = None if public else Path(args.dist)
    for output in (site, dist):
        if output is not None and output.exists() and not output.is_dir():
            raise Refused("env.output_not_folder", file=shown(output))  # the swap would replace it
    try:  # first, so that records with errors do not keep a killed build's outputs hidden
        notes = recover_outputs(site, dist)
    except BuildError:
        notes = []  # locked or not writable: build() says so, if the records get that far
    for note in notes:
        sys.stderr.write(f"提示：{note}\n")
    prepared = prepare(Path(args.records), strict=args.strict)
    checked = prepared.checked
    if checked.problems or not checked.ok:
        sys.stdout.write(REPORTERS[args.format](checked.problems, checked.loaded.n_files))
    if prepared.census is None or prepared.figures is None:
        sys.stderr.write("记录有错误，未生成网站和附件；原有输出保持不变。\n")
        return EXIT_PROBLEMS
    try:
        outputs = build(Path(args.records), prepared.census, prepared.figures, checked.schemas,
                        site, dist, public=public)
    except BuildError as exc:
        sys.stderr.write(f"{exc}\n")
        return EXIT_PROBLEMS
    for note in outputs.notes:
        sys.stderr.write(f"提示：{note}\n")
    sys.stdout.write(f"网站：{outputs.site / 'index.html'}\n")
    for path in outputs.files:
        sys.stdout.write(f"下载：{path}\n")
    return EXIT_OK
