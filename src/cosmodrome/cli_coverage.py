"""The `cosmodrome coverage` command: coverage of the globe, a latitude band or GeoJSON polygons.

``add_coverage_command(subparsers)`` registers it on the main parser's subparsers
(``cli.build_parser``). The command builds the satellites (a Walker pattern from its i:t/p/f
notation and an altitude, or TLE/OMM records), the area and its equal-area grid, and the access
definition (an elevation mask, or a sensor: off-nadir limit, nadir cone or swath; optionally the
Sun above an elevation at the point), calls ``observe.coverage.compute_coverage`` and writes, in
``--out DIR``:

- ``points.csv``: one row per grid point, its position, cell area and every figure of merit
  (docs/coverage-metrics.md), times in seconds; ``points.parquet`` too when pyarrow is installed
  (a note on stderr says when it is not);
- ``grid.geojson``: the grid cells with the main figures as properties (RFC 7946);
- ``revisit_map.png``: the mean revisit time (mean interior gap) on a world map;
- ``coverage_over_time.png`` and ``coverage_over_time.csv``: the share of the area in access;
- ``summary.json``: the request and the area-weighted summaries of every figure.

Humans type km, days and degrees here; they are converted to SI once, on entry. The library
checks everything else (grid resolution, GeoJSON polygons, the Walker pattern) and raises
``InvalidInputError``, which ``cli.run`` turns into one ``Error:`` line and exit code 2.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

import numpy as np

from .cli_args import utc_option
from .errors import InvalidInputError

SECONDS_PER_DAY = 86400.0
_GEOJSON_COLUMNS = ("access_count", "accesses_per_day", "covered_fraction", "time_to_first_access_s", "mean_gap_s",
                    "max_gap_s", "mean_response_time_s")


def add_coverage_command(subparsers) -> argparse.ArgumentParser:
    """Register ``cosmodrome coverage`` on the main parser's subparsers."""
    p = subparsers.add_parser(
        "coverage", help="coverage and revisit of an area by a satellite or a constellation",
        description="Access of every point of an equal-area grid to the satellites, and the coverage figures "
                    "(revisit gaps, response time, share of time covered, accesses per day) for each point and "
                    "for the area. Definitions: docs/coverage-metrics.md; method and accuracy: docs/coverage.md.")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--walker", metavar="I:T/P/F", help="Walker pattern, e.g. 53:24/3/1 (with --altitude-km)")
    source.add_argument("--tle", metavar="FILE", help="TLE or 3LE file")
    source.add_argument("--omm", metavar="FILE", help="OMM file (JSON, CSV, XML or KVN)")
    p.add_argument("--altitude-km", type=float, metavar="H", help="Walker: circular altitude above 6378.137 km")
    p.add_argument("--pattern", choices=["delta", "star"], default="delta",
                   help="Walker: planes over 360 deg (delta, default) or 180 deg (star)")
    p.add_argument("--epoch", metavar="ISO", help="Walker: epoch of the elements, UTC (default: --start)")
    area = p.add_mutually_exclusive_group(required=True)
    area.add_argument("--global", dest="globe", action="store_true", help="the whole Earth")
    area.add_argument("--lat-band", nargs=2, type=float, metavar=("MIN", "MAX"), help="latitudes MIN to MAX deg")
    area.add_argument("--area", metavar="FILE", help="GeoJSON file of polygons")
    p.add_argument("--resolution-deg", type=float, required=True, metavar="R",
                   help="grid resolution (deg, 0.1 to 90; 1 deg: 41,254 points over the globe)")
    p.add_argument("--start", required=True, metavar="ISO", help="start of the window, UTC (e.g. 2026-05-01T00:00:00Z)")
    p.add_argument("--days", required=True, type=float, metavar="N", help="length of the window in days")
    access = p.add_mutually_exclusive_group(required=True)
    access.add_argument("--min-elevation-deg", type=float, metavar="E", help="access above this elevation")
    access.add_argument("--off-nadir-max-deg", type=float, metavar="X",
                        help="pointable sensor: largest off-nadir angle")
    access.add_argument("--half-angle-deg", type=float, metavar="A", help="nadir sensor: half-angle of its cone")
    access.add_argument("--swath-km", type=float, metavar="W", help="nadir sensor: swath width on the ground")
    p.add_argument("--min-sun-elevation-deg", type=float, metavar="S",
                   help="only with the Sun at least this high at the point (default: no condition)")
    p.add_argument("--time-resolution-s", type=float, default=1.0, metavar="DT",
                   help="access edges to within this time (default 1 s)")
    p.add_argument("--time-step-s", type=float, default=60.0, metavar="DT",
                   help="spacing of the coverage-over-time samples (default 60 s)")
    p.add_argument("--out", required=True, metavar="DIR", help="output folder (created if missing)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=run_coverage)
    return p


# --- building the request ------------------------------------------------------------------------

def _positive(value, option: str, unit: str) -> float:
    if not math.isfinite(value) or value <= 0.0:
        raise InvalidInputError(f"expected a positive number of {unit}, got {value:g}", source=option)
    return float(value)


def _satellites(args, start):
    if args.walker is not None:
        from .orbits.constellation import WalkerPattern, WalkerSpec, constellation_propagator, walker_elements
        if args.altitude_km is None:
            raise InvalidInputError("a Walker pattern needs --altitude-km", source="--altitude-km")
        spec = WalkerSpec.from_notation(args.walker, WalkerPattern(args.pattern))
        epoch = start if args.epoch is None else utc_option(args.epoch, "--epoch")
        elements = walker_elements(spec, args.altitude_km * 1e3, epoch)
        return constellation_propagator(elements), f"Walker {args.pattern} {spec.notation} at {args.altitude_km:g} km"
    for option, value in (("--altitude-km", args.altitude_km), ("--epoch", args.epoch)):
        if value is not None:
            raise InvalidInputError("only for a Walker pattern (--walker)", source=option)
    from .orbits.sgp4_source import Sgp4Propagator
    from .io.element_sets import read_element_sets
    records, source = read_element_sets(args.tle, args.omm)
    return Sgp4Propagator(records), f"{len(records)} element set(s) from {Path(source).name}"


def _area(args):
    from .observe.areas import Area
    if args.globe:
        return Area.globe()
    if args.lat_band is not None:
        return Area.latitude_band(*args.lat_band)
    from .io.geojson_areas import read_area_geojson
    return read_area_geojson(args.area)


def _access_spec(args):
    from .observe.access import AccessSpec
    from .observe.sensors import Sensor
    sensor = None
    if args.off_nadir_max_deg is not None:
        sensor = Sensor(off_nadir_max_deg=args.off_nadir_max_deg, min_sun_elevation_deg=args.min_sun_elevation_deg)
    elif args.half_angle_deg is not None:
        sensor = Sensor(nadir_cone_half_angle_deg=args.half_angle_deg, min_sun_elevation_deg=args.min_sun_elevation_deg)
    elif args.swath_km is not None:
        sensor = Sensor(swath_width_m=_positive(args.swath_km, "--swath-km", "km") * 1e3,
                        min_sun_elevation_deg=args.min_sun_elevation_deg)
    if sensor is not None:
        return AccessSpec.for_sensor(sensor, time_resolution_s=args.time_resolution_s)
    return AccessSpec.elevation_mask(args.min_elevation_deg, min_sun_elevation_deg=args.min_sun_elevation_deg,
                                     time_resolution_s=args.time_resolution_s)


# --- writing -------------------------------------------------------------------------------------

def _write_bytes(path: Path, data: bytes) -> None:
    try:
        path.write_bytes(data)
    except OSError as error:
        raise InvalidInputError(f"cannot write: {error.strerror or error}", source=str(path)) from None


def _coverage_over_time_png(result, title: str) -> bytes:
    # A plain time plot: matplotlib Figure with an Agg canvas (no pyplot), as report.plots draws.
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from .report.plots import png_bytes
    figure = Figure(figsize=(10.0, 4.0), dpi=110, layout="constrained")
    FigureCanvasAgg(figure)
    ax = figure.add_subplot()
    hours = result.times_s / 3600.0
    ax.plot(hours, 100.0 * result.covered_area_fraction, color="#1f77b4", linewidth=1.2)
    mean = 100.0 * result.mean_covered_area_fraction()
    ax.axhline(mean, color="#d62728", linewidth=0.9, linestyle="--", label=f"time average {mean:.1f} %")
    ax.set_xlim(hours[0], hours[-1])
    top = float(np.max(result.covered_area_fraction)) * 100.0
    ax.set_ylim(0.0, min(100.0, max(5.0, 5.0 * math.ceil(1.1 * top / 5.0))))
    ax.set_xlabel(f"hours from {result.start.utc_iso(0)} (UTC)")
    ax.set_ylabel("area in access (%)")
    ax.set_title(title, fontsize=11, loc="left")
    ax.grid(True, color="#d0d0d0", linewidth=0.5)
    ax.legend(loc="lower right", fontsize=8)
    return png_bytes(figure)


def _revisit_map_png(result, title: str) -> bytes:
    from .report.maps import plot_grid_values
    from .report.plots import png_bytes
    mean_gap_min = result.figures.mean_gap_s / 60.0
    figure, _ = plot_grid_values(result.grid.latitude_deg, result.grid.longitude_deg, mean_gap_min,
                                 unit_label="mean revisit time (min)", title=title,
                                 marker_size=min(60.0, 4.0 * result.grid.resolution_deg ** 2))
    return png_bytes(figure)


def _statistic(stat) -> dict:
    def number(x):
        return None if not math.isfinite(x) else x
    return {"mean": number(stat.mean), "minimum": number(stat.minimum), "maximum": number(stat.maximum),
            "percentiles": {f"{p:g}": number(v) for p, v in stat.percentiles},
            "defined_area_fraction": stat.defined_area_fraction}


def _write_outputs(result, out: Path, description: str, args) -> list[Path]:
    from .io.geojson_areas import GridGeometry, write_grid_geojson
    written = []
    table = result.point_table()
    path = out / "points.csv"
    try:
        table.to_csv(path, index=False, float_format="%.6f")
    except OSError as error:
        raise InvalidInputError(f"cannot write: {error.strerror or error}", source=str(path)) from None
    written.append(path)
    from importlib.util import find_spec
    if find_spec("pyarrow") is None:
        print("Note: pyarrow is not installed, so points.parquet was not written (points.csv holds the same table)",
              file=sys.stderr)
    else:
        path = out / "points.parquet"
        table.to_parquet(path, index=False)
        written.append(path)
    columns = result.figures.columns()
    path = out / "grid.geojson"
    try:
        write_grid_geojson(path, result.grid, {k: columns[k] for k in _GEOJSON_COLUMNS}, geometry=GridGeometry.CELLS)
    except OSError as error:
        raise InvalidInputError(f"cannot write: {error.strerror or error}", source=str(path)) from None
    written.append(path)
    path = out / "coverage_over_time.csv"
    curve = np.column_stack([result.times_s, result.covered_area_fraction])
    try:
        np.savetxt(path, curve, delimiter=",", header="time_s,covered_area_fraction", comments="", fmt="%.6f")
    except OSError as error:
        raise InvalidInputError(f"cannot write: {error.strerror or error}", source=str(path)) from None
    written.append(path)
    title = f"{description}: {result.grid.area.name}"
    for name, data in (("revisit_map.png", _revisit_map_png(result, title)),
                       ("coverage_over_time.png", _coverage_over_time_png(result, title))):
        _write_bytes(out / name, data)
        written.append(out / name)
    summary = {
        "satellites": description, "satellite_ids": [int(x) for x in result.satellite_ids],
        "area": result.grid.area.name, "resolution_deg": result.grid.resolution_deg, "grid_points": result.grid.size,
        "earth_model": result.grid.earth_model, "start_utc": result.start.utc_iso(3),
        "duration_s": result.duration_s, "access": result.spec.describe(),
        "time_resolution_s": result.access.time_resolution_s, "screening_step_s": result.access.screening_step_s,
        "mean_covered_area_fraction": result.mean_covered_area_fraction(),
        "failures": [{"satellite": s, "first_failure_s": t, "status": status.description}
                     for s, t, status in result.access.failures],
        "area_weighted": {name: _statistic(stat) for name, stat in result.summary.items()},
    }
    path = out / "summary.json"
    _write_bytes(path, (json.dumps(summary, indent=1) + "\n").encode("utf-8"))
    written.append(path)
    return written


# --- the command ------------------------------------------------------------------------------------

def run_coverage(args) -> int:
    from .observe.areas import equal_area_grid
    from .observe.coverage import compute_coverage
    start = utc_option(args.start, "--start")
    duration_s = _positive(args.days, "--days", "days") * SECONDS_PER_DAY
    _positive(args.time_step_s, "--time-step-s", "seconds")
    spec = _access_spec(args)
    grid = equal_area_grid(_area(args), args.resolution_deg)
    propagator, description = _satellites(args, start)
    out = Path(args.out)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InvalidInputError(f"cannot create the output folder: {error.strerror or error}",
                                source=args.out) from None

    from tqdm import tqdm
    with tqdm(total=100, desc="coverage", unit="%", file=sys.stderr, disable=args.quiet, delay=0.5,
              bar_format="{l_bar}{bar}| {elapsed}<{remaining}") as bar:
        def progress(fraction):
            bar.update(max(0, int(round(100 * fraction)) - bar.n))

        result = compute_coverage(propagator, grid, start, duration_s, spec, time_step_s=args.time_step_s,
                                  progress=progress)
    written = _write_outputs(result, out, description, args)
    revisit = result.summary["mean_gap_s"]
    per_day = result.summary["accesses_per_day"]
    print(f"{description}; {grid.size:,} grid points ({grid.resolution_deg:g} deg) over {grid.area.name}; "
          f"{args.days:g} day(s) from {start.utc_iso(0)}; {spec.describe()}")
    print(f"  area in access on average {100.0 * result.mean_covered_area_fraction():.1f} %; accesses per day "
          f"(area-weighted mean) {per_day.mean:.2f}; mean revisit {revisit.mean / 60.0:.1f} min over "
          f"{100.0 * revisit.defined_area_fraction:.0f} % of the area")
    for satellite, t, status in result.access.failures:
        print(f"  satellite {satellite}: propagation failed from {t:.0f} s ({status.description}); "
              "no access counted after that")
    print(f"  wrote {', '.join(str(p) for p in written)}")
    return 0
