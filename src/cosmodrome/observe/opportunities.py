"""Imaging opportunities of ground targets by many satellites, and windows when observers can see them.

An **imaging opportunity** of a target (a ``GroundSite``) by a satellite carrying a ``Sensor`` is a
maximal interval during which, all at once:

- the target is within the sensor's field of view: off-nadir angle eta <= the sensor's limit
  (a swath is converted to its half-angle at the satellite's altitude at each instant);
- the satellite is at or above ``sensor.min_target_elevation_deg`` and the target's own elevation
  mask (``GroundSite.mask_deg`` at the satellite's azimuth), and within its ``max_range_m`` if set;
- for an optical sensor, the Sun's elevation at the target is at least ``sensor.min_sun_elevation_deg``.

Conventions. Off-nadir angle: between the geocentric nadir (-r, towards the Earth's centre) and the
line of sight to the target. Elevations and azimuths (satellite and Sun) are geometric (no
refraction), from the WGS-84 ellipsoid normal at the target, azimuth clockwise from true north: the
convention of the pass search and of Skyfield. The Sun is its centre (``cosmodrome.ephemeris``,
geometric). The spherical-Earth relations of ``sensors.py`` are used only to convert a swath to an
angle, with the local geocentric radius of the WGS-84 ellipsoid under the satellite, and to prune.

For each opportunity the table gives its start and end, the time at which the off-nadir angle is
smallest, and at that time the off-nadir angle, the satellite's elevation and azimuth seen from the
target, the Sun's elevation at the target, the slant range and, when the sensor's optics are known,
the ground sample distance (``sensors.ground_sample_distance_m``).

An **observer visibility window** (``find_visibility_windows``) is a maximal interval during which
the satellite is above the observer's mask (and ``ObserverVisibility.min_elevation_deg``), lit by
the Sun (its centre not hidden by the Earth, the conical model of ``eclipses.py``) and the Sun at the
observer is at most ``max_sun_elevation_deg`` (-6 deg by default).

Search (``_screen``): each satellite is sampled with SGP4 on a coarse grid (about 1/50 of its
period, finer near the perigee of an eccentric orbit, at most 10 min: ``eclipses._screen_step_s``);
a (satellite, site, interval) is dropped when the Earth central angle
between the satellite and the site cannot come within reach of the field of view inside the
interval (the angle moves at most as fast as a bound of the satellite's angular rate plus the
Earth's rotation) or when the Sun cannot meet its condition (the Sun's elevation changes at most
at the Earth's rotation rate). The rest are sampled every ``min_duration_s`` (10 s by default) on
cubic Hermite interpolants of the SGP4 positions and velocities, so an opportunity or window that
lasts at least ``min_duration_s`` is never missed; shorter ones may be. Each sign change of the
condition (the smallest of its margins, in radians) is then refined to 0.1 ms with exact SGP4
states, an Earth rotation interpolated to 1 mm (``_states.EarthRotation``), and the Sun table of
``eclipses.py``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Sequence

import numpy as np
import pandas as pd

from ..earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M, WGS84_ROTATION_RATE_RAD_S
from ..errors import InvalidInputError
from ..time import Time
from ._states import EarthRotation, SatelliteStates, warn_if_stale
from .eclipses import (EarthShape, earth_shape_of, _catalogue, _check_window, _iso, _minimise, _refine_roots,
                       _runs_to_intervals, _screen_step_s, _SunTable, shadow_angles_rad,
                       sun_centre_function_rad)
from .ground import GroundSite
from .sensors import ObserverVisibility, Sensor, ground_sample_distance_m, off_nadir_from_elevation_rad

DEFAULT_MIN_DURATION_S = 10.0
_MU_M3_S2 = 398600.8e9            # WGS-72, as SGP4; only for a bound of the perigee radius
_PRUNE_MARGIN_RAD = 0.01           # sphere vs ellipsoid (normal vs geocentric up to 0.0034 rad), and more
_SUN_RATE_RAD_S = WGS84_ROTATION_RATE_RAD_S * 1.01  # bound of the rate of the Sun's elevation anywhere
_MAX_SAMPLES_PER_CHUNK = 4_000_000


# --- geometry at samples -----------------------------------------------------------------------------

class _Sites:
    """The sites as arrays: ITRS position, unit east/north/up, geocentric radius."""

    def __init__(self, sites: Sequence[GroundSite]):
        self.sites = list(sites)
        self.position = np.array([s.position_itrs_m for s in self.sites]).reshape(-1, 3)
        basis = np.array([s.east_north_up for s in self.sites]).reshape(-1, 3, 3)
        self.east, self.north, self.up = basis[:, 0], basis[:, 1], basis[:, 2]
        self.radius = np.sqrt(np.sum(self.position ** 2, axis=-1))
        self.unit = self.position / self.radius[:, None]
        self.lowest_mask_rad = np.radians([s.mask_range_deg[0] for s in self.sites])
        self.names = [s.name for s in self.sites]

    def mask_rad(self, site_index, azimuth_rad):
        """Elevation mask (rad) of site_index[k] at azimuth_rad[k]."""
        out = np.empty(np.shape(azimuth_rad))
        for j in np.unique(site_index):
            rows = site_index == j
            out[rows] = np.radians(self.sites[j].mask_deg(np.degrees(azimuth_rad[rows])))
        return out

    def max_range_m(self, site_index):
        limits = np.array([np.inf if s.max_range_m is None else s.max_range_m for s in self.sites])
        return limits[site_index]


def _local_radius_m(r_itrs):
    """Geocentric radius (m) of the WGS-84 ellipsoid under each position (at its geocentric latitude)."""
    a, b = WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M
    norm = np.sqrt(np.sum(r_itrs * r_itrs, axis=-1))
    sin2 = (r_itrs[..., 2] / norm) ** 2
    return a * b / np.sqrt(b * b * (1.0 - sin2) + a * a * sin2)


class _Look:
    """Everything the conditions need about satellite k seen from site k (arrays of one shape)."""

    def __init__(self, sites: _Sites, site_index, r_teme, r_itrs, sun_teme, sun_itrs):
        self.site_index = site_index
        self.r_teme, self.r_itrs, self.sun_teme = r_teme, r_itrs, sun_teme
        d = r_itrs - sites.position[site_index]
        up = sites.up[site_index]
        de = np.sum(d * sites.east[site_index], axis=-1)
        dn = np.sum(d * sites.north[site_index], axis=-1)
        du = np.sum(d * up, axis=-1)
        self.range_m = np.sqrt(de * de + dn * dn + du * du)
        with np.errstate(invalid="ignore", divide="ignore"):
            self.elevation_rad = np.arcsin(np.clip(du / self.range_m, -1.0, 1.0))
        self.azimuth_rad = np.mod(np.arctan2(de, dn), 2.0 * np.pi)
        cross = np.cross(r_itrs, d)
        self.off_nadir_rad = np.arctan2(np.sqrt(np.sum(cross * cross, axis=-1)), np.sum(r_itrs * d, axis=-1))
        self.radius_m = np.sqrt(np.sum(r_itrs * r_itrs, axis=-1))
        self.local_radius_m = _local_radius_m(r_itrs)
        s = sun_itrs - sites.position[site_index]
        with np.errstate(invalid="ignore", divide="ignore"):
            self.sun_elevation_rad = np.arcsin(np.clip(np.sum(s * up, axis=-1) / np.sqrt(np.sum(s * s, axis=-1)),
                                                       -1.0, 1.0))


def _range_margin(look: _Look, sites: _Sites):
    limit = sites.max_range_m(look.site_index)
    with np.errstate(invalid="ignore"):
        return np.where(np.isfinite(limit), (limit - look.range_m) / limit, np.inf)


class _ImagingCondition:
    """Margins (rad) of an imaging opportunity; it holds where the smallest is >= 0."""

    def __init__(self, sensor: Sensor):
        self.sensor = sensor
        self.min_elevation_rad = math.radians(sensor.min_target_elevation_deg)
        self.sun_min_rad = None if sensor.min_sun_elevation_deg is None else math.radians(sensor.min_sun_elevation_deg)
        self.sun_max_rad = None

    def margin(self, look: _Look, sites: _Sites):
        limit = self.sensor.off_nadir_limit_rad(look.radius_m - look.local_radius_m, look.local_radius_m, warn=False)
        mask = np.maximum(self.min_elevation_rad, sites.mask_rad(look.site_index, look.azimuth_rad))
        g = np.minimum(limit - look.off_nadir_rad, look.elevation_rad - mask)
        g = np.minimum(g, _range_margin(look, sites))
        if self.sun_min_rad is not None:
            g = np.minimum(g, look.sun_elevation_rad - self.sun_min_rad)
        return g

    def central_angle_limit_rad(self, altitude_m, earth_radius_m, lowest_mask_rad):
        """Largest Earth central angle (rad) between satellite and target at which the condition can hold."""
        eps = np.maximum(self.min_elevation_rad, lowest_mask_rad)
        lam_el = 0.5 * math.pi - eps - off_nadir_from_elevation_rad(eps, altitude_m, earth_radius_m)
        eta = self.sensor.off_nadir_limit_rad(altitude_m, earth_radius_m, warn=False)
        sin_rho = earth_radius_m / (earth_radius_m + altitude_m)
        with np.errstate(invalid="ignore"):
            eps_fov = np.arccos(np.clip(np.sin(eta) / sin_rho, -1.0, 1.0))
        lam_fov = 0.5 * math.pi - eta - eps_fov
        return np.minimum(lam_el, lam_fov)


class _ObserverCondition:
    """Margins (rad) of a ground observer's visibility window."""

    def __init__(self, visibility: ObserverVisibility, earth_shape: EarthShape):
        self.visibility = visibility
        self.earth_shape = earth_shape_of(earth_shape)
        self.min_elevation_rad = math.radians(visibility.min_elevation_deg)
        self.sun_min_rad = None
        self.sun_max_rad = math.radians(visibility.max_sun_elevation_deg)

    def margin(self, look: _Look, sites: _Sites):
        mask = np.maximum(self.min_elevation_rad, sites.mask_rad(look.site_index, look.azimuth_rad))
        g = np.minimum(look.elevation_rad - mask, self.sun_max_rad - look.sun_elevation_rad)
        g = np.minimum(g, _range_margin(look, sites))
        if self.visibility.requires_sunlit:
            g = np.minimum(g, sun_centre_function_rad(*shadow_angles_rad(look.r_teme, look.sun_teme,
                                                                         self.earth_shape)))
        return g

    def central_angle_limit_rad(self, altitude_m, earth_radius_m, lowest_mask_rad):
        eps = np.maximum(self.min_elevation_rad, lowest_mask_rad)
        return 0.5 * math.pi - eps - off_nadir_from_elevation_rad(eps, altitude_m, earth_radius_m)


# --- the search -----------------------------------------------------------------------------------

class _Scene:
    """Satellites, sites, window and the exact evaluators shared by the screen and the refinement."""

    def __init__(self, catalogue, sites, start: Time, duration_s: float, condition):
        self.satrecs, self.ids = catalogue
        warn_if_stale(self.satrecs, self.ids, start, duration_s)
        self.sites = _Sites(sites)
        self.start = start
        self.duration_s = duration_s
        self.condition = condition
        self.states = SatelliteStates(self.satrecs, start)
        self.rotation = EarthRotation(start, duration_s)
        self.sun = _SunTable(start, duration_s)

    def look(self, site_index, offsets_s, r_teme):
        zero = np.zeros_like(r_teme)
        r_itrs, _ = self.rotation.teme_to_itrs(offsets_s, r_teme, zero)
        sun_teme = self.sun.teme_m(offsets_s)
        sun_itrs, _ = self.rotation.teme_to_itrs(offsets_s, sun_teme, zero)
        return _Look(self.sites, site_index, r_teme, r_itrs, sun_teme, sun_itrs)

    def exact_look(self, sat_index, site_index, offsets_s):
        r_teme, _ = self.states.pairs(sat_index, offsets_s)
        return self.look(site_index, offsets_s, r_teme)

    def exact_margin(self, sat_index, site_index, offsets_s):
        look = self.exact_look(sat_index, site_index, offsets_s)
        return self.condition.margin(look, self.sites)


def _hermite(p0, v0, p1, v1, span_s, tau):
    """Cubic Hermite interpolation of positions from both ends' positions and velocities, tau in [0, 1]."""
    t = tau[..., None]
    t2, t3 = t * t, t * t * t
    return ((2.0 * t3 - 3.0 * t2 + 1.0) * p0 + (t3 - 2.0 * t2 + t) * span_s * v0
            + (-2.0 * t3 + 3.0 * t2) * p1 + (t3 - t2) * span_s * v1)


def _angular_rate_bound(r, v):
    """Bound (rad/s) of the rate of the satellite's geocentric direction seen from the rotating Earth.

    |v| / r at the perigee of the osculating orbit of each sample (the largest angular rate the
    two-body orbit reaches), the largest over the samples plus 5 %, plus the Earth's rotation rate.
    """
    radius = np.sqrt(np.sum(r * r, axis=-1))
    speed2 = np.sum(v * v, axis=-1)
    h = np.sqrt(np.sum(np.cross(r, v) ** 2, axis=-1))
    with np.errstate(invalid="ignore", divide="ignore"):
        energy = 0.5 * speed2 - _MU_M3_S2 / radius
        a = -_MU_M3_S2 / (2.0 * energy)
        e = np.sqrt(np.clip(1.0 - h * h / (_MU_M3_S2 * a), 0.0, None))
        r_p = np.where(energy < 0.0, a * (1.0 - e), radius)
        rate = np.maximum(h / (r_p * r_p), np.sqrt(speed2) / radius)  # h / r_p^2 = v_p / r_p
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        rate = np.nanmax(rate, axis=-1)
    return rate * 1.05 + WGS84_ROTATION_RATE_RAD_S * 1.0001


def _screen(scene: _Scene, min_duration_s: float):
    """Brackets of every entry into and exit from the condition: list of arrays and the edge states."""
    duration = scene.duration_s
    n_sites = len(scene.sites.sites)
    nominal = np.array([_screen_step_s(r) for r in scene.satrecs])
    found = {"sat": [], "site": [], "lo": [], "hi": [], "glo": [], "ghi": []}
    inside_at_start = set()
    for step in np.unique(nominal):
        m = max(1, int(math.floor(step / min_duration_s + 1e-9)))
        n_coarse = max(1, int(math.ceil(duration / (m * min_duration_s) - 1e-9)))
        fine_step = duration / (m * n_coarse)
        coarse_step = m * fine_step
        grid = np.arange(n_coarse + 1) * coarse_step
        grid[-1] = duration
        members = np.flatnonzero(nominal == step)
        chunk = max(1, _MAX_SAMPLES_PER_CHUNK // max(1, n_sites * (n_coarse + 1)))
        lowest_site_radius = float(np.min(scene.sites.radius)) - 1e3
        lowest_mask = float(np.min(scene.sites.lowest_mask_rad))
        zero_grid = np.zeros((len(grid), 3))
        sun_itrs_grid, _ = scene.rotation.teme_to_itrs(grid, scene.sun.teme_m(grid), zero_grid)
        ds = sun_itrs_grid[None] - scene.sites.position[:, None]
        sun_el = np.arcsin(np.sum(ds * scene.sites.up[:, None], axis=-1) / np.sqrt(np.sum(ds * ds, axis=-1)))
        sun_ok = np.ones((n_sites, n_coarse), dtype=bool)
        sun_mid = 0.5 * (sun_el[:, 1:] + sun_el[:, :-1])
        sun_slack = 0.5 * _SUN_RATE_RAD_S * coarse_step + 1e-3
        if scene.condition.sun_min_rad is not None:
            sun_ok &= sun_mid + sun_slack >= scene.condition.sun_min_rad
        if scene.condition.sun_max_rad is not None:
            sun_ok &= sun_mid - sun_slack <= scene.condition.sun_max_rad
        for c0 in range(0, len(members), chunk):
            sats = members[c0:c0 + chunk]
            r_teme, v_teme = scene.states.grid(sats, grid)
            r_itrs, _ = scene.rotation.teme_to_itrs(grid[None, :], r_teme, v_teme)
            radius = np.sqrt(np.sum(r_itrs * r_itrs, axis=-1))
            cos_psi = np.einsum("ntk,jk->njt", r_itrs / radius[..., None], scene.sites.unit)
            # The reach on a sphere no larger than the ellipsoid under the satellite or at any site,
            # for the lowest elevation any site accepts: wider than the true reach, never narrower.
            sphere = np.minimum(_local_radius_m(r_itrs), lowest_site_radius)
            reach = scene.condition.central_angle_limit_rad(radius - sphere, sphere, lowest_mask)
            # Between samples the central angle psi falls at most at the rate bound: an interval can
            # hold a visible instant only if min(psi_k, psi_k+1) <= reach + rate * step / 2 (+ margin).
            rate = _angular_rate_bound(r_teme, v_teme)
            widest = np.fmax(reach[:, 1:], reach[:, :-1]) + 0.5 * rate[:, None] * coarse_step + _PRUNE_MARGIN_RAD
            threshold = np.where(widest < np.pi, np.cos(np.minimum(widest, np.pi)), -2.0)
            threshold = np.where(np.isnan(widest), 2.0, threshold)  # no state: nothing to search
            near = np.fmax(cos_psi[..., 1:], cos_psi[..., :-1]) >= threshold[:, None, :]
            candidate = near & sun_ok[None]
            ci, cj, ck = np.nonzero(candidate)
            if ci.size == 0:
                continue
            tau = np.arange(m + 1) / m
            p = _hermite(r_teme[ci, ck][:, None], v_teme[ci, ck][:, None], r_teme[ci, ck + 1][:, None],
                         v_teme[ci, ck + 1][:, None], coarse_step, tau[None, :])
            offsets = grid[ck][:, None] + tau[None, :] * coarse_step
            offsets[:, -1] = grid[ck + 1]
            site_index = np.broadcast_to(cj[:, None], offsets.shape)
            look = scene.look(site_index.ravel(), offsets.ravel(), p.reshape(-1, 3))
            g = scene.condition.margin(look, scene.sites).reshape(offsets.shape)
            ok = g >= 0.0
            finite = np.isfinite(g)
            rows, cols = np.nonzero((ok[:, 1:] != ok[:, :-1]) & finite[:, 1:] & finite[:, :-1])
            found["sat"].append(sats[ci[rows]])
            found["site"].append(cj[rows])
            found["lo"].append(offsets[rows, cols])
            found["hi"].append(offsets[rows, cols + 1])
            found["glo"].append(g[rows, cols])
            found["ghi"].append(g[rows, cols + 1])
            first = (ck == 0) & ok[:, 0]
            inside_at_start.update(zip(sats[ci[first]].tolist(), cj[first].tolist()))
    arrays = {k: (np.concatenate(v) if v else np.empty(0)) for k, v in found.items()}
    arrays["sat"] = arrays["sat"].astype(np.int64)
    arrays["site"] = arrays["site"].astype(np.int64)
    return arrays, inside_at_start


def _intervals(scene: _Scene, min_duration_s: float):
    """Refined intervals: list of (sat, site, start_s, end_s, starts_at_edge, ends_at_edge)."""
    b, inside_at_start = _screen(scene, min_duration_s)

    def evaluate(pair, offsets):
        return scene.exact_margin(b["sat"][pair], b["site"][pair], offsets)

    roots = _refine_roots(evaluate, np.arange(b["sat"].size), b["lo"], b["hi"], b["glo"], b["ghi"])
    entering = b["glo"] < 0.0
    n_sites = len(scene.sites.sites)
    keys = b["sat"] * n_sites + b["site"]
    pairs = np.unique(np.concatenate([keys, [sat * n_sites + site for sat, site in inside_at_start]]).astype(np.int64))
    order = np.argsort(keys, kind="stable")
    bounds_lo = np.searchsorted(keys[order], pairs, side="left")
    bounds_hi = np.searchsorted(keys[order], pairs, side="right")
    out = []
    for key, a, z in zip(pairs.tolist(), bounds_lo.tolist(), bounds_hi.tolist()):
        sat, site = divmod(key, n_sites)
        mine = order[a:z]
        for t0, t1, edge0, edge1 in _runs_to_intervals(roots[mine[entering[mine]]], roots[mine[~entering[mine]]],
                                                        (sat, site) in inside_at_start, scene.duration_s):
            out.append((sat, site, t0, t1, edge0, edge1))
    return out


def _best_times(scene: _Scene, intervals, objective, fine_step_s: float):
    """Time (s) in each interval where ``objective(look)`` is smallest: sampled, then golden section."""
    if not intervals:
        return np.empty(0)
    sat = np.array([iv[0] for iv in intervals], dtype=np.int64)
    site = np.array([iv[1] for iv in intervals], dtype=np.int64)
    t0 = np.array([iv[2] for iv in intervals])
    t1 = np.array([iv[3] for iv in intervals])
    counts = np.clip(np.ceil((t1 - t0) / fine_step_s).astype(np.int64) + 1, 3, 2000)
    owner = np.repeat(np.arange(len(intervals)), counts)
    position = np.arange(owner.size) - np.repeat(np.cumsum(counts) - counts, counts)
    step = (t1 - t0) / (counts - 1)
    offsets = t0[owner] + position * step[owner]
    values = objective(scene.exact_look(sat[owner], site[owner], offsets))
    values = np.where(np.isfinite(values), values, np.inf)
    order = np.lexsort((values, owner))
    first = np.searchsorted(owner[order], np.arange(len(intervals)))
    best = position[order[first]]
    lo = np.maximum(t0, t0 + (best - 1) * step)
    hi = np.minimum(t1, t0 + (best + 1) * step)

    def evaluate(k, t):
        return objective(scene.exact_look(sat[k], site[k], t))

    t_best, _ = _minimise(evaluate, np.arange(len(intervals)), lo, hi, 40)
    return t_best


def _check_common(satellites, sites, start, duration_s, min_duration_s):
    duration = _check_window(start, duration_s)
    catalogue = _catalogue(satellites)
    if isinstance(sites, GroundSite):
        sites = [sites]
    if not isinstance(sites, Sequence) or len(sites) == 0:
        raise InvalidInputError("expected at least one ground site (a GroundSite or a list of them)", field="sites")
    for k, site in enumerate(sites):
        if not isinstance(site, GroundSite):
            raise InvalidInputError(f"site {k}: expected a GroundSite, got {type(site).__name__}", field="sites")
    if isinstance(min_duration_s, bool) or not isinstance(min_duration_s, (int, float)) \
            or not math.isfinite(min_duration_s) or not 0.1 <= min_duration_s <= 600.0:
        raise InvalidInputError(f"expected a shortest interval from 0.1 to 600 s, got {min_duration_s!r}",
                                field="min_duration_s")
    return catalogue, list(sites), duration


def _table(scene: _Scene, intervals, t_best, site_column: str, best_column: str, measures: dict,
           columns) -> pd.DataFrame:
    """The rows of ``intervals`` with the common columns, sorted by start time, satellite and site."""
    sat = np.array([iv[0] for iv in intervals], dtype=np.int64)
    site = np.array([iv[1] for iv in intervals], dtype=np.int64)
    t0 = np.array([iv[2] for iv in intervals])
    t1 = np.array([iv[3] for iv in intervals])
    before = np.array([iv[4] for iv in intervals], dtype=bool)
    after = np.array([iv[5] for iv in intervals], dtype=bool)
    start = scene.start
    data = {
        "satellite": scene.ids[sat].astype(np.int64),
        site_column: np.array(scene.sites.names, dtype=object)[site],
        "start_utc": _iso(start, t0), "end_utc": _iso(start, t1), "duration_s": t1 - t0,
        f"{best_column}_utc": _iso(start, t_best),
        **measures,
        "partial": before | after, "starts_before_window": before, "ends_after_window": after,
        "start_tai_mjd": (start + t0).tai_mjd, "end_tai_mjd": (start + t1).tai_mjd,
        f"{best_column}_tai_mjd": (start + t_best).tai_mjd,
    }
    frame = pd.DataFrame({name: np.asarray(data[name]) for name in columns})
    order = np.lexsort((site, scene.ids[sat], t0))
    return frame.iloc[order].reset_index(drop=True)


def _empty(columns) -> pd.DataFrame:
    def dtype(name):
        if name == "satellite":
            return np.int64
        if name in ("partial", "starts_before_window", "ends_after_window"):
            return bool
        if name.endswith("_utc") or name in ("target", "site"):
            return object
        return float
    return pd.DataFrame({name: pd.Series(dtype=dtype(name)) for name in columns})


IMAGING_COLUMNS = (
    "satellite", "target", "start_utc", "end_utc", "duration_s", "min_off_nadir_utc",
    "off_nadir_deg", "target_elevation_deg", "target_azimuth_deg", "sun_elevation_deg", "slant_range_m",
    "gsd_m", "gsd_look_m", "gsd_perpendicular_m",
    "partial", "starts_before_window", "ends_after_window",
    "start_tai_mjd", "end_tai_mjd", "min_off_nadir_tai_mjd",
)


def find_imaging_opportunities(satellites, targets, start: Time, duration_s: float, sensor: Sensor, *,
                               min_duration_s: float = DEFAULT_MIN_DURATION_S) -> pd.DataFrame:
    """Imaging opportunities of each target by each satellite in [start, start + duration_s].

    ``satellites``: TLE/OMM records (``MeanElementsGP``) or ``sgp4`` Satrecs, or an
    ``Sgp4Propagator``; ``targets``: one
    ``GroundSite`` or a list; ``sensor``: a ``Sensor`` (field of view, Sun and elevation
    conditions, optics). Opportunities shorter than ``min_duration_s`` (default 10 s) may be missed.

    Returns a DataFrame (columns ``IMAGING_COLUMNS``), one row per opportunity sorted by start,
    satellite and target: ``satellite`` (catalogue number), ``target`` (site name), ``start_utc``,
    ``end_utc`` (ISO 8601 UTC ending in Z, millisecond), ``duration_s``, ``min_off_nadir_utc`` (when
    the off-nadir angle is smallest) and at that time ``off_nadir_deg``, ``target_elevation_deg`` and
    ``target_azimuth_deg`` (the satellite seen from the target), ``sun_elevation_deg`` (at the
    target), ``slant_range_m``, ``gsd_m`` (geometric mean), ``gsd_look_m`` and
    ``gsd_perpendicular_m`` (NaN without optics); ``partial`` (cut by the window, whose edge is then
    the time given), ``starts_before_window``, ``ends_after_window``; and the three times again as
    TAI MJD (``*_tai_mjd``: ``Time.from_tai_jd(2400000.5, value)``). A SensorClampWarning is given
    once when the field of view is wider than the Earth's disc at some altitude of some satellite.

    Raises InvalidInputError for an empty satellite or target list, a start that is not a scalar
    Time, or a window of zero or negative length.
    """
    if not isinstance(sensor, Sensor):
        raise InvalidInputError(f"expected a Sensor, got {type(sensor).__name__}", field="sensor")
    catalogue, sites, duration = _check_common(satellites, targets, start, duration_s, min_duration_s)
    scene = _Scene(catalogue, sites, start, duration, _ImagingCondition(sensor))
    _warn_if_clamped(scene, sensor)
    intervals = _intervals(scene, min_duration_s)
    if not intervals:
        return _empty(IMAGING_COLUMNS)
    t_best = _best_times(scene, intervals, lambda look: look.off_nadir_rad, min_duration_s)
    sat = np.array([iv[0] for iv in intervals], dtype=np.int64)
    site = np.array([iv[1] for iv in intervals], dtype=np.int64)
    look = scene.exact_look(sat, site, t_best)
    if sensor.has_optics:
        gsd_look, gsd_perp, gsd = ground_sample_distance_m(sensor.pixel_pitch_m, sensor.focal_length_m,
                                                           look.range_m, look.elevation_rad)
    else:
        gsd_look = gsd_perp = gsd = np.full(len(intervals), np.nan)
    measures = {
        "off_nadir_deg": np.degrees(look.off_nadir_rad),
        "target_elevation_deg": np.degrees(look.elevation_rad),
        "target_azimuth_deg": np.degrees(look.azimuth_rad),
        "sun_elevation_deg": np.degrees(look.sun_elevation_rad),
        "slant_range_m": look.range_m,
        "gsd_m": gsd, "gsd_look_m": gsd_look, "gsd_perpendicular_m": gsd_perp,
    }
    return _table(scene, intervals, t_best, "target", "min_off_nadir", measures, IMAGING_COLUMNS)


def _warn_if_clamped(scene: _Scene, sensor: Sensor) -> None:
    """One SensorClampWarning when the field of view is wider than the Earth's disc for some satellite."""
    r_teme, _ = scene.states.grid(np.arange(len(scene.satrecs)), np.linspace(0.0, scene.duration_s, 25))
    radius = np.sqrt(np.sum(r_teme * r_teme, axis=-1))
    local = _local_radius_m(r_teme)
    ok = np.isfinite(radius)
    if np.any(ok):
        sensor.off_nadir_limit_rad(radius[ok] - local[ok], local[ok], warn=True)


VISIBILITY_COLUMNS = (
    "satellite", "site", "start_utc", "end_utc", "duration_s", "max_elevation_utc",
    "max_elevation_deg", "azimuth_deg", "sun_elevation_deg", "range_m",
    "partial", "starts_before_window", "ends_after_window",
    "start_tai_mjd", "end_tai_mjd", "max_elevation_tai_mjd",
)


def find_visibility_windows(satellites, sites, start: Time, duration_s: float,
                            visibility: ObserverVisibility = ObserverVisibility(), *,
                            earth_shape: EarthShape = EarthShape.OBLATE,
                            min_duration_s: float = DEFAULT_MIN_DURATION_S) -> pd.DataFrame:
    """Windows when observers at ``sites`` can see each satellite: it is up, sunlit, and their sky dark.

    ``visibility``: the conditions (``ObserverVisibility``: minimum elevation 10 deg, the Sun's
    centre visible from the satellite, the Sun at most -6 deg at the observer, by default);
    ``earth_shape`` for the satellite's shadow. Windows shorter than ``min_duration_s`` may be missed.

    Returns a DataFrame (columns ``VISIBILITY_COLUMNS``), one row per window sorted by start,
    satellite and site: ``satellite``, ``site``, ``start_utc``, ``end_utc``, ``duration_s``,
    ``max_elevation_utc`` and at that time ``max_elevation_deg``, ``azimuth_deg``,
    ``sun_elevation_deg`` (at the observer) and ``range_m``; ``partial``, ``starts_before_window``,
    ``ends_after_window`` and the ``*_tai_mjd`` times, as ``find_imaging_opportunities``.
    Raises InvalidInputError as ``find_imaging_opportunities``.
    """
    if not isinstance(visibility, ObserverVisibility):
        raise InvalidInputError(f"expected an ObserverVisibility, got {type(visibility).__name__}",
                                field="visibility")
    catalogue, sites, duration = _check_common(satellites, sites, start, duration_s, min_duration_s)
    scene = _Scene(catalogue, sites, start, duration, _ObserverCondition(visibility, earth_shape))
    intervals = _intervals(scene, min_duration_s)
    if not intervals:
        return _empty(VISIBILITY_COLUMNS)
    t_best = _best_times(scene, intervals, lambda look: -look.elevation_rad, min_duration_s)
    sat = np.array([iv[0] for iv in intervals], dtype=np.int64)
    site = np.array([iv[1] for iv in intervals], dtype=np.int64)
    look = scene.exact_look(sat, site, t_best)
    measures = {
        "max_elevation_deg": np.degrees(look.elevation_rad),
        "azimuth_deg": np.degrees(look.azimuth_rad),
        "sun_elevation_deg": np.degrees(look.sun_elevation_rad),
        "range_m": look.range_m,
    }
    return _table(scene, intervals, t_best, "site", "max_elevation", measures, VISIBILITY_COLUMNS)
