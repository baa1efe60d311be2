"""Eclipses of satellites by the Earth: umbra and penumbra entry and exit, beta angle, eclipse seasons.

Shadow model (conical; Montenbruck & Gill, *Satellite Orbits* (2000), sec. 3.4.2): the Sun and the
Earth are discs seen from the satellite, of angular radii

    a = asin(R_sun / |s - r|)      (the Sun; R_sun = 695,700 km, IAU 2015 Resolution B3)
    b = asin(R_earth / |r|)        (the Earth)

and separated by the angle c between the directions to the Sun's centre and to the Earth's centre.
The satellite is in penumbra or umbra when ``c < a + b`` (part of the Sun hidden), in umbra when
``c < b - a`` (all of it hidden), and the Sun's centre is hidden when ``c < b``. Each event is the sign
change of one continuous switching function, ``c - (a + b)``, ``c - (b - a)`` or ``c - b`` (radians),
found on a screen and refined by root finding to 0.1 ms. The fraction of the Sun's disc that is
visible is the overlap of two circles of radii a and b at distance c (M&G sec. 3.4.2); the discs are
treated as flat, which the small Sun (0.27 deg) makes harmless.

Earth shape (``EarthShape``):

- ``OBLATE`` (default): the WGS-84 ellipsoid (a = 6,378,137 m, b = 6,356,752.314 m). The
  geometry is scaled along the Earth's axis by a/b, which turns the ellipsoid into a sphere of radius
  a; an affine map keeps straight lines straight, so a ray that grazes the ellipsoid grazes the
  sphere and the shadow boundary is exact for the Sun's centre. The Sun itself becomes a slightly
  stretched sphere that is treated as round: its apparent radius is off by at most 0.34 % (1.6e-5
  rad), which moves penumbra and umbra boundaries by at most ~15 ms on a low orbit (less than the
  atmosphere, which no model here includes). The axis is the z axis of TEME (the true pole of
  date), in which SGP4 positions come out.
- ``SPHERICAL``: a sphere of the WGS-84 equatorial radius a.

Sun: ``cosmodrome.ephemeris.sun_position_gcrs_m`` (ERFA epv00, geometric, no light time),
rotated into TEME on a 10-minute table and interpolated linearly (direction error < 1e-9 rad).
Satellites: SGP4 from TLE/OMM records (``cosmodrome.orbits.sgp4_source``), TEME.

Search: each satellite is sampled at a step of about 1/50 of its period, or less where an eccentric
orbit's perigee needs it (0.1 rad of motion at most; 10 s to 10 min), and
every sign change of a switching function is refined with exact SGP4 states. A switching function
that stays positive at the samples but dips between them (a grazing eclipse at the edge of a
season) is caught by minimising it around each sampled local minimum that a parabola puts within
0.01 rad of zero, so short penumbral eclipses are found too.

Beta angle: the elevation of the Sun above the orbit plane, ``beta = asin(h . s)`` with h the unit
orbit normal (r x v in TEME) and s the unit geocentric Sun direction.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

import numpy as np
import pandas as pd
from sgp4.api import Satrec

from ..earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M
from ..ephemeris import sun_position_gcrs_m
from ..errors import InvalidInputError
from ..frames import frame_rotations, gcrs_to_teme
from ..orbits.sgp4_source import Sgp4Propagator
from ..time import Time
from ._states import STALE_ELEMENTS_DAYS, SatelliteStates, StaleElementsWarning, warn_if_stale  # noqa: F401 (re-exported)

SUN_RADIUS_M = 695_700_000.0  # IAU 2015 Resolution B3, nominal solar radius
SECONDS_PER_DAY = 86400.0
ROOT_TOLERANCE_S = 1e-4       # width of the final bracket of every refined event
_SUN_TABLE_STEP_S = 600.0
_DIP_MARGIN_RAD = 0.01        # sampled minima a parabola puts this close to zero are searched
_NICE_STEPS_S = (10.0, 15.0, 20.0, 30.0, 60.0, 120.0, 180.0, 300.0, 600.0)
_MAX_SCREEN_SAMPLES = 2_000_000  # satellite-times per screen chunk (~150 MB of float64 arrays)
_BETA_SAMPLE_S = 600.0           # the beta angle is kept about every 10 min


class EarthShape(str, Enum):
    """The Earth's shape in the shadow model."""

    OBLATE = "oblate"        # WGS-84 ellipsoid (polar axis scaled by a/b)
    SPHERICAL = "spherical"  # sphere of the WGS-84 equatorial radius


# --- kernels ---------------------------------------------------------------------------------------

def earth_shape_of(value) -> EarthShape:
    """``EarthShape`` from an enum member or its text; InvalidInputError naming the choices otherwise."""
    try:
        return EarthShape(value)
    except ValueError:
        raise InvalidInputError(f"expected 'oblate' or 'spherical', got {value!r}", field="earth_shape") from None


def _polar_scale(earth_shape: EarthShape) -> float:
    return WGS84_EQUATORIAL_RADIUS_M / WGS84_POLAR_RADIUS_M if earth_shape_of(earth_shape) is EarthShape.OBLATE \
        else 1.0


def shadow_angles_rad(satellite_m, sun_m, earth_shape: EarthShape = EarthShape.OBLATE):
    """Angular radii of the Sun and the Earth and their separation, seen from the satellite.

    ``satellite_m`` and ``sun_m``: geocentric positions (m), shapes broadcasting to (..., 3), on
    axes whose z is the Earth's rotation axis (TEME, true of date or ITRS). Returns
    (sun_radius_rad, earth_radius_rad, separation_rad), each (...). With ``EarthShape.OBLATE`` the
    angles are those of the space scaled along z by a/b (see the module docstring).
    """
    r = np.array(satellite_m, dtype=float, copy=True)
    s = np.array(sun_m, dtype=float, copy=True)
    scale = _polar_scale(earth_shape)
    if scale != 1.0:
        r[..., 2] *= scale
        s[..., 2] *= scale
    to_sun = s - r
    to_earth = -r
    d_sun = np.sqrt(np.sum(to_sun * to_sun, axis=-1))
    d_earth = np.sqrt(np.sum(to_earth * to_earth, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        sun_radius = np.arcsin(np.minimum(SUN_RADIUS_M / d_sun, 1.0))
        earth_radius = np.arcsin(np.minimum(WGS84_EQUATORIAL_RADIUS_M / d_earth, 1.0))
    cross = np.cross(to_earth, to_sun)
    separation = np.arctan2(np.sqrt(np.sum(cross * cross, axis=-1)), np.sum(to_earth * to_sun, axis=-1))
    return sun_radius, earth_radius, separation


def penumbra_function_rad(sun_radius_rad, earth_radius_rad, separation_rad):
    """``c - (a + b)``: negative when any part of the Sun is hidden (penumbra or umbra)."""
    return separation_rad - (sun_radius_rad + earth_radius_rad)


def umbra_function_rad(sun_radius_rad, earth_radius_rad, separation_rad):
    """``c - (b - a)``: negative when the whole Sun is hidden (umbra)."""
    return separation_rad - (earth_radius_rad - sun_radius_rad)


def sun_centre_function_rad(sun_radius_rad, earth_radius_rad, separation_rad):
    """``c - b``: negative when the Sun's centre is hidden by the Earth."""
    return separation_rad - earth_radius_rad


def sunlit_fraction(sun_radius_rad, earth_radius_rad, separation_rad):
    """Fraction of the Sun's disc that the satellite sees (0 in umbra, 1 in full sunlight).

    Overlap of two flat discs of radii a (Sun) and b (Earth) at distance c (Montenbruck & Gill
    2000, sec. 3.4.2): ``x = (c^2 + a^2 - b^2) / (2 c)``, ``y = sqrt(a^2 - x^2)``,
    ``A = a^2 acos(x / a) + b^2 acos((c - x) / b) - c y``, fraction ``1 - A / (pi a^2)``.
    """
    a, b, c = np.broadcast_arrays(np.asarray(sun_radius_rad, dtype=float), np.asarray(earth_radius_rad, dtype=float),
                                  np.asarray(separation_rad, dtype=float))
    out = np.ones(a.shape)
    umbra = c <= b - a
    annular = c <= a - b  # the Earth inside the Sun's disc: only beyond the umbra's tip, 1.4 million km out
    partial = (c < a + b) & ~umbra & ~annular
    out[umbra] = 0.0
    out[annular] = 1.0 - (b[annular] / a[annular]) ** 2
    ap, bp, cp = a[partial], b[partial], c[partial]
    x = (cp * cp + ap * ap - bp * bp) / (2.0 * cp)
    y = np.sqrt(np.maximum(ap * ap - x * x, 0.0))
    area = ap * ap * np.arccos(np.clip(x / ap, -1.0, 1.0)) + bp * bp * np.arccos(np.clip((cp - x) / bp, -1.0, 1.0)) \
        - cp * y
    out[partial] = 1.0 - area / (math.pi * ap * ap)
    out[np.isnan(c) | np.isnan(a) | np.isnan(b)] = np.nan
    return out


def beta_angle_rad(position_m, velocity_m_s, sun_m):
    """Beta angle: the Sun's elevation above the orbit plane, ``asin(h . s)`` (rad), shapes (..., 3) -> (...).

    ``h`` is the unit orbit normal ``r x v``, ``s`` the unit geocentric Sun direction; all three
    vectors on the same inertial axes (TEME or GCRS).
    """
    h = np.cross(np.asarray(position_m, dtype=float), np.asarray(velocity_m_s, dtype=float))
    s = np.asarray(sun_m, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        dot = np.sum(h * s, axis=-1) / np.sqrt(np.sum(h * h, axis=-1) * np.sum(s * s, axis=-1))
    return np.arcsin(np.clip(dot, -1.0, 1.0))


# --- search machinery shared with opportunities.py -------------------------------------------------

def _check_window(start, duration_s) -> float:
    if not isinstance(start, Time) or start.shape != ():
        raise InvalidInputError(f"expected a single Time for the start of the window, got {start!r}", field="start")
    if isinstance(duration_s, bool):
        raise InvalidInputError(f"expected a number of seconds, got {duration_s!r}", field="duration_s")
    try:
        duration = float(duration_s)
    except (TypeError, ValueError):
        raise InvalidInputError(f"expected a number of seconds, got {duration_s!r}", field="duration_s") from None
    if not math.isfinite(duration) or duration <= 0.0:
        raise InvalidInputError(f"the time window must have a positive length, got {duration_s!r} s "
                                "(a window of zero or negative length has nothing to search)", field="duration_s")
    return duration


def _catalogue(satellites):
    """(list of sgp4 Satrec, catalogue numbers int64) of an Sgp4Propagator, one record or a sequence.

    Records are ``MeanElementsGP`` (TLE/OMM) or ``sgp4`` Satrecs. Raises InvalidInputError for an
    empty sequence or an item of another type, or from ``MeanElementsGP.to_satrec``.
    """
    if isinstance(satellites, Sgp4Propagator):
        # Its Satrecs are private; the searches need them to evaluate each satellite at its own times.
        return list(satellites._satrecs), satellites.satellite_ids
    if hasattr(satellites, "to_satrec") or isinstance(satellites, Satrec):
        satellites = [satellites]
    if not isinstance(satellites, Sequence) or isinstance(satellites, str) or len(satellites) == 0:
        raise InvalidInputError("expected a non-empty list of mean-element records (TLE or OMM)", field="satellites")
    return _satrecs_and_ids(satellites)


def _period_s(satrec) -> float:
    """Period (s) from a Satrec's Kozai mean motion (rad/min)."""
    return 2.0 * math.pi / float(satrec.no_kozai) * 60.0


def _screen_step_s(satrec, per_orbit: float = 50.0) -> float:
    """Screen step (s) of a satellite: the largest of 10, 15, 20, 30 s, 1, 2, 3, 5, 10 min that fits
    ``per_orbit`` times in a period and is at most 0.1 rad of the angular motion at perigee (two-body,
    from the mean motion and eccentricity), so that an eccentric orbit is sampled finely where it is fast.
    """
    period = _period_s(satrec)
    e = min(float(satrec.ecco), 0.99)
    # At perigee the angular rate is n sqrt(1 + e) / (1 - e)^1.5 (two-body: h / r_p^2).
    rate = 2.0 * math.pi / period * math.sqrt(1.0 + e) / (1.0 - e) ** 1.5
    target = min(period / per_orbit, 0.1 / rate)
    fitting = [s for s in _NICE_STEPS_S if s <= target]
    return fitting[-1] if fitting else _NICE_STEPS_S[0]


def _window_grid_s(duration_s: float, step_s: float) -> np.ndarray:
    """Offsets 0, step, 2 step, ... and the window's end exactly (the last interval may be shorter)."""
    n = int(math.ceil(duration_s / step_s - 1e-9))
    grid = np.arange(n + 1, dtype=float) * step_s
    grid[-1] = duration_s
    return grid


class _SunTable:
    """The Sun's geocentric position on TEME axes, tabulated every 10 min and interpolated linearly.

    The Sun moves 0.04 deg in 10 minutes, so the chord of a linear interpolation is off its arc by
    under 1e-9 rad in direction and 10 m in distance.
    """

    def __init__(self, start: Time, duration_s: float):
        n = int(math.ceil(duration_s / _SUN_TABLE_STEP_S)) + 3
        self._offsets = (np.arange(n, dtype=float) - 1.0) * _SUN_TABLE_STEP_S
        times = start + self._offsets
        rotations = frame_rotations(times)
        self._teme, _ = gcrs_to_teme(rotations, sun_position_gcrs_m(times))

    def teme_m(self, offsets_s) -> np.ndarray:
        t = np.asarray(offsets_s, dtype=float)
        return np.stack([np.interp(t, self._offsets, self._teme[:, k]) for k in range(3)], axis=-1)


def _satrecs_and_ids(records):
    """(list of sgp4 Satrec, catalogue numbers int64) of MeanElementsGP records or Satrecs.

    Raises InvalidInputError for an item of another type, or from ``MeanElementsGP.to_satrec``
    (elements of another theory, such as SGP4-XP).
    """
    satrecs, ids = [], []
    for k, record in enumerate(records):
        if isinstance(record, Satrec):
            satrecs.append(record)
            ids.append(int(record.satnum))
        elif hasattr(record, "to_satrec") and hasattr(record, "catalogue_number"):
            satrecs.append(record.to_satrec())
            ids.append(int(record.catalogue_number))
        else:
            raise InvalidInputError(f"satellite {k}: expected mean elements from a TLE or OMM (MeanElementsGP) "
                                    f"or an sgp4 Satrec, got {type(record).__name__}", field="satellites")
    return satrecs, np.array(ids, dtype=np.int64)


def _refine_roots(evaluate, index, lo_s, hi_s, g_lo, g_hi, tolerance_s=ROOT_TOLERANCE_S):
    """Roots of ``evaluate(index, offsets_s)`` in brackets [lo, hi] whose ends have opposite signs.

    Every bracket at once: the Illinois variant of regula falsi (Dowell & Jarratt 1971), with a
    bisection every third step so that each bracket at least halves every three evaluations. Stops
    when a bracket is narrower than ``tolerance_s`` (or the function is exactly zero) and returns
    its middle. A NaN from ``evaluate`` (a satellite that stopped propagating) ends that bracket.
    """
    a = np.array(lo_s, dtype=float)
    b = np.array(hi_s, dtype=float)
    fa = np.array(g_lo, dtype=float)
    fb = np.array(g_hi, dtype=float)
    index = np.asarray(index)
    root = np.full(a.shape, np.nan)
    active = np.abs(b - a) > tolerance_s
    root[~active] = 0.5 * (a[~active] + b[~active])
    step = 0
    while np.any(active):
        k = np.flatnonzero(active)
        ak, bk, fak, fbk = a[k], b[k], fa[k], fb[k]
        low, high = np.minimum(ak, bk), np.maximum(ak, bk)
        with np.errstate(invalid="ignore", divide="ignore"):
            x = (ak * fbk - bk * fak) / (fbk - fak)
        bisect = ~np.isfinite(x) | (x <= low) | (x >= high) | (step % 3 == 2)
        x = np.where(bisect, 0.5 * (low + high), x)
        fx = np.asarray(evaluate(index[k], x), dtype=float)
        crossed = np.sign(fx) != np.sign(fbk)
        a[k] = np.where(crossed, bk, ak)
        fa[k] = np.where(crossed, fbk, 0.5 * fak)
        b[k], fb[k] = x, fx
        done = (np.abs(b[k] - a[k]) <= tolerance_s) | (fx == 0.0) | np.isnan(fx)
        root[k[done]] = np.where(fx[done] == 0.0, x[done], 0.5 * (a[k[done]] + b[k[done]]))
        active[k[done]] = False
        step += 1
    return root


def _minimise(evaluate, index, lo_s, hi_s, iterations: int):
    """Golden-section search for the minimum of ``evaluate(index, t)`` on each [lo, hi]: (t_min, f_min).

    Assumes one minimum in each interval; after n iterations the interval is 0.618^n of its width.
    """
    ratio = (math.sqrt(5.0) - 1.0) / 2.0
    lo = np.array(lo_s, dtype=float)
    hi = np.array(hi_s, dtype=float)
    c = hi - ratio * (hi - lo)
    d = lo + ratio * (hi - lo)
    fc = np.asarray(evaluate(index, c), dtype=float)
    fd = np.asarray(evaluate(index, d), dtype=float)
    for _ in range(iterations):
        left = ~(fc > fd)  # keep [lo, d] (NaN counts as left: it shrinks towards the start)
        hi = np.where(left, d, hi)
        lo = np.where(left, lo, c)
        new = np.where(left, hi - ratio * (hi - lo), lo + ratio * (hi - lo))
        fnew = np.asarray(evaluate(index, new), dtype=float)
        c, d, fc, fd = (np.where(left, new, d), np.where(left, c, new),
                        np.where(left, fnew, fd), np.where(left, fc, fnew))
    take_c = ~(fc > fd)
    return np.where(take_c, c, d), np.where(take_c, fc, fd)


def _sign_changes(g):
    """(row, k) where g changes sign between samples k and k+1 (both finite); g shape (n_rows, n_samples)."""
    inside = g < 0.0
    finite = np.isfinite(g)
    change = (inside[:, 1:] != inside[:, :-1]) & finite[:, 1:] & finite[:, :-1]
    return np.nonzero(change)


def _dips(g, offsets_s):
    """(row, k) of sampled local minima of g that stay positive but may dip below zero between samples.

    A parabola through samples k-1, k, k+1 estimates the minimum; candidates are kept when it is
    below ``_DIP_MARGIN_RAD`` plus a tenth of the local rise (a generous allowance for shapes that
    are not parabolic).
    """
    if g.shape[1] < 3:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    left, mid, right = g[:, :-2], g[:, 1:-1], g[:, 2:]
    t0, t1, t2 = offsets_s[:-2], offsets_s[1:-1], offsets_s[2:]
    with np.errstate(invalid="ignore", divide="ignore"):
        is_min = (mid > 0.0) & (left > 0.0) & (right > 0.0) & (mid <= left) & (mid < right)  # one per plateau
        # Vertex of the parabola through the three points (non-uniform spacing allowed).
        h1, h2 = t1 - t0, t2 - t1
        d1, d2 = (mid - left) / h1, (right - mid) / h2
        curvature = (d2 - d1) / (0.5 * (h1 + h2))
        slope_mid = (d1 * h2 + d2 * h1) / (h1 + h2)
        vertex = mid - np.where(curvature > 0.0, 0.5 * slope_mid ** 2 / curvature, np.inf)
        rise = np.maximum(left, right) - mid
        keep = is_min & (vertex < _DIP_MARGIN_RAD + 0.1 * rise)
    rows, k = np.nonzero(keep)
    return rows, k + 1


def _runs_to_intervals(entries, exits, inside_at_start: bool, duration_s: float):
    """Pair sorted entry and exit times into intervals [(start, end, starts_at_edge, ends_at_edge)]."""
    events = sorted([(t, 1) for t in entries] + [(t, -1) for t in exits])
    intervals = []
    open_at = 0.0 if inside_at_start else None
    open_edge = inside_at_start
    for t, kind in events:
        if kind == 1 and open_at is None:
            open_at, open_edge = t, False
        elif kind == -1 and open_at is not None:
            intervals.append((open_at, t, open_edge, False))
            open_at = None
    if open_at is not None:
        intervals.append((open_at, duration_s, open_edge, True))
    return intervals


def _iso(start: Time, offsets_s) -> list:
    offsets = np.asarray(offsets_s, dtype=float)
    if offsets.size == 0:
        return []
    return list((start + offsets).utc_iso(decimals=3))


# --- eclipse search --------------------------------------------------------------------------------

@dataclass(frozen=True)
class _SatelliteShadow:
    """Penumbra and umbra intervals of one satellite, as offsets (s) from the window start."""

    satellite: int
    penumbra: list          # [(start_s, end_s, starts_at_edge, ends_at_edge)]
    umbra: list
    grid_s: np.ndarray      # offsets (s) at which the beta angle is kept (about every 10 min)
    beta_rad: np.ndarray    # beta angle at those offsets
    period_s: float


def _shadow_search(satellites, start: Time, duration_s: float, earth_shape: EarthShape) -> list[_SatelliteShadow]:
    earth_shape = earth_shape_of(earth_shape)
    satrecs, ids = _catalogue(satellites)
    warn_if_stale(satrecs, ids, start, duration_s)
    states = SatelliteStates(satrecs, start)
    sun = _SunTable(start, duration_s)
    periods = np.array([_period_s(r) for r in satrecs])
    steps = np.array([_screen_step_s(r) for r in satrecs])

    def switching(which):
        def evaluate(index, offsets):
            position, _ = states.pairs(index, offsets)
            angles = shadow_angles_rad(position, sun.teme_m(offsets), earth_shape)
            return which(*angles)
        return evaluate

    functions = (penumbra_function_rad, umbra_function_rad)
    results = [None] * len(satrecs)
    for step in np.unique(steps):
        grid = _window_grid_s(duration_s, float(step))
        keep = slice(None, None, max(1, int(round(_BETA_SAMPLE_S / step))))
        group = np.flatnonzero(steps == step)
        chunk = max(1, _MAX_SCREEN_SAMPLES // len(grid))
        for c0 in range(0, len(group), chunk):
            members = group[c0:c0 + chunk]
            position, velocity = states.grid(members, grid)
            sun_grid = sun.teme_m(grid)
            angles = shadow_angles_rad(position, sun_grid[None], earth_shape)
            beta = beta_angle_rad(position[:, keep], velocity[:, keep], sun_grid[None, keep])
            del position, velocity
            found = [_shadow_events(function(*angles), grid, members, switching(function)) for function in functions]
            for local, i in enumerate(members):
                per_function = [_runs_to_intervals(*events[local], duration_s) for events in found]
                results[i] = _SatelliteShadow(int(ids[i]), per_function[0], per_function[1], grid[keep], beta[local],
                                              float(periods[i]))
    return results


def _shadow_events(g, grid, members, evaluate):
    """For each row of g: (entry times, exit times, in shadow at the start), refined."""
    rows, k = _sign_changes(g)
    lo, hi, glo, ghi = grid[k], grid[k + 1], g[rows, k], g[rows, k + 1]
    # Grazing passages that dip below zero between samples.
    drows, dk = _dips(g, grid)
    if drows.size:
        t_min, g_min = _minimise(evaluate, members[drows], grid[dk - 1], grid[dk + 1], 18)
        hit = g_min < 0.0
        drows, dk, t_min, g_min = drows[hit], dk[hit], t_min[hit], g_min[hit]
        rows = np.concatenate([rows, drows, drows])
        lo = np.concatenate([lo, grid[dk - 1], t_min])
        hi = np.concatenate([hi, t_min, grid[dk + 1]])
        glo = np.concatenate([glo, g[drows, dk - 1], g_min])
        ghi = np.concatenate([ghi, g_min, g[drows, dk + 1]])
    roots = _refine_roots(evaluate, members[rows], lo, hi, glo, ghi)
    entering = glo > 0.0
    inside_at_start = g[:, 0] < 0.0
    out = []
    for group in _split_by(rows, g.shape[0]):
        out.append((roots[group[entering[group]]], roots[group[~entering[group]]], bool(inside_at_start[len(out)])))
    return out


def _split_by(keys, n_groups: int):
    """Indices of ``keys`` (ints in [0, n_groups)) grouped by value: a list of n_groups index arrays."""
    keys = np.asarray(keys, dtype=np.int64)
    order = np.argsort(keys, kind="stable")
    bounds = np.searchsorted(keys[order], np.arange(n_groups + 1))
    return [order[bounds[g]:bounds[g + 1]] for g in range(n_groups)]


ECLIPSE_COLUMNS = (
    "satellite", "kind", "penumbra_entry_utc", "umbra_entry_utc", "umbra_exit_utc", "penumbra_exit_utc",
    "duration_s", "umbra_duration_s", "beta_deg", "partial", "starts_before_window", "ends_after_window",
    "penumbra_entry_tai_mjd", "umbra_entry_tai_mjd", "umbra_exit_tai_mjd", "penumbra_exit_tai_mjd",
)


def find_eclipses(satellites, start: Time, duration_s: float, *,
                  earth_shape: EarthShape = EarthShape.OBLATE) -> pd.DataFrame:
    """Eclipses of each satellite by the Earth in the window [start, start + duration_s].

    ``satellites``: TLE/OMM records (``MeanElementsGP``) or ``sgp4`` Satrecs, one or a list, or an
    ``Sgp4Propagator``.
    ``start``: a scalar Time; ``duration_s``: window length in SI seconds (> 0).
    ``earth_shape``: ``EarthShape.OBLATE`` (WGS-84 ellipsoid, default) or ``SPHERICAL``.

    Returns a DataFrame (columns ``ECLIPSE_COLUMNS``) with one row per passage through the Earth's
    shadow (penumbra entry to penumbra exit), sorted by satellite and time: ``satellite``
    (catalogue number), ``kind`` (``"umbra"``, or ``"penumbra"`` for a passage that does not reach
    the umbra inside the window), ``penumbra_entry_utc``, ``umbra_entry_utc``, ``umbra_exit_utc``,
    ``penumbra_exit_utc`` (ISO 8601 UTC ending in Z, millisecond; the umbra ones missing for a
    penumbral passage), ``duration_s`` (penumbra entry to exit), ``umbra_duration_s``,
    ``beta_deg`` (beta angle at the middle of the passage), ``partial`` (the window's start or end
    cuts the passage; that time is then the window's edge), ``starts_before_window``,
    ``ends_after_window``, and the four times as TAI MJD (``*_tai_mjd``). Times are refined to
    0.1 ms.

    Raises InvalidInputError for an empty list, a start that is not a scalar Time or a window of
    zero or negative length.
    """
    duration_s = _check_window(start, duration_s)
    rows = []
    for shadow in _shadow_search(satellites, start, duration_s, earth_shape):
        for p0, p1, edge0, edge1 in shadow.penumbra:
            inside = [u for u in shadow.umbra if u[1] > p0 and u[0] < p1]
            middle = 0.5 * (p0 + p1)
            rows.append({
                "satellite": shadow.satellite,
                "kind": "umbra" if inside else "penumbra",
                "penumbra_entry": p0, "umbra_entry": inside[0][0] if inside else np.nan,
                "umbra_exit": inside[-1][1] if inside else np.nan, "penumbra_exit": p1,
                "duration_s": p1 - p0,
                "umbra_duration_s": sum(min(u[1], p1) - max(u[0], p0) for u in inside),
                "beta_deg": math.degrees(float(np.interp(middle, shadow.grid_s, shadow.beta_rad))),
                "starts_before_window": bool(edge0), "ends_after_window": bool(edge1),
            })
    if not rows:
        return pd.DataFrame({name: pd.Series(dtype=_column_dtype(name)) for name in ECLIPSE_COLUMNS})
    frame = pd.DataFrame(rows)
    frame["partial"] = frame.starts_before_window | frame.ends_after_window
    for name in ("penumbra_entry", "umbra_entry", "umbra_exit", "penumbra_exit"):
        offsets = frame[name].to_numpy(dtype=float)
        ok = np.isfinite(offsets)
        text = np.full(offsets.shape, None, dtype=object)
        text[ok] = _iso(start, offsets[ok])
        frame[f"{name}_utc"] = text
        frame[f"{name}_tai_mjd"] = np.where(ok, (start + np.where(ok, offsets, 0.0)).tai_mjd, np.nan)
    frame = frame.sort_values(["satellite", "penumbra_entry"], kind="stable").reset_index(drop=True)
    return frame[list(ECLIPSE_COLUMNS)]


def _column_dtype(name: str):
    if name in ("satellite", "orbit"):
        return np.int64
    if name in ("partial", "starts_before_window", "ends_after_window"):
        return bool
    if name.endswith("_utc") or name == "kind":
        return object
    return float


SEASON_COLUMNS = ("satellite", "orbit", "orbit_start_utc", "beta_deg", "umbra_fraction", "penumbra_fraction",
                  "eclipse_fraction", "orbit_start_tai_mjd")


def eclipse_seasons(satellites, start: Time, duration_s: float = 90 * SECONDS_PER_DAY, *,
                    earth_shape: EarthShape = EarthShape.OBLATE) -> pd.DataFrame:
    """Share of each orbit spent in the Earth's shadow, and the beta angle, over a window (default 90 days).

    ``satellites`` as ``find_eclipses``. Orbits are consecutive spans of one period (from the mean
    motion) counted from the window's start; a last span cut by the window's end is left out.
    Returns a DataFrame, one row per satellite and orbit: ``satellite``, ``orbit`` (0, 1, ...),
    ``orbit_start_utc``,
    ``beta_deg`` (at the middle of the orbit), ``umbra_fraction``, ``penumbra_fraction`` (in
    penumbra but not umbra) and ``eclipse_fraction`` (their sum), each a share of the period, and
    ``orbit_start_tai_mjd`` (columns ``SEASON_COLUMNS``).
    """
    duration_s = _check_window(start, duration_s)
    frames = []
    for shadow in _shadow_search(satellites, start, duration_s, earth_shape):
        n_orbits = int(math.floor(duration_s / shadow.period_s + 1e-9))
        if n_orbits == 0:
            continue
        edges = np.arange(n_orbits + 1) * shadow.period_s
        umbra = _time_in_bins(shadow.umbra, edges)
        shadowed = _time_in_bins(shadow.penumbra, edges)
        middle = 0.5 * (edges[:-1] + edges[1:])
        frames.append(pd.DataFrame({
            "satellite": shadow.satellite,
            "orbit": np.arange(n_orbits),
            "orbit_start_utc": _iso(start, edges[:-1]),
            "beta_deg": np.degrees(np.interp(middle, shadow.grid_s, shadow.beta_rad)),
            "umbra_fraction": umbra / shadow.period_s,
            "penumbra_fraction": (shadowed - umbra) / shadow.period_s,
            "eclipse_fraction": shadowed / shadow.period_s,
            "orbit_start_tai_mjd": (start + edges[:-1]).tai_mjd,
        }))
    if not frames:
        return pd.DataFrame({name: pd.Series(dtype=_column_dtype(name)) for name in SEASON_COLUMNS})
    return pd.concat(frames, ignore_index=True)[list(SEASON_COLUMNS)]


def _time_in_bins(intervals, edges) -> np.ndarray:
    """Seconds of the intervals [(start, end, ...)] that fall in each bin [edges[k], edges[k+1])."""
    total = np.zeros(len(edges) - 1)
    for t0, t1, *_ in intervals:
        total += np.clip(np.minimum(edges[1:], t1) - np.maximum(edges[:-1], t0), 0.0, None)
    return total


def cylindrical_eclipse_fraction(altitude_m, beta_rad, earth_radius_m=WGS84_EQUATORIAL_RADIUS_M):
    """Share of a circular orbit in a cylindrical shadow, for beta angle beta (reference formula).

    ``f = acos(sqrt(h^2 + 2 R h) / ((R + h) cos beta)) / pi`` for ``|beta| < asin(R / (R + h))``,
    else 0 (Gilmore, *Spacecraft Thermal Control Handbook*, vol. I, 2nd ed. (2002), ch. 2; also
    Rickman, "Introduction to Orbital Mechanics and Spacecraft Attitudes for Thermal Engineers",
    NASA TFAWS 2014). The shadow is the Earth's cylinder along the Sun line: no penumbra, no
    parallax; it sits between the conical umbra and the penumbra.
    """
    h = np.asarray(altitude_m, dtype=float)
    r = earth_radius_m + h
    beta = np.asarray(beta_rad, dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.sqrt(h * h + 2.0 * earth_radius_m * h) / (r * np.cos(beta))
    return np.where(ratio < 1.0, np.arccos(np.minimum(ratio, 1.0)) / math.pi, 0.0)
