"""The "Passes and imaging" part of the mission report: passes, imaging opportunities, eclipse seasons.

Builds one `ReportSection` (tables, a short text, and a PNG plot of the eclipse share and beta angle
against date) from a `cosmodrome.mission.Observation` and its summary.json entries
(``report.summary.passes_dict``, ``opportunities_dict``, ``eclipses_dict``), whose rounded values it
prints so that the report and the summary agree; it computes nothing of the orbit itself. Figures
are drawn on ``matplotlib.figure.Figure`` with an explicit Agg canvas, never pyplot (as
``report.plots``). Times are UTC; angles in deg, ranges in km, GSD in m.
"""

from __future__ import annotations

import math

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from .html import ReportSection, Table
from .plots import png_bytes

HEADING = "Passes and imaging"
MAX_TABLE_ROWS = 12
"""Rows shown per station and per target; summary.json holds every pass and opportunity."""

_FIGSIZE_IN = (8.0, 4.0)
_DPI = 110
_SHADOW_COLOUR = "#1f5fa8"
_UMBRA_COLOUR = "#0b2d57"
_BETA_COLOUR = "#d62728"
_MINUS = "\u2212"


def _f(value, decimals: int) -> str:
    if value is None or not math.isfinite(value):
        return "-"
    return f"{value:,.{decimals}f}".replace("-", _MINUS)


def _utc(text: str | None) -> str:
    """'2027-06-01T04:35:00.979Z' -> '2027-06-01 04:35:01' (to the second, for the tables)."""
    if not text:
        return "-"
    date, clock = text.rstrip("Z").split("T")
    hours, minutes, seconds = clock.split(":")
    whole = int(round(float(seconds)))
    if whole == 60:  # rounding up: show the time to the second below rather than carry over days
        whole = 59
    return f"{date} {hours}:{minutes}:{whole:02d}"


def _days(value: float) -> str:
    if value < 1.0:  # a window cut short by re-entry
        return f"{value * 24.0:.1f} hours"
    return f"{value:g} day" + ("" if value == 1 else "s")


# --- the plot --------------------------------------------------------------------------------------

def eclipse_season_png(observation) -> bytes:
    """Share of each orbit in shadow (umbra, and umbra + penumbra; %) and the beta angle (deg) against date."""
    seasons = observation.seasons
    dates = np.array([t.rstrip("Z") for t in seasons["orbit_start_utc"]], dtype="datetime64[ms]")
    figure = Figure(figsize=_FIGSIZE_IN, dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    shadow = axes.plot(dates, 100.0 * seasons["eclipse_fraction"].to_numpy(dtype=float), color=_SHADOW_COLOUR,
                       linewidth=1.4, label="in shadow (umbra + penumbra)")
    umbra = axes.plot(dates, 100.0 * seasons["umbra_fraction"].to_numpy(dtype=float), color=_UMBRA_COLOUR,
                      linewidth=0.8, linestyle="--", label="in umbra")
    axes.set_ylabel("share of the orbit in shadow (%)")
    top = float(np.nanmax(seasons["eclipse_fraction"].to_numpy(dtype=float))) * 100.0
    axes.set_ylim(0.0, max(5.0, 1.15 * top))
    axes.set_title(f"Eclipse seasons: {len(seasons)} orbits from insertion", fontsize=11, loc="left")
    axes.grid(True, color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    beta_axes = axes.twinx()
    beta = beta_axes.plot(dates, seasons["beta_deg"].to_numpy(dtype=float), color=_BETA_COLOUR, linewidth=1.1,
                          label="beta angle")
    beta_axes.set_ylabel("beta angle (deg)", color=_BETA_COLOUR)
    beta_axes.tick_params(axis="y", colors=_BETA_COLOUR)
    low, high = beta_axes.get_ylim()
    if high - low < 4.0:  # a nearly constant beta (noon or dawn-dusk SSO): keep the axis readable
        middle = 0.5 * (low + high)
        beta_axes.set_ylim(middle - 2.0, middle + 2.0)
    axes.set_xlim(dates[0], dates[-1])
    axes.set_xlabel("orbit start (UTC)")
    figure.autofmt_xdate(rotation=0, ha="center")
    axes.legend(handles=[*shadow, *umbra, *beta], loc="lower left", fontsize=8, framealpha=0.85)
    return png_bytes(figure)


# --- text and tables -----------------------------------------------------------------------------

def _satellite_paragraph(passes: dict, eclipses: dict, tle: dict | None) -> str:
    satellite = passes["satellite"]
    text = (f"Everything in this part follows the satellite with the TLE fitted above (SGP4; catalogue number "
            f"{satellite['catalogue_number']}, epoch {satellite['epoch_utc']}, elements at the OMM's full "
            f"precision) from insertion: passes and imaging opportunities over the first "
            f"{_days(passes['days'])}, eclipses over the first {_days(eclipses['days'])}. The TLE rather than "
            "the numerical ephemeris, because the pass, imaging and eclipse searches evaluate the satellite at "
            "any instant they need (to refine each rise, set and shadow crossing to 0.1 ms, and to guarantee "
            "that no pass of 10 s or longer is missed), which SGP4 does at once, while the numerical ephemeris "
            "is a table every 60 s over two days"
            + (", shorter than these windows" if max(passes["days"], eclipses["days"]) > 2.0 else "")
            + "; and because the TLE is what stations will point their antennas with until the satellite is "
            "catalogued.")
    if passes.get("cut_at_reentry_utc"):
        text += (f" Windows that would reach past the predicted re-entry, {passes['cut_at_reentry_utc']}, stop "
                 "there: past it, SGP4 "
                 "(whose drag term was fitted to a day at most) would carry on a satellite that is no longer there.")
    if tle and tle.get("fit_span") and tle.get("next_day") and tle["next_day"].get("max_m") is not None:
        worst_m = tle["next_day"]["max_m"]
        text += (f" Its price is small: the printed TLE is within {_f(tle['fit_span']['rms_m'], 0)} m RMS of the "
                 f"numerical orbit over the fit day and {_f(worst_m, 0)} m at worst over the next, which at "
                 f"about 7 km/s moves a rise or set by {_f(worst_m / 7000.0, 2)} s at most; the error grows "
                 "beyond that as SGP4's drag and the numerical model's part ways.")
    return text


def _station_rows(passes: list[dict]) -> tuple:
    return tuple((_utc(p["rise_utc"]), _utc(p["culmination_utc"]), _utc(p["set_utc"]),
                  _f(p["duration_s"] / 60.0, 1), _f(p["max_elevation_deg"], 1), _f(p["rise_azimuth_deg"], 0),
                  _f(p["culmination_azimuth_deg"], 0), _f(p["set_azimuth_deg"], 0),
                  "yes" if p["partial"] else "") for p in passes)


def _pass_part(passes: dict) -> tuple[list[str], list[Table]]:
    stations = passes["stations"]
    if not stations:
        return (["Passes: none requested. The mission file names no ground stations; add [[ground_stations]] "
                 "tables (name and coordinates, or spaceport = \"id\"; docs/mission-format.md) to list their "
                 "passes here."], [])
    rows = passes["passes"]
    days = passes["days"]
    counts = []
    tables = []
    for station in stations:
        mine = [p for p in rows if p["station"] == station["name"]]
        minutes = sum(p["duration_s"] for p in mine) / 60.0
        best = max((p["max_elevation_deg"] for p in mine), default=None)
        counts.append(f"{station['name']} {len(mine)} ("
                      + (f"{minutes / days:,.0f} min a day" if days >= 1.0 else f"{minutes:,.0f} min in all")
                      + (f", highest {best:.0f} deg)" if best is not None else ")"))
        shown = mine[:MAX_TABLE_ROWS]
        more = f"; the first {len(shown)} of {len(mine)}, all in summary.json" if len(mine) > len(shown) else ""
        caption = (f"Passes over {station['name']} ({_f(station['latitude_deg'], 2)} deg, "
                   f"{_f(station['longitude_deg'], 2)} deg; mask {station['min_elevation_deg']:g} deg){more}")
        if mine:
            tables.append(Table(caption, ("rise (UTC)", "culmination (UTC)", "set (UTC)", "duration (min)",
                                          "max elevation (deg)", "rise az. (deg)", "culm. az. (deg)",
                                          "set az. (deg)", "cut by window"), _station_rows(shown)))
    text = (f"Passes over the ground stations from {passes['start_utc']} to {passes['end_utc']}: "
            f"{'; '.join(counts)}. Elevation is geometric (no refraction) from the WGS-84 ellipsoid normal, "
            "azimuth clockwise from true north; a pass runs while the satellite is at or above the station's "
            "mask; rise and set are refined to 0.1 ms (cosmodrome.observe.passes, docs/passes.md). A pass cut by "
            "the window's start or end gives the window's edge as its rise or set.")
    return [text], tables


def _opportunity_part(opportunities: dict) -> tuple[list[str], list[Table]]:
    targets = opportunities["targets"]
    if not targets:
        return (["Imaging: none requested. The mission file names no targets; add [[targets]] tables and a "
                 "[sensor] table (docs/mission-format.md) to list imaging opportunities here."], [])
    sensor = opportunities["sensor"]
    rows = opportunities["opportunities"]
    has_gsd = sensor is not None and sensor["pixel_pitch_um"] is not None
    counts, tables = [], []
    for target in targets:
        mine = [o for o in rows if o["target"] == target["name"]]
        gsds = [o["gsd_m"] for o in mine if o["gsd_m"] is not None]
        counts.append(f"{target['name']} {len(mine)}" + (f" (best GSD {min(gsds):.2f} m)" if gsds else ""))
        shown = mine[:MAX_TABLE_ROWS]
        more = f"; the first {len(shown)} of {len(mine)}, all in summary.json" if len(mine) > len(shown) else ""
        if not mine:
            continue
        columns = ["start (UTC)", "end (UTC)", "smallest off-nadir (UTC)", "off-nadir (deg)",
                   "satellite elevation (deg)", "Sun elevation (deg)", "slant range (km)"]
        if has_gsd:
            columns.append("GSD (m)")
        table_rows = []
        for o in shown:
            row = [_utc(o["start_utc"]), _utc(o["end_utc"]), _utc(o["min_off_nadir_utc"]), _f(o["off_nadir_deg"], 1),
                   _f(o["target_elevation_deg"], 1), _f(o["sun_elevation_deg"], 1), _f(o["slant_range_km"], 0)]
            if has_gsd:
                row.append(_f(o["gsd_m"], 2))
            table_rows.append(tuple(row))
        tables.append(Table(f"Imaging opportunities of {target['name']} ({_f(target['latitude_deg'], 2)} deg, "
                            f"{_f(target['longitude_deg'], 2)} deg){more}", tuple(columns), tuple(table_rows)))
    text = (f"Imaging opportunities with the sensor ({sensor['description'].split(': ', 1)[-1]}) from "
            f"{opportunities['start_utc']} to {opportunities['end_utc']}: {'; '.join(counts)}. An opportunity is "
            "an interval in which the target is within the sensor's off-nadir limit"
            + (f", the Sun at least {sensor['min_sun_elevation_deg']:g} deg high at the target"
               if sensor["min_sun_elevation_deg"] is not None else "")
            + " and the satellite above the target's horizon; each row gives the time of the smallest off-nadir "
            "angle and the geometry then" + (", with the ground sample distance (geometric mean of the GSD "
                                             "along and across the look direction, docs/sensors-and-eclipses.md)"
                                             if has_gsd else "") + ".")
    return [text], tables


def _eclipse_part(eclipses: dict) -> tuple[list[str], list[Table]]:
    summary = eclipses["summary"]
    period = eclipses["period_min"]
    if not summary or summary["orbits"] == 0:
        return [f"Eclipses: the window of {_days(eclipses['days'])} holds no whole orbit."], []
    seasons = summary["seasons"]
    if summary["eclipsed_orbits"] == summary["orbits"]:
        shape = (f"The satellite passes through the Earth's shadow on every one of its {summary['orbits']} orbits "
                 f"in the first {_days(eclipses['days'])}: {100 * summary['eclipse_fraction_min']:.1f} to "
                 f"{100 * summary['eclipse_fraction_max']:.1f} % of each {period:.1f}-min orbit, "
                 f"{summary['longest_eclipse_min']:.1f} min at the longest.")
    elif summary["eclipsed_orbits"] == 0:
        shape = (f"The satellite stays in sunlight on all {summary['orbits']} orbits of the first "
                 f"{_days(eclipses['days'])}: its beta angle stays beyond the Earth's angular radius.")
    else:
        listed = ", ".join(f"{_utc(s['start_utc'])[:10]} to {_utc(s['end_utc'])[:10]}" for s in seasons[:6])
        shape = (f"Eclipse seasons: {len(seasons)} in the first {_days(eclipses['days'])} ({listed}"
                 f"{', ...' if len(seasons) > 6 else ''}); {summary['orbits'] - summary['eclipsed_orbits']} of "
                 f"{summary['orbits']} orbits are in sunlight throughout. At most "
                 f"{100 * summary['eclipse_fraction_max']:.1f} % of a {period:.1f}-min orbit is in shadow "
                 f"({summary['longest_eclipse_min']:.1f} min).")
    text = (f"{shape} The beta angle (the Sun's elevation above the orbit plane) goes from "
            f"{_f(summary['beta_min_deg'], 1)} to {_f(summary['beta_max_deg'], 1)} deg. Shadow: conical umbra and "
            "penumbra of the WGS-84 oblate Earth, Sun from ERFA (cosmodrome.observe.eclipses); each orbit is one "
            "period from the mean motion, counted from insertion.")
    if eclipses["days"] > 7.0:
        text += (" SGP4 is carried here far beyond the few days in which it times single eclipses well, so read "
                 "this for the share of each orbit in shadow and the seasons, which follow the orbit plane (whose "
                 "precession SGP4 carries), not for the minute of an eclipse months ahead.")
    rows = [("orbits covered", f"{summary['orbits']} ({eclipses['start_utc'][:10]} to {eclipses['end_utc'][:10]})"),
            ("orbits with an eclipse", f"{summary['eclipsed_orbits']}"),
            ("share of the orbit in shadow", f"{100 * summary['eclipse_fraction_min']:.2f} to "
                                             f"{100 * summary['eclipse_fraction_max']:.2f} %"),
            ("longest eclipse (umbra + penumbra)", f"{summary['longest_eclipse_min']:.1f} min"),
            ("beta angle", f"{_f(summary['beta_min_deg'], 2)} to {_f(summary['beta_max_deg'], 2)} deg")]
    for season in seasons[:MAX_TABLE_ROWS] if summary["eclipsed_orbits"] < summary["orbits"] else ():
        rows.append(("eclipse season", f"{_utc(season['start_utc'])} to {_utc(season['end_utc'])} "
                                       f"({season['orbits']} orbits)"))
    return [text], [Table("Eclipse seasons", ("quantity", "value"), tuple(rows))]


def passes_section(observation, passes: dict, opportunities: dict, eclipses: dict,
                   tle: dict | None = None) -> ReportSection:
    """The "Passes and imaging" section of a `cosmodrome.mission.Observation`.

    ``passes``, ``opportunities``, ``eclipses``: its summary.json entries (``report.summary``);
    ``tle``: the summary's ``orbit.tle`` entry, whose residuals the text quotes. Holds the passes
    per station and opportunities per target (at most `MAX_TABLE_ROWS` each), the eclipse-season
    table and the plot of the share in shadow and the beta angle; the text says "none requested"
    for stations or targets the mission file does not name.
    """
    if observation.elements is None:
        return ReportSection(HEADING, (f"Not computed: {observation.error}. Passes, imaging opportunities and "
                                       "eclipses follow the fitted TLE.",))
    paragraphs = [_satellite_paragraph(passes, eclipses, tle)]
    tables: list[Table] = []
    for part in (_pass_part(passes), _opportunity_part(opportunities), _eclipse_part(eclipses)):
        paragraphs += part[0]
        tables += part[1]
    figures = ()
    if observation.seasons is not None and len(observation.seasons):
        figures = (("Share of each orbit in the Earth's shadow (umbra + penumbra, and umbra alone) and the beta "
                    "angle, against the start of the orbit.", eclipse_season_png(observation)),)
    return ReportSection(HEADING, tuple(paragraphs), tuple(tables), figures=figures)
