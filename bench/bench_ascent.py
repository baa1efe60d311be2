"""Ascent engine timings: one derivative evaluation, one ascent, one payload estimate, compile time.

Run from the repository root:  python bench/bench_ascent.py [--repeats N] [--backend numba|numpy] [--no-compile]
Prints one table; each time is the median of the repeats (after one warm-up call). Targets: one
ascent simulation <= 50 ms, one payload estimate <= 1 s. Timings depend on the machine; compare
rows from one run, not across machines.

--backend picks the flight integrator (FlightConfig.backend) for the ascent and estimate rows; the
derivative rows always show both. The services do not take a backend yet, so this script swaps
`service.flight_config` for one that sets it (a benchmark-only stopgap).
The compile rows start a fresh Python process that flies one ascent: once with an empty numba cache
(the cold compile a first CLI run or test session pays), once with that cache filled.
"""

from __future__ import annotations

import argparse
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
import warnings
from dataclasses import replace

import numpy as np

from cosmodrome.ascent import service
from cosmodrome.ascent.flight import FlightConfig, VehicleStatus, make_derivative
from cosmodrome.ascent.propulsion import stage_groups
from cosmodrome.ascent.service import estimate_payload, flight_config, simulate_ascent
from cosmodrome.ascent.steering import AtmosphericSteering, LinearTangentSteering
from cosmodrome.ascent.target import TargetOrbit
from cosmodrome.errors import CosmodromeError
from cosmodrome.sites import find_site
from cosmodrome.vehicles.catalogue import load_vehicle

ASCENT_TARGET_S = 0.050
ESTIMATE_TARGET_S = 1.0
COMPILE_TARGET_S = 20.0
ESTIMATE_CASES = (  # vehicle, site, target, label
    ("falcon9", "cape_canaveral", TargetOrbit.circular(200e3, 28.5), "200 km 28.5 deg"),
    ("angara_1_2", "plesetsk", TargetOrbit.circular(200e3, 63.0), "200 km 63 deg"),
    ("electron", "mahia", TargetOrbit.sun_synchronous(500e3), "500 km SSO"),
)

# Run in a fresh process: seconds to import, then to fly the first ascent (numba compiles or loads).
_FIRST_ASCENT = """
import time, warnings
warnings.simplefilter("ignore")
start = time.perf_counter()
from cosmodrome.ascent.service import simulate_ascent
from cosmodrome.ascent.target import TargetOrbit
from cosmodrome.sites import find_site
from cosmodrome.vehicles.catalogue import load_vehicle
imported = time.perf_counter()
simulate_ascent(load_vehicle("falcon9"), find_site("cape_canaveral"), TargetOrbit.circular(200e3, 28.5), 15000.0,
                pitch_kick_deg=3.2)
print(imported - start, time.perf_counter() - imported)
"""


def _median_s(call, repeats: int) -> float:
    call()  # warm-up: imports, caches, first-touch allocations, compilation
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def _derivative_call(rows: int, guided: bool, backend: str):
    """f(t, y) of Falcon 9's first stage (atmospheric steering) or second stage (linear tangent)
    on ``rows`` trajectories at 30 km, 1 km/s; returns a zero-argument call."""
    vehicle = load_vehicle("falcon9")
    config: FlightConfig = replace(flight_config(vehicle), backend=backend)
    status = VehicleStatus.at_liftoff(stage_groups(vehicle), 1900.0)
    y = np.zeros((rows, 12))
    y[:, 0] = 6378137.0 + 30e3 + np.arange(rows)
    y[:, 3:6] = (700.0, 300.0, 600.0)
    y[:, 6] = 300e3
    if guided:
        status.burning = [False, True]
        status.ignition_s = [0.0, 0.0]
        steering = LinearTangentSteering(0.0, np.array([1.0, 0, 0]), np.array([0, 1.0, 0]), np.array([0, 0, 1.0]),
                                         np.tile([0.3, -1e-3, 0.0, 0.0], (rows, 1)))
    else:
        steering = AtmosphericSteering(math.radians(86.0), math.radians(3.2))
    f = make_derivative(status, config, steering)
    return lambda: f(60.0, y)


def _derivative_s(rows: int, guided: bool, backend: str, calls: int = 2000) -> float:
    call = _derivative_call(rows, guided, backend)

    def many():
        for _ in range(calls):
            call()
    return _median_s(many, 5) / calls


def _first_ascent_s(cache_dir: str) -> tuple[float, float]:
    """(import s, first ascent s) in a new process whose numba cache lives in ``cache_dir``."""
    env = dict(os.environ, NUMBA_CACHE_DIR=cache_dir)
    done = subprocess.run([sys.executable, "-c", _FIRST_ASCENT], env=env, capture_output=True, text=True, check=True)
    imported, first = (float(v) for v in done.stdout.split())
    return imported, first


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3, help="timed repeats per row (default 3)")
    parser.add_argument("--backend", choices=("numba", "numpy"), default="numba",
                        help="flight integrator of the ascent and estimate rows (default numba)")
    parser.add_argument("--no-compile", action="store_true", help="skip the compile-time rows (~10-20 s)")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    default_config = service.flight_config
    service.flight_config = lambda vehicle: replace(default_config(vehicle), backend=args.backend)
    rows = []
    for backend in ("numpy", "numba"):
        for n in (1, 2, 6):
            rows.append((f"derivative ({backend}), n={n}, atmospheric steering", _derivative_s(n, False, backend),
                         None))
        for n in (1, 6):
            rows.append((f"derivative ({backend}), n={n}, linear-tangent steering", _derivative_s(n, True, backend),
                         None))
    falcon9, cape = load_vehicle("falcon9"), find_site("cape_canaveral")
    target = TargetOrbit.circular(200e3, 28.5)
    rows.append((f"ascent ({args.backend}): falcon9, 15,000 kg, kick 3.2 deg (simulate_ascent)",
                 _median_s(lambda: simulate_ascent(falcon9, cape, target, 15000.0, pitch_kick_deg=3.2), args.repeats),
                 ASCENT_TARGET_S))
    for vehicle_id, site_id, orbit, label in ESTIMATE_CASES:
        vehicle, site = load_vehicle(vehicle_id), find_site(site_id)
        name = f"estimate_payload ({args.backend}): {vehicle_id} from {site_id}, {label}"
        try:
            estimate = estimate_payload(vehicle, site, orbit)
        except CosmodromeError as error:
            rows.append((f"{name} (fails: {type(error).__name__})", float("nan"), ESTIMATE_TARGET_S))
            continue
        seconds = _median_s(lambda: estimate_payload(vehicle, site, orbit), args.repeats)
        rows.append((f"{name} -> {estimate.payload_max_kg:,.0f} kg max", seconds, ESTIMATE_TARGET_S))
    if not args.no_compile:
        with tempfile.TemporaryDirectory() as cache_dir:
            imported, cold = _first_ascent_s(cache_dir)
            rows.append(("new process: import cosmodrome.ascent.service", imported, None))
            rows.append(("new process: first ascent, empty numba cache (compile)", cold, COMPILE_TARGET_S))
            _, warm = _first_ascent_s(cache_dir)
            rows.append(("new process: first ascent, numba cache filled (load)", warm, None))
    width = max(len(r[0]) for r in rows)
    print(f"{'case':{width}s}  {'median':>10s}  {'target':>8s}  ok")
    for name, seconds, target_s in rows:
        shown = f"{seconds * 1e6:8.1f} us" if seconds < 1e-3 else f"{seconds * 1e3:8.1f} ms"
        limit = "" if target_s is None else f"{target_s * 1e3:6.0f} ms"
        ok = "" if target_s is None else ("yes" if seconds <= target_s else "NO")
        print(f"{name:{width}s}  {shown:>10s}  {limit:>8s}  {ok}")


if __name__ == "__main__":
    main()
