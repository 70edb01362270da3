"""Han text cut into words by jieba, as Material's search plugin cuts it: one memo for the site.

The plugin runs ``jieba.cut`` on every Han run of every section of every page, and the same
runs (county names, headings, forms, reasons) come back thousands of times: at city scale
two thirds of its cuts repeat one made before. The entries search.py adds for the objects of
detail tables are cut the same way, after MkDocs. :func:`words` is jieba's own cut, memoised
(a pure function of the run while jieba's dictionary stays as it is; the dictionary is part
of the key, so the plugin's ``jieba_dict`` and ``jieba_dict_user`` empty nothing wrongly);
:func:`plugin_cut` puts it in place of ``jieba.cut`` around a MkDocs run, and puts jieba's back.
The words, and so the index, are the same bytes as without it (tests/test_segment.py).
memo.forget empties the memo with the site's other memos.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from generator.render.site.memo import memo


def words(run: str) -> tuple[str, ...]:
    """``run`` cut into words as ``jieba.cut(run)`` cuts it (HMM on, the plugin's way)."""
    import jieba

    return _cut(run, jieba.dt.dictionary, jieba.dt.total)


@memo(maxsize=1 << 15)
def _cut(run: str, dictionary: object, total: object) -> tuple[str, ...]:
    """The cut itself; ``dictionary`` and ``total`` (jieba's dictionary file and its summed
    word frequencies, which a user dictionary changes) only key the memo."""
    import jieba

    return tuple(jieba.dt.cut(run))


@contextmanager
def plugin_cut() -> Iterator[None]:
    """``jieba.cut`` memoised (:func:`words`) for the duration of a block, then jieba's own
    again. Calls the plugin does not make (full mode, HMM off, paddle) go to jieba as they
    are. Nothing happens where jieba is missing (the plugin then cuts nothing)."""
    try:
        import jieba
    except ImportError:
        yield
        return
    original = jieba.cut

    def cut(sentence: str | bytes, cut_all: bool = False, HMM: bool = True,  # noqa: N803
            use_paddle: bool = False) -> Iterator[Any]:
        if cut_all or not HMM or use_paddle:
            return original(sentence, cut_all, HMM, use_paddle)  # type: ignore[no-any-return]
        text = sentence.decode("utf-8") if isinstance(sentence, bytes) else sentence
        return iter(words(text))

    jieba.cut = cut
    try:
        yield
    finally:
        jieba.cut = original
