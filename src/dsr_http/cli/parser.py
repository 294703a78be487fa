"""The `dsr` command line: every command and option with its help and default.

Nothing heavy is imported here: each command names its handler as `module:function` in
`dsr_http.cli`, imported only when that command runs, so `dsr --help` answers at once.
"""

from __future__ import annotations

import argparse
import importlib
from collections.abc import Callable
from importlib.metadata import PackageNotFoundError, version

from dsr_core.domain.codes import Role

Handler = Callable[[argparse.Namespace], int]
ROLES = tuple(str(role) for role in Role if role is not Role.SYSTEM)
"""`dsr token --role` choices: every role but the system's own (the codes module is light:
enums only)."""


def lazy(target: str) -> Handler:
    """The handler `module:function` of `dsr_http.cli`, imported when the command runs."""

    def run(args: argparse.Namespace) -> int:
        module, name = target.split(":")
        handler: Handler = getattr(importlib.import_module(f"dsr_http.cli.{module}"), name)
        return handler(args)

    run.__qualname__ = target
    return run


def _version() -> str:
    try:
        return f"dsr {version('dsr')}"
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "dsr (not installed)"


class _Commands:
    """`add_parser` with defaults shown in every command's help."""

    def __init__(self, group: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self.group = group

    def add(self, name: str, about: str, handler: str | None = None) -> argparse.ArgumentParser:
        command = self.group.add_parser(
            name,
            help=about,
            description=about[0].upper() + about[1:] + ".",
            formatter_class=argparse.ArgumentDefaultsHelpFormatter,
        )
        if handler:
            command.set_defaults(handler=lazy(handler))
        return command


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="dsr",
        description="Dynamic Support Register service. Settings are DSR_* environment "
        "variables: `dsr settings` lists them all (docs/operations.md).",
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=_version())
    parser.add_argument(
        "--init",
        action="store_true",
        help="let this command start a new, empty embedded store in DSR_DATA_DIR (serve and "
        "demo always may; every other command otherwise refuses to)",
    )
    commands = _Commands(parser.add_subparsers(dest="command", required=True, metavar="COMMAND"))
    _operating(commands)
    _processes(commands)
    _data(commands)
    return parser


def _operating(commands: _Commands) -> None:
    commands.add("info", "show the configured storage and its event count", "operate:info")
    listing = commands.add(
        "settings",
        "list every DSR_* setting: its value and where it came from (secrets hidden)",
        "settings_report:settings",
    )
    listing.add_argument("--json", action="store_true", help="as JSON, for tools")
    keygen = commands.add("keygen", "print a new random base64 key", "operate:keygen")
    keygen.add_argument("--bytes", type=int, choices=(16, 24, 32), default=32, help="key length")
    rebuild = commands.add("rebuild", "rebuild read models without downtime", "operate:rebuild")
    rebuild.add_argument("name", nargs="?", help="one read model (all when not given)")
    rebuild.add_argument(
        "--fresh",
        action="store_true",
        help="start over, discarding what an interrupted rebuild of them had done",
    )
    rebuild.add_argument(
        "--processes",
        type=int,
        default=None,
        metavar="N",
        help="PostgreSQL: rebuild the read models in N processes (default: the cores, up "
        "to 2); SQLite: always one",
    )
    audit = commands.add("audit", "audit trail tools")
    audit_commands = _Commands(audit.add_subparsers(dest="audit_command", required=True))
    audit_commands.add(
        "verify", "verify chains, rows, snapshots and checkpoints", "operate:audit_verify"
    )
    audit_commands.add(
        "authenticate",
        "sign the events of a store written before event MACs, once it verifies",
        "operate:audit_authenticate",
    )
    checkpoint = audit_commands.add(
        "checkpoint", "write a signed checkpoint of the chains' heads", "operate:audit_checkpoint"
    )
    checkpoint.add_argument(
        "--dir", help="where to write it (DSR_AUDIT_CHECKPOINT_DIR or DATA_DIR/checkpoints)"
    )
    retention = commands.add("retention", "retention and erasure")
    retention_commands = _Commands(
        retention.add_subparsers(dest="retention_command", required=True)
    )
    run = retention_commands.add(
        "run", "erase everyone past their area's retention", "operate:retention_run"
    )
    run.add_argument(
        "--dry-run", action="store_true", help="only report who is due and what blocks each"
    )
    keys = commands.add("keys", "per-person data keys")
    keys_commands = _Commands(keys.add_subparsers(dest="keys_command", required=True))
    keys_commands.add(
        "rotate", "re-wrap every person key under DSR_MASTER_KEY", "operate:keys_rotate"
    )
    keys_commands.add("status", "person keys per master key", "operate:keys_status")
    token = commands.add("token", "mint a local bearer token", "operate:token")
    token.add_argument("--role", required=True, choices=ROLES, help="the token's role")
    token.add_argument(
        "--area", action="append", default=[], help="an area code (repeat for several)"
    )
    token.add_argument("--sub", default="local-user", help="the user id the token names")
    token.add_argument(
        "--organisation", help="a partner's organisation type (education, housing, ...)"
    )
    token.add_argument("--ttl", type=int, default=8 * 3600, help="seconds until it expires")
    contract = commands.add(
        "openapi",
        "print the HTTP contract (OpenAPI 3.1), or its breaking changes",
        "contract:openapi",
    )
    contract.add_argument(
        "--against",
        metavar="FILE",
        help="an earlier OpenAPI document: print each change that breaks its clients, one "
        "per line, and exit 1 if there is any (docs/api.md, Versioning)",
    )


def _processes(commands: _Commands) -> None:
    serve = commands.add("serve", "run the HTTP API and console", "processes:serve")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on")
    serve.add_argument(
        "--demo",
        type=int,
        nargs="?",
        const=300,
        default=0,
        metavar="N",
        help="load N synthetic people first if the store is empty (300 when N is not given)",
    )
    serve.add_argument(
        "--workers",
        type=int,
        default=None,
        help="API processes (DSR_API_WORKERS or 1; above 1 needs PostgreSQL)",
    )
    project = commands.add("project", "run the projection worker", "processes:project")
    project.add_argument("--batch-size", type=int, help="events per transaction (default 2,000)")
    project.add_argument(
        "--only",
        action="append",
        metavar="NAME",
        help="run only this read model (repeat for several): one worker per read model",
    )
    schedule = commands.add(
        "schedule", "run the scheduler (reminders, webhooks, retention)", "processes:schedule"
    )
    schedule.add_argument(
        "--every-minutes",
        type=int,
        default=None,
        help="reminder pass interval (DSR_REMINDER_EVERY_MINUTES or 60)",
    )


def _data(commands: _Commands) -> None:
    importing = commands.add(
        "import",
        "import a spreadsheet DSR (csv or xlsx), one person per row",
        "importing:import_spreadsheet",
    )
    importing.add_argument("file", nargs="?", help="a .csv or .xlsx file; row 1 names the columns")
    importing.add_argument("--area", help="the register area's code (required to import)")
    importing.add_argument(
        "--mapping", default="generic", help="generic, scottish, or a mapping .json file"
    )
    importing.add_argument("--dry-run", action="store_true", help="check every row, save nothing")
    importing.add_argument(
        "--template",
        metavar="FILE",
        help="write a blank spreadsheet with the mapping's columns (.csv or .xlsx) and stop",
    )
    importing.add_argument(
        "--report", metavar="FILE", help="also write the row-by-row report as CSV here"
    )
    national = commands.add(
        "national-dataset",
        "print an area's unsuppressed dataset (the lead's; not for publication)",
        "reports:national_dataset",
    )
    national.add_argument("area", help="area code, e.g. S37000017")
    national.add_argument("period", help="2025-Q3 (quarter) or 2025-09 (month)")
    national.add_argument(
        "--format",
        choices=("json", "records-csv", "tables-csv"),
        default="json",
        help="the output's shape",
    )
    national.add_argument(
        "--profile",
        choices=("nhs_england_lda", "nhs_england", "phs_scotland"),
        help="the disclosure profile (the area's own when not given)",
    )
    national.add_argument("--k", type=int, default=None, help="raise k above the area's floor")
    demo = commands.add("demo", "load a synthetic register into an empty store", "demo:demo")
    demo.add_argument("--people", type=int, default=300, help="how many synthetic people")
    export = commands.add(
        "export", "write the register and the area's unsuppressed dataset as CSV", "reports:export"
    )
    export.add_argument("area", help="area code, e.g. E54000048")
    export.add_argument("period", help="2025-Q3 or 2025-09")
    export.add_argument("--out", default=".", help="directory for the files")
