"""Constellations from a few parameters: Walker delta and star patterns, sun-synchronous planes.

Walker patterns (Walker 1984, "Satellite constellations", J. British Interplanetary Society 37,
559-572; Wertz, ed., *Space Mission Analysis and Design*, 3rd ed. (1999), section 7.6), notation
i:t/p/f: inclination i (deg), t satellites in p equally spaced planes (s = t/p per plane, so t must
be a multiple of p), phasing f in 0..p-1. With the pattern unit PU = 360 deg / t:

    RAAN of plane j (j = 0..p-1)              Omega_j = Omega_0 + j * S / p,
    argument of latitude of satellite k in j  u_jk    = u_0 + k * 360 deg / s + j * f * PU,

where S, the spread of the planes' nodes, is 360 deg for a delta pattern and 180 deg for a star
pattern (planes over half a turn, so that ascending and descending passes interleave: Walker's
polar "star" constellations). Between adjacent planes the satellites move on by
Delta u = 360 f / t deg, in the direction of motion. This module applies the same phasing rule to
star patterns (a convention: tools differ on the phasing of star patterns).

Sun-synchronous planes: inclination from ``sun_synchronous_inclination_rad`` (the J2 nodal rate
equal to the mean Sun's 360 deg per 365.2422 days) and RAAN from the local time of the ascending
node (LTAN): the local solar time at the node's longitude, the node taken where the orbit crosses
the true equator of date (the CIP equator; the GCRS equator is tilted from it by the precession
since J2000, 0.14 deg in 2026, which moves the node by up to 0.1 deg for a 53 deg orbit):

- ``SolarTime.MEAN`` (default): local mean time = UT1 + longitude / (15 deg/h), since UT1 is mean
  solar time at Greenwich. The node's longitude is its right ascension on the true equator,
  counted from the CIO, minus the Earth rotation angle (IERS Conventions 2010 eq. 5.15, ERFA
  era00), so to first order Omega = ERA + 15 deg/h (LTAN - UT1 hours of the day): the right
  ascension of the mean Sun, ERA - 15 deg/h (UT1 hours - 12), plus 15 deg/h (LTAN - 12). A
  sun-synchronous node keeps its mean LTAN (it turns with the mean Sun), which is why it is the
  default.
- ``SolarTime.APPARENT``: the true Sun's direction from ``cosmodrome.ephemeris.sun_position_gcrs_m``
  (ERFA epv00, geometric: without the 20.5 arcsec of annual aberration, 1.4 s of local time), so
  Omega = RA of the Sun + 15 deg/h (LTAN - 12) on the true equator. Mean and apparent differ by
  the equation of time (up to +-16 min, +-4 deg of RAAN).

:func:`ascending_node_raan_rad` starts from these formulas and corrects the RAAN (in GCRS) for the
tilt of the true equator; :func:`local_time_of_ascending_node_hours` is its inverse.

All elements returned are **Brouwer mean elements** (J2 short-period terms removed): the
altitude fixes the mean semi-major axis a = 6378.137 km + altitude (docs/definitions.md), and the
Walker phasing is laid out in mean argument of latitude, so that the pattern holds on average
over each orbit and drifts together under J2. :func:`constellation_propagator` feeds them to the
J2 secular propagator as mean elements, or converts them to osculating states for the numerical one.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from enum import Enum

import numpy as np

from ..earth.constants import ALTITUDE_REFERENCE_RADIUS_M, WGS84_EQUATORIAL_RADIUS_M
from ..ephemeris import sun_position_gcrs_m
from ..errors import InfeasibleRequestError, InvalidInputError
from ..frames import Frame, frame_rotations
from ..time import Time
from .elements import mean_to_true_anomaly, sun_synchronous_inclination_rad
from .j2_secular import J2SecularPropagator, mean_to_osculating_elements
from .records import KeplerianElements

_TWO_PI = 2.0 * math.pi


class WalkerPattern(str, Enum):
    """Spread of the planes' ascending nodes: 360 deg (delta) or 180 deg (star)."""

    DELTA = "delta"
    STAR = "star"

    @property
    def raan_spread_deg(self) -> float:
        return 360.0 if self is WalkerPattern.DELTA else 180.0


class SolarTime(str, Enum):
    """Which Sun a local time of the ascending node refers to (module docstring)."""

    MEAN = "mean"
    APPARENT = "apparent"


class PropagatorModel(str, Enum):
    """Propagator for a constellation."""

    J2_SECULAR = "j2_secular"
    NUMERICAL = "numerical"


def _whole(value, name: str, notation: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) and not (
            isinstance(value, (float, np.floating)) and float(value).is_integer()):
        raise InvalidInputError(f"Walker {notation}: {name} must be a whole number, got {value!r}", field=name)
    return int(value)


@dataclass(frozen=True)
class WalkerSpec:
    """A Walker pattern i:t/p/f (module docstring for the rules and sources).

    ``inclination_deg`` in [0, 180]; ``total_satellites`` t >= 1; ``planes`` p >= 1 dividing t;
    ``phasing`` f in 0..p-1; ``pattern`` delta (nodes over 360 deg) or star (over 180 deg).
    Raises InvalidInputError stating the rule that is broken.
    """

    inclination_deg: float
    total_satellites: int
    planes: int
    phasing: int
    pattern: WalkerPattern = WalkerPattern.DELTA

    def __post_init__(self):
        i, t, p, f = self.inclination_deg, self.total_satellites, self.planes, self.phasing
        notation = f"{i}:{t}/{p}/{f}"
        try:
            object.__setattr__(self, "pattern", WalkerPattern(self.pattern))
        except ValueError:
            raise InvalidInputError(f"Walker {notation}: pattern must be one of "
                                    f"{', '.join(x.value for x in WalkerPattern)}, got {self.pattern!r}",
                                    field="pattern") from None
        if isinstance(i, bool) or not isinstance(i, (int, float, np.integer, np.floating)) or not math.isfinite(i) \
                or not 0.0 <= i <= 180.0:
            raise InvalidInputError(f"Walker {notation}: inclination must be from 0 to 180 deg, got {i!r}",
                                    field="inclination_deg")
        t = _whole(t, "total_satellites", notation)
        p = _whole(p, "planes", notation)
        f = _whole(f, "phasing", notation)
        if t < 1:
            raise InvalidInputError(f"Walker {notation}: the number of satellites t must be at least 1, got {t}",
                                    field="total_satellites")
        if p < 1:
            raise InvalidInputError(f"Walker {notation}: the number of planes p must be at least 1, got {p}",
                                    field="planes")
        if t % p != 0:
            raise InvalidInputError(f"Walker {notation}: t = {t} satellites is not a multiple of p = {p} planes "
                                    "(every plane holds t/p satellites, a whole number)", field="total_satellites")
        if not 0 <= f <= p - 1:
            raise InvalidInputError(f"Walker {notation}: phasing f = {f} is out of range: f must be a whole number "
                                    f"from 0 to p - 1 = {p - 1}", field="phasing")
        object.__setattr__(self, "inclination_deg", float(i))
        object.__setattr__(self, "total_satellites", t)
        object.__setattr__(self, "planes", p)
        object.__setattr__(self, "phasing", f)

    @classmethod
    def from_notation(cls, text: str, pattern: WalkerPattern = WalkerPattern.DELTA) -> "WalkerSpec":
        """Parse ``"i:t/p/f"`` such as ``"53:24/3/1"`` (inclination in degrees; spaces allowed)."""
        m = re.fullmatch(r"\s*([-+]?\d+(?:\.\d*)?|[-+]?\.\d+)\s*:\s*(\d+)\s*/\s*(\d+)\s*/\s*(\d+)\s*", str(text))
        if not m:
            raise InvalidInputError("expected Walker notation i:t/p/f such as '53:24/3/1' (inclination in deg : "
                                    f"satellites / planes / phasing), got {text!r}", field="walker")
        return cls(float(m.group(1)), int(m.group(2)), int(m.group(3)), int(m.group(4)), pattern)

    @property
    def notation(self) -> str:
        return f"{self.inclination_deg:g}:{self.total_satellites}/{self.planes}/{self.phasing}"

    @property
    def satellites_per_plane(self) -> int:
        return self.total_satellites // self.planes

    @property
    def pattern_unit_deg(self) -> float:
        """PU = 360 deg / t."""
        return 360.0 / self.total_satellites

    def raan_deg(self, raan_offset_deg: float = 0.0) -> np.ndarray:
        """Ascending nodes of the p planes (deg, in [0, 360)): Omega_0 + j S / p."""
        j = np.arange(self.planes)
        return (raan_offset_deg + j * self.pattern.raan_spread_deg / self.planes) % 360.0

    def argument_of_latitude_deg(self, argument_of_latitude_offset_deg: float = 0.0) -> np.ndarray:
        """Mean arguments of latitude (deg, [0, 360)), shape (p, s): u_0 + k 360/s + j f 360/t."""
        j = np.arange(self.planes)[:, None]
        k = np.arange(self.satellites_per_plane)[None, :]
        return (argument_of_latitude_offset_deg + k * 360.0 / self.satellites_per_plane
                + j * self.phasing * self.pattern_unit_deg) % 360.0


def _check_number(value, name: str, low: float | None = None, high: float | None = None,
                  unit: str = "", strict_low: bool = False) -> float:
    ok = not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating)) \
        and math.isfinite(value)
    if ok and low is not None:
        ok = value > low if strict_low else value >= low
    if ok and high is not None:
        ok = value < high
    if not ok:
        bounds = []
        if low is not None:
            bounds.append(f"{'>' if strict_low else '>='} {low:g}{unit}")
        if high is not None:
            bounds.append(f"< {high:g}{unit}")
        raise InvalidInputError(f"expected a finite number{' ' + ' and '.join(bounds) if bounds else ''}, "
                                f"got {value!r}", field=name)
    return float(value)


def _orbit_shape(altitude_m, eccentricity):
    altitude = _check_number(altitude_m, "altitude_m", 0.0, unit=" m", strict_low=True)
    e = _check_number(eccentricity, "eccentricity", 0.0, 1.0)
    a = ALTITUDE_REFERENCE_RADIUS_M + altitude
    if a * (1.0 - e) <= WGS84_EQUATORIAL_RADIUS_M:
        raise InvalidInputError(f"perigee radius a (1 - e) = {a * (1.0 - e) / 1e3:.3f} km lies inside the Earth "
                                f"(equatorial radius {WGS84_EQUATORIAL_RADIUS_M / 1e3:.3f} km) for altitude "
                                f"{altitude / 1e3:g} km and e = {e:g}", field="eccentricity")
    return a, e


def _elements(a, e, i_rad, raan_deg, u_deg, argp_deg, epoch, frame):
    """KeplerianElements of each (raan, mean argument of latitude), flattened in the given order."""
    argp = math.radians(argp_deg)
    mean_anomaly = np.radians(np.asarray(u_deg, dtype=float)) - argp
    nu = np.asarray(mean_to_true_anomaly(mean_anomaly, e)) % _TWO_PI
    raan = np.radians(np.broadcast_to(np.asarray(raan_deg, dtype=float), nu.shape)) % _TWO_PI
    return tuple(KeplerianElements(a, e, i_rad, float(r), argp % _TWO_PI, float(v), epoch, frame)
                 for r, v in zip(raan.ravel(), nu.ravel()))


def _check_epoch_frame(epoch, frame):
    if not isinstance(epoch, Time) or epoch.shape != ():
        raise InvalidInputError(f"epoch must be a single cosmodrome.time.Time instant, got {epoch!r}", field="epoch")
    try:
        frame = Frame(frame)
    except ValueError:
        raise InvalidInputError(f"frame must be one of TEME, GCRS, EME2000, got {frame!r}", field="frame") from None
    if frame is Frame.ITRS:
        raise InvalidInputError("frame: elements need an inertial frame (TEME, GCRS or EME2000), got ITRS",
                                field="frame")
    return frame


def walker_elements(spec: WalkerSpec, altitude_m: float, epoch: Time, *, raan_offset_deg: float = 0.0,
                    argument_of_latitude_offset_deg: float = 0.0, eccentricity: float = 0.0,
                    argument_of_perigee_deg: float = 0.0, frame: Frame = Frame.GCRS) -> tuple:
    """Mean elements of every satellite of a Walker pattern at ``epoch``.

    ``altitude_m``: mean semi-major axis minus 6378.137 km. ``raan_offset_deg`` (Omega_0) and
    ``argument_of_latitude_offset_deg`` (u_0) place the first satellite of the first plane.
    ``eccentricity`` and ``argument_of_perigee_deg`` (default circular): the phasing is then in
    mean argument of latitude (argp + mean anomaly). Returns t KeplerianElements (Brouwer mean,
    in ``frame``), plane by plane: satellite k of plane j is number j * t/p + k.
    Raises InvalidInputError for a non-positive altitude, e outside [0, 1) or a perigee inside the Earth.
    """
    if not isinstance(spec, WalkerSpec):
        raise InvalidInputError(f"expected a WalkerSpec, got {type(spec).__name__}", field="spec")
    frame = _check_epoch_frame(epoch, frame)
    a, e = _orbit_shape(altitude_m, eccentricity)
    raan0 = _check_number(raan_offset_deg, "raan_offset_deg")
    u0 = _check_number(argument_of_latitude_offset_deg, "argument_of_latitude_offset_deg")
    argp = _check_number(argument_of_perigee_deg, "argument_of_perigee_deg")
    raan = np.repeat(spec.raan_deg(raan0), spec.satellites_per_plane)
    u = spec.argument_of_latitude_deg(u0).ravel()
    return _elements(a, e, math.radians(spec.inclination_deg), raan, u, argp, epoch, frame)


def _node_local_time_hours(raan_rad, inclination_rad, rotations, ut1_hours, sun_ra_cirs_rad, solar_time):
    """Local solar time (hours) at the ascending node on the true equator, for GCRS RAANs (array)."""
    raan = np.asarray(raan_rad, dtype=float)
    si, ci = math.sin(inclination_rad), math.cos(inclination_rad)
    normal_gcrs = np.stack([si * np.sin(raan), -si * np.cos(raan), np.full(raan.shape, ci)], axis=-1)
    normal_cirs = normal_gcrs @ np.asarray(rotations.gcrs_to_cirs).T
    node_ra_cirs = np.arctan2(normal_cirs[..., 0], -normal_cirs[..., 1])  # node = z x normal
    if solar_time is SolarTime.MEAN:
        era = float(rotations.earth_rotation_angle_rad)
        hours = ut1_hours + (node_ra_cirs - era) / math.radians(15.0)
    else:
        hours = 12.0 + (node_ra_cirs - sun_ra_cirs_rad) / math.radians(15.0)
    return np.mod(hours, 24.0)


def _solar_context(epoch: Time, solar_time: SolarTime):
    rotations = frame_rotations(epoch)
    ut1_1, ut1_2 = (float(x) for x in epoch.ut1_jd)
    # Hours since 0h UT1, the two parts reduced separately to keep the precision.
    ut1_hours = 24.0 * ((((ut1_1 - 0.5) % 1.0) + (ut1_2 % 1.0)) % 1.0)
    sun_ra = 0.0
    if solar_time is SolarTime.APPARENT:
        sun = np.asarray(rotations.gcrs_to_cirs) @ np.asarray(sun_position_gcrs_m(epoch), dtype=float)
        sun_ra = math.atan2(sun[1], sun[0])
    return rotations, ut1_hours, sun_ra


def _check_solar_time(solar_time) -> SolarTime:
    try:
        return SolarTime(solar_time)
    except ValueError:
        raise InvalidInputError(f"expected one of {', '.join(x.value for x in SolarTime)}, got {solar_time!r}",
                                field="solar_time") from None


def local_time_of_ascending_node_hours(raan_rad, inclination_rad: float, epoch: Time,
                                       solar_time: SolarTime = SolarTime.MEAN):
    """Local solar time (hours, [0, 24)) at the ascending node of orbits with GCRS RAAN ``raan_rad`` at ``epoch``.

    The node is where the orbit crosses the true equator of date (the CIP equator: GCRS rotated by
    ERFA's IAU 2006/2000A matrix), so the answer is the local time a ground observer sees there;
    ``solar_time`` as in the module docstring. ``inclination_rad`` must not be 0 or pi (no node).
    """
    solar_time = _check_solar_time(solar_time)
    return _node_local_time_hours(raan_rad, float(inclination_rad), *_solar_context(epoch, solar_time), solar_time)


def ascending_node_raan_rad(local_time_hours, inclination_rad: float, epoch: Time,
                            solar_time: SolarTime = SolarTime.MEAN):
    """GCRS RAAN (rad, [0, 2 pi)) that puts the ascending node at a local solar time at ``epoch``.

    ``local_time_hours``: the LTAN, one value or an array, hours in [0, 24). Starts from the
    module docstring's formula (GCRS and true equator taken as one) and corrects for the tilt
    between them with :func:`local_time_of_ascending_node_hours` (three fixed-point steps; the
    correction is a few hundredths of a degree in 2020-2030 and converges quadratically in the tilt).
    """
    solar_time = _check_solar_time(solar_time)
    hours = np.asarray(local_time_hours, dtype=float)
    context = _solar_context(epoch, solar_time)
    rotations, ut1_hours, sun_ra = context
    step = math.radians(15.0)
    if solar_time is SolarTime.MEAN:
        raan = float(rotations.earth_rotation_angle_rad) + step * (hours - ut1_hours)
    else:
        raan = sun_ra + step * (hours - 12.0)
    for _ in range(3):
        error_h = hours - _node_local_time_hours(raan, float(inclination_rad), *context, solar_time)
        raan = raan + step * ((error_h + 12.0) % 24.0 - 12.0)
    return np.mod(raan, _TWO_PI)


def sun_synchronous_elements(altitude_m: float, ltan_hours, epoch: Time, *, satellites_per_plane: int = 1,
                             argument_of_latitude_offset_deg: float = 0.0, eccentricity: float = 0.0,
                             argument_of_perigee_deg: float = 0.0, solar_time: SolarTime = SolarTime.MEAN,
                             frame: Frame = Frame.GCRS) -> tuple:
    """Mean elements of sun-synchronous planes, one per local time of the ascending node.

    ``ltan_hours``: one LTAN or a sequence, each in [0, 24) hours (the descending node is 12 h
    away). ``satellites_per_plane`` evenly spaced in mean argument of latitude from
    ``argument_of_latitude_offset_deg``. Inclination from ``sun_synchronous_inclination_rad`` of the
    mean a and e. Returns the KeplerianElements plane by plane (Brouwer mean, in ``frame``;
    ``frame`` GCRS or EME2000: the RAAN is computed in GCRS and the EME2000 frame bias, 23 mas, is
    neglected; TEME is refused). Raises InvalidInputError for bad arguments and InfeasibleRequestError
    above the highest sun-synchronous orbit (about 5,970 km for e = 0).
    """
    frame = _check_epoch_frame(epoch, frame)
    if frame is Frame.TEME:
        raise InvalidInputError("frame: sun-synchronous planes are laid out in GCRS (or EME2000), got TEME",
                                field="frame")
    a, e = _orbit_shape(altitude_m, eccentricity)
    try:
        ltans = np.atleast_1d(np.asarray(ltan_hours, dtype=float))
    except (TypeError, ValueError):
        ltans = np.empty((0, 0))
    if isinstance(ltan_hours, (str, bytes)) or ltans.ndim != 1 or ltans.size == 0:
        raise InvalidInputError(f"expected one or more local times in hours, got {ltan_hours!r}", field="ltan_hours")
    bad = ~(np.isfinite(ltans) & (ltans >= 0.0) & (ltans < 24.0))
    if bad.any():
        raise InvalidInputError(f"local time of the ascending node must be from 0 to 24 h (24 excluded), got "
                                f"{float(ltans[bad][0])!r} h", field="ltan_hours")
    n = _whole(satellites_per_plane, "satellites_per_plane", "sun-synchronous")
    if n < 1:
        raise InvalidInputError(f"sun-synchronous: satellites_per_plane must be at least 1, got {n}",
                                field="satellites_per_plane")
    u0 = _check_number(argument_of_latitude_offset_deg, "argument_of_latitude_offset_deg")
    argp = _check_number(argument_of_perigee_deg, "argument_of_perigee_deg")
    inclination = float(sun_synchronous_inclination_rad(a, e))
    if not math.isfinite(inclination):
        raise InfeasibleRequestError(
            f"no sun-synchronous orbit at altitude {(a - ALTITUDE_REFERENCE_RADIUS_M) / 1e3:g} km (e = {e:g}): "
            "the J2 nodal regression there is slower than the mean Sun's 0.9856 deg/day even at 180 deg "
            "inclination (the limit is about 5,970 km for a circular orbit)")
    raan = np.degrees(ascending_node_raan_rad(ltans, inclination, epoch, solar_time))
    u = (u0 + np.arange(n) * 360.0 / n) % 360.0
    return _elements(a, e, inclination, np.repeat(raan, n), np.tile(u, ltans.size), argp, epoch, frame)


def constellation_propagator(elements, *, model: PropagatorModel = PropagatorModel.J2_SECULAR,
                             satellite_ids=None, force_model=None, spacecraft=None, tolerances=None):
    """A propagator for all of ``elements`` (Brouwer mean KeplerianElements, as this module makes them).

    ``model``: J2 secular (default; ``J2SecularPropagator.from_mean_elements``) or numerical
    (``NumericalPropagator`` of the osculating GCRS states; ``force_model``, ``spacecraft`` and
    ``tolerances`` are passed on; its default force model has drag, which needs a spacecraft).
    ``satellite_ids``: default 1..n in the order of ``elements``.
    """
    if isinstance(elements, KeplerianElements):
        elements = (elements,)
    elements = tuple(elements)
    if not elements or not all(isinstance(x, KeplerianElements) for x in elements):
        raise InvalidInputError("expected one or more KeplerianElements", field="elements")
    try:
        model = PropagatorModel(model)
    except ValueError:
        raise InvalidInputError(f"expected one of {', '.join(m.value for m in PropagatorModel)}, got {model!r}",
                                field="model") from None
    ids = np.arange(1, len(elements) + 1) if satellite_ids is None else satellite_ids
    if model is PropagatorModel.J2_SECULAR:
        return J2SecularPropagator.from_mean_elements(list(elements), satellite_ids=ids)
    from .numerical import NumericalPropagator  # here: it loads numba (about a second)

    if any(x.frame is not Frame.GCRS for x in elements):
        raise InvalidInputError("the numerical propagator integrates in GCRS: build the constellation with "
                                "frame=Frame.GCRS", field="frame")
    states = [mean_to_osculating_elements(x).to_state_vector() for x in elements]
    return NumericalPropagator(states, spacecraft, force_model=force_model, tolerances=tolerances,
                               satellite_ids=ids)
