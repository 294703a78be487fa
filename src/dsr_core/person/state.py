"""What the Person's command mixins (person_hospital.py, person_care.py) may rely on:
the two helpers every command uses, provided by `Person` (domainmodel.py)."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from dsr_core.person import events as events

if TYPE_CHECKING:
    from dsr_core.domain.values import ReviewAction, ReviewRecord
    from dsr_core.person.aggregate import Stamp


def raised_on(action_id: str, action: ReviewAction, reviews: list[ReviewRecord]) -> date | None:
    """When an action was raised: on the standing plan, or at the review it came from."""
    return action.raised_on or next(
        (r.held_on for r in reviews if action_id.startswith(r.review_id)), None
    )


class PersonCommandsBase:
    if TYPE_CHECKING:

        def _check_effective(
            self,
            day: date,
            by: Stamp,
            field: str,
            *,
            after: date | None = None,
            what: str = "",
        ) -> None: ...

        def _new_id(self) -> str: ...

        def _trigger(
            self,
            event_class: type[events.PersonEvent],
            by: Stamp,
            effective_on: date,
            **kwargs: Any,
        ) -> None: ...
