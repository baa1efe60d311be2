"""Ascent services: fly one ascent with a given payload, and estimate the largest payload.

Profile of every ascent: vertical rise, pitch-over by a kick angle on the launch azimuth, gravity
turn (zero angle of attack) until the first staging, then closed-loop linear-tangent guidance
(ascent.guidance) to the perigee of the target orbit ("direct"). Where the upper stage can
restart, a "two-burn" profile is tried as well: the guidance inserts into a transfer ellipse
(perigee PARKING_PERIGEE_ALTITUDE_M, apogee at the target's apogee altitude), the stage coasts
and relights for a guided finite burn centred on apogee that ends in the target orbit.

The pitch kick is the one free parameter of the atmospheric phase. The payload estimate
maximises over it with a safeguarded parabolic search in log(kick) (five to ten evaluations, each
warm-started from the nearest ones), while for each kick the guidance solves the vacuum phase
and the payload together by Newton iteration on the flight. A request that cannot be met is
measured by the missing-delta-v engine (see _with_extension). docs/ascent-model.md describes it.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field, replace
from typing import Callable

import numpy as np

from ..earth.constants import (ALTITUDE_REFERENCE_RADIUS_M, STANDARD_GRAVITY_M_S2, WGS84_GM_M3_S2,
                               WGS84_ROTATION_RATE_RAD_S)
from ..earth.geodesy import ecef_to_geodetic, enu_basis
from ..errors import InfeasibleRequestError, InvalidInputError, SolverError
from ..vehicles.records import Allowances, Vehicle
from .dynamics import (air_relative_velocity, earth_fixed_to_inertial, environment, inertial_to_earth_fixed,
                       state_from_geodetic)
from .elements import osculating_elements
from .flight import (BACK_PRESSURE, DRAG, GRAVITY, IDEAL, STATE_SIZE, STEERING, FlightConfig, FlightLog,
                     StopEvent, VehicleStatus, fly)
from .guidance import (ApogeeBurn, ApsisTarget, InsertionTarget, _PARAM_STEPS, _TOLERANCE, _describe,
                       apsis_speed_m_s, fly_guided, initial_parameters, residuals, solve_apogee_burn, solve_cutoff,
                       target_plane_normal)
from .launch_plane import LaunchPlane, dogleg_delta_v_m_s, plan_launch_plane
from .propulsion import (StageGroup, check_payload_mass, fallback_reference_area_m2, liftoff_thrust_to_weight,
                         stage_groups)
from .records import AscentResult, DeltaVBudget, Event, OrbitReached, Trajectory
from .steering import AtmosphericSteering, LinearTangentSteering, ProgradeHorizontalSteering
from .target import TargetOrbit

PARKING_PERIGEE_ALTITUDE_M = 200e3  # perigee of the transfer ellipse of two-burn ascents
TWO_BURN_MIN_ALTITUDE_M = 300e3  # two-burn is tried only for targets with perigee and apogee above this
COAST_STEP_S = 30.0  # RK4 step of the coast to apogee (about 0.1 m of error per step at 200-2000 km)
PAYLOAD_TOLERANCE_KG = 0.5  # two-burn: the second burn's propellant is sized to within this


class AscentWarning(UserWarning):
    """Something in the set-up was assumed or corrected; the result is still computed."""


@dataclass(frozen=True)
class AscentSettings:
    """Numerical and profile settings shared by every vehicle (docs/ascent-model.md)."""

    atmosphere_step_s: float = 1.0
    vacuum_step_s: float = 4.0
    vertical_rise_s: float | None = None  # None: until the pad-relative speed reaches pitch_over_speed_m_s
    pitch_over_speed_m_s: float = 40.0
    pitch_kick_bounds_deg: tuple[float, float] = (0.05, 20.0)
    # The kick search stops when the parabola's vertex is this close (relative) to the best kick:
    # near the optimum the payload falls with the square of the miss, 1 % of kick costing well
    # under 0.1 % of payload on the catalogue vehicles.
    pitch_kick_tolerance: float = 0.01


@dataclass(frozen=True)
class LaunchGeometry:
    """Where the flight starts and which plane it aims for."""

    site_id: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float
    azimuth_deg: float
    inclination_deg: float  # the inclination the guidance flies to


@dataclass
class _FlightCount:
    """How many integrator runs (one batch of trajectories each) a service call made."""

    count: int = 0


@dataclass(frozen=True)
class _Problem:
    vehicle: Vehicle
    geometry: LaunchGeometry
    target: TargetOrbit
    config: FlightConfig
    settings: AscentSettings
    flights: _FlightCount = field(default_factory=_FlightCount, compare=False)

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

    def insertion(self, position_m: np.ndarray, velocity_m_s: np.ndarray, target: TargetOrbit) -> InsertionTarget:
        """Perigee of ``target`` in the plane of the flown inclination through ``position_m``."""
        normal, _ = target_plane_normal(position_m, velocity_m_s, math.radians(self.geometry.inclination_deg))
        return InsertionTarget(target.perigee_radius_m, target.perigee_speed_m_s, normal)

    def first_burn_target(self, profile: str, apogee_offset_m: float = 0.0) -> TargetOrbit:
        """The orbit the first guided burn aims for: the target, or the transfer ellipse (its
        apogee ``apogee_offset_m`` above the target's)."""
        if profile == "direct":
            return self.target
        return TargetOrbit(PARKING_PERIGEE_ALTITUDE_M, self.target.apogee_altitude_m + apogee_offset_m,
                           self.target.inclination_deg)


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


# Lowest height at the first staging that counts as an ascent; below it the kick is rejected.
MIN_STAGING_ALTITUDE_M = 5e3


def _local_vertical_frame(t_s: float, position_m: np.ndarray):
    """(east, north, up) unit vectors (3,) in launch-inertial axes at a launch-inertial position and
    time: the WGS-84 ellipsoid's normal and the local horizontal, turning with the Earth."""
    latitude, longitude, _ = ecef_to_geodetic(inertial_to_earth_fixed(t_s, position_m))
    return tuple(earth_fixed_to_inertial(t_s, axis) for axis in enu_basis(latitude, longitude))


def _fly_atmospheric(problem: _Problem, groups, masses_kg: np.ndarray, kick_rad: float, log=None,
                     min_altitude_m: float = MIN_STAGING_ALTITUDE_M):
    """Fly from the pad to the first staging: vertical rise, pitch-over, gravity turn.

    Three legs, each with a smooth steering law and ended by a time or a located event, so that
    the flight is a smooth function of the kick (the kick search relies on it):
    1. vertical rise for AtmosphericSteering's ``vertical_rise_s``: thrust along the local
       vertical (the ellipsoid normal of the pad, turning with the Earth; to first order in the
       Earth's rotation, < 1e-5 rad here);
    2. pitch-over: the attitude tilted by ``kick_rad`` from the local vertical towards the
       launch azimuth held fixed, until the air-relative velocity leans as far towards the
       azimuth (a state event);
    3. gravity turn: thrust along the air-relative velocity (AtmosphericSteering with no kick).
    Why not AtmosphericSteering throughout: it rises along the geocentric radius, 0.19 deg from
    the ellipsoid normal at mid latitudes; against gravity, which acts along the normal, that
    leaves a sideways net acceleration of g sin(0.19 deg), and at a thrust-to-weight of 1.2 the
    velocity leans 1 deg towards the equator by the end of the rise, as much as the kick: the
    ascent then left the atmosphere 10 to 19 deg off its plane (Falcon 9 to 51.6 deg, Angara-1.2
    to SSO; 2.6 and 2.7 deg now). And it re-tests its switch at every call, so near the switch it
    chattered between the two directions inside an RK4 step, and the last RK4 stage before the
    end of the rise already saw the pitched law: the flight was first-order in the step
    (Angara-1.2's staging state moved by 2 km between 1 s and 0.25 s steps; 1.5 m now).
    """
    status = VehicleStatus.at_liftoff(groups, _fairing_mass(problem.vehicle))
    y0 = problem.initial_state(masses_kg)
    steering = problem.steering(kick_rad)
    step = problem.settings.atmosphere_step_s
    rows = len(y0)
    problem.flights.count += 1
    east, north, up = _local_vertical_frame(0.0, y0[0, 0:3])
    latitude = math.radians(problem.geometry.latitude_deg)
    # up + (omega cos(latitude) t) east: the pad's vertical carried round by the Earth's rotation.
    rise = LinearTangentSteering(0.0, east, up, north,
                                 np.tile([0.0, WGS84_ROTATION_RATE_RAD_S * math.cos(latitude), 0.0, 0.0], (rows, 1)))
    t, y, reason = fly(status, problem.config, rise, 0.0, y0, steering.vertical_rise_s, step, log=log,
                       stop_at_separation=True)
    if reason == "time":
        east, north, up = _local_vertical_frame(t, y[0, 0:3])
        toward = math.cos(steering.azimuth_rad) * north + math.sin(steering.azimuth_rad) * east
        side = np.cross(up, toward)
        tan_kick = math.tan(kick_rad)
        # A sideways lean that cancels, by the end of the pitch-over, the air-relative velocity
        # across the azimuth: the Coriolis drift (2 omega cos(latitude) v, westwards) gained during
        # the rise and during the pitch-over. Estimated to first order: the pitch-over lasts about
        # v/g whatever the kick (the thrust adds A sin(kick) across the climb while the climb speed
        # grows by A - g, so the lean reaches the kick when A sin(kick) t = tan(kick) (v + (A - g) t)),
        # and the thrust acceleration A is g plus the climb speed gained over the rise. Without it
        # a kick of 0.4 deg (Angara-1.2) turned 15 deg off the azimuth; with it, 2 to 7 deg.
        relative = air_relative_velocity(y[0, 0:3], y[0, 3:6])
        climb = max(float(relative @ up), 1.0)
        duration = climb / STANDARD_GRAVITY_M_S2
        thrust_acceleration = STANDARD_GRAVITY_M_S2 + climb / max(t, 1.0)
        drift = float(relative @ side) - (2.0 * WGS84_ROTATION_RATE_RAD_S * math.cos(latitude) * climb * duration
                                          * float(east @ side))
        lean = -drift / (thrust_acceleration * duration)
        hold = LinearTangentSteering(t, up, toward, side, np.tile([1.0 / tan_kick, 0.0, lean / tan_kick, 0.0],
                                                                  (rows, 1)))

        def leaning(_t, row):  # > 0 once the air-relative velocity leans towards the azimuth by the kick
            relative = air_relative_velocity(row[0:3], row[3:6])
            return float(relative @ toward) - tan_kick * float(relative @ up)

        t, y, reason = fly(status, problem.config, hold, t, y, 2e4, step, log=log, stop_at_separation=True,
                           stop_events=(StopEvent("gravity turn", leaning),))
    if reason == "gravity turn":
        turn = AtmosphericSteering(steering.azimuth_rad, 0.0, 0.0)  # no kick: always along the air
        t, y, reason = fly(status, problem.config, turn, t, y, 2e4, step, log=log, stop_at_separation=True)
    if reason != "separation":
        raise SolverError(f"the flight ended ({reason}) before the first staging")
    altitude = float(ecef_to_geodetic(y[0, 0:3])[2])  # launch-inertial and Earth-fixed differ only in longitude
    if altitude < min_altitude_m:
        raise SolverError(f"the vehicle is only {altitude / 1e3:.1f} km high at the first staging")
    return t, y, status


def _remaining_burn_s(status: VehicleStatus) -> float:
    return sum(status.remaining_kg[i] / g.mass_flow_kg_s for i, g in enumerate(status.groups)
               if status.attached[i])


def _hold_back(groups, kg: float):
    """The groups with ``kg`` of the last stage's propellant kept for the second burn."""
    last = groups[-1]
    return groups[:-1] + (replace(last, usable_propellant_kg=last.usable_propellant_kg - kg),)


# --- the missing-delta-v extension -----------------------------------------------------------------
#
# To say how far short a flight falls, the last stage is given a fictitious engine that lights
# when its propellant runs out: the same vacuum thrust, no mass flow to speak of. The guidance
# then reaches the target anyway, and the ideal delta-v this engine gave (thrust / mass times its
# burn time, the mass being constant) is what the vehicle lacks at burn-out. Flights that reach
# the target without it are unchanged: it never lights.

_EXTENSION_MASS_FLOW_KG_S = 1e-9
_EXTENSION_SUFFIX = " (missing delta-v)"


def _with_extension(status: VehicleStatus) -> VehicleStatus:
    """A copy of ``status`` whose last stage is followed by the missing-delta-v engine."""
    last = status.groups[-1]
    extension = replace(last, name=last.name + _EXTENSION_SUFFIX, ignites_at_liftoff=False, exit_area_m2=0.0,
                        mass_flow_kg_s=_EXTENSION_MASS_FLOW_KG_S, usable_propellant_kg=_EXTENSION_MASS_FLOW_KG_S * 1e7,
                        dead_mass_kg=last.dead_mass_kg, throttle_schedule=(), max_acceleration_m_s2=None,
                        restarts=1_000_000, coast_before_s=0.0)
    # The last stage's dead mass moves to the extension, so nothing is dropped when it burns out.
    groups = status.groups[:-1] + (replace(last, dead_mass_kg=0.0), extension)
    return VehicleStatus(groups, status.remaining_kg + [extension.usable_propellant_kg], status.attached + [True],
                         status.ignition_s + [None], status.burning + [False], status.next_ignition_s,
                         status.fairing_attached, status.fairing_mass_kg, status.burns_used + [0])


def _is_extended(status: VehicleStatus) -> bool:
    return status.groups[-1].name.endswith(_EXTENSION_SUFFIX)


def _extension_delta_v(status: VehicleStatus, t_s: float, y_row: np.ndarray, since_s: float) -> float:
    """Ideal delta-v (m/s) the extension gave between ``since_s`` and ``t_s``."""
    ext = status.last_group_index
    lit = status.ignition_s[ext]
    if lit is None or lit >= t_s:
        return 0.0
    return status.groups[ext].thrust_vac_n / float(y_row[6]) * (t_s - max(lit, since_s))


# --- first burn: the guided ascent to insertion ----------------------------------------------------

@dataclass(frozen=True)
class _FirstBurn:
    """A solved guided phase, with the state and bookkeeping at its cut-off."""

    payload_kg: float
    params: np.ndarray  # (4,) linear-tangent a, b, c, d
    groups: tuple[StageGroup, ...]  # as flown (two-burn payload search: hold-back applied)
    cutoff_s: float | None  # None: burnt to the end of the usable propellant
    time_s: float
    state: np.ndarray  # (12,) at cut-off
    status: VehicleStatus  # at cut-off; copy before use
    missing_delta_v_m_s: float = 0.0
    apogee_offset_m: float = 0.0  # two-burn: transfer apogee aimed above the target's (see _solve_profile)


def _solve_max_payload(problem: _Problem, groups, kick_rad: float, profile: str, guess=None,
                       hold_back: Callable[[float], float] | None = None, apogee_offset_m: float = 0.0,
                       max_iterations: int = 30) -> _FirstBurn:
    """Largest separated mass for a kick angle: Newton on (a, b, c, d, payload).

    The guided phase burns every usable kilogram (less ``hold_back(payload)`` kept in the last
    stage for a second burn) and must end at the perigee of the first-burn target. Raises
    SolverError when it does not converge."""
    gross = problem.vehicle.gross_mass_kg
    # A cold start begins with no payload: the lightest vehicle is the likeliest to fly through
    # the atmospheric phase at a given kick (low thrust-to-weight vehicles fall over when heavy).
    payload, params = (0.0, None) if guess is None else guess
    d_payload = max(1e-5 * gross, 0.5)
    step_limits = np.array([0.5, 0.005, 0.3, 0.003, 0.05 * gross])
    first_target = problem.first_burn_target(profile, apogee_offset_m)
    best, last_step, previous, norms = None, None, None, []
    column_fix = np.zeros(5)
    for iteration in range(max_iterations):
        flown = _hold_back(groups, hold_back(payload)) if hold_back else groups
        try:
            t_e, y_e, status = _fly_atmospheric(problem, flown, gross + np.array([payload, payload + d_payload]),
                                                kick_rad)
        except SolverError:
            if last_step is None or abs(last_step[4]) < 1e-3 * gross:
                raise
            last_step = 0.5 * last_step  # the last step made the vehicle too heavy to climb: take half of it
            params, payload = params - last_step[:4], payload - last_step[4]
            previous = None
            continue
        target = problem.insertion(y_e[0, 0:3], y_e[0, 3:6], first_target)
        if params is None:
            params = initial_parameters(y_e[0, 0:3], y_e[0, 3:6], target.normal, _remaining_burn_s(status))
        batch = np.vstack([np.repeat(y_e[0:1], 5, axis=0), y_e[1:2]])
        p = np.repeat(params[None, :], 6, axis=0)
        for k in range(4):
            p[k + 1, k] += _PARAM_STEPS[k]
        problem.flights.count += 1
        t, y, reason, _ = fly_guided(status, problem.config, t_e, batch, target.normal, p, None,
                                     problem.settings.vacuum_step_s)
        e = residuals(y, target)
        norm = float(np.max(np.abs(e[0]) / _TOLERANCE))
        if best is None or norm < best[0]:
            best = (norm, e[0], iteration)
        if norm <= 1.0:
            return _FirstBurn(payload, params.copy(), flown, None, t, y[0].copy(), status,
                              apogee_offset_m=apogee_offset_m)
        norms.append(norm)
        if (iteration - best[2] >= 6 or payload < -0.5 * gross
                or (len(norms) >= 5 and norm > 1e4 and norm > 0.9 * norms[-5])):
            break  # no progress: this kick leads nowhere
        jac = np.empty((5, 5))
        jac[:, :4] = ((e[1:5] - e[0]) / _PARAM_STEPS[:, None]).T
        jac[:, 4] = (e[5] - e[0]) / d_payload + column_fix
        if previous is not None and norm < 1e4 and abs(previous[2][4]) > d_payload:
            # The heavier row shares trajectory 0's event schedule; where the schedule depends on
            # the mass (an acceleration limit throttles by mass and sets the burn-out), its payload
            # column is wrong and Newton only creeps (by halves). Then the column comes from the
            # last step instead (a secant through two real flights), and its difference from the
            # finite-difference column is kept for the next steps.
            e_prev, jac_prev, step_prev = previous
            observed = e[0] - e_prev
            if np.linalg.norm(observed - jac_prev @ step_prev) > 0.25 * np.linalg.norm(observed):
                secant = (observed - jac[:, :4] @ step_prev[:4]) / step_prev[4]
                column_fix = column_fix + secant - jac[:, 4]
                jac[:, 4] = secant
        try:
            step = np.linalg.solve(jac, -e[0])
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(jac, -e[0], rcond=None)[0]
        scale = float(np.max(np.abs(step) / step_limits))
        if scale > 1.0:
            step = step / scale
        params = params + step[:4]
        payload = payload + step[4]
        last_step = step
        previous = (e[0], jac, step)
    raise SolverError(f"vacuum guidance did not converge for a pitch kick of {math.degrees(kick_rad):.2f} deg; "
                      f"best residual {_describe(best[1])}")


FIXED_NEWTON_ITERATIONS = 40  # steering and cut-off Newton with a fixed payload


def _solve_fixed_payload(problem: _Problem, groups, kick_rad: float, profile: str, payload_kg: float,
                         apogee_offset_m: float = 0.0, guess: _FirstBurn | None = None) -> _FirstBurn:
    """Guided phase with a fixed payload: steering and cut-off time that reach the first-burn target.

    Flown with the missing-delta-v extension, so it reaches the target even when the propellant
    runs out; ``missing_delta_v_m_s`` then says by how much it fell short. ``guess``: a solution
    for a nearby target to start from."""
    t_e, y_e, status = _fly_atmospheric(problem, groups, np.array([problem.vehicle.gross_mass_kg + payload_kg]),
                                        kick_rad)
    target = problem.insertion(y_e[0, 0:3], y_e[0, 3:6], problem.first_burn_target(profile, apogee_offset_m))
    extended = _with_extension(status)
    if guess is not None:
        params0, cutoff0 = guess.params, guess.cutoff_s if guess.cutoff_s is not None else guess.time_s
    else:
        burn_s = _remaining_burn_s(status)
        params0 = initial_parameters(y_e[0, 0:3], y_e[0, 3:6], target.normal, burn_s)
        # Cut-off guess: 90 % of the burn left, or, for a stage far short of orbit, long enough for
        # the extension to make up the speed still missing (a third more for losses). The stages
        # left burn one after another (the rocket equation for each).
        mass, ideal_left = float(y_e[0, 6]), 0.0
        for i, g in enumerate(status.groups):
            if status.attached[i] and status.remaining_kg[i] > 0:
                ideal_left += g.exhaust_velocity_vac_m_s * math.log(mass / (mass - status.remaining_kg[i]))
                mass -= status.remaining_kg[i] + (g.dead_mass_kg if i < status.last_group_index else 0.0)
        speed_gap = target.speed_m_s - float(np.linalg.norm(y_e[0, 3:6]))
        extra_s = max(1.33 * speed_gap - ideal_left, 0.0) * mass / extended.groups[-1].thrust_vac_n
        cutoff0 = t_e + 0.9 * burn_s + extra_s
    try:
        solution = solve_cutoff(extended, problem.config, t_e, y_e[0], target, params0, cutoff0,
                                problem.settings.vacuum_step_s, max_iterations=FIXED_NEWTON_ITERATIONS)
    except SolverError:
        problem.flights.count += FIXED_NEWTON_ITERATIONS
        raise
    problem.flights.count += solution.iterations + 1
    missing = _extension_delta_v(solution.status, solution.cutoff_s, solution.state, t_e)
    return _FirstBurn(payload_kg, solution.params, groups, solution.cutoff_s, solution.cutoff_s, solution.state,
                      solution.status, missing, apogee_offset_m)


# --- second burn: coast to apogee and a guided burn into the target orbit ---------------------------

@dataclass(frozen=True)
class _Apogee:
    """Where the coast after the first cut-off peaks (J2 included): time and state row (12,)."""

    time_s: float
    state: np.ndarray


def _coast_to_apogee(problem: _Problem, first: _FirstBurn) -> _Apogee:
    """Coast (engines off) from the first cut-off to the highest point, found by an event on the
    radial speed."""
    status = first.status.copy()
    for i in status.burning_indices:
        status.burning[i] = False
    r, v = first.state[0:3], first.state[3:6]
    a = 1.0 / (2.0 / np.linalg.norm(r) - (v @ v) / WGS84_GM_M3_S2)
    period = 2.0 * math.pi * math.sqrt(a**3 / WGS84_GM_M3_S2)
    apogee = StopEvent("apogee", lambda _t, row: -float(row[0:3] @ row[3:6]))
    problem.flights.count += 1
    t, y, reason = fly(status, problem.config, ProgradeHorizontalSteering(), first.time_s, first.state[None, :],
                       first.time_s + period, COAST_STEP_S, stop_events=(apogee,))
    if reason != "apogee":
        raise SolverError(f"no apogee found within one period ({period:.0f} s) of the first cut-off")
    return _Apogee(t, y[0].copy())


@dataclass(frozen=True)
class _SecondBurn:
    burn: ApogeeBurn
    propellant_kg: float  # burnt by the last stage itself
    missing_delta_v_m_s: float  # given by the extension (0 when the stage had enough)
    propellant_needed_kg: float  # propellant the stage would have burnt had it carried enough


def _relight_index(status: VehicleStatus) -> int:
    """The upper stage, or its missing-delta-v engine once the stage has no propellant left."""
    if _is_extended(status):
        real = status.last_group_index - 1
        return real if status.attached[real] and status.remaining_kg[real] > 0 else real + 1
    return status.last_group_index


def _coast_and_relight(problem: _Problem, status: VehicleStatus, t_s: float, y: np.ndarray, ignition_s: float,
                       log=None):
    """Coast (engines off) to ``ignition_s`` and relight the upper stage; ``status`` is updated."""
    for i in status.burning_indices:
        status.burning[i] = False
    problem.flights.count += 1
    t_s, y, _ = fly(status, problem.config, ProgradeHorizontalSteering(), t_s, y, ignition_s, COAST_STEP_S, log=log)
    k = _relight_index(status)
    group = status.groups[k]
    if status.burns_used[k] > group.restarts:
        raise InfeasibleRequestError(f"{group.name} cannot restart (restarts = {group.restarts}): no two-burn profile")
    status.burning[k] = True
    status.ignition_s[k] = t_s
    status.burns_used[k] += 1
    if log is not None:
        log.events.append((f"{group.name.removesuffix(_EXTENSION_SUFFIX)} re-ignition", t_s,
                           "second burn, centred on apogee", y[0].copy()))
    return t_s, y


def _second_burn_step_s(settings: AscentSettings) -> float:
    return min(settings.vacuum_step_s, 2.0)


def _solve_second_burn(problem: _Problem, first: _FirstBurn, apogee: _Apogee,
                       extra_propellant_kg: float = 0.0) -> _SecondBurn:
    """Solve the burn from the transfer apogee into the target (ends at the target's apogee).

    ``extra_propellant_kg`` (kept back from the first burn) joins what the last stage has left.
    The burn is centred on ``apogee``: it lights half its rocket-equation duration before, and
    steers in the plane and about the radius of the apogee."""
    status = first.status.copy()
    if not _is_extended(status):
        status = _with_extension(status)
    status.remaining_kg[-2] += extra_propellant_kg
    target = problem.target
    apsis = ApsisTarget(target.apogee_radius_m, target.perigee_radius_m, math.radians(problem.geometry.inclination_deg))
    r, v = apogee.state[0:3], apogee.state[3:6]
    h = np.cross(r, v)
    group = status.groups[_relight_index(status)]
    dv = max(float(apsis_speed_m_s(np.linalg.norm(r), apsis.other_radius_m)) - float(np.linalg.norm(v)), 0.1)
    burn_s = -float(first.state[6]) * math.expm1(-dv / group.exhaust_velocity_vac_m_s) / group.mass_flow_kg_s
    ignition_s = max(apogee.time_s - 0.5 * burn_s, first.time_s)
    t_i, y_i = _coast_and_relight(problem, status, first.time_s, first.state[None, :], ignition_s)
    burn = solve_apogee_burn(status, problem.config, t_i, y_i[0], apogee.time_s, r / np.linalg.norm(r),
                             h / np.linalg.norm(h), apsis, t_i + burn_s, _second_burn_step_s(problem.settings))
    problem.flights.count += burn.iterations + 1
    end = burn.state
    burnt = float(y_i[0, 6] - end[6])
    missing = _extension_delta_v(burn.status, burn.cutoff_s, end, t_i)
    needed = burnt + float(end[6]) * math.expm1(missing / status.groups[-2].exhaust_velocity_vac_m_s)
    return _SecondBurn(burn, burnt, missing, needed)


def _circularisation_delta_v(target: TargetOrbit) -> float:
    """Impulsive speed change at the apogee of the transfer ellipse that raises perigee to the target's."""
    ra, rp_t, rp = target.apogee_radius_m, ALTITUDE_REFERENCE_RADIUS_M + PARKING_PERIGEE_ALTITUDE_M, target.perigee_radius_m
    v_transfer = math.sqrt(WGS84_GM_M3_S2 * 2 * rp_t / (ra * (ra + rp_t)))
    v_final = math.sqrt(WGS84_GM_M3_S2 * 2 * rp / (ra * (ra + rp)))
    return v_final - v_transfer


# --- one profile at one kick ------------------------------------------------------------------------

@dataclass(frozen=True)
class _Plan:
    """A solved ascent: everything needed to fly it again and log it."""

    kick_rad: float
    profile: str  # "direct" | "two-burn"
    first: _FirstBurn
    second: _SecondBurn | None = None
    hold_back_kg: float = 0.0  # two-burn payload search: last-stage propellant kept for the second burn

    @property
    def payload_kg(self) -> float:
        return self.first.payload_kg

    @property
    def missing_delta_v_m_s(self) -> float:
        return self.first.missing_delta_v_m_s + (self.second.missing_delta_v_m_s if self.second else 0.0)


MAX_TWO_BURN_PASSES = 8
# Newton iterations allowed per kick during the kick search: a warm-started kick converges in 2 to 5,
# a cold one in about 9; one that needs more is too far from its answer to be worth it.
SEARCH_NEWTON_ITERATIONS = 15
# Second cut-off radius against the target's apogee radius. The second burn ends with the speed
# that puts the other apsis at the target's perigee from whatever radius it reaches, so a miss
# moves that one apsis alone, by this much at most (the issue allows 1 km). The first burn's 5 mm/s
# tolerance leaves the transfer apogee, hence this radius, uncertain by about 18 m.
CUTOFF_RADIUS_TOLERANCE_M = 50.0


def _radius_error_m(problem: _Problem, second: _SecondBurn) -> float:
    """Radius at the second cut-off less the target's apogee radius."""
    return float(np.linalg.norm(second.burn.state[0:3])) - problem.target.apogee_radius_m


def _solve_profile(problem: _Problem, groups, kick_rad: float, profile: str, guess=None,
                   finite_second_burn: bool = True, max_iterations: int = 30) -> _Plan:
    """Largest payload for one kick and profile.

    Two-burn: the first burn keeps back the propellant of the second. While the kick is searched
    (``finite_second_burn`` False) that is the rocket-equation propellant of the impulsive
    circularisation. Then each pass solves the second burn as the finite, guided burn it is and
    corrects two things of the first burn: the transfer apogee, so that the second burn ends at
    the target's apogee radius (osculating elements at the first cut-off miss the J2 coast's
    true apogee by up to kilometres, and a long burn ends below its centre), and the propellant
    kept back, until the burn ends in the target with 0 to PAYLOAD_TOLERANCE_KG to spare. Both
    are fixed points with a slope near 1 that settle in two or three passes."""
    if profile == "direct":
        return _Plan(kick_rad, profile, _solve_max_payload(problem, groups, kick_rad, profile, guess,
                                                           max_iterations=max_iterations))
    last = groups[-1]
    ratio = math.expm1(_circularisation_delta_v(problem.target) / last.exhaust_velocity_vac_m_s)
    correction = 0.0  # finite-burn propellant beyond the impulsive estimate

    def hold_back(payload_kg: float) -> float:
        return max((payload_kg + last.dead_mass_kg) * ratio + correction, 0.0)

    first = _solve_max_payload(problem, groups, kick_rad, profile, guess, hold_back, max_iterations=max_iterations)
    if not finite_second_burn:
        return _Plan(kick_rad, profile, first, None, hold_back(first.payload_kg))
    for _ in range(MAX_TWO_BURN_PASSES):
        held = hold_back(first.payload_kg)
        second = _solve_second_burn(problem, first, _coast_to_apogee(problem, first), held)
        radius_error = _radius_error_m(problem, second)
        spare = held - second.propellant_needed_kg
        spare_ok = 0.0 <= spare <= PAYLOAD_TOLERANCE_KG and second.missing_delta_v_m_s == 0.0
        if abs(radius_error) <= CUTOFF_RADIUS_TOLERANCE_M and spare_ok:
            return _Plan(kick_rad, profile, first, second, held)
        # Keep back what the burn needed plus a fifth of the tolerance; the payload gives it up.
        change = 0.0 if spare_ok else second.propellant_needed_kg + 0.2 * PAYLOAD_TOLERANCE_KG - held
        correction += change
        first = _solve_max_payload(problem, groups, kick_rad, profile, (first.payload_kg - change, first.params),
                                   hold_back, first.apogee_offset_m - radius_error)
    raise SolverError(f"the two-burn ascent did not settle at a pitch kick of {math.degrees(kick_rad):.2f} deg "
                      f"(second cut-off {radius_error:+.1f} m from the target's apogee radius, propellant kept back "
                      f"{spare:+.1f} kg beyond the second burn's need)")


def _solve_fixed(problem: _Problem, groups, kick_rad: float, profile: str, payload_kg: float,
                 guess: _Plan | None = None) -> _Plan:
    """One profile flown with a given payload; ``missing_delta_v_m_s`` > 0 when it falls short.
    Two-burn: the transfer apogee is corrected as in _solve_profile. ``guess``: a plan of the same
    profile and kick (another payload) to start the guidance from."""
    first = _solve_fixed_payload(problem, groups, kick_rad, profile, payload_kg,
                                 guess=None if guess is None else guess.first)
    if profile == "direct":
        return _Plan(kick_rad, profile, first)
    for _ in range(MAX_TWO_BURN_PASSES):
        second = _solve_second_burn(problem, first, _coast_to_apogee(problem, first))
        radius_error = _radius_error_m(problem, second)
        if abs(radius_error) <= CUTOFF_RADIUS_TOLERANCE_M:
            return _Plan(kick_rad, profile, first, second)
        first = _solve_fixed_payload(problem, groups, kick_rad, profile, payload_kg,
                                     first.apogee_offset_m - radius_error, first)
    raise SolverError(f"the transfer apogee did not settle at a pitch kick of {math.degrees(kick_rad):.2f} deg "
                      f"(second cut-off {radius_error:+.1f} m from the target's apogee radius)")


# --- the pitch kick ---------------------------------------------------------------------------------

def _kick_guess_deg(vehicle: Vehicle, settings: AscentSettings) -> float:
    """Starting kick for the search: 6.1 deg x (T/W - 1)^1.58, T/W at lift-off with no payload.
    A fit to the best kicks of the catalogue (0.3 to 0.7 deg at T/W 1.16 to 1.3, 2.2 to 2.3 deg
    at 1.4 to 1.5, 4.5 deg at 1.8, direct ascents to 200-500 km), good to a factor of two; only
    a start."""
    excess = max(liftoff_thrust_to_weight(vehicle, 0.0) - 1.0, 0.01)
    lo, hi = settings.pitch_kick_bounds_deg
    return min(max(6.1 * excess**1.58, lo), hi)


def _parabola_vertex(xa, fa, xb, fb, xc, fc) -> tuple[float, float] | None:
    """(abscissa, value) of the vertex of the parabola through three points with xa < xb < xc,
    or None when the parabola has no maximum."""
    s1, s2 = (fb - fa) / (xb - xa), (fc - fb) / (xc - xb)
    curvature = (s2 - s1) / (xc - xa)  # f''/2
    if curvature >= 0:
        return None
    x = 0.5 * (xa + xb) - s1 / (2.0 * curvature)
    return x, fa + s1 * (x - xa) + curvature * (x - xa) * (x - xb)


def _search_kick(problem: _Problem, evaluate, start_deg: float, value_tolerance: Callable[[float], float],
                 first_step: float = 0.2, seeds=()):
    """Kick (deg) maximising ``evaluate(kick_rad, guess) -> (value, plan)``; returns (kick_deg, plan)
    or None when no kick in the bounds gives a value.

    A safeguarded parabolic search in x = ln(kick) (Newton's method on the slope, with the slope
    and curvature from the points already flown): find a kick that flies (moving the start by
    25 % and more), evaluate its neighbours ``first_step`` either side, then step to the vertex
    of the parabola through the best point and its neighbours (when the best is at an end of
    what was tried, beyond it by at most the span tried so far) until the vertex is within
    ``pitch_kick_tolerance`` of the best point or, over a bracket narrower than 0.25, promises
    less than ``value_tolerance(best value)`` more. A kick for which the solver fails counts as
    -infinity; next to one, the search bisects. ``guess`` is the plan of the nearest solved kick,
    or a (payload, params) line through the two nearest, so that the Newton iteration of each
    kick starts close to its answer. ``seeds``: (kick_deg, guess) pairs flown first with their own
    guess (the best kick of another search and its plan); the search starts from the best of them
    that flies, or from ``start_deg`` when none does."""
    settings = problem.settings
    lo, hi = (math.log(b) for b in settings.pitch_kick_bounds_deg)
    tol = settings.pitch_kick_tolerance
    values: dict[float, tuple[float, object]] = {}

    def guess_for(x: float):
        solved = sorted((abs(k - x), k, plan) for k, (v, plan) in values.items() if math.isfinite(v))
        if not solved:
            return None
        if len(solved) == 1:
            return solved[0][2].payload_kg, solved[0][2].first.params
        (_, k1, p1), (_, k2, p2) = solved[:2]
        w = min(max((x - k1) / (k2 - k1), -1.0), 2.0)
        return ((1 - w) * p1.payload_kg + w * p2.payload_kg, (1 - w) * p1.first.params + w * p2.first.params)

    def f(x: float) -> float:
        x = round(min(max(x, lo), hi), 6)
        if x not in values:
            try:
                values[x] = evaluate(math.radians(math.exp(x)), guess_for(x))
            except SolverError:
                values[x] = (-math.inf, None)
        return values[x][0]

    for kick_deg, guess in seeds:
        x = round(min(max(math.log(kick_deg), lo), hi), 6)
        if x not in values:
            try:
                values[x] = evaluate(math.radians(math.exp(x)), guess)
            except SolverError:
                values[x] = (-math.inf, None)
    seeded = [x for x in values if math.isfinite(values[x][0])]
    x0 = max(seeded, key=lambda x: values[x][0]) if seeded else min(max(math.log(start_deg), lo), hi)
    # Low thrust-to-weight vehicles fly only in a narrow band of kicks, so the start moves by 25 to
    # 45 % at a time before going further.
    for x in (x0, x0 - 0.3, x0 + 0.3, x0 - 0.6, x0 + 0.6, x0 - 1.0, x0 + 1.0, x0 - 1.6, x0 - 2.4):
        if math.isfinite(f(x)):
            x0 = min(max(x, lo), hi)
            break
    else:
        return None
    f(x0 - first_step)
    f(x0 + first_step)
    for _ in range(20):
        xs = sorted(values)
        fs = [values[x][0] for x in xs]
        b = int(np.argmax(fs))
        if b in (0, len(xs) - 1):  # the best is at an end of what was tried: look beyond it
            side = -1 if b == 0 else 1
            if (side < 0 and xs[0] <= lo + 1e-9) or (side > 0 and xs[-1] >= hi - 1e-9):
                break
            span = xs[-1] - xs[0]
            x_new = xs[b] + side * span  # at most the whole span beyond the end
            ends = sorted((b, b - side, b - 2 * side))
            if 0 <= ends[0] and ends[-1] < len(xs) and all(math.isfinite(fs[j]) for j in ends):
                vertex = _parabola_vertex(*(val for j in ends for val in (xs[j], fs[j])))
                if vertex is not None and (vertex[0] - xs[b]) * side > 0:
                    x_new = xs[b] + side * max(min(abs(vertex[0] - xs[b]), span), 2 * tol)
            f(x_new)
            continue
        (xa, fa), (xb, fb), (xc, fc) = ((xs[i], fs[i]) for i in (b - 1, b, b + 1))
        if not (math.isfinite(fa) and math.isfinite(fc)):
            x_new = 0.5 * (xb + (xa if not math.isfinite(fa) else xc))
        else:
            vertex = _parabola_vertex(xa, fa, xb, fb, xc, fc)
            if vertex is not None and vertex[1] - fb < value_tolerance(fb) and xc - xa <= 0.25:
                break  # a parabola over a short bracket promises less than the tolerance
            x_new = vertex[0] if vertex is not None else 0.5 * (xb + (xa if xb - xa > xc - xb else xc))
            margin = 0.1 * min(xb - xa, xc - xb)
            x_new = min(max(x_new, xa + margin), xc - margin)
        if abs(x_new - xb) < tol:
            break
        f(x_new)
    x_best = max(values, key=lambda x: values[x][0])
    return math.exp(x_best), values[x_best][1]


def _payload_tolerance_kg(payload_kg: float) -> float:
    """How close to the best kick's payload the kick search needs to come: 0.02 % (5 kg for
    Falcon 9's 24 t), or 0.5 kg for small payloads; far below what the models can claim."""
    return max(2e-4 * abs(payload_kg), 0.5)


CROSS_SEARCH_ROUNDS = 3  # estimate_payload: restarts of the physical and quoted searches from each other


def _plan_guess(plan: _Plan):
    """(payload, params) of a solved plan, as a guess for another kick or another set of groups."""
    return plan.payload_kg, plan.first.params


def _best_payload_plan(problem: _Problem, groups, profile: str, start_deg: float, first_step: float = 0.2,
                       seeds=()):
    """(kick_deg, plan) of the largest payload for ``profile``, or None. Two-burn plans come back
    with the impulsive hold-back of the search; _solve_profile refines them. ``seeds``: see
    _search_kick."""
    def evaluate(kick_rad, guess):
        plan = _solve_profile(problem, groups, kick_rad, profile, guess, finite_second_burn=False,
                              max_iterations=SEARCH_NEWTON_ITERATIONS)
        return plan.payload_kg, plan
    return _search_kick(problem, evaluate, start_deg, _payload_tolerance_kg, first_step, seeds)


def _final_mass_kg(plan: _Plan) -> float:
    """Mass at the last cut-off; for a flight that falls short, the mass the missing delta-v
    would still have burnt off (so the value is continuous where the shortfall begins)."""
    end = plan.second.burn.state if plan.second is not None else plan.first.state
    status = plan.second.burn.status if plan.second is not None else plan.first.status
    ve = status.groups[-2 if _is_extended(status) else -1].exhaust_velocity_vac_m_s
    return float(end[6]) * math.exp(-plan.missing_delta_v_m_s / ve)


def _best_fuel_plan(problem: _Problem, groups, profile: str, payload_kg: float, start: tuple[float, _Plan]):
    """(kick_deg, plan) that flies ``payload_kg`` to the target with the most mass left at the
    last cut-off (the most propellant kept), or None; ``start`` is the maximum-payload kick and
    plan. The same search as the payload's (_search_kick), each kick a fixed-payload solve
    started from the nearest kick solved."""
    solved: dict[float, _Plan] = {start[1].kick_rad: start[1]}

    def evaluate(kick_rad, _guess):
        nearest = solved[min(solved, key=lambda k: abs(k - kick_rad))]
        plan = _solve_fixed(problem, groups, kick_rad, profile, payload_kg, nearest if nearest.profile == profile
                            and nearest.first.cutoff_s is not None else None)
        solved[kick_rad] = plan
        return _final_mass_kg(plan), plan
    return _search_kick(problem, evaluate, start[0], _payload_tolerance_kg)


def _profiles(vehicle: Vehicle, target: TargetOrbit) -> list[str]:
    last = vehicle.stages[-1]
    if last.restarts >= 1 and target.perigee_altitude_m >= TWO_BURN_MIN_ALTITUDE_M:
        return ["direct", "two-burn"]
    return ["direct"]


def _orbit_text(problem: _Problem) -> str:
    t = problem.target
    return (f"{t.perigee_altitude_m / 1e3:.0f} x {t.apogee_altitude_m / 1e3:.0f} km at "
            f"{problem.geometry.inclination_deg:.2f} deg")


TYPICAL_ASCENT_LOSSES_M_S = 1500.0  # only for the last-resort shortfall, when no flight could be solved


def _ideal_delta_v_m_s(groups, mass_kg: float) -> float:
    """Ideal (vacuum rocket-equation) delta-v of the stages burnt one after another from
    ``mass_kg``, each dropping its dead mass; boosters that burn beside the core count as burning
    first, a simplification used only for messages."""
    ideal = 0.0
    for g in groups:
        ideal += g.exhaust_velocity_vac_m_s * math.log(mass_kg / (mass_kg - g.usable_propellant_kg))
        mass_kg -= g.usable_propellant_kg + g.dead_mass_kg
    return ideal


def _ideal_shortfall_m_s(problem: _Problem, groups) -> float:
    """Rough delta-v shortfall (m/s) of a vehicle with no payload: perigee speed less the pad's
    speed along the azimuth plus TYPICAL_ASCENT_LOSSES_M_S, against the ideal delta-v of the
    stages burnt one after another. Positive when it cannot make orbit."""
    ideal = _ideal_delta_v_m_s(groups, problem.vehicle.gross_mass_kg)
    pad = WGS84_ROTATION_RATE_RAD_S * ALTITUDE_REFERENCE_RADIUS_M * math.cos(math.radians(problem.geometry.latitude_deg))
    needed = problem.target.perigee_speed_m_s - pad * abs(math.sin(math.radians(problem.geometry.azimuth_deg)))
    return needed + TYPICAL_ASCENT_LOSSES_M_S - ideal


MISSING_DELTA_V_DEFINITION = ("the ideal delta-v its last stage would still have to give after its propellant runs "
                              "out, flown on at full thrust under the same guidance")


def _no_payload_error(problem: _Problem, groups, profiles: list[str], start_deg: float, site_name: str):
    """The error for a vehicle that finds no payload: how far short it falls with none, in m/s.

    The figure is the smallest missing delta-v (see _with_extension) over the kick and the
    profiles, flown with no payload."""
    best = None
    for profile in profiles:
        def evaluate(kick_rad, _guess, profile=profile):
            plan = _solve_fixed(problem, groups, kick_rad, profile, 0.0)
            return -plan.missing_delta_v_m_s, plan
        found = _search_kick(problem, evaluate, start_deg, lambda _value: 1.0)  # m/s
        if found is not None and (best is None or found[1].missing_delta_v_m_s < best[1].missing_delta_v_m_s):
            best = found
    name, orbit = problem.vehicle.name, _orbit_text(problem)
    if best is None:
        rough = _ideal_shortfall_m_s(problem, groups)
        if rough > 0:
            return InfeasibleRequestError(
                f"{name} cannot reach {orbit} from {site_name} even with no payload: it falls about {rough:,.0f} m/s "
                f"short (a rough figure, as no trajectory could be flown: its ideal delta-v against the perigee speed "
                f"less the pad's speed, plus {TYPICAL_ASCENT_LOSSES_M_S:,.0f} m/s of typical ascent losses)")
        lo, hi = problem.settings.pitch_kick_bounds_deg
        return InfeasibleRequestError(
            f"{name} found no trajectory to {orbit} from {site_name} for any pitch kick between {lo} and {hi} deg "
            f"(the atmospheric phase or the guidance fails), although by a rough count (ideal delta-v against the "
            f"perigee speed plus {TYPICAL_ASCENT_LOSSES_M_S:,.0f} m/s of typical losses) it has {-rough:,.0f} m/s "
            f"to spare")
    kick_deg, plan = best
    if plan.missing_delta_v_m_s <= 0.0:
        return SolverError(f"{name} reaches {orbit} with no payload at a pitch kick of {kick_deg:.2f} deg, but the "
                           f"payload search did not converge")
    return InfeasibleRequestError(
        f"{name} cannot reach {orbit} from {site_name} even with no payload: it falls about "
        f"{plan.missing_delta_v_m_s:,.0f} m/s short ({MISSING_DELTA_V_DEFINITION}; {plan.profile} profile, "
        f"pitch kick {kick_deg:.2f} deg)")


# --- flying a plan and reporting it -----------------------------------------------------------------


def _fly_plan(problem: _Problem, plan: _Plan):
    """Fly a solved plan once more, logging trajectory 0; returns (t, y, log, status).

    The same steps as the solution (same groups, steering, cut-off and ignition times), so it
    reproduces the solved flight; the missing-delta-v engine is left out (it never lights in a
    plan that reaches the target)."""
    log = FlightLog()
    first = plan.first
    t_e, y_e, status = _fly_atmospheric(problem, first.groups, np.array([problem.vehicle.gross_mass_kg + first.payload_kg]),
                                        plan.kick_rad, log, min_altitude_m=-math.inf)
    log.events.append(("guidance engaged", t_e, "closed-loop linear-tangent guidance", y_e[0].copy()))
    insertion = problem.insertion(y_e[0, 0:3], y_e[0, 3:6], problem.first_burn_target(plan.profile,
                                                                                      first.apogee_offset_m))
    problem.flights.count += 1
    t, y, reason, _ = fly_guided(status, problem.config, t_e, y_e, insertion.normal, first.params[None, :],
                                 first.cutoff_s, problem.settings.vacuum_step_s, log=log)
    for i in status.burning_indices:  # guidance cut-off: engines off, the rest stays on board
        status.burning[i] = False
    log.events.append(("cut-off" if plan.second is None else "first cut-off", t,
                       "guidance cut-off" if reason == "time" else "end of the usable propellant", y[0].copy()))
    if plan.second is not None:
        burn = plan.second.burn
        status.remaining_kg[-1] += plan.hold_back_kg
        t, y = _coast_and_relight(problem, status, t, y, burn.ignition_s, log)
        problem.flights.count += 1
        t, y, reason = fly(status, problem.config, burn.steering, t, y, burn.cutoff_s,
                           _second_burn_step_s(problem.settings), log=log)
        for i in status.burning_indices:
            status.burning[i] = False
        log.events.append(("second cut-off", t, "guidance cut-off" if reason == "time" else reason, y[0].copy()))
    return t, y, log, status


REACHED_ALTITUDE_TOLERANCE_M = 1e3  # the tolerances on the orbit reached
REACHED_INCLINATION_TOLERANCE_DEG = 0.01


def _build_result(problem: _Problem, plan: _Plan, t_end: float, y_end: np.ndarray, log: FlightLog,
                  status: VehicleStatus) -> AscentResult:
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
    budget = DeltaVBudget(ideal_m_s=float(y_end[0, IDEAL]), gravity_loss_m_s=float(y_end[0, GRAVITY]),
                          drag_loss_m_s=float(y_end[0, DRAG]), steering_loss_m_s=float(y_end[0, STEERING]),
                          back_pressure_loss_m_s=float(y_end[0, BACK_PRESSURE]), earth_rotation_gain_m_s=v0,
                          final_inertial_speed_m_s=v1, closure_error_m_s=float(v1 - predicted))
    target = problem.target
    reached = (abs(orbit.perigee_altitude_m - target.perigee_altitude_m) < REACHED_ALTITUDE_TOLERANCE_M
               and abs(orbit.apogee_altitude_m - target.apogee_altitude_m) < REACHED_ALTITUDE_TOLERANCE_M
               and abs(orbit.inclination_deg - problem.geometry.inclination_deg) < REACHED_INCLINATION_TOLERANCE_DEG)
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
    pitch_kick_deg: float  # the quoted configuration's best kick, flown in ``ascent``
    launch_plane: LaunchPlane
    dogleg_delta_v_m_s: float
    dogleg_payload_cost_kg: float
    allowances: Allowances
    ascent: AscentResult  # the quoted configuration, flown
    flights: int = 0  # integrator runs (one batch of trajectories each) the estimate took


def _problem(vehicle: Vehicle, site, target: TargetOrbit, allow_dogleg: bool, settings: AscentSettings):
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


def estimate_payload(vehicle: Vehicle, site, target: TargetOrbit, *, allow_dogleg: bool = False,
                     settings: AscentSettings = AscentSettings()) -> PayloadEstimate:
    """Largest payload ``vehicle`` puts into ``target`` from ``site``; see PayloadEstimate.

    For each profile the kick is searched with the physical groups (no allowances); the quoted
    payload is then solved at the best kick with the allowances applied, and flown.
    Raises InfeasibleRequestError when the site cannot reach the plane (unless allow_dogleg),
    when the vehicle cannot lift off, or when it cannot reach the orbit even with no payload
    (the message gives the shortfall in m/s); SolverError when the guidance fails."""
    _check_liftoff(vehicle, 0.0)
    problem, plane = _problem(vehicle, site, target, allow_dogleg, settings)
    physical = stage_groups(vehicle, Allowances.none())
    quoted = stage_groups(vehicle)
    profiles = _profiles(vehicle, target)
    start = _kick_guess_deg(vehicle, settings)
    plans: dict[str, _Plan] = {}
    searched: dict[str, tuple[float, _Plan]] = {}  # each profile's (kick_deg, plan) as the search left it
    for profile in profiles:
        found = _best_payload_plan(problem, physical, profile, start)
        if found is None:
            continue
        start, plan = found
        searched[profile] = found
        if profile == "two-burn" and plan.payload_kg >= 0:
            try:
                plan = _solve_profile(problem, physical, plan.kick_rad, profile, (plan.payload_kg, plan.first.params))
            except SolverError as error:
                if not plans:
                    raise
                warnings.warn(f"{vehicle.name}: two-burn profile dropped: {error}", AscentWarning, stacklevel=2)
                continue
        plans[profile] = plan
    feasible = {p: plan for p, plan in plans.items() if plan.payload_kg >= 0}
    if not feasible:
        raise _no_payload_error(problem, physical, profiles, start, site.name)
    profile = max(feasible, key=lambda p: feasible[p].payload_kg)
    best = feasible[profile]
    # The quoted payload is the largest with the allowances applied: its own kick search, started
    # at the physical maximum's kick (the two optima lie a few percent apart).
    found = _best_payload_plan(problem, quoted, profile, math.degrees(best.kick_rad), first_step=0.05)
    # Each search can settle on a poor local optimum where the payload climbs steeply towards kicks
    # at which the Newton iteration stops converging (Atlas V 401: a Centaur of T/W 0.4 over a
    # 250 s first stage; the physical search stopped at 6.1 t where the quoted one found 9.9 t).
    # The physical maximum must be at least the quoted payload (it has the allowances' propellant
    # besides), so each search is started again from the other's best kick and plan while that
    # finds more.
    phys_kick, phys_plan = searched[profile]
    improved = False
    for _ in range(CROSS_SEARCH_ROUNDS):
        if found is None:
            break
        again = _best_payload_plan(problem, physical, profile, found[0], first_step=0.05,
                                   seeds=((found[0], _plan_guess(found[1])), (phys_kick, _plan_guess(phys_plan))))
        if again is None or again[1].payload_kg <= phys_plan.payload_kg + _payload_tolerance_kg(phys_plan.payload_kg):
            break
        (phys_kick, phys_plan), improved = again, True
        redo = _best_payload_plan(problem, quoted, profile, phys_kick, first_step=0.05,
                                  seeds=((phys_kick, _plan_guess(phys_plan)), (found[0], _plan_guess(found[1]))))
        if redo is None or redo[1].payload_kg <= found[1].payload_kg + _payload_tolerance_kg(found[1].payload_kg):
            break
        found = redo
    if improved:
        best = phys_plan if profile == "direct" else _solve_profile(problem, physical, phys_plan.kick_rad, profile,
                                                                    _plan_guess(phys_plan))
        plans[profile] = best
    if found is not None and profile == "direct":
        plan = found[1]
    else:  # two-burn: the second burn solved as a finite burn, at the best kick
        start_plan = found[1] if found is not None else best
        plan = _solve_profile(problem, quoted, start_plan.kick_rad, profile,
                              (start_plan.payload_kg, start_plan.first.params))
    separated = plan.payload_kg
    dogleg_dv, dogleg_cost = 0.0, 0.0
    if plane.dogleg_deg > 0:
        dogleg_dv = float(dogleg_delta_v_m_s(target.perigee_speed_m_s, plane.dogleg_deg))
        last = quoted[-1]
        after = (separated + last.dead_mass_kg) * math.exp(-dogleg_dv / last.exhaust_velocity_vac_m_s) - last.dead_mass_kg
        dogleg_cost = separated - after
        separated = after
    if separated <= 0:
        raise InfeasibleRequestError(
            f"{vehicle.name}: the allowances (residuals, reserve{', dog-leg' if dogleg_dv else ''}) leave no payload "
            f"for {_orbit_text(problem)} (physical maximum {best.payload_kg:,.0f} kg)")
    t, y, log, status = _fly_plan(problem, plan)
    ascent = _build_result(problem, plan, t, y, log, status)
    adapter = vehicle.allowances.adapter_fraction * separated
    return PayloadEstimate(
        payload_kg=separated - adapter, payload_max_kg=best.payload_kg, separated_mass_kg=separated,
        adapter_kg=adapter, profile=profile, profile_payloads_kg=tuple((p, v.payload_kg) for p, v in plans.items()),
        pitch_kick_deg=math.degrees(plan.kick_rad), launch_plane=plane, dogleg_delta_v_m_s=dogleg_dv,
        dogleg_payload_cost_kg=dogleg_cost, allowances=vehicle.allowances, ascent=ascent,
        flights=problem.flights.count)


def simulate_ascent(vehicle: Vehicle, site, target: TargetOrbit, payload_kg: float, *,
                    allow_dogleg: bool = False, pitch_kick_deg: float | None = None,
                    profile: str | None = None, settings: AscentSettings = AscentSettings()) -> AscentResult:
    """Fly one ascent with a given separated payload (kg) to ``target``; returns AscentResult.

    With no kick given, the profile is the one that carries the larger payload (allowances
    applied), and the kick the one that leaves the most propellant at insertion with this
    payload (the kick search of the payload estimate, started at the maximum-payload kick; for
    a payload below the capacity that kick lofts and burns long); with a kick given, the profile
    defaults to "direct". The guidance cuts off when the orbit is reached. Raises InfeasibleRequestError when
    the payload is too heavy for the orbit: the message says how far short the vehicle falls
    (m/s of delta-v still needed when its propellant runs out) and, where the kick was searched,
    the largest payload."""
    check_payload_mass(payload_kg)
    _check_liftoff(vehicle, payload_kg)
    problem, plane = _problem(vehicle, site, target, allow_dogleg, settings)
    groups = stage_groups(vehicle)
    allowed = _profiles(vehicle, target)
    if profile not in (None, *allowed):
        raise InvalidInputError(f"expected one of {allowed} for this vehicle and orbit, got {profile!r}",
                                field="profile")
    capacity, best = None, None
    if pitch_kick_deg is None:
        start = _kick_guess_deg(vehicle, settings)
        for candidate in [profile] if profile else allowed:
            found = _best_payload_plan(problem, groups, candidate, start)
            if found is None:
                continue
            start = found[0]
            if best is None or found[1].payload_kg > best[1].payload_kg:
                best = found
        if best is None:
            raise _no_payload_error(problem, groups, [profile] if profile else allowed, start, site.name)
        pitch_kick_deg, capacity = best[0], best[1].payload_kg
        profile = best[1].profile
    profile = profile or "direct"
    kick = math.radians(pitch_kick_deg)
    what = (f"{vehicle.name} cannot carry {payload_kg:,.0f} kg to {_orbit_text(problem)} ({profile} profile, "
            f"pitch kick {pitch_kick_deg:.2f} deg): it falls")
    largest = (f"; its largest separated payload to this orbit with allowances is about {capacity:,.0f} kg"
               if capacity is not None else "")
    try:
        plan = None
        if best is not None and payload_kg <= capacity:
            found = _best_fuel_plan(problem, groups, profile, payload_kg, best)
            if found is not None:
                pitch_kick_deg, plan = found
                kick = plan.kick_rad
        if plan is None:
            plan = _solve_fixed(problem, groups, kick, profile, payload_kg, None if best is None else best[1])
    except SolverError as error:
        # The guidance found no trajectory even with the missing-delta-v engine (a payload far
        # beyond the vehicle's): measure the shortfall against the largest payload at this kick.
        try:
            reference = best[1] if best is not None else _solve_profile(problem, groups, kick, profile,
                                                                         finite_second_burn=False)
        except SolverError:
            raise error from None
        if reference.payload_kg >= payload_kg:
            raise
        dv = (_ideal_delta_v_m_s(groups, vehicle.gross_mass_kg + reference.payload_kg)
              - _ideal_delta_v_m_s(groups, vehicle.gross_mass_kg + payload_kg))
        raise InfeasibleRequestError(
            f"{what} about {dv:,.0f} m/s short (the ideal delta-v its stages lose carrying {payload_kg:,.0f} kg "
            f"instead of the {reference.payload_kg:,.0f} kg they carry there, by the rocket equation: the guidance "
            f"found no trajectory to measure it in flight){largest}") from None
    if plan.missing_delta_v_m_s > 0.0:
        dv = plan.missing_delta_v_m_s
        raise InfeasibleRequestError(
            f"{what} {dv:,.{0 if dv >= 10 else 1}f} m/s short ({MISSING_DELTA_V_DEFINITION}){largest}")
    t, y, log, status = _fly_plan(problem, plan)
    return _build_result(problem, plan, t, y, log, status)
