"""CCSDS OEM (versions 2.0 and 3.0) and OPM in KVN: round trips, the reader's layout, errors, fuzzing."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosmodrome.errors import CosmodromeError, InvalidInputError
from cosmodrome.frames import Frame
from cosmodrome.io.ccsds import (OemFile, OemSegment, OpmFile, OpmKeplerian, ccsds_frame_name, format_oem,
                                 format_opm, frame_of_ccsds_name, parse_oem, parse_opm, read_oem, read_opm,
                                 write_oem, write_opm)
from cosmodrome.time import Time

DATA = Path(__file__).parent / "data"
CREATED = Time.from_utc_iso("2026-05-01T10:00:00Z")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _segment(n: int = 6, *, name: str = "SAT", frame: str = "GCRF", start: str = "2026-05-01T03:00:00Z",
             step_s: float = 60.0, **options) -> OemSegment:
    # A made-up LEO-like table: values differ in every digit so that a column slip shows.
    rng = np.random.default_rng(n)
    times = Time.from_utc_iso(start) + np.arange(n) * step_s
    position = rng.uniform(-7.2e6, 7.2e6, (n, 3))
    velocity = rng.uniform(-7.6e3, 7.6e3, (n, 3))
    return OemSegment(object_name=name, object_id="2026-099A", center_name="EARTH", ref_frame=frame,
                      time_system="UTC", times=times, position_m=position, velocity_m_s=velocity, **options)


def _assert_segments_match(a: OemSegment, b: OemSegment, *, time_s=0.5e-6, position_m=0.5e-3, velocity_m_s=0.5e-6):
    # Tolerances: half of the last printed digit (defaults: 1e-6 s, 1e-6 km, 1e-9 km/s), plus float noise.
    for name in ("object_name", "object_id", "center_name", "ref_frame", "time_system", "interpolation",
                 "interpolation_degree", "comments"):
        assert getattr(a, name) == getattr(b, name), name
    assert len(a) == len(b)
    assert np.max(np.abs(a.times - b.times)) <= time_s + 1e-9
    assert np.max(np.abs(a.position_m - b.position_m)) <= position_m * (1 + 1e-6)
    assert np.max(np.abs(a.velocity_m_s - b.velocity_m_s)) <= velocity_m_s * (1 + 1e-6)
    for name in ("start_time", "stop_time", "useable_start_time", "useable_stop_time"):
        x, y = getattr(a, name), getattr(b, name)
        assert (x is None) == (y is None), name
        if x is not None:
            assert abs(x - y) <= time_s + 1e-9, name


# --- round trips --------------------------------------------------------------------------------
@pytest.mark.parametrize("version", ["2.0", "3.0"])
def test_oem_round_trip_two_segments(version, tmp_path):
    first = _segment(5, interpolation="HERMITE", interpolation_degree=7, comments=("first arc",),
                     useable_start_time=Time.from_utc_iso("2026-05-01T03:01:00Z"),
                     useable_stop_time=Time.from_utc_iso("2026-05-01T03:03:00Z"))
    second = _segment(3, frame="EME2000", start="2026-05-01T04:00:00.123456Z", step_s=0.5)
    oem = OemFile((first, second), originator="COSMODROME", creation_date=CREATED, version=version,
                  message_id="MSG-1" if version == "3.0" else None, comments=("made by the tests",))
    back = read_oem(write_oem(oem, tmp_path / "two.oem"))
    assert (back.version, back.originator, back.message_id) == (version, "COSMODROME", oem.message_id)
    assert back.comments == ("made by the tests",)
    assert abs(back.creation_date - CREATED) < 1e-6
    for a, b in zip(oem.segments, back.segments, strict=True):
        _assert_segments_match(a, b)


def test_oem_text_layout():
    text = format_oem(OemFile((_segment(2),), creation_date=CREATED, version="3.0", message_id="M1"))
    lines = text.splitlines()
    assert lines[:4] == ["CCSDS_OEM_VERS = 3.0", "CREATION_DATE = 2026-05-01T10:00:00.000000",
                         "ORIGINATOR = COSMODROME", "MESSAGE_ID = M1"]
    start = lines.index("META_START")
    assert lines[start + 1:start + 8] == ["OBJECT_NAME = SAT", "OBJECT_ID = 2026-099A", "CENTER_NAME = EARTH",
                                          "REF_FRAME = GCRF", "TIME_SYSTEM = UTC",
                                          "START_TIME = 2026-05-01T03:00:00.000000",
                                          "STOP_TIME = 2026-05-01T03:01:00.000000"]
    data = lines[-1].split()
    assert data[0] == "2026-05-01T03:01:00.000000" and len(data) == 7
    assert re.fullmatch(r"-?\d+\.\d{6}", data[1]) and re.fullmatch(r"-?\d+\.\d{9}", data[4])  # km, km/s


def test_oem_precision_is_chosen_by_the_caller():
    segment = _segment(4)
    text = format_oem(OemFile((segment,), creation_date=CREATED), time_decimals=3, position_decimals=3,
                      velocity_decimals=6)
    _assert_segments_match(segment, parse_oem(text).segments[0], time_s=0.5e-3, position_m=0.5, velocity_m_s=0.5e-3)


def test_oem_accelerations_round_trip():
    segment = _segment(3, acceleration_m_s2=np.array([[1e-3, -2e-3, 3e-3]] * 3))
    back = parse_oem(format_oem(OemFile((segment,), creation_date=CREATED))).segments[0]
    assert np.allclose(back.acceleration_m_s2, segment.acceleration_m_s2, atol=0.5e-9)


def test_oem_message_id_only_in_version_3():
    with pytest.raises(InvalidInputError, match="MESSAGE_ID exists only in OEM version 3.0, got version 2.0"):
        format_oem(OemFile((_segment(2),), creation_date=CREATED, message_id="M1"))


def test_hand_written_oem_with_day_of_year_epochs_and_accelerations():
    oem = read_oem(DATA / "two_segments.oem")
    first, second = oem.segments
    assert oem.originator == "COSMODROME TESTS" and oem.version == "2.0"
    assert first.frame is Frame.GCRS and second.frame is Frame.ITRS
    assert first.interpolation == "HERMITE" and first.interpolation_degree == 3
    assert first.comments == ("Near-circular 500 km orbit, one sample a minute",)
    assert first.useable_start_time.utc_iso() == "2027-06-01T00:01:00.000Z"
    assert first.position_m[0].tolist() == [6878137.0, 0.0, 0.0]
    assert first.velocity_m_s[0, 2] == pytest.approx(7540.478, abs=1e-9)
    assert [t for t in second.times.utc_iso()] == ["2027-06-01T00:03:00.000Z", "2027-06-01T00:04:00.500Z"]
    assert second.acceleration_m_s2[0].tolist() == pytest.approx([-1.0, 5.0, -2.0])  # km/s^2 -> m/s^2


# --- OEM errors ---------------------------------------------------------------------------------
def _oem_text() -> str:
    return (DATA / "two_segments.oem").read_text(encoding="ascii")


def _oem_error(text: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as raised:
        parse_oem(text, source="test.oem")
    return raised.value


@pytest.mark.parametrize("key", ["CREATION_DATE", "ORIGINATOR"])
def test_oem_missing_header_key(key):
    text = re.sub(rf"^{key} = .*\n", "", _oem_text(), flags=re.M)
    error = _oem_error(text)
    assert error.field == key
    # one header line fewer: META_START is now line 5
    assert str(error) == (f"test.oem, field {key}: line 5: missing required header key {key}: the header "
                          f"(lines 1-5) must give CCSDS_OEM_VERS, CREATION_DATE, ORIGINATOR before META_START")


def test_oem_missing_version_line():
    error = _oem_error(_oem_text().replace("CCSDS_OEM_VERS = 2.0\n", ""))
    assert str(error).startswith("test.oem, field CCSDS_OEM_VERS: line 1: missing required header key "
                                 "CCSDS_OEM_VERS: expected 'CCSDS_OEM_VERS = 2.0' as the first line")


def test_oem_unsupported_version():
    assert "expected version 1.0 or 2.0 or 3.0, got '4.0'" in str(_oem_error(_oem_text().replace("= 2.0", "= 4.0")))


@pytest.mark.parametrize("key", ["OBJECT_NAME", "REF_FRAME", "TIME_SYSTEM", "START_TIME"])
def test_oem_missing_metadata_key(key):
    text = re.sub(rf"^{key} = .*\n", "", _oem_text(), count=1, flags=re.M)
    error = _oem_error(text)
    assert error.field == key
    assert f"line 17: missing required metadata key {key} in the block of lines 6-17" in str(error)


def test_oem_time_system_other_than_utc():
    assert "line 11: expected UTC (the only time system supported), got 'TDB'" in str(
        _oem_error(_oem_text().replace("TIME_SYSTEM = UTC", "TIME_SYSTEM = TDB", 1)))


def test_oem_short_data_line():
    text = _oem_text().replace(" 0.000000 1.052381 7.540478", " 1.052381 7.540478")
    assert "line 21: expected 7 values (epoch x y z vx vy vz) or 10 (with ax ay az), got 6" in str(_oem_error(text))


def test_oem_bad_number_and_bad_epoch():
    assert "line 21: expected numbers after the epoch, got '0.0.0'" in str(
        _oem_error(_oem_text().replace("6878.137000 0.000000", "6878.137000 0.0.0", 1)))
    assert "line 22: expected a UTC time as YYYY-MM-DDThh:mm:ss[.fff] or YYYY-DDDThh:mm:ss[.fff], got '2027/06/01T00:01:00.000'" in str(
        _oem_error(_oem_text().replace("2027-06-01T00:01:00.000", "2027/06/01T00:01:00.000", 1)))
    assert "line 35: day of year 366 does not exist in 2027" in str(
        _oem_error(_oem_text().replace("2027-152T00:03:00 1523.1", "2027-366T00:03:00 1523.1")))


def test_oem_epochs_out_of_order():
    text = _oem_text().replace("2027-06-01T00:02:00.000", "2027-06-01T00:00:30.000")
    assert "expected strictly increasing epochs, got 2027-06-01T00:00:30.000000Z after 2027-06-01T00:01:00.000000Z (row 2)" in str(
        _oem_error(text))


def test_oem_epoch_after_stop_time():
    text = _oem_text().replace("STOP_TIME = 2027-06-01T00:03:00", "STOP_TIME = 2027-06-01T00:02:30")
    assert "segment starting on line 6: expected every epoch within START_TIME" in str(_oem_error(text))


def test_oem_without_meta_stop_or_data():
    assert "the metadata block opened here has no META_STOP" in str(
        _oem_error(_oem_text().split("META_STOP")[0]))
    text = _oem_text()
    assert "the segment has no data lines after META_STOP" in str(_oem_error(text[:text.rindex("META_STOP") + 10]))


def test_oem_non_ascii():
    assert "line 7, column 22: expected plain ASCII (KVN), got character '\u00c9' (U+00C9)" in str(
        _oem_error(_oem_text().replace("TESTSAT", "TESTSAT\u00c9", 1)))


def test_oem_covariance_is_skipped_with_a_warning():
    text = _oem_text() + "COVARIANCE_START\nEPOCH = 2027-152T00:03:00\n1.0\nCOVARIANCE_STOP\n"
    with pytest.warns(UserWarning, match="covariance block at line 37 skipped"):
        oem = parse_oem(text)
    assert len(oem.segments[1]) == 2


def test_oem_segment_validates_itself():
    with pytest.raises(InvalidInputError, match=r"field position_m: expected shape \(3, 3\), got \(3, 2\)"):
        dataclasses.replace(_segment(3), position_m=np.zeros((3, 2)))
    with pytest.raises(InvalidInputError, match="field time_system: expected UTC, got 'TT'"):
        dataclasses.replace(_segment(3), time_system="TT")


def test_oem_arrays_are_read_only():
    segment = _segment(3)
    with pytest.raises(ValueError):
        segment.position_m[0, 0] = 1.0


def test_missing_oem_file():
    with pytest.raises(InvalidInputError, match="file not found"):
        read_oem("/nonexistent/ephemeris.oem")


# --- frames -------------------------------------------------------------------------------------
def test_frame_names():
    assert [ccsds_frame_name(f) for f in (Frame.GCRS, Frame.EME2000, Frame.TEME, Frame.ITRS)] == [
        "GCRF", "EME2000", "TEME", "ITRF"]
    assert frame_of_ccsds_name("ITRF-93") is Frame.ITRS and frame_of_ccsds_name("gcrf") is Frame.GCRS
    assert frame_of_ccsds_name("TOD") is None


# --- OPM ----------------------------------------------------------------------------------------
def _opm(**changes) -> OpmFile:
    values = dict(object_name="SAT", object_id="2026-099A", epoch=Time.from_utc_iso("2026-05-01T03:00:00.25Z"),
                  position_m=np.array([6878137.123456, -1234.5, 2.0e-3]),
                  velocity_m_s=np.array([0.1, 7612.345678901, -0.000001]),
                  keplerian=OpmKeplerian(6878137.0, 0.0012, 97.4, 10.0, 20.0, 3.986004418e14, true_anomaly_deg=30.0),
                  mass_kg=1500.0, drag_area_m2=4.0, drag_coeff=2.2, creation_date=CREATED,
                  comments=("written by the tests",))
    values.update(changes)
    return OpmFile(**values)


def test_opm_round_trip(tmp_path):
    opm = _opm()
    back = read_opm(write_opm(opm, tmp_path / "state.opm"))
    # Full double precision is printed (repr of km): the trip km -> m costs at most one rounding.
    assert np.allclose(back.position_m, opm.position_m, rtol=1e-15, atol=1e-9)
    assert np.allclose(back.velocity_m_s, opm.velocity_m_s, rtol=1e-15, atol=1e-12)
    assert abs(back.epoch - opm.epoch) < 1e-6
    assert back.keplerian.inclination_deg == 97.4 and back.keplerian.true_anomaly_deg == 30.0
    assert back.keplerian.semi_major_axis_m == pytest.approx(6878137.0, rel=1e-15)
    assert back.keplerian.gm_m3_s2 == pytest.approx(3.986004418e14, rel=1e-15)
    assert (back.mass_kg, back.drag_area_m2, back.drag_coeff, back.solar_rad_area_m2) == (1500.0, 4.0, 2.2, None)
    assert back.comments[0] == "written by the tests"


def test_opm_without_elements_and_with_mean_anomaly():
    assert parse_opm(format_opm(_opm(keplerian=None))).keplerian is None
    elements = OpmKeplerian(7e6, 0.1, 45.0, 1.0, 2.0, 3.986004418e14, mean_anomaly_deg=3.0)
    assert parse_opm(format_opm(_opm(keplerian=elements))).keplerian.mean_anomaly_deg == 3.0


def test_opm_errors():
    text = format_opm(_opm())
    with pytest.raises(InvalidInputError, match=r"field X: line \d+: expected the unit \[km\], got \[m\]"):
        parse_opm(text.replace("[km]", "[m]", 1))
    with pytest.raises(InvalidInputError, match="missing required key Y_DOT"):
        parse_opm(re.sub(r"^Y_DOT = .*\n", "", text, flags=re.M))
    with pytest.raises(InvalidInputError, match="incomplete Keplerian elements: missing GM"):
        parse_opm(re.sub(r"^GM = .*\n", "", text, flags=re.M))
    with pytest.raises(InvalidInputError, match="missing required header key CCSDS_OPM_VERS"):
        parse_opm("ORIGINATOR = X\n")
    with pytest.raises(InvalidInputError, match="expected exactly one of true_anomaly_deg and mean_anomaly_deg"):
        OpmKeplerian(7e6, 0.1, 45.0, 1.0, 2.0, 3.986004418e14)


# --- fuzzing ------------------------------------------------------------------------------------
def _our_errors_only(function, text):
    try:
        function(text)
    except CosmodromeError:
        pass


_MUTATION = st.tuples(st.integers(0, 10_000), st.sampled_from(["replace", "insert", "delete"]),
                      st.one_of(st.characters(), st.sampled_from(list("0123456789.-+=T:\n "))))


@pytest.mark.filterwarnings("ignore:UTC time (before|after):UserWarning")
@pytest.mark.filterwarnings("ignore:.*covariance block")
@FUZZ
@given(st.sampled_from(["oem", "opm"]), st.lists(_MUTATION, min_size=1, max_size=5))
def test_mutated_oem_and_opm_raise_only_our_errors(kind, mutations):
    text = _oem_text() if kind == "oem" else format_opm(_opm())
    for position, action, char in mutations:
        position %= len(text) + 1
        if action == "replace":
            text = text[:position] + char + text[position + 1:]
        elif action == "insert":
            text = text[:position] + char + text[position:]
        else:
            text = text[:position] + text[position + 1:]
    _our_errors_only(parse_oem if kind == "oem" else parse_opm, text)


@FUZZ
@given(st.text())
def test_random_text_raises_only_our_errors(text):
    _our_errors_only(parse_oem, text)
    _our_errors_only(parse_opm, text)
