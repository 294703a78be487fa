"""The Person's care-record commands (seed 002): views, risks, the team over time, what
has been tried and what could help, coded needs, services.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from dsr_core.domain import record_rules, rules
from dsr_core.domain.care_record import (
    Mitigation,
    Need,
    Professional,
    Recommendation,
    RiskManagement,
    SafeguardingKind,
    SafeguardingNote,
    SupporterView,
    Views,
)
from dsr_core.domain.codes import MitigationKind, RiskFactor, Service, ServiceHorizon
from dsr_core.domain.errors import InvalidInputError
from dsr_core.person import events
from dsr_core.person.stamp import Stamp
from dsr_core.person.state import PersonState


class CareRecordCommands(PersonState):
    def record_views(
        self,
        *,
        views: Views,
        recorded_on: date,
        by: Stamp,
        supporters: Sequence[SupporterView] = (),
    ) -> None:
        """Views join a history: a later view never overwrites an earlier one (seed 001)."""
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        rules.check_some_view(views, supporters)
        self._trigger(
            events.ViewsRecorded, by, recorded_on, views=views, supporters=tuple(supporters)
        )

    def record_risk_factors(
        self,
        *,
        risk_factors: Sequence[RiskFactor],
        recorded_on: date,
        note: str | None,
        by: Stamp,
    ) -> None:
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(
            events.RiskFactorsRecorded, by, recorded_on, risk_factors=tuple(risk_factors), note=note
        )

    def record_risk_management(
        self,
        *,
        risk_factor: RiskFactor,
        recorded_on: date,
        involvement_id: str | None,
        action_id: str | None,
        note: str | None,
        by: Stamp,
    ) -> None:
        """Who manages a current risk factor: a current involvement or an open action; with
        neither, nobody does, which on Green prompts a rating review (domain.md)."""
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        record_rules.check_current_risk(risk_factor, self.risk_factors)
        if involvement_id is not None and action_id is not None:
            raise InvalidInputError(
                "Give the involvement or the action that manages the risk, not both.",
                field="action_id",
            )
        if involvement_id is not None:
            rules.check_current_involvement(self.team.get(involvement_id), recorded_on)
        if action_id is not None:
            rules.check_open_action(self.actions.get(action_id))
        management = RiskManagement(
            involvement_id=involvement_id, action_id=action_id, recorded_on=recorded_on
        )
        self._trigger(
            events.RiskManagementRecorded,
            by,
            recorded_on,
            risk_factor=risk_factor,
            management=management,
            note=note,
        )

    def record_safeguarding_note(
        self, *, kind: SafeguardingKind, note: str, recorded_on: date, by: Stamp
    ) -> str:
        """A safeguarding or forensic note; returns its id."""
        rules.check_is_active(self.status)
        self._check_effective(recorded_on, by, "recorded_on")
        note_id = self._new_id()
        value = SafeguardingNote(note_id=note_id, kind=kind, note=note, recorded_on=recorded_on)
        self._trigger(events.SafeguardingNoteRecorded, by, recorded_on, entry=value)
        return note_id

    def assign_professional(
        self, *, professional: Professional, assigned_on: date, by: Stamp
    ) -> str:
        """Adds an involvement; others in the same role go on until ended. Returns its id."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(assigned_on, by, "assigned_on")
        involvement_id = self._new_id()
        self._trigger(
            events.ProfessionalAssigned,
            by,
            assigned_on,
            professional=professional,
            involvement_id=involvement_id,
        )
        return involvement_id

    def end_involvement(
        self, *, involvement_id: str, ended_on: date, reason: str | None, by: Stamp
    ) -> None:
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(ended_on, by, "ended_on")
        rules.check_current_involvement(self.team.get(involvement_id), ended_on)
        self._trigger(
            events.ProfessionalInvolvementEnded,
            by,
            ended_on,
            involvement_id=involvement_id,
            reason=reason,
        )

    def record_mitigation(
        self,
        *,
        kind: MitigationKind,
        category: str,
        description: str,
        recorded_on: date,
        by: Stamp,
    ) -> str:
        """Returns the new entry's id."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(recorded_on, by, "recorded_on")
        mitigation = Mitigation(
            mitigation_id=self._new_id(),
            kind=kind,
            category=category,
            description=description,
            recorded_on=recorded_on,
        )
        self._trigger(events.MitigationRecorded, by, recorded_on, mitigation=mitigation)
        return mitigation.mitigation_id

    def record_recommendation(
        self, *, horizon: ServiceHorizon, service: str, text: str, recorded_on: date, by: Stamp
    ) -> str:
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(recorded_on, by, "recorded_on")
        recommendation = Recommendation(
            recommendation_id=self._new_id(),
            horizon=horizon,
            service=service,
            text=text,
            recorded_on=recorded_on,
        )
        self._trigger(events.RecommendationRecorded, by, recorded_on, recommendation=recommendation)
        return recommendation.recommendation_id

    def record_needs(
        self, *, needs: Sequence[Need], recorded_on: date, note: str | None, by: Stamp
    ) -> None:
        """The whole current set of needs: an empty set says none remain."""
        rules.check_active_or_in_hospital(self.status, self.admission)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(events.NeedsRecorded, by, recorded_on, needs=tuple(needs), note=note)

    def refer_to_service(self, *, service: Service, requested_on: date, by: Stamp) -> None:
        rules.check_is_active(self.status)
        self._check_effective(requested_on, by, "requested_on")
        rules.check_service_eligibility(service, self.scheme, self.details, requested_on)
        self._trigger(events.ServiceReferred, by, requested_on, service=service)

    def start_service(self, *, service: Service, started_on: date, by: Stamp) -> None:
        rules.check_is_active(self.status)
        requested = self.services.get(str(service), (None, None))[0]
        self._check_effective(started_on, by, "started_on", after=requested, what="referral")
        self._trigger(events.ServiceStarted, by, started_on, service=service)

    def record_ehc_plan(self, *, has_plan: bool, recorded_on: date, by: Stamp) -> None:
        """An EHC plan makes a young person's C(E)TR a CETR up to 25 (NHS-1)."""
        rules.check_is_active(self.status)
        rules.check_scheme_has_ehc_plans(self.scheme)
        self._check_effective(recorded_on, by, "recorded_on")
        self._trigger(events.EhcPlanRecorded, by, recorded_on, has_plan=has_plan)
