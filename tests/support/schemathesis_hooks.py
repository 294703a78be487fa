"""Schemathesis hooks (SCHEMATHESIS_HOOKS=tests.support.schemathesis_hooks): strategies for
the identifier formats the document declares, so generated referrals carry numbers whose
check digit holds and the stateful walk gets past the first referral."""

from __future__ import annotations

from datetime import date

import schemathesis
from hypothesis import strategies as st

from dsr_core.domain.identifiers import mod11_check_digit

_DIGITS = "0123456789"


def _with_check_digit(first_nine: str) -> str | None:
    check = mod11_check_digit(first_nine)
    return None if check is None else first_nine + str(check)


nhs_numbers = (
    st.text(_DIGITS, min_size=9, max_size=9).map(_with_check_digit).filter(lambda n: n is not None)
)
chi_numbers = (
    st.tuples(
        st.integers(1, 28),
        st.integers(1, 12),
        st.integers(0, 99),
        st.text(_DIGITS, min_size=3, max_size=3),
    )
    .map(lambda p: _with_check_digit(f"{p[0]:02d}{p[1]:02d}{p[2]:02d}{p[3]}"))
    .filter(lambda n: n is not None)
)

schemathesis.openapi.format("nhs-number", nhs_numbers)
schemathesis.openapi.format("chi-number", chi_numbers)

# Days as the register holds them: none before 1900 (a date of birth may not be), and
# some in the future, which the rules that forbid them answer 409.
days = st.dates(date(1900, 1, 1), date(2030, 12, 31)).map(date.isoformat)
schemathesis.openapi.format("date", days)

# The areas the test's token holds (tests/system/test_contract_conformance.py): a referral
# elsewhere is rightly 403, and no walk starts from it.
AREAS = ("E54000048", "S37000017")
schemathesis.openapi.format("area-code", st.sampled_from(AREAS))
