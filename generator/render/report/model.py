"""The work report (附件4) as a value: sections of headings, paragraphs and tables. Pure.

Every string in it is plain text (no markup); each renderer escapes for its own output, so
the Markdown page and the Word document are two views of one value and cannot disagree.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, fields, is_dataclass, replace
from typing import Any, TypeVar

from generator.text.report import PLACEHOLDER

# XML 1.0 forbids these code points (python-docx raises on them, a UTF-8 file cannot hold a
# lone surrogate): they are dropped once, here, for every output.
_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")


@dataclass(frozen=True)
class Paragraph:
    """Body text; ``lead`` is a bold run-in label; ``missing`` marks a part nobody wrote yet."""

    text: str
    lead: str = ""
    missing: bool = False

    @property
    def kind(self) -> str:  # templates cannot call isinstance
        return "paragraph"


@dataclass(frozen=True)
class Table:
    caption: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    centred: tuple[bool, ...]  # by column: figures and short codes are printed centred
    total_row: bool = False  # the last row is a 合计/全市 row

    @property
    def kind(self) -> str:
        return "table"


Block = Paragraph | Table


@dataclass(frozen=True)
class Section:
    """A heading and what follows it. ``level`` 1 is 一、, 2 （一）, 3 and 4 the numbered parts."""

    title: str
    level: int
    blocks: tuple[Block, ...] = ()
    children: tuple[Section, ...] = ()


@dataclass(frozen=True)
class Report:
    title: str
    sections: tuple[Section, ...]
    issuer: str
    date: str  # as printed, e.g. 2019年5月30日

    def walk(self) -> Iterator[Section]:
        """Every section, depth first, in reading order."""
        stack = list(reversed(self.sections))
        while stack:
            section = stack.pop()
            yield section
            stack.extend(reversed(section.children))

    def headings(self) -> list[str]:
        return [s.title for s in self.walk()]


def missing(lead: str = "") -> Paragraph:
    """The visible mark of a written part that is still empty."""
    return Paragraph(PLACEHOLDER, lead, missing=True)


T = TypeVar("T")


def clean(value: T) -> T:
    """The same value with forbidden characters dropped from every string in it."""
    result: Any
    if isinstance(value, str):
        result = _FORBIDDEN.sub("", value)
    elif isinstance(value, tuple):
        result = tuple(clean(v) for v in value)
    elif is_dataclass(value) and not isinstance(value, type):
        result = replace(value, **{f.name: clean(getattr(value, f.name)) for f in fields(value)})
    else:
        result = value
    return result  # type: ignore[no-any-return]


def to_plain(report: Report) -> dict[str, Any]:
    """The report as JSON holds it, for the process that writes the .docx beside a build
    (render/annexes/ledger_job.py): each value an object naming its kind, tuples as lists.
    :func:`from_plain` gives the same report back."""
    plain = _plain(report)
    assert isinstance(plain, dict)
    return plain


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return {"kind": type(value).__name__,
                **{f.name: _plain(getattr(value, f.name)) for f in fields(value)}}
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


_KINDS: dict[str, type] = {cls.__name__: cls for cls in (Paragraph, Table, Section, Report)}


def from_plain(data: dict[str, Any]) -> Report:
    """The report :func:`to_plain` made; ValueError for anything else."""
    report = _typed(data)
    if not isinstance(report, Report):
        raise ValueError(f"not a report: {type(report).__name__}")
    return report


def _typed(data: Any) -> Any:
    if isinstance(data, dict):
        kind = _KINDS.get(data.get("kind", ""))
        if kind is None:
            raise ValueError(f"not a part of a report: {data.get('kind')!r}")
        return kind(**{k: _typed(v) for k, v in data.items() if k != "kind"})
    if isinstance(data, list):
        return tuple(_typed(v) for v in data)
    return data
