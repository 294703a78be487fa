"""`dsr openapi`: the HTTP contract as a file, and what in it breaks an earlier one."""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def openapi(args: argparse.Namespace) -> int:
    """Print the OpenAPI document; with `--against`, the breaking changes since that one
    (exit 1 when there are any), as CI checks them against the last release's."""
    from dsr_http.contract_changes import breaking_changes
    from dsr_http.main import create_app

    document = create_app().openapi()
    if args.against is None:
        print(json.dumps(document, indent=1, sort_keys=True))
        return 0
    earlier = json.loads(Path(args.against).read_text())
    changes = breaking_changes(earlier, document)
    for change in changes:
        print(change)
    return 1 if changes else 0
