"""OMM in CelesTrak's four forms: agreement with each other and with the TLE, writers, errors, fuzzing."""

from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cosmodrome.errors import CosmodromeError, InvalidInputError
from cosmodrome.io.omm import (OMM_KEYS, format_omm_csv, format_omm_json, format_omm_kvn, format_omm_xml,
                               parse_omm, parse_omm_csv, parse_omm_json, parse_omm_kvn, parse_omm_xml,
                               read_omm, write_omm)
from cosmodrome.io.tle import format_tle, read_tle
from cosmodrome.orbits.gp import MeanElementsGP
from cosmodrome.time import Time

DATA = Path(__file__).parent / "data"
FORMS = ("json", "csv", "xml", "kvn")
FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
CREATED = Time.from_utc_iso("2026-01-01T00:00:00Z")


def _assert_same(a: MeanElementsGP, b: MeanElementsGP):
    """Same element set: every field equal; epochs within 1 microsecond (OMM prints microseconds)."""
    for name in MeanElementsGP.__dataclass_fields__:
        if name == "epoch":
            assert abs(a.epoch - b.epoch) <= 1e-6
        elif name in ("bstar_per_earth_radii", "mean_motion_ddot_rev_day3"):
            # the TLE reader forms mantissa * 10**exponent as twoline2rv does: may differ in the last bit
            assert getattr(a, name) == pytest.approx(getattr(b, name), rel=1e-15, abs=0.0), name
        else:
            assert getattr(a, name) == getattr(b, name), name


def _records() -> list[MeanElementsGP]:
    return read_tle(DATA / "gp_two_satellites.tle")


def _json_items() -> list[dict]:
    return json.loads((DATA / "gp_two_satellites.json").read_text(encoding="utf-8"))


# --- the four forms and the TLE agree ------------------------------------------------------------
@pytest.mark.parametrize("form", FORMS)
def test_each_form_gives_the_tle_values(form):
    # ISS 2008-09-20 and MARIO 2023-04-25 (tests/io/data/README.md): the same element sets as TLE
    # and as CelesTrak JSON/CSV/XML and CCSDS KVN.
    records = read_omm(DATA / f"gp_two_satellites.{form}")
    assert [r.name for r in records] == ["ISS (ZARYA)", "MARIO"]
    for from_omm, from_tle in zip(records, _records(), strict=True):
        _assert_same(from_omm, from_tle)


@pytest.mark.parametrize("form", FORMS)
def test_each_form_propagates_exactly_like_the_tle(form):
    # Identical Satrec inputs (epoch fraction snapped to the same double), hence identical states.
    for from_omm, from_tle in zip(read_omm(DATA / f"gp_two_satellites.{form}"), _records(), strict=True):
        a, b = from_omm.to_satrec(), from_tle.to_satrec()
        for minutes in (0.0, 90.0, 1440.0):
            assert a.sgp4_tsince(minutes) == b.sgp4_tsince(minutes)


@pytest.mark.parametrize("form", FORMS)
def test_form_is_sniffed_from_the_content(form):
    text = (DATA / f"gp_two_satellites.{form}").read_text(encoding="utf-8")
    assert len(parse_omm(text)) == 2


# --- writers ------------------------------------------------------------------------------------
@pytest.mark.parametrize(("form", "writer"), [("json", format_omm_json), ("csv", format_omm_csv),
                                              ("xml", format_omm_xml), ("kvn", format_omm_kvn)])
def test_writers_round_trip(form, writer):
    records = _records()
    options = {} if form in ("json", "csv") else {"creation_date": CREATED}
    back = parse_omm(writer(records, **options), form=form)
    for a, b in zip(records, back, strict=True):
        _assert_same(a, b)
        assert a.bstar_per_earth_radii == b.bstar_per_earth_radii  # full precision (repr) is written


def test_json_writer_uses_celestrak_keys_in_order():
    (item, _) = json.loads(format_omm_json(_records()))
    assert tuple(item) == OMM_KEYS
    assert item["EPOCH"] == "2008-09-20T12:25:40.104192" and item["NORAD_CAT_ID"] == 25544


def test_kvn_writer_layout():
    text = format_omm_kvn(_records()[:1], creation_date=CREATED, originator="TEST")
    lines = text.splitlines()
    assert lines[:3] == ["CCSDS_OMM_VERS = 2.0", "CREATION_DATE = 2026-01-01T00:00:00.000000", "ORIGINATOR = TEST"]
    assert "REF_FRAME           = TEME" in lines and "MEAN_ELEMENT_THEORY = SGP4" in lines
    assert "MEAN_MOTION         = 15.72125391 [rev/day]" in lines


def test_write_omm_by_suffix(tmp_path):
    records = _records()
    for form in FORMS:
        path = write_omm(records, tmp_path / f"out.{form}",
                         **({} if form in ("json", "csv") else {"creation_date": CREATED}))
        for a, b in zip(records, read_omm(path), strict=True):
            _assert_same(a, b)
    with pytest.raises(InvalidInputError, match="unknown OMM form 'txt': expected json, csv, xml or kvn"):
        write_omm(records, tmp_path / "out.txt")


# --- large catalogue numbers, other theories ----------------------------------------------------
@pytest.mark.parametrize("number", [270001, 123456789])
def test_six_and_nine_digit_catalogue_numbers_are_kept(number):
    items = _json_items()
    items[0]["NORAD_CAT_ID"] = number
    (record, _) = parse_omm_json(json.dumps(items))
    assert record.catalogue_number == number
    for writer in (format_omm_json, format_omm_csv):
        assert parse_omm(writer([record]))[0].catalogue_number == number
    assert parse_omm(format_omm_kvn([record], creation_date=CREATED))[0].catalogue_number == number


def test_nine_digit_number_cannot_become_a_tle():
    items = _json_items()
    items[0]["NORAD_CAT_ID"] = 123456789
    (record, _) = parse_omm_json(json.dumps(items))
    with pytest.raises(InvalidInputError, match="write the elements as OMM instead"):
        format_tle(record)
    assert record.to_satrec().satnum == 0  # kept here, 0 in the Satrec


def test_alpha5_range_number_becomes_an_alpha5_tle():
    items = _json_items()
    items[0]["NORAD_CAT_ID"] = 270001
    (record, _) = parse_omm_json(json.dumps(items))
    assert format_tle(record)[0][2:7] == "T0001"


def test_sgp4_xp_is_recorded_then_refused_at_propagation():
    text = (DATA / "gp_two_satellites.kvn").read_text(encoding="utf-8").replace(
        "MEAN_ELEMENT_THEORY = SGP4", "MEAN_ELEMENT_THEORY = SGP4-XP", 1)
    iss, mario = parse_omm_kvn(text)
    assert iss.mean_element_theory == "SGP4-XP" and mario.mean_element_theory == "SGP4"
    with pytest.raises(InvalidInputError, match="these are SGP4-XP mean elements; SGP4 would propagate them wrongly"):
        iss.to_satrec()
    # and the theory survives a trip through every writer
    for writer in (format_omm_json, format_omm_csv):
        assert parse_omm(writer([iss]))[0].mean_element_theory == "SGP4-XP"
    for writer in (format_omm_kvn, format_omm_xml):
        assert parse_omm(writer([iss], creation_date=CREATED))[0].mean_element_theory == "SGP4-XP"


def test_space_track_json_with_numbers_as_text():
    items = [{key: str(value) for key, value in item.items()} for item in _json_items()]
    for a, b in zip(parse_omm_json(json.dumps(items)), _records(), strict=True):
        _assert_same(a, b)


def test_day_of_year_epoch_form():
    items = _json_items()
    items[0]["EPOCH"] = "2008-264T12:25:40.104192"
    _assert_same(parse_omm_json(json.dumps(items))[0], _records()[0])


# --- bad input ----------------------------------------------------------------------------------
def test_json_record_missing_a_required_key():
    items = _json_items()
    del items[1]["MEAN_MOTION"]
    with pytest.raises(InvalidInputError) as raised:
        parse_omm_json(json.dumps(items), source="gp.json")
    assert str(raised.value) == "gp.json, field MEAN_MOTION: record 2 ('MARIO'): missing required key MEAN_MOTION"
    assert raised.value.field == "MEAN_MOTION"


def test_json_record_missing_several_keys_names_them_all():
    items = _json_items()
    del items[0]["BSTAR"], items[0]["EPOCH"]
    with pytest.raises(InvalidInputError, match=re.escape(
            "record 1 ('ISS (ZARYA)'): missing required key EPOCH (also missing: BSTAR)")):
        parse_omm_json(json.dumps(items))


def test_csv_header_missing_a_required_column():
    text = (DATA / "gp_two_satellites.csv").read_text(encoding="utf-8").replace(",BSTAR,", ",B_STAR,")
    with pytest.raises(InvalidInputError) as raised:
        parse_omm_csv(text, source="gp.csv")
    assert str(raised.value).startswith("gp.csv, field BSTAR: line 1: the header row lacks required column BSTAR")


def test_csv_row_with_an_empty_required_value():
    lines = (DATA / "gp_two_satellites.csv").read_text(encoding="utf-8").splitlines()
    cells = lines[2].split(",")
    cells[3] = ""  # MEAN_MOTION of MARIO
    text = "\n".join(lines[:2] + [",".join(cells)])
    with pytest.raises(InvalidInputError, match=re.escape(
            "field MEAN_MOTION: record 2 (line 3) ('MARIO'): missing required key MEAN_MOTION")):
        parse_omm_csv(text)


def test_csv_row_with_too_few_values():
    text = (DATA / "gp_two_satellites.csv").read_text(encoding="utf-8") + "ONLY,THREE,VALUES\n"
    with pytest.raises(InvalidInputError, match=r"record 3 \(line 4\): expected 17 comma-separated values"):
        parse_omm_csv(text)


def test_kvn_message_missing_a_required_key():
    text = (DATA / "gp_two_satellites.kvn").read_text(encoding="utf-8").replace("BSTAR = .1568E-2\n", "")
    with pytest.raises(InvalidInputError, match=re.escape(
            "field BSTAR: message 2 (starting on line 30) ('MARIO'): missing required key BSTAR")):
        parse_omm_kvn(text)


def test_xml_message_missing_a_required_key():
    text = (DATA / "gp_two_satellites.xml").read_text(encoding="utf-8").replace(
        "<NORAD_CAT_ID>25544</NORAD_CAT_ID>", "")
    with pytest.raises(InvalidInputError, match=re.escape(
            "field NORAD_CAT_ID: OMM 1 ('ISS (ZARYA)'): missing required key NORAD_CAT_ID")):
        parse_omm_xml(text)


def test_eccentricity_out_of_range():
    items = _json_items()
    items[0]["ECCENTRICITY"] = 1.2
    with pytest.raises(InvalidInputError) as raised:
        parse_omm_json(json.dumps(items), source="gp.json")
    assert str(raised.value) == ("gp.json, field ECCENTRICITY: record 1 ('ISS (ZARYA)'): "
                                 "expected 0 <= eccentricity < 1, got 1.2")


@pytest.mark.parametrize(("key", "value", "message"), [
    ("MEAN_MOTION", "fast", "expected a number such as 15.49 or -1.1606e-5, got 'fast'"),
    ("MEAN_MOTION", "1_5.0", "expected a number such as 15.49 or -1.1606e-5, got '1_5.0'"),
    ("BSTAR", "nan", "expected a number such as 15.49 or -1.1606e-5, got 'nan'"),
    ("NORAD_CAT_ID", -5, "expected a non-negative integer, got -5"),
    ("NORAD_CAT_ID", "\u0663", "expected a non-negative integer, got '\u0663'"),  # an Arabic-Indic 3
    ("EPOCH", "2008-09-20 12:25:40", "expected a UTC time as YYYY-MM-DDThh:mm:ss.ffffff"),
    ("EPOCH", "2008-02-30T00:00:00", "EPOCH"),
    ("EPOCH", "2008-09-20T24:00:00", "expected hh < 24, mm < 60, ss < 61"),
    ("INCLINATION", [51.6], "expected a number, got [51.6]"),
    ("CLASSIFICATION_TYPE", "X", "expected U (unclassified), C (classified) or S (secret), got 'X'"),
])
def test_bad_values_name_the_key(key, value, message):
    items = _json_items()
    items[0][key] = value
    with pytest.raises(InvalidInputError, match=re.escape(message)) as raised:
        parse_omm_json(json.dumps(items))
    assert raised.value.field == key


def test_reference_frame_other_than_teme_is_refused():
    text = (DATA / "gp_two_satellites.kvn").read_text(encoding="utf-8").replace("REF_FRAME = TEME", "REF_FRAME = GCRF", 1)
    with pytest.raises(InvalidInputError, match=re.escape(
            "expected TEME (SGP4 mean elements are Earth-centred, TEME, UTC), got 'GCRF'")):
        parse_omm_kvn(text)


def test_kvn_wrong_unit():
    text = (DATA / "gp_two_satellites.kvn").read_text(encoding="utf-8").replace("[rev/day]", "[deg/s]", 1)
    with pytest.raises(InvalidInputError, match=re.escape("line 14: expected the unit [rev/day], got [deg/s]")):
        parse_omm_kvn(text)


def test_kvn_line_without_equals_sign():
    text = (DATA / "gp_two_satellites.kvn").read_text(encoding="utf-8").replace("NORAD_CAT_ID = 25544", "NORAD_CAT_ID 25544")
    with pytest.raises(InvalidInputError, match="line 23: expected 'KEY = value', got 'NORAD_CAT_ID 25544'"):
        parse_omm_kvn(text)


def test_kvn_must_start_with_the_version():
    with pytest.raises(InvalidInputError, match="line 1: expected the message to start with 'CCSDS_OMM_VERS = 2.0'"):
        parse_omm_kvn("OBJECT_NAME = ISS\n")


def test_invalid_json_and_xml_name_line_and_column():
    with pytest.raises(InvalidInputError, match=r"gp.json: not valid JSON at line 2, column 1"):
        parse_omm_json('[{"OBJECT_NAME": "ISS",\n}]', source="gp.json")
    with pytest.raises(InvalidInputError, match=r"gp.xml: not valid XML at line 2, column"):
        parse_omm_xml("<ndm>\n<omm></ndm>", source="gp.xml")
    with pytest.raises(InvalidInputError, match="expected a JSON list of OMM objects, got str"):
        parse_omm_json('"ISS"')
    with pytest.raises(InvalidInputError, match="found none under <ndm>"):
        parse_omm_xml("<ndm/>")


def test_missing_file():
    with pytest.raises(InvalidInputError, match="file not found"):
        read_omm("/nonexistent/gp.json")


# --- fuzzing: only our own errors may escape ----------------------------------------------------
def _our_errors_only(function, *args, **kwargs):
    try:
        function(*args, **kwargs)
    except CosmodromeError:
        pass


OUTSIDE_LEAP_TABLE = pytest.mark.filterwarnings("ignore:UTC time (before|after):UserWarning")


@OUTSIDE_LEAP_TABLE
@FUZZ
@given(st.text(), st.sampled_from(FORMS + (None,)))
def test_random_text_raises_only_our_errors(text, form):
    _our_errors_only(parse_omm, text, form=form)


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=6)


@OUTSIDE_LEAP_TABLE
@FUZZ
@given(st.lists(st.tuples(st.integers(0, 1), st.sampled_from(OMM_KEYS + ("MEAN_ELEMENT_THEORY", "REF_FRAME")),
                          st.one_of(st.just("__delete__"), _json_values)), min_size=1, max_size=4))
def test_mutated_json_records_raise_only_our_errors(mutations):
    items = _json_items()
    for index, key, value in mutations:
        if value == "__delete__":
            items[index].pop(key, None)
        else:
            items[index][key] = value
    _our_errors_only(parse_omm_json, json.dumps(items))


_MUTATION = st.tuples(st.integers(0, 10_000), st.sampled_from(["replace", "insert", "delete"]),
                      st.one_of(st.characters(), st.sampled_from(list("0123456789.,-+E<>/=[]\"\n "))))


@OUTSIDE_LEAP_TABLE
@FUZZ
@given(st.sampled_from(FORMS), st.lists(_MUTATION, min_size=1, max_size=5))
def test_mutated_text_of_every_form_raises_only_our_errors(form, mutations):
    text = (DATA / f"gp_two_satellites.{form}").read_text(encoding="utf-8")
    for position, action, char in mutations:
        position %= len(text) + 1
        if action == "replace":
            text = text[:position] + char + text[position + 1:]
        elif action == "insert":
            text = text[:position] + char + text[position:]
        else:
            text = text[:position] + text[position + 1:]
    _our_errors_only(parse_omm, text, form=form)
    _our_errors_only(parse_omm, text)


def test_deeply_nested_json_is_our_error():
    with pytest.raises(InvalidInputError, match="not usable JSON"):
        parse_omm_json("[" * 100_000)


def test_numbers_too_big_for_a_float_are_our_error():
    items = _json_items()
    items[0]["MEAN_MOTION"] = 10 ** 400
    with pytest.raises(InvalidInputError, match="expected a finite number"):
        parse_omm_json(json.dumps(items))
    assert np.isfinite(parse_omm_json(json.dumps(_json_items()))[0].mean_motion_rev_day)


def test_records_can_be_varied_by_copy():
    record = parse_omm_json(json.dumps(_json_items()))[0]
    assert dataclasses.replace(record, name="ISS").name == "ISS"
