"""Kept so that ``generator.workflow_messages`` still imports: the text lives in
:mod:`generator.text.workflow`; new code imports that module (or :mod:`generator.text`)."""

from generator.text.workflow import (
    KIND_NAMES,
    MESSAGES,
    render,
)

__all__ = ["KIND_NAMES", "MESSAGES", "render"]
