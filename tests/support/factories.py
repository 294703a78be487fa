"""Made-up people and commands for tests: obviously fictional names, valid-format test numbers."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from dsr_core.domain.codes import Role
from dsr_core.domain.identifiers import mod11_check_digit
from dsr_core.domain.values import Actor, PersonDetails
from dsr_core.service import commands as cmd

ENGLISH_AREA = "E54000048"
OTHER_ENGLISH_AREA = "E54000050"
SCOTTISH_AREA = "S37000017"
OTHER_SCOTTISH_AREA = "S37000032"

LEAD = Actor(user_id="lead-1", role=Role.LEAD, area=ENGLISH_AREA)
SCOTTISH_LEAD = Actor(user_id="lead-2", role=Role.LEAD, area=SCOTTISH_AREA)


@dataclass
class FakeClock:
    """A settable clock: tests move time instead of waiting for it."""

    now: datetime = field(default_factory=lambda: datetime(2025, 9, 1, 12, 0, tzinfo=UTC))

    def __call__(self) -> datetime:
        return self.now

    def advance(self, days: int = 0, seconds: int = 0) -> None:
        self.now += timedelta(days=days, seconds=seconds)


def nhs_number(seed: int) -> str:
    """A number that passes the modulus-11 check (test data only)."""
    rng = random.Random(seed)
    while True:
        first_nine = "9" + "".join(str(rng.randint(0, 9)) for _ in range(8))
        check = mod11_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def chi_number(date_of_birth: date, seed: int) -> str:
    rng = random.Random(seed)
    while True:
        first_nine = date_of_birth.strftime("%d%m%y") + "".join(
            str(rng.randint(0, 9)) for _ in range(3)
        )
        check = mod11_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


def details(
    *,
    seed: int = 1,
    date_of_birth: date = date(1990, 4, 2),
    scottish: bool = False,
    **overrides: Any,
) -> PersonDetails:
    values: dict[str, Any] = {
        "given_name": f"Testperson{seed}",
        "family_name": "Fictitious",
        "date_of_birth": date_of_birth,
        "sex": "female",
        "diagnosis_group": "learning_disability",
    }
    if scottish:
        values["chi_number"] = chi_number(date_of_birth, seed)
    else:
        values["nhs_number"] = nhs_number(seed)
    values.update(overrides)
    return PersonDetails.model_validate(values)


def referral(
    *,
    area: str = ENGLISH_AREA,
    referred_on: date = date(2025, 1, 10),
    seed: int = 1,
    **detail_overrides: Any,
) -> cmd.Refer:
    return cmd.Refer(
        area=area,
        details=details(seed=seed, scottish=area.startswith("S"), **detail_overrides),
        referred_on=referred_on,
        criteria=["support_at_risk"],
        referred_by="Community learning disability nurse",
        reason="Support at home at risk of breaking down.",
    )


def consent(
    decided_on: date = date(2025, 1, 11), basis: str = "informed_consent"
) -> cmd.RecordConsent:
    return cmd.RecordConsent(basis=basis, decided_on=decided_on, decided_by="the person")


def involvement(recorded_on: date = date(2025, 1, 11)) -> cmd.RecordInvolvement:
    return cmd.RecordInvolvement(
        recorded_on=recorded_on,
        person_involved=True,
        supporters_involved=True,
        advocacy="offered_taken_up",
    )


def admission(admitted_on: date = date(2025, 2, 10), **overrides: Any) -> cmd.Admit:
    values: dict[str, Any] = {
        "admitted_on": admitted_on,
        "hospital": "Imaginary General",
        "ward_type": "learning_disability",
        "in_area": True,
        "legal_status": "informal",
    }
    values.update(overrides)
    return cmd.Admit.model_validate(values)


def inpatient(
    *,
    area: str = ENGLISH_AREA,
    admitted_on: date = date(2019, 3, 4),
    seed: int = 1,
    **stay_overrides: Any,
) -> cmd.NotifyInpatient:
    """An inpatient the area is responsible for, never referred to the DSR."""
    values: dict[str, Any] = {
        "area": area,
        "details": details(seed=seed, scottish=area.startswith("S")),
        "notified_by": "Provider's inpatient notification",
        "admitted_on": admitted_on,
        "hospital": "Imaginary General",
        "ward_type": "learning_disability",
        "in_area": True,
        "legal_status": "informal",
        "provider_code": "RX4",
        "provider_name": "Imaginary Health NHS Trust",
        "commissioner_type": "icb",
        "commissioner_code": "QHM",
    }
    values.update(stay_overrides)
    return cmd.NotifyInpatient.model_validate(values)


def rating(level: str, urgent_reason: str | None = None) -> dict[str, Any]:
    return {"level": level, "urgent_reason": urgent_reason}
