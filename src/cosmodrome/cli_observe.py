"""The ``cosmodrome passes`` command: parse arguments, call ``observe.find_passes``, print the passes.

    cosmodrome passes (--tle FILE | --omm FILE) --site SPEC [--site SPEC ...] [--sites-file FILE]
                      --start ISO --days N [--min-elevation-deg E] [--min-pass-duration-s S]
                      [--no-polar-motion] [--json] [--csv FILE]

``add_passes_command(subparsers)`` registers it on the ``cosmodrome`` parser (cli.py). Errors are
our CosmodromeError subclasses, which ``cli.run`` maps to exit codes (2 for bad input); the checks
are the library's own (GroundSite, the site-file readers, Time, find_passes), except that days are
turned into seconds here, once.
"""

from __future__ import annotations

import argparse
import json
import math

from .cli_args import utc_option
from .errors import InvalidInputError

_SUMMARY_COLUMNS = ("satellite", "site", "rise_utc", "culmination_utc", "set_utc", "max_elevation_deg",
                    "rise_azimuth_deg", "set_azimuth_deg", "partial")


def add_passes_command(subparsers) -> argparse.ArgumentParser:
    """Register ``passes`` on an argparse subparsers object; returns its parser."""
    p = subparsers.add_parser(
        "passes", help="rise, culmination and set of satellites over ground sites",
        description="Passes of every satellite of a TLE or OMM file over ground sites: elevation geometric from "
                    "the WGS-84 ellipsoid normal, azimuth clockwise from true north (docs/passes.md).")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--tle", metavar="FILE", help="TLE or 3LE file")
    source.add_argument("--omm", metavar="FILE", help="OMM file (JSON, CSV, XML or KVN)")
    p.add_argument("--site", action="append", default=[], metavar="SPEC",
                   help="'lat,lon[,alt_m]' (deg, m), 'name=lat,lon[,alt_m]', or a spaceport id; repeatable")
    p.add_argument("--sites-file", metavar="FILE", help="CSV or GeoJSON file of sites (docs/passes.md)")
    p.add_argument("--start", required=True, metavar="ISO", help="window start, UTC (e.g. 2024-03-01T00:00:00Z)")
    p.add_argument("--days", required=True, type=float, metavar="N", help="window length in days")
    p.add_argument("--min-elevation-deg", type=float, default=0.0, metavar="E",
                   help="elevation mask, raised site by site where a site's own mask is higher (default 0)")
    p.add_argument("--min-pass-duration-s", type=float, default=10.0, metavar="S",
                   help="no pass this long or longer is missed; shorter ones are not listed (default 10)")
    p.add_argument("--no-polar-motion", action="store_true", help="leave polar motion out (Skyfield's default)")
    p.add_argument("--json", action="store_true", help="print a JSON list, one object per pass")
    p.add_argument("--csv", metavar="FILE", help="also write every column to this CSV file")
    p.set_defaults(func=run_passes)
    return p


def _sites(args):
    from .io.ground_sites import read_ground_sites
    from .observe.ground import parse_site_spec

    sites = [parse_site_spec(text) for text in args.site]
    if args.sites_file:
        sites += read_ground_sites(args.sites_file)
    if not sites:
        raise InvalidInputError("give at least one --site (lat,lon[,alt_m] or a spaceport id) or a --sites-file",
                                field="site")
    return sites


def _records(args):
    from .io.element_sets import read_element_sets
    return read_element_sets(args.tle, args.omm)[0]


def _json_value(value):
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def run_passes(args) -> int:
    """The command's body: returns the exit code (0); raises CosmodromeError on bad input."""
    from .observe.passes import find_passes

    if not (math.isfinite(args.days) and args.days > 0.0):
        raise InvalidInputError(f"the search window must have a positive length, got {args.days:g} days",
                                field="--days")
    start = utc_option(args.start, "--start")
    sites = _sites(args)
    records = _records(args)
    table = find_passes(records, sites, start, args.days * 86400.0, min_elevation_deg=args.min_elevation_deg,
                        min_pass_duration_s=args.min_pass_duration_s, polar_motion=not args.no_polar_motion)
    if args.csv:
        table.to_csv(args.csv, index=False)
    if args.json:
        rows = [{key: _json_value(value) for key, value in row.items()} for row in table.to_dict(orient="records")]
        print(json.dumps(rows, indent=1))
        return 0
    print(f"{len(table)} passes of {len(records)} satellites over {len(sites)} sites, "
          f"{args.start} + {args.days:g} days, mask {args.min_elevation_deg:g} deg")
    print(f"{'satellite':>9}  {'site':<16} {'rise (UTC)':<24} {'culmination':<24} {'set':<24} "
          f"{'max el':>6} {'rise az':>7} {'set az':>7}")
    for row in table.itertuples(index=False):
        flag = "  partial" if row.partial else ""
        print(f"{row.satellite:>9}  {row.site[:16]:<16} {row.rise_utc:<24} {row.culmination_utc:<24} {row.set_utc:<24} "
              f"{row.max_elevation_deg:6.2f} {row.rise_azimuth_deg:7.2f} {row.set_azimuth_deg:7.2f}{flag}")
    return 0
