"""The one problem type of the project, and the reporters that print lists of them.

Load and validate return lists of :class:`RecordError`; the CLI hands them to a reporter.
A problem knows its file, line, column (1-based, ``None`` when a whole file is meant),
field path, a stable code for tests and tools, and the Chinese message for people.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

Severity = Literal["error", "warning"]


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

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}:{self.column or 1}"
        subject = f" {self.field}:" if self.field else ""
        label = "警告：" if self.severity == "warning" else ""
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
        return f"检查了 {n_files} 个文件：全部通过。"
    return f"检查了 {n_files} 个文件：{errors} 个错误，{warnings} 个警告。"


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
