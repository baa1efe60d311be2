"""Passes against two references over 7 days: Skyfield's find_events and a brute-force 1-s screen.

Satellites (tests/observe/data/passes_satellites.tle, sources in data/README.md): ISS (low, 51.6 deg),
CBERS 2 (sun-synchronous, 780 km), Molniya 2-14 (12 h, e = 0.69), a GTO rocket body (e = 0.62)
and a geostationary satellite. Sites: on the equator, at Toulouse (43.6 N) and Svalbard (78.2 N).

Reference 1, Skyfield 1.55 (``EarthSatellite.find_events``), stored by
tools/skyfield_passes_reference.py in data/skyfield_passes.csv with each event refined by
Skyfield's own altitude function (its search stops at 0.5 s brackets). Same convention as ours
with ``polar_motion=False``: WGS-84 ellipsoid normal, SGP4 WGS-72, TEME -> ITRS by GMST 1982, no
polar motion. The remaining differences are UT1 (Skyfield's built-in table vs our IERS snapshot,
under 1 ms) and rounding.

Reference 2, a brute-force screen written here: SGP4 every second over the 7 days
(``Sgp4Propagator``), ``frames.teme_to_itrs`` and ``frames.itrs_to_topocentric``, crossings by
linear interpolation between seconds (error under 2 ms: |e''| dt^2 / 8 / |e'| with e'' < 2e-5
rad/s^2 and e' > 1e-3 rad/s at a LEO crossing), peaks as the highest of a second brute-force pass
every 0.01 s over the two seconds around the highest 1-s sample (near the zenith a low pass turns
too fast for a parabola through 1-s samples). It catches the passes Skyfield misses on high orbits
(its step is 1/20 of an orbit).

Tolerances (issue 4): rise and set within 0.1 s for low orbits and 1 s for high ones, maximum
elevation within 0.01 deg; grazing passes (peak within 0.01 deg of the mask) and passes shorter
than the 10 s minimum are not counted, since either side may legitimately keep or drop them.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np
import pytest

from cosmodrome.frames import frame_rotations, itrs_to_topocentric, teme_to_itrs
from cosmodrome.io.tle import read_tle
from cosmodrome.observe import GroundSite, find_passes
from cosmodrome.orbits.sgp4_source import Sgp4Propagator
from cosmodrome.time import Time

DATA = Path(__file__).parent / "data"
GRAZING_DEG = 0.01
MIN_PASS_S = 10.0
ELEVATION_TOLERANCE_DEG = 0.01


def _tolerance_s(record) -> float:
    # "Low" as SGP4 draws the line: periods under 225 min (near-Earth SGP4); the rest is SDP4.
    return 0.1 if 1440.0 / record.mean_motion_rev_day < 225.0 else 1.0


def _read_cases():
    lines = [line for line in (DATA / "skyfield_passes.csv").read_text().splitlines() if not line.startswith("#")]
    cases = {}
    for row in csv.DictReader(lines):
        key = int(row["case"])
        case = cases.setdefault(key, {
            "satellite": int(row["satellite"]), "site": row["site"],
            "coordinates": (float(row["latitude_deg"]), float(row["longitude_deg"]), float(row["altitude_m"])),
            "start_utc": row["start_utc"], "days": float(row["days"]), "mask": float(row["min_elevation_deg"]),
            "events": []})
        if row["kind"] != "none":
            case["events"].append((row["kind"], float(row["t_s"]), float(row["elevation_deg"])))
    return cases


CASES = _read_cases()
RECORDS = {record.catalogue_number: record for record in read_tle(DATA / "passes_satellites.tle")}


def _skyfield_passes(case):
    """[(rise_s, set_s, max_elevation_deg or None)] from find_events' rise/culmination/set sequence;
    a pass under way at an edge gets the edge as its rise or set, and no peak."""
    duration = case["days"] * 86400.0
    passes, rise, peak = [], 0.0, None
    started = False
    for kind, t, elevation in case["events"]:
        if kind == "rise":
            rise, peak, started = t, None, True
        elif kind == "culmination":
            peak = elevation if peak is None else max(peak, elevation)
            started = True
        else:
            passes.append((rise, t, peak))
            rise, peak, started = None, None, False
    if started:
        passes.append((rise if rise is not None else 0.0, duration, peak))
    # A window that starts with a set or a culmination was inside a pass at its start.
    return [(0.0 if r is None else r, s, p) for r, s, p in passes]


def _site(case) -> GroundSite:
    lat, lon, alt = case["coordinates"]
    return GroundSite(case["site"], lat, lon, alt)


def _our_passes(case):
    start = Time.from_utc_iso(case["start_utc"])
    table = find_passes(RECORDS[case["satellite"]], _site(case), start, case["days"] * 86400.0,
                        min_elevation_deg=case["mask"], polar_motion=False)
    offset = float(start.tai_mjd)
    rise = (table["rise_tai_mjd"].to_numpy() - offset) * 86400.0
    sett = (table["set_tai_mjd"].to_numpy() - offset) * 86400.0
    return table, rise, sett


@pytest.fixture(scope="module")
def ours():
    return {key: _our_passes(case) for key, case in CASES.items()}


def _elevations(number, times, sites):
    """Elevation (deg) of satellite ``number`` at ``times`` from each site: {site name: array}."""
    ephemeris = Sgp4Propagator(RECORDS[number]).propagate(times)
    rotations = frame_rotations(times, polar_motion=False)
    r_itrs, _ = teme_to_itrs(rotations, ephemeris.position_m[0])
    out = {}
    for site in sites:
        view = itrs_to_topocentric(r_itrs, site.latitude_rad, site.longitude_rad, site.altitude_m)
        out[site.name] = np.degrees(view.elevation_rad)
    return out


@pytest.fixture(scope="module")
def brute_force():
    """{case: [(rise_s, set_s, peak_deg)]} from the 1-s screen; one propagation per satellite window."""
    by_window = defaultdict(list)
    for key, case in CASES.items():
        by_window[(case["satellite"], case["start_utc"], case["days"])].append(key)
    result = {}
    for (number, start_utc, days), keys in by_window.items():
        start = Time.from_utc_iso(start_utc)
        sites = {CASES[k]["site"]: _site(CASES[k]) for k in keys}
        elevations = _elevations(number, Time.grid(start, days * 86400.0, 1.0), list(sites.values()))
        for key in keys:
            site = sites[CASES[key]["site"]]
            passes = _runs(elevations[site.name], CASES[key]["mask"])
            # Peaks: the highest of 0.01-s samples over the two seconds around the best 1-s sample.
            refined = []
            for rise, sett, peak_index in passes:
                low, high = max(peak_index - 1.0, 0.0), min(peak_index + 1.0, days * 86400.0)
                fine = Time.grid(start + low, high - low, 0.01)
                peak = float(np.max(_elevations(number, fine, [site])[site.name]))
                refined.append((rise, sett, peak))
            result[key] = refined
    return result


def _runs(elevation_deg, mask_deg):
    """Passes of a 1-s elevation series: (rise_s, set_s, index of the highest sample); crossings
    interpolated linearly, a pass under way at an end of the series starting or ending there."""
    above = elevation_deg >= mask_deg
    n = len(elevation_deg)
    edges = np.flatnonzero(np.diff(above.astype(np.int8)))
    starts = list(edges[~above[edges]] + 1)
    stops = list(edges[above[edges]])
    if above[0]:
        starts.insert(0, 0)
    if above[-1]:
        stops.append(n - 1)
    passes = []
    for a, b in zip(starts, stops):
        if a == 0:
            rise = 0.0
        else:
            e0, e1 = elevation_deg[a - 1], elevation_deg[a]
            rise = (a - 1) + (mask_deg - e0) / (e1 - e0)
        if b == n - 1:
            sett = float(n - 1)
        else:
            e0, e1 = elevation_deg[b], elevation_deg[b + 1]
            sett = b + (mask_deg - e0) / (e1 - e0)
        k = a + int(np.argmax(elevation_deg[a:b + 1]))
        passes.append((rise, sett, float(k)))
    return passes


def _countable(rise, sett, peak, mask):
    return (sett - rise) >= MIN_PASS_S and (peak is None or peak - mask > GRAZING_DEG)


def _match(rise, sett, our_rise, our_set, tolerance):
    hits = np.flatnonzero((np.abs(our_rise - rise) <= tolerance) & (np.abs(our_set - sett) <= tolerance))
    return int(hits[0]) if hits.size else None


@pytest.mark.parametrize("key", sorted(CASES))
def test_every_skyfield_event_is_found_to_tolerance(key, ours):
    # Reference: Skyfield 1.55 find_events, refined with Skyfield's altitude (data/skyfield_passes.csv).
    # Events, not whole passes: on high orbits find_events sometimes misses a set and the next
    # rise (the brute-force test covers those), so a Skyfield "pass" may span two real ones.
    case = CASES[key]
    tolerance = _tolerance_s(RECORDS[case["satellite"]])
    table, rise, sett = ours[key]
    peaks = table["max_elevation_deg"].to_numpy()
    checked = 0
    for sky_rise, sky_set, sky_peak in _skyfield_passes(case):
        if sky_peak is not None and sky_peak - case["mask"] <= GRAZING_DEG:
            continue
        has_rise = sky_rise > 0.0
        has_set = sky_set < case["days"] * 86400.0
        if has_rise:
            assert np.min(np.abs(rise - sky_rise)) <= tolerance, (
                f"case {key} ({case['satellite']} over {case['site']}): Skyfield rise at {sky_rise:.3f} s not found "
                f"within {tolerance} s")
        if has_set:
            assert np.min(np.abs(sett - sky_set)) <= tolerance, (
                f"case {key} ({case['satellite']} over {case['site']}): Skyfield set at {sky_set:.3f} s not found "
                f"within {tolerance} s")
        if has_rise and has_set and sky_peak is not None:
            k = _match(sky_rise, sky_set, rise, sett, tolerance)
            if k is not None:  # else Skyfield merged two passes; the brute-force test checks them
                assert abs(peaks[k] - sky_peak) <= ELEVATION_TOLERANCE_DEG, (key, sky_peak, peaks[k])
                checked += 1
    # Every case with rises and sets must have compared some peaks.
    if any(kind == "set" for kind, _, _ in case["events"]):
        assert checked > 0


@pytest.mark.parametrize("key", sorted(CASES))
def test_brute_force_and_ours_have_the_same_passes(key, ours, brute_force):
    # Reference: the 1-s brute-force screen above. None missed, none extra.
    case = CASES[key]
    tolerance = _tolerance_s(RECORDS[case["satellite"]])
    table, rise, sett = ours[key]
    peaks = table["max_elevation_deg"].to_numpy()
    used = np.zeros(len(rise), dtype=bool)
    for b_rise, b_set, b_peak in brute_force[key]:
        k = _match(b_rise, b_set, rise, sett, tolerance)
        if not _countable(b_rise, b_set, b_peak, case["mask"]):
            if k is not None:
                used[k] = True
            continue
        assert k is not None, (f"case {key} ({case['satellite']} over {case['site']}): brute-force pass "
                               f"{b_rise:.3f}-{b_set:.3f} s (peak {b_peak:.4f} deg) missed")
        used[k] = True
        assert abs(peaks[k] - b_peak) <= ELEVATION_TOLERANCE_DEG, (key, b_peak, peaks[k])
    extra = [(rise[k], sett[k], peaks[k]) for k in np.flatnonzero(~used)]
    assert not extra, f"case {key}: passes not in the brute-force screen: {extra}"


def test_reference_cases_cover_the_orbits_and_sites():
    # The issue asks for low, sun-synchronous, Molniya and transfer orbits, and sites at the
    # equator, at mid-latitudes and above 70 degrees.
    periods_min = {number: 1440.0 / record.mean_motion_rev_day for number, record in RECORDS.items()}
    eccentricities = {number: record.eccentricity for number, record in RECORDS.items()}
    assert any(p < 100 for p in periods_min.values())
    assert any(RECORDS[n].inclination_deg > 97 for n in RECORDS)
    assert any(650 < p < 760 and eccentricities[n] > 0.6 and 62 < RECORDS[n].inclination_deg < 66
               for n, p in periods_min.items())
    assert any(eccentricities[n] > 0.5 and RECORDS[n].inclination_deg < 30 for n in RECORDS)
    latitudes = {case["coordinates"][0] for case in CASES.values()}
    assert 0.0 in latitudes and any(30 < lat < 60 for lat in latitudes) and any(lat > 70 for lat in latitudes)
    total = sum(len(_skyfield_passes(case)) for case in CASES.values())
    assert total > 300


def test_skyfield_misses_some_high_orbit_passes_that_the_brute_force_finds(brute_force):
    # Why the brute-force reference is there: on high orbits find_events (a step of 1/20 orbit)
    # misses short passes; ours finds them all (the test above). Count them, to show the point.
    missed = 0
    for key, case in CASES.items():
        record = RECORDS[case["satellite"]]
        if _tolerance_s(record) < 1.0:
            continue
        sky = _skyfield_passes(case)
        sky_rise = np.array([p[0] for p in sky])
        for b_rise, b_set, b_peak in brute_force[key]:
            if _countable(b_rise, b_set, b_peak, case["mask"]) and not np.any(np.abs(sky_rise - b_rise) < 1.0):
                missed += 1
    # A property of Skyfield's stored output, not of our code: it shows why the second reference
    # is needed (the issue: "Skyfield itself misses some events on high orbits").
    assert missed > 0


def test_passes_with_several_maxima_report_the_highest(ours):
    # Molniya 2-14 over the equator: find_events gives two culminations in each pass (two local
    # maxima of elevation); the reported maximum is the higher one (issue 4: "the highest is
    # reported"), to 0.01 deg of Skyfield's refined value.
    several = 0
    for key, case in CASES.items():
        table, rise, sett = ours[key]
        events = case["events"]
        for k, (kind, t, _) in enumerate(events):
            if kind != "rise":
                continue
            peaks = []
            for later_kind, _, elevation in events[k + 1:]:
                if later_kind == "set":
                    break
                peaks.append(elevation)
            if len(peaks) >= 2:
                several += 1
                match = int(np.argmin(np.abs(rise - t)))
                assert abs(table["max_elevation_deg"].iloc[match] - max(peaks)) <= ELEVATION_TOLERANCE_DEG
    assert several >= 5
