"""The aggregate cache: each process keeps persons decoded, and still sees every write."""

import sys
from datetime import date
from threading import Barrier, Thread

from dsr_core.domain.care_record import Views
from dsr_core.domain.errors import DsrError
from dsr_core.person.aggregate import Stamp
from dsr_core.process.bootstrap import build_registers
from dsr_core.service import commands as cmd
from dsr_core.service.caller import Caller
from dsr_core.service.registers import Registers
from tests.conftest import SettingsFactory
from tests.support import factories as f
from tests.support.stages import accepted


def views(text: str) -> cmd.RecordViews:
    return cmd.RecordViews(recorded_on=date(2025, 2, 1), person=text)


def test_a_cached_person_shows_a_change_made_by_another_process(
    app: Registers, make_settings: SettingsFactory
) -> None:
    person_id = accepted(app)
    app.get_person(person_id)  # now cached here
    other = build_registers(make_settings())
    try:
        other.execute(person_id, views("Near my sister"), Caller.of(f.LEAD))
    finally:
        other.close()
    person = app.get_person(person_id)
    assert person.views is not None and person.views.person == "Near my sister"
    app.execute(person_id, views("Back home"), Caller.of(f.LEAD))  # no version clash either
    assert app.get_person(person_id).version == person.version + 1


def test_changing_a_loaded_person_without_saving_leaves_the_cache_untouched(
    app: Registers,
) -> None:
    """A command that fails after changing its copy (a rule, a clash) must leave no trace."""
    person_id = accepted(app)
    loaded = app.get_person(person_id)
    by = Stamp(actor=f.LEAD, recorded_at=app.now(), today=app.today())
    loaded.record_views(views=Views(person="Never saved"), recorded_on=date(2025, 2, 1), by=by)
    again = app.get_person(person_id)
    assert again.views is None
    assert again.version == loaded.version - 1 and not again.pending_events


def test_the_cache_can_be_turned_off(make_settings: SettingsFactory) -> None:
    registers = build_registers(make_settings(aggregate_cache_size=0))
    try:
        assert registers.repository.cache is None
        person_id = accepted(registers)
        registers.execute(person_id, views("Near my sister"), Caller.of(f.LEAD))
        assert registers.get_person(person_id).views is not None
    finally:
        registers.close()


def test_threads_changing_one_person_each_see_a_whole_version(app: Registers) -> None:
    """Eight threads record views on one person at once: every acknowledged write is in
    the history once, and every person read matches the history up to its version."""
    person_id = accepted(app)
    start = Barrier(8)
    acknowledged: list[str] = []
    reads: list[tuple[int, str | None]] = []
    failures: list[BaseException] = []

    def work(index: int) -> None:
        try:
            start.wait()
            for n in range(10):
                text = f"thread {index} view {n}"
                try:
                    app.execute(person_id, views(text), Caller.of(f.LEAD))
                except DsrError:
                    continue  # lost a race: a version clash, reported to the caller
                acknowledged.append(text)
                person = app.get_person(person_id)
                reads.append((person.version, person.views.person if person.views else None))
        except BaseException as error:  # a thread's failure must fail the test
            failures.append(error)

    threads = [Thread(target=work, args=(i,)) for i in range(8)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to expose races
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        sys.setswitchinterval(interval)
    assert not failures
    history = app.history(person_id)
    recorded = [e.data["views"]["person"] for e in history if "views" in e.data]
    assert acknowledged and sorted(recorded) == sorted(acknowledged)
    for version, seen in reads:
        latest = [e.data["views"]["person"] for e in history[:version] if "views" in e.data]
        assert seen == latest[-1]


MUTATORS = {"append", "extend", "insert", "pop", "remove", "clear", "update", "add", "discard"}


def test_no_person_code_changes_a_list_or_dict_in_place() -> None:
    """The cache hands out shallow copies (repository.py), so a Person's containers are
    shared with the cached one: every change must assign a new container, never mutate."""
    import ast
    from pathlib import Path

    import dsr_core

    modules = sorted((Path(dsr_core.__file__).parent / "person").rglob("*.py"))
    assert len(modules) > 10  # the Person's package: state, commands, events
    found = []
    for module in modules:
        for node in ast.walk(ast.parse(module.read_text())):
            target = None
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                if node.func.attr in MUTATORS:
                    target = node.func.value
            elif isinstance(node, ast.AugAssign) and not isinstance(node.value, ast.Constant):
                target = node.target  # `+=` extends a list in place; a count is rebound
            elif isinstance(node, ast.Assign | ast.Delete):
                for each in node.targets:
                    if isinstance(each, ast.Subscript):
                        target = each.value
            if (
                isinstance(target, ast.Attribute)
                and isinstance(target.value, ast.Name)
                and target.value.id in ("person", "self")
                and not target.attr.startswith("_")
            ):
                found.append(f"{module}:{target.lineno}")
    assert found == []
