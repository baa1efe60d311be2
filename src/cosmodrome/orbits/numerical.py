"""Numerical (Cowell) orbit propagation in GCRS: zonal gravity, drag, Sun, Moon, radiation pressure.

Cowell's method: the Cartesian equations of motion r'' = a(t, r, r') are integrated directly.
Frame: GCRS, treated as inertial (its slow rotation with respect to the BCRS axes, geodesic
precession of ~1.9 arcsec per century, is far below the force-model errors). Time: seconds of TAI (= SI
seconds) from a reference instant.

Forces (each one a switch of `ForceModel`):
- Earth gravity: point mass plus the zonal terms J2..Jn, n <= 8, of EGM2008 with its own GM and
  radius (`cosmodrome.earth.zonal`). The zonal field is symmetric about the Earth's rotation axis,
  so only the axis is needed, not the Earth's rotation angle: the axis is the celestial
  intermediate pole of IAU 2006/2000A (ERFA ``xy06``), sampled every half day and interpolated
  linearly (`PoleModel.IAU2006`), or the GCRS z axis (`PoleModel.GCRS_Z`, for idealised tests;
  in 2026 the two differ by ~0.14 deg, which moves the J2 acceleration by ~2e-5 m/s^2).
  Polar motion (the ITRS pole is ~0.3" from the CIP) is left out.
- Atmospheric drag: a = -1/2 rho (Cd A / m) |v_rel| v_rel, with v_rel = v - omega_E p x r, the air
  co-rotating with the Earth about the pole p at the WGS-84 rate. Density from
  `cosmodrome.earth.density` (NRLMSIS 2.1 with the given space weather, tabulated once per run,
  or US 1976), at the height and geodetic latitude above the WGS-84 ellipsoid (one Bowring step,
  within 1e-6 m; or above a sphere of the equatorial radius, `EarthShape.SPHERE`, for textbook
  comparisons) and at the local solar time UT + longitude/15 that MSIS defines. The longitude is
  the satellite's right ascension about the pole, counted from the GCRS x axis (within 0.1" of
  the celestial intermediate origin), minus the Earth rotation angle (ERFA ``era00`` at the
  reference instant, advanced at its constant rate): the simple Earth rotation model the drag
  needs, exact to the UT1 of the time scale.
- Sun and Moon as third bodies: a = GM_b [(s - r)/|s - r|^3 - s/|s|^3] (Montenbruck and Gill (2000),
  Satellite Orbits, eq. 3.37), with positions from `cosmodrome.ephemeris`, sampled hourly and
  interpolated by a cubic spline (error < 1 cm for the Moon). GM from the JPL DE430 ephemeris
  (Folkner et al. (2014), IPN Progress Report 42-196, table 8).
- Solar radiation pressure, cannonball: a = -nu P Cr (A/m) (AU/d)^2 d_hat, with d the vector from
  the satellite to the Sun, P = 4.56e-6 N/m^2 at 1 AU (Montenbruck and Gill section 3.4) and the
  sunlit fraction nu of a conical shadow (penumbra and umbra, Montenbruck and Gill section 3.4.2,
  spherical Earth of the WGS-84 equatorial radius), a cylindrical shadow, or none (`ShadowModel`).
  Shadow boundaries are events: the run restarts at each with the new lighting, so that no
  integration step straddles the switch (see `NumericalPropagator._integrate_direction`).

Integrator: SciPy's DOP853 (Dormand and Prince's explicit Runge-Kutta 8(5,3), Hairer, Norsett and
Wanner (1993), Solving Ordinary Differential Equations I, section II.10) through ``solve_ivp``
with its 7th-order dense output at the requested times. Its per-step overhead (~40 us) is not
what limits speed; the force model is, so that runs compiled (numba) by default, with the NumPy
version of the same equations kept as the reference (``compiled=False``).
Re-entry: a terminal event when the height above the ellipsoid falls to ``reentry_height_m``
(100 km by default); rows after it hold NaN and `Status.DECAYED`, and the other satellites go on.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from enum import Enum

import erfa
import numpy as np
from numba import njit
from scipy.integrate import solve_ivp
from scipy.interpolate import CubicSpline

from ..earth.constants import (WGS84_ECCENTRICITY_SQUARED, WGS84_EQUATORIAL_RADIUS_M, WGS84_FLATTENING,
                               WGS84_ROTATION_RATE_RAD_S)
from ..earth.density import (DensityModel, DensityTable, SpaceWeather, density_kg_m3,
                             density_table)
from ..earth.geodesy import ecef_to_geodetic
from ..earth.zonal import (EGM2008_EQUATORIAL_RADIUS_M, EGM2008_GM_M3_S2, zonal_acceleration_m_s2,
                           zonal_coefficients, zonal_potential_m2_s2)
from ..ephemeris import moon_position_gcrs_m, sun_position_gcrs_m
from ..errors import InvalidInputError
from ..frames import Frame
from ..time import Time
from .propagator import Ephemeris, Status, empty_ephemeris_arrays, time_vector
from .records import StateVector

GM_SUN_M3_S2 = 1.32712440041939e20    # DE430, Folkner et al. (2014) table 8
GM_MOON_M3_S2 = 4.902800066e12         # DE430, Folkner et al. (2014) table 8
ASTRONOMICAL_UNIT_M = 1.495978707e11   # IAU 2012 resolution B2
SOLAR_PRESSURE_1AU_N_M2 = 4.56e-6      # Montenbruck and Gill (2000) section 3.4
SUN_RADIUS_M = 6.96e8                  # Montenbruck and Gill (2000) section 3.4.2
ERA_RATE_RAD_S = 2.0 * math.pi * 1.00273781191135448 / 86400.0  # IERS Conventions 2010 eq. 5.15
DEFAULT_REENTRY_HEIGHT_M = 100e3
_POLE_STEP_S = 43200.0
_SUNLIT, _PENUMBRA, _UMBRA = 0, 1, 2
_BODY_STEP_S = 3600.0


class PoleModel(str, Enum):
    """Direction of the Earth's rotation axis for the zonal field and the co-rotating air."""

    IAU2006 = "iau2006"   # celestial intermediate pole of date (ERFA xy06), interpolated
    GCRS_Z = "gcrs_z"     # the GCRS z axis, fixed (idealised; for analytic checks)


class ShadowModel(str, Enum):
    """Earth shadow for solar radiation pressure."""

    NONE = "none"
    CYLINDRICAL = "cylindrical"
    CONICAL = "conical"


class EarthShape(str, Enum):
    """What heights (for density and re-entry) are measured from."""

    ELLIPSOID = "wgs84"   # height and geodetic latitude above the WGS-84 ellipsoid
    SPHERE = "sphere"     # |r| - WGS-84 equatorial radius and geocentric latitude (textbook cases)


@dataclass(frozen=True)
class Spacecraft:
    """What the non-gravitational forces need to know of a satellite.

    ``mass_kg``; ``drag_area_m2``: area facing the flow; ``drag_coefficient`` (default 2.2, the
    customary value for a compact satellite in free molecular flow, e.g. Montenbruck and Gill
    (2000) section 3.5);
    ``srp_area_m2``: area facing the Sun (default: the drag area); ``reflectivity_coefficient``
    Cr from 1 (absorbing) to 2 (mirror), default 1.3.
    """

    mass_kg: float
    drag_area_m2: float
    drag_coefficient: float = 2.2
    srp_area_m2: float | None = None
    reflectivity_coefficient: float = 1.3

    def __post_init__(self):
        for name in ("mass_kg", "drag_area_m2", "drag_coefficient"):
            _check_positive(getattr(self, name), name, "spacecraft", allow_zero=name != "mass_kg")
        if self.srp_area_m2 is not None:
            _check_positive(self.srp_area_m2, "srp_area_m2", "spacecraft", allow_zero=True)
        cr = self.reflectivity_coefficient
        if not (isinstance(cr, (int, float, np.floating)) and 0.0 <= cr <= 2.0):
            raise InvalidInputError(f"expected a number from 0 to 2, got {cr!r}", source="spacecraft",
                                    field="reflectivity_coefficient")

    @property
    def ballistic_coefficient_kg_m2(self) -> float:
        """m / (Cd A), kg/m^2 (infinite for a zero drag area)."""
        product = self.drag_coefficient * self.drag_area_m2
        return math.inf if product == 0 else self.mass_kg / product

    @property
    def area_for_srp_m2(self) -> float:
        return self.drag_area_m2 if self.srp_area_m2 is None else self.srp_area_m2


def _check_positive(value, name, owner, allow_zero=False):
    ok = isinstance(value, (int, float, np.floating, np.integer)) and math.isfinite(value) and \
        (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise InvalidInputError(f"expected a {'non-negative' if allow_zero else 'positive'} number, "
                                f"got {value!r}", source=owner, field=name)


@dataclass(frozen=True)
class ForceModel:
    """Which forces act; see the module docstring for each model and its source."""

    zonal_degree: int = 6
    drag: bool = True
    density_model: DensityModel = DensityModel.NRLMSIS21
    space_weather: SpaceWeather = field(default_factory=SpaceWeather)
    sun: bool = False
    moon: bool = False
    solar_radiation_pressure: bool = False
    shadow: ShadowModel = ShadowModel.CONICAL
    pole: PoleModel = PoleModel.IAU2006
    earth_shape: EarthShape = EarthShape.ELLIPSOID

    def __post_init__(self):
        zonal_coefficients(self.zonal_degree)  # raises for a bad degree
        for name, enum in (("density_model", DensityModel), ("shadow", ShadowModel),
                           ("pole", PoleModel), ("earth_shape", EarthShape)):
            value = getattr(self, name)
            try:
                object.__setattr__(self, name, enum(value))
            except ValueError:
                raise InvalidInputError(f"expected one of {', '.join(m.value for m in enum)}, got {value!r}",
                                        source="force model", field=name) from None
        if not isinstance(self.space_weather, SpaceWeather):
            raise InvalidInputError(f"expected a SpaceWeather, got {self.space_weather!r}",
                                    source="force model", field="space_weather")

    @classmethod
    def two_body(cls) -> "ForceModel":
        """Point-mass Earth only (EGM2008 GM)."""
        return cls(zonal_degree=0, drag=False)

    @classmethod
    def zonal_only(cls, degree: int = 6) -> "ForceModel":
        return cls(zonal_degree=degree, drag=False)


@dataclass(frozen=True)
class Tolerances:
    """Error control of the integrator: per step, error <= absolute + relative * |component|.

    Presets (errors measured in tests/orbits/test_numerical.py and docs/numerical-propagation.md):
    ``default()`` for everyday work, ``tight()``, and ``tightest()`` for validation (the relative
    tolerance is then near SciPy's floor of 100 machine epsilons).
    """

    relative: float = 1e-11
    absolute_position_m: float = 1e-6
    absolute_velocity_m_s: float = 1e-9
    max_step_s: float = math.inf

    def __post_init__(self):
        if not (isinstance(self.relative, (int, float)) and 2.2e-14 <= self.relative <= 1e-3):
            raise InvalidInputError(f"expected a number from 2.2e-14 (SciPy's floor) to 1e-3, got {self.relative!r}",
                                    source="tolerances", field="relative")
        for name in ("absolute_position_m", "absolute_velocity_m_s"):
            _check_positive(getattr(self, name), name, "tolerances")
        if not (isinstance(self.max_step_s, (int, float)) and self.max_step_s > 0):
            raise InvalidInputError(f"expected a positive number of seconds (or inf), got {self.max_step_s!r}",
                                    source="tolerances", field="max_step_s")

    @classmethod
    def default(cls) -> "Tolerances":
        return cls(1e-11, 1e-6, 1e-9)

    @classmethod
    def tight(cls) -> "Tolerances":
        return cls(1e-12, 1e-7, 1e-10)

    @classmethod
    def tightest(cls) -> "Tolerances":
        return cls(2.5e-14, 1e-9, 1e-12)


@dataclass(frozen=True, eq=False)
class NumericalRun:
    """What one `NumericalPropagator.run` gives: the ephemeris plus, per satellite, the re-entry
    epoch (None when it stayed up over the requested span) and the integrator's message."""

    ephemeris: Ephemeris
    reentry_epochs: tuple
    messages: tuple


# ---------------------------------------------------------------------------------------------
# Environment: everything time-dependent, sampled once per run (the kernels below only read it).
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class _Environment:
    reference: Time
    gm: float
    radius: float
    j: np.ndarray
    pole_t0: float
    pole_dt: float
    pole: np.ndarray            # (n, 3) unit vectors
    density: DensityTable | None
    ballistic: float            # Cd A / m, m^2/kg (0: no drag)
    srp_coefficient: float      # P Cr A/m AU^2, m^3/s^2 (0: no radiation pressure)
    shadow: ShadowModel
    sphere: bool
    ut_ref_h: float
    era_ref_rad: float
    sun: CubicSpline | None
    moon: CubicSpline | None
    third_sun: bool
    third_moon: bool


def _pole_samples(model: PoleModel, reference: Time, start_s: float, end_s: float):
    if model is PoleModel.GCRS_Z:
        return start_s, 1.0, np.array([[0.0, 0.0, 1.0]])
    count = max(2, int(math.ceil((end_s - start_s) / _POLE_STEP_S)) + 2)
    t = start_s + _POLE_STEP_S * (np.arange(count) - 0.5)
    tt1, tt2 = (reference + t).tt_jd
    x, y = erfa.xy06(tt1, tt2)
    pole = np.stack([x, y, np.sqrt(1.0 - x * x - y * y)], axis=-1)
    return float(t[0]), _POLE_STEP_S, np.ascontiguousarray(pole)


def _body_spline(function, reference: Time, start_s: float, end_s: float) -> CubicSpline:
    count = max(4, int(math.ceil((end_s - start_s) / _BODY_STEP_S)) + 3)
    t = start_s + _BODY_STEP_S * (np.arange(count) - 1.0)
    positions = np.asarray(function(reference + t), dtype=float).reshape(count, 3)
    return CubicSpline(t, positions, axis=0)


def _height_band_m(states, span_s: float):
    """Heights (m) the satellites of a run are expected to reach, for the density table: from the
    lowest perigee less 100 km plus 100 km per day of run, to the highest two-body apogee plus
    100 km for the periodic perturbations (the table's own limits, 80 and 1000 km, still apply).
    The lower margin is generous for ordinary satellites (a compact satellite at 300 km loses a
    few km a day; one low enough to fall faster is low enough for the 80 km floor); a very light
    one that falls below the band still gets a continuous density, extrapolated linearly in
    ln rho from the table's lowest cell, only less accurate. Heights are measured from the
    equatorial radius below and the polar radius above, so the band only errs wide."""
    top, bottom = 0.0, math.inf
    for state in states:
        r = float(np.linalg.norm(state.position_m))
        energy = 0.5 * float(state.velocity_m_s @ state.velocity_m_s) - EGM2008_GM_M3_S2 / r
        if energy >= 0.0:
            return 0.0, math.inf
        a = -EGM2008_GM_M3_S2 / (2.0 * energy)
        h = np.cross(state.position_m, state.velocity_m_s)
        e = math.sqrt(max(0.0, 1.0 - float(h @ h) / (EGM2008_GM_M3_S2 * a)))
        top = max(top, a * (1.0 + e))
        bottom = min(bottom, a * (1.0 - e))
    margin = 100e3 + 100e3 * abs(span_s) / 86400.0
    return (bottom - WGS84_EQUATORIAL_RADIUS_M - margin,
            top - WGS84_EQUATORIAL_RADIUS_M * (1.0 - WGS84_FLATTENING) + 100e3)


def _build_environment(force: ForceModel, spacecraft: Spacecraft | None, reference: Time,
                       start_s: float, end_s: float, shared: dict, states=()) -> _Environment:
    """The environment of one satellite; pieces that do not depend on the spacecraft are built
    once per run and kept in ``shared``."""
    if "pole" not in shared:
        shared["pole"] = _pole_samples(force.pole, reference, start_s, end_s)
        if force.drag:
            low, high = _height_band_m(states, end_s - start_s)
            shared["density"] = density_table(force.density_model, reference, start_s=start_s,
                                              end_s=end_s, space_weather=force.space_weather,
                                              height_min_m=low, height_max_m=high)
        need_sun = force.sun or force.solar_radiation_pressure
        if need_sun or force.moon:
            shared["sun"] = _body_spline(sun_position_gcrs_m, reference, start_s, end_s) if need_sun else None
            shared["moon"] = _body_spline(moon_position_gcrs_m, reference, start_s, end_s) if force.moon else None
        utc1, utc2 = reference.utc_jd
        shared["ut_h"] = float(((utc1 - 0.5) % 1.0 + utc2 % 1.0) % 1.0 * 24.0)
        shared["era"] = float(erfa.era00(*reference.ut1_jd))
    pole_t0, pole_dt, pole = shared["pole"]
    ballistic = 0.0
    srp = 0.0
    if spacecraft is not None:
        if force.drag:
            ballistic = spacecraft.drag_coefficient * spacecraft.drag_area_m2 / spacecraft.mass_kg
        if force.solar_radiation_pressure:
            srp = (SOLAR_PRESSURE_1AU_N_M2 * spacecraft.reflectivity_coefficient
                   * spacecraft.area_for_srp_m2 / spacecraft.mass_kg * ASTRONOMICAL_UNIT_M ** 2)
    return _Environment(
        reference=reference, gm=EGM2008_GM_M3_S2, radius=EGM2008_EQUATORIAL_RADIUS_M,
        j=zonal_coefficients(force.zonal_degree), pole_t0=pole_t0, pole_dt=pole_dt, pole=pole,
        density=shared.get("density") if ballistic > 0 else None, ballistic=ballistic,
        srp_coefficient=srp, shadow=force.shadow, sphere=force.earth_shape is EarthShape.SPHERE,
        ut_ref_h=shared["ut_h"], era_ref_rad=shared["era"], sun=shared.get("sun"),
        moon=shared.get("moon"), third_sun=force.sun, third_moon=force.moon)


# ---------------------------------------------------------------------------------------------
# Reference force model (NumPy kernels).
# ---------------------------------------------------------------------------------------------

def _pole_at(env: _Environment, t: float) -> np.ndarray:
    n = env.pole.shape[0]
    if n == 1:
        return env.pole[0]
    x = min(max((t - env.pole_t0) / env.pole_dt, 0.0), n - 1.0)
    i = min(int(math.floor(x)), n - 2)
    w = x - i
    return env.pole[i] * (1.0 - w) + env.pole[i + 1] * w


def _height_latitude_longitude(env: _Environment, t: float, r: np.ndarray, pole: np.ndarray):
    """Height (m), latitude (rad) and Earth-fixed longitude (rad) of GCRS position r."""
    z = float(r @ pole)
    e1 = np.array([1.0, 0.0, 0.0]) - pole[0] * pole
    e1 /= np.linalg.norm(e1)
    e2 = np.cross(pole, e1)
    x1, x2 = float(r @ e1), float(r @ e2)
    rho = math.hypot(x1, x2)
    longitude = math.atan2(x2, x1) - (env.era_ref_rad + ERA_RATE_RAD_S * t)
    if env.sphere:
        return math.sqrt(rho * rho + z * z) - WGS84_EQUATORIAL_RADIUS_M, math.atan2(z, rho), longitude
    lat, _, h = ecef_to_geodetic(np.array([rho, 0.0, z]))
    return float(h), float(lat), longitude


def _sunlit_fraction(shadow: ShadowModel, r: np.ndarray, s: np.ndarray) -> float:
    """Fraction of the Sun's disc seen from r (Montenbruck and Gill (2000) section 3.4.2)."""
    if shadow is ShadowModel.NONE:
        return 1.0
    if shadow is ShadowModel.CYLINDRICAL:
        s_hat = s / np.linalg.norm(s)
        along = float(r @ s_hat)
        if along >= 0.0:
            return 1.0
        return 0.0 if np.linalg.norm(r - along * s_hat) < WGS84_EQUATORIAL_RADIUS_M else 1.0
    d = s - r
    rn, dn = float(np.linalg.norm(r)), float(np.linalg.norm(d))
    a = math.asin(min(1.0, SUN_RADIUS_M / dn))
    b = math.asin(min(1.0, WGS84_EQUATORIAL_RADIUS_M / rn))
    c = math.acos(max(-1.0, min(1.0, -float(r @ d) / (rn * dn))))
    return _disc_fraction(a, b, c)


def _disc_fraction(a: float, b: float, c: float) -> float:
    """Visible fraction of a disc of apparent radius a occulted by one of radius b at separation c."""
    if c >= a + b:
        return 1.0
    if c <= b - a:
        return 0.0
    if c <= a - b:  # annular: the Earth inside the Sun's disc
        return 1.0 - (b * b) / (a * a)
    x = (c * c + a * a - b * b) / (2.0 * c)
    y = math.sqrt(max(a * a - x * x, 0.0))
    area = a * a * math.acos(max(-1.0, min(1.0, x / a))) + \
        b * b * math.acos(max(-1.0, min(1.0, (c - x) / b))) - c * y
    return 1.0 - area / (math.pi * a * a)


def _acceleration_reference(env: _Environment, t: float, r: np.ndarray, v: np.ndarray,
                            light: int = _SUNLIT) -> np.ndarray:
    """Total acceleration (m/s^2), GCRS, at t seconds from env.reference (NumPy kernels).

    ``light``: the lighting of the current segment (`_SUNLIT`, `_PENUMBRA`, `_UMBRA`); only in
    the penumbra is the sunlit fraction computed from the geometry (see _integrate_direction).
    """
    pole = _pole_at(env, t)
    acc = zonal_acceleration_m_s2(r, env.j, pole=pole, gm_m3_s2=env.gm, equatorial_radius_m=env.radius)
    if env.density is not None:
        h, lat, lon = _height_latitude_longitude(env, t, r, pole)
        lst_h = env.ut_ref_h + t / 3600.0 + lon * 12.0 / math.pi
        rho = float(density_kg_m3(env.density, t, h, lat, lst_h))
        v_rel = v - WGS84_ROTATION_RATE_RAD_S * np.cross(pole, r)
        acc = acc - 0.5 * rho * env.ballistic * np.linalg.norm(v_rel) * v_rel
    if env.third_sun or env.srp_coefficient > 0.0:
        s = env.sun(t)
        d = s - r
        dn = np.linalg.norm(d)
        if env.third_sun:
            acc = acc + GM_SUN_M3_S2 * (d / dn**3 - s / np.linalg.norm(s)**3)
        if env.srp_coefficient > 0.0:
            nu = 1.0 if light == _SUNLIT else 0.0 if light == _UMBRA else _sunlit_fraction(env.shadow, r, s)
            acc = acc - nu * env.srp_coefficient / dn**2 * (d / dn)
    if env.third_moon:
        m = env.moon(t)
        d = m - r
        acc = acc + GM_MOON_M3_S2 * (d / np.linalg.norm(d)**3 - m / np.linalg.norm(m)**3)
    return acc


def _reference_functions(env: _Environment, reentry_height_m: float):
    light = [_SUNLIT]

    def rhs(t, y):
        out = np.empty(6)
        out[:3] = y[3:]
        out[3:] = _acceleration_reference(env, t, y[:3], y[3:], light[0])
        return out

    def set_light(value):
        light[0] = value

    def lighting(t, y):
        return _lighting(_sunlit_fraction(env.shadow, y[:3], env.sun(t))) if env.srp_coefficient > 0 else _SUNLIT

    def height(t, y):
        return _height_latitude_longitude(env, t, y[:3], _pole_at(env, t))[0] - reentry_height_m

    def boundary(which):
        def margin(t, y):
            return _shadow_margins(env.shadow, y[:3], env.sun(t))[which]
        return margin

    return _Functions(rhs, height, _boundaries(env, boundary), set_light, lighting)


def _lighting(nu: float) -> int:
    return _SUNLIT if nu >= 1.0 else _UMBRA if nu <= 0.0 else _PENUMBRA


@dataclass(frozen=True)
class _Functions:
    """What the integration loop calls: derivative, re-entry function, shadow-boundary functions,
    the setter of the segment's lighting and the geometric lighting at a state."""

    rhs: object
    height: object
    boundaries: list
    set_light: object
    lighting: object


def _boundaries(env: _Environment, make) -> list:
    """Shadow-boundary functions (their roots are where radiation pressure switches)."""
    if env.srp_coefficient <= 0.0 or env.shadow is ShadowModel.NONE:
        return []
    return [make(0)] if env.shadow is ShadowModel.CYLINDRICAL else [make(0), make(1)]


def _shadow_margins(shadow: ShadowModel, r: np.ndarray, s: np.ndarray):
    """Continuous functions whose roots are the shadow boundaries. Conical: c - (a + b) (start
    of penumbra) and c - (b - a) (start of umbra), with a, b, c of _sunlit_fraction; cylindrical:
    the distance from the shadow axis minus the Earth's radius behind the Earth, |r| - R in front."""
    if shadow is ShadowModel.CYLINDRICAL:
        s_hat = s / np.linalg.norm(s)
        along = float(r @ s_hat)
        if along >= 0.0:
            return (float(np.linalg.norm(r)) - WGS84_EQUATORIAL_RADIUS_M,)
        return (float(np.linalg.norm(r - along * s_hat)) - WGS84_EQUATORIAL_RADIUS_M,)
    d = s - r
    rn, dn = float(np.linalg.norm(r)), float(np.linalg.norm(d))
    a = math.asin(min(1.0, SUN_RADIUS_M / dn))
    b = math.asin(min(1.0, WGS84_EQUATORIAL_RADIUS_M / rn))
    c = math.acos(max(-1.0, min(1.0, -float(r @ d) / (rn * dn))))
    return c - (a + b), c - (b - a)


# ---------------------------------------------------------------------------------------------
# Compiled twin of the force model (numba): same equations, scalar arithmetic.
# ---------------------------------------------------------------------------------------------

# Parameter slots of the packed float array (see _pack).
_P_GM, _P_RADIUS, _P_POLE_T0, _P_POLE_DT, _P_BALLISTIC, _P_OMEGA = 0, 1, 2, 3, 4, 5
_P_DENS_T0, _P_DENS_DT, _P_LST_STEP, _P_LAT_STEP, _P_H_MIN, _P_H_STEP = 6, 7, 8, 9, 10, 11
_P_UT_H, _P_ERA, _P_ERA_RATE, _P_SPHERE, _P_SUN, _P_MOON = 12, 13, 14, 15, 16, 17
_P_SRP, _P_SHADOW, _P_GM_SUN, _P_GM_MOON, _P_R_SHADOW, _P_R_SUN = 18, 19, 20, 21, 22, 23
_P_A_WGS84, _P_E2, _P_REENTRY, _P_DENS_PERIOD, _P_LIGHT = 24, 25, 26, 27, 28


@njit(cache=True)
def _nb_pole(t, params, pole):
    n = pole.shape[0]
    if n == 1:
        return pole[0, 0], pole[0, 1], pole[0, 2]
    x = min(max((t - params[_P_POLE_T0]) / params[_P_POLE_DT], 0.0), n - 1.0)
    i = min(int(math.floor(x)), n - 2)
    w = x - i
    return (pole[i, 0] * (1.0 - w) + pole[i + 1, 0] * w, pole[i, 1] * (1.0 - w) + pole[i + 1, 1] * w,
            pole[i, 2] * (1.0 - w) + pole[i + 1, 2] * w)


@njit(cache=True)
def _nb_geodetic(t, x, y, z, px, py, pz, params):
    """(height m, latitude rad, longitude rad): the same quantities as _height_latitude_longitude,
    height and latitude from one Bowring step as in earth.geodesy.ecef_to_geodetic_height."""
    zp = x * px + y * py + z * pz
    # e1: GCRS x axis projected on the equator of the pole; e2 = p x e1.
    e1x, e1y, e1z = 1.0 - px * px, -px * py, -px * pz
    norm = math.sqrt(e1x * e1x + e1y * e1y + e1z * e1z)
    e1x, e1y, e1z = e1x / norm, e1y / norm, e1z / norm
    e2x, e2y, e2z = py * e1z - pz * e1y, pz * e1x - px * e1z, px * e1y - py * e1x
    x1 = x * e1x + y * e1y + z * e1z
    x2 = x * e2x + y * e2y + z * e2z
    rho = math.sqrt(x1 * x1 + x2 * x2)
    longitude = math.atan2(x2, x1) - (params[_P_ERA] + params[_P_ERA_RATE] * t)
    if params[_P_SPHERE] != 0.0:
        return math.sqrt(rho * rho + zp * zp) - params[_P_A_WGS84], math.atan2(zp, rho), longitude
    a = params[_P_A_WGS84]
    e2 = params[_P_E2]
    b = a * math.sqrt(1.0 - e2)
    u = b * rho
    w = a * zp
    s = math.sqrt(u * u + w * w)
    cos_beta = u / s
    sin_beta = w / s
    num = zp + (e2 / (1.0 - e2) * b) * (sin_beta * sin_beta * sin_beta)
    den = rho - (e2 * a) * (cos_beta * cos_beta * cos_beta)
    height = (rho * den + zp * num - a * math.sqrt(den * den + (1.0 - e2) * num * num)) / \
        math.sqrt(den * den + num * num)
    return height, math.atan2(num, den), longitude


@njit(cache=True)
def _nb_cell(x, n, clamp):
    if n == 1:
        return 0, 0.0
    if clamp:
        x = min(max(x, 0.0), n - 1.0)
    i = int(math.floor(x))
    i = min(max(i, 0), n - 2)
    return i, x - i


@njit(cache=True)
def _nb_density(t, h, lat, lst_h, params, lt):
    """The multilinear ln-density interpolation of earth.density.density_kg_m3."""
    nt, nl, nb, nh = lt.shape
    xt = (t - params[_P_DENS_T0]) / params[_P_DENS_DT]
    if params[_P_DENS_PERIOD] > 0.0:
        xt = xt - (nt - 1.0) * math.floor(xt / (nt - 1.0))
    it, wt = _nb_cell(xt, nt, True)
    lst = lst_h - 24.0 * math.floor(lst_h / 24.0)
    il, wl = _nb_cell(lst / params[_P_LST_STEP], nl, True)
    ib, wb = _nb_cell((lat + 0.5 * math.pi) / params[_P_LAT_STEP], nb, True)
    ih, wh = _nb_cell(max((h - params[_P_H_MIN]) / params[_P_H_STEP], -params[_P_H_MIN] / params[_P_H_STEP]),
                      nh, False)
    total = 0.0
    for dt_ in range(2):
        ft = wt if dt_ else 1.0 - wt
        kt = min(it + dt_, nt - 1)
        for dl in range(2):
            fl = wl if dl else 1.0 - wl
            kl = min(il + dl, nl - 1)
            for db in range(2):
                fb = wb if db else 1.0 - wb
                kb = min(ib + db, nb - 1)
                for dh in range(2):
                    fh = wh if dh else 1.0 - wh
                    total += ft * fl * fb * fh * lt[kt, kl, kb, min(ih + dh, nh - 1)]
    return math.exp(total)


@njit(cache=True)
def _nb_spline(t, t0, dt, c):
    n = c.shape[1]
    i = int(math.floor((t - t0) / dt))
    i = min(max(i, 0), n - 1)
    s = t - (t0 + i * dt)
    return (((c[0, i, 0] * s + c[1, i, 0]) * s + c[2, i, 0]) * s + c[3, i, 0],
            ((c[0, i, 1] * s + c[1, i, 1]) * s + c[2, i, 1]) * s + c[3, i, 1],
            ((c[0, i, 2] * s + c[1, i, 2]) * s + c[2, i, 2]) * s + c[3, i, 2])


@njit(cache=True)
def _nb_third_body(x, y, z, sx, sy, sz, gm):
    dx, dy, dz = sx - x, sy - y, sz - z
    d3 = (dx * dx + dy * dy + dz * dz) ** 1.5
    s3 = (sx * sx + sy * sy + sz * sz) ** 1.5
    return gm * (dx / d3 - sx / s3), gm * (dy / d3 - sy / s3), gm * (dz / d3 - sz / s3)


@njit(cache=True)
def _nb_disc_fraction(a, b, c):
    if c >= a + b:
        return 1.0
    if c <= b - a:
        return 0.0
    if c <= a - b:
        return 1.0 - (b * b) / (a * a)
    x = (c * c + a * a - b * b) / (2.0 * c)
    y = math.sqrt(max(a * a - x * x, 0.0))
    area = a * a * math.acos(max(-1.0, min(1.0, x / a))) + \
        b * b * math.acos(max(-1.0, min(1.0, (c - x) / b))) - c * y
    return 1.0 - area / (math.pi * a * a)


@njit(cache=True)
def _nb_derivative(t, y, params, j, pole, lt, bodies, sun_c, moon_c):
    """d/dt (r, v) in GCRS: the equations of _acceleration_reference, on scalars."""
    x, yy, z = y[0], y[1], y[2]
    vx, vy, vz = y[3], y[4], y[5]
    px, py, pz = _nb_pole(t, params, pole)
    # Zonal gravity (earth.zonal.zonal_acceleration_m_s2).
    r2 = x * x + yy * yy + z * z
    r = math.sqrt(r2)
    u = (x * px + yy * py + z * pz) / r
    rr = params[_P_RADIUS] / r
    sum_radial = 0.0
    sum_polar = 0.0
    p_prev, p_n, dp_n = 1.0, u, 1.0
    ratio = rr
    for n in range(2, j.shape[0] + 1):
        p_next = ((2 * n - 1) * u * p_n - (n - 1) * p_prev) / n
        dp_next = u * dp_n + n * p_n
        if n - 1 >= 2:
            sum_radial += j[n - 1] * ratio * dp_next
            sum_polar += j[n - 1] * ratio * dp_n
        p_prev, p_n, dp_n = p_n, p_next, dp_next
        ratio *= rr
    mu_r2 = params[_P_GM] / r2
    radial = mu_r2 * (sum_radial - 1.0) / r
    ax = x * radial - px * mu_r2 * sum_polar
    ay = yy * radial - py * mu_r2 * sum_polar
    az = z * radial - pz * mu_r2 * sum_polar
    # Drag.
    if params[_P_BALLISTIC] > 0.0:
        h, lat, lon = _nb_geodetic(t, x, yy, z, px, py, pz, params)
        lst_h = params[_P_UT_H] + t / 3600.0 + lon * 12.0 / math.pi
        rho = _nb_density(t, h, lat, lst_h, params, lt)
        w = params[_P_OMEGA]
        rx = vx - w * (py * z - pz * yy)
        ry = vy - w * (pz * x - px * z)
        rz = vz - w * (px * yy - py * x)
        k = -0.5 * rho * params[_P_BALLISTIC] * math.sqrt(rx * rx + ry * ry + rz * rz)
        ax += k * rx
        ay += k * ry
        az += k * rz
    # Sun: third body and radiation pressure.
    if params[_P_SUN] != 0.0 or params[_P_SRP] > 0.0:
        sx, sy, sz = _nb_spline(t, bodies[0], bodies[1], sun_c)
        if params[_P_SUN] != 0.0:
            bx, by, bz = _nb_third_body(x, yy, z, sx, sy, sz, params[_P_GM_SUN])
            ax += bx
            ay += by
            az += bz
        if params[_P_SRP] > 0.0:
            dx, dy, dz = sx - x, sy - yy, sz - z
            dn = math.sqrt(dx * dx + dy * dy + dz * dz)
            light = params[_P_LIGHT]
            nu = 1.0 if light == 0.0 else 0.0 if light == 2.0 else _nb_geometric_fraction(
                x, yy, z, sx, sy, sz, params)
            k = -nu * params[_P_SRP] / (dn * dn * dn)
            ax += k * dx
            ay += k * dy
            az += k * dz
    if params[_P_MOON] != 0.0:
        mx, my, mz = _nb_spline(t, bodies[2], bodies[3], moon_c)
        bx, by, bz = _nb_third_body(x, yy, z, mx, my, mz, params[_P_GM_MOON])
        ax += bx
        ay += by
        az += bz
    out = np.empty(6)
    out[0], out[1], out[2] = vx, vy, vz
    out[3], out[4], out[5] = ax, ay, az
    return out


@njit(cache=True)
def _nb_geometric_fraction(x, yy, z, sx, sy, sz, params):
    """Sunlit fraction of _sunlit_fraction (the shadow model in params)."""
    shadow = params[_P_SHADOW]
    if shadow == 0.0:
        return 1.0
    r = math.sqrt(x * x + yy * yy + z * z)
    if shadow == 1.0:
        sn = math.sqrt(sx * sx + sy * sy + sz * sz)
        along = (x * sx + yy * sy + z * sz) / sn
        if along < 0.0:
            cx, cy, cz = x - along * sx / sn, yy - along * sy / sn, z - along * sz / sn
            if math.sqrt(cx * cx + cy * cy + cz * cz) < params[_P_R_SHADOW]:
                return 0.0
        return 1.0
    dx, dy, dz = sx - x, sy - yy, sz - z
    dn = math.sqrt(dx * dx + dy * dy + dz * dz)
    a_sun = math.asin(min(1.0, params[_P_R_SUN] / dn))
    b_earth = math.asin(min(1.0, params[_P_R_SHADOW] / r))
    cos_c = -(x * dx + yy * dy + z * dz) / (r * dn)
    return _nb_disc_fraction(a_sun, b_earth, math.acos(max(-1.0, min(1.0, cos_c))))


@njit(cache=True)
def _nb_sunlit_fraction(t, y, params, j, pole, lt, bodies, sun_c, moon_c):
    sx, sy, sz = _nb_spline(t, bodies[0], bodies[1], sun_c)
    return _nb_geometric_fraction(y[0], y[1], y[2], sx, sy, sz, params)


@njit(cache=True)
def _nb_shadow_margin(t, y, which, params, j, pole, lt, bodies, sun_c, moon_c):
    """The shadow-boundary functions of _shadow_margins."""
    x, yy, z = y[0], y[1], y[2]
    sx, sy, sz = _nb_spline(t, bodies[0], bodies[1], sun_c)
    r = math.sqrt(x * x + yy * yy + z * z)
    if params[_P_SHADOW] == 1.0:
        sn = math.sqrt(sx * sx + sy * sy + sz * sz)
        along = (x * sx + yy * sy + z * sz) / sn
        if along >= 0.0:
            return r - params[_P_R_SHADOW]
        cx, cy, cz = x - along * sx / sn, yy - along * sy / sn, z - along * sz / sn
        return math.sqrt(cx * cx + cy * cy + cz * cz) - params[_P_R_SHADOW]
    dx, dy, dz = sx - x, sy - yy, sz - z
    dn = math.sqrt(dx * dx + dy * dy + dz * dz)
    a_sun = math.asin(min(1.0, params[_P_R_SUN] / dn))
    b_earth = math.asin(min(1.0, params[_P_R_SHADOW] / r))
    c = math.acos(max(-1.0, min(1.0, -(x * dx + yy * dy + z * dz) / (r * dn))))
    if which == 0:
        return c - (a_sun + b_earth)
    return c - (b_earth - a_sun)


@njit(cache=True)
def _nb_height_above_reentry(t, y, params, j, pole, lt, bodies, sun_c, moon_c):
    px, py, pz = _nb_pole(t, params, pole)
    h, _, _ = _nb_geodetic(t, y[0], y[1], y[2], px, py, pz, params)
    return h - params[_P_REENTRY]


def _pack(env: _Environment, reentry_height_m: float):
    """Everything the compiled kernels read, as plain float arrays."""
    dens = env.density
    lt = dens.log_density if dens is not None else np.zeros((1, 1, 1, 2))
    params = np.array([
        env.gm, env.radius, env.pole_t0, env.pole_dt, env.ballistic, WGS84_ROTATION_RATE_RAD_S,
        dens.time_start_s if dens else 0.0, dens.time_step_s if dens else 1.0,
        dens.local_time_step_h if dens else 1.0, dens.latitude_step_rad if dens else 1.0,
        dens.height_min_m if dens else 0.0, dens.height_step_m if dens else 1.0,
        env.ut_ref_h, env.era_ref_rad, ERA_RATE_RAD_S, 1.0 if env.sphere else 0.0,
        1.0 if env.third_sun else 0.0, 1.0 if env.third_moon else 0.0, env.srp_coefficient,
        {ShadowModel.NONE: 0.0, ShadowModel.CYLINDRICAL: 1.0, ShadowModel.CONICAL: 2.0}[env.shadow],
        GM_SUN_M3_S2, GM_MOON_M3_S2, WGS84_EQUATORIAL_RADIUS_M, SUN_RADIUS_M,
        WGS84_EQUATORIAL_RADIUS_M, WGS84_ECCENTRICITY_SQUARED, reentry_height_m,
        dens.time_period_s if dens else 0.0, float(_SUNLIT),
    ])

    def spline(s):
        if s is None:
            return 0.0, 1.0, np.zeros((4, 1, 3))
        return float(s.x[0]), float(s.x[1] - s.x[0]), np.ascontiguousarray(s.c)

    sun_t0, sun_dt, sun_c = spline(env.sun)
    moon_t0, moon_dt, moon_c = spline(env.moon)
    bodies = np.array([sun_t0, sun_dt, moon_t0, moon_dt])
    return (params, np.ascontiguousarray(env.j), np.ascontiguousarray(env.pole), lt, bodies, sun_c,
            moon_c)


def _compiled_functions(env: _Environment, reentry_height_m: float):
    packed = _pack(env, reentry_height_m)
    derivative = _nb_derivative
    height = _nb_height_above_reentry

    def rhs(t, y):
        return derivative(t, y, *packed)

    def event(t, y):
        return height(t, y, *packed)

    def boundary(which):
        def margin(t, y):
            return _nb_shadow_margin(t, y, which, *packed)
        return margin

    params = packed[0]

    def set_light(value):
        params[_P_LIGHT] = float(value)

    def lighting(t, y):
        return _lighting(_nb_sunlit_fraction(t, y, *packed)) if env.srp_coefficient > 0 else _SUNLIT

    return _Functions(rhs, event, _boundaries(env, boundary), set_light, lighting)


# ---------------------------------------------------------------------------------------------
# The propagator.
# ---------------------------------------------------------------------------------------------

class NumericalPropagator:
    """Cowell propagation of one or more satellites in GCRS (see the module docstring).

    ``states``: a GCRS `StateVector` or a sequence of them (each with its own epoch).
    ``spacecraft``: a `Spacecraft` or one per state (needed for drag and radiation pressure).
    ``force_model``: `ForceModel` (default: J6, NRLMSIS 2.1 drag with moderate activity).
    ``tolerances``: `Tolerances` (default `Tolerances.default()`).
    ``satellite_ids``: integers for the ephemeris rows (default 1, 2, ...).
    ``compiled``: use the numba force model (default); False runs the NumPy reference.
    The constructor only checks and stores; `propagate` integrates.
    """

    frame = Frame.GCRS

    def __init__(self, states, spacecraft=None, *, force_model: ForceModel | None = None,
                 tolerances: Tolerances | None = None, satellite_ids=None,
                 reentry_height_m: float = DEFAULT_REENTRY_HEIGHT_M, compiled: bool = True):
        states = (states,) if isinstance(states, StateVector) else tuple(states)
        if not states:
            raise InvalidInputError("numerical propagator: no state vectors given", field="states")
        for k, state in enumerate(states):
            if not isinstance(state, StateVector):
                raise InvalidInputError(f"state {k}: expected a StateVector, got {type(state).__name__}",
                                        field="states")
            if state.frame is not Frame.GCRS:
                raise InvalidInputError(
                    f"state {k}: the numerical propagator integrates in GCRS, got a {state.frame.value} "
                    "state: convert it with cosmodrome.frames first", field="frame")
        force = force_model if force_model is not None else ForceModel()
        if isinstance(spacecraft, Spacecraft) or spacecraft is None:
            crafts = (spacecraft,) * len(states)
        else:
            crafts = tuple(spacecraft)
            if len(crafts) != len(states):
                raise InvalidInputError(f"got {len(crafts)} spacecraft for {len(states)} states",
                                        field="spacecraft")
        needs_craft = force.drag or force.solar_radiation_pressure
        for k, craft in enumerate(crafts):
            if needs_craft and not isinstance(craft, Spacecraft):
                raise InvalidInputError(
                    f"state {k}: drag and radiation pressure need a Spacecraft (mass, area), got {craft!r}; "
                    "give one or switch them off in the ForceModel", field="spacecraft")
        ids = np.arange(1, len(states) + 1) if satellite_ids is None else np.asarray(satellite_ids)
        if ids.shape != (len(states),) or not np.issubdtype(ids.dtype, np.integer):
            raise InvalidInputError(f"satellite_ids: expected {len(states)} integers, got {satellite_ids!r}",
                                    field="satellite_ids")
        _check_positive(reentry_height_m, "reentry_height_m", "numerical propagator", allow_zero=True)
        self.states = states
        self.spacecraft = crafts
        self.force_model = force
        self.tolerances = tolerances if tolerances is not None else Tolerances.default()
        self.satellite_ids = ids.astype(np.int64)
        self.reentry_height_m = float(reentry_height_m)
        self.compiled = bool(compiled)

    def propagate(self, times: Time) -> Ephemeris:
        """GCRS states at ``times`` (never raises halfway; decayed rows: NaN and Status.DECAYED)."""
        return self.run(times).ephemeris

    def run(self, times: Time) -> NumericalRun:
        """As `propagate`, plus each satellite's re-entry epoch and integrator message."""
        times = time_vector(times)
        n_time = times.shape[0]
        position, velocity, status = empty_ephemeris_arrays(len(self.states), n_time)
        reference = times[0] if n_time else self.states[0].epoch
        t_req = np.asarray(times - reference, dtype=float).reshape(n_time)
        t0s = np.array([float(s.epoch - reference) for s in self.states])
        start = float(min(t0s.min(), t_req.min() if n_time else 0.0))
        end = float(max(t0s.max(), t_req.max() if n_time else 0.0))
        shared: dict = {}
        reentries = []
        messages = []
        for k, (state, craft) in enumerate(zip(self.states, self.spacecraft)):
            env = _build_environment(self.force_model, craft, reference, start, end, shared, self.states)
            if self.compiled:
                functions = _compiled_functions(env, self.reentry_height_m)
            else:
                functions = _reference_functions(env, self.reentry_height_m)
            y0 = np.concatenate([state.position_m, state.velocity_m_s])
            reentry_s, message = self._integrate_one(functions, t0s[k], y0, t_req, position[k],
                                                     velocity[k], status[k], self.satellite_ids[k])
            reentries.append(None if reentry_s is None else reference + reentry_s)
            messages.append(message)
        eph = Ephemeris(self.satellite_ids, times, position, velocity, status, Frame.GCRS)
        return NumericalRun(eph, tuple(reentries), tuple(messages))

    def _integrate_one(self, functions, t0, y0, t_req, pos_out, vel_out, status_out, sat_id):
        event = functions.height
        tol = self.tolerances
        atol = np.array([tol.absolute_position_m] * 3 + [tol.absolute_velocity_m_s] * 3)
        reentry = None
        notes = []
        if event(t0, y0) <= 0.0:
            status_out[:] = Status.DECAYED
            return 0.0 + t0, f"satellite {sat_id}: starts below the re-entry height"
        for direction in (1.0, -1.0):
            mask = (t_req >= t0) if direction > 0 else (t_req < t0)
            if not np.any(mask):
                continue
            wanted, inverse = np.unique(t_req[mask], return_inverse=True)
            if direction < 0:
                wanted = wanted[::-1]
            values, codes, note, reentry_here = self._integrate_direction(
                functions, t0, y0, wanted, direction, tol, atol, sat_id)
            if reentry_here is not None:
                reentry = reentry_here
            if note:
                notes.append(note)
            if direction < 0:  # back to increasing time, the order of np.unique
                values, codes = values[::-1], codes[::-1]
            index = np.flatnonzero(mask)
            pos_out[index] = values[inverse, :3]
            vel_out[index] = values[inverse, 3:]
            status_out[index] = codes[inverse]
        return reentry, "; ".join(notes) if notes else "ok"

    def _integrate_direction(self, functions, t0, y0, wanted, direction, tol, atol, sat_id):
        """Integrate from t0 through the sorted ``wanted`` times (in the direction of travel).

        Shadow: radiation pressure switches off within seconds at the Earth's shadow, and a
        Runge-Kutta step across such a kink loses metres along track (its error estimate does not
        see it). So, as in Orekit's event handling, the lighting is a discrete state of the run:
        the force model uses the lighting of the current segment (sunlit: full pressure; umbra:
        none; penumbra: the conical fraction), the shadow boundaries are events located on the
        smooth dense output, and the run restarts at each with the new lighting.
        """
        rhs, event, boundaries = functions.rhs, functions.height, functions.boundaries
        values = np.full((len(wanted), 6), np.nan)  # in integration order
        codes = np.zeros(len(wanted), dtype=np.int8)
        t_end = float(wanted[-1])
        if t_end == t0:  # only the epoch itself
            values[:] = y0
            return values, codes, "", None

        def terminal(t, y):
            return event(t, y)
        terminal.terminal = True
        terminal.direction = -1.0 if direction > 0 else 0.0
        # Sign of each boundary function at the start of the current segment. At a restart the
        # function sits on its root; it is reported on the side it has just crossed to, so that
        # the solver does not find the same crossing again.
        signs = [1.0 if g(t0, y0) >= 0.0 else -1.0 for g in boundaries]
        light = functions.lighting(t0, y0)
        t_start, y_start, filled = float(t0), y0, 0
        while True:
            functions.set_light(light)
            watchers = [terminal] + [_boundary_event(g, t_start, signs[k]) for k, g in enumerate(boundaries)]
            solution = solve_ivp(rhs, (t_start, t_end), y_start, method="DOP853", t_eval=wanted[filled:],
                                 events=watchers, rtol=tol.relative, atol=atol, max_step=tol.max_step_s)
            states = np.asarray(solution.y, dtype=float).reshape(6, -1)  # a list when no t_eval was reached
            got = states.shape[1]
            values[filled:filled + got] = states.T
            filled += got
            if solution.status < 0:
                codes[filled:] = Status.INTEGRATION_FAILED
                note = f"satellite {sat_id}: integration failed: {solution.message}"
                warnings.warn(note, RuntimeWarning, stacklevel=4)
                return values, codes, note, None
            if solution.status == 0 or filled == len(wanted):
                return values, codes, "", None
            if len(solution.t_events[0]):  # re-entry
                codes[filled:] = Status.DECAYED
                reentry = float(solution.t_events[0][0])
                return values, codes, (f"satellite {sat_id}: re-entered ({self.reentry_height_m / 1e3:g} km) "
                                       f"{reentry - t0:.1f} s after its epoch"), reentry
            hit = next(k for k in range(len(boundaries)) if len(solution.t_events[k + 1]))
            signs[hit] = -signs[hit]
            if len(boundaries) == 1:  # cylindrical: sunlit <-> umbra
                light = _UMBRA if light == _SUNLIT else _SUNLIT
            elif hit == 0:            # conical, edge of the penumbra
                light = _PENUMBRA if light == _SUNLIT else _SUNLIT
            else:                     # conical, edge of the umbra
                light = _UMBRA if light == _PENUMBRA else _PENUMBRA
            t_start = float(solution.t_events[hit + 1][0])
            y_start = solution.y_events[hit + 1][0]


def _boundary_event(g, t_start: float, sign_at_start: float):
    """A non-terminal-looking, terminal event function for solve_ivp that restarts the run at a
    shadow boundary (see _integrate_direction)."""
    def watcher(t, y):
        value = g(t, y)
        if t == t_start and value * sign_at_start <= 0.0:
            return sign_at_start * 1e-300
        return value
    watcher.terminal = True
    watcher.direction = 0.0
    return watcher


def orbital_energy_m2_s2(position_m, velocity_m_s, zonal_degree: int, *, pole=(0.0, 0.0, 1.0)):
    """Specific energy v^2/2 - U (m^2/s^2) with U the EGM2008 zonal potential to ``zonal_degree``:
    the integral of motion of the zonal-only problem about a fixed pole. Arrays (..., 3)."""
    v = np.asarray(velocity_m_s, dtype=float)
    return 0.5 * np.einsum("...i,...i->...", v, v) - zonal_potential_m2_s2(
        position_m, zonal_coefficients(zonal_degree), pole=pole)


__all__ = ["DEFAULT_REENTRY_HEIGHT_M", "EarthShape", "ForceModel", "NumericalPropagator", "NumericalRun",
           "PoleModel", "ShadowModel", "Spacecraft", "Tolerances", "orbital_energy_m2_s2"]
