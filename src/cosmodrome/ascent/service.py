"""Ascent services: fly one ascent with a given payload, and estimate the largest payload.

Profile of every ascent: vertical rise, pitch-over by a kick angle on the launch azimuth, gravity
turn (zero angle of attack) until the first staging, then closed-loop linear-tangent guidance
(ascent.guidance) to the perigee of the target orbit. The kick angle is the one free parameter
of the atmospheric phase; the payload search maximises over it (Brent's method) while the
guidance solves the vacuum phase and the payload together by Newton iteration.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace

import numpy as np
from scipy.optimize import minimize_scalar

from ..earth.constants import STANDARD_GRAVITY_M_S2, WGS84_ROTATION_RATE_RAD_S
from ..errors import InfeasibleRequestError, InvalidInputError, SolverError
from ..vehicles.records import Allowances, Vehicle
from ..earth.geodesy import ecef_to_geodetic
from .dynamics import state_from_geodetic
from .flight import (STATE_SIZE, FlightConfig, FlightLog, VehicleStatus, fly)
from .guidance import (InsertionTarget, _PARAM_STEPS, _TOLERANCE, _describe, _limit_step, fly_guided,
                       initial_parameters, residuals, solve_cutoff, target_plane_normal)
from .propulsion import (StageGroup, fallback_reference_area_m2, liftoff_thrust_to_weight, stage_groups)
from .steering import AtmosphericSteering
from .target import TargetOrbit


class AscentWarning(UserWarning):
    """Something in the set-up was assumed or corrected; the result is still computed."""


@dataclass(frozen=True)
class AscentSettings:
    """Numerical and profile settings shared by every vehicle (docs/ascent-model.md)."""

    atmosphere_step_s: float = 1.0
    vacuum_step_s: float = 4.0
    vertical_rise_s: float | None = None  # None: until the pad-relative speed reaches pitch_over_speed_m_s
    pitch_over_speed_m_s: float = 40.0
    pitch_kick_bounds_deg: tuple[float, float] = (0.2, 20.0)
    pitch_kick_tolerance_deg: float = 0.02


@dataclass(frozen=True)
class LaunchGeometry:
    """Where the flight starts and which plane it aims for."""

    site_id: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    azimuth_deg: float
    inclination_deg: float  # the inclination the guidance flies to


@dataclass(frozen=True)
class _Problem:
    vehicle: Vehicle
    geometry: LaunchGeometry
    target: TargetOrbit
    config: FlightConfig
    settings: AscentSettings

    def initial_state(self, total_mass_kg: np.ndarray) -> np.ndarray:
        g = self.geometry
        n = len(total_mass_kg)
        state = state_from_geodetic(np.full(n, math.radians(g.latitude_deg)), np.full(n, math.radians(g.longitude_deg)),
                                    np.full(n, g.altitude_m), np.zeros((n, 3)), total_mass_kg)
        return np.column_stack([state, np.zeros((n, STATE_SIZE - 7))])

    def steering(self, kick_rad: float) -> AtmosphericSteering:
        rise = self.settings.vertical_rise_s
        if rise is None:
            # Low thrust-to-weight vehicles fall over if they pitch at walking speed: rise until the
            # speed at lift-off acceleration reaches pitch_over_speed_m_s (10 s for T/W 1.4, 25 s for 1.16).
            excess = max(liftoff_thrust_to_weight(self.vehicle, 0.0) - 1.0, 0.05) * STANDARD_GRAVITY_M_S2
            rise = max(self.settings.pitch_over_speed_m_s / excess, 5.0)
        return AtmosphericSteering(math.radians(self.geometry.azimuth_deg), kick_rad, rise)

    def insertion(self, position_m: np.ndarray, velocity_m_s: np.ndarray) -> InsertionTarget:
        normal, _ = target_plane_normal(position_m, velocity_m_s, math.radians(self.geometry.inclination_deg))
        return InsertionTarget(self.target.perigee_radius_m, self.target.perigee_speed_m_s, normal)


def flight_config(vehicle: Vehicle) -> FlightConfig:
    area = vehicle.reference_area_m2
    if area is None:
        area = fallback_reference_area_m2(vehicle.gross_mass_kg)
        warnings.warn(f"{vehicle.name}: no stage diameters or [aero] reference_area_m2; drag uses an "
                      f"estimated frontal area of {area:.1f} m^2", AscentWarning, stacklevel=3)
    cd = np.array(vehicle.aero.cd_mach, dtype=float)
    fairing = vehicle.fairing
    return FlightConfig(drag_area_m2=area, cd_mach=(cd[:, 0], cd[:, 1]),
                        fairing_heat_flux_w_m2=fairing.jettison_heat_flux_w_m2 if fairing else 1135.0,
                        fairing_altitude_m=fairing.jettison_altitude_m if fairing else None)


def _fairing_mass(vehicle: Vehicle) -> float:
    return vehicle.fairing.mass_kg if vehicle.fairing else 0.0


def _fly_atmospheric(problem: _Problem, groups, masses_kg: np.ndarray, kick_rad: float, log=None):
    status = VehicleStatus.at_liftoff(groups, _fairing_mass(problem.vehicle))
    y0 = problem.initial_state(masses_kg)
    t, y, reason = fly(status, problem.config, problem.steering(kick_rad), 0.0, y0, 2e4,
                       problem.settings.atmosphere_step_s, log=log, stop_at_separation=True)
    if reason != "separation":
        raise SolverError(f"the flight ended ({reason}) before the first staging")
    altitude = float(ecef_to_geodetic(y[0, 0:3])[2])  # launch-inertial and Earth-fixed differ only in longitude
    if altitude < 5e3:
        raise SolverError(f"the vehicle is only {altitude / 1e3:.1f} km high at the first staging")
    return t, y, status


def _remaining_burn_s(status: VehicleStatus) -> float:
    return sum(status.remaining_kg[i] / g.mass_flow_kg_s for i, g in enumerate(status.groups)
               if status.attached[i])


def _solve_max_payload(problem: _Problem, groups, kick_rad: float, guess=None, max_iterations: int = 30):
    """Largest separated mass for a kick angle: Newton on (a, b, c, d, payload).

    Returns (payload_kg, params (4,), residual). Raises SolverError when it does not converge."""
    gross = problem.vehicle.gross_mass_kg
    if guess is None:
        payload, params = 0.02 * gross, None
    else:
        payload, params = guess
    d_payload = max(1e-5 * gross, 0.5)
    step_limits = np.array([0.5, 0.005, 0.3, 0.003, 0.05 * gross])
    best = None
    for iteration in range(max_iterations):
        t_e, y_e, status = _fly_atmospheric(problem, groups, gross + np.array([payload, payload + d_payload]), kick_rad)
        target = problem.insertion(y_e[0, 0:3], y_e[0, 3:6])
        if params is None:
            params = initial_parameters(y_e[0, 0:3], y_e[0, 3:6], target.normal, _remaining_burn_s(status))
        batch = np.vstack([np.repeat(y_e[0:1], 5, axis=0), y_e[1:2]])
        p = np.repeat(params[None, :], 6, axis=0)
        for k in range(4):
            p[k + 1, k] += _PARAM_STEPS[k]
        t, y, reason, _ = fly_guided(status, problem.config, t_e, batch, target.normal, p, None,
                                     problem.settings.vacuum_step_s)
        e = residuals(y, target)
        jac = np.empty((5, 5))
        jac[:, :4] = ((e[1:5] - e[0]) / _PARAM_STEPS[:, None]).T
        jac[:, 4] = (e[5] - e[0]) / d_payload
        norm = float(np.max(np.abs(e[0]) / _TOLERANCE))
        if best is None or norm < best[0]:
            best = (norm, e[0])
        if norm <= 1.0:
            return payload, params, e[0], iteration
        try:
            step = np.linalg.solve(jac, -e[0])
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jac, -e[0], rcond=None)[0]
        scale = float(np.max(np.abs(step) / step_limits))
        if scale > 1.0:
            step = step / scale
        params = params + step[:4]
        payload = payload + step[4]
        if payload < -0.5 * gross:
            break
    raise SolverError(f"vacuum guidance did not converge for a pitch kick of {math.degrees(kick_rad):.2f} deg; "
                      f"best residual {_describe(best[1])}")


PARKING_PERIGEE_ALTITUDE_M = 200e3  # perigee of the transfer ellipse of two-burn ascents
TWO_BURN_MIN_ALTITUDE_M = 300e3  # below this only direct injection is tried


@dataclass(frozen=True)
class _Plan:
    """A solved ascent: everything needed to fly it again and log it."""

    kick_rad: float
    payload_kg: float  # separated mass
    params: np.ndarray
    groups: tuple[StageGroup, ...]
    profile: str  # "direct" | "two-burn"
    circularisation_kg: float  # propellant held for the second burn (two-burn only)
    cutoff_s: float | None = None  # fixed-payload flights: guidance cut-off time


def _transfer_target(target: TargetOrbit) -> TargetOrbit:
    return TargetOrbit(PARKING_PERIGEE_ALTITUDE_M, target.apogee_altitude_m, target.inclination_deg)


def _circularisation_delta_v(target: TargetOrbit) -> float:
    """Impulsive speed change at apogee of the transfer ellipse to raise perigee to target."""
    from ..earth.constants import WGS84_GM_M3_S2 as mu
    transfer = _transfer_target(target)
    ra, rp_t = target.apogee_radius_m, transfer.perigee_radius_m
    v_transfer = math.sqrt(mu * 2 * rp_t / (ra * (ra + rp_t)))
    rp = target.perigee_radius_m
    v_final = math.sqrt(mu * 2 * rp / (ra * (ra + rp)))
    return v_final - v_transfer


def _hold_back(groups, kg: float):
    last = groups[-1]
    return groups[:-1] + (replace(last, usable_propellant_kg=last.usable_propellant_kg - kg),)


def _solve_profile(problem: _Problem, groups, kick_rad: float, profile: str, guess=None):
    """Max separated payload for one kick and profile; returns (payload, params, hold_back_kg)."""
    if profile == "direct":
        payload, params, _, _ = _solve_max_payload(problem, groups, kick_rad, guess)
        return payload, params, 0.0
    transfer_problem = replace(problem, target=_transfer_target(problem.target))
    dv = _circularisation_delta_v(problem.target)
    c = groups[-1].exhaust_velocity_vac_m_s
    held = 0.0
    for _ in range(4):
        payload, params, _, _ = _solve_max_payload(transfer_problem, _hold_back(groups, held), kick_rad, guess)
        guess = (payload, params)
        last = groups[-1]
        # Propellant for dv ending at the mass left after the second burn (payload + dead mass).
        new_held = (payload + last.dead_mass_kg) * (math.exp(dv / c) - 1.0)
        if abs(new_held - held) < 0.5:
            held = new_held
            break
        held = new_held
    return payload, params, held


TYPICAL_ASCENT_LOSSES_M_S = 1500.0  # used only to say how far short a hopeless vehicle falls


def _ideal_shortfall_m_s(problem: _Problem, groups) -> float:
    """Rough delta-v shortfall (m/s) of a vehicle with no payload; positive when it cannot make orbit."""
    mass = problem.vehicle.gross_mass_kg
    ideal = 0.0
    for g in groups:  # sequential approximation: each group burns alone, then drops its dead mass
        ideal += g.exhaust_velocity_vac_m_s * math.log(mass / (mass - g.usable_propellant_kg))
        mass -= g.usable_propellant_kg + (g.dead_mass_kg if g is not groups[-1] else 0.0)
    pad = WGS84_ROTATION_RATE_RAD_S * 6378137.0 * math.cos(math.radians(problem.geometry.latitude_deg))
    needed = problem.target.perigee_speed_m_s - pad * abs(math.sin(math.radians(problem.geometry.azimuth_deg)))
    return needed + TYPICAL_ASCENT_LOSSES_M_S - ideal


def _optimise_kick(problem: _Problem, groups, profile: str):
    """Kick angle maximising the separated payload (Brent's method on a bracket from a coarse scan)."""
    cache: dict[float, float] = {}
    warm = {"guess": None}

    def payload_for(kick_deg: float) -> float:
        key = round(kick_deg, 4)
        if key not in cache:
            try:
                payload, params, _ = _solve_profile(problem, groups, math.radians(kick_deg), profile, warm["guess"])
                warm["guess"] = (payload, params)
                cache[key] = payload
            except SolverError:
                cache[key] = -math.inf
        return cache[key]

    lo, hi = problem.settings.pitch_kick_bounds_deg
    scan = np.geomspace(lo, hi, 7)
    values = [payload_for(k) for k in scan]
    best = int(np.argmax(values))
    if not math.isfinite(values[best]):
        shortfall = _ideal_shortfall_m_s(problem, groups)
        if shortfall > 0:
            raise InfeasibleRequestError(
                f"{problem.vehicle.name} cannot reach {problem.target.perigee_altitude_m / 1e3:.0f} x "
                f"{problem.target.apogee_altitude_m / 1e3:.0f} km even with no payload: it falls about "
                f"{shortfall:,.0f} m/s short (ideal delta-v against perigee speed less the pad's speed, plus "
                f"{TYPICAL_ASCENT_LOSSES_M_S:,.0f} m/s of typical gravity, steering and drag losses)")
        raise InfeasibleRequestError(
            f"{problem.vehicle.name} found no trajectory to {problem.target.perigee_altitude_m / 1e3:.0f} x "
            f"{problem.target.apogee_altitude_m / 1e3:.0f} km at {problem.geometry.inclination_deg:.2f} deg for any "
            f"pitch kick between {lo} and {hi} deg")
    a = scan[max(best - 1, 0)]
    b = scan[min(best + 1, len(scan) - 1)]
    result = minimize_scalar(lambda k: -payload_for(k) if math.isfinite(payload_for(k)) else 1e12,
                             bounds=(a, b), method="bounded",
                             options={"xatol": problem.settings.pitch_kick_tolerance_deg})
    kick = float(result.x) if payload_for(float(result.x)) >= values[best] else float(scan[best])
    return kick, payload_for(kick)


def _fly_plan(problem: _Problem, plan: _Plan):
    """Fly a solved plan once more, logging trajectory 0; returns (t, y, log, status, reached)."""
    log = FlightLog()
    groups = _hold_back(plan.groups, plan.circularisation_kg) if plan.profile == "two-burn" else plan.groups
    t_e, y_e, status = _fly_atmospheric(problem, groups, np.array([problem.vehicle.gross_mass_kg + plan.payload_kg]),
                                        plan.kick_rad, log)
    log.events.append(("guidance engaged", t_e, "closed-loop linear-tangent guidance", y_e[0].copy()))
    flown_target = _transfer_target(problem.target) if plan.profile == "two-burn" else problem.target
    insertion = replace(problem, target=flown_target).insertion(y_e[0, 0:3], y_e[0, 3:6])
    t, y, reason, _ = fly_guided(status, problem.config, t_e, y_e, insertion.normal, plan.params[None, :],
                                 plan.cutoff_s, problem.settings.vacuum_step_s, log=log)
    for i in status.burning_indices:  # guidance cut-off: engines off, the rest stays on board
        status.burning[i] = False
    log.events.append(("cut-off" if plan.profile == "direct" else "first cut-off", t,
                       "guidance cut-off" if reason == "time" else "propellant exhausted", y[0].copy()))
    if plan.profile == "two-burn":
        t, y, status = _circularise(problem, status, t, y, plan.circularisation_kg, log)
    return t, y, log, status


def _circularise(problem: _Problem, status: VehicleStatus, t: float, y: np.ndarray, propellant_kg: float, log):
    """Coast to apogee of the transfer ellipse and burn prograde until perigee reaches the target."""
    from ..earth.constants import WGS84_GM_M3_S2 as mu
    from .elements import osculating_elements
    from .flight import StopEvent
    from .steering import ProgradeHorizontalSteering
    el = osculating_elements(y[0:1, 0:3], y[0:1, 3:6])
    a, e, nu = float(el["semi_major_axis_m"][0]), float(el["eccentricity"][0]), float(el["true_anomaly_rad"][0])
    ecc_anomaly = 2 * math.atan(math.sqrt((1 - e) / (1 + e)) * math.tan(nu / 2))
    mean_anomaly = ecc_anomaly - e * math.sin(ecc_anomaly)
    time_to_apogee = (math.pi - mean_anomaly) / math.sqrt(mu / a**3)
    last = status.last_group_index
    group = status.groups[last]
    mass_after_cutoff = float(y[0, 6])
    burn_s = (mass_after_cutoff - (mass_after_cutoff - propellant_kg)) / group.mass_flow_kg_s
    start = t + max(time_to_apogee - 0.5 * burn_s, 0.0)
    t, y, _ = fly(status, problem.config, ProgradeHorizontalSteering(), t, y, start, 60.0, log=log)
    if group.restarts < 1:
        raise InfeasibleRequestError(f"{group.name} cannot restart (restarts = 0): no two-burn profile")
    status.remaining_kg[last] += propellant_kg  # the held-back circularisation propellant joins what is left
    status.burning[last] = True
    status.ignition_s[last] = t
    status.burns_used[last] += 1
    log.events.append((f"{group.name} re-ignition", t, "circularisation burn at apogee", y[0].copy()))
    target_rp = problem.target.perigee_radius_m

    def perigee_gap(_t, row):
        el2 = osculating_elements(row[None, 0:3], row[None, 3:6])
        return float(el2["perigee_radius_m"][0]) - target_rp

    t, y, reason = fly(status, problem.config, ProgradeHorizontalSteering(), t, y, t + 10 * burn_s + 60.0,
                       min(problem.settings.vacuum_step_s, 2.0), log=log,
                       stop_events=(StopEvent("circularised", perigee_gap),))
    log.events.append(("second cut-off", t, "orbit circularised" if reason == "circularised" else reason,
                       y[0].copy()))
    return t, y, status


def _build_result(problem: _Problem, plan: _Plan, t_end: float, y_end: np.ndarray, log: FlightLog,
                  status: VehicleStatus) -> AscentResult:
    from ..earth.constants import ALTITUDE_REFERENCE_RADIUS_M
    from .dynamics import environment
    from .elements import osculating_elements
    from .records import (AscentResult, DeltaVBudget, Event, OrbitReached, Trajectory)

    samples = log.samples
    times = np.array([s.time_s for s in samples] + [t_end])
    states = np.vstack([s.state for s in samples] + [y_end[0]])
    directions = np.vstack([s.direction for s in samples] + [samples[-1].direction])
    throttle = np.array([s.throttle for s in samples] + [0.0])
    stage_index = np.array([s.stage_index for s in samples] + [-1])
    thrust = np.array([s.thrust_n for s in samples] + [0.0])
    n = len(times)
    env = environment(times, states[:, :7], directions, np.zeros(n), np.zeros(n),
                      np.full(n, problem.config.drag_area_m2), problem.config.cd_mach)
    position, velocity, mass = states[:, 0:3], states[:, 3:6], states[:, 6]
    radius = np.linalg.norm(position, axis=1)
    up = position / radius[:, None]
    speed = np.linalg.norm(velocity, axis=1)
    sensed = np.linalg.norm(thrust[:, None] * directions + env.drag_n, axis=1) / mass
    pitch = np.degrees(np.arcsin(np.clip(np.einsum("ij,ij->i", directions, up), -1, 1)))
    pitch[thrust == 0.0] = np.nan
    fpa = np.degrees(np.arcsin(np.clip(np.einsum("ij,ij->i", velocity, up) / speed, -1, 1)))
    pad = up[0]
    downrange = ALTITUDE_REFERENCE_RADIUS_M * np.arccos(np.clip(up @ pad, -1, 1))
    relative_speed = np.linalg.norm(env.relative_velocity_m_s, axis=1)
    trajectory = Trajectory(
        time_s=times, position_m=position, velocity_m_s=velocity, mass_kg=mass, altitude_m=env.altitude_m,
        latitude_deg=np.degrees(env.latitude_rad), longitude_deg=np.degrees(env.longitude_rad),
        downrange_m=downrange, inertial_speed_m_s=speed, relative_speed_m_s=relative_speed,
        flight_path_angle_deg=fpa, dynamic_pressure_pa=env.dynamic_pressure_pa, mach=env.mach,
        acceleration_m_s2=sensed, pitch_deg=pitch, throttle=throttle, stage_index=stage_index)

    q = env.dynamic_pressure_pa
    k = int(np.argmax(q))
    t_q, q_max = float(times[k]), float(q[k])
    if 0 < k < n - 1:  # parabola through the samples around the peak
        t3, q3 = times[k - 1:k + 2], q[k - 1:k + 2]
        coef = np.polyfit(t3 - t3[1], q3, 2)
        if coef[0] < 0:
            dt = -coef[1] / (2 * coef[0])
            t_q, q_max = float(t3[1] + dt), float(np.polyval(coef, dt))

    def event(name, t, row, detail=""):
        return Event(name, float(t), float(np.linalg.norm(row[0:3]) - ALTITUDE_REFERENCE_RADIUS_M),
                     float(np.linalg.norm(row[3:6])), detail)

    events = [event("lift-off", 0.0, states[0], f"azimuth {problem.geometry.azimuth_deg:.2f} deg")]
    events.append(Event("max-Q", t_q, float(np.interp(t_q, times, env.altitude_m)),
                        float(np.interp(t_q, times, speed)), f"{q_max / 1e3:.1f} kPa"))
    events += [event(name, t, row, detail) for name, t, detail, row in log.events]
    events.append(event("insertion", t_end, y_end[0], "payload separation"))
    events.sort(key=lambda e: e.time_s)

    el = osculating_elements(y_end[0:1, 0:3], y_end[0:1, 3:6])
    orbit = OrbitReached(
        perigee_altitude_m=float(el["perigee_radius_m"][0] - ALTITUDE_REFERENCE_RADIUS_M),
        apogee_altitude_m=float(el["apogee_radius_m"][0] - ALTITUDE_REFERENCE_RADIUS_M),
        inclination_deg=float(np.degrees(el["inclination_rad"][0])),
        semi_major_axis_m=float(el["semi_major_axis_m"][0]), eccentricity=float(el["eccentricity"][0]),
        raan_deg=float(np.degrees(el["raan_rad"][0])),
        argument_of_perigee_deg=float(np.degrees(el["argument_of_perigee_rad"][0])),
        true_anomaly_deg=float(np.degrees(el["true_anomaly_rad"][0])))
    quad = y_end[0, 7:12]
    v0 = float(np.linalg.norm(states[0, 3:6]))
    v1 = float(np.linalg.norm(y_end[0, 3:6]))
    predicted = v0 + quad[0] - quad[1] - quad[2] - quad[3] - quad[4]
    from .flight import BACK_PRESSURE, DRAG, GRAVITY, IDEAL, STEERING
    budget = DeltaVBudget(ideal_m_s=float(y_end[0, IDEAL]), gravity_loss_m_s=float(y_end[0, GRAVITY]),
                          drag_loss_m_s=float(y_end[0, DRAG]), steering_loss_m_s=float(y_end[0, STEERING]),
                          back_pressure_loss_m_s=float(y_end[0, BACK_PRESSURE]), earth_rotation_gain_m_s=v0,
                          final_inertial_speed_m_s=v1, closure_error_m_s=float(v1 - predicted))
    target = problem.target
    reached = (abs(orbit.perigee_altitude_m - target.perigee_altitude_m) < 1e3
               and abs(orbit.apogee_altitude_m - target.apogee_altitude_m) < 1e3)
    left = tuple((g.name, float(status.remaining_kg[i])) for i, g in enumerate(status.groups))
    return AscentResult(
        vehicle_id=problem.vehicle.id, vehicle_name=problem.vehicle.name, site_id=problem.geometry.site_id,
        payload_kg=plan.payload_kg, azimuth_deg=problem.geometry.azimuth_deg, profile=plan.profile,
        trajectory=trajectory, events=tuple(events), budget=budget, orbit=orbit,
        max_dynamic_pressure_pa=q_max, max_dynamic_pressure_time_s=t_q,
        max_acceleration_m_s2=float(np.nanmax(sensed)), propellant_left_kg=left, insertion_time_s=float(t_end),
        insertion_position_m=y_end[0, 0:3].copy(), insertion_velocity_m_s=y_end[0, 3:6].copy(),
        pitch_kick_deg=math.degrees(plan.kick_rad), reached_target=bool(reached))


@dataclass(frozen=True)
class PayloadEstimate:
    """The answer to "how much can this vehicle put into that orbit from this site?".

    payload_kg: quoted capability (allowances held back, adapter deducted); payload_max_kg: the
    physical maximum separated mass (all loaded propellant burnt, nothing deducted).
    """

    payload_kg: float
    payload_max_kg: float
    separated_mass_kg: float  # quoted configuration, spacecraft plus adapter
    adapter_kg: float
    profile: str
    profile_payloads_kg: tuple[tuple[str, float], ...]  # physical maximum of each profile tried
    pitch_kick_deg: float
    launch_plane: object  # ascent.launch_plane.LaunchPlane
    dogleg_delta_v_m_s: float
    dogleg_payload_cost_kg: float
    allowances: Allowances
    ascent: object  # AscentResult of the quoted configuration


def _problem(vehicle: Vehicle, site, target: TargetOrbit, allow_dogleg: bool, settings: AscentSettings):
    from .launch_plane import plan_launch_plane
    plane = plan_launch_plane(site, target, allow_dogleg=allow_dogleg)
    geometry = LaunchGeometry(site.id, site.latitude_deg, site.longitude_deg, site.altitude_m,
                              plane.azimuth_deg, plane.inclination_deg)
    return _Problem(vehicle, geometry, target, flight_config(vehicle), settings), plane


def _check_liftoff(vehicle: Vehicle, payload_kg: float) -> None:
    ratio = liftoff_thrust_to_weight(vehicle, payload_kg)
    if ratio <= 1.0:
        raise InfeasibleRequestError(
            f"{vehicle.name} cannot lift off: sea-level thrust is {ratio:.3f} of its weight "
            f"({vehicle.gross_mass_kg + payload_kg:,.0f} kg with {payload_kg:,.0f} kg of payload)")


def _profiles(vehicle: Vehicle, target: TargetOrbit) -> list[str]:
    last = vehicle.stages[-1]
    if last.restarts >= 1 and target.apogee_altitude_m >= TWO_BURN_MIN_ALTITUDE_M:
        return ["direct", "two-burn"]
    return ["direct"]


def estimate_payload(vehicle: Vehicle, site, target: TargetOrbit, *, allow_dogleg: bool = False,
                     settings: AscentSettings = AscentSettings()) -> PayloadEstimate:
    """Largest payload ``vehicle`` puts into ``target`` from ``site``; see PayloadEstimate.

    Raises InfeasibleRequestError when the site cannot reach the plane (unless allow_dogleg),
    when the vehicle cannot lift off, or when it cannot reach the orbit even with no payload
    (the message gives the shortfall in m/s)."""
    _check_liftoff(vehicle, 0.0)
    problem, plane = _problem(vehicle, site, target, allow_dogleg, settings)
    physical = stage_groups(vehicle, Allowances.none())
    quoted = stage_groups(vehicle)
    results = {}
    for profile in _profiles(vehicle, target):
        try:
            kick, payload_max = _optimise_kick(problem, physical, profile)
        except InfeasibleRequestError:
            if profile == "direct" and len(_profiles(vehicle, target)) > 1:
                continue
            raise
        results[profile] = (kick, payload_max)
    if not results:
        raise InfeasibleRequestError(f"{vehicle.name}: no profile reaches the target orbit")
    profile = max(results, key=lambda p: results[p][1])
    kick, payload_max = results[profile]
    last = physical[-1]
    if payload_max < 0:
        shortfall = last.exhaust_velocity_vac_m_s * math.log(last.dead_mass_kg / (last.dead_mass_kg + payload_max))
        raise InfeasibleRequestError(
            f"{vehicle.name} cannot reach {target.perigee_altitude_m / 1e3:.0f} x {target.apogee_altitude_m / 1e3:.0f} km "
            f"at {plane.inclination_deg:.2f} deg from {site.name} even with no payload: it falls about "
            f"{shortfall:,.0f} m/s short")
    separated, params, held = _solve_profile(problem, quoted, math.radians(kick), profile)
    dogleg_dv, dogleg_cost = 0.0, 0.0
    if plane.dogleg_deg > 0:
        from .launch_plane import dogleg_delta_v_m_s
        dogleg_dv = float(dogleg_delta_v_m_s(target.perigee_speed_m_s, plane.dogleg_deg))
        dead = quoted[-1].dead_mass_kg
        c = quoted[-1].exhaust_velocity_vac_m_s
        after = (separated + dead) * math.exp(-dogleg_dv / c) - dead
        dogleg_cost = separated - after
        separated = after
    if separated <= 0:
        raise InfeasibleRequestError(
            f"{vehicle.name}: the allowances (residuals, reserve{', dog-leg' if dogleg_dv else ''}) leave no payload "
            f"for this orbit (physical maximum {payload_max:,.0f} kg)")
    plan = _Plan(math.radians(kick), separated + dogleg_cost, params, quoted, profile, held)
    t, y, log, status = _fly_plan(problem, plan)
    ascent = _build_result(problem, plan, t, y, log, status)
    adapter = vehicle.allowances.adapter_fraction * separated
    return PayloadEstimate(
        payload_kg=separated - adapter, payload_max_kg=payload_max, separated_mass_kg=separated,
        adapter_kg=adapter, profile=profile, profile_payloads_kg=tuple((p, v[1]) for p, v in results.items()),
        pitch_kick_deg=kick, launch_plane=plane, dogleg_delta_v_m_s=dogleg_dv, dogleg_payload_cost_kg=dogleg_cost,
        allowances=vehicle.allowances, ascent=ascent)


def simulate_ascent(vehicle: Vehicle, site, target: TargetOrbit, payload_kg: float, *,
                    allow_dogleg: bool = False, pitch_kick_deg: float | None = None,
                    profile: str | None = None, settings: AscentSettings = AscentSettings()):
    """Fly one ascent with a given separated payload (kg) to ``target``; returns AscentResult.

    The pitch kick defaults to the one that maximises payload for this orbit (allowances
    applied); the guidance cuts off when the orbit is reached. Raises InfeasibleRequestError when
    the propellant runs out first (the message gives the largest payload)."""
    from ..vehicles.records import Allowances as _A  # noqa: F401
    from .propulsion import check_payload_mass
    check_payload_mass(payload_kg)
    _check_liftoff(vehicle, payload_kg)
    problem, plane = _problem(vehicle, site, target, allow_dogleg, settings)
    groups = stage_groups(vehicle)
    if profile not in (None, *_profiles(vehicle, target)):
        raise InvalidInputError(f"expected one of {_profiles(vehicle, target)} for this vehicle and orbit, got "
                                f"{profile!r}", field="profile")
    if pitch_kick_deg is None:
        best = None
        for candidate in _profiles(vehicle, target):
            try:
                kick, capacity = _optimise_kick(problem, groups, candidate)
            except InfeasibleRequestError:
                continue
            if best is None or capacity > best[2]:
                best = (candidate, kick, capacity)
        if best is None:
            raise InfeasibleRequestError(f"{vehicle.name} finds no trajectory to this orbit")
        profile, pitch_kick_deg, capacity = best
        if payload_kg > capacity:
            raise InfeasibleRequestError(
                f"{vehicle.name} cannot carry {payload_kg:,.0f} kg to this orbit: its largest separated payload "
                f"with allowances is {capacity:,.0f} kg")
    profile = profile or "direct"
    kick = math.radians(pitch_kick_deg)
    flown_groups = groups
    held = 0.0
    flown_problem = problem
    if profile == "two-burn":
        last = groups[-1]
        held = (payload_kg + last.dead_mass_kg) * (math.exp(_circularisation_delta_v(target) / last.exhaust_velocity_vac_m_s) - 1)
        flown_groups = _hold_back(groups, held)
        flown_problem = replace(problem, target=_transfer_target(target))
    t_e, y_e, status = _fly_atmospheric(flown_problem, flown_groups, np.array([vehicle.gross_mass_kg + payload_kg]), kick)
    insertion = flown_problem.insertion(y_e[0, 0:3], y_e[0, 3:6])
    params0 = initial_parameters(y_e[0, 0:3], y_e[0, 3:6], insertion.normal, _remaining_burn_s(status))
    try:
        solution = solve_cutoff(status, problem.config, t_e, y_e[0], insertion, params0,
                                t_e + 0.9 * _remaining_burn_s(status), settings.vacuum_step_s)
    except SolverError as error:
        raise InfeasibleRequestError(f"{vehicle.name} with {payload_kg:,.0f} kg does not reach the orbit: {error}") from error
    plan = _Plan(kick, payload_kg, solution.params, groups, profile, held, cutoff_s=solution.cutoff_s)
    t, y, log, status = _fly_plan(problem, plan)
    return _build_result(problem, plan, t, y, log, status)
