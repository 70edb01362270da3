"""The Chinese font names of the Word report (GB/T 9704 practice) and their fallbacks.

Names, not messages: Word, WPS and LibreOffice look fonts up by these exact strings. The
office names first (what government machines install), then what Word and WPS should use on a
machine without them; render/report/docx_page.py writes the pairs into the document's font table.
"""

from __future__ import annotations

SONG = "宋体"  # page numbers: 4号 半角宋体
FANGSONG = "仿宋_GB2312"  # body text, third and fourth heading levels
HEITI = "黑体"  # first heading level, captions, table headings
KAITI = "楷体_GB2312"  # second heading level
XIAOBIAOSONG = "方正小标宋简体"  # the title: heavy by design, so never bolded

# missing font → the everyday font of the same design every Windows has
FALLBACK = {FANGSONG: "仿宋", KAITI: "楷体", XIAOBIAOSONG: SONG}
