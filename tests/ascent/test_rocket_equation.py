"""The flight integrator against Tsiolkovsky's rocket equation, dv = g0 Isp ln(m0 / m1).

A single stage burns in (practically) empty space: the state starts 1e13 m from the Earth's
centre, where J2 gravity is ~4e-12 m/s^2 and the US 1976 model (extrapolated) gives zero air,
and the thrust holds one inertial direction along the initial velocity (a linear-tangent law with
no pitch or yaw terms). Then the speed gained
is exactly the ideal delta-v of the rocket equation (Tsiolkovsky 1903; e.g. Sutton & Biblarz,
Rocket Propulsion Elements, 9th ed., eq. 4-6), and so is the integrator's ideal quadrature
(state column 7, the value DeltaVBudget.ideal_m_s reports).

Tolerance 1e-6 relative (a few mm/s on a few km/s): the only errors left are RK4 truncation on a
smooth mass history and the burn-out root finding, both far below that; gravity over the burn
contributes < 1e-9 m/s. Every check runs on both integrator backends (FlightConfig.backend).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

from cosmodrome.ascent.dynamics import environment
from cosmodrome.ascent.flight import IDEAL, STATE_SIZE, FlightConfig, FlightLog, VehicleStatus, fly
from cosmodrome.ascent.propulsion import stage_groups
from cosmodrome.ascent.steering import LinearTangentSteering
from cosmodrome.earth.constants import STANDARD_GRAVITY_M_S2
from cosmodrome.vehicles.records import Allowances, Stage, Vehicle

FAR_M = 1e13  # distance from the Earth's centre: "deep space" for this test
V0_M_S = 100.0  # a non-zero start speed (the loss quadratures project on the velocity direction)
PAYLOAD_KG = 250.0
DIRECTION = np.array([0.0, 0.6, 0.8])  # fixed inertial thrust direction (unit vector)
CONFIG = FlightConfig(drag_area_m2=1.0, cd_mach=(np.array([0.0, 10.0]), np.array([0.3, 0.3])))
# Thrust along downrange + (a + b tau) radial + (c + d tau) normal with a = b = c = d = 0: DIRECTION.
FIXED_DIRECTION = LinearTangentSteering(0.0, np.array([1.0, 0.0, 0.0]), DIRECTION, np.array([0.0, 0.8, -0.6]),
                                        np.zeros((1, 4)))
BACKENDS = ("numpy", "numba")


def _stage(**kwargs) -> Stage:
    # Illustrative figures of a small vacuum stage (no sea-level data: no back-pressure term).
    return Stage(name="Test stage", propellant_mass_kg=2000.0, dry_mass_kg=300.0, thrust_vac_n=30e3,
                 isp_vac_s=320.0, ignition="liftoff", **kwargs)


def _fly(stage: Stage, backend: str):
    vehicle = Vehicle(id="test", name="Test", stages=(stage,), allowances=Allowances.none())
    groups = stage_groups(vehicle)
    status = VehicleStatus.at_liftoff(groups, 0.0)
    y0 = np.zeros((1, STATE_SIZE))
    y0[0, 0:3] = [FAR_M, 0.0, 0.0]
    y0[0, 3:6] = V0_M_S * DIRECTION
    y0[0, 6] = vehicle.gross_mass_kg + PAYLOAD_KG
    log = FlightLog()
    config = replace(CONFIG, backend=backend)
    t, y, reason = fly(status, config, FIXED_DIRECTION, 0.0, y0, t_stop_s=1e5, step_s=1.0, log=log)
    return vehicle, y0, t, y, reason, log


def _rocket_equation_m_s(stage: Stage) -> float:
    m0 = stage.gross_mass_kg + PAYLOAD_KG
    m1 = stage.dry_mass_kg + PAYLOAD_KG
    return STANDARD_GRAVITY_M_S2 * stage.isp_vac_s * math.log(m0 / m1)


def test_far_point_is_empty_space():
    # The premise of the other tests: no air, no back-pressure, negligible gravity out there.
    y = np.zeros((1, 7))
    y[0, 0] = FAR_M
    y[0, 3:6] = V0_M_S * DIRECTION
    y[0, 6] = 1000.0
    env = environment(0.0, y, DIRECTION[None, :], np.zeros(1), np.zeros(1), np.ones(1), CONFIG.cd_mach)
    assert env.density_kg_m3[0] == 0.0
    assert env.pressure_pa[0] == 0.0
    assert np.all(env.drag_n == 0.0)
    assert np.linalg.norm(env.gravity_m_s2[0]) < 1e-11  # GM / r^2 = 4.0e-12 m/s^2


@pytest.fixture(scope="module", params=BACKENDS)
def constant_thrust(request):
    return _fly(_stage(), request.param)


@pytest.fixture(scope="module", params=BACKENDS)
def capped_thrust(request):
    # 3 g cap: full thrust gives 30 kN / 2550 kg = 11.8 m/s^2 at ignition, 54.5 m/s^2 at burn-out,
    # so the throttle starts at 1 and falls continuously once the cap bites (min_throttle 0.1).
    return _fly(_stage(max_acceleration_m_s2=3.0 * STANDARD_GRAVITY_M_S2, min_throttle=0.1), request.param)


def test_constant_thrust_reaches_rocket_equation_delta_v(constant_thrust):
    vehicle, y0, t, y, reason, log = constant_thrust
    stage = vehicle.stages[0]
    assert reason == "final burnout"
    dv = np.linalg.norm(y[0, 3:6]) - V0_M_S
    assert dv == pytest.approx(_rocket_equation_m_s(stage), rel=1e-6)


def test_constant_thrust_burnout_at_analytic_time(constant_thrust):
    # Burn time = propellant / mass flow, mass flow = F_vac / (g0 Isp): 2000 kg / 9.5631 kg/s = 209.14 s.
    vehicle, y0, t, y, reason, log = constant_thrust
    stage = vehicle.stages[0]
    expected = stage.propellant_mass_kg * stage.isp_vac_s * STANDARD_GRAVITY_M_S2 / stage.thrust_vac_n
    assert t == pytest.approx(expected, abs=1e-6)  # seconds
    assert y[0, 6] == pytest.approx(stage.dry_mass_kg + PAYLOAD_KG, abs=1e-6)  # kg
    names = [e[0] for e in log.events]
    assert names == ["Test stage burn-out"]
    assert log.events[0][1] == pytest.approx(expected, abs=1e-6)


def test_constant_thrust_ideal_quadrature_is_rocket_equation(constant_thrust):
    vehicle, y0, t, y, reason, log = constant_thrust
    assert y[0, IDEAL] == pytest.approx(_rocket_equation_m_s(vehicle.stages[0]), rel=1e-6)


def test_capped_thrust_throttles_down(capped_thrust):
    vehicle, y0, t, y, reason, log = capped_thrust
    stage = vehicle.stages[0]
    throttles = np.array([s.throttle for s in log.samples])
    assert throttles[0] == 1.0
    # At the end the cap holds a = a_max: throttle = a_max * m1 / F_vac = 29.42 * 550 / 30e3 = 0.539.
    assert throttles[-1] == pytest.approx(stage.max_acceleration_m_s2 * y[0, 6] / stage.thrust_vac_n, rel=1e-2)
    assert np.all(np.diff(throttles) <= 1e-12)
    # Longer than the full-thrust burn, since the engine spends time throttled down.
    assert t > stage.full_burn_time_s + 10.0


def test_capped_thrust_burnout_found_by_mass_event(capped_thrust):
    vehicle, y0, t, y, reason, log = capped_thrust
    stage = vehicle.stages[0]
    assert reason == "final burnout"
    assert [e[0] for e in log.events] == ["Test stage burn-out"]
    # Mass at burn-out = dry + payload: the event root is found to 1e-3 kg (0.1 ms of flow).
    assert y[0, 6] == pytest.approx(stage.dry_mass_kg + PAYLOAD_KG, abs=1e-3)


def test_capped_thrust_reaches_rocket_equation_delta_v(capped_thrust):
    # The rocket equation does not depend on the throttle history.
    vehicle, y0, t, y, reason, log = capped_thrust
    expected = _rocket_equation_m_s(vehicle.stages[0])
    assert np.linalg.norm(y[0, 3:6]) - V0_M_S == pytest.approx(expected, rel=1e-6)
    assert y[0, IDEAL] == pytest.approx(expected, rel=1e-6)
