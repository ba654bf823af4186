"""SudachiPy, loaded once per process, with one tokenizer per thread (tokenizers must not be
shared between threads)."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from functools import lru_cache

_local = threading.local()


@lru_cache(maxsize=1)
def _dictionary():
    from sudachipy import Dictionary

    return Dictionary(dict="core")


def tokenize(text: str) -> Iterable:
    """Morphemes of `text` in Sudachi's long-unit mode (C): 「国民健康保険」 stays one word."""
    tokenizer = getattr(_local, "tokenizer", None)
    if tokenizer is None:
        from sudachipy import SplitMode

        tokenizer = _local.tokenizer = _dictionary().tokenizer(mode=SplitMode.C)
    return tokenizer.tokenize(text)
