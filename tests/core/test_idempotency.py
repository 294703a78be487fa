import threading
from datetime import date

import pytest

from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.idempotency import (
    Claim,
    IdempotencyKeyExpiredError,
    IdempotencyKeyReusedError,
)
from dsr_core.service.registers import Registers
from tests.support import factories as f
from tests.support.stages import accepted

CHANGE = cmd.ChangeRating(changed_on=date(2025, 2, 1), rating=f.rating("red"), reason="x")


def run(app: Registers, claim: Claim, person_id: object) -> object:
    return app.execute(person_id, CHANGE, Caller.of(f.LEAD, claim=claim))  # type: ignore[arg-type]


def test_a_retry_with_the_same_key_returns_the_first_outcome(app: Registers) -> None:
    person_id = accepted(app)
    claim = Claim("lead-1", "key-1", "hash-a")
    first = run(app, claim, person_id)
    second = run(app, claim, person_id)
    assert second.version == first.version and second.replayed  # type: ignore[attr-defined]
    assert [h.event_type for h in app.history(person_id)].count("RatingChanged") == 1


def test_the_same_key_for_a_different_request_is_refused(app: Registers) -> None:
    person_id = accepted(app)
    run(app, Claim("lead-1", "key-1", "hash-a"), person_id)
    with pytest.raises(IdempotencyKeyReusedError):
        run(app, Claim("lead-1", "key-1", "hash-b"), person_id)


def test_keys_belong_to_their_user(app: Registers) -> None:
    person_id = accepted(app)
    run(app, Claim("lead-1", "key-1", "hash-a"), person_id)
    assert app.replay(Claim("someone-else", "key-1", "hash-b")) is None


def test_a_key_expires_after_24_hours(app: Registers, clock: f.FakeClock) -> None:
    person_id = accepted(app)
    run(app, Claim("lead-1", "key-1", "hash-a"), person_id)
    clock.advance(days=1, seconds=1)
    with pytest.raises(IdempotencyKeyExpiredError):
        app.replay(Claim("lead-1", "key-1", "hash-a"))


def test_fifty_concurrent_retries_write_one_set_of_events(app: Registers) -> None:
    person_id = accepted(app)
    claim = Claim("lead-1", "key-50", "hash-a")
    barrier = threading.Barrier(50)
    versions: list[int] = []
    errors: list[Exception] = []

    def attempt() -> None:
        barrier.wait()
        try:
            versions.append(run(app, claim, person_id).version)  # type: ignore[attr-defined]
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=attempt) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and set(versions) == {4}
    assert [h.event_type for h in app.history(person_id)].count("RatingChanged") == 1
