"""Reports from the command line: one area's national dataset, and the CSV exports."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from dsr_core.domain.periods import Period
from dsr_core.process.logging import configure_logging
from dsr_core.process.settings import Settings
from dsr_http.runtime import opened
from dsr_projections.national.report import build_dataset
from dsr_scheduler.snapshots import register_snapshot


def national_dataset(args: argparse.Namespace) -> int:
    """Print one area's unsuppressed dataset for a period, as JSON or CSV (the JSON says
    so in `classification`; the CSVs are the lead's, never for publication)."""
    configure_logging()
    with opened(Settings()) as runtime:
        runtime.runner.catch_up()
        policy = runtime.registers.areas.policy(args.area)
        if args.k is not None and args.k < policy.k_anonymity:
            print(
                f"dsr: k cannot be below the area's floor of {policy.k_anonymity}", file=sys.stderr
            )
            return 2
        dataset = build_dataset(
            runtime.db,
            args.area,
            Period.parse(args.period),
            args.profile or policy.disclosure,
            runtime.national_secret,
            max(args.k or 0, policy.k_anonymity),
        )
    if args.format == "json":
        print(dataset.to_json())
    elif args.format == "records-csv":
        print(dataset.records_csv(), end="")
    else:
        print(dataset.tables_csv(), end="")
    return 0


def export(args: argparse.Namespace) -> int:
    """Write the register (as at the period's end) and the area's unsuppressed dataset as
    CSV files, named so (`unsuppressed-...`): both are the lead's, neither for publication."""
    configure_logging()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with opened(Settings()) as runtime:
        runtime.runner.catch_up()
        period = Period.parse(args.period)
        profile = runtime.registers.areas.policy(args.area).disclosure
        register = register_snapshot(
            runtime.registers, runtime.db, args.area, period, as_recorded_then=False
        )
        dataset = build_dataset(runtime.db, args.area, period, profile, runtime.national_secret)
    files = {
        f"register-{args.area}-{period.label}.csv": register.content,
        f"unsuppressed-{args.area}-{period.label}-records.csv": dataset.records_csv(),
        f"unsuppressed-{args.area}-{period.label}-tables.csv": dataset.tables_csv(),
    }
    for name, content in files.items():
        (out / name).write_text(content)
        print(out / name)
    return 0
