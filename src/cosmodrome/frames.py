"""Frame conversions: TEME, GCRS, EME2000, ITRS, WGS-84 geodetic and local east-north-up.

Every conversion is named from->to and works on many satellites and many times at once: positions
(m) and velocities (m/s) are arrays shaped (..., *time.shape, 3), so a Time of shape (n_times,)
converts (n_times, 3) or (n_satellites, n_times, 3) in one call. The Earth's orientation is
computed once per instant by ``frame_rotations(time)`` and the returned ``FrameRotations`` can be
passed to any conversion in place of the Time, so that a catalogue shares one set of matrices.

Models (all through ERFA, nothing by hand):
- GCRS <-> ITRS: IAU 2006/2000A, CIO based (IERS Conventions 2010, ch. 5): X, Y, s from
  ``xys06a`` plus the IERS celestial pole offsets dX, dY; Earth rotation angle ``era00`` of UT1;
  polar motion ``pom00`` with s' from ``sp00``. The matrices are those of ERFA ``c2t06a``.
- TEME <-> ITRS: TEME to the pseudo-Earth-fixed frame by GMST (IAU 1982, ``gmst82`` of UT1), then
  polar motion. This is how TEME is defined for SGP4 (Vallado et al., AIAA 2006-6753, sec. on
  coordinate frames), and the route by which Vallado's published TEME and ITRF states agree.
- TEME <-> GCRS: through the two above (the polar motion cancels): GCRS = C^T R3(GMST82 - ERA) TEME,
  with C the GCRS-to-CIRS matrix.
- GCRS <-> EME2000: the constant IAU 2006 frame bias (``bp06``), about 23 mas.

Velocities: ITRS velocities are relative to the rotating Earth. The omega x r term uses the
rotation rate 7.292115146706979e-5 rad/s x (1 - LOD/86400 s), LOD from the Earth-orientation
values (the excess length of day), as Vallado does; the time derivatives of precession, nutation
and polar motion are neglected (below 1e-5 m/s for LEO). TEME <-> GCRS velocities are rotated as
they are, as Vallado and Skyfield do: TEME turns against GCRS by under 1e-11 rad/s (measured
7.6e-12 over a month, 0.05 mm/s at 7,000 km), which this neglects.

Earth-orientation data come from the shipped IERS table (``cosmodrome.time``) unless given:
``frame_rotations(time, eop=EarthOrientation.from_values(...))`` injects published values, and
``polar_motion=False`` leaves polar motion out (as Skyfield does by default).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import Enum
from functools import cached_property, lru_cache

import erfa
import numpy as np

from .earth.constants import WGS84_ROTATION_RATE_RAD_S
from .earth.geodesy import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from .errors import InvalidInputError
from .time import SECONDS_PER_DAY, EarthOrientation, Time

_ERA_RATE_RAD_S = 7.292115146706979e-5  # IERS Conventions 2010, d(ERA)/dt in SI seconds at LOD = 0
_ARCSEC_TO_RAD = np.pi / (180.0 * 3600.0)


class Frame(str, Enum):
    """Reference frames that vectors cross module boundaries in."""

    TEME = "TEME"        # True Equator Mean Equinox of date: what SGP4 gives
    GCRS = "GCRS"        # Geocentric Celestial Reference System (GCRF in CCSDS files)
    EME2000 = "EME2000"  # mean equator and equinox of J2000.0 (GCRS with the frame bias applied)
    ITRS = "ITRS"        # Earth-fixed; velocities relative to the rotating Earth


# --- matrix helpers ------------------------------------------------------------------------------

def _rz(angle_rad):
    """ERFA's R3 (rotation of the axes about z by the angle): shape (*angle.shape, 3, 3)."""
    c, s = np.cos(angle_rad), np.sin(angle_rad)
    zero, one = np.zeros_like(c), np.ones_like(c)
    return np.stack([np.stack([c, s, zero], -1), np.stack([-s, c, zero], -1),
                     np.stack([zero, zero, one], -1)], -2)


def _rotate(matrix, vectors):
    """matrix (*T, 3, 3) times vectors (..., *T, 3) -> (..., *T, 3); leading axes broadcast.

    Written component by component into one output array: for a catalogue (10,000 x 1,440
    vectors) this is 2-3 times faster than einsum or a stacked matmul.
    """
    v = np.asarray(vectors, dtype=float)
    m = np.asarray(matrix)
    out = np.empty(np.broadcast_shapes(v.shape, m.shape[:-1]))
    x, y, z = v[..., 0], v[..., 1], v[..., 2]
    for i in range(3):
        row = out[..., i]
        np.multiply(m[..., i, 0], x, out=row)
        row += m[..., i, 1] * y
        row += m[..., i, 2] * z
    return out


def _transpose(matrix):
    return np.swapaxes(matrix, -1, -2)


# (0, 0, 1) x r as a matrix: omega x r = rate * _Z_CROSS @ r.
_Z_CROSS = np.array([[0.0, -1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def _transform(position_matrix, rate_matrix, position_m, velocity_m_s):
    """r' = A r and v' = A v + B r, the form every conversion here takes (B holds the omega x r term)."""
    r = _rotate(position_matrix, position_m)
    if velocity_m_s is None:
        return r, None
    v = _rotate(position_matrix, velocity_m_s)
    if rate_matrix is not None:
        v += _rotate(rate_matrix, position_m)
    return r, v


@lru_cache(maxsize=1)
def _frame_bias() -> np.ndarray:
    """GCRS -> EME2000 (mean J2000) frame bias matrix, IAU 2006 (ERFA bp06; time independent)."""
    rb, _, _ = erfa.bp06(2451545.0, 0.0)
    return rb


# --- Earth orientation, computed once per instant ---------------------------------------------

@dataclass(frozen=True, eq=False)
class FrameRotations:
    """The Earth's orientation at each instant of a Time, shared by every conversion.

    Each matrix is computed on first use and kept. Matrices have shape (*time.shape, 3, 3) and
    map the first-named frame to the second (``gcrs_to_itrs @ r_gcrs = r_itrs``).
    """

    time: Time
    eop: EarthOrientation
    polar_motion: bool = True

    @cached_property
    def _tt(self):
        return self.time.tt_jd

    @cached_property
    def _ut1(self):
        return self.time.ut1_jd_using(self.eop)

    @cached_property
    def earth_rotation_angle_rad(self) -> np.ndarray:
        """Earth rotation angle (IAU 2000, ERFA era00) of UT1."""
        return erfa.era00(*self._ut1)

    @cached_property
    def gmst82_rad(self) -> np.ndarray:
        """Greenwich mean sidereal time, IAU 1982 model (ERFA gmst82) of UT1: defines TEME."""
        return erfa.gmst82(*self._ut1)

    @cached_property
    def rotation_rate_rad_s(self) -> np.ndarray:
        """Earth's rotation rate in SI seconds, corrected for the excess length of day."""
        return _ERA_RATE_RAD_S * (1.0 - np.asarray(self.eop.excess_length_of_day_s) / SECONDS_PER_DAY)

    @cached_property
    def tirs_to_itrs(self) -> np.ndarray:
        """Polar-motion matrix W (ERFA pom00 with s' from sp00); identity when polar motion is off."""
        shape = self.time.shape
        if not self.polar_motion:
            return np.broadcast_to(np.eye(3), shape + (3, 3))
        xp = np.asarray(self.eop.polar_x_arcsec) * _ARCSEC_TO_RAD
        yp = np.asarray(self.eop.polar_y_arcsec) * _ARCSEC_TO_RAD
        return erfa.pom00(xp, yp, erfa.sp00(*self._tt))

    @cached_property
    def gcrs_to_cirs(self) -> np.ndarray:
        """Celestial-to-intermediate matrix C (IAU 2006/2000A X, Y, s plus the IERS dX, dY)."""
        x, y, s = erfa.xys06a(*self._tt)
        dx = np.asarray(self.eop.dx_arcsec) * _ARCSEC_TO_RAD
        dy = np.asarray(self.eop.dy_arcsec) * _ARCSEC_TO_RAD
        return erfa.c2ixys(x + dx, y + dy, s)

    @cached_property
    def gcrs_to_tirs(self) -> np.ndarray:
        return _rz(self.earth_rotation_angle_rad) @ self.gcrs_to_cirs

    @cached_property
    def gcrs_to_itrs(self) -> np.ndarray:
        """The full celestial-to-terrestrial matrix W R3(ERA) C (as ERFA c2t06a, with dX, dY)."""
        return self.tirs_to_itrs @ self.gcrs_to_tirs

    @cached_property
    def teme_to_pef(self) -> np.ndarray:
        """TEME to pseudo-Earth-fixed: R3(GMST82)."""
        return _rz(self.gmst82_rad)

    @cached_property
    def teme_to_itrs(self) -> np.ndarray:
        return self.tirs_to_itrs @ self.teme_to_pef

    # The omega x r terms as matrices B (v' = A v + B r), with omega x r = rate * _Z_CROSS @ r
    # taken in the pseudo-Earth-fixed / terrestrial intermediate frame, before polar motion.
    @cached_property
    def _rate(self):
        return np.asarray(self.rotation_rate_rad_s)[..., None, None]

    @cached_property
    def _teme_to_itrs_rate(self):
        return -self._rate * (self.tirs_to_itrs @ _Z_CROSS @ self.teme_to_pef)

    @cached_property
    def _itrs_to_teme_rate(self):
        return self._rate * (_transpose(self.teme_to_pef) @ _Z_CROSS @ _transpose(self.tirs_to_itrs))

    @cached_property
    def _gcrs_to_itrs_rate(self):
        return -self._rate * (self.tirs_to_itrs @ _Z_CROSS @ self.gcrs_to_tirs)

    @cached_property
    def _itrs_to_gcrs_rate(self):
        return self._rate * (_transpose(self.gcrs_to_tirs) @ _Z_CROSS @ _transpose(self.tirs_to_itrs))

    @cached_property
    def teme_to_gcrs(self) -> np.ndarray:
        """C^T R3(GMST82 - ERA): TEME -> PEF -> (TIRS = PEF) -> CIRS -> GCRS."""
        return _transpose(self.gcrs_to_cirs) @ _rz(self.gmst82_rad - self.earth_rotation_angle_rad)


def frame_rotations(time: Time, *, eop: EarthOrientation | None = None,
                    polar_motion: bool = True) -> FrameRotations:
    """The Earth's orientation at each instant of ``time``, to pass to any conversion.

    ``eop``: Earth-orientation values to use (``EarthOrientation.from_values`` for published
    ones); by default the shipped IERS table, which warns (DataRangeWarning) and holds its end
    values outside its range. ``polar_motion=False`` leaves polar motion out.
    """
    if not isinstance(time, Time):
        raise TypeError(f"expected a cosmodrome Time, got {type(time).__name__}")
    if eop is None:
        eop = time.earth_orientation()
    elif np.broadcast_shapes(np.shape(eop.ut1_minus_tai_s), time.shape) != time.shape:
        raise InvalidInputError(f"Earth-orientation values of shape {np.shape(eop.ut1_minus_tai_s)} do not "
                                f"match the times of shape {time.shape}", field="eop")
    return FrameRotations(time, eop, bool(polar_motion))


def _rotations(at) -> FrameRotations:
    if isinstance(at, FrameRotations):
        return at
    if isinstance(at, Time):
        return frame_rotations(at)
    raise TypeError(f"expected a Time or the FrameRotations of frame_rotations(time), got {type(at).__name__}")


# --- conversions ---------------------------------------------------------------------------------

def teme_to_itrs(at: Time | FrameRotations, position_m, velocity_m_s=None):
    """TEME -> ITRS. Positions (m) and velocities (m/s) shaped (..., *time.shape, 3).

    Returns (position_m, velocity_m_s); the velocity is relative to the rotating Earth, or None
    when no velocity was given.
    """
    rot = _rotations(at)
    return _transform(rot.teme_to_itrs, rot._teme_to_itrs_rate, position_m, velocity_m_s)


def itrs_to_teme(at: Time | FrameRotations, position_m, velocity_m_s=None):
    """ITRS -> TEME, the inverse of ``teme_to_itrs`` (ITRS velocity relative to the rotating Earth)."""
    rot = _rotations(at)
    return _transform(_transpose(rot.teme_to_itrs), rot._itrs_to_teme_rate, position_m, velocity_m_s)


def gcrs_to_itrs(at: Time | FrameRotations, position_m, velocity_m_s=None):
    """GCRS -> ITRS (IAU 2006/2000A, CIO based). Returns (position_m, velocity_m_s or None)."""
    rot = _rotations(at)
    return _transform(rot.gcrs_to_itrs, rot._gcrs_to_itrs_rate, position_m, velocity_m_s)


def itrs_to_gcrs(at: Time | FrameRotations, position_m, velocity_m_s=None):
    """ITRS -> GCRS, the inverse of ``gcrs_to_itrs``. Returns (position_m, velocity_m_s or None)."""
    rot = _rotations(at)
    return _transform(_transpose(rot.gcrs_to_itrs), rot._itrs_to_gcrs_rate, position_m, velocity_m_s)


def teme_to_gcrs(at: Time | FrameRotations, position_m, velocity_m_s=None):
    """TEME -> GCRS (through the pseudo-Earth-fixed frame; no polar motion enters)."""
    return _transform(_rotations(at).teme_to_gcrs, None, position_m, velocity_m_s)


def gcrs_to_teme(at: Time | FrameRotations, position_m, velocity_m_s=None):
    """GCRS -> TEME, the inverse of ``teme_to_gcrs``."""
    return _transform(_transpose(_rotations(at).teme_to_gcrs), None, position_m, velocity_m_s)


def gcrs_to_eme2000(position_m, velocity_m_s=None):
    """GCRS -> EME2000 (mean equator and equinox of J2000.0): the constant IAU 2006 frame bias.

    No time is needed; any shape (..., 3). Returns (position_m, velocity_m_s or None).
    """
    return _transform(_frame_bias(), None, position_m, velocity_m_s)


def eme2000_to_gcrs(position_m, velocity_m_s=None):
    """EME2000 -> GCRS, the inverse of ``gcrs_to_eme2000``."""
    return _transform(_transpose(_frame_bias()), None, position_m, velocity_m_s)


def itrs_to_geodetic(position_m):
    """WGS-84 geodetic (latitude_rad, longitude_rad, height_m) of ITRS positions (..., 3).

    Latitude from the ellipsoid normal, longitude east in (-pi, pi], height above the ellipsoid
    (``cosmodrome.earth.geodesy.ecef_to_geodetic``, Vermeille 2011).
    """
    return ecef_to_geodetic(position_m)


@dataclass(frozen=True, eq=False)
class TopocentricView:
    """A target seen from a site: local east-north-up vector and look angles.

    Azimuth clockwise from true north in [0, 2 pi); elevation from the plane normal to the WGS-84
    ellipsoid normal; range_rate_m_s is None unless velocities were given.
    """

    east_north_up_m: np.ndarray
    azimuth_rad: np.ndarray
    elevation_rad: np.ndarray
    range_m: np.ndarray
    range_rate_m_s: np.ndarray | None


def itrs_to_topocentric(position_m, site_latitude_rad, site_longitude_rad, site_height_m,
                        velocity_m_s=None) -> TopocentricView:
    """Look angles of ITRS positions (..., 3) from a site given by WGS-84 geodetic coordinates.

    The site is fixed on the Earth, so with ITRS velocities (relative to the rotating Earth) the
    range rate is the projection of the target's velocity on the line of sight.
    """
    site = geodetic_to_ecef(site_latitude_rad, site_longitude_rad, site_height_m)
    basis = enu_basis(site_latitude_rad, site_longitude_rad)  # rows east, north, up
    los = np.asarray(position_m, dtype=float) - site
    enu = _rotate(basis, los)
    rng = np.sqrt(np.sum(enu * enu, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        elevation = np.arcsin(np.clip(enu[..., 2] / rng, -1.0, 1.0))
    azimuth = np.mod(np.arctan2(enu[..., 0], enu[..., 1]), 2.0 * np.pi)
    rate = None
    if velocity_m_s is not None:
        with np.errstate(invalid="ignore", divide="ignore"):
            rate = np.sum(los * np.asarray(velocity_m_s, dtype=float), axis=-1) / rng
    return TopocentricView(enu, azimuth, elevation, rng, rate)


# --- the ascent's hand-over ----------------------------------------------------------------------

def utc_to_two_part_jd(epoch: dt.datetime):
    """(utc1, utc2), (tt1, tt2) two-part Julian dates of a timezone-aware UTC datetime."""
    t = Time.from_datetime(epoch)
    return t.utc_jd, t.tt_jd


def launch_inertial_to_gcrs(launch_utc: dt.datetime, time_since_liftoff_s: float,
                            position_m: np.ndarray, velocity_m_s: np.ndarray):
    """GCRS position (m), velocity (m/s) and UTC epoch of a launch-inertial state.

    The ascent's launch-inertial frame is the Earth-fixed frame frozen at lift-off (the ascent
    turns it with the WGS-84 rate); at the epoch the state becomes ITRS and then GCRS with the
    shipped Earth-orientation data (UT1-UTC, polar motion, dX/dY).
    """
    angle = WGS84_ROTATION_RATE_RAD_S * time_since_liftoff_s
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])  # inertial -> Earth-fixed
    omega = np.array([0.0, 0.0, WGS84_ROTATION_RATE_RAD_S])
    position_m = np.asarray(position_m, dtype=float)
    r_itrs = rot @ position_m
    v_itrs = rot @ (np.asarray(velocity_m_s, dtype=float) - np.cross(omega, position_m))
    epoch = launch_utc + dt.timedelta(seconds=float(time_since_liftoff_s))
    r_gcrs, v_gcrs = itrs_to_gcrs(Time.from_datetime(epoch), r_itrs, v_itrs)
    return r_gcrs, v_gcrs, epoch
