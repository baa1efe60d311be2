"""The "Coverage" part of the mission report: revisit of the mission's region, satellite and constellation.

Builds one `ReportSection` from a `cosmodrome.mission.RegionCoverage` and its summary.json entry
(``report.summary.coverage_dict``), whose rounded figures it prints so that the report and the
summary agree: a revisit map per satellite set (the largest revisit gap at each grid point, on
``report.maps.plot_grid_values`` with the region's outline), the share of the region in access
against time, and a table of the area-weighted figures side by side. Figures are drawn on
``matplotlib.figure.Figure`` with an explicit Agg canvas, never pyplot. Times are UTC; gaps in
hours or minutes as the table says.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .html import ReportSection, Table
from .maps import plot_grid_values, world_axes
from .plots import png_bytes

HEADING = "Coverage"

_OUTLINE_COLOUR = "#d62728"
_SATELLITE_COLOUR = "#1f5fa8"
_CONSTELLATION_COLOUR = "#ff7f0e"
_MINUS = "\u2212"


def _minutes(seconds) -> str:
    if seconds is None or not math.isfinite(seconds):
        return "-"
    if seconds >= 5400.0:
        return f"{seconds / 3600.0:,.1f} h"
    return f"{seconds / 60.0:,.1f} min"


def _share(value) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{100.0 * value:.1f} %"


def _number(value, decimals: int = 2) -> str:
    return "-" if value is None or not math.isfinite(value) else f"{value:,.{decimals}f}".replace("-", _MINUS)


# --- the plots -------------------------------------------------------------------------------------

def _outline(ax, area) -> None:
    """The region's edge on a map: the band's parallels, or the polygons' rings (also shifted by 360 deg)."""
    kind = area.kind.value
    if kind == "latitude_band":
        for latitude in (area.min_latitude_deg, area.max_latitude_deg):
            ax.axhline(latitude, color=_OUTLINE_COLOUR, linewidth=1.0, zorder=10)
    elif kind == "polygons":
        for polygon in area.polygons:
            for ring in (polygon.exterior_deg, *polygon.holes_deg):
                for shift in (-360.0, 0.0, 360.0):  # rings are unwrapped: they may run past +-180 deg
                    ax.plot(ring[:, 0] + shift, ring[:, 1], color=_OUTLINE_COLOUR, linewidth=1.0, zorder=10)


def _view(grid) -> tuple[tuple[float, float], tuple[float, float]]:
    """(longitude limits, latitude limits) framing the grid with a 5 deg margin (deg)."""
    south = float(np.min(grid.south_deg)) - 5.0
    north = float(np.max(grid.north_deg)) + 5.0
    west, east = float(np.min(grid.west_deg)), float(np.max(grid.east_deg))
    if east - west > 300.0:  # round the globe, or across the antimeridian: keep the whole width
        west, east = -180.0, 180.0
    else:
        west, east = west - 5.0, east + 5.0
    return (max(-180.0, west), min(180.0, east)), (max(-90.0, south), min(90.0, north))


_MAP_WIDTH_IN = 10.0


def revisit_map_png(result, title: str, *, vmax_h: float | None = None) -> bytes:
    """The largest revisit gap at each grid point (h) over the region, its outline in red.

    The map is framed on the region, and the figure's height follows its shape (a latitude band
    round the globe is a low strip); each grid point is a dot about as wide as its cell.
    """
    grid = result.grid
    gap_h = result.figures.max_gap_s / 3600.0
    lon, lat = _view(grid)
    lon_span, lat_span = lon[1] - lon[0], lat[1] - lat[0]
    height_in = min(8.0, max(2.6, 0.8 * _MAP_WIDTH_IN * lat_span / lon_span + 1.0))
    figure = Figure(figsize=(_MAP_WIDTH_IN, height_in), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    figure, ax = world_axes(figure.add_subplot(), title=title,
                            graticule_step_deg=30.0 if max(lon_span, lat_span) > 60.0 else 10.0)
    # a dot about the width of a cell: the axes take ~80 % of the width, 72 points an inch
    cell_pt = 0.8 * _MAP_WIDTH_IN * 72.0 * grid.resolution_deg / max(lon_span, 2.0 * lat_span)
    plot_grid_values(grid.latitude_deg, grid.longitude_deg, gap_h, ax, unit_label="largest revisit gap (h)",
                     vmin=0.0, vmax=vmax_h, marker_size=max(4.0, (0.9 * cell_pt) ** 2), cmap="viridis_r")
    _outline(ax, grid.area)
    ax.set_xlim(*lon)
    ax.set_ylim(*lat)
    return png_bytes(figure)


def coverage_over_time_png(curves) -> bytes:
    """Share of the region in access (%) against hours from the window's start, one line per set."""
    figure = Figure(figsize=(8.0, 3.6), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    top = 5.0
    for label, result, colour in curves:
        hours = result.times_s / 3600.0
        percent = 100.0 * result.covered_area_fraction
        ax.plot(hours, percent, color=colour, linewidth=1.1,
                label=f"{label} (time average {100.0 * result.mean_covered_area_fraction():.1f} %)")
        top = max(top, float(np.max(percent)))
    start = curves[0][1].start
    ax.set_xlim(0.0, max(float(r.times_s[-1]) for _, r, _ in curves) / 3600.0)
    ax.set_ylim(0.0, min(100.0, 5.0 * math.ceil(1.1 * top / 5.0)))
    ax.set_xlabel(f"hours from {start.utc_iso(0)} (UTC)")
    ax.set_ylabel("region in access (%)")
    ax.grid(True, color="#e0e0e0", linewidth=0.6)
    ax.legend(loc="upper right", fontsize=8, framealpha=0.85)
    return png_bytes(figure)


# --- text and table ---------------------------------------------------------------------------------

_ROWS = (
    ("mean revisit gap", "mean_revisit_gap_s", _minutes),
    ("largest revisit gap (area mean of each point's largest)", "max_revisit_gap_s", _minutes),
    ("largest revisit gap anywhere", "worst_revisit_gap_s", _minutes),
    ("share of the region with a revisit (2 accesses or more)", "revisit_defined_area_fraction", _share),
    ("time to first access (mean)", "time_to_first_access_s", _minutes),
    ("time to first access (longest)", "worst_time_to_first_access_s", _minutes),
    ("share of the region accessed at all", "accessed_area_fraction", _share),
    ("share of time covered", "covered_time_fraction", _share),
    ("accesses per day", "accesses_per_day", _number),
)


def coverage_section(coverage, summary: dict) -> ReportSection:
    """The "Coverage" section of a `cosmodrome.mission.RegionCoverage` (None: the run did not analyse).

    ``summary``: its summary.json entry (`report.summary.coverage_dict`). Without a ``[coverage]``
    table the section says none was requested.
    """
    if coverage is None or not summary.get("requested"):
        return ReportSection(HEADING, (
            "Coverage: none requested. The mission file has no [coverage] table; add one with a region "
            "(region = \"global\", a GeoJSON file, or lat_band = [min, max]) and, optionally, a "
            "[coverage.constellation] Walker pattern (docs/mission-format.md) to map the revisit of the region "
            "here.",))
    satellite = summary["satellite"]
    constellation = summary["constellation"]
    text = (f"Coverage of {summary['area']} ({summary['grid_points']:,} points of an equal-area grid at "
            f"{summary['resolution_deg']:g} deg, {summary['area_km2']:,.0f} km²) over {summary['days']:g} "
            f"day(s) from insertion ({summary['start_utc']}); access: {summary['access']}, edges to "
            f"{summary['time_resolution_s']:g} s. The satellite is the fitted TLE (SGP4), as in the passes")
    if constellation is not None:
        text += (f"; the constellation, {constellation['description']} ({constellation['satellites']} "
                 "satellites, circular, elements at the insertion epoch), runs on the J2 secular propagator")
    text += (". A revisit gap runs from the end of one access to the start of the next at a point; the gaps "
             "touching the window's edges are left out (they are the time to first access and the wait after "
             "the last). Figures are area-weighted over the points where they exist (docs/coverage-metrics.md).")
    if satellite["cut_at_reentry_utc"]:
        text += f" The satellite's window stops at its predicted re-entry, {satellite['cut_at_reentry_utc']}."
    paragraphs = [text]
    if satellite["figures"] is None:
        paragraphs.append(f"The satellite's coverage was not computed: {satellite['error']}.")
    columns = ["figure", "satellite"] + ([f"constellation ({constellation['description']})"]
                                         if constellation is not None else [])
    rows = []
    for label, key, show in _ROWS:
        row = [label, show(satellite["figures"][key]) if satellite["figures"] else "-"]
        if constellation is not None:
            row.append(show(constellation["figures"][key]))
        rows.append(tuple(row))
    table = Table("Area-weighted coverage figures", tuple(columns), tuple(rows))

    sets = []
    if coverage.satellite is not None:
        sets.append(("satellite", coverage.satellite, _SATELLITE_COLOUR))
    if coverage.constellation is not None:
        sets.append(("constellation", coverage.constellation, _CONSTELLATION_COLOUR))
    figures = []
    finite = [np.nanmax(r.figures.max_gap_s) for _, r, _ in sets if np.any(np.isfinite(r.figures.max_gap_s))]
    vmax_h = max(finite) / 3600.0 if finite else None  # one colour scale for both maps
    for label, result, _ in sets:
        name = "the satellite" if label == "satellite" else f"the constellation ({constellation['description']})"
        figures.append((f"Largest revisit gap at each grid point over {summary['area']} for {name} (h); points "
                        "with fewer than two accesses are left uncoloured; the region's edge in red.",
                        revisit_map_png(result, f"Revisit: {name}", vmax_h=vmax_h)))
    if sets:
        figures.append((f"Share of {summary['area']} (by area) in access against time.",
                        coverage_over_time_png(sets)))
    return ReportSection(HEADING, tuple(paragraphs), (table,), figures=tuple(figures))
