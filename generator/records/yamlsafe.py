"""Text → plain data, with YAML's traps disarmed. Reads nothing from disk.

PyYAML follows YAML 1.1: ``0610`` becomes 392, ``no`` becomes False, ``2019-03-05`` a
``date``, ``12:30`` 750, and a repeated key silently wins. Record authors type codes and
dates; they must come back as the text they typed. So the loader here:

* resolves only ``true``/``false``, ``null``/``~``/empty, decimal integers without a
  leading zero and plain decimals; everything else is a string;
* refuses anchors, aliases and explicit tags (an alias bomb is refused at its first anchor);
* takes keys as plain text only (``1:``, ``~:``, ``true:`` are reported, never collapsed);
* refuses numbers that Python cannot hold or that overflow to ``inf``;
* reports each repeated key at its position and keeps the first; these last three leave the
  rest of the record to be checked, so a file's problems are all reported at once;
* parses with libyaml (``CParser``); node positions are composed only on request, for
  files that turned out to have problems.
"""

from __future__ import annotations

import re
import sys
import weakref
from typing import Any

import yaml
from yaml._yaml import CParser
from yaml.resolver import BaseResolver

from generator.errors import GeneratorError
from generator.text import records as messages
from generator.text.records import TYPE_NAMES, quote

MAX_DEPTH = 20
MAX_DIGITS = 1000  # digits of a plain integer; no census figure comes near
_INFINITIES = (float("inf"), float("-inf"))


class YamlProblem(GeneratorError):
    """A problem found while parsing: message code, fields for its template, and position.
    The loader turns it into a located :class:`generator.errors.RecordError`."""

    def __init__(self, code: str, line: int | None, column: int | None, **fields: object):
        super().__init__(code)
        self.fields = fields
        self.line = line
        self.column = column


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
_KEY_KINDS = {_INT: "integer", _FLOAT: "number", _BOOL: "boolean", _NULL: "null"}


def _at(node: yaml.Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


def _too_large(node: yaml.ScalarNode, found: list[YamlProblem]) -> str:
    """A number Python cannot hold (or only as ``inf``): reported, kept as the text typed."""
    found.append(YamlProblem("yaml.number_too_large", *_at(node), value=quote(node.value)))
    return str(node.value)


# Texts up to this long are shared (sys.intern): one object for the same date, code or state
# in every record, not one each: with the keys shared too, the loaded 1× tree takes 48 MiB, not 80.
SHARED_TEXT = 16


def _scalar(node: yaml.ScalarNode, found: list[YamlProblem]) -> Any:
    """A scalar as the resolver above tagged it. Explicit tags never get here (refused before
    parsing), so these five are all there is; the patterns guarantee int() and float() work."""
    tag, value = node.tag, node.value
    if tag == _STR:  # short texts (dates, codes, states, form numbers) recur across records
        return sys.intern(value) if len(value) <= SHARED_TEXT else value
    if tag == _INT:
        if len(value) > MAX_DIGITS:  # int() refuses them (Python's limit is 4,300 digits)
            return _too_large(node, found)
        return int(value)
    if tag == _NULL:
        return None
    if tag == _BOOL:
        return value in _TRUE
    if tag == _FLOAT:
        number = float(value)
        # a decimal beyond 1.8e308 reads as inf, which would reach the annexes as a figure
        return number if number not in _INFINITIES else _too_large(node, found)
    raise YamlProblem("yaml.tag", *_at(node), tag=tag)


def _bad_key(node: yaml.Node) -> YamlProblem:
    """A key that is not plain text: ``~``, ``1``, ``true``, ``1.5``, a list or a mapping. Such
    keys crash sorting, and ``true``/``True`` or ``1``/``+1`` would collapse into one key."""
    if isinstance(node, yaml.ScalarNode):
        key, kind = quote(node.value), _KEY_KINDS.get(node.tag, "string")
    else:
        kind = "array" if isinstance(node, yaml.SequenceNode) else "object"
        key = messages.LIST_SHOWN if kind == "array" else messages.MAPPING_SHOWN
    return YamlProblem("yaml.key_not_text", *_at(node), key=key, kind=TYPE_NAMES[kind])


def _construct(node: yaml.Node, level: int, found: list[YamlProblem]) -> Any:
    """Node tree → plain data, directly: PyYAML's SafeConstructor runs a generator per node
    to allow recursive structures, which records (no anchors) cannot have; this is the most
    of the time a city-scale validate spends (hence mappings inline, not a call each).
    Nesting deeper than MAX_DEPTH (the document itself is level 1) is raised. A bad or
    repeated key is added to ``found`` and left out (the first of repeated keys stays, where
    positions are looked up), so the rest of the record is still checked and all its
    problems are reported at once."""
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node, found)
    if level > MAX_DEPTH:
        raise YamlProblem("yaml.too_deep", None, None, limit=MAX_DEPTH)
    if isinstance(node, yaml.SequenceNode):
        return [_construct(child, level + 1, found) for child in node.value]
    out: dict[str, Any] = {}
    seen: dict[str, int] = {}
    for key_node, value_node in node.value:
        if key_node.tag != _STR or not isinstance(key_node, yaml.ScalarNode):
            found.append(_bad_key(key_node))
            continue
        key = sys.intern(key_node.value)  # a few dozen keys, repeated in every record
        if key in seen:
            found.append(YamlProblem("yaml.duplicate_key", *_at(key_node), key=key,
                                     first_line=seen[key]))
            continue
        seen[key] = key_node.start_mark.line + 1
        out[key] = _construct(value_node, level + 1, found)
    return out


class _Loader(CParser, _Resolver):
    def __init__(self, stream: str):
        CParser.__init__(self, stream)
        _Resolver.__init__(self)


def _syntax_problem(exc: yaml.MarkedYAMLError) -> YamlProblem:
    """libyaml's error in Chinese (messages.YAML_PROBLEMS), at its position."""
    mark = exc.problem_mark or exc.context_mark
    where = (mark.line + 1, mark.column + 1) if mark else (None, None)
    detail = (exc.problem or "").strip()
    text = f"{exc.context or ''} {detail}"
    if "tab character" in text or "'\\t'" in text or "\\t" in repr(exc.problem):
        return YamlProblem("yaml.tab", *where)
    if "expected a single document" in text:
        return YamlProblem("yaml.multi_document", *where)
    chinese = messages.yaml_problem(detail)
    if chinese is not None:
        return YamlProblem("yaml.syntax", *where, problem=chinese, hint="")
    # a string libyaml may add one day: a Chinese sentence, its words only as a hint
    return YamlProblem("yaml.syntax", *where, problem=messages.YAML_UNKNOWN,
                       hint=messages.render("yaml.parser_words", detail=detail) if detail else "")


_BREAK = re.compile("\r\n|[\r\n\x85\u2028\u2029]")


def line_column(text: str, at: int) -> tuple[int, int]:
    """1-based line and column of the character at index ``at``, lines ending as YAML 1.1
    ends them: LF, CRLF, a lone CR (a file saved by an old Mac editor), NEL, LS, PS."""
    breaks = [m.end() for m in _BREAK.finditer(text, 0, at)]
    start = breaks[-1] if breaks else 0
    return len(breaks) + 1, at - start + 1


def _problem_of(exc: yaml.YAMLError, text: str) -> YamlProblem:
    """Any PyYAML error as a located problem."""
    if isinstance(exc, yaml.MarkedYAMLError):
        return _syntax_problem(exc)
    if isinstance(exc, yaml.reader.ReaderError):  # a character YAML does not allow
        # libyaml's position counts UTF-8 bytes, not characters: the character itself is
        # looked for (its first place in the text), else the position is taken as bytes
        at = text.find(chr(exc.character)) if isinstance(exc.character, int) else -1
        if at < 0:
            at = len(text.encode("utf-8", "surrogatepass")[:exc.position].decode(
                "utf-8", "ignore"))
        line, column = line_column(text, at)
        code = messages.render("yaml.code_point", code=exc.character) \
            if isinstance(exc.character, int) else ""
        return YamlProblem("yaml.syntax", line, column,
                           problem=messages.CONTROL_CHARACTERS, hint=code)
    return YamlProblem("yaml.syntax", None, None, problem=messages.YAML_UNKNOWN,
                       hint=messages.render("yaml.parser_words", detail=exc))


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
    """Parse text that must be clean: the data, or the first :class:`YamlProblem` raised."""
    data, found = parse_record(text)
    if found:
        raise found[0]
    return data


def parse_record(text: str) -> tuple[Any, list[YamlProblem]]:
    """Parse one record's text: its data and the problems that still left a record to check
    (bad or repeated keys, numbers out of range), in file order. A problem that leaves no
    record is raised as :class:`YamlProblem`; never anything else for bad input."""
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
    found: list[YamlProblem] = []
    data = None if node is None else _construct(node, 1, found)
    return data, found


def compose(text: str) -> yaml.Node | None:
    """The node tree, for positions. Only called for text that :func:`parse` accepted."""
    loader = _Loader(text)
    try:
        return loader.get_single_node()
    finally:
        loader.dispose()


_KEYS: weakref.WeakKeyDictionary[yaml.MappingNode, dict[object, tuple[yaml.Node, yaml.Node]]] \
    = weakref.WeakKeyDictionary()


def _keys(node: yaml.MappingNode) -> dict[object, tuple[yaml.Node, yaml.Node]]:
    """A mapping's text keys → (value, key) node, the first of each, made once per mapping:
    a record with ten thousand unknown keys is located ten thousand times (validate spent
    minutes scanning the mapping for each)."""
    found = _KEYS.get(node)
    if found is None:
        found = {}
        for k, v in node.value:
            if isinstance(k, yaml.ScalarNode):
                found.setdefault(k.value, (v, k))
        _KEYS[node] = found
    return found


def locate(
    root: yaml.Node | None, path: tuple[str | int, ...], key: bool = False
) -> tuple[int, int] | None:
    """1-based (line, column) of the value at ``path`` (of its key when ``key``), or the
    nearest ancestor that exists."""
    node, key_node = root, None
    for step in path:
        child = None
        if isinstance(node, yaml.MappingNode):
            child, key_node = _keys(node).get(step, (None, key_node))
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
