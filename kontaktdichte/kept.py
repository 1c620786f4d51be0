"""A function's answers kept in a plain dict, for the engine's hottest look-ups and for the
fragments pages render once per shape."""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any


class KeptAnswers(dict):
    """`answers[key]` is `compute(key)`, worked out once and kept.

    A dict with `__missing__`, not `functools.lru_cache`: a kept answer is a plain dict look-up
    (55 against 140-170 ns for an lru_cache, whose key is a tuple of the arguments and whose
    order of use is kept up), and the engine asks several for every decision. The keys are days
    and small counts, so there are only so many; but a process lives long, so past `limit`
    answers it starts afresh rather than grow."""

    __slots__ = ("compute", "limit")

    def __init__(self, compute: Callable[[Any], Any] | None = None, limit: int = 65_536):
        super().__init__()
        self.compute = compute
        self.limit = limit

    def __missing__(self, key: Hashable):
        if len(self) >= self.limit:
            self.clear()
        answer = self[key] = self.compute(key)
        return answer

    def answer(self, key: Hashable, compute: Callable[[], Any]):
        """`self[key]`, worked out by `compute()` when it is not kept yet: for answers that need
        more than their key (a page's navigation is rendered from the page's context)."""
        answer = self.get(key)
        if answer is None:
            if len(self) >= self.limit:
                self.clear()
            answer = self[key] = compute()
        return answer
