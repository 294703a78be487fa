"""Events read in PostgreSQL's binary format (issue 17) are the events the library reads."""

from __future__ import annotations

from typing import Any

import pytest
from eventsourcing.postgres import PostgresApplicationRecorder

from dsr_core.service.registers import Registers
from tests.support.stages import accepted, admitted

on_postgres = pytest.mark.parametrize("backend", ["postgres"])


@pytest.fixture
def people(app: Registers) -> list[Any]:
    return [accepted(app, seed=1), admitted(app, seed=2), accepted(app, seed=3)]


@on_postgres
@pytest.mark.parametrize(
    "window",
    [
        {},
        {"gt": 1},
        {"lte": 2},
        {"gt": 1, "lte": 3},
        {"desc": True},
        {"desc": True, "limit": 1},
        {"gt": 1, "desc": True, "limit": 2},
        {"limit": 2},
    ],
)
def test_a_persons_events_are_read_as_the_library_reads_them(
    app: Registers, people: list[Any], window: dict[str, Any]
) -> None:
    for person_id in people:
        ours = app.recorder.select_events(person_id, **window)
        library = PostgresApplicationRecorder.select_events(app.recorder, person_id, **window)
        assert ours == library
        assert ours and all(type(e.state) is bytes for e in ours)


@on_postgres
def test_the_log_is_read_as_the_library_reads_it(app: Registers, people: list[Any]) -> None:
    last = app.recorder.max_notification_id()
    assert last is not None and last > 6
    topic = app.recorder.select_notifications(1, 1)[0].topic
    windows: list[tuple[int | None, int, dict[str, Any]]] = [
        (1, 1000, {}),
        (None, 3, {}),
        (2, 4, {"inclusive_of_start": False}),
        (1, 1000, {"stop": last - 2}),
        (3, 1000, {"stop": 5, "inclusive_of_start": False}),
        (1, 1000, {"topics": [topic]}),
        (1, 2, {"topics": (topic,), "stop": last}),
    ]
    for start, limit, more in windows:
        ours = app.recorder.select_notifications(start, limit, **more)
        library = PostgresApplicationRecorder.select_notifications(
            app.recorder, start, limit, **more
        )
        assert ours == library, (start, limit, more)
        assert ours
