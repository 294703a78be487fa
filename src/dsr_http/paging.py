"""One way to page (issue 29): `{items, next_cursor}` in the body, the next page's address
in an RFC 8288 `Link: <...>; rel="next"` header, the same filters kept."""

from __future__ import annotations

from typing import Annotated

from fastapi import Query, Request

FeedCursor = Annotated[
    str | None,
    Query(
        max_length=18,
        pattern=r"^[0-9]+$",
        description="The `next_cursor` of your last page (the start when not given)",
    ),
]


def next_link(request: Request, cursor: str) -> str:
    following = request.url.include_query_params(cursor=cursor)
    return f'<{following.path}?{following.query}>; rel="next"'


def position_of(cursor: str | None, after: int) -> int:
    """A feed's start: its cursor (a log position), or the deprecated `after`."""
    return int(cursor) if cursor is not None else after
