"""Keplerian elements <-> Cartesian states, anomalies, and sun-synchronous orbits (numeric kernels).

Plain functions on NumPy arrays: every argument broadcasts, SI units inside (m, s, rad), textbook
symbols (a, e, i, raan, argp, nu, mu) as in Vallado, *Fundamentals of Astrodynamics and
Applications*, 4th ed. (2013), algorithms 9 (RV2COE) and 10 (COE2RV), and section 2.2-2.3 for the
anomalies. No function raises on a bad element: it returns NaN there.

Conventions for the singular cases (the ones Vallado handles with special angles):

- circular (e < ``CIRCULAR_ECCENTRICITY``): argp = 0 and nu is the argument of latitude, measured
  from the ascending node;
- equatorial (sin i < ``EQUATORIAL_SINE``): raan = 0 and the node is taken on the x axis, so argp
  is the longitude of periapsis (measured in the direction of motion, for a retrograde orbit too);
- circular and equatorial: raan = argp = 0 and nu is the true longitude.

``keplerian_to_cartesian`` reproduces the state from these angles as they are, so the round trip
is exact in every case. Hyperbolic orbits have a < 0 and e > 1; a parabola (e = 1) cannot be
described by its semi-major axis and comes out as a = inf (from the state) or NaN (to the state).
"""

from __future__ import annotations

import numpy as np

from ..earth.constants import (SUN_MEAN_MOTION_RAD_S, WGS84_EQUATORIAL_RADIUS_M, WGS84_GM_M3_S2,
                               WGS84_J2)

CIRCULAR_ECCENTRICITY = 1e-11
EQUATORIAL_SINE = 1e-11
_TWO_PI = 2.0 * np.pi


def keplerian_to_cartesian(a_m, e, i_rad, raan_rad, argp_rad, nu_rad, mu_m3_s2=WGS84_GM_M3_S2):
    """Position (m) and velocity (m/s), each of shape broadcast(...) + (3,), from classical elements.

    Vallado (2013) algorithm 10, COE2RV: the perifocal state rotated by R3(-raan) R1(-i) R3(-argp).
    The frame is that of the elements (their reference plane and x axis). Rows with a
    non-positive semi-latus rectum p = a (1 - e^2), or a true anomaly beyond a hyperbola's
    asymptote, come out as NaN.
    """
    a, e, i, raan, argp, nu = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                                    for x in (a_m, e, i_rad, raan_rad, argp_rad, nu_rad)))
    p = a * (1.0 - e * e)
    cos_nu, sin_nu = np.cos(nu), np.sin(nu)
    denominator = 1.0 + e * cos_nu
    bad = ~((p > 0) & (denominator > 0))
    with np.errstate(invalid="ignore", divide="ignore"):
        p = np.where(bad, np.nan, p)
        radius = p / denominator
        speed_factor = np.sqrt(mu_m3_s2 / p)
    # Perifocal (PQW) components.
    r_p, r_q = radius * cos_nu, radius * sin_nu
    v_p, v_q = -speed_factor * sin_nu, speed_factor * (e + cos_nu)
    cO, sO = np.cos(raan), np.sin(raan)
    cw, sw = np.cos(argp), np.sin(argp)
    ci, si = np.cos(i), np.sin(i)
    # Columns P and Q of the rotation matrix R3(-raan) R1(-i) R3(-argp).
    P = np.stack([cO * cw - sO * sw * ci, sO * cw + cO * sw * ci, sw * si], axis=-1)
    Q = np.stack([-cO * sw - sO * cw * ci, -sO * sw + cO * cw * ci, cw * si], axis=-1)
    r = r_p[..., None] * P + r_q[..., None] * Q
    v = v_p[..., None] * P + v_q[..., None] * Q
    return r, v


def _angle_between(from_unit, to_unit, normal_unit):
    """Angle in [0, 2 pi) from one in-plane direction to another, positive about ``normal_unit``."""
    sine = np.einsum("...k,...k->...", np.cross(from_unit, to_unit), normal_unit)
    cosine = np.einsum("...k,...k->...", from_unit, to_unit)
    return np.arctan2(sine, cosine) % _TWO_PI


def cartesian_to_keplerian(r_m, v_m_s, mu_m3_s2=WGS84_GM_M3_S2):
    """Classical elements (a_m, e, i_rad, raan_rad, argp_rad, nu_rad) of states (..., 3).

    Vallado (2013) algorithm 9, RV2COE, with the angles computed by ``arctan2`` (no quadrant
    tests) and the circular/equatorial conventions of the module docstring. Angles in [0, 2 pi),
    inclination in [0, pi]. A rectilinear state (zero angular momentum) gives NaN angles.
    """
    r = np.asarray(r_m, dtype=float)
    v = np.asarray(v_m_s, dtype=float)
    r, v = np.broadcast_arrays(r, v)
    rn = np.linalg.norm(r, axis=-1)
    v2 = np.einsum("...k,...k->...", v, v)
    rv = np.einsum("...k,...k->...", r, v)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=-1)
    with np.errstate(invalid="ignore", divide="ignore"):
        h_unit = h / hn[..., None]
        e_vec = ((v2 - mu_m3_s2 / rn)[..., None] * r - rv[..., None] * v) / mu_m3_s2
        e = np.linalg.norm(e_vec, axis=-1)
        energy = 0.5 * v2 - mu_m3_s2 / rn
        a = -mu_m3_s2 / (2.0 * energy)
        h_xy = np.hypot(h[..., 0], h[..., 1])
        i = np.arctan2(h_xy, h[..., 2])
        equatorial = h_xy < EQUATORIAL_SINE * hn
        circular = e < CIRCULAR_ECCENTRICITY
        # Node direction z x h, or the x axis for an equatorial orbit.
        node = np.stack([-h[..., 1], h[..., 0], np.zeros_like(h_xy)], axis=-1) / h_xy[..., None]
        node = np.where(equatorial[..., None], np.array([1.0, 0.0, 0.0]), node)
        raan = np.where(equatorial, 0.0, np.arctan2(h[..., 0], -h[..., 1]) % _TWO_PI)
        e_unit = np.where(circular[..., None], node, e_vec / e[..., None])
        argp = np.where(circular, 0.0, _angle_between(node, e_unit, h_unit))
        nu = _angle_between(e_unit, r / rn[..., None], h_unit)
    return a, e, i, raan, argp, nu


# --- anomalies (Vallado 2013, section 2.2 and algorithms 2, 4 and 5) ------------------------------

def eccentric_to_true_anomaly(E_rad, e):
    """True anomaly (rad) from the eccentric anomaly, elliptic orbits (Vallado eq. 2-14, half-angle form)."""
    E, e = np.broadcast_arrays(np.asarray(E_rad, dtype=float), np.asarray(e, dtype=float))
    return 2.0 * np.arctan2(np.sqrt(1.0 + e) * np.sin(E / 2.0), np.sqrt(1.0 - e) * np.cos(E / 2.0))


def true_to_eccentric_anomaly(nu_rad, e):
    """Eccentric anomaly (rad) from the true anomaly, elliptic orbits (half-angle form)."""
    nu, e = np.broadcast_arrays(np.asarray(nu_rad, dtype=float), np.asarray(e, dtype=float))
    return 2.0 * np.arctan2(np.sqrt(1.0 - e) * np.sin(nu / 2.0), np.sqrt(1.0 + e) * np.cos(nu / 2.0))


def eccentric_to_mean_anomaly(E_rad, e):
    """Mean anomaly (rad): Kepler's equation M = E - e sin E."""
    E = np.asarray(E_rad, dtype=float)
    return E - np.asarray(e, dtype=float) * np.sin(E)


def mean_to_eccentric_anomaly(M_rad, e, tolerance_rad=1e-15, max_iterations=50):
    """Eccentric anomaly (rad) solving Kepler's equation M = E - e sin E, 0 <= e < 1, vectorised.

    Newton's method from Danby's starter E0 = M + 0.85 e sign(sin M) (Danby 1987, *Celestial
    Mechanics* 40, 303), which converges for every M and e < 1. The answer keeps the revolution
    count of M (E - M stays in [-pi, pi]). Rows that do not converge, or with e outside [0, 1),
    are NaN.
    """
    M, e = np.broadcast_arrays(np.asarray(M_rad, dtype=float), np.asarray(e, dtype=float))
    turns = np.round(M / _TWO_PI)
    m = M - turns * _TWO_PI  # in [-pi, pi]
    E = m + 0.85 * e * np.sign(np.sin(m))
    done = np.zeros(E.shape, dtype=bool)
    for _ in range(max_iterations):
        f = E - e * np.sin(E) - m
        fp = 1.0 - e * np.cos(E)
        step = f / fp
        E = np.where(done, E, E - step)
        # Converged when the step is negligible, or when the residual is at rounding level (near
        # e = 1 and M = 0 the derivative is tiny and rounding keeps the step from shrinking further).
        done |= (np.abs(step) <= tolerance_rad * np.maximum(1.0, np.abs(E))) | (np.abs(f) <= 1e-15)
        if done.all():
            break
    bad = ~done | ~((e >= 0) & (e < 1)) | ~np.isfinite(M)
    return np.where(bad, np.nan, E + turns * _TWO_PI)


def hyperbolic_to_true_anomaly(F_rad, e):
    """True anomaly (rad) from the hyperbolic anomaly, e > 1 (Vallado eq. 2-35, half-angle form)."""
    F, e = np.broadcast_arrays(np.asarray(F_rad, dtype=float), np.asarray(e, dtype=float))
    with np.errstate(invalid="ignore"):
        return 2.0 * np.arctan(np.sqrt((e + 1.0) / (e - 1.0)) * np.tanh(F / 2.0))


def true_to_hyperbolic_anomaly(nu_rad, e):
    """Hyperbolic anomaly (rad) from the true anomaly, e > 1; NaN beyond the asymptotes."""
    nu, e = np.broadcast_arrays(np.asarray(nu_rad, dtype=float), np.asarray(e, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore"):
        return 2.0 * np.arctanh(np.sqrt((e - 1.0) / (e + 1.0)) * np.tan(nu / 2.0))


def hyperbolic_to_mean_anomaly(F_rad, e):
    """Hyperbolic mean anomaly M = e sinh F - F."""
    F = np.asarray(F_rad, dtype=float)
    return np.asarray(e, dtype=float) * np.sinh(F) - F


def mean_to_hyperbolic_anomaly(M_rad, e, tolerance_rad=1e-15, max_iterations=100):
    """Hyperbolic anomaly (rad) solving M = e sinh F - F for e > 1, vectorised.

    Newton's method from F0 = asinh(M / e) (which bounds the root from below in magnitude, so the
    convex iteration converges monotonically). NaN where not converged or e <= 1.
    """
    M, e = np.broadcast_arrays(np.asarray(M_rad, dtype=float), np.asarray(e, dtype=float))
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        F = np.arcsinh(M / e)
        done = np.zeros(F.shape, dtype=bool)
        for _ in range(max_iterations):
            step = (e * np.sinh(F) - F - M) / (e * np.cosh(F) - 1.0)
            F = np.where(done, F, F - step)
            done |= np.abs(step) <= tolerance_rad * np.maximum(1.0, np.abs(F))
            if done.all():
                break
    bad = ~done | ~(e > 1) | ~np.isfinite(M)
    return np.where(bad, np.nan, F)


def mean_to_true_anomaly(M_rad, e):
    """True anomaly (rad) from the mean anomaly, for elliptic (e < 1) and hyperbolic (e > 1) rows.

    Elliptic results keep the revolution count of M; NaN for e = 1 or where Kepler's equation fails.
    """
    M, e = np.broadcast_arrays(np.asarray(M_rad, dtype=float), np.asarray(e, dtype=float))
    elliptic = e < 1
    turns = np.round(M / _TWO_PI)
    with np.errstate(invalid="ignore"):
        ee = np.where(elliptic, e, 0.5)
        # Solve on the reduced angle (E - 2 pi k lies in [-pi, pi]) and put the turns back.
        E = mean_to_eccentric_anomaly(M - turns * _TWO_PI, ee)
        nu_e = eccentric_to_true_anomaly(E, ee) + turns * _TWO_PI
        eh = np.where(e > 1, e, 2.0)
        nu_h = hyperbolic_to_true_anomaly(mean_to_hyperbolic_anomaly(M, eh), eh)
    return np.where(elliptic, nu_e, np.where(e > 1, nu_h, np.nan))


def true_to_mean_anomaly(nu_rad, e):
    """Mean anomaly (rad) from the true anomaly, for elliptic (e < 1) and hyperbolic (e > 1) rows.

    Elliptic results keep the revolution count of nu; NaN for e = 1 or beyond a hyperbola's asymptotes.
    """
    nu, e = np.broadcast_arrays(np.asarray(nu_rad, dtype=float), np.asarray(e, dtype=float))
    elliptic = e < 1
    with np.errstate(invalid="ignore"):
        ee = np.where(elliptic, e, 0.5)
        reduced = np.remainder(nu + np.pi, _TWO_PI) - np.pi
        E = true_to_eccentric_anomaly(reduced, ee)
        M_e = eccentric_to_mean_anomaly(E, ee) + (nu - reduced)
        eh = np.where(e > 1, e, 2.0)
        M_h = hyperbolic_to_mean_anomaly(true_to_hyperbolic_anomaly(nu, eh), eh)
    return np.where(elliptic, M_e, np.where(e > 1, M_h, np.nan))


# --- periods, rates, sun-synchronous orbits ---------------------------------------------------------

def orbital_period_s(a_m, mu_m3_s2=WGS84_GM_M3_S2):
    """Keplerian period 2 pi sqrt(a^3 / mu) in seconds (NaN for a <= 0)."""
    a = np.asarray(a_m, dtype=float)
    with np.errstate(invalid="ignore"):
        return _TWO_PI * np.sqrt(np.where(a > 0, a, np.nan) ** 3 / mu_m3_s2)


def j2_nodal_rate_rad_s(a_m, e, i_rad, mu_m3_s2=WGS84_GM_M3_S2, j2=WGS84_J2,
                        equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M):
    """Secular RAAN rate under J2 (rad/s): -3/2 n J2 (R/p)^2 cos i (Vallado 2013 eq. 9-41; Brouwer 1959).

    ``a_m`` and ``e`` are mean elements; n = sqrt(mu / a^3) is their Keplerian mean motion.
    """
    a = np.asarray(a_m, dtype=float)
    e = np.asarray(e, dtype=float)
    n = np.sqrt(mu_m3_s2 / a**3)
    p = a * (1.0 - e * e)
    return -1.5 * n * j2 * (equatorial_radius_m / p) ** 2 * np.cos(i_rad)


def sun_synchronous_inclination_rad(a_m, e=0.0, mu_m3_s2=WGS84_GM_M3_S2, j2=WGS84_J2,
                                    equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M,
                                    node_rate_rad_s=SUN_MEAN_MOTION_RAD_S):
    """Inclination (rad) whose J2 nodal rate equals the mean Sun's 360 deg per 365.2422 days.

    Solves j2_nodal_rate_rad_s(a, e, i) = node_rate for cos i (Vallado 2013, section 11.4.1).
    NaN where no inclination can do it (orbits above about 12,350 km for e = 0).
    """
    a = np.asarray(a_m, dtype=float)
    e = np.asarray(e, dtype=float)
    rate_at_cos_1 = j2_nodal_rate_rad_s(a, e, 0.0, mu_m3_s2, j2, equatorial_radius_m)
    cos_i = node_rate_rad_s / rate_at_cos_1
    with np.errstate(invalid="ignore"):
        return np.where(np.abs(cos_i) <= 1.0, np.arccos(np.clip(cos_i, -1.0, 1.0)), np.nan)
