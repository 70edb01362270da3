"""Memos of the site's renderers, and the way a build does without them.

``serve`` rebuilds the pages on every save, and most rows, row HTML, search words and overdue
rows are what they were: the renderers memoise them (:func:`memo`, a bounded
``functools.lru_cache`` that registers itself). A build renders each of them once, and at
ten times city scale those memos held hundreds of megabytes: it renders :func:`once`, where
the memos marked ``rerender`` (useful only from one render to the next) are passed by, and
calls :func:`forget` when the pages are written, before MkDocs.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TypeVar

F = TypeVar("F", bound=Callable[..., Any])

_MEMOS: list[Any] = []  # the lru_cache wrappers made by memo()
_ONCE = [False]  # inside once(): the rerender memos are passed by


def memo(maxsize: int, typed: bool = False, rerender: bool = False) -> Callable[[F], F]:
    """``functools.lru_cache(maxsize, typed)``, registered for :func:`forget`; ``rerender``:
    a memo that only pays from one render to the next (serve), passed by inside
    :func:`once`. The others also share equal values within one render."""

    def wrap(func: F) -> F:
        cached = functools.lru_cache(maxsize=maxsize, typed=typed)(func)
        _MEMOS.append(cached)
        if not rerender:
            return cached  # type: ignore[return-value]

        @functools.wraps(func)
        def call(*args: Any) -> Any:
            return func(*args) if _ONCE[0] else cached(*args)

        call.cache_info = cached.cache_info  # type: ignore[attr-defined]
        call.cache_clear = cached.cache_clear  # type: ignore[attr-defined]
        return call  # type: ignore[return-value]

    return wrap


@contextmanager
def once() -> Iterator[None]:
    """A render with no next one (a build): the rerender memos neither read nor fill."""
    before, _ONCE[0] = _ONCE[0], True
    try:
        yield
    finally:
        _ONCE[0] = before


def forget() -> None:
    """Empty every memo (the next render makes its values again)."""
    for cached in _MEMOS:
        cached.cache_clear()
