"""The `dsr` command: one entry point for operators (subcommands grow with the product)."""

from __future__ import annotations

import argparse
import base64
import json
import secrets
import sys
from collections.abc import Sequence

from dsr_core.bootstrap import build_registers
from dsr_core.settings import Settings


def _info(_: argparse.Namespace) -> int:
    """Say which storage mode is configured and whether it is reachable; never print secrets."""
    settings = Settings()
    registers = build_registers(settings)
    try:
        position = registers.recorder.max_notification_id() or 0
    finally:
        registers.close()
    report = {
        "storage": "postgresql" if settings.uses_postgres else "sqlite",
        "location": settings.database_schema if settings.uses_postgres else str(settings.data_dir),
        "encrypted_at_rest": settings.cipher_key is not None,
        "events": position,
    }
    print(json.dumps(report, indent=2))
    return 0


def _keygen(args: argparse.Namespace) -> int:
    """Print a new random key for DSR_IDENTITY_KEY or DSR_CIPHER_KEY."""
    print(base64.b64encode(secrets.token_bytes(args.bytes)).decode())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="dsr", description="Dynamic Support Register service")
    commands = parser.add_subparsers(dest="command", required=True)
    info = commands.add_parser("info", help="show the configured storage and its event count")
    info.set_defaults(handler=_info)
    keygen = commands.add_parser("keygen", help="print a new random base64 key")
    keygen.add_argument("--bytes", type=int, choices=(16, 24, 32), default=32)
    keygen.set_defaults(handler=_keygen)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.handler(args))


if __name__ == "__main__":
    sys.exit(main())
