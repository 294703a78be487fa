"""The publication audit (issue 14): its cost as the release grows, and what modelling
England's inpatient tables as one-way families of the same people saves.

    python bench/release_audit.py [--areas 5] [--large 42]

In one run: the same random England returns audited (a) with each inpatient breakdown its
own family linked by equal totals (what dsr ships) and (b) with the product of the
dimensions as atoms; then the shipped model at `--large` ICBs, against itself at
`--areas`. Prints seconds and the ratios; nothing depends on this machine's speed but the
ratios.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dsr_projections.national.atoms import AtomCounts
from dsr_projections.national.collections import (
    AGE_BANDS,
    ENGLAND,
    LOS_BANDS,
    SEXES,
    Family,
    los_band,
)
from dsr_projections.national.release import build

ONE_WAY = (
    ("inpatients", "sex"),
    ("inpatients_by_age", "age_band"),
    ("inpatients_by_stay", "los_band"),
    ("inpatients_by_security", "security"),
)
PRODUCT = replace(
    ENGLAND,
    families=(
        Family(
            "inpatients",
            {
                "sex": SEXES,
                "age_band": AGE_BANDS,
                "los_band": tuple(label for label, _ in LOS_BANDS),
                "security": ("secure", "not_secure"),
            },
            tuple(
                spec
                for family in ENGLAND.families
                if family.name in {name for name, _ in ONE_WAY}
                for spec in family.tables
            ),
        ),
    ),
    same_people=(),
)
SHIPPED = replace(
    ENGLAND,
    families=tuple(f for f in ENGLAND.families if f.name in {n for n, _ in ONE_WAY}),
    same_people=tuple((name, "inpatients") for name, _ in ONE_WAY[1:]),
)


def returns(areas: int, seed: int) -> tuple[dict[str, AtomCounts], dict[str, AtomCounts]]:
    """The same people as one-way families and as product atoms."""
    rng = random.Random(seed)
    one_way: dict[str, AtomCounts] = {}
    product: dict[str, AtomCounts] = {}
    for n in range(areas):
        area = f"E54{8 + n:06d}"
        one_way[area] = {name: {} for name, _ in ONE_WAY}
        product[area] = {"inpatients": {}}
        for _ in range(rng.randint(20, 120)):
            values = (
                rng.choice(SEXES[:2]),
                rng.choice(AGE_BANDS[1:5]),
                los_band(rng.randint(0, 6000)),
                "secure" if rng.random() < 0.3 else "not_secure",
            )
            for (name, _), value in zip(ONE_WAY, values, strict=True):
                one_way[area][name][(value,)] = one_way[area][name].get((value,), 0) + 1
            product[area]["inpatients"][values] = product[area]["inpatients"].get(values, 0) + 1
    return one_way, product


def timed(collection: object, data: dict[str, AtomCounts]) -> float:
    start = time.perf_counter()
    build(collection, data)  # type: ignore[arg-type]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", type=int, default=5)
    parser.add_argument("--large", type=int, default=42)
    args = parser.parse_args()
    one_way, product = returns(args.areas, seed=1)
    shipped_small = timed(SHIPPED, one_way)
    product_small = timed(PRODUCT, product)
    large, _ = returns(args.large, seed=1)
    shipped_large = timed(SHIPPED, large)
    print(f"{args.areas} ICBs, one-way families (shipped): {shipped_small:.2f} s")
    print(f"{args.areas} ICBs, product atoms:               {product_small:.2f} s")
    print(f"ratio product / one-way:                        {product_small / shipped_small:.1f}")
    print(f"{args.large} ICBs, one-way families (shipped): {shipped_large:.2f} s")
    print(
        f"ratio {args.large} / {args.areas} ICBs:                          "
        f"{shipped_large / shipped_small:.1f}"
    )


if __name__ == "__main__":
    main()
