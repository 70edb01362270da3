"""Facts of the census that the checks and the figures rely on (see DESIGN.md, 'Domain facts')."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from typing import TypeGuard

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


def is_date(text: object) -> TypeGuard[str]:
    """A real calendar day written ``YYYY-MM-DD`` (as jsonschema's ``format: date`` checks it;
    the rules compare such dates as text, which sorts the same)."""
    if not isinstance(text, str) or not DATE_RE.match(text):
        return False
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True

SOURCE_TYPES = ("工业源", "农业源", "集中式", "生活源", "移动源")
# county.yaml ``reviewed`` keys, in the order of SOURCE_TYPES
REVIEWED_KEYS = dict(
    zip(SOURCE_TYPES, ("industrial", "agricultural", "centralized", "domestic", "mobile"))
)
FORM_LETTERS = {"G": "工业源", "N": "农业源", "J": "集中式", "S": "生活源", "Y": "移动源"}

RECTIFICATION = ("已整改", "整改中", "未整改")
REVIEW_RESULTS = ("已解决", "需现场核查", "报省级")


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

INDUSTRY_DIVISION_NAMES = {
    6: "煤炭开采和洗选业",
    7: "石油和天然气开采业",
    8: "黑色金属矿采选业",
    9: "有色金属矿采选业",
    10: "非金属矿采选业",
    11: "开采专业及辅助性活动",
    12: "其他采矿业",
    13: "农副食品加工业",
    14: "食品制造业",
    15: "酒、饮料和精制茶制造业",
    16: "烟草制品业",
    17: "纺织业",
    18: "纺织服装、服饰业",
    19: "皮革、毛皮、羽毛及其制品和制鞋业",
    20: "木材加工和木、竹、藤、棕、草制品业",
    21: "家具制造业",
    22: "造纸和纸制品业",
    23: "印刷和记录媒介复制业",
    24: "文教、工美、体育和娱乐用品制造业",
    25: "石油、煤炭及其他燃料加工业",
    26: "化学原料和化学制品制造业",
    27: "医药制造业",
    28: "化学纤维制造业",
    29: "橡胶和塑料制品业",
    30: "非金属矿物制品业",
    31: "黑色金属冶炼和压延加工业",
    32: "有色金属冶炼和压延加工业",
    33: "金属制品业",
    34: "通用设备制造业",
    35: "专用设备制造业",
    36: "汽车制造业",
    37: "铁路、船舶、航空航天和其他运输设备制造业",
    38: "电气机械和器材制造业",
    39: "计算机、通信和其他电子设备制造业",
    40: "仪器仪表制造业",
    41: "其他制造业",
    42: "废弃资源综合利用业",
    43: "金属制品、机械和设备修理业",
    44: "电力、热力生产和供应业",
    45: "燃气生产和供应业",
    46: "水的生产和供应业",
}

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


_DR = "（一）数据审核情况"
_AR = "（二）档案管理情况"
_DB = "数据库质量情况"
ANNEX3_ROWS = (
    Annex3Row(_DR, "1", _DB, "普查名录库全面性情况", "data_review.database_quality.directory"),
    Annex3Row(_DR, "1", _DB, "工业源报表质量情况", "data_review.database_quality.industrial"),
    Annex3Row(_DR, "1", _DB, "集中式报表质量情况", "data_review.database_quality.centralized"),
    Annex3Row(_DR, "1", _DB, "生活源报表质量情况", "data_review.database_quality.domestic"),
    Annex3Row(_DR, "1", _DB, "移动源报表质量情况", "data_review.database_quality.mobile"),
    Annex3Row(_DR, "1", _DB, "G106 表的填报情况", "data_review.database_quality.g106"),
    Annex3Row(_DR, "2", "省级数据审核反馈结果整改情况", None, "data_review.provincial_feedback"),
    Annex3Row(_DR, "3", "市县数据审核工作开展情况", None, "data_review.city_county_review"),
    Annex3Row(_DR, "4", "县区级开展数据抽样复核情况", None, "data_review.sampling_recheck"),
    Annex3Row(_AR, "1", "工作档案分类整理情况（纸质、电子）", None, "archives.classification"),
    Annex3Row(_AR, "2", "大事记材料整理情况", None, "archives.chronicle"),
    Annex3Row(_AR, "3", "普查对象“一企一档”管理情况", None, "archives.one_file_per_object"),
    Annex3Row(_AR, "4", "关闭企业建档情况", None, "archives.closed_enterprises"),
)
