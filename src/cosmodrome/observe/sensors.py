"""Sensors on a satellite and the Earth geometry seen from orbit: field of view, elevation, ground sample distance.

Geometry kernels (plain functions on arrays, radians and metres) follow Wertz & Larson, *Space
Mission Analysis and Design* (SMAD), 3rd ed. (1999), sec. 5.2 "Earth geometry viewed from space",
on a **spherical Earth of radius R** (``earth_radius_m``, default the WGS-84 equatorial radius
6,378,137 m; the services in ``opportunities.py`` pass the local geocentric radius of the WGS-84
ellipsoid under the satellite instead). With H the satellite's altitude above that sphere:

- angular radius of the Earth seen from the satellite: ``sin rho = R / (R + H)``;
- central angle from the sub-satellite point to the horizon: ``lambda_0 = 90 deg - rho``;
- off-nadir angle eta, elevation of the satellite seen from the target eps and Earth central angle
  lambda between the sub-satellite point and the target: ``sin eta = sin rho cos eps`` and
  ``eta + lambda + eps = 90 deg``;
- ``tan eta = sin rho sin lambda / (1 - sin rho cos lambda)`` (the same triangle solved for eta);
- slant range ``D = sqrt(R^2 + (R + H)^2 - 2 R (R + H) cos lambda)`` (law of cosines; SMAD writes
  the equivalent ``D = R sin lambda / sin eta``, which is 0/0 at nadir);
- ground range ``R lambda``; the swath of a cone of half-angle eta is ``2 R lambda(eta)`` wide.

A cone wider than the Earth's disc (eta > rho), or a swath wider than the visible cap
(lambda > lambda_0), is clamped to the horizon with a ``SensorClampWarning``.

Ground sample distance (see docs/sensors-and-eclipses.md for the derivation): a detector of pixel
pitch p behind optics of focal length f sees a cone of ``p / f`` rad (small-angle IFOV, as in
SMAD sec. 9.3); at slant range D its footprint across the line of sight is ``D p / f``. On the
ground, tilted by the incidence angle ``90 deg - eps`` (eps the satellite's elevation seen from the
target), the footprint stretches by ``1 / sin eps`` along the look direction and not at all across it:

    gsd_look_m          = D p / (f sin eps)     (in the plane of the line of sight and the vertical)
    gsd_perpendicular_m = D p / f               (across that plane)
    gsd_m               = D p / (f sqrt(sin eps))   (their geometric mean, the GSD of the GIQE:
                                                     Leachtenauer et al. 1997, Appl. Opt. 36(32))

At nadir both are ``H p / f``. For a sensor rolled across the track, "look" is cross-track and
"perpendicular" along-track; on a flat Earth (lambda -> 0, D = H / cos eta, eps = 90 deg - eta) they
reduce to the textbook ``H p / (f cos^2 eta)`` and ``H p / (f cos eta)``.
"""

from __future__ import annotations

import math
import os
import sys
import warnings
from dataclasses import dataclass, replace

import numpy as np

from ..earth.constants import WGS84_EQUATORIAL_RADIUS_M
from ..errors import InvalidInputError

DEFAULT_EARTH_RADIUS_M = WGS84_EQUATORIAL_RADIUS_M
_HALF_PI = 0.5 * math.pi


class SensorClampWarning(UserWarning):
    """A field of view wider than the Earth's disc was clamped to the horizon."""


_PACKAGE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def warn_at_caller(message: str, category: type[Warning]) -> None:
    """Warn with the location set to the first caller outside the cosmodrome package (the user's line)."""
    frame = sys._getframe(1)
    level = 2  # 1 is this function, 2 its caller
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, category, stacklevel=level)


# --- Earth geometry seen from a satellite (SMAD sec. 5.2, spherical Earth) --------------------------

def _sin_rho(altitude_m, earth_radius_m):
    altitude = np.asarray(altitude_m, dtype=float)
    return earth_radius_m / (earth_radius_m + altitude)


def earth_angular_radius_rad(altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Angular radius rho of the Earth's disc seen from altitude H: ``sin rho = R / (R + H)`` (SMAD 5.2)."""
    return np.arcsin(_sin_rho(altitude_m, earth_radius_m))


def horizon_central_angle_rad(altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Earth central angle lambda_0 from the sub-satellite point to the horizon: ``cos lambda_0 = R / (R + H)``."""
    return np.arccos(_sin_rho(altitude_m, earth_radius_m))


def off_nadir_from_elevation_rad(elevation_rad, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Off-nadir angle eta of a target that sees the satellite at elevation eps: ``sin eta = sin rho cos eps``."""
    return np.arcsin(_sin_rho(altitude_m, earth_radius_m) * np.cos(elevation_rad))


def elevation_from_off_nadir_rad(off_nadir_rad, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Elevation eps of the satellite seen from the point its line of sight at off-nadir eta meets.

    ``cos eps = sin eta / sin rho``; NaN where eta > rho (the line of sight misses the Earth), with
    a relative allowance of 1e-12 so that the horizon itself (eta = rho, rounded) gives 0.
    """
    ratio = np.sin(off_nadir_rad) / _sin_rho(altitude_m, earth_radius_m)
    with np.errstate(invalid="ignore"):
        return np.where(ratio <= 1.0 + 1e-12, np.arccos(np.minimum(ratio, 1.0)), np.nan)


def central_angle_from_off_nadir_rad(off_nadir_rad, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Earth central angle lambda to the point seen at off-nadir eta: ``lambda = 90 deg - eta - eps``.

    NaN where the line of sight misses the Earth (eta > rho).
    """
    eps = elevation_from_off_nadir_rad(off_nadir_rad, altitude_m, earth_radius_m)
    return _HALF_PI - np.asarray(off_nadir_rad, dtype=float) - eps


def off_nadir_from_central_angle_rad(central_angle_rad, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Off-nadir angle eta of the ground point at Earth central angle lambda.

    ``tan eta = sin rho sin lambda / (1 - sin rho cos lambda)`` (the triangle of SMAD sec. 5.2).

    Valid for 0 <= lambda <= lambda_0 (up to the horizon); beyond it the point is hidden and the
    angle returned is that of a line through the Earth.
    """
    s = _sin_rho(altitude_m, earth_radius_m)
    lam = np.asarray(central_angle_rad, dtype=float)
    return np.arctan2(s * np.sin(lam), 1.0 - s * np.cos(lam))


def slant_range_m(central_angle_rad, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Distance D from the satellite to the ground point at central angle lambda (law of cosines)."""
    r = earth_radius_m + np.asarray(altitude_m, dtype=float)
    lam = np.asarray(central_angle_rad, dtype=float)
    # 2 R r (1 - cos lambda) written as 4 R r sin^2(lambda/2): no cancellation near nadir.
    return np.sqrt((r - earth_radius_m) ** 2 + 4.0 * earth_radius_m * r * np.sin(0.5 * lam) ** 2)


def swath_width_from_half_angle_m(half_angle_rad, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Ground swath width ``2 R lambda(eta)`` (great-circle arc) of a nadir cone of half-angle eta.

    NaN where the cone is wider than the Earth's disc (clamp it first with ``clamp_half_angle_rad``).
    """
    return 2.0 * earth_radius_m * central_angle_from_off_nadir_rad(half_angle_rad, altitude_m, earth_radius_m)


def half_angle_from_swath_width_rad(swath_width_m, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M):
    """Off-nadir half-angle of a swath ``swath_width_m`` wide (arc on the sphere): lambda = w / (2 R), then eta(lambda).

    Not clamped: a swath wider than the visible cap gives the angle of a line through the Earth;
    ``Sensor.off_nadir_limit_rad`` clamps it.
    """
    lam = np.asarray(swath_width_m, dtype=float) / (2.0 * earth_radius_m)
    return off_nadir_from_central_angle_rad(lam, altitude_m, earth_radius_m)


def clamp_half_angle_rad(half_angle_rad, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M, *, what="cone",
                         warn=True):
    """``min(eta, rho)``: a cone wider than the Earth's disc clamped to the horizon, with a SensorClampWarning."""
    eta, rho, height = np.broadcast_arrays(np.asarray(half_angle_rad, dtype=float),
                                           earth_angular_radius_rad(altitude_m, earth_radius_m),
                                           np.asarray(altitude_m, dtype=float))
    wide = np.flatnonzero(eta > rho) if warn else ()
    if len(wide):
        k = wide[0]
        e, r, h = eta.ravel()[k], rho.ravel()[k], height.ravel()[k]
        warn_at_caller(f"{what} half-angle {math.degrees(e):.3f} deg is wider than the Earth's disc seen from "
                       f"{h / 1e3:.1f} km (angular radius {math.degrees(r):.3f} deg): clamped to the horizon",
                       SensorClampWarning)
    return np.minimum(eta, rho)


# --- ground sample distance -------------------------------------------------------------------------

def ground_sample_distance_m(pixel_pitch_m, focal_length_m, range_m, target_elevation_rad):
    """Ground footprint of one pixel: (gsd_look_m, gsd_perpendicular_m, gsd_m).

    ``range_m`` is the slant range D (m), ``target_elevation_rad`` the satellite's elevation eps
    seen from the target. Returns ``D p / (f sin eps)`` along the look direction, ``D p / f``
    across it, and their geometric mean ``D p / (f sqrt(sin eps))`` (the module docstring and
    docs/sensors-and-eclipses.md give the derivation). NaN for eps <= 0.
    """
    across = np.asarray(range_m, dtype=float) * (pixel_pitch_m / focal_length_m)
    sin_eps = np.sin(np.asarray(target_elevation_rad, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        sin_eps = np.where(sin_eps > 0.0, sin_eps, np.nan)
        return across / sin_eps, across + 0.0 * sin_eps, across / np.sqrt(sin_eps)


# --- records ---------------------------------------------------------------------------------------

def _bad(field: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, source="sensor", field=field)


def _number(value, field: str) -> float:
    if isinstance(value, bool):
        raise _bad(field, f"expected a number, got {value!r}")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise _bad(field, f"expected a number, got {value!r}") from None
    if not math.isfinite(number):
        raise _bad(field, f"expected a finite number, got {number}")
    return number


@dataclass(frozen=True)
class Sensor:
    """An Earth-observing sensor: where it can look, when it may image, and its pixel size.

    Give exactly one field of view:

    - ``nadir_cone_half_angle_deg``: a sensor fixed at nadir, seeing a cone of this half-angle;
    - ``off_nadir_max_deg``: a pointable sensor (or an agile satellite) that can image any target
      within this off-nadir angle (its field of regard);
    - ``swath_width_m``: a nadir-pointed swath this wide on the ground (great-circle arc across the
      track); its half-angle depends on the altitude, so it is converted at every instant
      (``half_angle_from_swath_width_rad``). The swath is treated as the cone of that half-angle.

    For access the three mean the same test, off-nadir angle <= limit, with the limit clamped to
    the horizon (SensorClampWarning) when it is wider than the Earth's disc.

    ``min_target_elevation_deg``: the satellite must also be at least this high in the target's sky
    (0 by default: above the horizon of the WGS-84 ellipsoid normal).
    ``min_sun_elevation_deg``: optical imaging needs the Sun at least this high at the target;
    None (the default) puts no condition on the Sun (radar, thermal infrared).
    ``pixel_pitch_m`` and ``focal_length_m``: both or neither; with them the ground sample distance
    is computed. Raises InvalidInputError naming the field.
    """

    nadir_cone_half_angle_deg: float | None = None
    off_nadir_max_deg: float | None = None
    swath_width_m: float | None = None
    min_target_elevation_deg: float = 0.0
    min_sun_elevation_deg: float | None = None
    pixel_pitch_m: float | None = None
    focal_length_m: float | None = None
    name: str = "sensor"

    def __post_init__(self):
        given = [f for f in ("nadir_cone_half_angle_deg", "off_nadir_max_deg", "swath_width_m")
                 if getattr(self, f) is not None]
        if len(given) != 1:
            raise _bad("field of view", "give exactly one of nadir_cone_half_angle_deg, off_nadir_max_deg or "
                       f"swath_width_m, got {', '.join(given) if given else 'none'}")
        field = given[0]
        value = _number(getattr(self, field), field)
        if field == "swath_width_m":
            if not value > 0.0:
                raise _bad(field, f"expected a positive width in m, got {value} m")
        elif field == "nadir_cone_half_angle_deg":
            if not 0.0 < value < 90.0:
                raise _bad(field, f"expected a half-angle above 0 and below 90 deg, got {value} deg")
        elif not 0.0 <= value < 90.0:
            raise _bad(field, f"expected an angle from 0 to below 90 deg, got {value} deg")
        object.__setattr__(self, field, value)
        eps = _number(self.min_target_elevation_deg, "min_target_elevation_deg")
        if not 0.0 <= eps < 90.0:
            raise _bad("min_target_elevation_deg", f"expected 0 to below 90 deg, got {eps} deg")
        object.__setattr__(self, "min_target_elevation_deg", eps)
        if self.min_sun_elevation_deg is not None:
            sun = _number(self.min_sun_elevation_deg, "min_sun_elevation_deg")
            if not -90.0 <= sun <= 90.0:
                raise _bad("min_sun_elevation_deg", f"expected -90 to 90 deg, got {sun} deg")
            object.__setattr__(self, "min_sun_elevation_deg", sun)
        if (self.pixel_pitch_m is None) != (self.focal_length_m is None):
            raise _bad("pixel_pitch_m" if self.pixel_pitch_m is None else "focal_length_m",
                       "give both the pixel pitch and the focal length, or neither")
        for f in ("pixel_pitch_m", "focal_length_m"):
            if getattr(self, f) is not None:
                v = _number(getattr(self, f), f)
                if not v > 0.0:
                    raise _bad(f, f"expected a positive length in m, got {v} m")
                object.__setattr__(self, f, v)
        if not isinstance(self.name, str):
            raise _bad("name", f"expected text, got {type(self.name).__name__}")

    @property
    def has_optics(self) -> bool:
        """True when the pixel pitch and focal length are known (the GSD can be computed)."""
        return self.pixel_pitch_m is not None

    def with_changes(self, **changes) -> "Sensor":
        """A copy with some fields replaced (checked again). To switch the field of view, set the old one to None."""
        return replace(self, **changes)

    def off_nadir_limit_rad(self, altitude_m, earth_radius_m=DEFAULT_EARTH_RADIUS_M, *, warn: bool = True):
        """The largest off-nadir angle (rad) at which the sensor sees the ground, at each altitude (m).

        Cone and off-nadir limits are constant; a swath is converted with the altitude. Each is
        clamped to the Earth's disc (``clamp_half_angle_rad``), with a SensorClampWarning unless
        ``warn`` is False. ``earth_radius_m`` may be an array (the local radius under each satellite).
        """
        if self.swath_width_m is not None:
            lam = self.swath_width_m / (2.0 * np.asarray(earth_radius_m, dtype=float))
            lam0 = horizon_central_angle_rad(altitude_m, earth_radius_m)
            if warn and np.any(lam > lam0):
                warn_at_caller(f"{self.name}: swath {self.swath_width_m / 1e3:.1f} km is wider than the visible "
                               f"cap (horizon-to-horizon {2.0 * float(np.min(lam0 * earth_radius_m)) / 1e3:.1f} km at "
                               "the lowest altitude): clamped to the horizon", SensorClampWarning)
            eta = off_nadir_from_central_angle_rad(np.minimum(lam, lam0), altitude_m, earth_radius_m)
            return np.minimum(eta, earth_angular_radius_rad(altitude_m, earth_radius_m))
        degrees = self.nadir_cone_half_angle_deg if self.off_nadir_max_deg is None else self.off_nadir_max_deg
        what = f"{self.name}: " + ("nadir cone" if self.off_nadir_max_deg is None else "off-nadir limit")
        shape = np.broadcast_shapes(np.shape(altitude_m), np.shape(earth_radius_m))
        eta = np.full(shape, math.radians(degrees))
        return clamp_half_angle_rad(eta, altitude_m, earth_radius_m, what=what, warn=warn)

    def describe(self) -> str:
        if self.swath_width_m is not None:
            fov = f"swath {self.swath_width_m / 1e3:g} km"
        elif self.off_nadir_max_deg is not None:
            fov = f"off-nadir <= {self.off_nadir_max_deg:g} deg"
        else:
            fov = f"nadir cone {self.nadir_cone_half_angle_deg:g} deg"
        parts = [fov, f"target elevation >= {self.min_target_elevation_deg:g} deg"]
        if self.min_sun_elevation_deg is not None:
            parts.append(f"Sun at target >= {self.min_sun_elevation_deg:g} deg")
        if self.has_optics:
            parts.append(f"pixel {self.pixel_pitch_m * 1e6:g} um, focal length {self.focal_length_m * 1e3:g} mm")
        return f"{self.name}: " + ", ".join(parts)


@dataclass(frozen=True)
class ObserverVisibility:
    """When an observer on the ground can see a satellite with the eye or a camera.

    The satellite at least ``min_elevation_deg`` high, lit by the Sun (``requires_sunlit``: the
    Sun's centre not hidden by the Earth, in the shadow model of ``eclipses.py``), and the Sun at
    the observer at most ``max_sun_elevation_deg`` (-6 deg, the end of civil twilight, by default).
    """

    min_elevation_deg: float = 10.0
    max_sun_elevation_deg: float = -6.0
    requires_sunlit: bool = True

    def __post_init__(self):
        el = _number(self.min_elevation_deg, "min_elevation_deg")
        if not -90.0 <= el < 90.0:
            raise InvalidInputError(f"expected -90 to below 90 deg, got {el} deg", source="observer visibility",
                                    field="min_elevation_deg")
        sun = _number(self.max_sun_elevation_deg, "max_sun_elevation_deg")
        if not -90.0 <= sun <= 90.0:
            raise InvalidInputError(f"expected -90 to 90 deg, got {sun} deg", source="observer visibility",
                                    field="max_sun_elevation_deg")
        object.__setattr__(self, "min_elevation_deg", el)
        object.__setattr__(self, "max_sun_elevation_deg", sun)
        object.__setattr__(self, "requires_sunlit", bool(self.requires_sunlit))
