"""A dashboard's months measured from one read equal each month measured alone."""

from __future__ import annotations

from datetime import date

from dsr_core.domain.periods import Period
from dsr_core.service.registers import Registers
from dsr_http.cli.demo import generate
from dsr_http.cli.demo_data import ENGLISH_AREAS
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.stays.metrics import area_metrics, area_metrics_over


def test_several_periods_at_once_measure_as_each_alone(
    app: Registers, runner: ProjectionRunner
) -> None:
    generate(app, 48, today=date(2025, 9, 30), areas=ENGLISH_AREAS[:1])
    runner.catch_up(timeout=120)
    area = ENGLISH_AREAS[0]
    months = [Period.parse(f"2024-{m:02d}") for m in range(1, 13)]
    periods = [(p.start, p.end) for p in months] + [(date(2023, 10, 1), date(2025, 9, 30))]
    for profile in (None, "nhs_england_lda"):
        together = area_metrics_over(runner.db, area, periods, disclosure_profile=profile)
        alone = [
            area_metrics(runner.db, area, start, end, disclosure_profile=profile)
            for start, end in periods
        ]
        assert together == alone
    assert any(m["admissions"] for m in together)  # the months hold stays to measure
