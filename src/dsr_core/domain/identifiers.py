"""National patient identifiers and their check digits.

England's NHS number and Scotland's CHI number are both ten digits with a modulus-11
check digit (weights 10..2 over the first nine); a CHI number also starts with the
person's date of birth as DDMMYY (domain.md, "Information held").
"""

from __future__ import annotations

from datetime import date

_WEIGHTS = range(10, 1, -1)


def mod11_check_digit(first_nine: str) -> int | None:
    """Return the check digit for nine digits, or None when no valid digit exists."""
    total = sum(int(digit) * weight for digit, weight in zip(first_nine, _WEIGHTS, strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def normalise(number: str) -> str:
    """Drop the spaces and hyphens people type between digit groups."""
    return number.replace(" ", "").replace("-", "")


def is_valid_nhs_number(number: str) -> bool:
    digits = normalise(number)
    if len(digits) != 10 or not digits.isdigit():
        return False
    return mod11_check_digit(digits[:9]) == int(digits[9])


def is_valid_chi_number(number: str) -> bool:
    digits = normalise(number)
    if len(digits) != 10 or not digits.isdigit():
        return False
    if chi_birth_date_prefix_is_impossible(digits):
        return False
    return mod11_check_digit(digits[:9]) == int(digits[9])


def chi_birth_date_prefix_is_impossible(digits: str) -> bool:
    day, month = int(digits[0:2]), int(digits[2:4])
    return not (1 <= day <= 31 and 1 <= month <= 12)


def chi_matches_date_of_birth(number: str, date_of_birth: date) -> bool:
    """A CHI number's first six digits are the date of birth as DDMMYY."""
    return normalise(number)[:6] == date_of_birth.strftime("%d%m%y")
