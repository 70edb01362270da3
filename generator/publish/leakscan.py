"""A built public site + the full census → the confidential values found in its files.

The last line of the public profile: redaction (redact.py) and the validate rule should
already keep every confidential value out, but a template, a plugin or a future page could
still put one in. After the public site is built in staging, and before it replaces the
previous one, every file is read — pages, the search index, sitemap.xml and sitemap.xml.gz
decompressed, scripts, the members of any zip — and searched for every confidential value
of the records, as typed and in its HTML-escaped, JSON-escaped and URL-encoded forms.
"""

from __future__ import annotations

import gzip
import html
import io
import json
import re
import unicodedata
import urllib.parse
import zipfile
import zlib
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from generator.records.model import Census
from generator.records.privacy import alone, fold, significant, squeeze, visible
from generator.records.redact import confidential_texts
from generator.records.schemas import Schemas

SHOWN = 5  # leaks named in the message; the rest are counted
OWN_TEXT = {".md", ".j2", ".json"}  # the tool's own words: guide, templates, schemas


@dataclass(frozen=True)
class Leak:
    file: str  # relative to the site folder; "a.zip:inner/b.html" for a zip member
    value: str


def forms(value: str) -> set[str]:
    """The ways ``value`` can be written into a built file."""
    found = {value, unicodedata.normalize("NFKC", value), html.escape(value),
             html.escape(value, quote=False), json.dumps(value)[1:-1],
             json.dumps(value, ensure_ascii=False)[1:-1], urllib.parse.quote(value)}
    found.add(json.dumps(value).lower()[1:-1])  # \\u5f20 as some writers spell it
    # as _texts' last form: small letters, nothing invisible; a value written spaced (杨　帆)
    # also as it reads squeezed (validate compares every field so, each alone)
    normal = fold(unicodedata.normalize("NFKC", value))
    found |= {visible(normal), squeeze(normal)}
    return {f for f in found if f}


def _readable(text: str) -> str:
    """``text`` with \\uXXXX escapes undone, HTML entities resolved and the search index's
    word breaks (U+200B, soft hyphens) dropped: a value split by either is still found."""
    text = re.sub(r"\\u([0-9a-fA-F]{4})", lambda m: chr(int(m.group(1), 16)), text)
    return html.unescape(text).replace("\u200b", "").replace("\u00ad", "")


def _texts(name: str, raw: bytes) -> Iterator[tuple[str, str]]:
    """(name, text) of a file and of anything packed in it (gzip, zip)."""
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gzip.decompress(raw)
        except (OSError, EOFError, zlib.error):
            pass  # not really gzip: searched as it is
    if raw[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                for member in archive.namelist():
                    yield from _texts(f"{name}:{member}", archive.read(member))
            return
        except (zipfile.BadZipFile, OSError, zlib.error):
            pass
    text = raw.decode("utf-8", errors="ignore")
    yield name, text
    readable = _readable(text)
    yield name, readable
    # and with small Latin letters and no invisible character (a name split by one is still
    # found); white space stays: across a whole file it parts cells (每周 平均 is no 周平)
    yield name, visible(fold(unicodedata.normalize("NFKC", readable)))


def scan(site: Path, values: Iterable[str]) -> list[Leak]:
    """Every (file, value) where a confidential value occurs in a file under ``site``."""
    wanted = {v.strip() for v in values if significant(v.strip())}
    by_form = {f: v for v in sorted(wanted) for f in forms(v)}
    leaks: set[Leak] = set()
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        for name, text in _texts(path.relative_to(site).as_posix(), path.read_bytes()):
            leaks |= {Leak(name, value) for value in _found(text, by_form)}
    return sorted(leaks, key=lambda leak: (leak.file, leak.value))


def _found(text: str, by_form: dict[str, str]) -> set[str]:
    """The values (``by_form``: written form → value) whose forms occur in ``text``.

    Thousands of values at city scale: rather than search for each (or one regex of them
    all, which backtracks at every position), jump to the characters that begin some form
    and look up the pieces of the lengths that begin there. A code or number (Latin letters
    and digits only) counts only where it stands alone, as validate decides."""
    lengths: dict[str, set[int]] = {}
    for form in by_form:
        lengths.setdefault(form[0], set()).add(len(form))
    if not lengths:
        return set()
    starts = re.compile("[" + "".join(re.escape(c) for c in sorted(lengths)) + "]")
    found = set()
    for match in starts.finditer(text):
        i = match.start()
        for n in lengths[text[i]]:
            value = by_form.get(text[i:i + n])
            if value is not None and (not value.isascii() or alone(text, i, i + n)):
                found.add(value)
    return found


def _own_words(values: Iterable[str], folders: Iterable[Path]) -> set[str]:
    """The values that the tool's own text already says (the 填报说明, the schemas' titles,
    descriptions and examples, the templates): a reviewer entered as 市普查办技术组, or the
    documented example credit code in a test tree. Their appearing in a page says nothing
    about the records, and refusing them would make the public site impossible to build."""
    wanted = {v.strip() for v in values if significant(v.strip())}
    by_form = {f: v for v in sorted(wanted) for f in forms(v)}
    found: set[str] = set()
    for folder in folders:
        for path in sorted(p for p in folder.rglob("*") if p.suffix in OWN_TEXT):
            for _name, text in _texts(path.name, path.read_bytes()):
                found |= _found(text, by_form)
    return found


def refuse_leaks(site: Path, census: Census, schemas: Schemas, own: Iterable[Path]) -> None:
    """Raise BuildError naming the files when the built public ``site`` contains any
    confidential value of ``census`` that the tool's own text in the folders ``own`` (the
    templates, the schemas) does not also say; the caller then keeps the previous site."""
    from generator.publish.staging import BuildError  # build.py calls this module: import late
    from generator.text import render

    values = confidential_texts(census, schemas)
    leaks = scan(site, values)
    if leaks:
        said = _own_words(values, own)
        leaks = [leak for leak in leaks if leak.value not in said]
    if leaks:
        shown = render("build.leak_sep").join(render("build.leak_item", file=leak.file,
                                                    value=leak.value) for leak in leaks[:SHOWN])
        more = render("build.leak_more", n=len(leaks) - SHOWN) if len(leaks) > SHOWN else ""
        raise BuildError("build.leak", count=len(leaks), shown=shown + more)
