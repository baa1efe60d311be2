"""Element conversions and anomalies (orbits.elements) and the orbit records (orbits.records)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.frames import Frame, launch_inertial_to_gcrs
from cosmodrome.orbits import elements as el
from cosmodrome.orbits.records import KeplerianElements, StateVector, state_from_insertion
from cosmodrome.time import Time

MU_VALLADO = 398600.4418e9  # Vallado (2013) uses mu = 398,600.4418 km^3/s^2 in chapter 2's examples
EPOCH = Time.from_utc_iso("2026-05-01T03:00:00Z")


def test_rv2coe_vallado_example_2_5():
    # Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., Example 2-5:
    # r = 6524.834 I + 6862.875 J + 6448.296 K km, v = 4.901327 I + 5.533756 J - 1.976341 K km/s
    # -> p = 11 067.790 km, a = 36 127.343 km, e = 0.832853, i = 87.870, RAAN = 227.898,
    # argp = 53.38, nu = 92.335 deg. The book's p and a differ from the exact values of its own
    # inputs by 7e-7 and 2e-7 (it rounds intermediate values), hence 1e-6 relative; angles to the
    # printed digits (0.001 deg, argp 0.01 deg).
    r = np.array([6524.834, 6862.875, 6448.296]) * 1e3
    v = np.array([4.901327, 5.533756, -1.976341]) * 1e3
    a, e, i, raan, argp, nu = el.cartesian_to_keplerian(r, v, MU_VALLADO)
    assert a * (1 - e * e) == pytest.approx(11067.790e3, rel=1e-6)
    assert a == pytest.approx(36127.343e3, rel=1e-6)
    assert e == pytest.approx(0.832853, abs=1e-6)
    assert np.degrees([i, raan, nu]) == pytest.approx([87.870, 227.898, 92.335], abs=1e-3)
    assert math.degrees(argp) == pytest.approx(53.38, abs=0.01)


def test_coe2rv_vallado_example_2_6():
    # Vallado (2013) Example 2-6: p = 11 067.790 km, e = 0.83285, i = 87.87, RAAN = 227.89,
    # argp = 53.38, nu = 92.335 deg -> r = 6525.368 I + 6861.532 J + 6449.119 K km,
    # v = 4.902279 I + 5.533140 J - 1.975710 K km/s. Tolerance: half the last printed digit.
    p, e = 11067.790e3, 0.83285
    r, v = el.keplerian_to_cartesian(p / (1 - e * e), e, *np.radians([87.87, 227.89, 53.38, 92.335]), MU_VALLADO)
    assert r / 1e3 == pytest.approx([6525.368, 6861.532, 6449.119], abs=5e-4)
    assert v / 1e3 == pytest.approx([4.902279, 5.533140, -1.975710], abs=5e-7)


def test_kepler_equation_vallado_example_2_1():
    # Vallado (2013) Example 2-1: M = 235.4 deg, e = 0.4 -> E = 220.512 074 767 522 deg.
    E = el.mean_to_eccentric_anomaly(math.radians(235.4), 0.4)
    assert math.degrees(E) == pytest.approx(220.512074767522, abs=1e-11)


def _random_states(rng, n, hyperbolic=False):
    a = rng.uniform(6.6e6, 4.5e7, n) * (-1 if hyperbolic else 1)
    e = rng.uniform(1.05, 4.0, n) if hyperbolic else rng.uniform(0.0, 0.95, n)
    i = rng.uniform(0, np.pi, n)
    raan, argp = rng.uniform(0, 2 * np.pi, (2, n))
    limit = np.arccos(-1 / e) * 0.95 if hyperbolic else np.pi
    nu = rng.uniform(-1, 1, n) * limit
    return a, e, i, raan, argp, nu


@pytest.mark.parametrize("hyperbolic", [False, True])
def test_cartesian_round_trip_array_path(hyperbolic):
    # elements -> state -> elements -> state: positions back to 1e-9 relative (a few micrometres
    # to millimetres; float64 with the conditioning of the conversions), velocities likewise.
    rng = np.random.default_rng(7)
    elements = _random_states(rng, 2000, hyperbolic)
    r, v = el.keplerian_to_cartesian(*elements)
    r2, v2 = el.keplerian_to_cartesian(*el.cartesian_to_keplerian(r, v))
    scale_r = np.linalg.norm(r, axis=-1, keepdims=True)
    scale_v = np.linalg.norm(v, axis=-1, keepdims=True)
    assert (np.abs(r2 - r) / scale_r).max() < 1e-9
    assert (np.abs(v2 - v) / scale_v).max() < 1e-9


def test_elements_round_trip_away_from_singular_cases():
    rng = np.random.default_rng(8)
    a, e, i, raan, argp, nu = _random_states(rng, 2000)
    keep = (e > 1e-3) & (np.sin(i) > 1e-3)
    a, e, i, raan, argp, nu = (x[keep] for x in (a, e, i, raan, argp, nu))
    a2, e2, i2, raan2, argp2, nu2 = el.cartesian_to_keplerian(*el.keplerian_to_cartesian(a, e, i, raan, argp, nu))
    assert np.abs(a2 / a - 1).max() < 1e-11
    assert np.abs(e2 - e).max() < 1e-11
    assert np.abs(i2 - i).max() < 1e-10

    def angle_error(x, y):
        return np.abs((x - y + np.pi) % (2 * np.pi) - np.pi).max()
    assert angle_error(raan2, raan) < 1e-10
    assert angle_error(argp2, argp) < 1e-7   # argp and nu are ill-conditioned as e -> 0: 1e-3 here
    assert angle_error(nu2, nu) < 1e-7
    assert angle_error(argp2 + nu2, argp + nu) < 1e-10


def test_circular_orbit_reports_argument_of_latitude():
    # Module convention: e = 0 -> argp = 0 and nu = argument of latitude (from the node).
    r, v = el.keplerian_to_cartesian(7e6, 0.0, math.radians(51.6), 1.0, 0.0, 0.7)
    a, e, i, raan, argp, nu = el.cartesian_to_keplerian(r, v)
    assert e < 1e-15 and argp == 0.0
    assert raan == pytest.approx(1.0, abs=1e-13)
    assert nu == pytest.approx(0.7, abs=1e-13)


def test_equatorial_orbits_report_longitude_of_periapsis():
    # Module convention: equatorial -> raan = 0, argp = longitude of periapsis in the direction of motion.
    for inclination in (0.0, math.pi):
        r, v = el.keplerian_to_cartesian(9e6, 0.2, inclination, 0.0, 0.9, 0.3)
        a, e, i, raan, argp, nu = el.cartesian_to_keplerian(r, v)
        assert raan == 0.0
        assert (argp, nu) == pytest.approx((0.9, 0.3), abs=1e-12)
        r2, v2 = el.keplerian_to_cartesian(a, e, i, raan, argp, nu)
        assert r2 == pytest.approx(r, abs=1e-6)
    # Circular and equatorial: nu is the true longitude.
    r, v = el.keplerian_to_cartesian(4.2164e7, 0.0, 0.0, 0.0, 0.0, 2.5)
    a, e, i, raan, argp, nu = el.cartesian_to_keplerian(r, v)
    assert (raan, argp) == (0.0, 0.0)
    assert nu == pytest.approx(2.5, abs=1e-13)


def test_single_values_give_scalars_and_bad_elements_give_nan():
    r, v = el.keplerian_to_cartesian(7e6, 0.1, 1.0, 2.0, 3.0, 0.5)
    assert r.shape == (3,) and v.shape == (3,)
    assert np.ndim(el.cartesian_to_keplerian(r, v)[0]) == 0
    r, v = el.keplerian_to_cartesian([7e6, -7e6], [0.1, 0.5], 1.0, 2.0, 3.0, 0.5)  # a < 0 with e < 1: p < 0
    assert np.isfinite(r[0]).all() and np.isnan(r[1]).all()


@pytest.mark.parametrize("e", [0.0, 1e-9, 0.3, 0.9, 0.99, 0.999999])
def test_anomaly_conversions_are_inverse_and_keep_the_revolution_count(e):
    M = np.linspace(-20.0, 20.0, 20001)
    E = el.mean_to_eccentric_anomaly(M, e)
    assert np.abs(E - e * np.sin(E) - M).max() < 1e-14
    nu = el.mean_to_true_anomaly(M, e)
    assert np.abs(nu - M).max() < np.pi  # same turn
    # Conditioning of nu -> M grows as e -> 1 (1e-11 at e = 0.999999).
    assert np.abs(el.true_to_mean_anomaly(nu, e) - M).max() < 1e-10


@pytest.mark.parametrize("e", [1.0001, 1.5, 30.0])
def test_hyperbolic_anomalies(e):
    M = np.linspace(-50.0, 50.0, 10001)
    F = el.mean_to_hyperbolic_anomaly(M, e)
    assert np.abs(e * np.sinh(F) - F - M).max() < 1e-12 * 50
    nu = el.mean_to_true_anomaly(M, e)
    assert np.abs(el.true_to_mean_anomaly(nu, e) - M).max() < 1e-9 * 50


def test_anomalies_of_impossible_eccentricities_are_nan():
    assert np.isnan(el.mean_to_eccentric_anomaly(1.0, [1.0, -0.1, np.nan])).all()
    assert np.isnan(el.mean_to_true_anomaly(1.0, 1.0))
    assert np.isnan(el.mean_to_hyperbolic_anomaly(1.0, 0.5))


def test_sun_synchronous_inclination_at_500_and_800_km():
    # Independent approximation for circular orbits, cos i = -(a / 12 352 km)^(7/2)
    # (Wikipedia, "Sun-synchronous orbit", Technical details; its constant carries 5 digits, i.e.
    # 5e-5 relative in a, ~0.002 deg in i). 500 km: 97.40 deg; 800 km: 98.60 deg.
    for height_m in (500e3, 800e3):
        a = 6378137.0 + height_m
        approx = math.degrees(math.acos(-(a / 12352e3) ** 3.5))
        assert math.degrees(el.sun_synchronous_inclination_rad(a)) == pytest.approx(approx, abs=0.003)
    assert np.isnan(el.sun_synchronous_inclination_rad(13000e3))  # beyond reach of J2 regression


# --- records ------------------------------------------------------------------------------------

def test_state_vector_checks_itself():
    with pytest.raises(InvalidInputError, match="expected three numbers in m"):
        StateVector(EPOCH, [1.0, 2.0], [0.0, 0.0, 0.0], Frame.GCRS)
    with pytest.raises(InvalidInputError, match="finite"):
        StateVector(EPOCH, [7e6, 0.0, np.nan], [0.0, 7.5e3, 0.0], Frame.GCRS)
    with pytest.raises(InvalidInputError, match="frame must be a cosmodrome.frames.Frame"):
        StateVector(EPOCH, [7e6, 0.0, 0.0], [0.0, 7.5e3, 0.0], "GCRS")
    with pytest.raises(InvalidInputError, match="single cosmodrome.time.Time"):
        StateVector(Time.grid(EPOCH, 60.0, 30.0), [7e6, 0.0, 0.0], [0.0, 7.5e3, 0.0], Frame.GCRS)
    state = StateVector(EPOCH, [7e6, 0.0, 0.0], [0.0, 7.5e3, 0.0], Frame.GCRS)
    with pytest.raises(ValueError):
        state.position_m[0] = 0.0  # read-only
    with pytest.raises(dataclasses.FrozenInstanceError):
        state.frame = Frame.TEME


def test_keplerian_elements_check_themselves():
    good = dict(semi_major_axis_m=7e6, eccentricity=0.01, inclination_rad=1.0, raan_rad=0.0,
                argument_of_perigee_rad=0.0, true_anomaly_rad=0.0, epoch=EPOCH, frame=Frame.GCRS)
    KeplerianElements(**good)
    with pytest.raises(InvalidInputError, match="eccentricity must be >= 0, got -0.1"):
        KeplerianElements(**{**good, "eccentricity": -0.1})
    with pytest.raises(InvalidInputError, match="ellipse .* needs a positive semi-major axis, got -7000000.0 m"):
        KeplerianElements(**{**good, "semi_major_axis_m": -7e6})
    with pytest.raises(InvalidInputError, match="hyperbola .* needs a negative semi-major axis"):
        KeplerianElements(**{**good, "eccentricity": 1.5})
    with pytest.raises(InvalidInputError, match="parabola"):
        KeplerianElements(**{**good, "eccentricity": 1.0})
    with pytest.raises(InvalidInputError, match=r"inclination must be within 0 to pi rad \(0 to 180 deg\)"):
        KeplerianElements(**{**good, "inclination_rad": 4.0})
    with pytest.raises(InvalidInputError, match="beyond the asymptotes"):
        KeplerianElements(**{**good, "semi_major_axis_m": -7e6, "eccentricity": 1.5, "true_anomaly_rad": 2.5})
    with pytest.raises(InvalidInputError, match="inertial frame"):
        KeplerianElements(**{**good, "frame": Frame.ITRS})
    with pytest.raises(InvalidInputError, match="field inclination_rad"):
        KeplerianElements(**{**good, "inclination_rad": "steep"})


def test_records_convert_both_ways():
    elements = KeplerianElements(7.2e6, 0.05, 1.2, 0.4, 2.0, 3.0, EPOCH, Frame.TEME)
    state = elements.to_state_vector()
    assert state.frame == Frame.TEME and state.epoch is EPOCH
    back = state.to_keplerian()
    assert back.semi_major_axis_m == pytest.approx(7.2e6, rel=1e-12)
    assert (back.eccentricity, back.inclination_rad, back.raan_rad, back.argument_of_perigee_rad,
            back.true_anomaly_rad) == pytest.approx((0.05, 1.2, 0.4, 2.0, 3.0), abs=1e-11)
    variant = dataclasses.replace(elements, eccentricity=0.1)  # a copy, checked again
    assert variant.eccentricity == 0.1 and elements.eccentricity == 0.05
    with pytest.raises(InvalidInputError, match="inertial frame"):
        StateVector(EPOCH, [7e6, 0, 0], [0, 7.5e3, 0], Frame.ITRS).to_keplerian()


def test_state_from_insertion_takes_the_ascent_frames_output():
    launch = dt.datetime(2026, 5, 1, 3, 0, 0, tzinfo=dt.timezone.utc)
    r_gcrs, v_gcrs, epoch = launch_inertial_to_gcrs(launch, 540.0, np.array([6.3e6, 1.0e6, 2.5e6]),
                                                    np.array([-1.0e3, 6.5e3, 3.0e3]))
    state = state_from_insertion(r_gcrs, v_gcrs, epoch)
    assert state.frame == Frame.GCRS
    assert state.epoch - Time.from_utc_iso("2026-05-01T03:09:00Z") == pytest.approx(0.0, abs=1e-6)
    np.testing.assert_array_equal(state.position_m, r_gcrs)
    same = state_from_insertion(r_gcrs, v_gcrs, Time.from_utc_iso("2026-05-01T03:09:00Z"))
    assert same.epoch - state.epoch == pytest.approx(0.0, abs=1e-6)
    with pytest.raises(InvalidInputError, match="no time zone"):
        state_from_insertion(r_gcrs, v_gcrs, dt.datetime(2026, 5, 1, 3, 9))
