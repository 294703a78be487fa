"""When reviews and other actions fall due: the cadence table of domain.md as data plus
one pure function. The register projection and the scheduler both call `due_reviews`;
no cadence number appears anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field

from dsr_core.domainmodel import Person
from dsr_core.values import (
    ADULT_AGE,
    RatingLevel,
    ReviewKind,
    Scheme,
    Status,
    ValueObject,
    WardType,
)


class DueKind(StrEnum):
    """What is due; each has one row in domain.md's cadence table."""

    REFERRAL_DECISION = "referral_decision"
    POST_ADMISSION_CETR = "post_admission_cetr"
    REPEAT_CETR = "repeat_cetr"
    OVERSIGHT_VISIT = "commissioner_oversight_visit"
    ACTION_PLAN_REVIEW = "action_plan_review"
    RED_COMMUNITY_CETR = "red_community_cetr"
    CONSIDER_REMOVAL = "consider_removal"
    REGISTER_REVIEW = "register_review"
    MDT_DISCUSSION = "mdt_discussion"
    CONSENT_RECONFIRMATION = "consent_reconfirmation"
    EIGHTEENTH_BIRTHDAY = "eighteenth_birthday"


class CadencePolicy(ValueObject):
    """Deadlines in days; defaults are domain.md's table (NHS England policy, seed 003)."""

    referral_decision_days: int = Field(default=7, ge=1)
    post_admission_cetr_adult_days: int = Field(default=28, ge=1)
    post_admission_cetr_child_days: int = Field(default=14, ge=1)
    repeat_cetr_adult_days: int = Field(default=182, ge=1)  # 6 months
    repeat_cetr_secure_days: int = Field(default=365, ge=1)  # 12 months
    repeat_cetr_child_days: int = Field(default=91, ge=1)  # 3 months
    oversight_visit_adult_days: int = Field(default=56, ge=1)  # 8 weeks
    oversight_visit_child_days: int = Field(default=42, ge=1)  # 6 weeks
    action_plan_review_days: int = Field(default=84, ge=1)  # 12 weeks
    red_community_cetr_days: int = Field(default=7, ge=0)  # "prompt": no number in sources
    green_before_removal_days: int = Field(default=91, ge=1)  # 3 months
    register_review_days: int = Field(default=30, ge=1)  # "e.g. monthly"
    mdt_discussion_days: int = Field(default=14, ge=1)  # Scotland, 2 weeks
    consent_reconfirmation_days: int = Field(default=365, ge=1)  # yearly


@dataclass(frozen=True, order=True)
class DueReview:
    due_on: date
    kind: DueKind
    since: date
    """The day the obligation started (admission, review, rating...): part of its key."""


def _last_review(person: Person, kinds: tuple[ReviewKind, ...], since: date | None) -> date | None:
    held = [
        r.held_on
        for r in person.reviews
        if r.kind in kinds and (since is None or r.held_on >= since)
    ]
    return max(held) if held else None


def due_reviews(person: Person, policy: CadencePolicy) -> list[DueReview]:
    """Everything due for this person now, earliest first (not yet filtered by today)."""
    days = timedelta
    due: list[DueReview] = []
    if person.status is Status.REFERRED:
        due.append(
            DueReview(
                person.referred_on + days(policy.referral_decision_days),
                DueKind.REFERRAL_DECISION,
                person.referred_on,
            )
        )
    if person.status is not Status.ON_REGISTER:
        return sorted(due)

    accepted_on = person.accepted_on or person.referred_on
    child = person.details.age_on(accepted_on) < ADULT_AGE
    stay = person.admission
    if stay is not None:
        admitted = stay.admitted_on
        child_at_admission = person.details.age_on(admitted) < ADULT_AGE
        last_cetr = _last_review(person, (ReviewKind.CETR,), admitted)
        if last_cetr is None:
            window = (
                policy.post_admission_cetr_child_days
                if child_at_admission
                else policy.post_admission_cetr_adult_days
            )
            due.append(DueReview(admitted + days(window), DueKind.POST_ADMISSION_CETR, admitted))
        else:
            if child_at_admission:
                window = policy.repeat_cetr_child_days
            elif stay.ward_type is WardType.SECURE:
                window = policy.repeat_cetr_secure_days
            else:
                window = policy.repeat_cetr_adult_days
            due.append(DueReview(last_cetr + days(window), DueKind.REPEAT_CETR, last_cetr))
        last_visit = _last_review(person, (ReviewKind.COMMISSIONER_OVERSIGHT_VISIT,), admitted)
        start = last_visit or admitted
        window = (
            policy.oversight_visit_child_days
            if child_at_admission
            else policy.oversight_visit_adult_days
        )
        due.append(DueReview(start + days(window), DueKind.OVERSIGHT_VISIT, start))

    last_cetr_any = _last_review(person, (ReviewKind.CETR, ReviewKind.COMMUNITY_CETR), None)
    if (
        last_cetr_any is not None
        and _last_review(person, (ReviewKind.ACTION_PLAN_REVIEW,), last_cetr_any + days(1)) is None
    ):
        due.append(
            DueReview(
                last_cetr_any + days(policy.action_plan_review_days),
                DueKind.ACTION_PLAN_REVIEW,
                last_cetr_any,
            )
        )

    rating, since = person.rating, person.rating_since
    if rating is not None and since is not None:
        if (
            rating.level is RatingLevel.RED
            and _last_review(person, (ReviewKind.COMMUNITY_CETR, ReviewKind.LAEP), since) is None
        ):
            due.append(
                DueReview(
                    since + days(policy.red_community_cetr_days), DueKind.RED_COMMUNITY_CETR, since
                )
            )
        if rating.level is RatingLevel.GREEN:
            due.append(
                DueReview(
                    since + days(policy.green_before_removal_days), DueKind.CONSIDER_REMOVAL, since
                )
            )

    last_register_review = (
        _last_review(person, (ReviewKind.REGISTER_REVIEW,), accepted_on) or accepted_on
    )
    due.append(
        DueReview(
            last_register_review + days(policy.register_review_days),
            DueKind.REGISTER_REVIEW,
            last_register_review,
        )
    )

    if (
        person.scheme is Scheme.SCOTLAND_COMING_HOME
        and _last_review(person, (ReviewKind.MDT,), accepted_on) is None
    ):
        due.append(
            DueReview(
                accepted_on + days(policy.mdt_discussion_days), DueKind.MDT_DISCUSSION, accepted_on
            )
        )

    if person.consent is not None:
        decided = person.consent.decided_on
        due.append(
            DueReview(
                decided + days(policy.consent_reconfirmation_days),
                DueKind.CONSENT_RECONFIRMATION,
                decided,
            )
        )

    if child:
        dob = person.details.date_of_birth
        try:
            birthday = dob.replace(year=dob.year + ADULT_AGE)
        except ValueError:  # 29 February
            birthday = date(dob.year + ADULT_AGE, 3, 1)
        due.append(DueReview(birthday, DueKind.EIGHTEENTH_BIRTHDAY, dob))
    return sorted(due)


def next_review(person: Person, policy: CadencePolicy) -> DueReview | None:
    reviews = due_reviews(person, policy)
    return reviews[0] if reviews else None
