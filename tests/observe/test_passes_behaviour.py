"""find_passes behaviour: window edges (partial passes), masks by azimuth, range limits, the
minimum duration, inputs, SGP4 failures, and the look values reported at each event (checked with
cosmodrome.frames, independently of the search's own interpolated Earth rotation)."""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec

from cosmodrome.errors import InvalidInputError
from cosmodrome.frames import frame_rotations, itrs_to_topocentric, teme_to_itrs
from cosmodrome.io.tle import read_tle
from cosmodrome.observe import PASS_COLUMNS, AzimuthMask, GroundSite, find_passes
from cosmodrome.observe.passes import SPEED_OF_LIGHT_M_S
from cosmodrome.orbits.sgp4_source import Sgp4Propagator
from cosmodrome.time import Time

DATA = Path(__file__).parent / "data"
RECORDS = {record.catalogue_number: record for record in read_tle(DATA / "passes_satellites.tle")}
ISS = RECORDS[25544]
TOULOUSE = GroundSite("Toulouse", 43.5603, 1.4808, 150.0)
START = Time.from_utc_iso("2008-09-20T13:00:00Z")
DAY_S = 86400.0


def _seconds(table, column, start=START):
    return (table[column].to_numpy() - float(start.tai_mjd)) * DAY_S


@pytest.fixture(scope="module")
def iss_day():
    return find_passes(ISS, TOULOUSE, START, DAY_S)


def test_columns_and_types(iss_day):
    assert tuple(iss_day.columns) == PASS_COLUMNS
    assert iss_day["satellite"].dtype == np.int64 and set(iss_day["satellite"]) == {25544}
    assert all(text.endswith("Z") and len(text) == 24 for text in iss_day["rise_utc"])
    assert iss_day["partial"].dtype == bool
    # Rows in time order; each pass rises before it culminates before it sets.
    assert np.all(np.diff(iss_day["rise_tai_mjd"]) > 0)
    assert np.all(iss_day["rise_tai_mjd"] < iss_day["culmination_tai_mjd"])
    assert np.all(iss_day["culmination_tai_mjd"] < iss_day["set_tai_mjd"])
    # The ISO text and the TAI MJD are the same instants.
    again = Time.from_utc_iso(list(iss_day["set_utc"]))
    assert np.allclose(again.tai_mjd, iss_day["set_tai_mjd"], atol=0.6e-3 / DAY_S)


def test_look_values_agree_with_frames(iss_day):
    # Independent path: Sgp4Propagator + frames.teme_to_itrs (exact ERFA matrices per instant) +
    # frames.itrs_to_topocentric at the reported times. The search interpolates the Earth's
    # rotation between hourly nodes (docs/passes.md): agreement to 1 mm in range, 1e-6 deg in angles.
    for event in ("rise", "culmination", "set"):
        times = Time.from_tai_jd(2400000.5, iss_day[f"{event}_tai_mjd"].to_numpy())
        ephemeris = Sgp4Propagator(ISS).propagate(times)
        r, v = teme_to_itrs(frame_rotations(times), ephemeris.position_m[0], ephemeris.velocity_m_s[0])
        view = itrs_to_topocentric(r, TOULOUSE.latitude_rad, TOULOUSE.longitude_rad, TOULOUSE.altitude_m, v)
        name = "max" if event == "culmination" else event
        # The MJD column rounds the time to ~1 us: 8 mm of flight at 7.5 km/s, 1e-5 deg of azimuth.
        assert np.allclose(np.degrees(view.elevation_rad), iss_day[f"{name}_elevation_deg"], atol=2e-5)
        assert np.allclose(np.degrees(view.azimuth_rad), iss_day[f"{event}_azimuth_deg"], atol=2e-5)
        assert np.allclose(view.range_m, iss_day[f"{event}_range_m"], atol=0.02)
        assert np.allclose(view.range_rate_m_s, iss_day[f"{event}_range_rate_m_s"], atol=1e-4)
    # Rise and set are on the mask (0 deg here, to 1e-4 s of flight: < 1e-5 deg).
    assert np.allclose(iss_day["rise_elevation_deg"], 0.0, atol=1e-5)
    assert np.allclose(iss_day["set_elevation_deg"], 0.0, atol=1e-5)


def test_doppler_factor_is_one_minus_range_rate_over_c(iss_day):
    for event in ("rise", "culmination", "set"):
        expected = 1.0 - iss_day[f"{event}_range_rate_m_s"] / SPEED_OF_LIGHT_M_S
        assert np.allclose(iss_day[f"{event}_doppler_factor"], expected, rtol=0, atol=1e-15)
    # Approaching at rise (factor > 1), receding at set; ~7 km/s is ~2.3e-5 of c.
    assert np.all(iss_day["rise_doppler_factor"] > 1.0 + 1e-5)
    assert np.all(iss_day["set_doppler_factor"] < 1.0 - 1e-5)


def test_pass_under_way_at_the_start_is_partial(iss_day):
    whole = iss_day.iloc[1]
    middle = Time.from_tai_jd(2400000.5, 0.5 * (whole["rise_tai_mjd"] + whole["set_tai_mjd"]))
    cut = find_passes(ISS, TOULOUSE, middle, 0.5 * DAY_S)
    first = cut.iloc[0]
    assert first["partial"] and first["rises_before_window"] and not first["sets_after_window"]
    assert first["rise_tai_mjd"] == pytest.approx(float(middle.tai_mjd), abs=1e-6 / DAY_S)
    assert (first["set_tai_mjd"] - whole["set_tai_mjd"]) * DAY_S == pytest.approx(0.0, abs=1e-3)
    assert first["rise_elevation_deg"] > 10.0  # the elevation at the window's edge, not the mask
    assert first["max_elevation_deg"] <= whole["max_elevation_deg"] + 1e-9
    assert not cut["partial"].iloc[1:].any()


def test_pass_still_under_way_at_the_end_is_partial(iss_day):
    whole = iss_day.iloc[1]
    end_s = (0.5 * (whole["rise_tai_mjd"] + whole["set_tai_mjd"]) - float(START.tai_mjd)) * DAY_S
    cut = find_passes(ISS, TOULOUSE, START, end_s)
    last = cut.iloc[-1]
    assert last["partial"] and last["sets_after_window"] and not last["rises_before_window"]
    assert _seconds(cut, "set_tai_mjd")[-1] == pytest.approx(end_s, abs=1e-6)
    assert (last["rise_tai_mjd"] - whole["rise_tai_mjd"]) * DAY_S == pytest.approx(0.0, abs=1e-3)
    assert len(cut) == 2


def test_window_inside_one_pass(iss_day):
    whole = iss_day.iloc[1]
    start = Time.from_tai_jd(2400000.5, whole["rise_tai_mjd"]) + 60.0
    cut = find_passes(ISS, TOULOUSE, start, 120.0)
    assert len(cut) == 1
    row = cut.iloc[0]
    assert row["partial"] and row["rises_before_window"] and row["sets_after_window"]
    assert row["duration_s"] == pytest.approx(120.0, abs=1e-6)


def test_geostationary_satellite_in_view_all_week_is_one_partial_pass():
    geo = RECORDS[29273]
    start = Time.from_utc_iso("2018-03-22T08:00:00Z")
    table = find_passes(geo, GroundSite("Toulouse", 43.5603, 1.4808, 150.0), start, 7 * DAY_S)
    if table.empty:  # not over this longitude: over the equator site of the reference tests it is
        table = find_passes(geo, GroundSite("eq", 0.0, 40.0, 20.0), start, 7 * DAY_S)
    assert len(table) == 1
    assert table["rises_before_window"].iloc[0] and table["sets_after_window"].iloc[0]
    assert table["duration_s"].iloc[0] == pytest.approx(7 * DAY_S)


def test_azimuth_mask_that_splits_a_transit_makes_two_passes(iss_day):
    # Pass 1 of the day goes from azimuth 247 through 332 (peak 54 deg) to 56. A wall of 89 deg
    # between azimuths 300 and 320 (stepwise) cuts it in two: the first part sets when the
    # azimuth reaches 300, the second rises when it leaves 320.
    whole = iss_day.iloc[1]
    wall = AzimuthMask((0.0, 300.0, 320.0), (0.0, 89.0, 0.0), "step")
    site = GroundSite("Toulouse", 43.5603, 1.4808, 150.0, azimuth_mask=wall)
    start = Time.from_tai_jd(2400000.5, whole["rise_tai_mjd"]) - 600.0
    table = find_passes(ISS, site, start, 1800.0)
    assert len(table) == 2
    first, second = table.iloc[0], table.iloc[1]
    assert first["set_azimuth_deg"] == pytest.approx(300.0, abs=1e-3)
    assert second["rise_azimuth_deg"] == pytest.approx(320.0, abs=1e-3)
    assert (first["rise_tai_mjd"] - whole["rise_tai_mjd"]) * DAY_S == pytest.approx(0.0, abs=1e-3)
    assert (second["set_tai_mjd"] - whole["set_tai_mjd"]) * DAY_S == pytest.approx(0.0, abs=1e-3)


def test_linear_azimuth_mask_against_a_one_second_screen():
    # A horizon that rises from 2 deg in the north to 20 deg in the south, linearly.
    mask = AzimuthMask((0.0, 180.0), (2.0, 20.0), "linear")
    site = GroundSite("Toulouse", 43.5603, 1.4808, 150.0, azimuth_mask=mask)
    table = find_passes(ISS, site, START, DAY_S)
    times = Time.grid(START, DAY_S, 1.0)
    ephemeris = Sgp4Propagator(ISS).propagate(times)
    r, _ = teme_to_itrs(frame_rotations(times), ephemeris.position_m[0])
    view = itrs_to_topocentric(r, site.latitude_rad, site.longitude_rad, site.altitude_m)
    margin = np.degrees(view.elevation_rad) - mask.elevation_deg(np.degrees(view.azimuth_rad))
    above = margin >= 0.0
    rises = np.flatnonzero(above[1:] & ~above[:-1])
    assert len(table) == len(rises) > 0
    # Crossing by linear interpolation of the margin between seconds (~1 ms).
    brute_rise = rises + (-margin[rises]) / (margin[rises + 1] - margin[rises])
    assert np.allclose(_seconds(table, "rise_tai_mjd"), brute_rise, atol=0.02)
    elevation = table["rise_elevation_deg"].to_numpy()
    assert np.allclose(elevation, mask.elevation_deg(table["rise_azimuth_deg"].to_numpy()), atol=1e-4)


def test_range_limit_shortens_passes_and_bounds_the_range(iss_day):
    site = GroundSite("Toulouse", 43.5603, 1.4808, 150.0, max_range_m=1.5e6)
    table = find_passes(ISS, site, START, DAY_S)
    assert 0 < len(table) <= len(iss_day)
    # Events are solved to 1e-4 s, i.e. to 1 m of range at the ISS's ~7 km/s range rate.
    for event in ("rise", "set"):
        assert np.all(table[f"{event}_range_m"] <= 1.5e6 + 1.0)
    # Passes that reach inside 1,500 km begin and end at that range (elevation then above 0).
    assert np.allclose(table["rise_range_m"], 1.5e6, atol=1.0)
    assert np.allclose(table["set_range_m"], 1.5e6, atol=1.0)
    assert np.all(table["rise_elevation_deg"] > 0.0)
    assert np.all(table["culmination_range_m"] < 1.5e6)


def test_minimum_pass_duration_drops_shorter_passes(iss_day):
    long_only = find_passes(ISS, TOULOUSE, START, DAY_S, min_pass_duration_s=545.0)
    expected = iss_day[iss_day["duration_s"] >= 545.0]
    assert len(long_only) == len(expected) < len(iss_day)
    assert np.allclose(long_only["rise_tai_mjd"], expected["rise_tai_mjd"], atol=1e-4 / DAY_S)


def test_min_elevation_raises_every_site_mask(iss_day):
    table = find_passes(ISS, TOULOUSE, START, DAY_S, min_elevation_deg=10.0)
    assert len(table) == int(np.sum(iss_day["max_elevation_deg"] > 10.0))
    assert np.allclose(table["rise_elevation_deg"], 10.0, atol=1e-5)


@pytest.mark.filterwarnings("ignore::cosmodrome.observe.eclipses.StaleElementsWarning")  # mixed epochs on purpose
def test_many_satellites_and_sites_equal_one_at_a_time():
    sites = [TOULOUSE, GroundSite("Kiruna", 67.8571, 20.9644, 400.0)]
    records = [ISS, RECORDS[28057]]
    start = Time.from_utc_iso("2008-09-20T13:00:00Z")
    together = find_passes(records, sites, start, DAY_S)
    for record in records:
        for site in sites:
            alone = find_passes(record, site, start, DAY_S)
            rows = together[(together["satellite"] == record.catalogue_number) & (together["site"] == site.name)]
            assert len(rows) == len(alone)
            assert np.allclose(rows["rise_tai_mjd"], alone["rise_tai_mjd"], atol=1e-5 / DAY_S)


def test_propagator_satrec_and_record_inputs_agree(iss_day):
    for satellites in (Sgp4Propagator([ISS]), [ISS.to_satrec()]):
        table = find_passes(satellites, TOULOUSE, START, DAY_S)
        assert np.allclose(table["set_tai_mjd"], iss_day["set_tai_mjd"], atol=1e-6 / DAY_S)


def test_polar_motion_moves_events_by_milliseconds(iss_day):
    # Polar motion (~0.3 arcsec, 10 m at the surface in 2008) shifts the site against the orbit.
    without = find_passes(ISS, TOULOUSE, START, DAY_S, polar_motion=False)
    shift = np.abs(without["rise_tai_mjd"].to_numpy() - iss_day["rise_tai_mjd"].to_numpy()) * DAY_S
    assert np.all(shift < 0.01)
    assert np.any(shift > 1e-5)


def test_decaying_satellite_counts_as_not_visible_after_sgp4_fails():
    # SGP4-VER.TLE (Vallado et al. 2006), 29141 SL-14 DEB: "last stage of decay - lost in under
    # 420 min": SGP4 returns error 6 from then until ~1,600 min (and, after that, code 0 again with
    # radii growing without bound: SGP4's own behaviour, which a window of 1,500 min stays clear of).
    text = (importlib.resources.files("sgp4") / "SGP4-VER.TLE").read_text(encoding="ascii").splitlines()
    k = next(i for i, line in enumerate(text) if line.startswith("1 29141"))
    satrec = Satrec.twoline2rv(text[k], text[k + 1][:69])
    epoch = Time.from_utc_jd(satrec.jdsatepoch, satrec.jdsatepochF)
    site = GroundSite("sub-track", 0.0, 0.0)
    table = find_passes([satrec], [site, TOULOUSE, GroundSite("south", -45.0, 100.0)], epoch, 1500 * 60.0)
    # Passes before the decay, nothing after it, and no error raised.
    assert len(table) > 0
    assert np.all(_seconds(table, "set_tai_mjd", epoch) <= 420 * 60.0)


def test_empty_result_has_the_columns():
    table = find_passes(ISS, GroundSite("south pole", -90.0, 0.0), START, 3600.0)
    assert table.empty and tuple(table.columns) == PASS_COLUMNS
    assert table["satellite"].dtype == np.int64


@pytest.mark.parametrize("kwargs, message", [
    ({"duration_s": 0.0}, "the search window must have a positive length, got 0.0 s"),
    ({"duration_s": -5.0}, "positive length"),
    ({"duration_s": float("nan")}, "positive length"),
    ({"min_pass_duration_s": 0.0}, "expected a positive minimum pass duration"),
    ({"min_elevation_deg": 91.0}, "an elevation mask above 90 deg can never be met: got 91 deg"),
    ({"sites": []}, "expected one GroundSite or a non-empty list"),
    ({"sites": ["45,10"]}, "sites[0]: expected a GroundSite, got str"),
    ({"satellites": []}, "expected a non-empty list"),
    ({"start": "2008-09-20"}, "start: expected a single cosmodrome.time.Time"),
])
def test_bad_input_is_refused_with_a_clear_message(kwargs, message):
    arguments = {"satellites": ISS, "sites": TOULOUSE, "start": START, "duration_s": 3600.0}
    arguments.update(kwargs)
    with pytest.raises(InvalidInputError) as raised:
        find_passes(**arguments)
    assert message in str(raised.value)


def test_table_iso_text_matches_time_utc_iso_including_a_leap_second():
    from cosmodrome.observe.passes import _utc_iso

    texts = ["2016-12-31T23:59:60.500Z", "2016-12-31T23:59:59.9996Z", "2024-02-29T12:34:56.789Z",
             "1999-12-31T23:59:59.999Z"]
    times = Time.from_utc_iso(texts)
    assert list(_utc_iso(times)) == list(times.utc_iso(3))
    assert _utc_iso(times)[0] == "2016-12-31T23:59:60.500Z"


def test_a_window_far_from_the_epoch_warns():
    # SGP4 errors grow by kilometres a day away from the epoch (issue 3, section 6): the same
    # warning as catalogue runs and eclipses, naming the worst satellite.
    from cosmodrome.observe.eclipses import StaleElementsWarning
    record = read_tle(str(Path(__file__).resolve().parents[2] / "examples" / "iss.tle"))[0]
    site = GroundSite("Toulouse", 43.56, 1.48, 150.0)
    with pytest.warns(StaleElementsWarning, match=r"1 of 1 element sets .* \(satellite 25544: 4[0-9] days\)"):
        find_passes(record, site, Time.from_utc_iso("2008-11-01T00:00:00Z"), 3600.0)
