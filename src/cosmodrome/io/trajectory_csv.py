"""Ascent trajectory as a CSV table: one header row, one row per output sample.

Columns carry their unit as a suffix and use human units (km, deg, kPa, g); positions and
velocities are in the launch-inertial frame of ``cosmodrome.ascent.records`` and stay in m and
m/s. Acceleration in g is the sensed acceleration divided by standard gravity (9.80665 m/s^2).
The conversion from the SI record happens here, once, on the way out.
"""

from __future__ import annotations

import csv
import math
import os
from collections.abc import Callable
from pathlib import Path

import numpy as np

from ..ascent.records import Trajectory
from ..earth.constants import STANDARD_GRAVITY_M_S2
from ..errors import InvalidInputError

# (column, printf format, value from the record). Formats keep better than millimetre / micro-
# degree resolution so a written file can be read back for tests and other tools.
_Column = tuple[str, str, Callable[[Trajectory], np.ndarray]]
_COLUMNS: tuple[_Column, ...] = (
    ("time_s", "%.6f", lambda t: t.time_s),
    ("altitude_km", "%.6f", lambda t: t.altitude_m / 1e3),
    ("latitude_deg", "%.8f", lambda t: t.latitude_deg),
    ("longitude_deg", "%.8f", lambda t: t.longitude_deg),
    ("downrange_km", "%.6f", lambda t: t.downrange_m / 1e3),
    ("inertial_speed_m_s", "%.6f", lambda t: t.inertial_speed_m_s),
    ("relative_speed_m_s", "%.6f", lambda t: t.relative_speed_m_s),
    ("flight_path_angle_deg", "%.6f", lambda t: t.flight_path_angle_deg),
    ("dynamic_pressure_kPa", "%.6f", lambda t: t.dynamic_pressure_pa / 1e3),
    ("mach", "%.6f", lambda t: t.mach),
    ("acceleration_g", "%.6f", lambda t: t.acceleration_m_s2 / STANDARD_GRAVITY_M_S2),
    ("pitch_deg", "%.6f", lambda t: t.pitch_deg),
    ("throttle", "%.6f", lambda t: t.throttle),
    ("mass_kg", "%.4f", lambda t: t.mass_kg),
    ("stage_index", "%d", lambda t: t.stage_index),
    ("x_m", "%.4f", lambda t: t.position_m[:, 0]),
    ("y_m", "%.4f", lambda t: t.position_m[:, 1]),
    ("z_m", "%.4f", lambda t: t.position_m[:, 2]),
    ("vx_m_s", "%.6f", lambda t: t.velocity_m_s[:, 0]),
    ("vy_m_s", "%.6f", lambda t: t.velocity_m_s[:, 1]),
    ("vz_m_s", "%.6f", lambda t: t.velocity_m_s[:, 2]),
)

TRAJECTORY_CSV_COLUMNS: tuple[str, ...] = tuple(name for name, _, _ in _COLUMNS)
"""Column names, in file order."""

_INTEGER_COLUMNS = frozenset({"stage_index"})


def _check_shapes(trajectory: Trajectory) -> int:
    n = len(trajectory.time_s)
    for name in ("position_m", "velocity_m_s"):
        shape = np.shape(getattr(trajectory, name))
        if shape != (n, 3):
            raise InvalidInputError(f"expected an array of shape ({n}, 3), got {shape}",
                                    source="trajectory", field=name)
    for name in ("mass_kg", "altitude_m", "latitude_deg", "longitude_deg", "downrange_m",
                 "inertial_speed_m_s", "relative_speed_m_s", "flight_path_angle_deg",
                 "dynamic_pressure_pa", "mach", "acceleration_m_s2", "pitch_deg", "throttle",
                 "stage_index"):
        shape = np.shape(getattr(trajectory, name))
        if shape != (n,):
            raise InvalidInputError(f"expected an array of shape ({n},), got {shape}",
                                    source="trajectory", field=name)
    return n


def _format(fmt: str, value: float) -> str:
    # NaN (e.g. Mach where there is no air) is written as "nan", which float() reads back.
    if fmt == "%d":
        return "%d" % int(value)
    return "nan" if math.isnan(value) else fmt % value


def write_trajectory_csv(trajectory: Trajectory, path: str | os.PathLike[str]) -> Path:
    """Write ``trajectory`` to ``path`` as CSV (columns ``TRAJECTORY_CSV_COLUMNS``); return the path.

    Units: time_s from lift-off; altitude (geodetic, WGS-84) and downrange in km; latitude
    (geodetic) and longitude in deg; dynamic pressure in kPa; acceleration in g (sensed, divided
    by 9.80665 m/s^2); x/y/z in m and vx/vy/vz in m/s in the launch-inertial frame.
    Raises InvalidInputError if the trajectory's arrays do not all have the same length.
    """
    n = _check_shapes(trajectory)
    path = Path(path)
    values = [np.asarray(getter(trajectory)) for _, _, getter in _COLUMNS]
    formats = [fmt for _, fmt, _ in _COLUMNS]
    with path.open("w", newline="", encoding="utf-8") as stream:
        writer = csv.writer(stream, lineterminator="\n")
        writer.writerow(TRAJECTORY_CSV_COLUMNS)
        for row in range(n):
            writer.writerow([_format(fmt, float(column[row])) for fmt, column in zip(formats, values)])
    return path


def read_trajectory_csv(path: str | os.PathLike[str]) -> dict[str, np.ndarray]:
    """Read a file written by ``write_trajectory_csv`` into one array per column, in the file's units.

    Columns are keyed by their header name (``altitude_km``, ``x_m``, ...); ``stage_index`` is an
    integer array, every other column float. Columns beyond the standard ones are read too.
    Raises InvalidInputError naming the file, line and column when the header lacks a standard
    column, a row has the wrong number of fields, or a field is not a number.
    """
    path = Path(path)
    source = str(path)
    expected_layout = ",".join(TRAJECTORY_CSV_COLUMNS)
    with path.open("r", newline="", encoding="utf-8") as stream:
        reader = csv.reader(stream)
        header = next(reader, None)
        if header is None:
            raise InvalidInputError(f"empty file; expected a header row: {expected_layout}", source=source)
        header = [name.strip() for name in header]
        missing = [name for name in TRAJECTORY_CSV_COLUMNS if name not in header]
        if missing:
            raise InvalidInputError(
                f"line 1: header lacks column(s) {', '.join(missing)}; expected {expected_layout}",
                source=source)
        if len(set(header)) != len(header):
            raise InvalidInputError(f"line 1: header repeats a column name: {','.join(header)}",
                                    source=source)
        columns: list[list[float]] = [[] for _ in header]
        for line_number, row in enumerate(reader, start=2):
            if not row or all(not field.strip() for field in row):
                continue  # a trailing blank line is not an error
            if len(row) != len(header):
                raise InvalidInputError(
                    f"line {line_number}: expected {len(header)} fields ({expected_layout}), "
                    f"got {len(row)}", source=source)
            for index, (name, text) in enumerate(zip(header, row)):
                try:
                    columns[index].append(float(text))
                except ValueError:
                    raise InvalidInputError(f"line {line_number}: expected a number, got {text!r}",
                                            source=source, field=name) from None
    result: dict[str, np.ndarray] = {}
    for name, values in zip(header, columns):
        array = np.asarray(values, dtype=float)
        if name in _INTEGER_COLUMNS:
            if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
                raise InvalidInputError("expected whole numbers", source=source, field=name)
            array = array.astype(int)
        result[name] = array
    return result
