"""Ratios only between figures measured on one server in one run (issue 17).

This machine's speed drifts up to 2.5x between days, so every goal is a ratio of two
figures; a ratio is only meaningful when both halves ran on the same server while it was
under the same conditions. Each figure carries the run it belongs to and the identity of
the server it ran on, and `ratio` refuses a pair that differs in either.
"""

from __future__ import annotations

import os
import platform
from dataclasses import dataclass
from pathlib import Path
from uuid import uuid4

import psycopg


class MismatchedRatioError(ValueError):
    """The two halves of a ratio did not run on the same server in the same run."""


@dataclass(frozen=True)
class Figure:
    name: str
    value: float
    server: str
    run: str


def ratio(numerator: Figure, denominator: Figure) -> float:
    for what in ("run", "server"):
        if getattr(numerator, what) != getattr(denominator, what):
            raise MismatchedRatioError(
                f"{numerator.name} and {denominator.name} come from different {what}s "
                f"({getattr(numerator, what)} and {getattr(denominator, what)}): no ratio"
            )
    return numerator.value / denominator.value


def machine() -> str:
    """This machine since it booted: a reboot or another host is another server."""
    boot = Path("/proc/sys/kernel/random/boot_id")
    booted = boot.read_text().strip() if boot.exists() else "unknown-boot"
    return f"{platform.node()}/{booted}/{os.cpu_count()}cores"


def postgres_server(url: str) -> str:
    """A PostgreSQL cluster as started: its system identifier and when the postmaster began."""
    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT system_identifier, pg_postmaster_start_time() FROM pg_control_system()"
        ).fetchone()
    assert row is not None
    return f"{machine()}/postgres:{row[0]}@{row[1].isoformat()}"


def sqlite_server(path: Path) -> str:
    """An embedded store: this machine and the database file."""
    return f"{machine()}/sqlite:{path.resolve()}"


class Run:
    """One bench run: every figure it takes carries the run's id and the server's identity."""

    def __init__(self) -> None:
        self.id = uuid4().hex[:12]

    def figure(self, name: str, value: float, server: str) -> Figure:
        return Figure(name, value, server, self.id)
