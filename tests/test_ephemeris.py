"""Sun and Moon positions (cosmodrome.ephemeris) against JPL ephemerides and published examples.

JPL: the DE430 (2015-02-27..03-06) and DE441 (1969-07-26..08-02) excerpts that ship inside
Skyfield's test data, read through Skyfield. Tolerances are the worst-case errors ERFA states for
the series themselves (epv00 vs DE405 over 1900-2100: 11.2 km; moon98 vs ELP/MPP02 over
1950-2100: 31.7 km and 18.3 arcsec), so a pass means the series perform as documented.
"""

from __future__ import annotations

import os

import erfa
import numpy as np
import pytest

from cosmodrome.ephemeris import AU_M, moon_position_gcrs_m, sun_position_gcrs_m
from cosmodrome.time import DataRangeWarning, Time

SUN_TOL_M = 11.2e3
MOON_TOL_M = 31.7e3
MOON_DIRECTION_TOL_RAD = np.radians(18.3 / 3600)
ARCSEC = np.radians(1 / 3600)

KERNELS = [("de430-2015-03-02.bsp", 2457081.0, 2457088.0), ("de441-1969.bsp", 2440429.0, 2440435.0)]


def _kernel(name):
    skyfield = pytest.importorskip("skyfield")
    from skyfield.jpllib import SpiceKernel

    path = os.path.join(os.path.dirname(skyfield.__file__), "tests", "data", name)
    if not os.path.exists(path):
        pytest.skip(f"Skyfield's test kernel {name} is not installed")
    return SpiceKernel(path)


@pytest.mark.parametrize("name, tt_first, tt_last", KERNELS)
def test_sun_and_moon_against_jpl(name, tt_first, tt_last):
    # Measured: Sun 2.2 km (2015) and 5.2 km (1969); Moon 7.2 km / 3.6" (2015), 12.4 km / 7.0" (1969).
    from skyfield.api import load

    kernel = _kernel(name)
    ts = load.timescale(builtin=True)
    t = Time.from_tt_jd(np.linspace(tt_first, tt_last, 100))
    st = ts.tt_jd(*t.tt_jd)
    earth = kernel["earth"]
    sun_jpl = (kernel["sun"] - earth).at(st).position.m.T  # geometric, ICRS axes
    moon_jpl = (kernel["moon"] - earth).at(st).position.m.T
    sun, moon = sun_position_gcrs_m(t), moon_position_gcrs_m(t)
    assert sun.shape == moon.shape == (100, 3)
    assert np.max(np.linalg.norm(sun - sun_jpl, axis=-1)) < SUN_TOL_M
    assert np.max(np.linalg.norm(moon - moon_jpl, axis=-1)) < MOON_TOL_M
    cosine = np.sum(moon * moon_jpl, axis=-1) / np.linalg.norm(moon, axis=-1) / np.linalg.norm(moon_jpl, axis=-1)
    assert np.max(np.arccos(np.clip(cosine, -1, 1))) < MOON_DIRECTION_TOL_RAD


def test_moon_meeus_example_47a():
    # Meeus, Astronomical Algorithms, 2nd ed. (1998), Example 47.a: 1992 April 12, 0h TD:
    # geocentric longitude 133.162655 deg, latitude -3.229126 deg (mean ecliptic and equinox of
    # date), distance 368409.7 km. moon98 is Meeus's series without his light-time term in the
    # mean longitude (ERFA note 2), worth ~0.7": longitude within 1", latitude within 0.01",
    # distance within the printed 0.1 km.
    t = Time.from_tt_jd(2448724.5)
    ecliptic = erfa.ecm06(*t.tt_jd) @ moon_position_gcrs_m(t)
    longitude = np.degrees(np.arctan2(ecliptic[1], ecliptic[0])) % 360.0
    latitude = np.degrees(np.arcsin(ecliptic[2] / np.linalg.norm(ecliptic)))
    assert abs(longitude - 133.162655) * 3600 < 1.0
    assert abs(latitude - -3.229126) * 3600 < 0.01
    assert np.linalg.norm(ecliptic) / 1e3 == pytest.approx(368409.7, abs=0.1)


def test_sun_apparent_place_meeus_example_25b():
    # Meeus, Astronomical Algorithms, 2nd ed., Example 25.b (full VSOP87, agreeing with the
    # Astronomical Almanac): 1992 October 13, 0h TD, apparent right ascension 13h13m30.749s,
    # declination -7d47'01.74". From our geometric Sun: light time (the Sun's barycentric motion
    # over ~499 s), annual aberration (ERFA ab) and precession-nutation of date (ERFA pnm06a).
    # Measured 0.05"; limit 0.2" (epv00 contributes 0.015", nutation IAU 1980 vs 2000A ~0.01").
    t = Time.from_tt_jd(2448908.5)
    sun = sun_position_gcrs_m(t) / AU_M
    heliocentric, barycentric = erfa.epv00(*t.tdb_jd)
    distance = np.linalg.norm(sun)
    light_time_d = distance * AU_M / erfa.CMPS / 86400.0
    sun_astrometric = sun - (barycentric["v"] - heliocentric["v"]) * light_time_d
    earth_velocity_c = barycentric["v"] * AU_M / 86400.0 / erfa.CMPS
    direction = erfa.ab(sun_astrometric / np.linalg.norm(sun_astrometric), earth_velocity_c, distance,
                        np.sqrt(1.0 - np.sum(earth_velocity_c**2)))
    true_of_date = erfa.pnm06a(*t.tt_jd) @ direction
    ra = np.arctan2(true_of_date[1], true_of_date[0]) % (2 * np.pi)
    dec = np.arcsin(true_of_date[2])
    ra_ref = np.radians((13 + 13 / 60 + 30.749 / 3600) * 15)
    dec_ref = -np.radians(7 + 47 / 60 + 1.74 / 3600)
    assert abs(ra - ra_ref) * np.cos(dec) < 0.2 * ARCSEC
    assert abs(dec - dec_ref) < 0.2 * ARCSEC


def test_shapes_follow_the_time():
    t = Time.grid(Time.from_utc_iso("2026-01-01T00:00:00Z"), 3600.0, 600.0).reshape(7, 1)
    assert sun_position_gcrs_m(t).shape == (7, 1, 3)
    assert moon_position_gcrs_m(t[0, 0]).shape == (3,)
    # One astronomical unit and the Moon's distance, roughly (sanity of units: metres).
    assert 0.98 * AU_M < np.linalg.norm(sun_position_gcrs_m(t[0, 0])) < 1.02 * AU_M
    assert 356e6 < np.linalg.norm(moon_position_gcrs_m(t[0, 0])) < 407e6


def test_outside_1900_2100_warns():
    t = Time.from_tt_jd(2488069.5 + 400.0)
    with pytest.warns(DataRangeWarning, match="1900-2100"):
        sun_position_gcrs_m(t)
