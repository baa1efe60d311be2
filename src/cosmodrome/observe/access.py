"""Access of every grid point to every satellite: screened on a time grid, edges refined to a stated resolution.

Definition (docs/coverage.md, section 1)
----------------------------------------
A grid point P (on the WGS-84 ellipsoid, or on the sphere of ``Grid.sphere_radius_m``) has access
to a satellite S at an instant when, all at once:

- **geometry**: with an elevation mask, S is at least ``min_elevation_deg`` above the horizon of P
  (the plane normal to the ellipsoid normal at P, geometric: no refraction); with a sensor
  (``cosmodrome.observe.sensors.Sensor``), P lies within the sensor's field of view, off-nadir
  angle eta <= the sensor's limit (between the geocentric nadir -r and the line of sight from S to
  P; a swath is converted to its half-angle at the satellite's altitude above the local radius of
  the ellipsoid, at every instant, as ``Sensor.off_nadir_limit_rad`` does), *and* S is at least
  ``sensor.min_target_elevation_deg`` above P's horizon;
- **Sun** (optional): the Sun's centre is at least ``min_sun_elevation_deg`` above P's horizon
  (geometric, topocentric; ``cosmodrome.ephemeris``).

The geometric condition is the sign of a continuous switching function of time, in the spirit of
Orekit's event detectors: ``sin(elevation) - sin(mask)``, and for a sensor the smaller of that and
``cos(eta) - cos(eta_max)``. Access is where it is >= 0. The Sun condition is applied per point
(it does not depend on the satellite) and intersected with the union over satellites.

Screening and refinement
------------------------
States come from any propagator (``orbits.propagator.Propagator``) on a uniform grid of step h (the
screening step) and are turned to ITRS: TEME through ``frames.teme_to_itrs``; GCRS (and EME2000)
through a GCRS -> TEME matrix interpolated linearly between hourly nodes of ``frames`` (it moves
only with precession and nutation; positions agree with ``frames.gcrs_to_itrs`` within 1 mm,
tested) and then ``frames.teme_to_itrs``.
Between samples a satellite's ITRS state is the cubic Hermite interpolant of the sampled positions
and velocities (error ~ h^4 |r''''| / 384: 0.5 m for a 550 km orbit at h = 60 s, 0.07 ms of time).

At every sample the switching function g and its rate g' are evaluated for the candidate
(satellite, point) pairs (below). Between consecutive samples of a pair:

- a sign change is an edge: the root of the cubic Hermite through (g, g') at both ends is a guess,
  checked by two exact evaluations half the **time resolution** (``AccessSpec.time_resolution_s``,
  1 s by default) on either side of it, which leaves a bracket no wider than the resolution (a
  guess that fails the check, under 0.01 % of them, falls back to bisection); the edge is the
  secant root inside that bracket, so every edge is within the resolution of the switching
  function's root (measured against a brute force: 11 ms at most, docs/coverage.md);
- both ends negative: a cubic Hermite through (g, g') at both ends predicts the interval's largest
  value; when it is above -``GRAZING_TOLERANCE`` the maximum is searched on the exact function and,
  if it is >= 0, the short access inside the step is kept (with both edges refined). The step is at
  most a third of the time the footprint takes to move by its own radius, so the cubic follows g
  far more closely than the tolerance and grazing passes of a few seconds, starting and ending
  between two samples, are found (tests). This is a tolerance, not a proof.

Pruning
-------
At each sample only points that could be in access within one step of it are tested. For each
satellite the footprint's Earth central angle (between the geocentric directions of the satellite
and the point) is bounded from above on a sphere of the grid's smallest geocentric radius, with the
mask lowered by the largest angle between a point's ellipsoid normal and its geocentric direction
(0.19 deg on WGS-84), so that the bound holds on the ellipsoid; the largest satellite radius and
off-nadir limit over the neighbouring samples are used. It is widened by the largest angular rate
of the sub-satellite direction (sampled, +2 %) times the step. Points within that angle of the
sub-satellite point are found by latitude-band indexing: the grid's rows of constant latitude are
searched for the arc of longitudes inside the circle (``searchsorted`` on the sorted longitudes),
so the cost is that of the points returned. A pair absent at a sample is proved negative over the
step on either side; the pairs present at consecutive samples are matched by their sorted keys.

Sun: its elevation at every point is sampled every ``_SUN_STEP_S`` (at most 5 min; it changes by
at most 0.02 rad in that time) and sign changes are refined the same way, with the Sun's ITRS
position interpolated linearly between the satellite samples (a chord of 0.25 deg at most: the
direction error is below 1e-7 rad). A daily maximum (or minimum) of the Sun's elevation within
1e-5 rad of the threshold may be missed (its crossing pair lies within one 5-min sample).

Failed states (a propagator's non-zero ``Status``, NaN) count as no access; an access running into
them ends at the last good sample (``AccessResult.failures`` lists the satellites).

The hot kernels have numba twins at the end of the module (``COMPILED``, True by default); the
NumPy code is the reference, and both give the same intervals to the bit (tests/observe/test_access.py).
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from numba import njit

from ..earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M
from ..ephemeris import sun_position_gcrs_m
from ..errors import InvalidInputError
from ..frames import Frame, eme2000_to_gcrs, frame_rotations, gcrs_to_teme, teme_to_itrs
from ..orbits.propagator import Status
from ..time import Time
from .areas import Grid
from .metrics import AccessIntervals
from .sensors import Sensor

DEFAULT_TIME_RESOLUTION_S = 1.0
MAX_SCREENING_STEP_S = 60.0
GRAZING_TOLERANCE = 2e-3        # in units of the switching function (sine/cosine): ~0.1 deg of elevation
_STEP_FRACTION = 1.0 / 3.0      # screening step <= this fraction of (footprint radius / angular rate)
_MIN_SCREENING_STEP_S = 0.05
_RATE_MARGIN = 1.02             # on the sampled largest angular rate of the sub-satellite direction
_RADIUS_CURVATURE_M_S2 = 12.0   # bound of |d^2 |r| / dt^2| between samples (gravity ~9.8 m/s^2 in LEO)
_ETA_SLACK_RAD = 1e-4           # a swath's half-angle between samples may exceed the sampled ones by this
_ANGLE_SLACK_RAD = 1e-7
_NODE_SPACING_S = 3600.0        # GCRS -> TEME matrix nodes
_SUN_TABLE_STEP_S = 600.0       # the Sun in TEME, interpolated linearly (0.04 deg of arc per step)
_SUN_STEP_S = 300.0             # Sun elevation samples per point
_CANDIDATES_PER_CHUNK = 2_000_000
_POINTS_PER_SUN_CHUNK = 2_000_000
_MAXIMUM_SEARCH_ITERATIONS = 4
_ROW_KEY_SPACING = 8.0          # > 2 pi: keys row * 8 + (longitude + pi) increase through the rows
# The numba twins at the end of this module (True) or their NumPy references (False): same accesses either way.
COMPILED = True


# --- the request -------------------------------------------------------------------------------

def _number(value, name: str, low: float, high: float, *, low_open: bool = False, high_open: bool = True) -> float:
    ok = not isinstance(value, bool) and isinstance(value, (int, float, np.integer, np.floating)) \
        and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (value < high if high_open else value <= high)
    if not ok:
        left = "(" if low_open else "["
        right = ")" if high_open else "]"
        raise InvalidInputError(f"expected a number in {left}{low:g}, {high:g}{right}, got {value!r}",
                                source="access", field=name)
    return float(value)


@dataclass(frozen=True)
class AccessSpec:
    """What access means, and how finely its edges are located.

    Build one with :meth:`elevation_mask` or :meth:`for_sensor`. Fields:

    - ``min_elevation_deg``: elevation mask at the point, 0 to below 90 deg (with a sensor: the
      sensor's ``min_target_elevation_deg``);
    - ``sensor``: a field of view (cone, off-nadir limit or swath), or None for an elevation mask;
    - ``min_sun_elevation_deg``: the Sun at least this high at the point (-90 to 90 deg), or None
      for no condition (with a sensor: the sensor's own ``min_sun_elevation_deg``);
    - ``time_resolution_s``: every access edge lies within this time of the switching function's
      root (default 1 s; from 1e-6 s to 60 s);
    - ``screening_step_s``: the sampling step, or None to choose it (module docstring: at most
      60 s and a third of the footprint's crossing time). Edges keep their resolution with any
      step, but a step longer than the default can miss passes shorter than a few steps.

    Raises InvalidInputError naming the field.
    """

    min_elevation_deg: float = 0.0
    sensor: Sensor | None = None
    min_sun_elevation_deg: float | None = None
    time_resolution_s: float = DEFAULT_TIME_RESOLUTION_S
    screening_step_s: float | None = None

    def __post_init__(self):
        if self.sensor is not None:
            if not isinstance(self.sensor, Sensor):
                raise InvalidInputError(f"expected a cosmodrome.observe.sensors.Sensor, got "
                                        f"{type(self.sensor).__name__}", source="access", field="sensor")
            if self.min_elevation_deg != self.sensor.min_target_elevation_deg:
                raise InvalidInputError("with a sensor, give the elevation mask as the sensor's "
                                        "min_target_elevation_deg (use AccessSpec.for_sensor)", source="access",
                                        field="min_elevation_deg")
            if self.min_sun_elevation_deg != self.sensor.min_sun_elevation_deg:
                raise InvalidInputError("with a sensor, give the Sun condition as the sensor's min_sun_elevation_deg "
                                        "(use AccessSpec.for_sensor)", source="access", field="min_sun_elevation_deg")
        object.__setattr__(self, "min_elevation_deg", _number(self.min_elevation_deg, "min_elevation_deg", 0.0, 90.0))
        if self.min_sun_elevation_deg is not None:
            object.__setattr__(self, "min_sun_elevation_deg",
                               _number(self.min_sun_elevation_deg, "min_sun_elevation_deg", -90.0, 90.0,
                                       high_open=False))
        object.__setattr__(self, "time_resolution_s",
                           _number(self.time_resolution_s, "time_resolution_s", 1e-6, 60.0, high_open=False))
        if self.screening_step_s is not None:
            object.__setattr__(self, "screening_step_s",
                               _number(self.screening_step_s, "screening_step_s", 0.0, 600.0, low_open=True,
                                       high_open=False))

    @classmethod
    def elevation_mask(cls, min_elevation_deg: float = 0.0, *, min_sun_elevation_deg: float | None = None,
                       time_resolution_s: float = DEFAULT_TIME_RESOLUTION_S,
                       screening_step_s: float | None = None) -> "AccessSpec":
        """Access when the satellite is at least ``min_elevation_deg`` above the point's horizon."""
        return cls(min_elevation_deg, None, min_sun_elevation_deg, time_resolution_s, screening_step_s)

    @classmethod
    def for_sensor(cls, sensor: Sensor, *, time_resolution_s: float = DEFAULT_TIME_RESOLUTION_S,
                   screening_step_s: float | None = None) -> "AccessSpec":
        """Access when the point is in the sensor's field of view (with its elevation and Sun conditions)."""
        if not isinstance(sensor, Sensor):
            raise InvalidInputError(f"expected a cosmodrome.observe.sensors.Sensor, got {type(sensor).__name__}",
                                    source="access", field="sensor")
        return cls(sensor.min_target_elevation_deg, sensor, sensor.min_sun_elevation_deg, time_resolution_s,
                   screening_step_s)

    def describe(self) -> str:
        if self.sensor is not None:
            text = self.sensor.describe()
        else:
            text = f"elevation >= {self.min_elevation_deg:g} deg"
            if self.min_sun_elevation_deg is not None:
                text += f", Sun at the point >= {self.min_sun_elevation_deg:g} deg"
        return f"{text}; edges to {self.time_resolution_s:g} s"


# --- the result --------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class AccessResult:
    """Access of every grid point over a window [0, ``window_duration_s``] s from ``window_start``.

    ``intervals``: the union over satellites per point (``metrics.AccessIntervals``, grid order).
    ``point_index``, ``satellite_index``, ``start_s``, ``end_s`` (m,): each satellite's accesses
    (after the Sun condition), sorted by point, satellite, start; ``satellite_index`` counts the
    propagator's satellites from 0, ``satellite_ids`` gives their ids. ``screening_step_s`` and
    ``time_resolution_s``: as used. ``failures``: (satellite id, seconds from the start of its first
    failed state, Status) for satellites whose propagation failed somewhere. ``diagnostics``: counts
    of the work done (samples, pairs evaluated, edges refined, grazing checks, bound violations).
    """

    intervals: AccessIntervals
    point_index: np.ndarray
    satellite_index: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    satellite_ids: np.ndarray
    window_start: Time
    window_duration_s: float
    screening_step_s: float
    time_resolution_s: float
    failures: tuple = ()
    diagnostics: dict = field(default_factory=dict)

    def for_satellite(self, satellite_index: int):
        """(point_index, start_s, end_s) of one satellite's accesses (index from 0)."""
        rows = self.satellite_index == satellite_index
        return self.point_index[rows], self.start_s[rows], self.end_s[rows]


# --- grid geometry -----------------------------------------------------------------------------
# Vectors of many pairs are kept as three contiguous component arrays (structure of arrays): NumPy
# gathers and sums them several times faster than rows of an (m, 3) array.

class _GridIndex:
    """The grid's points in row-major order (rows of equal latitude, then longitude), with what the
    search needs: ITRS position p, unit normal u (the elevation reference), p.p and p.u, and per
    row the geocentric latitude and the range of its points."""

    def __init__(self, grid: Grid):
        lat_deg = np.asarray(grid.latitude_deg, dtype=float)
        lon_deg = np.asarray(grid.longitude_deg, dtype=float)
        rows, row_of = np.unique(lat_deg, return_inverse=True)
        lon_rad = np.radians((lon_deg + 180.0) % 360.0 - 180.0)
        order = np.lexsort((lon_rad, row_of))
        self.order = order                      # internal index -> grid index
        self.n = int(order.size)
        row_of = row_of[order]
        lon = lon_rad[order]
        self.keys = row_of * _ROW_KEY_SPACING + (lon + math.pi)
        self.row_start = np.searchsorted(row_of, np.arange(rows.size), side="left")
        self.row_end = np.searchsorted(row_of, np.arange(rows.size), side="right")
        position = grid.positions_itrs_m()[order]
        lat = np.radians(lat_deg[order])
        # Elevations are measured from the plane normal to the geodetic normal (on a sphere, the radius).
        up = np.stack([np.cos(lat) * np.cos(lon), np.cos(lat) * np.sin(lon), np.sin(lat)], axis=-1)
        radius = np.sqrt(np.sum(position * position, axis=-1))
        unit = position / radius[:, None]
        self.p = tuple(np.ascontiguousarray(position[:, i]) for i in range(3))
        self.u = tuple(np.ascontiguousarray(up[:, i]) for i in range(3))
        self.pp = radius * radius
        self.pu = np.sum(position * up, axis=-1)
        self.min_radius_m = float(radius.min())
        tilt = np.arccos(np.clip(np.sum(unit * up, axis=-1), -1.0, 1.0))
        self.max_tilt_rad = float(tilt.max()) + 1e-12
        self.row_lat = np.arcsin(np.clip(unit[self.row_start, 2], -1.0, 1.0))  # geocentric, ascending
        self.row_sin, self.row_cos = np.sin(self.row_lat), np.cos(self.row_lat)
        self.sphere_radius_m = grid.sphere_radius_m

    def terms(self, point):
        """(px, py, pz, ux, uy, uz, p.p, p.u) of internal points ``point``."""
        return tuple(np.take(a, point) for a in (*self.p, *self.u, self.pp, self.pu))


def _local_radius_m(z, norm, sphere_radius_m):
    """Radius (m) of the Earth model under positions of z component ``z`` and length ``norm``: the
    ellipsoid at their geocentric latitude, or the sphere."""
    if sphere_radius_m is not None:
        return np.full(np.shape(z), float(sphere_radius_m))
    a, b = WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M
    with np.errstate(invalid="ignore", divide="ignore"):
        sin2 = (z / norm) ** 2
    return a * b / np.sqrt(b * b * (1.0 - sin2) + a * a * sin2)


# --- states in ITRS ------------------------------------------------------------------------------

class _EarthFixed:
    """Turns a propagator's states into ITRS over the window (module docstring)."""

    def __init__(self, frame: Frame, start: Time, duration_s: float, with_sun: bool):
        self.frame = Frame(frame)
        self.start = start
        self._gcrs_to_teme = None
        if self.frame in (Frame.GCRS, Frame.EME2000):
            count = int(math.ceil(duration_s / _NODE_SPACING_S)) + 3
            self._node_s = (np.arange(count) - 1.0) * _NODE_SPACING_S
            rotations = frame_rotations(start + self._node_s)
            self._gcrs_to_teme = np.swapaxes(np.asarray(rotations.teme_to_gcrs), -1, -2).reshape(count, 9)
        self._sun = None
        if with_sun:
            count = int(math.ceil(duration_s / _SUN_TABLE_STEP_S)) + 3
            self._sun_s = (np.arange(count) - 1.0) * _SUN_TABLE_STEP_S
            times = start + self._sun_s
            self._sun, _ = gcrs_to_teme(frame_rotations(times), sun_position_gcrs_m(times))

    @staticmethod
    def _interp_rows(t_s, nodes_s, table):
        index = np.clip(np.searchsorted(nodes_s, t_s, side="right") - 1, 0, len(nodes_s) - 2)
        frac = ((t_s - nodes_s[index]) / (nodes_s[index + 1] - nodes_s[index]))[:, None]
        return table[index] + (table[index + 1] - table[index]) * frac

    def states(self, ephemeris, t_s):
        """ITRS (position m, velocity m/s) arrays (n_sat, n_time, 3) and the Sun's ITRS position (n_time, 3) or None."""
        rotations = frame_rotations(self.start + t_s)
        r = np.asarray(ephemeris.position_m, dtype=float)
        v = np.asarray(ephemeris.velocity_m_s, dtype=float)
        if self.frame is Frame.ITRS:
            r_itrs, v_itrs = r.copy(), v.copy()
        else:
            if self.frame is Frame.EME2000:
                r, v = eme2000_to_gcrs(r, v)
            if self.frame in (Frame.GCRS, Frame.EME2000):
                m = self._interp_rows(t_s, self._node_s, self._gcrs_to_teme).reshape(-1, 3, 3)
                r = np.einsum("tij,stj->sti", m, r)
                v = np.einsum("tij,stj->sti", m, v)
            r_itrs, v_itrs = teme_to_itrs(rotations, r, v)
        sun = None
        if self._sun is not None:
            sun_teme = self._interp_rows(t_s, self._sun_s, self._sun)
            sun, _ = teme_to_itrs(rotations, sun_teme)
        return np.ascontiguousarray(r_itrs), np.ascontiguousarray(v_itrs), sun


# --- switching functions ---------------------------------------------------------------------------

def _sat_terms(rx, ry, rz, vx, vy, vz):
    """(rx, ry, rz, vx, vy, vz, r.r, r.v) of satellite states given by components."""
    return rx, ry, rz, vx, vy, vz, rx * rx + ry * ry + rz * rz, rx * vx + ry * vy + rz * vz


class _Condition:
    """The geometric switching function g and its rate (module docstring), for arrays of pairs."""

    def __init__(self, spec: AccessSpec, sphere_radius_m):
        self.sin_mask = math.sin(math.radians(spec.min_elevation_deg))
        self.sensor = spec.sensor
        self.sphere_radius_m = sphere_radius_m

    def eta_max_rad(self, rz, radius_m, *, warn: bool = False):
        """The sensor's off-nadir limit (rad) for satellites at distance ``radius_m`` with z component ``rz``;
        None without a sensor."""
        if self.sensor is None:
            return None
        local = _local_radius_m(rz, radius_m, self.sphere_radius_m)
        with warnings.catch_warnings():
            if not warn:
                warnings.simplefilter("ignore")
            return np.asarray(self.sensor.off_nadir_limit_rad(radius_m - local, local, warn=warn), dtype=float)

    def evaluate(self, sat, point, cos_eta_max=None, *, rate: bool = True):
        """g and dg/dt (1/s; None without ``rate``) of pairs: ``sat`` = _sat_terms, ``point`` = _GridIndex.terms."""
        rx, ry, rz, vx, vy, vz, rr, rv = sat
        px, py, pz, ux, uy, uz, pp, pu = point
        rp = rx * px + ry * py + rz * pz
        inverse = 1.0 / np.sqrt(rr - 2.0 * rp + pp)          # 1 / |r - p|
        s = (rx * ux + ry * uy + rz * uz - pu) * inverse      # sin(elevation) = (r - p).u / |r - p|
        g = s - self.sin_mask
        dg = None
        if rate:
            vd = rv - (vx * px + vy * py + vz * pz)           # v.(r - p)
            rho_dot = vd * inverse
            dg = ((vx * ux + vy * uy + vz * uz) - s * rho_dot) * inverse
        if cos_eta_max is not None:
            rn = np.sqrt(rr)
            c = (rr - rp) * inverse / rn                      # cos(off-nadir) = r.(r - p) / (|r| |r - p|)
            g_eta = c - cos_eta_max
            if rate:
                c_dot = (vd + rv - c * (rv / rn / inverse + rn * rho_dot)) * inverse / rn
                dg = np.where(g_eta < g, c_dot, dg)
            g = np.minimum(g, g_eta)
        return g, dg


def _footprint_bound_rad(radius_m, eta_max_rad, min_elevation_deg, grid_index: _GridIndex):
    """Upper bound of the Earth central angle (rad) between an accessible point and the sub-satellite direction.

    On a sphere of the grid's smallest radius R, with the mask lowered by the largest tilt between a
    point's normal and its geocentric direction: lambda <= arccos(R cos e / r) - e, and with a sensor
    also lambda <= arcsin(r sin eta / R) - eta (the near-side point seen at off-nadir eta).
    """
    R = grid_index.min_radius_m
    e = math.radians(min_elevation_deg) - grid_index.max_tilt_rad
    with np.errstate(invalid="ignore", divide="ignore"):
        bound = np.arccos(np.clip(R * math.cos(e) / radius_m, -1.0, 1.0)) - e
        if eta_max_rad is not None:
            x = radius_m * np.sin(eta_max_rad) / R
            by_eta = np.where(x < 1.0, np.arcsin(np.clip(x, -1.0, 1.0)) - eta_max_rad, np.inf)
            bound = np.minimum(bound, by_eta)
    return np.minimum(bound, math.pi) + _ANGLE_SLACK_RAD


# --- candidate pairs --------------------------------------------------------------------------------

def _expand(starts, counts):
    """Concatenated ranges [starts[i], starts[i] + counts[i]) as one index array."""
    total = int(counts.sum())
    if total == 0:
        return np.empty(0, dtype=np.int64)
    offsets = np.cumsum(counts) - counts
    return np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, counts)


def _candidates(grid_index: _GridIndex, unit_sat, radius_rad):
    """Points within ``radius_rad`` (Q,) of the geocentric directions ``unit_sat`` (Q, 3), as pieces.

    Returns (query, first internal point, count) of each non-empty piece (a run of consecutive
    points), sorted by query and, within a query, by point. NaN radii give no piece.
    """
    Q = radius_rad.shape[0]
    sin_s = np.clip(unit_sat[:, 2], -1.0, 1.0)
    lat_s = np.arcsin(sin_s)
    cos_s = np.cos(lat_s)
    lon_s = np.arctan2(unit_sat[:, 1], unit_sat[:, 0])
    valid = np.isfinite(radius_rad) & np.isfinite(lat_s) & np.isfinite(lon_s)
    radius = np.where(valid, radius_rad, 0.0)
    r_lo = np.searchsorted(grid_index.row_lat, lat_s - radius, side="left")
    r_hi = np.searchsorted(grid_index.row_lat, lat_s + radius, side="right")
    n_rows = np.where(valid, r_hi - r_lo, 0)
    query = np.repeat(np.arange(Q), n_rows)
    row = _expand(r_lo, n_rows)
    if row.size == 0:
        return (np.empty(0, dtype=np.int64),) * 3
    with np.errstate(divide="ignore", invalid="ignore"):
        c = (np.cos(radius[query]) - grid_index.row_sin[row] * sin_s[query]) / (grid_index.row_cos[row] * cos_s[query])
    full = c <= -1.0
    empty = ~(c <= 1.0)  # NaN too
    delta = np.arccos(np.clip(c, -1.0, 1.0))
    a = (lon_s[query] - delta + math.pi) % (2.0 * math.pi) - math.pi
    b = a + 2.0 * delta
    base = row * _ROW_KEY_SPACING + math.pi  # + longitude gives the key of a point of this row
    keys = grid_index.keys
    start_row, end_row = grid_index.row_start[row], grid_index.row_end[row]
    wraps = b >= math.pi
    start_a = np.searchsorted(keys, base + a, side="left")
    end_a = np.where(wraps, end_row, np.searchsorted(keys, base + np.minimum(b, math.pi), side="right"))
    end_b = np.where(wraps, np.searchsorted(keys, base + (b - 2.0 * math.pi), side="right"), start_row)
    start_a = np.where(full, start_row, np.where(empty, end_row, start_a))
    end_a = np.where(full | empty, end_row, end_a)
    end_b = np.where(full | empty, start_row, end_b)
    # The wrapped piece (the row's lowest longitudes) comes first, so indices increase within a query.
    starts = np.stack([start_row, start_a], axis=1).ravel()
    counts = np.maximum(np.stack([end_b, end_a], axis=1).ravel() - starts, 0)
    keep = counts > 0
    return np.repeat(query, 2)[keep], starts[keep], counts[keep]


# --- cubic Hermite helpers --------------------------------------------------------------------------

def _hermite_components(a0, b0, a1, b1, h, s):
    """Cubic Hermite value and derivative at fraction s of a step h, from values a and rates b at both ends."""
    s2 = s * s
    s3 = s2 * s
    value = (2 * s3 - 3 * s2 + 1) * a0 + (s3 - 2 * s2 + s) * h * b0 + (3 * s2 - 2 * s3) * a1 + (s3 - s2) * h * b1
    rate = ((6 * s2 - 6 * s) * (a0 - a1)) / h + (3 * s2 - 4 * s + 1) * b0 + (3 * s2 - 2 * s) * b1
    return value, rate


def _hermite_maximum(f0, d0, f1, d1, h):
    """Largest value of the cubic Hermite interpolant of (f, f') at both ends of [0, h], and its fraction s."""
    hd0, hd1 = h * d0, h * d1
    A = 6.0 * (f0 - f1) + 3.0 * (hd0 + hd1)
    B = 6.0 * (f1 - f0) - 2.0 * (2.0 * hd0 + hd1)
    C = hd0
    best = np.maximum(f0, f1)
    where = np.where(f0 >= f1, 0.0, 1.0)
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        root = np.sqrt(np.maximum(B * B - 4.0 * A * C, 0.0))
        q = -0.5 * (B + np.copysign(root, B))
        linear = -C / B
        for s in (np.where(A != 0.0, q / A, linear), np.where(q != 0.0, C / q, linear)):
            ok = (s > 0.0) & (s < 1.0)
            sc = np.where(ok, s, 0.5)
            s2 = sc * sc
            val = (2 * s2 * sc - 3 * s2 + 1) * f0 + (s2 * sc - 2 * s2 + sc) * hd0 + (3 * s2 - 2 * s2 * sc) * f1 \
                + (s2 * sc - s2) * hd1
            val = np.where(ok, val, -np.inf)
            better = val > best
            best = np.where(better, val, best)
            where = np.where(better, sc, where)
    return best, where


def _hermite_root(f0, d0, f1, d1, h, iterations: int = 4):
    """Fraction s in [0, 1] where the cubic Hermite of (f, f') at both ends of a step h crosses zero
    (f0 and f1 of opposite signs): safeguarded Newton from the secant root."""
    lo, hi = np.zeros_like(f0), np.ones_like(f0)
    sign_lo = f0 >= 0.0
    with np.errstate(invalid="ignore", divide="ignore"):
        s = np.clip(f0 / (f0 - f1), 0.0, 1.0)
        for _ in range(iterations):
            value, rate = _hermite_components(f0, d0, f1, d1, h, s)
            on_lo_side = (value >= 0.0) == sign_lo
            lo = np.where(on_lo_side, s, lo)
            hi = np.where(on_lo_side, hi, s)
            step = s - value / (rate * h)
            inside = np.isfinite(step) & (step >= lo) & (step <= hi)
            s = np.where(inside, step, 0.5 * (lo + hi))
    return np.where(np.isfinite(s), s, 0.5)


# --- the engine --------------------------------------------------------------------------------------

class _Events:
    """Edges found during the sweep, with global ids: brackets to refine (within one step, with g and g'
    at both ends) and exact times (window edges, failed states)."""

    def __init__(self, t_all):
        self.t_all = t_all
        self.count = 0
        self._brackets = []
        self._exact = []

    def _ids(self, n):
        ids = np.arange(self.count, self.count + n, dtype=np.int64)
        self.count += n
        return ids

    def bracket(self, sat, point, step, g_lo, g_hi, d_lo, d_hi, lo_s=None, hi_s=None):
        """Edges inside (t[step - 1], t[step]] (or [lo_s, hi_s] within that step)."""
        ids = self._ids(len(sat))
        lo_s = self.t_all[step - 1] if lo_s is None else lo_s
        hi_s = self.t_all[step] if hi_s is None else hi_s
        self._brackets.append((ids, sat, point, step, lo_s, hi_s, g_lo, g_hi, d_lo, d_hi))
        return ids

    def exact(self, n, time_s):
        ids = self._ids(n)
        self._exact.append((ids, np.full(n, float(time_s))))
        return ids

    def take(self):
        """(bracket fields concatenated, or None), (ids, times) of the exact edges; empties the lists."""
        brackets = None
        if self._brackets:
            brackets = tuple(np.concatenate([np.asarray(b[k]) for b in self._brackets]) for k in range(10))
        exact = (np.concatenate([e[0] for e in self._exact]), np.concatenate([e[1] for e in self._exact])) \
            if self._exact else (np.empty(0, np.int64), np.empty(0))
        self._brackets, self._exact = [], []
        return brackets, exact


def _screening_step_s(propagator, earth_fixed, grid_index, condition, spec, duration_s):
    """The screening step: at most 60 s and a third of (footprint bound / angular rate) over a first look."""
    if spec.screening_step_s is not None:
        return float(spec.screening_step_s)
    span = min(duration_s, 2.0 * 3600.0)
    t_s = np.linspace(0.0, span, 33)
    ephemeris = propagator.propagate(earth_fixed.start + t_s)
    r, v, _ = earth_fixed.states(ephemeris, t_s)
    radius = np.sqrt(np.sum(r * r, axis=-1))
    v_perp = v - (np.sum(v * r, axis=-1) / (radius * radius))[..., None] * r
    rate = np.sqrt(np.sum(v_perp * v_perp, axis=-1)) / radius
    footprint = _footprint_bound_rad(radius, condition.eta_max_rad(r[..., 2], radius), spec.min_elevation_deg,
                                     grid_index)
    with np.errstate(invalid="ignore", divide="ignore"), warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        crossing = np.nanmin(footprint / rate)
    if not np.isfinite(crossing):
        return MAX_SCREENING_STEP_S
    return float(min(MAX_SCREENING_STEP_S, max(_MIN_SCREENING_STEP_S, _STEP_FRACTION * crossing)))


def _sample_times(duration_s: float, step_s: float) -> np.ndarray:
    count = max(1, int(math.ceil(duration_s / step_s - 1e-9)))
    t = np.arange(count + 1, dtype=float) * step_s
    t[-1] = duration_s
    if count >= 2 and t[-1] - t[-2] < 1e-3 * step_s:  # a sliver of a last step: merge it into the one before
        t = np.delete(t, -2)
    return t


def compute_access(propagator, grid: Grid, start: Time, duration_s: float, spec: AccessSpec, *,
                   progress: Callable[[float], None] | None = None) -> AccessResult:
    """Access of every point of ``grid`` to every satellite of ``propagator`` over [start, start + duration_s].

    ``propagator``: anything with ``frame`` and ``propagate(times) -> Ephemeris`` (TEME, GCRS,
    EME2000 or ITRS states). ``start``: a single Time; ``duration_s``: SI seconds (> 0).
    ``spec``: an :class:`AccessSpec`. ``progress``: called with the fraction done (0..1) now and then.
    Returns an :class:`AccessResult` (module docstring for the method and its guarantees).
    Raises InvalidInputError for bad arguments.
    """
    if not isinstance(grid, Grid):
        raise InvalidInputError(f"expected a Grid (observe.areas.equal_area_grid), got {type(grid).__name__}",
                                source="access", field="grid")
    if not isinstance(spec, AccessSpec):
        raise InvalidInputError(f"expected an AccessSpec, got {type(spec).__name__}", source="access", field="spec")
    if not isinstance(start, Time) or start.shape != ():
        raise InvalidInputError("the window start must be a single Time instant", source="access", field="start")
    duration_s = _number(duration_s, "duration_s", 0.0, math.inf, low_open=True)
    if not (hasattr(propagator, "propagate") and hasattr(propagator, "frame")):
        raise InvalidInputError(f"expected a propagator (with frame and propagate(times)), got "
                                f"{type(propagator).__name__}", source="access", field="propagator")
    try:
        frame = Frame(propagator.frame)
    except ValueError:
        raise InvalidInputError(f"unknown propagator frame {propagator.frame!r}", source="access",
                                field="propagator") from None

    grid_index = _GridIndex(grid)
    condition = _Condition(spec, grid.sphere_radius_m)
    with_sun = spec.min_sun_elevation_deg is not None
    earth_fixed = _EarthFixed(frame, start, duration_s, with_sun)
    step_s = _screening_step_s(propagator, earth_fixed, grid_index, condition, spec, duration_s)
    sweep = _Sweep(propagator, earth_fixed, grid_index, condition, spec, _sample_times(duration_s, step_s), progress)
    sweep.run()
    sat, point, first, last = sweep.satellite_intervals()
    diagnostics = dict(sweep.diagnostics)
    if with_sun:
        sun_point, sun_start, sun_end = _sun_intervals(grid_index, sweep.t_all, sweep.sun_itrs,
                                                       spec.min_sun_elevation_deg, spec.time_resolution_s)
        diagnostics["sun_intervals"] = int(sun_point.size)
        sat, point, first, last = _intersect(sat, point, first, last, sun_point, sun_start, sun_end, grid_index.n)
    grid_point = grid_index.order[point]
    # Sorted by point, satellite and start. The intervals of one (satellite, point) come out of the sweep
    # almost always in time order, so a stable sort on (point, satellite) usually finishes the job.
    order = np.argsort(grid_point * np.int64(max(1, sweep.satellite_ids.size)) + sat, kind="stable")
    grid_point, sat, first, last = grid_point[order], sat[order], first[order], last[order]
    same = (grid_point[1:] == grid_point[:-1]) & (sat[1:] == sat[:-1])
    if np.any(same & (first[1:] < first[:-1])):
        order = np.lexsort((first, sat, grid_point))
        grid_point, sat, first, last = grid_point[order], sat[order], first[order], last[order]
    merged = AccessIntervals(grid_point, first, last, grid.size, duration_s, start)
    for value in (grid_point, sat, first, last):
        value.setflags(write=False)
    if progress is not None:
        progress(1.0)
    return AccessResult(merged, grid_point, sat, first, last, sweep.satellite_ids, start, duration_s, step_s,
                        spec.time_resolution_s, tuple(sweep.failures), diagnostics)


class _Sweep:
    """The screen over the sample grid, chunk by chunk, and the refinement of the edges found."""

    def __init__(self, propagator, earth_fixed, grid_index, condition, spec, t_all, progress):
        self.propagator = propagator
        self.earth_fixed = earth_fixed
        self.grid = grid_index
        self.condition = condition
        self.spec = spec
        self.t_all = t_all
        self.progress = progress
        self.resolution_s = spec.time_resolution_s
        self.events = _Events(t_all)
        self.refined = []                 # per chunk: (event ids, times)
        self.pairs = []                   # (sat, point, start event ids, end event ids)
        self.failures = []
        self.diagnostics = {"samples": int(t_all.size), "screening_pairs": 0, "edges_refined": 0,
                            "edge_fallbacks": 0, "grazing_checks": 0, "grazing_accesses": 0, "bound_violations": 0}
        self.sun_parts = []
        self.sun_itrs = None
        self.satellite_ids = None
        self._failed = None
        self._warned = False
        # The previous sample's candidate pairs (sorted keys sat * n_points + point) and their state.
        self.prev_key = np.empty(0, np.int64)
        self.prev_g = np.empty(0)
        self.prev_dg = np.empty(0)
        self.prev_open = np.empty(0, np.int64)   # id of the start event of an open access, or -1

    # -- states of one chunk -------------------------------------------------------------------
    def _chunk_states(self, k0, k1):
        """States at samples k0-1 .. k1 (clipped to the window): r, v (n_sat, m, 3), ok (n_sat, m), first index."""
        lo, hi = max(0, k0 - 1), min(self.t_all.size - 1, k1)
        t_s = self.t_all[lo:hi + 1]
        ephemeris = self.propagator.propagate(self.earth_fixed.start + t_s)
        if self.satellite_ids is None:
            self.satellite_ids = np.asarray(ephemeris.satellite_ids).copy()
            self.satellite_ids.setflags(write=False)
            self._failed = np.zeros(len(self.satellite_ids), dtype=bool)
        status = np.asarray(ephemeris.status)
        r, v, sun = self.earth_fixed.states(ephemeris, t_s)
        ok = (status == 0) & np.isfinite(r).all(axis=-1) & np.isfinite(v).all(axis=-1)
        r[~ok] = np.nan
        v[~ok] = np.nan
        for j in np.flatnonzero(~ok.all(axis=1) & ~self._failed):
            first = int(np.argmax(~ok[j]))
            code = int(status[j, first]) or int(Status.NOT_CONVERGED)
            self.failures.append((int(self.satellite_ids[j]), float(t_s[first]), Status(code)))
            self._failed[j] = True
        if sun is not None:
            self.sun_parts.append((lo, sun))
        return r, v, ok, lo

    # -- the sweep -----------------------------------------------------------------------------
    def run(self):
        n_samples = self.t_all.size
        k0, chunk = 0, 16
        while k0 < n_samples:
            k1 = min(n_samples, k0 + chunk)
            used = self._chunk(k0, k1)
            per_step = max(1.0, used / (k1 - k0))
            chunk = int(min(4096, max(4, _CANDIDATES_PER_CHUNK / per_step)))
            k0 = k1
            if self.progress is not None:
                self.progress(0.9 * k0 / n_samples)
        if self.sun_parts:
            sun = np.full((n_samples, 3), np.nan)
            for lo, part in self.sun_parts:
                sun[lo:lo + part.shape[0]] = part
            self.sun_itrs = sun

    def _chunk(self, k0, k1):
        r, v, ok, lo = self._chunk_states(k0, k1)
        t = self.t_all
        n_sat, m = r.shape[0], r.shape[1]
        radius = np.sqrt(np.sum(r * r, axis=-1))
        if not self._warned and self.condition.sensor is not None:
            self.condition.eta_max_rad(r[..., 2][ok], radius[ok], warn=True)  # one SensorClampWarning if clamped
            self._warned = True
        eta = self.condition.eta_max_rad(r[..., 2], radius)
        # Footprint bound over [t_k-1, t_k+1]: the largest radius and off-nadir limit of the neighbours.
        steps = np.diff(t[lo:lo + m])
        h_max = np.maximum(np.r_[steps[:1], steps], np.r_[steps, steps[-1:]]) if m > 1 else np.zeros(1)

        def neighbours_max(x):
            padded = np.concatenate([x[:, :1], x, x[:, -1:]], axis=1)
            return np.maximum(np.maximum(padded[:, :-2], padded[:, 1:-1]), padded[:, 2:])

        r_hi = neighbours_max(np.where(ok, radius, -np.inf)) + _RADIUS_CURVATURE_M_S2 * h_max ** 2 / 8.0
        eta_hi = None if eta is None else neighbours_max(np.where(ok, eta, -np.inf)) + _ETA_SLACK_RAD
        footprint = _footprint_bound_rad(r_hi, eta_hi, self.spec.min_elevation_deg, self.grid)
        v_perp = v - (np.sum(v * r, axis=-1) / (radius * radius))[..., None] * r
        rate = np.sqrt(np.sum(v_perp * v_perp, axis=-1)) / radius
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            omega = np.nanmax(np.where(ok, rate, np.nan), axis=1) * _RATE_MARGIN
        query_radius = np.where(ok, footprint + omega[:, None] * h_max[None, :], np.nan)

        # Queries (sample k, satellite j) for k in k0..k1-1, in that order; their candidate points.
        cols = np.arange(k0, k1) - lo
        rq = np.swapaxes(r[:, cols], 0, 1).reshape(-1, 3)
        vq = np.swapaxes(v[:, cols], 0, 1).reshape(-1, 3)
        q_radius = np.swapaxes(query_radius[:, cols], 0, 1).ravel()
        with np.errstate(invalid="ignore", divide="ignore"):
            piece_query, piece_start, piece_count = _candidates(
                self.grid, rq / np.sqrt(np.sum(rq * rq, axis=-1))[:, None], q_radius)
        q_terms = _sat_terms(*(np.ascontiguousarray(y[:, i]) for y in (rq, vq) for i in range(3)))
        q_cos_eta = None if eta is None else np.cos(np.swapaxes(eta[:, cols], 0, 1).ravel())
        per_query = np.bincount(piece_query, weights=piece_count, minlength=rq.shape[0]).astype(np.int64)
        if COMPILED:
            state = np.ascontiguousarray(np.column_stack(q_terms + ((np.zeros(rq.shape[0]) if q_cos_eta is None
                                                                      else q_cos_eta),)))
            g = np.empty(int(per_query.sum()))
            dg = np.empty_like(g)
            point = np.empty(g.size, dtype=np.int64)
            _screen_compiled(piece_query, piece_start, piece_count, state, q_cos_eta is not None,
                             self.condition.sin_mask, *self.grid.p, *self.grid.u, self.grid.pp, self.grid.pu,
                             point, g, dg)
        else:
            point = _expand(piece_start, piece_count)
            sat_terms = tuple(np.repeat(x, per_query) for x in q_terms)
            cos_eta = None if q_cos_eta is None else np.repeat(q_cos_eta, per_query)
            g, dg = self.condition.evaluate(sat_terms, self.grid.terms(point), cos_eta)
            del sat_terms, cos_eta
        self.diagnostics["screening_pairs"] += int(g.size)
        sat = np.repeat(np.tile(np.arange(n_sat, dtype=np.int64), k1 - k0), per_query)
        key = sat * np.int64(self.grid.n) + point
        bounds = np.concatenate([[0], np.cumsum(per_query.reshape(k1 - k0, n_sat).sum(axis=1))])

        maybe = []
        if COMPILED:
            self._steps_compiled(k0, k1, lo, ok, bounds, key, sat, point, g, dg, maybe)
        else:
            for local_k in range(k1 - k0):
                a, b = bounds[local_k], bounds[local_k + 1]
                self._step(k0 + local_k, lo, ok, key[a:b], sat[a:b], point[a:b], g[a:b], dg[a:b], maybe)
        self._refine_chunk(r, v, lo, maybe)
        return int(g.size)

    def _steps_compiled(self, k0, k1, lo, ok, bounds, key, sat, point, g, dg, maybe):
        """The compiled twin of calling :meth:`_step` for samples k0..k1-1 (same events, same pairs)."""
        t = self.t_all
        capacity = key.size + self.prev_key.size + 1
        out_i = np.empty((capacity, 4), dtype=np.int64)      # brackets: id, sat, point, step
        out_f = np.empty((capacity, 4))                      # brackets: g_lo, g_hi, d_lo, d_hi
        exact_id = np.empty(capacity, dtype=np.int64)
        exact_t = np.empty(capacity)
        pair_i = np.empty((capacity, 4), dtype=np.int64)     # sat, point, start id, end id
        maybe_i = np.empty((capacity, 3), dtype=np.int64)    # sat, point, step
        maybe_f = np.empty((capacity, 4))                    # g0, d0, g1, d1
        new_open = np.empty(key.size, dtype=np.int64)
        counts = _steps_kernel(k0, k1, lo, t, ok, bounds, key, sat, point, g, dg, self.prev_key, self.prev_g,
                               self.prev_dg, self.prev_open, np.int64(self.grid.n), self.events.count,
                               GRAZING_TOLERANCE, new_open, out_i, out_f, exact_id, exact_t, pair_i, maybe_i,
                               maybe_f)
        n_brackets, n_exact, n_pairs, n_maybe, next_id, violations = (int(x) for x in counts)
        self.events.count = next_id
        self.diagnostics["bound_violations"] += violations
        if n_brackets:
            b_i, b_f = out_i[:n_brackets], out_f[:n_brackets]
            self.events._brackets.append((b_i[:, 0], b_i[:, 1], b_i[:, 2], b_i[:, 3], t[b_i[:, 3] - 1], t[b_i[:, 3]],
                                          b_f[:, 0], b_f[:, 1], b_f[:, 2], b_f[:, 3]))
        if n_exact:
            self.events._exact.append((exact_id[:n_exact].copy(), exact_t[:n_exact].copy()))
        if n_pairs:
            c = pair_i[:n_pairs].copy()
            self.pairs.append((c[:, 0], c[:, 1], c[:, 2], c[:, 3]))
        if n_maybe:
            mi, mf = maybe_i[:n_maybe].copy(), maybe_f[:n_maybe].copy()
            maybe.append((mi[:, 0], mi[:, 1], mi[:, 2], mf[:, 0], mf[:, 1], mf[:, 2], mf[:, 3]))
        a = bounds[k1 - k0 - 1]
        self.prev_key, self.prev_g, self.prev_dg = key[a:], g[a:], dg[a:]
        self.prev_open = new_open[a:].copy()

    def _step(self, k, lo, ok, key, sat, point, g, dg, maybe):
        t = self.t_all
        n_points = np.int64(self.grid.n)
        positive = g >= 0.0
        new_open = np.full(key.size, -1, dtype=np.int64)
        prev_key = self.prev_key
        if prev_key.size and key.size:
            pos = np.minimum(np.searchsorted(prev_key, key), prev_key.size - 1)
            found = prev_key[pos] == key
        else:
            pos = np.zeros(key.size, dtype=np.int64)
            found = np.zeros(key.size, dtype=bool)
        events = self.events

        # Open accesses whose pair is gone: the satellite failed at k (or, never expected, a bound failed).
        open_prev = np.flatnonzero(self.prev_open >= 0)
        if open_prev.size:
            seen = np.zeros(prev_key.size, dtype=bool)
            seen[pos[found]] = True
            lost = open_prev[~seen[open_prev]]
            if lost.size:
                lost_sat, lost_point = prev_key[lost] // n_points, prev_key[lost] % n_points
                self.diagnostics["bound_violations"] += int(np.count_nonzero(ok[lost_sat, k - lo]))
                ids = events.exact(lost.size, t[k - 1])
                self.pairs.append((lost_sat, lost_point, self.prev_open[lost], ids))

        if found.any():
            fi = np.flatnonzero(found)
            p = pos[fi]
            was_open = self.prev_open[p]
            before = was_open >= 0
            now = positive[fi]
            rise_sel = ~before & now
            if rise_sel.any():
                rise = fi[rise_sel]
                new_open[rise] = events.bracket(sat[rise], point[rise], np.full(rise.size, k), self.prev_g[p[rise_sel]],
                                                g[rise], self.prev_dg[p[rise_sel]], dg[rise])
            fall_sel = before & ~now
            if fall_sel.any():
                fall = fi[fall_sel]
                ids = events.bracket(sat[fall], point[fall], np.full(fall.size, k), self.prev_g[p[fall_sel]], g[fall],
                                     self.prev_dg[p[fall_sel]], dg[fall])
                self.pairs.append((sat[fall], point[fall], was_open[fall_sel], ids))
            stay_sel = before & now
            new_open[fi[stay_sel]] = was_open[stay_sel]
            # Negative at both ends: could a short access hide in between?
            neg_sel = ~before & ~now
            if neg_sel.any():
                neg = fi[neg_sel]
                g0, d0 = self.prev_g[p[neg_sel]], self.prev_dg[p[neg_sel]]
                g1, d1 = g[neg], dg[neg]
                h = t[k] - t[k - 1]
                # The cubic's basis functions bound it by max(g0, g1) + (4/27) h (|g0'| + |g1'|).
                near = np.maximum(g0, g1) + (4.0 / 27.0) * h * (np.abs(d0) + np.abs(d1)) > -GRAZING_TOLERANCE
                if near.any():
                    best, _ = _hermite_maximum(g0[near], d0[near], g1[near], d1[near], h)
                    check = np.flatnonzero(near)[best > -GRAZING_TOLERANCE]
                    if check.size:
                        sel = neg[check]
                        maybe.append((sat[sel], point[sel], np.full(sel.size, k), g0[check], d0[check], g[sel],
                                      dg[sel]))

        # New pairs already positive: the window start, a satellite back from failure, or (never expected)
        # a failed bound.
        fresh = np.flatnonzero(~found & positive)
        if fresh.size:
            if k > 0:
                self.diagnostics["bound_violations"] += int(np.count_nonzero(ok[sat[fresh], k - 1 - lo]))
            new_open[fresh] = events.exact(fresh.size, t[k])

        # The window's end closes every open access.
        if k == t.size - 1:
            still = np.flatnonzero(new_open >= 0)
            if still.size:
                ids = events.exact(still.size, t[k])
                self.pairs.append((sat[still], point[still], new_open[still], ids))
        self.prev_key, self.prev_g, self.prev_dg, self.prev_open = key, g, dg, new_open

    # -- refinement ------------------------------------------------------------------------------
    def _evaluator(self, r, v, lo, sat, point, step):
        """g(t) (and its rate) of pairs (sat, point) at times inside their steps (t[step - 1], t[step]]."""
        t = self.t_all
        m = r.shape[1]
        i0 = sat * m + (step - 1 - lo)
        r_flat, v_flat = r.reshape(-1, 3), v.reshape(-1, 3)
        if not COMPILED:
            comps_r = [np.ascontiguousarray(r_flat[:, i]) for i in range(3)]
            comps_v = [np.ascontiguousarray(v_flat[:, i]) for i in range(3)]
            ends = [(np.take(cr, i0), np.take(cv, i0), np.take(cr, i0 + 1), np.take(cv, i0 + 1))
                    for cr, cv in zip(comps_r, comps_v)]
        t0 = t[step - 1]
        h = t[step] - t0
        condition = self.condition
        grid = self.grid

        def evaluate(t_s, rows=None, rate=False):
            rows = np.arange(sat.size) if rows is None else rows
            hh = h[rows]
            s = (t_s - t0[rows]) / hh
            if COMPILED:
                sat_terms = tuple(np.empty(rows.size) for _ in range(8))
                _hermite_states_compiled(r_flat, v_flat, i0, rows, s, hh, *sat_terms)
                eta = condition.eta_max_rad(sat_terms[2], np.sqrt(sat_terms[6]))
                g = np.empty(rows.size)
                dg = np.empty(rows.size) if rate else g
                _condition_compiled(*sat_terms, point, rows, *grid.p, *grid.u, grid.pp, grid.pu,
                                    condition.sin_mask, eta is not None, np.cos(eta) if eta is not None else g,
                                    rate, g, dg)
                return g, (dg if rate else None)
            parts = [_hermite_components(a0[rows], b0[rows], a1[rows], b1[rows], hh, s) for a0, b0, a1, b1 in ends]
            sat_terms = _sat_terms(parts[0][0], parts[1][0], parts[2][0], parts[0][1], parts[1][1], parts[2][1])
            eta = condition.eta_max_rad(sat_terms[2], np.sqrt(sat_terms[6]))
            return condition.evaluate(sat_terms, grid.terms(point[rows]), None if eta is None else np.cos(eta),
                                      rate=rate)

        return evaluate

    def _refine_chunk(self, r, v, lo, maybe):
        if maybe:
            self._grazing(r, v, lo, maybe)
        brackets, exact = self.events.take()
        if exact[0].size:
            self.refined.append(exact)
        if brackets is None:
            return
        ids, sat, point, step, lo_s, hi_s, g_lo, g_hi, d_lo, d_hi = brackets
        self.diagnostics["edges_refined"] += int(ids.size)
        evaluate = self._evaluator(r, v, lo, sat, point, step)
        times, fallbacks = _refine_edges(evaluate, lo_s, hi_s, g_lo, g_hi, d_lo, d_hi, self.resolution_s)
        self.diagnostics["edge_fallbacks"] += fallbacks
        self.refined.append((ids, times))

    def _grazing(self, r, v, lo, maybe):
        """The largest value of g inside steps where both ends are negative but the Hermite predictor is not sure."""
        sat, point, step, g0, d0, g1, d1 = (np.concatenate([x[k] for x in maybe]) for k in range(7))
        self.diagnostics["grazing_checks"] += int(sat.size)
        t = self.t_all
        evaluate = self._evaluator(r, v, lo, sat, point, step)
        a, b = t[step - 1].copy(), t[step].copy()
        fa, da, fb, db = g0.copy(), d0.copy(), g1.copy(), d1.copy()
        best_t, best_g, best_d = a.copy(), np.full(sat.size, -np.inf), np.zeros(sat.size)
        rows = np.arange(sat.size)
        for _ in range(_MAXIMUM_SEARCH_ITERATIONS):
            _, s = _hermite_maximum(fa[rows], da[rows], fb[rows], db[rows], b[rows] - a[rows])
            s = np.clip(s, 1e-6, 1.0 - 1e-6)
            tm = a[rows] + s * (b[rows] - a[rows])
            gm, dm = evaluate(tm, rows, rate=True)
            better = gm > best_g[rows]
            best_g[rows[better]], best_t[rows[better]], best_d[rows[better]] = gm[better], tm[better], dm[better]
            # Keep the side of the maximum (the rising side of the new point), with its value and rate.
            right = dm > 0.0
            a[rows[right]], fa[rows[right]], da[rows[right]] = tm[right], gm[right], dm[right]
            b[rows[~right]], fb[rows[~right]], db[rows[~right]] = tm[~right], gm[~right], dm[~right]
            rows = rows[(best_g[rows] < 0.0) & (b[rows] - a[rows] > 1e-4)]
            if rows.size == 0:
                break
        hit = np.flatnonzero(best_g >= 0.0)
        if hit.size == 0:
            return
        self.diagnostics["grazing_accesses"] += int(hit.size)
        s_, p_, k_ = sat[hit], point[hit], step[hit]
        starts = self.events.bracket(s_, p_, k_, g0[hit], best_g[hit], d0[hit], best_d[hit], t[k_ - 1], best_t[hit])
        ends = self.events.bracket(s_, p_, k_, best_g[hit], g1[hit], best_d[hit], d1[hit], best_t[hit], t[k_])
        self.pairs.append((s_, p_, starts, ends))

    def satellite_intervals(self):
        """(satellite index, internal point index, start_s, end_s) of every satellite's accesses."""
        if not self.pairs:
            empty = np.empty(0, np.int64)
            return empty, empty, np.empty(0), np.empty(0)
        table = np.empty(self.events.count)
        for ids, times in self.refined:
            table[ids] = times
        sat = np.concatenate([np.asarray(x[0], np.int64) for x in self.pairs])
        point = np.concatenate([np.asarray(x[1], np.int64) for x in self.pairs])
        first = table[np.concatenate([x[2] for x in self.pairs])]
        last = np.maximum(first, table[np.concatenate([x[3] for x in self.pairs])])
        return sat, point, first, last


def _bisect(evaluate, lo, hi, g_lo, g_hi, resolution_s, rows=None):
    """Roots of g in brackets [lo, hi] whose ends differ in sign (>= 0 against < 0): bisection until each
    bracket is no wider than ``resolution_s``, then the secant root inside it. Works in place on ``rows``."""
    rows = np.arange(lo.size) if rows is None else rows
    rows = rows[hi[rows] - lo[rows] > resolution_s]
    while rows.size:
        mid = 0.5 * (lo[rows] + hi[rows])
        g_mid, _ = evaluate(mid, rows)
        same = (g_mid >= 0.0) == (g_lo[rows] >= 0.0)
        lo[rows[same]], g_lo[rows[same]] = mid[same], g_mid[same]
        hi[rows[~same]], g_hi[rows[~same]] = mid[~same], g_mid[~same]
        rows = rows[hi[rows] - lo[rows] > resolution_s]
    with np.errstate(invalid="ignore", divide="ignore"):
        fraction = np.clip(g_lo / (g_lo - g_hi), 0.0, 1.0)
    return lo + np.where(np.isfinite(fraction), fraction, 0.5) * (hi - lo)


def _refine_edges(evaluate, lo, hi, g_lo, g_hi, d_lo, d_hi, resolution_s):
    """Edges in brackets [lo, hi] (g of opposite signs at the ends, rates d known): the root of the cubic
    Hermite of (g, g') is taken as a guess and checked by two exact evaluations half a resolution on
    either side, which leaves a bracket no wider than the resolution; a guess that fails the check
    (never seen in the tests) falls back to bisection of the part of the bracket left. Returns the
    secant roots in the final brackets and the number of fallbacks."""
    lo, hi, g_lo, g_hi = lo.copy(), hi.copy(), np.array(g_lo, float), np.array(g_hi, float)
    n = lo.size
    narrow = hi - lo <= resolution_s
    if COMPILED:
        fraction = np.empty(n)
        _hermite_root_compiled(g_lo, np.asarray(d_lo, float), g_hi, np.asarray(d_hi, float), hi - lo, 4, fraction)
    else:
        fraction = _hermite_root(g_lo, d_lo, g_hi, d_hi, hi - lo)
    guess = lo + fraction * (hi - lo)
    half = 0.5 * resolution_s
    a = np.clip(guess - half, lo, hi)
    b = np.clip(guess + half, lo, hi)
    rows = np.flatnonzero(~narrow)
    both = np.concatenate([a[rows], b[rows]])
    g_both, _ = evaluate(both, np.concatenate([rows, rows]))
    ga, gb = g_both[:rows.size], g_both[rows.size:]
    low_sign = g_lo[rows] >= 0.0
    a_low = (ga >= 0.0) == low_sign      # a on the side of lo
    b_low = (gb >= 0.0) == low_sign
    # The root lies in [a, b] (a on lo's side, b on hi's), in [lo, a] (a already past it) or in [b, hi].
    in_ab = a_low & ~b_low
    past_a = ~a_low
    r = rows[in_ab]
    lo[r], hi[r], g_lo[r], g_hi[r] = a[r], b[r], ga[in_ab], gb[in_ab]
    r = rows[past_a]
    hi[r], g_hi[r] = a[r], ga[past_a]
    before_b = a_low & b_low
    r = rows[before_b]
    lo[r], g_lo[r] = b[r], gb[before_b]
    fallback = rows[~in_ab]
    return _bisect(evaluate, lo, hi, g_lo, g_hi, resolution_s, fallback), int(fallback.size)


# --- the Sun -----------------------------------------------------------------------------------------

def _sun_margin(sun_m, point_terms, sin_min):
    """sin(Sun elevation) - sin(threshold) at points (``_GridIndex.terms``) for Sun positions (m, 3) in ITRS."""
    px, py, pz, ux, uy, uz, pp, pu = point_terms
    sx, sy, sz = sun_m[..., 0], sun_m[..., 1], sun_m[..., 2]
    dx, dy, dz = sx - px, sy - py, sz - pz
    return (dx * ux + dy * uy + dz * uz) / np.sqrt(dx * dx + dy * dy + dz * dz) - sin_min


def _sun_intervals(grid_index: _GridIndex, t_all, sun_itrs, min_sun_elevation_deg, resolution_s):
    """(internal point, start_s, end_s) of the intervals when the Sun is at least the given elevation at each
    point, sorted by point then start (module docstring)."""
    sin_min = math.sin(math.radians(min_sun_elevation_deg))
    duration = float(t_all[-1])
    n_sun = max(1, int(math.ceil(duration / _SUN_STEP_S)))
    ts = np.linspace(0.0, duration, n_sun + 1)

    def sun_at(t_s):
        index = np.clip(np.searchsorted(t_all, t_s, side="right") - 1, 0, t_all.size - 2)
        frac = ((t_s - t_all[index]) / (t_all[index + 1] - t_all[index]))[..., None]
        return sun_itrs[index] + (sun_itrs[index + 1] - sun_itrs[index]) * frac

    sun_samples = sun_at(ts)
    points, starts, ends = [], [], []
    block = max(1, _POINTS_PER_SUN_CHUNK // ts.size)
    for first in range(0, grid_index.n, block):
        idx = np.arange(first, min(grid_index.n, first + block))
        terms = tuple(x[:, None] for x in grid_index.terms(idx))
        margin = _sun_margin(sun_samples[None, :, :], terms, sin_min)
        padded = np.zeros((idx.size, ts.size + 2), dtype=np.int8)
        padded[:, 1:-1] = margin >= 0.0
        change = np.diff(padded, axis=1)
        p_on, k_on = np.nonzero(change == 1)    # first sample of a run of Sun above the threshold
        p_off, k_off = np.nonzero(change == -1)  # one past the run's last sample
        on_t = np.zeros(p_on.size)
        off_t = np.full(p_off.size, duration)
        for pp, kk, out in ((p_on, k_on, on_t), (p_off, k_off, off_t)):
            rows = np.flatnonzero((kk > 0) & (kk < ts.size))  # runs cut by the window keep its edge
            if rows.size == 0:
                continue
            pts = idx[pp[rows]]
            k_hi = kk[rows]

            def evaluate(t_s, sel, pts=pts):
                return _sun_margin(sun_at(t_s), tuple(x[sel] for x in grid_index.terms(pts)), sin_min), None

            out[rows] = _bisect(evaluate, ts[k_hi - 1].copy(), ts[k_hi].copy(), margin[pp[rows], k_hi - 1].copy(),
                                margin[pp[rows], k_hi].copy(), resolution_s)
        points.append(idx[p_on])
        starts.append(on_t)
        ends.append(off_t)
    return np.concatenate(points), np.concatenate(starts), np.concatenate(ends)


def _intersect(sat, point, start, end, b_point, b_start, b_end, n_points):
    """Each interval (sat, point, start, end) cut by its point's disjoint intervals in B (sorted by point, start)."""
    if point.size == 0 or b_point.size == 0:
        empty = np.empty(0, np.int64)
        return empty, empty, np.empty(0), np.empty(0)
    count = np.bincount(b_point, minlength=n_points)
    first = np.cumsum(count) - count
    out = ([], [], [], [])
    for m in range(int(count.max())):
        rows = np.flatnonzero(count[point] > m)
        b = first[point[rows]] + m
        lo = np.maximum(start[rows], b_start[b])
        hi = np.minimum(end[rows], b_end[b])
        keep = lo < hi
        for part, value in zip(out, (sat[rows[keep]], point[rows[keep]], lo[keep], hi[keep])):
            part.append(value)
    return tuple(np.concatenate(x) for x in out)


# --- compiled twins (numba) -----------------------------------------------------------------------------
# Why: bench/bench_coverage.py (24 satellites, 1-degree global grid, one day: 40 million screened pairs)
# showed the NumPy screen spending most of its time gathering point and satellite vectors into
# temporaries (~150 ns a pair) and in the per-sample Python loop of _Sweep._step (~1 ms a sample).
# Here each is one loop over scalars. They copy the NumPy code operation for operation, in the same
# order, so that both give bit-identical g and the same events (tests/observe/test_access.py runs
# compute_access both ways). Compiled on first use; cache=True keeps the machine code for later runs.

@njit(cache=True, error_model="numpy")
def _screen_compiled(piece_query, piece_start, piece_count, state, has_eta, sin_mask, px, py, pz, ux, uy, uz,
                     pp, pu, out_point, out_g, out_dg):
    """g and g' of every point of every piece (twin of _Condition.evaluate on _GridIndex.terms).

    ``state`` (Q, 9): rx, ry, rz, vx, vy, vz, r.r, r.v, cos(eta_max) of each query.
    """
    n = 0
    for i in range(piece_query.shape[0]):
        q = piece_query[i]
        rx, ry, rz = state[q, 0], state[q, 1], state[q, 2]
        vx, vy, vz = state[q, 3], state[q, 4], state[q, 5]
        rr, rv, cos_eta = state[q, 6], state[q, 7], state[q, 8]
        for j in range(piece_start[i], piece_start[i] + piece_count[i]):
            rp = rx * px[j] + ry * py[j] + rz * pz[j]
            inverse = 1.0 / math.sqrt(rr - 2.0 * rp + pp[j])
            s = (rx * ux[j] + ry * uy[j] + rz * uz[j] - pu[j]) * inverse
            g = s - sin_mask
            vd = rv - (vx * px[j] + vy * py[j] + vz * pz[j])
            rho_dot = vd * inverse
            dg = ((vx * ux[j] + vy * uy[j] + vz * uz[j]) - s * rho_dot) * inverse
            if has_eta:
                rn = math.sqrt(rr)
                c = (rr - rp) * inverse / rn
                g_eta = c - cos_eta
                c_dot = (vd + rv - c * (rv / rn / inverse + rn * rho_dot)) * inverse / rn
                if g_eta < g:
                    dg = c_dot
                g = min(g, g_eta)
            out_point[n] = j
            out_g[n] = g
            out_dg[n] = dg
            n += 1
    return n


@njit(cache=True, error_model="numpy")
def _hermite_maximum_scalar(f0, d0, f1, d1, h):
    """Twin of _hermite_maximum for one interval (its largest value only)."""
    hd0, hd1 = h * d0, h * d1
    A = 6.0 * (f0 - f1) + 3.0 * (hd0 + hd1)
    B = 6.0 * (f1 - f0) - 2.0 * (2.0 * hd0 + hd1)
    C = hd0
    best = max(f0, f1)
    root = math.sqrt(max(B * B - 4.0 * A * C, 0.0))
    q = -0.5 * (B + math.copysign(root, B))
    linear = -C / B
    for k in range(2):
        if k == 0:
            s = q / A if A != 0.0 else linear
        else:
            s = C / q if q != 0.0 else linear
        if s > 0.0 and s < 1.0:
            s2 = s * s
            val = (2 * s2 * s - 3 * s2 + 1) * f0 + (s2 * s - 2 * s2 + s) * hd0 + (3 * s2 - 2 * s2 * s) * f1 \
                + (s2 * s - s2) * hd1
            if val > best:
                best = val
    return best


@njit(cache=True, error_model="numpy")
def _steps_kernel(k0, k1, lo, t, ok, bounds, key, sat, point, g, dg, prev_key, prev_g, prev_dg, prev_open,
                  n_points, next_id, tolerance, new_open, out_i, out_f, exact_id, exact_t, pair_i, maybe_i, maybe_f):
    """Twin of _Sweep._step over samples k0..k1-1: a merge of each sample's sorted keys with the previous ones."""
    nb = 0
    ne = 0
    npair = 0
    nm = 0
    violations = 0
    last_sample = t.shape[0] - 1
    p_key, p_g, p_dg, p_open = prev_key, prev_g, prev_dg, prev_open
    for i in range(k1 - k0):
        k = k0 + i
        a, b = bounds[i], bounds[i + 1]
        jp = 0
        n_prev = p_key.shape[0]
        for c in range(a, b):
            kc = key[c]
            # Previous pairs with smaller keys are gone: close their open accesses at t[k - 1].
            while jp < n_prev and p_key[jp] < kc:
                if p_open[jp] >= 0:
                    s_ = p_key[jp] // n_points
                    if ok[s_, k - lo]:
                        violations += 1
                    exact_id[ne] = next_id
                    exact_t[ne] = t[k - 1]
                    ne += 1
                    pair_i[npair, 0] = s_
                    pair_i[npair, 1] = p_key[jp] % n_points
                    pair_i[npair, 2] = p_open[jp]
                    pair_i[npair, 3] = next_id
                    npair += 1
                    next_id += 1
                jp += 1
            positive = g[c] >= 0.0
            new_open[c] = -1
            if jp < n_prev and p_key[jp] == kc:
                was_open = p_open[jp]
                before = was_open >= 0
                if (not before) and positive:
                    out_i[nb, 0] = next_id
                    out_i[nb, 1] = sat[c]
                    out_i[nb, 2] = point[c]
                    out_i[nb, 3] = k
                    out_f[nb, 0] = p_g[jp]
                    out_f[nb, 1] = g[c]
                    out_f[nb, 2] = p_dg[jp]
                    out_f[nb, 3] = dg[c]
                    nb += 1
                    new_open[c] = next_id
                    next_id += 1
                elif before and not positive:
                    out_i[nb, 0] = next_id
                    out_i[nb, 1] = sat[c]
                    out_i[nb, 2] = point[c]
                    out_i[nb, 3] = k
                    out_f[nb, 0] = p_g[jp]
                    out_f[nb, 1] = g[c]
                    out_f[nb, 2] = p_dg[jp]
                    out_f[nb, 3] = dg[c]
                    nb += 1
                    pair_i[npair, 0] = sat[c]
                    pair_i[npair, 1] = point[c]
                    pair_i[npair, 2] = was_open
                    pair_i[npair, 3] = next_id
                    npair += 1
                    next_id += 1
                elif before and positive:
                    new_open[c] = was_open
                else:
                    g0, d0, g1, d1 = p_g[jp], p_dg[jp], g[c], dg[c]
                    h = t[k] - t[k - 1]
                    if max(g0, g1) + (4.0 / 27.0) * h * (abs(d0) + abs(d1)) > -tolerance:
                        if _hermite_maximum_scalar(g0, d0, g1, d1, h) > -tolerance:
                            maybe_i[nm, 0] = sat[c]
                            maybe_i[nm, 1] = point[c]
                            maybe_i[nm, 2] = k
                            maybe_f[nm, 0] = g0
                            maybe_f[nm, 1] = d0
                            maybe_f[nm, 2] = g1
                            maybe_f[nm, 3] = d1
                            nm += 1
                jp += 1
            elif positive:
                if k > 0 and ok[sat[c], k - 1 - lo]:
                    violations += 1
                exact_id[ne] = next_id
                exact_t[ne] = t[k]
                ne += 1
                new_open[c] = next_id
                next_id += 1
        while jp < n_prev:
            if p_open[jp] >= 0:
                s_ = p_key[jp] // n_points
                if ok[s_, k - lo]:
                    violations += 1
                exact_id[ne] = next_id
                exact_t[ne] = t[k - 1]
                ne += 1
                pair_i[npair, 0] = s_
                pair_i[npair, 1] = p_key[jp] % n_points
                pair_i[npair, 2] = p_open[jp]
                pair_i[npair, 3] = next_id
                npair += 1
                next_id += 1
            jp += 1
        if k == last_sample:
            for c in range(a, b):
                if new_open[c] >= 0:
                    exact_id[ne] = next_id
                    exact_t[ne] = t[k]
                    ne += 1
                    pair_i[npair, 0] = sat[c]
                    pair_i[npair, 1] = point[c]
                    pair_i[npair, 2] = new_open[c]
                    pair_i[npair, 3] = next_id
                    npair += 1
                    next_id += 1
        p_key, p_g, p_dg, p_open = key[a:b], g[a:b], dg[a:b], new_open[a:b]
    return np.array([nb, ne, npair, nm, next_id, violations], dtype=np.int64)


@njit(cache=True, error_model="numpy")
def _hermite_states_compiled(r_flat, v_flat, i0, rows, s, h, rx, ry, rz, vx, vy, vz, rr, rv):
    """Twin of _hermite_components then _sat_terms on the states of rows ``rows`` (step from i0[row] to i0[row] + 1)."""
    for n in range(rows.shape[0]):
        a = i0[rows[n]]
        sn, hn = s[n], h[n]
        s2 = sn * sn
        s3 = s2 * sn
        w0 = 2 * s3 - 3 * s2 + 1
        w1 = (s3 - 2 * s2 + sn) * hn
        w2 = 3 * s2 - 2 * s3
        w3 = (s3 - s2) * hn
        q0 = 6 * s2 - 6 * sn
        q1 = 3 * s2 - 4 * sn + 1
        q2 = 3 * s2 - 2 * sn
        for axis in range(3):
            a0, b0 = r_flat[a, axis], v_flat[a, axis]
            a1, b1 = r_flat[a + 1, axis], v_flat[a + 1, axis]
            value = w0 * a0 + w1 * b0 + w2 * a1 + w3 * b1
            rate = (q0 * (a0 - a1)) / hn + q1 * b0 + q2 * b1
            if axis == 0:
                rx[n], vx[n] = value, rate
            elif axis == 1:
                ry[n], vy[n] = value, rate
            else:
                rz[n], vz[n] = value, rate
        rr[n] = rx[n] * rx[n] + ry[n] * ry[n] + rz[n] * rz[n]
        rv[n] = rx[n] * vx[n] + ry[n] * vy[n] + rz[n] * vz[n]


@njit(cache=True, error_model="numpy")
def _condition_compiled(rx, ry, rz, vx, vy, vz, rr, rv, point, rows, px, py, pz, ux, uy, uz, pp, pu, sin_mask,
                        has_eta, cos_eta, rate, out_g, out_dg):
    """Twin of _Condition.evaluate for satellites (n,) and the points point[rows] (n,)."""
    for n in range(rows.shape[0]):
        j = point[rows[n]]
        rp = rx[n] * px[j] + ry[n] * py[j] + rz[n] * pz[j]
        inverse = 1.0 / math.sqrt(rr[n] - 2.0 * rp + pp[j])
        s = (rx[n] * ux[j] + ry[n] * uy[j] + rz[n] * uz[j] - pu[j]) * inverse
        g = s - sin_mask
        dg = 0.0
        vd = rv[n] - (vx[n] * px[j] + vy[n] * py[j] + vz[n] * pz[j])
        rho_dot = vd * inverse
        if rate:
            dg = ((vx[n] * ux[j] + vy[n] * uy[j] + vz[n] * uz[j]) - s * rho_dot) * inverse
        if has_eta:
            rn = math.sqrt(rr[n])
            c = (rr[n] - rp) * inverse / rn
            g_eta = c - cos_eta[n]
            if rate:
                c_dot = (vd + rv[n] - c * (rv[n] / rn / inverse + rn * rho_dot)) * inverse / rn
                if g_eta < g:
                    dg = c_dot
            g = min(g, g_eta)
        out_g[n] = g
        if rate:
            out_dg[n] = dg


@njit(cache=True, error_model="numpy")
def _hermite_root_compiled(f0, d0, f1, d1, h, iterations, out):
    """Twin of _hermite_root (h an array here)."""
    for n in range(f0.shape[0]):
        a0, b0, a1, b1, hn = f0[n], d0[n], f1[n], d1[n], h[n]
        lo, hi = 0.0, 1.0
        sign_lo = a0 >= 0.0
        s = min(max(a0 / (a0 - a1), 0.0), 1.0)
        for _ in range(iterations):
            s2 = s * s
            s3 = s2 * s
            value = (2 * s3 - 3 * s2 + 1) * a0 + (s3 - 2 * s2 + s) * hn * b0 + (3 * s2 - 2 * s3) * a1 \
                + (s3 - s2) * hn * b1
            rate = ((6 * s2 - 6 * s) * (a0 - a1)) / hn + (3 * s2 - 4 * s + 1) * b0 + (3 * s2 - 2 * s) * b1
            if (value >= 0.0) == sign_lo:
                lo = s
            else:
                hi = s
            step = s - value / (rate * hn)
            if math.isfinite(step) and step >= lo and step <= hi:
                s = step
            else:
                s = 0.5 * (lo + hi)
        out[n] = s if math.isfinite(s) else 0.5


__all__ = ["AccessResult", "AccessSpec", "DEFAULT_TIME_RESOLUTION_S", "GRAZING_TOLERANCE", "MAX_SCREENING_STEP_S",
           "compute_access"]
