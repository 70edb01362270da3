"""The ledger's export snapshot: a hidden, locked sheet with the five editable values of every
error as exported, keyed by 记录编号 and 错误序号.

Takes the workbook being written, the rows of the 全市 sheet (every error once) and the
writer's text function; adds the sheet. The import (tools/ledger/snapshot.py) reads it back
to tell a cell the clerk edited from one the records changed since (a three-way comparison:
exported, ledger, record).

Packed, not a cell per value: the first row names the layout (A1, text.ledger.SNAPSHOT_PACKED)
and, from B1 on, the header texts of an entry's fields in order; below it, column A holds text
cells, each a JSON list of whole entries ``[记录编号, 错误序号, 整改期限, 整改责任人, 整改状态,
整改日期, 整改说明]`` of at most :data:`PACK_LIMIT` characters. A cell per value was a fifth of
the ledger's cells (230,000 at city scale) and of its writing time; a few hundred cells now.
Every value is text or a number (dates as ISO text): a re-save by Excel, WPS or LibreOffice
keeps a text cell as it is, so the comparison needs no date guessing; a cell damaged on the way
loses only its own entries (the import then compares those rows with the records, and says so).
The import still reads the older layout, a header row of those texts and a cell per value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from generator.render.annexes.ledger_rows import EDITABLE, LedgerRow
from generator.text import ledger as T

KEYS = ("record", "error_no", *EDITABLE)
# characters per cell: far below Excel's 32,767 (UTF-16 units, so even with every character
# outside the BMP); one entry longer than this (a note of 5,000 characters) gets a cell alone
PACK_LIMIT = 8000


def entry(row: LedgerRow) -> list[str | int | None]:
    """The row's snapshot entry in KEYS order (整改期限 with its default filled in, as shown)."""
    return [row.record, row.error_no, row.due.isoformat(), row.owner, row.status,
            row.date.isoformat() if row.date else None, row.note]


def packs(entries: Iterable[list[Any]], limit: int = PACK_LIMIT) -> Iterator[str]:
    """The entries as JSON lists of whole entries, each at most ``limit`` characters
    unless one entry alone is longer; one at a time (a pack is written before the next is
    made)."""
    part: list[str] = []
    size = 1  # "[" + entries joined by "," + "]"
    for item in entries:
        text = json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        if part and size + len(text) + 1 > limit:
            yield "[" + ",".join(part) + "]"
            part, size = [], 1
        part.append(text)
        size += len(text) + 1
    if part:
        yield "[" + ",".join(part) + "]"


def write_snapshot(book: Any, rows: Iterable[LedgerRow],
                   write_text: Callable[[Any, int, int, str, Any], None]) -> None:
    """Add the hidden snapshot sheet: the layout's header row, then the packs in column A."""
    ws = book.add_worksheet(T.SNAPSHOT_SHEET)
    text = book.add_format({"num_format": "@"})  # text, so nothing reads as a number
    ws.write_string(0, 0, T.SNAPSHOT_PACKED)
    for c, key in enumerate(KEYS, 1):
        ws.write_string(0, c, T.HEADERS[key])
    for r, pack in enumerate(packs(entry(row) for row in rows), 1):
        write_text(ws, r, 0, pack, text)
    ws.protect("")
    ws.hide()
