"""GeoJSON (RFC 7946) in and out for coverage: areas from Polygon/MultiPolygon files, grids with values.

Reading: a file holding a Polygon, a MultiPolygon, a GeometryCollection of them, a Feature of one
of these, or a FeatureCollection of such Features. Coordinates are WGS-84 longitude, latitude in
degrees (RFC 7946 section 4); a third value (height) is ignored. Polygons crossing the
antimeridian may be split (as RFC 7946 section 3.1.9 asks), or given with longitudes that jump
(170 -> -170) or run past 180 (170 -> 190): ``cosmodrome.observe.areas`` explains how each is read.
Every error names the file and the JSON path of the offending member, e.g.
``areas.geojson, field features[2].geometry.coordinates[0]: self-intersecting polygon: ...``.
The pre-2016 ``crs`` member is accepted only when it names WGS-84 longitude/latitude (CRS84 or
EPSG:4326).

Writing: a grid as a FeatureCollection with one Feature per grid point, either a Point at the
point or a Polygon of its cell (a longitude-latitude rectangle, never crossing the antimeridian),
with the point's values as properties. NaN becomes ``null`` (JSON has no NaN). Coordinates are
written to 1e-7 deg (1 cm), as RFC 7946 section 11.2 suggests for precision.
"""

from __future__ import annotations

import json
import math
import os
from enum import Enum
from pathlib import Path

import numpy as np

from ..errors import InvalidInputError
from ..observe.areas import Area, Grid, Polygon

_WGS84_CRS_NAMES = {"urn:ogc:def:crs:OGC:1.3:CRS84", "urn:ogc:def:crs:OGC::CRS84", "EPSG:4326",
                    "urn:ogc:def:crs:EPSG::4326", "urn:ogc:def:crs:EPSG:6.6:4326"}
_COORDINATE_DECIMALS = 7


class GridGeometry(str, Enum):
    """How a grid point is drawn in GeoJSON."""

    POINTS = "points"  # a Point at the cell centre
    CELLS = "cells"    # the cell as a Polygon (longitude-latitude rectangle)


# --- reading -----------------------------------------------------------------------------------

def read_area_geojson(path, name: str | None = None) -> Area:
    """The Area (union of polygons) in a GeoJSON file.

    ``name``: the area's name; by default the ``name`` property of a single Feature, else the
    file's stem. Raises InvalidInputError (naming the file and the JSON path) for a missing or
    unreadable file, invalid JSON, a structure that is not GeoJSON polygons, and the polygon
    errors of :class:`cosmodrome.observe.areas.Polygon` (empty, self-intersecting, bad positions).
    """
    source = os.fspath(path)
    try:
        with open(source, encoding="utf-8") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise InvalidInputError("file not found", source=source) from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"not UTF-8 text as GeoJSON must be (RFC 7946 section 11): {exc.reason} at "
                                f"byte {exc.start}", source=source) from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read the file: {exc.strerror}", source=source) from None
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InvalidInputError(f"not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                                source=source) from None
    return area_from_geojson(document, source=source, name=name or None, default_name=Path(source).stem)


def area_from_geojson(document, *, source: str = "GeoJSON", name: str | None = None,
                      default_name: str = "area") -> Area:
    """The Area described by a parsed GeoJSON object (dict); ``source`` names it in error messages."""
    polygons: list[Polygon] = []
    names: list[str] = []
    _expect_object(document, source, "$")
    _check_crs(document, source, "$")
    kind = _type_of(document, source, "$")
    if kind == "FeatureCollection":
        features = document.get("features")
        if not isinstance(features, list):
            raise InvalidInputError(f"expected a list of Features, got {_show(features)}", source=source,
                                    field="features")
        if not features:
            raise InvalidInputError("empty polygon: the FeatureCollection has no features", source=source,
                                    field="features")
        for k, feature in enumerate(features):
            _read_feature(feature, source, f"features[{k}]", polygons, names)
    elif kind == "Feature":
        _read_feature(document, source, "$", polygons, names)
    else:
        _read_geometry(document, source, "$", polygons)
    if name is None:
        name = names[0] if len(names) == 1 and names[0] else default_name
    return Area.from_polygons(tuple(polygons), name=name)


def _show(value) -> str:
    text = json.dumps(value) if isinstance(value, (dict, list, str, int, float, bool, type(None))) else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _join(path: str, member: str) -> str:
    return member if path == "$" else f"{path}.{member}"


def _expect_object(value, source, path):
    if not isinstance(value, dict):
        raise InvalidInputError(f"expected a GeoJSON object ({{\"type\": ...}}), got {_show(value)}",
                                source=source, field=path)


def _type_of(obj, source, path) -> str:
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise InvalidInputError(f"expected a \"type\" member (Polygon, MultiPolygon, Feature, ...), got "
                                f"{_show(kind)}", source=source, field=_join(path, "type"))
    return kind


def _check_crs(obj, source, path):
    crs = obj.get("crs")
    if crs is None:
        return
    crs_name = crs.get("properties", {}).get("name") if isinstance(crs, dict) else None
    if crs_name not in _WGS84_CRS_NAMES:
        raise InvalidInputError(f"coordinates must be WGS-84 longitude, latitude in degrees (RFC 7946); this "
                                f"file names another reference system: {_show(crs)}", source=source,
                                field=_join(path, "crs"))


def _read_feature(feature, source, path, polygons, names):
    _expect_object(feature, source, path)
    kind = _type_of(feature, source, path)
    if kind != "Feature":
        raise InvalidInputError(f"expected a Feature, got type {kind!r}", source=source, field=_join(path, "type"))
    if "geometry" not in feature or feature["geometry"] is None:
        raise InvalidInputError("empty polygon: the Feature has no geometry", source=source,
                                field=_join(path, "geometry"))
    properties = feature.get("properties")
    if isinstance(properties, dict) and isinstance(properties.get("name"), str):
        names.append(properties["name"])
    else:
        names.append("")
    _read_geometry(feature["geometry"], source, _join(path, "geometry"), polygons)


def _read_geometry(geometry, source, path, polygons):
    _expect_object(geometry, source, path)
    kind = _type_of(geometry, source, path)
    if kind == "GeometryCollection":
        members = geometry.get("geometries")
        if not isinstance(members, list) or not members:
            raise InvalidInputError(f"expected a non-empty list of geometries, got {_show(members)}",
                                    source=source, field=_join(path, "geometries"))
        for k, member in enumerate(members):
            _read_geometry(member, source, f"{_join(path, 'geometries')}[{k}]", polygons)
        return
    if kind not in ("Polygon", "MultiPolygon"):
        raise InvalidInputError(f"expected a Polygon or MultiPolygon geometry, got type {kind!r}",
                                source=source, field=_join(path, "type"))
    coords_path = _join(path, "coordinates")
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list):
        raise InvalidInputError(f"expected a list of rings, got {_show(coordinates)}", source=source,
                                field=coords_path)
    if not coordinates:
        raise InvalidInputError(f"empty polygon: the {kind} has no coordinates", source=source, field=coords_path)
    if kind == "Polygon":
        polygons.append(_polygon(coordinates, source, coords_path))
    else:
        for k, rings in enumerate(coordinates):
            member_path = f"{coords_path}[{k}]"
            if not isinstance(rings, list) or not rings:
                raise InvalidInputError(f"empty polygon: expected a non-empty list of rings, got {_show(rings)}",
                                        source=source, field=member_path)
            polygons.append(_polygon(rings, source, member_path))


def _polygon(rings, source, path) -> Polygon:
    checked = []
    for k, ring in enumerate(rings):
        ring_path = f"{path}[{k}]"
        if not isinstance(ring, list):
            raise InvalidInputError(f"expected a list of positions, got {_show(ring)}", source=source,
                                    field=ring_path)
        if ring and not isinstance(ring[0], list):
            raise InvalidInputError(f"expected a ring (a list of [longitude, latitude] positions), got "
                                    f"{_show(ring)}: a Polygon's coordinates are a list of rings; is a level of "
                                    "brackets missing?", source=source, field=ring_path)
        for m, position in enumerate(ring):
            _check_position(position, source, f"{ring_path}[{m}]")
        checked.append(ring)
    return Polygon(checked[0], tuple(checked[1:]), source=source, path=path)


def _check_position(position, source, path):
    if not isinstance(position, list) or not 2 <= len(position) <= 3:
        raise InvalidInputError(f"expected a position [longitude, latitude] (or with a height), got "
                                f"{_show(position)}", source=source, field=path)
    for value in position:
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InvalidInputError(f"expected numbers in degrees, got {_show(position)}", source=source, field=path)


# --- writing -----------------------------------------------------------------------------------

def _property_columns(grid: Grid, values) -> list[tuple[str, list]]:
    columns = []
    for key, column in (values or {}).items():
        if not isinstance(key, str) or not key:
            raise InvalidInputError(f"value names must be non-empty strings, got {key!r}", field="values")
        array = np.asarray(column)
        if array.shape != (grid.size,):
            raise InvalidInputError(f"expected {grid.size} values (one per grid point), got shape {array.shape}",
                                    field=f"values[{key!r}]")
        if array.dtype == bool:
            columns.append((key, array.tolist()))
        elif np.issubdtype(array.dtype, np.integer):
            columns.append((key, array.astype(np.int64).tolist()))
        elif np.issubdtype(array.dtype, np.floating):
            as_float = array.astype(float)
            listed = as_float.tolist()
            for k in np.flatnonzero(~np.isfinite(as_float)):
                listed[k] = None
            columns.append((key, listed))
        else:
            raise InvalidInputError(f"expected numbers or booleans, got dtype {array.dtype}",
                                    field=f"values[{key!r}]")
    return columns


def grid_to_geojson(grid: Grid, values=None, *, geometry: GridGeometry = GridGeometry.POINTS) -> dict:
    """A FeatureCollection (dict) of the grid's points or cells, with ``values`` as properties.

    ``values``: mapping name -> array (n_points,) of numbers or booleans (NaN written as null).
    Each Feature also has ``point`` (its index), ``latitude_deg``, ``longitude_deg`` and
    ``cell_area_m2``. The collection carries ``resolution_deg``, ``area`` and ``earth_model`` as
    foreign members (RFC 7946 section 6.1).
    """
    try:
        geometry = GridGeometry(geometry)
    except ValueError:
        raise InvalidInputError(f"expected one of {', '.join(g.value for g in GridGeometry)}, got {geometry!r}",
                                field="geometry") from None
    columns = _property_columns(grid, values)
    d = _COORDINATE_DECIMALS
    lat = np.round(grid.latitude_deg, d).tolist()
    lon = np.round(grid.longitude_deg, d).tolist()
    south, north = np.round(grid.south_deg, d).tolist(), np.round(grid.north_deg, d).tolist()
    west, east = np.round(grid.west_deg, d).tolist(), np.round(grid.east_deg, d).tolist()
    area = grid.cell_area_m2.tolist()
    features = []
    for k in range(grid.size):
        if geometry is GridGeometry.POINTS:
            shape = {"type": "Point", "coordinates": [lon[k], lat[k]]}
        else:
            # Counter-clockwise, as RFC 7946 section 3.1.6 asks of exterior rings.
            shape = {"type": "Polygon", "coordinates": [[[west[k], south[k]], [east[k], south[k]],
                                                         [east[k], north[k]], [west[k], north[k]],
                                                         [west[k], south[k]]]]}
        properties = {"point": k, "latitude_deg": lat[k], "longitude_deg": lon[k], "cell_area_m2": area[k]}
        for key, column in columns:
            properties[key] = column[k]
        features.append({"type": "Feature", "geometry": shape, "properties": properties})
    return {"type": "FeatureCollection", "resolution_deg": grid.resolution_deg, "area": grid.area.name,
            "earth_model": grid.earth_model, "features": features}


def write_grid_geojson(path, grid: Grid, values=None, *, geometry: GridGeometry = GridGeometry.POINTS) -> None:
    """Write :func:`grid_to_geojson` to ``path`` (UTF-8, compact). Raises InvalidInputError on bad values."""
    document = grid_to_geojson(grid, values, geometry=geometry)
    with open(os.fspath(path), "w", encoding="utf-8") as handle:
        json.dump(document, handle, allow_nan=False, separators=(",", ":"))
        handle.write("\n")
