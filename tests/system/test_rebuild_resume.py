"""Issue 32: `dsr rebuild` interrupted with Ctrl-C half way, then run again, carries on
from where it stopped instead of starting over, and the read models it swaps in equal what
a clean rebuild gives (each run reports whether a model's content changed from what was
live: after a clean rebuild, neither the resumed one nor another clean one changes any)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

from tests.conftest import IDENTITY_KEY

PROGRESS = re.compile(r"(\d+)/(\d+) events")


def dsr(data: Path, *args: str, **settings: str) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DSR_")}
    env["DSR_DATA_DIR"] = str(data)
    env.update({f"DSR_{name.upper()}": value for name, value in settings.items()})
    return subprocess.Popen(
        [sys.executable, "-m", "dsr_http.cli", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finished(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=600)
    return process.returncode, out, err


def test_an_interrupted_rebuild_resumes_where_it_stopped(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """On PostgreSQL the models are rebuilt in two processes (rebuild_processes.py): the
    interruption stops both, and each resumes its own models."""
    data = tmp_path / "data"
    store: dict[str, str] = {}
    if backend == "postgres":
        store = {
            "database_url": request.getfixturevalue("postgres_url"),
            "database_schema": f"t_{uuid.uuid4().hex[:16]}",
            "identity_key": IDENTITY_KEY,
        }

    def run(*args: str) -> subprocess.Popen[str]:
        return dsr(data, *args, **store)

    code, _, err = finished(run("demo", "--people", "200"))
    assert code == 0, err[-2000:]
    code, _, err = finished(run("rebuild", "--fresh"))  # the clean rebuild to equal
    assert code == 0, err[-2000:]

    rebuilding = run("rebuild")
    assert rebuilding.stderr is not None
    seen = ""
    half = None
    while half is None:  # read the progress line as it is drawn, until past half way
        char = rebuilding.stderr.read(1)
        assert char, f"the rebuild ended before half way: {seen[-500:]}"
        seen += char
        if char == "\r" or char == " ":
            found = PROGRESS.findall(seen)
            if found and int(found[-1][0]) * 2 >= int(found[-1][1]):
                half = int(found[-1][0])
    rebuilding.send_signal(signal.SIGINT)
    code, _, err = finished(rebuilding)
    assert code == 130, (seen + err)[-2000:]
    assert "interrupted at" in err and "run it again to carry on" in err

    started = time.monotonic()
    code, out, err = finished(run("rebuild"))
    assert code == 0, err[-2000:]
    resumed_from = int(re.search(r"resuming from position (\d+)", err).group(1))  # type: ignore[union-attr]
    assert resumed_from >= half  # the first half is not done again
    first_progress = int(PROGRESS.findall(err)[0][0])
    assert first_progress > resumed_from
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert results and all(r["content"] == "unchanged" for r in results), results
    assert time.monotonic() - started < 600

    # a clean rebuild from nothing gives the same read models again
    code, out, err = finished(run("rebuild", "--fresh"))
    assert code == 0 and "resuming" not in err
    results = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert results and all(r["content"] == "unchanged" for r in results), results
