"""`dsr import`: a spreadsheet DSR into dsr, row by row, all or nothing per row."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from dsr_core.process.logging import configure_logging
from dsr_core.process.settings import Settings
from dsr_http.importer import ImportFileError, Mapping, import_file
from dsr_http.runtime import opened


def import_spreadsheet(args: argparse.Namespace) -> int:
    """Print the report as JSON; exit 1 if any row was refused, 2 if the file was."""
    configure_logging()
    path = Path(args.file)
    try:
        mapping = Mapping.named(args.mapping)
        with opened(Settings()) as runtime:
            report = import_file(runtime.registers, path, args.area, mapping, dry_run=args.dry_run)
    except ImportFileError as refused:
        print(json.dumps({"file": path.name, "refused": refused.problems}, indent=2))
        print("dsr import: nothing imported: the file itself was refused.", file=sys.stderr)
        return 2
    print(json.dumps(report.as_dict(), indent=2))
    return 1 if report.refused else 0
