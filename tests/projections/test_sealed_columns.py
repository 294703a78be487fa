"""Read models hold personal columns sealed, and every reader gets them opened
(storage/sealed.py is the one seam: no query opens anything itself)."""

from __future__ import annotations

import sqlite3
from typing import Any

from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.register.queries import RegisterQuery, query_register
from dsr_projections.storage.database import PostgresViews, SQLiteViews
from tests.support import factories as f
from tests.support.stages import referred

NAME = "Sealington"


def raw_rows(runner: ProjectionRunner, sql: str) -> list[tuple[Any, ...]]:
    """Rows as the database holds them, past the cursors that open sealed columns."""
    db = runner.db
    if isinstance(db, SQLiteViews):
        with sqlite3.connect(db.path) as lite:
            return list(lite.execute(sql).fetchall())
    assert isinstance(db, PostgresViews)
    with db.pool.connection() as pg:
        return [tuple(row.values()) for row in pg.execute(sql).fetchall()]


def test_names_and_dates_of_birth_are_stored_sealed_and_read_opened(
    app: Registers, runner: ProjectionRunner
) -> None:
    person_id = referred(app, family_name=NAME)
    runner.catch_up()

    stored = raw_rows(runner, "SELECT family_name, date_of_birth FROM register_entries")
    assert stored and all(NAME not in str(v) and "1990" not in str(v) for r in stored for v in r)
    spells = raw_rows(runner, "SELECT date_of_birth FROM national_spells")
    assert spells and all("1990" not in str(v) for r in spells for v in r)

    page = query_register(runner.db, RegisterQuery(areas=[f.ENGLISH_AREA], today=app.today()))
    [row] = [r for r in page.items if r["person_id"] == str(person_id)]
    assert (row["family_name"], row["date_of_birth"]) == (NAME, "1990-04-02")
