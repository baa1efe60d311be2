"""WGS-84 geodetic coordinates and local frames.

Geodetic latitude is measured from the ellipsoid normal; height is above the ellipsoid.
All angles in radians, lengths in metres; every function takes scalars or arrays.
"""

from __future__ import annotations

import numpy as np

from .constants import WGS84_ECCENTRICITY_SQUARED, WGS84_EQUATORIAL_RADIUS_M


def geodetic_to_ecef(latitude_rad, longitude_rad, height_m) -> np.ndarray:
    """Earth-fixed Cartesian position (m), shape (..., 3)."""
    lat = np.asarray(latitude_rad, dtype=float)
    lon = np.asarray(longitude_rad, dtype=float)
    h = np.asarray(height_m, dtype=float)
    sin_lat = np.sin(lat)
    n = WGS84_EQUATORIAL_RADIUS_M / np.sqrt(1.0 - WGS84_ECCENTRICITY_SQUARED * sin_lat**2)
    rho = (n + h) * np.cos(lat)
    return np.stack([rho * np.cos(lon), rho * np.sin(lon),
                     (n * (1.0 - WGS84_ECCENTRICITY_SQUARED) + h) * sin_lat], axis=-1)


def ecef_to_geodetic(position_m):
    """Geodetic (latitude_rad, longitude_rad, height_m) of Earth-fixed positions (..., 3).

    Closed form of Vermeille (2011), "An analytical method to transform geocentric into geodetic
    coordinates", J. Geodesy 85:105-117; exact (no iteration) for points outside the evolute,
    i.e. anywhere more than ~43 km from the centre of the Earth.
    """
    r = np.asarray(position_m, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    a = WGS84_EQUATORIAL_RADIUS_M
    e2 = WGS84_ECCENTRICITY_SQUARED
    e4 = e2 * e2
    rho2 = x * x + y * y
    p = rho2 / (a * a)
    q = (1.0 - e2) / (a * a) * z * z
    rr = (p + q - e4) / 6.0
    s = e4 * p * q / (4.0 * rr**3)
    t = np.cbrt(1.0 + s + np.sqrt(s * (2.0 + s)))
    u = rr * (1.0 + t + 1.0 / t)
    v = np.sqrt(u * u + e4 * q)
    w = e2 * (u + v - q) / (2.0 * v)
    k = np.sqrt(u + v + w * w) - w
    d = k * np.sqrt(rho2) / (k + e2)
    hyp = np.sqrt(d * d + z * z)
    height = (k + e2 - 1.0) / k * hyp
    latitude = 2.0 * np.arctan2(z, d + hyp)
    longitude = np.arctan2(y, x)
    return latitude, longitude, height


def enu_basis(latitude_rad, longitude_rad) -> np.ndarray:
    """Unit vectors east, north, up (rows) in the Earth-fixed frame, shape (..., 3, 3)."""
    lat = np.asarray(latitude_rad, dtype=float)
    lon = np.asarray(longitude_rad, dtype=float)
    sl, cl = np.sin(lat), np.cos(lat)
    so, co = np.sin(lon), np.cos(lon)
    zero = np.zeros_like(lat * lon)
    east = np.stack([-so, co, zero + 0.0 * so], axis=-1)
    north = np.stack([-sl * co, -sl * so, cl + zero], axis=-1)
    up = np.stack([cl * co, cl * so, sl + zero], axis=-1)
    return np.stack([east, north, up], axis=-2)


def ecef_to_geodetic_height(position_m):
    """Height above the WGS-84 ellipsoid (m) of Earth-fixed positions (..., 3); shape (...).

    Only the height, for the equations of motion, where `ecef_to_geodetic` would spend most of its
    time on the latitude and longitude. Height does not depend on longitude, so any frame whose z
    axis is the rotation axis will do (the ascent's launch-inertial frame included).
    Method: one step of Bowring (1976), "Transformation from spatial to geographical coordinates",
    Survey Review 23(181):323-327, from the parametric latitude of the point, then the height
    along the normal at that latitude, h = rho cos(lat) + z sin(lat) - a sqrt(1 - e2 sin^2(lat)).
    That height is stationary in the latitude at the true latitude, so the latitude error of one
    Bowring step (below 1e-9 rad out to 10,000 km) enters only squared: within 1e-6 m of
    `ecef_to_geodetic` from -10 km to 10,000 km at every latitude (tests/earth/test_geodesy.py).
    Written with cos and sin as ratios, so the poles need no special case.
    """
    r = np.asarray(position_m, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    a = WGS84_EQUATORIAL_RADIUS_M
    e2 = WGS84_ECCENTRICITY_SQUARED
    b = a * np.sqrt(1.0 - e2)
    rho = np.sqrt(x * x + y * y)
    # Parametric latitude beta: tan(beta) = a z / (b rho).
    u = b * rho
    w = a * z
    s = np.sqrt(u * u + w * w)
    cos_beta = u / s
    sin_beta = w / s
    # Bowring: tan(lat) = (z + e'2 b sin^3 beta) / (rho - e2 a cos^3 beta) = num / den.
    num = z + (e2 / (1.0 - e2) * b) * (sin_beta * sin_beta * sin_beta)
    den = rho - (e2 * a) * (cos_beta * cos_beta * cos_beta)
    num2 = num * num
    den2 = den * den
    return (rho * den + z * num - a * np.sqrt(den2 + (1.0 - e2) * num2)) / np.sqrt(den2 + num2)
