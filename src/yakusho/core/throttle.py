"""Counting attempts (codes, logins) per account and per address, in the cache."""

from __future__ import annotations

import hashlib
import math
import time

from django.core.cache import cache


class Throttle:
    """`limits` are (attempts, seconds, key kind). `check` says how many minutes to wait (0 if
    none); `hit` counts one failed attempt. Fixed windows: simple, and good enough to stop
    guessing a one-time code."""

    def __init__(self, name: str, *, limits: tuple[tuple[int, int, str], ...]) -> None:
        self.name = name
        self.limits = limits

    def _key(self, kind: str, value: str, seconds: int) -> tuple[str, int]:
        window = int(time.time() // seconds)
        digest = hashlib.sha256(value.encode()).hexdigest()[:32]
        return f"throttle:{self.name}:{kind}:{digest}:{window}", (window + 1) * seconds

    def check(self, **values: str | None) -> int:
        wait = 0
        for attempts, seconds, kind in self.limits:
            value = values.get(kind)
            if not value:
                continue
            key, window_end = self._key(kind, value, seconds)
            if (cache.get(key) or 0) >= attempts:
                wait = max(wait, math.ceil((window_end - time.time()) / 60))
        return wait

    def hit(self, **values: str | None) -> None:
        for _attempts, seconds, kind in self.limits:
            value = values.get(kind)
            if not value:
                continue
            key, _end = self._key(kind, value, seconds)
            if not cache.add(key, 1, seconds):
                try:
                    cache.incr(key)
                except ValueError:
                    cache.set(key, 1, seconds)
