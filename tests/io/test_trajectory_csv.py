"""Trajectory CSV writer and reader: columns, human units, round trip, and error messages."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.io.trajectory_csv import (TRAJECTORY_CSV_COLUMNS, read_trajectory_csv,
                                          write_trajectory_csv)

EXPECTED_HEADER = (
    "time_s,altitude_km,latitude_deg,longitude_deg,downrange_km,inertial_speed_m_s,"
    "relative_speed_m_s,flight_path_angle_deg,dynamic_pressure_kPa,mach,acceleration_g,pitch_deg,"
    "throttle,mass_kg,stage_index,x_m,y_m,z_m,vx_m_s,vy_m_s,vz_m_s"
)


def test_header_is_one_row_with_unit_suffixes(tmp_path, trajectory):
    path = write_trajectory_csv(trajectory, tmp_path / "ascent.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[0] == EXPECTED_HEADER
    assert ",".join(TRAJECTORY_CSV_COLUMNS) == EXPECTED_HEADER
    assert len(lines) == 1 + len(trajectory)


def test_round_trip_in_human_units(tmp_path, trajectory):
    # Tolerances: the writer keeps 6 decimals (mm in km, micro-units elsewhere) and 4 decimals in
    # metres for positions, so each column must come back within half its last printed digit.
    path = write_trajectory_csv(trajectory, tmp_path / "ascent.csv")
    table = read_trajectory_csv(path)
    assert set(table) == set(TRAJECTORY_CSV_COLUMNS)
    expected = {
        "time_s": (trajectory.time_s, 1e-6),
        "altitude_km": (trajectory.altitude_m / 1e3, 1e-6),
        "latitude_deg": (trajectory.latitude_deg, 1e-8),
        "longitude_deg": (trajectory.longitude_deg, 1e-8),
        "downrange_km": (trajectory.downrange_m / 1e3, 1e-6),
        "inertial_speed_m_s": (trajectory.inertial_speed_m_s, 1e-6),
        "relative_speed_m_s": (trajectory.relative_speed_m_s, 1e-6),
        "flight_path_angle_deg": (trajectory.flight_path_angle_deg, 1e-6),
        "dynamic_pressure_kPa": (trajectory.dynamic_pressure_pa / 1e3, 1e-6),
        "acceleration_g": (trajectory.acceleration_m_s2 / 9.80665, 1e-6),
        "pitch_deg": (trajectory.pitch_deg, 1e-6),
        "throttle": (trajectory.throttle, 1e-6),
        "mass_kg": (trajectory.mass_kg, 1e-4),
        "x_m": (trajectory.position_m[:, 0], 1e-4),
        "y_m": (trajectory.position_m[:, 1], 1e-4),
        "z_m": (trajectory.position_m[:, 2], 1e-4),
        "vx_m_s": (trajectory.velocity_m_s[:, 0], 1e-6),
        "vy_m_s": (trajectory.velocity_m_s[:, 1], 1e-6),
        "vz_m_s": (trajectory.velocity_m_s[:, 2], 1e-6),
    }
    for name, (values, tolerance) in expected.items():
        np.testing.assert_allclose(table[name], values, rtol=0, atol=tolerance, err_msg=name)


def test_acceleration_is_written_in_standard_g(tmp_path, trajectory):
    table = read_trajectory_csv(write_trajectory_csv(trajectory, tmp_path / "a.csv"))
    assert table["acceleration_g"][0] == pytest.approx(1.3, abs=1e-6)


def test_nan_mach_survives_round_trip(tmp_path, trajectory):
    table = read_trajectory_csv(write_trajectory_csv(trajectory, tmp_path / "a.csv"))
    np.testing.assert_array_equal(np.isnan(table["mach"]), np.isnan(trajectory.mach))
    finite = ~np.isnan(trajectory.mach)
    np.testing.assert_allclose(table["mach"][finite], trajectory.mach[finite], atol=1e-6)


def test_stage_index_reads_back_as_integers(tmp_path, trajectory):
    table = read_trajectory_csv(write_trajectory_csv(trajectory, tmp_path / "a.csv"))
    assert table["stage_index"].dtype.kind == "i"
    np.testing.assert_array_equal(table["stage_index"], trajectory.stage_index)


def test_writer_rejects_arrays_of_different_lengths(tmp_path, trajectory):
    short = dataclasses.replace(trajectory, mass_kg=trajectory.mass_kg[:-1])
    with pytest.raises(InvalidInputError, match=r"field mass_kg: expected an array of shape \(51,\)"):
        write_trajectory_csv(short, tmp_path / "a.csv")


def test_reader_names_missing_columns(tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("time_s,altitude_km\n0,0\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="line 1: header lacks column\\(s\\) latitude_deg"):
        read_trajectory_csv(path)


def test_reader_names_line_and_column_of_a_bad_number(tmp_path, trajectory):
    path = write_trajectory_csv(trajectory, tmp_path / "a.csv")
    lines = path.read_text(encoding="utf-8").splitlines()
    fields = lines[3].split(",")
    fields[1] = "high"
    lines[3] = ",".join(fields)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InvalidInputError, match="field altitude_km: line 4: expected a number, got 'high'"):
        read_trajectory_csv(path)


def test_reader_reports_a_short_row(tmp_path, trajectory):
    path = write_trajectory_csv(trajectory, tmp_path / "a.csv")
    with path.open("a", encoding="utf-8") as stream:
        stream.write("1,2,3\n")
    with pytest.raises(InvalidInputError, match="line 53: expected 21 fields"):
        read_trajectory_csv(path)
