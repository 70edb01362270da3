"""Record text → safe Markdown and HTML, and the one place Jinja2 filters are registered.

Record text is data. In Markdown every character that could start markup is backslash-escaped
and ``& < >`` become entities, so ``<script>`` shows as text; in table cells ``|`` is escaped
and line breaks become spaces (a cell cannot hold a break without HTML). Characters that
Python-Markdown cannot backslash-escape but an extension reads as syntax (``~~~`` fences,
``===`` underlines, ``==mark==``, ``^^ins^^``, ``:emoji:``, ``$math$``, ``++ctrl++``, ``??? details``) become
numeric character references, which no extension parses and every browser shows as the
character. Raw HTML (detail tables, charts) is built with :func:`html.escape` on every value.
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

import jinja2

from generator.records.aggregate import Rate

TEMPLATES = Path(__file__).resolve().parent.parent.parent / "site_templates"

# Characters that make markup anywhere in a line (emphasis, code, links, attr_list, table
# cells, a heading's closing #s). Only Python-Markdown's escapable characters may be escaped
# with a backslash: a backslash before any other one shows.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|#])")
# Syntax of fenced_code (~~~), setext headings (===) and the pymdownx extensions a Material
# site may enable (mark, caret, tilde, emoji, arithmatex, keys): a reference, since these are
# not escapable or (keys' ++) read before the backslash is.
_MD_REFERENCE = re.compile(r"[~=^:$+]")
# ... and those that make markup only at the start of a line (lists, admonitions, details).
_MD_LEADING = re.compile(r"^([\-!?]|[0-9]+(?=[.)]))")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _text(value: object) -> str:
    if value is None:
        return ""
    return _CONTROL.sub("", str(value))


def md_escape(value: object) -> str:
    """Text that Markdown shows literally: specials escaped, HTML made inert, no line breaks
    that could start a heading or list."""
    text = _text(value)
    text = html.escape(text, quote=False)
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_REFERENCE.sub(lambda m: f"&#{ord(m.group(0))};", text)
    text = re.sub(r"\s*[\r\n]\s*", " ", text).strip()  # Markdown reads a lone \r as a break
    match = _MD_LEADING.match(text)
    if match:  # "1." → "1\.", "- x" → "\- x", "??? x" → "&#63;?? x"
        end = match.end()
        if text[:1].isdigit():
            text = text[:end] + "\\" + text[end:]
        else:  # "?" is not escapable; a reference works for every character
            text = f"&#{ord(text[0])};" + text[1:]
    return text


def md_cell(value: object) -> str:
    """A Markdown table cell: like :func:`md_escape`; an empty value shows as a dash."""
    text = md_escape(value)
    return text if text else "—"


def html_text(value: object) -> str:
    """Text inside raw HTML: every value escaped, quotes included (attributes are safe too)."""
    return html.escape(_text(value), quote=True)


def num(value: object) -> str:
    """Counts as digits, rates through :class:`Rate`, missing values as a dash."""
    if value is None:
        return "—"
    if isinstance(value, Rate):
        return str(value)
    return str(value)


def register_filters(env: jinja2.Environment) -> jinja2.Environment:
    env.filters.update(md=md_escape, cell=md_cell, h=html_text, num=num)
    return env


def environment(directory: Path = TEMPLATES) -> jinja2.Environment:
    """Jinja2 for Markdown output: StrictUndefined, no autoescape (escaping is explicit per
    context: ``|md``, ``|cell`` for Markdown, ``|h`` inside raw HTML)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(directory)),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,
    )
    return register_filters(env)


def render(env: jinja2.Environment, template: str, **context: Any) -> str:
    return env.get_template(template).render(**context)
