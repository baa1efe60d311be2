"""The orbit commands of `cosmodrome`: `propagate` (catalogues to CSV, OEM or JSON) and `tle-fit`.

``add_propagate_command(subparsers)`` and ``add_tle_fit_command(subparsers)`` add them to the
parser of ``cosmodrome.cli`` (which maps errors to exit codes and prints warnings). Each command
reads its files through ``cosmodrome.io``, calls one service and writes the result; the checks are
the library's own. Data goes to stdout (or ``--out``); progress bars and messages to stderr.

    cosmodrome propagate (--tle FILE | --omm FILE | --mission FILE) [--start ISO] [--days N]
        [--step-s S] --frame itrs|gcrs|teme|geodetic --format csv|oem|json [--out FILE]
        [--workers N] [--quiet]
    cosmodrome tle-fit (--oem FILE | --mission FILE) [--days N] [--out FILE]
        [--catalogue-number N] [--name TEXT]
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
from pathlib import Path

import numpy as np

from .errors import InvalidInputError

FORMATS = ("csv", "oem", "json")
_COSPAR = re.compile(r"\d{4}-\d{3}[A-Z]{1,3}", re.ASCII)
_TLE_MAX_CATALOGUE_NUMBER = 339999  # Alpha-5 Z9999
_FIT_STEP_S = 60.0  # sampling of a mission's numerical ephemeris for the fit


def _available_cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _finite():
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
        if not math.isfinite(value):
            raise argparse.ArgumentTypeError(f"expected a finite number, got {text!r}")
        return value
    return parse


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a whole number >= 1, got {value}")
    return value


# --- propagate ------------------------------------------------------------------------------------

def add_propagate_command(subparsers) -> argparse.ArgumentParser:
    """Add ``cosmodrome propagate`` to the sub-command set of the main parser."""
    p = subparsers.add_parser(
        "propagate", help="states of a TLE/OMM catalogue or a mission's satellite on a time grid",
        description="Propagate every satellite of a TLE or OMM file (SGP4) or a mission's insertion state "
                    "(numerical) over a uniform grid of SI seconds and write CSV, CCSDS OEM or JSON.")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--tle", metavar="FILE", help="TLE or 3LE file")
    source.add_argument("--omm", metavar="FILE", help="OMM file (JSON, CSV, XML or KVN)")
    source.add_argument("--mission", metavar="FILE", help="mission file: its ascent is flown, then the orbit")
    p.add_argument("--start", metavar="ISO", help="first time, UTC ISO 8601 such as 2026-05-01T00:00:00Z "
                   "(required with --tle/--omm; with --mission the default is the insertion epoch)")
    p.add_argument("--days", type=_finite(), default=1.0, help="span in days (default 1)")
    p.add_argument("--step-s", type=_finite(), default=60.0, help="step in SI seconds (default 60)")
    # The values of orbits.service.OutputFrame, written out so that building the parser does not
    # import the propagators (scipy, numba): every command would pay for it.
    p.add_argument("--frame", required=True, choices=["itrs", "gcrs", "teme", "geodetic"])
    p.add_argument("--format", required=True, choices=FORMATS)
    p.add_argument("--out", metavar="FILE", help="output file (default: standard output)")
    p.add_argument("--workers", type=_positive_int, default=None,
                   help=f"processes for SGP4 (default: the CPUs available, {_available_cpus()} here)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_propagate)
    return p


def _start_time(text: str):
    from .cli_args import utc_option
    return utc_option(text, "--start")


def _read_elements(args):
    from .io.element_sets import read_element_sets
    return read_element_sets(args.tle, args.omm)


def _fly(path: str):
    """The mission's ascent flown (its orbit analysis, passes and eclipses are the report's: not run)."""
    from .io.mission import load_mission
    from .mission import run_mission
    return run_mission(load_mission(path), analyse=False)


def _cmd_propagate(args) -> int:
    from tqdm import tqdm

    from .io.ephemeris_csv import write_ephemeris_csv, write_ephemeris_json, write_ephemeris_oem
    from .orbits.service import propagate_catalogue
    from .time import Time

    if args.days < 0:
        raise InvalidInputError(f"expected a span of zero days or more, got {args.days:g}", source="--days")
    if not args.step_s > 0:
        raise InvalidInputError(f"expected a positive step in seconds, got {args.step_s:g}", source="--step-s")
    if args.frame == "geodetic" and args.format == "oem":
        raise InvalidInputError("an OEM holds Cartesian states: use --frame teme, gcrs or itrs with --format oem, "
                                "or --format csv or json for geodetic coordinates", source="--format")
    start = None if args.start is None else _start_time(args.start)
    if args.mission is not None:
        source = _fly(args.mission)
        if start is None:
            start = Time.from_datetime(source.insertion.epoch_utc)
        n_sat = 1
    else:
        if start is None:
            raise InvalidInputError("give the first time with --start (UTC ISO 8601, e.g. 2026-05-01T00:00:00Z)",
                                    source="--start")
        source, path = _read_elements(args)
        n_sat = len(source)
    workers = args.workers or _available_cpus()
    with tqdm(total=n_sat, desc="propagate", unit="sat", file=sys.stderr, disable=args.quiet, delay=1.0,
              leave=False) as bar:
        result = propagate_catalogue(source, start, args.days * 86400.0, args.step_s, args.frame,
                                     workers=workers, progress=bar.update)
    writer = {"csv": write_ephemeris_csv, "json": write_ephemeris_json, "oem": write_ephemeris_oem}[args.format]
    target = Path(args.out) if args.out else sys.stdout
    with tqdm(total=n_sat, desc=f"write {args.format}", unit="sat", file=sys.stderr, disable=args.quiet,
              delay=1.0, leave=False) as bar:
        try:
            writer(result, target, progress=bar.update)
        except BrokenPipeError:
            if args.out:
                raise
            # The reader closed the pipe (`cosmodrome propagate ... | head`): stop, as command-line
            # tools do; stdout goes to /dev/null so that the interpreter's final flush stays quiet.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    if args.out:
        satellites = "1 satellite" if result.n_satellites == 1 else f"{result.n_satellites:,} satellites"
        print(f"Wrote {result.n_satellites * result.n_times:,} states ({satellites} x {result.n_times:,} times, "
              f"{result.frame.name}) to {args.out}")
    return 0


# --- tle-fit ----------------------------------------------------------------------------------------

def add_tle_fit_command(subparsers) -> argparse.ArgumentParser:
    """Add ``cosmodrome tle-fit`` to the sub-command set of the main parser."""
    p = subparsers.add_parser(
        "tle-fit", help="fit a TLE (SGP4 mean elements) to an OEM or a mission's orbit",
        description="Fit SGP4 mean elements by least squares to the first N days of an ephemeris and print "
                    "the TLE (OMM when the catalogue number is beyond the TLE's Alpha-5 range) with the "
                    "residuals over the fit span and over the day after it.")
    source = p.add_mutually_exclusive_group(required=True)
    source.add_argument("--oem", metavar="FILE", help="CCSDS OEM (KVN); its first object is fitted")
    source.add_argument("--mission", metavar="FILE", help="mission file: ascent, then a numerical orbit")
    p.add_argument("--days", type=_finite(), default=1.0, help="fit span in days (default 1)")
    p.add_argument("--out", metavar="FILE", help="write the element set here (default: standard output)")
    p.add_argument("--catalogue-number", type=int, default=None,
                   help="catalogue number of the element set (default 99999, the placeholder for a new object)")
    p.add_argument("--name", help="object name (default: the OEM's OBJECT_NAME or the mission's name)")
    p.set_defaults(func=_cmd_tle_fit)
    return p


def _oem_object(path: str):
    """(times, TEME position m, TEME velocity m/s, name, object id) of the first object of an OEM.

    Every segment of that object (same OBJECT_ID) is used, each converted from its own REF_FRAME;
    epochs that repeat at segment joins are kept once.
    """
    from .frames import Frame, eme2000_to_gcrs, gcrs_to_teme, itrs_to_teme
    from .io.ccsds import read_oem
    from .time import Time
    oem = read_oem(path)
    first = oem.segments[0]
    times, positions, velocities = [], [], []
    for segment in oem.segments:
        if segment.object_id != first.object_id:
            continue
        if segment.center_name.upper() != "EARTH":
            raise InvalidInputError(f"expected CENTER_NAME = EARTH, got {segment.center_name}", source=path,
                                    field="CENTER_NAME")
        frame = segment.frame
        r, v = segment.position_m, segment.velocity_m_s
        if frame is Frame.EME2000:
            r, v = eme2000_to_gcrs(r, v)
            frame = Frame.GCRS
        if frame is Frame.GCRS:
            r, v = gcrs_to_teme(segment.times, r, v)
        elif frame is Frame.ITRS:
            r, v = itrs_to_teme(segment.times, r, v)
        elif frame is not Frame.TEME:
            raise InvalidInputError(f"REF_FRAME {segment.ref_frame} is not supported (expected GCRF, EME2000, "
                                    "TEME or ITRF)", source=path, field="REF_FRAME")
        times.append(segment.times)
        positions.append(r)
        velocities.append(v)
    times = Time.concatenate(times)
    order = np.argsort(times - times[0], kind="stable")
    times = times[order]
    keep = np.concatenate([[True], np.asarray(times[1:] - times[:-1]) > 1e-6])
    return (times[keep], np.concatenate(positions)[order][keep], np.concatenate(velocities)[order][keep],
            first.object_name, first.object_id)


def _cmd_tle_fit(args) -> int:
    from .frames import Frame
    from .io.omm import format_omm_kvn
    from .io.tle import format_tle_text
    from .orbits.service import propagate_catalogue
    from .orbits.tle_fit import fit_tle
    from .time import Time

    if not args.days > 0:
        raise InvalidInputError(f"expected a fit span of more than zero days, got {args.days:g}", source="--days")
    number = 99999 if args.catalogue_number is None else args.catalogue_number
    if not 0 <= number <= 999_999_999:
        raise InvalidInputError(f"expected 0 to 999999999, got {number}", source="--catalogue-number")
    span_s = args.days * 86400.0
    if args.oem is not None:
        times, r, v, name, object_id = _oem_object(args.oem)
        source = args.oem
    else:
        result = _fly(args.mission)
        start = Time.from_datetime(result.insertion.epoch_utc)
        from .orbits.service import OutputFrame
        run = propagate_catalogue(result, start, span_s + 86400.0, _FIT_STEP_S, OutputFrame.TEME)
        ok = np.flatnonzero(run.status[0] == 0)
        times, r, v = run.times[ok], run.position_m[0, ok], run.velocity_m_s[0, ok]
        name, object_id = run.satellites[0].name, ""
        source = args.mission
    elapsed = np.asarray(times - times[0], dtype=float)
    fit_rows = elapsed <= span_s + 1e-6
    check_rows = (elapsed > span_s + 1e-6) & (elapsed <= span_s + 86400.0 + 1e-6)
    if np.count_nonzero(fit_rows) < 4:
        raise InvalidInputError(f"the first {args.days:g} days hold {np.count_nonzero(fit_rows)} states; a fit "
                                "needs at least 4", source=source)
    check = {}
    if np.count_nonzero(check_rows):
        check = {"check_times": times[check_rows], "check_position_m": r[check_rows],
                 "check_velocity_m_s": v[check_rows]}
    designator = object_id if _COSPAR.fullmatch(object_id or "") else ""
    fit = fit_tle(times[fit_rows], r[fit_rows], v[fit_rows], Frame.TEME, catalogue_number=number,
                  name=args.name or name, international_designator=designator, **check)
    as_tle = number <= _TLE_MAX_CATALOGUE_NUMBER
    text = format_tle_text([fit.elements]) if as_tle else format_omm_kvn([fit.elements])
    # What a reader of the printed text propagates: the TLE rounds its fields, the OMM does not.
    fit_span = fit.printed_fit_span if as_tle else fit.fit_span
    beyond = fit.printed_beyond_span if as_tle else fit.beyond_span
    first, last = times[fit_rows][0], times[fit_rows][-1]
    report = [f"Fit span {first.utc_iso(0)} to {last.utc_iso(0)} ({fit_span.count} states): "
              f"RMS {_distance(fit_span.rms_m)}, maximum {_distance(fit_span.max_m)}"]
    if beyond is not None:
        check_times = check["check_times"]
        report.append(f"One day beyond, {check_times[0].utc_iso(0)} to {check_times[-1].utc_iso(0)} "
                      f"({beyond.count} states): RMS {_distance(beyond.rms_m)}, maximum {_distance(beyond.max_m)}")
    else:
        report.append(f"One day beyond: no states after {last.utc_iso(0)} in {source} to check against")
    kind = "TLE (as printed)" if as_tle else "OMM (catalogue number beyond the TLE's range)"
    report.append(f"Residuals of the {kind} against {source}, SGP4 vs the ephemeris, positions")
    if args.out:
        try:
            Path(args.out).write_text(text, encoding="ascii", newline="\n")
        except OSError as error:
            raise InvalidInputError(f"cannot write the file: {error.strerror or error}", source=args.out) from None
        print("\n".join(report + [f"Wrote the {'TLE' if as_tle else 'OMM'} to {args.out}"]))
    else:
        print(text + "\n" + "\n".join(report))
    return 0


def _distance(metres: float) -> str:
    return f"{metres:.1f} m" if metres < 10_000 else f"{metres / 1e3:.2f} km"
