"""Read models in one process share person states: decoded and encoded once (issue 17)."""

from __future__ import annotations

from dsr_core.service.registers import Registers
from dsr_projections.engine.runner import ProjectionRunner
from tests.support.stages import admitted


def stored_states(runner: ProjectionRunner, person_id: str) -> dict[str, bytes]:
    states = {}
    with runner.db.read() as cursor:
        for table in ("register_state", "los_state", "national_state"):
            cursor.execute(f"SELECT state FROM {table} WHERE person_id = ?", (person_id,))
            row = cursor.fetchone()
            assert row is not None
            states[table] = bytes(row["state"])
    return states


def test_the_read_models_store_one_encoding_of_a_person_between_them(
    app: Registers, runner: ProjectionRunner
) -> None:
    person_id = admitted(app, seed=810)
    runner.catch_up()
    states = stored_states(runner, str(person_id))
    # Each state is sealed with a fresh nonce when encoded: equal bytes were encoded once.
    assert len(set(states.values())) == 1


def test_without_sharing_each_read_model_encodes_its_own(
    app: Registers, runner: ProjectionRunner
) -> None:
    runner.context.states._kept = 0  # nothing kept: every read model encodes for itself
    person_id = admitted(app, seed=811)
    runner.catch_up()
    assert len(set(stored_states(runner, str(person_id)).values())) == 3
