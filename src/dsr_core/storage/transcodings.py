"""How dates and value objects are written into stored events and snapshots.

Names are part of the stored format: never rename one, add a new one instead.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from eventsourcing.persistence import Transcoding
from pydantic import BaseModel

from dsr_core.domain.care_record import (
    Mitigation,
    Need,
    Professional,
    Recommendation,
    ReviewAction,
    ReviewRecord,
    RiskManagement,
    SafeguardingNote,
    SupporterView,
    TeamMember,
    ViewEntry,
    Views,
)
from dsr_core.domain.personal import personal_fields
from dsr_core.domain.values import (
    Actor,
    Consent,
    HospitalStay,
    Involvement,
    PersonDetails,
    Placement,
    Rating,
)
from dsr_core.storage.sealing import Sealing, seal_fields, unseal_fields
from dsr_core.storage.transcoder import SealingTranscoding


class DateAsISO(Transcoding):
    type = date
    name = "date_iso"

    def encode(self, obj: date) -> str:
        return obj.isoformat()

    def decode(self, data: str) -> date:
        return date.fromisoformat(data)


class ValueObjectAsDict(SealingTranscoding):
    """Stores a pydantic value object as its JSON-mode dict; validates it on the way back."""

    KNOWN = 1024
    """Value objects without personal fields kept, decoded, by their stored form: an actor
    or a rating recurs on event after event, and a first read of a long history
    validated each again (value objects are frozen, so one instance serves them all)."""

    def __init__(self, model: type[BaseModel], name: str) -> None:
        self.type = model
        self.model = model
        self.name = name
        self._known: dict[tuple[Any, ...], BaseModel] | None = (
            None if personal_fields(model) else {}
        )

    def encode_sealed(self, obj: BaseModel, sealing: Sealing | None) -> dict[str, Any]:
        # Inside a person's event, its personal fields are sealed under their key.
        return seal_fields(self.model, self.name, obj.model_dump(mode="json"), sealing)

    def decode_sealed(self, data: dict[str, Any], sealing: Sealing | None) -> BaseModel:
        if self._known is None:
            return self._validate(unseal_fields(self.model, self.name, data, sealing))
        key = tuple(data.items())
        try:
            return self._known[key]
        except KeyError:
            pass
        except TypeError:  # a list among the values: not kept
            return self._validate(data)
        value = self._validate(data)
        if len(self._known) >= self.KNOWN:
            self._known.clear()
        self._known[key] = value
        return value

    def _validate(self, data: dict[str, Any]) -> BaseModel:
        # What the store holds is read back as it was written, even if input rules have
        # since become stricter (values.from_store).
        return self.model.model_validate(data, context={"stored": True})


VALUE_OBJECT_NAMES: dict[type[BaseModel], str] = {
    Actor: "dsr.actor",
    Consent: "dsr.consent",
    HospitalStay: "dsr.hospital_stay",
    Involvement: "dsr.involvement",
    PersonDetails: "dsr.person_details",
    Placement: "dsr.placement",
    Professional: "dsr.professional",
    Rating: "dsr.rating",
    ReviewAction: "dsr.review_action",
    ReviewRecord: "dsr.review_record",
    Views: "dsr.views",
    Mitigation: "dsr.mitigation",
    Need: "dsr.need",
    Recommendation: "dsr.recommendation",
    RiskManagement: "dsr.risk_management",
    SafeguardingNote: "dsr.safeguarding_note",
    SupporterView: "dsr.supporter_view",
    TeamMember: "dsr.team_member",
    ViewEntry: "dsr.view_entry",
}


def dsr_transcodings() -> list[Transcoding]:
    return [DateAsISO()] + [
        ValueObjectAsDict(model, name) for model, name in VALUE_OBJECT_NAMES.items()
    ]
