"""The `dsr` command: one entry point for operators; each subcommand opens one runtime
(dsr_http.runtime) and closes it when done."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from dsr_core.domain.codes import Role
from dsr_core.process.bootstrap import EVENTS_FILE
from dsr_core.process.settings import Settings
from dsr_http.cli import contract, demo, importing, operate, problems, processes, reports


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dsr", description="Dynamic Support Register service")
    parser.add_argument(
        "--init",
        action="store_true",
        help="let this command start a new, empty embedded store in DSR_DATA_DIR (serve and "
        "demo always may; every other command otherwise refuses to)",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    info = commands.add_parser("info", help="show the configured storage and its event count")
    info.set_defaults(handler=operate.info)
    keygen = commands.add_parser("keygen", help="print a new random base64 key")
    keygen.add_argument("--bytes", type=int, choices=(16, 24, 32), default=32)
    keygen.set_defaults(handler=operate.keygen)
    project = commands.add_parser("project", help="run the projection worker")
    project.add_argument("--batch-size", type=int, default=500)
    project.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this read model (repeat for several): one worker per read model",
    )
    project.set_defaults(handler=processes.project)
    rebuild = commands.add_parser("rebuild", help="rebuild read models without downtime")
    rebuild.add_argument("name", nargs="?", help="one read model (default: all)")
    rebuild.set_defaults(handler=operate.rebuild)
    audit = commands.add_parser("audit", help="audit trail tools")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_verify = audit_commands.add_parser(
        "verify", help="verify chains, rows, snapshots and checkpoints"
    )
    audit_verify.set_defaults(handler=operate.audit_verify)
    audit_checkpoint = audit_commands.add_parser(
        "checkpoint", help="write a signed checkpoint of the chains' heads"
    )
    audit_checkpoint.add_argument(
        "--dir", help="where to write it (default DSR_AUDIT_CHECKPOINT_DIR or DATA_DIR/checkpoints)"
    )
    audit_checkpoint.set_defaults(handler=operate.audit_checkpoint)
    retention_parser = commands.add_parser("retention", help="retention and erasure")
    retention_commands = retention_parser.add_subparsers(dest="retention_command", required=True)
    retention_run = retention_commands.add_parser(
        "run", help="erase everyone past their area's retention"
    )
    retention_run.add_argument(
        "--dry-run", action="store_true", help="only report who is due and what blocks each"
    )
    retention_run.set_defaults(handler=operate.retention_run)
    keys = commands.add_parser("keys", help="per-person data keys")
    keys_commands = keys.add_subparsers(dest="keys_command", required=True)
    keys_rotate = keys_commands.add_parser(
        "rotate", help="re-wrap every person key under DSR_MASTER_KEY"
    )
    keys_rotate.set_defaults(handler=operate.keys_rotate)
    keys_status = keys_commands.add_parser("status", help="person keys per master key")
    keys_status.set_defaults(handler=operate.keys_status)
    importing_parser = commands.add_parser(
        "import", help="import a spreadsheet DSR (csv or xlsx), one person per row"
    )
    importing_parser.add_argument("file", help="a .csv or .xlsx file; row 1 names the columns")
    importing_parser.add_argument("--area", required=True, help="the register area's code")
    importing_parser.add_argument(
        "--mapping", default="generic", help="generic, scottish, or a mapping .json file"
    )
    importing_parser.add_argument(
        "--dry-run", action="store_true", help="check every row, save nothing"
    )
    importing_parser.set_defaults(handler=importing.import_spreadsheet)
    national = commands.add_parser("national-dataset", help="export an anonymised dataset")
    national.add_argument("area", help="area code, e.g. S37000017")
    national.add_argument("period", help="2025-Q3 (quarter) or 2025-09 (month)")
    national.add_argument("--format", choices=("json", "records-csv", "tables-csv"), default="json")
    national.add_argument("--profile", choices=("nhs_england_lda", "nhs_england", "phs_scotland"))
    national.add_argument("--k", type=int, default=None, help="raise k above the area's floor")
    national.set_defaults(handler=reports.national_dataset)
    serve = commands.add_parser("serve", help="run the HTTP API (embedded by default)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument(
        "--demo",
        type=int,
        nargs="?",
        const=300,
        default=0,
        help="load N synthetic people first if the store is empty (default 300)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="API processes (default DSR_API_WORKERS or 1; above 1 needs PostgreSQL)",
    )
    serve.set_defaults(handler=processes.serve)
    token = commands.add_parser("token", help="mint a local bearer token")
    token.add_argument(
        "--role", required=True, choices=[str(r) for r in Role if r is not Role.SYSTEM]
    )
    token.add_argument("--area", action="append", default=[], help="repeat for several areas")
    token.add_argument("--sub", default="local-user")
    token.add_argument(
        "--organisation", help="a partner's organisation type (education, housing, ...)"
    )
    token.add_argument("--ttl", type=int, default=8 * 3600)
    token.set_defaults(handler=operate.token)
    schedule = commands.add_parser("schedule", help="run the scheduler (reminders)")
    schedule.add_argument(
        "--every-minutes",
        type=int,
        default=None,
        help="reminder pass interval (default DSR_REMINDER_EVERY_MINUTES or 60)",
    )
    schedule.set_defaults(handler=processes.schedule)
    demo_command = commands.add_parser("demo", help="load a synthetic register into an empty store")
    demo_command.add_argument("--people", type=int, default=300)
    demo_command.set_defaults(handler=demo.demo)
    export = commands.add_parser("export", help="write register and national dataset CSVs")
    export.add_argument("area", help="area code, e.g. E54000048")
    export.add_argument("period", help="2025-Q3 or 2025-09")
    export.add_argument("--out", default=".", help="directory for the files")
    export.set_defaults(handler=reports.export)
    contract_command = commands.add_parser(
        "openapi", help="print the HTTP contract (OpenAPI 3.1), or its breaking changes"
    )
    contract_command.add_argument(
        "--against",
        metavar="FILE",
        help="an earlier OpenAPI document: print each change that breaks its clients, one "
        "per line, and exit 1 if there is any (docs/api.md, Versioning)",
    )
    contract_command.set_defaults(handler=contract.openapi)
    return parser


MAKES_A_STORE = frozenset({"serve", "demo", "keygen", "token", "openapi"})
"""Commands that may start with no store (they make one, or need none); every other one
acts on an existing store and must not quietly make a new, empty one (issue 29)."""


def missing_store(command: str) -> str | None:
    """Why this command cannot run here: embedded mode and no store in DSR_DATA_DIR."""
    if command in MAKES_A_STORE:
        return None
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
    for warning in problems.unknown_settings():
        print(warning, file=sys.stderr)
    try:
        problem = None if args.init else missing_store(args.command)
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
