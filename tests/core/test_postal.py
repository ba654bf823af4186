import pytest

from yakusho.core.japanese.postal import lookup_postal_code, normalize_postal_code


@pytest.mark.parametrize(
    "text",
    ["257-0015", "2570015", "〒257-0015", "〒２５７－００１５", "257 0015", "２５７ー００１５"],
)
def test_postal_code_typed_any_way_finds_hirasawa(text):
    address = lookup_postal_code(text)
    assert address is not None
    assert address.address == "神奈川県秦野市平沢"
    assert address.formatted_code == "257-0015"
    assert address.city_kana


@pytest.mark.parametrize("text", ["", "257", "25700155", "abc-defg", "257-001５x"])
def test_not_a_postal_code(text):
    assert normalize_postal_code(text) is None
    assert lookup_postal_code(text) is None


def test_well_formed_code_that_does_not_exist():
    assert normalize_postal_code("000-0000") == "0000000"
    assert lookup_postal_code("000-0000") is None


def test_lookups_work_from_any_thread():
    """Threaded servers (the demo, gunicorn with threads) look codes up from many threads."""
    from concurrent.futures import ThreadPoolExecutor

    from yakusho.core.japanese.postal import _lookup

    _lookup.cache_clear()
    codes = ["2570015", "2570004", "2591315", "1000001", "0600000"]
    with ThreadPoolExecutor(max_workers=5) as pool:
        found = list(pool.map(lookup_postal_code, codes))
    assert all(address is not None for address in found)
