"""The integration feed (issue 16, item 2): everything after the position a subscriber
last saw, as CloudEvents, with what its role may see."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import BaseModel, Field

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
from dsr_http.paging import FeedCursor, next_link, position_of
from dsr_http.problems import RESPONSES
from dsr_projections.feed import read_feed, scoped

router = APIRouter(prefix="/v1/events", tags=["events"], responses=RESPONSES)

FEED_READERS = (Role.PRACTITIONER, Role.LEAD, Role.COMMISSIONER)
"""Not analysts (issue 30): every event with its exact date, rating, ward and destination
is individual-level data, even without an identifier (15 of 15 stays in a 60-person area
were unique by type and date); analysts read the audited returns and publications."""
FeedReaders = Annotated[Principal, Depends(allowed(*FEED_READERS))]


class EventFeed(BaseModel):
    """A page of the feed in the envelope every list uses (`items`, `next_cursor`)."""

    items: list[dict[str, object]] = Field(description="CloudEvents, in log order")
    next_cursor: str = Field(
        description="Where to read from next (as `cursor`; also in the `Link` header): a "
        "feed has no last page, so it is given even when nothing came"
    )
    events: list[dict[str, object]] = Field(
        deprecated=True, description="The same as `items` (until the sunset date)"
    )
    next_after: int = Field(deprecated=True, description="`next_cursor` as a number")


@router.get("", operation_id="listEvents", response_model=EventFeed)
def list_events(
    request: Request,
    response: Response,
    principal: FeedReaders,
    views: ViewsDep,
    reads: ReadsDep,
    area: AreaFilter = None,
    cursor: FeedCursor = None,
    after: Annotated[
        int,
        Query(ge=0, le=MAX_POSITION, description="`cursor` says the same", deprecated=True),
    ] = 0,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
    _: Annotated[bool, Depends(waits_for("feed"))] = True,
) -> EventFeed:
    """What happened on the registers of your areas after a position, in log order, as
    CloudEvents. Practitioners and leads get the person id (`subject`) and NHS/CHI number;
    commissioners the person id only. Analysts are refused (403): event-level data
    identifies people even without an identifier; they read the returns and publications."""
    start = position_of(cursor, after)
    rows = read_feed(views, areas_asked(principal, area), start, limit)
    events = scoped(views, rows, principal.role)
    if any("subject" in e for e in events):
        reads.record("events", {str(e["subject"]) for e in events})
    following = rows[-1]["position"] if rows else start
    response.headers["Link"] = next_link(request, str(following))
    return EventFeed(items=events, next_cursor=str(following), events=events, next_after=following)
