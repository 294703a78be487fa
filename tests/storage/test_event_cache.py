"""The decoded-event cache behind history and as-of reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID, uuid4

from dsr_core.process.bootstrap import build_registers
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_core.storage.event_cache import EventCache
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import accepted


@dataclass
class Stored:
    originator_version: int


class Log:
    """A fake event store that counts how many events each read returned."""

    def __init__(self) -> None:
        self.events: dict[UUID, list[Stored]] = {}
        self.read = 0

    def append(self, aggregate_id: UUID, count: int) -> None:
        held = self.events.setdefault(aggregate_id, [])
        start = len(held) + 1
        held.extend(Stored(start + i) for i in range(count))

    def reader(self, aggregate_id: UUID):  # type: ignore[no-untyped-def]
        def newer_than(version: int | None) -> list[Stored]:
            found = [e for e in self.events[aggregate_id] if e.originator_version > (version or 0)]
            self.read += len(found)
            return found

        return newer_than


def test_a_second_read_decodes_only_the_events_added_since() -> None:
    log, cache, person = Log(), EventCache(100), uuid4()
    log.append(person, 10)
    assert len(cache.events(person, log.reader(person))) == 10
    log.append(person, 2)
    assert [e.originator_version for e in cache.events(person, log.reader(person))] == list(
        range(1, 13)
    )
    assert log.read == 12


def test_the_least_recently_read_person_is_dropped_past_the_bound() -> None:
    log, cache = Log(), EventCache(25)
    first, second, third = uuid4(), uuid4(), uuid4()
    for person in (first, second, third):
        log.append(person, 10)
    cache.events(first, log.reader(first))
    cache.events(second, log.reader(second))
    cache.events(first, log.reader(first))  # first is now the most recent
    cache.events(third, log.reader(third))
    assert cache.held == 20
    log.read = 0
    cache.events(first, log.reader(first))
    cache.events(second, log.reader(second))
    assert log.read == 10  # only second was read again


def test_a_history_longer_than_the_bound_is_read_but_not_kept() -> None:
    log, cache, person = Log(), EventCache(5), uuid4()
    log.append(person, 8)
    assert len(cache.events(person, log.reader(person))) == 8
    assert cache.held == 0


def test_history_shows_an_event_another_process_saved_after_it_was_cached(
    app: Registers, make_settings: SettingsFactory
) -> None:
    person_id = accepted(app)
    before = app.history(person_id)
    other = build_registers(make_settings())
    try:
        views = cmd.RecordViews(recorded_on=date(2025, 2, 1), person="Near my sister")
        other.execute(person_id, views, Caller.of(f.LEAD))
    finally:
        other.close()
    after = app.history(person_id)
    assert len(after) == len(before) + 1 and after[-1].event_type == "ViewsRecorded"
    assert app.person_as_at(person_id, on=date(2025, 2, 1)).views is not None  # type: ignore[union-attr]
