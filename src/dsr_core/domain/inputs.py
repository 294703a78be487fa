"""What people may type: text, days, flags, area codes and national numbers, strictly.

Each is an annotated type that pydantic validates field by field, so a refusal names the
field. Input rules apply to requests only: what the store already holds is read back as
written (`from_store`), so events stored before a rule tightened still replay (issue 10).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime
from typing import Annotated, Any

from pydantic import AfterValidator, BeforeValidator, Field, StrictBool, ValidationInfo

from dsr_core.domain.identifiers import is_valid_chi_number, is_valid_nhs_number, normalise

_AREA_PREFIXES = "S37|E54|E06|E07|E08|E09|E10"
_PLACE_PREFIXES = "S37|S12|E54|E06|E07|E08|E09|E10|W06|N09"


def _gss_pattern(prefixes: str) -> str:
    return rf"^({prefixes})[0-9]{{6}}$"


def _gss_check(prefixes: str, meaning: str) -> AfterValidator:
    """An ONS GSS code with one of `prefixes`, refused in words that say what it should be."""
    pattern = re.compile(_gss_pattern(prefixes))

    def check(code: str) -> str:
        if not pattern.match(code):
            raise ValueError(f"must be an ONS GSS code of {meaning}")
        return code

    return AfterValidator(check)


AreaCode = Annotated[
    str,
    Field(
        examples=["S37000017", "E54000048"],
        pattern=_gss_pattern(_AREA_PREFIXES),
        json_schema_extra={"format": "area-code"},
    ),
    _gss_check(
        _AREA_PREFIXES,
        "a Scottish Integration Authority (S37…) or an English ICB or local area "
        "(E54…, E06… to E10…)",
    ),
]
"""An area that keeps a register, as the ONS GSS code people already use."""

PlaceCode = Annotated[
    str,
    Field(examples=["S12000036", "E08000003", "W06000015"], pattern=_gss_pattern(_PLACE_PREFIXES)),
    _gss_check(
        _PLACE_PREFIXES,
        "a register area (S37…, E54…) or a local authority (Scotland S12…, England E06… to "
        "E10…, Wales W06…, Northern Ireland N09…)",
    ),
]
"""Where a placement is: a register area or a local authority of any UK nation."""

OdsCode = Annotated[
    str,
    Field(pattern=r"^[A-Z0-9]{3,6}$", examples=["RX4", "QHM", "13Q"], max_length=6),
]
"""An organisation's ODS code (NHS trusts and independent providers, ICBs, NHS England's
commissioning hubs), as the national collections identify them."""

PostcodeDistrict = Annotated[
    str,
    Field(pattern=r"^[A-Z]{1,2}[0-9][A-Z0-9]?$", examples=["EH1", "M14", "SW1A"]),
]
"""The outward half of a postcode: precise enough for distance bands, not an address."""


def _check_nhs_number(number: str) -> str:
    digits = normalise(number)
    if not is_valid_nhs_number(digits):
        raise ValueError("is not a valid NHS number (10 digits with a modulus-11 check digit)")
    return digits


def _check_chi_number(number: str) -> str:
    digits = normalise(number)
    if not is_valid_chi_number(digits):
        raise ValueError("is not a valid CHI number (10 digits, DDMMYY prefix, check digit)")
    return digits


NhsNumber = Annotated[
    str,
    AfterValidator(_check_nhs_number),
    Field(
        examples=["9434765919"],
        pattern=r"^[0-9 -]{10,12}$",
        json_schema_extra={"format": "nhs-number"},  # ten digits, the last a mod-11 check
    ),
]
ChiNumber = Annotated[
    str,
    AfterValidator(_check_chi_number),
    Field(
        examples=["0101901003"],
        pattern=r"^[0-9 -]{10,12}$",
        json_schema_extra={"format": "chi-number"},  # DDMMYY, four digits, a mod-11 check
    ),
]


def from_store(info: ValidationInfo) -> bool:
    """True while decoding what is already stored: input rules that came later do not apply,
    so every stored event and snapshot still reads back (issue 10)."""
    return bool(info.context and info.context.get("stored"))


_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
_FREE_TEXT_CONTROLS = frozenset("\t\n\r")


def text_problem(text: str, *, free_text: bool) -> str | None:
    """What makes `text` unfit to store, or None.

    NUL and other control characters break databases, terminals and CSV files; bidi
    overrides make a name display as something else; a lone surrogate cannot be encoded.
    Free text may hold tabs and line breaks, but not Unicode's line and paragraph
    separators (U+2028, U+2029), which split a CSV row or a log line where no line break
    shows. A value of nothing but whitespace and invisible format characters (a
    zero-width space, say) is blank; a byte-order mark (U+FEFF, what a pasted file brings)
    is refused anywhere. Other format characters (a zero-width joiner in an emoji or a
    script) stay where visible text is.
    """
    if not text.strip():
        return "must not be blank"
    if text.isprintable() and text.isascii():
        return None
    if not any(not c.isspace() and unicodedata.category(c) != "Cf" for c in text):
        return "must not be blank (only invisible characters)"
    if "\ufeff" in text:
        return "must not contain a byte-order mark (U+FEFF)"
    if "\u2028" in text or "\u2029" in text:
        return "must not contain line or paragraph separators (U+2028, U+2029)"
    for char in text:
        if free_text and char in _FREE_TEXT_CONTROLS:
            continue
        category = unicodedata.category(char)
        if category == "Cc":
            return "must not contain control characters"
        if category == "Cs":
            return "must not contain unpaired surrogates"
        if char in _BIDI_CONTROLS:
            return "must not contain bidirectional override characters"
    return None


def _short_text(value: str, info: ValidationInfo) -> str:
    if not from_store(info) and (problem := text_problem(value, free_text=False)):
        raise ValueError(problem)
    return value


def _long_text(value: str, info: ValidationInfo) -> str:
    if not from_store(info) and (problem := text_problem(value, free_text=True)):
        raise ValueError(problem)
    return value


_NEVER = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff"
_INVISIBLE = r"\s\u00ad\u200b-\u200f\u2060-\u2064"


def _text_pattern(line_breaks: bool) -> str:
    """`text_problem` as far as a JSON Schema pattern can say it (the document's promise to
    generators and clients): no control, separator, bidi override or byte-order-mark
    character, and at least one visible one. The validator stays the rule."""
    never = _NEVER if line_breaks else _NEVER + r"\t\n\r"
    return f"^[^{never}]*[^{never}{_INVISIBLE}][^{never}]*$"


ShortText = Annotated[
    str,
    Field(min_length=1, max_length=200, json_schema_extra={"pattern": _text_pattern(False)}),
    AfterValidator(_short_text),
]
"""One line of text: a name, an organisation. No control characters."""
LongText = Annotated[
    str,
    Field(min_length=1, max_length=4000, json_schema_extra={"pattern": _text_pattern(True)}),
    AfterValidator(_long_text),
]
"""Free text: tabs and line breaks allowed, other control characters not."""

_ISO_DATE = re.compile(r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$")


def _iso_date_only(value: Any) -> Any:
    """A day is written YYYY-MM-DD: never a Unix timestamp, never a date-time."""
    if isinstance(value, datetime) or not isinstance(value, (str, date)):
        raise ValueError("must be a date written YYYY-MM-DD")
    if isinstance(value, str) and not _ISO_DATE.match(value):
        raise ValueError("must be a date written YYYY-MM-DD")
    return value


Day = Annotated[date, BeforeValidator(_iso_date_only)]
"""A calendar day as people enter it (ISO 8601), strictly."""
Flag = StrictBool
"""true or false, nothing that merely looks like one ("yes", 1)."""

EARLIEST_BIRTH = date(1900, 1, 1)


def _plausible_birth(value: date, info: ValidationInfo) -> date:
    if not from_store(info) and value < EARLIEST_BIRTH:
        raise ValueError(f"must not be before {EARLIEST_BIRTH.isoformat()}")
    return value


BirthDate = Annotated[Day, AfterValidator(_plausible_birth)]

Reference = Annotated[
    str,
    Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9/._-]{0,39}$", examples=["SAR-2026-0142"]),
]
"""A case or request reference: letters, digits and / . _ - only, so it cannot carry a
name or free text; it outlives an erasure in the clear."""
