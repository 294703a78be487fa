"""Rebuilding read models from the log: into shadow tables, then swapped in atomically.

One pass over the log serves every read model rebuilt together (each batch is read and
decoded once: issue 17). Each shadow records its position with every batch it applies, in
the same transaction, so an interrupted rebuild (Ctrl-C, a crash) leaves shadows that are
sound up to their positions: `resume` carries on from there instead of starting over
(issue 32). The swap happens under the live model's lock once a shadow has reached the
head, unless the model refuses the result (the audit trail checks it against what it held
and against the signed checkpoints); then the live model stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Protocol

import structlog

from dsr_projections.engine.outcomes import RebuildRefusedError, Rebuilt
from dsr_projections.engine.positions import apply_batch, ensure_position
from dsr_projections.engine.projection import POSITIONS, SHADOW, Context, Event, Projection
from dsr_projections.storage.database import ViewDatabase

log = structlog.get_logger(__name__)

Progress = Callable[[int, int], None]
"""Told (position reached, head when the rebuild began) after each batch."""


class ProjectionRunner(Protocol):
    """What a rebuild needs of the runner (runner.py)."""

    db: ViewDatabase
    context: Context

    @property
    def pool(self) -> ThreadPoolExecutor | None: ...

    def head(self) -> int: ...

    def read_from(self, start: int) -> list[tuple[Event, int]]: ...

    def projection(self, name: str) -> Projection: ...


def rebuild_all(
    runner: ProjectionRunner,
    names: Sequence[str],
    progress: Progress | None = None,
    checkpoints: Sequence[Any] = (),
    *,
    resume: bool = False,
) -> Rebuilt:
    """Rebuild the named read models in one pass; each is swapped in on its own, so one
    refused leaves the others rebuilt. With `resume`, shadows an interrupted rebuild left
    are kept and the pass starts where the least advanced of them stopped."""
    shadows = {name: _shadow(runner, name, resume) for name in names}
    started = {name: shadow_position(runner, name) for name in names}
    if resume and any(started.values()):
        log.info("projection_rebuild_resumed", positions=started)
    target = runner.head()
    position = min(started.values(), default=0)
    while position < target:
        batch = runner.read_from(position + 1)
        if not batch:
            break

        def apply(item: tuple[str, Projection], batch: list[tuple[Event, int]] = batch) -> int:
            with runner.db.transaction(lock=item[0] + SHADOW) as cursor:
                return apply_batch(cursor, item[1], item[0] + SHADOW, batch)

        pool = runner.pool
        if pool is None or len(shadows) == 1:
            for item in shadows.items():
                apply(item)
        else:
            list(pool.map(apply, shadows.items()))
        position = batch[-1][1]
        if progress:
            progress(position, target)
    rebuilt = Rebuilt()
    for name, shadow in shadows.items():
        try:
            rebuilt.positions[name] = _swap_in(runner, name, shadow, position, checkpoints)
        except RebuildRefusedError as error:
            rebuilt.refused.append(error)
    return rebuilt


def shadow_position(runner: ProjectionRunner, name: str) -> int:
    """How far an unfinished rebuild of the read model got (0: none under way)."""
    with runner.db.read() as cursor:
        cursor.execute(f"SELECT position FROM {POSITIONS} WHERE name = ?", (name + SHADOW,))
        row = cursor.fetchone()
    return int(row["position"]) if row else 0


def _shadow(runner: ProjectionRunner, name: str, resume: bool) -> Projection:
    live = runner.projection(name)
    shadow = type(live)(runner.context, suffix=SHADOW)
    shadow_name = name + SHADOW
    with runner.db.transaction(lock=shadow_name) as cursor:
        if not resume:
            shadow.drop(cursor)
            cursor.execute(f"DELETE FROM {POSITIONS} WHERE name = ?", (shadow_name,))
        shadow.create(cursor)  # kept as it is when resuming: its rows match its position
        ensure_position(cursor, shadow_name)
    return shadow


def _swap_in(
    runner: ProjectionRunner,
    name: str,
    shadow: Projection,
    position: int,
    checkpoints: Sequence[Any],
) -> int:
    """Finish the shadow up to the head and swap it for the live model, if it agrees."""
    live = runner.projection(name)
    shadow_name = name + SHADOW
    with runner.db.transaction(lock=name) as cursor:
        # Under the live lock: finish the last events, then swap tables and positions.
        while batch := runner.read_from(position + 1):
            apply_batch(cursor, shadow, shadow_name, batch)
            position = batch[-1][1]
        problems = live.rebuild_problems(cursor, shadow, checkpoints)
    if problems:
        with runner.db.transaction(lock=shadow_name) as cursor:
            shadow.drop(cursor)
            cursor.execute(f"DELETE FROM {POSITIONS} WHERE name = ?", (shadow_name,))
        log.error("projection_rebuild_refused", projection=name, problems=len(problems))
        raise RebuildRefusedError(name, problems)
    with runner.db.transaction(lock=name) as cursor:
        while batch := runner.read_from(position + 1):
            apply_batch(cursor, shadow, shadow_name, batch)
            position = batch[-1][1]
        for table in live.tables:
            cursor.execute(f"DROP TABLE IF EXISTS {table}")
            cursor.execute(f"ALTER TABLE {table}{SHADOW} RENAME TO {table}")
        for index in live.indexes:
            cursor.execute(f"DROP INDEX IF EXISTS {index}{SHADOW}")
        live.create(cursor)
        cursor.execute(f"UPDATE {POSITIONS} SET position = ? WHERE name = ?", (position, name))
        cursor.execute(f"DELETE FROM {POSITIONS} WHERE name = ?", (shadow_name,))
    log.info("projection_rebuilt", projection=name, position=position)
    return position
