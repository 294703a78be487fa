"""Every curl example in docs/api.md runs, in order, and answers the status it shows."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient

from tests.api.conftest import Headers
from tests.support import factories as f

DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def examples() -> list[tuple[int, str]]:
    """(expected status, curl command) for each `# -> NNN` line and the curl after it."""
    found = []
    for block in re.findall(r"```sh\n(.*?)```", DOC.read_text(), flags=re.S):
        lines = block.splitlines()
        for i, line in enumerate(lines):
            match = re.match(r"# -> (\d{3})", line)
            if match:
                found.append((int(match.group(1)), lines[i + 1]))
    return found


def parse(command: str, variables: dict[str, str]) -> tuple[str, str, dict[str, str], Any]:
    for name, value in variables.items():
        command = command.replace(f"${name}", value)
    words = shlex.split(command)
    method, headers, data, url = "GET", {}, None, ""
    i = 1
    while i < len(words):
        word = words[i]
        if word == "-X":
            method, i = words[i + 1], i + 2
        elif word == "-H":
            name, _, value = words[i + 1].partition(":")
            headers[name.strip()] = value.strip()
            i += 2
        elif word == "-d":
            data, i = words[i + 1], i + 2
        elif word == "-s":
            i += 1
        elif word in ("-o", "-w"):  # where curl saves the answer: the test reads it itself
            i += 2
        else:
            url, i = word, i + 1
    return method, url, headers, data


def test_the_walkthrough_in_the_api_docs_works_as_written(
    client: TestClient, auth: Headers, clock: f.FakeClock
) -> None:
    from datetime import UTC, datetime

    clock.now = datetime(2025, 9, 30, 12, tzinfo=UTC)
    steps = examples()
    assert len(steps) >= 15
    variables = {
        "DSR": "",
        "TOKEN": auth("lead")["Authorization"][7:],
        "AUDITOR": auth("auditor")["Authorization"][7:],
        "PERSON": "",
        "POSITION": "0",
    }
    for expected, command in steps:
        method, url, headers, data = parse(command, variables)
        response = client.request(method, url, headers=headers, content=data)
        assert response.status_code == expected, (command[:80], response.text)
        if response.headers["content-type"].startswith("application/json"):
            body = response.json()
            if isinstance(body, dict) and "person_id" in body and "position" in body:
                variables["PERSON"] = variables["PERSON"] or str(body["person_id"])
                variables["POSITION"] = str(body["position"])
        if "as_of=2025-03-01" in url:
            assert response.json()["rating"]["level"] == "blue"
        if url.startswith("/v1/register?area"):
            assert [i["rating"] for i in response.json()["items"]] == ["green"]
