"""``python -m generator diff BASE_REF [--records DIR] [--format text|markdown]``.

Prints what the working tree's records change compared with git ``BASE_REF`` (the logic is
generator/tools/diffing.py): as text for people at a terminal, or as Markdown for the job summary
of a pull request (``>> $GITHUB_STEP_SUMMARY``). Exit 0 whatever the records say (the
validate step is the one that fails a pull request); 2 when git or the ref is wrong.
"""

from __future__ import annotations

import argparse
import html
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from generator.text import cli as C
from generator.text.workflow import (
    DIFF_CHANGE_HEADERS,
    DIFF_COUNTY,
    DIFF_PROBLEM_HEADERS,
    DIFF_RECTIFIED_HEADERS,
    KIND_NAMES,
    render,
)

EXIT_OK = 0
MARKDOWN_SPECIAL = set("\\`*_[]|~")
PLAIN_PATH = re.compile(r"^[A-Za-z0-9_./:-]+$")
CHANGE_WORDS = ("added", "changed", "removed")
# A job summary is refused above 1 MiB: long tables are cut, with the rest counted.
MAX_ROWS = 100

if TYPE_CHECKING:  # importing diffing loads jsonschema and the pipeline: only in run()
    from generator.tools.diffing import CountyDiff, Diff


def register(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "diff", help=C.render("help.diff"),
        description=C.render("help.diff.description"))
    p.add_argument("base", metavar="BASE_REF",
                   help=C.render("help.diff.base"))
    p.add_argument("--records", default="records", help=C.render("help.records"))
    p.add_argument("--format", choices=("text", "markdown"), default="text",
                   help=C.render("help.diff.format"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from generator.tools.diffing import compare

    diff = compare(Path(args.records), args.base)  # DiffError: exit 2, printed by cli.py
    render_fn = markdown if args.format == "markdown" else text
    sys.stdout.write(render_fn(diff, Path(args.records)))
    return EXIT_OK


def _heading(county: CountyDiff) -> str:
    return render("diff.county", name=county.name, slug=county.slug) if county.slug \
        else render("diff.city")


def _totals(diff: Diff) -> list[str]:
    lines = [render("diff.total", added=diff.changes("added"), changed=diff.changes("changed"),
                    removed=diff.changes("removed"), errors=diff.new_problems("error"),
                    warnings=diff.new_problems("warning"), gone=diff.gone_problems,
                    rectified=diff.rectified)]
    if diff.errors_now:
        lines.append(render("diff.now_failing", errors=diff.errors_now))
    else:
        lines.append(render("diff.now_passing"))
    return lines


def _record_path(records: Path, rel: str) -> str:
    from generator.records.load import display_path

    return display_path(records / rel)


def text(diff: Diff, records: Path) -> str:
    """Plain text, one line per change and per problem (problems clickable: file:line:col)."""
    lines = [render("diff.title", base=diff.base), ""]
    if not diff.counties:
        lines.append(render("diff.nothing"))
    for county in diff.counties:
        lines.append(_heading(county))
        for ch in county.changes:
            name = f"  {ch.label}" if ch.label else ""
            lines.append(f"  {render('diff.' + ch.change)} {KIND_NAMES[ch.kind]} "
                         f"{_record_path(records, ch.file)}{name}")
        if county.new_problems:
            lines.append("  " + render("diff.labelled", label=render("diff.new_problems"), value=""))
            lines.extend(f"    {p}" for p in county.new_problems)
        if county.gone_problems:
            lines.append("  " + render("diff.labelled", label=render("diff.gone_problems"),
                                       value=county.gone_problems))
        if county.rectified:
            lines.append("  " + render("diff.labelled", label=render("diff.rectified"), value=""))
            lines.extend(f"    {r.record_id} {r.label} {r.form} {r.indicator} {r.date}".rstrip()
                         for r in county.rectified)
        lines.append("")
    lines.extend(_totals(diff))
    return "\n".join(lines) + "\n"


# --- Markdown -------------------------------------------------------------------------------


def cell(value: object) -> str:
    """Record text as a table cell: data, never markup (no HTML, no links, no broken table)."""
    flat = " ".join(str(value).split())
    escaped = "".join("\\" + c if c in MARKDOWN_SPECIAL else c for c in flat)
    return html.escape(escaped, quote=False)


def code(value: str) -> str:
    return f"`{value}`" if PLAIN_PATH.match(value) else cell(value)


def _table(header: list[str], rows: list[list[str]], limit: int | None = None) -> list[str]:
    lines = ["| " + " | ".join(header) + " |", "|" + " --- |" * len(header)]
    lines.extend("| " + " | ".join(row) + " |" for row in rows[:limit])
    if limit is not None and len(rows) > limit:
        lines += ["", render("diff.more_rows", n=len(rows) - limit)]
    return lines + [""]


def _overview(diff: Diff) -> list[str]:
    header = [DIFF_COUNTY, *(render(f"diff.{w}") for w in CHANGE_WORDS),
              render("diff.new_problems"), render("diff.gone_problems"), render("diff.rectified")]
    rows = []
    for c in diff.counties:
        counts = [sum(1 for ch in c.changes if ch.change == w) for w in CHANGE_WORDS]
        rows.append([cell(_heading(c)), *map(str, counts), str(len(c.new_problems)),
                     str(c.gone_problems), str(len(c.rectified))])
    return _table(header, rows)


def _county_section(county: CountyDiff, records: Path) -> list[str]:
    lines = [f"### {cell(_heading(county))}", ""]
    if county.changes:
        lines += _table(list(DIFF_CHANGE_HEADERS), [
            [render("diff." + ch.change), KIND_NAMES[ch.kind],
             code(_record_path(records, ch.file)), cell(ch.label)] for ch in county.changes],
            MAX_ROWS)
    if county.new_problems:
        lines += [f"**{render('diff.new_problems')}**", ""]
        lines += _table(list(DIFF_PROBLEM_HEADERS), [
            [code(f"{p.file}:{p.line}" if p.line else p.file), cell(p.field),
             (C.render("report.warning") if p.severity == "warning" else "") + cell(p.message)]
            for p in county.new_problems], MAX_ROWS)
    if county.rectified:
        lines += [f"**{render('diff.rectified')}**", ""]
        lines += _table(list(DIFF_RECTIFIED_HEADERS), [
            [code(r.record_id), cell(r.label), cell(r.form), cell(r.indicator), cell(r.date)]
            for r in county.rectified], MAX_ROWS)
    return lines


def markdown(diff: Diff, records: Path) -> str:
    """The job summary of a pull request: an overview table, then a section per county."""
    lines = [f"## {render('diff.title', base=code(diff.base))}", ""]
    if not diff.counties:
        lines += [render("diff.nothing"), ""]
    else:
        lines += _overview(diff)
        for county in diff.counties:
            lines += _county_section(county, records)
    lines += [" ".join(_totals(diff)), "", f"> {render('diff.note')}"]
    return "\n".join(lines) + "\n"
