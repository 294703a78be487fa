"""A synthetic Scottish register whose census on 28 March 2024 reproduces PHS's published
headline figures (issue 14): 1,463 on registers; 489 urgent: 192 in hospital, of which 83
delayed, 75 inappropriately out of area, 222 at risk of breakdown. Spread over the 31
HSCPs through the same commands a user sends, counted by each HSCP's return, summed."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.codes import Role
from dsr_core.domain.periods import Period
from dsr_core.domain.values import Actor
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.national.collections import PHS
from dsr_projections.national.disclosure import profile_named
from dsr_projections.national.release import build, check
from dsr_projections.national.returns import build_return
from tests.support import factories as f

HSCPS = [f"S37{n:06d}" for n in range(1, 36) if n not in (14, 15, 21, 23)]
PLAN = [
    ("delayed", 83),
    ("in_hospital", 192 - 83),
    ("inappropriate_out_of_area", 75),
    ("at_risk", 222),
    ("appropriate_out_of_area", 124),
    ("enhanced_monitoring", 1463 - 489 - 124),
]


def person(app: Registers, area: str, seed: int, kind: str) -> None:
    by = Caller.of(Actor(user_id="lead", role=Role.LEAD, area=area))
    born = date(1950 + seed % 50, 1 + seed % 12, 1 + seed % 28)  # CHI numbers differ
    referral = f.referral(area=area, seed=seed, referred_on=date(2024, 1, 5), date_of_birth=born)
    pid = app.execute(None, referral, by).person_id
    elsewhere = "S12000036" if area == "S37000034" else "S12000049"
    if kind in ("inappropriate_out_of_area", "appropriate_out_of_area"):
        app.execute(
            pid,
            cmd.ChangePlacement(
                placement_type="residential_care",
                placement_area=elsewhere,
                started_on=date(2024, 1, 6),
                chosen_by_person=kind == "appropriate_out_of_area",
            ),
            by,
        )
    rating = {
        "inappropriate_out_of_area": f.rating("urgent", "inappropriate_out_of_area"),
        "at_risk": f.rating("urgent", "support_at_risk"),
        "appropriate_out_of_area": f.rating("appropriate_out_of_area"),
    }.get(kind, f.rating("enhanced_monitoring"))
    app.execute(pid, cmd.Accept(accepted_on=date(2024, 1, 10), rating=rating), by)
    if kind in ("delayed", "in_hospital"):
        app.execute(pid, f.admission(date(2024, 2, 1)), by)
    if kind == "delayed":
        app.execute(pid, cmd.MarkReadyForDischarge(ready_on=date(2024, 3, 27)), by)


def test_the_census_of_a_synthetic_scottish_register_reproduces_phs_headlines(
    app: Registers, runner: ProjectionRunner
) -> None:
    seed = 0
    for kind, count in PLAN:
        for _ in range(count):
            seed += 1
            person(app, HSCPS[(seed * 7) % len(HSCPS)], seed, kind)
    runner.catch_up()
    period = Period.parse("2024-Q1")
    assert PHS.census_date(period) == date(2024, 3, 28)  # the last Thursday of March
    returns = {
        area: build_return(runner.db, PHS, area, period, b"secret", 5).atoms for area in HSCPS
    }
    release = build(PHS, returns)
    national = release.raw_tables()["register_by_category"][PHS.national_code]
    assert (national["total"], national["urgent"], national["urgent_in_hospital"]) == (
        1463,
        489,
        192,
    )
    assert national["urgent_in_hospital_delayed"] == 83
    assert national["urgent_inappropriate_out_of_area"] == 75
    assert national["urgent_at_risk"] == 222
    assert check(release, profile_named("phs_scotland")) == []
    shown = release.tables()["register_by_category"][PHS.national_code]
    assert shown["total"] == 1463 and shown["urgent"] == 489
