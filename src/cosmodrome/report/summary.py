"""Plain-data (JSON-ready) views of results: what `--json` prints and summary.json holds.

Units are in the key names; lengths of orbits in km, speeds in m/s, masses in kg.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

from ..time import DataRangeWarning


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
    return f"re-enters on {_lifetime_iso(lifetime.decay_epoch)[:10]} ({span} after insertion)"


def _lifetime_iso(times, decimals: int = 0):
    """UTC text of lifetime dates, without the leap-second table's expiry warning.

    Lifetimes run years past the table's expiry; their dates are uncertain by far more than the
    1 s a future leap second could add, so that warning would only be noise here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataRangeWarning)
        return times.utc_iso(decimals=decimals)


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
    kept_iso = _lifetime_iso(history.times[keep])
    decay_utc = None if lifetime.decay_epoch is None else _lifetime_iso(lifetime.decay_epoch, decimals=3)
    return {
        "statement": lifetime_statement(analysis),
        "decays_within_limit": lifetime.is_decayed, "decay_utc": decay_utc,
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


# --- passes, imaging opportunities and eclipse seasons of `cosmodrome run` ---------------------------

def _satellite_dict(observation) -> dict:
    elements = observation.elements
    if elements is None:
        return {"source": None, "catalogue_number": None, "epoch_utc": None}
    return {"source": "the TLE fitted to the numerical first day, propagated with SGP4 (elements at the full "
                      "precision of the OMM)",
            "catalogue_number": int(elements.catalogue_number), "epoch_utc": _iso(elements.epoch)}


def _window_dict(observation, duration_s: float) -> dict:
    return {"start_utc": _iso(observation.start), "end_utc": _iso(observation.start + duration_s),
            "days": _round(duration_s / 86400.0, 6),
            "cut_at_reentry_utc": None if observation.reentry is None else _iso(observation.reentry)}


def _place_dict(site) -> dict:
    return {"name": site.name, "latitude_deg": _round(site.latitude_deg, 6),
            "longitude_deg": _round(site.longitude_deg, 6), "altitude_m": _round(site.altitude_m, 1),
            "min_elevation_deg": _round(site.min_elevation_deg, 3)}


def _records(table, columns: dict) -> list[dict]:
    """Rows of a DataFrame as dicts: {output key: (column, converter)}; NaN and None become None."""
    if table is None or len(table) == 0:
        return []
    values = {key: table[column].tolist() for key, (column, _) in columns.items()}
    out = []
    for k in range(len(table)):
        row = {}
        for key, (_, convert) in columns.items():
            value = values[key][k]
            row[key] = None if value is None or (isinstance(value, float) and not math.isfinite(value)) \
                else convert(value)
        out.append(row)
    return out


def _text(value):
    return str(value)


def _flag(value):
    return bool(value)


def _deg(value):
    return _round(value, 3)


def _km(value):
    return _round(value / 1e3, 3)


def passes_dict(observation) -> dict:
    """The ``passes`` entry of summary.json: the stations, the window and every pass found in it.

    ``observation``: a `cosmodrome.mission.Observation`. Each pass has ``station``, ``rise_utc``,
    ``culmination_utc``, ``set_utc`` (ISO 8601 UTC ending in Z, ms, as `find_passes` writes them),
    ``duration_s``, ``max_elevation_deg``, ``rise/culmination/set_azimuth_deg`` (clockwise from true
    north), ``culmination_range_km`` and ``partial`` (cut by the window's edge, whose time is given).
    """
    columns = {"station": ("site", _text), "rise_utc": ("rise_utc", _text),
               "culmination_utc": ("culmination_utc", _text), "set_utc": ("set_utc", _text),
               "duration_s": ("duration_s", lambda v: _round(v, 3)),
               "max_elevation_deg": ("max_elevation_deg", _deg),
               "rise_azimuth_deg": ("rise_azimuth_deg", _deg),
               "culmination_azimuth_deg": ("culmination_azimuth_deg", _deg),
               "set_azimuth_deg": ("set_azimuth_deg", _deg),
               "culmination_range_km": ("culmination_range_m", _km), "partial": ("partial", _flag)}
    return {
        "satellite": _satellite_dict(observation), **_window_dict(observation, observation.pass_duration_s),
        "conventions": "geometric elevation (no refraction) from the WGS-84 ellipsoid normal, azimuth clockwise "
                       "from true north; a pass is a maximal interval at or above the station's mask; none of "
                       "10 s or longer is missed (cosmodrome.observe.passes)",
        "stations": [_place_dict(site) for site in observation.stations],
        "passes": _records(observation.passes, columns),
        "error": observation.error,
    }


def sensor_dict(sensor) -> dict | None:
    """A `Sensor` in the units of the mission file's [sensor] table (deg, km, um, mm); None for None."""
    if sensor is None:
        return None
    return {"off_nadir_max_deg": sensor.off_nadir_max_deg, "nadir_cone_deg": sensor.nadir_cone_half_angle_deg,
            "swath_km": None if sensor.swath_width_m is None else sensor.swath_width_m / 1e3,
            "min_target_elevation_deg": sensor.min_target_elevation_deg,
            "min_sun_elevation_deg": sensor.min_sun_elevation_deg,
            "pixel_pitch_um": None if sensor.pixel_pitch_m is None else _round(sensor.pixel_pitch_m * 1e6, 6),
            "focal_length_mm": None if sensor.focal_length_m is None else _round(sensor.focal_length_m * 1e3, 6),
            "description": sensor.describe()}


def opportunities_dict(observation) -> dict:
    """The ``opportunities`` entry of summary.json: sensor, targets, window and every imaging opportunity.

    Each opportunity has ``target``, ``start_utc``, ``end_utc``, ``min_off_nadir_utc`` (ISO 8601 UTC
    ending in Z) and at that time ``off_nadir_deg``, ``target_elevation_deg`` (the satellite seen
    from the target), ``target_azimuth_deg``, ``sun_elevation_deg`` (at the target),
    ``slant_range_km`` and ``gsd_m`` (geometric mean GSD; null without optics); ``duration_s``,
    ``partial``.
    """
    columns = {"target": ("target", _text), "start_utc": ("start_utc", _text), "end_utc": ("end_utc", _text),
               "min_off_nadir_utc": ("min_off_nadir_utc", _text),
               "duration_s": ("duration_s", lambda v: _round(v, 3)),
               "off_nadir_deg": ("off_nadir_deg", _deg), "target_elevation_deg": ("target_elevation_deg", _deg),
               "target_azimuth_deg": ("target_azimuth_deg", _deg),
               "sun_elevation_deg": ("sun_elevation_deg", _deg), "slant_range_km": ("slant_range_m", _km),
               "gsd_m": ("gsd_m", lambda v: _round(v, 3)), "partial": ("partial", _flag)}
    return {
        "satellite": _satellite_dict(observation), **_window_dict(observation, observation.pass_duration_s),
        "sensor": sensor_dict(observation.sensor),
        "targets": [{key: value for key, value in _place_dict(site).items() if key != "min_elevation_deg"}
                    for site in observation.targets],
        "opportunities": _records(observation.opportunities, columns),
        "error": observation.error,
    }


def eclipse_season_summary(seasons, period_s: float) -> dict:
    """Ranges of beta and of the shadow share, the longest eclipse, and the runs of eclipsed orbits.

    ``seasons``: the DataFrame of `observe.eclipses.eclipse_seasons` for one satellite; ``period_s``:
    its period (the span of each row). A season is a run of consecutive orbits with some shadow;
    it is given from the first such orbit's start to the last one's end.
    """
    if seasons is None or len(seasons) == 0:
        return {"orbits": 0, "eclipsed_orbits": 0, "beta_min_deg": None, "beta_max_deg": None,
                "eclipse_fraction_min": None, "eclipse_fraction_max": None, "longest_eclipse_min": None,
                "seasons": []}
    fraction = seasons["eclipse_fraction"].to_numpy(dtype=float)
    beta = seasons["beta_deg"].to_numpy(dtype=float)
    starts = seasons["orbit_start_utc"].tolist()
    start_mjd = seasons["orbit_start_tai_mjd"].to_numpy(dtype=float)
    from ..time import Time

    eclipsed = fraction > 0.0
    edges = np.flatnonzero(np.diff(np.r_[0, eclipsed.astype(int), 0]))
    runs = []
    for first, stop in zip(edges[0::2], edges[1::2]):
        end = Time.from_tai_jd(2400000.5, float(start_mjd[stop - 1])) + period_s
        runs.append({"start_utc": starts[first], "end_utc": end.utc_iso(decimals=3), "orbits": int(stop - first),
                     "starts_at_window_start": bool(first == 0), "ends_at_window_end": bool(stop == fraction.size)})
    return {"orbits": int(fraction.size), "eclipsed_orbits": int(np.count_nonzero(eclipsed)),
            "beta_min_deg": _round(np.nanmin(beta), 3), "beta_max_deg": _round(np.nanmax(beta), 3),
            "eclipse_fraction_min": _round(np.nanmin(fraction), 5),
            "eclipse_fraction_max": _round(np.nanmax(fraction), 5),
            "longest_eclipse_min": _round(np.nanmax(fraction) * period_s / 60.0, 3), "seasons": runs}


def eclipses_dict(observation) -> dict:
    """The ``eclipses`` entry of summary.json: eclipse seasons and beta angle, one row per orbit.

    ``orbits``: {orbit, orbit_start_utc, beta_deg, umbra_fraction, penumbra_fraction (penumbra only),
    eclipse_fraction (their sum)}, shares of the period; ``summary``: `eclipse_season_summary`.
    """
    elements = observation.elements
    period_s = None if elements is None else 86400.0 / elements.mean_motion_rev_day
    columns = {"orbit": ("orbit", int), "orbit_start_utc": ("orbit_start_utc", _text),
               "beta_deg": ("beta_deg", _deg), "umbra_fraction": ("umbra_fraction", lambda v: _round(v, 5)),
               "penumbra_fraction": ("penumbra_fraction", lambda v: _round(v, 5)),
               "eclipse_fraction": ("eclipse_fraction", lambda v: _round(v, 5))}
    return {
        "satellite": _satellite_dict(observation), **_window_dict(observation, observation.eclipse_duration_s),
        "shadow_model": "conical umbra and penumbra, WGS-84 oblate Earth, Sun from ERFA epv00 "
                        "(cosmodrome.observe.eclipses)",
        "period_min": None if period_s is None else _round(period_s / 60.0, 4),
        "summary": eclipse_season_summary(observation.seasons, period_s) if period_s else None,
        "orbits": _records(observation.seasons, columns),
        "error": observation.error,
    }


# --- the coverage of the mission's region ----------------------------------------------------------

def coverage_figures_dict(result) -> dict:
    """Area-weighted figures of one `observe.coverage.CoverageResult` (docs/coverage-metrics.md).

    Times in s, shares 0..1, each the area-weighted mean over the points where the figure exists
    unless named ``worst`` (the largest over the area). ``revisit_defined_area_fraction``: the
    share of the area with at least one revisit gap (two accesses or more); ``accessed_area_fraction``:
    with at least one access.
    """
    s = result.summary
    return {
        "mean_revisit_gap_s": _round(s["mean_gap_s"].mean, 3),
        "max_revisit_gap_s": _round(s["max_gap_s"].mean, 3),
        "worst_revisit_gap_s": _round(s["max_gap_s"].maximum, 3),
        "revisit_defined_area_fraction": _round(s["mean_gap_s"].defined_area_fraction, 6),
        "time_to_first_access_s": _round(s["time_to_first_access_s"].mean, 3),
        "worst_time_to_first_access_s": _round(s["time_to_first_access_s"].maximum, 3),
        "accessed_area_fraction": _round(s["time_to_first_access_s"].defined_area_fraction, 6),
        "covered_time_fraction": _round(s["covered_fraction"].mean, 6),
        "accesses_per_day": _round(s["accesses_per_day"].mean, 4),
    }


def coverage_dict(coverage) -> dict:
    """The ``coverage`` entry of summary.json for a `cosmodrome.mission.RegionCoverage` (or None).

    ``requested``: whether the mission file has a ``[coverage]`` table (nothing else without one);
    then the region, grid, window and access rule, and for ``satellite`` (the fitted TLE) and
    ``constellation`` (None without one) their `coverage_figures_dict` (None with ``error``).
    """
    if coverage is None or coverage.spec is None:
        return {"requested": False}
    spec = coverage.spec
    grid = spec.grid
    satellite = coverage.satellite
    out = {
        "requested": True, "area": spec.area.name, "area_kind": spec.area.kind.value,
        "resolution_deg": grid.resolution_deg, "grid_points": int(grid.size),
        "area_km2": _round(grid.total_area_m2 / 1e6, 0), "start_utc": _iso(coverage.start), "days": spec.days,
        "access": spec.access.describe(), "time_resolution_s": spec.access.time_resolution_s,
        "satellite": {
            "description": "the fitted TLE (SGP4)",
            "duration_s": None if satellite is None else _round(satellite.duration_s, 3),
            "cut_at_reentry_utc": _iso(coverage.reentry),
            "figures": None if satellite is None else coverage_figures_dict(satellite),
            "error": coverage.satellite_error},
        "constellation": None,
    }
    if spec.constellation is not None and coverage.constellation is not None:
        out["constellation"] = {
            "description": spec.constellation.describe(),
            "satellites": spec.constellation.walker.total_satellites,
            "duration_s": _round(coverage.constellation.duration_s, 3),
            "figures": coverage_figures_dict(coverage.constellation)}
    return out
