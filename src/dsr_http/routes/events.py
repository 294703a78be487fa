"""The integration feed (issue 16, item 2): everything after the position a subscriber
last saw, as CloudEvents, with what its role may see."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from dsr_core.domain.codes import Role
from dsr_http.auth import Principal
from dsr_http.deps import (
    MAX_POSITION,
    AreaFilter,
    ReadsDep,
    ViewsDep,
    allowed,
    areas_asked,
    waits_for,
)
from dsr_http.problems import RESPONSES
from dsr_projections.feed import read_feed, scoped

router = APIRouter(prefix="/v1/events", tags=["events"], responses=RESPONSES)

FEED_READERS = (Role.PRACTITIONER, Role.LEAD, Role.COMMISSIONER, Role.ANALYST)
FeedReaders = Annotated[Principal, Depends(allowed(*FEED_READERS))]


class EventFeed(BaseModel):
    events: list[dict[str, object]]
    next_after: int


@router.get("", operation_id="listEvents", response_model=EventFeed)
def list_events(
    principal: FeedReaders,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    after: Annotated[
        int, Query(ge=0, le=MAX_POSITION, description="The next_after of your last page")
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    _: Annotated[bool, Depends(waits_for("feed"))] = True,
) -> EventFeed:
    """What happened on the registers of your areas after a position, in log order, as
    CloudEvents. Practitioners and leads get the person id (`subject`) and NHS/CHI number;
    commissioners the person id only; analysts no identifier."""
    rows = read_feed(views, areas_asked(principal, area), after, limit)
    events = scoped(views, rows, principal.role)
    if any("subject" in e for e in events):
        reads.record("events", {str(e["subject"]) for e in events})
    return EventFeed(events=events, next_after=rows[-1]["position"] if rows else after)
