"""Ground sites: the record's checks, command-line text, the spaceport catalogue, CSV and GeoJSON
files, and elevation masks by azimuth (linear and stepwise)."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.io.ground_sites import read_ground_sites
from cosmodrome.observe import AzimuthMask, GroundSite, ground_site_from_spaceport, parse_site_spec


# --- the record --------------------------------------------------------------------------------------

def test_site_position_is_wgs84_geodetic():
    # WGS-84 (NIMA TR8350.2): a point on the equator at longitude 0 lies at x = a = 6378137 m;
    # the pole at z = b = 6356752.3142 m.
    assert np.allclose(GroundSite("eq", 0.0, 0.0).position_itrs_m, [6378137.0, 0.0, 0.0], atol=1e-6)
    assert np.allclose(GroundSite("pole", 90.0, 0.0).position_itrs_m, [0.0, 0.0, 6356752.3142], atol=1e-3)
    up = GroundSite("mid", 45.0, 90.0).east_north_up[2]
    assert np.allclose(up, [0.0, math.cos(math.pi / 4), math.sin(math.pi / 4)], atol=1e-15)


@pytest.mark.parametrize("field, kwargs, text", [
    ("latitude_deg", {"latitude_deg": 91.0}, "expected a latitude from -90 to 90 deg, got 91.0"),
    ("latitude_deg", {"latitude_deg": float("nan")}, "expected a latitude from -90 to 90 deg"),
    ("longitude_deg", {"longitude_deg": -181.0}, "expected a longitude from -180 to 360 deg"),
    ("longitude_deg", {"longitude_deg": 400.0}, "got 400.0"),
    ("altitude_m", {"altitude_m": 12000.0}, "expected an altitude from -500 to 9000 m"),
    ("min_elevation_deg", {"min_elevation_deg": 91.0}, "an elevation mask above 90 deg can never be met: got 91 deg"),
    ("min_elevation_deg", {"min_elevation_deg": -91.0}, "expected an elevation from -90 to 90 deg"),
    ("max_range_m", {"max_range_m": 0.0}, "expected a positive slant range in metres, got 0.0"),
])
def test_site_refuses_out_of_range_values_naming_the_field(field, kwargs, text):
    values = {"name": "bad", "latitude_deg": 10.0, "longitude_deg": 20.0}
    values.update(kwargs)
    with pytest.raises(InvalidInputError) as raised:
        GroundSite(**values)
    assert raised.value.field == field
    assert text in str(raised.value)
    assert "ground site 'bad'" in str(raised.value)


def test_with_min_elevation_raises_the_mask_never_lowers_it():
    site = GroundSite("s", 10.0, 20.0, min_elevation_deg=5.0)
    assert site.with_min_elevation(10.0).min_elevation_deg == 10.0
    assert site.with_min_elevation(0.0).min_elevation_deg == 5.0
    with pytest.raises(InvalidInputError, match="above 90 deg"):
        site.with_min_elevation(95.0)


# --- azimuth masks ---------------------------------------------------------------------------------------

def test_linear_mask_interpolates_across_north():
    mask = AzimuthMask((10.0, 100.0, 200.0), (5.0, 20.0, 0.0))
    # Between nodes: straight lines; across north from 200 deg (0) to 370 deg (5): 5 * 170/170.
    assert mask.elevation_deg(55.0) == pytest.approx(12.5)
    assert mask.elevation_deg(150.0) == pytest.approx(10.0)
    assert mask.elevation_deg(0.0) == pytest.approx(5.0 * 160.0 / 170.0)
    assert mask.elevation_deg(360.0) == pytest.approx(mask.elevation_deg(0.0))
    assert mask.elevation_deg(285.0) == pytest.approx(2.5)
    # Array path, and the slope (deg/deg) of each segment.
    az = np.array([55.0, 150.0, 285.0])
    assert np.allclose(mask.elevation_deg(az), [12.5, 10.0, 2.5])
    assert np.allclose(mask.slope(az), [15.0 / 90.0, -0.2, 5.0 / 170.0])


def test_step_mask_holds_each_value_up_to_the_next_azimuth():
    mask = AzimuthMask((10.0, 100.0, 200.0), (5.0, 20.0, 0.0), "step")
    assert mask.elevation_deg(10.0) == 5.0
    assert mask.elevation_deg(99.999) == 5.0
    assert mask.elevation_deg(100.0) == 20.0
    assert mask.elevation_deg(5.0) == 0.0  # before the first node the last one holds, across north
    assert np.all(mask.slope(np.array([0.0, 50.0])) == 0.0)


def test_effective_mask_is_the_larger_of_constant_and_azimuth_masks():
    site = GroundSite("s", 0.0, 0.0, min_elevation_deg=8.0,
                      azimuth_mask=AzimuthMask((0.0, 180.0), (3.0, 15.0), "step"))
    assert np.allclose(site.mask_deg(np.array([90.0, 270.0])), [8.0, 15.0])
    assert site.mask_range_deg == (8.0, 15.0)


@pytest.mark.parametrize("azimuths, elevations, text", [
    ((), (), "at least one"),
    ((0.0, 90.0), (5.0,), "one elevation per azimuth"),
    ((0.0, 360.0), (5.0, 5.0), "expected an azimuth in [0, 360) deg, got 360.0"),
    ((90.0, 10.0), (5.0, 5.0), "strictly increasing"),
    ((0.0, 90.0), (5.0, 95.0), "above 90 deg"),
])
def test_mask_refuses_bad_points(azimuths, elevations, text):
    with pytest.raises(InvalidInputError) as raised:
        AzimuthMask(azimuths, elevations)
    assert text in str(raised.value)


def test_mask_refuses_unknown_interpolation():
    with pytest.raises(InvalidInputError, match="expected 'linear' or 'step', got 'cubic'"):
        AzimuthMask((0.0,), (5.0,), "cubic")


# --- text and catalogue ----------------------------------------------------------------------------------

def test_site_spec_coordinates_and_name():
    site = parse_site_spec("43.56,1.48,150")
    assert (site.latitude_deg, site.longitude_deg, site.altitude_m) == (43.56, 1.48, 150.0)
    assert site.name == "43.5600,1.4800"
    named = parse_site_spec("Toulouse = -12.5, 200")
    assert named.name == "Toulouse" and named.altitude_m == 0.0 and named.longitude_deg == 200.0
    assert parse_site_spec("1e1,2", min_elevation_deg=7.0).min_elevation_deg == 7.0


@pytest.mark.parametrize("text, message", [
    ("95,10", "--site '95,10', field latitude_deg: expected a latitude from -90 to 90 deg, got 95.0"),
    ("45,-190", "expected a longitude from -180 to 360 deg"),
    ("45,10,abc", "expected 'lat,lon[,alt_m]'"),
    ("x=45", "expected 'lat,lon[,alt_m]'"),
    ("", "expected 'lat,lon[,alt_m]'"),
])
def test_site_spec_errors_name_the_problem(text, message):
    with pytest.raises(InvalidInputError) as raised:
        parse_site_spec(text)
    assert message in str(raised.value)


def test_site_spec_falls_back_to_the_spaceport_catalogue():
    site = parse_site_spec("baikonur")
    same = ground_site_from_spaceport("baikonur")
    assert site == same
    assert 45.0 < site.latitude_deg < 47.0 and 62.0 < site.longitude_deg < 64.0
    with pytest.raises(InvalidInputError, match="unknown launch site"):
        parse_site_spec("atlantis base")


# --- files -----------------------------------------------------------------------------------------------

def test_csv_file_with_defaults_and_kilometres(tmp_path):
    path = tmp_path / "sites.csv"
    path.write_text("# ground network\nname,latitude_deg,longitude_deg,altitude_m,min_elevation_deg,max_range_km\n"
                    "Toulouse,43.5603,1.4808,150,5,\nKiruna,67.8571,20.9644,,,2500\n")
    toulouse, kiruna = read_ground_sites(path)
    assert (toulouse.altitude_m, toulouse.min_elevation_deg, toulouse.max_range_m) == (150.0, 5.0, None)
    assert (kiruna.altitude_m, kiruna.min_elevation_deg, kiruna.max_range_m) == (0.0, 0.0, 2.5e6)


@pytest.mark.parametrize("text, message", [
    ("", "the site file is empty"),
    ("# only a comment\n", "the site file is empty"),
    ("name,latitude_deg,longitude_deg\n", "the site file has a header but no sites"),
    ("name,lat,lon\nA,1,2\n", "unknown columns ['lat', 'lon']"),
    ("name,latitude_deg,longitude_deg\nA,91,2\n", "line 2: expected a latitude from -90 to 90 deg, got 91.0"),
    ("name,latitude_deg,longitude_deg\nA,north,2\n", "line 2: expected a number, got 'north'"),
    ("name,latitude_deg,longitude_deg,min_elevation_deg\nA,1,2,95\n", "above 90 deg"),
    ("name,latitude_deg,longitude_deg\nA,1,2,3\n", "line 2: expected 3 comma-separated fields"),
])
def test_csv_errors_name_the_file_line_and_field(tmp_path, text, message):
    path = tmp_path / "bad.csv"
    path.write_text(text)
    with pytest.raises(InvalidInputError) as raised:
        read_ground_sites(path)
    assert str(path) in str(raised.value)
    assert message in str(raised.value)


def test_geojson_file_with_masks(tmp_path):
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [15.4078, 78.2298, 500.0]},
         "properties": {"name": "SvalSat", "min_elevation_deg": 5.0, "max_range_km": 3000,
                        "azimuth_mask": {"azimuth_deg": [0, 180], "elevation_deg": [2, 12],
                                         "interpolation": "step"}}},
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [-47.9, -15.9]},
         "properties": {"altitude_m": 1100}},
    ]}
    path = tmp_path / "sites.geojson"
    path.write_text(json.dumps(document))
    svalsat, second = read_ground_sites(path)
    assert (svalsat.latitude_deg, svalsat.longitude_deg, svalsat.altitude_m) == (78.2298, 15.4078, 500.0)
    assert svalsat.max_range_m == 3e6 and svalsat.mask_range_deg == (5.0, 12.0)
    assert second.name == "site 2" and second.altitude_m == 1100.0 and second.latitude_deg == -15.9


@pytest.mark.parametrize("document, message", [
    ({"type": "FeatureCollection", "features": []}, "has no features"),
    ({"type": "Topology"}, "expected a GeoJSON FeatureCollection"),
    ({"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
     "feature 0: expected a Point geometry"),
    ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 95]}, "properties": {"name": "X"}},
     "feature 0 (X): expected a latitude from -90 to 90 deg, got 95.0"),
    ({"type": "Feature", "geometry": {"type": "Point", "coordinates": [0, 5]},
      "properties": {"azimuth_mask": {"azimuth_deg": [0, 90], "elevation_deg": [5, 120]}}},
     "azimuth mask: an elevation mask above 90 deg"),
])
def test_geojson_errors(tmp_path, document, message):
    path = tmp_path / "bad.geojson"
    path.write_text(json.dumps(document))
    with pytest.raises(InvalidInputError) as raised:
        read_ground_sites(path)
    assert message in str(raised.value)


def test_empty_or_missing_file_and_unknown_extension(tmp_path):
    empty = tmp_path / "empty.geojson"
    empty.write_text("  \n")
    with pytest.raises(InvalidInputError, match="the site file is empty"):
        read_ground_sites(empty)
    with pytest.raises(InvalidInputError, match="no such file"):
        read_ground_sites(tmp_path / "missing.csv")
    other = tmp_path / "sites.txt"
    other.write_text("x")
    with pytest.raises(InvalidInputError, match="expected a .csv, .geojson or .json file"):
        read_ground_sites(other)
