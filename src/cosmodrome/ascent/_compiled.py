"""Compiled (numba) twin of the flight's inner loop: derivative, RK4 steps and events of one segment.

Why: bench/bench_ascent.py showed the NumPy derivative costing ~65 us on a handful of rows, almost all
of it per-call overhead, and a payload estimate needing ~74,000 of them. Here the same equations run
row by row on scalars inside one compiled call per flight segment.

The NumPy code stays the reference and this file copies it operation for operation, in the same
order, so that both agree to rounding (tests/ascent/test_flight_backends.py):
- flight.make_derivative and flight._thrust_settings   -> _derivative, _thrust
- steering.AtmosphericSteering / LinearTangentSteering / ProgradeHorizontalSteering.direction -> _direction
- earth.geodesy.ecef_to_geodetic_height                 -> _height (one Bowring step)
- earth.gravity.gravity_j2_m_s2                         -> _gravity
- earth.atmosphere.us1976_table                         -> _air (the same table, searched the same way)
- dynamics.drag_coefficient (np.interp)                 -> _drag_coefficient
- flight._rk4, flight._secant_root, the event functions and flight._consume of flight._fly_segment_numpy
  -> _rk4, _secant_root, _event_value, _consume, fly_segment.
Units are SI throughout (m, s, kg, N, Pa); the frame is the ascent's launch-inertial frame.

Everything a segment needs travels as plain float arrays (packed by flight._CompiledFlight), so
one compiled signature serves every vehicle; the functions compile on first use (cache=True keeps
the machine code under __pycache__ for the next process).
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from ..earth.atmosphere import us1976_table_coefficients
from ..earth.constants import (WGS84_ECCENTRICITY_SQUARED, WGS84_EQUATORIAL_RADIUS_M, WGS84_GM_M3_S2,
                               WGS84_J2, WGS84_ROTATION_RATE_RAD_S)
from .steering import AtmosphericSteering, LinearTangentSteering, ProgradeHorizontalSteering

# Constants combined exactly as the NumPy kernels combine them (same Python float operations), so
# the compiled arithmetic starts from bit-identical numbers. Numba freezes module globals into the
# machine code, and its cache is keyed on this file alone: after an edit to earth.constants, delete
# __pycache__/_compiled*.nbi and *.nbc (or touch this file) so that they are compiled in afresh.
_OMEGA = WGS84_ROTATION_RATE_RAD_S
_A = WGS84_EQUATORIAL_RADIUS_M
_E2 = WGS84_ECCENTRICITY_SQUARED
_ONE_MINUS_E2 = 1.0 - _E2
_B = _A * float(np.sqrt(1.0 - _E2))
_BOWRING_NUM = _E2 / (1.0 - _E2) * _B
_BOWRING_DEN = _E2 * _A
_J2_FACTOR = 1.5 * WGS84_J2 * WGS84_EQUATORIAL_RADIUS_M**2
_MINUS_GM = -WGS84_GM_M3_S2

# Column layout of the packed arrays (see flight._CompiledFlight).
STATE_COLUMNS = 12
IDEAL, GRAVITY, DRAG, STEERING, BACK_PRESSURE = range(7, 12)
# groups (G, 5): per stage group, constant over a flight.
G_THRUST_VAC, G_EXIT_AREA, G_MASS_FLOW, G_MIN_THROTTLE, G_MAX_ACCELERATION = range(5)
# group_state (G, 3): burning (0/1), ignition time (s, NaN before ignition), remaining propellant (kg).
S_BURNING, S_IGNITION, S_REMAINING = range(3)
# aero (5,): drag area, fairing attached (0/1), jettison heat flux, jettison altitude (NaN: none),
# altitude below which the heat-flux rule does not apply.
A_DRAG_AREA, A_FAIRING_ATTACHED, A_HEAT_FLUX, A_FAIRING_ALTITUDE, A_FAIRING_MIN_ALTITUDE = range(5)
# Steering laws and their float parameters `steer`:
#   ATMOSPHERIC: vertical_rise_s, cos(kick), sin(kick), cos(azimuth), sin(azimuth)
#   LINEAR_TANGENT: t0_s, radial (3), downrange (3), normal (3); per-row (a, b, c, d) in `lt_params`
#   PROGRADE_HORIZONTAL: none
STEER_ATMOSPHERIC, STEER_LINEAR_TANGENT, STEER_PROGRADE_HORIZONTAL = 0, 1, 2
# What stopped fly_segment.
EVENT_NONE, EVENT_BURNOUT, EVENT_FAIRING, EVENT_LOG_FULL = 0, 1, 2, 3
# One logged sample of trajectory 0: time, state (12), thrust direction (3), throttle, thrust (N).
SAMPLE_COLUMNS = 18

_NO_PARAMS = np.zeros((1, 4))

# Helpers are called only from compiled code: without the CPython and C-callable wrappers numba
# would build for each, the cold compile is shorter.
_helper = njit(cache=True, no_cpython_wrapper=True, no_cfunc_wrapper=True)


def atmosphere_table():
    """(edges_m, coefficients (N-1, 8)) of `us1976_table`: intercepts then slopes of
    (T, ln p, ln rho, sound), packed in one C-contiguous array for the compiled lookup."""
    edges, c0, c1 = us1976_table_coefficients()
    return np.ascontiguousarray(edges), np.ascontiguousarray(np.hstack([c0, c1]))


# Passed to the kernels as arguments (numba would freeze a global array into the machine code).
ATMOSPHERE_EDGES_M, ATMOSPHERE_COEFFICIENTS = atmosphere_table()


def steering_form(steering):
    """(kind, steer (k,), lt_params (m, 4)) of a steering law the compiled path knows, else None.

    Exact type checks: a subclass may override ``direction``, and then only the NumPy path is right."""
    kind = type(steering)
    if kind is AtmosphericSteering:
        kick, azimuth = steering.pitch_kick_rad, steering.azimuth_rad
        steer = np.array([steering.vertical_rise_s, math.cos(kick), math.sin(kick), math.cos(azimuth),
                          math.sin(azimuth)])
        return STEER_ATMOSPHERIC, steer, _NO_PARAMS
    if kind is LinearTangentSteering:
        steer = np.concatenate([[steering.t0_s], steering.radial, steering.downrange, steering.normal]).astype(float)
        params = np.array(np.atleast_2d(steering.params), dtype=float, order="C")
        if steer.shape != (10,) or params.ndim != 2 or params.shape[1] != 4 or len(params) == 0:
            return None  # malformed: the NumPy path raises the error the kernel (no index checks) would not
        return STEER_LINEAR_TANGENT, steer, params
    if kind is ProgradeHorizontalSteering:
        return STEER_PROGRADE_HORIZONTAL, np.zeros(1), _NO_PARAMS
    return None


@_helper
def _minimum(a, b):
    """np.minimum for two floats: NaN if either is NaN (the builtin min may drop a NaN)."""
    if a != a or b != b:
        return math.nan
    return a if a <= b else b


@_helper
def _maximum(a, b):
    """np.maximum for two floats: NaN if either is NaN."""
    if a != a or b != b:
        return math.nan
    return a if a >= b else b


@_helper
def _height(x, y, z):
    """earth.geodesy.ecef_to_geodetic_height for one position (m)."""
    rho = math.sqrt(x * x + y * y)
    u = _B * rho
    w = _A * z
    s = math.sqrt(u * u + w * w)
    cos_beta = u / s
    sin_beta = w / s
    num = z + _BOWRING_NUM * (sin_beta * sin_beta * sin_beta)
    den = rho - _BOWRING_DEN * (cos_beta * cos_beta * cos_beta)
    num2 = num * num
    den2 = den * den
    return (rho * den + z * num - _A * math.sqrt(den2 + _ONE_MINUS_E2 * num2)) / math.sqrt(den2 + num2)


@_helper
def _gravity(x, y, z):
    """earth.gravity.gravity_j2_m_s2 for one position (m/s^2)."""
    inv_r2 = 1.0 / (x * x + y * y + z * z)
    k = _J2_FACTOR * inv_r2
    common = 1.0 + k - 5.0 * k * (z * z * inv_r2)
    minus_mu_r3 = _MINUS_GM * inv_r2 * math.sqrt(inv_r2)
    scale = minus_mu_r3 * common
    return x * scale, y * scale, (minus_mu_r3 * (common + 2.0 * k)) * z


@_helper
def _air(altitude_m, edges, coef):
    """(pressure_pa, density_kg_m3, speed_of_sound_m_s) of us1976_table at one altitude (m)."""
    # np.searchsorted(edges, z, side="left"): the number of edges below z.
    lo, hi = 0, edges.shape[0]
    while lo < hi:
        mid = (lo + hi) >> 1
        if edges[mid] < altitude_m:
            lo = mid + 1
        else:
            hi = mid
    pressure = math.exp(coef[lo, 1] + coef[lo, 5] * altitude_m)
    density = math.exp(coef[lo, 2] + coef[lo, 6] * altitude_m)
    return pressure, density, coef[lo, 3] + coef[lo, 7] * altitude_m


@_helper
def _drag_coefficient(mach, cd):
    """np.interp(mach, cd[0], cd[1]) for one Mach number, with NumPy's formula and end rules."""
    xp = cd[0]
    fp = cd[1]
    n = xp.shape[0]
    if n == 1:
        return fp[0]
    if mach > xp[n - 1]:
        return fp[n - 1]
    if mach < xp[0]:
        return fp[0]
    if mach != mach:
        return mach
    j = 0
    while j < n - 1 and xp[j + 1] <= mach:
        j += 1
    if j == n - 1 or xp[j] == mach:
        return fp[j]
    slope = (fp[j + 1] - fp[j]) / (xp[j + 1] - xp[j])
    value = slope * (mach - xp[j]) + fp[j]
    if value != value:
        value = slope * (mach - xp[j + 1]) + fp[j + 1]
        if value != value and fp[j] == fp[j + 1]:
            value = fp[j]
    return value


@_helper
def _scheduled_throttle(schedule, group, since_ignition_s):
    """propulsion.StageGroup.scheduled_throttle; schedule (G, K, 2) rows (start, fraction), padded
    with start = +inf."""
    level = 1.0
    for k in range(schedule.shape[1]):
        if since_ignition_s >= schedule[group, k, 0] - 1e-9:
            level = schedule[group, k, 1]
    return level


@_helper
def _thrust(t_s, mass, pressure, groups, schedule, group_state, burning_count):
    """flight._thrust_settings for one row: (thrust_vac_n, exit_area_m2, mass_flow_kg_s, throttle)."""
    thrust_vac = 0.0
    exit_area = 0.0
    mass_flow = 0.0
    level = 0.0
    for g in range(groups.shape[0]):
        if group_state[g, S_BURNING] == 0.0:
            continue
        level = _scheduled_throttle(schedule, g, t_s - group_state[g, S_IGNITION])
        max_acceleration = groups[g, G_MAX_ACCELERATION]
        if burning_count == 1 and not math.isnan(max_acceleration):
            cap = (max_acceleration * mass + groups[g, G_EXIT_AREA] * pressure) * (1.0 / groups[g, G_THRUST_VAC])
            level = _minimum(_maximum(_minimum(level, cap), groups[g, G_MIN_THROTTLE]), 1.0)
        thrust_vac = thrust_vac + level * groups[g, G_THRUST_VAC]
        exit_area = exit_area + groups[g, G_EXIT_AREA]
        mass_flow = mass_flow + level * groups[g, G_MASS_FLOW]
    return thrust_vac, exit_area, mass_flow, level


@_helper
def _direction(kind, steer, lt_params, row, t_s, x, y, z, vx, vy, vz):
    """Unit thrust direction of one row under the steering law ``kind`` (see steering.py)."""
    if kind == STEER_ATMOSPHERIC:
        inv_r = 1.0 / math.sqrt(x * x + y * y + z * z)
        if t_s < steer[0]:
            return x * inv_r, y * inv_r, z * inv_r
        rx = vx + _OMEGA * y
        ry = vy - _OMEGA * x
        rz = vz
        speed = _maximum(math.sqrt(rx * rx + ry * ry + rz * rz), 1e-9)
        sin_elevation = (rx * x + ry * y + rz * z) * inv_r / speed
        if sin_elevation <= steer[1]:
            return rx / speed, ry / speed, rz / speed
        # AtmosphericSteering._kick_direction
        rho2 = x * x + y * y
        inv_rho = 1.0 / math.sqrt(rho2)
        up_part = steer[1] * inv_r
        north_part = (steer[2] * steer[3]) * inv_r * inv_rho
        east_part = (steer[2] * steer[4]) * inv_rho
        radial = up_part - north_part * z
        return radial * x - east_part * y, radial * y + east_part * x, up_part * z + north_part * rho2
    if kind == STEER_LINEAR_TANGENT:
        p = row if row < lt_params.shape[0] else lt_params.shape[0] - 1
        tau = t_s - steer[0]
        pitch = lt_params[p, 0] + lt_params[p, 1] * tau
        yaw = lt_params[p, 2] + lt_params[p, 3] * tau
        ux = steer[4] + pitch * steer[1] + yaw * steer[7]
        uy = steer[5] + pitch * steer[2] + yaw * steer[8]
        uz = steer[6] + pitch * steer[3] + yaw * steer[9]
        norm = math.sqrt(ux * ux + uy * uy + uz * uz)
        return ux / norm, uy / norm, uz / norm
    # STEER_PROGRADE_HORIZONTAL: the velocity less its radial part.
    radial_part = (vx * x + vy * y + vz * z) / (x * x + y * y + z * z)
    hx = vx - radial_part * x
    hy = vy - radial_part * y
    hz = vz - radial_part * z
    norm = math.sqrt(hx * hx + hy * hy + hz * hz)
    return hx / norm, hy / norm, hz / norm


@_helper
def _derivative(t_s, state, out, last, model):
    """flight.make_derivative's f(t, y): fills ``out`` (n, 12); ``last`` (5,) gets trajectory 0's
    thrust direction, throttle and thrust (N)."""
    (aero, cd, edges, coef, groups, schedule, group_state, burning_count, kind, steer, lt_params) = model
    drag_area = aero[A_DRAG_AREA]
    for i in range(state.shape[0]):
        x, y, z = state[i, 0], state[i, 1], state[i, 2]
        vx, vy, vz = state[i, 3], state[i, 4], state[i, 5]
        mass = state[i, 6]
        pressure, density, sound = _air(_height(x, y, z), edges, coef)
        # dynamics.air_loads
        rx = vx + _OMEGA * y
        ry = vy - _OMEGA * x
        rz = vz
        speed = math.sqrt(rx * rx + ry * ry + rz * rz)
        half_rho_v = 0.5 * density * speed
        drag_per_speed = half_rho_v * _drag_coefficient(speed / sound, cd) * drag_area
        gx, gy, gz = _gravity(x, y, z)
        inv_mass = 1.0 / mass
        drag_per_speed_mass = drag_per_speed * inv_mass
        inv_speed = 1.0 / math.sqrt(vx * vx + vy * vy + vz * vz)
        out[i, 0] = vx
        out[i, 1] = vy
        out[i, 2] = vz
        out[i, GRAVITY] = -(gx * vx + gy * vy + gz * vz) * inv_speed
        out[i, DRAG] = drag_per_speed_mass * (rx * vx + ry * vy + rz * vz) * inv_speed
        ax = gx - drag_per_speed_mass * rx
        ay = gy - drag_per_speed_mass * ry
        az = gz - drag_per_speed_mass * rz
        if burning_count > 0:
            dx, dy, dz = _direction(kind, steer, lt_params, i, t_s, x, y, z, vx, vy, vz)
            thrust_vac, exit_area, mass_flow, throttle = _thrust(t_s, mass, pressure, groups, schedule,
                                                                 group_state, burning_count)
            thrust = _maximum(thrust_vac - exit_area * pressure, 0.0)
            thrust_accel = thrust * inv_mass
            out[i, 3] = ax + thrust_accel * dx
            out[i, 4] = ay + thrust_accel * dy
            out[i, 5] = az + thrust_accel * dz
            out[i, 6] = -mass_flow
            out[i, IDEAL] = thrust_vac * inv_mass
            out[i, STEERING] = thrust_accel * (1.0 - (dx * vx + dy * vy + dz * vz) * inv_speed)
            out[i, BACK_PRESSURE] = (thrust_vac - thrust) * inv_mass
            if i == 0:
                last[0], last[1], last[2], last[3], last[4] = dx, dy, dz, throttle, thrust
        else:
            out[i, 3] = ax
            out[i, 4] = ay
            out[i, 5] = az
            out[i, 6] = 0.0
            out[i, IDEAL] = 0.0
            out[i, STEERING] = 0.0
            out[i, BACK_PRESSURE] = 0.0
            if i == 0:
                for j in range(5):
                    last[j] = 0.0


@njit(cache=True)
def derivative_rows(t_s, state, out, last, aero, cd, edges, coef, groups, schedule, group_state, kind, steer,
                    lt_params):
    """The state derivative of rows ``state`` (n, 12) at t_s into ``out``; see _derivative."""
    burning_count = 0
    for g in range(group_state.shape[0]):
        if group_state[g, S_BURNING] != 0.0:
            burning_count += 1
    model = (aero, cd, edges, coef, groups, schedule, group_state, burning_count, kind, steer, lt_params)
    _derivative(t_s, state, out, last, model)


@_helper
def _rk4(t_s, state, dt, k1, work, out, model):
    """flight._rk4 with k1 given: the state after one classical RK4 step of dt into ``out``.
    work: (4, n, 12) scratch (k2, k3, k4, stage state)."""
    stage = work[3]
    last = np.empty(5)
    n = state.shape[0]
    half = 0.5 * dt
    # One call site of _derivative for k2, k3, k4 (stages y + dt/2 k1, y + dt/2 k2, y + dt k3), which
    # keeps the compiled code, and its compile time, small.
    previous = k1
    for s in range(3):
        h = dt if s == 2 else half
        for i in range(n):
            for j in range(STATE_COLUMNS):
                stage[i, j] = state[i, j] + h * previous[i, j]
        previous = work[s]
        _derivative(t_s + dt if s == 2 else t_s + 0.5 * dt, stage, previous, last, model)
    k2, k3, k4 = work[0], work[1], work[2]
    sixth = dt / 6.0
    for i in range(n):
        for j in range(STATE_COLUMNS):
            out[i, j] = state[i, j] + sixth * (k1[i, j] + 2.0 * k2[i, j] + 2.0 * k3[i, j] + k4[i, j])


@_helper
def _fairing_value(state, aero, edges, coef):
    """flight._fairing_function of trajectory 0: positive once the fairing may go."""
    x, y, z = state[0, 0], state[0, 1], state[0, 2]
    vx, vy, vz = state[0, 3], state[0, 4], state[0, 5]
    altitude = math.sqrt(x * x + y * y + z * z) - _A
    fairing_altitude = aero[A_FAIRING_ALTITUDE]
    if not math.isnan(fairing_altitude) and altitude >= fairing_altitude:
        return altitude - fairing_altitude
    if altitude < aero[A_FAIRING_MIN_ALTITUDE]:
        return -1.0
    rel_x = vx + _OMEGA * y
    rel_y = vy - _OMEGA * x
    density = _air(altitude, edges, coef)[1]
    flux = 0.5 * density * (rel_x * rel_x + rel_y * rel_y + vz * vz) ** 1.5
    return aero[A_HEAT_FLUX] - flux


@_helper
def _event_value(event, h, t_s, state, k1, work, trial, model, mass0, target_kg):
    """Switching function ``event`` after a step of h from (t_s, state): g_of_dt in flight."""
    if h > 0:
        _rk4(t_s, state, h, k1, work, trial, model)
        at = trial
    else:
        at = state
    if event == EVENT_BURNOUT:
        return (mass0 - at[0, 6]) - target_kg
    return _fairing_value(at, model[0], model[2], model[3])


@_helper
def _secant_root(event, dt, t_s, state, k1, work, trial, model, mass0, target_kg):
    """flight._secant_root on the step length: regula falsi with the Illinois fix, tol 1e-4 s."""
    lo, hi = 0.0, dt
    g_lo = _event_value(event, 0.0, t_s, state, k1, work, trial, model, mass0, target_kg)
    g_hi = _event_value(event, dt, t_s, state, k1, work, trial, model, mass0, target_kg)
    side = 0
    for _ in range(40):
        x = hi - g_hi * (hi - lo) / (g_hi - g_lo) if g_hi != g_lo else 0.5 * (lo + hi)
        gx = _event_value(event, x, t_s, state, k1, work, trial, model, mass0, target_kg)
        if gx >= 0:
            hi, g_hi = x, gx
            if side == 1:
                g_lo *= 0.5
            side = 1
        else:
            lo, g_lo = x, gx
            if side == -1:
                g_hi *= 0.5
            side = -1
        if hi - lo < 1e-4:
            break
    return hi


@_helper
def _consume(groups, schedule, group_state, burning_count, mass_limited, old, new, dt, t_new):
    """flight._consume: book the propellant burnt over a step against the burning groups."""
    if burning_count == 0:
        return
    if mass_limited >= 0:
        left = group_state[mass_limited, S_REMAINING] - (old[0, 6] - new[0, 6])
        group_state[mass_limited, S_REMAINING] = 0.0 if 0.0 > left else left
        return
    for g in range(groups.shape[0]):
        if group_state[g, S_BURNING] == 0.0:
            continue
        level = _scheduled_throttle(schedule, g, t_new - dt - group_state[g, S_IGNITION])
        left = group_state[g, S_REMAINING] - level * groups[g, G_MASS_FLOW] * dt
        group_state[g, S_REMAINING] = 0.0 if 0.0 > left else left


@_helper
def _copy(source, target):
    # An explicit loop: numba's slice assignment compiles a shape-mismatch error path costing ~1 s each.
    for i in range(source.shape[0]):
        for j in range(source.shape[1]):
            target[i, j] = source[i, j]


@njit(cache=True)
def fly_segment(t_s, t_end_s, step_s, state, group_state, mass_limited, aero, cd, edges, coef, groups, schedule,
                kind, steer, lt_params, samples, logging):
    """Integrate ``state`` (n, 12) in place from t_s toward t_end_s with one fixed configuration.

    The loop of flight._fly_segment_numpy: RK4 steps of step_s (the last one stretched or cut to land
    on t_end_s), the burn-out of group ``mass_limited`` (-1: none) and, while aero says the fairing
    is on, its jettison located inside a step by regula falsi. ``group_state`` remaining propellant
    is booked in place. When ``logging``, trajectory 0 is sampled at each step start into
    ``samples`` (rows of SAMPLE_COLUMNS); if it fills, the call returns EVENT_LOG_FULL and the
    caller continues with a fresh buffer (the result is the same as one long call).
    Returns (t_s reached, event code, samples written).
    """
    burning_count = 0
    for g in range(group_state.shape[0]):
        if group_state[g, S_BURNING] != 0.0:
            burning_count += 1
    model = (aero, cd, edges, coef, groups, schedule, group_state, burning_count, kind, steer, lt_params)
    n = state.shape[0]
    k1 = np.empty((n, STATE_COLUMNS))
    work = np.empty((4, n, STATE_COLUMNS))
    new = np.empty((n, STATE_COLUMNS))
    trial = np.empty((n, STATE_COLUMNS))
    last = np.zeros(5)
    fairing_on = aero[A_FAIRING_ATTACHED] != 0.0
    written = 0
    t = t_s
    while t < t_end_s - 1e-9:
        if logging and written == samples.shape[0]:
            return t, EVENT_LOG_FULL, written
        dt = min(step_s, t_end_s - t)
        if t_end_s - (t + dt) < 1e-6:
            dt = t_end_s - t
        _derivative(t, state, k1, last, model)
        if logging:
            samples[written, 0] = t
            for j in range(STATE_COLUMNS):
                samples[written, 1 + j] = state[0, j]
            for j in range(5):
                samples[written, 1 + STATE_COLUMNS + j] = last[j]
            written += 1
        _rk4(t, state, dt, k1, work, new, model)
        # State events on trajectory 0, in the order of the NumPy loop: burn-out, then fairing.
        mass0 = state[0, 6]
        target_kg = group_state[mass_limited, S_REMAINING] if mass_limited >= 0 else 0.0
        burnout = mass_limited >= 0 and (mass0 - new[0, 6]) - target_kg >= 0
        fairing = fairing_on and _fairing_value(new, aero, edges, coef) >= 0
        if burnout or fairing:
            # The earlier root wins; on a tie the first candidate (burn-out) stays.
            best_dt, best = dt, EVENT_NONE
            if burnout:
                best_dt, best = _secant_root(EVENT_BURNOUT, dt, t, state, k1, work, trial, model, mass0, target_kg), \
                    EVENT_BURNOUT
            if fairing:
                h = _secant_root(EVENT_FAIRING, dt, t, state, k1, work, trial, model, mass0, target_kg)
                if h < best_dt or best == EVENT_NONE:
                    best_dt, best = h, EVENT_FAIRING
            if best_dt > 0:
                _rk4(t, state, best_dt, k1, work, new, model)
            else:
                _copy(state, new)
            _consume(groups, schedule, group_state, burning_count, mass_limited, state, new, best_dt, t + best_dt)
            _copy(new, state)
            return t + best_dt, best, written
        _consume(groups, schedule, group_state, burning_count, mass_limited, state, new, dt, t + dt)
        t = t + dt
        _copy(new, state)
    return t, EVENT_NONE, written
