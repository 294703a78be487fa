"""Stored events outlive the code that wrote them: topics and upcasting."""

import re
from datetime import date
from pathlib import Path
from uuid import UUID

from eventsourcing.persistence import StoredEvent

from dsr_core.domain.care_record import Professional, Views
from dsr_core.domain.codes import ProfessionalRole, RiskFactor
from dsr_core.person import events
from dsr_core.person.aggregate import Person
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.idempotency import IdempotencyRecord
from dsr_core.service.identity_keys import IdentityKey
from dsr_core.service.registers import Registers
from dsr_core.service.reminders import ReminderBook
from dsr_core.storage.sealing import Sealer, Sealing
from dsr_core.storage.transcoder import FastJSONTranscoder
from tests.support import factories as f
from tests.support.stages import accepted

DOCS = Path(__file__).resolve().parents[2] / "docs" / "events.md"


def registered_topics() -> set[str]:
    topics = {event.TOPIC for event in events.EVENTS}
    for aggregate in (Person, IdentityKey, IdempotencyRecord, ReminderBook):
        topics.add(aggregate.TOPIC)
        for value in vars(aggregate).values():
            topic = getattr(value, "TOPIC", None) if isinstance(value, type) else None
            if topic:
                topics.add(topic)
    return topics


def test_the_event_catalogue_in_the_docs_lists_exactly_the_registered_topics() -> None:
    documented = set(re.findall(r"`(dsr\.[a-z_]+\.[A-Za-z]+)`", DOCS.read_text()))
    assert documented == registered_topics()


def test_no_topic_contains_a_module_path() -> None:
    assert not [t for t in registered_topics() if ":" in t or "dsr_core" in t]


def test_an_event_stored_under_version_1_is_read_back_upcast(app: Registers) -> None:
    person_id = accepted(app)
    version = app.get_person(person_id).version
    # A version-1 RiskFactorsRecorded, as a pre-release build wrote it: no note, no class_version.
    old_event = events.RiskFactorsRecorded(  # type: ignore[call-arg]  # dataclass made at runtime
        originator_id=person_id,
        originator_version=version + 1,
        timestamp=f.FakeClock().now,
        actor=f.LEAD,
        effective_on=f.FakeClock().now.date(),
        risk_factors=(RiskFactor.CARER_HEALTH,),
        note="placeholder",
    )
    _store_as_version_1(app, old_event, ("note",))
    history = app.history(person_id)
    assert history[-1].event_type == "RiskFactorsRecorded"
    assert history[-1].data["note"] is None
    assert app.get_person(person_id).risk_factors == (RiskFactor.CARER_HEALTH,)
    # and the person still takes commands after the old event
    app.execute(
        person_id,
        cmd.RecordRiskFactors(recorded_on=f.FakeClock().now.date(), risk_factors=["housing"]),
        Caller.of(f.LEAD),
    )


def test_every_topic_resolves_in_a_fresh_process() -> None:
    """A process that has only imported the domain can read what any other process wrote."""
    import subprocess
    import sys

    script = (
        "import sys, dsr_core.person.aggregate, dsr_core.service.identity_keys\n"
        "import dsr_core.service.idempotency\n"
        "import dsr_core.service.reminders\n"
        "from eventsourcing.utils import resolve_topic\n"
        "[resolve_topic(t) for t in sys.argv[1:]]\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script, *sorted(registered_topics())], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr[-500:]


def _store_as_version_1(app: Registers, event: object, drop: tuple[str, ...]) -> None:
    stored = app.mapper.to_stored_event(event)  # type: ignore[arg-type]
    assert app.person_keys is not None
    person_id = UUID(str(stored.originator_id))
    key = app.person_keys.key_for(person_id, create=False)
    assert key is not None
    # Opened with the person's key and written back in the clear, as events were then.
    transcoder = app.mapper.transcoder
    assert isinstance(transcoder, FastJSONTranscoder)
    body = app.authenticator().check(stored).state
    state = transcoder.decode_sealed(body, Sealing(Sealer(key, person_id)))
    for name in (*drop, "class_version"):
        del state[name]
    old = StoredEvent(
        stored.originator_id,
        stored.originator_version,
        stored.topic,
        app.mapper.transcoder.encode(state),
    )
    app.recorder.insert_events([app.authenticator().sign(old)])  # as `dsr audit authenticate`


def test_professionals_assigned_before_issue_13_still_replace_their_role(app: Registers) -> None:
    """A version-1 assignment meant "this is now the social worker": it still ends the
    earlier one, while version-2 assignments add involvements side by side."""
    person_id = accepted(app)
    app.execute(
        person_id,
        cmd.AssignProfessional(assigned_on=date(2025, 2, 1), role="social_worker", name="First"),
        Caller.of(f.LEAD),
    )
    version = app.get_person(person_id).version
    old = events.ProfessionalAssigned(  # type: ignore[call-arg]
        originator_id=person_id,
        originator_version=version + 1,
        timestamp=f.FakeClock().now,
        actor=f.LEAD,
        effective_on=date(2025, 3, 1),
        professional=Professional(role=ProfessionalRole.SOCIAL_WORKER, name="Second"),
        involvement_id=None,
    )
    _store_as_version_1(app, old, ("involvement_id",))
    person = app.get_person(person_id)
    assert [m.name for m in person.current_team()] == ["Second"]
    assert {m.name: m.ended_on for m in person.team.values()} == {
        "First": date(2025, 3, 1),
        "Second": None,
    }
    app.execute(
        person_id,
        cmd.AssignProfessional(assigned_on=date(2025, 4, 1), role="social_worker", name="Third"),
        Caller.of(f.LEAD),
    )
    assert sorted(m.name for m in app.get_person(person_id).current_team()) == ["Second", "Third"]


def test_views_recorded_before_issue_13_join_the_history(app: Registers) -> None:
    person_id = accepted(app)
    version = app.get_person(person_id).version
    old = events.ViewsRecorded(  # type: ignore[call-arg]
        originator_id=person_id,
        originator_version=version + 1,
        timestamp=f.FakeClock().now,
        actor=f.LEAD,
        effective_on=date(2025, 2, 1),
        views=Views(person="Home", family="Near us"),
        supporters=(),
    )
    _store_as_version_1(app, old, ("supporters",))
    history = app.get_person(person_id).view_history
    assert [(v.holder, v.view) for v in history] == [("person", "Home"), ("supporter", "Near us")]


def test_a_re_referral_stored_before_issue_27_reads_back_without_its_new_facts(
    app: Registers,
) -> None:
    person_id = accepted(app)
    app.execute(
        person_id,
        cmd.Remove(removed_on=date(2025, 2, 1), reason_code="stable"),
        Caller.of(f.LEAD),
    )
    version = app.get_person(person_id).version
    old_event = events.ReReferred(  # type: ignore[call-arg]  # dataclass made at runtime
        originator_id=person_id,
        originator_version=version + 1,
        timestamp=f.FakeClock().now,
        actor=f.LEAD,
        effective_on=date(2025, 3, 1),
        criteria=("support_at_risk",),
        referred_by="GP",
        reason="Again.",
        referral_reason="crisis",
        referrer_type="family",
    )
    _store_as_version_1(app, old_event, ("referral_reason", "referrer_type"))
    person = app.get_person(person_id)
    assert (str(person.status), person.referred_on) == ("referred", date(2025, 3, 1))
    assert person.referral_source == (None, None)
    assert app.history(person_id)[-1].data["referral_reason"] is None
