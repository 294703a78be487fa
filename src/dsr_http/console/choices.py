"""What a command form offers to choose from, where its schema says only "text": the
nation's code lists, the area's rating scheme and discharge plan items, and the ids the
record itself holds (open actions, current professionals)."""

from __future__ import annotations

from collections.abc import Sequence

from dsr_core.domain.code_lists import LEGAL_STATUSES, code_list, delay_reason_lists
from dsr_core.domain.codes import RatingLevel, scheme_of
from dsr_core.person.aggregate import Person
from dsr_core.service.registers import Registers
from dsr_http.console.forms import Choices, humanise


def code_choices(scheme: str) -> dict[str, Sequence[tuple[str, str]]]:
    """Code lists for fields the schema types as text (the nation's lists by scheme)."""

    def listed(name: str) -> list[tuple[str, str]]:
        return [(code, f"{code}: {label}") for code, label in code_list(name).codes.items()]

    def delays() -> list[tuple[str, str]]:
        current, *retired = delay_reason_lists(scheme)
        older = [
            (code, f"{label} ({code_list(name).version}, delays before it was replaced)")
            for name in retired
            for code, label in listed(name)
            if code not in code_list(current).codes
        ]
        return listed(current) + older

    return {
        "delay_reason": delays(),
        "barriers": delays(),
        "detained_under": listed(LEGAL_STATUSES[scheme]),
        "details.ethnic_category": listed("ethnic_category"),
        "details.gender_identity": listed("gender_identity"),
        "category": listed("mitigation_category"),
        "needs.code": listed("move_home_need"),
        "findings": list(code_list("cetr_key_question").codes.items()),
    }


def rating_levels(scheme: str) -> list[tuple[str, str]]:
    """The ratings of the area's own scheme (England's four, or Scotland's three)."""
    return [(str(level), humanise(level)) for level in RatingLevel if scheme_of(level) == scheme]


def choices_for(person: Person, registers: Registers) -> Choices:
    """The code lists, the area's discharge plan items and the record's own ids (open
    actions, current professionals) to choose from."""
    policy = registers.areas.policy(person.area)
    return Choices(
        {
            **code_choices(str(person.scheme)),
            "rating.level": rating_levels(str(person.scheme)),
            "scores": list(policy.discharge_plan_items.items()),
            "action_id": [
                (a.action_id, f"{a.description} ({a.owner}, due {a.due_on:%d %b %Y})")
                for a in person.actions.values()
                if a.open
            ],
            "involvement_id": [
                (m.involvement_id, f"{m.name}, {m.role}") for m in person.current_team()
            ],
        }
    )
