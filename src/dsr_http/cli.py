"""The `dsr` command: one entry point for operators (subcommands grow with the product)."""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import sys
from collections.abc import Sequence

from dsr_core.bootstrap import build_registers
from dsr_core.logging import configure_logging
from dsr_core.process import tune_garbage_collection
from dsr_core.settings import Settings


def _info(_: argparse.Namespace) -> int:
    """Say which storage mode is configured and whether it is reachable; never print secrets."""
    settings = Settings()
    registers = build_registers(settings)
    try:
        position = registers.recorder.max_notification_id() or 0
    finally:
        registers.close()
    encrypted = settings.cipher_key is not None
    report = {
        "storage": "postgresql" if settings.uses_postgres else "sqlite",
        "location": settings.database_schema if settings.uses_postgres else str(settings.data_dir),
        # Only the event store's payloads are encrypted by DSR_CIPHER_KEY; the read models
        # hold names, NHS/CHI numbers and dates of birth in clear (docs/operations.md).
        "encrypted_at_rest": {
            "events_and_snapshots": encrypted,
            "read_models": False,
            "audit_trail_and_access_log": False,
        },
        "in_clear": [
            "read models: register (names, NHS/CHI numbers, dates of birth), length of stay, "
            "national dataset state",
            "audit trail (event data, free text) and access log",
            *([] if encrypted else ["events and snapshots (no DSR_CIPHER_KEY)"]),
        ],
        "events": position,
    }
    print(json.dumps(report, indent=2))
    return 0


def _keygen(args: argparse.Namespace) -> int:
    """Print a new random key for DSR_IDENTITY_KEY or DSR_CIPHER_KEY."""
    print(base64.b64encode(secrets.token_bytes(args.bytes)).decode())
    return 0


def _project(args: argparse.Namespace) -> int:
    """Run the projection worker until stopped (PostgreSQL mode runs it as its own process)."""
    from dsr_projections.__main__ import main as run_worker

    return run_worker(batch_size=args.batch_size)


def _rebuild(args: argparse.Namespace) -> int:
    """Rebuild read models into shadow tables and swap them in; progress on stderr."""
    from dsr_projections.anchors import read_checkpoints
    from dsr_projections.bootstrap import build_runner
    from dsr_projections.runner import RebuildRefusedError

    configure_logging()
    settings = Settings()
    registers = build_registers(settings)
    runner = build_runner(settings, registers)
    tune_garbage_collection()
    names = [args.name] if args.name else [p.name for p in runner.projections]
    checkpoints = [c for _, c in read_checkpoints(settings.checkpoint_dir)]
    try:
        for name in names:
            before = runner.content_hash(name)

            def progress(done: int, total: int, name: str = name) -> None:
                print(f"\r{name}: {done}/{total}", end="", file=sys.stderr, flush=True)

            try:
                position = runner.rebuild(name, progress=progress, checkpoints=checkpoints)
            except RebuildRefusedError as refused:
                print(file=sys.stderr)
                for problem in refused.problems:
                    print(json.dumps({"projection": name, "refused": problem}))
                print(
                    f"dsr rebuild: {name} kept as it was: the rebuilt model disagrees with the "
                    "trail or the checkpoints (run `dsr audit verify`).",
                    file=sys.stderr,
                )
                return 1
            print(file=sys.stderr)
            changed = "changed" if runner.content_hash(name) != before else "unchanged"
            print(json.dumps({"projection": name, "position": position, "content": changed}))
    finally:
        runner.db.close()
        registers.close()
    return 0


def _audit_verify(_: argparse.Namespace) -> int:
    """Check every chain, row, snapshot and checkpoint (docs/operations.md, "Tamper
    evidence"); one JSON line per break, exit 1 if there is any."""
    from dsr_projections.anchors import read_checkpoints
    from dsr_projections.audit import verify
    from dsr_projections.bootstrap import build_runner

    settings = Settings()
    registers = build_registers(settings)
    runner = build_runner(settings, registers)
    checkpoints = [(path.name, c) for path, c in read_checkpoints(settings.checkpoint_dir)]
    try:
        runner.catch_up()
        breaks = list(verify(runner.db, registers, checkpoints))
    finally:
        runner.db.close()
        registers.close()
    for item in breaks:
        print(json.dumps(vars(item)))
    print(json.dumps({"breaks": len(breaks), "checkpoints": len(checkpoints)}))
    return 1 if breaks else 0


def _audit_checkpoint(args: argparse.Namespace) -> int:
    """Write a signed checkpoint of the audit chains' heads (keep a copy off the host)."""
    from pathlib import Path

    from dsr_projections.anchors import write_checkpoint
    from dsr_projections.audit import take_checkpoint
    from dsr_projections.bootstrap import build_runner

    settings = Settings()
    registers = build_registers(settings)
    runner = build_runner(settings, registers)
    try:
        runner.catch_up()
        checkpoint = take_checkpoint(runner.db, registers.audit_key, registers.now())
    finally:
        runner.db.close()
        registers.close()
    path = write_checkpoint(Path(args.dir) if args.dir else settings.checkpoint_dir, checkpoint)
    print(json.dumps({"checkpoint": str(path), "log_position": checkpoint.log_position}))
    return 0


def _national_dataset(args: argparse.Namespace) -> int:
    """Print one area's anonymised dataset for a period, as JSON or CSV."""
    from dsr_core.bootstrap import national_secret
    from dsr_core.periods import Period
    from dsr_projections.bootstrap import build_runner
    from dsr_projections.national_report import build_dataset

    configure_logging()
    settings = Settings()
    registers = build_registers(settings)
    runner = build_runner(settings, registers)
    try:
        runner.catch_up()
        policy = registers.areas.policy(args.area)
        if args.k is not None and args.k < policy.k_anonymity:
            print(
                f"dsr: k cannot be below the area's floor of {policy.k_anonymity}", file=sys.stderr
            )
            return 2
        dataset = build_dataset(
            runner.db,
            args.area,
            Period.parse(args.period),
            args.profile or policy.disclosure,
            national_secret(settings),
            max(args.k or 0, policy.k_anonymity),
        )
    finally:
        runner.db.close()
        registers.close()
    if args.format == "json":
        print(dataset.to_json())
    elif args.format == "records-csv":
        print(dataset.records_csv(), end="")
    else:
        print(dataset.tables_csv(), end="")
    return 0


def _serve(args: argparse.Namespace) -> int:
    """Run the API; with no configuration, embedded (SQLite, projections in-process)."""
    import uvicorn

    from dsr_http.config import HttpSettings
    from dsr_http.main import create_app, prepare_storage
    from dsr_http.serving import serve_many

    configure_logging()
    settings = Settings()
    http = HttpSettings()
    workers = args.workers or http.api_workers
    if workers > 1 and (not settings.uses_postgres or http.embedded_workers):
        print(
            "dsr serve: several API processes need PostgreSQL (DSR_DATABASE_URL) and "
            "DSR_EMBEDDED_WORKERS=false, with `dsr project` and `dsr schedule` running apart.",
            file=sys.stderr,
        )
        return 2
    if args.demo:
        _load_demo(settings, args.demo)
    if workers == 1:
        tune_garbage_collection()
        uvicorn.run(
            create_app(settings), host=args.host, port=args.port, log_config=None, access_log=False
        )
    else:
        prepare_storage(settings)
        serve_many(args.host, args.port, workers)
    return 0


def _load_demo(settings: Settings, people: int) -> bool:
    """Load a synthetic register once, when the store is empty; False if it was not empty."""
    from dsr_http.demo import generate

    registers = build_registers(settings)
    try:
        if (registers.recorder.max_notification_id() or 0) > 0:
            return False

        def progress(done: int, total: int) -> None:
            width = 30
            filled = width * done // total
            bar = "#" * filled + "-" * (width - filled)
            print(f"\rdemo data [{bar}] {done}/{total} people", end="", file=sys.stderr, flush=True)

        summary = generate(registers, people, progress=progress, today=registers.today())
        print(f"\ndemo data: {summary.people} people, {summary.events} events", file=sys.stderr)
        return True
    finally:
        registers.close()


def _demo(args: argparse.Namespace) -> int:
    """Load a synthetic register (6 areas, fictional people) into an empty store."""
    if not _load_demo(Settings(), args.people):
        print(
            "The store already holds events; demo data is only loaded into an empty one.",
            file=sys.stderr,
        )
        return 1
    return 0


def _export(args: argparse.Namespace) -> int:
    """Write the register (as at the period's end) and the national dataset as CSV files."""
    from pathlib import Path

    from dsr_core.bootstrap import national_secret
    from dsr_core.periods import Period
    from dsr_projections.bootstrap import build_runner
    from dsr_projections.national_report import build_dataset
    from dsr_scheduler.snapshots import register_snapshot

    configure_logging()
    settings = Settings()
    registers = build_registers(settings)
    runner = build_runner(settings, registers)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    try:
        runner.catch_up()
        period = Period.parse(args.period)
        profile = registers.areas.policy(args.area).disclosure
        register = register_snapshot(
            registers, runner.db, args.area, period, as_recorded_then=False
        )
        dataset = build_dataset(runner.db, args.area, period, profile, national_secret(settings))
        files = {
            f"register-{args.area}-{period.label}.csv": register.content,
            f"national-{args.area}-{period.label}-records.csv": dataset.records_csv(),
            f"national-{args.area}-{period.label}-tables.csv": dataset.tables_csv(),
        }
        for name, content in files.items():
            (out / name).write_text(content)
            print(out / name)
    finally:
        runner.db.close()
        registers.close()
    return 0


def _token(args: argparse.Namespace) -> int:
    """Mint a bearer token signed with the local key (embedded mode and tests)."""
    from dsr_core.values import Role
    from dsr_http.auth import KEY_FILE, TokenVerifier
    from dsr_http.config import HttpSettings

    http, data_dir = HttpSettings(), Settings().data_dir
    if http.jwt_secret is None and not (data_dir / KEY_FILE).exists():
        # A new key signs tokens that a server using another data directory refuses.
        print(
            f"dsr token: created a new signing key at {data_dir / KEY_FILE}; a server with "
            "another DSR_DATA_DIR will refuse this token (401, signature did not verify).",
            file=sys.stderr,
        )
    verifier = TokenVerifier(http, data_dir)
    print(verifier.mint(sub=args.sub, role=Role(args.role), areas=args.area, ttl_seconds=args.ttl))
    return 0


def _schedule(args: argparse.Namespace) -> int:
    """Run the scheduler until stopped (PostgreSQL mode runs it as its own process)."""
    from dsr_scheduler.__main__ import main as run_scheduler

    return run_scheduler(every_minutes=args.every_minutes)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dsr", description="Dynamic Support Register service")
    commands = parser.add_subparsers(dest="command", required=True)
    info = commands.add_parser("info", help="show the configured storage and its event count")
    info.set_defaults(handler=_info)
    keygen = commands.add_parser("keygen", help="print a new random base64 key")
    keygen.add_argument("--bytes", type=int, choices=(16, 24, 32), default=32)
    keygen.set_defaults(handler=_keygen)
    project = commands.add_parser("project", help="run the projection worker")
    project.add_argument("--batch-size", type=int, default=500)
    project.set_defaults(handler=_project)
    rebuild = commands.add_parser("rebuild", help="rebuild read models without downtime")
    rebuild.add_argument("name", nargs="?", help="one read model (default: all)")
    rebuild.set_defaults(handler=_rebuild)
    audit = commands.add_parser("audit", help="audit trail tools")
    audit_commands = audit.add_subparsers(dest="audit_command", required=True)
    audit_verify = audit_commands.add_parser(
        "verify", help="verify chains, rows, snapshots and checkpoints"
    )
    audit_verify.set_defaults(handler=_audit_verify)
    audit_checkpoint = audit_commands.add_parser(
        "checkpoint", help="write a signed checkpoint of the chains' heads"
    )
    audit_checkpoint.add_argument(
        "--dir", help="where to write it (default DSR_AUDIT_CHECKPOINT_DIR or DATA_DIR/checkpoints)"
    )
    audit_checkpoint.set_defaults(handler=_audit_checkpoint)
    national = commands.add_parser("national-dataset", help="export an anonymised dataset")
    national.add_argument("area", help="area code, e.g. S37000017")
    national.add_argument("period", help="2025-Q3 (quarter) or 2025-09 (month)")
    national.add_argument("--format", choices=("json", "records-csv", "tables-csv"), default="json")
    national.add_argument("--profile", choices=("nhs_england", "phs_scotland"))
    national.add_argument("--k", type=int, default=None, help="raise k above the area's floor")
    national.set_defaults(handler=_national_dataset)
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
    serve.set_defaults(handler=_serve)
    token = commands.add_parser("token", help="mint a local bearer token")
    token.add_argument(
        "--role", required=True, choices=["practitioner", "lead", "auditor", "analyst", "admin"]
    )
    token.add_argument("--area", action="append", default=[], help="repeat for several areas")
    token.add_argument("--sub", default="local-user")
    token.add_argument("--ttl", type=int, default=8 * 3600)
    token.set_defaults(handler=_token)
    schedule = commands.add_parser("schedule", help="run the scheduler (reminders)")
    schedule.add_argument(
        "--every-minutes",
        type=int,
        default=None,
        help="reminder pass interval (default DSR_REMINDER_EVERY_MINUTES or 60)",
    )
    schedule.set_defaults(handler=_schedule)
    demo = commands.add_parser("demo", help="load a synthetic register into an empty store")
    demo.add_argument("--people", type=int, default=300)
    demo.set_defaults(handler=_demo)
    export = commands.add_parser("export", help="write register and national dataset CSVs")
    export.add_argument("area", help="area code, e.g. E54000048")
    export.add_argument("period", help="2025-Q3 or 2025-09")
    export.add_argument("--out", default=".", help="directory for the files")
    export.set_defaults(handler=_export)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
