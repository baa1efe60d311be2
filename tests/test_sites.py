"""Launch sites: the bundled table, lookups, validation and ad-hoc sites."""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest

from cosmodrome.earth.geodesy import ecef_to_geodetic
from cosmodrome.errors import InvalidInputError
from cosmodrome.sites import Site, find_site, load_sites, site_from_coordinates

REFERENCE = Path(__file__).resolve().parents[1] / ".." / "shared" / "reference" / "spaceports.json"


def test_every_bundled_site_loads_with_unique_ids():
    sites = load_sites()
    assert len(sites) == 29
    assert len({site.id for site in sites}) == 29
    assert all(isinstance(site, Site) and site.source for site in sites)


def test_bundled_table_keeps_every_reference_record_verbatim():
    if not REFERENCE.exists():
        pytest.skip(f"shared reference file not present at {REFERENCE}")
    from importlib import resources
    bundled = json.loads(resources.files("cosmodrome").joinpath("data", "spaceports.json").read_text("utf-8"))
    reference = json.loads(REFERENCE.read_text("utf-8"))
    assert bundled["source"]
    assert [site["reference"] for site in bundled["sites"]] == reference
    for site, ref in zip(bundled["sites"], reference):
        # Normalised coordinates are copies of the reference; null altitudes became 0 with a note.
        assert (site["latitude_deg"], site["longitude_deg"]) == (ref["latitude_deg"], ref["longitude_deg"])
        if ref["altitude_m"] is None:
            assert site["altitude_m"] == 0.0 and "null" in site["altitude_note"]
        else:
            assert site["altitude_m"] == ref["altitude_m"]


def test_vostochny_coordinates():
    # GCAT lp.tsv (J. McDowell, 2024-01-13), Soyuz-2 pad PU-1S: 51.8769 N 128.3322 E; 278 m from
    # LMerkin/SpaceBallistics (as recorded in shared/reference/spaceports.json).
    site = find_site("vostochny")
    assert site.latitude_deg == pytest.approx(51.8769, abs=1e-9)
    assert site.longitude_deg == pytest.approx(128.3322, abs=1e-9)
    assert site.altitude_m == 278
    assert (site.inclination_min_deg, site.inclination_max_deg) == (50.0, 110.0)


def test_documented_limits_are_loaded():
    assert find_site("plesetsk").inclination_min_deg == 63.0
    assert find_site("plesetsk").inclination_max_deg == 83.0
    assert find_site("kodiak").azimuth_ranges_deg == ((110.0, 220.0),)
    assert find_site("ksc").azimuth_ranges_deg == ((35.0, 120.0),)
    assert find_site("vandenberg").preferred_direction == "southbound"
    assert not find_site("jiuquan").has_limits


def test_missing_altitude_becomes_zero_with_a_note():
    site = find_site("plesetsk")
    assert site.altitude_m == 0.0
    assert "0 m" in site.notes


def test_find_site_is_case_insensitive_and_accepts_names():
    assert find_site("VOSTOCHNY").id == "vostochny"
    assert find_site("Vostochny").id == "vostochny"
    assert find_site("Cape-Canaveral").id == "cape_canaveral"
    assert find_site("Kennedy Space Center").id == "ksc"
    assert find_site("kourou").id == "kourou"
    assert find_site("Baikonur Cosmodrome (GIK-5, Tyuratam)").id == "baikonur"


def test_unknown_site_suggests_the_closest_ids():
    with pytest.raises(InvalidInputError) as info:
        find_site("vostochni")
    text = str(info.value)
    assert "unknown launch site 'vostochni'" in text
    assert "did you mean 'vostochny'" in text
    assert "`cosmodrome sites` lists" in text
    assert info.value.field == "site"


def test_ambiguous_name_lists_the_candidates():
    with pytest.raises(InvalidInputError, match="matches several launch sites .*'ksc'"):
        find_site("space")


@pytest.mark.parametrize("field_name, kwargs", [
    ("latitude_deg", dict(latitude_deg=95.0)),
    ("latitude_deg", dict(latitude_deg=float("nan"))),
    ("longitude_deg", dict(longitude_deg=360.0)),
    ("longitude_deg", dict(longitude_deg=-180.5)),
    ("altitude_m", dict(altitude_m=-2000.0)),
    ("azimuth_ranges_deg[0]", dict(azimuth_ranges_deg=((30.0, 400.0),))),
    ("azimuth_ranges_deg[0]", dict(azimuth_ranges_deg=((30.0, 30.0),))),
    ("inclination_min_deg", dict(inclination_min_deg=-1.0)),
    ("inclination_max_deg", dict(inclination_min_deg=60.0, inclination_max_deg=50.0)),
    ("preferred_direction", dict(preferred_direction="eastbound")),
])
def test_site_validation_names_the_field(field_name, kwargs):
    base = dict(id="test", name="Test site", country="Nowhere", latitude_deg=10.0, longitude_deg=20.0)
    base.update(kwargs)
    with pytest.raises(InvalidInputError) as info:
        Site(**base)
    assert info.value.field == field_name
    assert "site 'test'" in str(info.value)
    assert "expected" in str(info.value)


def test_site_is_frozen_and_coerces_lists_to_tuples():
    site = Site(id="t", name="T", country="", latitude_deg=0.0, longitude_deg=0.0,
                azimuth_ranges_deg=[[340, 20]])
    assert site.azimuth_ranges_deg == ((340.0, 20.0),)
    with pytest.raises(AttributeError):
        site.latitude_deg = 1.0  # type: ignore[misc]


def test_ad_hoc_site_has_no_limits_and_validates():
    site = site_from_coordinates(-2.3177, -44.368, 40.0, name="pad")
    assert site.name == "pad" and site.altitude_m == 40.0
    assert not site.has_limits
    with pytest.raises(InvalidInputError, match="latitude"):
        site_from_coordinates(91.0, 0.0)


def test_position_ecef_round_trips_through_geodetic():
    # The ECEF position must convert back to the site's own coordinates (Vermeille 2011 inverse,
    # exact to well under a millimetre at the surface).
    for site in load_sites():
        lat, lon, h = ecef_to_geodetic(site.position_ecef_m)
        assert math.degrees(lat) == pytest.approx(site.latitude_deg, abs=1e-9)
        assert np.isclose(math.cos(lon), math.cos(math.radians(site.longitude_deg)), atol=1e-12)
        assert np.isclose(math.sin(lon), math.sin(math.radians(site.longitude_deg)), atol=1e-12)
        assert h == pytest.approx(site.altitude_m, abs=1e-3)
