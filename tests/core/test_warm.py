import gc

from yakusho.core.warm import frozen_after_warm_up


def test_the_heap_is_frozen_once_the_warm_up_requests_have_finished():
    answered = []

    def application(environ, start_response):
        answered.append(environ["n"])
        return [b"ok"]

    served = frozen_after_warm_up(application, requests=3)
    gc.unfreeze()
    try:
        for n in range(3):
            assert served({"n": n}, None) == [b"ok"]
            assert gc.get_freeze_count() == 0
        served({"n": 3}, None)
        frozen = gc.get_freeze_count()
        assert frozen > 0
        served({"n": 4}, None)
        assert gc.get_freeze_count() == frozen  # once, not on every request
    finally:
        gc.unfreeze()
    assert answered == [0, 1, 2, 3, 4]
