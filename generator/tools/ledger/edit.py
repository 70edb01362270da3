"""A finding's text + one error's new rectification → the text with only that node changed.

Takes the record's text (as on disk), the error's position and the rectification's new
key → value (the whole node as it should read); gives the new text. Every byte outside
``errors[i].rectification`` stays: comments, key order, quoting, flow or block style. Inside
the node, a changed value is replaced where it stands (in its old quotes), a removed key's
line (block) or ``, key: value`` (flow) is dropped, and new keys are added after the last
one in the node's own style and indentation. Positions come from the YAML node marks
(yamlsafe.compose), which count characters of the text.

Values are quoted as the schema needs: dates always (``"2019-03-25"``: the schema asks for
quotes, and a plain date is a YAML 1.1 timestamp to other tools); text only when plain YAML
would not read back as the same text in its context (checked by parsing it).
"""

from __future__ import annotations

from collections.abc import Mapping

import yaml

from generator.records import yamlsafe

KEYS = ("status", "date", "due", "owner", "note")  # the schema's order
DATES = ("date", "due")
Edit = tuple[int, int, str]


class NodeMissing(Exception):
    """The record has no ``errors[i].rectification`` mapping (the tree changed meanwhile)."""


def _node(root: yaml.Node | None, index: int) -> yaml.MappingNode:
    step: yaml.Node | None = root
    for key in ("errors", index, "rectification"):
        if isinstance(step, yaml.MappingNode):
            step = next((v for k, v in step.value if k.value == key), None)
        elif isinstance(step, yaml.SequenceNode) and isinstance(key, int):
            step = step.value[key] if 0 <= key < len(step.value) else None
        else:
            step = None
    if not isinstance(step, yaml.MappingNode) or not step.value:
        raise NodeMissing(index)
    return step


def _reads_back(snippet: str, value: str, flow: bool) -> bool:
    try:
        data = yamlsafe.parse("{k: " + snippet + "}" if flow else "k: " + snippet + "\n")
    except yamlsafe.YamlProblem:
        return False
    return isinstance(data, dict) and data.get("k") == value


def _escape(char: str) -> str:
    code = ord(char)
    if char in ('"', "\\"):
        return "\\" + char
    if char == "\n":
        return "\\n"
    if char == "\t":
        return "\\t"
    printable = (code >= 0x20 and not 0x7F <= code <= 0x9F and code not in (0x2028, 0x2029)
                 and not 0xD800 <= code <= 0xDFFF and code not in (0xFEFF, 0xFFFE, 0xFFFF))
    if printable:
        return char
    return f"\\x{code:02X}" if code <= 0xFF else f"\\u{code:04X}"


def double(value: str) -> str:
    """``value`` double-quoted: only what YAML cannot hold raw escaped (a line break inside
    double quotes would be folded into a space; NEL, LS, PS are breaks too)."""
    return '"' + "".join(_escape(c) for c in value) + '"'


def scalar(key: str, value: str, old_style: str | None, flow: bool) -> str:
    """``value`` as YAML for ``key``, keeping the old quote style where it can."""
    if old_style == "'" and "\n" not in value:
        single = "'" + value.replace("'", "''") + "'"
        if _reads_back(single, value, flow):
            return single
    if key in DATES or old_style in ('"', "'", "|", ">"):
        return double(value)
    return value if _reads_back(value, value, flow) else double(value)


def _line_end(text: str, at: int) -> int:
    """Just after the line break that ends the line holding ``at`` (a block scalar's span
    already ends after its breaks)."""
    if at > 0 and text[at - 1] == "\n":
        return at
    found = text.find("\n", at)
    return len(text) if found < 0 else found + 1


def _value_edit(text: str, node: yaml.ScalarNode, new: str, flow: bool, key: str) -> Edit:
    start, end = node.start_mark.index, node.end_mark.index
    old = text[start:end]
    tail = old[len(old.rstrip("\r\n")):] if node.style in ("|", ">") else ""
    body = scalar(key, new, node.style, flow)
    return start, end, body + tail


def _block(text: str, node: yaml.MappingNode, new: dict[str, str]) -> list[Edit]:
    edits: list[Edit] = []
    newline = "\r\n" if "\r\n" in text else "\n"
    old = {k.value: (k, v) for k, v in node.value}
    for key, (k, v) in old.items():
        if key not in new:
            start = text.rfind("\n", 0, k.start_mark.index) + 1
            edits.append((start, _line_end(text, v.end_mark.index), ""))
        elif isinstance(v, yaml.ScalarNode) and v.value != new[key]:
            edits.append(_value_edit(text, v, new[key], False, key))
    added = [k for k in KEYS if k in new and k not in old]
    if added:
        at = _line_end(text, node.value[-1][1].end_mark.index)
        indent = " " * node.value[0][0].start_mark.column
        lines = [f"{indent}{k}: {scalar(k, new[k], None, False)}" for k in added]
        lead = newline if at == len(text) and not text.endswith("\n") else ""
        body = newline.join(lines)
        edits.append((at, at, lead + body + ("" if lead else newline)))
    return edits


def _pair_text(text: str, k: yaml.Node, v: yaml.Node, new: dict[str, str]) -> str:
    key = str(k.value)
    if isinstance(v, yaml.ScalarNode) and v.value == new[key]:
        return text[k.start_mark.index:v.end_mark.index]
    style = v.style if isinstance(v, yaml.ScalarNode) else None
    return text[k.start_mark.index:k.end_mark.index] + ": " + scalar(key, new[key], style, True)


def _flow(text: str, node: yaml.MappingNode, new: dict[str, str]) -> list[Edit]:
    old = {k.value: (k, v) for k, v in node.value}
    added = [k for k in KEYS if k in new and k not in old]
    # (a valid record's rectification values are all scalars: the schema says so)
    if all(key in new for key in old):  # values in place, new pairs before the brace
        edits = [_value_edit(text, v, new[key], True, key) for key, (_, v) in old.items()
                 if isinstance(v, yaml.ScalarNode) and v.value != new[key]]
        if added:
            at = node.value[-1][1].end_mark.index
            more = "".join(f", {k}: {scalar(k, new[k], None, True)}" for k in added)
            edits.append((at, at, more))
        return edits
    # a key removed: the mapping rewritten, each kept pair as it was written
    pairs = [_pair_text(text, k, v, new) for k, v in node.value if k.value in new]
    pairs += [f"{k}: {scalar(k, new[k], None, True)}" for k in added]
    return [(node.start_mark.index, node.end_mark.index, "{" + ", ".join(pairs) + "}")]


def edit_rectifications(text: str, changes: Mapping[int, dict[str, str]]) -> str:
    """``text`` with each ``errors[index].rectification`` made to read ``changes[index]``;
    NodeMissing when the record has no such node. The text is composed once for all of them
    (a record with many changed errors was composed once per error): the nodes of different
    errors do not overlap, so their edits apply together, from the end of the text back."""
    root = yamlsafe.compose(text)
    edits: list[Edit] = []
    for index, new in changes.items():
        node = _node(root, index)
        edits += _flow(text, node, new) if node.flow_style else _block(text, node, new)
    parts = []
    end_of_last = len(text)
    for start, end, replacement in sorted(edits, reverse=True):
        parts += [text[end:end_of_last], replacement]
        end_of_last = start
    parts.append(text[:end_of_last])
    return "".join(reversed(parts))


def edit_rectification(text: str, index: int, new: dict[str, str]) -> str:
    """``text`` with ``errors[index].rectification`` made to read ``new``; NodeMissing when
    the record has no such node."""
    return edit_rectifications(text, {index: new})
