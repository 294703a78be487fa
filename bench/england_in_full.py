"""The audit of England's whole publication (issue 31): every table, at 5 and 42 ICBs, alone
and read with an earlier revision of its month.

    python bench/england_in_full.py [--areas 5,42]

Random inpatients, each counted in every one of England's breakdowns; a revision adds one
back-dated admission to one ICB. Prints seconds, cells, suppressed cells and the ratio of
the revision's audit to the first's (from the same run).
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from dsr_projections.national.atoms import AtomCounts
from dsr_projections.national.collections import ENGLAND
from dsr_projections.national.release import build
from dsr_projections.national.revisions import Earlier


def returns(areas: int, seed: int) -> dict[str, AtomCounts]:
    rng = random.Random(seed)
    found: dict[str, AtomCounts] = {}
    for n in range(areas):
        families: AtomCounts = {f.name: {} for f in ENGLAND.families}
        for _ in range(rng.randint(20, 120)):
            for family in ENGLAND.families:
                if not family.name.startswith("inpatients"):
                    continue
                (values,) = family.dimensions.values()
                value = (rng.choice(values[: max(2, len(values) // 2)]),)
                families[family.name][value] = families[family.name].get(value, 0) + 1
        families["admissions"][("first",)] = rng.randint(0, 9)
        found[f"E54{8 + n:06d}"] = families
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--areas", default="5,42")
    args = parser.parse_args()
    print("| ICBs | cells | suppressed | first build s | revision read with it s | ratio |")
    print("|---|---|---|---|---|---|")
    for areas in (int(a) for a in args.areas.split(",")):
        first = returns(areas, seed=1)
        started = time.perf_counter()
        release = build(ENGLAND, first)
        alone = time.perf_counter() - started
        revised = {area: {f: dict(c) for f, c in counts.items()} for area, counts in first.items()}
        admissions = revised[min(revised)]["admissions"]
        admissions[("first",)] = admissions.get(("first",), 0) + 1
        earlier = Earlier(1, first, release.tables(), bool(release.suppressed_secondary))
        started = time.perf_counter()
        build(ENGLAND, revised, [earlier])
        together = time.perf_counter() - started
        hidden = len(release.suppressed_primary) + len(release.suppressed_secondary)
        print(
            f"| {areas} | {len(release.cells)} | {hidden} | {alone:.2f} | {together:.2f} "
            f"| {together / alone:.2f} |"
        )


if __name__ == "__main__":
    main()
