"""The flight integrator: steps a batch of trajectories through thrust, staging and coasts.

State rows (n, 12): x, y, z, vx, vy, vz (launch-inertial, m, m/s), mass (kg), then five
delta-v quadratures integrated with the motion (m/s): ideal (vacuum thrust / mass), gravity
loss, drag loss, steering loss (thrust off the velocity) and back-pressure loss (vacuum thrust
minus actual thrust), all projected on the inertial velocity so that they close exactly on the
inertial speed: |v1| - |v0| = ideal - gravity - drag - steering - back_pressure.

The batch shares one event schedule, decided by trajectory 0 (burn-outs, fairing jettison,
stop events); the guidance solver uses the other rows for finite-difference sensitivities.

Two backends (FlightConfig.backend) run the same equations: "numpy", the reference written here,
and "numba" (the default), ascent._compiled, a compiled copy of the steps inside one flight segment
(same operations in the same order; the two agree to rounding, tests/ascent/test_flight_backends.py).
The segment logic (stage boundaries, staging, ignitions, the log) is this module's in both. The
compiled path covers the steering laws of ascent.steering and the built-in events (burn-out, fairing).
A flight with another steering object runs wholly on the NumPy path; one with stop events (Python
functions) runs the NumPy step loop around the compiled derivative.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Protocol

import numpy as np

from ..earth.atmosphere import us1976_table
from ..earth.constants import WGS84_EQUATORIAL_RADIUS_M
from ..earth.geodesy import ecef_to_geodetic_height
from ..earth.gravity import gravity_j2_m_s2
from ..errors import InvalidInputError, SolverError
from .dynamics import OMEGA, air_loads, row_dot
from .propulsion import StageGroup

STATE_SIZE = 12
IDEAL, GRAVITY, DRAG, STEERING, BACK_PRESSURE = range(7, 12)


class Steering(Protocol):
    switch_times_s: tuple[float, ...]

    def direction(self, t_s: float, position_m: np.ndarray, velocity_m_s: np.ndarray) -> np.ndarray: ...


@dataclass(frozen=True)
class StopEvent:
    """Stop when ``function(t, y0)`` (of trajectory 0's state row) crosses zero upward."""

    name: str
    function: Callable[[float, np.ndarray], float]


@dataclass
class Sample:
    time_s: float
    state: np.ndarray  # (12,) of trajectory 0
    direction: np.ndarray  # (3,)
    throttle: float
    stage_index: int
    thrust_n: float


@dataclass
class FlightLog:
    """What happened to trajectory 0: samples and events (name, time, detail)."""

    samples: list[Sample] = field(default_factory=list)
    events: list[tuple[str, float, str, np.ndarray]] = field(default_factory=list)


@dataclass
class VehicleStatus:
    """Mutable bookkeeping of one flight: which groups burn, what is left, what is attached.

    Lives only inside a flight run; ``copy`` hands it from one phase to the next.
    """

    groups: tuple[StageGroup, ...]
    remaining_kg: list[float]
    attached: list[bool]
    ignition_s: list[float | None]
    burning: list[bool]
    next_ignition_s: float | None  # when the next sequential group lights (None: none pending)
    fairing_attached: bool
    fairing_mass_kg: float
    burns_used: list[int]

    @classmethod
    def at_liftoff(cls, groups: tuple[StageGroup, ...], fairing_mass_kg: float) -> "VehicleStatus":
        n = len(groups)
        return cls(groups, [g.usable_propellant_kg for g in groups], [True] * n,
                   [0.0 if g.ignites_at_liftoff else None for g in groups],
                   [g.ignites_at_liftoff for g in groups], None, fairing_mass_kg > 0, fairing_mass_kg,
                   [1 if g.ignites_at_liftoff else 0 for g in groups])

    def copy(self) -> "VehicleStatus":
        return VehicleStatus(self.groups, list(self.remaining_kg), list(self.attached),
                             list(self.ignition_s), list(self.burning), self.next_ignition_s,
                             self.fairing_attached, self.fairing_mass_kg, list(self.burns_used))

    @property
    def burning_indices(self) -> list[int]:
        return [i for i, b in enumerate(self.burning) if b]

    @property
    def top_index(self) -> int:
        attached = [i for i, a in enumerate(self.attached) if a]
        return attached[-1] if attached else -1

    @property
    def last_group_index(self) -> int:
        return len(self.groups) - 1


class Backend(str, Enum):
    """How `fly` integrates: the NumPy reference, or its compiled twin (ascent._compiled)."""

    NUMPY = "numpy"
    NUMBA = "numba"


@dataclass(frozen=True)
class FlightConfig:
    """Fixed inputs of a flight: drag data, the fairing rule and the integrator backend.

    backend: a Backend or its value ("numpy" | "numba"); the compiled "numba" path is the default,
    "numpy" the reference it is tested against.
    """

    drag_area_m2: float
    cd_mach: tuple[np.ndarray, np.ndarray]
    fairing_heat_flux_w_m2: float = 1135.0
    fairing_altitude_m: float | None = None
    fairing_min_altitude_m: float = 40e3  # the heat-flux rule applies only above this
    backend: Backend = Backend.NUMBA

    def __post_init__(self):
        try:
            backend = Backend(self.backend)
        except ValueError:
            raise InvalidInputError(f"expected one of {', '.join(repr(b.value) for b in Backend)}, got "
                                    f"{self.backend!r}", field="backend") from None
        object.__setattr__(self, "backend", backend)


def _thrust_settings(status: VehicleStatus, t_s: float, mass: np.ndarray, pressure: np.ndarray):
    """(thrust_vac_n, exit_area_m2, mass_flow_kg_s, throttle) summed over the burning groups at
    time t_s; the throttle is that of the last burning group. Floats, except where an acceleration
    cap makes the level depend on the trajectory: then (n,) arrays."""
    burning = status.burning_indices
    thrust_vac = exit_area = mass_flow = level = 0.0
    for i in burning:
        g = status.groups[i]
        level = g.scheduled_throttle(t_s - status.ignition_s[i])
        if g.max_acceleration_m_s2 is not None and len(burning) == 1:
            # thrust = k * thrust_vac - exit_area * p  <=  a_max * m, k clipped to [min_throttle, 1]
            cap = (g.max_acceleration_m_s2 * mass + g.exit_area_m2 * pressure) * (1.0 / g.thrust_vac_n)
            level = np.minimum(np.maximum(np.minimum(level, cap), g.min_throttle), 1.0)
        thrust_vac = thrust_vac + level * g.thrust_vac_n
        exit_area = exit_area + g.exit_area_m2
        mass_flow = mass_flow + level * g.mass_flow_kg_s
    return thrust_vac, exit_area, mass_flow, level


def make_derivative(status: VehicleStatus, config: FlightConfig, steering: Steering):
    """The state derivative f(t, y) for the current configuration, with the throttle and thrust
    direction of its last call kept in ``last`` for logging.

    Same equations as dynamics.derivative (whose ``environment`` serves the logs and reports), written
    for speed: geodetic height only, the tabulated atmosphere, no Environment record. The RK4 loop
    calls it four times a step on a few rows, where NumPy's per-call cost, not arithmetic, dominates.
    With the "numba" backend and a steering law of ascent.steering, f is the compiled derivative;
    it takes the stage configuration (which groups burn, their ignition times) as ``status`` has it
    now, so make a new f after changing ``status``, as `fly` does for every segment.
    """
    if config.backend is Backend.NUMBA:
        compiled = _CompiledFlight.for_flight(status.groups, config, steering)
        if compiled is not None:
            return compiled.derivative(status)
    last: dict[str, np.ndarray] = {}
    drag_area = config.drag_area_m2
    cd_mach = config.cd_mach

    def f(t_s: float, y: np.ndarray) -> np.ndarray:
        position, velocity, mass = y[:, 0:3], y[:, 3:6], y[:, 6]
        altitude = ecef_to_geodetic_height(position)
        pressure, _, _, _, drag_per_speed, relative = air_loads(altitude, position, velocity, drag_area, cd_mach)
        gravity = gravity_j2_m_s2(position)
        inv_mass = 1.0 / mass
        drag_per_speed_mass = drag_per_speed * inv_mass  # drag acceleration = -this * relative
        inv_speed = 1.0 / np.sqrt(row_dot(velocity, velocity))
        out = np.empty_like(y)
        out[:, 0:3] = velocity
        # Quadratures, each the rate of a loss projected on the inertial velocity.
        out[:, GRAVITY] = -row_dot(gravity, velocity) * inv_speed
        out[:, DRAG] = drag_per_speed_mass * row_dot(relative, velocity) * inv_speed
        # Vector terms in transposed (3, n) views: k * v.T broadcasts along the last axis, which
        # NumPy does at about half the cost of k[:, None] * v on a few rows.
        accel = gravity.T - drag_per_speed_mass * relative.T
        if status.burning_indices:
            direction = steering.direction(t_s, position, velocity)
            thrust_vac, exit_area, mass_flow, throttle = _thrust_settings(status, t_s, mass, pressure)
            thrust_magnitude = np.maximum(thrust_vac - exit_area * pressure, 0.0)
            thrust_accel = thrust_magnitude * inv_mass
            out.T[3:6] = accel + thrust_accel * direction.T
            out[:, 6] = -mass_flow
            out[:, IDEAL] = thrust_vac * inv_mass
            out[:, STEERING] = thrust_accel * (1.0 - row_dot(direction, velocity) * inv_speed)
            out[:, BACK_PRESSURE] = (thrust_vac - thrust_magnitude) * inv_mass
            last["direction"] = direction[0]
            last["throttle"] = float(throttle[0]) if isinstance(throttle, np.ndarray) else float(throttle)
            last["thrust"] = float(thrust_magnitude[0])
        else:
            out.T[3:6] = accel
            out[:, 6:7] = 0.0
            out[:, IDEAL] = 0.0
            out[:, STEERING:] = 0.0
            last["direction"] = _NO_DIRECTION
            last["throttle"] = 0.0
            last["thrust"] = 0.0
        return out

    f.last = last  # type: ignore[attr-defined]
    return f


_NO_DIRECTION = np.zeros(3)


def _rk4(f, t, y, dt, k1=None):
    k1 = f(t, y) if k1 is None else k1
    k2 = f(t + 0.5 * dt, y + 0.5 * dt * k1)
    k3 = f(t + 0.5 * dt, y + 0.5 * dt * k2)
    k4 = f(t + dt, y + dt * k3)
    return y + (dt / 6.0) * (k1 + 2.0 * k2 + 2.0 * k3 + k4), k1


def _secant_root(g, lo: float, hi: float, g_lo: float, g_hi: float, tol: float = 1e-4) -> float:
    """Root of g in [lo, hi] where g(lo) < 0 <= g(hi): regula falsi with the Illinois fix."""
    side = 0
    for _ in range(40):
        x = hi - g_hi * (hi - lo) / (g_hi - g_lo) if g_hi != g_lo else 0.5 * (lo + hi)
        gx = g(x)
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
        if hi - lo < tol:
            break
    return hi


def fly(status: VehicleStatus, config: FlightConfig, steering: Steering, t0_s: float, y0: np.ndarray,
        t_stop_s: float, step_s: float, log: FlightLog | None = None,
        stop_events: tuple[StopEvent, ...] = (), stop_at_separation: bool = False,
        stop_at_final_burnout: bool = True):
    """Fly from t0 to t_stop (or a stop condition); returns (t, y, reason).

    ``status`` is updated in place (propellant used, stages dropped). Reasons: "time",
    "final burnout", "separation", or the name of a stop event. Raises SolverError when t_stop_s is
    NaN (a diverged solver upstream), where the loop would otherwise never end.
    """
    if math.isnan(t_stop_s):
        raise SolverError(f"the flight was asked to stop at t = {t_stop_s} s (from t = {t0_s:.3f} s); the solver "
                          f"that chose the stop time diverged")
    t, y = t0_s, np.array(y0, dtype=float, order="C")
    if y.ndim != 2 or y.shape[1] != STATE_SIZE:
        raise InvalidInputError(f"expected states of shape (n, {STATE_SIZE}), got {y.shape}", field="y0")
    compiled = None
    if config.backend is Backend.NUMBA and not stop_events:
        compiled = _CompiledFlight.for_flight(status.groups, config, steering)
    while True:
        # Time boundaries of the current configuration.
        boundaries = [t_stop_s]
        boundaries += [s for s in steering.switch_times_s if s > t + 1e-9]
        burning = status.burning_indices
        mass_limited = None  # group whose burn-out is found from trajectory 0's mass
        if burning:
            single_capped = len(burning) == 1 and status.groups[burning[0]].max_acceleration_m_s2 is not None
            for i in burning:
                g = status.groups[i]
                since = t - status.ignition_s[i]
                boundaries += [status.ignition_s[i] + s for s in g.schedule_steps_after(since)]
                if single_capped:
                    mass_limited = i
                else:
                    level = g.scheduled_throttle(since)
                    boundaries.append(t + status.remaining_kg[i] / (level * g.mass_flow_kg_s))
        if status.next_ignition_s is not None:
            boundaries.append(status.next_ignition_s)
        t_end = min(boundaries)
        if compiled is None:
            t, y, event_hit = _fly_segment_numpy(status, config, steering, t, y, t_end, step_s, burning,
                                                 mass_limited, log, stop_events)
        else:
            t, y, event_hit = compiled.fly_segment(status, t, y, t_end, step_s, burning, mass_limited, log)
        if event_hit == "fairing":
            y = y.copy()
            y[:, 6] -= status.fairing_mass_kg
            status.fairing_attached = False
            if log is not None:
                log.events.append(("fairing jettison", t, "", y[0].copy()))
            continue
        if event_hit is not None and event_hit != "burnout":
            return t, y, event_hit
        if t >= t_stop_s - 1e-9:
            return t, y, "time"
        # A time boundary (or a mass-limited burn-out) was reached: update the configuration.
        separated = False
        for i in status.burning_indices:
            g = status.groups[i]
            if status.remaining_kg[i] <= 1e-6 * max(g.usable_propellant_kg, 1.0) or (event_hit == "burnout" and i == mass_limited):
                status.remaining_kg[i] = 0.0
                status.burning[i] = False
                if log is not None:
                    log.events.append((f"{g.name} burn-out", t, "", y[0].copy()))
                if i == status.last_group_index:
                    if stop_at_final_burnout:
                        return t, y, "final burnout"
                    continue
                y = y.copy()
                y[:, 6] -= g.dead_mass_kg
                status.attached[i] = False
                separated = True
                if log is not None:
                    log.events.append((f"{g.name} separation", t, "", y[0].copy()))
        if not status.burning_indices and status.next_ignition_s is None:
            pending = [j for j in range(len(status.groups)) if status.ignition_s[j] is None]
            if pending:
                status.next_ignition_s = t + status.groups[pending[0]].coast_before_s
        if status.next_ignition_s is not None and t >= status.next_ignition_s - 1e-9:
            nxt = next(j for j in range(len(status.groups)) if status.ignition_s[j] is None)
            status.ignition_s[nxt] = t
            status.burning[nxt] = True
            status.burns_used[nxt] += 1
            status.next_ignition_s = None
            if log is not None:
                log.events.append((f"{status.groups[nxt].name} ignition", t, "", y[0].copy()))
        if separated and stop_at_separation:
            return t, y, "separation"


def _fly_segment_numpy(status: VehicleStatus, config: FlightConfig, steering: Steering, t: float, y: np.ndarray,
                       t_end: float, step_s: float, burning: list[int], mass_limited: int | None,
                       log: FlightLog | None, stop_events: tuple[StopEvent, ...]):
    """RK4 steps from t toward t_end in one configuration, stopping at the first state event.

    Returns (t, y, event): event is None at t_end, else "burnout", "fairing" or a stop event's name.
    Books the propellant burnt in ``status`` and samples trajectory 0 into ``log``. The reference
    for ascent._compiled.fly_segment.
    """
    f = make_derivative(status, config, steering)
    while t < t_end - 1e-9:
        dt = min(step_s, t_end - t)
        if t_end - (t + dt) < 1e-6:
            dt = t_end - t
        k1 = f(t, y)
        if log is not None:
            log.samples.append(Sample(t, y[0].copy(), f.last["direction"].copy(), f.last["throttle"],
                                      max(burning) if burning else -1, f.last["thrust"]))
        y_new, _ = _rk4(f, t, y, dt, k1)
        # State events on trajectory 0, refined by regula falsi on the step length.
        candidates = []
        if mass_limited is not None:
            target = status.remaining_kg[mass_limited]
            m0 = y[0, 6]
            g_fn = lambda yy: (m0 - yy[0, 6]) - target  # noqa: E731
            if g_fn(y_new) >= 0:
                candidates.append(("burnout", g_fn))
        if status.fairing_attached:
            g_fn = _fairing_function(config, t, y, f)
            if g_fn is not None and g_fn(t + dt, y_new) >= 0:
                candidates.append(("fairing", lambda yy, _g=g_fn: _g(None, yy)))
        for event in stop_events:
            g0 = event.function(t, y[0])
            g1 = event.function(t + dt, y_new[0])
            if g0 < 0 <= g1:
                candidates.append((event.name, lambda yy, _e=event: _e.function(None, yy[0])))
        if candidates:
            best_dt, best_name = dt, None
            for name, g_fn in candidates:
                def g_of_dt(h, _g=g_fn):
                    return _g(_rk4(f, t, y, h, k1)[0]) if h > 0 else _g(y)
                h = _secant_root(g_of_dt, 0.0, dt, g_of_dt(0.0), g_of_dt(dt))
                if h < best_dt or best_name is None:
                    best_dt, best_name = h, name
            y_new, _ = _rk4(f, t, y, best_dt, k1) if best_dt > 0 else (y, None)
            _consume(status, burning, mass_limited, y, y_new, best_dt, t + best_dt)
            return t + best_dt, y_new, best_name
        _consume(status, burning, mass_limited, y, y_new, dt, t + dt)
        t, y = t + dt, y_new
    return t, y, None


def _consume(status: VehicleStatus, burning, mass_limited, y_old, y_new, dt, t_new):
    """Book the propellant burnt over a step against the burning groups."""
    if not burning:
        return
    if mass_limited is not None:
        used = y_old[0, 6] - y_new[0, 6]
        status.remaining_kg[mass_limited] = max(status.remaining_kg[mass_limited] - used, 0.0)
        return
    for i in burning:
        g = status.groups[i]
        level = g.scheduled_throttle(t_new - dt - status.ignition_s[i])
        status.remaining_kg[i] = max(status.remaining_kg[i] - level * g.mass_flow_kg_s * dt, 0.0)


def _fairing_function(config: FlightConfig, t, y, f):
    """Jettison switching function of trajectory 0: positive once the fairing may go."""
    def g_fn(t_s, yy):
        x, y_, z, vx, vy, vz = yy[0, 0:6].tolist()
        # A geocentric altitude is close enough for a rule stated in round numbers.
        altitude = math.sqrt(x * x + y_ * y_ + z * z) - WGS84_EQUATORIAL_RADIUS_M
        if config.fairing_altitude_m is not None and altitude >= config.fairing_altitude_m:
            return altitude - config.fairing_altitude_m
        if altitude < config.fairing_min_altitude_m:
            return -1.0
        # Air-relative velocity v - w x r (dynamics.air_relative_velocity), in scalars.
        rel_x, rel_y = vx + OMEGA * y_, vy - OMEGA * x
        rho = float(us1976_table(altitude)[2])
        flux = 0.5 * rho * (rel_x * rel_x + rel_y * rel_y + vz * vz) ** 1.5
        return config.fairing_heat_flux_w_m2 - flux
    return g_fn


_EVENT_NAMES = {0: None, 1: "burnout", 2: "fairing"}  # ascent._compiled event codes
_LOG_ROWS = 4096  # samples per compiled call while logging; a longer segment takes several calls


class _CompiledFlight:
    """The fixed inputs of one flight packed as float arrays for ascent._compiled (one per `fly`).

    Columns are those named in ascent._compiled (groups, schedule, aero, steering parameters).
    """

    def __init__(self, groups: tuple[StageGroup, ...], config: FlightConfig, form, compiled):
        self.compiled = compiled
        self.groups = np.array([[g.thrust_vac_n, g.exit_area_m2, g.mass_flow_kg_s, g.min_throttle,
                                 math.nan if g.max_acceleration_m_s2 is None else g.max_acceleration_m_s2]
                                for g in groups], dtype=float).reshape(len(groups), 5)
        # Throttle schedules padded with steps that never come (start = +inf).
        width = max([1] + [len(g.throttle_schedule) for g in groups])
        self.schedule = np.empty((len(groups), width, 2))
        self.schedule[:, :, 0] = math.inf
        self.schedule[:, :, 1] = 1.0
        for i, g in enumerate(groups):
            for k, (start, fraction) in enumerate(g.throttle_schedule):
                self.schedule[i, k] = start, fraction
        self.aero = np.array([config.drag_area_m2, 0.0, config.fairing_heat_flux_w_m2,
                              math.nan if config.fairing_altitude_m is None else config.fairing_altitude_m,
                              config.fairing_min_altitude_m], dtype=float)
        mach, cd = (np.asarray(a, dtype=float).ravel() for a in config.cd_mach)
        if len(mach) != len(cd) or len(mach) == 0:
            raise InvalidInputError(f"expected Mach and Cd arrays of one length >= 1, got {len(mach)} and {len(cd)}",
                                    field="cd_mach")
        self.cd = np.array([mach, cd])
        self.kind, self.steer, self.lt_params = form
        self.edges, self.coef = compiled.ATMOSPHERE_EDGES_M, compiled.ATMOSPHERE_COEFFICIENTS
        self.no_samples = np.empty((0, compiled.SAMPLE_COLUMNS))

    @classmethod
    def for_flight(cls, groups, config: FlightConfig, steering) -> "_CompiledFlight | None":
        """The packed flight, or None when the compiled path does not know ``steering``."""
        from . import _compiled  # numba loads on first use, not when the package is imported

        form = _compiled.steering_form(steering)
        return None if form is None else cls(groups, config, form, _compiled)

    @staticmethod
    def group_state(status: VehicleStatus) -> np.ndarray:
        """(G, 3): burning (0/1), ignition time (NaN: not lit), remaining propellant (kg)."""
        return np.array([(1.0 if b else 0.0, math.nan if s is None else s, r)
                         for b, s, r in zip(status.burning, status.ignition_s, status.remaining_kg)],
                        dtype=float).reshape(len(status.groups), 3)

    def fly_segment(self, status: VehicleStatus, t: float, y: np.ndarray, t_end: float, step_s: float,
                    burning: list[int], mass_limited: int | None, log: FlightLog | None):
        """_fly_segment_numpy through ascent._compiled.fly_segment; ``y`` (C-contiguous, owned by
        `fly`) is advanced in place and returned."""
        group_state = self.group_state(status)
        self.aero[1] = 1.0 if status.fairing_attached else 0.0
        limited = -1 if mass_limited is None else mass_limited
        while True:
            if log is None:
                samples = self.no_samples
            else:
                rows = min(max(int((t_end - t) / step_s) + 2, 1), _LOG_ROWS)
                samples = np.empty((rows, self.compiled.SAMPLE_COLUMNS))
            # Floats throughout: an int time or step would make numba compile a second version.
            t, code, written = self.compiled.fly_segment(
                float(t), float(t_end), float(step_s), y, group_state, limited, self.aero, self.cd, self.edges,
                self.coef, self.groups, self.schedule, self.kind, self.steer, self.lt_params, samples, log is not None)
            if log is not None:
                stage = max(burning) if burning else -1
                log.samples.extend(Sample(float(row[0]), row[1:13], row[13:16], float(row[16]), stage,
                                          float(row[17])) for row in samples[:written])
            if code != self.compiled.EVENT_LOG_FULL:
                break
        status.remaining_kg[:] = group_state[:, 2].tolist()
        return t, y, _EVENT_NAMES[code]

    def derivative(self, status: VehicleStatus):
        """make_derivative's f(t, y) for the configuration ``status`` has now, compiled."""
        group_state = self.group_state(status)
        buffer = np.zeros(5)
        last: dict[str, object] = {}
        kernel = self.compiled.derivative_rows
        args = (buffer, self.aero, self.cd, self.edges, self.coef, self.groups, self.schedule, group_state,
                self.kind, self.steer, self.lt_params)

        def f(t_s: float, y: np.ndarray) -> np.ndarray:
            y = np.ascontiguousarray(y, dtype=float)
            if y.ndim != 2 or y.shape[1] != STATE_SIZE:  # the kernel does not check its indices
                raise InvalidInputError(f"expected states of shape (n, {STATE_SIZE}), got {y.shape}", field="y")
            out = np.empty_like(y)
            kernel(float(t_s), y, out, *args)
            last["direction"] = buffer[0:3].copy()
            last["throttle"] = float(buffer[3])
            last["thrust"] = float(buffer[4])
            return out

        f.last = last  # type: ignore[attr-defined]
        return f
