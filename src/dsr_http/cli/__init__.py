"""The `dsr` command: one entry point for operators; each subcommand opens one runtime
(dsr_http.runtime) and closes it when done. The parser (`parser.py`) imports nothing
heavy, so `dsr --help` and `dsr --version` answer at once."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from dsr_http.cli.parser import build_parser

EVENTS_FILE = "events.sqlite3"
"""The embedded store's event file (dsr_core.process.bootstrap.EVENTS_FILE; a test keeps
them equal), named here so checking for it imports nothing heavy."""


MAKES_A_STORE = frozenset({"serve", "demo", "keygen", "token", "openapi", "settings"})
"""Commands that may start with no store (they make one, or need none); every other one
acts on an existing store and must not quietly make a new, empty one (issue 29)."""


def missing_store(command: str) -> str | None:
    """Why this command cannot run here: embedded mode and no store in DSR_DATA_DIR."""
    if command in MAKES_A_STORE:
        return None
    from dsr_core.process.settings import Settings

    settings = Settings()
    if settings.uses_postgres or (settings.data_dir / EVENTS_FILE).exists():
        return None
    return (
        f"dsr {command}: no dsr store in {settings.data_dir.resolve()} (DSR_DATA_DIR); run it "
        "where the store is, set DSR_DATA_DIR (or DSR_DATABASE_URL), or start a store with "
        "'dsr serve' or 'dsr demo' (or give --init)."
    )


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from dsr_http.cli import problems

    for warning in problems.unknown_settings():
        print(warning, file=sys.stderr)
    try:
        needs_no_store = args.init or getattr(args, "template", None)  # import --template
        problem = None if needs_no_store else missing_store(args.command)
        if problem:
            print(problem, file=sys.stderr)
            return 2
        return int(args.handler(args))
    except BrokenPipeError:  # the reader stopped early (`dsr openapi | head`): not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    except Exception as error:
        line = problems.describe(error)
        if line is None:
            raise
        print(f"dsr {args.command}: {line}", file=sys.stderr)
        return 2
