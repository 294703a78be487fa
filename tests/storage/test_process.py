import gc
from collections.abc import Iterator

import pytest

from dsr_core.process import YOUNG_THRESHOLD, tune_garbage_collection


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
