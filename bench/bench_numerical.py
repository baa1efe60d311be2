"""Numerical (Cowell) propagation timings: one LEO satellite for one day; orbit lifetime.

Run from the repository root:  python bench/bench_numerical.py [--repeats N] [--part cowell|lifetime]
Prints two tables; each time is the median of the repeats after one warm-up call (which also
loads or compiles the numba kernels). Target (issue 3, section 5): one LEO satellite, one day,
J6 + drag, under 0.2 s at the default setting. The "vs tightest" column is the largest position
difference over the day from the same run at the tightest setting.
Lifetime (`predict_lifetime`, the "orbit lifetime" step of `cosmodrome run`): the NumPy reference
against the compiled mean-element equations (``compiled=False`` / ``True``), one run each after a
warm-up for the reference (it takes seconds), ``--repeats`` for the compiled path. Each run
includes its NRLMSIS 2.1 density table (timed on its own in the line above the table) and the
mean elements of its start state. "first call extra" is what the first compiled call in the
process costs beyond the median (after a reference run has done the imports): loading the cached
lifetime kernels, or compiling them when there is no cache (run with NUMBA_CACHE_DIR set to an
empty folder to see the cold compile).
Timings depend on the machine and its load; compare rows from one run, not across machines.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time

import numpy as np

from cosmodrome.earth.density import DensityModel, annual_density_table, density_table
from cosmodrome.earth.zonal import EGM2008_GM_M3_S2
from cosmodrome.frames import Frame
from cosmodrome.orbits.elements import keplerian_to_cartesian
from cosmodrome.orbits.lifetime import predict_lifetime
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


def _cowell(repeats: int) -> None:
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
                        repeats)
    print(f"NRLMSIS 2.1 density table for the run (inside each drag row): {table_s * 1e3:.1f} ms")
    print(f"{'force model':40s} {'setting':9s} {'time (s)':>9s} {'vs tightest (m)':>16s}")
    for label, force in cases:
        reference = NumericalPropagator(state, craft, force_model=force,
                                        tolerances=Tolerances.tightest()).propagate(times).position_m
        for name, tolerances in settings:
            propagator = NumericalPropagator(state, craft, force_model=force, tolerances=tolerances)
            seconds = _median_s(lambda: propagator.propagate(times), repeats)
            error = float(np.max(np.abs(propagator.propagate(times).position_m - reference)))
            flag = ""
            if label.startswith("J6 + drag (") and name == "default":
                flag = "  (target < 0.2 s: " + ("met" if seconds < TARGET_S else "NOT met") + ")"
            print(f"{label:40s} {name:9s} {seconds:9.3f} {error:16.4f}{flag}")
    reference_propagator = NumericalPropagator(state, craft, compiled=False)
    seconds = _median_s(lambda: reference_propagator.propagate(times), 1)
    print(f"{'J6 + drag, NumPy reference force model':40s} {'default':9s} {seconds:9.3f}")


def _lifetime(repeats: int) -> None:
    # A 22 kg cubesat-class satellite of 1 m^2 (m / (Cd A) = 10 kg/m^2), sun-synchronous, moderate
    # activity, searched up to 25 years as `cosmodrome run` does: at 500 km it decays in about
    # 8 months; at 800 km it is still up after 25 years (the longest integration the run makes).
    craft = Spacecraft(22.0, 1.0, 2.2)
    cases = []
    for height_m in (300e3, 500e3, 800e3):
        r, v = keplerian_to_cartesian(6378137.0 + height_m, 0.0, math.radians(97.4), 0.5, 1.0, 0.0,
                                      EGM2008_GM_M3_S2)
        cases.append((f"{height_m / 1e3:.0f} km circular SSO", StateVector(EPOCH, r, v, Frame.GCRS)))
    first_state = cases[0][1]
    predict_lifetime(first_state, craft, compiled=False)  # imports, MSIS, the Cowell kernels of mean_elements
    start = time.perf_counter()
    predict_lifetime(first_state, craft)
    first_s = time.perf_counter() - start
    first_extra_s = first_s - _median_s(lambda: predict_lifetime(first_state, craft), repeats)
    table_s = _median_s(lambda: annual_density_table(DensityModel.NRLMSIS21, EPOCH, height_max_m=880e3), 1)
    print(f"NRLMSIS 2.1 annual density table up to 880 km (inside each 800 km run): {table_s:.3f} s; "
          f"first compiled call extra: {first_extra_s:.3f} s")
    print(f"{'orbit lifetime':24s} {'NumPy (s)':>10s} {'compiled (s)':>13s} {'speed-up':>9s} "
          f"{'NumPy (d)':>11s} {'compiled (d)':>13s}")
    for label, state in cases:
        results = {}
        seconds = {}
        for compiled, runs in ((False, 1), (True, repeats)):
            seconds[compiled] = _median_s(lambda: results.__setitem__(
                compiled, predict_lifetime(state, craft, compiled=compiled)), runs)
        print(f"{label:24s} {seconds[False]:10.3f} {seconds[True]:13.3f} {seconds[False] / seconds[True]:8.1f}x "
              f"{results[False].lifetime_days:11.4f} {results[True].lifetime_days:13.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--part", choices=("all", "cowell", "lifetime"), default="all")
    args = parser.parse_args()
    if args.part in ("all", "cowell"):
        _cowell(args.repeats)
    if args.part in ("all", "lifetime"):
        _lifetime(args.repeats)


if __name__ == "__main__":
    main()
