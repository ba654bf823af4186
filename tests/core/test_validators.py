import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from yakusho.core.validators import validate_local_government_code


@pytest.mark.parametrize("code", ["142115", "011002", "131016", "092011", "010006"])
def test_real_codes_pass(code):
    validate_local_government_code(code)


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("142116", "check_digit"),
        ("14211", "format"),
        ("14211a", "format"),
        ("", "format"),
        ("１４２１１５", "format"),
    ],
)
def test_wrong_codes_fail(code, error):
    with pytest.raises(ValidationError) as info:
        validate_local_government_code(code)
    assert info.value.code == error


@given(st.text(alphabet="0123456789", min_size=5, max_size=5))
def test_exactly_one_check_digit_fits_any_five_digits(first_five):
    fitting = []
    for digit in "0123456789":
        try:
            validate_local_government_code(first_five + digit)
            fitting.append(digit)
        except ValidationError:
            pass
    assert len(fitting) == 1
