"""Kept so that ``generator.build_messages`` still imports: the text lives in
:mod:`generator.text.build`; new code imports that module (or :mod:`generator.text`)."""

from generator.text.build import (
    MESSAGES,
    PROFILES,
    ROLES,
    render,
    text,
)

__all__ = ["MESSAGES", "PROFILES", "ROLES", "render", "text"]
