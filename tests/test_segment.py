"""The site's one jieba memo (render/site/segment.py): the words are jieba's own, the search
plugin gets them during MkDocs and jieba's cut is itself again after, a dictionary changed
meanwhile is cut anew, and a site built with the memo has the index one built without has."""

from __future__ import annotations

import contextlib
import warnings
from pathlib import Path

import pytest
from conftest import MINIMAL
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.pipeline import prepare
from generator.render.site import search as site_search
from generator.render.site import segment

with warnings.catch_warnings():  # jieba imports the deprecated pkg_resources
    warnings.simplefilter("ignore")
    import jieba

# Han text as records hold it: names, reasons, headings; with the plugin's other separators
HAN = st.text(st.sampled_from("濮阳市华龙区污染源普查对象燃料消耗量未填报化工有限公司"
                              "第二次全国集中审核整改帮扶"), min_size=1, max_size=24)


@settings(max_examples=200, deadline=None)
@given(HAN)
def test_the_memoised_words_are_the_words_jieba_cuts(run: str) -> None:
    assert segment.words(run) == tuple(jieba.dt.cut(run))
    assert segment.words(run) == segment.words(run)


@settings(max_examples=100, deadline=None)
@given(HAN)
def test_the_plugin_gets_jiebas_words_and_jieba_is_its_own_again_after(run: str) -> None:
    """Material's plugin calls ``jieba.cut(text.encode("utf-8"))`` and joins what it gives."""
    own = jieba.cut
    expected = "\u200b".join(jieba.cut(run.encode("utf-8")))
    with segment.plugin_cut():
        assert jieba.cut is not own
        assert "\u200b".join(jieba.cut(run.encode("utf-8"))) == expected
        assert "\u200b".join(jieba.cut(run)) == expected
        # the calls the plugin does not make go to jieba as they are
        assert list(jieba.cut(run, cut_all=True)) == list(own(run, cut_all=True))
        assert list(jieba.cut(run, HMM=False)) == list(own(run, HMM=False))
    assert jieba.cut is own


def test_jiebas_cut_is_put_back_when_the_block_fails() -> None:
    own = jieba.cut
    with pytest.raises(RuntimeError), segment.plugin_cut():
        raise RuntimeError("MkDocs failed")
    assert jieba.cut is own


def test_the_plugins_repeated_cuts_are_made_once() -> None:
    segment._cut.cache_clear()
    run = "濮阳市第二次全国污染源普查领导小组办公室"
    with segment.plugin_cut():
        first = list(jieba.cut(run.encode("utf-8")))
        before = segment._cut.cache_info()
        for _ in range(5):
            assert list(jieba.cut(run.encode("utf-8"))) == first
    after = segment._cut.cache_info()
    assert after.hits - before.hits == 5 and after.misses == before.misses


def test_a_word_added_to_the_dictionary_is_cut_as_jieba_cuts_it_then(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The plugin's jieba_dict_user adds words (load_userdict) before it cuts: a cut memoised
    before must not be given for the new dictionary."""
    tokenizer = jieba.Tokenizer()
    tokenizer.initialize()
    monkeypatch.setattr(jieba, "dt", tokenizer)
    run = "濮阳市华龙区污染源普查"
    assert segment.words(run) == ("濮阳市", "华龙区", "污染源", "普查")
    tokenizer.add_word("区污染", freq=10**7)
    assert segment.words(run) == tuple(tokenizer.cut(run))
    assert "区污染" in segment.words(run)


def test_a_site_built_with_the_memo_has_the_index_of_one_built_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from generator.publish.staging import build
    from generator.render.site import pages as site

    monkeypatch.setattr(site, "SEARCH_LIMIT", 0)  # objects' entries too: search.py's cuts
    prepared = prepare(MINIMAL)
    assert prepared.census and prepared.figures

    def index(name: str) -> bytes:
        build(MINIMAL, prepared.census, prepared.figures, prepared.checked.schemas,
              tmp_path / name, None)
        return (tmp_path / name / "search" / "search_index.json").read_bytes()

    memoised = index("memo")
    segment._cut.cache_clear()
    monkeypatch.setattr(segment, "plugin_cut", contextlib.nullcontext)
    monkeypatch.setattr(site_search, "words", lambda run: tuple(jieba.cut(run)))
    assert index("plain") == memoised
    assert "\u200b".encode() in memoised  # Han text was cut at all
