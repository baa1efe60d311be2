"""J2 secular propagation and Brouwer mean elements (orbits.j2_secular).

References nobody here wrote: the mean Sun's rate (360 deg per 365.2422 days) for the
sun-synchronous node, an independent approximation of the sun-synchronous inclination, and a
numerical integration of the J2 equations of motion (scipy's DOP853 at rtol 1e-13 on
earth.gravity's J2 acceleration, a method independent of the analytic theory under test).
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from cosmodrome.earth.gravity import gravity_j2_m_s2
from cosmodrome.frames import Frame
from cosmodrome.orbits import elements as el
from cosmodrome.earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_GM_M3_S2, WGS84_J2
from cosmodrome.orbits.j2_secular import (J2SecularPropagator, _second_order_hamiltonian_factor, j2_secular_rates,
                                          mean_to_osculating, mean_to_osculating_elements, osculating_to_mean,
                                          osculating_to_mean_elements)
from cosmodrome.orbits.propagator import Propagator, Status
from cosmodrome.orbits.records import KeplerianElements, StateVector
from cosmodrome.time import Time

EPOCH = Time.from_utc_iso("2026-03-20T00:00:00Z")
SUN_RATE_DEG_DAY = 360.0 / 365.2422  # mean Sun, tropical year

# Mean elements (a_m, e, i_deg, raan_deg, argp_deg, M_deg) of the orbits checked against integration.
ORBITS = {
    "SSO 500 km": (6878137.0, 0.001, 97.4, 30.0, 40.0, 50.0),
    "LEO e=0.1": (7000e3, 0.1, 50.0, 30.0, 40.0, 50.0),
    "Molniya": (26560e3, 0.7, 63.4, 30.0, 270.0, 10.0),
    "near-equatorial": (7200e3, 0.02, 5.0, 30.0, 40.0, 50.0),
    "circular": (7200e3, 0.0, 28.5, 30.0, 0.0, 50.0),
    "retrograde": (7200e3, 0.01, 150.0, 30.0, 40.0, 50.0),
}


def _osculating_state(a, e, i_deg, raan_deg, argp_deg, M_deg):
    osc = mean_to_osculating(a, e, *np.radians([i_deg, raan_deg, argp_deg, M_deg]))
    nu = el.mean_to_true_anomaly(osc[5], osc[1])
    return el.keplerian_to_cartesian(osc[0], osc[1], osc[2], osc[3], osc[4], nu)


def _integrate_j2(r0, v0, t_s):
    def rhs(_, y):
        return np.concatenate([y[3:], gravity_j2_m_s2(y[:3])])
    sol = solve_ivp(rhs, (0.0, t_s[-1]), np.concatenate([r0, v0]), method="DOP853", rtol=1e-13, atol=1e-6,
                    t_eval=t_s)
    assert sol.success, sol.message
    return sol.y[:3].T, sol.y[3:].T


@pytest.fixture(scope="module")
def integrated():
    """One day of J2-only flight of each orbit, every 60 s: {name: (t_s, r, v)}."""
    out = {}
    t_s = np.arange(0.0, 86400.0 + 1.0, 60.0)
    for name, mean in ORBITS.items():
        r0, v0 = _osculating_state(*mean)
        out[name] = (t_s, *_integrate_j2(r0, v0, t_s))
    return out


def test_sun_synchronous_node_turns_with_the_mean_sun():
    # 500 km circular orbit at the inclination of the approximation cos i = -(a / 12 352 km)^(7/2)
    # (Wikipedia, "Sun-synchronous orbit": first order in J2, its constant good to ~1.5e-4 in the
    # rate), started from mean elements; RAAN fitted over 10 days of osculating states.
    # Bound 0.1 %: our rates carry Brouwer's J2^2 terms, which slow this node by 8.6e-4 relative
    # (a numerical J2 integration agrees with them to 2e-5; the next test's orbits), plus the
    # approximation's uncertainty.
    a = 6378137.0 + 500e3
    inclination = math.acos(-(a / 12352e3) ** 3.5)
    propagator = J2SecularPropagator.from_mean_elements(
        KeplerianElements(a, 0.0, inclination, 0.5, 0.0, 0.0, EPOCH, Frame.TEME))
    times = Time.grid(EPOCH, 10 * 86400.0, 60.0)
    eph = propagator.propagate(times)
    raan = np.unwrap(el.cartesian_to_keplerian(eph.position_m[0], eph.velocity_m_s[0])[3])
    rate_deg_day = math.degrees(np.polyfit(times - EPOCH, raan, 1)[0]) * 86400.0
    assert rate_deg_day == pytest.approx(SUN_RATE_DEG_DAY, rel=1e-3)
    # The fitted osculating rate is the mean rate (short-period terms average out over 10 days).
    assert rate_deg_day == pytest.approx(math.degrees(j2_secular_rates(a, 0.0, inclination)[0]) * 86400.0,
                                         rel=2e-5)
    # Our first-order sun-synchronous inclination gives the mean Sun's rate exactly to first order.
    own = float(el.sun_synchronous_inclination_rad(a))
    assert math.degrees(el.j2_nodal_rate_rad_s(a, 0.0, own)) * 86400.0 == pytest.approx(SUN_RATE_DEG_DAY,
                                                                                        rel=1e-12)


@pytest.mark.parametrize("name", ORBITS)
def test_mean_elements_strip_the_short_period_oscillation(integrated, name):
    # Along a numerically integrated J2 orbit, osculating a, e, i oscillate at the orbital period
    # (19 km in a for the SSO); Brouwer's first-order short-period terms remove all of it except
    # the O(J2^2) part: the mean a, e, i stay constant to 5e-6 of a (35 m in LEO, 150 m for the
    # Molniya orbit whose osculating a swings 100 km), 1e-5 in e and 2e-6 rad in i. A single
    # wrong coefficient leaves an O(J2) residual, 1e-3 relative, which these bounds catch.
    t_s, r, v = integrated[name]
    a, e, i, raan, argp, nu = el.cartesian_to_keplerian(r, v)
    am, em, im, *_, status = osculating_to_mean(a, e, i, raan, argp, el.true_to_mean_anomaly(nu, e))
    assert (status == Status.OK).all()
    assert np.ptp(a) > 500.0  # the oscillation is there to remove
    assert np.ptp(am) < 1.2e-5 * am[0]
    assert np.ptp(em) < 1e-5
    assert np.ptp(im) < 2e-6


@pytest.mark.parametrize("name", ORBITS)
def test_j2_secular_propagator_follows_the_numerical_j2_orbit_for_a_day(integrated, name):
    # Started from the osculating state: mean elements by Brouwer's map plus the energy-matched
    # mean semi-major axis. Measured: 27-80 m after one day (the O(J2^2) terms a first-order
    # theory leaves out); bound 150 m. Without the energy refinement the SSO drifts 4 km a day.
    t_s, r, v = integrated[name]
    propagator = J2SecularPropagator(StateVector(EPOCH, r[0], v[0], Frame.TEME))
    assert isinstance(propagator, Propagator) and propagator.frame == Frame.TEME
    eph = propagator.propagate(EPOCH + t_s)
    assert eph.is_ok
    error = np.linalg.norm(eph.position_m[0] - r, axis=-1)
    assert error[0] < 1e-3  # the start state itself is reproduced (exact inverse map)
    assert error.max() < 150.0


def test_secular_rates_are_the_gradient_of_one_mean_hamiltonian():
    # Hamilton's equations in Delaunay variables (L = sqrt(mu a), G = L eta, H = G cos i): the
    # rates must be dF/dL, dF/dG, dF/dH of F = -mu^2/(2 L^2) + F1 + F2, the mean Hamiltonian that
    # energy_mean_semi_major_axis matches to the state's energy. F1 is the orbit average of the J2
    # potential mu J2 R^2 (3 sin^2 lat - 1) / (2 r^3), with <1/r^3> = 1/(a^3 eta^3) and
    # <sin^2 lat> = sin^2 i / 2; F2 comes from the module. Derivatives by complex step (exact to
    # rounding); bound 1e-12 of the mean motion.
    mu, j2, radius = WGS84_GM_M3_S2, WGS84_J2, WGS84_EQUATORIAL_RADIUS_M

    def hamiltonian(L, G, H):
        eta, theta = G / L, H / G
        gamma2p = j2 * radius**2 * mu**2 / (2 * G**4)
        return (-mu**2 / (2 * L**2) - mu**4 * j2 * radius**2 * (3 * theta**2 - 1) / (4 * L**3 * G**3)
                + mu**2 / L**2 * gamma2p**2 * _second_order_hamiltonian_factor(eta, theta))

    for a, e, i in [(6878137.0, 0.001, 1.7), (7000e3, 0.1, 0.87), (26560e3, 0.7, 1.107), (8000e3, 0.3, 2.5)]:
        L = math.sqrt(mu * a)
        G = L * math.sqrt(1 - e * e)
        H = G * math.cos(i)
        step = 1e-20
        gradient = [hamiltonian(*(x + 1j * step * x if k == j else x for k, x in enumerate((L, G, H)))).imag
                    / (step * (L, G, H)[j]) for j in range(3)]
        raan_rate, argp_rate, m_rate = j2_secular_rates(a, e, i)
        n = math.sqrt(mu / a**3)
        assert np.array(gradient) == pytest.approx([m_rate, argp_rate, raan_rate], abs=1e-12 * n)


def test_mean_osculating_round_trip():
    # The inverse is iterated to 1e-13: round trips agree to 1e-6 m in a and 1e-12 rad in angles.
    rng = np.random.default_rng(3)
    n = 500
    a = rng.uniform(6.7e6, 4.3e7, n)
    e = rng.uniform(0.0, 0.8, n) * (a > 1e7) + rng.uniform(0.0, 0.05, n) * (a <= 1e7)
    i, raan, argp, M = rng.uniform(0.0, np.pi, n), *rng.uniform(0.0, 2 * np.pi, (3, n))
    osc = mean_to_osculating(a, e, i, raan, argp, M)
    *mean, status = osculating_to_mean(*osc)
    assert (status == Status.OK).all()
    assert np.abs(mean[0] - a).max() < 1e-6
    assert np.abs(mean[1] - e).max() < 1e-12
    assert np.abs(mean[2] - i).max() < 1e-12

    def wrapped(x):
        return np.abs((x + np.pi) % (2 * np.pi) - np.pi).max()
    assert wrapped(mean[3] - raan) < 1e-11
    assert wrapped((mean[4] + mean[5]) - (argp + M)) < 1e-11


def test_record_level_conversion_round_trip():
    mean = KeplerianElements(6878137.0, 0.001, math.radians(97.4), 1.0, 2.0, 3.0, EPOCH, Frame.TEME)
    osc = mean_to_osculating_elements(mean)
    assert abs(osc.semi_major_axis_m - mean.semi_major_axis_m) > 100.0  # short-period terms are km-sized
    back = osculating_to_mean_elements(osc)
    assert back.semi_major_axis_m == pytest.approx(mean.semi_major_axis_m, abs=1e-6)
    assert (back.eccentricity, back.inclination_rad, back.raan_rad) == pytest.approx(
        (0.001, mean.inclination_rad, 1.0), abs=1e-12)
    assert back.argument_of_perigee_rad + back.true_anomaly_rad == pytest.approx(5.0, abs=1e-9)


def test_orbits_without_mean_elements_get_a_status_not_an_exception():
    good = StateVector(EPOCH, [7e6, 0.0, 0.0], [0.0, 7.6e3, 1.0e3], Frame.GCRS)
    hyperbolic = StateVector(EPOCH, [7e6, 0.0, 0.0], [0.0, 12e3, 1.0e3], Frame.GCRS)
    eph = J2SecularPropagator([good, hyperbolic, good]).propagate(Time.grid(EPOCH, 600.0, 60.0))
    assert (eph.status[[0, 2]] == Status.OK).all()
    assert (eph.status[1] == Status.INVALID_ORBIT).all()
    assert np.isnan(eph.position_m[1]).all() and np.isfinite(eph.position_m[[0, 2]]).all()
    assert eph.failures() == [(1, 0, Status.INVALID_ORBIT)]
