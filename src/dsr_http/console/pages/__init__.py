"""The console's pages, one router per task."""

from dsr_http.console.pages import (
    audit,
    creating,
    dashboard,
    emergency,
    inpatients,
    national,
    panel,
    person,
    problem_types,
    record,
    referrals,
    register,
    signin,
)

ROUTERS = [
    signin.router,
    register.router,
    referrals.router,
    creating.router,
    record.router,
    person.router,
    inpatients.router,
    dashboard.router,
    panel.router,
    national.router,
    audit.router,
    emergency.router,
    problem_types.router,
]
