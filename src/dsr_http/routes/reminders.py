"""Reminders for front-ends to poll: everything after the last position they saw."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from dsr_http.deps import MAX_POSITION, AreaFilter, Practitioners, ReadsDep, ViewsDep, areas_asked
from dsr_http.paging import FeedCursor, next_link, position_of
from dsr_http.problems import RESPONSES
from dsr_projections.reminders import reminders_after

router = APIRouter(prefix="/v1/reminders", tags=["reminders"], responses=RESPONSES)


class ReminderFeed(BaseModel):
    """Reminders in the envelope every list uses (`items`, `next_cursor`)."""

    items: list[dict[str, object]]
    next_cursor: str = Field(
        description="Where to poll from next (as `cursor`; also in the `Link` header)"
    )
    next_after: int = Field(deprecated=True, description="`next_cursor` as a number")


@router.get("", operation_id="listReminders", response_model=ReminderFeed)
def list_reminders(
    request: Request,
    response: Response,
    principal: Practitioners,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    cursor: FeedCursor = None,
    after: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="`cursor` says the same", deprecated=True)
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> ReminderFeed:
    """Reminders issued or escalated after a position; each has a stable reminder_id."""
    areas = areas_asked(principal, area)
    start = position_of(cursor, after)
    items = reminders_after(views, areas, start, limit)
    reads.record("reminders", {i["person_id"] for i in items})
    following = items[-1]["position"] if items else start
    response.headers["Link"] = next_link(request, str(following))
    return ReminderFeed(items=items, next_cursor=str(following), next_after=following)
