"""A synthetic register: obviously fictional people on realistic journeys, for demos and tests.

Everything goes through the application service, so the demo data obeys every rule.
Names are invented words; NHS and CHI numbers pass their check digits but are
generated, and dates are random.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID

import structlog

from dsr_core.domain.code_lists import code_list
from dsr_core.domain.codes import Role
from dsr_core.domain.errors import DsrError
from dsr_core.domain.identifiers import mod11_check_digit
from dsr_core.domain.values import Actor
from dsr_core.process.bootstrap import build_registers
from dsr_core.process.settings import Settings
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers

GIVEN = (
    "Zephyrine",
    "Quillon",
    "Marrowby",
    "Tamsinelle",
    "Orrin",
    "Vessaly",
    "Bramwick",
    "Ilsabet",
    "Corvane",
    "Dellaphine",
    "Fennick",
    "Wrenna",
    "Jasperin",
    "Liorel",
    "Nimsy",
    "Ottoline",
)
FAMILY = (
    "Examplewood",
    "Testbury",
    "Fictionfield",
    "Madeupton",
    "Placeholme",
    "Sampleton",
    "Dummington",
    "Mockridge",
    "Notrealley",
    "Imaginarby",
)
ENGLISH_AREAS = ("E54000048", "E54000050", "E54000057")
SCOTTISH_AREAS = ("S37000017", "S37000032", "S37000034")
CENTRES = {
    "E54000048": (53.80, -2.70),
    "E54000050": (54.97, -1.61),
    "E54000057": (53.48, -2.24),
    "S37000017": (55.95, -4.76),
    "S37000032": (56.20, -3.15),
    "S37000034": (55.86, -4.25),
}
"""Rough centres of the demo areas: homes and hospitals are scattered around them."""
PLACES = {
    "E54000048": ("E06000009", "E07000121", "E07000123"),
    "E54000050": ("E06000047", "E08000021", "E06000057"),
    "E54000057": ("E08000003", "E08000001", "E08000009"),
    "S37000017": ("S12000018",),
    "S37000032": ("S12000047",),
    "S37000034": ("S12000049",),
}
"""Local authorities in each demo area (a subset of dsr's geography table)."""
OUTSIDE = ("W06000015", "N09000003")
ETHNIC = ("A", "A", "A", "A", "B", "C", "D", "H", "J", "M", "N", "R", "Z", "99")
SECTIONS = {True: ("mhcta-s36", "mhcta-s44", "mhcta-s64", "cpsa-s57a"), False: ("02", "03", "37")}
DELAYS = {
    True: ("25F", "9/25X", "9/51X", "23C", "11A"),
    False: ("J2", "B1", "E1", "I2", "N1", "T2", "S1"),
}

PLAN_ITEMS = list(code_list("discharge_plan_item").codes)

log = structlog.get_logger(__name__)


def _number(rng: random.Random, prefix: str) -> str:
    while True:
        first_nine = prefix + "".join(str(rng.randint(0, 9)) for _ in range(9 - len(prefix)))
        check = mod11_check_digit(first_nine)
        if check is not None:
            return first_nine + str(check)


@dataclass
class Clock:
    now: datetime

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Summary:
    people: int = 0
    events: int = 0


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

    def later(self, low: int, high: int) -> date | None:
        self.day += timedelta(days=self.rng.randint(low, high))
        return self.day if self.day <= self.today else None

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

    def run(self, index: int) -> None:
        rng = self.rng
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
            return
        if (day := self.later(1, 14)) is None or not self.do(
            cmd.Accept(accepted_on=day, rating=self.rating())
        ):
            return
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
                    recorded_on=held, barriers=rng.sample(DELAYS[self.scottish], 2)
                )
            )
        if rng.random() < 0.5 and (ready := self.later(10, 200)) is not None:
            self.do(cmd.MarkReadyForDischarge(ready_on=ready))
            if rng.random() < 0.8:
                first, second = rng.sample(DELAYS[self.scottish], 2)
                self.do(cmd.RecordDischargeDelay(recorded_on=ready, delay_reason=first))
                if (moved := self.later(10, 60)) is not None:
                    self.do(cmd.RecordDischargeDelay(recorded_on=moved, delay_reason=second))
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


def generate(
    app: Registers,
    people: int,
    *,
    seed: int = 2025,
    today: date = date(2025, 9, 30),
    areas: Sequence[str] = ENGLISH_AREAS + SCOTTISH_AREAS,
    start: date = date(2023, 10, 1),
    progress: Callable[[int, int], None] | None = None,
) -> Summary:
    """Create `people` journeys starting between `start` and `today`, deterministic for a seed."""
    rng = random.Random(seed)
    summary = Summary()
    span = (today - start).days
    for index in range(people):
        area = areas[index % len(areas)]
        journey = Journey(app, rng, area, start + timedelta(days=rng.randint(0, span)), today)
        journey.run(index)
        if journey.person_id is not None:
            summary.people += 1
            summary.events += journey.events
        if progress:
            progress(index + 1, people)
    return summary


def demo_registers_clock(today: date) -> Clock:
    """A clock that says it is midday on `today`, so every demo date is in the past."""
    return Clock(datetime(today.year, today.month, today.day, 12, tzinfo=UTC))


def load_demo(settings: Settings, people: int) -> bool:
    """Load a synthetic register once, when the store is empty; False if it was not empty."""
    registers = build_registers(settings)
    try:
        if (registers.recorder.max_notification_id() or 0) > 0:
            return False

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            print(f"\rdemo data [{bar}] {done}/{total} people", end="", file=sys.stderr, flush=True)

        # A bar for a person at a terminal; otherwise (a service's log) JSON lines only.
        interactive = sys.stderr.isatty()
        summary = generate(
            registers,
            people,
            progress=progress if interactive else None,
            today=registers.today(),
        )
        if interactive:
            print(file=sys.stderr)
        log.info("demo_loaded", people=summary.people, events=summary.events)
        return True
    finally:
        registers.close()


def demo(args: argparse.Namespace) -> int:
    """Load a synthetic register (6 areas, fictional people) into an empty store."""
    if not load_demo(Settings(), args.people):
        print(
            "The store already holds events; demo data is only loaded into an empty one.",
            file=sys.stderr,
        )
        return 1
    return 0
