"""Passes of many satellites over many ground sites: rise, culmination and set, exact and fast.

``find_passes(satellites, sites, start, duration_s)`` returns a pandas DataFrame with one row per
pass. Conventions (docs/passes.md has them in full, with the derivation of the search step):

- Elevation is geometric (no refraction), from the plane normal to the WGS-84 ellipsoid normal at
  the site; azimuth clockwise from true north. Satellite states are SGP4 (TEME) turned into ITRS
  through GMST 1982 of UT1 and, by default, polar motion (``polar_motion=False`` matches Skyfield's
  default, which leaves it out; the difference moves rise and set by a few milliseconds).
- A pass is a maximal interval during which the elevation is at or above the site's mask (and the
  range within its limit). An azimuth mask that splits a transit makes two passes. Where the
  elevation has several maxima in one pass, the culmination is the highest. A pass already under
  way at the start of the window, or still under way at its end, is ``partial`` and its rise or set
  is the window's edge. Passes shorter than ``min_pass_duration_s`` (inside the window) are dropped.
- Times where SGP4 fails (decay, eccentricity out of range) count as not visible.

Guarantee: no pass of ``min_pass_duration_s`` (default 10 s) or longer is missed. Two passes
separated by a gap shorter than that may come out as one.

Algorithm (a vectorised screen followed by root refinement):

1. SGP4 on a coarse grid per satellite, four samples per orbit, for all satellites of one grid step
   in one ``SatrecArray`` call; ITRS states, then look quantities with their rates.
2. Every gap between two samples is classified with bounds that follow from the orbit (largest
   Earth-relative speed V and acceleration A of the satellite, ``_screen.orbit_bounds``): surely
   below the mask throughout (dropped), surely above it, holding a single crossing (sin(elevation)
   provably monotone), or unknown. Unknown gaps are split in two and their new samples classified
   again, down to ``min_pass_duration_s``: a pass that long always contains a sample of the final
   set.
   Most of each orbit is dropped at the first level without further SGP4 calls: this pruning is
   what makes the search fast.
3. Rise and set: safeguarded Newton (bisection fallback, for stepwise masks) on
   min(elevation - mask(azimuth), (max_range - range) / max_range), with its rate from the SGP4
   velocity, to 1e-4 s.
4. Culmination: within each pass, gaps where sin(elevation) is not provably monotone are sampled
   at most a fortieth of an orbit apart; every sign change of d(sin elevation)/dt from + to - is
   refined by safeguarded Newton (1e-4 s); the highest maximum, or a pass edge when higher, is
   reported.

The two hot kernels (Earth rotation with look angles, and the gap classification) run compiled
(``_compiled``, numba) with their NumPy versions kept as the tested reference (``COMPILED``).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import erfa
import numpy as np
import pandas as pd

from ..errors import InvalidInputError
from ..orbits.sgp4_source import Sgp4Propagator
from ..time import SECONDS_PER_DAY, Time
from . import _compiled, _screen, _states
from ._states import EarthRotation, SatelliteStates, warn_if_stale
from .ground import GroundSite

SPEED_OF_LIGHT_M_S = 299_792_458.0

# Search settings. The pass guarantee depends only on min_pass_duration_s; these set the speed.
COARSE_SAMPLES_PER_ORBIT = 4
COARSE_STEPS_S = (30.0, 60.0, 90.0, 120.0, 180.0, 240.0, 300.0, 360.0, 420.0, 480.0, 540.0, 600.0,
                  720.0, 900.0, 1200.0, 1500.0, 1800.0, 2400.0, 3600.0, 5400.0, 7200.0)
SPLIT_PARTS = 2
PEAK_SAMPLES_PER_ORBIT = 40
EVENT_TOLERANCE_S = 1e-4
# The numba kernels of _compiled (True) or their NumPy references (False): same passes either way.
COMPILED = True
_CHUNK_SAMPLES = 400_000
_MAX_NEWTON_ITERATIONS = 80

PASS_COLUMNS = (
    "satellite", "site", "rise_utc", "culmination_utc", "set_utc", "duration_s",
    "rise_azimuth_deg", "culmination_azimuth_deg", "set_azimuth_deg",
    "rise_elevation_deg", "max_elevation_deg", "set_elevation_deg",
    "rise_range_m", "culmination_range_m", "set_range_m",
    "rise_range_rate_m_s", "culmination_range_rate_m_s", "set_range_rate_m_s",
    "rise_doppler_factor", "culmination_doppler_factor", "set_doppler_factor",
    "partial", "rises_before_window", "sets_after_window",
    "rise_tai_mjd", "culmination_tai_mjd", "set_tai_mjd",
)


# --- inputs ----------------------------------------------------------------------------------------

def _satellites(satellites):
    """(satrecs, catalogue numbers) of a propagator, a record or a sequence of records."""
    if isinstance(satellites, Sgp4Propagator):
        propagator = satellites
    else:
        propagator = Sgp4Propagator(satellites)
    # Sgp4Propagator keeps its Satrecs private; the pass search needs them to evaluate each
    # satellite at its own times (SatrecArray only takes times shared by all satellites).
    return list(propagator._satrecs), propagator.satellite_ids


def _sites(sites, min_elevation_deg) -> list[GroundSite]:
    if isinstance(sites, GroundSite):
        sites = [sites]
    if not isinstance(sites, Sequence) or isinstance(sites, str) or len(sites) == 0:
        raise InvalidInputError("find_passes: expected one GroundSite or a non-empty list of them", field="sites")
    out = []
    for k, site in enumerate(sites):
        if not isinstance(site, GroundSite):
            raise InvalidInputError(f"find_passes: sites[{k}]: expected a GroundSite, got {type(site).__name__}",
                                    field="sites")
        out.append(site if min_elevation_deg is None else site.with_min_elevation(min_elevation_deg))
    return out


def _window(start, duration_s, min_pass_duration_s):
    if not isinstance(start, Time) or start.shape != ():
        raise InvalidInputError(f"find_passes: start: expected a single cosmodrome.time.Time, got {start!r}",
                                field="start")
    if isinstance(duration_s, bool) or not isinstance(duration_s, (int, float, np.floating, np.integer)) \
            or not math.isfinite(duration_s) or duration_s <= 0.0:
        raise InvalidInputError(f"the search window must have a positive length, got {duration_s!r} s",
                                field="duration_s")
    if isinstance(min_pass_duration_s, bool) or not isinstance(min_pass_duration_s, (int, float, np.floating)) \
            or not math.isfinite(min_pass_duration_s) or min_pass_duration_s <= 0.0:
        raise InvalidInputError(f"expected a positive minimum pass duration, got {min_pass_duration_s!r} s",
                                field="min_pass_duration_s")
    return float(duration_s), float(min_pass_duration_s)


class _SiteTable:
    """The sites as arrays, and the visibility margin of look quantities."""

    def __init__(self, sites: list[GroundSite]):
        self.sites = sites
        self.names = [site.name for site in sites]
        self.position = np.array([site.position_itrs_m for site in sites])
        basis = np.array([site.east_north_up for site in sites])
        self.east, self.north, self.up = basis[:, 0], basis[:, 1], basis[:, 2]
        low_high = np.radians(np.array([site.mask_range_deg for site in sites]))
        self.mask_low_rad, self.mask_high_rad = low_high[:, 0], low_high[:, 1]
        self.sin_mask_low = np.sin(self.mask_low_rad)
        self.sin_mask_high = np.sin(self.mask_high_rad)
        self.min_elevation_rad = np.radians([site.min_elevation_deg for site in sites])
        self.max_range_m = np.array([np.inf if site.max_range_m is None else site.max_range_m for site in sites])
        self.azimuth_masked = [k for k, site in enumerate(sites) if site.azimuth_mask is not None]
        self.ranged = bool(np.isfinite(self.max_range_m).any())
        # Sites where the crossing function is elevation minus a constant (monotone-gap shortcut).
        self.simple = np.array([site.azimuth_mask is None for site in sites])

    def _mask(self, site_index, azimuth_rad, with_slope=False):
        site_index = np.broadcast_to(site_index, np.shape(azimuth_rad))
        mask = self.min_elevation_rad[site_index]
        slope = np.zeros(np.shape(azimuth_rad)) if with_slope else None
        for k in self.azimuth_masked:
            rows = site_index == k
            if not rows.any():
                continue
            az_deg = np.degrees(azimuth_rad[rows])
            table = self.sites[k].azimuth_mask
            value = np.radians(table.elevation_deg(az_deg))
            higher = value > mask[rows]
            mask[rows] = np.where(higher, value, mask[rows])
            if with_slope:
                slope[rows] = np.where(higher, table.slope(az_deg), 0.0)  # deg/deg = rad/rad
        return mask, slope

    def margin(self, site_index, lk: _screen.Look):
        """Visibility margin (rad): >= 0 exactly when visible. NaN where SGP4 failed."""
        mask, _ = self._mask(site_index, lk.azimuth_rad)
        g = lk.elevation_rad - mask
        if self.ranged:
            limit = self.max_range_m[site_index]
            with np.errstate(invalid="ignore"):
                g = np.where(np.isfinite(limit), np.minimum(g, (limit - lk.range_m) / limit), g)
        return g

    def margin_rate(self, site_index, lk: _screen.Look):
        """Rate of ``margin`` (rad/s) for Newton steps: that of whichever term is active."""
        mask, slope = self._mask(site_index, lk.azimuth_rad, with_slope=True)
        with np.errstate(invalid="ignore", divide="ignore"):
            elevation_rate = lk.sin_elevation_rate / np.cos(lk.elevation_rad)
        g = lk.elevation_rad - mask
        rate = elevation_rate - slope * lk.azimuth_rate_rad_s
        if self.ranged:
            limit = self.max_range_m[site_index]
            with np.errstate(invalid="ignore"):
                range_term = (limit - lk.range_m) / limit
                use_range = np.isfinite(limit) & (range_term < g)
            rate = np.where(use_range, -lk.range_rate_m_s / limit, rate)
        return rate


class _Samples:
    """A growing table of samples: (track, time, look quantities, margin), in arrays that double
    their capacity when full; ``table()`` gives views of the filled part."""

    FIELDS = ("track", "t", "s", "s_dot", "rho", "rho_dot", "g")

    def __init__(self, capacity: int = 1024):
        self.arrays = {name: np.empty(capacity, dtype=np.int64 if name == "track" else float)
                       for name in self.FIELDS}
        self.count = 0

    def append(self, track, t, lk: _screen.Look, g) -> np.ndarray:
        """Add samples (1-d arrays); returns their indices in the table."""
        n = len(t)
        start, stop = self.count, self.count + n
        capacity = len(self.arrays["t"])
        if stop > capacity:
            size = max(stop, 2 * capacity)
            for name, array in self.arrays.items():
                grown = np.empty(size, dtype=array.dtype)
                grown[:start] = array[:start]
                self.arrays[name] = grown
        values = (track, t, lk.sin_elevation, lk.sin_elevation_rate, lk.range_m, lk.range_rate_m_s, g)
        for name, value in zip(self.FIELDS, values):
            self.arrays[name][start:stop] = np.asarray(value).reshape(n)
        self.count = stop
        return np.arange(start, stop)

    def table(self):
        return {name: array[:self.count] for name, array in self.arrays.items()}


class _Search:
    """One pass search: satellites x sites over [0, duration_s] seconds after ``start``."""

    def __init__(self, satrecs, ids, sites, start, duration_s, min_pass_duration_s, polar_motion):
        self.satrecs = satrecs
        self.ids = np.asarray(ids, dtype=np.int64)
        self.sites = _SiteTable(sites)
        self.n_sites = len(sites)
        self.start = start
        self.duration_s = duration_s
        self.h_min = min_pass_duration_s
        self.rotation = EarthRotation(start, duration_s, polar_motion=polar_motion)
        self.states = SatelliteStates(satrecs, start)
        n = len(satrecs)
        self.speed = np.full(n, np.nan)
        self.accel = np.full(n, np.nan)
        mean_motion = np.array([s.no_kozai for s in satrecs]) / 60.0  # rad/min -> rad/s
        with np.errstate(divide="ignore"):
            self.period_s = np.where(mean_motion > 0.0, 2.0 * np.pi / mean_motion, np.inf)
        self.samples = _Samples()
        # Open gaps: (track, index of the sample at each end).
        self.gap_a = []
        self.gap_b = []
        self.evaluations = 0

    # --- evaluation ---------------------------------------------------------------------------------
    def _look_pairs(self, track, t):
        """Look quantities of tracks at times (1-d arrays), evaluating SGP4 per pair."""
        sat = track // self.n_sites
        site = track % self.n_sites
        r, v = self.states.pairs(sat, t)
        self.evaluations += len(t)
        return self._look(t, r, v, site)

    def _look(self, t, r, v, site):
        """(Look, r_itrs, v_itrs) of TEME states (n, 3) at times t (n,) from sites site (n,)."""
        if COMPILED:
            rot, table = self.rotation, self.sites
            out = _compiled.rotate_and_look(
                np.ascontiguousarray(t, dtype=float), np.ascontiguousarray(r), np.ascontiguousarray(v),
                np.ascontiguousarray(site, dtype=np.int64), rot.offset_s, _states.NODE_SPACING_S, rot.gmst_rad,
                rot.rate_rad_s, rot.polar, rot.polar_motion, table.position, table.east, table.north, table.up)
            return _screen.Look(*out[2:]), out[0], out[1]
        ri, vi = self.rotation.teme_to_itrs(t, r, v)
        lk = _screen.look(ri, vi, self.sites.position[site], self.sites.east[site], self.sites.north[site],
                          self.sites.up[site])
        return lk, ri, vi

    def coarse_step(self, sat):
        step = self.period_s[sat] / COARSE_SAMPLES_PER_ORBIT
        steps = np.asarray(COARSE_STEPS_S)
        index = np.searchsorted(steps, step, side="right") - 1
        return steps[np.clip(index, 0, len(steps) - 1)]

    # --- gap classification --------------------------------------------------------------------------
    def _classify(self, track, ia, ib):
        """For gaps between samples ia and ib of tracks: True where the gap must be split."""
        c = self.samples.table()
        return self._gap_status(c, ia, ib, track // self.n_sites, track % self.n_sites)[1]

    def _gap_status(self, c, ia, ib, sat, site):
        table = self.sites
        status = _compiled.gap_status if COMPILED else _gap_status_numpy
        return status(c["t"], c["s"], c["s_dot"], c["rho"], c["rho_dot"], c["g"], ia, ib, sat, site, self.speed,
                      self.accel, table.sin_mask_low, table.sin_mask_high, table.max_range_m, table.simple,
                      self.h_min)

    # --- step 1: the coarse screen --------------------------------------------------------------------
    def screen(self):
        n = len(self.satrecs)
        steps = self.coarse_step(np.arange(n))
        for step in np.unique(steps):
            members = np.flatnonzero(steps == step)
            grid = np.arange(0.0, self.duration_s, step)
            if grid[-1] < self.duration_s:
                grid = np.append(grid, self.duration_s)
            per_chunk = max(1, _CHUNK_SAMPLES // len(grid))
            for k0 in range(0, len(members), per_chunk):
                self._screen_chunk(members[k0:k0 + per_chunk], grid)

    def _screen_chunk(self, sats, grid):
        r, v = self.states.grid(sats, grid)
        self.evaluations += r.shape[0] * r.shape[1]
        speed, accel = _screen.orbit_bounds(r, v)
        self.speed[sats], self.accel[sats] = speed, accel
        n_sat, m = r.shape[0], r.shape[1]
        t = np.tile(grid, n_sat)
        r, v = r.reshape(-1, 3), v.reshape(-1, 3)
        # Gaps of the grid: between flat samples i*m + j and i*m + j + 1.
        first = (np.arange(n_sat)[:, None] * m + np.arange(m - 1)[None, :]).ravel()
        gap_sat = np.repeat(sats, m - 1)
        for k in range(self.n_sites):
            lk, _, _ = self._look(t, r, v, np.full(len(t), k, dtype=np.int64))
            g = self.sites.margin(k, lk)
            columns = {"t": t, "s": lk.sin_elevation, "s_dot": lk.sin_elevation_rate, "rho": lk.range_m,
                       "rho_dot": lk.range_rate_m_s, "g": g}
            invisible, split = self._gap_status(columns, first, first + 1, gap_sat, np.full(len(first), k))
            keep = g >= 0.0
            keep[first[~invisible]] = True
            keep[first[~invisible] + 1] = True
            if not keep.any():
                continue
            kept = np.flatnonzero(keep)
            track = sats[kept // m] * self.n_sites + k
            index = np.full(len(t), -1, dtype=np.int64)
            sub = _screen.Look(*(getattr(lk, f)[kept] for f in _LOOK_FIELDS))
            index[kept] = self.samples.append(track, t[kept], sub, g[kept])
            self.gap_a.append(index[first[split]])
            self.gap_b.append(index[first[split] + 1])

    # --- step 2: splitting the unknown gaps -------------------------------------------------------------
    def refine(self):
        """Split unsettled gaps (into up to SPLIT_PARTS pieces, none shorter than needed) until settled."""
        ia = np.concatenate(self.gap_a) if self.gap_a else np.empty(0, dtype=np.int64)
        ib = np.concatenate(self.gap_b) if self.gap_b else np.empty(0, dtype=np.int64)
        while ia.size:
            c = self.samples.table()
            track = c["track"][ia]
            ta, tb = c["t"][ia], c["t"][ib]
            span = tb - ta
            parts = np.clip(np.ceil(span / self.h_min), 2, SPLIT_PARTS).astype(np.int64)
            gap_id = np.repeat(np.arange(len(ia)), parts - 1)
            rank = _ranges(np.ones(len(ia), dtype=np.int64), parts - 1)
            new_t = ta[gap_id] + span[gap_id] * rank / parts[gap_id]
            new_track = track[gap_id]
            lk, _, _ = self._look_pairs(new_track, new_t)
            g = self.sites.margin(new_track % self.n_sites, lk)
            new_index = self.samples.append(new_track, new_t, lk, g)
            # Each gap's points in order: ia, the new ones, ib (gap i's block starts at first[i]);
            # consecutive points of a block make the new gaps.
            first = np.cumsum(parts + 1) - (parts + 1)
            point_index = np.empty(int(first[-1] + parts[-1] + 1), dtype=np.int64)
            point_index[first] = ia
            point_index[first[gap_id] + rank] = new_index
            point_index[first + parts] = ib
            pair_gap = np.repeat(np.arange(len(ia)), parts)
            pair = first[pair_gap] + _ranges(np.zeros(len(ia), dtype=np.int64), parts)
            a, b = point_index[pair], point_index[pair + 1]
            split = self._classify(track[pair_gap], a, b)
            ia, ib = a[split], b[split]

    # --- step 3: rise and set -------------------------------------------------------------------------
    def _solve(self, track, ta, tb, fa, fb, function, guess=None):
        """Roots of ``function`` on brackets [ta, tb] (f(ta), f(tb) of opposite signs, or zero).

        ``function(track, t) -> (f, f', payload)``; safeguarded Newton with bisection fallback,
        starting from ``guess`` (default: the secant point). Returns (t, payload) at the last
        evaluated point (within EVENT_TOLERANCE_S of the root).
        """
        n = len(track)
        a, b = ta.copy(), tb.copy()
        fa = fa.copy()
        if guess is None:
            with np.errstate(invalid="ignore", divide="ignore"):
                guess = np.where(fa != fb, a + (b - a) * fa / (fa - fb), 0.5 * (a + b))
        x = np.where((guess > a) & (guess < b), guess, 0.5 * (a + b))
        result_t = x.copy()
        payload = None
        active = np.arange(n)
        last_step = b - a
        for _ in range(_MAX_NEWTON_ITERATIONS):
            if active.size == 0:
                break
            f, df, load = function(track[active], x[active])
            if payload is None:
                payload = {key: np.full((n,) + np.shape(value)[1:], np.nan) for key, value in load.items()}
            for key, value in load.items():
                payload[key][active] = value
            result_t[active] = x[active]
            same = np.sign(f) == np.sign(fa[active])
            a_act, b_act = a[active], b[active]
            a_act = np.where(same, x[active], a_act)
            b_act = np.where(same, b_act, x[active])
            fa[active] = np.where(same, f, fa[active])
            a[active], b[active] = a_act, b_act
            with np.errstate(invalid="ignore", divide="ignore"):
                newton = x[active] - f / df
            bisect = 0.5 * (a_act + b_act)
            ok = np.isfinite(newton) & (newton > a_act) & (newton < b_act) & \
                (np.abs(newton - x[active]) <= 0.5 * last_step[active])
            nxt = np.where(ok, newton, bisect)
            step = np.abs(nxt - x[active])
            last_step[active] = step
            done = (step < EVENT_TOLERANCE_S) | (b_act - a_act < EVENT_TOLERANCE_S) | (f == 0.0)
            x[active] = nxt
            active = active[~done]
        return result_t, payload

    def _margin_function(self, track, t):
        lk, ri, vi = self._look_pairs(track, t)
        site = track % self.n_sites
        g = self.sites.margin(site, lk)
        rate = self.sites.margin_rate(site, lk)
        return g, rate, _payload(lk)

    def _peak_function(self, track, t):
        lk, ri, vi = self._look_pairs(track, t)
        site = track % self.n_sites
        acc = _screen.sin_elevation_acceleration(ri, vi, self.sites.position[site], self.sites.up[site])
        return lk.sin_elevation_rate, acc, _payload(lk)

    def passes(self):
        """Runs of visible samples -> passes with rise and set solved; returns a dict of columns."""
        c = self.samples.table()
        order = _order_by(c["track"], c["t"], self.duration_s)
        track, t, g = c["track"][order], c["t"][order], c["g"][order]
        visible = g >= 0.0
        n = len(t)
        first = np.ones(n, dtype=bool)
        first[1:] = track[1:] != track[:-1]
        last = np.ones(n, dtype=bool)
        last[:-1] = track[1:] != track[:-1]
        prev_visible = np.zeros(n, dtype=bool)
        prev_visible[1:] = visible[:-1] & ~first[1:]
        next_visible = np.zeros(n, dtype=bool)
        next_visible[:-1] = visible[1:] & ~last[:-1]
        starts = np.flatnonzero(visible & ~prev_visible)
        stops = np.flatnonzero(visible & ~next_visible)
        # A visible sample keeps its neighbours in the table (the gaps next to it are never provably
        # invisible), so a run with no sample before it starts at t = 0, and one with none after it
        # ends at the window's end; unless SGP4 failed next to it, when the run ends at the last
        # good sample.
        finite = np.isfinite(g)
        has_before = np.zeros(len(starts), dtype=bool)
        inner = starts[~first[starts]]
        has_before[~first[starts]] = finite[inner - 1]
        has_after = np.zeros(len(stops), dtype=bool)
        inner = stops[~last[stops]]
        has_after[~last[stops]] = finite[inner + 1]
        pass_track = track[starts]
        rise_t = t[starts].copy()
        set_t = t[stops].copy()
        at_start = ~has_before & (rise_t <= 0.0)
        at_end = ~has_after & (set_t >= self.duration_s)
        rise_load = _payload_from_samples(c, order[starts])
        set_load = _payload_from_samples(c, order[stops])
        s_sorted, sd_sorted = c["s"][order], c["s_dot"][order]

        def guess(i, j):
            # Root of the cubic Hermite of the margin through both ends, for sites where the margin
            # is elevation minus a constant (its rate is then that of the elevation); else the secant.
            with np.errstate(invalid="ignore", divide="ignore"):
                rate = sd_sorted / np.sqrt(np.clip(1.0 - s_sorted ** 2, 1e-30, None))
            tau = _hermite_root(g[i], rate[i], g[j], rate[j], t[j] - t[i])
            simple = self.sites.simple[track[i] % self.n_sites] & ~self.sites.ranged
            secant = np.where(g[i] != g[j], (t[j] - t[i]) * g[i] / (g[i] - g[j]), 0.5 * (t[j] - t[i]))
            return t[i] + np.where(simple & np.isfinite(tau), tau, secant)

        # Rises and sets in one batch: one SGP4 call per satellite per Newton step.
        need_rise = np.flatnonzero(has_before)
        need_set = np.flatnonzero(has_after)
        a = np.concatenate([starts[need_rise] - 1, stops[need_set]])
        b = a + 1
        if a.size:
            times, load = self._solve(track[a], t[a], t[b], g[a], g[b], self._margin_function, guess(a, b))
            n_rise = len(need_rise)
            rise_t[need_rise] = times[:n_rise]
            set_t[need_set] = times[n_rise:]
            for key in rise_load:
                rise_load[key][need_rise] = load[key][:n_rise]
                set_load[key][need_set] = load[key][n_rise:]
        long_enough = (set_t - rise_t) >= self.h_min
        keep = np.flatnonzero(long_enough)
        result = {
            "track": pass_track[keep], "rise_t": rise_t[keep], "set_t": set_t[keep],
            "at_start": at_start[keep], "at_end": at_end[keep],
            "rise": {key: value[keep] for key, value in rise_load.items()},
            "set": {key: value[keep] for key, value in set_load.items()},
            "run_start": order[starts[keep]], "run_stop": order[stops[keep]],
            "sorted_starts": starts[keep], "sorted_stops": stops[keep], "order": order,
        }
        return result

    # --- step 4: culmination --------------------------------------------------------------------------
    def culminations(self, found):
        """Time and look of the highest elevation of each pass (interior maximum or an edge)."""
        c = self.samples.table()
        order = found["order"]
        n_pass = len(found["track"])
        if n_pass == 0:
            return np.empty(0), {key: np.empty(0) for key in _PAYLOAD_KEYS}
        # Points of each pass: rise, the samples strictly inside, set.
        counts = found["sorted_stops"] - found["sorted_starts"] + 1
        inner_index = order[_ranges(found["sorted_starts"], counts)]
        inner_pass = np.repeat(np.arange(n_pass), counts)
        t_inner = c["t"][inner_index]
        inside = (t_inner > found["rise_t"][inner_pass]) & (t_inner < found["set_t"][inner_pass])
        inner_index, inner_pass = inner_index[inside], inner_pass[inside]
        rise, sett = found["rise"], found["set"]
        points = {
            "pass": np.concatenate([np.arange(n_pass), inner_pass, np.arange(n_pass)]),
            "t": np.concatenate([found["rise_t"], c["t"][inner_index], found["set_t"]]),
        }
        for key, column in (("s", "s"), ("s_dot", "s_dot"), ("rho", "rho"), ("rho_dot", "rho_dot")):
            points[key] = np.concatenate([rise[key], c[column][inner_index], sett[key]])
        points = _sorted_points(points, self.duration_s)
        # Gaps where sin(elevation) is not provably monotone and d/dt keeps its sign could hide a
        # maximum and a minimum: sample them at most PEAK_SAMPLES_PER_ORBIT-th of an orbit apart.
        sat = found["track"] // self.n_sites
        same = points["pass"][1:] == points["pass"][:-1]
        gap = np.diff(points["t"])
        owner_sat = sat[points["pass"][:-1]]
        speed, accel = self.speed[owner_sat], self.accel[owner_sat]
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            rho_low = _screen.range_lower_bound(points["rho"][:-1], points["rho_dot"][:-1], points["rho"][1:],
                                                points["rho_dot"][1:], accel, gap)
            curvature = _screen.sin_elevation_curvature(rho_low, speed, accel)
            sd_a, sd_b = points["s_dot"][:-1], points["s_dot"][1:]
            monotone = (_screen.derivative_lower_bound(sd_a, sd_b, curvature, gap) > 0) | \
                (_screen.derivative_lower_bound(-sd_a, -sd_b, curvature, gap) > 0)
        spacing = self.period_s[owner_sat] / PEAK_SAMPLES_PER_ORBIT
        sign_change = (points["s_dot"][:-1] > 0.0) & (points["s_dot"][1:] <= 0.0)
        pieces = np.where(same & ~monotone & ~sign_change, np.ceil(gap / spacing), 1).astype(np.int64)
        if (pieces > 1).any():
            g_index = np.flatnonzero(pieces > 1)
            extra = pieces[g_index] - 1
            owner = np.repeat(g_index, extra)
            rank = _ranges(np.ones(len(g_index), dtype=np.int64), extra)
            new_t = points["t"][owner] + gap[owner] * rank / pieces[owner]
            new_pass = points["pass"][owner]
            lk, _, _ = self._look_pairs(found["track"][new_pass], new_t)
            extra_points = {"pass": new_pass, "t": new_t, "s": lk.sin_elevation, "s_dot": lk.sin_elevation_rate,
                            "rho": lk.range_m, "rho_dot": lk.range_rate_m_s}
            points = _sorted_points({key: np.concatenate([points[key], extra_points[key]]) for key in points},
                                    self.duration_s)
            same = points["pass"][1:] == points["pass"][:-1]
        # Maxima: d(sin el)/dt goes from + to -.
        p_t, p_s, p_sd = points["t"], points["s"], points["s_dot"]
        bracket = np.flatnonzero(same & (p_sd[:-1] > 0.0) & (p_sd[1:] <= 0.0))
        edge_rise = rise["s"] >= sett["s"]
        best_t = np.where(edge_rise, found["rise_t"], found["set_t"])
        best_load = {key: np.where(edge_rise, rise[key], sett[key]) for key in _PAYLOAD_KEYS}
        if bracket.size:
            owner = points["pass"][bracket]
            a, b = bracket, bracket + 1
            tau = _hermite_peak(p_s[a], p_sd[a], p_s[b], p_sd[b], p_t[b] - p_t[a])
            peak_t, load = self._solve(found["track"][owner], p_t[a], p_t[b], p_sd[a], p_sd[b],
                                       self._peak_function, p_t[a] + tau)
            # Highest maximum of each pass (several maxima happen on high orbits).
            o = np.lexsort((-load["s"], owner))
            owner_sorted = owner[o]
            firsts = np.ones(len(o), dtype=bool)
            firsts[1:] = owner_sorted[1:] != owner_sorted[:-1]
            pick = o[firsts]
            who = owner[pick]
            better = load["s"][pick] > best_load["s"][who]
            who, pick = who[better], pick[better]
            best_t[who] = peak_t[pick]
            for key in _PAYLOAD_KEYS:
                best_load[key][who] = load[key][pick]
        return best_t, best_load


def _order_by(group, t, duration_s):
    """Indices sorting by (group, t) for integer groups >= 0 and 0 <= t <= duration_s.

    One float key, group * (duration_s + 1) + t, sorts ~2x faster than np.lexsort on a million
    samples; it is used while it keeps t to 1e-6 s (keys below 4e9), else lexsort.
    """
    if len(group) == 0 or float(np.max(group)) * (duration_s + 1.0) < 4e9:
        return np.argsort(group * (duration_s + 1.0) + t, kind="stable")
    return np.lexsort((t, group))


def _sorted_points(points, duration_s):
    o = _order_by(points["pass"], points["t"], duration_s)
    return {key: value[o] for key, value in points.items()}


def _hermite_coefficients(fa, da, fb, db, h):
    """c2, c3 of the cubic fa + da t + c2 t^2 + c3 t^3 through (0, fa, da) and (h, fb, db)."""
    with np.errstate(invalid="ignore", divide="ignore"):
        slope = (fb - fa) / h
        c2 = (3.0 * slope - 2.0 * da - db) / h
        c3 = (da + db - 2.0 * slope) / (h * h)
    return c2, c3


def _hermite_root(fa, da, fb, db, h):
    """A root in (0, h) of the cubic Hermite through both ends (fa, fb of opposite signs): a few
    safeguarded Newton steps from the secant point; NaN where that fails."""
    c2, c3 = _hermite_coefficients(fa, da, fb, db, h)
    with np.errstate(invalid="ignore", divide="ignore"):
        x = np.clip(h * fa / (fa - fb), 0.0, h)
        for _ in range(4):
            p = fa + x * (da + x * (c2 + x * c3))
            dp = da + x * (2.0 * c2 + 3.0 * c3 * x)
            x = np.clip(x - p / dp, 0.0, h)
    return np.where(np.isfinite(x), x, np.nan)


def _hermite_peak(fa, da, fb, db, h):
    """Where the cubic Hermite through both ends has zero slope in [0, h] (da > 0 >= db), else the
    secant root of the slope."""
    c2, c3 = _hermite_coefficients(fa, da, fb, db, h)
    with np.errstate(invalid="ignore", divide="ignore"):
        secant = h * da / (da - db)
        # 3 c3 x^2 + 2 c2 x + da = 0: the root where the slope goes from + to -.
        disc = np.sqrt(np.clip(c2 * c2 - 3.0 * c3 * da, 0.0, None))
        q = -(c2 + np.copysign(disc, c2))
        r1 = q / (3.0 * c3)
        r2 = da / q
        in1 = (r1 >= 0.0) & (r1 <= h)
        in2 = (r2 >= 0.0) & (r2 <= h)
        x = np.where(in1, r1, np.where(in2, r2, secant))
    return np.where(np.isfinite(x), x, secant)


_LOOK_FIELDS = ("sin_elevation", "sin_elevation_rate", "range_m", "range_rate_m_s", "azimuth_rad",
                "azimuth_rate_rad_s", "elevation_rad")
_PAYLOAD_KEYS = ("s", "s_dot", "rho", "rho_dot", "az", "el")


def _payload(lk: _screen.Look):
    return {"s": lk.sin_elevation, "s_dot": lk.sin_elevation_rate, "rho": lk.range_m,
            "rho_dot": lk.range_rate_m_s, "az": lk.azimuth_rad, "el": lk.elevation_rad}


def _payload_from_samples(c, index):
    """Payload of stored samples; azimuth is not stored, so it is recomputed later where needed."""
    s = c["s"][index]
    return {"s": s.copy(), "s_dot": c["s_dot"][index].copy(), "rho": c["rho"][index].copy(),
            "rho_dot": c["rho_dot"][index].copy(), "az": np.full(len(index), np.nan),
            "el": np.arcsin(np.clip(s, -1.0, 1.0))}


def _gap_status_numpy(t, s, sd, rho, rd, g, ia, ib, sat, site, speed, accel, sin_low, sin_high, max_range, simple,
                      h_min):
    """(invisible, split) for the gaps between samples ia and ib (the reference of _compiled.gap_status).

    Samples: columns t, s = sin(elevation), its rate sd, range rho, its rate rd, margin g (all
    indexed by ia, ib). Per gap: satellite ``sat`` (into speed, accel) and site ``site`` (into
    sin_low, sin_high = sines of the lowest and highest mask, max_range, simple = constant mask).

    invisible: provably never visible on the gap (or SGP4 failed at an end): no sample needed.
    split: visibility not settled: not provably invisible, not provably visible throughout, not
    provably holding at most one crossing (sin(elevation) monotone, constant mask, range limit met),
    and longer than h_min.
    """
    span = t[ib] - t[ia]
    sa, sb, sda, sdb = s[ia], s[ib], sd[ia], sd[ib]
    ra, rb, rda, rdb = rho[ia], rho[ib], rd[ia], rd[ib]
    ga, gb = g[ia], g[ib]
    speed, accel = speed[sat], accel[sat]
    sin_low, sin_high, max_range, simple = sin_low[site], sin_high[site], max_range[site], simple[site]
    with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
        # First the cheap test that settles most gaps of the coarse grid: provably below the mask.
        failed = ~(np.isfinite(ga) & np.isfinite(gb))
        rho_low = _screen.range_lower_bound(ra, rda, rb, rdb, accel, span)
        curvature = _screen.sin_elevation_curvature(rho_low, speed, accel)
        s_high = _screen.quadratic_upper_bound(sa, sda, sb, sdb, curvature, span)
        below = (ga < 0.0) & (gb < 0.0)
        invisible = failed | (below & (s_high < sin_low)) | (rho_low > max_range)
        split = np.zeros(span.shape, dtype=bool)
        k = np.flatnonzero(~invisible)
        if k.size:
            c = curvature[k]
            rising = _screen.derivative_lower_bound(sda[k], sdb[k], c, span[k]) > 0.0
            setting = _screen.derivative_lower_bound(-sda[k], -sdb[k], c, span[k]) > 0.0
            monotone = rising | setting
            # Where sin(elevation) is provably monotone its extremes are at the ends.
            top = np.where(monotone, np.maximum(sa[k], sb[k]), s_high[k])
            newly = below[k] & (top < sin_low[k])
            invisible[k] = newly
            low = np.where(monotone, np.minimum(sa[k], sb[k]),
                           _screen.quadratic_lower_bound(sa[k], sda[k], sb[k], sdb[k], c, span[k]))
            # rho'' <= A + V^2 / rho_low: no bound where rho_low is not positive.
            range_curvature = np.where(rho_low[k] > 0.0, accel[k] + speed[k] ** 2 / rho_low[k], np.inf)
            rho_high = _screen.quadratic_upper_bound(ra[k], rda[k], rb[k], rdb[k], range_curvature, span[k])
            in_range = rho_high <= max_range[k]
            visible = (low >= sin_high[k]) & in_range & (ga[k] >= 0.0) & (gb[k] >= 0.0)
            # With a constant mask and the range limit met, a monotone sin(elevation) crosses the
            # mask at most once: a visible-to-invisible gap holds one event, a same-flag gap none.
            single = simple[k] & in_range & monotone
            short = span[k] <= h_min
            split[k] = ~(newly | visible | single | short)
    return invisible, split


def _ranges(starts, counts):
    """Concatenation of arange(start, start + count) for each pair (vectorised)."""
    counts = np.asarray(counts, dtype=np.int64)
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.repeat(np.asarray(starts, dtype=np.int64) - (np.cumsum(counts) - counts), counts)
    return np.arange(total, dtype=np.int64) + offsets


def find_passes(satellites, sites, start: Time, duration_s: float, *, min_elevation_deg: float | None = None,
                min_pass_duration_s: float = 10.0, polar_motion: bool = True) -> pd.DataFrame:
    """Passes of satellites over ground sites in the window [start, start + duration_s].

    Args:
        satellites: an ``Sgp4Propagator``, or one or a sequence of ``MeanElementsGP`` (TLE/OMM
            records) or ``sgp4.api.Satrec``.
        sites: a ``GroundSite`` or a sequence of them (mask and range limit on each).
        start: window start (scalar Time). duration_s: window length in SI seconds (> 0).
        min_elevation_deg: when given, each site's constant mask is raised to this (never lowered).
        min_pass_duration_s: no pass this long or longer is missed; shorter ones are not reported.
        polar_motion: include polar motion in TEME -> ITRS (False: Skyfield's default).

    Returns:
        DataFrame, one row per pass, columns ``PASS_COLUMNS``, sorted by rise time, then satellite
        and site: ``satellite`` (catalogue number), ``site`` (name), ``rise_utc``,
        ``culmination_utc``, ``set_utc`` (ISO 8601 UTC ending in Z, milliseconds), ``*_tai_mjd``
        (TAI MJD: ``Time.from_tai_jd(2400000.5, value)``), ``duration_s``, azimuths (deg from
        true north, clockwise), elevations (deg; the rise/set elevation is the mask there, or
        the elevation at the window edge of a partial pass), slant ranges (m), range rates (m/s,
        positive receding, relative to the site on the rotating Earth), Doppler factors
        1 - range_rate / c (received / emitted frequency, first order), ``partial`` (either edge
        at the window's), ``rises_before_window`` and ``sets_after_window``.

    Raises:
        InvalidInputError: empty or bad satellites or sites, a window of zero or negative length, a
        non-positive minimum pass duration, a mask above 90 deg.
    """
    duration_s, min_pass_duration_s = _window(start, duration_s, min_pass_duration_s)
    site_list = _sites(sites, min_elevation_deg)
    satrecs, ids = _satellites(satellites)
    warn_if_stale(satrecs, ids, start, duration_s)
    search = _Search(satrecs, ids, site_list, start, duration_s, min_pass_duration_s, bool(polar_motion))
    search.screen()
    search.refine()
    found = search.passes()
    peak_t, peak = search.culminations(found)
    table = _table(search, found, peak_t, peak)
    table.attrs["sgp4_evaluations"] = search.evaluations
    return table


def _table(search: _Search, found, peak_t, peak) -> pd.DataFrame:
    n = len(found["track"])
    if n == 0:
        return pd.DataFrame({name: pd.Series(dtype=_dtype(name)) for name in PASS_COLUMNS})
    track = found["track"]
    # Azimuths of stored samples (partial edges) were not kept: recompute those few.
    for key in ("rise", "set"):
        load = found[key]
        missing = np.flatnonzero(np.isnan(load["az"]))
        if missing.size:
            times = found[f"{key}_t"][missing]
            lk, _, _ = search._look_pairs(track[missing], times)
            for name, value in _payload(lk).items():
                load[name][missing] = value
    missing = np.flatnonzero(np.isnan(peak["az"]))
    if missing.size:
        lk, _, _ = search._look_pairs(track[missing], peak_t[missing])
        for name, value in _payload(lk).items():
            peak[name][missing] = value
    start = search.start

    def times(t):
        return Time(start.tai_jd1, start.tai_jd2 + t / SECONDS_PER_DAY)

    rise, culm, sett = times(found["rise_t"]), times(peak_t), times(found["set_t"])
    rise_load, set_load = found["rise"], found["set"]
    columns = {
        "satellite": search.ids[track // search.n_sites],
        "site": np.array(search.sites.names, dtype=object)[track % search.n_sites],
        "rise_utc": _utc_iso(rise), "culmination_utc": _utc_iso(culm), "set_utc": _utc_iso(sett),
        "duration_s": found["set_t"] - found["rise_t"],
        "rise_azimuth_deg": np.degrees(rise_load["az"]), "culmination_azimuth_deg": np.degrees(peak["az"]),
        "set_azimuth_deg": np.degrees(set_load["az"]),
        "rise_elevation_deg": np.degrees(rise_load["el"]), "max_elevation_deg": np.degrees(peak["el"]),
        "set_elevation_deg": np.degrees(set_load["el"]),
        "rise_range_m": rise_load["rho"], "culmination_range_m": peak["rho"], "set_range_m": set_load["rho"],
        "rise_range_rate_m_s": rise_load["rho_dot"], "culmination_range_rate_m_s": peak["rho_dot"],
        "set_range_rate_m_s": set_load["rho_dot"],
        "rise_doppler_factor": 1.0 - rise_load["rho_dot"] / SPEED_OF_LIGHT_M_S,
        "culmination_doppler_factor": 1.0 - peak["rho_dot"] / SPEED_OF_LIGHT_M_S,
        "set_doppler_factor": 1.0 - set_load["rho_dot"] / SPEED_OF_LIGHT_M_S,
        "partial": found["at_start"] | found["at_end"],
        "rises_before_window": found["at_start"], "sets_after_window": found["at_end"],
        "rise_tai_mjd": rise.tai_mjd, "culmination_tai_mjd": culm.tai_mjd, "set_tai_mjd": sett.tai_mjd,
    }
    frame = pd.DataFrame({name: np.asarray(columns[name]) for name in PASS_COLUMNS})
    frame["satellite"] = frame["satellite"].astype(np.int64)
    order = np.lexsort((frame["site"].to_numpy(dtype=str), frame["satellite"].to_numpy(),
                        frame["rise_tai_mjd"].to_numpy()))
    return frame.iloc[order].reset_index(drop=True)


def _utc_iso(times: Time) -> np.ndarray:
    """ISO 8601 UTC text to the millisecond, ending in Z, as ``Time.utc_iso(3)`` writes it (23:59:60
    inside a leap second), for a table: numpy's datetime64 text (which has no leap seconds) with the
    rare leap-second instants written by hand."""
    year, month, day, hour, minute, second = (np.ravel(x) for x in times.utc_calendar(3))
    millis = np.round(second * 1000.0).astype(np.int64)
    _, mjd = erfa.cal2jd(year.astype(np.int32), month.astype(np.int32), day.astype(np.int32))
    since_1970_ms = ((np.round(mjd).astype(np.int64) - 40587) * 86400 + hour.astype(np.int64) * 3600
                     + minute.astype(np.int64) * 60) * 1000 + np.minimum(millis, 59999)
    text = np.char.add(np.datetime_as_string(since_1970_ms.astype("datetime64[ms]"), unit="ms"), "Z")
    out = text.astype(object)
    for k in np.flatnonzero(millis >= 60000):
        out[k] = "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ" % (year[k], month[k], day[k], hour[k], minute[k],
                                                          millis[k] // 1000, millis[k] % 1000)
    return out


def _dtype(name: str):
    if name == "satellite":
        return np.int64
    if name in ("site", "rise_utc", "culmination_utc", "set_utc"):
        return object
    if name in ("partial", "rises_before_window", "sets_after_window"):
        return bool
    return float
