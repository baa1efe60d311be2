"""TLE/3LE reader and writer: layout, checksum, ranges, Alpha-5, Vallado's verification file, fuzzing."""

from __future__ import annotations

import importlib.resources
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosmodrome.errors import CosmodromeError, InvalidInputError
from cosmodrome.io.tle import (ALPHA5_MAX, LINE1_LAYOUT, LINE2_LAYOUT, decode_alpha5, encode_alpha5,
                               format_tle, format_tle_text, parse_tle, parse_tle_lines,
                               parse_tle_verification, read_tle, read_tle_verification, tle_checksum,
                               write_tle)
from cosmodrome.orbits.gp import MeanElementsGP
from cosmodrome.time import Time

DATA = Path(__file__).parent / "data"

# ISS (ZARYA), the example of CelesTrak's "NORAD Two-Line Element Set Format" page (2008 day 264).
ISS_LINE1 = "1 25544U 98067A   08264.51782528 -.00002182  00000-0 -11606-4 0  2927"
ISS_LINE2 = "2 25544  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563537"
ISS = f"ISS (ZARYA)\n{ISS_LINE1}\n{ISS_LINE2}\n"

FUZZ = settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# Epochs before 1972 or after the leap-second table's expiry are valid TLE epochs; the time module
# warns about them (its table's range), which is not what these tests are about.
OUTSIDE_LEAP_TABLE = pytest.mark.filterwarnings("ignore:UTC time (before|after):UserWarning")


def _fix(line: str) -> str:
    """The line with its checksum recomputed (to test a check other than the checksum)."""
    return line[:68] + str(tle_checksum(line))


def _error(text: str) -> InvalidInputError:
    with pytest.raises(InvalidInputError) as raised:
        parse_tle(text, source="test.tle")
    return raised.value


# --- reading good input -------------------------------------------------------------------------
def test_iss_fields_in_printed_units():
    (iss,) = parse_tle(ISS)
    assert iss.name == "ISS (ZARYA)"
    assert iss.catalogue_number == 25544
    assert iss.international_designator == "1998-067A"
    assert iss.classification == "U"
    assert iss.epoch.utc_iso(decimals=6) == "2008-09-20T12:25:40.104192Z"  # day 264.51782528
    assert iss.mean_motion_dot_rev_day2 == -0.00002182
    assert iss.mean_motion_ddot_rev_day3 == 0.0
    assert iss.bstar_per_earth_radii == pytest.approx(-0.11606e-4, rel=1e-15)
    assert iss.ephemeris_type == 0 and iss.element_set_number == 292
    assert (iss.inclination_deg, iss.raan_deg, iss.eccentricity) == (51.6416, 247.4627, 0.0006703)
    assert (iss.argument_of_perigee_deg, iss.mean_anomaly_deg) == (130.5360, 325.0288)
    assert iss.mean_motion_rev_day == 15.72125391 and iss.revolution_number == 56353


def test_two_line_sets_without_names_crlf_blank_lines_and_spacetrack_names():
    text = f"\r\n{ISS_LINE1}\r\n\r\n{ISS_LINE2}\r\n0 ISS (ZARYA)\r\n{ISS_LINE1}   \r\n{ISS_LINE2}\r\n"
    first, second = parse_tle(text)
    assert first.name is None and second.name == "ISS (ZARYA)"
    assert first.catalogue_number == second.catalogue_number == 25544


def test_file_with_two_satellites(tmp_path):
    iss, mario = read_tle(DATA / "gp_two_satellites.tle")
    assert (iss.name, mario.name) == ("ISS (ZARYA)", "MARIO")  # CelesTrak pads names to 24 columns
    assert mario.international_designator == "1998-067UQ"
    assert mario.mean_motion_ddot_rev_day3 == pytest.approx(0.29408e-3, rel=1e-15)


def test_parse_tle_lines():
    assert parse_tle_lines(ISS_LINE1, ISS_LINE2, "ISS").name == "ISS"


# --- Vallado's verification file ----------------------------------------------------------------
def _verification_text() -> str:
    return (importlib.resources.files("sgp4") / "SGP4-VER.TLE").read_text(encoding="ascii")


def test_every_case_of_sgp4_ver_parses_in_verification_mode():
    # SGP4-VER.TLE (Vallado et al., AIAA 2006-6753, shipped in sgp4): every line 1/line 2 pair.
    text = _verification_text()
    cases = read_tle_verification()
    assert len(cases) == sum(1 for line in text.splitlines() if line.startswith("1 ")) == 33
    first = cases[0]
    assert first.elements.catalogue_number == 5
    assert (first.start_min, first.stop_min, first.step_min) == (0.0, 4320.0, 360.0)
    last = cases[-1]
    assert (last.elements.catalogue_number, last.start_min, last.stop_min, last.step_min) == (
        20413, 1844000.0, 1845100.0, 5.0)
    # blanks where a designator and ephemeris type would be (the STR#3 test cases)
    str3 = next(c for c in cases if c.elements.catalogue_number == 11801)
    assert str3.elements.international_designator == "" and str3.elements.ephemeris_type == 0


def test_deliberately_wrong_checksums_of_sgp4_ver_are_reported_not_refused():
    # The error-code cases 33333-33335 at the end of SGP4-VER.TLE carry checksums that do not match.
    wrong = {(c.elements.catalogue_number, c.line1_checksum_ok, c.line2_checksum_ok)
             for c in read_tle_verification() if not (c.line1_checksum_ok and c.line2_checksum_ok)}
    assert wrong == {(33333, False, False), (33334, False, True), (33335, False, False)}


def test_normal_mode_refuses_the_verification_file():
    with pytest.raises(InvalidInputError, match="after the checksum"):
        parse_tle("\n".join(line for line in _verification_text().splitlines() if not line.startswith("#")),
                  source="SGP4-VER.TLE")


def test_verification_mode_needs_start_stop_step():
    with pytest.raises(InvalidInputError, match="three numbers after column 69: start, stop and step"):
        parse_tle_verification(f"{ISS_LINE1}\n{ISS_LINE2}     0.0   1440.0\n")


# --- checksum -----------------------------------------------------------------------------------
def test_checksum_counts_digits_and_minus_signs():
    assert tle_checksum(ISS_LINE1) == 7 and tle_checksum(ISS_LINE2) == 7
    assert tle_checksum("1 " + "-" * 66) == (1 + 66) % 10


def test_bad_checksum_is_refused_with_expected_value():
    error = _error(f"{ISS_LINE1[:68]}3\n{ISS_LINE2}")
    assert error.field == "checksum"
    message = str(error)
    assert message.startswith("test.tle, field checksum: line 1 (TLE line 1), column 69: expected 7, the "
                              "modulo-10 checksum of columns 1-68")
    assert "got '3': the line is corrupted or was edited by hand" in message


def test_one_changed_digit_is_caught_by_the_checksum():
    corrupted = ISS_LINE2.replace("51.6416", "51.6417")
    assert "column 69: expected 8" in str(_error(f"{ISS_LINE1}\n{corrupted}"))


# --- layout, truncation, characters, line order -------------------------------------------------
def test_truncated_line():
    error = _error(f"ISS\n{ISS_LINE1[:60]}\n{ISS_LINE2}")
    message = str(error)
    assert "line 2 (TLE line 1), columns 61-69: expected 69 characters, got 60: the line is truncated" in message
    assert f"expected: {LINE1_LAYOUT}" in message


def test_misplaced_decimal_point_shows_the_column_layout():
    shifted = _fix(ISS_LINE2[:8] + "51.64160" + ISS_LINE2[16:])
    message = str(_error(f"{ISS_LINE1}\n{shifted}"))
    assert "line 2 (TLE line 2), columns 9-16: expected degrees as NNN.NNNN, got '51.64160'" in message
    lines = message.splitlines()
    assert lines[1] == f"  expected: {LINE2_LAYOUT}"
    assert lines[2] == f"  received: {shifted}"
    assert lines[3] == "            " + " " * 8 + "^" * 8  # under columns 9-16


def test_non_ascii_character():
    message = str(_error(f"{ISS_LINE1.replace('U', 'É', 1)}\n{ISS_LINE2}"))
    assert "column 8: expected plain ASCII" in message and "non-ASCII character 'É' (U+00C9)" in message


def test_bytes_that_are_not_utf8(tmp_path):
    path = tmp_path / "latin1.tle"
    path.write_bytes(ISS.replace("98067A", "98067\xe9").encode("latin-1"))
    with pytest.raises(InvalidInputError, match=r"column 15: .*got byte 0xE9 \(not UTF-8 text\)"):
        read_tle(path)


def test_tab_instead_of_blanks():
    assert "got control character '\\t'" in str(_error(f"{ISS_LINE1.replace(' ', chr(9), 1)}\n{ISS_LINE2}"))


def test_line_2_without_line_1():
    message = str(_error(f"ISS\n{ISS_LINE2}\n{ISS_LINE1}"))
    assert "line 2 (TLE line 2), column 1: expected a TLE line 1 (starting '1 ') before this line 2" in message


def test_two_line_1s_in_a_row():
    message = str(_error(f"{ISS_LINE1}\n{ISS_LINE1}\n{ISS_LINE2}"))
    assert ("line 2 (TLE line 2), column 1: expected '2', the line 2 of the TLE whose line 1 is line 1, "
            "got '1': lines are missing or out of order") in message


def test_line_1_at_the_end():
    assert "its line 2 is missing (truncated file?)" in str(_error(f"{ISS}{ISS_LINE1}\n"))


def test_name_without_tle():
    assert "line 4: the name 'HUBBLE' is not followed by a TLE" in str(_error(f"{ISS}HUBBLE\n"))


def test_two_names_in_a_row():
    message = str(_error(f"HUBBLE\n{ISS}"))
    assert "line 2: expected TLE line 1 (starting '1 ') after the name on line 1 ('HUBBLE'), got 'ISS (ZARYA)'" in message


def test_mismatched_catalogue_numbers():
    other = _fix(ISS_LINE2.replace("25544", "25545", 1))
    message = str(_error(f"{ISS_LINE1}\n{other}"))
    assert ("line 2 (TLE line 2), columns 3-7: expected '25544', the catalogue number of line 1 (line 1), "
            "got '25545': lines 1 and 2 belong to different satellites") in message


# --- ranges -------------------------------------------------------------------------------------
def test_inclination_above_180():
    line2 = _fix(ISS_LINE2.replace(" 51.6416", "181.6416"))
    assert "columns 9-16: expected 0 to 180 degrees, got 181.6416" in str(_error(f"{ISS_LINE1}\n{line2}"))


def test_raan_above_360():
    line2 = _fix(ISS_LINE2.replace("247.4627", "361.0000"))
    assert "columns 18-25: expected 0 to 360 degrees, got 361.0000" in str(_error(f"{ISS_LINE1}\n{line2}"))


def test_day_366_in_a_common_year():
    line1 = _fix(ISS_LINE1.replace("08264.", "07366."))
    assert "columns 21-32: expected a day of year from 1 to 365 in 2007, got day 366" in str(
        _error(f"{line1}\n{ISS_LINE2}"))


def test_day_366_in_a_leap_year_is_the_last_day():
    line1 = _fix(ISS_LINE1.replace("08264.51782528", "08366.00000000"))
    (elements,) = parse_tle(f"{line1}\n{ISS_LINE2}")
    assert elements.epoch.utc_iso() == "2008-12-31T00:00:00.000Z"


def test_zero_mean_motion():
    line2 = _fix(ISS_LINE2.replace("15.72125391", " 0.00000000"))
    assert "columns 53-63: expected a positive number of revolutions per day, got 0.00000000" in str(
        _error(f"{ISS_LINE1}\n{line2}"))


@OUTSIDE_LEAP_TABLE
def test_two_digit_years_1957_to_2056():
    line1 = _fix(ISS_LINE1.replace("08264.", "57001."))
    assert parse_tle(f"{line1}\n{ISS_LINE2}")[0].epoch.utc_iso() == "1957-01-01T12:25:40.104Z"
    line1 = _fix(ISS_LINE1.replace("08264.", "56001."))
    assert parse_tle(f"{line1}\n{ISS_LINE2}")[0].epoch.utc_iso() == "2056-01-01T12:25:40.104Z"


# --- Alpha-5 ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "number"), [
    ("00005", 5), ("    5", 5), ("99999", 99999), ("A0000", 100000), ("H9999", 179999),
    ("J0000", 180000), ("N9999", 229999), ("P0000", 230000), ("T0001", 270001), ("Z9999", 339999),
])
def test_alpha5_decoding(text, number):
    # Space Force Alpha-5: A=10 ... Z=33 ten-thousands, skipping I and O.
    assert decode_alpha5(text) == number
    assert encode_alpha5(number) == text.strip().rjust(5, "0")


def test_alpha5_round_trip_over_the_whole_range():
    for number in range(0, ALPHA5_MAX + 1, 997):
        assert decode_alpha5(encode_alpha5(number)) == number


@pytest.mark.parametrize("text", ["I0000", "O1234"])
def test_alpha5_letters_i_and_o_are_refused(text):
    with pytest.raises(InvalidInputError, match="the letters I and O are not used in Alpha-5"):
        decode_alpha5(text)
    line1 = _fix(ISS_LINE1.replace("25544", text, 1))
    line2 = _fix(ISS_LINE2.replace("25544", text, 1))
    message = str(_error(f"{line1}\n{line2}"))
    assert f"columns 3-7: expected five digits, or Alpha-5 (a letter other than I or O, then four digits), " \
           f"got '{text}': the letters I and O are not used in Alpha-5" in message


def test_alpha5_tle_reads_and_writes_back():
    line1 = _fix(ISS_LINE1.replace("25544", "T0001", 1))
    line2 = _fix(ISS_LINE2.replace("25544", "T0001", 1))
    (elements,) = parse_tle(f"{line1}\n{line2}")
    assert elements.catalogue_number == 270001
    assert format_tle(elements) == (line1, line2)


def test_lower_case_alpha5_is_refused():
    line1 = _fix(ISS_LINE1.replace("25544", "t0001", 1))
    assert "columns 3-7: expected five digits, or Alpha-5" in str(_error(f"{line1}\n{ISS_LINE2}"))


def test_catalogue_number_beyond_alpha5_cannot_be_written_and_names_omm():
    (elements,) = parse_tle(ISS)
    import dataclasses
    with pytest.raises(InvalidInputError, match=re.escape(
            "catalogue number 340000 does not fit the five columns of a TLE: Alpha-5 ends at Z9999 = 339999; "
            "write the elements as OMM instead")):
        format_tle(dataclasses.replace(elements, catalogue_number=340000))


# --- writing ------------------------------------------------------------------------------------
def test_published_lines_are_written_back_character_for_character():
    for line1, line2 in [(ISS_LINE1, ISS_LINE2),
                         ("1 55123U 98067UQ  23115.44827133  .00787702  29408-3  15680-2 0  9999",
                          "2 55123  51.6242 216.2930 0014649 331.8976  28.1241 15.99081912 18396")]:
        assert format_tle(parse_tle_lines(line1, line2)) == (line1, line2)


def test_verification_cases_round_trip_to_printed_precision():
    # SGP4-VER.TLE spells some zeros '00000+0' and leaves blank ephemeris types; the values (not
    # the spelling) must come back, and our lines must carry right checksums.
    for case in read_tle_verification():
        line1, line2 = format_tle(case.elements)
        assert tle_checksum(line1) == int(line1[68]) and tle_checksum(line2) == int(line2[68])
        back = parse_tle_lines(line1, line2)
        _assert_same(case.elements, back)


def _assert_same(a: MeanElementsGP, b: MeanElementsGP, epoch_tolerance_s: float = 1e-6):
    for name in MeanElementsGP.__dataclass_fields__:
        if name == "epoch":
            assert abs(a.epoch - b.epoch) <= epoch_tolerance_s
        elif name == "bstar_per_earth_radii" or name == "mean_motion_ddot_rev_day3":
            # read as mantissa * 10**exponent, as twoline2rv does: may differ in the last bit
            assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-15, abs=0.0)
        else:
            assert getattr(a, name) == getattr(b, name), name


def test_epoch_rounding_carries_into_the_next_year():
    (elements,) = parse_tle(ISS)
    import dataclasses
    late = dataclasses.replace(elements, epoch=Time.from_utc_iso("2008-12-31T23:59:59.9999999Z"))
    assert format_tle(late)[0][18:32] == "09001.00000000"


@OUTSIDE_LEAP_TABLE
def test_epoch_outside_two_digit_years_is_refused():
    (elements,) = parse_tle(ISS)
    import dataclasses
    with pytest.raises(InvalidInputError, match=r"epoch year 2057 cannot be written in a TLE \(two-digit years cover 1957-2056\)"):
        format_tle(dataclasses.replace(elements, epoch=Time.from_utc_iso("2057-01-01T00:00:00Z")))


def test_small_and_large_exponent_fields():
    (elements,) = parse_tle(ISS)
    import dataclasses
    tiny = dataclasses.replace(elements, bstar_per_earth_radii=1.2345e-12)
    assert format_tle(tiny)[0][53:61] == " 00123-9"
    with pytest.raises(InvalidInputError, match="expected .value. < 1e9"):
        format_tle(dataclasses.replace(elements, bstar_per_earth_radii=2e9))


def test_write_and_read_a_3le_file(tmp_path):
    records = read_tle(DATA / "gp_two_satellites.tle")
    path = write_tle(records, tmp_path / "out.tle")
    assert path.read_text(encoding="ascii") == format_tle_text(records)
    for a, b in zip(records, read_tle(path)):
        _assert_same(a, b)
    two_line = format_tle_text(records, names=False)
    assert len(two_line.splitlines()) == 4


def test_missing_file():
    with pytest.raises(InvalidInputError, match="file not found"):
        read_tle("/nonexistent/catalogue.tle")


# --- fuzzing: only our own errors may escape ----------------------------------------------------
def _parse_or_our_error(text: str):
    try:
        parse_tle(text, source="fuzz")
    except CosmodromeError:
        pass


@OUTSIDE_LEAP_TABLE
@FUZZ
@given(st.text())
def test_random_text_raises_only_our_errors(text):
    _parse_or_our_error(text)


@FUZZ
@given(st.lists(st.sampled_from([ISS_LINE1, ISS_LINE2, "ISS (ZARYA)", "", "1 ", "2 ", "0 NAME"]), max_size=8))
def test_shuffled_lines_raise_only_our_errors(lines):
    _parse_or_our_error("\n".join(lines))


_MUTATION = st.tuples(st.integers(0, len(ISS) - 1),
                      st.sampled_from(["replace", "insert", "delete"]),
                      st.one_of(st.characters(), st.sampled_from(list("0123456789 .+-AZIOU\n"))))


@OUTSIDE_LEAP_TABLE
@FUZZ
@given(st.lists(_MUTATION, min_size=1, max_size=4))
def test_mutated_tle_raises_only_our_errors(mutations):
    text = ISS
    for position, action, char in mutations:
        position = min(position, len(text))
        if action == "replace":
            text = text[:position] + char + text[position + 1:]
        elif action == "insert":
            text = text[:position] + char + text[position:]
        else:
            text = text[:position] + text[position + 1:]
    _parse_or_our_error(text)
    _parse_or_our_error_verification(text)


def _parse_or_our_error_verification(text: str):
    try:
        parse_tle_verification(text, source="fuzz")
    except CosmodromeError:
        pass


_records = st.builds(
    MeanElementsGP,
    name=st.one_of(st.none(), st.text(st.characters(min_codepoint=33, max_codepoint=126), min_size=1, max_size=24)),
    catalogue_number=st.integers(0, ALPHA5_MAX),
    international_designator=st.sampled_from(["", "1998-067A", "2027-001ABC", "1957-001B"]),
    classification=st.sampled_from("UCS"),
    epoch=st.builds(lambda days: Time.from_utc_iso("1957-01-02T00:00:00Z") + days * 86400.0,
                    st.floats(0.0, 36500.0)),
    mean_motion_rev_day=st.floats(0.01, 99.9),
    eccentricity=st.floats(0.0, 0.9999),
    inclination_deg=st.floats(0.0, 180.0),
    raan_deg=st.floats(0.0, 359.9999),
    argument_of_perigee_deg=st.floats(0.0, 359.9999),
    mean_anomaly_deg=st.floats(0.0, 359.9999),
    bstar_per_earth_radii=st.floats(-0.9, 0.9),
    mean_motion_dot_rev_day2=st.floats(-0.99, 0.99),
    mean_motion_ddot_rev_day3=st.floats(-0.9, 0.9),
    element_set_number=st.integers(0, 9999),
    revolution_number=st.integers(0, 99999),
)


@OUTSIDE_LEAP_TABLE
@FUZZ
@given(_records)
def test_any_valid_record_round_trips_to_printed_precision(record):
    line1, line2 = format_tle(record)
    assert len(line1) == len(line2) == 69
    back = parse_tle_lines(line1, line2, record.name)
    assert back.name == (record.name.strip() if record.name else None)
    assert back.catalogue_number == record.catalogue_number
    assert abs(back.epoch - record.epoch) <= 0.5e-8 * 86400.0 + 1e-6  # half of 1e-8 day
    assert abs(back.inclination_deg - record.inclination_deg) <= 0.5e-4 + 1e-12
    assert abs(back.eccentricity - record.eccentricity) <= 0.5e-7 + 1e-15
    assert abs(back.mean_motion_rev_day - record.mean_motion_rev_day) <= 0.5e-8 + 1e-13
    assert abs(back.mean_motion_dot_rev_day2 - record.mean_motion_dot_rev_day2) <= 0.5e-8 + 1e-15
    for name in ("bstar_per_earth_radii", "mean_motion_ddot_rev_day3"):  # five significant digits
        value, got = getattr(record, name), getattr(back, name)
        assert abs(got - value) <= 0.5e-5 * abs(value) * 10 + 0.5e-14
    # and a second trip changes nothing: the printed values are fixed points
    assert format_tle(back) == (line1, line2)


def test_epoch_on_a_leap_second_day_counts_86400_second_days():
    # 2016-12-31 ended with 23:59:60. A TLE day fraction is seconds/86400 (sgp4's twoline2rv and
    # jday; CelesTrak's OMM EPOCH is derived the same way), not ERFA's 86401-s quasi-day: day
    # 366.99999000 is 0.99999 * 86400 = 86399.136 s after 0h UTC.
    line1 = _fix(ISS_LINE1.replace("08264.51782528", "16366.99999000"))
    (elements,) = parse_tle(f"{line1}\n{ISS_LINE2}")
    assert abs(elements.epoch - Time.from_utc_iso("2016-12-31T23:59:59.136Z")) < 1e-6
    assert format_tle(elements)[0] == line1
