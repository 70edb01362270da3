"""The downloads (dist files copied into the site) → the links other pages carry to them.

Only the internal profile has downloads; with none (the public site), no page links any. The
report page links the report's Word file; a county page links the annex workbooks (附件1–3 as
excel_layout.FILES names them, not the blank fill-in templates) that have a sheet of that county.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from generator.records.model import County
from generator.render import markup
from generator.render.annexes.layout import FILES as ANNEX_FILES


@dataclass(frozen=True)
class Download:
    name: str     # the file's name in downloads/
    title: str    # as the 下载 page lists it
    size_kb: str


def annexes(files: Sequence[Download], county: County) -> list[Download]:
    """The annex workbooks holding a sheet of ``county``: 附件3 only for a county in 重点帮扶."""
    names = {ANNEX_FILES["annex1"], ANNEX_FILES["annex2"]}
    if county.key_assistance:
        names.add(ANNEX_FILES["annex3"])
    return [f for f in files if f.name in names]


def report_page(env: jinja2.Environment, report_md: str, files: Sequence[Download],
                docx_name: str) -> str:
    """The report's Markdown with a line linking its Word file under the title, when the
    downloads hold it (``docx_name``)."""
    docx = next((f for f in files if f.name == docx_name), None)
    if docx is None:
        return report_md
    title, _, rest = report_md.partition("\n")
    link = markup.render(env, "report_link.md.j2", file=docx).strip()
    return f"{title}\n\n{link}\n{rest}"
