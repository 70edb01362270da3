"""The hidden snapshot sheet of a returned ledger → the editable values of every error as
exported (render/annexes/ledger_snapshot.py writes it).

Takes the sheet's rows of values (by column, text decoded: read.py); gives
``{(记录编号, 错误序号): {key: cell value}}`` with the values as stored (compare.py
normalises them exactly as the ledger's own cells), or None when the sheet has no
记录编号/错误序号 header (then the import falls back to comparing with the records).

Two layouts: packed (A1 names it; column A holds JSON lists of entries whose fields the
header texts from B1 on name), and the older one of earlier exports (a header row of
ledger header texts, then a cell per value), which ledgers still out with the counties have.
A pack that does not read as JSON entries is skipped: its rows are then missing from the
snapshot, which compare.py counts and warns about.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterable, Iterator
from typing import Any

from generator.render.annexes.ledger_rows import EDITABLE
from generator.text import ledger as T
from generator.tools.importer.read import norm

Snapshot = dict[tuple[str, int], dict[str, Any]]
KNOWN = {norm(T.HEADERS[k]): k for k in ("record", "error_no", *EDITABLE)}
PACKED = norm(T.SNAPSHOT_PACKED)


def _key(record: Any, number: Any) -> tuple[str, int] | None:
    """(record id without spaces and full-width forms, error position from 1) or None."""
    text = "".join(unicodedata.normalize("NFKC", str(record or "")).split())
    try:
        n = int(float(str(number)))
    except (ValueError, OverflowError):  # not a number; inf or 1e400 typed in a pack
        return None
    return (text, n) if text and n >= 1 else None


def _add(out: Snapshot, cells: dict[str | None, Any]) -> None:
    key = _key(cells.pop("record", None), cells.pop("error_no", None))
    if key is not None:  # a field no header names is left out
        out[key] = {k: v for k, v in cells.items() if k is not None}


def _packed(names: tuple[Any, ...], rows: Iterator[tuple[Any, ...]]) -> Snapshot | None:
    """The packed layout: ``names`` the header cells from B1 on."""
    shown = list(names)
    while shown and shown[-1] is None:  # openpyxl pads a row to the sheet's width
        shown.pop()
    keys = [KNOWN.get(norm(v)) for v in shown]
    if "record" not in keys or "error_no" not in keys:
        return None
    out: Snapshot = {}
    for values in rows:
        cell = values[0] if values else None
        try:
            entries = json.loads(cell) if isinstance(cell, str) else None
        except (ValueError, RecursionError):  # not JSON, or nested past the parser's depth
            continue
        for item in entries if isinstance(entries, list) else ():
            if isinstance(item, list) and len(item) == len(keys):
                _add(out, dict(zip(keys, item, strict=True)))
    return out


def read_snapshot(found: Iterable[tuple[Any, ...]]) -> Snapshot | None:
    """The snapshot in the sheet's rows ``found`` (the first its header); None when its
    header row is gone."""
    rows = iter(found)
    header = next(rows, None) or ()
    if header and norm(header[0]) == PACKED:
        return _packed(header[1:], rows)
    columns = {KNOWN[norm(v)]: c for c, v in enumerate(header) if norm(v) in KNOWN}
    if "record" not in columns or "error_no" not in columns:
        return None
    out: Snapshot = {}
    for values in rows:
        cells: dict[str | None, Any] = {
            k: values[c] if c < len(values) else None for k, c in columns.items()}
        _add(out, cells)
    return out
