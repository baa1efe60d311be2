"""The "Passes and imaging" part of `cosmodrome run`: the mission file's places, the report section,
and summary.json's `passes`, `opportunities` and `eclipses` keys.

Most tests read one real run with two stations, two targets and a camera (the `passes_run` fixture
of conftest.py); the no-places case reads the `orbit_run` fixture. Bad mission files fail in the
reader, before anything is flown, so those tests are quick.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from cosmodrome.cli import run
from cosmodrome.errors import InvalidInputError
from cosmodrome.io.mission import DEFAULT_ECLIPSE_DAYS, DEFAULT_PASS_DAYS, load_mission
from cosmodrome.io.omm import parse_omm_kvn
from cosmodrome.mission import RUN_STEPS, observe_orbit
from cosmodrome.observe.eclipses import cylindrical_eclipse_fraction
from cosmodrome.observe.ground import GroundSite
from cosmodrome.observe.passes import find_passes
from cosmodrome.sites import find_site
from cosmodrome.time import Time

HEADING = "Passes and imaging"


def _sections(html: str) -> dict[str, str]:
    found = re.findall(r"<section id=\"section-\d+\">\s*<h2>(.*?)</h2>(.*?)</section>", html, flags=re.S)
    return {heading: body for heading, body in found}


def _seconds_apart(a: list[str], b: list[str]) -> np.ndarray:
    return np.abs(Time.from_utc_iso(a) - Time.from_utc_iso(b))


# --- the report section ------------------------------------------------------------------------------

def test_report_ends_with_the_passes_section_with_its_tables_and_plot(passes_run):
    _, html, _ = passes_run
    sections = _sections(html)
    assert list(sections)[-2:] == [HEADING, "Coverage"]
    body = sections[HEADING]
    for caption in ("Passes over Vostochny", "Passes over Svalbard", "Imaging opportunities of Moscow",
                    "Imaging opportunities of Olkhon", "Eclipse seasons"):
        assert caption in body
    for column in ("rise (UTC)", "culmination (UTC)", "set (UTC)", "max elevation (deg)", "rise az. (deg)",
                   "set az. (deg)", "off-nadir (deg)", "Sun elevation (deg)", "GSD (m)"):
        assert f"<th scope=\"col\">{column}</th>" in body
    assert body.count("data:image/png;base64,") == 1  # eclipse share and beta angle against date
    assert "fitted TLE" in body or "TLE fitted" in body  # the text says which satellite, and why
    assert "numerical ephemeris" in body


def test_mission_without_places_still_gets_the_section_saying_none_requested(orbit_run):
    summary, html, _ = orbit_run
    body = _sections(html)[HEADING]
    assert "Passes: none requested" in body and "Imaging: none requested" in body
    assert summary["passes"]["stations"] == [] and summary["passes"]["passes"] == []
    assert summary["opportunities"]["targets"] == [] and summary["opportunities"]["sensor"] is None
    # Eclipses need no place: they are there with the default window.
    assert summary["eclipses"]["days"] == DEFAULT_ECLIPSE_DAYS and summary["eclipses"]["orbits"]


# --- summary.json ------------------------------------------------------------------------------------

def test_summary_has_the_three_keys_with_times_ending_in_z(passes_run):
    summary, _, _ = passes_run
    for key, days in (("passes", 2.0), ("opportunities", 2.0), ("eclipses", 10.0)):
        part = summary[key]
        assert part["error"] is None
        assert part["days"] == days
        assert part["start_utc"].endswith("Z") and part["end_utc"].endswith("Z")
        assert part["satellite"]["catalogue_number"] == 99999
    times = [p[k] for p in summary["passes"]["passes"] for k in ("rise_utc", "culmination_utc", "set_utc")]
    times += [o[k] for o in summary["opportunities"]["opportunities"] for k in ("start_utc", "end_utc")]
    times += [o["orbit_start_utc"] for o in summary["eclipses"]["orbits"]]
    assert times and all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", t) for t in times)


def test_passes_match_find_passes_called_directly(passes_run):
    summary, _, _ = passes_run
    (elements,) = parse_omm_kvn(summary["orbit"]["tle"]["omm_kvn"])
    start = Time.from_utc_iso(summary["insertion"]["epoch_utc"])  # the windows start at insertion
    vostochny = find_site("vostochny")
    stations = [GroundSite("Vostochny", vostochny.latitude_deg, vostochny.longitude_deg, vostochny.altitude_m,
                           min_elevation_deg=5.0),
                GroundSite("Svalbard", 78.2297, 15.4077, 500.0, min_elevation_deg=5.0)]
    direct = find_passes([elements], stations, start, 2 * 86400.0)
    reported = summary["passes"]["passes"]
    # A 500 km SSO passes over 78 deg N on most revolutions and over 52 deg N a few times a day.
    assert len(direct) == len(reported) > 20
    assert [p["station"] for p in reported] == direct["site"].tolist()
    # Times: summary.json rounds to 1 ms and both searches refine to 0.1 ms; the OMM text carries the
    # elements to far below a millisecond of motion. 2 ms covers the three.
    for key in ("rise_utc", "culmination_utc", "set_utc"):
        assert _seconds_apart([p[key] for p in reported], direct[key].tolist()).max() < 2e-3
    # Angles are rounded to 1e-3 deg in summary.json; the culmination's time error (< 2 ms) moves
    # the elevation by under 1e-4 deg (it is stationary there).
    assert np.allclose([p["max_elevation_deg"] for p in reported], direct["max_elevation_deg"], atol=2e-3)
    for key in ("rise_azimuth_deg", "set_azimuth_deg"):  # 2 ms at up to ~2 deg/s near the horizon
        assert np.allclose([p[key] for p in reported], direct[key], atol=1e-2)
    assert all(p["max_elevation_deg"] >= 5.0 for p in reported)


def test_opportunities_meet_the_sensor_and_carry_the_documented_gsd(passes_run):
    summary, _, _ = passes_run
    part = summary["opportunities"]
    sensor = part["sensor"]
    assert (sensor["off_nadir_max_deg"], sensor["min_sun_elevation_deg"]) == (30.0, 10.0)
    assert (sensor["pixel_pitch_um"], sensor["focal_length_mm"]) == (5.5, 1200.0)
    rows = part["opportunities"]
    assert rows and {o["target"] for o in rows} <= {"Moscow", "Olkhon"}
    for o in rows:
        assert o["off_nadir_deg"] <= 30.0 + 1e-3 and o["sun_elevation_deg"] >= 10.0 - 1e-3
        # docs/sensors-and-eclipses.md: gsd = D p / (f sqrt(sin eps)), D the slant range and eps
        # the satellite's elevation seen from the target; 1e-3 relative covers the summary's rounding.
        expected = o["slant_range_km"] * 1e3 * 5.5e-6 / 1.2 / math.sqrt(math.sin(math.radians(
            o["target_elevation_deg"])))
        assert o["gsd_m"] == pytest.approx(expected, rel=1e-3)


def test_eclipse_share_agrees_with_the_cylindrical_shadow(passes_run):
    summary, _, _ = passes_run
    part = summary["eclipses"]
    orbits = part["orbits"]
    period_s = part["period_min"] * 60.0
    assert len(orbits) == math.floor(10 * 86400.0 / period_s)
    assert part["summary"]["orbits"] == len(orbits)
    # Gilmore, Spacecraft Thermal Control Handbook, vol. I, ch. 2: a cylindrical shadow, which is the
    # shadow of the Sun's centre, so compared with umbra + half the penumbra (docs/sensors-and-eclipses.md).
    # The altitude is the mean elements' a - R; the orbit's real radius swings ~10 km with J2 and
    # the ellipsoid's flattening, which moves the cylindrical share by ~2e-3: 5e-3 of an orbit.
    altitude_m = summary["orbit"]["elements"]["mean"]["semi_major_axis_km"] * 1e3 - 6378137.0
    beta = np.radians([o["beta_deg"] for o in orbits])
    cylinder = cylindrical_eclipse_fraction(altitude_m, beta)
    conical = np.array([o["umbra_fraction"] + 0.5 * o["penumbra_fraction"] for o in orbits])
    assert np.max(np.abs(conical - cylinder)) < 5e-3


# --- the mission file's places ---------------------------------------------------------------------------

def test_places_are_read_in_the_units_written(tmp_path, mission_texts):
    path = tmp_path / "mission.toml"
    path.write_text(mission_texts["passes"])
    mission = load_mission(path)
    site = find_site("vostochny")
    vostochny, svalbard = mission.ground_stations
    assert (vostochny.name, vostochny.latitude_deg, vostochny.longitude_deg, vostochny.altitude_m) == (
        "Vostochny", site.latitude_deg, site.longitude_deg, site.altitude_m)
    assert vostochny.min_elevation_deg == 5.0 and svalbard.altitude_m == 500.0
    assert [t.name for t in mission.targets] == ["Moscow", "Olkhon"]
    assert mission.sensor.pixel_pitch_m == pytest.approx(5.5e-6) and mission.sensor.focal_length_m == 1.2
    assert (mission.pass_days, mission.eclipse_days) == (2.0, 10.0)


def test_mission_without_places_reads_the_defaults(tmp_path, mission_texts):
    path = tmp_path / "mission.toml"
    path.write_text(mission_texts["orbit"])
    mission = load_mission(path)
    assert (mission.ground_stations, mission.targets, mission.sensor) == ((), (), None)
    assert (mission.pass_days, mission.eclipse_days) == (DEFAULT_PASS_DAYS, DEFAULT_ECLIPSE_DAYS)


STATION = '[[ground_stations]]\nname = "A"\nlatitude_deg = 60\nlongitude_deg = 30\n'
TARGET = '[[targets]]\nname = "T"\nlatitude_deg = 55\nlongitude_deg = 37\n'
SENSOR = "[sensor]\noff_nadir_max_deg = 30\n"


@pytest.mark.parametrize("text, field, expected", [
    (SENSOR + TARGET + TARGET.replace('"T"', '"U"') + TARGET.replace('"T"', '"V"').replace("55", "123"),
     "targets[2].latitude_deg", "expected -90..90 deg, got 123 (target 'V')"),
    (STATION.replace("longitude_deg = 30", "longitude_deg = \"east\""), "ground_stations[0].longitude_deg",
     "expected a number in deg (east positive), got 'east'"),
    (STATION + "min_elevation_deg = 95\n", "ground_stations[0].min_elevation_deg", "expected -90..90 deg, got 95"),
    (STATION + "altitude_m = 12000\n", "ground_stations[0].altitude_m", "expected -500..9000 m"),
    (STATION + "lattitude_deg = 1\n", "ground_stations[0].lattitude_deg", "did you mean 'latitude_deg'?"),
    (STATION.replace('name = "A"\n', ""), "ground_stations[0].name", "missing required field"),
    (STATION.replace("latitude_deg = 60\n", ""), "ground_stations[0].latitude_deg", "spaceport"),
    ('[[ground_stations]]\nspaceport = "vostochnyy"\n', "ground_stations[0].spaceport", "'vostochny'"),
    ('[[ground_stations]]\nspaceport = "vostochny"\nlatitude_deg = 50\n', "ground_stations[0].latitude_deg",
     "either spaceport or coordinates"),
    (STATION + STATION, "ground_stations[1].name", "duplicate name 'A' (also ground_stations[0])"),
    (STATION.replace("[[ground_stations]]", "[ground_stations]"), "ground_stations", "[[ground_stations]]"),
    (TARGET, "sensor", "no [sensor] table"),
    ("[sensor]\noff_nadir_max_deg = 95\n", "sensor.off_nadir_max_deg", "expected a value >= 0 and < 90 deg, got 95"),
    (SENSOR + "nadir_cone_deg = 10\n", "sensor.nadir_cone_deg", "give exactly one field of view"),
    ("[sensor]\nmin_sun_elevation_deg = 10\n", "sensor.off_nadir_max_deg", "got none"),
    ("[sensor]\nswath_km = -5\n", "sensor.swath_km", "expected a positive number, got -5"),
    (SENSOR + "pixel_pitch_um = 5.5\n", "sensor.focal_length_mm", "give both pixel_pitch_um and focal_length_mm"),
    (SENSOR + "min_sun_elevation_deg = -95\n", "sensor.min_sun_elevation_deg", "expected -90..90 deg, got -95"),
    ("[observation]\npass_days = 0\n", "observation.pass_days", "expected a value > 0 and <= 30 days, got 0"),
    ("[observation]\neclipse_days = 400\n", "observation.eclipse_days", "<= 366 days, got 400"),
])
def test_bad_place_or_sensor_field_exits_2_naming_the_field(tmp_path, capsys, mission_texts, text, field,
                                                           expected):
    path = tmp_path / "mission.toml"
    path.write_text(mission_texts["orbit"] + text)
    code = run(["run", str(path), "--out", str(tmp_path / "out"), "--quiet"])
    err = capsys.readouterr().err
    line = next(line for line in err.splitlines() if line.startswith("Error: "))
    assert code == 2
    assert "Traceback" not in err
    assert "mission.toml" in line and f"field {field}:" in line and expected in line
    assert not (tmp_path / "out").exists()  # refused before anything was flown


# --- the service -----------------------------------------------------------------------------------------

def test_run_steps_end_with_the_observation_steps_reported_in_order():
    # The CLI sizes its progress bar from RUN_STEPS; observe_orbit reports its two as each starts,
    # even when it has nothing to follow.
    assert RUN_STEPS[-3:-1] == ("passes and imaging", "eclipse seasons")
    seen = []
    observation = observe_orbit(None, Time.from_utc_iso("2027-06-01T03:00:00Z"), error="no TLE was fitted (x)",
                                progress=seen.append)
    assert seen == ["passes and imaging", "eclipse seasons"]
    assert observation.error == "no TLE was fitted (x)" and observation.passes is None


def test_observation_refuses_targets_without_a_sensor():
    target = GroundSite("T", 55.0, 37.0)
    with pytest.raises(InvalidInputError, match="field sensor: imaging targets need a sensor"):
        observe_orbit(None, Time.from_utc_iso("2027-06-01T03:00:00Z"), targets=(target,))


def test_windows_stop_at_the_predicted_reentry(orbit_run):
    # A decay 3 h after insertion: SGP4 would carry the satellite on, so both windows stop there.
    summary, _, _ = orbit_run
    (elements,) = parse_omm_kvn(summary["orbit"]["tle"]["omm_kvn"])
    start = Time.from_utc_iso(summary["insertion"]["epoch_utc"])
    station = GroundSite("Svalbard", 78.2297, 15.4077, 500.0)
    observation = observe_orbit(elements, start, stations=(station,), until=start + 3 * 3600.0)
    assert observation.pass_duration_s == pytest.approx(3 * 3600.0, abs=1e-6)
    assert observation.eclipse_duration_s == pytest.approx(3 * 3600.0, abs=1e-6)
    assert observation.reentry is not None
    assert len(observation.seasons) == 1  # 3 h holds one whole 95-min orbit (a cut last one is left out)
    rises = Time.from_utc_iso(observation.passes["rise_utc"].tolist())
    assert np.all(rises - start < 3 * 3600.0)
