"""Rules of the care record's entries added in issue 27: a C(E)TR's findings by key
question, and who manages a risk factor."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from dsr_core.domain.code_lists import code_list
from dsr_core.domain.codes import ReviewKind, RiskFactor
from dsr_core.domain.errors import InvalidInputError


def check_findings(kind: ReviewKind, findings: Mapping[str, str]) -> None:
    """Findings are a C(E)TR's, one per key question of the list. Raises InvalidInputError."""
    if findings and kind not in (ReviewKind.CETR, ReviewKind.COMMUNITY_CETR):
        raise InvalidInputError("Only a C(E)TR records findings by key question.", field="findings")
    questions = code_list("cetr_key_question").codes
    for key in findings:
        if key not in questions:
            raise InvalidInputError(
                f"{key!r} is not a C(E)TR key question (GET /v1/code-lists/cetr_key_question).",
                field=f"findings.{key}",
            )


def check_current_risk(factor: RiskFactor, current: Sequence[RiskFactor]) -> None:
    """Management is recorded for a risk factor on the record now. Raises InvalidInputError."""
    if factor not in current:
        raise InvalidInputError(
            f"{factor.value!r} is not a current risk factor of this person: record it first "
            "(POST /risk-factors or a rating change).",
            field="risk_factor",
        )
