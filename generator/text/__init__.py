"""Every Chinese text the program prints, keyed by a stable code: the one place it lives.

Takes a code and the fields of its template; gives the Chinese text. The catalogs are split
by the part of the program that speaks (records.py: the validator; imports.py: ``import``;
workflow.py: ``new``, ``diff``, ``codeowners``, ``serve`` and the environment; build.py:
``build``; charts.py: the site's charts; cli.py: the command line and the problem reports;
report.py: the work report (附件4), its outline, sentences and rectification figures), so
each can change on its own. Fixed words that are not messages live beside them as named
constants: vocabulary.py (the record vocabulary: source types, states, industry names, the
words the privacy check knows), annexes.py (the annex workbooks' titles, headers and notes),
ledger.py (整改台账), site.py (the site's navigation and table headers), fonts.py (the
report's font names).
Besides these modules, Chinese text lives only in schemas/ and site_templates/ (a test,
tests/test_text_meta.py, scans the code for it). Codes are unique across all catalogs, so a
code alone names its template: an exception carries the code and its fields, never the text.
"""

from __future__ import annotations

from generator.text import build, charts, cli, imports, records, report, workflow

CATALOGS: dict[str, dict[str, str]] = {
    "records": records.MESSAGES,
    "imports": imports.MESSAGES,
    "workflow": workflow.MESSAGES,
    "build": build.MESSAGES,
    "build.plain": build.PLAIN,
    "cli": cli.MESSAGES,
    "charts": charts.MESSAGES,
    "report": report.MESSAGES,
}


def _merged() -> dict[str, str]:
    merged: dict[str, str] = {}
    for name, catalog in CATALOGS.items():
        for code, template in catalog.items():
            if code in merged:  # two templates for one code: which one a raise meant is lost
                raise RuntimeError(f"message code {code!r} defined twice (catalog {name})")
            merged[code] = template
    return merged


TEMPLATES: dict[str, str] = _merged()

# Codes whose message ends with `` [code]`` wherever it is shown, so that scripts reading the
# output can branch on it (the build's refusals, and the cell too long for a workbook).
TAGGED: frozenset[str] = frozenset(build.MESSAGES) | {"render.cell_too_long"}


def render(code: str, /, **fields: object) -> str:
    """The template of ``code`` with ``fields`` filled in (a fragment: no code appended)."""
    return TEMPLATES[code].format(**fields)


def message(code: str, /, **fields: object) -> str:
    """The whole message of ``code``: its text, followed by `` [code]`` for a TAGGED code."""
    shown = render(code, **fields)
    return f"{shown} [{code}]" if code in TAGGED else shown
