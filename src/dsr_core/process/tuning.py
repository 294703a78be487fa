"""Process-wide tuning shared by every dsr process (API, projection worker, scheduler).

Decoding a long history allocates tens of thousands of short-lived objects; with the
interpreter's default thresholds that triggers several collections per request, and
the occasional full one walks every long-lived object (caches, modules). Measured on a
500-event history: p99 67 ms with the defaults, 30 ms with these (docs/performance.md).
"""

from __future__ import annotations

import gc

YOUNG_THRESHOLD = 50_000


def tune_garbage_collection() -> None:
    """Call once start-up is done: what exists then is kept out of later collections."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_THRESHOLD, middle, old)
