"""Regenerate the leap-second and Earth-orientation tables that ship in src/cosmodrome/data/.

Sources (IERS products; nothing else is read):
- ``Leap_Second.dat``: IERS Earth Orientation Centre, Bulletin C history of TAI-UTC, with its expiry
  date in the header. Shipped verbatim (after parsing it to make sure it is well formed).
- ``finals2000A.all``: IERS Rapid Service / Prediction Centre (USNO), daily UT1-UTC, polar motion,
  length of day and celestial pole offsets dX, dY (IAU 2000A), observed values since 1973-01-02
  followed by about a year of predictions. Reduced to ``eop_finals2000A.csv`` (Bulletin A columns).

Where the files come from, in order of preference:
1. paths given with ``--finals`` / ``--leap-seconds``;
2. URLs given explicitly with ``--finals-url`` / ``--leap-seconds-url`` (the only case in which this
   tool touches the network; the package itself never downloads anything);
3. the copies inside the installed PyPI package ``astropy-iers-data`` (``pip install -U
   astropy-iers-data`` first to get the newest one).

Usage::

    python tools/refresh_time_data.py            # from astropy-iers-data, writes the package data
    python tools/refresh_time_data.py --check    # only print what is shipped: range and age
    python tools/refresh_time_data.py --finals finals2000A.all --leap-seconds Leap_Second.dat

Prints the range of each table and its age (days since the last observed EOP value, days left
before the leap-second file expires).
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "cosmodrome" / "data"
LEAP_OUT = DATA / "Leap_Second.dat"
EOP_OUT = DATA / "eop_finals2000A.csv"

sys.path.insert(0, str(ROOT / "src"))
from cosmodrome.time import parse_eop_csv, parse_leap_second_file  # noqa: E402

_MJD_UNIX_EPOCH = 40587


def _mjd_to_date(mjd: float) -> dt.date:
    return dt.date(1970, 1, 1) + dt.timedelta(days=int(math.floor(mjd)) - _MJD_UNIX_EPOCH)


def _today_mjd() -> int:
    return (dt.datetime.now(dt.timezone.utc).date() - dt.date(1970, 1, 1)).days + _MJD_UNIX_EPOCH


def _read_source(path: str | None, url: str | None, packaged_name: str) -> tuple[str, str]:
    """(text, description of where it came from)."""
    if path:
        return Path(path).read_text(encoding="ascii"), f"file {Path(path).name}"
    if url:
        with urllib.request.urlopen(url, timeout=60) as response:  # explicit user request only
            return response.read().decode("ascii"), f"URL {url}"
    try:
        import astropy_iers_data
    except ImportError:
        sys.exit("Error: no source given and astropy-iers-data is not installed: "
                 "pip install astropy-iers-data, or give --finals/--leap-seconds paths")
    base = Path(astropy_iers_data.__file__).parent / "data"
    version = getattr(astropy_iers_data, "__version__", "unknown version")
    return (base / packaged_name).read_text(encoding="ascii"), \
        f"astropy-iers-data {version}, data/{packaged_name}"


def _field(line: str, first: int, last: int) -> str:
    """Columns first..last (1-based, inclusive) as in the IERS format description."""
    return line[first - 1:last].strip()


def reduce_finals(text: str, leap_table) -> list[tuple]:
    """Rows (mjd, flag, x_arcsec, y_arcsec, ut1_utc_s, lod_ms, dx_mas, dy_mas, filled) of finals2000A.

    Byte layout: IERS/USNO readme.finals2000A (Bulletin A columns): MJD 8-15, polar-motion flag 17,
    x 19-27 and y 38-46 (arcsec), UT1 flag 58, UT1-UTC 59-68 (s), LOD 80-86 (ms), nutation flag 96,
    dX 98-106 and dY 117-125 (mas). Rows without UT1-UTC (the empty tail) are dropped.
    ``filled`` marks values this tool supplied where the file has none: ``l`` the length of day,
    taken from the slope of UT1-TAI between the neighbouring days (the file leaves LOD empty in the
    predictions); ``n`` dX/dY, held at the last value the file gives.
    """
    raw = []
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        ut1 = _field(line, 59, 68)
        if not ut1:
            continue
        try:
            mjd = float(_field(line, 8, 15))
            row = dict(mjd=mjd, flag=_field(line, 58, 58) or "P", x=float(_field(line, 19, 27)),
                       y=float(_field(line, 38, 46)), ut1=float(ut1))
        except ValueError as exc:
            sys.exit(f"Error: finals2000A line {number}: {exc}; expected the IERS fixed-column layout")
        lod = _field(line, 80, 86)
        dx, dy = _field(line, 98, 106), _field(line, 117, 125)
        row["lod"] = float(lod) if lod else None
        row["dx"] = float(dx) if dx else None
        row["dy"] = float(dy) if dy else None
        raw.append(row)
    if not raw:
        sys.exit("Error: finals2000A text has no rows with UT1-UTC")
    for a, b in zip(raw, raw[1:]):
        if b["mjd"] - a["mjd"] != 1.0:
            sys.exit(f"Error: finals2000A rows are not consecutive days at MJD {a['mjd']} -> {b['mjd']}")

    def ut1_minus_tai(row):
        return row["ut1"] - leap_table.tai_minus_utc_s_on_day(row["mjd"])

    rows = []
    last_dx = last_dy = 0.0
    for k, row in enumerate(raw):
        filled = ""
        lod = row["lod"]
        if lod is None:
            # LOD = -d(UT1-TAI)/dt, in ms per day, from the neighbours (one-sided at the ends).
            lo, hi = max(k - 1, 0), min(k + 1, len(raw) - 1)
            lod = -(ut1_minus_tai(raw[hi]) - ut1_minus_tai(raw[lo])) / (hi - lo) * 1e3
            filled += "l"
        if row["dx"] is None or row["dy"] is None:
            dx, dy = last_dx, last_dy
            filled += "n"
        else:
            dx, dy = row["dx"], row["dy"]
            last_dx, last_dy = dx, dy
        rows.append((int(row["mjd"]), row["flag"], row["x"], row["y"], row["ut1"], lod, dx, dy, filled))
    return rows


def write_eop_csv(rows, source: str, path: Path) -> str:
    first, last = rows[0][0], rows[-1][0]
    observed = [r[0] for r in rows if r[1] == "I"]
    last_obs = max(observed) if observed else None
    generated = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d")
    header = [
        "# Earth orientation parameters, daily at 0h UTC, reduced from IERS finals2000A (Bulletin A columns).",
        f"# Source: {source}; generated {generated} by tools/refresh_time_data.py.",
        "# Producer: IERS Rapid Service/Prediction Centre (USNO); IAU 2000A celestial pole offsets.",
        f"# Range: MJD {first} ({_mjd_to_date(first)}) to MJD {last} ({_mjd_to_date(last)}); "
        f"observed (flag I) to MJD {last_obs} ({_mjd_to_date(last_obs)}), predicted (flag P) after.",
        "# Columns: mjd_utc; flag (I observed, P predicted: the UT1 flag of the file); x_arcsec, y_arcsec "
        "(polar motion);",
        "#   ut1_minus_utc_s; lod_ms (excess length of day); dx_mas, dy_mas (celestial pole offsets "
        "w.r.t. IAU 2006/2000A);",
        "#   filled: l = LOD from the slope of UT1-TAI (file has none), n = dX/dY held at the last given value.",
        "mjd_utc,flag,x_arcsec,y_arcsec,ut1_minus_utc_s,lod_ms,dx_mas,dy_mas,filled",
    ]
    lines = [f"{m},{f},{x:.6f},{y:.6f},{u:.7f},{lod:.4f},{dx:.3f},{dy:.3f},{filled}"
             for m, f, x, y, u, lod, dx, dy, filled in rows]
    text = "\n".join(header + lines) + "\n"
    path.write_text(text, encoding="ascii")
    return text


def report(leap_table, eop_table) -> None:
    today = _today_mjd()
    print(f"Leap seconds: {leap_table.source}")
    print(f"  TAI-UTC entries from {_mjd_to_date(leap_table.mjd_utc[0])} to "
          f"{_mjd_to_date(leap_table.mjd_utc[-1])} (TAI-UTC = {leap_table.tai_minus_utc_s[-1]:.0f} s); "
          f"{leap_table.updated_through}")
    left = leap_table.expires_mjd - today
    print(f"  expires {_mjd_to_date(leap_table.expires_mjd)} "
          f"({'in ' + str(int(left)) + ' days' if left >= 0 else str(int(-left)) + ' days AGO: refresh'})")
    print(f"Earth orientation: {eop_table.source}")
    print(f"  {len(eop_table.mjd_utc)} daily rows from {_mjd_to_date(eop_table.mjd_utc[0])} to "
          f"{_mjd_to_date(eop_table.mjd_utc[-1])}")
    last_obs = eop_table.last_observed_mjd
    print(f"  observed to {_mjd_to_date(last_obs)} ({int(today - last_obs)} days old), "
          f"predicted to {_mjd_to_date(eop_table.mjd_utc[-1])}")


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--finals", help="path of an IERS finals2000A.all (or .data/.daily) file")
    parser.add_argument("--leap-seconds", help="path of an IERS Leap_Second.dat file")
    parser.add_argument("--finals-url", help="download finals2000A from this URL (explicit only)")
    parser.add_argument("--leap-seconds-url", help="download Leap_Second.dat from this URL (explicit only)")
    parser.add_argument("--check", action="store_true", help="only report on the shipped files")
    args = parser.parse_args(argv)

    if not args.check:
        leap_text, leap_source = _read_source(args.leap_seconds, args.leap_seconds_url, "Leap_Second.dat")
        leap_table = parse_leap_second_file(leap_text, source=leap_source)  # validates before writing
        finals_text, finals_source = _read_source(args.finals, args.finals_url, "finals2000A.all")
        rows = reduce_finals(finals_text, leap_table)
        LEAP_OUT.write_text(leap_text, encoding="ascii")
        eop_text = write_eop_csv(rows, finals_source, EOP_OUT)
        parse_eop_csv(eop_text, source=EOP_OUT.name)  # the package must read back what was written
        print(f"wrote {LEAP_OUT.relative_to(ROOT)} and {EOP_OUT.relative_to(ROOT)} "
              f"({EOP_OUT.stat().st_size // 1024} KiB)")
    leap_table = parse_leap_second_file(LEAP_OUT.read_text(encoding="ascii"), source=LEAP_OUT.name)
    eop_table = parse_eop_csv(EOP_OUT.read_text(encoding="ascii"), source=EOP_OUT.name)
    report(leap_table, eop_table)
    return 0


if __name__ == "__main__":
    sys.exit(main())
