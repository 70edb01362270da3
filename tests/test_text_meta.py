"""Meta-tests: Chinese text lives in generator/text/, every error knows its code and exit code.

- The code is scanned (AST) for string literals holding Chinese characters outside
  generator/text/; docstrings and comments are allowed. There is none: every message,
  label and word of the record vocabulary is in generator/text/.
- Every code that a GeneratorError is raised with, and every literal code rendered, has a
  template in :data:`generator.text.TEMPLATES`; codes are unique across the catalogs.
- Every GeneratorError class has one of the documented exit codes; the CLI prints any of
  them as the class formats it and exits with its code.
- Tests branch on codes, never on text: no ``pytest.raises(match=…)`` on Chinese text.
"""

from __future__ import annotations

import ast
import importlib
import pkgutil
import re
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

import generator
from generator import text
from generator.errors import EXIT_ENVIRONMENT, EXIT_PROBLEMS, EXIT_USAGE, GeneratorError

ROOT = Path(generator.__file__).resolve().parent
TESTS = Path(__file__).resolve().parent
# Chinese as it is written: ideographs (all planes, radicals, compatibility forms),
# CJK punctuation, full-width forms, and the curly quotes Chinese text uses (“”‘’)
CJK = re.compile("[\u2018\u2019\u201c\u201d\u2e80-\u2fdf\u3000-\u303f\u3400-\u4dbf"
                 "\u4e00-\u9fff\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef"
                 "\U00020000-\U0003134f]")


def _docstring_nodes(tree: ast.AST) -> set[int]:
    """ids of the string constants that are docstrings (module, class, function, attribute)."""
    found = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list):
            for stmt in body:
                if isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant) \
                        and isinstance(stmt.value.value, str):
                    found.add(id(stmt.value))
    return found


def chinese_literals(source: str) -> list[tuple[int, str]]:
    """(line, text) of every string literal with Chinese characters that is not a docstring
    (comments are not in the AST; f-string parts are constants of a JoinedStr)."""
    tree = ast.parse(source)
    docs = _docstring_nodes(tree)
    return sorted((node.lineno, node.value) for node in ast.walk(tree)
                  if isinstance(node, ast.Constant) and isinstance(node.value, str)
                  and id(node) not in docs and CJK.search(node.value))


def _modules() -> dict[str, str]:
    """Path relative to generator/ (posix) → source, for every module outside generator/text/."""
    return {p.relative_to(ROOT).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(ROOT.rglob("*.py")) if p.relative_to(ROOT).parts[0] != "text"}


def test_the_scan_finds_chinese_literals_and_passes_docstrings_and_comments() -> None:
    source = ('"""模块说明"""\nX = "中文"  # 注释\n\ndef f() -> str:\n    """函数说明"""\n'
              '    return f"共 {1} 个"\n\nY = "ascii"\nZ = ("a", "（")\n')
    assert [line for line, _ in chinese_literals(source)] == [2, 6, 6, 9]
    wider = 'A = f"“{x}”"\nB = "\U0002000b"\nC = "\u2e81"\nD = "\ufa11"\nE = "ascii — …"\n'
    assert [line for line, _ in chinese_literals(wider)] == [1, 1, 2, 3, 4]


def test_no_chinese_text_outside_generator_text() -> None:
    """New Chinese text goes into generator/text/: a catalog keyed by a code for a message,
    a named constant for a label or a word of the record vocabulary."""
    found = {path: literals[:3] for path, source in _modules().items()
             if (literals := chinese_literals(source))}
    assert not found, found


def test_the_command_line_layer_and_the_errors_hold_no_chinese_text() -> None:
    """The files that print (cli/, errors.py, exits.py) and the output-folder marks."""
    modules = _modules()
    for path in ("cli/__init__.py", "cli/main.py", "errors.py", "exits.py", "publish/marks.py"):
        assert chinese_literals(modules[path]) == [], path


def test_the_old_message_modules_are_gone() -> None:
    """One place for Chinese text: the catalogs of generator/text/ (no re-exporting aliases)."""
    for name in ("messages", "import_messages", "workflow_messages", "build_messages"):
        assert not (ROOT / f"{name}.py").exists(), name


# --- codes ---------------------------------------------------------------------------------

def _import_all() -> None:
    for info in pkgutil.walk_packages(generator.__path__, "generator."):
        if info.name != "generator.__main__":  # it runs the CLI
            importlib.import_module(info.name)


def error_classes() -> dict[str, type[GeneratorError]]:
    """Every GeneratorError class of the program, by name."""
    _import_all()
    found: dict[str, type[GeneratorError]] = {}
    todo = [GeneratorError]
    while todo:
        cls = todo.pop()
        found[cls.__name__] = cls
        todo += cls.__subclasses__()
    return found


RENDERERS = {"render", "message", "text"}  # functions taking a code as first argument


def _literal_codes(tree: ast.AST, classes: set[str]) -> list[tuple[int, str]]:
    """(line, code) of every literal code given to an error class or a render function."""
    found = []
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        func = node.func
        name = func.id if isinstance(func, ast.Name) else \
            func.attr if isinstance(func, ast.Attribute) else ""
        args = [a for a in node.args if isinstance(a, ast.Constant)
                and isinstance(a.value, str)][:1] if node.args else []
        args += [k.value for k in node.keywords if k.arg == "code"
                 and isinstance(k.value, ast.Constant)]
        if (name in classes or name in RENDERERS) and args and node.args[:1] and \
                (args[0] is node.args[0] or name in classes):
            value = args[0].value
            if isinstance(value, str) and re.fullmatch(r"[a-z_]+(\.[A-Za-z_0-9]+)+", value):
                found.append((node.lineno, value))
    return found


def test_every_code_raised_or_rendered_has_a_template() -> None:
    """A code without a template would turn a refusal into a KeyError (exit 70)."""
    classes = set(error_classes())
    missing, seen = [], 0
    for path, source in _modules().items():
        for line, code in _literal_codes(ast.parse(source), classes):
            seen += 1
            if code not in text.TEMPLATES:
                missing.append(f"{path}:{line}: {code}")
    assert seen > 100 and not missing, missing


def test_the_code_scan_sees_raises_and_renders() -> None:
    source = ('raise BuildError("build.busy", parent=p)\nx = render("usage.and")\n'
              'OwnersError(f, code="codeowners.bad_slug")\ny = print("a.b")\n')
    assert _literal_codes(ast.parse(source), {"BuildError", "OwnersError"}) == [
        (1, "build.busy"), (2, "usage.and"), (3, "codeowners.bad_slug")]


def test_codes_are_unique_across_the_catalogs() -> None:
    counted = Counter(code for catalog in text.CATALOGS.values() for code in catalog)
    assert [code for code, n in counted.items() if n > 1] == []
    assert len(text.TEMPLATES) == sum(counted.values())


def test_every_error_class_has_a_documented_exit_code() -> None:
    classes = error_classes()
    assert {"Refused", "ScaffoldError", "GitError", "UsageError", "OwnersError", "BuildError",
            "BuildUsageError", "YamlProblem"} <= set(classes)
    for cls in classes.values():
        assert cls.exit_code in (EXIT_PROBLEMS, EXIT_USAGE, EXIT_ENVIRONMENT), cls


codes = st.sampled_from(sorted(text.TEMPLATES))


@given(st.lists(codes, min_size=1, max_size=4), st.sampled_from([1, 2, 3]))
def test_an_error_formats_itself_from_its_code(picked: list[str], exit_code: int) -> None:
    """Each line is its template (with ``[code]`` for a tagged code); usage errors get the
    command's prefix; joined errors keep every code, in order."""
    fields = _any_fields()
    errors = [GeneratorError(code, exit_code=exit_code, **fields) for code in picked]
    joined = GeneratorError.joined(errors)
    lines = [text.TEMPLATES[c].format(**fields) + (f" [{c}]" if c in text.TAGGED else "")
             for c in picked]
    assert joined.codes() == picked and joined.exit_code == exit_code
    assert joined.format_message() == str(joined) == "\n".join(lines)
    shown = joined.show("python -m generator x")
    if exit_code == EXIT_USAGE:
        assert shown == "python -m generator x: " + text.render("usage.prefix",
                                                               message="\n".join(lines))
    else:
        assert shown == "\n".join(lines)


def _any_fields() -> dict[str, object]:
    """A value for every field any template names: a number where a template formats it as
    one (``{code:04X}``), else a text."""
    fields: dict[str, object] = {}
    for template in text.TEMPLATES.values():
        for _, name, spec, _ in __import__("string").Formatter().parse(template):
            if name:
                numeric = bool(spec) and spec[-1] in "bcdoxXn"
                fields[name] = 65 if numeric or fields.get(name) == 65 else "x"
    return fields


# --- tests branch on codes -----------------------------------------------------------------

def test_no_test_matches_an_exception_by_its_chinese_text() -> None:
    offenders = []
    for path in sorted(TESTS.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", "") == "raises":
                for kw in node.keywords:
                    if kw.arg == "match" and any(
                            isinstance(c, ast.Constant) and isinstance(c.value, str)
                            and CJK.search(c.value) for c in ast.walk(kw.value)):
                        offenders.append(f"{path.name}:{node.lineno}")
    assert offenders == []


@pytest.mark.parametrize("name", ["Refused", "ScaffoldError", "GitError", "UsageError",
                                  "OwnersError", "BuildError", "BuildUsageError"])
def test_the_cli_prints_any_error_as_it_formats_itself(
        name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """cli.main catches the base: each class's text on stderr, its exit code, no traceback."""
    from cli_helpers import main_in_process

    from generator.cli.commands import validate

    cls = error_classes()[name]
    code = "build.output_same" if name == "BuildUsageError" else \
        "usage.workbook" if name == "UsageError" else "env.no_records"
    error = cls.__new__(cls)
    GeneratorError.__init__(error, code, site="a", dist="a", path="p", folder="f")

    def fail(args: object) -> int:
        raise error

    monkeypatch.setattr(validate, "run", fail)
    exit_code, out, err = main_in_process(["validate", "x"])
    assert exit_code == cls.exit_code
    assert err == error.show("python -m generator validate") + "\n" and out == ""


# --- a reader that words a message differently re-renders it from its fields ---------------

@pytest.mark.parametrize("code", ["3X", "003", "３", "0.3"])
def test_import_says_a_schema_hint_without_yaml_quoting(code: str, tmp_path: Path) -> None:
    """The schema's "（请加引号）" (x-quote) means nothing in a worksheet cell: the importer
    renders the message again without it, from the fields, never by cutting words out."""
    from test_import import empty_copy, options, rough_annex2

    from generator.tools.importer.importer import import_workbook

    target = empty_copy(Path(__file__).parent / "cases" / "valid" / "minimal" / "records",
                        tmp_path / "records")
    book = rough_annex2(tmp_path / "a2.xlsx", [
        [1, "坏公司", "工业源", "G101-1", code, "指标", "错", None]])
    outcome = import_workbook(book, options(target))
    problem = next(p for p in outcome.problems if p.code == "schema.pattern")
    assert problem.fields["quote"] == text.render("schema.quote")  # validate says it …
    assert problem.message == text.render("schema.pattern", **{**problem.fields, "quote": ""})
    assert text.render("schema.quote") not in problem.message  # … the import does not
    assert problem.message.startswith(f"{problem.fields['value']} 格式不符：应为 2 位数字")
