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
   The right-hand side and the re-entry function run compiled (numba) by default, with the
   NumPy version of the same equations kept as the reference (``compiled=False``), as in
   `cosmodrome.orbits.numerical`; the two give decay dates within 0.01 day of each other
   (tests/orbits/test_lifetime.py) and bench/bench_numerical.py times both.

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
from numba import njit
from scipy.integrate import solve_ivp

from ..earth.constants import (WGS84_ECCENTRICITY_SQUARED, WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M,
                               WGS84_ROTATION_RATE_RAD_S)
from ..earth.density import (DensityModel, SpaceWeather, annual_density_table, density_kg_m3)
from ..earth.geodesy import ecef_to_geodetic
from ..earth.zonal import EGM2008_EQUATORIAL_RADIUS_M, EGM2008_GM_M3_S2, zonal_coefficients
from ..errors import InvalidInputError, SolverError
from ..frames import Frame
from ..time import Time
from .numerical import (_P_A_WGS84, _P_DENS_DT, _P_DENS_PERIOD, _P_DENS_T0, _P_E2, _P_ERA, _P_ERA_RATE,
                        _P_H_MIN, _P_H_STEP, _P_LAT_STEP, _P_LIGHT, _P_LST_STEP, _P_SPHERE, _P_UT_H,
                        DEFAULT_REENTRY_HEIGHT_M, ERA_RATE_RAD_S, EarthShape, ForceModel,
                        NumericalPropagator, Spacecraft, Tolerances, _nb_density, _nb_geodetic)
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


# ---------------------------------------------------------------------------------------------
# Compiled twin of _MeanElementModel (numba): the same equations on scalars, one node at a time.
# The density interpolation and the height and latitude are numerical.py's compiled kernels
# (_nb_density; _nb_geodetic with the pole on the z axis, where it reduces to the frame of the
# mean elements), read through numerical.py's packed parameter slots, so that there is one
# compiled copy of each. _MeanElementModel stays the reference (``compiled=False``).
# ---------------------------------------------------------------------------------------------

# Slots of the lifetime's own constants (see _CompiledMeanElementModel).
_C_MU, _C_RADIUS, _C_J2, _C_BALLISTIC, _C_OMEGA, _C_REENTRY = 0, 1, 2, 3, 4, 5


@njit(cache=True)
def _nb_perifocal(x):
    """(e, sqrt(1 - e^2), P, Q) of mean elements x: the unit vectors towards perigee (P) and 90 deg
    ahead of it (Q), as in _MeanElementModel.nodes."""
    ex, ey, inc, raan = x[1], x[2], x[3], x[4]
    e = math.hypot(ex, ey)
    argp = math.atan2(ey, ex)
    co, so, ci, si = math.cos(raan), math.sin(raan), math.cos(inc), math.sin(inc)
    cw, sw = math.cos(argp), math.sin(argp)
    beta = math.sqrt(max(1.0 - e * e, 0.0))
    return (e, beta, co * cw - so * sw * ci, so * cw + co * sw * ci, sw * si,
            -co * sw - so * cw * ci, -so * sw + co * cw * ci, cw * si)


@njit(cache=True)
def _nb_radial_offset(x, e, consts):
    """_MeanElementModel.radial_offset_m: mean minus Keplerian radius (Kozai 1959)."""
    radius = consts[_C_RADIUS]
    p = x[0] * (1.0 - e * e)
    si = math.sin(x[3])
    return -1.5 * consts[_C_J2] * radius * radius / p * (1.0 - 1.5 * si * si)


@njit(cache=True)
def _nb_mean_element_rates(t, x, consts, cos_e, sin_e, params, lt):
    """d/dt (a, ex, ey, i, raan): the equations of _MeanElementModel.rates, on scalars."""
    out = np.zeros(5)
    a = x[0]
    if not a > 0.0:
        return out
    ex, ey, inc, raan = x[1], x[2], x[3], x[4]
    mu = consts[_C_MU]
    radius = consts[_C_RADIUS]
    j2 = consts[_C_J2]
    ballistic = consts[_C_BALLISTIC]
    omega = consts[_C_OMEGA]
    e, beta, px, py, pz, qx, qy, qz = _nb_perifocal(x)
    offset = _nb_radial_offset(x, e, consts)
    sqrt_mu_a = math.sqrt(mu * a)
    n_nodes = cos_e.shape[0]
    da = 0.0
    dex3, dey3, dez3 = 0.0, 0.0, 0.0   # d(eccentricity vector)/dt * mu
    dhx, dhy, dhz = 0.0, 0.0, 0.0      # d(angular momentum)/dt
    h0x, h0y, h0z = 0.0, 0.0, 0.0
    for k in range(n_nodes):
        ce, se = cos_e[k], sin_e[k]
        ra, rb = a * (ce - e), a * beta * se
        rx, ry, rz = ra * px + rb * qx, ra * py + rb * qy, ra * pz + rb * qz
        factor = sqrt_mu_a / (a * (1.0 - e * ce))
        va, vb = -factor * se, factor * beta * ce
        vx, vy, vz = va * px + vb * qx, va * py + vb * qy, va * pz + vb * qz
        scale = 1.0 + offset / math.sqrt(rx * rx + ry * ry + rz * rz)
        h, lat, lon = _nb_geodetic(t, rx * scale, ry * scale, rz * scale, 0.0, 0.0, 1.0, params)
        lst_h = params[_P_UT_H] + t / 3600.0 + lon * 12.0 / math.pi
        rho = _nb_density(t, h, lat, lst_h, params, lt)
        wx, wy, wz = vx + omega * ry, vy - omega * rx, vz
        g = -0.5 * rho * ballistic * math.sqrt(wx * wx + wy * wy + wz * wz)
        fx, fy, fz = g * wx, g * wy, g * wz
        weight = (1.0 - e * ce) / n_nodes
        fv = fx * vx + fy * vy + fz * vz
        fr = fx * rx + fy * ry + fz * rz
        rv = rx * vx + ry * vy + rz * vz
        da += weight * fv
        dex3 += weight * (2.0 * fv * rx - fr * vx - rv * fx)
        dey3 += weight * (2.0 * fv * ry - fr * vy - rv * fy)
        dez3 += weight * (2.0 * fv * rz - fr * vz - rv * fz)
        dhx += weight * (ry * fz - rz * fy)
        dhy += weight * (rz * fx - rx * fz)
        dhz += weight * (rx * fy - ry * fx)
        if k == 0:
            h0x, h0y, h0z = ry * vz - rz * vy, rz * vx - rx * vz, rx * vy - ry * vx
    da *= 2.0 * a * a / mu
    dex3, dey3, dez3 = dex3 / mu, dey3 / mu, dez3 / mu
    hn = math.sqrt(h0x * h0x + h0y * h0y + h0z * h0z)
    hhx, hhy, hhz = h0x / hn, h0y / hn, h0z / hn
    nx, ny = math.cos(raan), math.sin(raan)            # node axis (z component 0)
    ahx, ahy, ahz = -hhz * ny, hhz * nx, hhx * ny - hhy * nx   # h_hat x node
    sin_i, cos_i = math.sin(inc), math.cos(inc)
    d_cos_i = (dhz - hhz * (hhx * dhx + hhy * dhy + hhz * dhz)) / hn
    di = -d_cos_i / sin_i if sin_i > 1e-9 else 0.0
    hxy2 = h0x * h0x + h0y * h0y
    draan = (h0x * dhy - h0y * dhx) / hxy2 if hxy2 > 0 else 0.0
    # J2 secular rates (Vallado 2013, eqs. 9-41, 9-42).
    p = a * (1.0 - e * e)
    k2 = math.sqrt(mu / (a * a * a)) * j2 * (radius / p) ** 2
    draan += -1.5 * k2 * cos_i
    dargp = 0.75 * k2 * (5.0 * cos_i * cos_i - 1.0)
    out[0] = da
    out[1] = dex3 * nx + dey3 * ny - ey * dargp
    out[2] = dex3 * ahx + dey3 * ahy + dez3 * ahz + ex * dargp
    out[3] = di
    out[4] = draan
    return out


@njit(cache=True)
def _nb_lowest_point(t, x, consts, cos_e, sin_e, params, lt):
    """_MeanElementModel.lowest_point: lowest height over the nodes minus the re-entry height."""
    a = x[0]
    if not a > 0.0:
        return -consts[_C_REENTRY]
    e, beta, px, py, pz, qx, qy, qz = _nb_perifocal(x)
    offset = _nb_radial_offset(x, e, consts)
    lowest = math.inf
    for k in range(cos_e.shape[0]):
        ra, rb = a * (cos_e[k] - e), a * beta * sin_e[k]
        rx, ry, rz = ra * px + rb * qx, ra * py + rb * qy, ra * pz + rb * qz
        scale = 1.0 + offset / math.sqrt(rx * rx + ry * ry + rz * rz)
        h, _, _ = _nb_geodetic(t, rx * scale, ry * scale, rz * scale, 0.0, 0.0, 1.0, params)
        lowest = min(lowest, h)
    return lowest - consts[_C_REENTRY]


class _CompiledMeanElementModel(_MeanElementModel):
    """_MeanElementModel with `rates` and `lowest_point` compiled (numba); the constants are the
    reference's own, packed into float arrays for the kernels."""

    def __init__(self, *args):
        super().__init__(*args)
        table = self.table
        params = np.zeros(_P_LIGHT + 1)   # numerical.py's slots; only those the kernels read are set
        params[_P_DENS_T0] = table.time_start_s
        params[_P_DENS_DT] = table.time_step_s
        params[_P_DENS_PERIOD] = table.time_period_s
        params[_P_LST_STEP] = table.local_time_step_h
        params[_P_LAT_STEP] = table.latitude_step_rad
        params[_P_H_MIN] = table.height_min_m
        params[_P_H_STEP] = table.height_step_m
        params[_P_UT_H] = self.ut_h
        params[_P_ERA] = self.era
        params[_P_ERA_RATE] = ERA_RATE_RAD_S
        params[_P_SPHERE] = 1.0 if self.sphere else 0.0
        params[_P_A_WGS84] = WGS84_EQUATORIAL_RADIUS_M
        params[_P_E2] = WGS84_ECCENTRICITY_SQUARED
        consts = np.zeros(6)
        consts[_C_MU] = _MU
        consts[_C_RADIUS] = _R
        consts[_C_J2] = self.j2
        consts[_C_BALLISTIC] = self.ballistic
        consts[_C_OMEGA] = WGS84_ROTATION_RATE_RAD_S
        consts[_C_REENTRY] = self.reentry_height_m
        self._packed = (consts, self.cos_e, self.sin_e, params, table.log_density)

    def rates(self, t, x):
        return _nb_mean_element_rates(float(t), np.asarray(x, dtype=float), *self._packed)

    def lowest_point(self, t, x):
        return _nb_lowest_point(float(t), np.asarray(x, dtype=float), *self._packed)


def predict_lifetime(state: StateVector, spacecraft: Spacecraft, *,
                     space_weather: SpaceWeather | None = None,
                     density_model: DensityModel = DensityModel.NRLMSIS21,
                     max_duration_s: float = DEFAULT_MAX_DURATION_S,
                     reentry_height_m: float = DEFAULT_REENTRY_HEIGHT_M,
                     output_step_s: float = 86400.0, include_j2: bool = True,
                     earth_shape: EarthShape = EarthShape.ELLIPSOID,
                     start_from_osculating: bool = False, compiled: bool = True) -> OrbitLifetime:
    """Predicted decay of a satellite under drag, by orbit-averaged integration (module docstring).

    ``state``: GCRS `StateVector` (its epoch starts the run); ``spacecraft``: mass, drag area and
    coefficient; ``space_weather``: constant activity (default ECSS moderate: 140 sfu, Ap 15);
    ``density_model``: NRLMSIS 2.1 (default) or US 1976; ``max_duration_s``: give up after this
    (default 25 years); ``reentry_height_m``: decay when the orbit's lowest point reaches it;
    ``output_step_s``: spacing of the mean-element history; ``include_j2``: J2 secular drift of
    the node and perigee (default True); ``earth_shape``: heights above the WGS-84 ellipsoid or a
    sphere; ``start_from_osculating``: take the state's osculating elements as the mean ones
    (for textbook cases stated in osculating elements without J2); ``compiled``: evaluate the
    mean-element equations with the numba kernels (default; about 5 times faster) or, with False,
    the NumPy reference they are tested against (decay dates within 0.01 day,
    tests/orbits/test_lifetime.py).
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
    model_class = _CompiledMeanElementModel if compiled else _MeanElementModel
    model = model_class(spacecraft, table, state.epoch, float(reentry_height_m), earth_shape, include_j2)

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
