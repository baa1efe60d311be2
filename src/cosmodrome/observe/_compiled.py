"""Compiled (numba) twins of the pass search's two hot kernels; the NumPy code is the reference.

Why: bench/bench_passes.py (10,000 satellites, one day) showed the NumPy work around each SGP4 call
costing more than the call itself: about 1 us per sample for the Earth rotation and look angles
(~40 array passes over temporaries) and 0.3 us per gap for the bounds that classify it. Here each
is one loop over scalars:

- ``rotate_and_look``  <- ``_states.EarthRotation.teme_to_itrs`` followed by ``_screen.look``;
- ``gap_status``       <- ``passes._gap_status_numpy`` (with ``_screen.quadratic_upper_bound``,
  ``quadratic_lower_bound``, ``derivative_lower_bound``, ``range_lower_bound`` and
  ``sin_elevation_curvature``), the same tests in the same order.

tests/observe/test_passes_kernels.py checks that both paths agree (to rounding for the look
quantities, exactly for the gap classes on real and random inputs) and that ``find_passes`` gives
the same passes with either. Functions compile on first use; cache=True keeps the machine code
under __pycache__ for the next process.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

_TWO_OVER_ROOT3 = 2.0 / 3.0 ** 0.5
_TWO_PI = 2.0 * math.pi


@njit(cache=True)
def rotate_and_look(t, r_teme, v_teme, site_index, offset_s, spacing_s, gmst, rate, polar, use_polar,
                    site_position, east, north, up):
    """ITRS states and look quantities of TEME states (n, 3) at times t (n,) from sites site_index (n,).

    Earth rotation tables as ``EarthRotation`` holds them (nodes every ``spacing_s`` from
    ``offset_s``; ``polar`` (count, 9) row-major matrices). Returns r_itrs, v_itrs (n, 3) and
    sin(el), its rate, range, range rate, azimuth [0, 2 pi), azimuth rate, elevation (n,).
    """
    n = t.shape[0]
    last = gmst.shape[0] - 2
    r_out = np.empty((n, 3))
    v_out = np.empty((n, 3))
    s_out = np.empty(n)
    sd_out = np.empty(n)
    rho_out = np.empty(n)
    rd_out = np.empty(n)
    az_out = np.empty(n)
    azd_out = np.empty(n)
    el_out = np.empty(n)
    for k in range(n):
        tk = t[k] - offset_s
        index = int(math.floor(tk / spacing_s))
        if index < 0:
            index = 0
        elif index > last:
            index = last
        frac = (tk - index * spacing_s) / spacing_s
        theta = gmst[index] + (gmst[index + 1] - gmst[index]) * frac
        w = rate[index] + (rate[index + 1] - rate[index]) * frac
        c = math.cos(theta)
        s = math.sin(theta)
        x, y, z = r_teme[k, 0], r_teme[k, 1], r_teme[k, 2]
        px = c * x + s * y
        py = c * y - s * x
        vx, vy, vz = v_teme[k, 0], v_teme[k, 1], v_teme[k, 2]
        qx = c * vx + s * vy + w * py
        qy = c * vy - s * vx - w * px
        if use_polar:
            for i in range(3):
                m0 = polar[index, 3 * i] + (polar[index + 1, 3 * i] - polar[index, 3 * i]) * frac
                m1 = polar[index, 3 * i + 1] + (polar[index + 1, 3 * i + 1] - polar[index, 3 * i + 1]) * frac
                m2 = polar[index, 3 * i + 2] + (polar[index + 1, 3 * i + 2] - polar[index, 3 * i + 2]) * frac
                r_out[k, i] = m0 * px + m1 * py + m2 * z
                v_out[k, i] = m0 * qx + m1 * qy + m2 * vz
        else:
            r_out[k, 0], r_out[k, 1], r_out[k, 2] = px, py, z
            v_out[k, 0], v_out[k, 1], v_out[k, 2] = qx, qy, vz
        j = site_index[k]
        d0 = r_out[k, 0] - site_position[j, 0]
        d1 = r_out[k, 1] - site_position[j, 1]
        d2 = r_out[k, 2] - site_position[j, 2]
        de = d0 * east[j, 0] + d1 * east[j, 1] + d2 * east[j, 2]
        dn = d0 * north[j, 0] + d1 * north[j, 1] + d2 * north[j, 2]
        du = d0 * up[j, 0] + d1 * up[j, 1] + d2 * up[j, 2]
        ve = v_out[k, 0] * east[j, 0] + v_out[k, 1] * east[j, 1] + v_out[k, 2] * east[j, 2]
        vn = v_out[k, 0] * north[j, 0] + v_out[k, 1] * north[j, 1] + v_out[k, 2] * north[j, 2]
        vu = v_out[k, 0] * up[j, 0] + v_out[k, 1] * up[j, 1] + v_out[k, 2] * up[j, 2]
        horizontal2 = de * de + dn * dn
        rho = math.sqrt(horizontal2 + du * du)
        rho_dot = (de * ve + dn * vn + du * vu) / rho
        se = du / rho
        s_out[k] = se
        sd_out[k] = (vu - se * rho_dot) / rho
        rho_out[k] = rho
        rd_out[k] = rho_dot
        azd_out[k] = (ve * dn - vn * de) / horizontal2 if horizontal2 > 0.0 else math.nan
        az = math.atan2(de, dn)
        if az < 0.0:
            az += _TWO_PI
        if az >= _TWO_PI:
            az -= _TWO_PI
        az_out[k] = az
        el_out[k] = math.asin(min(1.0, max(-1.0, se))) if se == se else math.nan
    return r_out, v_out, s_out, sd_out, rho_out, rd_out, az_out, azd_out, el_out


@njit(cache=True)
def _upper(fa, da, fb, db, c, h):
    # _screen.quadratic_upper_bound for one gap with finite inputs.
    if not math.isfinite(c):
        return math.inf
    half = 0.5 * c * h * h
    c1 = da - db + c * h
    if c1 != 0.0:
        t = (fb - fa - db * h + half) / c1
    else:
        numerator = fb - fa - db * h + half
        t = math.inf if numerator > 0.0 else (-math.inf if numerator < 0.0 else math.nan)
    if t != t:
        t = 0.0
    t = min(max(t, 0.0), h)
    rest = h - t
    mid = min(fa + t * (da + 0.5 * c * t), fb - rest * (db - 0.5 * c * rest))
    at_b = min(fa + da * h + half, fb)
    at_a = min(fa, fb - db * h + half)
    return max(max(at_a, at_b), mid)


@njit(cache=True)
def _derivative_low(da, db, c, h):
    # _screen.derivative_lower_bound for one gap with finite inputs.
    if not math.isfinite(c):
        return -math.inf
    t = (da - db + c * h) / (2.0 * c)
    if t != t:
        t = 0.0
    t = min(max(t, 0.0), h)
    value = max(da - c * t, db - c * (h - t))
    return min(min(da, db), value)


@njit(cache=True)
def gap_status(t, s, sd, rho, rd, g, ia, ib, sat, site, speed, accel, sin_low, sin_high, max_range, simple,
               h_min):
    """(invisible, split) of the gaps between samples ia and ib: passes._gap_status_numpy, gap by gap."""
    n = ia.shape[0]
    invisible = np.zeros(n, dtype=np.bool_)
    split = np.zeros(n, dtype=np.bool_)
    for k in range(n):
        a = ia[k]
        b = ib[k]
        ga, gb = g[a], g[b]
        if not (math.isfinite(ga) and math.isfinite(gb)):
            invisible[k] = True
            continue
        i = sat[k]
        j = site[k]
        h = t[b] - t[a]
        v = speed[i]
        acc = accel[i]
        sa, sb, sda, sdb = s[a], s[b], sd[a], sd[b]
        rho_low = -_upper(-rho[a], -rd[a], -rho[b], -rd[b], acc, h)
        if rho_low > 0.0:
            c = acc / rho_low + _TWO_OVER_ROOT3 * v * v / (rho_low * rho_low)
        else:
            c = math.inf
        s_high = _upper(sa, sda, sb, sdb, c, h)
        below = ga < 0.0 and gb < 0.0
        if (below and s_high < sin_low[j]) or rho_low > max_range[j]:
            invisible[k] = True
            continue
        rising = _derivative_low(sda, sdb, c, h) > 0.0
        setting = _derivative_low(-sda, -sdb, c, h) > 0.0
        monotone = rising or setting
        top = max(sa, sb) if monotone else s_high
        if below and top < sin_low[j]:
            invisible[k] = True
            continue
        low = min(sa, sb) if monotone else -_upper(-sa, -sda, -sb, -sdb, c, h)
        if rho_low > 0.0:
            rho_high = _upper(rho[a], rd[a], rho[b], rd[b], acc + v * v / rho_low, h)
        else:
            rho_high = math.inf
        in_range = rho_high <= max_range[j]
        visible = low >= sin_high[j] and in_range and ga >= 0.0 and gb >= 0.0
        single = simple[j] and in_range and monotone
        short = h <= h_min
        split[k] = not (visible or single or short)
    return invisible, split
