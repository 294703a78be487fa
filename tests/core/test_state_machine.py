"""Random command sequences against an independent model of what the rules allow.

After every step the invariants hold, the outcome (saved or refused) matches the
model, and the stored history replays to the same state.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from uuid import UUID

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from dsr_core.domain.codes import RatingLevel, Scheme, Status, UrgentReason
from dsr_core.domain.errors import DsrError
from dsr_core.domain.values import Rating
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.history import replay
from dsr_core.service.registers import Registers
from tests.support import factories as f

levels = st.sampled_from(list(RatingLevel))
urgent_reasons = st.sampled_from(list(UrgentReason))
days = st.integers(min_value=0, max_value=40)
ACTIVE = (Status.REFERRED, Status.ON_REGISTER)


@st.composite
def ratings(draw: st.DrawFn) -> Rating:
    level = draw(levels)
    reason = draw(urgent_reasons) if level is RatingLevel.URGENT else None
    return Rating(level=level, urgent_reason=reason)


@dataclass
class Model:
    """What the rules say the person's situation is: kept apart from the aggregate."""

    scheme: Scheme
    status: Status = Status.REFERRED
    consent: bool = False
    admitted: bool = False
    ready: bool = False
    out_of_area: bool = False
    chosen: bool = False

    def rating_allowed(self, rating: Rating, *, in_hospital: bool) -> bool:
        if rating.scheme is not self.scheme or rating.is_inpatient != in_hospital:
            return False
        if rating.level is RatingLevel.APPROPRIATE_OUT_OF_AREA and not (
            self.out_of_area and self.chosen
        ):
            return False
        return not (
            rating.urgent_reason is UrgentReason.INAPPROPRIATE_OUT_OF_AREA and not self.out_of_area
        )


class PersonJourney(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = f.FakeClock()
        # With the aggregate cache, as deployed: refused commands must leave no trace in it.
        self.app = Registers(
            {"AGGREGATE_CACHE_MAXSIZE": "10"}, identity_key=b"k" * 32, clock=self.clock
        )
        self.person_id: UUID
        self.model: Model
        self.area: str

    @property
    def today(self) -> date:
        return self.clock.now.date()

    def attempt(self, allowed: bool, command: object) -> bool:
        try:
            command()  # type: ignore[operator]
        except DsrError as error:
            assert not allowed, f"refused but the model allows it: {error.message}"
            return False
        assert allowed, "saved but the model forbids it"
        return True

    @initialize(scottish=st.booleans())
    def refer(self, scottish: bool) -> None:
        self.area = f.SCOTTISH_AREA if scottish else f.ENGLISH_AREA
        referral = f.referral(area=self.area, referred_on=self.today)
        self.person_id = self.app.execute(None, referral, Caller.of(f.LEAD)).person_id
        self.model = Model(scheme=Scheme.SCOTLAND_COMING_HOME if scottish else Scheme.ENGLAND_RAG)

    @rule(wait=days)
    def record_consent(self, wait: int) -> None:
        self.clock.advance(days=wait)
        england = self.model.scheme is Scheme.ENGLAND_RAG  # Scotland takes no consent
        if self.attempt(
            self.model.status in ACTIVE and england,
            lambda: self.app.execute(self.person_id, f.consent(self.today), Caller.of(f.LEAD)),
        ):
            self.model.consent = True

    @rule(wait=days)
    def withdraw_consent(self, wait: int) -> None:
        self.clock.advance(days=wait)
        if self.attempt(
            self.model.status in ACTIVE and self.model.scheme is Scheme.ENGLAND_RAG,
            lambda: self.app.execute(
                self.person_id, cmd.WithdrawConsent(withdrawn_on=self.today), Caller.of(f.LEAD)
            ),
        ):
            self.model.status, self.model.consent = Status.REMOVED, False

    @rule(wait=days, rating=ratings())
    def accept(self, wait: int, rating: Rating) -> None:
        self.clock.advance(days=wait)
        m = self.model
        allowed = (
            m.status is Status.REFERRED
            and (m.consent or m.scheme is Scheme.SCOTLAND_COMING_HOME)
            and m.rating_allowed(rating, in_hospital=m.admitted)
        )
        if self.attempt(
            allowed,
            lambda: self.app.execute(
                self.person_id, cmd.Accept(accepted_on=self.today, rating=rating), Caller.of(f.LEAD)
            ),
        ):
            m.status = Status.ON_REGISTER

    @rule(wait=days, rating=ratings())
    def change_rating(self, wait: int, rating: Rating) -> None:
        self.clock.advance(days=wait)
        m = self.model
        allowed = m.status is Status.ON_REGISTER and m.rating_allowed(
            rating, in_hospital=m.admitted
        )
        self.attempt(
            allowed,
            lambda: self.app.execute(
                self.person_id,
                cmd.ChangeRating(changed_on=self.today, rating=rating, reason="r"),
                Caller.of(f.LEAD),
            ),
        )

    @rule(wait=days)
    def admit(self, wait: int) -> None:
        self.clock.advance(days=wait)
        m = self.model
        if self.attempt(
            m.status in ACTIVE and not m.admitted,
            lambda: self.app.execute(
                self.person_id, f.admission(admitted_on=self.today), Caller.of(f.LEAD)
            ),
        ):
            m.admitted, m.ready = True, False

    @rule(wait=days)
    def ready_for_discharge(self, wait: int) -> None:
        self.clock.advance(days=wait)
        m = self.model
        if self.attempt(  # inpatient duties go on whatever the register status
            m.admitted,
            lambda: self.app.execute(
                self.person_id, cmd.MarkReadyForDischarge(ready_on=self.today), Caller.of(f.LEAD)
            ),
        ):
            m.ready = True

    @property
    def delay_code(self) -> str:
        """Each nation's own delay list (MHSDS in England, PHS in Scotland)."""
        return "9/51X" if self.area == f.SCOTTISH_AREA else "18"

    @rule(wait=days)
    def delay(self, wait: int) -> None:
        self.clock.advance(days=wait)
        m = self.model
        self.attempt(
            m.admitted and m.ready,
            lambda: self.app.execute(
                self.person_id,
                cmd.RecordDischargeDelay(
                    recorded_on=self.today,
                    delay_reason="9/51X" if self.area == f.SCOTTISH_AREA else "18",
                ),
                Caller.of(f.LEAD),
            ),
        )

    @rule(wait=days, rating=st.none() | ratings(), died=st.booleans())
    def discharge(self, wait: int, rating: Rating | None, died: bool) -> None:
        self.clock.advance(days=wait)
        m = self.model
        if m.status is Status.ON_REGISTER and not died:
            rating_ok = rating is not None and m.rating_allowed(rating, in_hospital=False)
        else:
            rating_ok = rating is None
        destination = "died" if died else "family_home"
        if self.attempt(
            m.admitted and rating_ok,
            lambda: self.app.execute(
                self.person_id,
                cmd.Discharge(discharged_on=self.today, destination=destination, rating=rating),
                Caller.of(f.LEAD),
            ),
        ):
            m.admitted = False
            if died and m.status in ACTIVE:
                m.status = Status.REMOVED

    @rule(wait=days, out_of_area=st.booleans(), chosen=st.booleans())
    def change_placement(self, wait: int, out_of_area: bool, chosen: bool) -> None:
        self.clock.advance(days=wait)
        placement_area = (
            (f.OTHER_SCOTTISH_AREA if self.area.startswith("S") else f.OTHER_ENGLISH_AREA)
            if out_of_area
            else self.area
        )
        if self.attempt(
            self.model.status in ACTIVE,
            lambda: self.app.execute(
                self.person_id,
                cmd.ChangePlacement(
                    placement_type="supported_living",
                    placement_area=placement_area,
                    started_on=self.today,
                    chosen_by_person=chosen,
                ),
                Caller.of(f.LEAD),
            ),
        ):
            self.model.out_of_area, self.model.chosen = out_of_area, chosen

    @rule(wait=days)
    def remove(self, wait: int) -> None:
        self.clock.advance(days=wait)
        m = self.model
        if self.attempt(
            m.status in ACTIVE and not m.admitted,
            lambda: self.app.execute(
                self.person_id,
                cmd.Remove(removed_on=self.today, reason_code="stable"),
                Caller.of(f.LEAD),
            ),
        ):
            m.status = Status.REMOVED

    @rule(wait=days)
    def decline(self, wait: int) -> None:
        self.clock.advance(days=wait)
        if self.attempt(
            self.model.status is Status.REFERRED,
            lambda: self.app.execute(
                self.person_id,
                cmd.DeclineReferral(
                    declined_on=self.today, reason_code="criteria_not_met", reason="r"
                ),
                Caller.of(f.LEAD),
            ),
        ):
            self.model.status = Status.DECLINED

    @rule(wait=days)
    def re_refer(self, wait: int) -> None:
        self.clock.advance(days=wait)
        if self.attempt(
            self.model.status in (Status.REMOVED, Status.DECLINED),
            lambda: self.app.execute(
                self.person_id,
                cmd.ReRefer(
                    referred_on=self.today, criteria=["in_hospital"], referred_by="GP", reason="r"
                ),
                Caller.of(f.LEAD),
            ),
        ):
            self.model.status, self.model.consent = Status.REFERRED, False

    @invariant()
    def the_record_matches_the_model(self) -> None:
        person = self.app.get_person(self.person_id)
        assert person.status is self.model.status
        assert (person.admission is not None) == self.model.admitted
        assert (person.consent is not None) == self.model.consent

    @invariant()
    def inpatient_rating_if_and_only_if_admitted_while_on_register(self) -> None:
        person = self.app.get_person(self.person_id)
        if person.status is Status.ON_REGISTER:
            assert person.rating is not None
            # England includes people with a lawful basis; Scotland records all in scope.
            assert person.consent is not None or person.scheme is Scheme.SCOTLAND_COMING_HOME
            assert person.rating.scheme is person.scheme
            assert person.rating.is_inpatient == (person.admission is not None)
        else:
            assert person.rating is None

    @invariant()
    def the_stored_history_replays_to_the_same_state(self) -> None:
        person = self.app.get_person(self.person_id)
        replayed = replay(self.app.events.get(self.person_id))  # type: ignore[arg-type]
        assert replayed is not None and vars(replayed) == vars(person)

    def teardown(self) -> None:
        self.app.close()


PersonJourney.TestCase.settings = settings(
    max_examples=150,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestPersonJourney = PersonJourney.TestCase
