"""Facts of the census that the checks and the figures rely on (see DESIGN.md, 'Domain facts')."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

from generator.text import vocabulary

# The schemas' patterns, for rules that must not second-guess a value the schema refused
# (ending in \Z: ECMA-262's $, which a final newline does not satisfy).
FORM_RE = re.compile(r"^[GNJSY][0-9]{3}(-[0-9]{1,2})?\Z")
INDUSTRY_RE = re.compile(r"^[0-9]{4}\Z")
DATE_RE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}\Z")
CREDIT_RE = re.compile(r"^[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}\Z")


# Names that become file and folder names. ``\Z``, not ``$``: Python's ``$`` also matches
# before a final newline, which let a folder "zz\n" through (and into CODEOWNERS). ASCII only,
# so a full-width or other look-alike letter is never a second spelling of a name.
RECORD_ID_RE = re.compile(r"\A[A-Za-z0-9_-]+\Z")
COUNTY_SLUG_RE = re.compile(r"\A[a-z0-9][a-z0-9-]*\Z")


def is_record_id(text: object) -> TypeGuard[str]:
    """A record id (a file's stem): ASCII letters, digits, ``-`` and ``_``, nothing else."""
    return isinstance(text, str) and RECORD_ID_RE.match(text) is not None


def is_county_slug(text: object) -> TypeGuard[str]:
    """A county folder name: lowercase ASCII letters, digits and ``-``, not starting with ``-``
    (so it can never be ``..``, a path, or a command-line option)."""
    return isinstance(text, str) and COUNTY_SLUG_RE.match(text) is not None


# The years a record's date may lie in. The census ran 2017–2020: a date outside is a typo
# (1019 for 2019: a week of progress per seven days since then made a build of minutes and
# gigabytes) or a placeholder (9999-12-31: no date after it to count with, the build stopped).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def _day(text: object) -> date | None:
    """The calendar day ``text`` writes as ``YYYY-MM-DD``; None for anything else."""
    if not isinstance(text, str) or not DATE_RE.match(text):
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        return None


def is_date(text: object) -> TypeGuard[str]:
    """A real calendar day written ``YYYY-MM-DD`` in FIRST_YEAR..LAST_YEAR (``format: date``
    in both validators; the rules compare such dates as text, which sorts the same)."""
    day = _day(text)
    return day is not None and FIRST_YEAR <= day.year <= LAST_YEAR


def out_of_years(text: object) -> bool:
    """A real calendar day, but outside FIRST_YEAR..LAST_YEAR (said apart: the year is wrong)."""
    day = _day(text)
    return day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR


SOURCE_TYPES = vocabulary.SOURCE_TYPES
# county.yaml ``reviewed`` keys, in the order of SOURCE_TYPES
REVIEWED_KEYS = dict(
    zip(SOURCE_TYPES, ("industrial", "agricultural", "centralized", "domestic", "mobile"))
)
FORM_LETTERS = vocabulary.FORM_LETTERS

RECTIFICATION = vocabulary.RECTIFICATION
REVIEW_RESULTS = vocabulary.REVIEW_RESULTS


def _forms() -> frozenset[str]:
    forms = {
        "G101-1",
        "G101-2",
        "G101-3",
        "G102",
        "G104-1",
        "G104-2",
        "G105",
        "G106-1",
        "G106-2",
        "G106-3",
        "G107",
        "G108",
        "N101-1",
        "N101-2",
        "N201-1",
        "N201-2",
        "N201-3",
        "N202",
        "N203",
        "S201",
        "S202",
        "J101-1",
        "J101-2",
        "J101-3",
        "J102-1",
        "J102-2",
        "J103-1",
        "J103-2",
        "J104-1",
        "J104-2",
        "J104-3",
        "Y101",
        "Y102",
        "Y103",
        "Y201-1",
        "Y201-2",
        "Y203",
    }
    forms |= {f"G103-{n}" for n in range(1, 14)}
    forms |= {f"S10{n}" for n in range(1, 7)}
    forms |= {f"Y202-{n}" for n in range(1, 5)}
    return frozenset(forms)


# From one secondary source: an unknown but well-formed form number is only a warning.
KNOWN_FORMS = _forms()

# GB/T 4754-2017 industrial divisions (大类): 06–12 mining, 13–43 manufacturing, 44–46 utilities.
INDUSTRIAL_DIVISIONS = range(6, 47)
INDUSTRY_DIVISION_NAMES = vocabulary.INDUSTRY_DIVISION_NAMES

CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_check_char(code: str) -> str | None:
    """The GB 32100-2015 check character for the first 17 characters, or None if not computable."""
    if len(code) < 17 or any(c not in CREDIT_ALPHABET for c in code[:17]):
        return None
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(code[:17], CREDIT_WEIGHTS))
    return CREDIT_ALPHABET[(31 - total % 31) % 31]


# Spaces (as str.isspace) and the zero-width characters that copying from web pages and Word
# leaves in names.
_SPACES = re.compile("[\\s\u200b\u200c\u200d\u2060\ufeff]+")


def _nfkc(text: str) -> str:
    # the quick check first: most names are already normal, and it is much cheaper
    return text if unicodedata.is_normalized("NFKC", text) else unicodedata.normalize("NFKC", text)


def object_key(name: str) -> str:
    """A census object's name as compared to find the same object recorded twice: full-width
    letters, digits and brackets made half-width (NFKC; U+3000 becomes a space), letters
    case-folded, every space and zero-width character dropped. 濮阳 ＡＢＣ 化工（分厂） and
    濮阳abc化工(分厂) are the same name."""
    key = name
    for _ in range(5):  # dropping a space can let NFKC compose again: repeat until stable
        again = _SPACES.sub("", _nfkc(_nfkc(key).casefold()))
        if again == key:
            break
        key = again
    return key


def form_type(form: str) -> str | None:
    """The source type a form number belongs to, by its letter."""
    return FORM_LETTERS.get(form[:1])


def industry_division(code: str) -> int:
    return int(code[:2])


@dataclass(frozen=True)
class Annex3Row:
    """One row of 附件3 重点帮扶情况记录表: its section, number, item and sub-item."""

    section: str
    number: str
    item: str
    sub: str | None
    key: str  # dotted path in assistance.yaml


def _annex3_row(section: str, number: str, key: str, under: str | None = None) -> Annex3Row:
    """The row of ``key``; ``under``: the item it is a sub-item of (数据库质量情况)."""
    text = vocabulary.ANNEX3_TEXTS[key]
    return Annex3Row(section, number, under, text, key) if under else \
        Annex3Row(section, number, text, None, key)


_DR = vocabulary.ANNEX3_DATA_REVIEW
_AR = vocabulary.ANNEX3_ARCHIVES
_DB = vocabulary.ANNEX3_DATABASE_QUALITY
ANNEX3_ROWS = (
    _annex3_row(_DR, "1", "data_review.database_quality.directory", _DB),
    _annex3_row(_DR, "1", "data_review.database_quality.industrial", _DB),
    _annex3_row(_DR, "1", "data_review.database_quality.centralized", _DB),
    _annex3_row(_DR, "1", "data_review.database_quality.domestic", _DB),
    _annex3_row(_DR, "1", "data_review.database_quality.mobile", _DB),
    _annex3_row(_DR, "1", "data_review.database_quality.g106", _DB),
    _annex3_row(_DR, "2", "data_review.provincial_feedback"),
    _annex3_row(_DR, "3", "data_review.city_county_review"),
    _annex3_row(_DR, "4", "data_review.sampling_recheck"),
    _annex3_row(_AR, "1", "archives.classification"),
    _annex3_row(_AR, "2", "archives.chronicle"),
    _annex3_row(_AR, "3", "archives.one_file_per_object"),
    _annex3_row(_AR, "4", "archives.closed_enterprises"),
)
