"""Coverage figures of merit from access intervals: for each grid point, and over an area.

Input: the access intervals of each grid point, in SI seconds from the start of the analysis
window [0, T] (:class:`AccessIntervals`). Intervals of one point may overlap (several
satellites); they are merged into their union first, and intervals that touch (one ends where
the next starts) are merged too. An access is a closed interval [start, end].

Definitions (written out with a worked example in docs/coverage-metrics.md; the figures follow the
coverage figures of merit of Wertz, ed., *Space Mission Analysis and Design*, 3rd ed. (1999),
section 7.2, with the conventions below stated where that text leaves them open):

- Gap: the time from the end of one access to the start of the next. Only these *interior* gaps
  enter the gap statistics. The *leading gap* (window start to the first access) and the
  *trailing gap* (last access to the window end) are reported on their own, because their true
  length is unknown (they are cut by the window). A point never accessed has no interior gap, and
  its leading and trailing gaps are both the whole window.
- Count-weighted gap statistics: over the list of interior gaps, each gap counting once
  (mean = sum g / n).
- Time-weighted gap statistics: over the time spent in interior gaps, each instant counting once:
  the length of the gap that contains an instant drawn uniformly from the gap time. Each gap has
  weight g, so mean = sum g^2 / sum g. The maximum is the same for both.
- Percentiles (both weightings): the inverse of the weighted distribution function, with no
  interpolation: the p-th percentile is the smallest gap g such that the gaps <= g carry at least
  p per cent of the weight (p = 0 gives the smallest gap, p = 100 the largest). Count-weighted,
  this is NumPy's ``percentile(..., method="inverted_cdf")`` (Hyndman and Fan 1996, definition 1).
- Time to first access: the start of the first access (0 if the window opens in an access).
- Mean response time: the average over the whole window of the wait, at each instant, until
  the next access starts (0 during an access). After the last access the wait runs only to the
  window's end (the next access is not known), so the figure is a lower bound whenever the
  trailing gap is not zero. Equal to (sum over every gap, edge gaps included, of g^2 / 2) / T.
- Share of time covered: the total length of the (merged) accesses / T.
- Accesses per day: the number of (merged) accesses in the window, times 86400 s / T; an access
  cut by either edge of the window counts as one.
Figures that do not exist for a point (no access, or no interior gap) are NaN.

Area-level: :func:`covered_area_fraction` gives the share of the area in access at each instant
of a time grid (each point weighted by its cell area); :func:`area_weighted_statistics` the
area-weighted mean, extremes and percentiles (same inverse-CDF rule, weights = areas) of any
point figure, leaving NaN points out and saying what share of the area they hold.

Everything is vectorised over all points at once (sorting and bincount on flat arrays); no
Python loop runs over points or intervals.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InvalidInputError
from ..time import Time

SECONDS_PER_DAY = 86400.0
DEFAULT_PERCENTILES = (50.0, 90.0, 95.0)
_EDGE_SLACK_S = 1e-6     # accesses may pass the window's edges by rounding; clipped within this
_FRACTION_TOLERANCE = 1e-9


# --- access intervals --------------------------------------------------------------------------

def _merge(point, start, end):
    """Union of closed intervals per point: inputs in any order; outputs sorted by point, then start.

    Vectorised: after sorting by (point, start), an interval opens a new merged interval unless it
    starts at or before the largest end seen so far in its point. That running maximum is taken
    on integer keys (point * m + rank of end), which increase from one point to the next, so one
    ``maximum.accumulate`` serves every point without mixing them.
    """
    m = point.size
    if m == 0:
        return point, start, end
    order = np.lexsort((end, start, point))
    p, s, e = point[order], start[order], end[order]
    end_order = np.argsort(e, kind="stable")
    rank = np.empty(m, dtype=np.int64)
    rank[end_order] = np.arange(m)
    key = p * np.int64(m) + rank
    running = np.maximum.accumulate(key)
    running_end = e[end_order[running - p * np.int64(m)]]
    opens = np.ones(m, dtype=bool)
    opens[1:] = (p[1:] != p[:-1]) | (s[1:] > running_end[:-1])
    first = np.flatnonzero(opens)
    last = np.append(first[1:] - 1, m - 1)
    return p[first], s[first], running_end[last]


@dataclass(frozen=True, eq=False)
class AccessIntervals:
    """Access intervals of ``n_points`` grid points within a window [0, ``window_duration_s``].

    ``point_index`` (m,) int: the grid point of each interval; ``start_s``, ``end_s`` (m,):
    seconds from the window start. On construction the intervals are checked (finite,
    start <= end, inside the window with 1 microsecond of slack that is clipped away), merged per
    point into disjoint intervals and sorted by point then start; the arrays held are those.
    ``window_start``: optional Time of the window start (kept for reports, not used here).
    Raises InvalidInputError naming the first bad interval.
    """

    point_index: np.ndarray
    start_s: np.ndarray
    end_s: np.ndarray
    n_points: int
    window_duration_s: float
    window_start: Time | None = field(default=None, compare=False)

    def __post_init__(self):
        n = self.n_points
        if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
            raise InvalidInputError(f"access intervals: expected a whole number of points >= 1, got {n!r}",
                                    field="n_points")
        duration = self.window_duration_s
        if isinstance(duration, bool) or not isinstance(duration, (int, float, np.integer, np.floating)) \
                or not (math.isfinite(duration) and duration > 0):
            raise InvalidInputError(f"access intervals: the window must last a positive, finite number of "
                                    f"seconds, got {duration!r}", field="window_duration_s")
        if self.window_start is not None and (not isinstance(self.window_start, Time) or self.window_start.shape):
            raise InvalidInputError("access intervals: window_start must be a single Time instant",
                                    field="window_start")
        duration = float(duration)
        try:
            point = np.asarray(self.point_index)
            start = np.asarray(self.start_s, dtype=float)
            end = np.asarray(self.end_s, dtype=float)
        except (TypeError, ValueError):
            raise InvalidInputError("access intervals: start_s and end_s must be arrays of seconds",
                                    field="start_s") from None
        if point.size == 0:
            point = point.astype(np.int64)
        if point.ndim != 1 or start.shape != point.shape or end.shape != point.shape:
            raise InvalidInputError(f"access intervals: point_index, start_s and end_s must be 1-D arrays of one "
                                    f"length, got shapes {point.shape}, {start.shape}, {end.shape}",
                                    field="point_index")
        if not np.issubdtype(point.dtype, np.integer):
            raise InvalidInputError(f"access intervals: point_index must hold integers, got {point.dtype}",
                                    field="point_index")
        point = point.astype(np.int64)
        checks = (
            (~((point >= 0) & (point < n)), lambda k: f"point index {point[k]} is outside 0..{n - 1}", "point_index"),
            (~(np.isfinite(start) & np.isfinite(end)), lambda k: f"start {start[k]} s / end {end[k]} s must be "
             "finite", "start_s"),
            (end < start, lambda k: f"end {end[k]} s is before its start {start[k]} s", "end_s"),
            ((start < -_EDGE_SLACK_S) | (end > duration + _EDGE_SLACK_S),
             lambda k: f"[{start[k]}, {end[k]}] s lies outside the window [0, {duration}] s", "start_s"),
        )
        for bad, describe, name in checks:
            if np.any(bad):
                k = int(np.flatnonzero(bad)[0])
                raise InvalidInputError(f"access intervals: interval {k} (point {point[k]}): {describe(k)}",
                                        field=name)
        start = np.clip(start, 0.0, duration)
        end = np.clip(end, 0.0, duration)
        point, start, end = _merge(point, start, end)
        for name, value in (("point_index", point), ("start_s", start), ("end_s", end)):
            value = np.array(value)
            value.setflags(write=False)
            object.__setattr__(self, name, value)
        object.__setattr__(self, "n_points", int(n))
        object.__setattr__(self, "window_duration_s", duration)

    @classmethod
    def from_lists(cls, per_point, window_duration_s: float, window_start: Time | None = None) -> "AccessIntervals":
        """From one sequence of [start_s, end_s] pairs per point (an empty sequence for no access)."""
        per_point = list(per_point)
        points, starts, ends = [], [], []
        for k, pairs in enumerate(per_point):
            try:
                array = np.asarray(pairs, dtype=float)
            except (TypeError, ValueError):
                array = np.empty((0, 3))
            if array.size == 0 and array.ndim == 1:
                array = np.empty((0, 2))
            if array.ndim != 2 or array.shape[1] != 2:
                raise InvalidInputError(f"access intervals: point {k}: expected a list of [start_s, end_s] pairs, "
                                        f"got {pairs!r:.60}", field="per_point")
            points.append(np.full(len(array), k, dtype=np.int64))
            starts.append(array[:, 0])
            ends.append(array[:, 1])
        if not per_point:
            raise InvalidInputError("access intervals: expected at least one point", field="per_point")
        return cls(np.concatenate(points), np.concatenate(starts), np.concatenate(ends), len(per_point),
                   window_duration_s, window_start)

    @classmethod
    def from_timeline(cls, is_covered, times_s, window_duration_s: float | None = None,
                      window_start: Time | None = None) -> "AccessIntervals":
        """From a sampled boolean timeline (n_points, n_times) at increasing ``times_s`` (s from the window start).

        Each run of True samples becomes an access from its first to its last sample time, so
        edges are known only to within one sampling step (each access may be up to a step too
        short at either end). ``window_duration_s`` defaults to the last sample time.
        """
        covered = np.asarray(is_covered, dtype=bool)
        times = np.asarray(times_s, dtype=float)
        if covered.ndim != 2 or times.shape != (covered.shape[1],):
            raise InvalidInputError(f"expected a timeline (n_points, n_times) and n_times sample times, got shapes "
                                    f"{covered.shape} and {times.shape}", field="is_covered")
        if times.size and (np.any(np.diff(times) <= 0) or not np.all(np.isfinite(times))):
            raise InvalidInputError("sample times must be finite and strictly increasing", field="times_s")
        padded = np.zeros((covered.shape[0], covered.shape[1] + 2), dtype=np.int8)
        padded[:, 1:-1] = covered
        change = np.diff(padded, axis=1)
        p_on, k_on = np.nonzero(change == 1)     # first True sample of a run
        p_off, k_off = np.nonzero(change == -1)  # one past its last True sample
        duration = float(times[-1]) if window_duration_s is None and times.size else window_duration_s
        return cls(p_on, times[k_on], times[k_off - 1], covered.shape[0], duration, window_start)

    @property
    def interval_count(self) -> int:
        return int(self.point_index.size)

    def for_point(self, k: int):
        """(start_s, end_s) arrays of the merged accesses of point ``k``."""
        lo, hi = np.searchsorted(self.point_index, [k, k + 1])
        return self.start_s[lo:hi], self.end_s[lo:hi]

    def gaps(self):
        """Interior gaps as (point_index, length_s) arrays, in order of point then time."""
        p, s, e = self.point_index, self.start_s, self.end_s
        same = p[1:] == p[:-1]
        return p[:-1][same], (s[1:] - e[:-1])[same]


# --- point figures -----------------------------------------------------------------------------

def _check_percentiles(percentiles) -> tuple:
    values = tuple(np.atleast_1d(np.asarray(percentiles, dtype=float)).tolist())
    if any(not (0.0 <= q <= 100.0) for q in values):
        raise InvalidInputError(f"percentiles must be from 0 to 100, got {list(values)}", field="percentiles")
    return values


def _grouped_inverse_cdf(values, weights, group, n_groups, percentiles):
    """Weighted inverse-CDF percentiles per group; values sorted by (group, value). (n_groups, k), NaN if empty."""
    out = np.full((n_groups, len(percentiles)), np.nan)
    if values.size == 0:
        return out
    counts = np.bincount(group, minlength=n_groups)
    total = np.bincount(group, weights=weights, minlength=n_groups)
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    cumulative = np.cumsum(weights)
    offset = np.concatenate([[0.0], cumulative])[starts]
    fraction = (cumulative - offset[group]) / total[group]
    present = counts > 0
    index = np.arange(values.size)
    for j, p in enumerate(percentiles):
        reached = fraction >= p / 100.0 - _FRACTION_TOLERANCE
        first = np.minimum.reduceat(np.where(reached, index, values.size), starts[present])
        out[present, j] = values[first]
    return out


@dataclass(frozen=True, eq=False)
class PointFigures:
    """Figures of merit of each grid point (arrays of shape (n_points,); module docstring for definitions).

    Times in seconds. ``gap_percentiles_s`` and ``gap_percentiles_time_weighted_s`` have shape
    (n_points, len(percentiles)), in the order of ``percentiles``.
    """

    window_duration_s: float
    percentiles: tuple
    access_count: np.ndarray
    accesses_per_day: np.ndarray
    covered_fraction: np.ndarray
    time_to_first_access_s: np.ndarray
    leading_gap_s: np.ndarray
    trailing_gap_s: np.ndarray
    gap_count: np.ndarray
    mean_gap_s: np.ndarray
    max_gap_s: np.ndarray
    gap_percentiles_s: np.ndarray
    mean_gap_time_weighted_s: np.ndarray
    gap_percentiles_time_weighted_s: np.ndarray
    mean_response_time_s: np.ndarray

    def columns(self) -> dict:
        """The figures as named 1-D columns (percentile columns named like ``gap_p90_s``), for tables and maps."""
        out = {}
        for name in ("access_count", "accesses_per_day", "covered_fraction", "time_to_first_access_s",
                     "leading_gap_s", "trailing_gap_s", "gap_count", "mean_gap_s", "max_gap_s",
                     "mean_gap_time_weighted_s", "mean_response_time_s"):
            out[name] = getattr(self, name)
        for j, p in enumerate(self.percentiles):
            label = f"{p:g}".replace(".", "_")
            out[f"gap_p{label}_s"] = self.gap_percentiles_s[:, j]
            out[f"gap_p{label}_time_weighted_s"] = self.gap_percentiles_time_weighted_s[:, j]
        return out


def point_figures(intervals: AccessIntervals, percentiles=DEFAULT_PERCENTILES) -> PointFigures:
    """Figures of merit of every point of ``intervals`` (module docstring; docs/coverage-metrics.md).

    ``percentiles``: gap percentiles to report, each from 0 to 100 (default 50, 90, 95).
    """
    if not isinstance(intervals, AccessIntervals):
        raise InvalidInputError(f"expected AccessIntervals, got {type(intervals).__name__}", field="intervals")
    percentiles = _check_percentiles(percentiles)
    n = intervals.n_points
    T = intervals.window_duration_s
    p, s, e = intervals.point_index, intervals.start_s, intervals.end_s
    count = np.bincount(p, minlength=n)
    accessed = count > 0
    covered = np.bincount(p, weights=e - s, minlength=n) / T
    first_index = np.concatenate([[0], np.cumsum(count)[:-1]])
    last_index = first_index + count - 1
    first_start = np.full(n, np.nan)
    last_end = np.full(n, np.nan)
    first_start[accessed] = s[first_index[accessed]]
    last_end[accessed] = e[last_index[accessed]]
    leading = np.where(accessed, first_start, T)
    trailing = np.where(accessed, T - last_end, T)

    gap_point, gap = intervals.gaps()
    order = np.lexsort((gap, gap_point))
    gap_point, gap = gap_point[order], gap[order]
    gap_count = np.bincount(gap_point, minlength=n)
    has_gaps = gap_count > 0
    gap_sum = np.bincount(gap_point, weights=gap, minlength=n)
    gap_sum_sq = np.bincount(gap_point, weights=gap * gap, minlength=n)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean_gap = np.where(has_gaps, gap_sum / gap_count, np.nan)
        mean_gap_tw = np.where(has_gaps & (gap_sum > 0), gap_sum_sq / gap_sum, np.nan)
    max_gap = np.full(n, np.nan)
    gap_last = np.cumsum(gap_count) - 1
    max_gap[has_gaps] = gap[gap_last[has_gaps]]
    pct_count = _grouped_inverse_cdf(gap, np.ones_like(gap), gap_point, n, percentiles)
    pct_time = _grouped_inverse_cdf(gap, gap, gap_point, n, percentiles)
    # Merged intervals are disjoint, so interior gaps are > 0 and the time weights are positive.
    response = np.where(accessed, (0.5 * gap_sum_sq + 0.5 * leading**2 + 0.5 * trailing**2) / T, np.nan)
    result = PointFigures(T, percentiles, count, count * (SECONDS_PER_DAY / T), covered, first_start, leading,
                          trailing, gap_count, mean_gap, max_gap, pct_count, mean_gap_tw, pct_time, response)
    return result


# --- area-level figures ------------------------------------------------------------------------

def _check_weights(weights, n_points: int) -> np.ndarray:
    w = np.asarray(weights, dtype=float)
    if w.shape != (n_points,):
        raise InvalidInputError(f"expected one area weight per point ({n_points}), got shape {w.shape}",
                                field="weights")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or not np.sum(w) > 0:
        raise InvalidInputError("area weights must be finite, non-negative and not all zero", field="weights")
    return w


def _check_times(times_s) -> np.ndarray:
    t = np.asarray(times_s, dtype=float)
    if t.ndim != 1 or t.size == 0 or not np.all(np.isfinite(t)) or np.any(np.diff(t) < 0):
        raise InvalidInputError("expected a 1-D array of finite, non-decreasing sample times in seconds",
                                field="times_s")
    return t


def covered_area_fraction(intervals: AccessIntervals, weights, times_s) -> np.ndarray:
    """Share of the area (0..1) in access at each of ``times_s`` (seconds from the window start).

    ``weights``: area of each point (for example ``Grid.cell_area_m2``). A point counts as in
    access at t when t lies in one of its closed intervals [start, end]. Shape (n_times,).
    """
    w = _check_weights(weights, intervals.n_points)
    t = _check_times(times_s)
    on = np.searchsorted(t, intervals.start_s, side="left")
    off = np.searchsorted(t, intervals.end_s, side="right")
    wp = w[intervals.point_index]
    # The merged intervals of a point are disjoint: adding +w where one opens and -w where it
    # closes, then summing along time, counts each point at most once per instant.
    step = (np.bincount(on, weights=wp, minlength=t.size + 1)
            - np.bincount(off, weights=wp, minlength=t.size + 1))
    return np.clip(np.cumsum(step)[:-1] / np.sum(w), 0.0, 1.0)


def covered_area_fraction_from_timeline(is_covered, weights) -> np.ndarray:
    """Share of the area in access at each sample of a boolean timeline (n_points, n_times). Shape (n_times,)."""
    covered = np.asarray(is_covered, dtype=bool)
    if covered.ndim != 2:
        raise InvalidInputError(f"expected a timeline of shape (n_points, n_times), got {covered.shape}",
                                field="is_covered")
    w = _check_weights(weights, covered.shape[0])
    return (w @ covered) / np.sum(w)


@dataclass(frozen=True)
class AreaStatistic:
    """Area-weighted summary of one point figure.

    ``mean``, ``minimum``, ``maximum`` and ``percentiles`` ((p, value) pairs, inverse-CDF with area
    weights) over the points where the figure is defined; ``defined_area_fraction``: the share of
    the area where it is (the rest had NaN, such as points never accessed). NaN when none is.
    """

    mean: float
    minimum: float
    maximum: float
    percentiles: tuple
    defined_area_fraction: float


def area_weighted_statistics(values, weights, percentiles=DEFAULT_PERCENTILES) -> AreaStatistic:
    """Area-weighted mean, extremes and percentiles of a point figure (NaN points left out)."""
    v = np.asarray(values, dtype=float)
    if v.ndim != 1:
        raise InvalidInputError(f"expected one value per point (1-D), got shape {v.shape}", field="values")
    w = _check_weights(weights, v.size)
    percentiles = _check_percentiles(percentiles)
    defined = ~np.isnan(v) & (w > 0)
    share = float(np.sum(w[defined]) / np.sum(w))
    if not defined.any():
        return AreaStatistic(math.nan, math.nan, math.nan, tuple((p, math.nan) for p in percentiles), share)
    vd, wd = v[defined], w[defined]
    order = np.argsort(vd, kind="stable")
    pct = _grouped_inverse_cdf(vd[order], wd[order], np.zeros(vd.size, dtype=np.int64), 1, percentiles)[0]
    return AreaStatistic(float(np.sum(vd * wd) / np.sum(wd)), float(vd.min()), float(vd.max()),
                         tuple(zip(percentiles, pct.tolist())), share)


def area_summary(figures: PointFigures, weights, percentiles=DEFAULT_PERCENTILES) -> dict:
    """:func:`area_weighted_statistics` of every column of ``figures`` (name -> AreaStatistic)."""
    return {name: area_weighted_statistics(column, weights, percentiles)
            for name, column in figures.columns().items()}
