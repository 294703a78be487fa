from datetime import UTC, date, datetime
from uuid import uuid4

import pytest

from dsr_core.domain.codes import RatingLevel, Role
from dsr_core.domain.errors import PersonNotFoundError
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, admitted


def test_history_shows_what_when_effective_when_recorded_and_who(
    app: Registers, clock: f.FakeClock
) -> None:
    person_id = accepted(app)
    history = app.history(person_id)
    assert [h.event_type for h in history] == ["Referred", "ConsentRecorded", "Accepted"]
    assert [h.version for h in history] == [1, 2, 3]
    assert history[2].effective_on == date(2025, 1, 14)
    assert history[2].recorded_at == clock.now
    assert history[2].actor is not None and history[2].actor.role is Role.LEAD
    assert history[2].data["rating"]["level"] == "amber"


def test_the_record_as_it_stood_on_a_date_follows_effective_dates(app: Registers) -> None:
    person_id = admitted(app)  # Amber from 14 Jan, admitted 10 Feb
    before = app.person_as_at(person_id, on=date(2025, 2, 1))
    after = app.person_as_at(person_id, on=date(2025, 2, 10))
    assert (
        before is not None
        and before.rating is not None
        and before.rating.level is RatingLevel.AMBER
    )
    assert before.admission is None
    assert after is not None and after.rating is not None and after.rating.level is RatingLevel.BLUE


def test_nothing_is_shown_before_the_referral_date(app: Registers) -> None:
    assert app.person_as_at(accepted(app), on=date(2024, 12, 31)) is None


def test_as_recorded_at_a_time_leaves_out_later_back_dated_entries(
    app: Registers, clock: f.FakeClock
) -> None:
    person_id = accepted(app)
    known_then = clock.now
    clock.advance(days=10)
    app.execute(
        person_id,
        cmd.ChangeRating(changed_on=date(2025, 2, 1), rating=f.rating("red"), reason="Late entry"),
        Caller.of(f.LEAD),
    )
    as_known = app.person_as_at(person_id, on=date(2025, 3, 1), recorded_by=known_then)
    as_now = app.person_as_at(person_id, on=date(2025, 3, 1))
    assert (
        as_known is not None
        and as_known.rating is not None
        and as_known.rating.level is RatingLevel.AMBER
    )
    assert (
        as_now is not None and as_now.rating is not None and as_now.rating.level is RatingLevel.RED
    )


def test_an_unknown_person_is_not_found(app: Registers) -> None:
    with pytest.raises(PersonNotFoundError):
        app.history(uuid4())


def test_an_identity_key_id_is_not_a_person(app: Registers) -> None:
    accepted(app, seed=9)
    key_id = app.identity_keys.key_id(f.ENGLISH_AREA, "nhs", f.nhs_number(9))
    with pytest.raises(PersonNotFoundError):
        app.get_person(key_id)


def test_recorded_times_are_utc(app: Registers) -> None:
    history = app.history(accepted(app))
    assert all(
        h.recorded_at.utcoffset() == datetime(2025, 1, 1, tzinfo=UTC).utcoffset() for h in history
    )
