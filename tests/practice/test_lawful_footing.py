"""Each nation's lawful footing (issue 12; domain rules, "Referral, consent and acceptance")."""

from __future__ import annotations

from datetime import date

import pytest

from dsr_core.domain.codes import Advocacy, Representative, Status
from dsr_core.domain.errors import ConsentNotInSchemeError, LawfulBasisError
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import referred

BY = Caller.of(f.LEAD)
BY_SCOTTISH_LEAD = Caller.of(f.SCOTTISH_LEAD)


def test_scotland_accepts_without_consent_and_records_involvement(app: Registers) -> None:
    person_id = referred(app, area=f.SCOTTISH_AREA)
    app.execute(
        person_id,
        cmd.RecordInvolvement(
            recorded_on=date(2025, 1, 11),
            person_involved=True,
            supporters_involved=True,
            advocacy="offered_declined",
            representative="welfare_guardian",
        ),
        BY_SCOTTISH_LEAD,
    )
    app.execute(
        person_id,
        cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating("enhanced_monitoring")),
        BY_SCOTTISH_LEAD,
    )
    person = app.get_person(person_id)
    assert person.status is Status.ON_REGISTER and person.consent is None
    assert person.involvement is not None
    assert person.involvement.advocacy is Advocacy.OFFERED_DECLINED
    assert person.involvement.representative is Representative.WELFARE_GUARDIAN


@pytest.mark.parametrize(
    "command",
    [f.consent(), cmd.WithdrawConsent(withdrawn_on=date(2025, 2, 1))],
    ids=["consent", "withdrawal"],
)
def test_a_consent_command_on_a_scottish_register_is_refused(
    app: Registers, command: cmd.Command
) -> None:
    person_id = referred(app, area=f.SCOTTISH_AREA)
    with pytest.raises(ConsentNotInSchemeError) as refused:
        app.execute(person_id, command, BY_SCOTTISH_LEAD)
    assert refused.value.slug == "consent-not-in-scheme"
    assert [h.event_type for h in app.history(person_id)] == ["Referred"]


def test_a_best_interests_decision_is_for_those_aged_16_or_over(app: Registers) -> None:
    person_id = referred(app, date_of_birth=date(2009, 6, 1))  # 15 in January 2025
    with pytest.raises(LawfulBasisError) as refused:
        app.execute(person_id, f.consent(basis="best_interests_decision"), BY)
    assert refused.value.field == "basis"
    app.execute(person_id, f.consent(basis="parental_responsibility"), BY)


def test_parental_responsibility_is_for_children_under_16(app: Registers) -> None:
    person_id = referred(app, date_of_birth=date(2008, 6, 1))  # 16 in January 2025
    with pytest.raises(LawfulBasisError):
        app.execute(person_id, f.consent(basis="parental_responsibility"), BY)
    app.execute(person_id, f.consent(basis="best_interests_decision"), BY)


def test_a_refusal_of_consent_is_an_outcome_on_record(app: Registers) -> None:
    person_id = referred(app)
    result = app.execute(
        person_id,
        cmd.RecordConsentRefusal(decided_on=date(2025, 1, 12), decided_by="the person"),
        BY,
    )
    assert result.events == ("ConsentRefused",)
    person = app.get_person(person_id)
    assert person.status is Status.REFERRED and person.consent is None
