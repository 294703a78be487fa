"""Claims to roles and areas, as configuration: a deployment's mapping file, not code.

An NHS deployment maps CIS2's national role-based access codes and organisation (ODS)
codes; a council's maps Entra ID app roles or groups. The file is TOML, read once at
start; its rules are tried in order and the first that matches names the role and areas.
A user whom no rule matches has no access (the console says so; the API answers 401).

    [[rule]]
    role = "lead"
    areas = ["E54000048"]
    within = "nhsid_nrbac_roles"      # optional: one element of this list claim must match
    [rule.claims]
    role_code = ["S8000:G8000:R8001"]
    org_code = ["QE1"]

Each `[rule.claims]` entry names a claim and the values that match it: a text claim
matches when it is one of them, a list claim when it holds one of them; every entry must
match. With `within`, the claims are those of one element of that list claim (CIS2 puts
each of a user's roles, with its organisation, in one element of `nhsid_nrbac_roles`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from dsr_core.domain.codes import Role
from dsr_core.domain.inputs import text_problem
from dsr_core.domain.sections import policies_from
from dsr_http.auth import Principal
from dsr_http.config import HttpSettings

SIGNS_IN = frozenset(Role) - {Role.SYSTEM}
AREA_CODE = re.compile(r"^[ES][0-9]{8}$")


class ClaimRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: Role
    areas: tuple[str, ...] = Field(min_length=1)
    within: str | None = None
    claims: dict[str, tuple[str, ...]] = Field(min_length=1)
    organisation_type: str | None = None
    """For a partner: its organisation type, which names its section policy."""

    @model_validator(mode="after")
    def _partner_names_its_type(self) -> ClaimRule:
        if (self.role is Role.PARTNER) != (self.organisation_type is not None):
            raise ValueError("a partner rule names its organisation_type, and only a partner's")
        return self

    @field_validator("role")
    @classmethod
    def _people_only(cls, role: Role) -> Role:
        if role not in SIGNS_IN:
            raise ValueError("the system role is dsr's own, not a person's")
        return role

    @field_validator("areas")
    @classmethod
    def _area_codes(cls, areas: tuple[str, ...]) -> tuple[str, ...]:
        wrong = [a for a in areas if not AREA_CODE.match(a)]
        if wrong:
            raise ValueError(f"not ONS area codes (E54000048, S37000017...): {', '.join(wrong)}")
        return areas

    def matches(self, claims: Mapping[str, Any]) -> bool:
        if self.within is None:
            return self._all_match(claims)
        elements = claims.get(self.within)
        if not isinstance(elements, list):
            return False
        return any(isinstance(e, Mapping) and self._all_match(e) for e in elements)

    def _all_match(self, claims: Mapping[str, Any]) -> bool:
        return all(_holds(claims.get(name), wanted) for name, wanted in self.claims.items())


def _holds(value: Any, wanted: Sequence[str]) -> bool:
    if isinstance(value, str):
        return value in wanted
    if isinstance(value, list):
        return any(isinstance(v, str) and v in wanted for v in value)
    return False


class ClaimsMapError(ValueError):
    """The mapping file cannot be used: it says where and why."""


class ClaimsMap(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    rule: tuple[ClaimRule, ...] = Field(min_length=1)

    @classmethod
    def load(cls, path: Path) -> ClaimsMap:
        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except OSError as error:
            raise ClaimsMapError(f"DSR_CLAIMS_MAP: cannot read {path}: {error.strerror}") from None
        except tomllib.TOMLDecodeError as error:
            raise ClaimsMapError(f"DSR_CLAIMS_MAP: {path} is not TOML: {error}") from None
        try:
            return cls.model_validate(raw)
        except ValidationError as error:
            first = error.errors()[0]
            where = ".".join(str(p) for p in first["loc"])
            raise ClaimsMapError(f"DSR_CLAIMS_MAP: {path}: {where}: {first['msg']}") from None

    def principal(self, claims: Mapping[str, Any]) -> Principal | None:
        """The role and areas of the first rule the claims match; None when none does."""
        sub = claims.get("sub")
        if not isinstance(sub, str) or not sub or len(sub) > 200:
            return None
        if text_problem(sub, free_text=False):
            return None
        for rule in self.rule:
            if rule.matches(claims):
                return Principal(
                    sub=sub,
                    role=rule.role,
                    areas=frozenset(rule.areas),
                    organisation=rule.organisation_type,
                )
        return None


def claims_map_of(http: HttpSettings) -> ClaimsMap | None:
    """The deployment's mapping, when it has one. Raises ClaimsMapError (it says why)."""
    if http.claims_map is None:
        if http.oidc_issuer:
            raise ClaimsMapError(
                "DSR_OIDC_ISSUER is set but DSR_CLAIMS_MAP is not: single sign-on needs the "
                "file that maps the provider's claims to dsr roles and areas."
            )
        return None
    mapping = ClaimsMap.load(http.claims_map)
    known = policies_from(http.section_policies)
    for number, rule in enumerate(mapping.rule):
        if rule.organisation_type is not None and rule.organisation_type not in known:
            raise ClaimsMapError(
                f"DSR_CLAIMS_MAP: {http.claims_map}: rule.{number}.organisation_type: "
                f"{rule.organisation_type!r} has no section policy (known: {', '.join(known)})"
            )
    return mapping
