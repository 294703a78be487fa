from datetime import date

from hypothesis import given
from hypothesis import strategies as st

from dsr_core.domain.identifiers import (
    chi_matches_date_of_birth,
    is_valid_chi_number,
    is_valid_nhs_number,
    mod11_check_digit,
)


def test_a_published_example_nhs_number_is_valid() -> None:
    assert is_valid_nhs_number("943 476 5919")


def test_an_nhs_number_with_a_wrong_check_digit_is_invalid() -> None:
    assert not is_valid_nhs_number("9434765918")


def test_nine_or_eleven_digits_are_not_an_nhs_number() -> None:
    assert not is_valid_nhs_number("943476591")
    assert not is_valid_nhs_number("94347659190")


def test_a_chi_number_must_start_with_a_real_day_and_month() -> None:
    assert not is_valid_chi_number("3213901234")


def test_a_chi_number_prefix_is_the_date_of_birth() -> None:
    assert chi_matches_date_of_birth("0101901003", date(1990, 1, 1))
    assert not chi_matches_date_of_birth("0101901003", date(1990, 1, 2))


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 9))
def test_exactly_one_check_digit_completes_a_valid_nhs_number(first_nine: str, last: int) -> None:
    expected = mod11_check_digit(first_nine)
    assert is_valid_nhs_number(first_nine + str(last)) == (expected == last)


@given(
    st.text(alphabet="0123456789", min_size=10, max_size=10), st.integers(0, 9), st.integers(1, 9)
)
def test_changing_any_single_digit_of_a_valid_number_makes_it_invalid(
    number: str, position: int, delta: int
) -> None:
    """The modulus-11 weights catch every single-digit typing error."""
    check = mod11_check_digit(number[:9])
    if check is None:
        return
    valid = number[:9] + str(check)
    typo = valid[:position] + str((int(valid[position]) + delta) % 10) + valid[position + 1 :]
    assert is_valid_nhs_number(valid)
    assert not is_valid_nhs_number(typo)


def test_every_example_in_the_api_contract_is_valid() -> None:
    """Front-ends generate clients and tests from these examples."""
    from dsr_core.service import commands

    for model in vars(commands).values():
        if (
            isinstance(model, type)
            and issubclass(model, commands.Command)
            and model is not commands.Command
        ):
            extra = model.model_config.get("json_schema_extra")
            assert isinstance(extra, dict)
            for example in extra["examples"]:  # type: ignore[union-attr]
                assert isinstance(example, dict)
                if "action_id" in example:
                    continue  # refers to an id the server issues
                model.model_validate(example)
