"""The register's name order: labels in the names' order, stored without the names
(issue 17; name_order.py)."""

from __future__ import annotations

import base64
from datetime import date
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from dsr_projections.bootstrap import build_runner
from dsr_projections.engine.runner import ProjectionRunner
from dsr_projections.register.entries import RegisterProjection
from dsr_projections.register.name_order import AreaOrder, name_key
from dsr_projections.register.queries import RegisterQuery, query_register
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import accepted, referred

TODAY = date(2025, 3, 1)

names = st.text(alphabet="abcAB", min_size=1, max_size=4)
steps = st.lists(
    st.tuples(st.sampled_from(["place", "remove"]), st.integers(0, 30), names), max_size=200
)


@settings(max_examples=200, deadline=None)
@given(steps)
def test_labels_always_follow_the_names_and_every_change_is_reported(
    ops: list[tuple[str, int, str]],
) -> None:
    order = AreaOrder(generation=0)
    stored: dict[str, int] = {}  # what the table would hold: labels as reported
    for op, who, name in ops:
        person = f"p{who:02d}"
        changed: dict[str, int] = {}
        if op == "place":
            order.place(person, name, changed)
        else:
            order.remove(person)
            stored.pop(person, None)
        stored.update(changed)
        assert order.keys == sorted(order.keys)
        assert all(a < b for a, b in zip(order.labels, order.labels[1:], strict=False))
        # The stored labels, read back in label order, are the people in name order.
        assert sorted(stored, key=lambda p: (stored[p], p)) == [p for _, p in order.keys]


def test_inserting_again_and_again_at_one_place_relabels_a_few_rows_not_the_area() -> None:
    order = AreaOrder(generation=0)
    changed: dict[str, int] = {}
    for n in range(1000):
        order.place(f"a{n:04d}", f"m{n:04d}", changed)
    rewritten = 0
    for n in range(200):  # each new name falls just after the last: gaps halve each time
        changed = {}
        order.place(f"b{n:04d}", f"m0500{n:04d}", changed)
        rewritten += len(changed)
    assert all(a < b for a, b in zip(order.labels, order.labels[1:], strict=False))
    assert rewritten < 200 * 20  # amortised: far fewer than the area's 1,200 rows each time


def test_names_order_by_family_then_given_name_whatever_their_case() -> None:
    keys = [name_key("de Souza", "Ann"), name_key("Davies", "Zoe"), name_key("Davies", "amy")]
    assert sorted(keys) == [keys[2], keys[1], keys[0]]


def by_name(runner: ProjectionRunner, limit: int = 2, **filters: object) -> list[str]:
    """Every page of the register by name, followed by cursor: the family names in order."""
    seen: list[str] = []
    cursor = None
    while True:
        page = query_register(
            runner.db,
            RegisterQuery(areas=[f.ENGLISH_AREA], today=TODAY, limit=limit, cursor=cursor),
        )
        seen += [str(r["family_name"]) for r in page.items]
        cursor = page.next_cursor
        if cursor is None:
            return seen


def test_the_register_pages_by_name_through_joins_renames_and_leavers(
    app: Registers, runner: ProjectionRunner
) -> None:
    family = ["Okafor", "adams", "Zhang", "Brown", "murphy", "Evans", "Li"]
    people = {n: accepted(app, seed=700 + i, family_name=n) for i, n in enumerate(family)}
    runner.catch_up()
    assert by_name(runner) == sorted(family, key=str.casefold)

    correct = cmd.CorrectDetails(
        details=f.details(seed=702, family_name="Aaronson"),
        corrected_on=date(2025, 2, 1),
        reason="Name changed.",
    )
    app.execute(people["Zhang"], correct, Caller.of(f.LEAD))
    leaves = cmd.Remove(removed_on=date(2025, 3, 1), reason_code="stable")
    app.execute(people["Evans"], leaves, Caller.of(f.LEAD))
    referred(app, seed=708, family_name="Nash")
    runner.catch_up()
    expected = sorted(
        [n for n in family if n not in ("Zhang", "Evans")] + ["Aaronson", "Nash"], key=str.casefold
    )
    assert by_name(runner) == expected
    assert by_name(runner, limit=50) == expected


def test_a_cursor_carries_a_place_in_the_order_never_a_name(
    app: Registers, runner: ProjectionRunner
) -> None:
    for n in range(3):
        referred(app, seed=720 + n, family_name=f"Distinctive{n}")
    runner.catch_up()
    page = query_register(runner.db, RegisterQuery(areas=[f.ENGLISH_AREA], today=TODAY, limit=1))
    assert page.next_cursor is not None
    decoded = base64.urlsafe_b64decode(page.next_cursor).decode()
    assert "Distinctive" not in decoded
    assert "name_order" not in page.items[0]


def test_another_process_writing_the_register_is_noticed_by_its_generation(
    app: Registers, runner: ProjectionRunner, make_settings: SettingsFactory
) -> None:
    """Two workers in turn (a failover): each trusts its memory only while the area's
    stored generation is its own, so neither labels from a stale order."""
    referred(app, seed=730, family_name="Moss")
    runner.catch_up()
    other = build_runner(make_settings(), app)
    referred(app, seed=731, family_name="Ash")
    referred(app, seed=732, family_name="Zeal")
    other.catch_up()
    other.db.close()
    referred(app, seed=733, family_name="Nadir")
    referred(app, seed=734, family_name="Beck")
    runner.catch_up()
    assert by_name(runner) == ["Ash", "Beck", "Moss", "Nadir", "Zeal"]


def test_a_batch_rolled_back_after_labelling_changes_no_page(
    app: Registers, runner: ProjectionRunner
) -> None:
    accepted(app, seed=740, family_name="Kemp")
    runner.catch_up()
    projection = next(p for p in runner.projections if isinstance(p, RegisterProjection))
    referred(app, seed=741, family_name="Abel")
    head = app.recorder.max_notification_id() or 0
    batch: list[tuple[Any, int]] = [
        (app.mapper.to_domain_event(n), n.id)
        for n in app.recorder.select_notifications(head - 1, 2)
        if n.topic.startswith("dsr_core")
    ]

    class RolledBackError(Exception):
        pass

    try:
        with runner.db.transaction() as cursor:
            projection.process(cursor, batch)  # labels Abel in memory...
            raise RolledBackError  # ...but nothing of it is stored: the next batch writes it
    except RolledBackError:
        pass
    referred(app, seed=742, family_name="Bell")
    runner.catch_up()
    assert by_name(runner) == ["Abel", "Bell", "Kemp"]
