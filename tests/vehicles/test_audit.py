"""Data audit of vehicle figures (cosmodrome.vehicles.audit)."""

from __future__ import annotations

import pytest

from cosmodrome.vehicles.audit import AuditFinding, audit_catalogue, audit_vehicle
from cosmodrome.vehicles.catalogue import catalogue_ids, load_vehicle_entry
from cosmodrome.vehicles.records import Stage, Vehicle


def _stage(**overrides) -> Stage:
    values = dict(name="Core", propellant_mass_kg=100000.0, dry_mass_kg=8000.0, thrust_vac_n=2.0e6,
                  isp_vac_s=330.0, ignition="liftoff")
    values.update(overrides)
    return Stage(**values)


def _upper(**overrides) -> Stage:
    values = dict(name="Upper", propellant_mass_kg=20000.0, dry_mass_kg=2000.0, thrust_vac_n=300e3,
                  isp_vac_s=350.0)
    values.update(overrides)
    return Stage(**values)


def _vehicle(*stages: Stage) -> Vehicle:
    return Vehicle(id="test", name="Test", stages=stages)


def _checks(findings: list[AuditFinding]) -> dict[str, AuditFinding]:
    return {f.check: f for f in findings}


def test_clean_vehicle_has_no_findings():
    vehicle = _vehicle(_stage(thrust_sl_n=1.8e6, isp_sl_s=297.0), _upper())
    assert audit_vehicle(vehicle) == []


def test_gross_mass_contradiction_carries_the_numbers():
    raw = {"stages": [{"gross_mass_kg": 120000}, {}]}
    finding = _checks(audit_vehicle(_vehicle(_stage(), _upper()), raw))["gross_mass"]
    assert finding.severity == "contradiction" and finding.stage == "stages[0] Core"
    assert "published gross mass 120,000 kg but dry 8,000 + propellant 100,000 = 108,000 kg " \
           "(-12,000 kg, -10.0%)" in finding.message


def test_small_gross_mass_difference_is_a_note():
    # H-IIA SRB-A as published: gross 75,400 kg vs 65,040 + 10,400 = 75,440 kg.
    vehicle = _vehicle(_stage(propellant_mass_kg=65040.0, dry_mass_kg=10400.0), _upper())
    finding = _checks(audit_vehicle(vehicle, {"stages": [{"gross_mass_kg": 75400}]}))["gross_mass"]
    assert finding.severity == "note" and "+40 kg" in finding.message


def test_burn_time_contradiction():
    # mdot = 2e6 / (330 g0) = 618.0 kg/s, so 100 t burns in 161.8 s; 200 s is 23.6 % longer.
    finding = _checks(audit_vehicle(_vehicle(_stage(burn_time_s=200.0), _upper())))["burn_time"]
    assert finding.severity == "contradiction"
    assert "published burn time 200 s but propellant 100,000 kg / mass flow 618.0 kg/s" in finding.message
    assert "gives 162 s at full thrust (+23.6%)" in finding.message


def test_burn_time_follows_the_throttle_table():
    # 50 s at full flow (30,900 kg), then 60 % until empty: 50 + 69,100 / 370.8 = 236.4 s.
    stage = _stage(burn_time_s=236.0, min_throttle=0.6, throttle_schedule=((0.0, 1.0), (50.0, 0.6)))
    assert "burn_time" not in _checks(audit_vehicle(_vehicle(stage, _upper())))


def test_sea_level_ratio_contradiction():
    stage = _stage(thrust_sl_n=1.6e6, isp_sl_s=300.0)  # 0.8000 vs 0.9091
    finding = _checks(audit_vehicle(_vehicle(stage, _upper())))["sea_level_vs_vacuum"]
    assert "thrust_sl/thrust_vac = 1,600.0/2,000.0 kN = 0.8000 but isp_sl/isp_vac = 300/330 s = 0.9091" \
        in finding.message


def test_sea_level_isp_above_vacuum():
    finding = _checks(audit_vehicle(_vehicle(_stage(isp_sl_s=340.0), _upper())))["sea_level_vs_vacuum"]
    assert finding.message == "sea-level Isp 340 s exceeds vacuum Isp 330 s"


def test_sea_level_thrust_above_vacuum_from_raw():
    raw = {"stages": [{"thrust_sl_kN": 2100}, {}]}
    finding = _checks(audit_vehicle(_vehicle(_stage(), _upper()), raw))["sea_level_vs_vacuum"]
    assert finding.message == "sea-level thrust 2,100.0 kN exceeds vacuum thrust 2,000.0 kN"


def test_liftoff_thrust_to_weight_below_one():
    stage = _stage(propellant_mass_kg=200000.0, dry_mass_kg=12000.0, thrust_sl_n=1.8e6, isp_sl_s=297.0)
    finding = _checks(audit_vehicle(_vehicle(stage, _upper())))["liftoff_thrust_to_weight"]
    assert finding.severity == "contradiction" and "thrust-to-weight 0.78 < 1" in finding.message


def test_dry_fraction_out_of_range():
    finding = _checks(audit_vehicle(_vehicle(_stage(), _upper(dry_mass_kg=200.0))))["dry_fraction"]
    assert finding.stage == "stages[1] Upper"
    assert "dry mass 200 kg is 1.0% of gross 20,200 kg, outside the plausible 3%-30%" in finding.message


def test_weak_upper_stage_is_a_note():
    finding = _checks(audit_vehicle(_vehicle(_stage(), _upper(thrust_vac_n=60e3))))[
        "upper_stage_thrust_to_weight"]
    assert finding.severity == "note" and "thrust-to-weight 0.28 < 0.4" in finding.message


def test_liftoff_mass_lighter_than_stages_is_a_contradiction():
    finding = _checks(audit_vehicle(_vehicle(_stage(), _upper()), {"liftoff_mass_kg": 120000}))["liftoff_mass"]
    assert finding.severity == "contradiction"
    assert "published lift-off mass 120,000 kg is less than stages + fairing 130,000 kg" in finding.message


@pytest.mark.parametrize("vehicle_id", catalogue_ids())
def test_bundled_vehicles_fly_off_the_pad(vehicle_id):
    entry = load_vehicle_entry(vehicle_id)
    assert "liftoff_thrust_to_weight" not in {
        f.check for f in audit_vehicle(entry.vehicle, entry.raw) if f.severity == "contradiction"}


def test_catalogue_audit_runs_and_finds_known_contradictions():
    findings = audit_catalogue()
    assert all(f.vehicle_id in catalogue_ids() for f in findings)
    # Electron (RO / Rocket Lab PUG 6.5): 224.2/235.7 kN vs 311/317 s differ by 3 %.
    assert any(f.vehicle_id == "electron" and f.check == "sea_level_vs_vacuum" for f in findings)
    # Saturn V: the infobox stage masses (3,025,500 kg) exceed the 2,970,000 kg lift-off mass.
    assert any(f.vehicle_id == "saturn_v" and f.check == "liftoff_mass" and f.severity == "contradiction"
               for f in findings)
