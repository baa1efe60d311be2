"""Catalogue propagation timings: SGP4 to TEME (and on to geodetic), ours against the peers in one run.

Run from the repository root:  python bench/bench_propagate.py [--satellites N] [--times N] [--skyfield-sample N]

Workload: a synthetic catalogue (default 10,000 satellites, built with sgp4init in the proportions
of the public catalogue: ~75 % LEO, 8 % MEO, 7 % GEO, 10 % HEO/GTO; deep-space ones go through
SDP4) at 1,440 times (one day every minute). Rows, each the median of the repeats:

- raw sgp4 SatrecArray: ``SatrecArray(satrecs).sgp4(jd, fr)`` in one call (km; the C++ core alone);
- ours, TEME: ``Sgp4Propagator(satrecs).propagate(times)`` (metres, Status per row, chunked memory);
- ours, geodetic: the above plus ``frames.teme_to_itrs`` and ``frames.itrs_to_geodetic`` (positions
  only), with the Earth's orientation computed once per time (``frame_rotations``) and shared;
- Skyfield loop, TEME: ``EarthSatellite.from_satrec`` then ``sat._position_and_velocity_TEME_km(t)``
  per satellite (Skyfield's own SGP4 path, without its frame work), on a sample of satellites;
- Skyfield loop, geodetic: ``wgs84.geographic_position_of(sat.at(t))`` per satellite, on the sample.

Targets (issue 3, section 5): end to end to geodetic >= 2 million states/s and >= 10 x the Skyfield
loop. Rates are per CPU second of this process (wall time is printed too): on a shared machine CPU
time is the steadier measure. Everything runs on one core (sgp4's SatrecArray holds the GIL).
Timings depend on the machine; compare rows of one run only.
"""

from __future__ import annotations

import argparse
import statistics
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


def median_time(function, repeats: int) -> tuple[float, float]:
    """Median wall-clock seconds and median CPU seconds of this process (the second is less
    disturbed by other work on a shared machine; the rates below use it)."""
    wall, cpu = [], []
    for _ in range(repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        function()
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--satellites", type=int, default=10_000)
    parser.add_argument("--times", type=int, default=1_440)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skyfield-sample", type=int, default=200,
                        help="satellites for the Skyfield loop rows (rate scaled to states/s)")
    args = parser.parse_args()

    start = Time.from_utc_iso(START_UTC)
    times = start + np.arange(args.times) * (86400.0 / args.times)
    satrecs = synthetic_catalogue(args.satellites, start)
    n_states = args.satellites * args.times
    rows = []  # (label, satellites, (wall s, CPU s), states per CPU second, note)

    jd, fr = (np.asarray(x, dtype=float) for x in times.utc_jd)
    raw = SatrecArray(satrecs)
    seconds = median_time(lambda: raw.sgp4(jd, fr), args.repeats)
    rows.append(("raw sgp4 SatrecArray, TEME km", args.satellites, seconds, n_states / seconds[1], "C++ core alone"))
    del raw

    propagator = Sgp4Propagator(satrecs)
    seconds = median_time(lambda: propagator.propagate(times), args.repeats)
    rows.append(("ours Sgp4Propagator, TEME m", args.satellites, seconds, n_states / seconds[1], "Ephemeris + Status"))

    eph = propagator.propagate(times)
    failed = len(eph.failures())
    del eph

    try:
        from cosmodrome.frames import frame_rotations, itrs_to_geodetic, teme_to_itrs
    except ImportError as exc:
        rows.append(("ours, to geodetic", args.satellites, (float("nan"),) * 2, float("nan"),
                     f"not available: {exc}"))
    else:
        def end_to_end():
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # EOP table range warnings: not what is timed here
                rotations = frame_rotations(times)
                teme = propagator.propagate(times)
                itrs, _ = teme_to_itrs(rotations, teme.position_m)
                return itrs_to_geodetic(itrs)
        seconds = median_time(end_to_end, args.repeats)
        rows.append(("ours, TEME -> ITRS -> geodetic", args.satellites, seconds, n_states / seconds[1],
                     "positions; Earth orientation once per time"))

    try:
        from skyfield.api import EarthSatellite, load, wgs84
    except ImportError as exc:
        rows.append(("Skyfield loop", 0, (float("nan"),) * 2, float("nan"), f"not available: {exc}"))
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
            seconds = median_time(function, args.repeats)
            rows.append((label, len(sats), seconds, len(sats) * args.times / seconds[1], "per-satellite loop (sample)"))

    print(f"Catalogue propagation: {args.satellites} satellites x {args.times} times "
          f"({n_states / 1e6:.1f} million states), median of {args.repeats}; "
          f"{failed} satellites with a non-OK status somewhere")
    print(f"{'method':34s} {'satellites':>10s} {'wall s':>8s} {'CPU s':>8s} {'M states/CPU s':>15s}  note")
    for label, satellites, (wall, cpu), rate, note in rows:
        print(f"{label:34s} {satellites:10d} {wall:8.3f} {cpu:8.3f} {rate / 1e6:15.3f}  {note}")
    by_label = {label: rate for label, _, _, rate, _ in rows}
    ours_geo = by_label.get("ours, TEME -> ITRS -> geodetic")
    sky_geo = by_label.get("Skyfield loop, geodetic")
    if ours_geo and sky_geo and np.isfinite(ours_geo):
        print(f"end to end: {ours_geo / 1e6:.2f} M states/s (target {END_TO_END_TARGET / 1e6:.0f}); "
              f"{ours_geo / sky_geo:.1f} x the Skyfield loop (target 10 x)")


if __name__ == "__main__":
    main()
