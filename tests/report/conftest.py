"""A synthetic AscentResult for the report tests: made-up but plausible curves, no ascent engine.

A two-stage vehicle lifts off from 28.5 deg N, reaches about 200 km and 7.8 km/s at T+500 s;
stage 1 burns to T+160 s, a 5 s coast follows, stage 2 burns to cut-off.
"""

from __future__ import annotations

import numpy as np
import pytest

from cosmodrome.ascent.records import (AscentResult, DeltaVBudget, Event, OrbitReached,
                                       Trajectory)

R_EARTH_M = 6378137.0
PAD_SPEED_M_S = 408.0


def make_ascent_result(samples: int = 1001) -> AscentResult:
    t = np.linspace(0.0, 500.0, samples)
    u = t / 500.0
    altitude_m = 200e3 * (3 * u**2 - 2 * u**3) ** 0.8
    speed_m_s = PAD_SPEED_M_S + (7790.0 - PAD_SPEED_M_S) * u**1.6
    relative_m_s = np.maximum(speed_m_s - PAD_SPEED_M_S * (1 - 0.3 * u), 0.0)
    rho = 1.225 * np.exp(-altitude_m / 8500.0)
    q_pa = 0.5 * rho * relative_m_s**2
    stage = np.where(t < 160.0, 0, np.where(t < 165.0, -1, 1))
    mass_kg = np.where(stage == 0, 550e3 - 2500.0 * t,
                       np.where(stage == -1, 120e3, 120e3 - 220.0 * (t - 165.0)))
    throttle = np.where(stage == -1, 0.0, 1.0)
    thrust_n = np.where(stage == 0, 7.6e6, np.where(stage == 1, 0.98e6, 0.0))
    accel = thrust_n / mass_kg
    pitch = np.where(t < 10.0, 90.0, 90.0 - 88.0 * np.clip((t - 10.0) / 490.0, 0, 1) ** 0.6)
    downrange_m = 2000e3 * u**2.2
    angle = downrange_m / R_EARTH_M
    radius = R_EARTH_M + altitude_m
    position = np.stack([radius * np.cos(angle), radius * np.sin(angle), np.zeros_like(t)], axis=1)
    velocity = np.stack([-speed_m_s * np.sin(angle), speed_m_s * np.cos(angle), np.zeros_like(t)], axis=1)
    trajectory = Trajectory(
        time_s=t, position_m=position, velocity_m_s=velocity, mass_kg=mass_kg, altitude_m=altitude_m,
        latitude_deg=28.5 + 3.0 * u, longitude_deg=-80.6 + 18.0 * u, downrange_m=downrange_m,
        inertial_speed_m_s=speed_m_s, relative_speed_m_s=relative_m_s,
        flight_path_angle_deg=np.where(t < 10.0, 90.0, 85.0 * (1 - u) ** 2),
        dynamic_pressure_pa=q_pa, mach=relative_m_s / 300.0, acceleration_m_s2=accel,
        pitch_deg=pitch, throttle=throttle, stage_index=stage,
    )
    i_q = int(np.argmax(q_pa))

    def event(name: str, time_s: float, detail: str = "") -> Event:
        k = int(np.argmin(np.abs(t - time_s)))
        return Event(name, float(t[k]), float(altitude_m[k]), float(speed_m_s[k]), detail)

    events = (
        event("lift-off", 0.0),
        event("max-Q", float(t[i_q]), f"{q_pa[i_q] / 1e3:.1f} kPa"),
        event("MECO", 160.0),
        event("stage separation", 162.0),
        event("stage 2 ignition", 165.0),
        event("fairing jettison", 215.0, "heat flux < 1135 W/m² <check>"),
        event("SECO", 500.0),
    )
    budget = DeltaVBudget(
        ideal_m_s=9350.0, gravity_loss_m_s=1250.0, drag_loss_m_s=130.0, steering_loss_m_s=420.0,
        back_pressure_loss_m_s=160.0, earth_rotation_gain_m_s=PAD_SPEED_M_S,
        final_inertial_speed_m_s=7790.0, closure_error_m_s=-8.0,
    )
    orbit = OrbitReached(
        perigee_altitude_m=198.7e3, apogee_altitude_m=203.1e3, inclination_deg=28.52,
        semi_major_axis_m=R_EARTH_M + 200.9e3, eccentricity=3.3e-4, raan_deg=12.0,
        argument_of_perigee_deg=80.0, true_anomaly_deg=270.0,
    )
    return AscentResult(
        vehicle_id="demo-2", vehicle_name="Demo Two", site_id="ksc-39a", payload_kg=12345.0,
        azimuth_deg=90.0, profile="direct", trajectory=trajectory, events=events, budget=budget,
        orbit=orbit, max_dynamic_pressure_pa=float(q_pa[i_q]), max_dynamic_pressure_time_s=float(t[i_q]),
        max_acceleration_m_s2=float(np.max(accel)),
        propellant_left_kg=(("first stage", 1100.0), ("second stage", 950.0)),
        insertion_time_s=500.0, insertion_position_m=position[-1], insertion_velocity_m_s=velocity[-1],
        pitch_kick_deg=2.0, reached_target=True,
    )


@pytest.fixture(scope="session")
def ascent_result() -> AscentResult:
    return make_ascent_result()


# --- one real `cosmodrome run` for the orbit-section tests ---------------------------------------------

# Angara-1.2 from Vostochny to 500 km SSO (the example mission) with a light, draggy satellite: a
# ballistic coefficient of 100 / (2.2 x 4) = 11 kg/m^2 brings the lifetime down to about a year, so
# that the lifetime search (the slow part of the orbit analysis) stays short.
ORBIT_MISSION_TOML = """\
name = "Orbit section test: Angara-1.2 to 500 km SSO"
site = "vostochny"
vehicle = "angara_1_2"
launch_utc = "2027-06-01T03:00:00Z"
[orbit]
altitude_km = 500
sun_synchronous = true
[spacecraft]
mass_kg = 100
area_m2 = 4.0
"""


@pytest.fixture(scope="session")
def orbit_run(tmp_path_factory):
    """(summary dict, report HTML text, output folder) of `cosmodrome run` on ORBIT_MISSION_TOML."""
    import json

    from cosmodrome.cli import run

    folder = tmp_path_factory.mktemp("orbit_run")
    mission = folder / "mission.toml"
    mission.write_text(ORBIT_MISSION_TOML)
    out = folder / "out"
    assert run(["run", str(mission), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    html = (out / "report.html").read_text(encoding="utf-8")
    return summary, html, out


# --- one real `cosmodrome run` with ground stations, targets and a sensor (passes section tests) ---------

# The orbit-section mission with the places of the "Passes and imaging" part: the launch site as a
# station (spaceport = ...), a high-latitude station, two targets and an optical camera; shorter
# windows than the defaults (2 days of passes, 10 of eclipses) keep the run quick.
PASSES_PLACES_TOML = """\
[[ground_stations]]
name = "Vostochny"
spaceport = "vostochny"
min_elevation_deg = 5
[[ground_stations]]
name = "Svalbard"
latitude_deg = 78.2297
longitude_deg = 15.4077
altitude_m = 500
min_elevation_deg = 5
[[targets]]
name = "Moscow"
latitude_deg = 55.7520
longitude_deg = 37.6175
altitude_m = 150
[[targets]]
name = "Olkhon"
latitude_deg = 53.15
longitude_deg = 107.35
altitude_m = 456
[sensor]
off_nadir_max_deg = 30
min_sun_elevation_deg = 10
pixel_pitch_um = 5.5
focal_length_mm = 1200
[observation]
pass_days = 2
eclipse_days = 10
"""
PASSES_MISSION_TOML = ORBIT_MISSION_TOML + PASSES_PLACES_TOML


@pytest.fixture(scope="session")
def passes_run(tmp_path_factory):
    """(summary dict, report HTML text, mission file) of `cosmodrome run` on PASSES_MISSION_TOML."""
    import json

    from cosmodrome.cli import run

    folder = tmp_path_factory.mktemp("passes_run")
    mission = folder / "mission.toml"
    mission.write_text(PASSES_MISSION_TOML)
    out = folder / "out"
    assert run(["run", str(mission), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    html = (out / "report.html").read_text(encoding="utf-8")
    return summary, html, mission


@pytest.fixture(scope="session")
def mission_texts() -> dict[str, str]:
    """The mission files of the two runs above as text: {"orbit": ..., "passes": ...}."""
    return {"orbit": ORBIT_MISSION_TOML, "passes": PASSES_MISSION_TOML}


# --- one real `cosmodrome run` with a [coverage] table (coverage section tests) ----------------------------

# The orbit-section mission with a small coverage request: a latitude band at a coarse 5 deg grid
# (a few hundred points), one day, a 10 deg mask, and a 4-satellite Walker constellation beside it.
COVERAGE_TABLE_TOML = """\
[coverage]
lat_band = [40, 70]
resolution_deg = 5
days = 1
min_elevation_deg = 10
[coverage.constellation]
walker = "97.4:4/2/1"
altitude_km = 500
"""
COVERAGE_MISSION_TOML = ORBIT_MISSION_TOML + COVERAGE_TABLE_TOML


@pytest.fixture(scope="session")
def coverage_run(tmp_path_factory):
    """(summary dict, report HTML text, mission file) of `cosmodrome run` on COVERAGE_MISSION_TOML."""
    import json

    from cosmodrome.cli import run

    folder = tmp_path_factory.mktemp("coverage_run")
    mission = folder / "mission.toml"
    mission.write_text(COVERAGE_MISSION_TOML)
    out = folder / "out"
    assert run(["run", str(mission), "--out", str(out), "--quiet"]) == 0
    summary = json.loads((out / "summary.json").read_text())
    html = (out / "report.html").read_text(encoding="utf-8")
    return summary, html, mission
