"""Orbit records: a Cartesian state vector and a set of Keplerian elements, each at an epoch in a frame.

Frozen dataclasses that check themselves when built (finite numbers, shapes, ranges) and raise
``InvalidInputError`` naming the field, the value, its unit and what was expected. A variant is a
copy with one field replaced (``dataclasses.replace``), which checks again.

``state_from_insertion`` turns the ascent's insertion state (GCRS position and velocity from
``cosmodrome.frames.launch_inertial_to_gcrs``) into a :class:`StateVector` that every propagator takes.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

import erfa
import numpy as np

from ..earth.constants import WGS84_GM_M3_S2
from ..errors import InvalidInputError
from ..frames import Frame
from ..time import Time
from .elements import cartesian_to_keplerian, keplerian_to_cartesian


def _check_epoch(epoch, owner: str) -> None:
    if not isinstance(epoch, Time) or epoch.shape != ():
        raise InvalidInputError(f"{owner}: epoch must be a single cosmodrome.time.Time instant, got {epoch!r}",
                                field="epoch")


def _check_frame(frame, owner: str) -> None:
    if not isinstance(frame, Frame):
        raise InvalidInputError(f"{owner}: frame must be a cosmodrome.frames.Frame "
                                f"({', '.join(f.value for f in Frame)}), got {frame!r}", field="frame")


def _vector(value, name: str, unit: str, owner: str) -> np.ndarray:
    try:
        array = np.array(value, dtype=float)
    except (TypeError, ValueError):
        raise InvalidInputError(f"{owner}: expected three numbers in {unit}, got {value!r}", field=name) from None
    if array.shape != (3,):
        raise InvalidInputError(f"{owner}: expected three numbers in {unit} (x, y, z), got shape {array.shape}",
                                field=name)
    if not np.all(np.isfinite(array)):
        raise InvalidInputError(f"{owner}: expected finite numbers in {unit}, got {array.tolist()}", field=name)
    array.setflags(write=False)
    return array


@dataclass(frozen=True, eq=False)
class StateVector:
    """Position (m) and velocity (m/s) of one satellite at ``epoch``, in ``frame``.

    Velocity is relative to the frame's axes (for ITRS: relative to the rotating Earth).
    """

    epoch: Time
    position_m: np.ndarray
    velocity_m_s: np.ndarray
    frame: Frame

    def __post_init__(self):
        _check_epoch(self.epoch, "state vector")
        _check_frame(self.frame, "state vector")
        position = _vector(self.position_m, "position_m", "m", "state vector")
        velocity = _vector(self.velocity_m_s, "velocity_m_s", "m/s", "state vector")
        if not np.linalg.norm(position) > 0:
            raise InvalidInputError("state vector: position is at the origin (0, 0, 0) m", field="position_m")
        object.__setattr__(self, "position_m", position)
        object.__setattr__(self, "velocity_m_s", velocity)

    def to_keplerian(self, gm_m3_s2: float = WGS84_GM_M3_S2) -> "KeplerianElements":
        """Osculating two-body elements of this state (same epoch and frame).

        Raises InvalidInputError for a state that has no Keplerian elements: rectilinear (zero
        angular momentum) or parabolic (e = 1 to within 1e-12, where a is infinite).
        """
        if self.frame == Frame.ITRS:
            raise InvalidInputError("state vector: Keplerian elements need an inertial frame "
                                    "(TEME, GCRS or EME2000), got ITRS", field="frame")
        a, e, i, raan, argp, nu = (float(x) for x in cartesian_to_keplerian(self.position_m, self.velocity_m_s,
                                                                            gm_m3_s2))
        if not np.linalg.norm(np.cross(self.position_m, self.velocity_m_s)) > 0:
            raise InvalidInputError("state vector: position and velocity are parallel (rectilinear motion): "
                                    "no Keplerian elements", field="velocity_m_s")
        if not math.isfinite(a) or abs(e - 1.0) < 1e-12:
            raise InvalidInputError(f"state vector: parabolic orbit (e = {e:.15f}) has no finite semi-major axis",
                                    field="velocity_m_s")
        return KeplerianElements(a, e, i, raan, argp, nu, self.epoch, self.frame)


@dataclass(frozen=True, eq=False)
class KeplerianElements:
    """Classical (osculating, two-body) elements at ``epoch`` in the inertial ``frame``.

    semi_major_axis_m: positive for an ellipse, negative for a hyperbola; eccentricity in [0, 1)
    or > 1 (a parabola has no semi-major axis and is refused); inclination_rad in [0, pi]; the
    other angles in radians, any finite value. Circular and equatorial orbits follow the
    conventions of ``cosmodrome.orbits.elements`` (argp = 0 on a circle, raan = 0 on the equator).
    """

    semi_major_axis_m: float
    eccentricity: float
    inclination_rad: float
    raan_rad: float
    argument_of_perigee_rad: float
    true_anomaly_rad: float
    epoch: Time
    frame: Frame

    def __post_init__(self):
        owner = "Keplerian elements"
        for name in ("semi_major_axis_m", "eccentricity", "inclination_rad", "raan_rad",
                     "argument_of_perigee_rad", "true_anomaly_rad"):
            value = getattr(self, name)
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise InvalidInputError(f"{owner}: expected a number, got {value!r}", field=name) from None
            if not math.isfinite(number):
                raise InvalidInputError(f"{owner}: expected a finite number, got {number}", field=name)
            object.__setattr__(self, name, number)
        _check_epoch(self.epoch, owner)
        _check_frame(self.frame, owner)
        if self.frame == Frame.ITRS:
            raise InvalidInputError(f"{owner}: elements need an inertial frame (TEME, GCRS or EME2000), got ITRS",
                                    field="frame")
        a, e, i = self.semi_major_axis_m, self.eccentricity, self.inclination_rad
        if e < 0:
            raise InvalidInputError(f"{owner}: eccentricity must be >= 0, got {e}", field="eccentricity")
        if e == 1.0:
            raise InvalidInputError(f"{owner}: a parabola (e = 1) has no semi-major axis; "
                                    "give a state vector instead", field="eccentricity")
        if e < 1 and not a > 0:
            raise InvalidInputError(f"{owner}: an ellipse (e = {e}) needs a positive semi-major axis, got {a} m",
                                    field="semi_major_axis_m")
        if e > 1 and not a < 0:
            raise InvalidInputError(f"{owner}: a hyperbola (e = {e}) needs a negative semi-major axis, got {a} m",
                                    field="semi_major_axis_m")
        if not 0.0 <= i <= math.pi:
            raise InvalidInputError(f"{owner}: inclination must be within 0 to pi rad (0 to 180 deg), "
                                    f"got {i} rad ({math.degrees(i):.6g} deg)", field="inclination_rad")
        if e > 1:
            limit = math.acos(-1.0 / e)
            reduced = math.remainder(self.true_anomaly_rad, 2.0 * math.pi)
            if not abs(reduced) < limit:
                raise InvalidInputError(
                    f"{owner}: true anomaly {self.true_anomaly_rad} rad lies beyond the asymptotes of this "
                    f"hyperbola (|nu| < {limit:.6f} rad for e = {e})", field="true_anomaly_rad")

    @property
    def periapsis_radius_m(self) -> float:
        return self.semi_major_axis_m * (1.0 - self.eccentricity)

    def to_state_vector(self, gm_m3_s2: float = WGS84_GM_M3_S2) -> StateVector:
        """The Cartesian state of these elements (same epoch and frame)."""
        r, v = keplerian_to_cartesian(self.semi_major_axis_m, self.eccentricity, self.inclination_rad,
                                      self.raan_rad, self.argument_of_perigee_rad, self.true_anomaly_rad,
                                      gm_m3_s2)
        return StateVector(self.epoch, r, v, self.frame)


def state_from_insertion(position_gcrs_m, velocity_gcrs_m_s, epoch) -> StateVector:
    """The ascent's insertion state as a GCRS :class:`StateVector`.

    ``position_gcrs_m``, ``velocity_gcrs_m_s``: what ``cosmodrome.frames.launch_inertial_to_gcrs``
    returns (metres, m/s). ``epoch``: a Time, or the timezone-aware UTC datetime that the same
    function returns.
    """
    if isinstance(epoch, dt.datetime):
        if epoch.tzinfo is None:
            raise InvalidInputError(f"insertion epoch {epoch.isoformat()} has no time zone: give it in UTC",
                                    field="epoch")
        utc = epoch.astimezone(dt.timezone.utc)
        utc1, utc2 = erfa.dtf2d("UTC", utc.year, utc.month, utc.day, utc.hour, utc.minute,
                                utc.second + utc.microsecond * 1e-6)
        epoch = Time.from_utc_jd(utc1, utc2)
    return StateVector(epoch, position_gcrs_m, velocity_gcrs_m_s, Frame.GCRS)
