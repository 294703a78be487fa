"""The code lists dsr accepts, each with its source and version (docs/domain.md)."""

from typing import Any

from fastapi import APIRouter, HTTPException

from dsr_core.domain.code_lists import code_lists
from dsr_http.deps import AnyRole
from dsr_http.problems import RESPONSES

router = APIRouter(prefix="/v1/code-lists", tags=["code lists"], responses=RESPONSES)


def _describe(name: str, with_codes: bool) -> dict[str, Any]:
    entry = code_lists()[name]
    shown: dict[str, Any] = {
        "name": name,
        "title": entry.title,
        "source": entry.source,
        "version": entry.version,
        "url": entry.url or None,
        "scheme": entry.scope,
        "replaced_by": entry.maps_to_list,
    }
    if with_codes:
        shown["codes"] = [
            {
                "code": code,
                "label": label,
                "group": entry.group(code),
                "maps_to": entry.maps_to.get(code),
            }
            for code, label in entry.codes.items()
        ]
    return shown


@router.get("", operation_id="listCodeLists")
def list_code_lists(principal: AnyRole) -> list[dict[str, Any]]:
    """Every list: its name, source and version."""
    return [_describe(name, with_codes=False) for name in code_lists()]


@router.get("/{name}", operation_id="getCodeList")
def get_code_list(name: str, principal: AnyRole) -> dict[str, Any]:
    """One list with its codes, labels, (for Scotland's delays) reporting groups and (for a
    retired list) the successor's code of the same meaning, where there is one."""
    if name not in code_lists():
        raise HTTPException(status_code=404, detail=f"No code list named {name!r}.")
    return _describe(name, with_codes=True)
