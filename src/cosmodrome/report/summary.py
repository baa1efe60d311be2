"""Plain-data (JSON-ready) views of results: what `--json` prints and summary.json holds.

Units are in the key names; lengths of orbits in km, speeds in m/s, masses in kg.
"""

from __future__ import annotations

import math


def _round(value: float, digits: int = 3):
    return None if value is None or not math.isfinite(value) else round(float(value), digits)


def orbit_dict(orbit) -> dict:
    return {"perigee_km": _round(orbit.perigee_altitude_m / 1e3), "apogee_km": _round(orbit.apogee_altitude_m / 1e3),
            "inclination_deg": _round(orbit.inclination_deg, 4), "eccentricity": _round(orbit.eccentricity, 6),
            "semi_major_axis_km": _round(orbit.semi_major_axis_m / 1e3)}


def ascent_dict(result) -> dict:
    b = result.budget
    return {
        "vehicle": result.vehicle_id, "site": result.site_id, "payload_separated_kg": _round(result.payload_kg, 1),
        "azimuth_deg": _round(result.azimuth_deg, 3), "profile": result.profile,
        "pitch_kick_deg": _round(result.pitch_kick_deg, 3), "orbit": orbit_dict(result.orbit),
        "reached_target": result.reached_target,
        "delta_v_m_s": {"ideal": _round(b.ideal_m_s, 1), "earth_rotation_gain": _round(b.earth_rotation_gain_m_s, 1),
                        "final_inertial_speed": _round(b.final_inertial_speed_m_s, 1),
                        "closure_error": _round(b.closure_error_m_s, 6)},
        "losses_m_s": {"gravity": _round(b.gravity_loss_m_s, 1), "drag": _round(b.drag_loss_m_s, 1),
                       "steering": _round(b.steering_loss_m_s, 1), "back_pressure": _round(b.back_pressure_loss_m_s, 1)},
        "max_dynamic_pressure_kpa": _round(result.max_dynamic_pressure_pa / 1e3, 2),
        "max_dynamic_pressure_time_s": _round(result.max_dynamic_pressure_time_s, 1),
        "max_acceleration_g": _round(result.max_acceleration_m_s2 / 9.80665, 3),
        "insertion_time_s": _round(result.insertion_time_s, 2),
        "propellant_left_kg": {name: _round(kg, 1) for name, kg in result.propellant_left_kg},
        "events": [{"name": e.name, "time_s": _round(e.time_s, 2), "altitude_km": _round(e.altitude_m / 1e3, 2),
                    "inertial_speed_m_s": _round(e.inertial_speed_m_s, 1), "detail": e.detail} for e in result.events],
    }


def estimate_dict(estimate) -> dict:
    ascent = ascent_dict(estimate.ascent)
    plane = estimate.launch_plane
    out = {
        "payload_kg": _round(estimate.payload_kg, 1), "payload_max_kg": _round(estimate.payload_max_kg, 1),
        "separated_mass_kg": _round(estimate.separated_mass_kg, 1), "adapter_kg": _round(estimate.adapter_kg, 1),
        "azimuth_deg": ascent["azimuth_deg"], "orbit": ascent["orbit"], "losses_m_s": ascent["losses_m_s"],
        "events": ascent["events"], "profile": estimate.profile,
        "profiles_tried": {p: _round(v, 1) for p, v in estimate.profile_payloads_kg},
        "pitch_kick_deg": _round(estimate.pitch_kick_deg, 3),
        "launch_plane": {"azimuth_deg": _round(plane.azimuth_deg, 3), "inclination_deg": _round(plane.inclination_deg, 4),
                         "requested_inclination_deg": _round(plane.requested_inclination_deg, 4),
                         "northbound": plane.northbound, "dogleg_deg": _round(plane.dogleg_deg, 4)},
        "dogleg_delta_v_m_s": _round(estimate.dogleg_delta_v_m_s, 1),
        "dogleg_payload_cost_kg": _round(estimate.dogleg_payload_cost_kg, 1),
        "allowances": {"residual_fraction": estimate.allowances.residual_fraction,
                       "reserve_fraction": estimate.allowances.reserve_fraction,
                       "adapter_fraction": estimate.allowances.adapter_fraction},
        "ascent": ascent,
    }
    return out
