"""The `cosmodrome` command: parse arguments, call one service, print, map errors to exit codes.

Exit codes: 0 success, 2 invalid input, 3 a valid request that cannot be met, 1 internal error.
"""

from __future__ import annotations

import argparse
import json
import sys
import traceback
import warnings
from pathlib import Path

from .errors import CosmodromeError, InvalidInputError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str):  # argparse's own errors: exit 2 with our prefix
        self.print_usage(sys.stderr)
        print(f"Error: {message}", file=sys.stderr)
        raise SystemExit(2)


def _add_target(p: argparse.ArgumentParser) -> None:
    p.add_argument("--vehicle", required=True, help="catalogue id (cosmodrome vehicles) or a vehicle .toml file")
    p.add_argument("--site", required=True, help="spaceport id (cosmodrome sites)")
    p.add_argument("--altitude-km", type=float, required=True, help="circular altitude, or perigee with --apogee-km")
    p.add_argument("--apogee-km", type=float, help="apogee altitude (argument of perigee free)")
    plane = p.add_mutually_exclusive_group(required=True)
    plane.add_argument("--inclination-deg", type=float)
    plane.add_argument("--sso", action="store_true", help="sun-synchronous inclination for the altitude")
    p.add_argument("--allow-dogleg", action="store_true", help="fly the nearest reachable plane, then change plane")


def _target(args):
    from .ascent.target import TargetOrbit
    perigee = args.altitude_km * 1e3
    apogee = perigee if args.apogee_km is None else args.apogee_km * 1e3
    if args.sso:
        return TargetOrbit.sun_synchronous(perigee, apogee)
    return TargetOrbit(perigee, apogee, args.inclination_deg)


def _cmd_sites(args) -> int:
    from .sites import load_sites
    sites = load_sites()
    if args.json:
        print(json.dumps([{"id": s.id, "name": s.name, "country": s.country, "latitude_deg": s.latitude_deg,
                           "longitude_deg": s.longitude_deg, "altitude_m": s.altitude_m,
                           "azimuth_ranges_deg": [list(r) for r in s.azimuth_ranges_deg],
                           "inclination_min_deg": s.inclination_min_deg,
                           "inclination_max_deg": s.inclination_max_deg} for s in sites], indent=1))
        return 0
    print(f"{'id':<16} {'name':<44} {'lat deg':>8} {'lon deg':>9} {'alt m':>6}  limits")
    for s in sites:
        limits = []
        if s.azimuth_ranges_deg:
            limits.append("az " + ", ".join(f"{a:g}-{b:g}" for a, b in s.azimuth_ranges_deg))
        if s.inclination_min_deg is not None or s.inclination_max_deg is not None:
            lo = "" if s.inclination_min_deg is None else f"{s.inclination_min_deg:g}"
            hi = "" if s.inclination_max_deg is None else f"{s.inclination_max_deg:g}"
            limits.append(f"incl {lo}-{hi}")
        print(f"{s.id:<16} {s.name[:44]:<44} {s.latitude_deg:8.3f} {s.longitude_deg:9.3f} {s.altitude_m:6.0f}  "
              f"{'; '.join(limits) or '-'}")
    return 0


def _cmd_vehicles(args) -> int:
    from .vehicles.catalogue import load_catalogue
    vehicles = load_catalogue()
    if args.audit:
        from .vehicles.audit import audit_catalogue
        findings = audit_catalogue()
        if args.json:
            print(json.dumps([f.__dict__ for f in findings], indent=1))
            return 0
        for f in findings:
            print(f"{f.vehicle_id:<14} {f.severity:<13} {f.stage or '-':<28} {f.message}")
        print(f"{len(findings)} findings over {len(vehicles)} vehicles")
        return 0
    if args.json:
        print(json.dumps([{"id": v.id, "name": v.name, "stages": len(v.stages),
                           "gross_mass_kg": round(v.gross_mass_kg, 1)} for v in vehicles], indent=1))
        return 0
    print(f"{'id':<14} {'name':<54} {'stages':>6} {'lift-off t':>10}")
    for v in vehicles:
        print(f"{v.id:<14} {v.name[:54]:<54} {len(v.stages):>6} {v.gross_mass_kg / 1e3:10.1f}")
    return 0


def _describe_estimate(d: dict) -> str:
    o = d["orbit"]
    lines = [f"Payload (quoted, after allowances and adapter): {d['payload_kg']:,.0f} kg",
             f"Payload (physical maximum, all propellant burnt): {d['payload_max_kg']:,.0f} kg",
             f"Profile: {d['profile']}   launch azimuth {d['azimuth_deg']:.2f} deg   pitch kick {d['pitch_kick_deg']:.2f} deg",
             f"Orbit reached: {o['perigee_km']:.1f} x {o['apogee_km']:.1f} km, inclination {o['inclination_deg']:.3f} deg",
             "Losses (m/s): " + ", ".join(f"{k} {v:.0f}" for k, v in d["losses_m_s"].items())]
    if d.get("dogleg_deg") or d["launch_plane"]["dogleg_deg"]:
        lines.append(f"Dog-leg: {d['launch_plane']['dogleg_deg']:.2f} deg plane change, {d['dogleg_delta_v_m_s']:.0f} m/s, "
                     f"costs {d['dogleg_payload_cost_kg']:.0f} kg")
    lines.append("Events:")
    lines += [f"  {e['time_s']:8.1f} s  {e['name']:<36} {e['altitude_km']:7.1f} km {e['inertial_speed_m_s']:8.0f} m/s  "
              f"{e['detail']}" for e in d["events"]]
    return "\n".join(lines)


def _cmd_payload(args) -> int:
    from .ascent.service import estimate_payload
    from .report.summary import estimate_dict
    from .sites import find_site
    from .vehicles.catalogue import load_vehicle
    vehicle = load_vehicle(args.vehicle)
    site = find_site(args.site)
    target = _target(args)
    estimate = estimate_payload(vehicle, site, target, allow_dogleg=args.allow_dogleg)
    d = estimate_dict(estimate)
    print(json.dumps(d, indent=1) if args.json else _describe_estimate(d))
    return 0


def _cmd_ascent(args) -> int:
    from .ascent.service import simulate_ascent
    from .io.trajectory_csv import write_trajectory_csv
    from .report.plots import write_ascent_plots
    from .report.summary import ascent_dict
    from .sites import find_site
    from .vehicles.catalogue import load_vehicle
    vehicle = load_vehicle(args.vehicle)
    site = find_site(args.site)
    result = simulate_ascent(vehicle, site, _target(args), args.payload_kg, allow_dogleg=args.allow_dogleg,
                             pitch_kick_deg=args.pitch_kick_deg)
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    write_trajectory_csv(result.trajectory, out / "trajectory.csv")
    plots = write_ascent_plots(result, out)
    d = ascent_dict(result)
    (out / "ascent.json").write_text(json.dumps(d, indent=1))
    if args.json:
        print(json.dumps(d, indent=1))
    else:
        o = d["orbit"]
        print(f"Orbit reached: {o['perigee_km']:.1f} x {o['apogee_km']:.1f} km at {o['inclination_deg']:.3f} deg; "
              f"insertion at {d['insertion_time_s']:.0f} s")
        print(f"Wrote {out / 'trajectory.csv'}, {out / 'ascent.json'} and {len(plots)} plots to {out}")
    return 0


def _cmd_run(args) -> int:
    from tqdm import tqdm
    from .io.mission import load_mission
    from .mission import RUN_STEPS, run_mission
    from .report.mission_report import write_mission_outputs
    mission = load_mission(args.mission)
    out = Path(args.out) if args.out else Path("out") / Path(args.mission).stem
    steps = [*RUN_STEPS, "report"]
    with tqdm(total=len(steps), desc="cosmodrome run", unit="step", file=sys.stderr,
              disable=args.quiet) as bar:
        def progress(message: str) -> None:
            bar.set_postfix_str(message)
            if message != "payload estimate":
                bar.update(1)
        result = run_mission(mission, progress=progress)
        bar.update(1)
        bar.set_postfix_str("report")
        paths = write_mission_outputs(result, out)
        bar.update(1)
    e = result.estimate
    print(f"{mission.name}: {result.vehicle.name} from {result.site.name}")
    print(f"  payload capability {e.payload_kg:,.0f} kg quoted, {e.payload_max_kg:,.0f} kg physical maximum "
          f"({e.profile}, azimuth {e.launch_plane.azimuth_deg:.2f} deg)")
    o = result.ascent.orbit
    print(f"  flown with {result.ascent.payload_kg:,.0f} kg separated (spacecraft and adapter): "
          f"{o.perigee_altitude_m / 1e3:.1f} x "
          f"{o.apogee_altitude_m / 1e3:.1f} km at {o.inclination_deg:.3f} deg, insertion "
          f"{result.insertion.epoch_utc.isoformat().replace('+00:00', 'Z')}")
    if result.orbit is not None:
        from .report.summary import lifetime_statement
        print(f"  lifetime: {lifetime_statement(result.orbit)}")
        if result.orbit.tle_fit is not None:
            from .io.tle import format_tle
            fit = result.orbit.tle_fit
            print("  fitted TLE:\n    " + "\n    ".join(format_tle(fit.elements)))
    print(f"  wrote {', '.join(str(p) for p in paths)}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="cosmodrome", description="Space mission analysis from the launch pad to orbit.")
    parser.add_argument("--debug", action="store_true", help="show tracebacks")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    p = sub.add_parser("sites", help="list the spaceports")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_sites)
    p = sub.add_parser("vehicles", help="list the launch vehicles (--audit: check their data)")
    p.add_argument("--audit", action="store_true")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_vehicles)
    p = sub.add_parser("payload", help="largest payload to an orbit")
    _add_target(p)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_payload)
    p = sub.add_parser("ascent", help="one ascent with a given payload: trajectory CSV and plots")
    _add_target(p)
    p.add_argument("--payload-kg", type=float, required=True)
    p.add_argument("--pitch-kick-deg", type=float, help="default: the kick that maximises payload")
    p.add_argument("--out", required=True)
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=_cmd_ascent)
    p = sub.add_parser("run", help="the main job: a mission file to summary.json and report.html")
    p.add_argument("mission")
    p.add_argument("--out", help="output folder (default out/<mission name>)")
    p.add_argument("--quiet", action="store_true", help="no progress bar")
    p.set_defaults(func=_cmd_run)
    from .cli_coverage import add_coverage_command
    from .cli_imaging import add_eclipses_command, add_opportunities_command
    from .cli_observe import add_passes_command
    from .cli_orbits import add_propagate_command, add_tle_fit_command
    add_propagate_command(sub)
    add_tle_fit_command(sub)
    add_passes_command(sub)
    add_opportunities_command(sub)
    add_eclipses_command(sub)
    add_coverage_command(sub)
    return parser


def run(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    debug = "--debug" in argv
    try:
        args = build_parser().parse_args(argv)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("default")
            code = args.func(args)
        for message in dict.fromkeys(str(w.message) for w in caught):  # each distinct warning once
            print(f"Warning: {message}", file=sys.stderr)
        return code
    except CosmodromeError as error:
        if debug:
            traceback.print_exc()
        print(f"Error: {error}", file=sys.stderr)
        return error.exit_code
    except KeyboardInterrupt:
        print("Interrupted", file=sys.stderr)
        return 130
    except SystemExit as exit_:
        return int(exit_.code or 0)
    except Exception as error:  # the one place that turns a bug into exit code 1
        if debug:
            traceback.print_exc()
        print(f"Error: internal error ({type(error).__name__}: {error}); rerun with --debug and report it",
              file=sys.stderr)
        return 1


def main() -> None:
    raise SystemExit(run())


if __name__ == "__main__":
    main()
