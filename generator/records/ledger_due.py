"""An error's deadline and days overdue, for the ledger. Pure.

# replaced by generator.records.rectification at merge
A stand-in with the signatures of generator.records.rectification (written alongside): due =
``rectification.due``, else ``reviewed_on`` + the city's default days; overdue = as-of − due
while the error is not 已整改 and due is before the as-of date.
"""

from __future__ import annotations

from datetime import date, timedelta

from generator.records.domain import RECTIFICATION
from generator.records.model import Finding, FormError

DONE = RECTIFICATION[0]


def due_date(error: FormError, finding: Finding, days: int) -> date:
    """The day the error must be fixed by (an ISO date in the record, or the default)."""
    if error.due is not None:
        return date.fromisoformat(error.due)
    return date.fromisoformat(finding.reviewed_on) + timedelta(days=days)


def overdue_days(error: FormError, finding: Finding, days: int, as_of: date) -> int | None:
    """Days past the deadline at ``as_of``; None when fixed or not yet due."""
    if error.status == DONE:
        return None
    due = due_date(error, finding, days)
    return (as_of - due).days if due < as_of else None
