"""Catalogue writers (io.ephemeris_csv): CSV, JSON and OEM of a CatalogueEphemeris.

The fast CSV writer formats numbers with array arithmetic; its reference is the plain Python
``%``-formatting of every row (``_reference_csv``), which it must match byte for byte on real SGP4
output, leap second, failed rows and Alpha-5 numbers included.
"""

from __future__ import annotations

import dataclasses
import io
import json
import re
import warnings

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.io.ccsds import parse_oem
from cosmodrome.io.ephemeris_csv import (_fixed_point, _reference_csv, catalogue_oem, csv_header,
                                         format_ephemeris_csv, format_ephemeris_json, write_ephemeris_csv,
                                         write_ephemeris_json, write_ephemeris_oem)
from cosmodrome.io.tle import parse_tle, read_tle_verification
from cosmodrome.orbits.propagator import Status
from cosmodrome.orbits.service import CatalogueEphemeris, OutputFrame, SatelliteIdentity, propagate_catalogue
from cosmodrome.time import Time

# The ISS element set of CelesTrak's TLE format page with its epoch moved to 2016-12-31 (so that a
# grid through the leap second is near the epoch), under an Alpha-5 number: C3456 = 123456.
ALPHA5_TLE = """ISS (ZARYA)
1 C3456U 98067A   16366.50000000 -.00002182  00000-0 -11606-4 0  2926
2 C3456  51.6416 247.4627 0006703 130.5360 325.0288 15.72125391563534
"""


def _fix_checksums(text: str) -> str:
    from cosmodrome.io.tle import tle_checksum
    lines = text.splitlines()
    return "\n".join(l[:68] + str(tle_checksum(l)) if l[:2] in ("1 ", "2 ") else l for l in lines) + "\n"


def _catalogue(frame: str, start="2016-12-31T23:58:00Z", duration_s=240.0, step_s=30.0) -> CatalogueEphemeris:
    """ISS as 123456 plus SGP4-VER.TLE's 29141 (SGP4 error 6 from between 422.5 and 423 min after its
    epoch, which is moved to 421 min before the grid so that it decays inside it): real SGP4 numbers,
    a failed satellite, a leap second."""
    (iss,) = parse_tle(_fix_checksums(ALPHA5_TLE))
    debris = {c.elements.catalogue_number: c.elements for c in read_tle_verification()}[29141]
    start_time = Time.from_utc_iso(start)
    debris = dataclasses.replace(debris, epoch=start_time - 421 * 60.0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return propagate_catalogue([iss, debris], start_time, duration_s, step_s, frame)


@pytest.mark.parametrize("frame", ["teme", "itrs", "geodetic"])
def test_csv_matches_the_python_reference_byte_for_byte(frame):
    result = _catalogue(frame)
    assert result.failures and result.failures[0].catalogue_number == 29141
    text = format_ephemeris_csv(result)
    assert text == _reference_csv(result)
    lines = text.splitlines()
    assert lines[0] == csv_header(OutputFrame(frame))
    assert len(lines) == 1 + 2 * result.n_times


def test_csv_columns_alpha5_number_leap_second_and_failed_rows():
    text = format_ephemeris_csv(_catalogue("geodetic"))
    lines = text.splitlines()
    assert lines[0] == "satellite,time_utc,lat_deg,lon_deg,alt_km,status"
    assert format_ephemeris_csv(_catalogue("gcrs")).splitlines()[0] == \
        "satellite,time_utc,x_km,y_km,z_km,vx_km_s,vy_km_s,vz_km_s,status"
    # The satellite column is the catalogue number as an integer (Alpha-5 C3456 decoded).
    assert lines[1].startswith("123456,2016-12-31T23:58:00.000Z,")
    assert "123456,2016-12-31T23:59:60.000Z," in text  # the leap second is a row of its own
    assert "123456,2017-01-01T00:00:29.000Z," in text
    row = re.fullmatch(r"123456,\S+Z,(-?\d+\.\d{9}),(-?\d+\.\d{9}),(\d+\.\d{6}),OK", lines[1])
    assert row and 300.0 < float(row.group(3)) < 450.0  # ISS altitude in km
    decayed = [line for line in lines if line.startswith("29141,") and not line.endswith(",OK")]
    assert decayed and all(re.fullmatch(r"29141,\S+Z,,,,DECAYED", line) for line in decayed)


def test_fixed_point_numbers_agree_with_python_formatting():
    # Hand-picked edges: zero, a negative that rounds to zero (no '-0.000000'), carries into a new
    # integer digit, large and small magnitudes; NaN and infinity give empty fields.
    values = np.array([0.0, -0.0, 1e-7, -4e-7, 0.9999996, -9.9999996, 42164.169999, -384400.25, 3.0, np.nan, np.inf])
    rows = _fixed_point(values, 6)
    got = [bytes(row[row != 0]).decode() for row in rows]
    assert got == ["0.000000", "0.000000", "0.000000", "0.000000", "1.000000", "-10.000000", "42164.169999",
                   "-384400.250000", "3.000000", "", ""]
    # Random values at the magnitudes written (km to 45,000 with 6 decimals; degrees and km/s with 9):
    # the same text as '%.6f' / '%.9f' except where x * 10^d lands within its rounding error of a half
    # unit (the module docstring), and then within one unit of the last decimal.
    rng = np.random.default_rng(3)
    for decimals, limit in ((6, 45000.0), (9, 180.0), (9, 12.0)):
        values = rng.uniform(-limit, limit, 20000) * rng.choice([1.0, 1e-3, 1e-6], 20000)
        rows = _fixed_point(values, decimals)
        got = [bytes(row[row != 0]).decode() for row in rows]
        expected = [f"{x:.{decimals}f}" for x in values]
        differ = [(g, e) for g, e in zip(got, expected) if g != e and not (e.startswith("-") and float(e) == 0.0)]
        assert len(differ) <= 2, differ
        for g, e in differ:
            assert abs(float(g) - float(e)) <= 1.01 * 10.0 ** -decimals


def test_time_text_goes_to_microseconds_only_when_the_grid_needs_it():
    result = _catalogue("teme", start="2016-12-31T23:58:00.0005Z", duration_s=0.002, step_s=0.001)
    assert format_ephemeris_csv(result).splitlines()[1].startswith("123456,2016-12-31T23:58:00.000500Z,")


def test_path_text_stream_and_binary_stream_get_the_same_bytes(tmp_path):
    result = _catalogue("itrs")
    path = tmp_path / "catalogue.csv"
    write_ephemeris_csv(result, path)
    text_stream, binary_stream = io.TextIOWrapper(io.BytesIO(), encoding="ascii"), io.BytesIO()
    write_ephemeris_csv(result, text_stream)
    write_ephemeris_csv(result, binary_stream)
    assert path.read_bytes() == text_stream.buffer.getvalue() == binary_stream.getvalue()
    with pytest.raises(InvalidInputError, match="cannot write the file"):
        write_ephemeris_csv(result, tmp_path / "no such folder" / "x.csv")


def test_json_holds_the_times_once_and_null_for_failed_rows():
    result = _catalogue("itrs")
    data = json.loads(format_ephemeris_json(result))
    assert data["format"] == "cosmodrome-catalogue-ephemeris" and data["version"] == 1
    assert data["frame"] == "ITRS" and data["time_scale"] == "UTC"
    assert data["columns"] == ["x_km", "y_km", "z_km", "vx_km_s", "vy_km_s", "vz_km_s"]
    assert data["step_s"] == 30.0 and len(data["times_utc"]) == result.n_times
    assert data["times_utc"][4] == "2016-12-31T23:59:60.000Z"
    assert data["status_codes"]["6"] == "DECAYED"
    iss, debris = data["satellites"]
    assert (iss["satellite"], iss["name"], iss["international_designator"]) == (123456, "ISS (ZARYA)", "1998-067A")
    assert "status" not in iss
    states = np.array(iss["states"])
    np.testing.assert_allclose(states[:, :3], result.position_m[0] / 1e3, rtol=0, atol=0.5e-6)
    np.testing.assert_allclose(states[:, 3:], result.velocity_m_s[0] / 1e3, rtol=0, atol=0.5e-9)
    bad = [k for k, s in enumerate(debris["status"]) if s != 0]
    assert bad and all(debris["states"][k] is None for k in bad)
    assert all(debris["states"][k] is not None for k in range(result.n_times) if k not in bad)
    assert data["failures"] == [{"satellite": 29141, "status": "DECAYED",
                                 "first_time_utc": result.failures[0].first_time_utc}]


def test_json_geodetic_columns(tmp_path):
    result = _catalogue("geodetic")
    write_ephemeris_json(result, tmp_path / "g.json")
    data = json.loads((tmp_path / "g.json").read_text())
    assert data["columns"] == ["lat_deg", "lon_deg", "alt_km"]
    first = data["satellites"][0]["states"][0]
    assert first == pytest.approx([np.degrees(result.latitude_rad[0, 0]), np.degrees(result.longitude_rad[0, 0]),
                                   result.height_m[0, 0] / 1e3], abs=1e-6)


def test_oem_has_one_segment_per_satellite_and_reads_back():
    result = _catalogue("gcrs")
    buffer = io.BytesIO()
    write_ephemeris_oem(result, buffer, creation_date=Time.from_utc_iso("2027-01-01T00:00:00Z"))
    oem = parse_oem(buffer.getvalue().decode("ascii"), source="catalogue.oem")
    assert [s.object_name for s in oem.segments] == ["ISS (ZARYA)", "29141"]  # no name: the number
    assert [s.object_id for s in oem.segments] == ["1998-067A", "1985-108AA"]  # COSPAR IDs of the element sets
    assert {s.ref_frame for s in oem.segments} == {"GCRF"}
    iss, debris = oem.segments
    assert len(iss) == result.n_times
    # OEM prints 1 mm and 1 um/s (format_oem defaults): read back within half of that.
    np.testing.assert_allclose(iss.position_m, result.position_m[0], rtol=0, atol=0.5e-3 + 1e-9)
    np.testing.assert_allclose(iss.velocity_m_s, result.velocity_m_s[0], rtol=0, atol=0.5e-6 + 1e-12)
    ok = int(np.count_nonzero(result.status[1] == 0))
    assert len(debris) == ok < result.n_times
    assert any("epochs left out: status DECAYED" in c for c in debris.comments)


def test_oem_refuses_geodetic_and_empty_runs():
    with pytest.raises(InvalidInputError, match="an OEM holds Cartesian states"):
        catalogue_oem(_catalogue("geodetic"))
    result = _catalogue("teme")
    dead = dataclasses.replace(result, satellites=result.satellites[1:], status=np.full((1, result.n_times), 6, np.int8),
                               position_m=result.position_m[1:], velocity_m_s=result.velocity_m_s[1:])
    with pytest.raises(InvalidInputError, match="no satellite has a single state"):
        catalogue_oem(dead)


def test_a_hand_built_result_with_every_status_name():
    # Made-up numbers; each Status code once, so each name appears in the status column.
    codes = [int(s) for s in Status]
    times = Time.grid(Time.from_utc_iso("2027-06-01T00:00:00Z"), 60.0 * (len(codes) - 1), 60.0)
    status = np.array([codes], dtype=np.int8)
    position = np.where(status[..., None] == 0, 7.0e6, np.nan) * np.ones((1, len(codes), 3))
    result = CatalogueEphemeris(satellites=(SatelliteIdentity(7),), times=times, frame=OutputFrame.TEME,
                                status=status, position_m=position, velocity_m_s=position / 1e3)
    text = format_ephemeris_csv(result)
    assert text == _reference_csv(result)
    assert [line.rsplit(",", 1)[1] for line in text.splitlines()[1:]] == [s.name for s in Status]
    assert text.splitlines()[1] == "7,2027-06-01T00:00:00.000Z,7000.000000,7000.000000,7000.000000,7.000000000," \
                                   "7.000000000,7.000000000,OK"
