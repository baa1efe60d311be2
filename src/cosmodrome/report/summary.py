"""Plain-data (JSON-ready) views of results: what `--json` prints and summary.json holds.

Units are in the key names; lengths of orbits in km, speeds in m/s, masses in kg.
"""

from __future__ import annotations

import math

import numpy as np


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


# --- the orbit analysis of `cosmodrome run` ---------------------------------------------------------

_MODERATE = (140.0, 140.0, 15.0)  # ECSS-E-ST-10-04C Table 6-3, the default of cosmodrome.earth.density


def space_weather_dict(weather) -> dict | None:
    """F10.7 (daily, 81-day average; sfu) and Ap, labelled when they are the default moderate level."""
    if weather is None:
        return None
    values = (weather.f107_sfu, weather.f107_average_sfu, weather.ap)
    return {"f107_sfu": weather.f107_sfu, "f107_average_sfu": weather.f107_average_sfu, "ap": weather.ap,
            "label": ("ECSS-E-ST-10-04C moderate activity (the default)" if values == _MODERATE
                      else "as given")}


def elements_dict(elements, reference_radius_m: float, gm_m3_s2: float) -> dict:
    """Classical elements in km and deg, perigee/apogee altitudes (radius minus ``reference_radius_m``)
    and the Keplerian period 2 pi sqrt(a^3/GM) in minutes; non-finite values (a hyperbola's apogee) as None."""
    a = elements.semi_major_axis_m
    e = elements.eccentricity
    period_s = 2.0 * math.pi * math.sqrt(a ** 3 / gm_m3_s2) if a > 0 else math.nan
    apogee = a * (1.0 + e) - reference_radius_m if e < 1 else math.nan
    return {"semi_major_axis_km": _round(a / 1e3, 4), "eccentricity": _round(e, 8),
            "inclination_deg": _round(math.degrees(elements.inclination_rad), 6),
            "raan_deg": _round(math.degrees(elements.raan_rad), 6),
            "argument_of_perigee_deg": _round(math.degrees(elements.argument_of_perigee_rad), 6),
            "true_anomaly_deg": _round(math.degrees(elements.true_anomaly_rad), 6),
            "perigee_altitude_km": _round((a * (1.0 - e) - reference_radius_m) / 1e3, 4),
            "apogee_altitude_km": _round(apogee / 1e3, 4),
            "period_min": _round(period_s / 60.0, 5)}


def _iso(time) -> str | None:
    return None if time is None else time.utc_iso(decimals=3)


def _residuals(residuals, start, end) -> dict | None:
    if residuals is None:
        return None
    return {"start_utc": _iso(start), "end_utc": _iso(end), "samples": residuals.count,
            "rms_m": _round(residuals.rms_m, 2), "max_m": _round(residuals.max_m, 2)}


def orbit_analysis_dict(analysis, *, tle_lines: tuple[str, str] | None, omm_kvn: str | None,
                        track_step_s: float, history_step_days: float = 30.0) -> dict:
    """The ``orbit`` entry of summary.json for a `cosmodrome.mission.OrbitAnalysis`.

    ``tle_lines`` and ``omm_kvn``: the fitted elements as TLE text and CCSDS OMM KVN (formatted by the
    caller, once, so that the report prints the same text). ``track_step_s``: the ground-track step.
    ``history_step_days``: spacing of the mean-altitude history kept from the lifetime run.
    Units are in the key names: km, deg, min, m, kg; times are UTC ISO 8601 ending in Z.
    """
    from ..earth.constants import ALTITUDE_REFERENCE_RADIUS_M, WGS84_GM_M3_S2

    state = analysis.state
    craft = analysis.spacecraft
    force = analysis.force_model
    elements = {
        "frame": "GCRS", "epoch_utc": _iso(state.epoch), "gm_m3_s2": WGS84_GM_M3_S2,
        "altitude_reference": "radius minus 6378.137 km (WGS-84 equatorial radius)",
        "osculating": elements_dict(analysis.osculating, ALTITUDE_REFERENCE_RADIUS_M, WGS84_GM_M3_S2),
        "mean": None if analysis.mean is None else {
            **elements_dict(analysis.mean, ALTITUDE_REFERENCE_RADIUS_M, WGS84_GM_M3_S2),
            "theory": "Brouwer mean elements (first-order short-period J2 terms removed, "
                      "cosmodrome.orbits.j2_secular) about the GCRS z axis, not the pole of date"},
        "mean_error": analysis.mean_error,
    }
    spacecraft = {"mass_kg": _round(craft.mass_kg, 3), "area_m2": _round(craft.drag_area_m2, 4),
                  "drag_coefficient": _round(craft.drag_coefficient, 4),
                  "ballistic_coefficient_kg_m2": _round(craft.ballistic_coefficient_kg_m2, 2),
                  "defaulted": list(analysis.spacecraft_defaults)}
    times = analysis.track_times
    iso = times.utc_iso(decimals=3)
    points = [{"time_utc": t, "lat_deg": _round(la, 6), "lon_deg": _round(lo, 6), "alt_km": _round(h / 1e3, 4)}
              for t, la, lo, h in zip(iso, analysis.track_latitude_deg.tolist(),
                                      analysis.track_longitude_deg.tolist(), analysis.track_height_m.tolist())]
    propagation = {
        "method": "Cowell, DOP853 (cosmodrome.orbits.numerical), GCRS",
        "gravity": f"EGM2008 zonal terms J2-J{force.zonal_degree}", "drag": force.density_model.value,
        "space_weather": space_weather_dict(force.space_weather), "third_bodies": force.sun or force.moon,
        "solar_radiation_pressure": force.solar_radiation_pressure,
        "span_days": _round((analysis.ephemeris.times[-1] - analysis.ephemeris.times[0]) / 86400.0, 6),
        "step_s": track_step_s, "reentry_utc": _iso(analysis.reentry_epoch),
        "integrator_message": analysis.integrator_message,
    }
    return {
        "elements": elements, "spacecraft": spacecraft, "propagation": propagation,
        "ground_track": {"step_s": track_step_s, "alt_reference": "height above the WGS-84 ellipsoid",
                         "points": points},
        "lifetime": _lifetime_dict(analysis, history_step_days),
        "tle": _tle_dict(analysis, tle_lines, omm_kvn),
    }


def lifetime_statement(analysis) -> str:
    """'re-enters on YYYY-MM-DD (N.N years after insertion)' or 'beyond N years', or the failure."""
    lifetime = analysis.lifetime
    if lifetime is None:
        return f"not computed: {analysis.lifetime_error}"
    if lifetime.decay_epoch is None:
        return f"beyond {lifetime.max_duration_s / (365.25 * 86400.0):g} years"
    days = lifetime.lifetime_days
    span = (f"{days / 365.25:.1f} years" if days >= 365.25 else f"{days:.1f} days" if days >= 2.0
            else f"{days * 24.0:.1f} hours")
    return f"re-enters on {lifetime.decay_epoch.utc_iso(decimals=0)[:10]} ({span} after insertion)"


def _lifetime_dict(analysis, history_step_days: float) -> dict:
    lifetime = analysis.lifetime
    limit_years = analysis.lifetime_limit_s / (365.25 * 86400.0)
    if lifetime is None:
        return {"statement": lifetime_statement(analysis), "error": analysis.lifetime_error,
                "limit_years": _round(limit_years, 3)}
    history = lifetime.history
    elapsed_days = (history.times - lifetime.epoch) / 86400.0
    keep = np.unique(np.r_[np.searchsorted(elapsed_days, np.arange(0.0, elapsed_days[-1], history_step_days)),
                           elapsed_days.size - 1])
    kept_iso = history.times[keep].utc_iso(decimals=0)
    return {
        "statement": lifetime_statement(analysis),
        "decays_within_limit": lifetime.is_decayed, "decay_utc": _iso(lifetime.decay_epoch),
        "lifetime_days": None if not lifetime.is_decayed else _round(lifetime.lifetime_days, 2),
        "limit_years": _round(limit_years, 3),
        "reentry_altitude_km": _round(lifetime.reentry_height_m / 1e3, 3),
        "density_model": lifetime.density_model.value,
        "space_weather": space_weather_dict(lifetime.space_weather),
        "method": "orbit-averaged mean elements under J2 and drag (cosmodrome.orbits.lifetime)",
        "mean_altitude_history": [{"time_utc": t, "days": _round(d, 3), "mean_altitude_km": _round(h / 1e3, 3)}
                                  for t, d, h in zip(kept_iso, elapsed_days[keep].tolist(),
                                                     history.mean_altitude_m[keep].tolist())],
        "error": None,
    }


def _tle_dict(analysis, tle_lines, omm_kvn) -> dict:
    fit = analysis.tle_fit
    if fit is None:
        return {"error": analysis.tle_error}
    times = analysis.ephemeris.times
    good = np.flatnonzero(analysis.ephemeris.status[0] == 0)
    day = analysis.track_times.size
    fit_rows, next_rows = good[good < day], good[good >= day]
    first = lambda rows: None if rows.size == 0 else times[int(rows[0])]   # noqa: E731
    last = lambda rows: None if rows.size == 0 else times[int(rows[-1])]   # noqa: E731
    elements = fit.elements
    return {
        "catalogue_number": elements.catalogue_number,
        "catalogue_number_note": "99999: placeholder for an object not yet catalogued",
        "name": elements.name, "epoch_utc": _iso(elements.epoch),
        "line1": tle_lines[0], "line2": tle_lines[1],
        "bstar_per_earth_radii": elements.bstar_per_earth_radii,
        "residuals_of": "SGP4 on the printed TLE against the numerical ephemeris (positions)",
        "fit_span": _residuals(fit.printed_fit_span, first(fit_rows), last(fit_rows)),
        "next_day": _residuals(fit.printed_beyond_span, first(next_rows), last(next_rows)),
        "omm_kvn": omm_kvn,
        "omm_fit_span_rms_m": _round(fit.fit_span.rms_m, 2),
        "omm_next_day_rms_m": None if fit.beyond_span is None else _round(fit.beyond_span.rms_m, 2),
        "error": None,
    }
