"""Stored events read by the faster decoder exactly as the library's own decoder reads them."""

from __future__ import annotations

import math
from datetime import UTC, date
from typing import Any

import pytest
from eventsourcing.persistence import JSONTranscoder, TranscodingNotRegisteredError
from hypothesis import given
from hypothesis import strategies as st

from dsr_core.domain.codes import RatingLevel
from dsr_core.domain.values import Actor, Rating
from dsr_core.service.registers import Registers
from dsr_core.storage.transcoder import FastJSONTranscoder


def registered(transcoder: JSONTranscoder) -> JSONTranscoder:
    Registers.register_transcodings(Registers.__new__(Registers), transcoder)
    return transcoder


LIBRARY = registered(JSONTranscoder())
FAST = registered(FastJSONTranscoder())

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text()
    | st.dates()
    | st.datetimes(timezones=st.just(UTC))
    | st.uuids()
    | st.sampled_from(
        [
            Actor.model_validate({"user_id": "a lead", "role": "lead", "area": "E54000048"}),
            Rating(level=RatingLevel.RED),
        ]
    )
)
states = st.dictionaries(
    st.text(),
    st.recursive(
        scalars,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
        max_leaves=12,
    ),
    max_size=8,
)


@given(states)
def test_any_state_reads_back_as_the_library_reads_it(state: dict[str, Any]) -> None:
    stored = LIBRARY.encode(state)
    assert FAST.decode(stored) == LIBRARY.decode(stored) == state


def test_what_the_fast_parser_refuses_is_read_by_the_library_decoder() -> None:
    stored = LIBRARY.encode({"big": 2**70, "odd": math.inf, "on": date(2025, 1, 2)})
    assert FAST.decode(stored) == {"big": 2**70, "odd": math.inf, "on": date(2025, 1, 2)}


def test_an_unknown_stored_type_is_refused_as_the_library_refuses_it() -> None:
    stored = b'{"at":{"_type_":"no.such.type","_data_":"x"}}'
    with pytest.raises(TranscodingNotRegisteredError):
        LIBRARY.decode(stored)
    with pytest.raises(TranscodingNotRegisteredError):
        FAST.decode(stored)


def test_objects_shaped_like_typed_ones_but_not_typed_are_left_as_they_are() -> None:
    state = {"a": {"_type_": "date_iso"}, "b": [{"_data_": 1, "c": 2}], "d": [[{}]]}
    stored = LIBRARY.encode(state)
    assert FAST.decode(stored) == LIBRARY.decode(stored) == state


def test_registers_read_their_events_with_the_fast_decoder(app: Registers) -> None:
    """Unless an operator names another transcoder (TRANSCODER_TOPIC)."""
    assert isinstance(app.mapper.transcoder, FastJSONTranscoder)
