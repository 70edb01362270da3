"""Building a located :class:`RecordError` for a field of a source: label, position, message."""

from __future__ import annotations

from generator.errors import RecordError, Severity
from generator.records.load import Source
from generator.records.schemas import Schemas
from generator.text import records as messages


def field_label(schemas: Schemas, kind: str, path: tuple[str | int, ...]) -> str:
    """``errors[1].form（普查表号）``: list positions count from 1, as people count rows."""
    text = ""
    for step in path:
        if isinstance(step, int):
            text += f"[{step + 1}]"
        else:
            text += f".{step}" if text else step
    title = schemas.title(kind, path)
    return messages.render("field.label", path=text, title=title) if text and title else text


def located(
    source: Source,
    schemas: Schemas,
    path: tuple[str | int, ...],
    problem: str,
    severity: Severity = "error",
    at: tuple[str | int, ...] | None = None,
    key: bool = False,
    **fields: object,
) -> RecordError:
    """A problem about ``path`` of ``source``, placed at ``at`` (default: ``path`` itself)."""
    line, column = source.locate(path if at is None else at, key=key)
    return RecordError(
        file=source.file,
        code=problem,
        message=messages.render(problem, **fields),
        line=line,
        column=column,
        field=field_label(schemas, source.kind, path),
        severity=severity,
        path=path,
        fields=fields,
    )
