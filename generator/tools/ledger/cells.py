"""A cell of a returned ledger, as people type it → the text a record holds.

Dates as date cells or text (``2019-3-5``, ``2019/03/05``, ``2019年3月5日``, full-width
digits), text trimmed, 整改状态 without spaces or full-width forms, 记录编号 and 错误序号 as
typed with the same forgiveness. Pure; compare.py calls these for every row.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Any

from generator.text import ledger as T
from generator.tools.importer import records as R
from generator.tools.importer.read import FormulaError
from generator.tools.ledger.read import Row

DATE = re.compile(T.DATE_PATTERN)


def cell_text(value: Any, key: str) -> str | None:
    """A text cell, trimmed; TypeError for a cell that is a date or TRUE/FALSE."""
    return R.cell_text(value, key, 2 if key == "indicator_code" else None)


def date_text(value: Any) -> str | None:
    """A date cell or text → ISO; ValueError for anything else."""
    if type(value) is str and len(value) == 10 and value[4] == value[7] == "-":
        try:  # ISO already (every exported value, most typed ones): checked in C
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass  # read as typed, below
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise ValueError(value)
    shown = "".join(unicodedata.normalize("NFKC", str(value)).split())
    if not shown:
        return None
    match = DATE.match(shown)
    if match is None:
        raise ValueError(value)
    return date(*(int(g) for g in match.groups())).isoformat()


def editable(value: Any, key: str) -> str | None:
    """An editable cell (or its exported value) as record text; ValueError for a date that
    does not read, TypeError for a cell of the wrong type."""
    if isinstance(value, FormulaError):
        raise TypeError("error")
    if key in ("due", "date"):
        return date_text(value)
    text = cell_text(value, key)
    if key == "status" and text is not None:
        text = "".join(unicodedata.normalize("NFKC", text).split())
    return text


def error_number(value: Any) -> int:
    """A 错误序号 as typed (``3``, ``3.0``, ``３``) → 3; ValueError below 1 or not a number."""
    text = "".join(unicodedata.normalize("NFKC", str(value)).split()) if value is not None else ""
    number = float(text) if re.fullmatch(r"[0-9]+(\.0+)?", text) else 0
    if number < 1:
        raise ValueError(value)
    return int(number)


def record_id(row: Row) -> str:
    """The row's 记录编号 as typed, without spaces and full-width forms."""
    return "".join(unicodedata.normalize("NFKC", str(row.values.get("record") or "")).split())
