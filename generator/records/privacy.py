"""Sources → the confidential values of the records; publishable text → what names them. Pure.

A publishable text (``x-publishable: true``) goes into the public build word for word, so
validate refuses one that contains:

- a confidential value of any record (``x-confidential``: object and enterprise names,
  credit codes, enumerator ids, people, phones). A value with Chinese in it counts from
  ``MIN_LENGTH`` (2) characters, so two-character names (杨帆) do, single characters cannot be
  told from words. A value of Latin letters, digits and punctuation only (an enumerator id,
  a phone) counts from ``MIN_CODE`` (5) characters and only where it stands alone, not inside
  a longer code or number (an id ``-1`` must not catch every ``G106-1``);
- a distinctive fragment of an object or enterprise name, of at least ``MIN_FRAGMENT``
  characters: the name without its leading place names (濮阳市华龙区昌达印染有限公司 →
  昌达印染有限公司), the part before its legal form (昌达印染) and the part after it
  (濮阳清源水务有限公司城东污水处理厂 → 城东污水处理厂), except generic words (GENERIC);
- anything that looks like a phone number or a unified social credit code.

Texts and values are compared after NFKC normalisation (full-width digits are digits).
"""

from __future__ import annotations

import bisect
import functools
import itertools
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from generator.errors import RecordError
from generator.records.load import Source
from generator.records.located import located
from generator.records.schemas import CONFIDENTIAL, PUBLISHABLE, Schemas, field_classes
from generator.text import vocabulary
from generator.text.records import quote

Path = tuple[str | int, ...]
MIN_LENGTH = 2
MIN_CODE = 5
MIN_FRAGMENT = 4
NAMED_BY = vocabulary.NAMED_BY
LEGAL_FORMS = re.compile("|".join(map(re.escape, vocabulary.LEGAL_FORMS)))
# the vocabulary's characters escaped: a "]", "^" or "-" among them must not change the class
_ADMIN, _OPEN, _CLOSE = (re.escape(chars) for chars in (
    vocabulary.ADMIN_SUFFIXES, vocabulary.OPENING_PARENTHESES, vocabulary.CLOSING_PARENTHESES))
ADMIN_PREFIX = re.compile(rf"^[\u4e00-\u9fff]{{2,4}}?[{_ADMIN}]")
PARENTHESES = re.compile(f"[{_OPEN}][^{_CLOSE}]*[{_CLOSE}]")
GENERIC = vocabulary.GENERIC
LOOKS_LIKE = (
    # written as people write them: 13812345678, 138 1234 5678, 138-1234-5678, +86 138…
    (vocabulary.PHONE, re.compile(r"(?<![0-9])(?:\+?86[- ]?)?1[3-9][0-9][- ]?[0-9]{4}[- ]?[0-9]{4}(?![0-9])")),
    # 0393-8888888, 0393 8888888, (0393)8888888
    (vocabulary.PHONE, re.compile(r"(?<![0-9])\(?0[0-9]{2,3}\)?[- ]?[0-9]{7,8}(?![0-9])")),
    (vocabulary.CREDIT_CODE,  # in small letters too: texts are folded (fold) before
     re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Z])",
                re.IGNORECASE)),
)


def normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def significant(value: str) -> bool:
    """Whether a confidential value is long enough to be looked for (module docstring)."""
    return len(value) >= (MIN_CODE if value.isascii() else MIN_LENGTH)


def alone(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` has no Latin letter or digit right before or after it."""
    return not any(0 <= i < len(text) and text[i].isascii() and text[i].isalnum()
                   for i in (start - 1, end))


def values_at(data: Any, path: Path) -> list[tuple[Path, str]]:
    """Each text at ``path`` of ``data`` (``0`` = every item), with its concrete path, in
    document order. Step by step over all the places reached so far, not a generator per
    level: validate walks every confidential field of every record with it."""
    reached: list[tuple[Path, Any]] = [((), data)]
    for step in path:
        if isinstance(step, int):
            reached = [((*where, i), item) for where, node in reached
                       if isinstance(node, list) for i, item in enumerate(node)]
        else:
            reached = [((*where, step), node[step]) for where, node in reached
                       if isinstance(node, dict) and step in node]
        if not reached:
            break
    return [(where, value) for where, value in reached if isinstance(value, str)]


def _classes(schemas: Schemas) -> dict[str, dict[tuple[str | int, ...], str]]:
    """field_classes of every kind, once per call rather than once per record (walking a
    schema for each of ten thousand records was most of validate's time)."""
    return {kind: field_classes(document) for kind, document in schemas.documents.items()}


def confidential_values(sources: Iterable[Source], schemas: Schemas) -> dict[str, str]:
    """Every confidential value of the records (NFKC, trimmed, ≥ MIN_LENGTH) → the title of
    the field it was found in."""
    found: dict[str, str] = {}
    fields = {kind: [(path, schemas.title(kind, path)) for path, cls in classes.items()
                     if cls == CONFIDENTIAL]
              for kind, classes in _classes(schemas).items()}
    for source in sources:
        for path, title in fields[source.kind]:
            for _, value in values_at(source.data, path):
                value = normal(value).strip()
                if significant(value):
                    found.setdefault(value, title)
    return dict(sorted(found.items()))


def name_fragments(name: str, places: Iterable[str]) -> set[str]:
    """The distinctive parts of an organisation name (see the module docstring)."""
    rest = PARENTHESES.sub("", name).strip()
    prefixes = sorted({p for p in places if p}, key=len, reverse=True)
    while True:
        start = next((p for p in prefixes if rest.startswith(p) and len(rest) > len(p)), None)
        match = None if start else ADMIN_PREFIX.match(rest)
        cut = start or (match.group(0) if match else "")
        if not cut:
            break
        rest = rest[len(cut):]
    parts = {rest, *LEGAL_FORMS.split(rest)}
    return {p for p in parts if len(p) >= MIN_FRAGMENT and p not in GENERIC and p != name}


@dataclass(frozen=True)
class Needles:
    """What a publishable text must not contain: value or fragment → what it is."""

    words: dict[str, str]

    def found(self, text: str) -> list[tuple[str, str]]:
        """(what, value) of each needle in ``text``. Every substring of ``text`` up to the
        longest needle is looked up, rather than every needle searched for: the cost grows
        with the text, not with the number of records (thousands of object names). White
        space and invisible characters between two Han characters do not hide a value: a
        name is often typed "张　三", aligned with a full-width space, or "孟 庆华"."""
        text = normal(text)
        squeezed = squeeze(text)
        if squeezed == text:  # one pass: the needles, and those written spaced squeezed
            hits = _found(self.unspaced, self.longest, fold(text), text)
        else:
            hits = _found(self.folded, self.longest, fold(text), text)
            hits += _found(self.squeezed, self.longest, fold(squeezed), squeezed)
        return list(dict.fromkeys((what, self.shown.get(word, word)) for what, word in hits))

    @functools.cached_property
    def longest(self) -> int:
        return max(map(len, self.words), default=0)

    @functools.cached_property
    def folded(self) -> dict[str, str]:
        """The needles as the text is searched: folded (a code in small letters is a code),
        all in one call (validate makes these for tens of thousands of values)."""
        words = list(self.words)
        folded = fold(_SEP.join(words)).split(_SEP)
        if len(folded) != len(words):  # a value holding the separator: one by one
            folded = [fold(word) for word in words]
        return {form: self.words[word] for word, form in zip(words, folded, strict=True)}

    @functools.cached_property
    def squeezed(self) -> dict[str, str]:
        return {squeeze(word): what for word, what in self.folded.items()}

    @functools.cached_property
    def unspaced(self) -> dict[str, str]:
        """The needles as searched for in a text squeezing does not change: folded, and a
        needle written spaced (杨　帆 in a roster) squeezed as well."""
        return {**self.folded, **self.respelled}

    @functools.cached_property
    def respelled(self) -> dict[str, str]:
        """The needles that squeezing changes (a few at most), squeezed: found by one search
        over them all rather than a squeeze of each."""
        words = list(self.folded)
        ends = list(itertools.accumulate(len(word) + len(_SEP) for word in words))
        changed = {bisect.bisect_right(ends, m.start())
                   for m in _SQUEEZED.finditer(_SEP.join(words))}
        return {squeeze(words[i]): self.folded[words[i]] for i in sorted(changed)
                if i < len(words)}

    @functools.cached_property
    def shown(self) -> dict[str, str]:
        """A needle as searched for (folded, squeezed) → as the records have it."""
        return {form: word for word in self.words for form in (fold(word), squeeze(fold(word)))}


# Characters that show nothing and that a paste (or a hand hiding a name) can put anywhere:
# soft hyphen, combining grapheme joiner, zero-width spaces and joiners, direction marks and
# isolates, word joiner and invisible operators, variation selectors, BOM, tags.
# (a regular expression's class, escaped: the characters themselves are invisible)
INVISIBLE = (r"\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f\u200b-\u200f"
             r"\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0"
             r"\U000e0000-\U000e0fff")
_HAN = r"\u3400-\u9fff\uf900-\ufaff"
# Those anywhere, and between two Han characters white space too (NFKC has made U+3000 a
# space): one pass, the run between Han first (a space after a mark is still between them)
_SQUEEZED = re.compile(rf"(?<=[{_HAN}])[\s{INVISIBLE}]+(?=[{_HAN}])|[{INVISIBLE}]+")
_SEP = "\n\x00\n"  # between needles searched at once: neither Han, space nor invisible alone
_ASCII_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")


_INVISIBLE = re.compile(f"[{INVISIBLE}]+")


def visible(text: str) -> str:
    """``text`` without its invisible characters (white space kept: in a built file it may
    part two cells, which squeezing would join into a value)."""
    return _INVISIBLE.sub("", text)


def squeeze(text: str) -> str:
    """``text`` without invisible characters, and without white space between Han
    characters."""
    return _SQUEEZED.sub("", text)


def fold(text: str) -> str:
    """Latin capitals as small letters, nothing else changed (the same length): an id or a
    credit code typed in small letters is the same value."""
    if text.isascii():
        return text.lower()
    # on the UTF-8 bytes: a byte of a longer character is never an ASCII letter (and a
    # table of bytes is much faster than str.translate)
    return text.encode("utf-8", "surrogatepass").translate(_ASCII_LOWER).decode(
        "utf-8", "surrogatepass")


def _found(words: dict[str, str], longest: int, text: str, typed: str
           ) -> list[tuple[str, str]]:
    """(what, needle) of each needle in ``text`` (folded), and (what, the text as ``typed``)
    of what LOOKS_LIKE a phone or a code (``typed``: the text before folding, as long)."""
    hits: dict[str, str] = {}
    for start in range(len(text)):
        for end in range(start + MIN_LENGTH, min(len(text), start + longest) + 1):
            piece = text[start:end]
            if piece in words and (not piece.isascii() or alone(text, start, end)):
                hits[piece] = words[piece]
    found = [(what, word) for word, what in sorted(hits.items())]
    for what, pattern in LOOKS_LIKE:
        found += [(what, typed[m.start():m.end()]) for m in pattern.finditer(text)
                  if m.group(0) not in words]
    return found


def needles(sources: list[Source], schemas: Schemas) -> Needles:
    values = confidential_values(sources, schemas)
    places = {normal(s.data.get("name", "")) for s in sources if s.kind == "county"}
    stems = {p[:-1] for p in places if p.endswith(vocabulary.COUNTY_SUFFIXES) and len(p) >= 3}
    places |= stems | {s + vocabulary.CITY_SUFFIX for s in stems}  # 濮阳县 → 濮阳, 濮阳市
    words = dict(values)
    for value, what in values.items():
        if what in NAMED_BY:
            for fragment in sorted(name_fragments(value, places)):
                words.setdefault(fragment, vocabulary.PART_OF.format(what=what, value=value))
    return Needles(words)


def check(valid: list[Source], schemas: Schemas) -> list[RecordError]:
    """rule.confidential_in_public_text for every publishable text of the valid records."""
    found = needles(valid, schemas)
    problems = []
    seen: dict[str, list[tuple[str, str]]] = {}  # one indicator name, thousands of rows
    classes = _classes(schemas)
    for source in valid:
        for path, cls in classes[source.kind].items():
            if cls != PUBLISHABLE:
                continue
            for where, text in values_at(source.data, path):
                if text not in seen:
                    seen[text] = found.found(text)
                for what, value in seen[text]:
                    problems.append(located(source, schemas, where,
                                            "rule.confidential_in_public_text",
                                            what=what, value=quote(value)))
    return problems
