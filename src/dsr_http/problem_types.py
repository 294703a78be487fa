"""Every problem type the service answers with, for RFC 9457's `type`: an absolute URI
that a person can open (`/problems/{slug}`) to read what it means and what to do.

Register refusals come from the domain's errors (their `slug`, `title` and docstring);
the rest are the HTTP layer's own. A test checks that every `type` the API sends is here.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from functools import cache

from starlette.datastructures import URL

from dsr_core.domain import errors
from dsr_core.service import idempotency


@dataclass(frozen=True)
class ProblemType:
    slug: str
    title: str
    status: int
    means: str
    to_do: str


_HTTP = (
    ProblemType(
        "validation",
        "The request is not valid",
        422,
        "A field is missing, of the wrong type or outside what the register accepts.",
        "Correct each field `errors` names (a dotted path into the body or the query) and "
        "send the request again; nothing was recorded.",
    ),
    ProblemType(
        "unknown-query-parameter",
        "Unknown query parameter",
        400,
        "The address names a query parameter this operation does not take, perhaps misspelt: "
        "answering without it would give a different list from the one asked for.",
        "Use only the parameters `detail` lists (they are in the OpenAPI document too).",
    ),
    ProblemType(
        "malformed-body",
        "The body is not well-formed JSON",
        400,
        "The request body could not be read as JSON (or a key appears twice in an object).",
        "Send one JSON object with each key once, as the operation's schema describes.",
    ),
    ProblemType(
        "unauthenticated",
        "A valid bearer token is required",
        401,
        "No bearer token was sent, or it has expired, or the server cannot verify it.",
        "Get a token from your organisation's identity provider (or `dsr token` in embedded "
        "mode) and send it as `Authorization: Bearer ...`.",
    ),
    ProblemType(
        "not-found",
        "Not found",
        404,
        "Nothing is served at this path, or what it names is not in your areas.",
        "Check the address against docs/api.md or the OpenAPI document at /openapi.json.",
    ),
    ProblemType(
        "method-not-allowed",
        "Method not allowed",
        405,
        "This path does not take that HTTP method.",
        "Use one of the methods the `Allow` header lists.",
    ),
    ProblemType(
        "body-too-large",
        "Request body too large",
        413,
        "The body is larger than the server accepts (`DSR_MAX_BODY_BYTES`).",
        "Send a smaller body; a large spreadsheet is imported with `dsr import` instead.",
    ),
    ProblemType(
        "headers-too-large",
        "Request headers too large",
        431,
        "The request's headers together are larger than the server accepts.",
        "Send fewer or shorter headers (a very long cookie or token is the usual cause).",
    ),
    ProblemType(
        "http-error",
        "The request could not be served",
        400,
        "The operation refused the request for the reason `detail` gives.",
        "Read `detail`; it names what to change.",
    ),
    ProblemType(
        "unavailable",
        "The database is unavailable; try again shortly",
        503,
        "The service could not reach its database in time. A request refused while the "
        "database was known to be away recorded nothing; one already waiting when it went "
        "away may be recorded when it returns (`detail` says which).",
        "Wait the seconds `Retry-After` gives and send the same request again, with the same "
        "Idempotency-Key so it cannot be recorded twice.",
    ),
    ProblemType(
        "internal",
        "Something went wrong; it has been logged",
        500,
        "An unexpected error; nothing half-done was recorded.",
        "Quote the response's X-Request-ID to your service desk when you report it.",
    ),
)


STATUS: dict[type[errors.DsrError], int] = {
    errors.PersonNotFoundError: 404,
    errors.AreaNotAllowedError: 403,
    errors.PersonErasedError: 410,
    errors.RecordIntegrityError: 409,
    errors.VersionMismatchError: 412,
    errors.ConcurrentWriteError: 409,
    errors.DuplicateReferralError: 409,
    errors.UnknownAreaError: 422,
    errors.InvalidInputError: 422,
    idempotency.IdempotencyKeyReusedError: 422,
    idempotency.IdempotencyKeyExpiredError: 422,
    errors.DomainRuleError: 409,
}
"""The HTTP status of each kind of register error (and its subclasses)."""


def status_of(kind: type[errors.DsrError]) -> int:
    """The HTTP status of a register error: the API's answer, and the console's page."""
    return next((STATUS[k] for k in kind.__mro__ if k in STATUS), 400)


_TO_DO = {
    400: "Read `detail`; it names what to change.",
    403: "Ask a DSR lead for the role or area, or act through an area you hold.",
    404: "Check the id; a person outside your areas is answered as not found.",
    409: "Nothing was recorded. Read `detail` and the record's history; correct the command "
    "(or record what has to come first) and send it again.",
    410: "Refer the person as a new person if they need the register again.",
    412: "Read the record again (its ETag is the current version), check what changed, and "
    "send your change with the new version in If-Match.",
    422: "Correct the field `errors` names and send the request again; nothing was recorded.",
}


def _domain_types() -> list[ProblemType]:
    """One per `slug` the register's errors use; the most general error of a slug explains it."""
    found: dict[str, ProblemType] = {}
    waiting: list[type[errors.DsrError]] = list(errors.DsrError.__subclasses__())
    while waiting:
        kind = waiting.pop(0)
        waiting.extend(kind.__subclasses__())
        if kind.slug in found:
            continue
        own = inspect.getdoc(kind) if vars(kind).get("__doc__") else None
        parent = next(base for base in kind.__mro__[1:] if vars(base).get("__doc__"))
        means = own or f"{kind.title}. {inspect.getdoc(parent)}"
        status = status_of(kind)
        found[kind.slug] = ProblemType(kind.slug, kind.title, status, means, _TO_DO[status])
    return list(found.values())


@cache
def problem_types() -> dict[str, ProblemType]:
    """Every problem type by slug, the HTTP layer's own first (built once)."""
    types = {t.slug: t for t in _HTTP}
    for found in _domain_types():
        types.setdefault(found.slug, found)
    return dict(sorted(types.items()))


def type_uri(base: URL | str, slug: str) -> str:
    """The absolute `type` of a problem, on the server that answered (RFC 9457 §3.1.1)."""
    return f"{str(base).rstrip('/')}/problems/{slug}"
