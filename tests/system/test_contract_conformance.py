"""Issue 30, item 9: schemathesis's own command line, every check and every phase (examples,
coverage, fuzzing, the stateful walk along the document's links), against a live
`dsr serve`: no failure at all. `schemathesis.toml` says which answers a schema-valid
request may rightly get for state a schema cannot hold (412, 422); the hooks module gives
generators the identifier formats the document declares."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import SettingsFactory
from tests.support.schemathesis_hooks import AREAS
from tests.system.test_projection_crash import worker_env

ROOT = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"


def schemathesis(base: str, token: str, *options: str) -> tuple[int, str]:
    run = subprocess.run(
        [
            str(SCHEMATHESIS),
            "--config-file",
            str(ROOT / "schemathesis.toml"),
            "run",
            f"{base}/openapi.json",
            "--checks",
            "all",
            "-H",
            f"Authorization: Bearer {token}",
            "--no-color",
            *options,
        ],
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.support.schemathesis_hooks",
            "PYTHONPATH": str(ROOT),
        },
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    return run.returncode, run.stdout + run.stderr


def test_schemathesis_finds_nothing_and_walks_the_links(
    live: tuple[str, str], make_settings: SettingsFactory
) -> None:
    base = live[0]
    minted = subprocess.run(
        [sys.executable, "-m", "dsr_http.cli", "token", "--role", "lead",
         *(f"--area={area}" for area in AREAS)],
        env=worker_env(make_settings()), capture_output=True, text=True, check=True,
    )  # fmt: skip
    token = minted.stdout.strip()
    code, report = schemathesis(base, token, "--max-examples", "25", "--seed", "30")
    assert code == 0, report[-6000:]
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert re.search(rf"✅\s+{phase}", report), (phase, report[-3000:])
    # a longer walk: past the referral into the person's commands (it reached 2 links
    # before the identifier formats were declared; the probe's run reached 3 of 217)
    code, report = schemathesis(base, token, "--phases", "stateful", "--max-examples", "150",
                                "--seed", "31")  # fmt: skip
    assert code == 0, report[-6000:]
    links = re.search(r"API Links:\s+(\d+) covered / (\d+) selected", report)
    assert links is not None, report[-3000:]
    assert int(links.group(1)) >= 30, links.group(0)
