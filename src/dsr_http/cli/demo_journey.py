"""One made-up person's journey through a register: referral, decisions, stays, reviews and
the care record, each step a command through the application, dated in the past."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any
from uuid import UUID

from dsr_core.domain.codes import Role
from dsr_core.domain.errors import DsrError
from dsr_core.domain.identifiers import mod11_check_digit
from dsr_core.domain.values import Actor
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_http.cli.demo_data import (
    CENTRES,
    ETHNIC,
    FAMILY,
    GIVEN,
    OUTSIDE,
    PLACES,
    PLAN_ITEMS,
    SECTIONS,
    delay_codes,
)
from dsr_http.cli.demo_inpatients import admitted_years_before, never_referred


def _number(rng: random.Random, prefix: str) -> str:
    while True:
        first_nine = prefix + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(prefix)))
        check = mod11_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


@dataclass
class Summary:
    people: int = 0
    events: int = 0


PROVIDERS = ("RX4", "RVN", "RT5")
"""Fictional providers' ODS codes the demo admits to."""


class Journey:
    """One person's path, day by day; each step is tried and a refusal simply ends it."""

    def __init__(
        self, app: Registers, rng: random.Random, area: str, start: date, today: date
    ) -> None:
        self.app, self.rng, self.area, self.day, self.today = app, rng, area, start, today
        self.scottish = area.startswith("S")
        self.actor = Actor(user_id=f"demo-{area}", role=Role.LEAD, area=area)
        self.person_id: UUID | None = None
        self.events = 0
        self.untold = False

    def later(self, low: int, high: int) -> date | None:
        self.day += timedelta(days=self.rng.randint(low, high))
        return self.day if self.day <= self.today else None

    def tell_referrer(self, decided_on: date) -> None:
        """The referrer hears two days after the decision (not every one, for the demo)."""
        told_on = decided_on + timedelta(days=2)
        if not self.untold and told_on <= self.today:
            self.do(cmd.TellReferrer(told_on=told_on, note="Letter sent."))

    def do(self, command: cmd.Command) -> bool:
        assert self.person_id is not None
        try:
            result = self.app.execute(self.person_id, command, Caller.of(self.actor))
        except DsrError:
            return False
        self.events += len(result.events)
        return True

    def rating(self, in_hospital: bool = False) -> dict[str, Any]:
        if self.scottish:
            if in_hospital:
                return {"level": "urgent", "urgent_reason": "in_hospital"}
            level = self.rng.choice(["urgent", "enhanced_monitoring", "enhanced_monitoring"])
            return {
                "level": level,
                "urgent_reason": "support_at_risk" if level == "urgent" else None,
            }
        if in_hospital:
            return {"level": "blue"}
        return {"level": self.rng.choice(["red", "amber", "amber", "green"])}

    def run(self, index: int, turn: int = 0) -> None:
        """`turn` counts the journeys of this person's area: each area's 4th of every ten is
        an inpatient never referred, its 8th a long-stay inpatient referred late."""
        rng = self.rng
        self.untold = turn % 10 == 5  # the referral queue shows a decision still to tell
        adult = self.scottish or rng.random() < 0.85
        birth_year = rng.randint(1950, 2004) if adult else rng.randint(2008, 2014)
        dob = date(birth_year, rng.randint(1, 12), rng.randint(1, 28))
        details: dict[str, Any] = {
            "given_name": rng.choice(GIVEN),
            "family_name": f"{rng.choice(FAMILY)}-{index}",
            "date_of_birth": dob,
            "sex": rng.choice(["female", "male", "male", "not_known"]),
            "diagnosis_group": rng.choice(
                [
                    "learning_disability",
                    "autism",
                    "learning_disability_and_autism",
                    "awaiting_diagnosis",
                ]
            ),
        }
        lat, lon = CENTRES.get(self.area, (54.0, -2.0))
        details["ethnic_category"] = rng.choice(ETHNIC)
        details["gender_identity"] = rng.choice(["1", "2", "1", "2", "3", "Z"])
        details["home_location"] = {
            "latitude": round(lat + rng.uniform(-0.15, 0.15), 3),
            "longitude": round(lon + rng.uniform(-0.2, 0.2), 3),
        }
        if rng.random() < 0.7:
            details["diagnosed_on"] = dob + timedelta(days=rng.randint(700, 9000))
            if details["diagnosed_on"] >= self.day:
                del details["diagnosed_on"]
        if self.scottish:
            details["chi_number"] = _number(rng, dob.strftime("%d%m%y"))
        else:
            details["nhs_number"] = _number(rng, "9")
        criteria = [rng.choice(["in_hospital", "out_of_area_placement", "support_at_risk"])]
        if turn % 10 == 3:
            never_referred(self, details, random.Random(index))
            return
        long_stay = turn % 10 == 7
        if long_stay:
            criteria = ["in_hospital"]
        try:
            result = self.app.execute(
                None,
                cmd.Refer(
                    area=self.area,
                    details=details,
                    referred_on=self.day,
                    criteria=criteria,
                    referred_by="Community team",
                    reason="Synthetic demo referral",
                ),
                Caller.of(self.actor),
            )
        except DsrError:
            return
        self.person_id, self.events = result.person_id, 1
        if long_stay:
            admitted_years_before(self, random.Random(index))
        self.journey(dob)

    def journey(self, dob: date) -> None:
        rng = self.rng
        if (day := self.later(0, 10)) is None:
            return
        if self.scottish:  # Scotland records everyone in scope: involvement, not consent
            involved = cmd.RecordInvolvement(
                recorded_on=day,
                person_involved=rng.random() < 0.9,
                supporters_involved=rng.random() < 0.8,
                advocacy=rng.choice(["offered_taken_up", "offered_declined", "offered_undecided"]),
            )
            if not self.do(involved):
                return
        else:
            age = (day - dob).days / 365.25
            basis = (
                "parental_responsibility"
                if age < 16
                else rng.choice(["informed_consent", "informed_consent", "best_interests_decision"])
            )
            if not self.do(cmd.RecordConsent(basis=basis, decided_on=day, decided_by="demo")):
                return
        if rng.random() < 0.1:
            self.do(
                cmd.RecordNationalDataObjection(objects=True, recorded_on=day),
            )
        if rng.random() < 0.08:
            if (day := self.later(1, 7)) is not None:
                self.do(
                    cmd.DeclineReferral(
                        declined_on=day, reason_code="criteria_not_met", reason="Demo"
                    ),
                )
                self.tell_referrer(day)
            return
        if (day := self.later(1, 14)) is None or not self.do(
            cmd.Accept(accepted_on=day, rating=self.rating())
        ):
            return
        self.tell_referrer(day)
        self.care_record(day, dob)
        if rng.random() < 0.3 and (day := self.later(5, 60)) is not None:
            home = PLACES[self.area]
            others = [la for area, las in PLACES.items() if area != self.area for la in las]
            placement_area = rng.choice(
                [rng.choice(home), rng.choice(others), rng.choice(others), rng.choice(OUTSIDE)]
            )
            chosen, concerns = rng.random() < 0.5, rng.random() < 0.3
            placed = self.do(
                cmd.ChangePlacement(
                    placement_type=rng.choice(
                        ["supported_living", "residential_care", "family_home"]
                    ),
                    placement_area=placement_area,
                    started_on=day,
                    chosen_by_person=chosen,
                    concerns="Staff turnover; family visits are hard" if concerns else None,
                ),
            )
            if placed and self.scottish and placement_area not in home:
                # Coming Home's out-of-area categories (seed 001): appropriate when chosen
                # with no concerns, otherwise Urgent (inappropriate out of area)
                appropriate = chosen and not concerns
                rating = (
                    {"level": "appropriate_out_of_area"}
                    if appropriate
                    else {"level": "urgent", "urgent_reason": "inappropriate_out_of_area"}
                )
                self.do(cmd.ChangeRating(changed_on=day, rating=rating, reason="Demo placement"))
        for _ in range(rng.randint(0, 3)):
            if (day := self.later(10, 120)) is None:
                return
            if rng.random() < 0.45:
                self.episode()
            else:
                self.do(
                    cmd.ChangeRating(
                        changed_on=day,
                        rating=self.rating(),
                        reason="Demo review",
                        risk_factors=[
                            rng.choice(["carer_health", "placement_breakdown", "self_harm"])
                        ],
                    ),
                )
        if rng.random() < 0.2 and (day := self.later(30, 200)) is not None:
            self.do(
                cmd.Remove(
                    removed_on=day,
                    reason_code=rng.choice(
                        ["stable", "no_longer_meets_criteria", "moved_to_another_area"]
                    ),
                ),
            )

    def care_record(self, day: date, dob: date) -> None:
        """What seed 002 asks a DSR to hold: tried, could help, plan, team, views, needs."""
        rng = self.rng
        self.do(
            cmd.RecordMitigation(
                recorded_on=day,
                kind="tried",
                category=rng.choice(["positive_behaviour_support", "short_breaks", "crisis_plan"]),
                description="Demo: tried for six months",
            )
        )
        self.do(
            cmd.RecordMitigation(
                recorded_on=day,
                kind="could_help",
                category=rng.choice(["intensive_support_team", "housing_change", "keyworker"]),
                description="Demo: would help",
            )
        )
        for name in rng.sample(["Sam Caseworker", "Alex Socialworker", "Jo Nurse"], 2):
            self.do(
                cmd.AssignProfessional(
                    assigned_on=day,
                    role=rng.choice(["social_worker", "lead_professional", "nurse"]),
                    name=name,
                )
            )
        self.do(
            cmd.RecordViews(
                recorded_on=day,
                person="Demo: I want to live near my family.",
                supporters=[
                    {"name": "Demo Parent", "relationship": "parent", "view": "Demo: worried."}
                ],
            )
        )
        self.do(
            cmd.RecordNeeds(
                recorded_on=day,
                needs=[
                    {"code": rng.choice(["housing:bespoke", "housing:supported_living"])},
                    {"code": rng.choice(["support:specialist_provider", "support:staffing_24h"])},
                    {"code": rng.choice(["funding:joint", "funding:health"]), "horizon": "future"},
                ],
            )
        )
        self.do(
            cmd.AddAction(
                raised_on=day,
                description="Demo: find a provider",
                owner="Social worker",
                due_on=day + timedelta(days=rng.randint(14, 90)),
            )
        )
        self.do(
            cmd.RecordRecommendation(
                recorded_on=day,
                horizon=rng.choice(["current", "future"]),
                service="Supported living provider",
                text="Demo: staff trained in PBS before the move",
            )
        )
        young = (day - dob).days < 25 * 365
        services = ["intensive_support", "housing", "care_provider"] + (
            ["keyworker"] if young and not self.scottish else []
        )
        for service in rng.sample(services, rng.randint(0, 2)):
            referred = self.do(cmd.ReferToService(service=service, requested_on=day))
            if referred and rng.random() < 0.4 and (started := self.later(10, 120)) is not None:
                self.do(cmd.StartService(service=service, started_on=started))

    def episode(self) -> None:
        rng = self.rng
        detained = rng.random() < 0.7
        lat, lon = CENTRES.get(self.area, (54.0, -2.0))
        far = rng.random() < 0.3
        admit = cmd.Admit(
            admitted_on=self.day,
            hospital="Imaginary Hospital",
            hospital_location={
                "latitude": round(lat + rng.uniform(-1.0, 1.0) * (2.5 if far else 0.2), 3),
                "longitude": round(lon + rng.uniform(-0.3, 0.3), 3),
            },
            ward_type=rng.choice(["mental_health", "learning_disability"]),
            security_level=rng.choice(["general", "general", "low", "medium"]),
            in_area=not far,
            legal_status="detained" if detained else "informal",
            detained_under=rng.choice(SECTIONS[self.scottish]) if detained else None,
            # who provides and funds the bed, as Assuring Transformation asks (issue 31);
            # chosen by the day, not the generator, so the rest of the demo is unchanged
            provider_code=PROVIDERS[self.day.toordinal() % len(PROVIDERS)],
            provider_name="Imaginary Health NHS Trust",
            commissioner_type="health_board" if self.scottish else "icb",
        )
        if not self.do(admit):
            return
        if (held := self.later(7, 40)) is not None:
            self.do(
                cmd.RecordReview(kind="cetr", held_on=held, outcome="Demo review"),
            )
            self.do(
                cmd.SetPlannedDischargeDate(
                    recorded_on=held, planned_on=held + timedelta(days=rng.randint(30, 240))
                )
            )
            scores = {item: rng.randint(0, 2) for item in rng.sample(PLAN_ITEMS, 8)}
            self.do(cmd.ScoreDischargePlan(recorded_on=held, scores=scores))
            self.do(
                cmd.RecordDischargeBarriers(
                    recorded_on=held, barriers=rng.sample(delay_codes(self.scottish, held), 2)
                )
            )
        if rng.random() < 0.5 and (ready := self.later(10, 200)) is not None:
            self.do(cmd.MarkReadyForDischarge(ready_on=ready))
            if rng.random() < 0.8:
                first = rng.choice(delay_codes(self.scottish, ready))
                self.do(cmd.RecordDischargeDelay(recorded_on=ready, delay_reason=first))
                if (moved := self.later(10, 60)) is not None:
                    second = rng.choice(delay_codes(self.scottish, moved))
                    self.do(cmd.RecordDischargeDelay(recorded_on=moved, delay_reason=second))
            else:  # the reason recorded later, as a team catches up before the return
                codes = delay_codes(self.scottish, ready)
                reason = codes[ready.toordinal() % len(codes)]
                self.do(cmd.RecordDischargeDelay(recorded_on=ready, delay_reason=reason))
        if rng.random() < 0.7 and (discharged := self.later(5, 300)) is not None:
            self.do(
                cmd.Discharge(
                    discharged_on=discharged,
                    destination=rng.choice(
                        ["family_home", "supported_housing", "care_home_without_nursing"]
                    ),
                    rating=self.rating(),
                ),
            )
