"""The two problem types of the project, the exit codes, and the reporters of problem lists.

Load and validate return lists of :class:`RecordError`; the CLI hands them to a reporter.
A problem knows its file, line, column (1-based, ``None`` when a whole file is meant),
field path, a stable code for tests and tools, and the Chinese message for people.

Anything else a user can cause stops a command with a :class:`GeneratorError` (click's
``ClickException`` is the model): it carries a stable code, the fields of the code's template
in :mod:`generator.text` and the exit code it stands for, and formats itself; the CLI
(generator/cli/main.py) catches the base, prints :meth:`GeneratorError.show` and exits with
``exit_code``. Tests and callers branch on ``code``, never on the text.

Exit codes: 0 success (warnings allowed), 1 problems in the records or a failed build,
2 wrong usage (arguments), 3 the environment (a path that is not a records folder, an
unreadable file, an unwritable folder, a busy port), 70 an internal error (a bug),
130 interrupted.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import ClassVar, Literal, Self

from generator import text

Severity = Literal["error", "warning"]

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_ENVIRONMENT = 0, 1, 2, 3
EXIT_BUG, EXIT_INTERRUPTED = 70, 130


class GeneratorError(Exception):
    """A command that cannot go on: ``code`` keys the template in :mod:`generator.text`,
    ``fields`` fill it, ``exit_code`` (the class's, unless given) is what the CLI exits with.
    ``also`` holds further problems of the same refusal, reported with it (all at once)."""

    exit_code: int = EXIT_PROBLEMS
    # A usage error (exit 2) is shown after "python -m generator COMMAND: 用法错误：" unless a
    # class says its message stands alone.
    usage_prefix: ClassVar[bool] = True

    def __init__(self, code: str, /, *, exit_code: int | None = None, **fields: object) -> None:
        super().__init__(code)
        self.code = code
        self.fields = fields
        if exit_code is not None:
            self.exit_code = exit_code
        self.also: list[GeneratorError] = []

    @classmethod
    def joined(cls, problems: Sequence[Self]) -> Self:
        """One error reporting every one of ``problems`` (not empty), in order."""
        first = problems[0]
        first.also = [*first.also, *problems[1:]]
        return first

    def codes(self) -> list[str]:
        """The code of this problem and of every one reported with it."""
        return [self.code, *(code for p in self.also for code in p.codes())]

    def format_message(self) -> str:
        """The Chinese message: one line per problem (a TAGGED code ends in ``[code]``)."""
        own = text.message(self.code, **self.fields)
        return "\n".join([own, *(p.format_message() for p in self.also)])

    def message(self) -> str:
        """The same as :meth:`format_message` (the name older callers use)."""
        return self.format_message()

    def show(self, prog: str) -> str:
        """What the CLI prints for ``prog`` (``python -m generator build``), without newline."""
        shown = self.format_message()
        if self.exit_code == EXIT_USAGE and self.usage_prefix:
            return f"{prog}: " + text.render("usage.prefix", message=shown)
        return shown

    def __str__(self) -> str:
        return self.format_message()


@dataclass
class RecordError(Exception):
    """A located problem in the records. Not frozen: it may be raised through a context manager."""

    file: str
    code: str
    message: str
    line: int | None = None
    column: int | None = None
    field: str = ""
    severity: Severity = "error"
    path: tuple[str | int, ...] = dataclasses.field(default_factory=tuple)
    # the fields the message was rendered from, for a reader that words it differently
    fields: dict[str, object] = dataclasses.field(default_factory=dict, compare=False, repr=False)

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        subject = f" {self.field}:" if self.field else ""
        label = text.render("report.warning") if self.severity == "warning" else ""
        return f"{where}:{subject} {label}{self.message} [{self.code}]"

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.file, self.line or 0, self.column or 0, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        return {
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "field": self.field,
            "path": list(self.path),
            "code": self.code,
            "severity": self.severity,
            "message": self.message,
        }


def sort_problems(problems: Iterable[RecordError]) -> list[RecordError]:
    """Sorted by file and position, duplicates (same place, same code and text) dropped."""
    unique = {(p.sort_key(), p.field, p.severity): p for p in problems}
    return [unique[k] for k in sorted(unique)]


def count(problems: Iterable[RecordError]) -> tuple[int, int]:
    """(errors, warnings)."""
    errors = warnings = 0
    for p in problems:
        if p.severity == "error":
            errors += 1
        else:
            warnings += 1
    return errors, warnings


def summary_line(problems: list[RecordError], n_files: int) -> str:
    errors, warnings = count(problems)
    if not errors and not warnings:
        return text.render("report.passed", files=n_files)
    return text.render("report.summary", files=n_files, errors=errors, warnings=warnings)


def report_text(problems: list[RecordError], n_files: int) -> str:
    lines = [str(p) for p in problems]
    lines.append(summary_line(problems, n_files))
    return "\n".join(lines) + "\n"


def report_json(problems: list[RecordError], n_files: int) -> str:
    errors, warnings = count(problems)
    doc = {
        "files": n_files,
        "errors": errors,
        "warnings": warnings,
        "problems": [p.as_dict() for p in problems],
    }
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"


def _escape_data(text: str) -> str:
    # GitHub workflow commands: message data escapes %, CR and LF.
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def report_github(problems: list[RecordError], n_files: int) -> str:
    """``::error file=…,line=…,col=…,title=…::…`` lines: GitHub shows them on the changed lines."""
    lines = []
    for p in problems:
        props = [f"file={_escape_property(p.file)}"]
        if p.line is not None:
            props += [f"line={p.line}", f"col={p.column or 1}"]
        title = p.field or p.code
        props.append(f"title={_escape_property(title)}")
        kind = "error" if p.severity == "error" else "warning"
        lines.append(f"::{kind} {','.join(props)}::{_escape_data(p.message + ' [' + p.code + ']')}")
    lines.append(summary_line(problems, n_files))
    return "\n".join(lines) + "\n"


REPORTERS = {"text": report_text, "json": report_json, "github": report_github}
