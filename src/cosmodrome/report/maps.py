"""World maps drawn offline: coastlines and borders, ground tracks, sites and per-point values.

Maps are equirectangular (plate carree): longitude -180 to 180 deg east on x, geodetic latitude
-90 to 90 deg north on y, one degree the same length on both axes. Outlines are the Natural Earth
1:110m countries bundled as package data (``data/naturalearth_110m_countries.json``, public domain,
provenance in ``data/naturalearth.md``). matplotlib only: figures are ``Figure`` objects with an
explicit Agg canvas, never pyplot, and no cartopy.

Every function returns ``(figure, axes)`` and saves nothing; ``report.plots`` turns a figure into
PNG bytes. Pass the axes of one call to the next to draw several layers on one map.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from importlib import resources

import numpy as np
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import LineCollection, PolyCollection
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..errors import InvalidInputError

_OUTLINE_FILE = "naturalearth_110m_countries.json"
_FIGSIZE_IN = (10.0, 5.6)
_DPI = 110  # as report.plots, whose PNG helper renders at this resolution
_OCEAN_COLOUR = "#f3f7fb"
_LAND_COLOUR = "#e4e4df"
_COAST_COLOUR = "#8a8a84"
_GRATICULE_COLOUR = "#c9ccd1"
_SITE_COLOUR = "#d62728"
# Layers, bottom to top: ocean (axes face), land fill, value mesh, outlines, graticule, tracks, points.
_Z_LAND, _Z_MESH, _Z_COAST, _Z_GRATICULE, _Z_TRACK, _Z_POINTS = 0.5, 0.8, 1.0, 1.1, 2.0, 3.0


@dataclass(frozen=True)
class CountryOutline:
    """One country of the bundled outlines: rings of (longitude, latitude) in degrees.

    ``rings_deg`` holds read-only arrays of shape (n, 2), columns longitude east and latitude
    north (WGS-84); each ring is closed (first point repeated last).
    """

    name: str
    iso_a3: str
    rings_deg: tuple[np.ndarray, ...]


@functools.lru_cache(maxsize=1)
def country_outlines() -> tuple[CountryOutline, ...]:
    """The bundled Natural Earth 1:110m country outlines (read once from package data, then cached)."""
    text = resources.files("cosmodrome").joinpath("data", _OUTLINE_FILE).read_text(encoding="utf-8")
    outlines = []
    for country in json.loads(text)["countries"]:
        rings = []
        for flat in country["rings"]:
            ring = np.asarray(flat, dtype=float).reshape(-1, 2) / 1000.0  # stored in thousandths of a degree
            ring.flags.writeable = False
            rings.append(ring)
        outlines.append(CountryOutline(name=country["name"], iso_a3=country["iso_a3"], rings_deg=tuple(rings)))
    return tuple(outlines)


def _is_cut_edge(ring: np.ndarray) -> np.ndarray:
    """Segments of a ring that Natural Earth added to close a polygon at the map edge.

    Russia, Fiji and Antarctica are cut along the antimeridian and Antarctica is closed along
    latitude -90; those edges are not coastline, so they are left out of the drawn outlines.
    """
    lon, lat = ring[:, 0], ring[:, 1]
    on_meridian = (np.abs(lon[:-1]) == 180.0) & (lon[1:] == lon[:-1])
    on_pole = (lat[:-1] == -90.0) & (lat[1:] == -90.0)
    return on_meridian | on_pole


@functools.lru_cache(maxsize=1)
def _coastline_xy() -> tuple[np.ndarray, np.ndarray]:
    """All outlines as one (longitude, latitude) polyline, NaN between pieces."""
    lon_parts, lat_parts = [], []
    for country in country_outlines():
        for ring in country.rings_deg:
            breaks = np.flatnonzero(_is_cut_edge(ring)) + 1
            lon_parts.append(np.append(np.insert(ring[:, 0], breaks, np.nan), np.nan))
            lat_parts.append(np.append(np.insert(ring[:, 1], breaks, np.nan), np.nan))
    return np.concatenate(lon_parts), np.concatenate(lat_parts)


def _wrap_longitude_deg(lon_deg: np.ndarray) -> np.ndarray:
    """Longitudes into [-180, 180) deg east."""
    return np.mod(lon_deg + 180.0, 360.0) - 180.0


def _lat_lon(lat_deg, lon_deg) -> tuple[np.ndarray, np.ndarray]:
    """Checked float arrays of equal shape; latitude within [-90, 90] deg, NaN allowed (a gap)."""
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    if lat.shape != lon.shape:
        raise InvalidInputError(f"expected latitude and longitude arrays of the same shape, got {lat.shape} "
                                f"and {lon.shape}", field="lon_deg")
    outside = np.abs(lat) > 90.0
    if np.any(outside):
        raise InvalidInputError(f"expected latitudes in [-90, 90] deg, got {float(lat[outside].flat[0])!r} deg",
                                field="lat_deg")
    if np.any(np.isinf(lon)):
        raise InvalidInputError("expected finite longitudes in deg (NaN marks a gap), got an infinite value",
                                field="lon_deg")
    return lat, lon


def split_at_antimeridian(lat_deg, lon_deg) -> list[tuple[np.ndarray, np.ndarray]]:
    """Pieces of a lat/lon track that each stay on the map, as (lat_deg, lon_deg) array pairs.

    Longitudes (deg east, any range, e.g. 0-360) are wrapped into [-180, 180). The track is cut
    where consecutive samples are more than 180 deg of longitude apart, read as a crossing of the
    antimeridian by the shorter way round; the crossing point (latitude interpolated linearly in
    longitude) ends one piece at one map edge and starts the next at the other edge. Non-finite
    samples (NaN) are gaps. Inside a piece no step exceeds 180 deg of longitude, so nothing is drawn
    across the map. Raises InvalidInputError for mismatched shapes or latitudes outside [-90, 90].
    """
    lat, lon = _lat_lon(lat_deg, lon_deg)
    lat, lon = lat.ravel(), _wrap_longitude_deg(lon.ravel())
    finite = np.isfinite(lat) & np.isfinite(lon)
    pieces: list[tuple[np.ndarray, np.ndarray]] = []
    # Runs of finite samples; a NaN ends a run.
    edges = np.diff(np.concatenate(([0], finite.astype(np.int8), [0])))
    for first, stop in zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)):
        run_lat, run_lon = lat[first:stop], lon[first:stop]
        step = np.diff(run_lon)
        start, carry = 0, None
        for j in np.flatnonzero(np.abs(step) > 180.0):  # one per crossing: a few per orbit, not per sample
            short_step = step[j] - np.copysign(360.0, step[j])
            edge = 180.0 if short_step > 0.0 else -180.0
            fraction = (edge - run_lon[j]) / short_step
            lat_cross = run_lat[j] + fraction * (run_lat[j + 1] - run_lat[j])
            piece_lat, piece_lon = run_lat[start:j + 1], run_lon[start:j + 1]
            if carry is not None:
                piece_lat, piece_lon = np.r_[carry[0], piece_lat], np.r_[carry[1], piece_lon]
            pieces.append((np.r_[piece_lat, lat_cross], np.r_[piece_lon, edge]))
            start, carry = j + 1, (lat_cross, -edge)
        piece_lat, piece_lon = run_lat[start:], run_lon[start:]
        if carry is not None:
            piece_lat, piece_lon = np.r_[carry[0], piece_lat], np.r_[carry[1], piece_lon]
        pieces.append((piece_lat, piece_lon))
    return pieces


def _degrees_label(value: float, positive: str, negative: str) -> str:
    """Tick text such as 120°W or 30°N; the equator, prime meridian and antimeridian carry no letter."""
    if abs(value) < 1e-9 or (positive == "E" and abs(abs(value) - 180.0) < 1e-9):
        return f"{abs(value):g}°"
    return f"{abs(value):g}°{positive if value > 0 else negative}"


def _new_map_figure() -> tuple[Figure, Axes]:
    figure = Figure(figsize=_FIGSIZE_IN, dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure, figure.add_subplot()


def world_axes(ax: Axes | None = None, *, title: str | None = None,
               graticule_step_deg: float = 30.0) -> tuple[Figure, Axes]:
    """A world map: land, coastlines and borders on longitude/latitude axes with a graticule.

    ``ax``: axes to draw on; a new figure (10 x 5.6 in) is made when None. ``graticule_step_deg``:
    spacing of the meridians and parallels drawn and labelled (deg). Returns (figure, axes) with
    x = longitude (deg east, -180 to 180) and y = latitude (deg north, -90 to 90), equal scale.
    """
    if not (isinstance(graticule_step_deg, (int, float)) and 0.0 < graticule_step_deg <= 90.0):
        raise InvalidInputError(f"expected a graticule step in (0, 90] deg, got {graticule_step_deg!r}",
                                field="graticule_step_deg")
    figure, ax = (ax.figure, ax) if ax is not None else _new_map_figure()
    ax.set_facecolor(_OCEAN_COLOUR)
    land = [ring for country in country_outlines() for ring in country.rings_deg]
    ax.add_collection(PolyCollection(land, facecolors=_LAND_COLOUR, edgecolors="none", zorder=_Z_LAND))
    coast_lon, coast_lat = _coastline_xy()
    ax.plot(coast_lon, coast_lat, color=_COAST_COLOUR, linewidth=0.45, zorder=_Z_COAST)

    meridians = np.arange(-180.0, 180.0 + 1e-9, graticule_step_deg)
    parallels = np.arange(0.0, 90.0 + 1e-9, graticule_step_deg)
    parallels = np.unique(np.r_[-parallels, parallels])
    lines = [((m, -90.0), (m, 90.0)) for m in meridians] + [((-180.0, p), (180.0, p)) for p in parallels]
    ax.add_collection(LineCollection(lines, colors=_GRATICULE_COLOUR, linewidths=0.5, linestyles=(0, (2, 2)),
                                     zorder=_Z_GRATICULE))
    ax.set_xticks(meridians)
    ax.set_yticks(parallels)
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees_label(v, "E", "W")))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: _degrees_label(v, "N", "S")))
    ax.tick_params(labelsize=8, length=2)
    ax.set_xlim(-180.0, 180.0)
    ax.set_ylim(-90.0, 90.0)
    ax.set_aspect("equal")
    if title:
        ax.set_title(title, fontsize=11, loc="left")
    return figure, ax


def _map(ax: Axes | None) -> tuple[Figure, Axes]:
    return world_axes() if ax is None else (ax.figure, ax)


def _legend(ax: Axes) -> None:
    ax.legend(loc="lower left", fontsize=8, framealpha=0.85)


def plot_ground_track(lat_deg, lon_deg, ax: Axes | None = None, *, label: str | None = None,
                      colour: str | None = None, linewidth: float = 1.4, linestyle: str = "-",
                      mark_start: bool = True) -> tuple[Figure, Axes]:
    """Draw a ground track (geodetic latitude, longitude in deg) on a world map.

    The track is cut at the antimeridian (``split_at_antimeridian``), so no line crosses the map;
    NaN samples are gaps. ``ax``: a map from ``world_axes`` (a new one when None). ``colour``: the
    axes' next cycle colour when None. ``mark_start`` draws a circle on the first sample. ``label``
    goes in the legend. Returns (figure, axes). Raises InvalidInputError for bad coordinates.
    """
    figure, ax = _map(ax)
    pieces = split_at_antimeridian(lat_deg, lon_deg)
    if not pieces:
        return figure, ax
    # One line with NaN between the pieces: one legend entry and one colour for the whole track.
    lon = np.concatenate([np.r_[piece_lon, np.nan] for _, piece_lon in pieces])[:-1]
    lat = np.concatenate([np.r_[piece_lat, np.nan] for piece_lat, _ in pieces])[:-1]
    (line,) = ax.plot(lon, lat, color=colour, linewidth=linewidth, linestyle=linestyle, label=label,
                      zorder=_Z_TRACK, solid_capstyle="butt")
    if mark_start:
        ax.plot(pieces[0][1][:1], pieces[0][0][:1], marker="o", markersize=5, color=line.get_color(),
                markeredgecolor="white", markeredgewidth=0.8, linestyle="none", zorder=_Z_TRACK + 0.1)
    if label:
        _legend(ax)
    return figure, ax


def plot_points(lat_deg, lon_deg, ax: Axes | None = None, *, labels=None, label: str | None = None,
                colour: str = _SITE_COLOUR, marker: str = "^",
                marker_size: float = 40.0) -> tuple[Figure, Axes]:
    """Mark points such as launch or ground sites (geodetic latitude, longitude in deg) on a world map.

    ``labels``: one text per point, written beside it (None for none). ``label``: legend entry for
    the whole set. ``marker_size``: marker area in points^2. Returns (figure, axes). Raises
    InvalidInputError for bad coordinates or a labels list of the wrong length.
    """
    lat, lon = _lat_lon(lat_deg, lon_deg)
    lat, lon = np.atleast_1d(lat).ravel(), _wrap_longitude_deg(np.atleast_1d(lon).ravel())
    if labels is not None:
        labels = [labels] if isinstance(labels, str) else list(labels)
        if len(labels) != lat.size:
            raise InvalidInputError(f"expected one label per point ({lat.size}), got {len(labels)}",
                                    field="labels")
    figure, ax = _map(ax)
    ax.scatter(lon, lat, s=marker_size, marker=marker, color=colour, edgecolors="white", linewidths=0.6,
               label=label, zorder=_Z_POINTS)
    for text, x, y in zip(labels or (), lon, lat):
        # Labels sit right of the marker, or left of it near the east edge so they stay on the map.
        left = x > 150.0
        ax.annotate(str(text), xy=(x, y), xytext=(-5 if left else 5, 3), textcoords="offset points",
                    ha="right" if left else "left", fontsize=7, color="#222222", zorder=_Z_POINTS,
                    bbox={"boxstyle": "round,pad=0.12", "facecolor": "white", "edgecolor": "none",
                          "alpha": 0.7})
    if label:
        _legend(ax)
    return figure, ax


def _regular_grid(lat: np.ndarray, lon: np.ndarray, values: np.ndarray):
    """(lat 1-D, lon 1-D, values 2-D) when the inputs describe a lat x lon grid, else None."""
    if values.ndim == 2 and lat.ndim == 1 and lon.ndim == 1 and values.shape == (lat.size, lon.size):
        return lat, lon, values
    if values.ndim == 2 and lat.shape == lon.shape == values.shape:
        # A meshgrid: latitude constant along rows' columns, longitude constant down columns.
        if np.all(lat == lat[:, :1]) and np.all(lon == lon[:1, :]):
            return lat[:, 0], lon[0, :], values
    return None


def plot_grid_values(lat_deg, lon_deg, values, ax: Axes | None = None, *, unit_label: str,
                     title: str | None = None, cmap: str = "viridis", vmin: float | None = None,
                     vmax: float | None = None, marker_size: float = 12.0) -> tuple[Figure, Axes]:
    """Colour a world map by one value per point (revisits, coverage, ...) with a colour bar.

    Accepted layouts: ``lat_deg`` (m,) and ``lon_deg`` (n,) with ``values`` (m, n), or three equal
    (m, n) arrays from a meshgrid, are drawn as grid cells centred on the points; any other equal
    shapes are drawn as coloured dots (``marker_size`` in points^2). Longitudes may be in any
    range (wrapped to -180..180). NaN values are left uncoloured. ``unit_label`` (required) labels
    the colour bar, e.g. "revisits per day". Returns (figure, axes). Raises InvalidInputError for
    shapes that do not match, bad coordinates or an empty unit label.
    """
    if not isinstance(unit_label, str) or not unit_label.strip():
        raise InvalidInputError(f"expected a unit label for the colour bar, such as 'revisits per day', got "
                                f"{unit_label!r}", field="unit_label")
    lat = np.asarray(lat_deg, dtype=float)
    lon = np.asarray(lon_deg, dtype=float)
    data = np.asarray(values, dtype=float)
    grid = _regular_grid(lat, lon, data)
    if grid is None and not (lat.shape == lon.shape == data.shape):
        raise InvalidInputError(f"expected values of shape (len(lat), len(lon)) or lat, lon and values of one "
                                f"shape, got lat {lat.shape}, lon {lon.shape}, values {data.shape}",
                                field="values")
    figure, ax = world_axes(ax, title=title) if ax is None else (ax.figure, ax)
    if title and ax.get_title(loc="left") != title:
        ax.set_title(title, fontsize=11, loc="left")
    if grid is not None:
        grid_lat, grid_lon, grid_values = grid
        grid_lat, _ = _lat_lon(grid_lat, np.zeros_like(grid_lat))
        if not np.all(np.isfinite(grid_lat)) or not np.all(np.isfinite(grid_lon)):
            raise InvalidInputError("expected finite grid latitudes and longitudes in deg", field="lat_deg")
        # pcolormesh needs monotonic coordinates: sort both axes after wrapping the longitudes.
        lat_order = np.argsort(grid_lat, kind="stable")
        wrapped = _wrap_longitude_deg(grid_lon)
        lon_order = np.argsort(wrapped, kind="stable")
        grid_lat, wrapped = grid_lat[lat_order], wrapped[lon_order]
        grid_values = grid_values[np.ix_(lat_order, lon_order)]
        step = np.diff(wrapped)
        if wrapped.size > 2 and np.allclose(step, step[0]) and np.isclose(360.0 - (wrapped[-1] - wrapped[0]),
                                                                           step[0]):
            # A grid round the whole globe: repeat the first column 360 deg on, so the cells
            # close the strip at the antimeridian.
            wrapped = np.r_[wrapped, wrapped[0] + 360.0]
            grid_values = np.c_[grid_values, grid_values[:, :1]]
        mappable = ax.pcolormesh(wrapped, grid_lat, np.ma.masked_invalid(grid_values), shading="nearest",
                                 cmap=cmap, vmin=vmin, vmax=vmax, zorder=_Z_MESH)
    else:
        point_lat, point_lon = _lat_lon(lat, lon)
        mappable = ax.scatter(_wrap_longitude_deg(point_lon.ravel()), point_lat.ravel(), c=data.ravel(),
                              s=marker_size, cmap=cmap, vmin=vmin, vmax=vmax, edgecolors="none",
                              plotnonfinite=False, zorder=_Z_POINTS - 0.5)
    bar = figure.colorbar(mappable, ax=ax, shrink=0.72, pad=0.015, aspect=30)
    bar.set_label(unit_label, fontsize=9)
    bar.ax.tick_params(labelsize=8)
    return figure, ax
