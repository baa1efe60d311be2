"""Two-body propagation (orbits.kepler): textbook example, closure, conservation laws, array paths."""

from __future__ import annotations

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.frames import Frame
from cosmodrome.orbits.elements import keplerian_to_cartesian, orbital_period_s
from cosmodrome.orbits.kepler import KeplerPropagator, kepler_universal
from cosmodrome.orbits.propagator import Propagator, Status
from cosmodrome.orbits.records import KeplerianElements, StateVector
from cosmodrome.time import Time

MU = 3.986004418e14
EPOCH = Time.from_utc_iso("2026-05-01T03:00:00Z")


def test_vallado_example_2_4():
    # Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., Example 2-4 (KEPLER):
    # r0 = 1131.340 I - 2282.343 J + 6672.423 K km, v0 = -5.64305 I + 4.30333 J + 2.42879 K km/s,
    # 40 min -> r = -4219.7527 I + 4363.0292 J - 3958.7666 K km,
    #           v = 3.689866 I - 1.916735 J - 6.112511 K km/s (mu = 398,600.4418 km^3/s^2).
    # Tolerance: half the last printed digit (0.05 m, 0.5 mm/s).
    r0 = np.array([1131.340, -2282.343, 6672.423]) * 1e3
    v0 = np.array([-5.64305, 4.30333, 2.42879]) * 1e3
    r, v, status = kepler_universal(r0, v0, 40 * 60.0, 398600.4418e9)
    assert status == Status.OK
    assert r / 1e3 == pytest.approx([-4219.7527, 4363.0292, -3958.7666], abs=5e-5)
    assert v / 1e3 == pytest.approx([3.689866, -1.916735, -6.112511], abs=5e-7)


ORBITS = {
    # name: (a_m, e, i, raan, argp, nu)
    "LEO": (6878137.0, 0.001, 1.7, 0.3, 0.5, 0.1),
    "Molniya": (26560e3, 0.72, 1.107, 4.0, 4.71, 0.2),
    "GEO": (42164e3, 0.0002, 0.001, 1.0, 2.0, 3.0),
}


@pytest.mark.parametrize("name", ORBITS)
def test_period_closure_after_one_and_hundred_revolutions(name):
    # After whole periods the state repeats. Bound 1 mm and 1 um/s after 100 revolutions: what is
    # left is float64 rounding of the period (measured: 0.08 mm for the Molniya orbit, 5 um at GEO).
    a, e, i, raan, argp, nu = ORBITS[name]
    r0, v0 = keplerian_to_cartesian(a, e, i, raan, argp, nu, MU)
    period = float(orbital_period_s(a, MU))
    r, v, status = kepler_universal(r0, v0, np.array([period, 100 * period, -100 * period]), MU)
    assert (status == Status.OK).all()
    assert np.abs(r - r0).max() < 1e-3
    assert np.abs(v - v0).max() < 1e-6


@pytest.mark.parametrize("name", ORBITS)
def test_energy_and_angular_momentum_are_conserved(name):
    # Relative change below 1e-13 over ten days sampled every minute (rounding level; measured 6e-15).
    a, e, i, raan, argp, nu = ORBITS[name]
    r0, v0 = keplerian_to_cartesian(a, e, i, raan, argp, nu, MU)
    dt = np.arange(0.0, 10 * 86400.0, 60.0)
    r, v, status = kepler_universal(r0, v0, dt, MU)
    assert (status == Status.OK).all()
    energy = 0.5 * np.einsum("ij,ij->i", v, v) - MU / np.linalg.norm(r, axis=-1)
    energy0 = 0.5 * v0 @ v0 - MU / np.linalg.norm(r0)
    h = np.cross(r, v)
    h0 = np.cross(r0, v0)
    assert np.abs(energy / energy0 - 1).max() < 1e-13
    assert np.abs(h - h0).max() / np.linalg.norm(h0) < 1e-13


def test_forward_then_back_returns_to_start():
    r0, v0 = keplerian_to_cartesian(*ORBITS["Molniya"], MU)
    r1, v1, _ = kepler_universal(r0, v0, 12345.6, MU)
    r2, v2, _ = kepler_universal(r1, v1, -12345.6, MU)
    assert np.abs(r2 - r0).max() < 1e-6
    assert np.abs(v2 - v0).max() < 1e-9


def test_hyperbolic_and_near_parabolic_states_conserve_energy():
    r0 = np.array([7000e3, 0.0, 0.0])
    for speed in (12e3, 11.0e3, np.sqrt(2 * MU / 7000e3) * (1 + 1e-12)):  # the last: e - 1 ~ 2e-12
        v0 = np.array([0.0, speed, 0.0])
        dt = np.array([-1e6, -100.0, 1.0, 1e3, 1e5, 1e7])
        r, v, status = kepler_universal(r0, v0, dt, MU)
        assert (status == Status.OK).all()
        energy = 0.5 * np.einsum("ij,ij->i", v, v) - MU / np.linalg.norm(r, axis=-1)
        energy0 = 0.5 * v0 @ v0 - MU / 7000e3
        assert np.abs(energy - energy0).max() < 1e-9 * (MU / 7000e3)
        h = np.cross(r, v)
        assert np.abs(h - np.cross(r0, v0)).max() < 1e-10 * np.linalg.norm(np.cross(r0, v0))


def test_propagator_many_satellites_many_times():
    states = [KeplerianElements(*ORBITS[name], EPOCH + 60.0 * k, Frame.GCRS) for k, name in enumerate(ORBITS)]
    propagator = KeplerPropagator(states, satellite_ids=[11, 22, 33])
    assert isinstance(propagator, Propagator) and propagator.frame == Frame.GCRS
    times = Time.grid(EPOCH, 3600.0, 60.0)
    eph = propagator.propagate(times)
    assert eph.position_m.shape == (3, 61, 3) and eph.is_ok
    assert eph.satellite_ids.tolist() == [11, 22, 33]
    # Row k at time k (60 k s after EPOCH) is the satellite at its own epoch.
    for k, name in enumerate(ORBITS):
        r0, _ = keplerian_to_cartesian(*ORBITS[name], MU)
        assert eph.position_m[k, k] == pytest.approx(r0, abs=1e-6)
    # The scalar path agrees with the array path.
    single = propagator.propagate(times[30])
    np.testing.assert_allclose(single.position_m[:, 0], eph.position_m[:, 30], rtol=0, atol=1e-9)


def test_propagator_refuses_mixed_frames_and_itrs():
    a = StateVector(EPOCH, [7e6, 0, 0], [0, 7.5e3, 0], Frame.GCRS)
    b = StateVector(EPOCH, [7e6, 0, 0], [0, 7.5e3, 0], Frame.TEME)
    with pytest.raises(InvalidInputError, match="share one frame"):
        KeplerPropagator([a, b])
    with pytest.raises(InvalidInputError, match="inertial frame"):
        KeplerPropagator(StateVector(EPOCH, [7e6, 0, 0], [0, 7.5e3, 0], Frame.ITRS))
    with pytest.raises(InvalidInputError, match="satellite_ids must be 1 integers"):
        KeplerPropagator(a, satellite_ids=[1, 2])
