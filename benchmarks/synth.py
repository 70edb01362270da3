#!/usr/bin/env python3
"""A synthetic but valid records tree at city scale, from the shipped records/ as templates.

``python benchmarks/synth.py OUT_DIR [--scale 1] [--seed 2019]`` writes city.yaml and the 9
county folders of records/, with, at scale 1: 10,000 findings of 1–8 errors each, 1,000 G106-1
problems, 200 field verifications (each linked both ways to a G106-1 problem of its county and to
findings of the same enterprise) and the 3 key-assistance records. ``--scale 10`` gives ten
times the records.

The records are shaped like the shipped ones: error rows, G106-1 problems and verification texts
are the shipped texts with their numbers varied; names are composed per source type; form numbers
agree with the source type; codes and dates are quoted; credit codes carry a correct check
character (generator.records.domain.credit_check_char); dates fall inside the city's period, after the
review date where they must; each county's ``reviewed`` counts are at least its findings per
source type. The tree validates with no error and no warning (warnings would make validate compose
node trees for positions, which is not what is being measured). The same seed gives the same
bytes.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import re
import shutil
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from generator.records import domain, yamlsafe  # noqa: E402

TEMPLATES = REPO / "records"
BASE = {"findings": 10_000, "g106": 1_000, "verifications": 200}
# Errors per finding, 1–8 (mean ≈ 3.2: most objects have a few errors, some many).
ERROR_COUNTS = (1, 2, 3, 4, 5, 6, 7, 8)
ERROR_WEIGHTS = (18, 24, 20, 14, 10, 7, 4, 3)
TYPE_WEIGHTS = {"工业源": 0.5, "农业源": 0.2, "集中式": 0.07, "生活源": 0.15, "移动源": 0.08}
STATUS_WEIGHTS = {"已整改": 0.7, "整改中": 0.2, "未整改": 0.1}
CREDIT_SHARE = {"工业源": 0.8, "农业源": 0.3, "集中式": 0.6, "生活源": 0.5, "移动源": 0.6}
CREDIT_PREFIX = {"工业源": ("91",), "农业源": ("93", "91"), "集中式": ("91", "12"),
                 "生活源": ("12", "52", "91"), "移动源": ("91",)}
ID_CHARS = "abcdefghjkmnpqrstuvwxyz23456789"
REVIEW_FIRST, REVIEW_LAST = date(2019, 3, 11), date(2019, 5, 20)

NAME_CHARS = ("金鼎华瑞龙都昌达恒通宏远中天成鑫源丰永安德润盛丰诚信振兴新星亿明阳东方绿海川蓝万和泰"
              "利民富康嘉禾兴业顺发晟隆汇锦绣宇博远航科凯旭辉正弘润泽聚广厚瀚")
INDUSTRIES = ("化工", "精细化工", "包装制品", "机械制造", "印染", "塑料制品", "食品", "新型建材",
              "石化设备", "羽绒制品", "木业", "纸业", "电力设备", "铸造", "家具", "生物科技",
              "涂料", "玻璃制品", "饲料", "钢结构")
ANIMALS = ("生猪", "肉牛", "奶牛", "蛋鸡", "肉鸡", "肉羊")
FARM_KINDS = ("养殖场", "养殖专业合作社", "养殖有限公司")
CENTRAL_KINDS = ("污水处理厂", "第二污水处理厂", "生活垃圾填埋场", "生活垃圾转运站", "医疗废物处置中心")
DOMESTIC_KINDS = ("人民医院", "中医院", "第一中学", "实验小学", "宾馆", "供热站", "小区燃气锅炉房",
                  "职业技术学校", "妇幼保健院")
ROADS = ("中原", "黄河", "京开", "胜利", "大庆", "建设", "长庆", "开州", "华龙", "人民", "绿城", "濮上")


@dataclass
class Templates:
    """What the shipped records offer to vary."""

    city_text: str
    city: dict[str, Any]
    counties: dict[str, dict[str, Any]]  # slug → county.yaml data
    county_text: dict[str, str]
    prefix: dict[str, str]  # slug → id prefix (hl, qf …)
    assistance: dict[str, Path]
    errors: dict[str, list[dict[str, Any]]]  # by source type
    done_notes: list[str]
    open_notes: list[str]
    remarks: dict[str, list[str]]
    g106: list[dict[str, Any]]
    review_notes: dict[str, list[str]]
    verifications: dict[str, dict[str, Any]]  # by the id of the G106-1 problem it examined


def _parse(path: Path) -> Any:
    return yamlsafe.parse(path.read_text(encoding="utf-8"))


def read_templates(root: Path = TEMPLATES) -> Templates:
    city_text = (root / "city.yaml").read_text(encoding="utf-8")
    t = Templates(city_text, yamlsafe.parse(city_text), {}, {}, {}, {}, defaultdict(list), [], [],
                  defaultdict(list), [], defaultdict(list), {})
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        slug = folder.name
        t.county_text[slug] = (folder / "county.yaml").read_text(encoding="utf-8")
        t.counties[slug] = yamlsafe.parse(t.county_text[slug])
        if (folder / "assistance.yaml").is_file():
            t.assistance[slug] = folder / "assistance.yaml"
        for path in sorted((folder / "findings").glob("*.yaml")):
            t.prefix.setdefault(slug, path.stem.split("-")[0])
            data = _parse(path)
            for error in data["errors"]:
                t.errors[data["source_type"]].append(error)
                note = error["rectification"].get("note")
                if note:
                    (t.done_notes if error["rectification"]["status"] == "已整改"
                     else t.open_notes).append(note)
            if data.get("remark"):
                t.remarks[data["source_type"]].append(data["remark"])
        for path in sorted((folder / "g106").glob("*.yaml")):
            data = _parse(path)
            data["_id"] = path.stem
            t.g106.append(data)
            if data["review"].get("note"):
                t.review_notes[data["review"]["result"]].append(data["review"]["note"])
        for path in sorted((folder / "verifications").glob("*.yaml")):
            data = _parse(path)
            for g_id in data["about"].get("g106", []):
                t.verifications[g_id] = data
    return t


# --- YAML text -----------------------------------------------------------------------------

_PLAIN_FORBIDDEN = set("\n\r\t:#,[]{}&*!|>'\"%@`\\")
_PLAIN_BAD_START = set("-?~+.0123456789 ")
_YAML11_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null"}


def scalar(value: object) -> str:
    """One scalar as YAML text: plain where that is surely a string, else double-quoted."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    text = str(value)
    if (text and text == text.strip() and text[0] not in _PLAIN_BAD_START
            and not _PLAIN_FORBIDDEN.intersection(text) and text.lower() not in _YAML11_WORDS):
        return text
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a YAML double-quoted scalar


def _flat(value: object) -> bool:
    return isinstance(value, dict) and all(not isinstance(v, (dict, list)) for v in value.values())


def _inline(value: object) -> str | None:
    """Flow style for a mapping of scalars or a list of scalars, as the shipped records use."""
    if _flat(value):
        return "{" + ", ".join(f"{k}: {scalar(v)}" for k, v in value.items()) + "}"  # type: ignore[union-attr]
    if isinstance(value, list) and all(not isinstance(v, (dict, list)) for v in value):
        return "[" + ", ".join(scalar(v) for v in value) + "]"
    return None


def emit(data: dict[str, Any], indent: int = 0) -> list[str]:
    pad = " " * indent
    lines: list[str] = []
    for key, value in data.items():
        if not isinstance(value, (dict, list)):
            lines.append(f"{pad}{key}: {scalar(value)}")
            continue
        flow = _inline(value)
        if flow is not None:
            lines.append(f"{pad}{key}: {flow}")
        elif isinstance(value, dict):
            lines.append(f"{pad}{key}:")
            lines.extend(emit(value, indent + 2))
        else:
            lines.append(f"{pad}{key}:")
            for item in value:
                flow = _inline(item)
                if flow is not None:
                    lines.append(f"{pad}  - {flow}")
                else:
                    inner = emit(item, indent + 4)
                    lines.append(f"{pad}  - {inner[0].lstrip()}")
                    lines.extend(inner[1:])
    return lines


def dump(data: dict[str, Any]) -> str:
    return "\n".join(emit(data)) + "\n"


# --- Values -----------------------------------------------------------------------------

_NUMBER = re.compile(r"(?<![A-Za-z0-9.\-/])(\d+(?:\.\d+)?)(?![0-9\-/A-Za-z])")


class Maker:
    """Deterministic random values (one seeded generator, no iteration over sets)."""

    def __init__(self, seed: int, templates: Templates):
        self.r = random.Random(seed)
        self.t = templates
        self.ids: set[str] = set()
        period = templates.city["period"]
        self.start = date.fromisoformat(period["start"])
        self.end = date.fromisoformat(period["end"])

    def pick(self, items: Any) -> Any:
        return items[self.r.randrange(len(items))]

    def weighted(self, weights: dict[str, float]) -> str:
        return self.r.choices(list(weights), weights=list(weights.values()))[0]

    def day(self, first: date, last: date) -> date:
        last = min(last, self.end)
        first = max(first, self.start)
        return first + timedelta(days=self.r.randint(0, max(0, (last - first).days)))

    def brand(self) -> str:
        return self.pick(NAME_CHARS) + self.pick(NAME_CHARS)

    def vary_numbers(self, text: str) -> str:
        """Numbers in a shipped text, changed by up to half; 4-digit ones (years, codes) kept."""
        def change(match: re.Match[str]) -> str:
            number = match.group(1)
            whole = number.split(".")[0]
            if len(whole) == 4 or float(number) < 10:
                return number
            decimals = len(number.split(".")[1]) if "." in number else 0
            value = float(number) * self.r.uniform(0.5, 1.5)
            return f"{value:.{decimals}f}" if decimals else str(max(10, round(value)))
        return _NUMBER.sub(change, text)

    def record_id(self, prefix: str, day: date) -> str:
        while True:
            rid = f"{prefix}-{day:%Y%m%d}-" + "".join(self.r.choice(ID_CHARS) for _ in range(3))
            if rid not in self.ids:
                self.ids.add(rid)
                return rid

    def credit_code(self, source_type: str, county_code: str) -> str:
        head = self.pick(CREDIT_PREFIX[source_type]) + county_code
        body = ("MA" if self.r.random() < 0.5 else "") + "".join(
            self.r.choice(domain.CREDIT_ALPHABET) for _ in range(9))
        code17 = (head + body)[:17]
        check = domain.credit_check_char(code17)
        assert check is not None
        return code17 + check

    def object_name(self, source_type: str, place: str) -> str:
        if source_type == "工业源":
            where = "濮阳市" if self.r.random() < 0.5 else f"濮阳{place}"
            return f"{where}{self.brand()}{self.pick(INDUSTRIES)}有限公司"
        if source_type == "农业源":
            return f"{place}{self.brand()}村{self.pick(ANIMALS)}{self.pick(FARM_KINDS)}"
        if source_type == "集中式":
            return f"濮阳{self.brand()}水务有限公司{place}{self.pick(CENTRAL_KINDS)}"
        if source_type == "生活源":
            return f"{place}{self.brand()}{self.pick(DOMESTIC_KINDS)}"
        return f"濮阳市{self.brand()}石化{self.pick(ROADS)}路加油站"


def _place(name: str) -> str:
    """华龙区 → 华龙, 濮阳县 → 濮阳, 濮阳工业园区 → 工业园区."""
    stem = name[2:] if name.startswith("濮阳") and len(name) > 3 else name
    return stem[:-1] if stem.endswith(("区", "县")) and len(stem) > 2 else stem


@dataclass
class County:
    slug: str
    data: dict[str, Any]
    prefix: str
    code: str
    place: str
    type_weights: dict[str, float]
    findings: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    names: set[str] = field(default_factory=set)  # domain.object_key of its objects' names
    g106: list[tuple[str, dict[str, Any], date]] = field(default_factory=list)
    verifications: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def _counties(t: Templates) -> list[County]:
    out = []
    for slug, data in t.counties.items():
        reviewed = data.get("reviewed", {})
        total = sum(reviewed.values()) or 1
        weights = {st: 0.5 * w + 0.5 * reviewed.get(domain.REVIEWED_KEYS[st], 0) / total
                   for st, w in TYPE_WEIGHTS.items()}
        out.append(County(slug, data, t.prefix.get(slug, slug[:2]), data.get("code", "410900"),
                          _place(data["name"]), weights))
    return out


def _county_weights(counties: list[County]) -> list[float]:
    return [sum(c.data.get("reviewed", {}).values()) or 1 for c in counties]


def make_finding(m: Maker, county: County) -> tuple[str, dict[str, Any]]:
    source_type = m.weighted(county.type_weights)
    reviewed_on = m.day(REVIEW_FIRST, REVIEW_LAST)
    reviewers = [p["name"] for p in [m.t.city["team"]["leader"], *m.t.city["team"]["members"]]
                 if p["role"] != "专家"]
    name = m.object_name(source_type, county.place)
    while domain.object_key(name) in county.names:  # one finding per object (duplicate_object)
        name = m.object_name(source_type, county.place)
    county.names.add(domain.object_key(name))
    data: dict[str, Any] = {"object_name": name, "source_type": source_type}
    if m.r.random() < CREDIT_SHARE[source_type]:
        data["credit_code"] = m.credit_code(source_type, county.code)
    data["reviewed_on"] = reviewed_on.isoformat()
    data["reviewer"] = m.pick(reviewers)
    errors = []
    for _ in range(m.r.choices(ERROR_COUNTS, weights=ERROR_WEIGHTS)[0]):
        template = m.pick(m.t.errors[source_type])
        status = m.weighted(STATUS_WEIGHTS)
        rect: dict[str, Any] = {"status": status}
        if status == "已整改":
            rect["date"] = m.day(reviewed_on, reviewed_on + timedelta(days=10)).isoformat()
        notes = m.t.done_notes if status == "已整改" else m.t.open_notes
        if notes and m.r.random() < 0.5:
            rect["note"] = m.pick(notes)
        errors.append({"form": template["form"], "indicator_code": template["indicator_code"],
                       "indicator_name": template["indicator_name"],
                       "reason": m.vary_numbers(template["reason"]), "rectification": rect})
    data["errors"] = errors
    if m.t.remarks[source_type] and m.r.random() < 0.15:
        data["remark"] = m.pick(m.t.remarks[source_type])
    return m.record_id(county.prefix, reviewed_on), data


def make_g106(m: Maker, county: County, linked: bool) -> tuple[str, dict[str, Any], date]:
    # A problem that gets a verification is varied from one the shipped records verified, so
    # that the verification's texts fit it.
    verified = [g for g in m.t.g106 if g["_id"] in m.t.verifications]
    template = m.pick(verified if linked and verified else m.t.g106)
    day = m.day(REVIEW_FIRST, date(2019, 5, 10))
    industrial = [d for _, d in county.findings if d["source_type"] == "工业源"]
    data = dict(template)
    data.pop("verification", None)
    data.pop("credit_code", None)
    if industrial and (linked or m.r.random() < 0.5):  # an enterprise found with errors
        seen = m.pick(industrial)
        data["enterprise"] = seen["object_name"]
        if "credit_code" in seen:
            data["credit_code"] = seen["credit_code"]
    else:
        data["enterprise"] = m.object_name("工业源", county.place)
        if m.r.random() < 0.8:
            data["credit_code"] = m.credit_code("工业源", county.code)
    order = ["enterprise", "credit_code", *[k for k in template if k not in ("enterprise",
                                                                             "credit_code")]]
    data = {k: data[k] for k in order if k in data and k != "_id"}
    data["_template"] = template["_id"]
    data["summary"] = m.vary_numbers(template["summary"])
    data["scale"] = m.vary_numbers(str(template["scale"]))
    data["enumerator_id"] = f"{county.prefix.upper()}-{m.r.randint(1, 9999):04d}"
    results = {"需现场核查": 0.6, "已解决": 0.25, "报省级": 0.15} if linked else \
        {"已解决": 0.7, "报省级": 0.3}
    result = m.weighted(results)
    review: dict[str, Any] = {"result": result}
    own = template["review"].get("note") if template["review"]["result"] == result else None
    if own or (m.t.review_notes[result] and m.r.random() < 0.8):
        review["note"] = own or m.pick(m.t.review_notes[result])
    data["review"] = review
    data.pop("verification", None)
    return m.record_id(f"{county.prefix}-g", day), data, day


def make_verification(m: Maker, county: County, g106: tuple[str, dict[str, Any], date],
                      counter: dict[tuple[str, str], int]) -> tuple[str, dict[str, Any]]:
    g_id, g_data, g_day = g106
    day = m.day(g_day + timedelta(days=5), g_day + timedelta(days=25))
    key = (county.slug, day.isoformat())
    counter[key] = counter.get(key, 0) + 1
    v_id = f"{county.prefix}-v-{day:%Y%m%d}-{counter[key]:02d}"
    template = m.t.verifications.get(g_data.pop("_template"))
    if template is None:
        template = m.pick(list(m.t.verifications.values()))
    team = [p["name"] for p in [m.t.city["team"]["leader"], *m.t.city["team"]["members"]]]
    same = [fid for fid, d in county.findings if d["object_name"] == g_data["enterprise"]]
    findings = same[:2] if same else []
    materials_all = ["入户调查记录", "普查表", "普查对象基本信息", "物料消耗记录", "原辅料凭证",
                     "生产记录", "治理设施运行记录", "污染物排放监测记录", "其他原始资料"]
    chosen = sorted(m.r.sample(range(len(materials_all)), m.r.randint(3, 7)))
    about: dict[str, Any] = {"g106": [g_id]}
    if findings:
        about["findings"] = findings
    data: dict[str, Any] = {
        "object_name": g_data["enterprise"], "date": day.isoformat(),
        "team": [team[i] for i in sorted(m.r.sample(range(len(team)), m.r.randint(2, 4)))],
        "about": about, "materials": [materials_all[i] for i in chosen],
        "checks": {k: dict(v) for k, v in template["checks"].items()},
        "conclusion": m.vary_numbers(template["conclusion"]),
    }
    if template.get("follow_up"):
        data["follow_up"] = template["follow_up"]
    g_data["verification"] = v_id
    return v_id, data


def _split(total: int, weights: list[float]) -> list[int]:
    """``total`` items over the counties in proportion to ``weights`` (deterministic)."""
    shares = [total * w / sum(weights) for w in weights]
    counts = [math.floor(s) for s in shares]
    rest = sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))
    for i in rest[: total - sum(counts)]:
        counts[i] += 1
    return counts


def generate(out: Path, scale: float = 1.0, seed: int = 2019) -> dict[str, int]:
    """Write the tree into ``out`` (emptied first); the number of records of each kind."""
    t = read_templates()
    m = Maker(seed, t)
    counties = _counties(t)
    weights = _county_weights(counties)
    n = {k: max(1, round(v * scale)) for k, v in BASE.items()}
    for county, k in zip(counties, _split(n["findings"], weights)):
        county.findings = [make_finding(m, county) for _ in range(k)]
    v_split = _split(n["verifications"], weights)
    g_split = _split(n["g106"], weights)
    counter: dict[tuple[str, str], int] = {}
    for county, n_g, n_v in zip(counties, g_split, v_split):
        n_v = min(n_v, n_g)
        county.g106 = [make_g106(m, county, i < n_v) for i in range(n_g)]
        county.verifications = [make_verification(m, county, g, counter)
                                for g in county.g106[:n_v]]
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / "city.yaml").write_text(t.city_text, encoding="utf-8")
    for county in counties:
        _write_county(out / county.slug, county, t, m.r)
    return {"findings": sum(len(c.findings) for c in counties),
            "errors": sum(len(d["errors"]) for c in counties for _, d in c.findings),
            "g106": sum(len(c.g106) for c in counties),
            "verifications": sum(len(c.verifications) for c in counties),
            "assistance": len(t.assistance)}


def _reviewed_line(county: County, r: random.Random) -> str:
    counts = {k: 0 for k in domain.REVIEWED_KEYS.values()}
    for _, data in county.findings:
        counts[domain.REVIEWED_KEYS[data["source_type"]]] += 1
    shipped = county.data.get("reviewed", {})
    reviewed = {key: max(shipped.get(key, 0), math.ceil(n * r.uniform(1.4, 3.0)))
                for key, n in counts.items()}
    return "reviewed: " + _inline(reviewed)  # type: ignore[operator]


def _write_county(folder: Path, county: County, t: Templates, r: random.Random) -> None:
    for sub in ("findings", "g106", "verifications"):
        (folder / sub).mkdir(parents=True)
    text, replaced = re.subn(r"(?m)^reviewed:.*$", _reviewed_line(county, r),
                             t.county_text[county.slug])
    if replaced != 1:
        raise SystemExit(f"{county.slug}/county.yaml: expected one 'reviewed:' line")
    (folder / "county.yaml").write_text(text, encoding="utf-8")
    if county.slug in t.assistance:
        shutil.copyfile(t.assistance[county.slug], folder / "assistance.yaml")
    for sub, records in (("findings", county.findings),
                         ("g106", [(i, {k: v for k, v in d.items() if k != "_template"})
                                   for i, d, _ in county.g106]),
                         ("verifications", county.verifications)):
        for record_id, data in records:
            (folder / sub / f"{record_id}.yaml").write_text(dump(data), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path, help="folder to write the records tree into (replaced)")
    parser.add_argument("--scale", type=float, default=1.0, help="1 = city scale (10,000 findings)")
    parser.add_argument("--seed", type=int, default=2019)
    args = parser.parse_args(argv)
    counts = generate(args.out, args.scale, args.seed)
    print(", ".join(f"{k} {v:,}" for k, v in counts.items()), f"→ {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
