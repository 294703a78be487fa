"""Where each role can go: the header's links, and the page each role starts on.

The links follow the API's role tuples (dsr_http.deps), so the console never offers a
page that would be refused; the pages check again all the same.
"""

from __future__ import annotations

from dataclasses import dataclass

from dsr_core.domain.codes import Role
from dsr_http.auth import Principal
from dsr_http.deps import AGGREGATES, AUDITORS, PLANNERS, PRACTICE


@dataclass(frozen=True)
class NavItem:
    href: str
    text: str
    roles: tuple[Role, ...]


NAVIGATION = (
    NavItem("/register", "Register", PRACTICE),
    NavItem("/referrals", "Referrals", PRACTICE),
    NavItem("/inpatients", "Inpatients", PLANNERS),
    NavItem("/dashboard", "Dashboard", AGGREGATES),
    NavItem("/panel", "Panel pack", PRACTICE),
    NavItem("/national", "National", (Role.LEAD, Role.ANALYST, Role.NATIONAL)),
    NavItem("/audit", "Audit", AUDITORS),
    NavItem(
        "/emergency-access",
        "Emergency access",
        (Role.PRACTITIONER, Role.LEAD, Role.COMMISSIONER, Role.AUDITOR),
    ),
)


def navigation(principal: Principal | None) -> list[NavItem]:
    if principal is None:
        return []
    return [item for item in NAVIGATION if principal.role in item.roles]


def start_page(principal: Principal) -> str:
    """The first page a role can use; a role with none lands on a page that says so."""
    items = navigation(principal)
    return items[0].href if items else "/no-pages"
