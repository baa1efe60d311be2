"""Closed-loop ascent guidance: the orbit reached, the delta-v budget and the event sequence.

Requirement (the ascent issue): the orbit of every estimate is reached with perigee and apogee
within 1 km of the target and the inclination within 0.01 deg, and the delta-v budget closes on
the final inertial speed within 1 %. Those are the tolerances used below. The budget is built
from quadratures integrated with the motion (ascent.flight), so in fact it closes to the RK4
error, far below 1 %: we also assert closure within 0.01 m/s.

Payload estimates take up to a second each, so each is computed once per module.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from cosmodrome.ascent.guidance import apsis_speed_m_s, circular_speed_m_s
from cosmodrome.ascent.service import estimate_payload, simulate_ascent
from cosmodrome.ascent.target import TargetOrbit
from cosmodrome.sites import find_site
from cosmodrome.vehicles.catalogue import load_vehicle

ALTITUDE_TOL_M = 1e3  # issue requirement: perigee and apogee within 1 km
INCLINATION_TOL_DEG = 0.01  # issue requirement


@pytest.fixture(scope="module")
def falcon9():
    return load_vehicle("falcon9")


@pytest.fixture(scope="module")
def cape():
    return find_site("cape_canaveral")


@pytest.fixture(scope="module")
def f9_leo(falcon9, cape):
    # 200 km circular at 28.5 deg from Cape Canaveral (latitude 28.46 deg: nearly due east, close
    # to the lowest inclination reachable from the pad).
    target = TargetOrbit.circular(200e3, 28.5)
    return target, estimate_payload(falcon9, cape, target)


@pytest.fixture(scope="module")
def electron_sso():
    target = TargetOrbit.sun_synchronous(500e3)
    return target, estimate_payload(load_vehicle("electron"), find_site("mahia"), target)


@pytest.fixture(scope="module")
def f9_iss(falcon9, cape, f9_leo):
    # 300 km at 51.6 deg, flown directly with a fixed payload and the kick of the 200 km estimate
    # (a full estimate of this orbit would pick the two-burn profile: tests/ascent/test_service.py).
    target = TargetOrbit.circular(300e3, 51.6)
    return target, simulate_ascent(falcon9, cape, target, 15000.0, pitch_kick_deg=f9_leo[1].pitch_kick_deg,
                                   profile="direct")


@pytest.fixture(scope="module")
def f9_elliptical(falcon9, cape, f9_leo):
    target = TargetOrbit(200e3, 1000e3, 28.5)
    return target, simulate_ascent(falcon9, cape, target, 12000.0, pitch_kick_deg=f9_leo[1].pitch_kick_deg,
                                   profile="direct")


@pytest.fixture(scope="module")
def f9_leo_lighter(falcon9, cape, f9_leo):
    # 90 % of the estimate's separated mass, the estimate's kick: must reach the same orbit.
    target, estimate = f9_leo
    return simulate_ascent(falcon9, cape, target, 0.9 * estimate.separated_mass_kg,
                           pitch_kick_deg=estimate.pitch_kick_deg)


CASES = ["f9_leo", "electron_sso"]
ASCENTS = ["f9_leo", "electron_sso", "f9_iss", "f9_elliptical", "f9_leo_lighter"]


def _ascent(request, name):
    value = request.getfixturevalue(name)
    if name == "f9_leo_lighter":
        return request.getfixturevalue("f9_leo")[0], value
    target, result = value
    return target, getattr(result, "ascent", result)


@pytest.mark.parametrize("name", ASCENTS)
def test_orbit_reached_within_issue_tolerances(request, name):
    target, ascent = _ascent(request, name)
    assert ascent.orbit.perigee_altitude_m == pytest.approx(target.perigee_altitude_m, abs=ALTITUDE_TOL_M)
    assert ascent.orbit.apogee_altitude_m == pytest.approx(target.apogee_altitude_m, abs=ALTITUDE_TOL_M)
    assert ascent.orbit.inclination_deg == pytest.approx(target.inclination_deg, abs=INCLINATION_TOL_DEG)
    assert ascent.reached_target


@pytest.mark.parametrize("name", ASCENTS)
def test_delta_v_budget_closes(request, name):
    _, ascent = _ascent(request, name)
    b = ascent.budget
    final_speed = b.final_inertial_speed_m_s
    assert abs(b.closure_error_m_s) < 0.01 * final_speed  # issue requirement: 1 %
    assert abs(b.closure_error_m_s) < 0.01  # m/s: quadratures ride with the RK4 state
    predicted = (b.earth_rotation_gain_m_s + b.ideal_m_s - b.gravity_loss_m_s - b.drag_loss_m_s
                 - b.steering_loss_m_s - b.back_pressure_loss_m_s)
    assert predicted + b.closure_error_m_s == pytest.approx(final_speed, abs=1e-6)
    assert b.gravity_loss_m_s > 0 and b.drag_loss_m_s > 0 and b.steering_loss_m_s >= 0


@pytest.mark.parametrize("name", ASCENTS)
def test_events_in_time_order(request, name):
    _, ascent = _ascent(request, name)
    names = [e.name for e in ascent.events]
    times = [e.time_s for e in ascent.events]
    assert times == sorted(times)
    assert names[0] == "lift-off" and names[-1] == "insertion"
    first_separation = next(i for i, n in enumerate(names) if n.endswith("separation"))
    assert names.index("lift-off") < names.index("max-Q") < first_separation < names.index("insertion")
    assert ascent.insertion_time_s == pytest.approx(times[-1])


def test_max_q_is_in_the_atmospheric_phase(f9_leo):
    # Falcon 9 passes max-Q about 60-80 s after lift-off, near 11-13 km (SpaceX webcasts); the model
    # need only put it before the first staging and below 20 km.
    ascent = f9_leo[1].ascent
    max_q = next(e for e in ascent.events if e.name == "max-Q")
    separation = next(e for e in ascent.events if e.name.endswith("separation"))
    assert 0 < max_q.time_s < separation.time_s
    assert 5e3 < max_q.altitude_m < 20e3


def test_lighter_payload_leaves_propellant(f9_leo, f9_leo_lighter):
    target, estimate = f9_leo
    result = f9_leo_lighter
    assert result.payload_kg < estimate.separated_mass_kg
    left = dict(result.propellant_left_kg)
    upper = result.propellant_left_kg[-1][0]
    assert left[upper] > 100.0  # kg: 10 % of ~22 t payload is ~2 t more than needed at cut-off
    names = [e.name for e in result.events]
    assert "cut-off" in names
    assert f"{upper} burn-out" not in names  # cut off by guidance, not by propellant exhaustion


def test_elliptical_target_inserted_at_perigee(f9_elliptical):
    # The target record documents "Insertion is at perigee": true anomaly 0 at cut-off.
    # 0.05 deg of true anomaly is ~6 km along the orbit at 8 km/s, well inside the 1 km perigee
    # tolerance's geometry.
    _, ascent = f9_elliptical
    anomaly = ascent.orbit.true_anomaly_deg % 360.0
    assert min(anomaly, 360.0 - anomaly) < 0.05
    insertion = ascent.events[-1]
    assert insertion.altitude_m == pytest.approx(200e3, abs=ALTITUDE_TOL_M)


def test_electron_sso_is_retrograde(electron_sso):
    target, estimate = electron_sso
    assert target.inclination_deg == pytest.approx(97.40, abs=0.005)  # the issue's SSO value at 500 km
    assert estimate.payload_kg > 0
    assert estimate.payload_kg < estimate.payload_max_kg


def test_two_burn_fixed_payload_reaches_target(falcon9, cape, f9_leo):
    target = TargetOrbit.circular(300e3, 51.6)
    result = simulate_ascent(falcon9, cape, target, 15000.0, pitch_kick_deg=f9_leo[1].pitch_kick_deg,
                             profile="two-burn")
    assert result.profile == "two-burn"
    assert result.orbit.perigee_altitude_m == pytest.approx(300e3, abs=ALTITUDE_TOL_M)
    assert result.orbit.apogee_altitude_m == pytest.approx(300e3, abs=ALTITUDE_TOL_M)
    assert result.orbit.inclination_deg == pytest.approx(51.6, abs=INCLINATION_TOL_DEG)
    assert result.reached_target
    names = [e.name for e in result.events]
    assert names.index("first cut-off") < names.index("Second stage re-ignition") < names.index("second cut-off")


def test_apsis_speed_is_vis_viva():
    # Vis-viva, v^2 = mu (2/r - 1/a): at an apsis of radius r with the other at r_o, a = (r + r_o)/2.
    # A circular orbit (r_o = r) gives the circular speed; for 6,878 x 6,578 km (500 x 200 km
    # altitude) the apogee speed is 7,527.3 m/s (WGS-84 GM, mu = 3.986004418e14 m^3/s^2). Exact
    # formulas, so the tolerance is rounding: 1 mm/s.
    assert apsis_speed_m_s(6878137.0, 6878137.0) == pytest.approx(circular_speed_m_s(6878137.0), abs=1e-9)
    radius, other = 6878137.0, 6578137.0
    expected = math.sqrt(3.986004418e14 * (2.0 / radius - 2.0 / (radius + other)))
    assert apsis_speed_m_s(radius, other) == pytest.approx(expected, abs=1e-3)
    assert expected == pytest.approx(7527.3, abs=0.1)
    speeds = apsis_speed_m_s(np.array([radius, other]), np.array([other, radius]))  # both apsides at once
    assert speeds[0] * radius == pytest.approx(speeds[1] * other, rel=1e-12)  # angular momentum
