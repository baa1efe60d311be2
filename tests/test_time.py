"""Time scales, the shipped leap-second and Earth-orientation tables (cosmodrome.time).

References: IERS Bulletin C (leap seconds), IERS finals2000A (EOP), ERFA (an independent
implementation of UTC/TAI, the SOFA algorithms with their own leap-second table) and Skyfield
(independent time scales with their own built-in IERS snapshot), used here as second opinions.
"""

from __future__ import annotations

import datetime as dt
import warnings

import erfa
import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.time import (DataRangeWarning, EarthOrientation, Time, TimeScale, eop_table,
                             leap_second_table, parse_eop_csv, parse_leap_second_file)

NS = 1e-9


@pytest.fixture(scope="module")
def skyfield_ts():
    api = pytest.importorskip("skyfield.api")
    return api.load.timescale(builtin=True)


# --- leap seconds --------------------------------------------------------------------------------

def test_leap_second_2016_is_a_valid_distinct_second():
    # IERS Bulletin C 52 (July 2016): a positive leap second at the end of 2016-12-31,
    # TAI-UTC 36 s before and 37 s from 2017-01-01 0h.
    t = Time.from_utc_iso(["2016-12-31T23:59:59.5Z", "2016-12-31T23:59:60.5Z", "2017-01-01T00:00:00.5Z"])
    assert list(t.utc_iso()) == ["2016-12-31T23:59:59.500Z", "2016-12-31T23:59:60.500Z",
                                 "2017-01-01T00:00:00.500Z"]
    assert np.allclose(np.diff(t - t[0]), [1.0, 1.0], atol=NS)
    assert list(t.tai_minus_utc_s) == [36.0, 36.0, 37.0]
    # TAI of 23:59:60.5 UTC is 2017-01-01T00:00:36.5 TAI.
    assert t[1].iso(TimeScale.TAI, decimals=3) == "2017-01-01T00:00:36.500 TAI"


def test_stepping_through_a_leap_second_prints_60():
    # Bulletin C 52 again: counting SI seconds across the end of 2016 passes through :60.
    start = Time.from_utc_iso("2016-12-31T23:59:58Z")
    texts = (start + np.arange(4.0)).utc_iso(decimals=0)
    assert list(texts) == ["2016-12-31T23:59:58Z", "2016-12-31T23:59:59Z", "2016-12-31T23:59:60Z",
                           "2017-01-01T00:00:00Z"]


def test_second_60_is_refused_on_a_day_without_a_leap_second():
    with pytest.raises(InvalidInputError, match=r"second must be in \[0, 60\).*2016-12-31T23:59:60"):
        Time.from_utc_iso("2017-12-31T23:59:60Z")
    with pytest.raises(InvalidInputError, match="second"):
        Time.from_utc_calendar(2016, 12, 31, 23, 58, 60.0)  # leap-second day, but not its last minute


def test_utc_tai_matches_erfa_on_its_own_table_1972_to_2026():
    # ERFA (SOFA) carries its own copy of the same IERS history; our table and conversion code are
    # separate, so agreement to 1 ns over 200,000 random instants checks both (double-precision
    # Julian dates resolve ~20 microseconds; the two-part form here keeps ~10 picoseconds).
    rng = np.random.default_rng(1)
    mjd = rng.uniform(41317.0, 61000.0, 200_000)
    t = Time.from_utc_jd(2400000.5, mjd)
    tai1, tai2 = erfa.utctai(2400000.5, mjd)
    assert np.max(np.abs((t.tai_jd1 - tai1) + (t.tai_jd2 - tai2))) * 86400 < NS
    utc1, utc2 = t.utc_jd
    e1, e2 = erfa.taiutc(t.tai_jd1, t.tai_jd2)
    assert np.max(np.abs((utc1 - e1) + (utc2 - e2))) * 86400 < NS


def test_every_leap_second_day_matches_erfa():
    # The 27 leap seconds of 1972-2016 (IERS Leap_Second.dat): one second before, inside, and
    # after each, as calendar text, against ERFA's dtf2d/utctai.
    table = leap_second_table()
    days = table.mjd_utc[1:] - 1.0
    _, month, day, _ = erfa.jd2cal(2400000.5, days)
    year = erfa.jd2cal(2400000.5, days)[0]
    for second in (59.25, 60.25):
        ours = Time.from_utc_calendar(year, month, day, 23, 59, second)
        u1, u2 = erfa.dtf2d("UTC", year, month, day, 23, 59, second)
        a1, a2 = erfa.utctai(u1, u2)
        assert np.max(np.abs((ours.tai_jd1 - a1) + (ours.tai_jd2 - a2))) * 86400 < NS
        assert all(s.endswith(f":{int(second):02d}.250Z") for s in ours.utc_iso())


def test_utc_and_tt_agree_with_skyfield(skyfield_ts):
    # Skyfield: independent UTC/TAI/TT code and its own leap-second table. TT = TAI + 32.184 s.
    t = Time.from_utc_calendar([1999, 2016, 2016, 2026], [1, 12, 12, 5], [1, 31, 31, 1],
                               [0, 23, 23, 3], [0, 59, 59, 0], [0.0, 59.5, 60.5, 0.25])
    st = skyfield_ts.utc([1999, 2016, 2016, 2026], [1, 12, 12, 5], [1, 31, 31, 1], [0, 23, 23, 3],
                         [0, 59, 59, 0], [0.0, 59.5, 60.5, 0.25])
    tt1, tt2 = t.tt_jd
    assert np.max(np.abs((st.whole - tt1) + (st.tt_fraction - tt2))) * 86400 < 1e-6


def test_leap_second_table_expiry_and_pre_1972_warn():
    table = leap_second_table()
    after = table.expires_mjd + 10.0
    with pytest.warns(DataRangeWarning, match=r"Leap_Second.dat.*expir.*held at 37 s"):
        Time.from_utc_mjd(after)
    with pytest.warns(DataRangeWarning, match=r"before 1972-01-01.*10 s"):
        Time.from_utc_iso("1969-07-20T20:17:40Z")


def test_no_warning_inside_the_tables():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        t = Time.from_utc_iso("2024-03-01T12:00:00Z")
        t.ut1_jd, t.utc_iso()


def test_leap_second_file_errors_name_the_line():
    with pytest.raises(InvalidInputError, match=r"line 2: expected 'MJD day month year TAI-UTC'"):
        parse_leap_second_file("#  File expires on 28 June 2027\n  41317.0  1  1  nineteen 10\n")
    with pytest.raises(InvalidInputError, match="expires"):
        parse_leap_second_file("    41317.0    1  1 1972       10\n")


# --- construction, text and arithmetic -----------------------------------------------------------

def test_scalar_and_array_paths_agree():
    texts = ["2026-05-01T03:00:00Z", "2026-05-01T03:00:00.125Z"]
    many = Time.from_utc_iso(texts)
    one = Time.from_utc_iso(texts[1])
    assert many.shape == (2,) and one.shape == ()
    assert many[1] == one
    assert one.utc_iso() == "2026-05-01T03:00:00.125Z"


def test_iso_forms_and_errors():
    assert Time.from_iso("2026-121T03:00:00Z") == Time.from_utc_iso("2026-05-01T03:00:00Z")  # day 121
    tt = Time.from_iso("2026-05-01T03:00:00 TT", TimeScale.TT)
    assert tt.iso(TimeScale.TT, decimals=0) == "2026-05-01T03:00:00 TT"
    assert abs((tt - Time.from_utc_iso("2026-05-01T03:00:00Z")) + 69.184) < NS  # TT-UTC = 37 + 32.184 s
    with pytest.raises(InvalidInputError, match=r"expected ISO 8601 such as 2026-05-01T03:00:00Z"):
        Time.from_utc_iso("01/05/2026 03:00")
    with pytest.raises(InvalidInputError, match="day 30 does not exist in 2026-02"):
        Time.from_utc_iso("2026-02-30T00:00:00Z")
    with pytest.raises(InvalidInputError, match="day of year 366 does not exist in 2026"):
        Time.from_iso("2026-366T00:00:00Z")


def test_datetime_round_trip_and_naive_refused():
    value = dt.datetime(2026, 5, 1, 3, 0, 12, 345678, tzinfo=dt.timezone.utc)
    assert Time.from_datetime(value).to_datetime() == value
    with pytest.raises(InvalidInputError, match="no time zone"):
        Time.from_datetime(dt.datetime(2026, 5, 1))


def test_day_of_year_as_in_tle_epochs():
    # TLE epoch 26121.12500000 = 2026 day 121 + 0.125 day = 2026-05-01T03:00:00Z.
    assert Time.from_utc_day_of_year(2026, 121.125).utc_iso() == "2026-05-01T03:00:00.000Z"


def test_long_offsets_keep_sub_microsecond_precision():
    # 30 years of SI seconds added and taken back: the two-part date keeps well under 1 microsecond.
    t0 = Time.from_utc_iso("2000-01-01T12:00:00.000001Z")
    span = 30 * 365.25 * 86400.0 + 0.123456789
    t1 = t0 + span
    assert abs((t1 - t0) - span) < 1e-7
    assert (t1 - span) - t0 == pytest.approx(0.0, abs=1e-7)


def test_grid_comparison_and_concatenation():
    start = Time.from_utc_iso("2026-01-01T00:00:00Z")
    grid = Time.grid(start, 600.0, 60.0)
    assert len(grid) == 11 and grid[-1] - grid[0] == pytest.approx(600.0, abs=NS)
    assert bool(grid[0] < grid[1]) and not bool(grid[1] < grid[0])
    joined = Time.concatenate([grid[:3], grid[5]])
    assert joined.shape == (4,) and joined[3] == grid[5]
    assert np.all(joined.reshape(2, 2).ravel() == joined)


def test_tdb_minus_tt_agrees_with_skyfield(skyfield_ts):
    # TDB-TT (about 1.7 ms amplitude): ERFA dtdb (Fairhead & Bretagnon 1990, full series) against
    # Skyfield's own short series (USNO Circular 179 eq. 2.6, good to about 10 microseconds).
    t = Time.from_tt_jd(2451545.0 + np.linspace(0, 365.25 * 20, 50))
    st = skyfield_ts.tt_jd(*t.tt_jd)
    (tt1, tt2), (tdb1, tdb2) = t.tt_jd, t.tdb_jd
    ours = ((tdb1 - tt1) + (tdb2 - tt2)) * 86400
    theirs = (st.tdb_fraction - st.tt_fraction) * 86400
    assert np.max(np.abs(ours - theirs)) < 20e-6


# --- Earth orientation ---------------------------------------------------------------------------

def test_ut1_agrees_with_skyfield_over_the_final_values(skyfield_ts):
    # Skyfield's built-in finals2000A snapshot and ours hold the same IERS values up to 2024;
    # both interpolate linearly in time. Measured: within 0.6 microsecond (1973-2024). After 2024,
    # Skyfield's older snapshot holds predictions, so the comparison stops there.
    mjd = np.arange(41700.0, 60600.0, 3.1)
    t = Time.from_utc_mjd(mjd)
    st = skyfield_ts.tt_jd(*t.tt_jd)
    u1, u2 = t.ut1_jd
    assert np.max(np.abs((st.whole - u1) + (st.ut1_fraction - u2))) * 86400 < 2e-6


def test_ut1_is_continuous_across_a_leap_second():
    # UT1-UTC jumps by +1 s at the 2017 leap second (finals2000A: 0.59 s on 2016-12-31, -0.41 s on
    # 2017-01-01); UT1 itself must advance smoothly: ~1 s per SI second, no 1 s step.
    t = Time.from_utc_iso("2016-12-31T23:59:58Z") + np.arange(5.0)
    u1, u2 = t.ut1_jd
    steps = np.diff((u1 - u1[0]) + (u2 - u2[0])) * 86400
    assert np.allclose(steps, 1.0, atol=1e-6)


def test_shipped_table_reproduces_the_values_vallado_published_for_2004_04_06():
    # Vallado et al., AIAA 2006-6753 / AAS 06-134 (../shared/reference/frames-vallado.md) give the
    # IERS values of MJD 53101 as UT1-UTC = -0.4399619 s, x = -0.140682", y = 0.333309",
    # LOD = 1.5563 ms. The IERS has revised its series since 2006; current finals2000A has
    # -0.4399498 s, -0.140722", 0.333536", 1.5244 ms. The check is that the right columns are
    # read: UT1 within 0.1 ms, the pole within 1 mas, LOD within 0.1 ms.
    t = Time.from_utc_iso("2004-04-06T00:00:00Z")
    eop = t.earth_orientation()
    ut1_minus_utc = float(eop.ut1_minus_tai_s + t.tai_minus_utc_s)
    assert ut1_minus_utc == pytest.approx(-0.4399619, abs=1e-4)
    assert float(eop.polar_x_arcsec) == pytest.approx(-0.140682, abs=1e-3)
    assert float(eop.polar_y_arcsec) == pytest.approx(0.333309, abs=1e-3)
    assert float(eop.excess_length_of_day_s) == pytest.approx(0.0015563, abs=1e-4)


def test_shipped_table_matches_skyfields_reading_of_the_iers_file():
    # The refresh tool's column layout against Skyfield's own finals2000A parser, on the IERS file
    # inside astropy-iers-data when it is installed (the shipped table was made from it, so today
    # they are equal to the last digit). A newer IERS file may revise values by a fraction of a
    # mas, so the limits (1 mas, 0.1 ms) only catch a misread column, which would be off by far more.
    iers = pytest.importorskip("skyfield.data.iers")
    package = pytest.importorskip("astropy_iers_data")
    import os
    path = os.path.join(os.path.dirname(package.__file__), "data", "finals2000A.all")
    with open(path, "rb") as f:
        theirs = iers.parse_x_y_dut1_from_finals_all(f)
    table = eop_table()
    common, ours_idx, theirs_idx = np.intersect1d(table.mjd_utc, theirs["utc_mjd"], return_indices=True)
    if len(common) < 1000:
        pytest.skip("installed astropy-iers-data is from a different period than the shipped table")
    observed = ~table.is_predicted[ours_idx]
    for ours_col, name, limit in ((table.polar_x_arcsec, "x_arcseconds", 1e-3),
                                  (table.polar_y_arcsec, "y_arcseconds", 1e-3),
                                  (table.ut1_minus_utc_s, "dut1", 1e-4)):
        difference = ours_col[ours_idx][observed] - theirs[name][theirs_idx][observed]
        assert np.max(np.abs(difference)) < limit


def test_time_past_the_eop_table_warns_and_holds_the_last_values():
    table = eop_table()
    with pytest.warns(DataRangeWarning, match="Leap_Second.dat"):  # also past the leap-second table
        t = Time.from_utc_mjd(table.mjd_utc[-1] + 100.0)
    with pytest.warns(DataRangeWarning, match=r"eop_finals2000A.csv.*held at the value of the nearest end"):
        eop = t.earth_orientation()
    assert float(eop.ut1_minus_tai_s + t._tai_minus_utc_quiet()) == pytest.approx(table.ut1_minus_utc_s[-1])
    assert float(eop.polar_x_arcsec) == pytest.approx(table.polar_x_arcsec[-1])
    assert bool(eop.is_predicted)


def test_injected_values_are_used_as_given():
    t = Time.from_utc_iso(["2004-04-06T07:51:28.386009Z", "2004-04-06T08:00:00Z"])
    eop = EarthOrientation.from_values(t, ut1_minus_utc_s=-0.4399619, polar_x_arcsec=-0.140682)
    assert eop.ut1_minus_tai_s.shape == (2,)
    assert np.allclose(eop.ut1_minus_tai_s, -0.4399619 - 32.0)  # TAI-UTC = 32 s in 2004
    u1, u2 = t.ut1_jd_using(eop)
    assert np.allclose(((u1 - t.tai_jd1) + (u2 - t.tai_jd2)) * 86400, -32.4399619, atol=NS)


def test_eop_csv_errors_name_the_line():
    with pytest.raises(InvalidInputError, match="line 2: expected 9 comma-separated fields"):
        parse_eop_csv("mjd_utc,flag,x_arcsec,y_arcsec,ut1_minus_utc_s,lod_ms,dx_mas,dy_mas,filled\n1,2,3\n")


# --- the refresh tool ----------------------------------------------------------------------------

def _refresh_tool():
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "tools" / "refresh_time_data.py"
    spec = importlib.util.spec_from_file_location("refresh_time_data", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_refresh_tool_reduces_iers_lines():
    # Three rows of IERS finals2000A.all as published (the first, an observed row with LOD and dX/dY,
    # and a prediction without them); byte layout from the IERS readme.finals2000A.
    text = "\n".join([
        "73 1 2 41684.00 I  0.120733 0.009786  0.136966 0.015902  I 0.8084178 0.0002710  0.0000 0.1916  P"
        "    -0.766    0.199    -0.720    0.300   .143000   .137000   .8075000   -18.637    -3.667  ",
        "73 1 3 41685.00 I  0.118980 0.011039  0.135656 0.013616  I 0.8056163 0.0002710  3.5563 0.1916  P"
        "    -0.751    0.199    -0.701    0.300   .141000   .134000   .8044000   -18.636    -3.571  ",
        "73 1 4 41686.00 P  0.117227 0.011039  0.134348 0.013616  P 0.8027895 0.0002710                 ",
    ])
    rows = _refresh_tool().reduce_finals(text, leap_second_table())
    assert rows[1] == (41685, "I", 0.118980, 0.135656, 0.8056163, 3.5563, -0.751, -0.701, "")
    mjd, flag, x, y, dut1, lod_ms, dx, dy, filled = rows[2]
    assert (mjd, flag, dx, dy, filled) == (41686, "P", -0.751, -0.701, "ln")
    assert lod_ms == pytest.approx((0.8056163 - 0.8027895) * 1e3)  # -d(UT1-UTC)/dt, no leap second


def test_refresh_tool_check_prints_range_and_age(capsys):
    _refresh_tool().main(["--check"])
    out = capsys.readouterr().out
    expires = dt.date(1858, 11, 17) + dt.timedelta(days=int(leap_second_table().expires_mjd))
    last_observed = dt.date(1858, 11, 17) + dt.timedelta(days=int(eop_table().last_observed_mjd))
    assert f"expires {expires.isoformat()}" in out
    assert f"observed to {last_observed.isoformat()}" in out and "days old" in out
