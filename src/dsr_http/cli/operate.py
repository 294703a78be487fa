"""Operators' commands: what is configured, keys, tokens, rebuilds and the audit."""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import sys
import time
from pathlib import Path

from dsr_core.domain.codes import Role
from dsr_core.process.logging import configure_logging
from dsr_core.process.settings import Settings
from dsr_core.process.tuning import tune_garbage_collection
from dsr_core.storage.event_mac_migration import authenticate_store
from dsr_http.auth import KEY_FILE, TokenVerifier
from dsr_http.config import HttpSettings
from dsr_http.runtime import opened
from dsr_projections.audit.checkpoints import read_checkpoints, write_checkpoint
from dsr_projections.audit.trail import take_checkpoint, verify
from dsr_projections.engine import integrity
from dsr_projections.engine.rebuilds import shadow_position
from dsr_projections.rebuild_processes import rebuild_in_processes
from dsr_scheduler import job_runs, retention
from dsr_scheduler.retention import ErasureLedger


def info(_: argparse.Namespace) -> int:
    """Say which storage mode is configured, whether it is reachable and what is encrypted;
    never print secrets."""
    settings = Settings()
    with opened(settings) as runtime:
        position = runtime.registers.recorder.max_notification_id() or 0
    encrypted = settings.cipher_key is not None
    report = {
        "storage": "postgresql" if settings.uses_postgres else "sqlite",
        "location": settings.database_schema if settings.uses_postgres else str(settings.data_dir),
        # Personal values are sealed under per-person keys in events, snapshots, state
        # caches and read-model columns; DSR_CIPHER_KEY encrypts the rest of each event
        # (docs/operations.md, "Data at rest").
        "encrypted_at_rest": {
            "personal_values_under_person_keys": True,
            "events_and_snapshots": encrypted,
            "audit_trail_and_access_log": False,
        },
        "in_clear": [
            "codes, dates of care, ratings, areas and sex in read models",
            "audit trail rows and read-model rows written before per-person keys",
            "the access log (ids and what was read)",
            *([] if encrypted else ["codes and dates of care in events (no DSR_CIPHER_KEY)"]),
        ],
        "events": position,
    }
    print(json.dumps(report, indent=2))
    return 0


def keygen(args: argparse.Namespace) -> int:
    """Print a new random key for DSR_IDENTITY_KEY, DSR_CIPHER_KEY or DSR_AUDIT_KEY."""
    print(base64.b64encode(secrets.token_bytes(args.bytes)).decode())
    return 0


class RebuildProgress:
    """Events done, rate and time left, on one line of stderr (issue 32)."""

    def __init__(self, names: list[str], start: int) -> None:
        self.names, self.start = ", ".join(names), start
        self.done, self.total, self.began = start, 0, time.monotonic()

    def __call__(self, done: int, total: int) -> None:
        self.done, self.total = done, total
        elapsed = max(time.monotonic() - self.began, 1e-6)
        rate = (done - self.start) / elapsed
        left = (total - done) / rate if rate > 0 else 0.0
        print(
            f"\r{self.names}: {done}/{total} events, {rate:,.0f}/s, {left:,.0f} s left",
            end="",
            file=sys.stderr,
            flush=True,
        )


def _rebuild_processes(settings: Settings, asked: int | None, models: int) -> int:
    """How many processes a rebuild uses: on PostgreSQL the cores (at most 2, measured in
    docs/performance.md) or as asked; on SQLite one, whose file takes one writer."""
    if not settings.uses_postgres:
        return 1
    wanted = asked if asked is not None else min(os.cpu_count() or 1, 2)
    return max(1, min(wanted, models))


def rebuild(args: argparse.Namespace) -> int:
    """Rebuild read models into shadow tables and swap them in; progress on stderr."""
    configure_logging()
    settings = Settings()
    checkpoints = [c for _, c in read_checkpoints(settings.checkpoint_dir)]
    with opened(settings) as runtime:
        runner = runtime.runner
        tune_garbage_collection()
        every = [p.name for p in runner.projections]
        if args.name and args.name not in every:
            print(
                f"dsr rebuild: there is no read model named {args.name!r}; "
                f"the read models are {', '.join(every)}",
                file=sys.stderr,
            )
            return 2
        names = [args.name] if args.name else every
        before = {name: runner.content_hash(name) for name in names}
        resume = not args.fresh
        under_way = {n: p for n in names if (p := shadow_position(runner, n)) and resume}
        if under_way:
            print(
                f"dsr rebuild: resuming from position {min(under_way.values())} "
                "(an interrupted rebuild; --fresh starts over)",
                file=sys.stderr,
            )
        progress = RebuildProgress(names, min(under_way.values(), default=0))
        processes = _rebuild_processes(settings, args.processes, len(names))
        try:
            if processes > 1:  # the models dealt over processes, one pass each (issue 32)
                rebuilt = rebuild_in_processes(
                    settings, names, processes, progress, checkpoints, resume=resume
                )
            else:  # one pass over the log for all of them: decoded once (issue 17)
                rebuilt = runner.rebuild_all(
                    names, progress=progress, checkpoints=checkpoints, resume=resume
                )
        except KeyboardInterrupt:
            print(
                f"\ndsr rebuild: interrupted at {progress.done} of {progress.total}; "
                "what is done is kept: run it again to carry on",
                file=sys.stderr,
            )
            return 130
        print(file=sys.stderr)
        for name, position in rebuilt.positions.items():
            changed = "changed" if runner.content_hash(name) != before[name] else "unchanged"
            print(json.dumps({"projection": name, "position": position, "content": changed}))
        for refused in rebuilt.refused:
            for problem in refused.problems:
                print(json.dumps({"projection": refused.name, "refused": problem}))
            print(
                f"dsr rebuild: {refused.name} kept as it was: the rebuilt model disagrees with "
                "the trail or the checkpoints (run `dsr audit verify`).",
                file=sys.stderr,
            )
    return 1 if rebuilt.refused else 0


def audit_verify(_: argparse.Namespace) -> int:
    """Check every chain, row, snapshot and checkpoint (docs/operations.md, "Tamper
    evidence"); one JSON line per break, exit 1 if there is any."""
    settings = Settings()
    checkpoints = [(path.name, c) for path, c in read_checkpoints(settings.checkpoint_dir)]
    with opened(settings) as runtime:
        started = time.monotonic()
        runtime.runner.catch_up()
        breaks = list(verify(runtime.db, runtime.registers, checkpoints))
        seconds = time.monotonic() - started
        found = [(b.person_id, b.version, b.problem) for b in breaks]
        integrity.replace_verified(runtime.db, found, runtime.clock.now())
        job_runs.record(runtime.db, job_runs.AUDIT_VERIFY, ok=not breaks, seconds=seconds)
    for item in breaks:
        print(json.dumps(vars(item)))
    summary: dict[str, object] = {"breaks": len(breaks), "checkpoints": len(checkpoints)}
    if not checkpoints:
        summary["warning"] = NO_CHECKPOINT
        print(f"dsr audit verify: warning: {NO_CHECKPOINT}", file=sys.stderr)
    print(json.dumps(summary))
    return 1 if breaks else 0


def audit_authenticate(_: argparse.Namespace) -> int:
    """Give every event written before event MACs its MAC (a store from dsr 0.2), once the
    audit verify, reading them as they are, finds nothing wrong: an event added by hand
    is never signed (docs/operations.md, "Event authentication")."""
    settings = Settings()
    checkpoints = [(path.name, c) for path, c in read_checkpoints(settings.checkpoint_dir)]
    with opened(settings, unsigned_accepted=True) as runtime:
        try:
            runtime.runner.catch_up(timeout=10)
        except TimeoutError as stuck:
            print(f"dsr audit authenticate: nothing signed: {stuck}", file=sys.stderr)
            return 1
        breaks = list(verify(runtime.db, runtime.registers, checkpoints))
        if breaks:
            for item in breaks:
                print(json.dumps(vars(item)))
            print(
                f"dsr audit authenticate: nothing signed: verify found {len(breaks)} "
                "break(s); restore from a backup that verifies, then run this again",
                file=sys.stderr,
            )
            return 1
        done = authenticate_store(runtime.registers, runtime.registers.authenticator())
    print(json.dumps({"events_signed": done.events, "snapshots_dropped": done.snapshots_dropped}))
    return 0


NO_CHECKPOINT = (
    "no checkpoint in DSR_AUDIT_CHECKPOINT_DIR: events and rows cut from the end of the "
    "chains cannot be told from a shorter history (run `dsr audit checkpoint`, or the "
    "scheduler, and keep a copy off the host)"
)


def audit_checkpoint(args: argparse.Namespace) -> int:
    """Write a signed checkpoint of the audit chains' heads (keep a copy off the host)."""
    settings = Settings()
    with opened(settings) as runtime:
        runtime.runner.catch_up()
        registers = runtime.registers
        checkpoint = take_checkpoint(runtime.db, registers.audit_key, runtime.clock.now())
    path = write_checkpoint(Path(args.dir) if args.dir else settings.checkpoint_dir, checkpoint)
    print(json.dumps({"checkpoint": str(path), "log_position": checkpoint.log_position}))
    return 0


def token(args: argparse.Namespace) -> int:
    """Mint a bearer token signed with the local key (embedded mode and tests)."""
    http, data_dir = HttpSettings(), Settings().data_dir
    if args.ttl > http.max_token_hours * 3600:
        print(
            f"dsr token: --ttl {args.ttl} is longer than DSR_MAX_TOKEN_HOURS "
            f"({http.max_token_hours:g} h) allows: the server would refuse the token",
            file=sys.stderr,
        )
        return 2
    if http.jwt_secret is None and not (data_dir / KEY_FILE).exists():
        # A new key signs tokens that a server using another data directory refuses.
        print(
            f"dsr token: created a new signing key at {data_dir / KEY_FILE}; a server with "
            "another DSR_DATA_DIR will refuse this token (401, signature did not verify).",
            file=sys.stderr,
        )
    verifier = TokenVerifier(http, data_dir)
    print(
        verifier.mint(
            sub=args.sub,
            role=Role(args.role),
            areas=args.area,
            ttl_seconds=args.ttl,
            organisation=args.organisation,
        )
    )
    return 0


def retention_run(args: argparse.Namespace) -> int:
    """Erase everyone past their area's retention (or, with --dry-run, only say who and
    what blocks each); finish erasures the read models have caught up with."""
    configure_logging()
    settings = Settings()
    with opened(settings) as runtime:
        runtime.runner.catch_up()
        ledger = ErasureLedger(settings.ledger_dir, runtime.registers.audit_key)
        report = retention.run(
            runtime.registers,
            runtime.db,
            ledger,
            dry_run=args.dry_run,
            catch_up=runtime.runner.catch_up,
            clock=runtime.clock,
        )
    print(json.dumps(report.as_dict(), indent=2))
    return 0


def keys_rotate(_: argparse.Namespace) -> int:
    """Re-wrap every person key under DSR_MASTER_KEY (earlier keys in
    DSR_PREVIOUS_MASTER_KEYS); events are not touched."""
    with opened(Settings()) as runtime:
        keys = runtime.registers.person_keys
        assert keys is not None
        rewrapped = keys.rotate()
        print(
            json.dumps({"rewrapped": rewrapped, "by_master_key": keys.master_key_ids()}, indent=2)
        )
    return 0


def keys_status(_: argparse.Namespace) -> int:
    """How many person keys each master key wraps (ids only, never keys)."""
    with opened(Settings()) as runtime:
        keys = runtime.registers.person_keys
        assert keys is not None
        print(
            json.dumps(
                {"current": keys.master.current_id, "by_master_key": keys.master_key_ids()},
                indent=2,
            )
        )
    return 0
