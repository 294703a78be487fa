"""What a console page needs: the signed-in user, a checked form post, the console.

The user comes from the session cookie instead of a bearer token; everything after that
(role and area checks, the application, the access log) is the API's own (dsr_http.deps).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from dsr_http.auth import Principal
from dsr_http.console.app import Console
from dsr_http.console.forms import FormInput
from dsr_http.console.routing import CsrfError, NotSignedInError
from dsr_http.console.session import ConsoleSession
from dsr_http.deps import Reads


async def get_console(request: Request) -> Console:
    console: Console = request.app.state.console
    return console


ConsoleDep = Annotated[Console, Depends(get_console)]


async def get_session(request: Request, console: ConsoleDep) -> ConsoleSession:
    return console.sessions.read(request)


SessionDep = Annotated[ConsoleSession, Depends(get_session)]


async def signed_in(request: Request, session: SessionDep) -> Principal:
    """The signed-in user, known to the refusal log as the API's caller is."""
    if session.principal is None:
        raise NotSignedInError
    request.state.principal = session.principal
    return session.principal


SignedIn = Annotated[Principal, Depends(signed_in)]


async def posted_form(request: Request, session: SessionDep) -> FormInput:
    """The form's fields, once its CSRF token is this session's."""
    form = await request.form()
    items = [(key, value) for key, value in form.multi_items() if isinstance(value, str)]
    posted = FormInput(items)
    if not session.token_matches(posted.get("csrf_token")):
        raise CsrfError
    return posted


Posted = Annotated[FormInput, Depends(posted_form)]


async def get_reads(request: Request, principal: SignedIn) -> Reads:
    """The access log's writer for this user: console reads are logged as API reads are."""
    return Reads.of(request, principal)


ConsoleReads = Annotated[Reads, Depends(get_reads)]
