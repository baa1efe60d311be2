"""The orbit part of the mission report: elements, first day, lifetime, and the fitted TLE/OMM.

Builds `ReportSection`s (and their PNG figures) from a `cosmodrome.mission.OrbitAnalysis`; it
computes nothing of the orbit itself. Figures are drawn on ``matplotlib.figure.Figure`` with an
explicit Agg canvas, never pyplot (as ``report.plots``); maps come from ``report.maps``. Values
are shown in km, deg, min, m and kg; times in UTC.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from ..io.omm import format_omm_kvn
from ..io.tle import format_tle
from .html import ReportSection, Table
from .maps import plot_ground_track, plot_points, world_axes
from .plots import png_bytes
from .summary import lifetime_statement

_FIGSIZE_IN = (8.0, 4.0)
_DPI = 110
_TRACK_COLOUR = "#1f5fa8"
_YEAR_DAYS = 365.25


def orbit_texts(analysis) -> tuple[tuple[str, str] | None, str | None]:
    """The fitted elements as (TLE line 1, line 2) and as CCSDS OMM KVN text, or (None, None) without a fit.

    Formatted once per run, so that summary.json and the report carry the same text (the OMM's
    CREATION_DATE is the time of this call).
    """
    fit = analysis.tle_fit
    if fit is None:
        return None, None
    return format_tle(fit.elements), format_omm_kvn([fit.elements])


# --- figures ---------------------------------------------------------------------------------

def _new_figure() -> Figure:
    figure = Figure(figsize=_FIGSIZE_IN, dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def _style(axes, title: str, xlabel: str, ylabel: str) -> None:
    axes.set_title(title, fontsize=11, loc="left")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def ground_track_png(analysis, site) -> bytes:
    """World map (PNG) of the first day's ground track from insertion (circle), the launch site marked."""
    figure, axes = world_axes(title="Ground track, first day after insertion")
    plot_ground_track(analysis.track_latitude_deg, analysis.track_longitude_deg, axes,
                      label=f"from insertion {analysis.track_times[0].utc_iso(decimals=0)}",
                      colour=_TRACK_COLOUR, linewidth=1.1)
    plot_points([site.latitude_deg], [site.longitude_deg], axes, labels=[site.name], label="launch site")
    return png_bytes(figure)


def altitude_png(analysis) -> bytes:
    """Height above the WGS-84 ellipsoid (km) against hours from insertion over the first day."""
    hours = (analysis.track_times - analysis.track_times[0]) / 3600.0
    height_km = analysis.track_height_m / 1e3
    figure = _new_figure()
    axes = figure.add_subplot()
    axes.plot(hours, height_km, color=_TRACK_COLOUR, linewidth=1.2)
    _style(axes, "Altitude, first day", "time from insertion (h)", "height above WGS-84 (km)")
    axes.set_xlim(0.0, float(hours[-1]))
    return png_bytes(figure)


def lifetime_png(analysis) -> bytes:
    """Mean altitude (and perigee/apogee when they differ) against time until decay or the limit."""
    lifetime = analysis.lifetime
    history = lifetime.history
    days = (history.times - lifetime.epoch) / 86400.0
    in_years = days[-1] > 2.0 * _YEAR_DAYS
    x = days / _YEAR_DAYS if in_years else days
    figure = _new_figure()
    axes = figure.add_subplot()
    axes.plot(x, history.mean_altitude_m / 1e3, color=_TRACK_COLOUR, linewidth=1.4, label="mean altitude (a - R)")
    if np.nanmax(history.apogee_altitude_m - history.perigee_altitude_m) > 2e3:
        axes.plot(x, history.perigee_altitude_m / 1e3, color="#d62728", linewidth=0.8, label="perigee")
        axes.plot(x, history.apogee_altitude_m / 1e3, color="#2ca02c", linewidth=0.8, label="apogee")
    axes.axhline(lifetime.reentry_height_m / 1e3, color="#555555", linestyle=":", linewidth=0.9)
    axes.annotate(f"re-entry {lifetime.reentry_height_m / 1e3:g} km", xy=(0.0, lifetime.reentry_height_m / 1e3),
                  xytext=(4, 3), textcoords="offset points", fontsize=8, color="#333333")
    _style(axes, f"Lifetime: {lifetime_statement(analysis)}", "years from insertion" if in_years
           else "days from insertion", "altitude (km)")
    axes.set_ylim(bottom=0.0)
    axes.set_xlim(left=0.0)
    axes.legend(loc="upper right", fontsize=8, framealpha=0.85)
    return png_bytes(figure)


# --- sections --------------------------------------------------------------------------------

def _f(value, decimals: int) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{decimals}f}".replace("-", "\u2212")


def _weather_text(weather: dict | None) -> str:
    if weather is None:
        return "none (no solar-activity dependence)"
    return (f"F10.7 = {weather['f107_sfu']:g} sfu, 81-day mean {weather['f107_average_sfu']:g} sfu, "
            f"Ap = {weather['ap']:g}, {weather['label']}")


def _elements_section(orbit: dict, ascent_inclination_deg: float) -> ReportSection:
    el = orbit["elements"]
    osc, mean = el["osculating"], el["mean"] or {}
    rows = (("semi-major axis (km)", "semi_major_axis_km", 3), ("eccentricity", "eccentricity", 7),
            ("inclination (deg)", "inclination_deg", 4), ("RAAN (deg)", "raan_deg", 4),
            ("argument of perigee (deg)", "argument_of_perigee_deg", 4),
            ("true anomaly (deg)", "true_anomaly_deg", 4),
            ("perigee altitude (km)", "perigee_altitude_km", 3), ("apogee altitude (km)", "apogee_altitude_km", 3),
            ("Keplerian period (min)", "period_min", 3))
    table = Table("Elements after insertion (GCRS)", ("element", "osculating", "mean (Brouwer)"),
                  tuple((label, _f(osc[key], d), _f(mean.get(key), d)) for label, key, d in rows))
    craft = orbit["spacecraft"]
    defaulted = set(craft["defaulted"])

    def source(field: str) -> str:
        return " (default)" if field in defaulted else ""

    prop = orbit["propagation"]
    model = Table("Spacecraft and force model", ("quantity", "value"), (
        ("mass", f"{craft['mass_kg']:,.1f} kg{source('mass_kg')}"),
        ("drag area", f"{craft['area_m2']:,.2f} m\u00b2{source('area_m2')}"),
        ("drag coefficient", f"{craft['drag_coefficient']:g}{source('drag_coefficient')}"),
        ("ballistic coefficient m/(Cd A)", f"{craft['ballistic_coefficient_kg_m2']:,.1f} kg/m\u00b2"),
        ("gravity", prop["gravity"]),
        ("atmosphere", "NRLMSIS 2.1" if prop["drag"] == "nrlmsis2.1" else prop["drag"]),
        ("solar and geomagnetic activity", _weather_text(prop["space_weather"])),
        ("Sun, Moon, radiation pressure", "not modelled"),
    ))
    paragraphs = [
        f"The insertion state becomes a GCRS state vector at {el['epoch_utc']} UTC. Osculating elements are "
        "the two-body elements of that state (WGS-84 GM 3.986004418e14 m\u00b3/s\u00b2); mean elements are "
        "Brouwer's, with the first-order short-period J2 terms removed (cosmodrome.orbits.j2_secular). Both are "
        "in GCRS, about the GCRS z axis: the Earth's pole of date is about 0.15 deg away from it, so the "
        f"inclination here differs from the ascent's {ascent_inclination_deg:.3f} deg, which is taken from the "
        "true equator of date (the TLE below is in TEME, of date, too). Altitudes are radius minus 6378.137 km.",
    ]
    if osc["eccentricity"] is not None and osc["eccentricity"] < 1e-3:
        paragraphs.append("The orbit is nearly circular, so the argument of perigee and the true anomaly are "
                          "poorly defined on their own; their sum, the argument of latitude, is not.")
    if el["mean_error"]:
        paragraphs.append(f"Mean elements not computed: {el['mean_error']}")
    if defaulted:
        paragraphs.append("Fields marked (default) were not in the mission file's [spacecraft] table: the mass "
                          "is the separated payload mass, the drag area that of a randomly tumbling cube of "
                          "that mass at 100 kg/m\u00b3, the drag coefficient 2.2 (docs/mission-format.md).")
    return ReportSection("Orbit: elements after insertion", tuple(paragraphs), (table, model))


def _first_day_section(analysis, orbit: dict, site) -> ReportSection:
    prop = orbit["propagation"]
    height_km = analysis.track_height_m / 1e3
    text = (f"The first day after insertion, integrated numerically (Cowell; EGM2008 J2-J6; NRLMSIS 2.1 drag under "
            f"{_weather_text(prop['space_weather'])}) and sampled every {prop['step_s']:g} s; the ground track "
            "is the sub-satellite point on the WGS-84 ellipsoid (GCRS to ITRS with the shipped IERS Earth "
            "orientation). ")
    if np.any(np.isfinite(height_km)):
        text += (f"Height above the ellipsoid ranges from {np.nanmin(height_km):,.1f} to "
                 f"{np.nanmax(height_km):,.1f} km over the day.")
    paragraphs = [text]
    if prop["reentry_utc"]:
        paragraphs.append(f"Warning: the satellite re-enters (100 km) at {prop['reentry_utc']} UTC.")
    figures = (
        (f"Ground track over the first day from insertion (circle); the triangle marks the launch site, "
         f"{site.name}.", ground_track_png(analysis, site)),
        ("Height above the WGS-84 ellipsoid over the first day (it varies with latitude even on a circular "
         "orbit: the ellipsoid's radius does).", altitude_png(analysis)),
    )
    return ReportSection("Orbit: first day", tuple(paragraphs), figures=figures)


def _lifetime_section(analysis, orbit: dict) -> ReportSection:
    life = orbit["lifetime"]
    if analysis.lifetime is None:
        return ReportSection("Orbit: lifetime", (f"Lifetime {life['statement']}",))
    table = Table("Lifetime", ("quantity", "value"), (
        ("predicted decay", life["statement"]),
        ("decay epoch (UTC)", life["decay_utc"] or f"none within {life['limit_years']:g} years"),
        ("atmosphere", "NRLMSIS 2.1" if life["density_model"] == "nrlmsis2.1" else life["density_model"]),
        ("solar and geomagnetic activity", _weather_text(life["space_weather"]) + ", held constant"),
        ("ballistic coefficient m/(Cd A)", f"{orbit['spacecraft']['ballistic_coefficient_kg_m2']:,.1f} kg/m\u00b2"),
        ("decay taken at", f"lowest point of the orbit at {life['reentry_altitude_km']:g} km"),
        ("method", life["method"]),
    ))
    paragraph = (f"Predicted lifetime: {life['statement']}. Drag lifetimes are planning figures: the density model alone is uncertain by 15-20 %, and the "
                 "solar cycle (held here at one constant level) and the satellite's attitude move the result by "
                 "tens of percent.")
    return ReportSection("Orbit: lifetime", (paragraph,), (table,),
                         figures=(("Mean altitude (semi-major axis minus 6378.137 km) until decay or the end of "
                                   "the search.", lifetime_png(analysis)),))


def _tle_section(orbit: dict) -> ReportSection:
    tle = orbit["tle"]
    if tle.get("error"):
        return ReportSection("Orbit: TLE and OMM", (f"No TLE: the fit failed: {tle['error']}",))
    rows = [("first day (fit span)", tle["fit_span"])]
    if tle["next_day"] is not None:
        rows.append(("following day (prediction)", tle["next_day"]))
    table = Table("Position residuals of the printed TLE (SGP4) against the numerical ephemeris",
                  ("span", "from (UTC)", "to (UTC)", "samples", "RMS (m)", "max (m)"),
                  tuple((label, r["start_utc"], r["end_utc"], f"{r['samples']:d}", _f(r["rms_m"], 1),
                         _f(r["max_m"], 1)) for label, r in rows))
    paragraphs = []
    if any(r["rms_m"] is None for _, r in rows):
        paragraphs.append("Warning: SGP4 cannot propagate the printed TLE over every sample (its B* makes the "
                          "satellite decay early): the residuals are unbounded and the TLE is of little use.")
    paragraph = (f"SGP4 mean elements fitted by least squares to the numerical first day (positions every "
                 f"{orbit['propagation']['step_s']:g} s, B* free; cosmodrome.orbits.tle_fit), so that any tracking "
                 f"tool can follow the satellite. Catalogue number {tle['catalogue_number']} is the placeholder for "
                 "an object not yet catalogued, and the international designator is left blank. The OMM carries "
                 f"the same elements at full precision (RMS {_f(tle['omm_fit_span_rms_m'], 1)} m over the fit span).")
    return ReportSection("Orbit: TLE and OMM", (paragraph, *paragraphs), (table,), preformatted=(
        ("Two-line element set (TEME, UTC epoch)", f"{tle['line1']}\n{tle['line2']}"),
        ("CCSDS OMM, KVN", tle["omm_kvn"].rstrip("\n")),
    ))


def orbit_sections(result, orbit: dict) -> list[ReportSection]:
    """The report sections of ``result.orbit`` (a `cosmodrome.mission.OrbitAnalysis`).

    ``orbit``: its summary.json entry (``report.summary.orbit_analysis_dict``), whose rounded values and
    TLE/OMM text the sections print, so that report and summary agree. Returns four sections:
    elements after insertion, first day (ground track and altitude), lifetime, TLE and OMM.
    """
    analysis = result.orbit
    return [_elements_section(orbit, result.ascent.orbit.inclination_deg),
            _first_day_section(analysis, orbit, result.site),
            _lifetime_section(analysis, orbit),
            _tle_section(orbit)]
