"""The hidden snapshot sheet of a returned ledger → the editable values of every error as
exported (render/annexes/ledger_snapshot.py writes it).

Takes the worksheet (openpyxl, streaming) and the text decoder of read.py; gives
``{(记录编号, 错误序号): {key: cell value}}`` with the values as stored (compare.py
normalises them exactly as the ledger's own cells), or None when the sheet has no
记录编号/错误序号 header (then the import falls back to comparing with the records).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any

from generator.render.annexes.ledger_rows import EDITABLE
from generator.text import ledger as T
from generator.tools.importer.read import norm

Snapshot = dict[tuple[str, int], dict[str, Any]]
KNOWN = {norm(T.HEADERS[k]): k for k in ("record", "error_no", *EDITABLE)}


def _key(record: Any, number: Any) -> tuple[str, int] | None:
    """(record id without spaces and full-width forms, error position from 1) or None."""
    text = "".join(unicodedata.normalize("NFKC", str(record or "")).split())
    try:
        n = int(float(str(number)))
    except ValueError:
        return None
    return (text, n) if text and n >= 1 else None


def read_snapshot(ws: Any, decode: Callable[[Any], Any]) -> Snapshot | None:
    """The snapshot in ``ws``; None when its header row is gone."""
    rows = ws.iter_rows(values_only=True)
    header = next(rows, None) or ()
    columns = {KNOWN[norm(v)]: c for c, v in enumerate(header) if norm(v) in KNOWN}
    if "record" not in columns or "error_no" not in columns:
        return None
    out: Snapshot = {}
    for values in rows:
        cells = {k: values[c] if c < len(values) else None for k, c in columns.items()}
        key = _key(cells.pop("record"), cells.pop("error_no"))
        if key is not None:
            out[key] = {k: decode(v) if isinstance(v, str) else v for k, v in cells.items()}
    return out
