"""`dsr import`: a spreadsheet DSR into dsr, row by row, all or nothing per row; or, with
`--template`, the blank spreadsheet to fill."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dsr_core.process.logging import configure_logging
from dsr_core.process.settings import Settings
from dsr_http.import_sheets import ImportFileError, Mapping, write_report, write_template
from dsr_http.importer import import_file
from dsr_http.runtime import opened


def _progress(rows: int) -> None:
    print(f"dsr import: {rows} rows read", file=sys.stderr, flush=True)


def import_spreadsheet(args: argparse.Namespace) -> int:
    """Print the report as JSON (and as CSV with --report); exit 1 if any row was refused,
    2 if the file was."""
    try:
        mapping = Mapping.named(args.mapping)
    except ImportFileError as refused:
        print(f"dsr import: --mapping: {refused}", file=sys.stderr)
        return 2
    if args.template:
        write_template(mapping, Path(args.template))
        print(f"dsr import: wrote {args.template} with the {mapping.name!r} mapping's columns")
        return 0
    if not args.file or not args.area:
        print("dsr import: give the file and --area (or --template FILE)", file=sys.stderr)
        return 2
    configure_logging()
    path = Path(args.file)
    try:
        with opened(Settings()) as runtime:
            report = import_file(
                runtime.registers, path, args.area, mapping, dry_run=args.dry_run,
                progress=_progress,
            )  # fmt: skip
    except ImportFileError as refused:
        answer = {"file": path.name, "refused": refused.problems, "expected": refused.expected}
        print(json.dumps(answer, indent=2))
        print("dsr import: nothing imported: the file itself was refused.", file=sys.stderr)
        return 2
    outcome = report.as_dict()
    print(json.dumps(outcome, indent=2))
    if args.report:
        write_report(outcome, Path(args.report))
    if report.ignored_columns:
        ignored = ", ".join(report.ignored_columns)
        print(f"dsr import: columns not in the mapping, left out: {ignored}", file=sys.stderr)
    return 1 if report.refused else 0
