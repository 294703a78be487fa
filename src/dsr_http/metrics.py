"""Prometheus metrics: request counts and latency by route, projection lag at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry, Counter, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from dsr_projections.engine.runner import ProjectionRunner


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
        try:
            stuck = {f.name: f.position for f in self.runner.failures()}
            for lag in self.runner.lag():
                behind.add_metric([lag.name], lag.behind)
                position.add_metric([lag.name], lag.position)
                failed.add_metric([lag.name], stuck.get(lag.name, 0))
        except Exception:
            pass
        yield behind
        yield position
        yield failed


class HttpMetrics:
    def __init__(self, runner: ProjectionRunner) -> None:
        self.registry = CollectorRegistry()
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
