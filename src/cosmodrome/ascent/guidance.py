"""Closed-loop vacuum guidance: linear-tangent steering solved for the target orbit directly.

From the state at guidance engagement (first staging) to cut-off, the thrust follows
``LinearTangentSteering`` with four parameters (a, b, c, d). A damped Newton iteration on the
flight itself (the same equations of motion and staging, so the prediction is the flight) finds
the parameters, and the cut-off time or the payload, that put the vehicle at the perigee of the
target orbit in the target plane. Sensitivities come from extra rows of one batched flight, so a
Newton step costs about one flight. Because the predictor is the flight model, re-solving during
the burn changes nothing in a deterministic run; dispersed runs re-solve at each stage ignition.

Two-burn ascents add a second guided burn, centred on the apogee of the transfer ellipse
(``solve_apogee_burn``): an inertial attitude (pitch and yaw, in a basis frozen at apogee) and
the cut-off time solved so that the burn ends level, with the speed that puts the other apsis at
the target's, in the target inclination. Where it ends (the radius) is set by the caller through
the transfer orbit (ascent.service).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..earth.constants import WGS84_GM_M3_S2
from ..errors import SolverError
from .flight import FlightConfig, VehicleStatus, fly, make_derivative
from .steering import LinearTangentSteering

# Residual scales: 1 unit = 1 km of position or 1 m/s of velocity.
_SCALE = np.array([1e-3, 1.0, 1.0, 1e-3, 1.0])
_TOLERANCE = np.array([0.005, 0.005, 0.005, 0.005, 0.005])  # 5 m, 5 mm/s
_PARAM_STEPS = np.array([1e-4, 1e-6, 1e-4, 1e-6])


@dataclass(frozen=True)
class InsertionTarget:
    """Perigee radius and speed to reach, in the plane whose unit normal is ``normal``."""

    radius_m: float
    speed_m_s: float
    normal: np.ndarray  # (3,), launch-inertial


def target_plane_normal(position_m: np.ndarray, velocity_m_s: np.ndarray, inclination_rad: float):
    """Normal of the plane of inclination ``i`` through ``position_m``, on the branch that best
    matches the current direction of motion. Returns (normal, inclination flown): when the
    position's latitude exceeds i (or 180 - i) the plane closest to it (i = |latitude|) is used."""
    r_hat = position_m / np.linalg.norm(position_m)
    latitude = math.asin(max(-1.0, min(1.0, r_hat[2])))
    incl = inclination_rad
    if math.sin(incl) < abs(math.sin(latitude)) * (1.0 + 1e-12):
        incl = abs(latitude) if incl <= math.pi / 2 else math.pi - abs(latitude)
    alpha = math.atan2(r_hat[1], r_hat[0])
    rho = math.hypot(r_hat[0], r_hat[1])
    s = -r_hat[2] * math.cos(incl) / (rho * math.sin(incl)) if math.sin(incl) > 1e-12 else 0.0
    s = max(-1.0, min(1.0, s))
    best = None
    for delta in (math.asin(s), math.pi - math.asin(s)):
        raan = alpha + delta
        normal = np.array([math.sin(incl) * math.sin(raan), -math.sin(incl) * math.cos(raan), math.cos(incl)])
        motion = np.cross(normal, r_hat)
        score = float(np.dot(motion, velocity_m_s))
        if best is None or score > best[0]:
            best = (score, normal)
    return best[1], incl


def residuals(y: np.ndarray, target: InsertionTarget) -> np.ndarray:
    """Scaled insertion residuals of state rows (n, >=6): radius, radial speed, horizontal speed,
    out-of-plane position and velocity."""
    r = y[:, 0:3]
    v = y[:, 3:6]
    rn = np.linalg.norm(r, axis=1)
    radial_speed = np.einsum("ij,ij->i", r, v) / rn
    horizontal_speed = np.sqrt(np.maximum(np.einsum("ij,ij->i", v, v) - radial_speed**2, 0.0))
    out = np.column_stack([rn - target.radius_m, radial_speed, horizontal_speed - target.speed_m_s,
                           r @ target.normal, v @ target.normal])
    return out * _SCALE


def initial_parameters(position_m: np.ndarray, velocity_m_s: np.ndarray, normal: np.ndarray,
                       burn_time_s: float) -> np.ndarray:
    """Guess (a, b, c, d): pitch continuous with the current flight-path angle, falling to level."""
    r_hat = position_m / np.linalg.norm(position_m)
    downrange = np.cross(normal, r_hat)
    gamma = math.atan2(float(np.dot(velocity_m_s, r_hat)), float(np.dot(velocity_m_s, downrange)))
    a = math.tan(min(max(gamma, -0.5), 1.2))
    b = -(a + 0.15) / max(burn_time_s, 30.0)
    return np.array([a, b, 0.0, 0.0])


def basis(position_m: np.ndarray, normal: np.ndarray):
    r_hat = position_m / np.linalg.norm(position_m)
    radial = r_hat - np.dot(r_hat, normal) * normal
    radial /= np.linalg.norm(radial)
    return radial, np.cross(normal, radial), normal


@dataclass(frozen=True)
class VacuumSolution:
    params: np.ndarray  # (4,)
    cutoff_s: float | None
    residual: np.ndarray  # scaled, (5,)
    iterations: int
    state: np.ndarray | None = None  # (12,) at cut-off, trajectory 0 of the converged flight
    status: VehicleStatus | None = None  # bookkeeping at cut-off (engines still lit); copy before use


def fly_guided(status: VehicleStatus, config: FlightConfig, t0_s: float, y0: np.ndarray,
               normal: np.ndarray, params: np.ndarray, cutoff_s: float | None, step_s: float, log=None):
    """Fly rows ``y0`` (n, 12) under linear-tangent steering (params (n, 4)) to cut-off or burn-out."""
    radial, downrange, normal = basis(y0[0, 0:3], normal)
    steering = LinearTangentSteering(t0_s, radial, downrange, normal, np.atleast_2d(params))
    t_stop = cutoff_s if cutoff_s is not None else t0_s + 1e5
    t, y, reason = fly(status, config, steering, t0_s, y0, t_stop, step_s, log=log)
    return t, y, reason, steering


def solve_cutoff(status: VehicleStatus, config: FlightConfig, t0_s: float, y0: np.ndarray,
                 target: InsertionTarget, params0: np.ndarray, cutoff0_s: float, step_s: float,
                 max_iterations: int = 25) -> VacuumSolution:
    """Steering parameters and cut-off time that reach ``target`` with a fixed payload.

    Unknowns: a, b, c, d and the cut-off time; the cut-off column of the Jacobian is the state
    derivative at cut-off. Raises SolverError when the target cannot be reached (for instance when
    the propellant runs out first)."""
    x = np.concatenate([params0, [cutoff0_s]])
    best = None
    for iteration in range(max_iterations):
        batch = np.repeat(y0[None, :], 5, axis=0)
        p = np.repeat(x[None, :4], 5, axis=0)
        for k in range(4):
            p[k + 1, k] += _PARAM_STEPS[k]
        s = status.copy()
        t, y, reason, steering = fly_guided(s, config, t0_s, batch, target.normal, p, x[4], step_s)
        e = residuals(y, target)
        jac = np.empty((5, 5))
        jac[:, :4] = ((e[1:] - e[0]) / _PARAM_STEPS[:, None]).T
        if reason == "time":
            deriv = make_derivative(s, config, steering)(t, y[0:1])
            jac[:, 4] = residuals(y[0:1] + 1e-3 * deriv, target)[0] / 1e-3 - e[0] / 1e-3
        else:
            jac[:, 4] = 0.0
        norm = float(np.max(np.abs(e[0]) / _TOLERANCE))
        if best is None or norm < best[0]:
            best = (norm, x.copy(), e[0])
        if norm <= 1.0 and reason == "time":
            return VacuumSolution(x[:4].copy(), float(x[4]), e[0], iteration, y[0].copy(), s)
        try:
            step = np.linalg.solve(jac, -e[0])
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jac, -e[0], rcond=None)[0]
        step = _limit_step(step, x)
        if reason != "time" and step[4] > 0:
            raise SolverError(f"propellant runs out {x[4] - t:.1f} s before the guidance cut-off; "
                              f"orbit residual {_describe(e[0])}")
        x = x + step
        x[4] = max(x[4], t0_s + 1.0)
    raise SolverError(f"vacuum guidance did not converge in {max_iterations} iterations; best residual "
                      f"{_describe(best[2])}")


def _limit_step(step: np.ndarray, x: np.ndarray) -> np.ndarray:
    """Keep Newton steps in the range where the linearisation holds."""
    limits = np.array([0.5, 0.005, 0.3, 0.003, 60.0, 2000.0])[: len(step)]
    scale = float(np.max(np.abs(step) / limits))
    return step / scale if scale > 1.0 else step


def _describe(e: np.ndarray) -> str:
    e = e / _SCALE
    return (f"radius {e[0] / 1e3:+.3f} km, radial speed {e[1]:+.2f} m/s, horizontal speed {e[2]:+.2f} m/s, "
            f"out of plane {e[3] / 1e3:+.3f} km / {e[4]:+.2f} m/s")


def circular_speed_m_s(radius_m: float) -> float:
    return math.sqrt(WGS84_GM_M3_S2 / radius_m)


# --- the second burn of a two-burn ascent ------------------------------------------------------------

# Apsis residual scales: 1 unit = 1 km of radius, 1 m/s of speed, 1 km of radius x inclination error.
_APSIS_SCALE = np.array([1e-3, 1.0, 1.0, 1e-3])
_APSIS_STEPS = np.array([1e-4, 1e-4])  # pitch a and yaw c of the apogee burn
_APSIS_STEP_LIMITS = np.array([0.3, 0.2, 30.0])  # a, c, cut-off (s) per Newton step
# Below this |cos u| (u: argument of latitude of the burn) a yaw hardly moves the inclination
# (di = dv_normal cos u / v, Gauss's equation), so the plane is left as the first burn set it.
_MIN_YAW_LEVER = 0.1


@dataclass(frozen=True)
class ApsisTarget:
    """End of the second burn: at one apsis of the target orbit (``radius_m``), level, with the
    speed that puts the other apsis at ``other_radius_m``, and the target inclination (rad, from
    the launch-inertial equator, i.e. the true equator of date)."""

    radius_m: float
    other_radius_m: float
    inclination_rad: float


def apsis_speed_m_s(radius_m, other_radius_m):
    """Speed at an apsis of radius r of the orbit whose other apsis is r_o (vis-viva):
    sqrt(2 mu r_o / (r (r + r_o)))."""
    return np.sqrt(2.0 * WGS84_GM_M3_S2 * other_radius_m / (radius_m * (radius_m + other_radius_m)))


def apsis_residuals(y: np.ndarray, target: ApsisTarget) -> np.ndarray:
    """Scaled residuals of state rows (n, >=6): radius, radial speed, horizontal speed less the
    apsis speed at the radius reached (so that a miss in radius moves only this apsis), and the
    inclination error times the target radius."""
    r = y[:, 0:3]
    v = y[:, 3:6]
    rn = np.linalg.norm(r, axis=1)
    radial_speed = np.einsum("ij,ij->i", r, v) / rn
    horizontal_speed = np.sqrt(np.maximum(np.einsum("ij,ij->i", v, v) - radial_speed**2, 0.0))
    h = np.cross(r, v)
    inclination = np.arccos(np.clip(h[:, 2] / np.linalg.norm(h, axis=1), -1.0, 1.0))
    out = np.column_stack([rn - target.radius_m, radial_speed,
                           horizontal_speed - apsis_speed_m_s(rn, target.other_radius_m),
                           (inclination - target.inclination_rad) * target.radius_m])
    return out * _APSIS_SCALE


@dataclass(frozen=True)
class ApogeeBurn:
    """A solved second burn: ignite at ignition_s, steer by ``steering``, cut off at cutoff_s."""

    ignition_s: float
    cutoff_s: float
    steering: LinearTangentSteering  # params of shape (1, 4)
    residual: np.ndarray  # scaled apsis residuals at cut-off, (4,); the radius is not solved for
    steers_plane: bool  # False where the burn is too close to the poles of the orbit to turn it
    iterations: int
    state: np.ndarray  # (12,) at cut-off
    status: VehicleStatus  # bookkeeping at cut-off (engine still lit); copy before use


def solve_apogee_burn(status: VehicleStatus, config: FlightConfig, ignition_s: float, y0: np.ndarray,
                      apsis_time_s: float, radial: np.ndarray, normal: np.ndarray, target: ApsisTarget,
                      cutoff0_s: float, step_s: float, max_iterations: int = 20) -> ApogeeBurn:
    """Attitude and cut-off time of a burn from ``ignition_s`` that ends level, at the apsis speed
    of the target (see ApsisTarget), with the target inclination.

    ``status`` has the engine already lit at ``ignition_s`` and is not changed; ``y0`` is the state
    row (12,) there. The thrust holds the inertial direction t + a r + c h in the basis r =
    ``radial`` (the apsis direction), h = ``normal`` (the orbit normal), t = h x r, so a = c = 0
    is a burn along the velocity at the apsis. Unknowns: a (radial speed), c (inclination) and the
    cut-off time (horizontal speed), by Newton with finite-difference rows and, for the cut-off
    column, the state derivative at cut-off as in solve_cutoff. The radius at cut-off is not an
    unknown here: it is where the burn happens, which the caller sets by choosing the transfer
    orbit (ascent.service). Where the burn is within about 6 deg of the orbit's poles a yaw cannot
    turn the plane (Gauss: di = dv_n cos u / v), and c stays 0. Raises SolverError when it does
    not converge or the propellant runs out before cut-off.
    """
    radial = radial - np.dot(radial, normal) * normal
    radial = radial / np.linalg.norm(radial)
    downrange = np.cross(normal, radial)
    node = np.cross([0.0, 0.0, 1.0], normal)
    lever = abs(float(np.dot(radial, node / np.linalg.norm(node)))) if np.linalg.norm(node) > 1e-6 else 0.0
    steers_plane = lever >= _MIN_YAW_LEVER
    rows = [1, 2, 3] if steers_plane else [1, 2]
    unknowns = [0, 1, 2] if steers_plane else [0, 2]  # of (a, c, cut-off)
    x = np.array([0.0, 0.0, cutoff0_s])
    best = None
    for iteration in range(max_iterations):
        p = np.zeros((3, 4))
        p[:, 0] = x[0]
        p[:, 2] = x[1]
        p[1, 0] += _APSIS_STEPS[0]
        p[2, 2] += _APSIS_STEPS[1]
        steering = LinearTangentSteering(apsis_time_s, radial, downrange, normal, p)
        s = status.copy()
        t, y, reason = fly(s, config, steering, ignition_s, np.repeat(y0[None, :], 3, axis=0), x[2], step_s)
        e = apsis_residuals(y, target)
        jac = np.empty((4, 3))
        jac[:, 0:2] = ((e[1:3] - e[0]) / _APSIS_STEPS[:, None]).T
        deriv = make_derivative(s, config, steering)(t, y[0:1])
        jac[:, 2] = (apsis_residuals(y[0:1] + 1e-3 * deriv, target)[0] - e[0]) / 1e-3
        norm = float(np.max(np.abs(e[0, rows]) / _TOLERANCE[rows]))
        if best is None or norm < best[0]:
            best = (norm, e[0])
        if reason != "time":
            raise SolverError(f"the second burn runs out of propellant {x[2] - t:.1f} s before its cut-off; "
                              f"residual {_describe_apsis(e[0])}")
        if norm <= 1.0:
            final = LinearTangentSteering(apsis_time_s, radial, downrange, normal, p[0:1].copy())
            return ApogeeBurn(ignition_s, float(x[2]), final, e[0], steers_plane, iteration, y[0].copy(), s)
        sub = jac[np.ix_(rows, unknowns)]
        try:
            step = np.linalg.solve(sub, -e[0, rows])
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(sub, -e[0, rows], rcond=None)[0]
        full = np.zeros(3)
        full[unknowns] = step
        scale = float(np.max(np.abs(full) / _APSIS_STEP_LIMITS))
        if scale > 1.0:
            full /= scale
        x = x + full
        x[2] = max(x[2], ignition_s + 0.05)
    raise SolverError(f"second-burn guidance did not converge in {max_iterations} iterations; best residual "
                      f"{_describe_apsis(best[1])}")


def _describe_apsis(e: np.ndarray) -> str:
    e = e / _APSIS_SCALE
    return (f"radius {e[0] / 1e3:+.3f} km, radial speed {e[1]:+.2f} m/s, horizontal speed {e[2]:+.2f} m/s, "
            f"inclination x radius {e[3] / 1e3:+.3f} km")
