"""Average passes per day of low circular orbits against a closed-form approximation.

Reference: R. C. Burk, "Closed-Form Approximation of Revisit Rate for Low-Altitude Satellites",
Journal of Spacecraft and Rockets 50(3), 2013 (also West Point DSE-TR-1108, 2011), which gives the
average number of passes per day as a closed-form function of circular-orbit altitude, inclination,
target latitude and minimum elevation, accurate to 0.08 passes/day or 1 % "in almost all cases"
against simulation, for low circular orbits.

The text of the paper was not at hand when this was written, so the function below is our own
derivation of the same quantity on the same assumptions (spherical Earth, circular orbit, the
target's longitude relative to the orbit's node uniformly swept by the Earth's rotation), written
out in docs/passes.md: a pass happens on each relative revolution during which the target lies
within the coverage half-angle lambda of the orbit plane,

    passes/day = 86400 / (2 pi) * [ u' P - x' dU / (2 pi) ],

with P the fraction of node-relative longitudes x for which |beta| <= lambda (closed form in
arcsin), u' the satellite's argument-of-latitude rate, x' = omega_earth - Omega' and dU the
change, over those longitudes, of the in-plane angle of the target's projection (atan2, followed
in small steps). J2 secular rates enter u' and Omega'. Tolerance: Burk's 0.08 passes/day or 1 %, widened to
2.5 % for the count over 30 days being a sample (each of the ~60 bands of node longitude holds a
whole number of passes: about +-0.3 pass of rounding each, ~1.5 % in all).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cosmodrome.observe import GroundSite, find_passes
from cosmodrome.orbits.gp import MeanElementsGP
from cosmodrome.time import Time

MU_KM3_S2 = 398600.8          # WGS-72, as SGP4
EARTH_RADIUS_KM = 6378.135    # WGS-72
J2 = 0.001082616              # WGS-72
OMEGA_EARTH_RAD_S = 7.292115146706979e-5
DAYS = 30.0
START = Time.from_utc_iso("2024-01-01T00:00:00Z")


def _record(altitude_km, inclination_deg):
    a = EARTH_RADIUS_KM + altitude_km
    n_rev_day = math.sqrt(MU_KM3_S2 / a ** 3) * 86400.0 / (2.0 * math.pi)
    return MeanElementsGP(name="circular", catalogue_number=99001, international_designator="",
                          classification="U", epoch=START, mean_motion_rev_day=n_rev_day, eccentricity=0.0001,
                          inclination_deg=inclination_deg, raan_deg=40.0, argument_of_perigee_deg=0.0,
                          mean_anomaly_deg=0.0, bstar_per_earth_radii=0.0, mean_motion_dot_rev_day2=0.0,
                          mean_motion_ddot_rev_day3=0.0, element_set_number=1, revolution_number=1)


def passes_per_day(altitude_km, inclination_deg, site: GroundSite, min_elevation_deg):
    """Closed-form average passes per day (the derivation is in docs/passes.md)."""
    a = EARTH_RADIUS_KM + altitude_km
    n = math.sqrt(MU_KM3_S2 / a ** 3)
    i = math.radians(inclination_deg)
    k = 0.75 * J2 * (EARTH_RADIUS_KM / a) ** 2 * n
    raan_rate = -2.0 * k * math.cos(i)
    u_rate = n + k * (3.0 * math.cos(i) ** 2 - 1.0) + k * (5.0 * math.cos(i) ** 2 - 1.0)
    x_rate = OMEGA_EARTH_RAD_S - raan_rate
    # Site: geocentric latitude and radius; coverage half-angle from the spherical triangle.
    position = site.position_itrs_m / 1e3
    radius = float(np.linalg.norm(position))
    phi = math.asin(position[2] / radius)
    eps = math.radians(min_elevation_deg)
    lam = math.acos(radius * math.cos(eps) / a) - eps
    # |beta| <= lambda with sin(beta) = sin(phi) cos(i) - cos(phi) sin(i) sin(x).
    lo = (math.sin(phi) * math.cos(i) - math.sin(lam)) / (math.cos(phi) * math.sin(i))
    hi = (math.sin(phi) * math.cos(i) + math.sin(lam)) / (math.cos(phi) * math.sin(i))
    lo, hi = max(-1.0, min(1.0, lo)), max(-1.0, min(1.0, hi))
    fraction = (math.asin(hi) - math.asin(lo)) / math.pi

    def u_target(x):
        along_node = math.cos(phi) * math.cos(x)
        along_q = math.cos(phi) * math.sin(x) * math.cos(i) + math.sin(phi) * math.sin(i)
        return math.atan2(along_q, along_node)

    def wrapped(d):
        return (d + math.pi) % (2.0 * math.pi) - math.pi

    # The band is two intervals of x: [asin lo, asin hi] and [pi - asin hi, pi - asin lo]; the
    # in-plane angle is followed along each in small steps (it may turn by up to 2 pi in all).
    change = 0.0
    for x1, x2 in ((math.asin(lo), math.asin(hi)), (math.pi - math.asin(hi), math.pi - math.asin(lo))):
        steps = np.linspace(x1, x2, 65)
        change += sum(wrapped(u_target(b) - u_target(a)) for a, b in zip(steps[:-1], steps[1:]))
    return 86400.0 / (2.0 * math.pi) * (u_rate * fraction - x_rate * change / (2.0 * math.pi))


CASES = [
    # altitude km, inclination deg, (site latitude, longitude), mask deg
    (400.0, 51.6, (0.0, 0.0), 0.0),
    (400.0, 51.6, (30.0, 10.0), 10.0),
    (400.0, 51.6, (45.0, 10.0), 0.0),
    (550.0, 53.0, (45.0, -70.0), 25.0),
    (700.0, 98.2, (0.0, 20.0), 5.0),
    (700.0, 98.2, (45.0, 20.0), 10.0),
    (700.0, 98.2, (70.0, 20.0), 0.0),
    (1000.0, 30.0, (20.0, 120.0), 10.0),
]


@pytest.mark.parametrize("altitude_km, inclination_deg, where, mask_deg", CASES)
def test_average_passes_per_day_match_the_closed_form(altitude_km, inclination_deg, where, mask_deg):
    site = GroundSite("site", where[0], where[1], 0.0)
    record = _record(altitude_km, inclination_deg)
    table = find_passes(record, site, START, DAYS * 86400.0, min_elevation_deg=mask_deg, min_pass_duration_s=1.0)
    # Partial passes at the two window edges count as half a pass each.
    simulated = (len(table) - 0.5 * table["partial"].sum()) / DAYS
    expected = passes_per_day(altitude_km, inclination_deg, site, mask_deg)
    assert abs(simulated - expected) <= max(0.08, 0.025 * expected), (simulated, expected)


def test_closed_form_limits():
    # Sanity of the reference itself: no passes far outside the inclination band, and the
    # equatorial site of an equatorial orbit sees one pass per synodic revolution.
    far = GroundSite("far", 80.0, 0.0)
    assert passes_per_day(400.0, 30.0, far, 0.0) == pytest.approx(0.0, abs=1e-12)
    equator = GroundSite("eq", 0.0, 0.0)
    a = EARTH_RADIUS_KM + 400.0
    n = math.sqrt(MU_KM3_S2 / a ** 3)
    k = 0.75 * J2 * (EARTH_RADIUS_KM / a) ** 2 * n
    synodic = (n + 6.0 * k - (OMEGA_EARTH_RAD_S + 2.0 * k)) * 86400.0 / (2.0 * math.pi)
    assert passes_per_day(400.0, 0.01, equator, 0.0) == pytest.approx(synodic, rel=1e-3)
