"""Misconfiguration in one line (issue 29): the variable, the problem and the fix, never
a traceback. The `dsr` command catches what a wrong setting raises as it starts and says
which `DSR_*` variable to change; unknown `DSR_*` names are warned about with the nearest
known one."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterable, Mapping
from urllib.parse import urlsplit

from pydantic import ValidationError

from dsr_core.domain.sections import SectionPolicyError
from dsr_core.process.settings import Settings
from dsr_core.storage.event_mac_migration import UnsignedStoreError
from dsr_http.config import HttpSettings
from dsr_http.identity.claims import ClaimsMapError

SETTINGS_CLASSES: tuple[type, ...] = (Settings, HttpSettings)
TEST_ONLY = frozenset({"DSR_CHROMIUM", "DSR_CHROMEDRIVER", "DSR_REQUIRE_BROWSER",
                       "DSR_SCREENSHOTS_DIR", "DSR_REQUIRE_POSTGRES", "DSR_TEST_DATABASE_URL",
                       "DSR_DB_PASSWORD"})  # fmt: skip
"""Variables the test suite and compose.yaml read (docs/console.md, compose.yaml), not
the service: not warned about."""
MODEL_SETTING = {"AreaPolicy": "DSR_AREA_SETTINGS", "CadencePolicy": "DSR_AREA_SETTINGS"}


def known_names() -> frozenset[str]:
    from dsr_scheduler.config import SchedulerSettings

    names = {
        f"DSR_{name.upper()}"
        for cls in (*SETTINGS_CLASSES, SchedulerSettings)
        for name in cls.model_fields  # type: ignore[attr-defined]
    }
    return frozenset(names) | TEST_ONLY


def unknown_settings(environ: Mapping[str, str] | None = None) -> Iterable[str]:
    """A warning for each DSR_* variable no setting reads, with the nearest known name."""
    known = known_names()
    for name in sorted(environ if environ is not None else os.environ):
        if name.startswith("DSR_") and name not in known:
            near = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            hint = f" (did you mean {near[0]}?)" if near else ""
            yield f"dsr: warning: {name} is not a dsr setting and is ignored{hint}"


def describe(error: BaseException) -> str | None:
    """One line for a configuration error; None for anything else (a real bug)."""
    if isinstance(error, ClaimsMapError | SectionPolicyError | UnsignedStoreError):
        return str(error)
    if isinstance(error, ValidationError):
        first = error.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        variable = MODEL_SETTING.get(error.title)
        if variable is None:  # a settings class: the first part of the place is the setting
            head, _, rest = where.partition(".")
            variable, where = f"DSR_{head.upper()}", rest
        place = f" at {where}" if where else ""
        return f"{variable}{place}: {first['msg'].lower()} (docs/operations.md, Configuration)"
    if type(error).__name__ == "OperationalError" and os.environ.get("DSR_DATABASE_URL"):
        url = urlsplit(os.environ["DSR_DATABASE_URL"])
        where = f"{url.hostname or 'localhost'}:{url.port or 5432}{url.path}"
        return (
            f"DSR_DATABASE_URL: cannot reach PostgreSQL at {where} ({str(error).strip()}); "
            "check the host, port, database, user and password, and that it is running"
        )
    return None
