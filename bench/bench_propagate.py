"""Catalogue propagation timings: SGP4 to TEME and on to geodetic, ours against the peers in one run.

Run from the repository root:
    python bench/bench_propagate.py [--satellites N] [--times N] [--workers N] [--skyfield-sample N] [--write]

Workload: a synthetic catalogue (default 10,000 satellites, built with sgp4init in the proportions
of the public catalogue: ~75 % LEO, 8 % MEO, 7 % GEO, 10 % HEO/GTO; deep-space ones go through
SDP4) at 1,440 times (one day every minute). Rows, each the median of the repeats:

- raw sgp4 SatrecArray: ``SatrecArray(satrecs).sgp4(jd, fr)`` in one call (km; the C++ core alone);
- ours, TEME: ``Sgp4Propagator(satrecs).propagate(times)`` (metres, Status per row);
- ours, whole arrays to geodetic: the above, then ``frames.teme_to_itrs`` and
  ``frames.itrs_to_geodetic`` on the full (10,000 x 1,440 x 3) arrays (the first version);
- ours, ``orbits.service.propagate_catalogue(..., 'geodetic')``: the same computations in blocks of
  ``BLOCK_STATES`` states that stay in cache, in this process (workers=1) and shared among
  ``--workers`` forked processes;
- Skyfield loop, TEME: ``EarthSatellite.from_satrec`` then ``sat._position_and_velocity_TEME_km(t)``
  per satellite (Skyfield's own SGP4 path, without its frame work), on a sample of satellites;
- Skyfield loop, geodetic: ``wgs84.geographic_position_of(sat.at(t))`` per satellite, on the sample;
- with ``--write``: ``io.ephemeris_csv.write_ephemeris_csv`` of the geodetic result to a temporary file.

Targets (issue 3, section 5): end to end to geodetic >= 2 million states/s and >= 10 x the Skyfield
loop. Two rates are printed: per CPU second (all processes of the row, workers included: the
steadier measure on a shared machine) and per wall-clock second (what a user waits for; with other
work on the machine it understates what idle cores would give). The load average is printed before
and after. Timings depend on the machine; compare rows of one run only.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import tempfile
import time
import warnings

import numpy as np
from sgp4.api import WGS72, Satrec, SatrecArray

from cosmodrome.orbits.sgp4_source import Sgp4Propagator
from cosmodrome.time import Time

START_UTC = "2026-03-20T00:00:00Z"
END_TO_END_TARGET = 2.0e6


def synthetic_catalogue(count: int, epoch: Time, seed: int = 2026) -> list[Satrec]:
    """``count`` Satrecs with a realistic mix of orbits, epochs within a day before ``epoch``."""
    rng = np.random.default_rng(seed)
    jd1, jd2 = (float(x) for x in epoch.utc_jd)
    epoch_days_1949 = (jd1 + jd2) - 2433281.5  # sgp4init counts days from 1949 December 31 0h UTC
    kinds = rng.choice(["leo", "meo", "geo", "heo", "gto"], size=count, p=[0.75, 0.08, 0.07, 0.05, 0.05])
    satrecs = []
    for k, kind in enumerate(kinds):
        if kind == "leo":
            rev_day = rng.uniform(11.5, 16.2)
            e = rng.exponential(0.003)
            i_deg = rng.choice([51.6, 53.0, 70.0, 86.4, 97.6, 98.7, 28.5, 65.0]) + rng.normal(0, 0.5)
            bstar = rng.uniform(1e-5, 5e-4)
        elif kind == "meo":
            rev_day, e, i_deg, bstar = rng.uniform(1.7, 2.3), rng.uniform(0, 0.01), rng.uniform(54, 65), 0.0
        elif kind == "geo":
            rev_day, e, i_deg, bstar = rng.normal(1.0027, 0.002), rng.uniform(0, 5e-4), rng.uniform(0, 15), 0.0
        elif kind == "heo":
            rev_day, e, i_deg, bstar = rng.normal(2.006, 0.01), rng.uniform(0.65, 0.74), rng.normal(63.4, 0.5), 1e-4
        else:
            rev_day, e, i_deg, bstar = rng.uniform(2.2, 2.4), rng.uniform(0.70, 0.74), rng.uniform(6, 28), 1e-4
        satrec = Satrec()
        satrec.sgp4init(
            WGS72, "i", k + 1, epoch_days_1949 - rng.uniform(0.0, 1.0), bstar, 0.0, 0.0,
            float(np.clip(e, 0.0, 0.9)), rng.uniform(0, 2 * np.pi), np.radians(float(np.clip(i_deg, 0, 180))),
            rng.uniform(0, 2 * np.pi), rev_day * 2 * np.pi / 1440.0, rng.uniform(0, 2 * np.pi))
        satrecs.append(satrec)
    return satrecs


def _cpu_s() -> tuple[float, float]:
    """(CPU seconds of this process, CPU seconds of its finished children: the forked workers)."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return time.process_time(), children.ru_utime + children.ru_stime


def median_time(function, repeats: int) -> tuple[float, float, float]:
    """Median wall-clock seconds, CPU seconds (this process and its workers) and CPU seconds of
    this process alone (for a parallel row: the part that did not run in the workers)."""
    wall, cpu, own = [], [], []
    for _ in range(repeats):
        start, (start_own, start_children) = time.perf_counter(), _cpu_s()
        function()
        wall.append(time.perf_counter() - start)
        end_own, end_children = _cpu_s()
        own.append(end_own - start_own)
        cpu.append(own[-1] + end_children - start_children)
    return statistics.median(wall), statistics.median(cpu), statistics.median(own)


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=10_000)
    parser.add_argument("--times", type=int, default=1_440)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, default=_available_cpus(),
                        help="processes for the parallel row (default: the CPUs available)")
    parser.add_argument("--skyfield-sample", type=int, default=200,
                        help="satellites for the Skyfield loop rows (rate scaled to states/s)")
    parser.add_argument("--write", action="store_true", help="also time the CSV writer on the geodetic result")
    args = parser.parse_args()
    warnings.simplefilter("ignore")  # EOP/leap-second range warnings and decay reports: not what is timed

    from cosmodrome.frames import frame_rotations, itrs_to_geodetic, teme_to_itrs
    from cosmodrome.orbits.service import propagate_catalogue

    load_before = os.getloadavg()
    start = Time.from_utc_iso(START_UTC)
    times = start + np.arange(args.times) * (86400.0 / args.times)
    satrecs = synthetic_catalogue(args.satellites, start)
    n_states = args.satellites * args.times
    rows = []  # (label, satellites, (wall s, CPU s, CPU s of this process), note)

    jd, fr = (np.asarray(x, dtype=float) for x in times.utc_jd)
    raw = SatrecArray(satrecs)
    rows.append(("raw sgp4 SatrecArray, TEME km", args.satellites,
                 median_time(lambda: raw.sgp4(jd, fr), args.repeats), "C++ core alone"))

    propagator = Sgp4Propagator(satrecs)
    rows.append(("ours Sgp4Propagator, TEME m", args.satellites,
                 median_time(lambda: propagator.propagate(times), args.repeats), "Ephemeris + Status"))
    eph = propagator.propagate(times)
    failed = len(eph.failures())
    del eph

    def whole_arrays():
        rotations = frame_rotations(times)
        teme = propagator.propagate(times)
        itrs, _ = teme_to_itrs(rotations, teme.position_m)
        return itrs_to_geodetic(itrs)
    rows.append(("ours whole arrays -> geodetic", args.satellites, median_time(whole_arrays, args.repeats),
                 "first version: full-size temporaries"))

    duration_s = float(times[-1] - times[0])
    step_s = 86400.0 / args.times
    result = None
    for workers in sorted({1, args.workers}):
        def service(workers=workers):
            return propagate_catalogue(satrecs, start, duration_s, step_s, "geodetic", workers=workers)
        rows.append((f"ours propagate_catalogue, workers={workers}", args.satellites,
                     median_time(service, args.repeats), "geodetic, blocks in cache"
                     + (", forked processes" if workers > 1 else "")))
    if args.write:
        result = propagate_catalogue(satrecs, start, duration_s, step_s, "geodetic", workers=args.workers)
        from cosmodrome.io.ephemeris_csv import write_ephemeris_csv
        with tempfile.TemporaryDirectory() as folder:
            path = os.path.join(folder, "catalogue.csv")
            seconds = median_time(lambda: write_ephemeris_csv(result, path), 1)
            size_mb = os.path.getsize(path) / 1e6
        rows.append(("CSV writer (geodetic rows)", args.satellites, seconds, f"{size_mb:.0f} MB, rows/s"))
        del result

    try:
        from skyfield.api import EarthSatellite, load, wgs84
    except ImportError as exc:
        rows.append(("Skyfield loop", 0, (float("nan"),) * 3, f"not available: {exc}"))
    else:
        ts = load.timescale(builtin=True)
        t_sky = ts.utc(2026, 3, 20, 0, 0, np.arange(args.times) * (86400.0 / args.times))
        sample = satrecs[:max(1, min(args.skyfield_sample, len(satrecs)))]
        sats = [EarthSatellite.from_satrec(s, ts) for s in sample]

        def skyfield_teme():
            for sat in sats:
                sat._position_and_velocity_TEME_km(t_sky)

        def skyfield_geodetic():
            for sat in sats:
                wgs84.geographic_position_of(sat.at(t_sky))

        for label, function in (("Skyfield loop, TEME km", skyfield_teme),
                                ("Skyfield loop, geodetic", skyfield_geodetic)):
            rows.append((label, len(sats), median_time(function, args.repeats), "per-satellite loop (sample)"))

    load_after = os.getloadavg()
    print(f"Catalogue propagation: {args.satellites} satellites x {args.times} times "
          f"({n_states / 1e6:.1f} million states), median of {args.repeats}; "
          f"{failed} satellites with a non-OK status somewhere; {_available_cpus()} CPUs; load average "
          f"{load_before[0]:.2f} before, {load_after[0]:.2f} after")
    print(f"{'method':40s} {'satellites':>10s} {'wall s':>8s} {'CPU s':>8s} {'M/CPU s':>8s} {'M/wall s':>9s}  note")
    rates = {}
    for label, satellites, (wall, cpu, _), note in rows:
        states = satellites * args.times
        rates[label] = (states / cpu, states / wall)
        print(f"{label:40s} {satellites:10d} {wall:8.3f} {cpu:8.3f} {states / cpu / 1e6:8.3f} "
              f"{states / wall / 1e6:9.3f}  {note}")
    sky = rates.get("Skyfield loop, geodetic")
    for label, _, (wall, cpu, own), _ in rows:
        if not label.startswith("ours propagate_catalogue"):
            continue
        per_cpu, per_wall = rates[label]
        line = (f"{label}: {per_wall / 1e6:.2f} M states per wall second, {per_cpu / 1e6:.2f} per CPU second "
                f"(target {END_TO_END_TARGET / 1e6:.0f} M/s)")
        if sky and np.isfinite(sky[0]):
            line += (f"; {per_wall / sky[1]:.1f} x the Skyfield loop's wall rate, {per_cpu / sky[0]:.1f} x its "
                     "CPU rate (target 10 x)")
        print(line)
        if label.endswith(f"workers={args.workers}") and args.workers > 1:
            # Amdahl with the measured split: what this process did alone, plus the workers' share.
            projected = own + (cpu - own) / args.workers
            print(f"  of its {cpu:.2f} CPU s, {own:.2f} s ran in this process (grid, Earth orientation, "
                  f"allocation, results) and {cpu - own:.2f} s in the workers; on {args.workers} idle CPUs that "
                  f"projects to {projected:.2f} s wall, {n_states / projected / 1e6:.2f} M states/s "
                  "(a projection, not a measurement)")

if __name__ == "__main__":
    main()
