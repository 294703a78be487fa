import gc
from collections.abc import Iterator

import pytest

from dsr_core.process.tuning import YOUNG_THRESHOLD, tune_garbage_collection


@pytest.fixture
def restored_gc() -> Iterator[None]:
    threshold = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*threshold)


def test_tuning_collects_less_often_and_keeps_start_up_objects_out_of_collections(
    restored_gc: None,
) -> None:
    tune_garbage_collection()
    assert gc.get_threshold()[0] == YOUNG_THRESHOLD
    assert gc.get_freeze_count() > 0


def test_library_and_server_logs_are_json_lines(capsys: pytest.CaptureFixture[str]) -> None:
    import json
    import logging

    from dsr_core.process.logging import configure_logging

    configure_logging()
    logging.getLogger("uvicorn.error").info("Uvicorn running on %s", "http://127.0.0.1:8000")
    logging.getLogger("apscheduler.scheduler").warning("Scheduler started")
    lines = [line for line in capsys.readouterr().err.splitlines() if line.strip()]
    records = [json.loads(line) for line in lines]
    assert [r["event"] for r in records] == [
        "Uvicorn running on http://127.0.0.1:8000",
        "Scheduler started",
    ]
    assert records[0]["logger"] == "uvicorn.error" and records[1]["level"] == "warning"
