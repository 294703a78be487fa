"""What other packages may ask of the read models: each query owned by its projection.

The scheduler and the snapshots read through these functions, never with SQL of their
own against projection tables (an import contract in pyproject.toml holds them to it).
"""

from dsr_projections.engine.projection import lowest_position
from dsr_projections.national.dataset import census, people_in_area_by
from dsr_projections.national.report import Dataset, build_dataset
from dsr_projections.register.queries import (
    inpatient_ids,
    inpatients_not_on_register,
    register_person_ids,
)

__all__ = [
    "Dataset",
    "build_dataset",
    "census",
    "inpatient_ids",
    "inpatients_not_on_register",
    "lowest_position",
    "people_in_area_by",
    "register_person_ids",
]
