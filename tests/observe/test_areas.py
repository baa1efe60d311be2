"""Areas, polygons across the antimeridian, equal-area grids, and their GeoJSON reader and writer."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.io.geojson_areas import (GridGeometry, area_from_geojson, grid_to_geojson, read_area_geojson,
                                         write_grid_geojson)
from cosmodrome.observe.areas import (AUTHALIC_RADIUS_M, MIN_RESOLUTION_DEG, Area, Polygon, authalic_sine,
                                      equal_area_grid)

DATA = Path(__file__).parent / "data"
R_SPHERE_M = 6371000.0
BOX_ACROSS_ANTIMERIDIAN = [[170.0, -10.0], [-170.0, -10.0], [-170.0, 10.0], [170.0, 10.0], [170.0, -10.0]]


def box(west, south, east, north):
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# --- the Earth's area and the grid's weights ----------------------------------------------------

def test_authalic_radius_matches_wgs84_published_value():
    # NIMA TR8350.2, 3rd ed. (2000), table 3.5: radius of the sphere of equal area R2 = 6371007.1809 m.
    # 1 mm is the rounding of the published figure.
    assert AUTHALIC_RADIUS_M == pytest.approx(6371007.1809, abs=1e-3)


def test_authalic_sine_is_zero_at_equator_and_one_at_poles():
    assert authalic_sine(0.0) == 0.0
    assert authalic_sine(np.array([math.pi / 2, -math.pi / 2])) == pytest.approx([1.0, -1.0], abs=1e-15)


def test_global_grid_weights_sum_to_the_ellipsoid_area():
    grid = equal_area_grid(Area.globe(), 1.0)
    # 4 pi R_q^2 = 510,065,621.7 km^2 for WGS-84; only rounding in the sum separates them.
    assert grid.total_area_m2 == pytest.approx(4.0 * math.pi * AUTHALIC_RADIUS_M**2, rel=1e-12)
    assert grid.weight.sum() == pytest.approx(1.0, rel=1e-12)


def test_sphere_grid_weights_sum_to_4_pi_r_squared():
    grid = equal_area_grid(Area.globe(), 2.5, sphere_radius_m=R_SPHERE_M)
    assert grid.total_area_m2 == pytest.approx(4.0 * math.pi * R_SPHERE_M**2, rel=1e-12)
    assert grid.earth_model == "sphere of radius 6371000.0 m"


def test_global_one_degree_grid_has_about_4_pi_over_h_squared_points():
    # An equal-area grid of ~1 x 1 deg cells holds 4 pi / (1 deg in rad)^2 = 41,253 cells; the
    # rounding of each row's count moves the total by a few.
    grid = equal_area_grid(Area.globe(), 1.0)
    assert abs(grid.size - 4.0 * math.pi / math.radians(1.0) ** 2) < 20


def test_cells_in_a_row_share_one_area_and_rows_stay_close_to_the_equatorial_cell():
    grid = equal_area_grid(Area.globe(), 1.0, sphere_radius_m=R_SPHERE_M)
    for lat in np.unique(grid.latitude_deg):
        row = grid.cell_area_m2[grid.latitude_deg == lat]
        assert np.ptp(row) <= 1e-9 * row[0]
    # Away from the poles the rounding of n_k moves a cell's area by under 1 / (2 n_k) (n_k >= 30 here).
    target = (R_SPHERE_M * math.radians(1.0)) ** 2
    mid = np.abs(grid.latitude_deg) < 85.0
    assert np.all(np.abs(grid.cell_area_m2[mid] / target - 1.0) < 1.0 / 60.0)


def test_cells_tile_each_row_without_gaps():
    grid = equal_area_grid(Area.globe(), 10.0)
    for lat in np.unique(grid.latitude_deg):
        row = grid.latitude_deg == lat
        west, east = grid.west_deg[row], grid.east_deg[row]
        assert west[0] == -180.0 and east[-1] == pytest.approx(180.0)
        np.testing.assert_allclose(west[1:], east[:-1])
    assert np.all((grid.longitude_deg >= -180.0) & (grid.longitude_deg < 180.0))


def test_latitude_band_weights_sum_to_the_analytic_band_area():
    # Zone of a sphere: 2 pi R^2 (sin phi2 - sin phi1). Odd bounds so that the rows are shortened.
    band = Area.latitude_band(-33.3, 47.1)
    grid = equal_area_grid(band, 2.0, sphere_radius_m=R_SPHERE_M)
    expected = 2.0 * math.pi * R_SPHERE_M**2 * (math.sin(math.radians(47.1)) - math.sin(math.radians(-33.3)))
    assert grid.total_area_m2 == pytest.approx(expected, rel=1e-12)
    assert grid.row_height_deg <= 2.0
    assert grid.latitude_deg.min() > -33.3 and grid.latitude_deg.max() < 47.1


def test_polar_cap_polygon_area_against_the_spherical_cap():
    # Spherical cap north of 60.3 deg: 2 pi R^2 (1 - sin 60.3 deg). The grid takes whole cells whose
    # centre is inside, so the error is at most the 60-60.5 deg row (the only one the edge cuts).
    ring = [[lon, 60.3] for lon in (0.0, 90.0, 180.0, 270.0, 360.0)]  # eastward: encloses the north pole
    grid = equal_area_grid(Area.from_polygons(Polygon(ring)), 0.5, sphere_radius_m=R_SPHERE_M)
    expected = 2.0 * math.pi * R_SPHERE_M**2 * (1.0 - math.sin(math.radians(60.3)))
    cut_row = 2.0 * math.pi * R_SPHERE_M**2 * (math.sin(math.radians(60.5)) - math.sin(math.radians(60.0)))
    assert abs(grid.total_area_m2 - expected) <= cut_row
    assert grid.latitude_deg.min() > 60.3


def test_westward_ring_around_a_pole_encloses_the_south_pole():
    ring = [[lon, -75.0] for lon in (0.0, -90.0, -180.0, -270.0, -360.0)]
    polygon = Polygon(ring)
    assert polygon.contains(-80.0, 45.0)
    assert not polygon.contains(80.0, 45.0)
    assert not polygon.contains(-70.0, 45.0)


def test_box_polygon_area_against_the_analytic_box():
    # Lat-lon box on a sphere: R^2 (lon2 - lon1) (sin lat2 - sin lat1). Row edges fall on the box's
    # latitudes, so the error comes from the west and east sides only: at most half a cell per row
    # on each side, i.e. one cell per row in all.
    grid = equal_area_grid(Area.from_polygons(Polygon(box(10.0, 0.0, 20.0, 10.0))), 0.25,
                           sphere_radius_m=R_SPHERE_M)
    expected = R_SPHERE_M**2 * math.radians(10.0) * math.sin(math.radians(10.0))
    rows = np.unique(grid.latitude_deg).size
    assert rows == 40
    assert abs(grid.total_area_m2 - expected) <= rows * grid.cell_area_m2.max()


# --- polygons and the antimeridian -----------------------------------------------------------------

def test_box_across_the_antimeridian_contains_both_sides_and_not_greenwich():
    polygon = Polygon(BOX_ACROSS_ANTIMERIDIAN)
    lat = np.zeros(7)
    lon = np.array([175.0, -175.0, 179.99, -179.99, 0.0, 160.0, -160.0])
    np.testing.assert_array_equal(polygon.contains(lat, lon), [True, True, True, True, False, False, False])


def test_antimeridian_box_grid_has_points_on_both_sides_only():
    grid = equal_area_grid(Area.from_polygons(Polygon(BOX_ACROSS_ANTIMERIDIAN)), 1.0)
    lon = grid.longitude_deg
    assert np.any(lon > 170.0) and np.any(lon < -170.0)
    assert np.all((lon > 170.0) | (lon < -170.0))
    assert np.all(np.abs(grid.latitude_deg) < 10.0)


def test_the_three_ways_of_writing_an_antimeridian_box_give_the_same_grid():
    jumping = Area.from_polygons(Polygon(BOX_ACROSS_ANTIMERIDIAN))
    beyond_180 = Area.from_polygons(Polygon(box(170.0, -10.0, 190.0, 10.0)))
    split = Area.from_polygons((Polygon(box(170.0, -10.0, 180.0, 10.0)), Polygon(box(-180.0, -10.0, -170.0, 10.0))))
    grids = [equal_area_grid(a, 0.5) for a in (jumping, beyond_180, split)]
    for other in grids[1:]:
        np.testing.assert_array_equal(other.longitude_deg, grids[0].longitude_deg)
        np.testing.assert_array_equal(other.latitude_deg, grids[0].latitude_deg)


def test_unwrapped_ring_is_stored_with_continuous_longitudes():
    polygon = Polygon(BOX_ACROSS_ANTIMERIDIAN)
    np.testing.assert_array_equal(polygon.exterior_deg[:, 0], [170.0, 190.0, 190.0, 170.0, 170.0])


def test_full_width_polygon_is_read_literally_as_a_band():
    # [-180, -60] -> [180, -60] runs along the whole parallel, as drawn on a flat map.
    polygons = Area.from_polygons(Polygon(box(-180.0, -60.0, 180.0, 60.0)))
    band = Area.latitude_band(-60.0, 60.0)
    a, b = equal_area_grid(polygons, 2.0), equal_area_grid(band, 2.0)
    np.testing.assert_array_equal(a.latitude_deg, b.latitude_deg)
    np.testing.assert_array_equal(a.longitude_deg, b.longitude_deg)


def test_hole_is_left_out():
    polygon = Polygon(box(0.0, 0.0, 10.0, 10.0), (box(4.0, 4.0, 6.0, 6.0),))
    np.testing.assert_array_equal(polygon.contains([5.0, 2.0], [5.0, 2.0]), [False, True])


def test_hole_given_on_the_other_side_of_the_antimeridian_is_moved_over_its_exterior():
    polygon = Polygon(box(170.0, -10.0, 190.0, 10.0), (box(-178.0, -2.0, -176.0, 2.0),))
    assert polygon.holes_deg[0][0, 0] == pytest.approx(182.0)
    np.testing.assert_array_equal(polygon.contains([0.0, 0.0, 0.0], [-177.0, -175.0, 175.0]), [False, True, True])


@pytest.mark.parametrize("first, second", [
    (box(0.0, 0.0, 10.0, 10.0), box(10.0, 0.0, 20.0, 10.0)),    # shared meridian x = 10
    (box(0.0, -10.0, 10.0, 0.0), box(0.0, 0.0, 10.0, 10.0)),    # shared parallel y = 0
])
def test_shared_edge_assigns_a_point_to_exactly_one_polygon(first, second):
    # Half-open even-odd rule: a point on the common edge (vertices included) belongs to one side only.
    a, b = Polygon(first), Polygon(second)
    edge = np.array([p for p in first if p in second])
    t = np.linspace(0.0, 1.0, 11)
    lon = edge[0, 0] + t * (edge[1, 0] - edge[0, 0])
    lat = edge[0, 1] + t * (edge[1, 1] - edge[0, 1])
    inner = (t > 0) & (t < 1)
    np.testing.assert_array_equal((a.contains(lat, lon) ^ b.contains(lat, lon))[inner], True)


def test_contains_takes_a_single_point_and_arrays():
    polygon = Polygon(box(0.0, 0.0, 10.0, 10.0))
    assert polygon.contains(5.0, 5.0).shape == ()
    assert bool(polygon.contains(5.0, 365.0))  # longitudes of any turn
    assert polygon.contains(np.zeros((2, 3)) + 5.0, np.zeros((2, 3)) + 5.0).shape == (2, 3)


def test_grid_positions_are_on_the_surface():
    grid = equal_area_grid(Area.latitude_band(-5.0, 5.0), 5.0)
    r = np.linalg.norm(grid.positions_itrs_m(), axis=-1)
    assert np.all(np.abs(r - 6378137.0) < 25e3)
    sphere = equal_area_grid(Area.latitude_band(-5.0, 5.0), 5.0, sphere_radius_m=R_SPHERE_M)
    np.testing.assert_allclose(np.linalg.norm(sphere.positions_itrs_m(), axis=-1), R_SPHERE_M)


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("resolution", [0, 0.0, -1.0, 0.05, MIN_RESOLUTION_DEG / 2, 90.5, float("nan"), "1", True])
def test_bad_resolution_is_refused_with_the_allowed_range(resolution):
    with pytest.raises(InvalidInputError) as error:
        equal_area_grid(Area.globe(), resolution)
    assert str(error.value) == (
        "field resolution_deg: grid resolution must be a number of degrees from 0.1 to 90 (finer than 0.1 deg "
        f"the global grid exceeds 4 million points), got {resolution!r}")
    assert error.value.exit_code == 2


def test_minimum_resolution_is_accepted_for_a_small_area():
    grid = equal_area_grid(Area.from_polygons(Polygon(box(0.0, 0.0, 1.0, 1.0))), MIN_RESOLUTION_DEG)
    assert 90 <= grid.size <= 110


def test_area_too_small_for_the_grid_is_refused():
    with pytest.raises(InvalidInputError, match=r"no point of the 10 deg grid falls inside area 'tiny': use a "
                                                r"finer resolution \(cells are about 1112 km across\)"):
        equal_area_grid(Area.from_polygons(Polygon(box(0.1, 0.1, 0.2, 0.2)), name="tiny"), 10.0)


def test_bad_sphere_radius_is_refused():
    with pytest.raises(InvalidInputError, match=r"field sphere_radius_m: expected a positive radius in m, got -1"):
        equal_area_grid(Area.globe(), 1.0, sphere_radius_m=-1.0)


@pytest.mark.parametrize("low, high, message", [
    (10.0, 10.0, "the southern edge (10.0 deg) must lie south of the northern edge (10.0 deg)"),
    (20.0, -20.0, "the southern edge (20.0 deg) must lie south of the northern edge (-20.0 deg)"),
    (-91.0, 0.0, "expected a latitude from -90 to 90 deg, got -91.0"),
    (0.0, float("inf"), "expected a latitude from -90 to 90 deg, got inf"),
])
def test_bad_latitude_band_is_refused(low, high, message):
    with pytest.raises(InvalidInputError) as error:
        Area.latitude_band(low, high)
    assert message in str(error.value)


def test_area_of_no_polygons_is_refused():
    with pytest.raises(InvalidInputError,
                       match="field polygons: empty polygon: an area of polygons needs at least one"):
        Area.from_polygons(())


@pytest.mark.parametrize("ring, message", [
    ([], "empty polygon: the ring has no positions"),
    ([[0, 0], [1, 0], [0, 0]], "a linear ring needs at least 4 positions, the last equal to the first "
                               "(RFC 7946 section 3.1.6), got 3 position(s)"),
    ([[0, 0], [1, 0], [1, 1], [0, 1]], "a linear ring needs at least 4 positions, the last equal to the first "
                                       "(RFC 7946 section 3.1.6), got 4 position(s) ending at [0.0, 1.0] instead "
                                       "of [0.0, 0.0]"),
    ([[0, 0], [1, 0], [1, 0], [0, 0]], "empty polygon: the ring has 2 distinct position(s), a polygon needs 3"),
    ([[0, 0], [1, 1], [2, 2], [0, 0]], "self-intersecting polygon: the ring doubles back on itself"),
    ([[0, 0], [1, 0], [2, 0], [0, 0]], "self-intersecting polygon: the ring doubles back on itself"),
    ([[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]],
     "self-intersecting polygon: the edge from position 0 to 1 meets the edge from position 2 to 3 near "
     "longitude 5, latitude 5 deg"),
    ([[0, 0], [4, 0], [4, 4], [2, 0], [1, 3], [0, 0]],
     "self-intersecting polygon: the edge from position 0 to 1 meets the edge from position 2 to 3 near "
     "longitude 2, latitude 0 deg"),
    ([[0, 0], [1, 0], [1, 91], [0, 0]], "position 2: latitude must be within -90 to 90 deg, got 91.0"),
    ([[0, 0], [600, 0], [1, 1], [0, 0]], "position 1: longitude must be within -540 to 540 deg, got 600.0"),
    ([[0, 0], [1, float("nan")], [1, 1], [0, 0]], "position 1: expected finite numbers, got [1.0, nan]"),
    ([[0, 0], [180, 0], [180, 10], [0, 0]], "positions 0 and 1: the edge spans exactly 180 deg of longitude"),
    ([["a", 0], [1, 0], [1, 1], ["a", 0]], "expected a list of [longitude, latitude] positions in degrees"),
    ([[lon, 10.0] for lon in (0, 120, 240, 0, 120, 240, 0)], "a ring may not wind around a pole (its longitude "
                                                                 "runs +720 deg round the Earth)"),
])
def test_bad_rings_are_refused_with_their_reason(ring, message):
    with pytest.raises(InvalidInputError) as error:
        Polygon(ring, source="zones.geojson", path="features[0].geometry.coordinates")
    text = str(error.value)
    assert text.startswith("zones.geojson, field features[0].geometry.coordinates[0]: ")
    assert message in text


@pytest.mark.parametrize("hole, message", [
    (box(8.0, 4.0, 12.0, 6.0), "[1]: self-intersecting polygon: this hole crosses or touches the exterior ring near "
                               "longitude 10, latitude 4 deg"),
    (box(20.0, 4.0, 22.0, 6.0), "[1]: this hole lies outside the polygon's exterior ring"),
    ([[lon, 5.0] for lon in (0.0, 90.0, 180.0, 270.0, 360.0)], "[1]: a hole may not wind around a pole"),
])
def test_bad_holes_are_refused(hole, message):
    with pytest.raises(InvalidInputError) as error:
        Polygon(box(0.0, 0.0, 10.0, 10.0), (hole,))
    assert message in str(error.value)


def test_holes_crossing_each_other_are_refused():
    with pytest.raises(InvalidInputError, match=r"polygon\[2\]: self-intersecting polygon: this hole crosses or "
                                                r"touches hole 1 near"):
        Polygon(box(0.0, 0.0, 10.0, 10.0), (box(2.0, 2.0, 5.0, 5.0), box(4.0, 4.0, 7.0, 7.0)))


# --- GeoJSON in --------------------------------------------------------------------------------

def test_read_feature_collection_across_the_antimeridian():
    area = read_area_geojson(DATA / "areas_pacific.geojson")
    assert area.name == "Pacific box across the antimeridian"
    assert area.polygons[0].source.endswith("areas_pacific.geojson")
    np.testing.assert_array_equal(area.contains([0.0, 0.0, 0.0], [175.0, -175.0, 0.0]), [True, True, False])


def test_split_multipolygon_file_gives_the_same_grid_as_the_jumping_one():
    jumping = equal_area_grid(read_area_geojson(DATA / "areas_pacific.geojson"), 1.0)
    split = equal_area_grid(read_area_geojson(DATA / "areas_pacific_split.geojson"), 1.0)
    np.testing.assert_array_equal(split.longitude_deg, jumping.longitude_deg)
    np.testing.assert_array_equal(split.latitude_deg, jumping.latitude_deg)


def test_polygon_geometry_collection_and_holes_from_a_dict():
    document = {"type": "GeometryCollection", "geometries": [
        {"type": "Polygon", "coordinates": [box(0, 0, 10, 10), box(4, 4, 6, 6)]},
        {"type": "MultiPolygon", "coordinates": [[box(20, 0, 30, 10, )]]}]}
    area = area_from_geojson(document, name="mixed")
    assert area.name == "mixed" and len(area.polygons) == 2
    np.testing.assert_array_equal(area.contains([5, 2, 5], [5, 2, 25]), [False, True, True])


def test_file_name_is_the_default_area_name(tmp_path):
    path = tmp_path / "my_zone.geojson"
    path.write_text(json.dumps({"type": "Polygon", "coordinates": [box(0, 0, 1, 1)]}), encoding="utf-8")
    assert read_area_geojson(path).name == "my_zone"
    assert read_area_geojson(path, name="given").name == "given"


def test_malformed_json_names_the_file_line_and_column():
    path = DATA / "areas_malformed.geojson"
    with pytest.raises(InvalidInputError) as error:
        read_area_geojson(path)
    assert str(error.value) == f"{path}: not valid JSON: Expecting ',' delimiter at line 3, column 35"


def test_missing_file_is_named(tmp_path):
    path = tmp_path / "nowhere.geojson"
    with pytest.raises(InvalidInputError, match=r"nowhere.geojson: file not found"):
        read_area_geojson(path)


def test_non_utf8_file_is_refused(tmp_path):
    path = tmp_path / "latin1.geojson"
    path.write_bytes(b'{"type": "Polygon", "name": "S\xe3o Paulo"}')
    with pytest.raises(InvalidInputError, match=r"latin1.geojson: not UTF-8 text as GeoJSON must be"):
        read_area_geojson(path)


def test_self_intersecting_file_polygon_names_the_json_path():
    path = DATA / "areas_bowtie.geojson"
    with pytest.raises(InvalidInputError) as error:
        read_area_geojson(path)
    assert str(error.value) == (
        f"{path}, field features[1].geometry.coordinates[0]: self-intersecting polygon: the edge from position 0 "
        "to 1 meets the edge from position 2 to 3 near longitude 15, latitude 5 deg")


def test_other_geometry_types_are_refused_with_their_path():
    path = DATA / "areas_linestring.geojson"
    with pytest.raises(InvalidInputError) as error:
        read_area_geojson(path)
    assert str(error.value) == (f"{path}, field features[1].geometry.type: expected a Polygon or MultiPolygon "
                                "geometry, got type 'LineString'")


@pytest.mark.parametrize("document, field, message", [
    ([1, 2], "$", "expected a GeoJSON object ({\"type\": ...}), got [1, 2]"),
    ({"coordinates": []}, "type", "expected a \"type\" member (Polygon, MultiPolygon, Feature, ...), got null"),
    ({"type": "FeatureCollection", "features": []}, "features",
     "empty polygon: the FeatureCollection has no features"),
    ({"type": "FeatureCollection", "features": {}}, "features", "expected a list of Features, got {}"),
    ({"type": "FeatureCollection", "features": [{"type": "Polygon"}]}, "features[0].type",
     "expected a Feature, got type 'Polygon'"),
    ({"type": "Feature", "geometry": None, "properties": {}}, "geometry", "empty polygon: the Feature has no geometry"),
    ({"type": "Polygon", "coordinates": []}, "coordinates", "empty polygon: the Polygon has no coordinates"),
    ({"type": "MultiPolygon", "coordinates": [[]]}, "coordinates[0]",
     "empty polygon: expected a non-empty list of rings, got []"),
    ({"type": "Polygon", "coordinates": [[]]}, "coordinates[0]", "empty polygon: the ring has no positions"),
    ({"type": "Polygon", "coordinates": "x"}, "coordinates", "expected a list of rings, got \"x\""),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, "1"], [0, 0]]]}, "coordinates[0][2]",
     "expected numbers in degrees, got [1, \"1\"]"),
    ({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1, 0, 0], [0, 0]]]}, "coordinates[0][2]",
     "expected a position [longitude, latitude] (or with a height), got [1, 1, 0, 0]"),
    ({"type": "Polygon", "coordinates": [[0, 0], [1, 0], [1, 1], [0, 0]]}, "coordinates[0]",
     "expected a ring (a list of [longitude, latitude] positions), got [0, 0]: a Polygon's coordinates are a list "
     "of rings; is a level of brackets missing?"),
    ({"type": "GeometryCollection", "geometries": []}, "geometries",
     "expected a non-empty list of geometries, got []"),
    ({"type": "Polygon", "coordinates": [box(0, 0, 1, 1)],
      "crs": {"type": "name", "properties": {"name": "EPSG:3857"}}}, "crs",
     "coordinates must be WGS-84 longitude, latitude in degrees (RFC 7946); this file names another reference "
     "system"),
])
def test_malformed_geojson_is_refused_with_its_json_path(document, field, message):
    with pytest.raises(InvalidInputError) as error:
        area_from_geojson(document, source="zones.geojson")
    assert str(error.value).startswith(f"zones.geojson, field {field}: {message}")


def test_wgs84_crs_member_is_accepted():
    document = {"type": "Polygon", "coordinates": [box(0, 0, 1, 1)],
                "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}}}
    assert len(area_from_geojson(document).polygons) == 1


# --- GeoJSON out -------------------------------------------------------------------------------

def test_grid_written_as_points_with_values_and_nan_as_null(tmp_path):
    grid = equal_area_grid(Area.latitude_band(-10.0, 10.0), 10.0)
    values = np.arange(grid.size, dtype=float)
    values[1] = np.nan
    path = tmp_path / "grid.geojson"
    write_grid_geojson(path, grid, {"mean_gap_s": values, "is_covered": values > 3, "count": np.arange(grid.size)})
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["type"] == "FeatureCollection" and len(document["features"]) == grid.size
    assert document["resolution_deg"] == 10.0 and document["earth_model"] == "WGS-84 ellipsoid"
    first, second = document["features"][0], document["features"][1]
    assert first["geometry"] == {"type": "Point", "coordinates": [grid.longitude_deg[0], grid.latitude_deg[0]]}
    assert first["properties"]["mean_gap_s"] == 0.0 and second["properties"]["mean_gap_s"] is None
    assert second["properties"]["is_covered"] is False and second["properties"]["count"] == 1
    assert first["properties"]["cell_area_m2"] == pytest.approx(grid.cell_area_m2[0])


def test_grid_written_as_cells_reads_back_as_the_same_grid(tmp_path):
    # Each cell is a counter-clockwise rectangle; reading the cells back as an area and gridding it
    # again at the same resolution must select exactly the same points.
    grid = equal_area_grid(Area.from_polygons(Polygon(BOX_ACROSS_ANTIMERIDIAN)), 5.0)
    path = tmp_path / "cells.geojson"
    write_grid_geojson(path, grid, geometry=GridGeometry.CELLS)
    document = json.loads(path.read_text(encoding="utf-8"))
    ring = document["features"][0]["geometry"]["coordinates"][0]
    assert ring[0] == ring[-1] and len(ring) == 5
    again = equal_area_grid(read_area_geojson(path), 5.0)
    np.testing.assert_array_equal(again.longitude_deg, grid.longitude_deg)
    np.testing.assert_array_equal(again.latitude_deg, grid.latitude_deg)


def test_writer_refuses_values_of_the_wrong_length_or_kind():
    grid = equal_area_grid(Area.latitude_band(-10.0, 10.0), 10.0)
    with pytest.raises(InvalidInputError, match=rf"field values\['gap'\]: expected {grid.size} values \(one per grid "
                                                r"point\), got shape \(3,\)"):
        grid_to_geojson(grid, {"gap": [1.0, 2.0, 3.0]})
    with pytest.raises(InvalidInputError, match=r"field values\['name'\]: expected numbers or booleans, got dtype"):
        grid_to_geojson(grid, {"name": np.array(["x"] * grid.size)})
    with pytest.raises(InvalidInputError, match=r"field geometry: expected one of points, cells, got 'hexagons'"):
        grid_to_geojson(grid, geometry="hexagons")
