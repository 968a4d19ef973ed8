from hypothesis import given
from hypothesis import strategies as st

from tide.people.identifiers import nhs_check_digit, nhs_number_problem, pnc_problem, prison_number_problem


def test_known_valid_nhs_number_passes():
    assert nhs_number_problem("943 476 5919") is None


def test_nhs_number_with_wrong_check_digit_is_refused():
    assert "check digit" in nhs_number_problem("9434765918")


def test_nhs_number_of_wrong_length_is_refused():
    assert "10 digits" in nhs_number_problem("12345")
    assert "10 digits" in nhs_number_problem("94347659191")
    assert "10 digits" in nhs_number_problem("94347A5919")


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_every_nine_digits_either_complete_to_a_valid_number_or_have_no_check_digit(nine):
    check = nhs_check_digit(nine)
    if check is None:
        assert all(nhs_number_problem(nine + str(d)) for d in range(10))
    else:
        assert nhs_number_problem(nine + str(check)) is None
        assert all(nhs_number_problem(nine + str(d)) for d in range(10) if d != check)


def test_pnc_and_prison_number_formats():
    assert pnc_problem("2019/0123456A") is None
    assert pnc_problem("19/123Z") is None
    assert pnc_problem("2019-0123456A")
    assert prison_number_problem("A1234BC") is None
    assert prison_number_problem("1234ABC")
