"""Files of ground sites: CSV and GeoJSON, read into ``cosmodrome.observe.ground.GroundSite`` records.

CSV (comma separated, one header line, '#' lines are comments)::

    name,latitude_deg,longitude_deg[,altitude_m][,min_elevation_deg][,max_range_km]
    Toulouse,43.5603,1.4808,150,5,
    Kiruna,67.8571,20.9644,400,,2500

Latitude and longitude in degrees (WGS-84 geodetic, longitude east), altitude in metres above the
ellipsoid (default 0), elevation mask in degrees (default 0), largest slant range in kilometres
(default none; converted to metres here, once). An empty cell takes the default.

GeoJSON (RFC 7946): a FeatureCollection (or a single Feature) of Point features. ``coordinates`` are
``[longitude, latitude]`` or ``[longitude, latitude, altitude_m]``, GeoJSON's own order. Properties:
``name`` (default ``site N``), ``altitude_m`` (when the point has no third coordinate),
``min_elevation_deg``, ``max_range_km``, and ``azimuth_mask``:
``{"azimuth_deg": [...], "elevation_deg": [...], "interpolation": "linear" | "step"}``.

Every error names the file, the line or feature, the field and the value, and the expected form.
"""

from __future__ import annotations

import csv
import io
import json
import math
import os
from pathlib import Path

from ..errors import InvalidInputError
from ..observe.ground import AzimuthMask, GroundSite

CSV_COLUMNS = ("name", "latitude_deg", "longitude_deg", "altitude_m", "min_elevation_deg", "max_range_km")
_REQUIRED = ("name", "latitude_deg", "longitude_deg")
CSV_FORM = "a header 'name,latitude_deg,longitude_deg[,altitude_m][,min_elevation_deg][,max_range_km]'"


def read_ground_sites(path: str | os.PathLike[str]) -> list[GroundSite]:
    """Every site in a CSV or GeoJSON file (by extension: .csv, or .geojson/.json).

    Raises InvalidInputError for a missing, unreadable or empty file, an unknown extension, or a bad
    row (naming the file, line or feature, and field).
    """
    path = Path(path)
    source = str(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInputError("no such file", source=source) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInputError(f"cannot read the file: {exc}", source=source) from None
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return parse_ground_sites_csv(text, source=source)
    if suffix in (".geojson", ".json"):
        return parse_ground_sites_geojson(text, source=source)
    raise InvalidInputError(f"expected a .csv, .geojson or .json file of sites, got the extension {suffix!r}",
                            source=source)


def _number(value: str, source: str, where: str, field: str, default=None):
    text = (value or "").strip()
    if not text:
        if default is _REQUIRED_MARK:
            raise InvalidInputError(f"{where}: a value is required", source=source, field=field)
        return default
    try:
        number = float(text)
    except ValueError:
        raise InvalidInputError(f"{where}: expected a number, got {text!r}", source=source, field=field) from None
    if not math.isfinite(number):
        raise InvalidInputError(f"{where}: expected a finite number, got {text!r}", source=source, field=field)
    return number


_REQUIRED_MARK = object()


def _site(source: str, where: str, **fields) -> GroundSite:
    try:
        return GroundSite(**fields, source=f"{source}, {where}")
    except InvalidInputError as exc:
        # Keep the record's message (field, value, expected range) and put the file and row first.
        message = str(exc).split(": ", 1)[-1] if exc.source else str(exc)
        raise InvalidInputError(f"{where}: {message}", source=source, field=exc.field) from None


def parse_ground_sites_csv(text: str, *, source: str = "<csv>") -> list[GroundSite]:
    """Sites from CSV text (layout in the module docstring)."""
    lines = [(number, line) for number, line in enumerate(text.splitlines(), start=1)
             if line.strip() and not line.lstrip().startswith("#")]
    if not lines:
        raise InvalidInputError(f"the site file is empty: expected {CSV_FORM} and at least one row", source=source)
    header_number, header_line = lines[0]
    header = [cell.strip() for cell in next(csv.reader([header_line]))]
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in _REQUIRED if name not in header]
    if unknown or missing:
        detail = "; ".join(part for part in (f"unknown columns {unknown}" if unknown else "",
                                             f"missing columns {missing}" if missing else "") if part)
        raise InvalidInputError(f"line {header_number}: expected {CSV_FORM}, got {header_line.strip()!r} ({detail})",
                                source=source)
    if len(lines) == 1:
        raise InvalidInputError("the site file has a header but no sites", source=source)
    sites = []
    for number, line in lines[1:]:
        cells = next(csv.reader(io.StringIO(line)))
        where = f"line {number}"
        if len(cells) > len(header):
            raise InvalidInputError(f"{where}: expected {len(header)} comma-separated fields "
                                    f"({','.join(header)}), got {len(cells)}", source=source)
        row = dict(zip(header, [c.strip() for c in cells] + [""] * (len(header) - len(cells))))
        name = row.get("name", "")
        if not name:
            raise InvalidInputError(f"{where}: expected a site name, got an empty cell", source=source, field="name")
        max_range_km = _number(row.get("max_range_km", ""), source, where, "max_range_km")
        sites.append(_site(
            source, where, name=name,
            latitude_deg=_number(row["latitude_deg"], source, where, "latitude_deg", _REQUIRED_MARK),
            longitude_deg=_number(row["longitude_deg"], source, where, "longitude_deg", _REQUIRED_MARK),
            altitude_m=_number(row.get("altitude_m", ""), source, where, "altitude_m", 0.0),
            min_elevation_deg=_number(row.get("min_elevation_deg", ""), source, where, "min_elevation_deg", 0.0),
            max_range_m=None if max_range_km is None else max_range_km * 1e3))
    return sites


def _json_number(value, source: str, where: str, field: str, default=None):
    if value is None:
        if default is _REQUIRED_MARK:
            raise InvalidInputError(f"{where}: a value is required", source=source, field=field)
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(f"{where}: expected a number, got {value!r}", source=source, field=field)
    return float(value)


def _azimuth_mask(value, source: str, where: str) -> AzimuthMask | None:
    if value is None:
        return None
    form = '{"azimuth_deg": [...], "elevation_deg": [...], "interpolation": "linear" or "step"}'
    if not isinstance(value, dict) or not isinstance(value.get("azimuth_deg"), list) \
            or not isinstance(value.get("elevation_deg"), list):
        raise InvalidInputError(f"{where}: expected {form}, got {value!r}", source=source, field="azimuth_mask")
    try:
        return AzimuthMask(tuple(value["azimuth_deg"]), tuple(value["elevation_deg"]),
                           value.get("interpolation", "linear"))
    except InvalidInputError as exc:
        message = str(exc).split(": ", 1)[-1]
        raise InvalidInputError(f"{where}: azimuth mask: {message}", source=source,
                                field=f"azimuth_mask.{exc.field}") from None


def parse_ground_sites_geojson(text: str, *, source: str = "<geojson>") -> list[GroundSite]:
    """Sites from GeoJSON text: Point features (layout in the module docstring)."""
    if not text.strip():
        raise InvalidInputError("the site file is empty: expected a GeoJSON FeatureCollection of Point features",
                                source=source)
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                                source=source) from None
    if isinstance(document, dict) and document.get("type") == "Feature":
        features = [document]
    elif isinstance(document, dict) and document.get("type") == "FeatureCollection" \
            and isinstance(document.get("features"), list):
        features = document["features"]
    else:
        raise InvalidInputError("expected a GeoJSON FeatureCollection (or Feature) of Point features",
                                source=source)
    if not features:
        raise InvalidInputError("the site file has no features: expected at least one Point", source=source)
    sites = []
    for index, feature in enumerate(features):
        where = f"feature {index}"
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        coordinates = geometry.get("coordinates") if isinstance(geometry, dict) else None
        if not isinstance(geometry, dict) or geometry.get("type") != "Point" or not isinstance(coordinates, list) \
                or len(coordinates) not in (2, 3):
            raise InvalidInputError(f"{where}: expected a Point geometry with coordinates [longitude, latitude] "
                                    f"or [longitude, latitude, altitude_m], got {geometry!r}", source=source,
                                    field="geometry")
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            raise InvalidInputError(f"{where}: expected properties to be an object, got {properties!r}",
                                    source=source, field="properties")
        name = properties.get("name", f"site {index + 1}")
        if not isinstance(name, str) or not name.strip():
            raise InvalidInputError(f"{where}: expected a non-empty name, got {name!r}", source=source, field="name")
        where = f"feature {index} ({name})"
        lon = _json_number(coordinates[0], source, where, "longitude_deg", _REQUIRED_MARK)
        lat = _json_number(coordinates[1], source, where, "latitude_deg", _REQUIRED_MARK)
        if len(coordinates) == 3:
            alt = _json_number(coordinates[2], source, where, "altitude_m", 0.0)
        else:
            alt = _json_number(properties.get("altitude_m"), source, where, "altitude_m", 0.0)
        max_range_km = _json_number(properties.get("max_range_km"), source, where, "max_range_km")
        sites.append(_site(
            source, where, name=name.strip(), latitude_deg=lat, longitude_deg=lon, altitude_m=alt,
            min_elevation_deg=_json_number(properties.get("min_elevation_deg"), source, where,
                                           "min_elevation_deg", 0.0),
            azimuth_mask=_azimuth_mask(properties.get("azimuth_mask"), source, where),
            max_range_m=None if max_range_km is None else max_range_km * 1e3))
    return sites
