"""The `cosmodrome` command: exit codes and one-line error messages for every bad input the issue
lists, the listing commands, and one `payload --json` run.

Exit codes (cli module docstring, the issue): 0 ok, 2 invalid input, 3 valid request that cannot
be met, 1 internal error. Errors print one line starting "Error: " to stderr, never a traceback.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from cosmodrome.cli import run

EXAMPLE_VEHICLE = Path(__file__).resolve().parents[1] / "examples" / "my-vehicle.toml"
TARGET = ["--site", "baikonur", "--altitude-km", "200", "--inclination-deg", "51.6"]


def _run(capsys, argv):
    code = run(argv)
    out, err = capsys.readouterr()
    return code, out, err


def _error_line(err: str) -> str:
    """The single Error: line of stderr (warnings may precede it)."""
    assert "Traceback" not in err
    errors = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert len(errors) == 1, err
    assert not [line for line in err.splitlines() if line and not line.startswith(("Error: ", "Warning: "))], err
    return errors[0]


def _vehicle_file(tmp_path, name, old, new, count=1):
    text = EXAMPLE_VEHICLE.read_text()
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new, count))
    return str(path)


# --- invalid vehicle files: exit 2, message names file and field ------------------------------------

def test_vehicle_missing_field(tmp_path, capsys):
    path = _vehicle_file(tmp_path, "missing.toml", "dry_mass_kg = 1900\n", "")
    code, _, err = _run(capsys, ["payload", "--vehicle", path, *TARGET])
    line = _error_line(err)
    assert code == 2
    assert "missing.toml" in line
    assert "field stages[0].dry_mass_kg: required field 'dry_mass_kg' is missing" in line


def test_vehicle_negative_value(tmp_path, capsys):
    path = _vehicle_file(tmp_path, "negative.toml", "dry_mass_kg = 5200", "dry_mass_kg = -5200")
    code, _, err = _run(capsys, ["payload", "--vehicle", path, *TARGET])
    line = _error_line(err)
    assert code == 2
    assert "negative.toml" in line
    assert "field stages[1].dry_mass_kg: expected a number >= 0, got -5200" in line


def test_vehicle_non_numeric_value(tmp_path, capsys):
    path = _vehicle_file(tmp_path, "text.toml", "thrust_vac_kN = 95", 'thrust_vac_kN = "ninety-five"')
    code, _, err = _run(capsys, ["payload", "--vehicle", path, *TARGET])
    line = _error_line(err)
    assert code == 2
    assert "text.toml" in line
    assert "field stages[2].thrust_vac_kN: expected a positive number, got 'ninety-five'" in line


def test_vehicle_unknown_field_suggests_the_right_name(tmp_path, capsys):
    path = _vehicle_file(tmp_path, "typo.toml", "isp_vac_s = 340\n", "isp_vac_s = 340\nisp_vacum_s = 341\n")
    code, _, err = _run(capsys, ["payload", "--vehicle", path, *TARGET])
    line = _error_line(err)
    assert code == 2
    assert "typo.toml" in line
    assert "field stages[2].isp_vacum_s: unknown field 'isp_vacum_s'; did you mean 'isp_vac_s'?" in line


def test_vehicle_file_not_found(tmp_path, capsys):
    code, _, err = _run(capsys, ["payload", "--vehicle", str(tmp_path / "nowhere.toml"), *TARGET])
    line = _error_line(err)
    assert code == 2
    assert "nowhere.toml" in line


# --- unknown ids: exit 2 with suggestions ----------------------------------------------------------

def test_unknown_site_suggests_close_names(capsys):
    code, _, err = _run(capsys, ["payload", "--vehicle", "falcon9", "--site", "vostochni",
                                 "--altitude-km", "200", "--inclination-deg", "51.6"])
    line = _error_line(err)
    assert code == 2
    assert "unknown launch site 'vostochni'" in line
    assert "did you mean 'vostochny'?" in line


def test_unknown_vehicle_id(capsys):
    code, _, err = _run(capsys, ["payload", "--vehicle", "falcon_9", *TARGET])
    line = _error_line(err)
    assert code == 2
    assert "unknown vehicle 'falcon_9'" in line
    assert "falcon9" in line


# --- invalid orbits: exit 2 -------------------------------------------------------------------------

def test_altitude_below_150_km(capsys):
    code, _, err = _run(capsys, ["payload", "--vehicle", "falcon9", "--site", "baikonur",
                                 "--altitude-km", "100", "--inclination-deg", "51.6"])
    line = _error_line(err)
    assert code == 2
    assert line == "Error: field --altitude-km: expected a target altitude of at least 150 km, got 100 km"


def test_apogee_below_perigee(capsys):
    code, _, err = _run(capsys, ["payload", "--vehicle", "falcon9", "--site", "baikonur", "--altitude-km", "300",
                                 "--apogee-km", "250", "--inclination-deg", "51.6"])
    line = _error_line(err)
    assert code == 2
    assert line == "Error: field --apogee-km: expected an apogee at or above the perigee (300 km), got 250 km"


def test_argparse_errors_use_the_error_prefix(capsys):
    # A non-numeric --altitude-km is caught by argparse: still exit 2 and an Error: line.
    code, _, err = _run(capsys, ["payload", "--vehicle", "falcon9", "--site", "baikonur",
                                 "--altitude-km", "high", "--inclination-deg", "51.6"])
    assert code == 2
    assert "Traceback" not in err
    line = next(l for l in err.splitlines() if l.startswith("Error: "))
    assert "--altitude-km" in line


def test_mission_file_not_valid_toml(tmp_path, capsys):
    mission = tmp_path / "broken.toml"
    mission.write_text('name = "x"\nsite = "vostochny\n')  # unterminated string
    code, _, err = _run(capsys, ["run", str(mission), "--out", str(tmp_path / "out"), "--quiet"])
    line = _error_line(err)
    assert code == 2
    assert "broken.toml" in line and "not valid TOML" in line


# --- valid requests that cannot be met: exit 3 ---------------------------------------------------------

def test_inclination_the_site_cannot_reach(capsys):
    # Vostochny lies at 51.88 deg N (geodetic; 51.69 deg geocentric, spaceports.json/GCAT): no plane
    # through the pad has a lower inclination, so 28.5 deg needs a dog-leg.
    code, _, err = _run(capsys, ["payload", "--vehicle", "falcon9", "--site", "vostochny",
                                 "--altitude-km", "200", "--inclination-deg", "28.5"])
    line = _error_line(err)
    assert code == 3
    assert "28.50 deg" in line
    match = re.search(r"nearest reachable inclination is ([0-9.]+) deg", line)
    assert match and float(match.group(1)) == pytest.approx(51.69, abs=0.01)
    assert "--allow-dogleg" in line


def test_vehicle_that_cannot_reach_orbit_says_how_far_short(tmp_path, capsys):
    # The example launcher with its core stage cut from 68 t to 15 t of propellant and its upper
    # stage from 9 t to 1 t: short of 200 km even empty, by about 1.7 km/s of delta-v at burn-out
    # as the model measures it (the example itself carries 4.2 t there).
    text = EXAMPLE_VEHICLE.read_text()
    for old, new in (("propellant_mass_kg = 68000", "propellant_mass_kg = 15000"),
                     ("propellant_mass_kg = 9000", "propellant_mass_kg = 1000")):
        assert old in text
        text = text.replace(old, new)
    path = tmp_path / "short.toml"
    path.write_text(text)
    code, _, err = _run(capsys, ["payload", "--vehicle", str(path), *TARGET])
    line = _error_line(err)
    assert code == 3
    match = re.search(r"even with no payload: it falls about ([0-9,]+) m/s short", line)
    assert match, line
    # Far short, not marginally: the figure is a flight's, so only its order of magnitude is pinned.
    assert 500 < float(match.group(1).replace(",", "")) < 5000
    assert "delta-v its last stage would still have to give" in line


def test_ascent_with_too_heavy_a_payload_says_how_far_short(tmp_path, capsys):
    # Falcon 9 expendable carries about 22 t to 200 km at 28.5 deg with the allowances; 30 t falls
    # short by about a kilometre per second at burn-out (the figure is the flight's; see
    # tests/ascent/test_service.py for its check against the rocket equation).
    code, _, err = _run(capsys, ["ascent", "--vehicle", "falcon9", "--site", "cape_canaveral", "--altitude-km", "200",
                                 "--inclination-deg", "28.5", "--payload-kg", "30000", "--out", str(tmp_path / "out")])
    line = _error_line(err)
    assert code == 3
    match = re.search(r"cannot carry 30,000 kg to 200 x 200 km at 28\.50 deg .*: it falls (?:about )?([0-9,]+) m/s short",
                      line)
    assert match, line
    assert 500 < float(match.group(1).replace(",", "")) < 2000
    assert "largest separated payload to this orbit with allowances is about" in line


def test_liftoff_thrust_below_weight(tmp_path, capsys):
    # Sea-level thrust of boosters and core cut to 100 and 400 kN (isp_sl_s removed so the file stays
    # consistent): 2 x 100 + 400 kN against 123.6 t x g0 = 1212 kN.
    text = EXAMPLE_VEHICLE.read_text()
    text = text.replace("thrust_sl_kN = 560", "thrust_sl_kN = 100").replace("thrust_sl_kN = 1130", "thrust_sl_kN = 400")
    text = re.sub(r"^isp_sl_s = \d+\n", "", text, flags=re.M)
    path = tmp_path / "weak.toml"
    path.write_text(text)
    code, _, err = _run(capsys, ["payload", "--vehicle", str(path), *TARGET])
    line = _error_line(err)
    assert code == 3
    assert "cannot lift off" in line
    assert "sea-level thrust is 0.495 of its weight" in line  # 600 kN / (123,600 kg * 9.80665 m/s^2)


# --- listings ---------------------------------------------------------------------------------------

def test_sites_lists_vostochny(capsys):
    code, out, err = _run(capsys, ["sites"])
    assert code == 0
    assert re.search(r"^vostochny\s", out, flags=re.M)
    assert "cape_canaveral" in out


def test_vehicles_lists_angara(capsys):
    code, out, _ = _run(capsys, ["vehicles"])
    assert code == 0
    assert re.search(r"^angara_1_2\s", out, flags=re.M)
    assert re.search(r"^falcon9\s", out, flags=re.M)


def test_vehicles_audit(capsys):
    code, out, _ = _run(capsys, ["vehicles", "--audit"])
    assert code == 0
    assert re.search(r"\d+ findings over \d+ vehicles", out)


# --- one payload estimate as JSON ------------------------------------------------------------------

def test_payload_json(capsys):
    code, out, err = _run(capsys, ["payload", "--vehicle", "falcon9", "--site", "cape_canaveral",
                                   "--altitude-km", "200", "--inclination-deg", "28.5", "--json"])
    assert code == 0, err
    d = json.loads(out)
    for key in ("payload_kg", "payload_max_kg", "azimuth_deg", "orbit", "losses_m_s", "events"):
        assert key in d
    assert {"perigee_km", "apogee_km", "inclination_deg"} <= set(d["orbit"])
    assert {"gravity", "drag", "steering"} <= set(d["losses_m_s"])
    # Issue tolerances on the orbit reached: 1 km and 0.01 deg.
    assert d["orbit"]["perigee_km"] == pytest.approx(200.0, abs=1.0)
    assert d["orbit"]["apogee_km"] == pytest.approx(200.0, abs=1.0)
    assert d["orbit"]["inclination_deg"] == pytest.approx(28.5, abs=0.01)
    assert 0 < d["payload_kg"] < d["payload_max_kg"]
    assert d["events"][0]["name"] == "lift-off" and d["events"][-1]["name"] == "insertion"


def test_propagate_frame_choices_are_the_services_frames():
    # cli_orbits writes the frame names out so that building the parser imports no propagator.
    from cosmodrome.cli import build_parser
    from cosmodrome.orbits.service import OutputFrame
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    frame = next(a for a in sub.choices["propagate"]._actions if a.dest == "frame")
    assert sorted(frame.choices) == sorted(f.value for f in OutputFrame)


@pytest.mark.parametrize("command", ["passes", "opportunities", "eclipses", "propagate"])
def test_a_bad_start_time_names_the_option(command, capsys):
    # Every sub-command reads --start through cli_args.utc_option: the message names the option.
    words = {"passes": ["--site", "vostochny"], "opportunities": ["--site", "vostochny", "--off-nadir-max-deg", "30"],
             "eclipses": [], "propagate": ["--frame", "teme", "--format", "csv"]}[command]
    iss = str(Path(__file__).resolve().parents[1] / "examples" / "iss.tle")
    code = run([command, "--tle", iss, "--start", "2008-99-20", "--days", "1", *words])
    err = capsys.readouterr().err
    assert code == 2
    assert "Error: --start: field month: month must be a whole number from 1 to 12, got 99" in err
