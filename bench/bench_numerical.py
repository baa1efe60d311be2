"""Numerical (Cowell) propagation timings: one LEO satellite for one day.

Run from the repository root:  python bench/bench_numerical.py [--repeats N]
Prints one table; each time is the median of the repeats after one warm-up call (which also
loads or compiles the numba kernels). Target (issue 3, section 5): one LEO satellite, one day,
J6 + drag, under 0.2 s at the default setting. The "vs tightest" column is the largest position
difference over the day from the same run at the tightest setting. Timings depend on the
machine and its load; compare rows from one run, not across machines.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

from cosmodrome.earth.density import DensityModel, density_table
from cosmodrome.earth.zonal import EGM2008_GM_M3_S2
from cosmodrome.frames import Frame
from cosmodrome.orbits.elements import keplerian_to_cartesian
from cosmodrome.orbits.numerical import ForceModel, NumericalPropagator, Spacecraft, Tolerances
from cosmodrome.orbits.records import StateVector
from cosmodrome.time import Time

TARGET_S = 0.2
EPOCH = Time.from_utc_iso("2024-03-20T00:00:00Z")


def _median_s(call, repeats: int) -> float:
    call()
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    r, v = keplerian_to_cartesian(6378137.0 + 500e3, 0.001, math.radians(97.4), 0.5, 1.0, 0.0, EGM2008_GM_M3_S2)
    state = StateVector(EPOCH, r, v, Frame.GCRS)
    craft = Spacecraft(500.0, 4.0, 2.2)
    times = Time.grid(EPOCH, 86400.0, 60.0)
    cases = [
        ("J6 + drag (NRLMSIS 2.1)", ForceModel()),
        ("J6 + drag + Sun, Moon, SRP (conical)", ForceModel(sun=True, moon=True, solar_radiation_pressure=True)),
        ("J6 only", ForceModel.zonal_only(6)),
    ]
    settings = [("default", Tolerances.default()), ("tight", Tolerances.tight()), ("tightest", Tolerances.tightest())]
    table_s = _median_s(lambda: density_table(DensityModel.NRLMSIS21, EPOCH, end_s=86400.0, height_max_m=650e3),
                        args.repeats)
    print(f"NRLMSIS 2.1 density table for the run (inside each drag row): {table_s * 1e3:.1f} ms")
    print(f"{'force model':40s} {'setting':9s} {'time (s)':>9s} {'vs tightest (m)':>16s}")
    for label, force in cases:
        reference = NumericalPropagator(state, craft, force_model=force,
                                        tolerances=Tolerances.tightest()).propagate(times).position_m
        for name, tolerances in settings:
            propagator = NumericalPropagator(state, craft, force_model=force, tolerances=tolerances)
            seconds = _median_s(lambda: propagator.propagate(times), args.repeats)
            error = float(np.max(np.abs(propagator.propagate(times).position_m - reference)))
            flag = ""
            if label.startswith("J6 + drag (") and name == "default":
                flag = "  (target < 0.2 s: " + ("met" if seconds < TARGET_S else "NOT met") + ")"
            print(f"{label:40s} {name:9s} {seconds:9.3f} {error:16.4f}{flag}")
    reference_propagator = NumericalPropagator(state, craft, compiled=False)
    seconds = _median_s(lambda: reference_propagator.propagate(times), 1)
    print(f"{'J6 + drag, NumPy reference force model':40s} {'default':9s} {seconds:9.3f}")


if __name__ == "__main__":
    main()
