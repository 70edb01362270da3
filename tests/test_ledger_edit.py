"""The minimal edit of one error's rectification node (generator/tools/ledger/edit.py): every byte
outside the node stays, whatever the record's style (flow or block, comments, quoting, line
endings), and the node reads back as asked."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from generator.records import yamlsafe
from generator.tools.ledger.edit import double, edit_rectification

STATUSES = ("已整改", "整改中", "未整改")
DATES = st.dates().map(lambda d: d.isoformat())
TEXTS = st.text(st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=20).filter(
    lambda t: t.strip() == t)
NODE = st.fixed_dictionaries({"status": st.sampled_from(STATUSES)},
                             optional={"date": DATES, "due": DATES, "owner": TEXTS,
                                       "note": TEXTS})


def _reads(shown: str, value: str) -> bool:
    """``shown`` reads back as ``value`` both in a flow and in a block mapping."""
    try:
        return (yamlsafe.parse(f"{{k: {shown}}}") == {"k": value}
                and yamlsafe.parse(f"k: {shown}\n") == {"k": value})
    except yamlsafe.YamlProblem:
        return False


def _scalar(value: str, style: str) -> str:
    shown = {"single": "'" + value.replace("'", "''") + "'", "plain": value}.get(style)
    return shown if shown is not None and _reads(shown, value) else double(value)


@st.composite
def records(draw: st.DrawFn) -> tuple[str, list[dict[str, str]]]:
    """A finding's text in a drawn style and the rectification of each error as written."""
    n = draw(st.integers(1, 3))
    newline = draw(st.sampled_from(["\n", "\r\n"]))
    lines = ["# 记录 comment", "object_name: 测试", "errors:"]
    nodes = []
    for i in range(n):
        node = draw(NODE)
        nodes.append(node)
        quote = draw(st.sampled_from(["plain", "double", "single"]))
        pairs = []
        for k, v in node.items():
            style = "date" if k in ("date", "due") else quote
            pairs.append((k, _scalar(v, style)))
        lines += [f"  - form: G10{i}-1  # 第 {i + 1} 处", f'    indicator_code: "0{i}"']
        if draw(st.booleans()):
            lines.append("    rectification: {" + ", ".join(f"{k}: {v}" for k, v in pairs)
                         + "}" + draw(st.sampled_from(["", "  # 注"])))
        else:
            lines.append("    rectification:" + draw(st.sampled_from(["", "  # 块"])))
            lines += [f"      {k}: {v}" for k, v in pairs]
        lines.append(f"    reason: 原因{i}")
    lines += ["remark: '备注'  # end", ""]
    text = newline.join(lines)
    parsed = yamlsafe.parse(text)
    assert [e["rectification"] for e in parsed["errors"]] == nodes
    return text, nodes


def _node_span(text: str, index: int) -> tuple[int, int]:
    """From the first key of the node to the end of its last value's line."""
    node = yamlsafe.compose(text).value[1][1].value[index].value[2][1]
    start = node.value[0][0].start_mark.index
    if node.flow_style:
        return node.start_mark.index, node.end_mark.index
    start = text.rfind("\n", 0, start) + 1
    end = text.find("\n", node.value[-1][1].end_mark.index)
    return start, len(text) if end < 0 else end + 1


@settings(max_examples=150, deadline=None)
@given(records(), st.data())
def test_only_the_node_changes(record: tuple[str, list[dict[str, str]]], data: st.DataObject) -> None:
    text, nodes = record
    index = data.draw(st.integers(0, len(nodes) - 1))
    new = data.draw(NODE)
    edited = edit_rectification(text, index, new)
    parsed = yamlsafe.parse(edited)
    assert parsed["errors"][index]["rectification"] == new
    original = yamlsafe.parse(text)
    original["errors"][index]["rectification"] = new
    assert parsed == original  # nothing else in the data moved
    start, end = _node_span(text, index)
    assert edited.startswith(text[:start])
    assert edited.endswith(text[end:])  # comments, quoting, key order outside stay
    assert edit_rectification(edited, index, new) == edited  # nothing to change: no edit


def test_values_keep_their_quotes_and_dates_are_quoted() -> None:
    text = ("errors:\n  - form: G101-1\n    rectification:\n      status: '未整改'  # 原样\n"
            "      owner: 张三\n")
    edited = edit_rectification(text, 0, {"status": "已整改", "date": "2019-03-25",
                                          "owner": "李四"})
    assert edited == ("errors:\n  - form: G101-1\n    rectification:\n      status: '已整改'  # 原样\n"
                      "      owner: 李四\n      date: \"2019-03-25\"\n")


def test_a_removed_key_leaves_the_flow_mapping_valid() -> None:
    text = 'errors:\n  - rectification: {status: 已整改, date: "2019-03-11", note: 当场}  # c\n'
    edited = edit_rectification(text, 0, {"status": "整改中", "note": "当场"})
    assert edited == "errors:\n  - rectification: {status: 整改中, note: 当场}  # c\n"


def test_text_that_plain_yaml_would_change_is_quoted() -> None:
    text = "errors:\n  - rectification: {status: 未整改}\n"
    for note in ("a: b", "#x", "true", "0123", "[1]", "x, y", "- a", "null", "'q'"):
        edited = edit_rectification(text, 0, {"status": "未整改", "note": note})
        assert yamlsafe.parse(edited)["errors"][0]["rectification"]["note"] == note


@settings(max_examples=150, deadline=None)
@given(records(), st.data())
def test_several_nodes_edited_at_once_as_one_after_the_other(
        record: tuple[str, list[dict[str, str]]], data: st.DataObject) -> None:
    """The record's YAML is composed once for all its changed errors: the text is the one
    the edits made one at a time give."""
    from generator.tools.ledger.edit import edit_rectifications

    text, nodes = record
    changes = data.draw(st.dictionaries(st.integers(0, len(nodes) - 1), NODE, min_size=1))
    one_by_one = text
    for index, new in sorted(changes.items()):
        one_by_one = edit_rectification(one_by_one, index, new)
    assert edit_rectifications(text, changes) == one_by_one
