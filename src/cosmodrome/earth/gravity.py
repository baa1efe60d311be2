"""Gravitational acceleration of the Earth: point mass plus the J2 zonal term.

Frame: any frame whose z axis is the Earth's rotation axis (ITRS, or the ascent's launch-inertial
frame, which is ITRS frozen at lift-off). Formula: Vallado, Fundamentals of Astrodynamics and
Applications, 4th ed., eq. 8-30 (J2 term of the zonal-harmonic acceleration).
"""

from __future__ import annotations

import numpy as np

from .constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_GM_M3_S2, WGS84_J2


def gravity_j2_m_s2(position_m: np.ndarray, *, gm_m3_s2: float = WGS84_GM_M3_S2,
                    j2: float = WGS84_J2,
                    equatorial_radius_m: float = WGS84_EQUATORIAL_RADIUS_M) -> np.ndarray:
    """Acceleration (m/s^2) at positions ``position_m`` of shape (..., 3), same shape out."""
    r = np.asarray(position_m, dtype=float)
    x, y, z = r[..., 0], r[..., 1], r[..., 2]
    # a = -mu r / |r|^3 * (1 + k (1 - 5 z^2/r^2)), and for z (1 + k (3 - 5 z^2/r^2)), with
    # k = 1.5 J2 R^2 / r^2. Scalars are combined first: on the few rows of an ascent, NumPy's cost
    # is per operation, not per element.
    inv_r2 = 1.0 / (x * x + y * y + z * z)
    k = (1.5 * j2 * equatorial_radius_m**2) * inv_r2
    common = 1.0 + k - 5.0 * k * (z * z * inv_r2)
    minus_mu_r3 = (-gm_m3_s2) * inv_r2 * np.sqrt(inv_r2)
    out = r * (minus_mu_r3 * common)[..., None]
    out[..., 2] = (minus_mu_r3 * (common + 2.0 * k)) * z
    return out
