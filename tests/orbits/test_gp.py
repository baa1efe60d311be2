"""MeanElementsGP: self-validation, and the Satrec it builds against sgp4's own twoline2rv."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest
from sgp4.api import Satrec

from cosmodrome.errors import InvalidInputError
from cosmodrome.io.tle import format_tle, parse_tle_lines, read_tle_verification
from cosmodrome.orbits.gp import MeanElementsGP
from cosmodrome.time import Time

# MARIO (catalogue 55123), CelesTrak element set of 2023-04-25: every field non-zero (B*, ndot/2 and
# nddot/6 included), so a wrong unit conversion of any of them shows.
MARIO_LINE1 = "1 55123U 98067UQ  23115.44827133  .00787702  29408-3  15680-2 0  9999"
MARIO_LINE2 = "2 55123  51.6242 216.2930 0014649 331.8976  28.1241 15.99081912 18396"

_SATREC_FIELDS = ("satnum", "jdsatepoch", "jdsatepochF", "epochyr", "epochdays", "bstar", "ndot",
                  "nddot", "ecco", "argpo", "inclo", "mo", "no_kozai", "nodeo", "classification",
                  "intldesg", "elnum", "revnum", "ephtype")


def _mario(**changes) -> MeanElementsGP:
    return dataclasses.replace(parse_tle_lines(MARIO_LINE1, MARIO_LINE2, "MARIO"), **changes)


def test_satrec_fields_equal_twoline2rv_bit_for_bit():
    # The unit conversions (rad/min, rad/min^2, rad/min^3, radians, epoch days since 1949-12-31) must
    # be the ones twoline2rv makes: compared exactly, no tolerance.
    ours = _mario().to_satrec()
    reference = Satrec.twoline2rv(MARIO_LINE1, MARIO_LINE2)
    for name in _SATREC_FIELDS:
        assert getattr(ours, name) == getattr(reference, name), name


def test_satrec_fields_equal_twoline2rv_for_every_verification_case():
    for case in read_tle_verification():
        ours = case.elements.to_satrec()
        reference = Satrec.twoline2rv(case.line1, case.line2)
        for name in _SATREC_FIELDS:
            assert getattr(ours, name) == getattr(reference, name), (case.elements.catalogue_number, name)


def test_every_verification_case_propagates_identically_to_twoline2rv():
    # Vallado's SGP4-VER.TLE (in the sgp4 package), every case over its own start/stop/step:
    # positions and velocities and error codes identical to sgp4's own TLE parser (2339 states):
    # no tolerance, since the Satrec holds the very same doubles (test above).
    states = 0
    for case in read_tle_verification():
        ours = case.elements.to_satrec()
        reference = Satrec.twoline2rv(case.line1, case.line2)
        for tsince_min in np.arange(case.start_min, case.stop_min + case.step_min / 2, case.step_min):
            error_ours, r_ours, v_ours = ours.sgp4_tsince(tsince_min)
            error_ref, r_ref, v_ref = reference.sgp4_tsince(tsince_min)
            assert error_ours == error_ref, (case.elements.catalogue_number, tsince_min)
            if error_ref == 0:
                assert r_ours == r_ref and v_ours == v_ref, (case.elements.catalogue_number, tsince_min)
            states += 1
    assert states == 2339


def test_array_propagation_of_the_satrec_matches():
    ours = _mario().to_satrec()
    reference = Satrec.twoline2rv(MARIO_LINE1, MARIO_LINE2)
    jd = np.full(5, reference.jdsatepoch)
    fr = reference.jdsatepochF + np.linspace(0.0, 1.0, 5)
    e1, r1, v1 = ours.sgp4_array(jd, fr)
    e2, r2, v2 = reference.sgp4_array(jd, fr)
    assert np.array_equal(e1, e2) and np.array_equal(r1, r2) and np.array_equal(v1, v2)


def test_alpha5_catalogue_number_reaches_the_satrec():
    satrec = _mario(catalogue_number=270001).to_satrec()
    assert satrec.satnum == 270001


def test_catalogue_number_beyond_alpha5_is_kept_in_the_record_and_zero_in_the_satrec():
    elements = _mario(catalogue_number=123456789)
    satrec = elements.to_satrec()
    assert elements.catalogue_number == 123456789
    assert satrec.satnum == 0
    # the number changes nothing in the propagation
    reference = Satrec.twoline2rv(MARIO_LINE1, MARIO_LINE2)
    assert satrec.sgp4_tsince(100.0) == reference.sgp4_tsince(100.0)


def test_sgp4_xp_elements_are_refused_at_propagation():
    elements = _mario(mean_element_theory="SGP4-XP")
    with pytest.raises(InvalidInputError, match="these are SGP4-XP mean elements; SGP4 would propagate them wrongly"):
        elements.to_satrec()
    assert not elements.is_sgp4_compatible


def test_ephemeris_type_4_is_refused_as_sgp4_xp():
    with pytest.raises(InvalidInputError, match=r"ephemeris type 4 \(SGP4-XP\) mean elements; SGP4 would propagate"):
        _mario(ephemeris_type=4).to_satrec()


def test_ccsds_spelling_of_the_theory_is_accepted():
    assert _mario(mean_element_theory="SGP/SGP4").to_satrec().satnum == 55123


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"eccentricity": 1.0}, "eccentricity", "expected 0 <= eccentricity < 1, got 1.0"),
    ({"eccentricity": -0.01}, "eccentricity", "expected 0 <= eccentricity < 1, got -0.01"),
    ({"inclination_deg": 180.5}, "inclination_deg", "expected 0 to 180 deg, got 180.5 deg"),
    ({"raan_deg": -1.0}, "raan_deg", "expected 0 to 360 deg, got -1.0 deg"),
    ({"mean_anomaly_deg": 400.0}, "mean_anomaly_deg", "expected 0 to 360 deg, got 400.0 deg"),
    ({"mean_motion_rev_day": 0.0}, "mean_motion_rev_day", "expected a positive mean motion in rev/day, got 0.0"),
    ({"bstar_per_earth_radii": float("nan")}, "bstar_per_earth_radii", "expected a finite number, got nan"),
    ({"classification": "X"}, "classification", "expected U (unclassified), C (classified) or S (secret), got 'X'"),
    ({"catalogue_number": -5}, "catalogue_number", "expected a non-negative integer, got -5"),
    ({"catalogue_number": True}, "catalogue_number", "expected a non-negative integer, got True"),
    ({"catalogue_number": 10**9}, "catalogue_number", "expected at most 9 digits"),
    ({"element_set_number": 1.5}, "element_set_number", "expected a non-negative integer, got 1.5"),
    ({"international_designator": "1998-067\u00c4"}, "international_designator", "expected printable ASCII text"),
    ({"mean_element_theory": " "}, "mean_element_theory", "expected a theory name"),
    ({"mean_motion_rev_day": "fast"}, "mean_motion_rev_day", "expected a number, got 'fast'"),
])
def test_record_validates_itself(changes, field, message):
    with pytest.raises(InvalidInputError, match=re.escape(message)) as raised:
        _mario(**changes)
    assert raised.value.field == field
    assert "mean elements of 'MARIO'" in str(raised.value)


def test_epoch_must_be_one_time():
    times = Time.from_utc_iso(["2023-04-25T00:00:00Z", "2023-04-26T00:00:00Z"])
    with pytest.raises(InvalidInputError, match="expected a single Time"):
        _mario(epoch=times)


def test_record_is_frozen_and_varied_by_copy():
    elements = _mario()
    with pytest.raises(dataclasses.FrozenInstanceError):
        elements.eccentricity = 0.1  # type: ignore[misc]
    varied = dataclasses.replace(elements, eccentricity=0.1)
    assert varied.eccentricity == 0.1 and elements.eccentricity == 0.0014649


def test_numpy_numbers_become_python_numbers():
    elements = _mario(catalogue_number=np.int64(55123), eccentricity=np.float32(0.5))
    assert type(elements.catalogue_number) is int and type(elements.eccentricity) is float


def test_designator_in_tle_form():
    assert _mario().international_designator == "1998-067UQ"
    assert _mario().tle_international_designator == "98067UQ"
    assert _mario(international_designator="").tle_international_designator == ""
    assert format_tle(_mario())[0] == MARIO_LINE1


def test_epoch_split_is_the_utc_day_and_fraction():
    # 2023 day 115.44827133 = 2023-04-25, JD 2460059.5, plus 0.44827133 day
    day0, fraction = _mario().epoch_utc_day_split()
    assert day0 == 2460059.5
    assert abs(fraction - 0.44827133) < 1e-15  # 0.1 ns: the two-part date keeps ~1e-16 day


def test_epoch_split_on_a_leap_second_day():
    # 2016-12-31 ends with 23:59:60: the fraction stays seconds/86400 and exceeds 1 inside the leap
    # second, as sgp4's jday(2016, 12, 31, 23, 59, 60.5) does; the next day starts at 0.
    from cosmodrome.orbits.gp import utc_day_split
    times = Time.from_utc_iso(["2016-12-31T12:00:00Z", "2016-12-31T23:59:60.5Z", "2017-01-01T00:00:00Z"])
    day0, fraction = utc_day_split(times)
    assert day0.tolist() == [2457753.5, 2457753.5, 2457754.5]
    assert abs(fraction[0] - 0.5) < 1e-15 and abs(fraction[2]) < 1e-15  # ~1e-16 day: two doubles
    assert abs(fraction[1] - 86400.5 / 86400.0) < 1e-15
    assert utc_day_split(times[1]) == (2457753.5, fraction[1])
