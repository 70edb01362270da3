"""Text → plain data, with YAML's traps disarmed. Reads nothing from disk.

PyYAML follows YAML 1.1: ``0610`` becomes 392, ``no`` becomes False, ``2019-03-05`` a
``date``, ``12:30`` 750, and a repeated key silently wins. Record authors type codes and
dates; they must come back as the text they typed. So the loader here:

* resolves only ``true``/``false``, ``null``/``~``/empty, decimal integers without a
  leading zero and plain decimals; everything else is a string;
* refuses anchors, aliases and explicit tags (an alias bomb is refused at its first anchor);
* reports a duplicate key at its position;
* parses with libyaml (``CParser``); node positions are composed only on request, for
  files that turned out to have problems.
"""

from __future__ import annotations

import re
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.resolver import BaseResolver

MAX_DEPTH = 20
MAX_DIGITS = 1000  # digits of a plain integer; no census figure comes near


class YamlProblem(Exception):
    """A problem found while parsing: message code, fields for its template, and position."""

    def __init__(self, code: str, line: int | None, column: int | None, **fields: object):
        super().__init__(code)
        self.code = code
        self.line = line
        self.column = column
        self.fields = fields


class _Resolver(BaseResolver):
    yaml_implicit_resolvers: dict[str | None, list[tuple[str, re.Pattern[str]]]] = {}


_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^[-+]?(?:0|[1-9][0-9]*)$"), list("-+0123456789")
)
_Resolver.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^[-+]?(?:0|[1-9][0-9]*)\.[0-9]+$"),
    list("-+0123456789"),
)


_TRUE = frozenset(("true", "True", "TRUE"))
_STR, _INT, _FLOAT = ("tag:yaml.org,2002:" + t for t in ("str", "int", "float"))
_BOOL, _NULL = "tag:yaml.org,2002:bool", "tag:yaml.org,2002:null"


def _scalar(node: yaml.ScalarNode) -> Any:
    """A scalar as the resolver above tagged it. Explicit tags never get here (refused before
    parsing), so these five are all there is; the patterns guarantee int() and float() work."""
    tag, value = node.tag, node.value
    if tag == _STR:
        return value
    if tag == _INT:
        if len(value) > MAX_DIGITS:  # int() refuses them (Python's limit is 4,300 digits)
            mark = node.start_mark
            raise YamlProblem("yaml.syntax", mark.line + 1, mark.column + 1,
                              problem=f"数字超过 {MAX_DIGITS} 位", hint="：需要文字时请加引号")
        return int(value)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in _TRUE
    if tag == _FLOAT:
        return float(value)
    mark = node.start_mark
    raise YamlProblem("yaml.tag", mark.line + 1, mark.column + 1, tag=tag)


def _construct(node: yaml.Node, level: int) -> Any:
    """Node tree → plain data, directly: PyYAML's SafeConstructor runs a generator per node
    to allow recursive structures, which records (no anchors) cannot have; this is the most
    of the time a city-scale validate spends. Also refuses nesting deeper than MAX_DEPTH (the
    document itself is level 1) and keys that are not simple text, and reports a repeated
    key at its position."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if level > MAX_DEPTH:
        raise YamlProblem("yaml.too_deep", None, None, limit=MAX_DEPTH)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, level + 1) for child in node.value]
    out: dict[Any, Any] = {}
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        mark = key_node.start_mark
        if not isinstance(key_node, yaml.ScalarNode):
            raise YamlProblem("yaml.syntax", mark.line + 1, mark.column + 1,
                              problem="键必须是简单的文字", hint="")
        if key_node.value in seen:
            raise YamlProblem("yaml.duplicate_key", mark.line + 1, mark.column + 1,
                              key=key_node.value, first_line=seen[key_node.value])
        seen[key_node.value] = mark.line + 1
        out[_scalar(key_node)] = _construct(value_node, level + 1)
    return out


class _Loader(CParser, _Resolver):
    def __init__(self, stream: str):
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


_SYNTAX_HINTS = [
    ("mapping values are not allowed", "冒号“:”用错了位置；值里含有“: ”时请给整个值加引号"),
    ("could not find expected ':'", "缺少冒号“:”，或上一行的引号没有闭合"),
    ("did not find expected key", "缩进不一致，或上面某行的引号没有成对：同一层的键要对齐"),
    ("did not find expected '-' indicator", "列表项缩进不一致：同一列表的“- ”要对齐"),
    ("expected <block end>", "缩进不一致：同一层的键要对齐"),
    ("found unexpected end of stream", "引号或括号没有闭合"),
    ("found unknown escape character", "双引号里的反斜杠“\\”需要写成“\\\\”，或改用单引号"),
    ("control characters are not allowed", "文件里有不可见的控制字符，请删除"),
    (
        "found character that cannot start any token",
        "这里有不能出现在开头的字符（如 @、`、%），请给值加引号",
    ),
]


def _syntax_problem(exc: yaml.MarkedYAMLError) -> YamlProblem:
    mark = exc.problem_mark or exc.context_mark
    text = f"{exc.context or ''} {exc.problem or ''}"
    if "'\\t'" in text or "\\t" in repr(exc.problem):
        return YamlProblem(
            "yaml.tab", mark.line + 1 if mark else None, mark.column + 1 if mark else None
        )
    if "expected a single document" in text:
        return YamlProblem(
            "yaml.multi_document",
            mark.line + 1 if mark else None,
            mark.column + 1 if mark else None,
        )
    problem = next((zh for en, zh in _SYNTAX_HINTS if en in text), "无法解析")
    detail = (exc.problem or "").strip()
    return YamlProblem(
        "yaml.syntax",
        mark.line + 1 if mark else None,
        mark.column + 1 if mark else None,
        problem=problem,
        hint=f"（{detail}）" if detail else "",
    )


def _problem_of(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """Any PyYAML error as a located problem."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_problem(exc)
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        line = text.count("\n", 0, exc.position) + 1
        column = exc.position - (text.rfind("\n", 0, exc.position) + 1) + 1
        code = f"（U+{exc.character:04X}）" if isinstance(exc.character, int) else ""
        return YamlProblem("yaml.syntax", line, column,
                           problem="文件里有不可见的控制字符，请删除", hint=code)
    return YamlProblem("yaml.syntax", None, None, problem="无法解析", hint=f"（{exc}）")


def _refuse_anchors_and_tags(text: str) -> None:
    """Walk the event stream (libyaml, flat, no nesting recursion) for anchors, aliases, tags."""
    loader = _Loader(text)
    try:
        while loader.check_event():
            event = loader.get_event()
            if event is None:
                break
            mark = event.start_mark
            where = (mark.line + 1, mark.column + 1)
            if isinstance(event, yaml.AliasEvent):
                raise YamlProblem("yaml.alias", *where, name=event.anchor)
            anchor = getattr(event, "anchor", None)
            if anchor is not None:
                raise YamlProblem("yaml.anchor", *where, name=anchor)
            tag = getattr(event, "tag", None)
            if tag is not None:
                shown = tag.replace("tag:yaml.org,2002:", "!!")
                raise YamlProblem("yaml.tag", *where, tag=shown)
    finally:
        loader.dispose()


def _check_tabs(text: str) -> None:
    if "\t" not in text:  # the common case, without splitting the file into lines
        return
    for number, line in enumerate(text.split("\n"), start=1):
        indent = len(line) - len(line.lstrip(" \t"))
        tab = line.find("\t", 0, indent)
        if tab >= 0:
            raise YamlProblem("yaml.tab", number, tab + 1)


def parse(text: str) -> Any:
    """Parse one record's text. Raises :class:`YamlProblem`; never anything else for bad input."""
    _check_tabs(text)
    if "&" in text or "*" in text or "!" in text:
        try:
            _refuse_anchors_and_tags(text)
        except yaml.YAMLError as exc:
            raise _problem_of(exc, text) from None
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.YAMLError as exc:
        raise _problem_of(exc, text) from None
    finally:
        loader.dispose()
    return None if node is None else _construct(node, 1)


def compose(text: str) -> yaml.Node | None:
    """The node tree, for positions. Only called for text that :func:`parse` accepted."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


def locate(
    root: yaml.Node | None, path: tuple[str | int, ...], key: bool = False
) -> tuple[int, int] | None:
    """1-based (line, column) of the value at ``path`` (of its key when ``key``), or the
    nearest ancestor that exists."""
    node, key_node = root, None
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode) and k.value == step:
                    child, key_node = v, k
                    break
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int):
            if 0 <= step < len(node.value):
                child, key_node = node.value[step], None
        if child is None:
            break
        node = child
    else:
        if key and key_node is not None:
            node = key_node
    if node is None:
        return None
    return node.start_mark.line + 1, node.start_mark.column + 1
