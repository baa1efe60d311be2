"""Zonal harmonics of the Earth's gravity field (J2 ... J8): acceleration and potential.

Coefficients: EGM2008, tide-free, fully normalised C(n,0) for n = 2..8, as published in the model's
coefficient file (Pavlis, Holmes, Kenyon and Factor (2012), "The development and evaluation of the
Earth Gravitational Model 2008 (EGM2008)", J. Geophys. Res. 117, B04406; file
EGM2008_to2190_TideFree, header GM = 3.986004415e14 m^3/s^2, a = 6378136.3 m). The unnormalised
zonal coefficient is J_n = -sqrt(2n + 1) C(n,0) (the geodetic full normalisation, whose factor
is sqrt(2n + 1) for m = 0; Heiskanen and Moritz (1967), Physical Geodesy, chapter 1; the
same relation as WGS84_J2 in earth.constants). The coefficients belong with the model's own GM and radius, which are kept here
(WGS-84's GM, 3.986004418e14, differs by 7.5e-10 relative: it includes the atmosphere).

Potential (Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., eq. 8-21 with m = 0):

    U = mu/r [1 - sum_n J_n (R/r)^n P_n(u)],     u = sin(geocentric latitude) = (r . p)/|r|,

where p is the unit vector of the Earth's rotation axis. Its gradient, written with the derivatives
of the Legendre polynomials P'_n (and the identity P'_{n+1} = u P'_n + (n+1) P_n), is

    a = -mu r_hat/r^2 + sum_n J_n mu/r^2 (R/r)^n [P'_{n+1}(u) r_hat - P'_n(u) p],

which has no singularity at the poles. P_n and P'_n come from Bonnet's recursion
(n P_n = (2n-1) u P_{n-1} - (n-1) P_{n-2}) and P'_n = u P'_{n-1} + n P_{n-1}.

Frame: any frame; the pole direction ``pole`` (unit vector, default +z) is an argument, so the
kernel serves the Earth-fixed frame (pole = z) and a celestial frame such as GCRS (pole = the
celestial intermediate pole of date) alike. Units: metres, seconds. Every function takes one
position of shape (3,) or an array (..., 3).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import InvalidInputError

EGM2008_GM_M3_S2 = 3.986004415e14
EGM2008_EQUATORIAL_RADIUS_M = 6378136.3
# Fully normalised C(n,0), n = 2..8, EGM2008 tide-free (file EGM2008_to2190_TideFree).
EGM2008_NORMALISED_ZONAL_C = {
    2: -0.484165143790815e-03,
    3: 0.957161207093473e-06,
    4: 0.539965866638991e-06,
    5: 0.686702913736681e-07,
    6: -0.149953927978527e-06,
    7: 0.905120844521618e-07,
    8: 0.494756003005199e-07,
}
MAX_ZONAL_DEGREE = max(EGM2008_NORMALISED_ZONAL_C)


def zonal_coefficients(degree: int) -> np.ndarray:
    """Unnormalised EGM2008 zonal coefficients [0, 0, J2, ..., J_degree], shape (degree + 1,).

    ``degree`` 0 or 1 gives the point mass (all zeros). Raises InvalidInputError above degree 8.
    """
    if int(degree) != degree or not 0 <= degree <= MAX_ZONAL_DEGREE:
        raise InvalidInputError(
            f"zonal degree must be an integer from 0 (point mass) to {MAX_ZONAL_DEGREE}, got {degree}",
            field="zonal_degree")
    j = np.zeros(max(int(degree), 1) + 1)
    for n in range(2, int(degree) + 1):
        j[n] = -math.sqrt(2.0 * n + 1.0) * EGM2008_NORMALISED_ZONAL_C[n]
    return j


def _pole(pole, shape):
    p = np.asarray(pole, dtype=float)
    return np.broadcast_to(p, shape)


def zonal_acceleration_m_s2(position_m, j_coefficients, *, pole=(0.0, 0.0, 1.0),
                            gm_m3_s2: float = EGM2008_GM_M3_S2,
                            equatorial_radius_m: float = EGM2008_EQUATORIAL_RADIUS_M) -> np.ndarray:
    """Gravitational acceleration (m/s^2) of point mass plus zonal terms, shape of ``position_m``.

    ``position_m``: (3,) or (..., 3), geocentric, in any frame; ``pole``: unit vector of the rotation
    axis in that frame, (3,) or (..., 3); ``j_coefficients``: [J0, J1, J2, ..., JN] as from
    `zonal_coefficients` (entries 0 and 1 are ignored). Formula in the module docstring.
    Never raises; a zero position gives NaN.
    """
    r_vec = np.asarray(position_m, dtype=float)
    j = np.asarray(j_coefficients, dtype=float)
    p = _pole(pole, r_vec.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.einsum("...i,...i->...", r_vec, r_vec)
        r = np.sqrt(r2)
        u = np.einsum("...i,...i->...", r_vec, p) / r
        rr = equatorial_radius_m / r
        sum_radial = np.zeros_like(r)  # sum J_n (R/r)^n P'_{n+1}(u)
        sum_polar = np.zeros_like(r)   # sum J_n (R/r)^n P'_n(u)
        p_prev, p_n = np.ones_like(u), u       # P_0, P_1
        dp_n = np.ones_like(u)                 # P'_1
        ratio_n = rr                           # (R/r)^1
        for n in range(2, len(j) + 1):
            # Step from degree n-1 to n: P_n, P'_n (P'_n needs P_{n-1}, which is p_n here).
            p_next = ((2 * n - 1) * u * p_n - (n - 1) * p_prev) / n
            dp_next = u * dp_n + n * p_n
            # Term of degree n-1 now has both P'_{n-1} (dp_n) and P'_n (dp_next).
            if n - 1 >= 2 and j[n - 1] != 0.0:
                sum_radial = sum_radial + j[n - 1] * ratio_n * dp_next
                sum_polar = sum_polar + j[n - 1] * ratio_n * dp_n
            p_prev, p_n, dp_n = p_n, p_next, dp_next
            ratio_n = ratio_n * rr
        mu_r2 = gm_m3_s2 / r2
        radial = mu_r2 * (sum_radial - 1.0) / r   # multiplies the position vector
        return r_vec * radial[..., None] - p * (mu_r2 * sum_polar)[..., None]


def zonal_potential_m2_s2(position_m, j_coefficients, *, pole=(0.0, 0.0, 1.0),
                          gm_m3_s2: float = EGM2008_GM_M3_S2,
                          equatorial_radius_m: float = EGM2008_EQUATORIAL_RADIUS_M) -> np.ndarray:
    """Gravitational potential U (m^2/s^2, positive, so that a = grad U and the specific energy is
    v^2/2 - U) of point mass plus zonal terms; shape ``position_m.shape[:-1]``. Arguments as in
    `zonal_acceleration_m_s2`."""
    r_vec = np.asarray(position_m, dtype=float)
    j = np.asarray(j_coefficients, dtype=float)
    p = _pole(pole, r_vec.shape)
    with np.errstate(divide="ignore", invalid="ignore"):
        r = np.sqrt(np.einsum("...i,...i->...", r_vec, r_vec))
        u = np.einsum("...i,...i->...", r_vec, p) / r
        rr = equatorial_radius_m / r
        total = np.zeros_like(r)
        p_prev, p_n = np.ones_like(u), u
        ratio_n = rr
        for n in range(2, len(j)):
            p_prev, p_n = p_n, ((2 * n - 1) * u * p_n - (n - 1) * p_prev) / n
            ratio_n = ratio_n * rr
            total = total + j[n] * ratio_n * p_n
        return gm_m3_s2 / r * (1.0 - total)
