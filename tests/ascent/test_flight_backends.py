"""The compiled flight (backend "numba", ascent._compiled) against the NumPy reference (backend "numpy").

Both backends evaluate the same expressions in the same order (ascent._compiled lists the pairs), so
they differ only by rounding: NumPy's vectorised dot products and libm calls against the compiled
scalar ones, a last-bit difference per operation. Over a whole ascent (~500 RK4 steps, staging and
event root finding) that grows to about 1e-13 relative (measured: positions 4e-14, quadratures
1e-11 m/s, event times 3e-14 s).

Tolerance 1e-9 relative, the issue's bound for the compiled path: 6 mm on the Earth's radius,
8 um/s on orbital speed, 1e-9 s on event times, 1e-6 m/s on the delta-v quadratures (1e-9 of
their ~1 km/s size). It leaves four orders of margin over rounding yet catches any real slip in
the compiled copy (a wrong term or order of events shows at 1e-6 or worse).

The bundled vehicles do not use throttle schedules or acceleration caps, so one Falcon 9 variant
adds both; Soyuz-U adds strap-on boosters burning beside the core.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
import pytest

from cosmodrome.ascent import flight as flight_module
from cosmodrome.ascent import service
from cosmodrome.ascent.dynamics import state_from_geodetic
from cosmodrome.ascent.flight import (STATE_SIZE, Backend, FlightConfig, FlightLog, StopEvent, VehicleStatus, fly,
                                      make_derivative)
from cosmodrome.ascent.propulsion import stage_groups
from cosmodrome.ascent.service import flight_config, simulate_ascent
from cosmodrome.ascent.steering import AtmosphericSteering, LinearTangentSteering, ProgradeHorizontalSteering
from cosmodrome.ascent.target import TargetOrbit
from cosmodrome.earth.constants import STANDARD_GRAVITY_M_S2
from cosmodrome.errors import InvalidInputError, SolverError
from cosmodrome.sites import find_site
from cosmodrome.vehicles.catalogue import load_vehicle

RTOL = 1e-9  # relative, on positions, velocities, masses (see the module docstring)
TIME_TOL_S = 1e-9
QUADRATURE_TOL_M_S = 1e-6
BACKENDS = ("numpy", "numba")


@dataclass
class Flight:
    t_s: float
    y: np.ndarray
    reasons: tuple[str, ...]
    remaining_kg: list[float]
    log: FlightLog


def throttled_falcon9():
    """Falcon 9 with a max-Q throttle bucket on stage 1 and a 3.5 g cap on stage 2 (illustrative)."""
    vehicle = load_vehicle("falcon9")
    first, second = vehicle.stages
    first = replace(first, throttle_schedule=((55.0, 0.7), (85.0, 1.0)))
    second = replace(second, max_acceleration_m_s2=3.5 * STANDARD_GRAVITY_M_S2, min_throttle=0.4)
    return replace(vehicle, stages=(first, second))


# vehicle, latitude deg, azimuth deg, pitch kick deg, vertical rise s, payload (fraction of gross mass)
ASCENTS = {
    "falcon9": (lambda: load_vehicle("falcon9"), 28.5, 90.0, 3.2, 10.0, 0.02),
    "angara_1_2": (lambda: load_vehicle("angara_1_2"), 62.9, 0.0, 1.0, 25.0, 0.005),
    "electron": (lambda: load_vehicle("electron"), -39.3, 180.0, 3.0, 10.0, 0.01),
    "soyuz_u": (lambda: load_vehicle("soyuz_u"), 45.9, 60.0, 2.5, 10.0, 0.02),
    "falcon9_throttled": (throttled_falcon9, 28.5, 90.0, 3.2, 10.0, 0.02),
}


def fly_ascent(name: str, backend: str) -> Flight:
    """The service's profile with fixed inputs: gravity turn on two rows to the first separation,
    then linear-tangent steering on six rows (the guidance's finite-difference batch) to burn-out."""
    make_vehicle, latitude, azimuth, kick, rise, payload_fraction = ASCENTS[name]
    vehicle = make_vehicle()
    config = replace(flight_config(vehicle), backend=backend)
    status = VehicleStatus.at_liftoff(stage_groups(vehicle), vehicle.fairing.mass_kg if vehicle.fairing else 0.0)
    masses = vehicle.gross_mass_kg * (1.0 + payload_fraction) + np.array([0.0, 5.0])
    y0 = np.zeros((2, STATE_SIZE))
    y0[:, :7] = state_from_geodetic(np.radians([latitude] * 2), np.zeros(2), np.zeros(2), np.zeros((2, 3)), masses)
    log = FlightLog()
    steering = AtmosphericSteering(math.radians(azimuth), math.radians(kick), rise)
    t1, y1, reason1 = fly(status, config, steering, 0.0, y0, 2e4, 1.0, log=log, stop_at_separation=True)
    r, v = y1[0, 0:3], y1[0, 3:6]
    radial = r / np.linalg.norm(r)
    normal = np.cross(r, v) / np.linalg.norm(np.cross(r, v))
    downrange = np.cross(normal, radial)
    a = math.tan(math.atan2(v @ radial, v @ downrange))
    params = np.tile([a, -(a + 0.15) / 300.0, 0.0, 0.0], (6, 1))
    params[1:5] += np.diag([1e-4, 1e-6, 1e-4, 1e-6])
    batch = np.vstack([np.repeat(y1[0:1], 5, axis=0), y1[1:2]])
    t2, y2, reason2 = fly(status, config, LinearTangentSteering(t1, radial, downrange, normal, params), t1, batch,
                          t1 + 1e5, 4.0, log=log)
    return Flight(t2, y2, (reason1, reason2), list(status.remaining_kg), log)


def assert_states_agree(a: np.ndarray, b: np.ndarray) -> None:
    """Rows (n, >=7) of two backends: position and velocity vectors to RTOL of their size, mass to
    RTOL, delta-v quadratures (columns 7-11) to QUADRATURE_TOL_M_S."""
    a, b = np.atleast_2d(a), np.atleast_2d(b)
    for columns in (slice(0, 3), slice(3, 6)):
        size = np.linalg.norm(a[:, columns], axis=1)
        assert np.all(np.linalg.norm(a[:, columns] - b[:, columns], axis=1) <= RTOL * size)
    np.testing.assert_allclose(b[:, 6], a[:, 6], rtol=RTOL, atol=0.0)
    np.testing.assert_allclose(b[:, 7:], a[:, 7:], rtol=0.0, atol=QUADRATURE_TOL_M_S)


@pytest.fixture(scope="module", params=sorted(ASCENTS))
def ascent_pair(request):
    return request.param, {backend: fly_ascent(request.param, backend) for backend in BACKENDS}


def test_final_state_agrees(ascent_pair):
    _, flights = ascent_pair
    reference, compiled = flights["numpy"], flights["numba"]
    assert compiled.reasons == reference.reasons
    assert compiled.t_s == pytest.approx(reference.t_s, abs=TIME_TOL_S)
    assert compiled.y.shape == reference.y.shape == (6, STATE_SIZE)
    assert_states_agree(reference.y, compiled.y)
    np.testing.assert_allclose(compiled.remaining_kg, reference.remaining_kg, rtol=RTOL, atol=1e-9)


def test_events_agree(ascent_pair):
    name, flights = ascent_pair
    reference, compiled = flights["numpy"].log.events, flights["numba"].log.events
    assert [e[0] for e in compiled] == [e[0] for e in reference]
    assert len(reference) >= 3, f"{name}: expected burn-out, separation and ignition at least"
    for (_, t_ref, _, row_ref), (_, t, _, row) in zip(reference, compiled):
        assert t == pytest.approx(t_ref, abs=TIME_TOL_S)
        assert_states_agree(row_ref, row)


def test_logged_samples_agree(ascent_pair):
    _, flights = ascent_pair
    reference, compiled = flights["numpy"].log.samples, flights["numba"].log.samples
    assert len(compiled) == len(reference)
    assert [s.stage_index for s in compiled] == [s.stage_index for s in reference]
    np.testing.assert_allclose([s.time_s for s in compiled], [s.time_s for s in reference], rtol=0, atol=TIME_TOL_S)
    assert_states_agree(np.array([s.state for s in reference]), np.array([s.state for s in compiled]))
    np.testing.assert_allclose([s.direction for s in compiled], [s.direction for s in reference], rtol=0, atol=RTOL)
    np.testing.assert_allclose([s.throttle for s in compiled], [s.throttle for s in reference], rtol=0, atol=RTOL)
    np.testing.assert_allclose([s.thrust_n for s in compiled], [s.thrust_n for s in reference], rtol=RTOL, atol=0)


def test_variants_exercise_their_features():
    # The premise of the throttled variant: the schedule steps and the cap both act in the flight.
    flight = fly_ascent("falcon9_throttled", "numba")
    throttles = np.array([s.throttle for s in flight.log.samples])
    stages = np.array([s.stage_index for s in flight.log.samples])
    assert np.any(np.isclose(throttles[stages == 0], 0.7))
    assert throttles[stages == 1].min() < 0.99  # the 3.5 g cap throttled the second stage down
    soyuz = fly_ascent("soyuz_u", "numba")
    assert soyuz.log.events[0][0].startswith("Blok B")  # the strap-ons burn out first


def _rows(n: int, seed: int) -> np.ndarray:
    """n states from the pad to orbit: altitude 0-400 km, speed 0.4-8 km/s, random directions."""
    rng = np.random.default_rng(seed)
    up = rng.normal(size=(n, 3))
    up /= np.linalg.norm(up, axis=1, keepdims=True)
    y = np.zeros((n, STATE_SIZE))
    y[:, 0:3] = up * (6371e3 + rng.uniform(0.0, 400e3, (n, 1)))
    direction = up + rng.normal(scale=0.8, size=(n, 3))
    y[:, 3:6] = direction / np.linalg.norm(direction, axis=1, keepdims=True) * rng.uniform(400.0, 8000.0, (n, 1))
    y[:, 6] = rng.uniform(5e3, 5e5, n)
    return y


def _steering_cases():
    normal = np.array([0.0, -0.6, 0.8])
    radial = np.array([1.0, 0.0, 0.0])
    params = np.random.default_rng(3).normal(scale=[0.3, 1e-3, 0.05, 1e-4], size=(8, 4))
    return {
        "vertical rise": (AtmosphericSteering(1.2, 0.05, 10.0), 5.0),
        "kick or gravity turn": (AtmosphericSteering(1.2, 0.6, 10.0), 60.0),
        "linear tangent": (LinearTangentSteering(100.0, radial, np.cross(normal, radial), normal, params), 250.0),
        "prograde horizontal": (ProgradeHorizontalSteering(), 900.0),
    }


@pytest.mark.parametrize("case", sorted(_steering_cases()))
@pytest.mark.parametrize("burning", ["coasting", "first stage", "capped second stage", "boosters and core"])
def test_derivative_agrees(case, burning):
    steering, t_s = _steering_cases()[case]
    vehicle = throttled_falcon9() if burning != "boosters and core" else load_vehicle("soyuz_u")
    status = VehicleStatus.at_liftoff(stage_groups(vehicle), 0.0)
    if burning == "coasting":
        status.burning = [False] * len(status.groups)
    elif burning == "capped second stage":
        status.burning = [False, True]
        status.ignition_s = [0.0, t_s - 30.0]
    config = flight_config(vehicle)
    y = _rows(8, seed=len(case) + len(burning))
    derivatives = {}
    for backend in BACKENDS:
        f = make_derivative(status, replace(config, backend=backend), steering)
        derivatives[backend] = (f(t_s, y), f.last)
    (reference, last_ref), (compiled, last) = derivatives["numpy"], derivatives["numba"]
    np.testing.assert_allclose(compiled, reference, rtol=RTOL, atol=1e-12)
    np.testing.assert_allclose(last["direction"], last_ref["direction"], rtol=0, atol=RTOL)
    assert last["throttle"] == pytest.approx(last_ref["throttle"], rel=RTOL)
    assert last["thrust"] == pytest.approx(last_ref["thrust"], rel=RTOL)


def _circularisation(backend: str, steering=None, stop_events=()):
    """Electron's second stage relit in orbit under prograde-horizontal steering, then a coast."""
    vehicle = load_vehicle("electron")
    config = replace(flight_config(vehicle), backend=backend)
    status = VehicleStatus.at_liftoff(stage_groups(vehicle), 0.0)
    status.burning = [False, True]
    status.attached = [False, True]
    status.ignition_s = [0.0, 500.0]
    status.remaining_kg = [0.0, 300.0]
    y0 = np.zeros((1, STATE_SIZE))
    y0[0, 0:3] = [6378137.0 + 300e3, 0.0, 0.0]
    y0[0, 3:6] = [50.0, 7200.0, 1500.0]
    y0[0, 6] = 1200.0
    log = FlightLog()
    t, y, reason = fly(status, config, steering or ProgradeHorizontalSteering(), 500.0, y0, 900.0, 2.0, log=log,
                       stop_events=stop_events, stop_at_final_burnout=False)
    return t, y, reason, log


def test_prograde_burn_and_coast_agree():
    (t_ref, y_ref, reason_ref, log_ref), (t, y, reason, log) = (_circularisation(b) for b in BACKENDS)
    assert reason == reason_ref == "time"
    assert t == pytest.approx(t_ref, abs=TIME_TOL_S)
    assert_states_agree(y_ref, y)
    assert [e[0] for e in log.events] == [e[0] for e in log_ref.events] == ["Second stage burn-out"]
    assert log.events[0][1] == pytest.approx(log_ref.events[0][1], abs=TIME_TOL_S)


class FixedDirection:
    """A steering object the compiled path does not know: thrust along +y."""

    switch_times_s: tuple[float, ...] = ()

    def direction(self, t_s, position_m, velocity_m_s):
        return np.tile([0.0, 1.0, 0.0], (len(position_m), 1))


def test_unknown_steering_runs_the_numpy_path():
    # Same code, so the same bits, not just agreement to rounding.
    (_, y_ref, _, log_ref), (_, y, _, log) = (_circularisation(b, FixedDirection()) for b in BACKENDS)
    assert np.array_equal(y, y_ref)
    assert np.array_equal([s.state for s in log.samples], [s.state for s in log_ref.samples])


def test_stop_events_agree():
    # Stop events are Python functions: the NumPy step loop runs, driving the compiled derivative.
    event = StopEvent("high", lambda t_s, row: float(np.linalg.norm(row[0:3])) - (6378137.0 + 320e3))
    (t_ref, y_ref, reason_ref, _), (t, y, reason, _) = (_circularisation(b, stop_events=(event,)) for b in BACKENDS)
    assert reason == reason_ref == "high"
    assert t == pytest.approx(t_ref, abs=TIME_TOL_S)
    assert_states_agree(y_ref, y)


def test_log_buffer_refills_without_changing_the_flight(monkeypatch):
    # The compiled segment returns whenever its sample buffer is full; the caller resumes it.
    t_ref, y_ref, _, log_ref = _circularisation("numba")
    monkeypatch.setattr(flight_module, "_LOG_ROWS", 7)
    t, y, _, log = _circularisation("numba")
    assert t == t_ref and np.array_equal(y, y_ref)
    assert len(log.samples) == len(log_ref.samples) > 7
    assert np.array_equal([s.state for s in log.samples], [s.state for s in log_ref.samples])
    assert [s.time_s for s in log.samples] == [s.time_s for s in log_ref.samples]


@pytest.mark.parametrize("backend", BACKENDS)
def test_nan_stop_time_raises_instead_of_looping(backend):
    # A diverged guidance step once handed fly a NaN cut-off time, which no step can reach.
    vehicle = load_vehicle("electron")
    config = replace(flight_config(vehicle), backend=backend)
    y0 = np.zeros((1, STATE_SIZE))
    y0[0, 0], y0[0, 4], y0[0, 6] = 6378137.0 + 300e3, 7700.0, 1000.0
    status = VehicleStatus.at_liftoff(stage_groups(vehicle), 0.0)
    with pytest.raises(SolverError, match=r"asked to stop at t = nan s"):
        fly(status, config, ProgradeHorizontalSteering(), 0.0, y0, math.nan, 4.0)


@pytest.mark.parametrize("backend", BACKENDS)
def test_states_without_the_quadrature_columns_are_rejected(backend):
    # The compiled kernel does not check its indices, so fly checks the shape for both backends.
    vehicle = load_vehicle("electron")
    config = replace(flight_config(vehicle), backend=backend)
    status = VehicleStatus.at_liftoff(stage_groups(vehicle), 0.0)
    with pytest.raises(InvalidInputError, match=r"field y0: expected states of shape \(n, 12\), got \(1, 7\)"):
        fly(status, config, ProgradeHorizontalSteering(), 0.0, np.ones((1, 7)), 10.0, 1.0)


def test_backend_is_an_enum_built_from_its_value():
    config = FlightConfig(drag_area_m2=1.0, cd_mach=(np.array([0.0]), np.array([0.3])), backend="numpy")
    assert config.backend is Backend.NUMPY
    assert FlightConfig(drag_area_m2=1.0, cd_mach=config.cd_mach).backend is Backend.NUMBA


def test_unknown_backend_is_rejected_with_the_choices():
    with pytest.raises(InvalidInputError, match=r"field backend: expected one of 'numpy', 'numba', got 'fortran'"):
        FlightConfig(drag_area_m2=1.0, cd_mach=(np.array([0.0]), np.array([0.3])), backend="fortran")


def test_simulate_ascent_agrees(monkeypatch):
    # The whole service chain (guidance solve included) on each backend: the services build their
    # FlightConfig with `service.flight_config`, which is redirected here to the NumPy backend.
    falcon9, cape = load_vehicle("falcon9"), find_site("cape_canaveral")
    target = TargetOrbit.circular(200e3, 28.5)
    compiled = simulate_ascent(falcon9, cape, target, 15000.0, pitch_kick_deg=3.2)
    numpy_config = flight_config
    monkeypatch.setattr(service, "flight_config", lambda vehicle: replace(numpy_config(vehicle), backend="numpy"))
    reference = simulate_ascent(falcon9, cape, target, 15000.0, pitch_kick_deg=3.2)
    assert compiled.insertion_time_s == pytest.approx(reference.insertion_time_s, abs=1e-6)
    assert np.linalg.norm(compiled.insertion_position_m - reference.insertion_position_m) < 1e-3  # m
    assert np.linalg.norm(compiled.insertion_velocity_m_s - reference.insertion_velocity_m_s) < 1e-6  # m/s
    assert [e.name for e in compiled.events] == [e.name for e in reference.events]
    for a, b in zip(compiled.events, reference.events):
        assert a.time_s == pytest.approx(b.time_s, abs=1e-6)
