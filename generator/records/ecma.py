"""JSON Schema patterns (ECMA-262 regular expressions, Unicode mode) → Python ``re`` patterns
that match exactly the same texts. Pure.

Editors and check-jsonschema read our schemas' patterns as ECMA-262 does; Python's ``re``
reads the same text differently, so without this a record could pass here and be marked wrong
in the editor, or the reverse:

- ``$`` is the very end of the text (Python: also before a final newline) → ``\\Z``;
- ``.`` excludes the four line terminators \\n \\r U+2028 U+2029 (Python: only \\n);
- ``\\s`` is ECMA's WhiteSpace and LineTerminator: it has U+FEFF, and not U+001C–U+001F or
  U+0085 (Python: ``str.isspace``) → the set written out;
- ``\\d``, ``\\w``, ``\\b`` are ASCII (Python: Unicode digits and letters) → the ASCII flag;
- ``[]`` matches nothing and ``[^]`` any character (Python reads a ``]`` there as literal);
- named groups are ``(?<n>…)`` and ``\\k<n>`` (Python: ``(?P<n>…)``, ``(?P=n)``).
A construct with no exact Python equivalent (``\\p{…}``, ``\\S`` inside a class, ``\\c``) raises
ValueError when the schemas are loaded, so a schema cannot silently mean two things.
"""

from __future__ import annotations

import functools
import re

# ECMA-262 WhiteSpace (TAB VT FF SP NBSP ZWNBSP and category Zs) and LineTerminator.
WHITESPACE = ("\\t\\n\\x0b\\x0c\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f"
              "\\u3000\\ufeff")
DOT = "[^\\n\\r\\u2028\\u2029]"
# \B written out: Python's never matches in an empty text, ECMA-262's does
_SIMPLE = {"s": f"[{WHITESPACE}]", "S": f"[^{WHITESPACE}]",
           "B": "(?:(?<=\\w)(?=\\w)|(?<!\\w)(?!\\w))"}
_UNSUPPORTED = "pPc"  # Unicode properties and control letters: no exact equivalent in re
# escaped inside a Python class: "[" would open a nested set there one day (FutureWarning),
# and "&&", "~~", "||" set operations; "$" so that nothing mistakes it for the end
_CLASS_ESCAPE = set("[&~|$")


@functools.lru_cache(maxsize=256)
def to_python(pattern: str) -> str:
    """The Python ``re`` source matching exactly what ``pattern`` matches in ECMA-262."""
    out, i = ["(?a)"], 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            piece, i = _escape(pattern, i, in_class=False)
        elif char == "[":
            piece, i = _class(pattern, i)
        elif char == "$":
            piece, i = "\\Z", i + 1
        elif char == ".":
            piece, i = DOT, i + 1
        elif pattern.startswith("(?<", i) and pattern[i + 3:i + 4] not in ("=", "!"):
            piece, i = "(?P<", i + 3
        else:
            piece, i = char, i + 1
        out.append(piece)
    return "".join(out)


@functools.lru_cache(maxsize=256)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    """``pattern`` compiled for ``search`` with ECMA-262's meaning."""
    return re.compile(to_python(pattern))


def _escape(pattern: str, i: int, in_class: bool) -> tuple[str, int]:
    """The escape at ``pattern[i]`` (a backslash) translated; and the index after it."""
    letter = pattern[i + 1:i + 2]
    if not letter:
        raise ValueError(f"pattern ends in a lone backslash: {pattern!r}")
    if letter in _UNSUPPORTED:
        raise ValueError(f"\\{letter} has no exact Python equivalent: {pattern!r}")
    if letter == "u" and pattern.startswith("{", i + 2):
        end = pattern.index("}", i)
        return f"\\U{int(pattern[i + 3:end], 16):08x}", end + 1
    if letter == "k" and pattern.startswith("<", i + 2) and not in_class:
        end = pattern.index(">", i)
        return f"(?P={pattern[i + 3:end]})", end + 1
    if letter in _SIMPLE:
        if not in_class:
            return _SIMPLE[letter], i + 2
        if letter in "SB":
            raise ValueError(f"\\{letter} inside a class has no exact Python equivalent: {pattern!r}")
        return WHITESPACE, i + 2
    return pattern[i:i + 2], i + 2


def _class(pattern: str, i: int) -> tuple[str, int]:
    """The character class opening at ``pattern[i]``; and the index after it. In ECMA-262 the
    first "]" always closes it."""
    negated = pattern.startswith("[^", i)
    j = i + (2 if negated else 1)
    if pattern.startswith("]", j):  # [] matches nothing, [^] any character
        return ("(?s:.)" if negated else "(?!)"), j + 1
    body = []
    while j < len(pattern) and pattern[j] != "]":
        if pattern[j] == "\\":
            piece, j = _escape(pattern, j, in_class=True)
        else:
            piece, j = ("\\" + pattern[j] if pattern[j] in _CLASS_ESCAPE else pattern[j]), j + 1
        body.append(piece)
    if j >= len(pattern):
        raise ValueError(f"unclosed character class: {pattern!r}")
    return ("[^" if negated else "[") + "".join(body) + "]", j + 1
