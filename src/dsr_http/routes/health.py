"""Operations: liveness, readiness (database and projection lag) and Prometheus metrics."""

from concurrent.futures import ThreadPoolExecutor
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request, Response
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from dsr_http.deps import HttpSettingsDep, RunnerDep

router = APIRouter(tags=["operations"])

READY_WITHIN_SECONDS = 0.8
"""A load balancer asks /readyz often and briefly: a database that does not answer in this
time is not ready (issue 30: a paused PostgreSQL held /readyz for over 5 s)."""
_PROBES = ThreadPoolExecutor(max_workers=2, thread_name_prefix="readyz")
"""Bounded: probes stuck on a dead connection queue here instead of taking more threads."""


@router.get("/healthz", operation_id="healthz")
def healthz() -> dict[str, str]:
    """The process is alive."""
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="readyz",
    responses={
        503: {
            "description": "Not ready: the database does not answer, or a read model is "
            "behind its limit or stopped at an event (the same JSON shape, `status` saying "
            "which)",
            "content": {"application/json": {"schema": {"type": "object"}}},
        }
    },
)
def readyz(
    runner: RunnerDep,
    http: HttpSettingsDep,
    response: Response,
    max_lag: Annotated[
        int | None,
        Query(ge=0, description="A stricter lag limit for this check (0: fully caught up)"),
    ] = None,
) -> dict[str, Any]:
    """The database answers, no projection is stopped at an event, and every one is within
    its lag limit; `failed` names a stopped projection and the log position it is stuck at."""
    try:
        probe = _PROBES.submit(lambda: (runner.lag(), runner.failures()))
        lags, failures = probe.result(timeout=READY_WITHIN_SECONDS)
    except Exception:  # unreachable, or not answering in time
        response.status_code = 503
        return {"status": "unavailable", "database": "unreachable"}
    limit = http.ready_max_lag if max_lag is None else min(max_lag, http.ready_max_lag)
    behind = {lag.name: lag.behind for lag in lags}
    failed = {
        f.name: {"position": f.position, "error": f.error, "attempts": f.attempts, "since": f.since}
        for f in failures
    }
    ready = not failed and all(b <= limit for b in behind.values())
    response.status_code = 200 if ready else 503
    status = "ready" if ready else ("failing" if failed else "lagging")
    return {"status": status, "lag": behind, "lag_limit": limit, "failed": failed}


@router.get("/metrics", operation_id="metrics", include_in_schema=False)
def metrics(request: Request) -> Response:
    """Prometheus text format: request counts and latency, projection positions and lag."""
    return Response(
        generate_latest(request.app.state.services.metrics.registry), media_type=CONTENT_TYPE_LATEST
    )
