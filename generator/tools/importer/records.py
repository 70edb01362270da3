"""Raw rows of an annex table → draft records, each remembering the rows it came from. Pure.

附件2 rows are grouped by census object (序号 and 普查对象名称) into one finding with an error
per row; every 附件1 row is one g106 problem. Cells are normalised the way people's typing
needs: codes through NFKC (Ｇ１０１－１ → G101-1) with spaces removed, a code typed as a number
gets back the leading zeros its schema pattern says it has (3 → "03", 610 → "0610"), text is
trimmed. A cell that cannot be text (a date, TRUE/FALSE) is a located problem. Fields the
annex lacks come from :class:`Defaults`.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from generator.errors import RecordError
from generator.records.schemas import Schemas, walk_properties
from generator.text import imports as M
from generator.text import vocabulary
from generator.text.annexes import HEADERS as ANNEX_HEADERS
from generator.tools.importer.read import FormulaError, RawRow, Table, problem

CODES = {"form", "indicator_code", "industry_code", "product_code", "seq", "source_type",
         "county"}
TRIM_ONLY = {"enumerator_id"}  # NFKC, but inner spaces are the person's business
DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")  # raw: re reads the escapes
DIGITS = re.compile(r"^\^\[0-9\]\{([0-9]+)\}\$$")
ERROR_FIELDS = ("form", "indicator_code", "indicator_name", "reason")
G106_FIELDS = ("enterprise", "summary", "industry_name", "industry_code", "product_name",
               "product_code", "product_unit", "material_name", "material_unit", "process_name",
               "scale", "scale_unit", "pollutant", "pollutant_unit", "treatment", "enumerator_id")
KEY_FIELDS = {"finding": ("object_name", "form", "indicator_code", "reason"),
              "g106": ("enterprise", "product_name", "pollutant")}

Key = tuple[str | None, ...]


@dataclass(frozen=True)
class Defaults:
    """What the annex does not carry (DESIGN.md: 审核日期, 审核人, 整改情况, 集中审核结论)."""

    reviewed_on: str
    reviewer: str | None
    status: str = vocabulary.NOT_RECTIFIED
    result: str = vocabulary.NEEDS_VERIFICATION


@dataclass
class Draft:
    kind: str
    table: Table
    data: dict[str, Any]
    rows: list[int] = field(default_factory=list)  # a finding's errors[i] is from rows[i]

    @property
    def name(self) -> str:
        return str(self.data.get("object_name") or self.data.get("enterprise") or "")


def digit_widths(schemas: Schemas, kind: str) -> dict[str, int]:
    """Fields whose schema pattern is exactly N digits (indicator_code 2, industry_code 4):
    read from the schema, so a pattern changed there changes the padding here."""
    widths: dict[str, int] = {}
    root = schemas.documents[kind]
    for path, node in walk_properties(root):
        match = DIGITS.match(str(node.get("pattern", "")))
        if match:
            widths[str(path[-1])] = int(match.group(1))
    return widths


def where(table: Table, row: int, name: str) -> tuple[int | None, str]:
    from openpyxl.utils import get_column_letter

    column = table.columns.get(name)
    cell = row if column is None else f"{get_column_letter(column)}{row}"
    return column, M.render("where.cell", sheet=table.sheet, cell=cell, header=table.header(name))


EXCEL_DIGITS = 15  # significant digits Excel keeps of a number: an 18-digit id loses the rest


def _number(value: int | float, width: int | None) -> str:
    """A number cell as the text typed into it; TypeError("long_number") for one of more
    digits than Excel keeps (its last digits are already zeros: typing it as text is the
    only way back)."""
    if isinstance(value, int):  # exact, however long (float() of a 309-digit one fails)
        text = str(value)
    elif abs(value) >= 10 ** EXCEL_DIGITS:
        raise TypeError("long_number")
    elif value.is_integer():
        text = str(int(value))
    else:  # 1e-07 as 0.0000001: written as a number would be typed
        text = format(Decimal(repr(float(value))), "f")
    return text.zfill(width) if width and text.isdigit() else text


SURROGATE = re.compile("[\ud800-\udfff]")


def cell_text(value: Any, name: str, width: int | None) -> str | None:
    """The cell as record text; raises TypeError naming the kind of a cell that is not text."""
    if value is None:
        return None
    if isinstance(value, FormulaError):
        raise TypeError("error")
    if isinstance(value, str) and SURROGATE.search(value):
        raise TypeError("surrogate")  # a _xD800_ escape: no file can hold it as text
    if isinstance(value, bool):
        raise TypeError("bool")
    if isinstance(value, (datetime, date, time)):
        raise TypeError("datetime")
    if isinstance(value, (int, float)):
        return _number(value, width)
    text = str(value)
    if name in CODES or name in TRIM_ONLY:
        text = unicodedata.normalize("NFKC", text)
        text = text.strip() if name in TRIM_ONLY else "".join(text.split())
        if name == "form":
            text = DASHES.sub("-", text).upper()
    else:
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    return text or None


def cell_problem(kind: str, date_hint: bool = True) -> tuple[str, dict[str, str]]:
    """The problem code and its fields for a cell cell_text refused as ``kind`` (its
    TypeError's text); ``date_hint``: with the hint for a text typed as a date."""
    hint = "" if kind == "datetime" and not date_hint else M.TYPE_HINTS.get(kind, "")
    return M.CELL_CODES.get(kind, "import.cell_type"), {"kind": M.TYPE_NAMES[kind], "hint": hint}


# codes often of digits alone, which Excel takes for numbers when typed into a General cell
DIGIT_CODES = frozenset({"indicator_code", "industry_code", "product_code", "enumerator_id"})


def _code_as_number(name: str, value: Any, widths: dict[str, int]) -> bool:
    """A code typed as a number whose width the schema leaves open (product_code,
    enumerator_id): a leading 0 was gone before the workbook was saved, and nothing here can
    tell whether there was one (a code of fixed width is padded back: digit_widths)."""
    return (name in DIGIT_CODES and name not in widths
            and isinstance(value, (int, float)) and not isinstance(value, bool))


def row_values(table: Table, raw: RawRow, widths: dict[str, int],
               problems: list[RecordError]) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for name, value in raw.values.items():
        try:
            values[name] = cell_text(value, name, widths.get(name))
        except TypeError as exc:
            column, label = where(table, raw.number, name)
            code, fields = cell_problem(str(exc))
            problems.append(problem(table.path, code, raw.number, column, label, **fields))
            values[name] = None
            continue
        if _code_as_number(name, value, widths):  # written as read, with a word of warning
            column, label = where(table, raw.number, name)
            problems.append(replace(problem(
                table.path, "import.code_as_number", raw.number, column, label,
                header=ANNEX_HEADERS.get(name, table.header(name)), text=values[name]),
                severity="warning"))
    return values


def _present(pairs: list[tuple[str, str | None]]) -> dict[str, Any]:
    return {k: v for k, v in pairs if v is not None}


def _error(values: dict[str, str | None], defaults: Defaults) -> dict[str, Any]:
    rectification: dict[str, str] = {"status": defaults.status}
    if defaults.status == vocabulary.RECTIFIED:  # the validator requires a date then: the review's own
        rectification["date"] = defaults.reviewed_on
    return {**_present([(f, values.get(f)) for f in ERROR_FIELDS]),
            "rectification": rectification}


def _conflicts(table: Table, draft_values: dict[str, str | None], values: dict[str, str | None],
               row: int, problems: list[RecordError]) -> None:
    for name in ("source_type", "remark"):
        first, other = draft_values.get(name), values.get(name)
        if first is not None and other is not None and first != other:
            column, label = where(table, row, name)
            problems.append(problem(table.path, "import.object_conflict", row, column, label,
                                    seq=values.get("seq") or "", header=table.header(name),
                                    first=first, other=other))


def findings(table: Table, rows: list[tuple[RawRow, dict[str, str | None]]],
             defaults: Defaults, problems: list[RecordError]) -> list[Draft]:
    """One draft finding per census object, its errors in row order."""
    groups: dict[tuple[str | None, str | None], tuple[Draft, dict[str, str | None]]] = {}
    for raw, values in rows:
        group = (values.get("seq"), values.get("object_name"))
        if group not in groups:
            data = _present([("object_name", values.get("object_name")),
                             ("source_type", values.get("source_type")),
                             ("reviewed_on", defaults.reviewed_on),
                             ("reviewer", defaults.reviewer)])
            data["errors"] = []
            if values.get("remark"):
                data["remark"] = values["remark"]
            groups[group] = (Draft("finding", table, data, []), values)
        draft, first = groups[group]
        _conflicts(table, first, values, raw.number, problems)
        draft.data["errors"].append(_error(values, defaults))
        draft.rows.append(raw.number)
    out = [d for d, _ in groups.values()]
    for draft in out:  # keep the schema's key order: remark last
        if "remark" in draft.data:
            draft.data["remark"] = draft.data.pop("remark")
    return out


def g106_problems(table: Table, rows: list[tuple[RawRow, dict[str, str | None]]],
                  defaults: Defaults) -> list[Draft]:
    out = []
    for raw, values in rows:
        data = _present([(f, values.get(f)) for f in G106_FIELDS])
        data["review"] = {"result": defaults.result}
        out.append(Draft("g106", table, data, [raw.number]))
    return out


def row_key(kind: str, values: dict[str, str | None]) -> Key:
    """What makes a row 'already recorded' (same object, form, indicator and reason; or same
    enterprise, product and pollutant)."""
    return tuple(values.get(k) for k in KEY_FIELDS[kind])


_NO_ROW = object()  # a record's value no row can match


def _key_part(value: Any) -> Any:
    """A record's value as a row key holds it: text as text; anything else (a list where the
    schema wants text: the record is wrong, and checking the tree says where) matches no row
    and stays hashable."""
    return value if value is None or isinstance(value, str) else _NO_ROW


def record_keys(kind: str, data: dict[str, Any]) -> list[Key]:
    """The row keys of a record already on disk."""
    if kind == "g106":
        return [tuple(_key_part(data.get(k)) for k in KEY_FIELDS["g106"])]
    errors = data.get("errors")
    if not isinstance(errors, list):
        return []
    return [(_key_part(data.get("object_name")),)
            + tuple(_key_part(e.get(k)) for k in KEY_FIELDS["finding"][1:])
            for e in errors if isinstance(e, dict)]
