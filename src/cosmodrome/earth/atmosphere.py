"""US Standard Atmosphere 1976, from -5 km to 1,000 km geometric altitude (extrapolated above).

Source: NOAA/NASA/USAF, "U.S. Standard Atmosphere, 1976", NOAA-S/T 76-1562 (NASA-TM-X-74335),
October 1976. Equation and table numbers below are those of Part 1 of that document.

Below 86 km the model is the standard's exact definition:
- geopotential altitude H = r0 Z / (r0 + Z), r0 = 6,356,766 m (eq. 18);
- seven layers of linear molecular-scale temperature T_M in H (Table 4);
- pressure from the hypsometric formulas (eqs. 33a, 33b); the layer-base pressures are computed
  from those formulas at import, not typed in;
- density rho = P M0 / (R* T_M) (eq. 42), speed of sound sqrt(gamma R* T_M / M0) (eq. 50);
- kinetic temperature T = T_M * M/M0 with the ratio M/M0 of Table 8 (80 to 86 km, linear between
  its 0.5 km entries; 1 below 80 km).

Above 86 km the standard is defined by the number densities of six species, which take a
numerical integration. Here instead:
- kinetic temperature follows the standard's defining segments exactly (eqs. 23-31: isothermal
  86-91 km, elliptical 91-110 km, linear 110-120 km, exponential above 120 km with T_inf = 1000 K);
- density is interpolated log-linearly (piecewise exponential) between the standard's Table I
  values at 1 km spacing to 100 km, 2 km to 150 km, 5 km to 300 km, 10-20 km to 480 km and
  25 km to 1000 km (`_UPPER_DENSITY_NODES`; 4 significant figures as printed);
- pressure comes from the hydrostatic equation dP/dZ = -rho g(Z), g = g0 (r0/(r0+Z))^2,
  integrated downward over that density from the tabulated 1000 km pressure (7.5138e-9 Pa).
Accuracy against the standard's Table I (tests/earth/test_atmosphere.py): density equals the
printed value at every node (0.05 %, the print precision) and between nodes within about 0.5 %
(leave-one-out at double spacing: 1.7 % at worst, near the 110 km kink);
pressure within 1 % from 86 to 1000 km (0.5 % at 100 km, < 0.15 % above); temperature exact (0.01 K).
- speed of sound above 86 km uses the kinetic temperature with gamma = 1.4 and M0 (it only
  feeds the Mach number of a drag coefficient there, where drag is negligible).
Above 1000 km density and pressure continue the exponential of the last table interval.
Below -5 km the layer-1 formula is extrapolated.

`us1976` is the reference. The flight integrator uses `us1976_table`, a fine table built from it at
import (within 2e-6 relative; see the comment above that function).
"""

from __future__ import annotations

import numpy as np

# Defining constants (Table 2 and section 1.2 of the standard).
G0_PRIME = 9.80665  # m^2 / (s^2 m'), geopotential metre
R_STAR = 8314.32  # N m / (kmol K)
M0 = 28.9644  # kg / kmol
R0_M = 6356766.0  # m, effective Earth radius for geopotential (eq. 18)
GAMMA = 1.4
T0_K = 288.15
P0_PA = 101325.0

# Table 4: base geopotential heights H_b (m') and molecular-scale temperature gradients (K/m').
_H_BASE = np.array([0.0, 11000.0, 20000.0, 32000.0, 47000.0, 51000.0, 71000.0])
_LAPSE = np.array([-0.0065, 0.0, 0.0010, 0.0028, 0.0, -0.0028, -0.0020])
_Z_86_M = 86000.0


def _layer_bases():
    """Base T_M and P of each layer, from the hypsometric formulas (eqs. 33a/33b)."""
    t_base = np.empty(7)
    p_base = np.empty(7)
    t_base[0], p_base[0] = T0_K, P0_PA
    for b in range(6):
        dh = _H_BASE[b + 1] - _H_BASE[b]
        t_top = t_base[b] + _LAPSE[b] * dh
        if _LAPSE[b] == 0.0:
            p_top = p_base[b] * np.exp(-G0_PRIME * M0 * dh / (R_STAR * t_base[b]))
        else:
            p_top = p_base[b] * (t_base[b] / t_top) ** (G0_PRIME * M0 / (R_STAR * _LAPSE[b]))
        t_base[b + 1], p_base[b + 1] = t_top, p_top
    return t_base, p_base


_T_BASE, _P_BASE = _layer_bases()
_IS_ISOTHERMAL = _LAPSE == 0.0
# Exponent of eq. 33a per layer; unused (set to 1) on isothermal layers.
_POWER = G0_PRIME * M0 / (R_STAR * np.where(_IS_ISOTHERMAL, 1.0, _LAPSE))
_ISO_SCALE = G0_PRIME * M0 / (R_STAR * _T_BASE)  # 1/m', for eq. 33b

# Table 8: M/M0 from 80 to 86 km geometric altitude, every 0.5 km.
_MRATIO_Z = np.arange(80000.0, 86001.0, 500.0)
_MRATIO = np.array([1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
                    0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579])

# Upper-atmosphere temperature segments (section 1.2.5, eqs. 23-31), geometric Z in m.
_T7_K = 186.8673  # kinetic temperature at 86 km (= T_M(86 km) * 0.999579)
_Z8, _Z9, _Z10 = 91000.0, 110000.0, 120000.0
_TC_K, _A_K, _A_M = 263.1905, -76.3232, -19942.9  # elliptical segment 91-110 km
_T9_K, _LK9 = 240.0, 0.012  # K and K/m, linear segment 110-120 km
_T10_K, _TINF_K = 360.0, 1000.0
_LAMBDA = 0.01875e-3  # 1/m

# Table I of the standard, geometric altitude (m) and density (kg/m^3) as printed (4 figures).
# Pages 68-73 of NOAA-S/T 76-1562.
_UPPER_DENSITY_NODES = np.array([
    (86e3, 6.958e-6), (87e3, 5.824e-6), (88e3, 4.875e-6), (89e3, 4.081e-6), (90e3, 3.416e-6),
    (91e3, 2.860e-6), (92e3, 2.393e-6), (93e3, 2.000e-6), (94e3, 1.670e-6), (95e3, 1.393e-6),
    (96e3, 1.162e-6), (97e3, 9.685e-7), (98e3, 8.071e-7), (99e3, 6.725e-7), (100e3, 5.604e-7),
    (102e3, 3.935e-7), (104e3, 2.769e-7), (106e3, 1.954e-7), (108e3, 1.381e-7), (110e3, 9.708e-8),
    (112e3, 6.838e-8), (114e3, 4.975e-8), (116e3, 3.720e-8), (118e3, 2.847e-8), (120e3, 2.222e-8),
    (122e3, 1.767e-8), (124e3, 1.428e-8), (126e3, 1.171e-8), (128e3, 9.717e-9), (130e3, 8.152e-9),
    (132e3, 6.904e-9), (134e3, 5.897e-9), (136e3, 5.074e-9), (138e3, 4.396e-9), (140e3, 3.831e-9),
    (142e3, 3.358e-9), (144e3, 2.958e-9), (146e3, 2.618e-9), (148e3, 2.326e-9), (150e3, 2.076e-9),
    (155e3, 1.585e-9), (160e3, 1.233e-9), (165e3, 9.750e-10), (170e3, 7.815e-10),
    (175e3, 6.339e-10), (180e3, 5.194e-10), (185e3, 4.295e-10), (190e3, 3.581e-10),
    (195e3, 3.006e-10), (200e3, 2.541e-10), (205e3, 2.160e-10), (210e3, 1.846e-10),
    (215e3, 1.585e-10), (220e3, 1.367e-10), (225e3, 1.184e-10), (230e3, 1.029e-10),
    (235e3, 8.979e-11), (240e3, 7.858e-11), (245e3, 6.898e-11), (250e3, 6.073e-11),
    (255e3, 5.360e-11), (260e3, 4.742e-11), (265e3, 4.206e-11), (270e3, 3.738e-11),
    (275e3, 3.329e-11), (280e3, 2.971e-11), (285e3, 2.656e-11), (290e3, 2.378e-11),
    (295e3, 2.133e-11), (300e3, 1.916e-11), (310e3, 1.552e-11), (320e3, 1.264e-11),
    (340e3, 8.503e-12), (360e3, 5.805e-12), (380e3, 4.013e-12), (400e3, 2.803e-12),
    (420e3, 1.975e-12), (440e3, 1.402e-12), (460e3, 1.002e-12), (480e3, 7.208e-13),
    (500e3, 5.215e-13), (525e3, 3.509e-13), (550e3, 2.384e-13), (575e3, 1.637e-13),
    (600e3, 1.137e-13), (625e3, 7.998e-14), (650e3, 5.712e-14), (675e3, 4.148e-14),
    (700e3, 3.070e-14), (725e3, 2.318e-14), (750e3, 1.788e-14), (775e3, 1.410e-14),
    (800e3, 1.136e-14), (825e3, 9.339e-15), (850e3, 7.824e-15), (875e3, 6.664e-15),
    (900e3, 5.759e-15), (925e3, 5.038e-15), (950e3, 4.453e-15), (975e3, 3.968e-15),
    (1000e3, 3.561e-15),
])
_P_1000KM_PA = 7.5138e-9  # Table I, 1000 km


def _upper_nodes():
    """Node altitudes, ln(density) and ln(pressure) with the slopes of each interval."""
    z = _UPPER_DENSITY_NODES[:, 0]
    ln_rho = np.log(_UPPER_DENSITY_NODES[:, 1])
    # Hydrostatic integral of the log-linear density over each interval, Gauss-Legendre with
    # 16 points (the integrand is smooth; far below the 0.05 % print precision of the nodes).
    x, w = np.polynomial.legendre.leggauss(16)
    za, zb = z[:-1], z[1:]
    half = 0.5 * (zb - za)
    zq = 0.5 * (za + zb)[:, None] + half[:, None] * x[None, :]
    slope = np.diff(ln_rho) / np.diff(z)
    rho_q = np.exp(ln_rho[:-1, None] + slope[:, None] * (zq - za[:, None]))
    g_q = G0_PRIME * (R0_M / (R0_M + zq)) ** 2
    dp = (rho_q * g_q * w[None, :]).sum(axis=1) * half
    p = _P_1000KM_PA + np.concatenate([np.cumsum(dp[::-1])[::-1], [0.0]])
    ln_p = np.log(p)
    return z, ln_rho, slope, ln_p, np.diff(ln_p) / np.diff(z)


_UZ, _ULN_RHO, _URHO_SLOPE, _ULN_P, _UP_SLOPE = _upper_nodes()


def _upper_temperature(z):
    """Kinetic temperature (K) above 86 km from the standard's defining segments."""
    t = np.full_like(z, _T7_K)
    ell = (z > _Z8) & (z <= _Z9)
    arg = np.clip(1.0 - ((z - _Z8) / _A_M) ** 2, 0.0, None)
    t = np.where(ell, _TC_K + _A_K * np.sqrt(arg), t)
    lin = (z > _Z9) & (z <= _Z10)
    t = np.where(lin, _T9_K + _LK9 * (z - _Z9), t)
    xi = (z - _Z10) * (R0_M + _Z10) / (R0_M + z)
    t = np.where(z > _Z10, _TINF_K - (_TINF_K - _T10_K) * np.exp(-_LAMBDA * xi), t)
    return t


def us1976(altitude_m):
    """(temperature_K, pressure_Pa, density_kg_m3, speed_of_sound_m_s) at geometric altitudes (m).

    altitude_m: geometric altitude above mean sea level, a scalar or an array of any shape.
    Returns four arrays of that shape (0-d for a scalar). Temperature is the kinetic temperature.
    Valid -5 km to 1000 km (see the module docstring for the model above 86 km); outside that it
    extrapolates and never raises.
    """
    z = np.asarray(altitude_m, dtype=float)
    h = R0_M * z / (R0_M + z)
    b = np.clip(np.searchsorted(_H_BASE, h, side="right") - 1, 0, 6)
    dh = h - _H_BASE[b]
    t_m = _T_BASE[b] + _LAPSE[b] * dh
    # Far above 86 km the layer-7 line goes negative; those elements are replaced below.
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        p = _P_BASE[b] * np.where(_IS_ISOTHERMAL[b], np.exp(-_ISO_SCALE[b] * dh),
                                  (_T_BASE[b] / t_m) ** _POWER[b])
        rho = p * (M0 / R_STAR) / t_m
        sound = np.sqrt((GAMMA * R_STAR / M0) * t_m)
    t = t_m * np.interp(z, _MRATIO_Z, _MRATIO, left=1.0)
    upper = z > _Z_86_M
    if np.any(upper):
        i = np.clip(np.searchsorted(_UZ, z, side="right") - 1, 0, len(_UZ) - 2)
        dz = z - _UZ[i]
        t_up = _upper_temperature(z)
        t = np.where(upper, t_up, t)
        rho = np.where(upper, np.exp(_ULN_RHO[i] + _URHO_SLOPE[i] * dz), rho)
        p = np.where(upper, np.exp(_ULN_P[i] + _UP_SLOPE[i] * dz), p)
        sound = np.where(upper, np.sqrt((GAMMA * R_STAR / M0) * t_up), sound)
    return t, p, rho, sound


# ---------------------------------------------------------------------------------------------
# Tabulated form for the flight integrator.
#
# The exact model above costs 30-60 us per call on the few-element arrays an ascent evaluates (NumPy
# overhead of its branches), four times per RK4 step. `us1976_table` interpolates a table built
# once at import from `us1976` itself: nodes every 50 m from -10 km to 1000 km (10 m from 91 to
# 110 km, where the elliptical temperature segment bends sharply), plus a node at every
# point where the exact model has a kink or a jump (the geometric altitudes of the layer bases of
# Table 4, the 0.5 km entries of Table 8, 86 km, and the density nodes above 86 km), so that no
# interval straddles one. Within an interval, ln(pressure) and ln(density) are linear in altitude
# (exact above 86 km, where the model itself is piecewise exponential between those nodes) and
# temperature and speed of sound are linear. Each interval is built from the exact values a
# micrometre inside its ends, so a jump at a node (86 km) is reproduced on both sides.
# Error against `us1976` (tests/earth/test_atmosphere.py): below 2e-6 relative for all four
# outputs from -10 km to 10,000 km; the bound of interpolation error, h^2/8 * |d2 ln p/dz2| with
# h = 50 m, is about 1.2e-6 near the ground, where the curvature is largest.
# Beyond the ends it extrapolates the end intervals: above 1000 km one interval reaching to
# 10,000 km keeps density and pressure on the exact model's exponential and temperature within
# 3e-4 K of the model's (both are within 3e-4 K of T_inf there); below -10 km the layer-1 curve is
# continued log-linearly, which the exact model does not do (no flight goes there).
_TABLE_STEP_M = 50.0
_TABLE_INSIDE_M = 1e-6


def _table_nodes() -> np.ndarray:
    regular = np.arange(-10e3, 1000e3 + 0.5 * _TABLE_STEP_M, _TABLE_STEP_M)
    # The elliptical temperature segment (91-110 km) bends sharply near its top: 10 m there.
    elliptical = np.arange(_Z8, _Z9, 10.0)
    layer_bases_z = R0_M * _H_BASE / (R0_M - _H_BASE)  # eq. 18 inverted
    kinks = np.concatenate([layer_bases_z, _MRATIO_Z, [_Z_86_M, _Z8, _Z9, _Z10], _UZ, [10_000e3]])
    return np.unique(np.concatenate([regular, elliptical, kinks]))


def _table_coefficients():
    """Per interval, intercept and slope in z of (T, ln p, ln rho, sound); shapes (N-1, 4)."""
    z = _table_nodes()
    lo, hi = z[:-1] + _TABLE_INSIDE_M, z[1:] - _TABLE_INSIDE_M

    def values(at):
        t, p, rho, sound = us1976(at)
        return np.column_stack([t, np.log(p), np.log(rho), sound])

    v_lo, v_hi = values(lo), values(hi)
    slope = (v_hi - v_lo) / (hi - lo)[:, None]
    return z, v_lo - slope * lo[:, None], slope


_TABLE_Z_M, _TABLE_C0, _TABLE_C1 = _table_coefficients()
# Interior nodes only: searchsorted then yields interval indices 0..N-2 with no clipping, the end
# intervals extending to +-infinity (and NaN landing in the last one, giving NaN).
_TABLE_EDGES_M = _TABLE_Z_M[1:-1].copy()


def us1976_table(altitude_m):
    """US Standard Atmosphere 1976 interpolated from a fine table: same call and returns as
    `us1976`, (temperature_K, pressure_Pa, density_kg_m3, speed_of_sound_m_s).

    Within 2e-6 relative of `us1976` from -10 km to 10,000 km (the table is described above this
    function); about five times cheaper on small arrays (6 us against 30 us for two altitudes). For the flight integrator; `us1976` stays the
    reference. Never raises; NaN altitudes give NaN.
    """
    z = np.asarray(altitude_m, dtype=float)
    # side="left": an altitude exactly on a node takes the interval below it, as `us1976` takes
    # exactly 86 km from its lower definition.
    i = np.searchsorted(_TABLE_EDGES_M, z, side="left")
    v = _TABLE_C0[i] + _TABLE_C1[i] * z[..., None]
    log_values = np.exp(v[..., 1:3])
    return v[..., 0], log_values[..., 0], log_values[..., 1], v[..., 3]


def us1976_table_coefficients():
    """The table behind `us1976_table`, for compiled code that interpolates it itself.

    Returns (edges_m (N-2,), intercepts (N-1, 4), slopes (N-1, 4)): interval k covers altitudes z
    with edges_m[k-1] < z <= edges_m[k] (the end intervals reach to -+infinity), and there the
    columns (temperature_K, ln pressure_Pa, ln density_kg_m3, speed_of_sound_m_s) are
    intercepts[k] + slopes[k] * z. Copies; the module's own arrays are not exposed.
    """
    return _TABLE_EDGES_M.copy(), _TABLE_C0.copy(), _TABLE_C1.copy()
