"""Kept so that ``generator.messages`` still imports: the text lives in
:mod:`generator.text.records`; new code imports that module (or :mod:`generator.text`)."""

from generator.text.records import (
    FILE_KINDS,
    FORMAT_NAMES,
    MESSAGES,
    OS_REASONS,
    TYPE_NAMES,
    YAML_PROBLEMS,
    YAML_UNKNOWN,
    file_kind,
    os_reason,
    quote,
    render,
    type_name,
    yaml_problem,
)

__all__ = ["FILE_KINDS", "FORMAT_NAMES", "MESSAGES", "OS_REASONS", "TYPE_NAMES", "YAML_PROBLEMS", "YAML_UNKNOWN", "file_kind", "os_reason", "quote", "render", "type_name", "yaml_problem"]
