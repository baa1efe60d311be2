"""Orbit Mean-elements Messages (OMM) with SGP4 elements: JSON, CSV, XML and KVN, read and written.

The keys are those of CCSDS 502.0-B-2/-B-3 (Orbit Data Messages) that CelesTrak's GP service uses
(https://celestrak.org/NORAD/documentation/gp-data-formats.php): OBJECT_NAME, OBJECT_ID, EPOCH,
MEAN_MOTION (rev/day), ECCENTRICITY, INCLINATION, RA_OF_ASC_NODE, ARG_OF_PERICENTER, MEAN_ANOMALY
(deg), EPHEMERIS_TYPE, CLASSIFICATION_TYPE, NORAD_CAT_ID, ELEMENT_SET_NO, REV_AT_EPOCH, BSTAR
(1/earth radii), MEAN_MOTION_DOT (rev/day^2, the TLE's ndot/2) and MEAN_MOTION_DDOT (rev/day^3, the
TLE's nddot/6); the CCSDS forms (XML, KVN) add CENTER_NAME, REF_FRAME, TIME_SYSTEM and
MEAN_ELEMENT_THEORY. Forms:

- JSON: a list of objects (or one object), numbers as JSON numbers or as text (Space-Track);
- CSV: one header row of those keys, one row per satellite;
- XML: CCSDS NDM/XML, ``<ndm><omm>...<meanElements>...<tleParameters>...</omm></ndm>`` (or one ``<omm>``);
- KVN: CCSDS ``KEY = value`` lines, each message starting with ``CCSDS_OMM_VERS``; units in
  brackets after a value are allowed and must be the standard ones.

Catalogue numbers of any size are kept (a TLE holds at most 339999). EPOCH is UTC in ISO 8601
(``2008-09-20T12:25:40.104192``, CCSDS day-of-year form ``2008-264T12:25:40.104192`` also read).
A MEAN_ELEMENT_THEORY other than SGP4 (e.g. SGP4-XP) is kept in the record, and
``MeanElementsGP.to_satrec`` refuses it, so such elements are listed but never propagated wrongly.
Required keys: EPOCH, the six elements, NORAD_CAT_ID, BSTAR, MEAN_MOTION_DOT, MEAN_MOTION_DDOT;
missing ones are named with the record and line. The others default as in a TLE (name None,
designator '', classification U, ephemeris type 0, element set and revolution numbers 0).
"""

from __future__ import annotations

import csv
import datetime as _dt
import io
import json
import math
import os
import re
import xml.etree.ElementTree as ElementTree
from pathlib import Path

from ..errors import InvalidInputError
from ..orbits.gp import MeanElementsGP
from ..time import Time
from .tle import _read_text

OMM_KEYS = ("OBJECT_NAME", "OBJECT_ID", "EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION",
            "RA_OF_ASC_NODE", "ARG_OF_PERICENTER", "MEAN_ANOMALY", "EPHEMERIS_TYPE",
            "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH", "BSTAR",
            "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")
"""CelesTrak's key order (JSON and CSV)."""

REQUIRED_KEYS = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
                 "ARG_OF_PERICENTER", "MEAN_ANOMALY", "NORAD_CAT_ID", "BSTAR", "MEAN_MOTION_DOT",
                 "MEAN_MOTION_DDOT")

# Units a KVN value may carry in brackets (CCSDS 502.0-B-2 table 4-3 and annex).
_KVN_UNITS = {
    "MEAN_MOTION": "rev/day", "INCLINATION": "deg", "RA_OF_ASC_NODE": "deg",
    "ARG_OF_PERICENTER": "deg", "MEAN_ANOMALY": "deg", "BSTAR": "1/er",
    "MEAN_MOTION_DOT": "rev/day**2", "MEAN_MOTION_DDOT": "rev/day**3",
}
# CCSDS metadata that fixes how SGP4 elements are meant: anything else would be misread.
_EXPECTED_METADATA = {"CENTER_NAME": "EARTH", "REF_FRAME": "TEME", "TIME_SYSTEM": "UTC"}

_NUMBER_RE = re.compile(r"\s*[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?\s*", re.ASCII)
_INTEGER_RE = re.compile(r"\s*\+?[0-9]+\s*", re.ASCII)
_EPOCH_RE = re.compile(
    r"\s*([0-9]{4})-(?:([0-9]{2})-([0-9]{2})|([0-9]{3}))T([0-9]{2}):([0-9]{2}):([0-9]{2}(?:\.[0-9]*)?)Z?\s*",
    re.ASCII)
_MAX_TEXT = 200  # longest value quoted back in a message


# --- from key/value fields to the record --------------------------------------------------------
def _quote(value) -> str:
    text = repr(value)
    return text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "..."


def _bad(source: str, where: str, key: str, message: str) -> InvalidInputError:
    return InvalidInputError(f"{where}: {message}", source=source, field=key)


def _text(fields: dict, key: str, source: str, where: str, default=None):
    value = fields.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise _bad(source, where, key, f"missing required key {key}")
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return str(value)
    if not isinstance(value, str):
        raise _bad(source, where, key, f"expected text, got {_quote(value)}")
    return value.strip()


def _number(fields: dict, key: str, source: str, where: str) -> float:
    value = fields.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise _bad(source, where, key, f"missing required key {key} (a number)")
    if isinstance(value, bool) or not isinstance(value, (int, float, str)):
        raise _bad(source, where, key, f"expected a number, got {_quote(value)}")
    if isinstance(value, str):
        if not _NUMBER_RE.fullmatch(value):
            raise _bad(source, where, key, f"expected a number such as 15.49 or -1.1606e-5, got {_quote(value)}")
    try:
        number = float(value)
    except OverflowError:  # a huge JSON integer
        number = math.inf
    if not math.isfinite(number):
        raise _bad(source, where, key, f"expected a finite number, got {_quote(value)}")
    return number


def _integer(fields: dict, key: str, source: str, where: str, default: int | None = None) -> int:
    value = fields.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if default is None:
            raise _bad(source, where, key, f"missing required key {key} (an integer)")
        return default
    if isinstance(value, bool):
        raise _bad(source, where, key, f"expected a non-negative integer, got {_quote(value)}")
    if isinstance(value, float) and value.is_integer() and 0 <= value < 1e15:
        return int(value)
    if isinstance(value, int) and value >= 0:
        return value
    if isinstance(value, str) and _INTEGER_RE.fullmatch(value) and len(value.strip()) <= 18:
        return int(value)
    raise _bad(source, where, key, f"expected a non-negative integer, got {_quote(value)}")


def _epoch(fields: dict, source: str, where: str) -> Time:
    text = _text(fields, "EPOCH", source, where)
    match = _EPOCH_RE.fullmatch(text)
    if not match:
        raise _bad(source, where, "EPOCH",
                   f"expected a UTC time as YYYY-MM-DDThh:mm:ss.ffffff (e.g. 2008-09-20T12:25:40.104192), "
                   f"got {_quote(text)}")
    year, month, day, day_of_year, hour, minute, second = match.groups()
    year = int(year)
    if not 1957 <= year <= 2200:
        raise _bad(source, where, "EPOCH", f"expected a year from 1957 to 2200, got {_quote(text)}")
    hour, minute, second = int(hour), int(minute), float(second)
    if hour > 23 or minute > 59 or second >= 61.0:
        raise _bad(source, where, "EPOCH", f"expected hh < 24, mm < 60, ss < 61, got {_quote(text)}")
    try:
        if day_of_year is not None:
            doy = int(day_of_year)
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            if not 1 <= doy <= (366 if leap else 365):
                raise InvalidInputError(f"day of year {doy} does not exist in {year}")
            date = _dt.date(year, 1, 1) + _dt.timedelta(days=doy - 1)
            return Time.from_utc_calendar(date.year, date.month, date.day, hour, minute, second)
        return Time.from_utc_calendar(year, int(month), int(day), hour, minute, second)
    except InvalidInputError as error:
        raise _bad(source, where, "EPOCH", f"{error} (got {_quote(text)})") from None


def _record(fields: dict, source: str, where: str) -> MeanElementsGP:
    """The record of one OMM given as a key -> value mapping (values: text or JSON numbers)."""
    for key, expected in _EXPECTED_METADATA.items():
        if fields.get(key) is not None:
            value = _text(fields, key, source, where, default=expected)
            if value.upper() != expected:
                raise _bad(source, where, key,
                           f"expected {expected} (SGP4 mean elements are Earth-centred, TEME, UTC), got {_quote(value)}")
    missing = [key for key in REQUIRED_KEYS
               if fields.get(key) is None or (isinstance(fields.get(key), str) and not fields[key].strip())]
    if missing:
        raise _bad(source, where, missing[0],
                   f"missing required key {missing[0]}" + (
                       f" (also missing: {', '.join(missing[1:])})" if len(missing) > 1 else ""))
    name = fields.get("OBJECT_NAME")
    if name is not None:
        if not isinstance(name, str):
            raise _bad(source, where, "OBJECT_NAME", f"expected text, got {_quote(name)}")
        if not name.isprintable():
            raise _bad(source, where, "OBJECT_NAME", f"expected printable text, got {_quote(name)}")
        name = name.strip() or None
    values = {
        "name": name,
        "catalogue_number": _integer(fields, "NORAD_CAT_ID", source, where),
        "international_designator": _text(fields, "OBJECT_ID", source, where, default=""),
        "classification": _text(fields, "CLASSIFICATION_TYPE", source, where, default="U"),
        "epoch": _epoch(fields, source, where),
        "mean_motion_rev_day": _number(fields, "MEAN_MOTION", source, where),
        "eccentricity": _number(fields, "ECCENTRICITY", source, where),
        "inclination_deg": _number(fields, "INCLINATION", source, where),
        "raan_deg": _number(fields, "RA_OF_ASC_NODE", source, where),
        "argument_of_perigee_deg": _number(fields, "ARG_OF_PERICENTER", source, where),
        "mean_anomaly_deg": _number(fields, "MEAN_ANOMALY", source, where),
        "bstar_per_earth_radii": _number(fields, "BSTAR", source, where),
        "mean_motion_dot_rev_day2": _number(fields, "MEAN_MOTION_DOT", source, where),
        "mean_motion_ddot_rev_day3": _number(fields, "MEAN_MOTION_DDOT", source, where),
        "element_set_number": _integer(fields, "ELEMENT_SET_NO", source, where, default=0),
        "revolution_number": _integer(fields, "REV_AT_EPOCH", source, where, default=0),
        "ephemeris_type": _integer(fields, "EPHEMERIS_TYPE", source, where, default=0),
        "mean_element_theory": _text(fields, "MEAN_ELEMENT_THEORY", source, where, default="SGP4"),
    }
    try:
        return MeanElementsGP(**values)
    except InvalidInputError as error:
        key = {"catalogue_number": "NORAD_CAT_ID", "international_designator": "OBJECT_ID",
               "classification": "CLASSIFICATION_TYPE", "mean_motion_rev_day": "MEAN_MOTION",
               "eccentricity": "ECCENTRICITY", "inclination_deg": "INCLINATION",
               "raan_deg": "RA_OF_ASC_NODE", "argument_of_perigee_deg": "ARG_OF_PERICENTER",
               "mean_anomaly_deg": "MEAN_ANOMALY", "mean_element_theory": "MEAN_ELEMENT_THEORY",
               "name": "OBJECT_NAME"}.get(error.field, error.field)
        text = str(error)
        marker = f"field {error.field}: "
        detail = text.split(marker, 1)[-1] if marker in text else text
        raise _bad(source, where, key, detail) from None


def _describe(index: int, fields: dict, line: int | None = None) -> str:
    where = f"record {index}"
    if line is not None:
        where += f" (line {line})"
    name = fields.get("OBJECT_NAME")
    if isinstance(name, str) and name.strip():
        where += f" ({_quote(name.strip())})"
    return where


# --- readers ------------------------------------------------------------------------------------
def parse_omm_json(text: str, *, source: str = "<json>") -> list[MeanElementsGP]:
    """Records of CelesTrak/Space-Track OMM JSON: a list of objects, or one object."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise InvalidInputError(f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
                                source=source) from None
    except (ValueError, RecursionError) as error:  # huge integers; absurd nesting
        raise InvalidInputError(f"not usable JSON: {type(error).__name__}: {str(error)[:_MAX_TEXT]}",
                                source=source) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InvalidInputError(f"expected a JSON list of OMM objects, got {type(data).__name__}",
                                source=source)
    records = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict):
            raise InvalidInputError(f"record {index}: expected a JSON object with OMM keys, got {_quote(item)}",
                                    source=source)
        records.append(_record(item, source, _describe(index, item)))
    return records


def parse_omm_csv(text: str, *, source: str = "<csv>") -> list[MeanElementsGP]:
    """Records of CelesTrak OMM CSV: a header row of OMM keys, then one row per satellite."""
    try:
        reader = csv.reader(io.StringIO(text, newline=""))
        rows = [(reader.line_num, row) for row in reader]
    except csv.Error as error:
        raise InvalidInputError(f"not valid CSV: {error}", source=source) from None
    rows = [(line, row) for line, row in rows if any(cell.strip() for cell in row)]
    if not rows:
        raise InvalidInputError(f"empty CSV: expected a header row with {', '.join(REQUIRED_KEYS)}",
                                source=source)
    header_line, header = rows[0]
    header = [cell.strip().lstrip("\ufeff") for cell in header]
    missing = [key for key in REQUIRED_KEYS if key not in header]
    if missing:
        raise InvalidInputError(
            f"line {header_line}: the header row lacks required column {missing[0]}"
            + (f" (also: {', '.join(missing[1:])})" if len(missing) > 1 else "")
            + f"; got columns {_quote(','.join(header))}", source=source, field=missing[0])
    records = []
    for index, (line, row) in enumerate(rows[1:], start=1):
        if len(row) != len(header):
            raise InvalidInputError(
                f"record {index} (line {line}): expected {len(header)} comma-separated values as in "
                f"the header, got {len(row)}", source=source)
        fields = dict(zip(header, row))
        records.append(_record(fields, source, _describe(index, fields, line)))
    return records


def parse_omm_xml(text: str, *, source: str = "<xml>") -> list[MeanElementsGP]:
    """Records of CCSDS NDM/XML OMM (as CelesTrak serves it): every ``<omm>`` element in the document."""
    try:
        root = ElementTree.fromstring(text)
    except ElementTree.ParseError as error:
        line, column = error.position
        raise InvalidInputError(f"not valid XML at line {line}, column {column + 1}: "
                                f"{str(error).split(':')[0]}", source=source) from None
    except (ValueError, RecursionError) as error:
        raise InvalidInputError(f"not usable XML: {str(error)[:_MAX_TEXT]}", source=source) from None

    def local(tag) -> str:
        return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""

    messages = [root] if local(root.tag) == "omm" else [e for e in root.iter() if local(e.tag) == "omm"]
    if not messages:
        raise InvalidInputError(f"expected <omm> elements (CCSDS NDM/XML), found none under <{local(root.tag)}>",
                                source=source)
    records = []
    for index, message in enumerate(messages, start=1):
        fields: dict[str, str] = {}
        for element in message.iter():
            if len(element) == 0 and local(element.tag) not in ("COMMENT",):
                key = local(element.tag)
                if key in ("header", "CREATION_DATE", "ORIGINATOR", "MESSAGE_ID", "USER_DEFINED"):
                    continue
                if key in fields:
                    raise InvalidInputError(f"OMM {index}: key {key} given twice", source=source, field=key)
                fields[key] = element.text or ""
        records.append(_record(fields, source, _describe(index, fields).replace("record", "OMM", 1)))
    return records


def parse_omm_kvn(text: str, *, source: str = "<kvn>") -> list[MeanElementsGP]:
    """Records of CCSDS OMM KVN text: ``KEY = value [unit]`` lines; each message starts with CCSDS_OMM_VERS."""
    messages: list[tuple[int, dict[str, str]]] = []
    fields: dict[str, str] | None = None
    for number, raw in enumerate(text.split("\n"), start=1):
        line = raw.strip()
        if not line or line.startswith("COMMENT") and (len(line) == 7 or line[7] in " \t"):
            continue
        if "=" not in line:
            raise InvalidInputError(f"line {number}: expected 'KEY = value', got {_quote(line)}", source=source)
        key, value = (part.strip() for part in line.split("=", 1))
        if not re.fullmatch(r"[A-Z][A-Z0-9_]*", key, re.ASCII):
            raise InvalidInputError(f"line {number}: expected a CCSDS keyword in capitals before '=', "
                                    f"got {_quote(key)}", source=source)
        if key == "CCSDS_OMM_VERS":
            fields = {}
            messages.append((number, fields))
        elif fields is None:
            raise InvalidInputError(f"line {number}: expected the message to start with "
                                    f"'CCSDS_OMM_VERS = 2.0', got {_quote(line)}", source=source,
                                    field="CCSDS_OMM_VERS")
        unit_match = re.fullmatch(r"(.*?)\s*\[([^\]]*)\]", value)
        if unit_match:
            value, unit = unit_match.groups()
            expected_unit = _KVN_UNITS.get(key)
            if expected_unit is not None and unit.strip().lower() != expected_unit.lower():
                raise InvalidInputError(f"line {number}: expected the unit [{expected_unit}], got [{unit}]",
                                        source=source, field=key)
        if key in fields:
            raise InvalidInputError(f"line {number}: key {key} given twice in the message that starts on "
                                    f"line {messages[-1][0]}", source=source, field=key)
        fields[key] = value
    if not messages:
        raise InvalidInputError("no OMM message found: expected 'CCSDS_OMM_VERS = 2.0' as the first key",
                                source=source, field="CCSDS_OMM_VERS")
    records = []
    for index, (line, fields) in enumerate(messages, start=1):
        where = _describe(index, fields, line).replace("record", "message", 1).replace("(line", "(starting on line", 1)
        records.append(_record(fields, source, where))
    return records


def parse_omm(text: str, *, source: str = "<text>", form: str | None = None) -> list[MeanElementsGP]:
    """Records of OMM text in any of the four forms; ``form`` ('json', 'csv', 'xml', 'kvn') or sniffed."""
    if not isinstance(text, str):
        raise InvalidInputError(f"expected OMM text, got {type(text).__name__}", source=source)
    text = text.removeprefix("\ufeff")
    form = (form or _sniff(text)).lower()
    parsers = {"json": parse_omm_json, "csv": parse_omm_csv, "xml": parse_omm_xml, "kvn": parse_omm_kvn}
    if form not in parsers:
        raise InvalidInputError(f"unknown OMM form {form!r}: expected one of json, csv, xml, kvn",
                                source=source, field="form")
    return parsers[form](text, source=source)


def read_omm(path: str | os.PathLike[str], *, form: str | None = None) -> list[MeanElementsGP]:
    """Records of an OMM file (JSON, CSV, XML or KVN: from ``form``, else from the content)."""
    text, source = _read_text(path)
    return parse_omm(text, source=source, form=form)


def _sniff(text: str) -> str:
    start = text.lstrip()
    if start.startswith(("[", "{")):
        return "json"
    if start.startswith("<"):
        return "xml"
    if start.startswith(("CCSDS_OMM_VERS", "COMMENT")):
        return "kvn"
    return "csv"


# --- writers ------------------------------------------------------------------------------------
def _epoch_text(record: MeanElementsGP) -> str:
    return record.epoch.utc_iso(decimals=6).removesuffix("Z")


def _fields(record: MeanElementsGP) -> dict:
    """CelesTrak's key/value pairs; floats at full precision (repr), so reading back is exact."""
    fields = {
        "OBJECT_NAME": record.name if record.name is not None else "",
        "OBJECT_ID": record.international_designator,
        "EPOCH": _epoch_text(record),
        "MEAN_MOTION": record.mean_motion_rev_day,
        "ECCENTRICITY": record.eccentricity,
        "INCLINATION": record.inclination_deg,
        "RA_OF_ASC_NODE": record.raan_deg,
        "ARG_OF_PERICENTER": record.argument_of_perigee_deg,
        "MEAN_ANOMALY": record.mean_anomaly_deg,
        "EPHEMERIS_TYPE": record.ephemeris_type,
        "CLASSIFICATION_TYPE": record.classification,
        "NORAD_CAT_ID": record.catalogue_number,
        "ELEMENT_SET_NO": record.element_set_number,
        "REV_AT_EPOCH": record.revolution_number,
        "BSTAR": record.bstar_per_earth_radii,
        "MEAN_MOTION_DOT": record.mean_motion_dot_rev_day2,
        "MEAN_MOTION_DDOT": record.mean_motion_ddot_rev_day3,
    }
    if record.mean_element_theory != "SGP4":
        fields["MEAN_ELEMENT_THEORY"] = record.mean_element_theory
    return fields


def _value_text(value) -> str:
    return repr(value) if isinstance(value, float) else str(value)


def format_omm_json(records) -> str:
    """CelesTrak-style JSON: a list of objects in CelesTrak's key order (MEAN_ELEMENT_THEORY added if not SGP4)."""
    return json.dumps([_fields(r) for r in records], indent=1, ensure_ascii=False) + "\n"


def format_omm_csv(records) -> str:
    """CelesTrak-style CSV: header row of ``OMM_KEYS`` (plus MEAN_ELEMENT_THEORY when any record needs it)."""
    records = list(records)
    keys = list(OMM_KEYS) + (["MEAN_ELEMENT_THEORY"] if any(r.mean_element_theory != "SGP4" for r in records) else [])
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(keys)
    for record in records:
        fields = _fields(record)
        fields.setdefault("MEAN_ELEMENT_THEORY", record.mean_element_theory)
        writer.writerow([_value_text(fields[key]) for key in keys])
    return out.getvalue()


_METADATA_KEYS = ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "TIME_SYSTEM", "MEAN_ELEMENT_THEORY")
_MEAN_KEYS = ("EPOCH", "MEAN_MOTION", "ECCENTRICITY", "INCLINATION", "RA_OF_ASC_NODE",
              "ARG_OF_PERICENTER", "MEAN_ANOMALY")
_TLE_KEYS = ("EPHEMERIS_TYPE", "CLASSIFICATION_TYPE", "NORAD_CAT_ID", "ELEMENT_SET_NO", "REV_AT_EPOCH",
             "BSTAR", "MEAN_MOTION_DOT", "MEAN_MOTION_DDOT")


def _ccsds_fields(record: MeanElementsGP) -> dict:
    fields = _fields(record)
    fields.update({"CENTER_NAME": "EARTH", "REF_FRAME": "TEME", "TIME_SYSTEM": "UTC",
                   "MEAN_ELEMENT_THEORY": record.mean_element_theory})
    return fields


def _creation(creation_date: Time | None) -> str:
    if creation_date is None:
        now = _dt.datetime.now(_dt.timezone.utc)
        creation_date = Time.from_utc_calendar(now.year, now.month, now.day, now.hour, now.minute,
                                               now.second + now.microsecond * 1e-6)
    return creation_date.utc_iso(decimals=6).removesuffix("Z")


def format_omm_kvn(records, *, originator: str = "COSMODROME", creation_date: Time | None = None) -> str:
    """CCSDS OMM KVN (version 2.0), one message per record, blank line between messages.

    ``creation_date`` defaults to now (UTC). Values at full precision; units in brackets. A record
    without a name is written ``OBJECT_NAME = UNKNOWN`` (the key is mandatory in KVN).
    """
    blocks = []
    created = _creation(creation_date)
    for record in records:
        fields = _ccsds_fields(record)
        lines = ["CCSDS_OMM_VERS = 2.0", f"CREATION_DATE = {created}", f"ORIGINATOR = {originator}", ""]
        for key in _METADATA_KEYS:
            if key == "OBJECT_NAME" and not fields[key]:
                fields[key] = "UNKNOWN"
            lines.append(f"{key:<20s}= {fields[key]}")
        lines.append("")
        for key in _MEAN_KEYS + _TLE_KEYS:
            unit = f" [{_KVN_UNITS[key]}]" if key in _KVN_UNITS else ""
            lines.append(f"{key:<20s}= {_value_text(fields[key])}{unit}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def format_omm_xml(records, *, originator: str = "COSMODROME", creation_date: Time | None = None) -> str:
    """CCSDS NDM/XML with one ``<omm>`` (version 2.0) per record, in CelesTrak's layout."""
    created = _creation(creation_date)
    ndm = ElementTree.Element("ndm", {
        "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance",
        "xsi:noNamespaceSchemaLocation":
            "https://sanaregistry.org/r/ndmxml_unqualified/ndmxml-2.0.0-master-2.0.xsd"})
    for record in records:
        fields = _ccsds_fields(record)
        omm = ElementTree.SubElement(ndm, "omm", {"id": "CCSDS_OMM_VERS", "version": "2.0"})
        header = ElementTree.SubElement(omm, "header")
        ElementTree.SubElement(header, "CREATION_DATE").text = created
        ElementTree.SubElement(header, "ORIGINATOR").text = originator
        segment = ElementTree.SubElement(ElementTree.SubElement(omm, "body"), "segment")
        for group, keys in (("metadata", _METADATA_KEYS), ("data/meanElements", _MEAN_KEYS),
                            ("data/tleParameters", _TLE_KEYS)):
            parent = segment
            for tag in group.split("/"):
                found = parent.find(tag)
                parent = found if found is not None else ElementTree.SubElement(parent, tag)
            for key in keys:
                ElementTree.SubElement(parent, key).text = _value_text(fields[key])
    ElementTree.indent(ndm)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ElementTree.tostring(ndm, encoding="unicode") + "\n"


def write_omm(records, path: str | os.PathLike[str], *, form: str | None = None, **options) -> Path:
    """Write records as OMM; ``form`` 'json', 'csv', 'xml' or 'kvn', by default from the file suffix."""
    path = Path(path)
    form = (form or path.suffix.lstrip(".")).lower()
    writers = {"json": format_omm_json, "csv": format_omm_csv, "xml": format_omm_xml, "kvn": format_omm_kvn}
    if form not in writers:
        raise InvalidInputError(f"unknown OMM form {form!r}: expected json, csv, xml or kvn (or that file suffix)",
                                source=str(path), field="form")
    path.write_text(writers[form](records, **options), encoding="utf-8", newline="")
    return path
