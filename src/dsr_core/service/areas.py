"""Per-area configuration: which national scheme an area rates in, and its local settings.

domain.md: "Where a rule varies between areas, it is a setting with the default given
here, never a constant buried in code."
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import Field

from dsr_core.domain.code_lists import code_list
from dsr_core.domain.codes import Scheme
from dsr_core.domain.errors import UnknownAreaError
from dsr_core.domain.values import Rating, ValueObject
from dsr_core.person.cadence_policy import CadencePolicy
from dsr_core.service.reminders import ReminderPolicy

SCOTTISH_PREFIX = "S37"


class AreaPolicy(ValueObject):
    """One area's settings; defaults follow domain.md."""

    code: str
    scheme: Scheme
    post_discharge_rating: Rating | None = Field(
        default=None,
        description="Rating given on discharge when none is entered (some areas use Red).",
    )
    retention_years: int = Field(default=6, ge=1, le=100)
    cadences: CadencePolicy = CadencePolicy()
    reminders: ReminderPolicy = ReminderPolicy()
    disclosure_profile: str = Field(default="", description="Empty: by nation.")
    discharge_plan_items: dict[str, str] = Field(
        default_factory=lambda: dict(code_list("discharge_plan_item").codes),
        min_length=1,
        description="The discharge plan's items, code to label (default: dsr's 12 items, "
        "modelled on Humber's 12-point plan)",
    )
    local_authorities: tuple[str, ...] = Field(
        default=(),
        description="Local authority codes the area covers, where dsr's geography table has "
        "none (docs/domain.md, Geography)",
    )
    emergency_access_minutes: int = Field(
        default=120,
        ge=5,
        le=24 * 60,
        description="How long an emergency ('break glass') grant to a user of another area "
        "lasts (issue 28)",
    )
    k_anonymity: int = Field(
        default=5,
        ge=2,
        le=50,
        description="Floor for k in record-level extracts; a request may raise it, never lower.",
    )

    @property
    def disclosure(self) -> str:
        """nhs_england_lda or phs_scotland unless the area configures otherwise (domain.md:
        the learning-disability publication's rule, not the hospital-episode one)."""
        if self.disclosure_profile:
            return self.disclosure_profile
        return "phs_scotland" if self.scheme is Scheme.SCOTLAND_COMING_HOME else "nhs_england_lda"


def default_scheme_for(code: str) -> Scheme:
    """Scottish Integration Authorities (S37) use Coming Home; English areas use the RAG."""
    return Scheme.SCOTLAND_COMING_HOME if code.startswith(SCOTTISH_PREFIX) else Scheme.ENGLAND_RAG


class AreaDirectory:
    """Looks up an area's policy: configured overrides first, then national defaults."""

    def __init__(self, overrides: Mapping[str, Mapping[str, object]] | None = None) -> None:
        self._policies: dict[str, AreaPolicy] = {}
        for code, values in (overrides or {}).items():
            merged = {"code": code, "scheme": default_scheme_for(code), **values}
            self._policies[code] = AreaPolicy.model_validate(merged)

    def local_authorities(self) -> dict[str, tuple[str, ...]]:
        """Configured local authorities of areas, for the geography (geography.locate)."""
        return {c: p.local_authorities for c, p in self._policies.items() if p.local_authorities}

    def policy(self, code: str) -> AreaPolicy:
        try:
            return self._policies[code]
        except KeyError:
            if len(code) != 9:
                raise UnknownAreaError(f"No area with code {code!r}.", field="area") from None
            return AreaPolicy(code=code, scheme=default_scheme_for(code))
