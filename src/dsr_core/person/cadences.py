"""When reviews and other actions fall due: the cadence table of domain.md as data plus
one pure function. The register projection and the scheduler both call `due_reviews`;
no cadence number appears anywhere else.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

from dsr_core.domain.codes import RatingLevel, ReviewKind, Scheme, Service, Status
from dsr_core.domain.dates import add_days, add_months, birthday
from dsr_core.domain.values import ADULT_AGE, KEYWORKER_MAX_AGE
from dsr_core.person.aggregate import Person
from dsr_core.person.cadence_policy import CadencePolicy, VisitScope
from dsr_core.person.risks import unmanaged_since
from dsr_core.person.state import referral_decision


class DueKind(StrEnum):
    """What is due; each has one row in docs/scheduler.md's table."""

    REFERRAL_DECISION = "referral_decision"
    TELL_REFERRER = "tell_referrer"
    POST_ADMISSION_CETR = "post_admission_cetr"
    REPEAT_CETR = "repeat_cetr"
    OVERSIGHT_VISIT = "commissioner_oversight_visit"
    ACTION_PLAN_REVIEW = "action_plan_review"
    ACTION = "action"
    RED_COMMUNITY_CETR = "red_community_cetr"
    AMBER_MEETING_OR_CETR = "amber_meeting_or_cetr"
    KEYWORKER_REFERRAL = "keyworker_referral"
    CONSIDER_REMOVAL = "consider_removal"
    UNMANAGED_RISK_REVIEW = "unmanaged_risk_review"
    STEP_DOWN_REVIEW = "step_down_review"
    REGISTER_REVIEW = "register_review"
    MDT_DISCUSSION = "mdt_discussion"
    CONSENT_RECONFIRMATION = "consent_reconfirmation"
    EIGHTEENTH_BIRTHDAY = "eighteenth_birthday"


LOCAL_DEFAULTS = frozenset(
    {
        DueKind.RED_COMMUNITY_CETR,
        DueKind.AMBER_MEETING_OR_CETR,
        DueKind.KEYWORKER_REFERRAL,
        DueKind.REFERRAL_DECISION,
        DueKind.TELL_REFERRER,
        DueKind.REGISTER_REVIEW,
        DueKind.STEP_DOWN_REVIEW,
        DueKind.UNMANAGED_RISK_REVIEW,
        DueKind.CONSENT_RECONFIRMATION,
    }
)
"""Deadlines no national document times: each is a local default (Devon's 48 hours for Red
and two weeks for Amber, say) and a per-area setting, and reminders say so."""


def deadline_basis(kind: str) -> str:
    """`local_default` or `national_policy`: what a reminder's deadline rests on."""
    return "local_default" if kind in LOCAL_DEFAULTS else "national_policy"


INPATIENT_DUTIES = frozenset(
    {DueKind.POST_ADMISSION_CETR, DueKind.REPEAT_CETR, DueKind.OVERSIGHT_VISIT}
)
"""Owed to every inpatient the area commissions, whatever their register status."""


@dataclass(frozen=True, order=True)
class DueReview:
    due_on: date
    kind: DueKind
    since: date
    """The day the obligation started (admission, review, rating...): part of its key."""
    ref: str = ""
    """What it concerns when a kind can be due several times at once (an action's id)."""

    @property
    def key(self) -> str:
        """Stable across runs: the reminder of this obligation is written once."""
        base = f"{self.kind}:{self.since.isoformat()}"
        return f"{base}:{self.ref}" if self.ref else base


def _last_review(person: Person, kinds: tuple[ReviewKind, ...], since: date | None) -> date | None:
    held = [
        r.held_on
        for r in person.reviews
        if r.kind in kinds and (since is None or r.held_on >= since)
    ]
    return max(held) if held else None


def _last_cetr(person: Person, since: date) -> date | None:
    """The last C(E)TR held, or offered and declined (a decline meets that cycle's duty)."""
    declined = [d for d in person.cetr_declined if d >= since]
    held = _last_review(person, (ReviewKind.CETR,), since)
    return max([*declined, *([held] if held else [])], default=None)


def review_name(person: Person, kind: DueKind, on: date) -> str | None:
    """What a C(E)TR is called for this person: a CETR for a child or a young person up to
    25 with an EHC plan, a CTR for an adult (NHS-1)."""
    if kind not in (DueKind.POST_ADMISSION_CETR, DueKind.REPEAT_CETR, DueKind.RED_COMMUNITY_CETR):
        return None
    young_with_plan = person.ehc_plan and _age_on(person, on) <= KEYWORKER_MAX_AGE
    return "CETR" if _child_on(person, on) or young_with_plan else "CTR"


def keyworker_eligible(person: Person, on: date) -> bool:
    """England: Red, Amber or Blue, aged up to 25 (NHS-1)."""
    rating = person.rating
    return (
        person.scheme is Scheme.ENGLAND_RAG
        and person.status is Status.ON_REGISTER
        and rating is not None
        and rating.level in (RatingLevel.RED, RatingLevel.AMBER, RatingLevel.BLUE)
        and _age_on(person, on) <= KEYWORKER_MAX_AGE
    )


def _age_on(person: Person, day: date) -> int:
    """An erased record has no date of birth: it is counted as an adult's, past 25."""
    if person.details.erased:
        return KEYWORKER_MAX_AGE + 1
    return person.details.age_on(day)


def _child_on(person: Person, day: date) -> bool:
    return _age_on(person, day) < ADULT_AGE


def inpatient_duties(person: Person, policy: CadencePolicy) -> list[DueReview]:
    """C(E)TRs and commissioner visits, owed from admission to discharge whatever the
    person's register status (NHS England C(E)TR policy; domain rules). The post-admission
    C(E)TR uses the person's age on the admission day; a repeat C(E)TR or visit interval
    uses their age on the day the last one was held, so adult cadences apply after 18.
    All run from the spell's start, however long before any referral."""
    stay = person.admission
    if stay is None:
        return []
    # A transfer continues the spell: it neither restarts nor moves these duties.
    admitted = stay.total_stay_started_on
    due: list[DueReview] = []
    last_cetr = _last_cetr(person, admitted)
    if last_cetr is None:
        days = (
            policy.post_admission_cetr_child_days
            if _child_on(person, admitted)
            else policy.post_admission_cetr_adult_days
        )
        due.append(DueReview(add_days(admitted, days), DueKind.POST_ADMISSION_CETR, admitted))
    else:
        if _child_on(person, last_cetr):
            months = policy.repeat_cetr_child_months
        elif stay.secure:
            months = policy.repeat_cetr_secure_months
        else:
            months = policy.repeat_cetr_adult_months
        due.append(DueReview(add_months(last_cetr, months), DueKind.REPEAT_CETR, last_cetr))
    if policy.oversight_visits_for is VisitScope.ALL_INPATIENTS or not stay.in_area:
        start = (
            _last_review(person, (ReviewKind.COMMISSIONER_OVERSIGHT_VISIT,), admitted) or admitted
        )
        days = (
            policy.oversight_visit_child_days
            if _child_on(person, start)
            else policy.oversight_visit_adult_days
        )
        due.append(DueReview(add_days(start, days), DueKind.OVERSIGHT_VISIT, start))
    return due


def due_reviews(person: Person, policy: CadencePolicy) -> list[DueReview]:
    """Everything due for this person now, earliest first (not yet filtered by today)."""
    due: list[DueReview] = inpatient_duties(person, policy)
    referred_on = person.referred_on
    if person.status is Status.REFERRED and referred_on is not None:
        due.append(
            DueReview(
                add_days(referred_on, policy.referral_decision_days),
                DueKind.REFERRAL_DECISION,
                referred_on,
            )
        )
    told = tell_referrer_due(person, policy)
    if told is not None:
        due.append(told)
    accepted_on = person.accepted_on or referred_on
    if person.status is not Status.ON_REGISTER or accepted_on is None:
        return sorted(due)
    last_cetr_any = _last_review(person, (ReviewKind.CETR, ReviewKind.COMMUNITY_CETR), None)
    if (
        last_cetr_any is not None
        and _last_review(person, (ReviewKind.ACTION_PLAN_REVIEW,), add_days(last_cetr_any, 1))
        is None
    ):
        due.append(
            DueReview(
                add_days(last_cetr_any, policy.action_plan_review_days),
                DueKind.ACTION_PLAN_REVIEW,
                last_cetr_any,
            )
        )
    due += open_actions(person)

    rating, since = person.rating, person.rating_since
    if rating is not None and since is not None:
        due += _step_down(person, policy, rating.level, since)
        if (
            rating.level is RatingLevel.RED
            and _last_review(person, (ReviewKind.COMMUNITY_CETR, ReviewKind.LAEP), since) is None
            and not [d for d in person.cetr_declined if d >= since]
        ):
            due.append(
                DueReview(
                    add_days(since, policy.red_community_cetr_days),
                    DueKind.RED_COMMUNITY_CETR,
                    since,
                )
            )
        if rating.level is RatingLevel.AMBER and not _amber_answered(person, since):
            due.append(
                DueReview(
                    add_days(since, policy.amber_response_days),
                    DueKind.AMBER_MEETING_OR_CETR,
                    since,
                )
            )
        eligible_since = person.keyworker_levels_since or since
        if (
            keyworker_eligible(person, eligible_since)
            and str(Service.KEYWORKER) not in person.services
        ):
            due.append(
                DueReview(
                    add_days(eligible_since, policy.keyworker_referral_days),
                    DueKind.KEYWORKER_REFERRAL,
                    eligible_since,
                )
            )
        if rating.level is RatingLevel.GREEN:
            # Due whatever the risk record: the decision it calls for says whether an
            # unmanaged risk was found (domain.md).
            start = max(since, person.removal_kept_on or since)
            due.append(
                DueReview(
                    add_months(start, policy.green_before_removal_months),
                    DueKind.CONSIDER_REMOVAL,
                    start,
                )
            )
            unmanaged = unmanaged_since(person)
            decided = person.rating_decided_on
            if unmanaged is not None and (decided is None or decided < unmanaged):
                due.append(
                    DueReview(
                        add_days(unmanaged, policy.unmanaged_risk_review_days),
                        DueKind.UNMANAGED_RISK_REVIEW,
                        unmanaged,
                    )
                )

    last_register_review = (
        _last_review(person, (ReviewKind.REGISTER_REVIEW,), accepted_on) or accepted_on
    )
    due.append(
        DueReview(
            add_days(last_register_review, policy.register_review_days)
            if policy.register_review_days
            else add_months(last_register_review, policy.register_review_months),
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
                add_days(accepted_on, policy.mdt_discussion_days),
                DueKind.MDT_DISCUSSION,
                accepted_on,
            )
        )

    if person.consent is not None:
        decided = person.consent.decided_on
        due.append(
            DueReview(
                add_months(decided, policy.consent_reconfirmation_months),
                DueKind.CONSENT_RECONFIRMATION,
                decided,
            )
        )

    if _child_on(person, accepted_on):
        born = person.details.born_on
        due.append(DueReview(birthday(born, ADULT_AGE), DueKind.EIGHTEENTH_BIRTHDAY, born))
    return sorted(due)


def tell_referrer_due(person: Person, policy: CadencePolicy) -> DueReview | None:
    """The referrer is told the decision by its deadline, or on the day of a late one
    (domain.md cadence table), until recorded or the period ends after an acceptance."""
    if person.status is Status.REMOVED:
        return None
    decision = referral_decision(person)
    if decision is None or person.referrer_told_on is not None or person.referred_on is None:
        return None
    decided_on = decision[1]
    if policy.tell_referrer_from is not None and decided_on < policy.tell_referrer_from:
        return None
    deadline = add_days(person.referred_on, policy.referral_decision_days)
    return DueReview(max(deadline, decided_on), DueKind.TELL_REFERRER, decided_on)


def _step_down(
    person: Person, policy: CadencePolicy, level: RatingLevel, since: date
) -> list[DueReview]:
    """Red set at a discharge, where the area keeps people Red for a period after one: a
    rating review (step down or keep Red) on the period's last day, until a rating decision
    is recorded (domain.md, cadence table)."""
    days, discharged = policy.post_discharge_red_days, person.last_discharged_on
    if days is None or level is not RatingLevel.RED or discharged != since:
        return []
    decided = person.rating_decided_on
    if decided is not None and decided > discharged:
        return []
    return [DueReview(add_days(discharged, days - 1), DueKind.STEP_DOWN_REVIEW, discharged)]


def _amber_answered(person: Person, since: date) -> bool:
    """Amber calls for a multi-agency meeting and/or a C(E)TR offer (NHS-1)."""
    kinds = (ReviewKind.MDT, ReviewKind.CETR, ReviewKind.COMMUNITY_CETR)
    offered = person.cetr_offered_on
    return _last_review(person, kinds, since) is not None or (
        offered is not None and offered >= since
    )


def open_actions(person: Person) -> list[DueReview]:
    """Every action of a plan not yet done, due on its own date (domain rules: overdue
    actions surface until completed)."""
    held = {r.review_id: r.held_on for r in person.reviews}
    return [
        DueReview(
            action.due_on,
            DueKind.ACTION,
            action.raised_on or held.get(action_id.rsplit(".", 1)[0], action.due_on),
            action_id,
        )
        for action_id, action in person.actions.items()
        if action.open
    ]


def next_review(person: Person, policy: CadencePolicy) -> DueReview | None:
    reviews = due_reviews(person, policy)
    return reviews[0] if reviews else None
