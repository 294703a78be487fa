"""Prometheus metrics: the process and runtime; requests by route; and, read from the
shared database at scrape time (so any API process shows them, whichever process did the
work), projection lag, the scheduler's job runs, webhook delivery, reminders, erasures
awaiting their second phase and the last clean audit verification."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import prometheus_client
from prometheus_client import (
    CollectorRegistry,
    Counter,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from dsr_core.service.registers import Registers
from dsr_projections.engine import integrity
from dsr_projections.engine.rebuilds import shadow_position
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.queries import reminders_by_stage
from dsr_projections.storage.database import ViewDatabase
from dsr_scheduler import job_runs
from dsr_scheduler.webhooks import delivery_stats

# no `_created` series beside each counter (the library types this call loosely)
prometheus_client.disable_created_metrics()  # type: ignore[no-untyped-call]


class _LagCollector(Collector):
    def __init__(self, runner: ProjectionRunner) -> None:
        self.runner = runner

    def collect(self) -> Iterator[GaugeMetricFamily]:
        behind = GaugeMetricFamily(
            "dsr_projection_lag_events", "Log positions not yet projected", labels=["projection"]
        )
        position = GaugeMetricFamily(
            "dsr_projection_position", "Last projected log position", labels=["projection"]
        )
        failed = GaugeMetricFamily(
            "dsr_projection_failed_position",
            "Log position a projection is stopped at (0 when it is not failing)",
            labels=["projection"],
        )
        rebuilding = GaugeMetricFamily(
            "dsr_rebuild_position",
            "How far a rebuild under way (or interrupted, to be resumed) has got, by read "
            "model; compare with dsr_projection_position's head (issue 32)",
            labels=["projection"],
        )
        try:
            stuck = {f.name: f.position for f in self.runner.failures()}
            for lag in self.runner.lag():
                behind.add_metric([lag.name], lag.behind)
                position.add_metric([lag.name], lag.position)
                failed.add_metric([lag.name], stuck.get(lag.name, 0))
                if at := shadow_position(self.runner, lag.name):
                    rebuilding.add_metric([lag.name], at)
        except Exception:
            pass
        yield behind
        yield position
        yield failed
        yield rebuilding


def _age(stamp: str | None, now: datetime) -> float | None:
    return (now - datetime.fromisoformat(stamp)).total_seconds() if stamp else None


class _OperationsCollector(Collector):
    """What the scheduler and the operators' commands did, from the shared database."""

    def __init__(self, db: ViewDatabase, registers: Registers, head: Callable[[], int]) -> None:
        self.db, self.registers, self.head = db, registers, head

    def collect(self) -> Iterator[Metric]:
        now = datetime.now(UTC)
        try:
            yield from self._jobs(now)
            yield from self._webhooks(now)
            yield from self._reminders()
            yield from self._erasures()
            yield from self._integrity()
        except Exception:  # a scrape must answer even while the database is away
            return

    def _jobs(self, now: datetime) -> Iterator[Metric]:
        runs = CounterMetricFamily("dsr_job_runs", "Runs of each scheduled job", labels=["job"])
        failures = CounterMetricFamily(
            "dsr_job_failures", "Runs of each job that raised", labels=["job"]
        )
        since = GaugeMetricFamily(
            "dsr_job_seconds_since_success",
            "Seconds since each job last finished without error (audit-verify: since the last "
            "verification that found no break)",
            labels=["job"],
        )
        for row in job_runs.runs(self.db):
            runs.add_metric([row["job"]], row["runs"])
            failures.add_metric([row["job"]], row["failures"])
            age = _age(row["last_success_at"], now)
            if age is not None:
                since.add_metric([row["job"]], age)
        yield from (runs, failures, since)

    def _webhooks(self, now: datetime) -> Iterator[Metric]:
        labels = ["delivery"]
        delivered = CounterMetricFamily(
            "dsr_webhook_delivered", "Items acknowledged by the receiver", labels=labels
        )
        failures = CounterMetricFamily(
            "dsr_webhook_failures", "Batches given up on after every retry", labels=labels
        )
        lag = GaugeMetricFamily(
            "dsr_webhook_lag_positions",
            "Log positions after the delivery's cursor (not all are for this receiver)",
            labels=labels,
        )
        since = GaugeMetricFamily(
            "dsr_webhook_seconds_since_delivery",
            "Seconds since the receiver last acknowledged a batch",
            labels=labels,
        )
        head = self.head()
        for row in delivery_stats(self.db):
            delivered.add_metric([row["name"]], row["delivered"])
            failures.add_metric([row["name"]], row["failures"])
            lag.add_metric([row["name"]], max(0, head - int(row["position"])))
            age = _age(row["last_delivered_at"], now)
            if age is not None:
                since.add_metric([row["name"]], age)
        yield from (delivered, failures, lag, since)

    def _reminders(self) -> Iterator[Metric]:
        issued = CounterMetricFamily(
            "dsr_reminders", "Reminders issued, by stage (issued, escalated)", labels=["stage"]
        )
        for stage, count in reminders_by_stage(self.db).items():
            issued.add_metric([stage], count)
        yield issued

    def _erasures(self) -> Iterator[Metric]:
        keys = self.registers.person_keys
        waiting = GaugeMetricFamily(
            "dsr_erasures_awaiting_keys",
            "Erasures recorded whose person keys are not destroyed yet (phase two)",
        )
        waiting.add_metric([], len(list(keys.erasing())) if keys is not None else 0)
        yield waiting

    def _integrity(self) -> Iterator[Metric]:
        broken = GaugeMetricFamily(
            "dsr_integrity_breaks",
            "People whose stored history failed a check, by where it was found "
            "(read-models: an event quarantined; verify: dsr audit verify); alert above 0",
            labels=["source"],
        )
        found = integrity.counts(self.db)
        for source in (integrity.FROM_READ_MODELS, integrity.FROM_VERIFY):
            broken.add_metric([source], found.get(source, 0))
        yield broken


class HttpMetrics:
    def __init__(self, runner: ProjectionRunner, registers: Registers) -> None:
        self.registry = CollectorRegistry()
        ProcessCollector(registry=self.registry)
        PlatformCollector(registry=self.registry)
        GCCollector(registry=self.registry)
        self.requests = Counter(
            "dsr_http_requests",
            "HTTP requests",
            ["route", "method", "status"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "dsr_http_request_seconds",
            "HTTP request latency",
            ["route"],
            registry=self.registry,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
        )
        self.registry.register(_LagCollector(runner))
        head = lambda: registers.recorder.max_notification_id() or 0  # noqa: E731
        self.registry.register(_OperationsCollector(runner.db, registers, head))
