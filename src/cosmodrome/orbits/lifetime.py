"""Orbit lifetime under atmospheric drag: decay date and mean elements over time.

Method: orbit-averaged (mean-element) integration, the approach of King-Hele (1987), "Satellite
Orbits in an Atmosphere", and of the semi-analytic tools that ISO 27852 lists.

1. Mean elements at the start: the osculating elements of the given state, propagated with
   `NumericalPropagator` (J2 only) over one orbit centred on the epoch and averaged in time
   (the short-period terms of J2 average to zero to first order; Brouwer (1959), Astron. J. 64,
   378). The elements are taken about the celestial intermediate pole of the epoch (z axis) with
   the x axis on the GCRS x axis projected onto that equator.
2. Mean-element equations for (a, e cos w, e sin w, i, raan), with
   - J2 secular rates of raan and w (Vallado (2013), Fundamentals of Astrodynamics and
     Applications, 4th ed., eqs. 9-41 and 9-42): raan' = -3/2 n J2 (R/p)^2 cos i,
     w' = 3/4 n J2 (R/p)^2 (5 cos^2 i - 1);
   - drag, orbit-averaged: the drag acceleration f = -1/2 rho (Cd A/m) |v_rel| v_rel
     (air co-rotating with the Earth) is evaluated at 64 points equally spaced in eccentric
     anomaly (trapezoidal rule, spectrally accurate for this periodic integrand) and fed to the
     vector forms of Gauss's equations: da/dt = 2 a^2 (v . f)/mu (energy),
     de/dt = [2 (f . v) r - (f . r) v - (r . v) f]/mu (eccentricity vector), dh/dt = r x f
     (angular momentum, giving i and raan); each averaged over the mean anomaly with weight
     (1 - e cos E). Density: `cosmodrome.earth.density` at each point's height, geodetic latitude
     and local solar time (the Earth's rotation angle from ERFA at the epoch, advanced at its
     constant rate). The height is taken at the mean radius, which differs from the Keplerian
     radius of the mean elements by -3/2 J2 R^2/p (1 - 3/2 sin^2 i) (Kozai 1959; -10 km for an
     equatorial orbit at 260 km): without it a 260 km lifetime came out 3 % longer than Cowell's.
3. SciPy's RK45 on those equations (relative tolerance 1e-6), ended by a terminal event when
   the lowest point of the orbit (over the 64 points) reaches ``reentry_height_m`` (100 km):
   that instant is the predicted decay. Below about 150 km the orbit loses several kilometres per
   revolution and the averaging is coarse, but the last hours do not change a lifetime of days
   or more.

Solar activity: constant over the run (`SpaceWeather`; default ECSS-E-ST-10-04C moderate,
F10.7 = F10.7avg = 140 sfu, Ap = 15), so NRLMSIS 2.1 is tabulated over one year (12 tables) and
repeated. Real lifetimes depend on the solar cycle: a constant mean level is a planning
assumption, and drag-based lifetimes are uncertain by tens of percent (density model 10-20 %,
solar forecast and attitude-dependent area more).
Left out: J3 and higher (the long-period perigee oscillation of eccentric orbits), lunisolar
gravity and radiation pressure (they matter for highly eccentric orbits), lift.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import erfa
import numpy as np
from scipy.integrate import solve_ivp

from ..earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M, WGS84_ROTATION_RATE_RAD_S
from ..earth.density import (DensityModel, SpaceWeather, annual_density_table, density_kg_m3)
from ..earth.geodesy import ecef_to_geodetic
from ..earth.zonal import EGM2008_EQUATORIAL_RADIUS_M, EGM2008_GM_M3_S2, zonal_coefficients
from ..errors import InvalidInputError, SolverError
from ..frames import Frame
from ..time import Time
from .numerical import (DEFAULT_REENTRY_HEIGHT_M, ERA_RATE_RAD_S, EarthShape, ForceModel,
                        NumericalPropagator, Spacecraft, Tolerances)
from .records import StateVector

DEFAULT_MAX_DURATION_S = 25.0 * 365.25 * 86400.0
_NODES = 64
_MU = EGM2008_GM_M3_S2
_J2 = float(zonal_coefficients(2)[2])
_R = EGM2008_EQUATORIAL_RADIUS_M


@dataclass(frozen=True, eq=False)
class MeanElementHistory:
    """Mean elements against time (one row per output time).

    ``times`` (n,); ``semi_major_axis_m``, ``eccentricity``, ``inclination_deg``, ``raan_deg``,
    ``argument_of_perigee_deg`` (n,), about the celestial intermediate pole of the start epoch;
    ``mean_altitude_m`` = a - R, ``perigee_altitude_m`` = a (1 - e) - R, ``apogee_altitude_m`` =
    a (1 + e) - R with R the WGS-84 equatorial radius (the altitude convention of
    docs/definitions.md). Arrays are read-only.
    """

    times: Time
    semi_major_axis_m: np.ndarray
    eccentricity: np.ndarray
    inclination_deg: np.ndarray
    raan_deg: np.ndarray
    argument_of_perigee_deg: np.ndarray

    def __post_init__(self):
        for name in ("semi_major_axis_m", "eccentricity", "inclination_deg", "raan_deg",
                     "argument_of_perigee_deg"):
            value = np.array(getattr(self, name), dtype=float)
            value.setflags(write=False)
            object.__setattr__(self, name, value)

    @property
    def mean_altitude_m(self) -> np.ndarray:
        return self.semi_major_axis_m - WGS84_EQUATORIAL_RADIUS_M

    @property
    def perigee_altitude_m(self) -> np.ndarray:
        return self.semi_major_axis_m * (1.0 - self.eccentricity) - WGS84_EQUATORIAL_RADIUS_M

    @property
    def apogee_altitude_m(self) -> np.ndarray:
        return self.semi_major_axis_m * (1.0 + self.eccentricity) - WGS84_EQUATORIAL_RADIUS_M


@dataclass(frozen=True, eq=False)
class OrbitLifetime:
    """A predicted decay: ``decay_epoch`` (None if the satellite is still up after
    ``max_duration_s``), ``lifetime_s`` (inf then), the mean-element ``history``, and the
    assumptions it rests on."""

    epoch: Time
    decay_epoch: Time | None
    lifetime_s: float
    history: MeanElementHistory
    spacecraft: Spacecraft
    density_model: DensityModel
    space_weather: SpaceWeather | None
    reentry_height_m: float
    max_duration_s: float

    @property
    def is_decayed(self) -> bool:
        return self.decay_epoch is not None

    @property
    def lifetime_days(self) -> float:
        return self.lifetime_s / 86400.0


def _pole_frame(epoch: Time) -> np.ndarray:
    """Rows: x (GCRS x projected on the equator of date), y, z (celestial intermediate pole)."""
    x, y = erfa.xy06(*epoch.tt_jd)
    pole = np.array([float(x), float(y), math.sqrt(1.0 - float(x) ** 2 - float(y) ** 2)])
    e1 = np.array([1.0, 0.0, 0.0]) - pole[0] * pole
    e1 /= np.linalg.norm(e1)
    return np.stack([e1, np.cross(pole, e1), pole])


def _elements_of(r: np.ndarray, v: np.ndarray):
    """(a, ex, ey, i, raan) of states (..., 3) about z; ex, ey: eccentricity vector on the node
    axis and 90 deg ahead of it in the orbit plane."""
    rn = np.linalg.norm(r, axis=-1)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1)
    v2 = np.einsum("...i,...i->...", v, v)
    a = 1.0 / (2.0 / rn - v2 / _MU)
    e_vec = ((v2 - _MU / rn)[..., None] * r - np.einsum("...i,...i->...", r, v)[..., None] * v) / _MU
    inc = np.arccos(np.clip(h[..., 2] / hn, -1.0, 1.0))
    raan = np.arctan2(h[..., 0], -h[..., 1])
    node = np.stack([np.cos(raan), np.sin(raan), np.zeros_like(raan)], axis=-1)
    ahead = np.cross(h / hn[..., None], node)
    return (a, np.einsum("...i,...i->...", e_vec, node), np.einsum("...i,...i->...", e_vec, ahead),
            inc, raan)


def mean_elements(state: StateVector):
    """Mean (a_m, ex, ey, i_rad, raan_rad) of a GCRS state about the pole of its epoch: the
    osculating elements of a J2 propagation averaged over one orbit centred on the epoch."""
    if state.frame is not Frame.GCRS:
        raise InvalidInputError(f"lifetime: expected a GCRS state, got {state.frame.value}", field="frame")
    r0, v0 = state.position_m, state.velocity_m_s
    energy = 0.5 * float(v0 @ v0) - _MU / float(np.linalg.norm(r0))
    if energy >= 0.0:
        raise InvalidInputError(f"lifetime: the orbit is not bound (specific energy {energy:.6g} J/kg >= 0)",
                                field="velocity_m_s")
    a0 = -_MU / (2.0 * energy)
    period = 2.0 * math.pi * math.sqrt(a0 ** 3 / _MU)
    samples = 128
    offsets = period * ((np.arange(samples) + 0.5) / samples - 0.5)
    propagator = NumericalPropagator(state, force_model=ForceModel(zonal_degree=2, drag=False),
                                     tolerances=Tolerances.tight(), reentry_height_m=0.0)
    eph = propagator.propagate(state.epoch + offsets)
    if not eph.is_ok:
        raise InvalidInputError("lifetime: the orbit intersects the Earth within its first revolution",
                                field="position_m")
    rot = _pole_frame(state.epoch)
    a, ex, ey, inc, raan = _elements_of(eph.position_m[0] @ rot.T, eph.velocity_m_s[0] @ rot.T)
    raan = np.unwrap(raan)
    return float(a.mean()), float(ex.mean()), float(ey.mean()), float(inc.mean()), float(raan.mean())


class _MeanElementModel:
    """Right-hand side and re-entry function of the mean-element equations (module docstring)."""

    def __init__(self, spacecraft: Spacecraft, table, epoch: Time, reentry_height_m: float,
                 earth_shape: EarthShape, include_j2: bool):
        self.ballistic = spacecraft.drag_coefficient * spacecraft.drag_area_m2 / spacecraft.mass_kg
        self.table = table
        self.reentry_height_m = reentry_height_m
        self.sphere = earth_shape is EarthShape.SPHERE
        self.j2 = _J2 if include_j2 else 0.0
        utc1, utc2 = epoch.utc_jd
        self.ut_h = float(((utc1 - 0.5) % 1.0 + utc2 % 1.0) % 1.0 * 24.0)
        self.era = float(erfa.era00(*epoch.ut1_jd))
        ecc_anomaly = 2.0 * math.pi * np.arange(_NODES) / _NODES
        self.cos_e = np.cos(ecc_anomaly)
        self.sin_e = np.sin(ecc_anomaly)

    def nodes(self, x):
        a, ex, ey, inc, raan = x
        e = math.hypot(ex, ey)
        argp = math.atan2(ey, ex)
        co, so, ci, si = math.cos(raan), math.sin(raan), math.cos(inc), math.sin(inc)
        cw, sw = math.cos(argp), math.sin(argp)
        p_vec = np.array([co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si])
        q_vec = np.array([-co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si])
        beta = math.sqrt(max(1.0 - e * e, 0.0))
        r = (a * (self.cos_e - e))[:, None] * p_vec + (a * beta * self.sin_e)[:, None] * q_vec
        factor = math.sqrt(_MU * a) / (a * (1.0 - e * self.cos_e))
        v = (-factor * self.sin_e)[:, None] * p_vec + (factor * beta * self.cos_e)[:, None] * q_vec
        return r, v, e

    def radial_offset_m(self, x, e):
        """Mean radius minus the Keplerian radius of the mean elements, to first order in J2 for a
        near-circular orbit: -3/2 J2 R^2/p (1 - 3/2 sin^2 i) (Kozai (1959), Astron. J. 64, 367:
        the mean radius of a circular orbit about an oblate Earth; -10 km equatorial, +5 km
        polar at 260 km). Without it the density is read kilometres too high or low."""
        p = x[0] * (1.0 - e * e)
        return -1.5 * self.j2 * _R * _R / p * (1.0 - 1.5 * math.sin(x[3]) ** 2)

    def heights(self, r):
        rho = np.hypot(r[:, 0], r[:, 1])
        if self.sphere:
            return np.linalg.norm(r, axis=-1) - WGS84_EQUATORIAL_RADIUS_M, np.arctan2(r[:, 2], rho)
        lat, _, h = ecef_to_geodetic(np.stack([rho, np.zeros_like(rho), r[:, 2]], axis=-1))
        return h, lat

    def rates(self, t, x):
        a, ex, ey, inc, raan = x
        if not a > 0.0:
            return np.zeros(5)
        r, v, e = self.nodes(x)
        rn = np.linalg.norm(r, axis=-1)
        h, lat = self.heights(r * (1.0 + self.radial_offset_m(x, e) / rn)[:, None])
        lon = np.arctan2(r[:, 1], r[:, 0]) - (self.era + ERA_RATE_RAD_S * t)
        lst_h = self.ut_h + t / 3600.0 + lon * 12.0 / math.pi
        rho = density_kg_m3(self.table, t, h, lat, lst_h)
        v_rel = v - WGS84_ROTATION_RATE_RAD_S * np.stack([-r[:, 1], r[:, 0], np.zeros(_NODES)], axis=-1)
        f = -0.5 * (rho * self.ballistic * np.linalg.norm(v_rel, axis=-1))[:, None] * v_rel
        weight = (1.0 - e * self.cos_e) / _NODES
        fv = np.einsum("ki,ki->k", f, v)
        fr = np.einsum("ki,ki->k", f, r)
        rv = np.einsum("ki,ki->k", r, v)
        da = 2.0 * a * a / _MU * np.sum(weight * fv)
        de_vec = (weight[:, None] * (2.0 * fv[:, None] * r - fr[:, None] * v - rv[:, None] * f)).sum(0) / _MU
        dh = (weight[:, None] * np.cross(r, f)).sum(0)
        h_vec = np.cross(r[0], v[0])
        hn = np.linalg.norm(h_vec)
        h_hat = h_vec / hn
        node = np.array([math.cos(raan), math.sin(raan), 0.0])
        ahead = np.cross(h_hat, node)
        sin_i = math.sin(inc)
        d_cos_i = (dh[2] - h_hat[2] * (h_hat @ dh)) / hn
        di = -d_cos_i / sin_i if sin_i > 1e-9 else 0.0
        hxy2 = h_vec[0] ** 2 + h_vec[1] ** 2
        draan = (h_vec[0] * dh[1] - h_vec[1] * dh[0]) / hxy2 if hxy2 > 0 else 0.0
        # J2 secular rates (Vallado 2013, eqs. 9-41, 9-42).
        p = a * (1.0 - e * e)
        n = math.sqrt(_MU / a ** 3)
        k = n * self.j2 * (_R / p) ** 2
        draan += -1.5 * k * math.cos(inc)
        dargp = 0.75 * k * (5.0 * math.cos(inc) ** 2 - 1.0)
        dex = de_vec @ node - ey * dargp
        dey = de_vec @ ahead + ex * dargp
        return np.array([da, dex, dey, di, draan])

    def lowest_point(self, t, x):
        if not x[0] > 0.0:
            return -self.reentry_height_m
        r, _, e = self.nodes(x)
        rn = np.linalg.norm(r, axis=-1)
        h, _ = self.heights(r * (1.0 + self.radial_offset_m(x, e) / rn)[:, None])
        return float(h.min()) - self.reentry_height_m


def predict_lifetime(state: StateVector, spacecraft: Spacecraft, *,
                     space_weather: SpaceWeather | None = None,
                     density_model: DensityModel = DensityModel.NRLMSIS21,
                     max_duration_s: float = DEFAULT_MAX_DURATION_S,
                     reentry_height_m: float = DEFAULT_REENTRY_HEIGHT_M,
                     output_step_s: float = 86400.0, include_j2: bool = True,
                     earth_shape: EarthShape = EarthShape.ELLIPSOID,
                     start_from_osculating: bool = False) -> OrbitLifetime:
    """Predicted decay of a satellite under drag, by orbit-averaged integration (module docstring).

    ``state``: GCRS `StateVector` (its epoch starts the run); ``spacecraft``: mass, drag area and
    coefficient; ``space_weather``: constant activity (default ECSS moderate: 140 sfu, Ap 15);
    ``density_model``: NRLMSIS 2.1 (default) or US 1976; ``max_duration_s``: give up after this
    (default 25 years); ``reentry_height_m``: decay when the orbit's lowest point reaches it;
    ``output_step_s``: spacing of the mean-element history; ``include_j2``: J2 secular drift of
    the node and perigee (default True); ``earth_shape``: heights above the WGS-84 ellipsoid or a
    sphere; ``start_from_osculating``: take the state's osculating elements as the mean ones
    (for textbook cases stated in osculating elements without J2).
    Raises InvalidInputError for bad input, SolverError if the integrator fails.
    """
    if not isinstance(spacecraft, Spacecraft):
        raise InvalidInputError(f"lifetime: expected a Spacecraft, got {spacecraft!r}", field="spacecraft")
    if spacecraft.drag_area_m2 * spacecraft.drag_coefficient <= 0.0:
        raise InvalidInputError("lifetime: a drag area and coefficient of zero feel no drag", field="drag_area_m2")
    for name, value in (("max_duration_s", max_duration_s), ("output_step_s", output_step_s)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise InvalidInputError(f"lifetime: expected a positive number of seconds, got {value!r}", field=name)
    density_model = DensityModel(density_model)
    earth_shape = EarthShape(earth_shape)
    weather = (space_weather if space_weather is not None else SpaceWeather()) \
        if density_model is DensityModel.NRLMSIS21 else None
    if start_from_osculating:
        if state.frame is not Frame.GCRS:
            raise InvalidInputError(f"lifetime: expected a GCRS state, got {state.frame.value}", field="frame")
        rot = _pole_frame(state.epoch)
        x0 = np.array([float(q) for q in _elements_of(rot @ state.position_m, rot @ state.velocity_m_s)])
    else:
        x0 = np.array(mean_elements(state))
    apogee_height = x0[0] * (1.0 + math.hypot(x0[1], x0[2])) - WGS84_POLAR_RADIUS_M + 50e3
    table = annual_density_table(density_model, state.epoch, space_weather=weather,
                                 height_max_m=apogee_height)
    model = _MeanElementModel(spacecraft, table, state.epoch, float(reentry_height_m), earth_shape, include_j2)

    def event(t, x):
        return model.lowest_point(t, x)
    event.terminal = True
    event.direction = -1.0

    if event(0.0, x0) <= 0.0:
        decay_s = 0.0
        t_out = np.array([0.0])
        x_out = x0[None, :]
    else:
        # RK45 rather than DOP853: the averaged rates are only piecewise smooth (the density table
        # is multilinear), where a lower order wastes fewer evaluations; rtol 1e-6 moves the
        # lifetimes of tests/orbits/test_lifetime.py by less than 1e-5 of themselves against
        # DOP853 at 1e-8, for a quarter of the cost.
        solution = solve_ivp(model.rates, (0.0, float(max_duration_s)), x0, method="RK45",
                             rtol=1e-6, atol=[1e-3, 1e-10, 1e-10, 1e-11, 1e-11], dense_output=True,
                             events=event)
        if solution.status < 0:
            raise SolverError(f"lifetime: the mean-element integration failed: {solution.message}")
        decay_s = float(solution.t_events[0][0]) if solution.status == 1 else None
        end = decay_s if decay_s is not None else float(max_duration_s)
        t_out = np.arange(0.0, end, float(output_step_s))
        t_out = np.append(t_out, end) if t_out[-1] < end else t_out
        x_out = solution.sol(t_out).T
    e = np.hypot(x_out[:, 1], x_out[:, 2])
    history = MeanElementHistory(
        times=state.epoch + t_out, semi_major_axis_m=x_out[:, 0], eccentricity=e,
        inclination_deg=np.degrees(x_out[:, 3]), raan_deg=np.degrees(np.mod(x_out[:, 4], 2 * math.pi)),
        argument_of_perigee_deg=np.degrees(np.mod(np.arctan2(x_out[:, 2], x_out[:, 1]), 2 * math.pi)))
    return OrbitLifetime(
        epoch=state.epoch, decay_epoch=None if decay_s is None else state.epoch + decay_s,
        lifetime_s=math.inf if decay_s is None else decay_s, history=history, spacecraft=spacecraft,
        density_model=density_model, space_weather=weather, reentry_height_m=float(reentry_height_m),
        max_duration_s=float(max_duration_s))


__all__ = ["MeanElementHistory", "OrbitLifetime", "mean_elements", "predict_lifetime"]
