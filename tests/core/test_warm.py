import gc
from unittest import mock

from yakusho.core.warm import frozen_after_warm_up


def test_the_heap_is_frozen_once_the_warm_up_requests_have_finished():
    answered = []

    def application(environ, start_response):
        answered.append(environ["n"])
        return [b"ok"]

    served = frozen_after_warm_up(application, requests=3)
    try:
        with mock.patch.object(gc, "freeze", wraps=gc.freeze) as freeze:
            for n in range(3):
                assert served({"n": n}, None) == [b"ok"]
            assert freeze.call_count == 0
            served({"n": 3}, None)
            assert freeze.call_count == 1
            assert gc.get_freeze_count() > 0
            served({"n": 4}, None)
            assert freeze.call_count == 1  # once, not on every request
    finally:
        gc.unfreeze()
    assert answered == [0, 1, 2, 3, 4]
