"""Write the Skyfield pass events that tests/observe/test_passes_reference.py compares against.

    python tools/skyfield_passes_reference.py [--output tests/observe/data/skyfield_passes.csv]

For each case (a satellite of tests/observe/data/passes_satellites.tle, a site, a 7-day window and
a mask) this runs Skyfield's ``EarthSatellite.find_events`` and writes every event. Skyfield stops
its rise/set search once the bracket is under 0.5 s and reports the bracket's far end, so each
event is also refined here with Skyfield's own altitude function (``(sat - topos).at(t).altaz()``):
rise and set by ``scipy.optimize.brentq`` on altitude minus mask within 2 s of the event, the
culmination by bounded golden-section search within 2 s. Both times are stored: ``t_raw_s`` (as
find_events gave it) and ``t_s`` (refined), in SI seconds after the window start.

Conventions on Skyfield's side: ``load.timescale()`` with its built-in leap-second and Earth
orientation (UT1) tables, no polar motion (Skyfield's default), ``wgs84.latlon`` sites (geodetic,
elevation from the ellipsoid normal), SGP4 through ``EarthSatellite`` (WGS-72, TEME -> ITRS by
GMST 1982). The tests compare with ``find_passes(..., polar_motion=False)``, the same convention.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DATA = REPO / "tests" / "observe" / "data"
TLE_FILE = DATA / "passes_satellites.tle"
DEFAULT_OUTPUT = DATA / "skyfield_passes.csv"

# name: (latitude_deg, longitude_deg, altitude_m)
SITES = {
    "equator": (0.0, 40.0, 20.0),
    "toulouse": (43.5603, 1.4808, 150.0),
    "svalbard": (78.2298, 15.4078, 500.0),
}
DAYS = 7.0
# (catalogue number, site, mask deg): every satellite over every site at 0 deg, and the two low
# orbits at Toulouse at 10 deg.
EXTRA_CASES = ((25544, "toulouse", 10.0), (28057, "toulouse", 10.0))
COLUMNS = ("case", "satellite", "site", "latitude_deg", "longitude_deg", "altitude_m", "start_utc", "days",
           "min_elevation_deg", "kind", "t_raw_s", "t_s", "elevation_deg")


def read_tles(path: Path):
    lines = [line.rstrip() for line in path.read_text(encoding="ascii").splitlines() if line.strip()]
    out = []
    for k in range(0, len(lines), 3):
        out.append((lines[k].strip(), lines[k + 1], lines[k + 2]))
    return out


def window_start(satrec) -> dt.datetime:
    """The first whole UTC hour after the element set's epoch."""
    epoch = dt.datetime(2000, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(
        days=(satrec.jdsatepoch - 2451544.5) + satrec.jdsatepochF)
    return epoch.replace(minute=0, second=0, microsecond=0) + dt.timedelta(hours=1)


def main() -> None:
    import numpy as np
    import scipy
    import sgp4
    import skyfield
    from scipy.optimize import brentq, minimize_scalar
    from skyfield.api import EarthSatellite, load, wgs84

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args()
    ts = load.timescale()
    rows = []
    cases = []
    for name, line1, line2 in read_tles(TLE_FILE):
        number = int(line1[2:7])
        for site in SITES:
            cases.append((name, line1, line2, number, site, 0.0))
        for extra_number, site, mask in EXTRA_CASES:
            if extra_number == number:
                cases.append((name, line1, line2, number, site, mask))
    for index, (name, line1, line2, number, site, mask) in enumerate(cases):
        sat = EarthSatellite(line1, line2, name, ts)
        lat, lon, alt = SITES[site]
        topos = wgs84.latlon(lat, lon, elevation_m=alt)
        start = window_start(sat.model)
        t0 = ts.from_datetime(start)
        t1 = ts.tt_jd(t0.whole, t0.tt_fraction + DAYS)
        difference = sat - topos

        def altitude(seconds: float) -> float:
            t = ts.tt_jd(t0.whole, t0.tt_fraction + seconds / 86400.0)
            return difference.at(t).altaz()[0].degrees

        times, kinds = sat.find_events(topos, t0, t1, altitude_degrees=mask)
        common = (index, number, site, lat, lon, alt, start.strftime("%Y-%m-%dT%H:%M:%SZ"), DAYS, mask)
        if len(kinds) == 0:
            rows.append(common + ("none", "", "", ""))
        for t, kind in zip(times, kinds):
            raw_s = ((t.whole - t0.whole) + (t.tt_fraction - t0.tt_fraction)) * 86400.0
            if kind == 1:
                result = minimize_scalar(lambda s: -altitude(s), bounds=(raw_s - 2.0, raw_s + 2.0), method="bounded",
                                         options={"xatol": 1e-4})
                refined = float(result.x)
            else:
                lo, hi = max(raw_s - 2.0, 0.0), min(raw_s + 0.5, DAYS * 86400.0)
                f_lo, f_hi = altitude(lo) - mask, altitude(hi) - mask
                refined = brentq(lambda s: altitude(s) - mask, lo, hi, xtol=1e-6) if f_lo * f_hi < 0 else raw_s
            label = ("rise", "culmination", "set")[int(kind)]
            rows.append(common + (label, f"{raw_s:.6f}", f"{refined:.6f}", f"{altitude(refined):.6f}"))
    header = [
        "# Skyfield pass events for tests/observe/test_passes_reference.py (written by "
        "tools/skyfield_passes_reference.py; do not edit by hand).",
        f"# Written {dt.datetime.now(dt.timezone.utc).strftime('%Y-%m-%dT%H:%M:%SZ')} with skyfield "
        f"{skyfield.__version__}, sgp4 {sgp4.__version__}, scipy {scipy.__version__}, numpy {np.__version__}.",
        "# Skyfield conventions: load.timescale() built-in tables, no polar motion, wgs84.latlon sites,",
        "# EarthSatellite (SGP4, WGS-72), find_events(topos, t0, t0 + days, altitude_degrees=mask).",
        "# t_raw_s: event as find_events gave it; t_s: refined with Skyfield's altitude (brentq to 1e-6 s for",
        "# rise/set, bounded golden section to 1e-4 s for culmination); seconds after start_utc (SI).",
        "# elevation_deg: Skyfield's altitude at t_s. kind 'none': find_events found nothing.",
        ",".join(COLUMNS),
    ]
    text = "\n".join(header + [",".join(str(v) for v in row) for row in rows]) + "\n"
    args.output.write_text(text, encoding="ascii")
    print(f"wrote {len(rows)} rows for {len(cases)} cases to {args.output}")


if __name__ == "__main__":
    main()
