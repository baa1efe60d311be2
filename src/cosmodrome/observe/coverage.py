"""Coverage of an area by one satellite or a constellation: the service behind ``cosmodrome coverage``.

One question, one function: :func:`compute_coverage` takes the satellites (a propagator, Walker or
sun-synchronous elements from ``orbits.constellation``, or TLE/OMM records), an area (an ``Area``
with a grid resolution, or a ready ``Grid``), a window and an :class:`~cosmodrome.observe.access.AccessSpec`,
and returns a :class:`CoverageResult`:

- the equal-area grid (``observe.areas``);
- every point's access intervals, merged over the satellites, and each satellite's own
  (``observe.access``: definition, time resolution and pruning in its docstring);
- the point figures of merit (``observe.metrics.point_figures``: gaps, revisit, response time, ...);
- the share of the area in access at each instant of a time grid (``covered_area_fraction``);
- area-weighted summaries of every point figure (``metrics.area_summary``).

Definitions and a worked example of the figures: docs/coverage-metrics.md. The engine, its
accuracy tests and measured speed: docs/coverage.md. Times are SI seconds from the window start
(``start``, a Time; the grid of ``times_s`` is in TAI seconds like every offset in the package).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from ..errors import InvalidInputError
from ..orbits.records import KeplerianElements
from ..time import Time
from .access import AccessResult, AccessSpec, compute_access
from .areas import Area, Grid, equal_area_grid
from .metrics import (DEFAULT_PERCENTILES, AccessIntervals, PointFigures, area_summary, covered_area_fraction,
                      point_figures)

DEFAULT_TIME_STEP_S = 60.0


@dataclass(frozen=True, eq=False)
class CoverageResult:
    """Coverage of ``grid`` by the satellites over [start, start + duration_s] (module docstring).

    ``access``: the AccessResult (intervals merged per point in ``access.intervals``, each
    satellite's in its arrays). ``figures``: PointFigures of every grid point. ``times_s`` (n,) and
    ``covered_area_fraction`` (n,): the share of the area (0..1, by cell area) in access at those
    seconds from the start. ``summary``: point-figure name -> ``metrics.AreaStatistic``
    (area-weighted mean, extremes, percentiles). ``percentiles``: the gap percentiles reported.
    """

    grid: Grid
    access: AccessResult
    figures: PointFigures
    times_s: np.ndarray
    covered_area_fraction: np.ndarray
    summary: dict
    spec: AccessSpec
    start: Time
    duration_s: float
    percentiles: tuple

    @property
    def intervals(self) -> AccessIntervals:
        """Access intervals of every point, merged over the satellites."""
        return self.access.intervals

    @property
    def satellite_ids(self) -> np.ndarray:
        return self.access.satellite_ids

    def point_table(self):
        """One row per grid point (pandas DataFrame): position, cell area and every point figure.

        Columns: ``point``, ``latitude_deg``, ``longitude_deg``, ``cell_area_m2``, then
        ``PointFigures.columns()`` (times in s; NaN where a figure does not exist).
        """
        import pandas as pd

        columns = {"point": np.arange(self.grid.size), "latitude_deg": self.grid.latitude_deg,
                   "longitude_deg": self.grid.longitude_deg, "cell_area_m2": self.grid.cell_area_m2}
        columns.update(self.figures.columns())
        return pd.DataFrame(columns)

    def summary_table(self):
        """The area-weighted summaries (pandas DataFrame), one row per point figure.

        Columns: ``figure``, ``mean``, ``minimum``, ``maximum``, ``p<P>`` for each percentile and
        ``defined_area_fraction`` (the share of the area where the figure exists).
        """
        import pandas as pd

        rows = []
        for name, stat in self.summary.items():
            row = {"figure": name, "mean": stat.mean, "minimum": stat.minimum, "maximum": stat.maximum}
            for p, value in stat.percentiles:
                row[f"p{p:g}".replace(".", "_")] = value
            row["defined_area_fraction"] = stat.defined_area_fraction
            rows.append(row)
        return pd.DataFrame(rows)

    def mean_covered_area_fraction(self) -> float:
        """Time average of the covered share of the area (from the merged intervals, not the sampled curve)."""
        return float(np.sum(self.figures.covered_fraction * self.grid.weight))


def as_propagator(satellites):
    """A propagator for ``satellites``: a propagator as it is, KeplerianElements (one or a list: Brouwer
    mean elements such as ``orbits.constellation`` makes, propagated with the J2 secular propagator),
    or TLE/OMM records (``MeanElementsGP`` or ``sgp4`` Satrec, one or a list: SGP4).

    Raises InvalidInputError for anything else, an empty list or a mixed list.
    """
    if hasattr(satellites, "propagate") and hasattr(satellites, "frame"):
        return satellites
    items = [satellites] if not isinstance(satellites, Sequence) or isinstance(satellites, (str, bytes)) \
        else list(satellites)
    if not items:
        raise InvalidInputError("no satellites given", source="coverage", field="satellites")
    if all(isinstance(x, KeplerianElements) for x in items):
        from ..orbits.constellation import constellation_propagator
        return constellation_propagator(items)
    from sgp4.api import Satrec
    if all(isinstance(x, Satrec) or (hasattr(x, "to_satrec") and hasattr(x, "catalogue_number")) for x in items):
        from ..orbits.sgp4_source import Sgp4Propagator
        return Sgp4Propagator(items)
    kinds = sorted({type(x).__name__ for x in items})
    raise InvalidInputError(f"expected a propagator, KeplerianElements or TLE/OMM records (one kind), got "
                            f"{', '.join(kinds)}", source="coverage", field="satellites")


def compute_coverage(satellites, area, start: Time, duration_s: float, access: AccessSpec, *,
                     resolution_deg: float | None = None, percentiles=DEFAULT_PERCENTILES,
                     time_step_s: float = DEFAULT_TIME_STEP_S,
                     progress: Callable[[float], None] | None = None) -> CoverageResult:
    """Coverage of ``area`` by ``satellites`` from ``start`` for ``duration_s`` SI seconds.

    ``satellites``: see :func:`as_propagator`. ``area``: a ``Grid``, or an ``Area`` with
    ``resolution_deg`` (the equal-area grid's resolution, deg). ``access``: what access means
    (elevation mask or sensor, optional Sun condition) and the time resolution of its edges.
    ``percentiles``: gap percentiles to report (0..100). ``time_step_s``: spacing of the
    coverage-over-time samples (the last sample is the window's end). ``progress``: called with
    the fraction done (0..1). Returns a :class:`CoverageResult`. Raises InvalidInputError for bad
    arguments (those of the grid, the access engine and the metrics included).
    """
    if isinstance(area, Grid):
        if resolution_deg is not None and resolution_deg != area.resolution_deg:
            raise InvalidInputError(f"a ready grid has its own resolution ({area.resolution_deg:g} deg); leave "
                                    "resolution_deg out", source="coverage", field="resolution_deg")
        grid = area
    elif isinstance(area, Area):
        if resolution_deg is None:
            raise InvalidInputError("give the grid resolution in deg (resolution_deg) with an Area",
                                    source="coverage", field="resolution_deg")
        grid = equal_area_grid(area, resolution_deg)
    else:
        raise InvalidInputError(f"expected an Area or a Grid, got {type(area).__name__}", source="coverage",
                                field="area")
    if isinstance(time_step_s, bool) or not isinstance(time_step_s, (int, float)) or not math.isfinite(time_step_s) \
            or time_step_s <= 0:
        raise InvalidInputError(f"expected a positive time step in s, got {time_step_s!r}", source="coverage",
                                field="time_step_s")
    if not isinstance(access, AccessSpec):
        raise InvalidInputError(f"expected an AccessSpec, got {type(access).__name__}", source="coverage",
                                field="access")
    propagator = as_propagator(satellites)

    def access_progress(fraction):
        if progress is not None:
            progress(0.95 * fraction)

    result = compute_access(propagator, grid, start, duration_s, access, progress=access_progress)
    duration = result.window_duration_s
    figures = point_figures(result.intervals, percentiles)
    count = max(1, int(math.ceil(duration / time_step_s - 1e-9)))
    times = np.minimum(np.arange(count + 1) * float(time_step_s), duration)
    fraction = covered_area_fraction(result.intervals, grid.cell_area_m2, times)
    summary = area_summary(figures, grid.cell_area_m2, percentiles)
    if progress is not None:
        progress(1.0)
    return CoverageResult(grid, result, figures, times, fraction, summary, access, start, duration,
                          figures.percentiles)
