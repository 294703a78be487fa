"""Every command the API accepts has a console form that sends the same request."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from dsr_core.service import commands as cmd
from dsr_http.console.choices import code_choices
from dsr_http.console.forms import Choices, FormInput, fields_of, read, validation_errors
from dsr_http.console.pages.record import SPECS, TASKS
from dsr_http.routes.persons import COMMANDS
from tests.console.forms_support import typed

EXAMPLES: list[tuple[str, type[cmd.Command], dict[str, Any]]] = [
    (spec.path, spec.model, example)
    for spec in COMMANDS
    for example in (spec.model.model_json_schema().get("examples") or [])
    if "…" not in str(example)  # an id the example cannot know
] + [("referral", cmd.Refer, cmd.Refer.model_json_schema()["examples"][0])]


def test_every_command_of_the_api_is_offered_in_one_task() -> None:
    offered = [path for _, paths in TASKS for path in paths]
    assert sorted(offered) == sorted(spec.path for spec in COMMANDS)
    assert len(offered) == len(set(offered))


@pytest.mark.parametrize(("path", "model", "example"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_a_form_filled_in_as_the_example_sends_the_example(
    path: str, model: type[cmd.Command], example: dict[str, Any]
) -> None:
    fields = fields_of(model)
    body, unreadable = read(fields, FormInput(typed(fields, example)))
    assert unreadable == []
    assert model.model_validate(body) == model.model_validate(example)


def test_a_blank_form_is_refused_field_by_field_in_words_a_person_reads() -> None:
    fields = fields_of(cmd.Admit)
    body, _ = read(fields, FormInput([]))
    with pytest.raises(ValidationError) as refused:
        cmd.Admit.model_validate(body)
    errors = {e.field: e for e in validation_errors(refused.value, fields)}
    assert errors["admitted_on"].message == "Enter admitted on"
    assert errors["admitted_on"].anchor == "admitted_on-day"
    assert errors["ward_type"].message == "Select ward type"
    assert errors["in_area"].anchor == "in_area"


@given(day=st.integers(-5, 40), month=st.integers(-1, 14), year=st.integers(1800, 2200))
def test_a_date_is_read_only_when_it_is_a_real_date(day: int, month: int, year: int) -> None:
    fields = fields_of(cmd.MarkReadyForDischarge)
    posted = FormInput(
        [("ready_on.day", str(day)), ("ready_on.month", str(month)), ("ready_on.year", str(year))]
    )
    body, unreadable = read(fields, posted)
    try:
        real: date | None = date(year, month, day)
    except ValueError:
        real = None
    if real is None:
        assert [e.field for e in unreadable] == ["ready_on"] and "ready_on" not in body
    else:
        assert unreadable == [] and body["ready_on"] == real.isoformat()


def test_coded_fields_offer_the_nations_code_list() -> None:
    england = code_choices("england_rag")
    scotland = code_choices("scotland_coming_home")
    delay = {f.name: f for f in fields_of(cmd.RecordDischargeDelay, Choices(england))}
    assert delay["delay_reason"].kind == "select"
    assert tuple(england["delay_reason"]) == delay["delay_reason"].options
    assert england["delay_reason"] != scotland["delay_reason"]


def test_the_forms_the_console_lists_are_the_api_table() -> None:
    assert set(SPECS) == {spec.path for spec in COMMANDS}
