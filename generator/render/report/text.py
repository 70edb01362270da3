"""The report's fixed Chinese text now lives in generator/text/report.py (the one place for
Chinese text, with the other catalogs); the report's modules import it from there.

This module holds no text of its own: it keeps the names that other code imported from here
(``from generator.render.report.text import H_SOLVED``) pointing at the same objects.
"""

from __future__ import annotations

from generator.text.report import *  # noqa: F403
