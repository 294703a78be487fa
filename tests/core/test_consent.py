from datetime import date

import pytest

from dsr_core.domain.codes import LawfulBasis, RemovalReason, Status
from dsr_core.domain.errors import ConsentRequiredError, LawfulBasisError, PersonNotActiveError
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted, admitted, referred


def test_acceptance_without_a_lawful_basis_is_refused(app: Registers) -> None:
    person_id = referred(app)
    with pytest.raises(ConsentRequiredError):
        app.execute(
            person_id,
            cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating("amber")),
            Caller.of(f.LEAD),
        )
    assert app.get_person(person_id).status is Status.REFERRED


@pytest.mark.parametrize(
    "basis", ["informed_consent", "best_interests_decision", "welfare_guardian_or_deputy"]
)
def test_each_adult_lawful_basis_allows_acceptance(app: Registers, basis: str) -> None:
    person_id = referred(app)
    app.execute(person_id, f.consent(basis=basis), Caller.of(f.LEAD))
    app.execute(
        person_id,
        cmd.Accept(accepted_on=date(2025, 1, 14), rating=f.rating("green")),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    assert person.status is Status.ON_REGISTER
    assert person.consent is not None and person.consent.basis is LawfulBasis(basis)


def test_parental_responsibility_is_accepted_for_a_child(app: Registers) -> None:
    person_id = referred(app, date_of_birth=date(2012, 3, 3))
    app.execute(person_id, f.consent(basis="parental_responsibility"), Caller.of(f.LEAD))
    assert app.get_person(person_id).consent is not None


def test_parental_responsibility_is_refused_for_an_adult(app: Registers) -> None:
    person_id = referred(app)
    with pytest.raises(LawfulBasisError):
        app.execute(person_id, f.consent(basis="parental_responsibility"), Caller.of(f.LEAD))


def test_withdrawing_consent_removes_the_person_from_the_register(app: Registers) -> None:
    person_id = accepted(app)
    result = app.execute(
        person_id, cmd.WithdrawConsent(withdrawn_on=date(2025, 3, 1)), Caller.of(f.LEAD)
    )
    person = app.get_person(person_id)
    assert result.events == ("ConsentWithdrawn", "Removed")
    assert person.status is Status.REMOVED
    assert person.closure_reason == RemovalReason.CONSENT_WITHDRAWN
    assert person.consent is None and person.rating is None


def test_consent_can_be_withdrawn_while_in_hospital(app: Registers) -> None:
    person_id = admitted(app)
    app.execute(person_id, cmd.WithdrawConsent(withdrawn_on=date(2025, 3, 1)), Caller.of(f.LEAD))
    assert app.get_person(person_id).status is Status.REMOVED


def test_after_withdrawal_nothing_more_is_recorded_until_re_referral(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(person_id, cmd.WithdrawConsent(withdrawn_on=date(2025, 3, 1)), Caller.of(f.LEAD))
    with pytest.raises(PersonNotActiveError):
        app.execute(person_id, f.admission(admitted_on=date(2025, 4, 1)), Caller.of(f.LEAD))


def test_a_re_referral_needs_a_fresh_lawful_basis(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(person_id, cmd.WithdrawConsent(withdrawn_on=date(2025, 3, 1)), Caller.of(f.LEAD))
    app.execute(
        person_id,
        cmd.ReRefer(
            referred_on=date(2025, 4, 1), criteria=["support_at_risk"], referred_by="GP", reason="x"
        ),
        Caller.of(f.LEAD),
    )
    with pytest.raises(ConsentRequiredError):
        app.execute(
            person_id,
            cmd.Accept(accepted_on=date(2025, 4, 2), rating=f.rating("amber")),
            Caller.of(f.LEAD),
        )


def test_an_objection_to_national_sharing_is_a_separate_flag_from_consent(app: Registers) -> None:
    person_id = accepted(app)
    app.execute(
        person_id,
        cmd.RecordNationalDataObjection(objects=True, recorded_on=date(2025, 2, 1)),
        Caller.of(f.LEAD),
    )
    person = app.get_person(person_id)
    assert person.objects_to_national_sharing
    assert person.consent is not None and person.status is Status.ON_REGISTER
