"""Regenerate the bundled launch-site table from the project's reference spaceport file.

    python tools/refresh_spaceports.py [REFERENCE_JSON] [--output PATH] [--check]

REFERENCE_JSON defaults to ``shared/reference/spaceports.json`` beside this checkout (``../shared``);
PATH defaults to ``src/cosmodrome/data/spaceports.json``. The script prints what changed against
the file it replaces, anything that needs a person's review, and the age of the data, then writes
the file (``--check`` writes nothing and exits 1 when the file is out of date).

What it does to each reference record (the loader ``cosmodrome.sites`` reads the result; the
layout is described in ``src/cosmodrome/data/spaceports.md``):
- copies the whole record, verbatim, under ``reference``;
- copies ``id``, ``name``, ``country``, ``latitude_deg``, ``longitude_deg`` and ``coord_source``;
- writes ``altitude_m`` as a float, or 0.0 with an ``altitude_note`` saying so where the
  reference gives ``null``;
- takes the launch limits (permitted azimuths, inclination limits, preferred direction, and the
  ``limits_source``/``limits_note`` texts) from the ``LIMITS`` table below, which holds the
  judgement calls listed in ``spaceports.md``. A site without an entry gets the reference's
  explicit numbers (``launch_azimuth_deg.min_deg``/``max_deg``, ``inclinations.min_deg``/
  ``max_deg``) as documented, or no limits; the script then asks for an entry to be written.
Every normalised site is checked by the loader's own validation before anything is written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_REFERENCE = REPO.parent / "shared" / "reference" / "spaceports.json"
DEFAULT_OUTPUT = REPO / "src" / "cosmodrome" / "data" / "spaceports.json"

REQUIRED_FIELDS = ("id", "name", "country", "latitude_deg", "longitude_deg", "altitude_m")
# Reference fields the launch limits are read from: a change there may invalidate a judgement.
LIMIT_FIELDS = ("launch_azimuth_deg", "inclinations")

ALTITUDE_GIVEN = "altitude as given by the source (coord_source / notes)"
ALTITUDE_NULL = "source gives no altitude (null); 0 m above the WGS-84 ellipsoid used"
NO_LIMITS_NOTE = "No launch azimuth or inclination limits found in the sources read; every azimuth is accepted."
AS_DOCUMENTED_NOTE = ("Limits taken as the reference's numbers by tools/refresh_spaceports.py; no judgement "
                      "has been recorded for this site yet.")

SOURCE_TEXT = (
    "Converted from Cosmodrome shared/reference/spaceports.json ({count} orbital launch sites; coordinates "
    "mostly from the GCAT launch-site table lp.tsv by J. McDowell, updated {gcat_date}; altitudes, azimuth and "
    "inclination limits from the sources named per site). Each site keeps its whole reference record verbatim "
    "under 'reference'; the other fields are normalised for the code (see spaceports.md)."
)
FORMAT_TEXT = (
    "angles in degrees, azimuths clockwise from north relative to the rotating Earth, altitude in metres above "
    "the WGS-84 ellipsoid; null limits mean none documented"
)


class RefreshError(Exception):
    """Bad input: the message names the file, the site and the field."""


@dataclass(frozen=True)
class Limits:
    """Launch limits judged for one site (degrees; None where none is documented)."""

    azimuth_ranges_deg: list[list[float]] | None
    inclination_deg: tuple[float | None, float | None]
    source: str
    note: str
    preferred_direction: str = "northbound"


# The judgement calls of spaceports.md, one entry per site with limits. Each was made on the
# reference record as it stood; the script warns when that record's limit fields change.
LIMITS: dict[str, Limits] = {
    "vostochny": Limits(
        azimuth_ranges_deg=None,
        inclination_deg=(50.0, 110.0),
        source="inclinations.source (Encyclopedia Astronautica 'Vostochniy')",
        note="Inclination range 50-110 deg from the source; no azimuth limits found. 50 deg is below the site "
             "latitude, so the latitude (about 51.7 deg geocentric) is the real lower bound.",
    ),
    "baikonur": Limits(
        azimuth_ranges_deg=None,
        inclination_deg=(49.0, 99.0),
        source="inclinations.source (DLR Raumfahrtmissionen 'Baikonur')",
        note="Inclination range 49-99 deg from the source; no azimuth limits found.",
    ),
    "plesetsk": Limits(
        azimuth_ranges_deg=None,
        inclination_deg=(63.0, 83.0),
        source="inclinations.source (FAS 'Plesetsk Cosmodrome')",
        note="FAS limits 63-83 deg kept as the limit, as the source states them. The reference notes that SSO "
             "(~98 deg) launches are flown from Plesetsk in practice, so these limits are historical and "
             "conservative.",
    ),
    "kourou": Limits(
        azimuth_ranges_deg=None,
        inclination_deg=(5.2, None),
        source="inclinations.min_deg (site latitude 5 deg 10', Wikipedia via launchloop.com)",
        note="Only a minimum inclination (the latitude) is documented; the range note says 'a very wide range of "
             "azimuths' without numbers, so no azimuth limit is applied.",
    ),
    "cape_canaveral": Limits(
        azimuth_ranges_deg=[[35.0, 120.0]],
        inclination_deg=(28.5, 57.0),
        source="launch_azimuth_deg.source (sciref.net, Eastern Range 35-120 deg); inclinations.min_deg / "
               "max_deg_direct (satobs.org: about 57 deg at az 35)",
        note="Eastern Range azimuths 35-120 deg. Inclination 28.5 deg (the latitude) and 57 deg (max_deg_direct, "
             "the direct-ascent equivalent of azimuth 35) are also kept as documented; higher inclinations need a "
             "dog-leg.",
    ),
    "ksc": Limits(
        azimuth_ranges_deg=[[35.0, 120.0]],
        inclination_deg=(28.5, None),
        source="launch_azimuth_deg.range_note (same Eastern Range limits as Cape Canaveral, 35-120 deg, "
               "sciref.net); inclinations.min_deg",
        note="Eastern Range azimuths 35-120 deg, as for Cape Canaveral.",
    ),
    "vandenberg": Limits(
        azimuth_ranges_deg=[[140.0, 225.0]],
        inclination_deg=(None, None),
        preferred_direction="southbound",
        source="launch_azimuth_deg.range_note: 'launch azimuths always to the south' (Intro to Space Sciences & "
               "Spacecraft Applications p.70/83); 'southward toward polar orbits or slightly southeastward on "
               "coast-hugger ascents' (Spaceflight Now via planetary.org); NROL-25, 123 deg on a south-western "
               "path (planetary.org)",
        note="Judgement: the source gives no numeric limits. 140-225 deg reads 'always to the south ... or "
             "slightly southeastward' as at most 40 deg east of south (140 deg), and reaches far enough west "
             "(225 deg) to include the flown NROL-25 123 deg retrograde ascent (about 223.5 deg at a LEO speed) "
             "and the SSO example (98.43 deg needs 190.2 deg inertial).",
    ),
    "wallops": Limits(
        azimuth_ranges_deg=None,
        inclination_deg=(38.0, 55.0),
        source="inclinations.source (chairforceengineer.blogspot 2006, weak)",
        note="Inclinations 38-55 deg from a blog analysis (weak source); 41-50 deg are said to need a dog-leg "
             "around Bermuda, which is not modelled.",
    ),
    "kodiak": Limits(
        azimuth_ranges_deg=[[110.0, 220.0]],
        inclination_deg=(None, None),
        preferred_direction="southbound",
        source="launch_azimuth_deg.source (Spaceflight Now 2010-12-01, Alaska Aerospace: 'azimuths from 110 "
               "degrees to 220 degrees')",
        note="Azimuths 110-220 deg (southward only).",
    ),
    "mahia": Limits(
        azimuth_ranges_deg=None,
        inclination_deg=(39.0, 100.0),
        source="inclinations.source (Via Satellite 2015: from 39 deg 'through polar / SSO')",
        note="Judgement: the source gives the upper end only in words ('through polar / SSO'); 100 deg is used, "
             "which covers sun-synchronous orbits up to about 1,150 km.",
    ),
    "sriharikota": Limits(
        azimuth_ranges_deg=[[132.0, 140.0]],
        inclination_deg=(None, None),
        preferred_direction="southbound",
        source="launch_azimuth_deg.documented (Team Indus 'Launch considerations @SHAR', lunar.xprize.org)",
        note="Judgement: the only documented lift-off azimuths are 132 deg (then yaw to ~18 deg) and 140 deg "
             "(then dog-leg to ~98 deg SSO), so direct ascents are limited to 132-140 deg (about 44-51 deg "
             "inclination) and every other plane, SSO included, needs a dog-leg, as the source describes.",
    ),
    "palmachim": Limits(
        azimuth_ranges_deg=[[225.0, 315.0]],
        inclination_deg=(None, None),
        source="launch_azimuth_deg.range_note ('westward over the Mediterranean (retrograde)', JTA 1988; "
               "air-cosmos 2020; der-orion 2023)",
        note="Judgement: 'westward' read as within 45 deg of due west (225-315 deg); flown orbits are 142-143 deg "
             "retrograde.",
    ),
}


def _number(value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def load_reference(path: Path) -> list[dict]:
    """The reference records, checked for the fields every site needs. Raises RefreshError."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise RefreshError(f"cannot read the reference file {path}: {exc.strerror or exc}") from exc
    try:
        records = json.loads(text)
    except json.JSONDecodeError as exc:
        raise RefreshError(f"{path}, line {exc.lineno}: not valid JSON ({exc.msg})") from exc
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise RefreshError(f"{path}: expected a JSON list of site objects, got {type(records).__name__}")
    seen: set = set()
    for index, record in enumerate(records):
        where = f"{path}, site {index} ('{record.get('id', '?')}')"
        for key in REQUIRED_FIELDS:
            if key not in record:
                raise RefreshError(f"{where}: field '{key}' is missing; every site needs "
                                   f"{', '.join(REQUIRED_FIELDS)}")
        if record["id"] in seen:
            raise RefreshError(f"{where}: id '{record['id']}' repeats; expected unique ids")
        seen.add(record["id"])
    return records


def _documented_limits(record: dict) -> Limits | None:
    """Limits from the reference's explicit numbers, for a site without a LIMITS entry."""
    azimuth = record.get("launch_azimuth_deg") or {}
    inclinations = record.get("inclinations") or {}
    az_min, az_max = _number(azimuth.get("min_deg")), _number(azimuth.get("max_deg"))
    inc = (_number(inclinations.get("min_deg")), _number(inclinations.get("max_deg")))
    ranges = [[az_min, az_max]] if az_min is not None and az_max is not None else None
    if ranges is None and inc == (None, None):
        return None
    used = (["launch_azimuth_deg.min_deg / max_deg"] if ranges else []) + \
           [f"inclinations.{name}" for name, value in zip(("min_deg", "max_deg"), inc) if value is not None]
    return Limits(azimuth_ranges_deg=ranges, inclination_deg=inc, source="; ".join(used), note=AS_DOCUMENTED_NOTE)


def normalise_site(record: dict) -> dict:
    """One bundled site record (key order as the shipped file) from one reference record."""
    altitude = _number(record["altitude_m"])
    limits = LIMITS.get(record["id"]) or _documented_limits(record)
    return {
        "id": record["id"],
        "name": record["name"],
        "country": record["country"],
        "latitude_deg": record["latitude_deg"],
        "longitude_deg": record["longitude_deg"],
        "altitude_m": 0.0 if altitude is None else altitude,
        "altitude_note": ALTITUDE_NULL if altitude is None else ALTITUDE_GIVEN,
        "azimuth_ranges_deg": limits.azimuth_ranges_deg if limits else None,
        "inclination_min_deg": limits.inclination_deg[0] if limits else None,
        "inclination_max_deg": limits.inclination_deg[1] if limits else None,
        "preferred_direction": limits.preferred_direction if limits else "northbound",
        "coord_source": record.get("coord_source"),
        "limits_source": limits.source if limits else None,
        "limits_note": limits.note if limits else NO_LIMITS_NOTE,
        "reference": record,
    }


def _gcat_dates(records: list[dict]) -> Counter:
    dates: Counter = Counter()
    for record in records:
        text = record.get("coord_source") or ""
        if "GCAT" in text:
            dates.update(re.findall(r"updated (\d{4}-\d{2}-\d{2})", text))
    return dates


def build_document(records: list[dict]) -> dict:
    """The whole bundled document; validated by the loader's own checks. Raises RefreshError."""
    from cosmodrome.errors import InvalidInputError
    from cosmodrome.sites import _site_from_record  # the loader's path, so its checks are the ones applied

    dates = _gcat_dates(records)
    gcat_date = dates.most_common(1)[0][0] if dates else "(date not stated)"
    sites = [normalise_site(record) for record in records]
    for site in sites:
        try:
            _site_from_record(site)
        except InvalidInputError as exc:
            raise RefreshError(f"site '{site['id']}' does not load: {exc}") from exc
    return {"source": SOURCE_TEXT.format(count=len(sites), gcat_date=gcat_date), "format": FORMAT_TEXT,
            "sites": sites}


def render(document: dict) -> str:
    """The file text, formatted as the shipped file is (one-space indent, UTF-8, final newline)."""
    return json.dumps(document, indent=1, ensure_ascii=False) + "\n"


def _short(value, width: int = 60) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= width else text[: width - 3] + "..."


def describe_changes(old: dict | None, new: dict) -> list[str]:
    """Lines saying what differs between the file being replaced and the new document."""
    if old is None:
        return [f"no previous file: {len(new['sites'])} sites written"]
    lines = []
    for key in ("source", "format"):
        if old.get(key) != new[key]:
            lines.append(f"top-level '{key}' text changed")
    old_sites = {site.get("id"): site for site in old.get("sites", [])}
    new_sites = {site["id"]: site for site in new["sites"]}
    lines += [f"site added: {sid}" for sid in new_sites if sid not in old_sites]
    lines += [f"site removed: {sid}" for sid in old_sites if sid not in new_sites]
    for sid, site in new_sites.items():
        before = old_sites.get(sid)
        if before is None:
            continue
        for key, value in site.items():
            if key == "reference":
                ref_before = before.get("reference") or {}
                changed = sorted(k for k in set(value) | set(ref_before) if value.get(k) != ref_before.get(k))
                if changed:
                    lines.append(f"{sid}: reference fields changed: {', '.join(changed)}")
            elif before.get(key) != value:
                lines.append(f"{sid}: {key} {_short(before.get(key))} -> {_short(value)}")
    if set(old_sites) == set(new_sites) and list(old_sites) != list(new_sites):
        lines.append("site order changed")
    return lines


def review_notes(old: dict | None, records: list[dict]) -> list[str]:
    """Judgements a person should look at again: limits read from changed or unjudged records."""
    notes = []
    old_refs = {site.get("id"): site.get("reference") or {} for site in (old or {}).get("sites", [])}
    ids = {record["id"] for record in records}
    for record in records:
        sid = record["id"]
        if sid in LIMITS:
            before = old_refs.get(sid)
            changed = [f for f in LIMIT_FIELDS if before is not None and before.get(f) != record.get(f)]
            if changed:
                notes.append(f"{sid}: the reference's {' and '.join(changed)} changed; review its LIMITS entry "
                             f"in tools/refresh_spaceports.py and the table in spaceports.md")
        elif _documented_limits(record) is not None:
            notes.append(f"{sid}: limits taken as the reference's numbers; add a LIMITS entry (source and note) "
                         f"after reading the sources")
    notes += [f"LIMITS has an entry for '{sid}' but the reference has no such site" for sid in LIMITS
              if sid not in ids]
    return notes


def data_age(records: list[dict], reference: Path, today: dt.date) -> list[str]:
    """Lines giving the age of the reference file and of the coordinate table most sites come from."""
    modified = dt.datetime.fromtimestamp(reference.stat().st_mtime, tz=dt.timezone.utc).date()
    lines = [f"reference file {reference} last modified {modified} ({(today - modified).days} days ago)"]
    dates = _gcat_dates(records)
    for date_text, count in sorted(dates.items()):
        days = (today - dt.date.fromisoformat(date_text)).days
        lines.append(f"coordinates of {count} of {len(records)} sites: GCAT lp.tsv updated {date_text} "
                     f"({days} days ago)")
    others = len(records) - sum(dates.values())
    if others:
        lines.append(f"coordinates of {others} sites from other sources (each site's coord_source)")
    return lines


def main(argv: list[str] | None = None, today: dt.date | None = None) -> int:
    parser = argparse.ArgumentParser(description="Regenerate src/cosmodrome/data/spaceports.json from the "
                                                 "reference spaceport file.")
    parser.add_argument("reference", nargs="?", type=Path, default=DEFAULT_REFERENCE,
                        help=f"reference JSON (default: {DEFAULT_REFERENCE})")
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT,
                        help=f"file to write (default: {DEFAULT_OUTPUT})")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; exit 1 if the output file differs from what would be written")
    args = parser.parse_args(argv)
    try:
        records = load_reference(args.reference)
        document = build_document(records)
    except RefreshError as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 2
    text = render(document)
    old_text = args.output.read_text(encoding="utf-8") if args.output.exists() else None
    try:
        old = json.loads(old_text) if old_text is not None else None
    except json.JSONDecodeError:
        print(f"warning: {args.output} is not valid JSON; comparing against nothing", file=sys.stderr)
        old = None

    if old_text == text:
        print(f"no changes: {args.output} already matches {args.reference}")
    else:
        print(f"changes against {args.output}:")
        for line in describe_changes(old, document) or ["formatting only"]:
            print(f"  {line}")
    for note in review_notes(old, records):
        print(f"review: {note}")
    print("data age:")
    for line in data_age(records, args.reference, today or dt.date.today()):
        print(f"  {line}")

    if args.check:
        return 0 if old_text == text else 1
    if old_text != text:
        args.output.write_text(text, encoding="utf-8")
        print(f"wrote {args.output} ({len(document['sites'])} sites)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
