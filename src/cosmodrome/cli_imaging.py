"""The `cosmodrome opportunities` and `cosmodrome eclipses` commands.

``add_opportunities_command(subparsers)`` and ``add_eclipses_command(subparsers)`` register them on
the main parser's subparsers (``cli.build_parser``); each command reads TLE or OMM records and ground
sites, calls one service of ``cosmodrome.observe`` and prints a table, a JSON list (``--json``) or
writes a CSV file (``--csv FILE``). Humans type days, kilometres, micrometres and millimetres here;
they are converted to SI once, on entry. Errors are ``CosmodromeError`` subclasses raised by the
library (invalid input: exit code 2), which the main ``cli.run`` turns into one ``Error:`` line.

JSON: a list with one object per row; times are ISO 8601 UTC ending in Z, ``satellite`` is the
catalogue number as an integer, numbers that do not exist (no umbra, no optics) are null.
"""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from .cli_args import utc_option
from .errors import InvalidInputError

SECONDS_PER_DAY = 86400.0


def _add_satellite_source(p: argparse.ArgumentParser) -> None:
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--tle", metavar="FILE", help="TLE or 3LE file")
    source.add_argument("--omm", metavar="FILE", help="OMM file (JSON, CSV, XML or KVN)")


def _add_window(p: argparse.ArgumentParser) -> None:
    p.add_argument("--start", required=True, metavar="ISO", help="start of the window, UTC (e.g. 2026-05-01T00:00:00Z)")
    p.add_argument("--days", required=True, type=float, metavar="N", help="length of the window in days")


def _add_output(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print a JSON list instead of a table")
    p.add_argument("--csv", metavar="FILE", help="also write the table to this CSV file")


def _records(args):
    from .io.element_sets import read_element_sets
    return read_element_sets(args.tle, args.omm)[0]


def _window(args):
    start = utc_option(args.start, "--start")
    days = args.days
    if not math.isfinite(days) or days <= 0.0:
        raise InvalidInputError(f"expected a positive number of days, got {days:g}", source="--days")
    return start, days * SECONDS_PER_DAY


def _positive_or_none(value, option: str):
    if value is None:
        return None
    if not math.isfinite(value) or value <= 0.0:
        raise InvalidInputError(f"expected a positive number, got {value:g}", source=option)
    return value


def _sites(args):
    from .io.ground_sites import read_ground_sites
    from .observe.ground import parse_site_spec
    sites = [parse_site_spec(text, source="--site") for text in (args.site or [])]
    for path in args.sites_file or []:
        sites += read_ground_sites(path)
    if not sites:
        raise InvalidInputError("give at least one target with --site SPEC or --sites-file FILE", source="--site")
    names = [s.name for s in sites]
    duplicated = sorted({n for n in names if names.count(n) > 1})
    if duplicated:
        raise InvalidInputError(f"two targets share the name {duplicated[0]!r}; name them with 'name=lat,lon'",
                                source="--site")
    return sites


def _emit(frame, args, empty_message: str) -> int:
    if args.csv:
        try:
            frame.to_csv(Path(args.csv), index=False, float_format="%.6f")
        except OSError as error:
            raise InvalidInputError(f"cannot write the CSV file: {error.strerror or error}", source=args.csv) from None
    if args.json:
        # 10 decimals: the TAI MJD columns keep ~10 microseconds.
        print(frame.to_json(orient="records", indent=1, double_precision=10))
    elif frame.empty:
        print(empty_message)
    else:
        shown = [c for c in frame.columns if not c.endswith("_tai_mjd")
                 and c not in ("starts_before_window", "ends_after_window")]
        print(frame[shown].to_string(index=False, float_format=lambda x: f"{x:.3f}", na_rep="-"))
    return 0


# --- opportunities ----------------------------------------------------------------------------------

def add_opportunities_command(subparsers) -> argparse.ArgumentParser:
    """Register ``cosmodrome opportunities`` on the main parser's subparsers."""
    p = subparsers.add_parser(
        "opportunities", help="imaging opportunities of ground targets by satellites",
        description="When each satellite can image each target: the target within the sensor's field of view, "
                    "above the minimum elevation, and (optical) the Sun high enough at the target.")
    _add_satellite_source(p)
    p.add_argument("--site", action="append", metavar="SPEC",
                   help="target: 'lat,lon[,alt_m]', 'name=lat,lon[,alt_m]' or a spaceport id (repeat for more)")
    p.add_argument("--sites-file", action="append", metavar="FILE", help="CSV or GeoJSON file of targets")
    _add_window(p)
    fov = p.add_mutually_exclusive_group(required=True)
    fov.add_argument("--off-nadir-max-deg", type=float, metavar="X",
                     help="largest off-nadir angle of a pointable sensor")
    fov.add_argument("--nadir-cone-deg", type=float, metavar="X", help="half-angle of a sensor fixed at nadir")
    fov.add_argument("--swath-km", type=float, metavar="W", help="swath width on the ground of a nadir sensor")
    p.add_argument("--min-sun-elevation-deg", type=float, metavar="S",
                   help="optical: the Sun at least this high at the target (default: no condition)")
    p.add_argument("--min-elevation-deg", type=float, default=0.0, metavar="E",
                   help="the satellite at least this high in the target's sky (default 0)")
    p.add_argument("--pixel-pitch-um", type=float, metavar="P",
                   help="detector pixel pitch (with --focal-length-mm: ground sample distance)")
    p.add_argument("--focal-length-mm", type=float, metavar="F", help="focal length of the optics")
    p.add_argument("--min-duration-s", type=float, default=10.0, metavar="D",
                   help="opportunities at least this long are never missed (default 10)")
    _add_output(p)
    p.set_defaults(func=run_opportunities)
    return p


def run_opportunities(args) -> int:
    from .observe.opportunities import find_imaging_opportunities
    from .observe.sensors import Sensor
    records = _records(args)
    sites = _sites(args)
    start, duration_s = _window(args)
    pitch_um = _positive_or_none(args.pixel_pitch_um, "--pixel-pitch-um")
    focal_mm = _positive_or_none(args.focal_length_mm, "--focal-length-mm")
    if (pitch_um is None) != (focal_mm is None):
        raise InvalidInputError("give both --pixel-pitch-um and --focal-length-mm, or neither",
                                source="--pixel-pitch-um" if pitch_um is None else "--focal-length-mm")
    swath_m = None if args.swath_km is None else args.swath_km * 1e3
    sensor = Sensor(off_nadir_max_deg=args.off_nadir_max_deg, nadir_cone_half_angle_deg=args.nadir_cone_deg,
                    swath_width_m=swath_m, min_target_elevation_deg=args.min_elevation_deg,
                    min_sun_elevation_deg=args.min_sun_elevation_deg,
                    pixel_pitch_m=None if pitch_um is None else pitch_um * 1e-6,
                    focal_length_m=None if focal_mm is None else focal_mm * 1e-3)
    frame = find_imaging_opportunities(records, sites, start, duration_s, sensor, min_duration_s=args.min_duration_s)
    if not sensor.has_optics:
        frame = frame.drop(columns=["gsd_m", "gsd_look_m", "gsd_perpendicular_m"])
    return _emit(frame, args, "No imaging opportunity in the window.")


# --- eclipses ---------------------------------------------------------------------------------------

def add_eclipses_command(subparsers) -> argparse.ArgumentParser:
    """Register ``cosmodrome eclipses`` on the main parser's subparsers."""
    p = subparsers.add_parser(
        "eclipses", help="eclipses of satellites by the Earth (umbra and penumbra)",
        description="Penumbra and umbra entry and exit of each satellite (conical shadow), or with --seasons the "
                    "share of each orbit in shadow and the beta angle.")
    _add_satellite_source(p)
    _add_window(p)
    p.add_argument("--earth-shape", choices=["oblate", "spherical"], default="oblate",
                   help="WGS-84 ellipsoid (default) or a sphere of the equatorial radius")
    p.add_argument("--seasons", action="store_true", help="one row per orbit: shadow fractions and beta angle")
    _add_output(p)
    p.set_defaults(func=run_eclipses)
    return p


def run_eclipses(args) -> int:
    from .observe.eclipses import EarthShape, eclipse_seasons, find_eclipses
    records = _records(args)
    start, duration_s = _window(args)
    shape = EarthShape(args.earth_shape)
    if args.seasons:
        frame = eclipse_seasons(records, start, duration_s, earth_shape=shape)
        return _emit(frame, args, "No whole orbit in the window.")
    frame = find_eclipses(records, start, duration_s, earth_shape=shape)
    return _emit(frame, args, "No eclipse in the window.")
