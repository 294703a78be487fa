"""Where the console joins the API's application: its assets and every page's router.

Apart from app.py, which the pages import (through deps.py): the app knows no page.
"""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles
from starlette.middleware.gzip import GZipMiddleware

from dsr_http.console.app import STATIC
from dsr_http.console.pages import ROUTERS


def install(app: FastAPI) -> None:
    """Mount the assets (compressed on the wire) and every page's router."""
    app.mount("/assets", GZipMiddleware(StaticFiles(directory=STATIC)), name="console-assets")
    for router in ROUTERS:
        app.include_router(router)
