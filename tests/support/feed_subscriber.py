"""A subscriber process to the integration feed, as another system would write one.

    python -m tests.support.feed_subscriber URL TOKEN OUT_FILE

Polls `GET /v1/events?cursor=` from the position it saved last (OUT_FILE.cursor), appends
every event it receives to OUT_FILE (one JSON line each), and keeps going through
connection errors (an API restart): at least once, in order. Stops when OUT_FILE.stop
appears.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

import httpx


def main() -> None:
    url, token, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
    cursor_file, stop = Path(f"{out}.cursor"), Path(f"{out}.stop")
    after = cursor_file.read_text() if cursor_file.exists() else "0"
    headers = {"Authorization": f"Bearer {token}"}
    while not stop.exists():
        try:
            page = httpx.get(
                f"{url}/v1/events", params={"cursor": after, "limit": 7}, headers=headers, timeout=5
            ).json()
        except (httpx.HTTPError, ValueError):
            time.sleep(0.2)
            continue
        with out.open("a") as handle:
            for event in page["items"]:
                handle.write(json.dumps(event) + "\n")
        after = page["next_cursor"]
        cursor_file.write_text(str(after))  # saved after the events: a crash repeats, never skips
        if not page["items"]:
            time.sleep(0.2)


if __name__ == "__main__":
    main()
