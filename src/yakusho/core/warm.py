"""The web process's long-lived objects set aside from the garbage collector once it is warm.

What a web process loads — Django, the URL patterns in every language, compiled templates,
translation catalogues, the kept statements and links — lives as long as the process. Python's
garbage collector walks all of it on every full collection: in-process, one such collection
every few hundred sends, about 80 ms each, a pause for whoever is waiting and about 0.2 ms of
CPU per send on average (docs/performance.md). `gc.freeze()` moves everything alive into a
generation the collector no longer walks; done once the first requests have loaded what is
loaded lazily, after one last collection so that no garbage is kept for good.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from typing import Any

WARM_UP_REQUESTS = 50


def frozen_after_warm_up(
    application: Callable[..., Iterable[bytes]], requests: int = WARM_UP_REQUESTS
) -> Callable[..., Iterable[bytes]]:
    """`application`, freezing the heap at the start of request number `requests` + 1, when
    the ones before it have finished."""
    remaining = requests

    def warmed(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        nonlocal remaining
        if remaining >= 0:
            remaining -= 1
            if remaining < 0:
                gc.collect()
                gc.freeze()
        return application(environ, start_response)

    return warmed
