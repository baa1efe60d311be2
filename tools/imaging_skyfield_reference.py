"""Write the Skyfield references of tests/observe/test_eclipses.py and test_opportunities.py.

Run from the repository root (needs Skyfield and its DE430 test excerpt; no network):

    python tools/imaging_skyfield_reference.py

It reads the cases (element sets, sites, windows) from the two test modules and writes, next to
this file, ``imaging_eclipse_reference.csv`` and ``imaging_access_reference.csv``, each with a
provenance header. Nothing here uses cosmodrome's shadow, sensor or search code; the only shared
pieces are the inputs, the Sun of the eclipse cases (the issue asks for "the same model":
``cosmodrome.ephemeris``, ERFA epv00) and the Earth-orientation values handed to Skyfield.

Eclipses: the satellite from Skyfield (its SGP4 wrapper, TEME -> GCRS), the shadow tested with the
cone construction of Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013),
algorithm 34 (SHADOW): penumbra and umbra cones of half-angle asin((R_sun +- R_earth) / |r_sun|) with
the apex on the Earth-Sun line. These are the common tangents of the two spheres, so they bound the
same regions as the apparent-disc test of the module under test (Montenbruck & Gill 2000, sec. 3.4.2)
without sharing its code. The oblate Earth is made a sphere by scaling along the true pole of date
(third row of Skyfield's precession-nutation matrix M). Every ``step_s`` the state is evaluated,
then each change is bisected to 1 ms.

Access (imaging opportunities, passes above a mask, observer visibility): everything from Skyfield:
satellites (SGP4, GCRS -> ITRS with the polar motion cosmodrome ships, which Skyfield otherwise
leaves out), the Sun from JPL DE430 (the 2015 excerpt inside Skyfield's test data), sunlight from
``ICRF.is_sunlit`` (the Sun's centre behind a 6,378.137 km sphere), sites from ``wgs84.latlon``.
Conditions every 5 s, changes bisected to 1 ms; for optical opportunities also the smallest
off-nadir angle (bounded scalar minimisation to 1 ms) and the Sun's elevation there and at the edges.
(The natural home of this script is tools/, next to skyfield_passes_reference.py.)
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import os
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parents[1] / "tests" / "observe" / "data"
sys.path.insert(0, str(HERE.parent))

import skyfield  # noqa: E402
import sgp4  # noqa: E402
from skyfield.api import EarthSatellite, load, wgs84  # noqa: E402
from skyfield.framelib import itrs  # noqa: E402
from skyfield.jpllib import SpiceKernel  # noqa: E402

import test_eclipses as E  # noqa: E402
import test_opportunities as O  # noqa: E402
from cosmodrome.ephemeris import sun_position_gcrs_m  # noqa: E402
from cosmodrome.observe.eclipses import SUN_RADIUS_M, EarthShape  # noqa: E402  (constants only)

A_M, B_M = 6378137.0, 6356752.314245179
BISECTION_S = 1e-3
TS = load.timescale(builtin=True)


def _header(lines, purpose):
    stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    return [f"# {purpose} (written by tools/imaging_skyfield_reference.py; do not edit by hand).",
            f"# Written {stamp} with skyfield {skyfield.__version__}, sgp4 {sgp4.__version__}, numpy {np.__version__}.",
            *[f"# {line}" for line in lines]]


def _bisect(state, grid, flag, lo_index):
    """Times (s) of the changes of a boolean state between grid[k] and grid[k + 1], to 1 ms."""
    lo, hi = grid[lo_index], grid[lo_index + 1]
    rising = ~flag[lo_index]
    while np.any(hi - lo > BISECTION_S):
        mid = 0.5 * (lo + hi)
        before = state(mid) == rising
        hi, lo = np.where(before, mid, hi), np.where(before, lo, mid)
    return 0.5 * (lo + hi), rising


# --- eclipses --------------------------------------------------------------------------------------

def _vallado_shadow(r_sat, r_sun, earth_radius_m):
    """(in penumbra or umbra, in umbra): Vallado's algorithm 34 with the Sun at its true distance."""
    d_sun = np.linalg.norm(r_sun, axis=-1)
    alpha_pen = np.arcsin((SUN_RADIUS_M + earth_radius_m) / d_sun)
    alpha_umb = np.arcsin((SUN_RADIUS_M - earth_radius_m) / d_sun)
    behind = np.sum(r_sat * r_sun, axis=-1) < 0.0
    anti_sun = -r_sun / d_sun[:, None]
    horizontal = np.sum(r_sat * anti_sun, axis=-1)
    vertical = np.linalg.norm(r_sat - horizontal[:, None] * anti_sun, axis=-1)
    pen_vertical = np.tan(alpha_pen) * (earth_radius_m / np.sin(alpha_pen) + horizontal)
    umb_vertical = np.tan(alpha_umb) * (earth_radius_m / np.sin(alpha_umb) - horizontal)
    penumbra = behind & (vertical <= pen_vertical)
    return penumbra, penumbra & (vertical <= umb_vertical)


def eclipse_rows():
    rows = []
    for name, (record, start, duration_s, step_s, shape) in E.ECLIPSE_CASES.items():
        satellite = EarthSatellite.from_satrec(record.to_satrec(), TS)

        def states(offsets):
            t = start + np.asarray(offsets, dtype=float)
            sky_t = TS.tai_jd(t.tai_jd1, t.tai_jd2)
            r = np.asarray(satellite.at(sky_t).position.m).T.reshape(-1, 3)
            s = sun_position_gcrs_m(t).reshape(-1, 3)
            if shape is EarthShape.OBLATE:
                pole = np.asarray(sky_t.M)[2].T.reshape(-1, 3)  # true pole of date on GCRS axes
                for v in (r, s):
                    v += (A_M / B_M - 1.0) * np.sum(v * pole, axis=-1)[:, None] * pole
            return _vallado_shadow(r, s, A_M)

        grid = np.arange(0.0, duration_s + 1e-9, step_s)
        at_grid = states(grid)
        for which, kind in enumerate(("penumbra", "umbra")):
            flag = at_grid[which]
            change = np.flatnonzero(flag[1:] != flag[:-1])
            times, rising = _bisect(lambda t: states(t)[which], grid, flag, change)
            for t, up in sorted(zip(times.tolist(), rising.tolist())):
                rows.append([name, record.catalogue_number, start.utc_iso(0), f"{duration_s:.1f}", shape.value, kind,
                             "entry" if up else "exit", f"{t:.4f}"])
        print(f"eclipses {name}: {sum(r[0] == name for r in rows)} events")
    return rows


# --- access ---------------------------------------------------------------------------------------

class _Access:
    def __init__(self):
        path = os.path.join(os.path.dirname(skyfield.__file__), "tests", "data", "de430-2015-03-02.bsp")
        self.kernel = SpiceKernel(path)
        days = O.START + np.arange(-2.0, 5.0) * 86400.0
        eop = days.earth_orientation()
        TS.polar_motion_table = (days.tt_mjd + 2400000.5, np.asarray(eop.polar_x_arcsec),
                                 np.asarray(eop.polar_y_arcsec))
        self.satellites = [EarthSatellite.from_satrec(s.to_satrec(), TS) for s in O.SATELLITES]
        self.sites = [wgs84.latlon(s.latitude_deg, s.longitude_deg, s.altitude_m) for s in O.SITES]
        self.grid = np.arange(0.0, O.DURATION_S + 1e-9, 5.0)
        self.cache = [self._states(k, self.grid) for k in range(len(O.SATELLITES))]

    def _states(self, k, offsets):
        t = O.START + np.asarray(offsets, dtype=float)
        sky_t = TS.tai_jd(t.tai_jd1, t.tai_jd2)
        rotation = itrs.rotation_at(sky_t)
        at = self.satellites[k].at(sky_t)
        r = np.einsum("ij...,j...->...i", rotation, at.position.m).reshape(-1, 3)
        sun = (self.kernel["sun"] - self.kernel["earth"]).at(sky_t).position.m
        s = np.einsum("ij...,j...->...i", rotation, sun).reshape(-1, 3)
        return r, s, np.atleast_1d(at.is_sunlit(self.kernel))

    def look(self, k, j, offsets=None):
        r, s, sunlit = self.cache[k] if offsets is None else self._states(k, offsets)
        site = self.sites[j]
        p = site.itrs_xyz.m
        lat, lon = site.latitude.radians, site.longitude.radians
        up = np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])
        north = np.array([-math.sin(lat) * math.cos(lon), -math.sin(lat) * math.sin(lon), math.cos(lat)])
        east = np.array([-math.sin(lon), math.cos(lon), 0.0])
        d = r - p
        distance = np.linalg.norm(d, axis=-1)
        ds = s - p
        return {"elevation": np.degrees(np.arcsin(d @ up / distance)),
                "azimuth": np.degrees(np.arctan2(d @ east, d @ north)) % 360.0,
                "off_nadir": np.degrees(np.arctan2(np.linalg.norm(np.cross(r, d), axis=-1), np.sum(r * d, axis=-1))),
                "sun": np.degrees(np.arcsin(ds @ up / np.linalg.norm(ds, axis=-1))),
                "sunlit": sunlit}


def _mask(j, look, floor_deg=-90.0):
    return np.maximum(floor_deg, O.SITES[j].mask_deg(look["azimuth"]))


CONDITIONS = {
    # off-nadir <= 40 deg, above each site's mask, Sun >= 9.15 deg at the target
    "optical": lambda look, j: (look["off_nadir"] <= 40.0) & (look["elevation"] >= _mask(j, look))
    & (look["sun"] >= 9.15),
    # an 85 deg cone clamped to the horizon: elevation >= max(10 deg, mask)
    "wide_cone": lambda look, j: look["elevation"] >= _mask(j, look, 10.0),
    # observer: elevation >= max(10 deg, mask), satellite sunlit, Sun <= -6 deg at the site
    "visibility": lambda look, j: (look["elevation"] >= _mask(j, look, 10.0)) & look["sunlit"]
    & (look["sun"] <= -6.0),
}


def access_rows():
    from scipy.optimize import minimize_scalar
    access = _Access()
    rows = []
    for name, condition in CONDITIONS.items():
        count = 0
        for k, record in enumerate(O.SATELLITES):
            for j, site in enumerate(O.SITES):
                flag = condition(access.look(k, j), j)
                change = np.flatnonzero(flag[1:] != flag[:-1])
                times, rising = _bisect(lambda t: condition(access.look(k, j, t), j), access.grid, flag, change)
                edges = sorted(zip(times.tolist(), rising.tolist()))
                intervals, opened = [], (0.0 if flag[0] else None)
                for t, up in edges:
                    if up:
                        opened = t
                    elif opened is not None:
                        intervals.append((opened, t))
                        opened = None
                if opened is not None:
                    intervals.append((opened, O.DURATION_S))
                for t0, t1 in intervals:
                    extra = ["", "", "", "", ""]
                    if name == "optical":
                        best = minimize_scalar(lambda t: access.look(k, j, [t])["off_nadir"][0], bounds=(t0, t1),
                                               method="bounded", options={"xatol": BISECTION_S})
                        sun = access.look(k, j, [best.x, t0, t1])["sun"]
                        extra = [f"{best.fun:.7f}", f"{best.x:.4f}", f"{sun[0]:.7f}", f"{sun[1]:.7f}", f"{sun[2]:.7f}"]
                    rows.append([name, record.catalogue_number, site.name, f"{t0:.4f}", f"{t1:.4f}", *extra])
                    count += 1
        print(f"access {name}: {count} intervals")
    return rows


def main():
    eclipse_header = _header([
        "Satellites: Skyfield EarthSatellite (SGP4, TEME -> GCRS); Sun: cosmodrome.ephemeris (ERFA epv00, the model",
        "under test); shadow: Vallado (2013) algorithm 34 cones, R_sun 695,700 km, R_earth 6,378,137 m; oblate: axis",
        "scaled by a/b along the true pole (Skyfield t.M). State every step_s, changes bisected to 1 ms.",
        "t_s: seconds (SI) after start_utc."], "Eclipse events for tests/observe/test_eclipses.py")
    with open(HERE / "imaging_eclipse_reference.csv", "w", newline="") as handle:
        handle.write("\n".join(eclipse_header) + "\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case", "satellite", "start_utc", "duration_s", "earth_shape", "kind", "direction", "t_s"])
        writer.writerows(eclipse_rows())
    access_header = _header([
        "Skyfield: EarthSatellite (SGP4), GCRS -> ITRS with cosmodrome's polar motion, Sun from JPL DE430",
        "(de430-2015-03-02.bsp in Skyfield's test data), is_sunlit, wgs84.latlon sites, geometric elevation.",
        f"Window: {O.START.utc_iso(0)} + {O.DURATION_S:.0f} s. Conditions every 5 s, changes bisected to 1 ms.",
        "Cases: optical (off-nadir <= 40 deg, mask, Sun >= 9.15 deg), wide_cone (elevation >= max(10 deg, mask)),",
        "visibility (elevation >= max(10 deg, mask), sunlit, Sun <= -6 deg). start_s, end_s: seconds after the",
        "window start. Optical only: smallest off-nadir angle (bounded minimisation, 1 ms) and its time, and the",
        "Sun's elevation there, at the start and at the end."], "Access intervals for tests/observe/test_opportunities.py")
    with open(HERE / "imaging_access_reference.csv", "w", newline="") as handle:
        handle.write("\n".join(access_header) + "\n")
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["case", "satellite", "site", "start_s", "end_s", "min_off_nadir_deg", "min_off_nadir_s",
                         "sun_at_min_deg", "sun_at_start_deg", "sun_at_end_deg"])
        writer.writerows(access_rows())


if __name__ == "__main__":
    main()
