"""Who reads which sections of a record (issue 28): one place that the API's reads, the
console's pages and every command ask, so every way out obeys the same policy.

Staff roles are unchanged (their routes say which roles may come); a partner's role may
reach a person's record, its history and the commands its policy lists, and sees only
its sections. Lists, exports, the FHIR bundle and the event feed stay closed to partners
(their routes do not name the role).
"""

from __future__ import annotations

from functools import cache

import structlog

from dsr_core.domain.codes import Role
from dsr_core.domain.sections import (
    EVENTS,
    PartnerPolicy,
    Section,
    policies_from,
    refused_fields,
    refused_sections,
)
from dsr_http.auth import Principal
from dsr_http.config import HttpSettings
from dsr_http.problems import ForbiddenError

log = structlog.get_logger("dsr.access")


@cache
def policies() -> dict[str, PartnerPolicy]:
    """The deployment's partner policies (DSR_SECTION_POLICIES), or dsr's defaults."""
    return policies_from(HttpSettings().section_policies)


def refused(principal: Principal) -> frozenset[Section]:
    if principal.role is not Role.PARTNER:
        return frozenset()
    return refused_sections(policies().get(principal.organisation or ""))


def hidden_fields(principal: Principal) -> frozenset[str]:
    """The record's fields this reader does not get (absent from the API's answer)."""
    sections = refused(principal)
    if sections:
        log.info(
            "sections_refused",
            role=str(principal.role),
            organisation=principal.organisation,
            sections=sorted(sections),
        )
    return refused_fields(sections)


def shows_event(principal: Principal, event_type: str) -> bool:
    """A history shows a partner only the events of its sections (an event of no known
    section is shown to nobody but staff)."""
    sections = refused(principal)
    if not sections:
        return True
    section = EVENTS.get(event_type)
    return section is not None and section not in sections


def may_send(principal: Principal, path: str) -> bool:
    """A partner's policy lists the command (its route's path under the person)."""
    policy = policies().get(principal.organisation or "")
    return policy is not None and path in policy.commands


def check_command(principal: Principal, path: str) -> None:
    """A partner sends only the commands its policy lists. Raises ForbiddenError."""
    if principal.role is Role.PARTNER and not may_send(principal, path):
        log.info("command_refused", role=str(principal.role), organisation=principal.organisation)
        raise ForbiddenError("Your organisation's access does not include this.")
