"""What other packages may ask of the read models: each query owned by its projection.

The scheduler and the snapshots read through these functions, never with SQL of their
own against projection tables (an import contract in pyproject.toml holds them to it).
"""

from dsr_projections.engine.projection import lowest_position
from dsr_projections.feed import read_feed, scoped
from dsr_projections.national.dataset import (
    areas_with_spells,
    census,
    inpatients_on,
    people_in_area_by,
)
from dsr_projections.national.report import Dataset, build_dataset
from dsr_projections.register.inpatients import inpatient_ids, inpatient_list
from dsr_projections.register.queries import people_projected, register_person_ids
from dsr_projections.register.referral_queue import referral_queue
from dsr_projections.register.referrer_told import untold, untold_ids
from dsr_projections.reminders import emergency_grants, reminders_after, reminders_by_stage

__all__ = [
    "Dataset",
    "areas_with_spells",
    "build_dataset",
    "census",
    "emergency_grants",
    "inpatient_ids",
    "inpatient_list",
    "inpatients_on",
    "lowest_position",
    "people_in_area_by",
    "people_projected",
    "read_feed",
    "referral_queue",
    "register_person_ids",
    "reminders_after",
    "reminders_by_stage",
    "scoped",
    "untold",
    "untold_ids",
]
