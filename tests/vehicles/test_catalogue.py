"""Vehicle files and the bundled catalogue (cosmodrome.vehicles.catalogue).

Error tests assert the message text: each must name the file, the field path and what was
expected against what was received (STYLE.md section 4).
"""

from __future__ import annotations

import math
import warnings
from pathlib import Path

import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.vehicles.catalogue import (VehicleDataWarning, catalogue_ids, load_catalogue,
                                           load_vehicle, load_vehicle_entry, load_vehicle_file,
                                           published_payloads)
from cosmodrome.vehicles.records import Allowances

REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "examples" / "my-vehicle.toml"

REQUIRED_IDS = {"angara_1_2", "angara_a5", "soyuz_fg", "falcon9", "electron", "proton_m",
                "atlas_v_401", "saturn_v"}

MINIMAL = """\
name = "Test rocket"

[[stages]]
name = "First"
ignition = "liftoff"
propellant_mass_kg = 10000
dry_mass_kg = 1000
thrust_vac_kN = 250
isp_vac_s = 300

[[stages]]
name = "Second"
propellant_mass_kg = 2000
dry_mass_kg = 250
thrust_vac_kN = 30
isp_vac_s = 340
"""


def write(tmp_path: Path, text: str, name: str = "rocket.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_for(tmp_path: Path, text: str) -> InvalidInputError:
    path = write(tmp_path, text)
    with pytest.raises(InvalidInputError) as info:
        load_vehicle_file(path)
    message = str(info.value)
    assert str(path) in message, message  # every message names the file
    return info.value


# --- the bundled catalogue ----------------------------------------------------------------

def test_catalogue_holds_the_required_vehicles():
    assert REQUIRED_IDS <= set(catalogue_ids())


@pytest.mark.parametrize("vehicle_id", catalogue_ids())
def test_every_bundled_file_loads_and_its_id_matches_its_name(vehicle_id):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        entry = load_vehicle_entry(vehicle_id)
    assert entry.vehicle.id == vehicle_id
    assert entry.vehicle.stages[0].ignition == "liftoff"
    assert entry.sources, "every bundled vehicle names its sources"
    for stage in entry.vehicle.stages:
        assert stage.source, f"{vehicle_id} stage {stage.name} has no per-stage sources"


@pytest.mark.parametrize("vehicle_id", catalogue_ids())
def test_every_bundled_vehicle_has_a_drag_reference_area(vehicle_id):
    assert load_vehicle(vehicle_id).reference_area_m2 > 0


def test_load_catalogue_returns_every_vehicle_in_id_order():
    assert [v.id for v in load_catalogue()] == catalogue_ids()


def test_comparable_published_payloads_state_orbit_and_site():
    for vehicle_id in catalogue_ids():
        for payload in published_payloads(vehicle_id):
            if payload.comparable:
                assert None not in (payload.perigee_altitude_m, payload.apogee_altitude_m,
                                    payload.inclination_deg, payload.site)


def test_published_payload_converts_km_to_m():
    # Electron: 150 kg to a 500 km SSO (Space Launch Report), stored in metres.
    first = published_payloads("electron")[0]
    assert first.payload_kg == 150
    assert first.perigee_altitude_m == 500e3 and first.site == "mahia" and first.comparable


def test_angara_a5_core_throttles_during_the_booster_phase():
    # NPO Energomash: the A5 core RD-191 is throttled to 30 % of nominal.
    core = load_vehicle("angara_a5").stages[1]
    assert core.min_throttle == 0.3
    assert min(fraction for _, fraction in core.throttle_schedule) == 0.3


# --- per-unit semantics and unit conversion -----------------------------------------------

def test_figures_are_per_unit_and_converted_to_si(tmp_path):
    text = MINIMAL.replace('name = "First"\n', 'name = "First"\ncount = 4\nthrust_sl_kN = 220\n'
                           "max_acceleration_g = 2\nmin_throttle = 0.4\n")
    vehicle = load_vehicle_file(write(tmp_path, text))
    first = vehicle.stages[0]
    assert first.count == 4
    assert first.propellant_mass_kg == 10000  # per booster, not divided by four
    assert first.thrust_vac_n == 250e3 and first.thrust_sl_n == 220e3
    assert first.max_acceleration_m_s2 == pytest.approx(2 * 9.80665)
    assert vehicle.gross_mass_kg == 4 * 11000 + 2250


def test_soyuz_boosters_are_four_units_of_43_4_tonnes():
    # Wikipedia Soyuz-FG infobox: each Blok B/V/G/D has a gross mass of 43,400 kg.
    vehicle = load_vehicle("soyuz_fg")
    boosters = vehicle.stages[0]
    assert boosters.count == 4 and boosters.gross_mass_kg == 43400
    assert vehicle.gross_mass_kg == 4 * 43400 + 99500 + 25300


def test_missing_diameter_gives_no_reference_area(tmp_path):
    assert load_vehicle_file(write(tmp_path, MINIMAL)).reference_area_m2 is None


def test_default_id_is_the_file_name(tmp_path):
    assert load_vehicle_file(write(tmp_path, MINIMAL, "my_rocket.toml")).id == "my_rocket"


def test_allowances_override_defaults(tmp_path):
    vehicle = load_vehicle_file(write(tmp_path, MINIMAL + "\n[allowances]\nreserve_fraction = 0.02\n"))
    assert vehicle.allowances == Allowances(reserve_fraction=0.02)


def test_example_user_file_loads_without_warnings():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        vehicle = load_vehicle(str(EXAMPLE))
    assert vehicle.id == "my_vehicle" and vehicle.stages[0].count == 2
    assert vehicle.fairing.jettison_altitude_m == 110e3


# --- errors -------------------------------------------------------------------------------

def test_missing_required_field(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace("dry_mass_kg = 250\n", ""))
    assert err.field == "stages[1].dry_mass_kg"
    assert "field stages[1].dry_mass_kg: required field 'dry_mass_kg' is missing" in str(err)


def test_missing_name(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace('name = "Test rocket"\n', ""))
    assert "field name: required field 'name' is missing" in str(err)


def test_negative_value(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace("dry_mass_kg = 250", "dry_mass_kg = -150"))
    assert "field stages[1].dry_mass_kg: expected a number >= 0, got -150" in str(err)


def test_non_numeric_value(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace("isp_vac_s = 300", 'isp_vac_s = "300 s"'))
    assert "field stages[0].isp_vac_s: expected a positive number, got '300 s' (a string)" in str(err)


def test_boolean_is_not_a_number(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace("isp_vac_s = 300", "isp_vac_s = true"))
    assert "expected a positive number, got true (a boolean)" in str(err)


def test_wrong_type_for_count(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace('name = "First"\n', 'name = "First"\ncount = 2.5\n'))
    assert "field stages[0].count: expected an integer >= 1, got 2.5" in str(err)


def test_wrong_ignition_value(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace('ignition = "liftoff"', 'ignition = "pad"'))
    assert "field stages[0].ignition: expected \"liftoff\" or \"sequential\", got 'pad'" in str(err)


def test_bottom_stage_must_burn_from_liftoff(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace('ignition = "liftoff"\n', ""))
    assert "field stages[0].ignition" in str(err) and "bottom stage" in str(err)


def test_stages_must_be_a_list_of_tables(tmp_path):
    err = error_for(tmp_path, 'name = "x"\nstages = 3\n')
    assert "field stages: expected a list of tables ([[stages]] entries), got 3" in str(err)


def test_unknown_field_suggests_the_closest_name(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace("dry_mass_kg = 250", "dry_mass_kg = 250\ndry_mas_kg = 250"))
    assert "field stages[1].dry_mas_kg: unknown field 'dry_mas_kg'; did you mean 'dry_mass_kg'?" in str(err)


def test_unknown_top_level_field(tmp_path):
    err = error_for(tmp_path, "nmae = 'x'\n" + MINIMAL)
    assert "field nmae: unknown field 'nmae'; did you mean 'name'?" in str(err)


def test_unknown_source_key_is_caught(tmp_path):
    text = MINIMAL.replace("isp_vac_s = 340", 'isp_vac_s = 340\nsources = { thrust_vac_kn = "x" }')
    err = error_for(tmp_path, text)
    assert "stages[1].sources.thrust_vac_kn" in str(err) and "did you mean 'thrust_vac_kN'?" in str(err)


def test_sea_level_thrust_above_vacuum(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace("thrust_vac_kN = 250", "thrust_vac_kN = 250\nthrust_sl_kN = 260"))
    assert "field stages[0].thrust_sl_kN: expected a sea-level thrust <= thrust_vac_kN = 250 kN, got 260 kN" \
        in str(err)


def test_throttle_below_min_throttle(tmp_path):
    text = MINIMAL.replace("isp_vac_s = 300", "isp_vac_s = 300\nmin_throttle = 0.5\nthrottle = [[0, 1], [20, 0.3]]")
    err = error_for(tmp_path, text)
    assert "field stages[0].throttle[1]: expected [time_since_ignition_s >= 0, fraction in " \
           "[min_throttle = 0.5, 1]], got [20, 0.3]" in str(err)


def test_throttle_table_shape(tmp_path):
    err = error_for(tmp_path, MINIMAL.replace("isp_vac_s = 300", "isp_vac_s = 300\nthrottle = [[0, 1, 2]]"))
    assert "field stages[0].throttle[0]: expected [time_since_ignition_s, fraction] (two numbers), got a list" \
        in str(err)


def test_record_check_is_reported_with_file_and_path(tmp_path):
    err = error_for(tmp_path, MINIMAL + "\n[allowances]\nreserve_fraction = 0.7\n")
    assert "field allowances.reserve_fraction: expected a number >= 0 and < 0.5, got 0.7" in str(err)


def test_invalid_toml_names_the_line(tmp_path):
    err = error_for(tmp_path, MINIMAL + "\nthis is = = not toml\n")
    assert "not valid TOML" in str(err) and "line 18" in str(err)


def test_file_not_found(tmp_path):
    missing = tmp_path / "nope.toml"
    with pytest.raises(InvalidInputError) as info:
        load_vehicle(missing)
    assert f"{missing}: file not found" in str(info.value)


def test_unknown_site_suggests_a_known_one(tmp_path):
    text = MINIMAL + '\n[[published_payloads]]\npayload_kg = 100\nsite = "baikonr"\nsource = "x"\n'
    err = error_for(tmp_path, text)
    assert "field published_payloads[0].site: unknown site id 'baikonr'; did you mean 'baikonur'?" in str(err)


def test_comparable_needs_orbit_and_site(tmp_path):
    text = MINIMAL + '\n[[published_payloads]]\npayload_kg = 100\nperigee_km = 200\nsource = "x"\ncomparable = true\n'
    err = error_for(tmp_path, text)
    assert "field published_payloads[0].comparable: comparable = true needs the orbit and site; " \
           "missing apogee_km, inclination_deg, site" in str(err)


def test_unknown_catalogue_id_suggests_close_ids():
    with pytest.raises(InvalidInputError) as info:
        load_vehicle("angara_12")
    message = str(info.value)
    assert "unknown vehicle 'angara_12'; closest: angara_1_2" in message
    assert "`cosmodrome vehicles` lists the catalogue" in message


def test_errors_are_never_bare_key_or_type_errors(tmp_path):
    for text in ("stages = [1, 2]\nname = 'x'\n", "name = 3\n[[stages]]\n", "[fairing]\nmass_kg = 'a'\n",
                 MINIMAL + "[aero]\ncd_mach = [[1, 0.3], [0.5, 0.2]]\n", MINIMAL + "fairing = 5\n"):
        with pytest.raises(InvalidInputError):
            load_vehicle_file(write(tmp_path, text))


# --- warnings -----------------------------------------------------------------------------

def test_inconsistent_sea_level_isp_warns(tmp_path):
    # mdot = 250 kN / (300 s g0) = 84.98 kg/s; 220 kN at that flow implies 264.0 s, not 280 s.
    text = MINIMAL.replace("isp_vac_s = 300", "isp_vac_s = 300\nthrust_sl_kN = 220\nisp_sl_s = 280")
    with pytest.warns(VehicleDataWarning, match=r"stages\[0\]\.isp_sl_s: sea-level Isp 280 s disagrees with "
                                                r"the 264\.0 s implied"):
        vehicle = load_vehicle_file(write(tmp_path, text))
    assert math.isclose(vehicle.stages[0].thrust_sl_n, 220e3)


def test_implausible_dry_fraction_warns(tmp_path):
    with pytest.warns(VehicleDataWarning, match=r"stages\[1\]\.dry_mass_kg: dry mass is 1\.0% of the stage"):
        load_vehicle_file(write(tmp_path, MINIMAL.replace("dry_mass_kg = 250", "dry_mass_kg = 20.2")))


def test_documented_example_matches_the_example_file():
    import re
    import tomllib

    doc = (REPO / "docs" / "vehicle-format.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```toml\n(.*?)```", doc, flags=re.S)
    assert len(blocks) == 1
    assert tomllib.loads(blocks[0]) == tomllib.loads(EXAMPLE.read_text(encoding="utf-8"))
