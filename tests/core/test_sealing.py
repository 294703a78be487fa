"""Sealing (issue 15): what is personal is declared for every field, sealed values never
reach the stored bytes, and without the key they read back as erased."""

from __future__ import annotations

import typing
from datetime import UTC, datetime
from typing import Any, get_args, get_origin
from uuid import uuid4

import pytest
from cryptography.exceptions import InvalidTag
from eventsourcing.persistence import StoredEvent
from hypothesis import given, settings
from hypothesis import strategies as st
from pydantic import BaseModel

from dsr_core.domain.care_record import Views
from dsr_core.domain.codes import Role
from dsr_core.domain.personal import ERASED, PERSONAL_ATTRIBUTES, personal_fields
from dsr_core.domain.values import Actor
from dsr_core.person import events as person_events
from dsr_core.person.events import EVENTS, PersonEvent
from dsr_core.service.registers import Registers
from dsr_core.storage.sealing import Sealer
from dsr_core.storage.transcodings import VALUE_OBJECT_NAMES
from tests.support import factories as f

NOT_PERSONAL_TEXT = {
    # ids, codes from code lists and area codes: the same for everyone, needed for counts
    "Actor": {"user_id", "area"},
    "HospitalStay": {
        "hospital_area",
        "detained_under",
        "delay_reason",
        "barriers",
        "plan_scores",
        # an organisation, not a person: ODS codes and the provider's published name
        "provider_code",
        "provider_name",
        "commissioner_code",
        "host_commissioner_code",
    },
    # A place, not a person: a home location is sealed whole (PersonDetails.home_location)
    "Location": {"postcode_district"},
    "DelayMark": {"reason"},
    "Placement": {"placement_area"},
    "PersonDetails": {"ethnic_category", "gender_identity"},
    "TeamMember": {"involvement_id"},
    "Mitigation": {"mitigation_id", "category"},
    "Recommendation": {"recommendation_id"},
    "ReviewAction": {"action_id"},
    "RiskManagement": {"involvement_id", "action_id"},
    "SafeguardingNote": {"note_id"},
    "ReviewRecord": {"review_id"},
    "Need": {"code"},
}
CODED_ATTRIBUTES = {
    "area",
    "delay_reason",
    "detained_under",
    "barriers",
    "involvement_id",
    "action_id",
    "from_area",
    "to_area",
    "reference",
}


def _text(annotation: Any) -> bool:
    if annotation is str:
        return True
    origin = get_origin(annotation)
    if origin is typing.Annotated:
        return _text(get_args(annotation)[0])
    return any(_text(a) for a in get_args(annotation)) if origin else False


def _models() -> set[type[BaseModel]]:
    found: set[type[BaseModel]] = set()
    todo = list(VALUE_OBJECT_NAMES)
    while todo:
        model = todo.pop()
        if model in found:
            continue
        found.add(model)
        for info in model.model_fields.values():
            for arg in (info.annotation, *get_args(info.annotation)):
                if isinstance(arg, type) and issubclass(arg, BaseModel):
                    todo.append(arg)
    return found


MODELS = sorted(_models(), key=lambda m: m.__name__)


@pytest.mark.parametrize("model", MODELS, ids=[m.__name__ for m in MODELS])
def test_every_text_field_of_a_value_object_is_declared_personal_or_coded(
    model: type[BaseModel],
) -> None:
    text = {n for n, i in model.model_fields.items() if _text(i.annotation)}
    declared = personal_fields(model) | NOT_PERSONAL_TEXT.get(model.__name__, set())
    assert text <= declared, f"{model.__name__}: classify {sorted(text - declared)}"


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.__name__)
def test_every_text_attribute_of_an_event_is_declared_personal_or_coded(
    event: type[PersonEvent],
) -> None:
    annotations = {
        name: hint
        for cls in event.__mro__
        if cls.__module__ == person_events.__name__
        for name, hint in vars(cls).get("__annotations__", {}).items()
    }
    text = {name for name, hint in annotations.items() if hint in ("str", "str | None")}
    assert text <= PERSONAL_ATTRIBUTES | CODED_ATTRIBUTES, sorted(text - PERSONAL_ATTRIBUTES)


def person_event(cls: type[PersonEvent], version: int, **fields: Any) -> Any:
    """An event of a new person, as a command would trigger it; with the app to store it."""
    app = Registers({}, identity_key=b"s" * 32, clock=f.FakeClock())
    event = cls(  # type: ignore[call-arg]
        originator_id=uuid4(),
        originator_version=version,
        timestamp=datetime(2025, 1, 1, tzinfo=UTC),
        actor=Actor(user_id="lead-1", role=Role.LEAD),
        effective_on=datetime(2025, 1, 1).date(),
        **fields,
    )
    return app, event


# Two words and a space: stored state is compact JSON and base64, which hold no space, so a
# match can only be the text itself (a single word may spell a key, e.g. "supporters").
words = st.text(alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=5).map(
    lambda word: f"{word} {word[::-1]}"
)


@settings(max_examples=40, deadline=None)
@given(person=words, family=words)
def test_a_sealed_view_never_reaches_the_stored_bytes_and_is_erased_without_its_key(
    person: str, family: str
) -> None:
    app, event = person_event(
        person_events.ViewsRecorded, 2, views=Views(person=person, family=family), supporters=()
    )
    person_id = event.originator_id
    stored = app.mapper.to_stored_event(event)
    assert person.encode() not in stored.state and family.encode() not in stored.state
    opened: Any = app.mapper.to_domain_event(stored)
    assert (opened.views.person, opened.views.family) == (person, family)
    assert app.person_keys is not None
    app.person_keys.destroy(person_id, "request")
    erased: Any = app.mapper.to_domain_event(stored)
    assert (erased.views.person, erased.views.family) == (None, None)


def test_a_sealed_value_cannot_be_moved_to_another_person() -> None:
    key = b"k" * 32
    token = Sealer(key, uuid4()).seal("Views.person", "I want to go home")
    with pytest.raises(InvalidTag):
        Sealer(key, uuid4()).unseal("Views.person", token)


def test_a_free_text_attribute_reads_erased_once_the_key_is_gone() -> None:
    app, event = person_event(
        person_events.Removed, 9, reason_code="stable", reason="Settled with Aunt Philippa"
    )
    person_id = event.originator_id
    stored = app.mapper.to_stored_event(event)
    assert app.person_keys is not None
    app.person_keys.destroy(person_id, "retention")
    again = StoredEvent(stored.originator_id, stored.originator_version, stored.topic, stored.state)
    erased: Any = app.mapper.to_domain_event(again)
    assert (erased.reason, erased.reason_code) == (ERASED, "stable")
