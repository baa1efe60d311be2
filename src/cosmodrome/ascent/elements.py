"""Osculating Keplerian elements of Cartesian states (two-body, WGS-84 GM).

Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., algorithm 9 (RV2COE).
Vectorised over rows; angles in radians.
"""

from __future__ import annotations

import numpy as np

from ..earth.constants import ALTITUDE_REFERENCE_RADIUS_M, WGS84_GM_M3_S2


def osculating_elements(position_m: np.ndarray, velocity_m_s: np.ndarray, gm_m3_s2: float = WGS84_GM_M3_S2):
    """Dict of arrays: semi_major_axis_m, eccentricity, inclination_rad, raan_rad,
    argument_of_perigee_rad, true_anomaly_rad, perigee_radius_m, apogee_radius_m."""
    r = np.atleast_2d(position_m)
    v = np.atleast_2d(velocity_m_s)
    rn = np.linalg.norm(r, axis=1)
    v2 = np.einsum("ij,ij->i", v, v)
    h = np.cross(r, v)
    hn = np.linalg.norm(h, axis=1)
    node = np.column_stack([-h[:, 1], h[:, 0], np.zeros(len(h))])
    nn = np.linalg.norm(node, axis=1)
    rv = np.einsum("ij,ij->i", r, v)
    e_vec = ((v2 - gm_m3_s2 / rn)[:, None] * r - rv[:, None] * v) / gm_m3_s2
    e = np.linalg.norm(e_vec, axis=1)
    energy = 0.5 * v2 - gm_m3_s2 / rn
    a = -gm_m3_s2 / (2.0 * energy)
    inc = np.arccos(np.clip(h[:, 2] / hn, -1.0, 1.0))
    with np.errstate(invalid="ignore", divide="ignore"):
        raan = np.where(nn > 0, np.arctan2(node[:, 1], node[:, 0]) % (2 * np.pi), 0.0)
        cos_w = np.einsum("ij,ij->i", node, e_vec) / (nn * e)
        argp = np.arccos(np.clip(cos_w, -1, 1))
        argp = np.where(e_vec[:, 2] < 0, 2 * np.pi - argp, argp)
        cos_nu = np.einsum("ij,ij->i", e_vec, r) / (e * rn)
        nu = np.arccos(np.clip(cos_nu, -1, 1))
        nu = np.where(rv < 0, 2 * np.pi - nu, nu)
    p = hn * hn / gm_m3_s2
    return {
        "semi_major_axis_m": a, "eccentricity": e, "inclination_rad": inc, "raan_rad": raan,
        "argument_of_perigee_rad": np.nan_to_num(argp), "true_anomaly_rad": np.nan_to_num(nu),
        "perigee_radius_m": p / (1.0 + e), "apogee_radius_m": np.where(e < 1, p / (1.0 - e), np.inf),
    }


def perigee_apogee_altitudes_m(position_m, velocity_m_s):
    el = osculating_elements(position_m, velocity_m_s)
    return el["perigee_radius_m"] - ALTITUDE_REFERENCE_RADIUS_M, el["apogee_radius_m"] - ALTITUDE_REFERENCE_RADIUS_M
