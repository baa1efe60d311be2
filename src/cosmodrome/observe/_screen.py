"""Kernels of the pass search: look angles with their rates, and bounds that prove where a satellite
cannot be (or must be) above the mask between two samples. Plain NumPy on arrays, SI units.

Notation for one satellite and one site (all in ITRS, the site fixed on the Earth):
d = r_sat - r_site (m), rho = |d|, u = d / rho, s = up . u = sin(elevation) with ``up`` the WGS-84
ellipsoid normal at the site. V bounds |d'| = |v_itrs| and A bounds |d''| = |a_itrs| over the
whole window (``orbit_bounds``). Then, between two samples (the derivation is in docs/passes.md):

- range:     |rho'| <= V,   -A <= rho'' <= A + V^2 / rho
- elevation: |s''| <= |u''| <= A / rho + (2 / sqrt 3) V^2 / rho^2

so on a gap of length D with values and first derivatives known at both ends, s and rho lie under
(over) the lower envelope of two parabolas of that curvature drawn from the two ends
(``quadratic_upper_bound``); the curvature bound needs a lower bound of rho on the gap, which comes
from the same construction with rho'' >= -A.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from ..earth.constants import WGS84_GM_M3_S2, WGS84_ROTATION_RATE_RAD_S

# SGP4 is defined with WGS-72 (mu = 398600.8 km^3/s^2); the bounds only need an upper value.
_MU_M3_S2 = max(WGS84_GM_M3_S2, 398600.8e9)
# An upper bound of the Earth's rotation rate (rad/s): the WGS-84 value plus LOD and GMST-rate margin.
OMEGA_BOUND_RAD_S = WGS84_ROTATION_RATE_RAD_S * 1.0001
# Margins that cover what the two-body bounds leave out: radius range, energy and angular momentum
# (J2 short-period terms, drag and luni-solar terms over a window of days), and the accelerations
# other than central gravity (J2 is 1.5 J2 (R/r)^2 ~ 0.2 % of it; drag and third bodies < 1e-4 m/s^2).
_RADIUS_MARGIN = 0.02
_ENERGY_MARGIN = 0.01
_SPEED_MARGIN = 1.01
_SPEED_FLOOR_M_S = 30.0
_GRAVITY_MARGIN = 1.01
_ACCEL_FLOOR_M_S2 = 1e-3


def orbit_bounds(r_teme, v_teme):
    """Upper bounds (V m/s, A m/s^2) of |v_itrs| and |a_itrs| of each satellite over a window.

    ``r_teme``, ``v_teme``: (n_sat, n_time, 3) TEME states (m, m/s) sampled over the window (rows of
    NaN, where SGP4 failed, are ignored). From the osculating two-body elements at each sample:
    radius range [r_min, r_max] (perigee and apogee, widened by 2 %), largest specific energy E and
    smallest z angular momentum h_z. With omega the Earth's rotation rate,

        |v_itrs|^2 = v^2 - 2 omega h_z + omega^2 (x^2 + y^2) <= 2 (E + mu / r) - 2 omega h_z + omega^2 r^2,

    a convex function of r, so its largest value is at r_min or r_max (v = v_teme; x, y TEME
    components; h_z is conserved by the zonal field). And
    |a_itrs| <= mu / r_min^2 + 2 omega V + omega^2 r_max. Margins are listed in the module; a
    satellite with no valid sample gets NaN.
    """
    r = np.asarray(r_teme, dtype=float)
    v = np.asarray(v_teme, dtype=float)
    radius = np.sqrt(np.sum(r * r, axis=-1))
    speed2 = np.sum(v * v, axis=-1)
    energy = 0.5 * speed2 - _MU_M3_S2 / radius
    h = np.cross(r, v)
    h_norm = np.sqrt(np.sum(h * h, axis=-1))
    h_z = h[..., 2]
    with np.errstate(invalid="ignore", divide="ignore"):
        a = -_MU_M3_S2 / (2.0 * energy)
        p = h_norm ** 2 / _MU_M3_S2
        ecc = np.sqrt(np.clip(1.0 - p / a, 0.0, None))
        r_p = a * (1.0 - ecc)
        r_a = np.where(energy < 0.0, a * (1.0 + ecc), np.inf)
    with np.errstate(invalid="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN rows (SGP4 failed throughout) give NaN
        r_min = np.nanmin(np.minimum(r_p, radius), axis=-1) * (1.0 - _RADIUS_MARGIN)
        r_max = np.nanmax(np.maximum(r_a, radius), axis=-1) * (1.0 + _RADIUS_MARGIN)
        e_max = np.nanmax(energy, axis=-1)
        e_max = e_max + _ENERGY_MARGIN * np.abs(e_max)
        hz_min = np.nanmin(h_z, axis=-1) - _ENERGY_MARGIN * np.nanmax(h_norm, axis=-1)
    w = OMEGA_BOUND_RAD_S
    w_low = WGS84_ROTATION_RATE_RAD_S * 0.9999

    def speed2_at(rr):
        # -2 omega h_z is largest with the smallest omega when h_z > 0, the largest when h_z < 0.
        coriolis = np.where(hz_min > 0.0, -2.0 * w_low * hz_min, -2.0 * w * hz_min)
        return 2.0 * (e_max + _MU_M3_S2 / rr) + coriolis + (w * rr) ** 2

    with np.errstate(invalid="ignore", over="ignore"):
        v2 = np.maximum(speed2_at(r_min), np.where(np.isfinite(r_max), speed2_at(r_max), np.inf))
        speed = np.sqrt(np.clip(v2, 0.0, None)) * _SPEED_MARGIN + _SPEED_FLOOR_M_S
        accel = _MU_M3_S2 / r_min ** 2 * _GRAVITY_MARGIN + 2.0 * w * speed + w * w * r_max + _ACCEL_FLOOR_M_S2
    return speed, accel


@dataclass(frozen=True, eq=False)
class Look:
    """A satellite seen from a site, with rates (arrays of one shape).

    ``sin_elevation`` and its rate (1/s); ``range_m`` and ``range_rate_m_s``; ``azimuth_rad`` in
    [0, 2 pi) clockwise from north and its rate (rad/s); ``elevation_rad``.
    """

    sin_elevation: np.ndarray
    sin_elevation_rate: np.ndarray
    range_m: np.ndarray
    range_rate_m_s: np.ndarray
    azimuth_rad: np.ndarray
    azimuth_rate_rad_s: np.ndarray
    elevation_rad: np.ndarray


def look(r_itrs, v_itrs, site_m, east, north, up) -> Look:
    """Look quantities of ITRS states (..., 3) from a site at ``site_m`` (..., 3) with unit vectors
    ``east``, ``north``, ``up`` (..., 3) (broadcast against the states)."""
    d = r_itrs - site_m
    de = np.sum(d * east, axis=-1)
    dn = np.sum(d * north, axis=-1)
    du = np.sum(d * up, axis=-1)
    ve = np.sum(v_itrs * east, axis=-1)
    vn = np.sum(v_itrs * north, axis=-1)
    vu = np.sum(v_itrs * up, axis=-1)
    horizontal2 = de * de + dn * dn
    rho = np.sqrt(horizontal2 + du * du)
    with np.errstate(invalid="ignore", divide="ignore"):
        rho_dot = (de * ve + dn * vn + du * vu) / rho
        s = du / rho
        s_dot = (vu - s * rho_dot) / rho
        az_dot = (ve * dn - vn * de) / horizontal2
    az = np.mod(np.arctan2(de, dn), 2.0 * np.pi)
    elevation = np.arcsin(np.clip(s, -1.0, 1.0))
    return Look(s, s_dot, rho, rho_dot, az, az_dot, elevation)


def sin_elevation_acceleration(r_itrs, v_itrs, site_m, up):
    """Approximate second derivative of sin(elevation) (1/s^2), for Newton steps towards a maximum.

    Uses central gravity plus the Coriolis and centrifugal terms for the acceleration in ITRS (no
    J2, no polar-motion tilt: a ~0.1 % error that only slows Newton's convergence, never moves the
    root, which is that of the exact rate).
    """
    w = WGS84_ROTATION_RATE_RAD_S
    radius = np.sqrt(np.sum(r_itrs * r_itrs, axis=-1))
    acc = -_MU_M3_S2 * r_itrs / radius[..., None] ** 3
    acc[..., 0] += 2.0 * w * v_itrs[..., 1] + w * w * r_itrs[..., 0]
    acc[..., 1] += -2.0 * w * v_itrs[..., 0] + w * w * r_itrs[..., 1]
    d = r_itrs - site_m
    rho = np.sqrt(np.sum(d * d, axis=-1))
    u = d / rho[..., None]
    rho_dot = np.sum(u * v_itrs, axis=-1)
    u_dot = (v_itrs - rho_dot[..., None] * u) / rho[..., None]
    u_dot2 = np.sum(u_dot * u_dot, axis=-1)
    acc_along = np.sum(acc * u, axis=-1)
    u_ddot = (acc - acc_along[..., None] * u) / rho[..., None] - u_dot2[..., None] * u \
        - 2.0 * (rho_dot / rho)[..., None] * u_dot
    return np.sum(u_ddot * up, axis=-1)


def quadratic_upper_bound(fa, da, fb, db, curvature, span):
    """Largest value f can take on [0, span] given f, f' at both ends and |f''| <= curvature.

    f(t) <= fa + da t + c t^2 / 2 and f(t) <= fb - db (span - t) + c (span - t)^2 / 2; the two
    parabolas have the same curvature, so they cross once, at t*, and the bound is the largest of
    min(both) at 0, t* and span. Infinite curvature gives +inf. Arrays of one shape (or scalars).
    """
    c, h = curvature, span
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        half_ch2 = 0.5 * c * h * h
        c1 = da - db + c * h
        t_star = np.clip((fb - fa - db * h + half_ch2) / c1, 0.0, h)
        t_star = np.where(np.isfinite(t_star), t_star, 0.0)
        rest = h - t_star
        mid = np.minimum(fa + t_star * (da + 0.5 * c * t_star), fb - rest * (db - 0.5 * c * rest))
        at_b = np.minimum(fa + da * h + half_ch2, fb)
        at_a = np.minimum(fa, fb - db * h + half_ch2)
        bound = np.maximum(np.maximum(at_a, at_b), mid)
    return np.where(np.isfinite(c), bound, np.inf)


def quadratic_lower_bound(fa, da, fb, db, curvature, span):
    """Smallest value f can take on [0, span]: minus the upper bound of -f."""
    return -quadratic_upper_bound(-fa, -da, -fb, -db, curvature, span)


def derivative_lower_bound(da, db, curvature, span):
    """Smallest value f' can take on [0, span] given f' at both ends and |f''| <= curvature."""
    c, h = curvature, span
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        t_star = np.clip((da - db + c * h) / (2.0 * c), 0.0, h)
        t_star = np.where(np.isfinite(t_star), t_star, 0.0)
        value = np.maximum(da - c * t_star, db - c * (h - t_star))
        bound = np.minimum(np.minimum(da, db), value)
    return np.where(np.isfinite(c), bound, -np.inf)


def range_lower_bound(rho_a, rho_dot_a, rho_b, rho_dot_b, accel, span):
    """Smallest range on a gap, from rho'' >= -A (the same two-parabola construction)."""
    return quadratic_lower_bound(rho_a, rho_dot_a, rho_b, rho_dot_b, accel, span)


_TWO_OVER_ROOT3 = 2.0 / 3.0 ** 0.5


def sin_elevation_curvature(rho_low, speed, accel):
    """Bound of |d^2 sin(elevation) / dt^2| on a gap where the range stays above rho_low (1/s^2).

    With u = d / rho: u'' = (d'' - (u.d'') u) / rho - 2 rho' u' / rho - |u'|^2 u, the first two
    terms across u and the last along it. Writing x = rho |u'| and y = |rho'| (x^2 + y^2 = |d'|^2
    <= V^2): |u''| <= A / rho + sqrt((2 x y)^2 + x^4) / rho^2, and the largest x^2 (x^2 + 4 y^2)
    on that circle is 4 V^4 / 3 (at x^2 = 2 V^2 / 3), so |u''| <= A / rho + (2 / sqrt 3) V^2 / rho^2.
    """
    with np.errstate(divide="ignore", invalid="ignore"):
        c = accel / rho_low + _TWO_OVER_ROOT3 * speed * speed / (rho_low * rho_low)
    return np.where(rho_low > 0.0, c, np.inf)
