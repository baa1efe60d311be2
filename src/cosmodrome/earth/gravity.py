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
    r2 = x * x + y * y + z * z
    rn = np.sqrt(r2)
    mu_r3 = gm_m3_s2 / (r2 * rn)
    k = 1.5 * j2 * equatorial_radius_m**2 / r2
    z2_r2 = z * z / r2
    common = 1.0 + k * (1.0 - 5.0 * z2_r2)
    out = np.empty_like(r)
    out[..., 0] = -mu_r3 * x * common
    out[..., 1] = -mu_r3 * y * common
    out[..., 2] = -mu_r3 * z * (1.0 + k * (3.0 - 5.0 * z2_r2))
    return out
