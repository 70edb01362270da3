"""Kept so that ``generator.import_messages`` still imports: the text lives in
:mod:`generator.text.imports`; new code imports that module (or :mod:`generator.text`)."""

from generator.text.imports import (
    DATE_HINT,
    KIND_NAMES,
    MESSAGES,
    TYPE_NAMES,
    render,
)

__all__ = ["DATE_HINT", "KIND_NAMES", "MESSAGES", "TYPE_NAMES", "render"]
