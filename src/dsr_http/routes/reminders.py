"""Reminders for front-ends to poll: everything after the last position they saw."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from dsr_http.deps import MAX_POSITION, AreaFilter, Practitioners, ReadsDep, ViewsDep, areas_asked
from dsr_http.problems import RESPONSES
from dsr_projections.reminders import reminders_after

router = APIRouter(prefix="/v1/reminders", tags=["reminders"], responses=RESPONSES)


class ReminderFeed(BaseModel):
    items: list[dict[str, object]]
    next_after: int


@router.get("", operation_id="listReminders", response_model=ReminderFeed)
def list_reminders(
    principal: Practitioners,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    after: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="The next_after of your last poll")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ReminderFeed:
    """Reminders issued or escalated after a position; each has a stable reminder_id."""
    areas = areas_asked(principal, area)
    items = reminders_after(views, areas, after, limit)
    reads.record("reminders", {i["person_id"] for i in items})
    return ReminderFeed(items=items, next_after=items[-1]["position"] if items else after)
