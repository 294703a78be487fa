"""Every command type has one handler, reached through `Registers.execute`, on the
in-memory store (no database: the unit tier)."""

from __future__ import annotations

import base64
from collections.abc import Iterator
from datetime import date

import pytest

from dsr_core.domain.errors import PersonNotFoundError
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.handlers import HANDLERS
from dsr_core.service.registers import Registers
from tests.support import factories as f

IDENTITY = base64.b64decode(base64.b64encode(b"unit-identity-key-32-bytes-long!"))


@pytest.fixture
def memory() -> Iterator[Registers]:
    """The library's plain-Python store: nothing is written anywhere."""
    registers = Registers({}, identity_key=IDENTITY, clock=f.FakeClock())
    yield registers
    registers.close()


def test_every_command_but_those_opening_a_record_has_exactly_one_handler() -> None:
    commands = {c for c in vars(cmd).values() if isinstance(c, type) and issubclass(c, cmd.Command)}
    commands -= {cmd.Command, cmd.NewAction}
    assert set(HANDLERS) == commands - {cmd.Refer, cmd.NotifyInpatient}


def test_the_http_table_names_command_types_with_handlers() -> None:
    from dsr_http.routes.persons import COMMANDS

    # The retention job's and the erasure ledger's commands are never offered over HTTP;
    # an emergency grant has its own route (routes/emergency.py: another area's record).
    internal = {cmd.EraseAtRetentionEnd, cmd.ReapplyErasure}
    own_route = {cmd.GrantEmergencyAccess}
    assert {spec.model for spec in COMMANDS} == set(HANDLERS) - internal - own_route


def test_a_journey_through_execute_on_the_in_memory_store(memory: Registers) -> None:
    by = Caller.of(f.LEAD)
    person_id = memory.execute(None, f.referral(), by).person_id
    memory.execute(person_id, f.consent(), by)
    memory.execute(
        person_id, cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating("amber")), by
    )
    admitted = memory.execute(person_id, f.admission(), by)
    review = memory.execute(
        person_id,
        cmd.RecordReview(
            kind="cetr",
            held_on=date(2025, 3, 1),
            outcome="Plan discharge",
            actions=[cmd.NewAction(description="Housing", owner="SW", due_on=date(2025, 4, 1))],
        ),
        Caller.of(f.LEAD, expected_version=admitted.version),
    )
    person = memory.get_person(person_id)
    assert person.rating is not None and str(person.rating.level) == "blue"
    assert review.extra["review_id"] == person.reviews[0].review_id
    assert review.events == ("ReviewHeld",)


def test_a_caller_outside_the_persons_area_does_not_find_them(memory: Registers) -> None:
    person_id = memory.execute(None, f.referral(), Caller.of(f.LEAD)).person_id
    elsewhere = Caller.of(f.LEAD, areas=[f.OTHER_ENGLISH_AREA])
    with pytest.raises(PersonNotFoundError):
        memory.execute(person_id, f.consent(), elsewhere)
    assert memory.get_person(person_id).consent is None


def test_a_referral_names_no_person_and_a_command_names_one(memory: Registers) -> None:
    person_id = memory.execute(None, f.referral(), Caller.of(f.LEAD)).person_id
    with pytest.raises(TypeError):
        memory.execute(person_id, f.referral(seed=2), Caller.of(f.LEAD))
    with pytest.raises(TypeError):
        memory.execute(None, f.consent(), Caller.of(f.LEAD))
