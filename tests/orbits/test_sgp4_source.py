"""SGP4 through our propagator interface (orbits.sgp4_source) against Vallado's verification set.

Reference: ``SGP4-VER.TLE`` and ``tcppver.out`` as shipped inside the ``sgp4`` package, the test
cases and the C++ output of Vallado, Crawford, Hujsak & Kelso, "Revisiting Spacetrack Report #3",
AIAA 2006-6753 (2006). Tolerance 2e-7 km and 2e-7 km/s on every printed line: the file prints
positions to 1e-8 km and velocities to 1e-9 km/s, and our only additions to the C++ numbers are
the Time round trip (UTC JD -> two-part TAI -> UTC JD, ~1e-11 s, i.e. < 1e-10 km at 8 km/s) and
the km -> m scaling; 2e-7 is also the bound python-sgp4's own test uses on the same file.

The TLE lines are read with sgp4's ``Satrec.twoline2rv`` (line 2 cut at column 69, since the
start/stop/step columns follow), independently of our own TLE reader.
"""

from __future__ import annotations

import importlib.resources

import numpy as np
import pytest
from sgp4.api import WGS72, Satrec

from cosmodrome.errors import InvalidInputError
from cosmodrome.frames import Frame
from cosmodrome.orbits.propagator import Ephemeris, Propagator, Status
from cosmodrome.orbits.sgp4_source import Sgp4Propagator
from cosmodrome.time import Time

TOLERANCE_KM = 2e-7

# The deliberate error cases of the verification set and the SGP4 error code each must end with:
# the comments in SGP4-VER.TLE ("decayed", "check error code 4", ...) and the codes, in file
# order, that python-sgp4's own tests.py asserts for this file: [1, 1, 6, 6, 4, 3, 6].
# Keyed by (catalogue number, start of the time span in minutes): 20413 is in the file twice.
EXPECTED_ERRORS = {
    (22312, 54.2028672): Status.MEAN_ECCENTRICITY_OUT_OF_RANGE, # SL-6 R/B(2), "last tle given, decayed"
    (28350, 0.0): Status.MEAN_ECCENTRICITY_OUT_OF_RANGE,        # COSMOS 2405, perigee 127 km
    (28872, 0.0): Status.DECAYED,                               # MINOTAUR R/B, "sub-orbital case"
    (29141, 0.0): Status.DECAYED,                               # SL-14 DEB, "last stage of decay"
    (33333, 0.0): Status.SEMILATUS_RECTUM_NEGATIVE,             # "check error code 4"
    (33334, 0.0): Status.PERTURBED_ECCENTRICITY_OUT_OF_RANGE,   # fails already at epoch (in sgp4init)
    (20413, 1844000.0): Status.DECAYED,                         # the same object 3.5 years on
}


def _read_verification_tles():
    text = (importlib.resources.files("sgp4") / "SGP4-VER.TLE").read_text(encoding="ascii")
    lines = text.splitlines()
    cases = []
    for k, line1 in enumerate(lines):
        if line1.startswith("1 "):
            line2 = lines[k + 1]
            start, stop, step = (float(x) for x in line2[69:].split())
            cases.append((Satrec.twoline2rv(line1, line2[:69], WGS72), start, stop, step))
    return cases


def _read_tcppver():
    """[(satnum, array (n, 7) of tsince_min, x, y, z km, vx, vy, vz km/s)] in file order.

    A list, not a dict: satellite 20413 appears twice, with two different time spans.
    """
    text = (importlib.resources.files("sgp4") / "tcppver.out").read_text(encoding="ascii")
    blocks = []
    for line in text.replace("\r", "").splitlines():
        fields = line.split()
        if len(fields) == 2 and fields[1] == "xx":
            blocks.append((int(fields[0]), []))
        elif fields:
            blocks[-1][1].append([float(x) for x in fields[:7]])
    return [(satnum, np.array(rows)) for satnum, rows in blocks]


def _time_grid_min(start, stop, step):
    """The tsince values (minutes) testcpp.cpp prints: 0 first, then start, start + step, ... up to
    stop, and stop itself when the steps miss it (the loop of python-sgp4's tests.py, which
    regenerates the same file)."""
    values = [0.0]
    t = start
    while t <= stop:
        if not t == start == 0.0:
            values.append(t)
        t += step
    if t - stop < step - 1e-6:
        values.append(stop)
    return np.array(values)


def _times_after_epoch(satrec, tsince_min):
    """Times ``tsince_min`` minutes after the element-set epoch on SGP4's own time axis: whole UTC
    days plus seconds/86400 of the day (gp.utc_day_split), which is how the TLE epoch and
    testcpp.cpp count. Whole days go into the Julian date, so that no part loses precision (a
    1280-day fraction would cost ~1e-8 s). Several spans here cross leap seconds (2005, 2008):
    counted with ERFA's stretched day (seconds/86401) they would land up to 1 s off."""
    whole, fraction = np.divmod(np.asarray(tsince_min, dtype=float) / 1440.0, 1.0)
    fraction = satrec.jdsatepochF + fraction
    carry = np.floor(fraction)
    return Time.from_utc_jd(satrec.jdsatepoch + whole + carry, 0.0) + (fraction - carry) * 86400.0


CASES = _read_verification_tles()
REFERENCE = _read_tcppver()


def test_the_verification_files_hold_33_satellites():
    # Vallado et al. (2006): 33 test cases, each with a block in tcppver.out.
    assert len(CASES) == len(REFERENCE) == 33
    assert [satnum for satnum, _ in REFERENCE] == [int(c[0].satnum) for c in CASES]


@pytest.mark.parametrize("index", range(len(CASES)), ids=[f"{k}-{c[0].satnum}" for k, c in enumerate(CASES)])
def test_every_tcppver_line_is_reproduced_through_our_interface(index):
    satrec, start, stop, step = CASES[index]
    satnum = int(satrec.satnum)
    tsince = _time_grid_min(start, stop, step)
    times = _times_after_epoch(satrec, tsince)
    ephemeris = Sgp4Propagator([satrec]).propagate(times)
    reference = REFERENCE[index][1]
    status = ephemeris.status[0]
    if (satnum, start) == (33334, 0.0):
        # sgp4init fails (error 3) at epoch; testcpp.cpp then prints its previous satellite's
        # numbers ("use previous data line"), which are not a state of this one.
        assert status[0] == EXPECTED_ERRORS[(satnum, start)]
        assert np.isnan(ephemeris.position_m[0, 0]).all()
        return
    n = len(reference)
    assert np.allclose(reference[:, 0], tsince[:n], atol=1e-6), "tcppver times differ from the start/stop/step grid"
    assert (status[:n] == Status.OK).all()
    position_km = ephemeris.position_m[0, :n] / 1000.0
    velocity_km_s = ephemeris.velocity_m_s[0, :n] / 1000.0
    assert np.abs(position_km - reference[:, 1:4]).max() < TOLERANCE_KM
    assert np.abs(velocity_km_s - reference[:, 4:7]).max() < TOLERANCE_KM
    expected_error = EXPECTED_ERRORS.get((satnum, start))
    if expected_error is not None:
        # The C++ program stops printing at the first error: the next grid time carries its code.
        assert n < len(tsince)
        assert status[n] == expected_error
        assert np.isnan(ephemeris.position_m[0, n]).all() and np.isnan(ephemeris.velocity_m_s[0, n]).all()
    else:
        assert n == len(tsince)


def test_whole_catalogue_in_one_call_matches_satellite_by_satellite():
    # The same 33 satellites at one shared set of times, in chunks of 20 states (so times are split
    # too, and the public SatrecArray.sgp4 path with a copy is used): each row must equal the
    # one-satellite result, which takes the direct-write path, bit for bit; errors stay in their rows.
    satrecs = [c[0] for c in CASES]
    epoch = Time.from_utc_iso("2006-06-25T00:00:00Z")
    times = Time.grid(epoch, 2 * 86400.0, 3600.0)
    together = Sgp4Propagator(satrecs, chunk_states=20).propagate(times)
    assert together.position_m.shape == (33, 49, 3)
    assert together.satellite_ids.tolist() == [int(s.satnum) for s in satrecs]
    for k, satrec in enumerate(satrecs):
        alone = Sgp4Propagator(satrec).propagate(times)
        np.testing.assert_array_equal(together.status[k], alone.status[0])
        np.testing.assert_array_equal(together.position_m[k], alone.position_m[0])
    assert not together.is_ok
    assert np.isnan(together.position_m[together.status != 0]).all()
    assert np.isfinite(together.position_m[together.status == 0]).all()
    failed = {sat for sat, _, _ in together.failures()}
    assert 33334 in failed


def test_single_time_and_protocol():
    satrec = CASES[0][0]
    propagator = Sgp4Propagator([satrec])
    assert isinstance(propagator, Propagator)
    assert propagator.frame == Frame.TEME
    epoch = propagator.epochs[0]
    ephemeris = propagator.propagate(epoch)
    assert isinstance(ephemeris, Ephemeris)
    assert ephemeris.position_m.shape == (1, 1, 3)
    # tcppver.out, satellite 00005 at tsince 0: 7022.46529266 -1400.08296755 0.03995155 km.
    np.testing.assert_allclose(ephemeris.position_m[0, 0] / 1000.0,
                               [7022.46529266, -1400.08296755, 0.03995155], atol=TOLERANCE_KM)
    assert propagator.epochs.shape == (1,)
    assert propagator.days_from_epoch(epoch + np.array([0.0, 40 * 86400.0]))[0] == pytest.approx(40.0)


class _Record:
    """Stands in for MeanElementsGP: what Sgp4Propagator needs from a record."""

    def __init__(self, satrec, catalogue_number):
        self._satrec = satrec
        self.catalogue_number = catalogue_number

    def to_satrec(self):
        return self._satrec


def test_records_keep_their_catalogue_numbers_even_beyond_what_a_satrec_holds():
    satrec = CASES[0][0]
    propagator = Sgp4Propagator([_Record(satrec, 1_234_567), _Record(satrec, 5)])
    eph = propagator.propagate(propagator.epochs[0])
    assert eph.satellite_ids.tolist() == [1_234_567, 5]
    np.testing.assert_array_equal(eph.satellite(1_234_567).position_m, eph.satellite(5).position_m)


def test_bad_records_are_refused_with_a_clear_message():
    with pytest.raises(InvalidInputError, match="record 1: expected MeanElementsGP"):
        Sgp4Propagator([CASES[0][0], "1 00005U 58002B"])
    with pytest.raises(InvalidInputError, match="non-empty"):
        Sgp4Propagator([])
    with pytest.raises(InvalidInputError, match="expected a cosmodrome.time.Time"):
        Sgp4Propagator([CASES[0][0]]).propagate(2451545.0)


# --- leap seconds: the time axis of the requested times and of the element-set epoch agree -----------

def _with_checksum(line: str) -> str:
    from cosmodrome.io.tle import tle_checksum
    return line[:68] + str(tle_checksum(line))


# The ISS element set of CelesTrak's TLE format page (tests/io/data/gp_two_satellites.tle), moved to
# epoch 2016 day 366.5: 12:00:00 UTC on 2016-12-31, a day that ends in a leap second (IERS Bulletin C 52).
LEAP_DAY_LINE1 = _with_checksum("1 25544U 98067A   16366.50000000 -.00002182  00000-0 -11606-4 0  2920")
LEAP_DAY_LINE2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"


def _leap_day_propagators():
    from cosmodrome.io.tle import parse_tle_lines
    reference = Satrec.twoline2rv(LEAP_DAY_LINE1, LEAP_DAY_LINE2, WGS72)
    ours = Sgp4Propagator([parse_tle_lines(LEAP_DAY_LINE1, LEAP_DAY_LINE2)])
    return reference, ours


def test_epoch_on_a_leap_second_day_is_read_and_propagated_on_one_time_axis():
    # A TLE day fraction counts 86400-s days (twoline2rv: jdsatepochF = 0.5 here). At the epoch itself
    # SGP4 must see tsince = 0. ERFA's stretched quasi-JD (seconds / 86401 on this day) would hand
    # SGP4 a fraction of 0.49999 instead, 0.5 s early: 3.8 km along track. Tolerance 1 mm: our
    # Time round trip leaves ~1e-11 s (0.1 um at 7.7 km/s).
    reference, propagator = _leap_day_propagators()
    assert reference.jdsatepochF == 0.5
    epoch = Time.from_utc_iso("2016-12-31T12:00:00Z")
    assert propagator.epochs[0].utc_iso() == "2016-12-31T12:00:00.000Z"
    assert propagator.days_from_epoch(epoch)[0] == pytest.approx(0.0, abs=1e-15)
    eph = propagator.propagate(epoch)
    _, r_km, v_km_s = reference.sgp4_tsince(0.0)
    np.testing.assert_allclose(eph.position_m[0, 0] / 1e3, r_km, rtol=0, atol=1e-6)
    np.testing.assert_allclose(eph.velocity_m_s[0, 0] / 1e3, v_km_s, rtol=0, atol=1e-9)


def test_times_across_the_2016_leap_second_follow_the_tle_convention():
    # SGP4 counts minutes since epoch in 86400-s days of UTC (sgp4's jday and twoline2rv): the leap second 2016-12-31T23:59:60 has no minutes of its own, so 23:59:60.x and 00:00:00.x
    # of 2017-01-01 map to the same tsince, 720 + x/60 min after the 12:00 epoch. Expected states from
    # sgp4's own sgp4_tsince; tolerance 1 mm as above.
    reference, propagator = _leap_day_propagators()
    texts = ["2016-12-31T23:59:59Z", "2016-12-31T23:59:60Z", "2016-12-31T23:59:60.5Z",
             "2017-01-01T00:00:00Z", "2017-01-01T00:00:00.5Z", "2017-01-01T00:00:01Z"]
    tsince_min = [720.0 - 1 / 60, 720.0, 720.0 + 0.5 / 60, 720.0, 720.0 + 0.5 / 60, 720.0 + 1 / 60]
    times = Time.from_utc_iso(texts)
    assert list(times.utc_iso(decimals=1))[1:3] == ["2016-12-31T23:59:60.0Z", "2016-12-31T23:59:60.5Z"]
    eph = propagator.propagate(times)
    assert eph.is_ok
    for k, minutes in enumerate(tsince_min):
        _, r_km, v_km_s = reference.sgp4_tsince(minutes)
        np.testing.assert_allclose(eph.position_m[0, k] / 1e3, r_km, rtol=0, atol=1e-6, err_msg=texts[k])
        np.testing.assert_allclose(eph.velocity_m_s[0, k] / 1e3, v_km_s, rtol=0, atol=1e-9, err_msg=texts[k])
    np.testing.assert_allclose(eph.position_m[0, 2], eph.position_m[0, 4], rtol=0, atol=1e-3)
    # The SI seconds between the samples are what Time says (the grid is still uniform in SI seconds).
    np.testing.assert_allclose(np.diff(times.tai_mjd) * 86400.0, [1.0, 0.5, 0.5, 0.5, 0.5], atol=1e-6)
