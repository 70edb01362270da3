"""The ledger's export snapshot: a hidden, locked sheet with the five editable values of every
error as exported, keyed by 记录编号 and 错误序号.

Takes the workbook being written, the rows of the 全市 sheet (every error once) and the
writer's text function; adds the sheet. The import (tools/ledger/snapshot.py) reads it back
to tell a cell the clerk edited from one the records changed since (a three-way comparison:
exported, ledger, record). Every value is text (dates as ISO): a re-save by Excel, WPS or
LibreOffice keeps text as it is, so the comparison needs no date guessing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.render.annexes.ledger_rows import EDITABLE, LedgerRow
from generator.text import ledger as T

KEYS = ("record", "error_no", *EDITABLE)


def _values(row: LedgerRow) -> dict[str, str | int | None]:
    """The editable cells as the ledger shows them (整改期限 with its default filled in)."""
    return {"record": row.record, "error_no": row.error_no, "due": row.due.isoformat(),
            "owner": row.owner, "status": row.status,
            "date": row.date.isoformat() if row.date else None, "note": row.note}


def write_snapshot(book: Any, rows: list[LedgerRow],
                   write_text: Callable[[Any, int, int, str, Any], None]) -> None:
    """Add the hidden snapshot sheet: a header row of ledger header texts, then one row
    per error."""
    ws = book.add_worksheet(T.SNAPSHOT_SHEET)
    text = book.add_format({"num_format": "@"})  # text, so nothing reads as a date
    for c, key in enumerate(KEYS):
        ws.write_string(0, c, T.HEADERS[key])
    for r, row in enumerate(rows, 1):
        for c, value in enumerate(_values(row).values()):
            if isinstance(value, int):
                ws.write_number(r, c, value)
            elif value is not None:
                write_text(ws, r, c, value, text)
    ws.protect("")
    ws.hide()
