"""The "Coverage" part of `cosmodrome run`: the mission file's [coverage] table, the service step, the
report section and summary.json's `coverage` key.

The section tests read one real run with a small coverage request (the `coverage_run` fixture of
conftest.py: a 5 deg grid of a latitude band, one day, and a 4-satellite Walker constellation);
the no-coverage case reads the `orbit_run` fixture. Bad mission files fail in the reader, before
anything is flown, so those tests are quick.
"""

from __future__ import annotations

import base64
import json
import re

import pytest

from cosmodrome.cli import run
from cosmodrome.io.mission import load_mission
from cosmodrome.io.omm import parse_omm_kvn
from cosmodrome.mission import RUN_STEPS, cover_region
from cosmodrome.observe.access import AccessSpec
from cosmodrome.observe.areas import Area
from cosmodrome.observe.coverage import compute_coverage
from cosmodrome.orbits.constellation import WalkerSpec, walker_elements
from cosmodrome.report.summary import coverage_figures_dict
from cosmodrome.time import Time

HEADING = "Coverage"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def _sections(html: str) -> dict[str, str]:
    found = re.findall(r"<section id=\"section-\d+\">\s*<h2>(.*?)</h2>(.*?)</section>", html, flags=re.S)
    return {heading: body for heading, body in found}


# --- the report section ------------------------------------------------------------------------------

def test_report_ends_with_the_coverage_section_with_its_maps_table_and_plot(coverage_run):
    _, html, _ = coverage_run
    sections = _sections(html)
    assert list(sections)[-1] == HEADING
    body = sections[HEADING]
    assert "Area-weighted coverage figures" in body
    assert "Walker delta 97.4:4/2/1 at 500 km" in body
    images = re.findall(r"data:image/png;base64,([A-Za-z0-9+/=]+)", body)
    assert len(images) == 3  # satellite map, constellation map, area in access against time
    assert all(base64.b64decode(image).startswith(PNG_SIGNATURE) for image in images)


def test_without_a_coverage_table_the_section_says_none_requested(orbit_run):
    summary, html, _ = orbit_run
    assert summary["coverage"] == {"requested": False}
    body = _sections(html)[HEADING]
    assert "none requested" in body
    assert "<img" not in body


def test_no_coverage_table_costs_one_progress_call_and_nothing_else():
    seen = []
    coverage = cover_region(None, None, Time.from_utc_iso("2027-06-01T03:00:00Z"), progress=seen.append)
    assert seen == ["coverage"] and RUN_STEPS[-1] == "coverage"
    assert coverage.spec is None and coverage.satellite is None and coverage.constellation is None


# --- summary.json against the coverage engine called directly ----------------------------------------

def test_summary_figures_match_compute_coverage_called_directly(coverage_run):
    # The same TLE (the OMM at full precision), grid, window and access rule through
    # observe.coverage.compute_coverage: the figures must agree to the rounding of summary.json.
    summary, _, mission_path = coverage_run
    entry = summary["coverage"]
    (elements,) = parse_omm_kvn(summary["orbit"]["tle"]["omm_kvn"])
    start = Time.from_utc_iso(summary["insertion"]["epoch_utc"])
    area = Area.latitude_band(40.0, 70.0)
    access = AccessSpec.elevation_mask(10.0)
    direct = compute_coverage([elements], area, start, 86400.0, access, resolution_deg=5.0)
    assert entry["grid_points"] == direct.grid.size
    assert entry["access"] == access.describe()
    expected = coverage_figures_dict(direct)
    for key, value in entry["satellite"]["figures"].items():
        # 1 ms on times and 1e-6 on shares: the rounding of summary.json (the epoch in the summary
        # is printed to the millisecond, which moves the window by less than that).
        assert value == pytest.approx(expected[key], abs=2e-3 if key.endswith("_s") else 2e-6), key
    walker = walker_elements(WalkerSpec.from_notation("97.4:4/2/1"), 500e3, start)
    constellation = coverage_figures_dict(compute_coverage(list(walker), area, start, 86400.0, access,
                                                           resolution_deg=5.0))
    for key, value in entry["constellation"]["figures"].items():
        assert value == pytest.approx(constellation[key], abs=2e-3 if key.endswith("_s") else 2e-6), key
    # four satellites in the same kind of orbit see the band more often than one
    assert entry["constellation"]["figures"]["accesses_per_day"] > entry["satellite"]["figures"]["accesses_per_day"]


def test_summary_coverage_entry_names_the_request(coverage_run):
    entry = coverage_run[0]["coverage"]
    assert entry["requested"] is True
    assert entry["area"] == "latitude band 40 to 70 deg" and entry["resolution_deg"] == 5.0
    assert entry["days"] == 1.0 and entry["satellite"]["error"] is None
    assert entry["constellation"]["satellites"] == 4
    json.dumps(entry)  # plain JSON


# --- the mission file ------------------------------------------------------------------------------------

def test_coverage_table_is_read_with_its_defaults(tmp_path, mission_texts):
    path = tmp_path / "mission.toml"
    path.write_text(mission_texts["orbit"] + '[coverage]\nregion = "global"\nresolution_deg = 30\n')
    spec = load_mission(path).coverage
    assert spec.area.kind.value == "globe" and spec.resolution_deg == 30.0
    assert spec.days == 1.0 and spec.access.min_elevation_deg == 10.0 and spec.constellation is None


def test_coverage_region_file_is_relative_to_the_mission_file(tmp_path, mission_texts):
    (tmp_path / "box.geojson").write_text(json.dumps({"type": "Polygon", "coordinates": [
        [[30, 50], [60, 50], [60, 60], [30, 60], [30, 50]]]}))
    path = tmp_path / "mission.toml"
    path.write_text(mission_texts["orbit"] + '[coverage]\nregion = "box.geojson"\nresolution_deg = 5\n')
    spec = load_mission(path).coverage
    assert spec.area.kind.value == "polygons" and spec.grid.size > 0


BAD_POLYGON = json.dumps({"type": "Polygon", "coordinates": [[[0, 0], [10, 10], [10, 0], [0, 10], [0, 0]]]})


@pytest.mark.parametrize("text, field, expected", [
    ('[coverage]\nregion = "missing.geojson"\n', "coverage.region", "file not found"),
    ('[coverage]\nregion = "bad.geojson"\n', "coverage.region", "self-intersecting"),
    ('[coverage]\nlat_band = [40, 70]\nresolution_deg = 0.01\n', "coverage.resolution_deg",
     "got 0.01 (the finest grid is 0.1 deg)"),
    ('[coverage]\nlat_band = [40, 70]\nresolution_deg = 0\n', "coverage.resolution_deg", "got 0"),
    ('[coverage]\nlat_band = [70, 40]\n', "coverage.lat_band", "south of the northern edge"),
    ('[coverage]\nlat_band = 40\n', "coverage.lat_band", "expected [min, max]"),
    ('[coverage]\nresolution_deg = 2\n', "coverage.region", "got none"),
    ('[coverage]\nregion = "global"\nlat_band = [0, 10]\n', "coverage.lat_band", "exactly one"),
    ('[coverage]\nregion = "global"\ndays = 0\n', "coverage.days", "got 0"),
    ('[coverage]\nregion = "global"\nuse_sensor = true\n', "coverage.use_sensor", "needs a [sensor]"),
    ('[coverage]\nregion = "global"\nresolutoin_deg = 2\n', "coverage.resolutoin_deg", "'resolution_deg'"),
    ('[coverage]\nregion = "global"\n[coverage.constellation]\nwalker = "53:24/5/1"\naltitude_km = 550\n',
     "coverage.constellation.walker", "not a multiple of p = 5"),
    ('[coverage]\nregion = "global"\n[coverage.constellation]\nwalker = "53:24/3/3"\naltitude_km = 550\n',
     "coverage.constellation.walker", "phasing f = 3 is out of range"),
    ('[coverage]\nregion = "global"\n[coverage.constellation]\nwalker = "53-24-3"\naltitude_km = 550\n',
     "coverage.constellation.walker", "i:t/p/f"),
    ('[coverage]\nregion = "global"\n[coverage.constellation]\nwalker = "53:24/3/1"\n',
     "coverage.constellation.altitude_km", "missing required field"),
    ('[coverage]\nregion = "global"\n[coverage.constellation]\nwalker = "53:24/3/1"\naltitude_km = 550\n'
     'pattern = "ring"\n', "coverage.constellation.pattern", "delta, star"),
])
def test_bad_coverage_field_exits_2_naming_the_field(tmp_path, capsys, mission_texts, text, field, expected):
    (tmp_path / "bad.geojson").write_text(BAD_POLYGON)
    path = tmp_path / "mission.toml"
    path.write_text(mission_texts["orbit"] + text)
    code = run(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if line.startswith("Error: "))
    assert code == 2
    assert "Traceback" not in err
    assert "mission.toml" in line and f"field {field}:" in line and expected in line
    assert not (tmp_path / "out").exists()  # refused before anything was flown
