"""CCSDS Orbit Data Messages in KVN: ephemerides (OEM, versions 2.0 and 3.0) and parameters (OPM).

Source: CCSDS 502.0-B-2 (2009) and 502.0-B-3 (2023), "Orbit Data Messages". An OEM is::

    CCSDS_OEM_VERS = 2.0                     header: version, CREATION_DATE, ORIGINATOR,
    CREATION_DATE = 2027-06-01T03:00:00      and MESSAGE_ID (optional, version 3.0 only)
    ORIGINATOR = COSMODROME
    META_START                               one metadata block per segment
    OBJECT_NAME = ...   OBJECT_ID = ...   CENTER_NAME = EARTH   REF_FRAME = GCRF
    TIME_SYSTEM = UTC   START_TIME = ...  [USEABLE_START_TIME, USEABLE_STOP_TIME]  STOP_TIME = ...
    [INTERPOLATION = HERMITE   INTERPOLATION_DEGREE = 7]
    META_STOP
    2027-06-01T03:00:00.000000 x y z vx vy vz [ax ay az]     km, km/s (km/s^2)

with COMMENT lines allowed after the version line, at the start of a metadata block and at the
start of the data. Files carry km and km/s; records carry m and m/s (converted here, once). Times
are UTC (``TIME_SYSTEM = UTC``; other time systems are refused rather than misread). Covariance
blocks are skipped with a warning. Round trips are exact to the printed decimals, which the writers
take as arguments.

REF_FRAME is kept as the file's text; ``ccsds_frame_name``/``frame_of_ccsds_name`` translate to
and from ``cosmodrome.frames.Frame`` (GCRF = GCRS, EME2000, TEME, ITRF* = ITRS).
"""

from __future__ import annotations

import datetime as _dt
import math
import os
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from ..errors import InvalidInputError
from ..frames import Frame
from ..time import Time
from .tle import _read_text

OEM_VERSIONS = ("1.0", "2.0", "3.0")
OPM_VERSIONS = ("1.0", "2.0", "3.0")

_CCSDS_FRAME_NAMES = {Frame.GCRS: "GCRF", Frame.EME2000: "EME2000", Frame.TEME: "TEME", Frame.ITRS: "ITRF"}

_EPOCH_RE = re.compile(
    r"([0-9]{4})-(?:([0-9]{2})-([0-9]{2})|([0-9]{3}))T([0-9]{2}):([0-9]{2}):([0-9]{2}(?:\.[0-9]*)?)Z?",
    re.ASCII)
_NUMBER_RE = re.compile(r"[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?", re.ASCII)
_DATA_RE = re.compile(r"\S+(?:\s+[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)+", re.ASCII)
_KEY_RE = re.compile(r"[A-Z][A-Z0-9_]*", re.ASCII)
_MAX_TEXT = 120


def ccsds_frame_name(frame: Frame) -> str:
    """The CCSDS REF_FRAME name of a Cosmodrome frame (GCRS is written GCRF; ITRS as ITRF)."""
    return _CCSDS_FRAME_NAMES[Frame(frame)]


def frame_of_ccsds_name(name: str) -> Frame | None:
    """The Cosmodrome frame of a CCSDS REF_FRAME name, or None when there is none (e.g. TOD, MCI)."""
    name = name.strip().upper()
    if name.startswith("ITRF"):
        return Frame.ITRS
    for frame, ccsds in _CCSDS_FRAME_NAMES.items():
        if ccsds == name:
            return frame
    return None


# --- records --------------------------------------------------------------------------------------
def _readonly(array: np.ndarray) -> np.ndarray:
    array = np.array(array, dtype=float)
    array.flags.writeable = False
    return array


def _check_token(value, what: str, source: str, *, optional: bool = False):
    if value is None and optional:
        return None
    if not isinstance(value, str) or not value.strip() or not value.isascii() or not value.isprintable():
        raise InvalidInputError(f"expected printable ASCII text, got {value!r}", source=source, field=what)
    return value.strip()


@dataclass(frozen=True, eq=False)
class OemSegment:
    """One OEM segment: metadata and a table of states (SI units inside).

    Attributes:
        object_name, object_id: as in the file (OBJECT_ID is usually the COSPAR ID).
        center_name: e.g. ``'EARTH'``.
        ref_frame: the CCSDS name, e.g. ``'GCRF'``, ``'EME2000'``, ``'TEME'``, ``'ITRF'``.
        time_system: ``'UTC'`` (the only one supported).
        times: (n,) ``Time``, strictly increasing.
        position_m, velocity_m_s: (n, 3) arrays in ``ref_frame``, m and m/s.
        interpolation, interpolation_degree: e.g. ``'HERMITE'``/``'LAGRANGE'`` and 7, or None.
        useable_start_time, useable_stop_time: optional ``Time``, inside [start, stop].
        start_time, stop_time: the segment span (default: first and last epoch).
        acceleration_m_s2: optional (n, 3) array (m/s^2).
        comments: COMMENT texts of the segment (metadata and data blocks).

    Raises:
        InvalidInputError: on shapes, non-finite values, times out of order or outside the span.
    """

    object_name: str
    object_id: str
    center_name: str
    ref_frame: str
    time_system: str
    times: Time
    position_m: np.ndarray
    velocity_m_s: np.ndarray
    interpolation: str | None = None
    interpolation_degree: int | None = None
    useable_start_time: Time | None = None
    useable_stop_time: Time | None = None
    start_time: Time | None = None
    stop_time: Time | None = None
    acceleration_m_s2: np.ndarray | None = None
    comments: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        source = "OEM segment"
        for name in ("object_name", "object_id", "center_name", "ref_frame", "time_system"):
            object.__setattr__(self, name, _check_token(getattr(self, name), name, source))
        object.__setattr__(self, "interpolation",
                           _check_token(self.interpolation, "interpolation", source, optional=True))
        if self.time_system.upper() != "UTC":
            raise InvalidInputError(f"expected UTC, got {self.time_system!r}", source=source, field="time_system")
        if not isinstance(self.times, Time) or len(self.times.shape) != 1 or len(self.times) < 1:
            raise InvalidInputError(f"expected a 1-D Time with at least one epoch, got {self.times!r}",
                                    source=source, field="times")
        n = len(self.times)
        names = ["position_m", "velocity_m_s"] + (["acceleration_m_s2"] if self.acceleration_m_s2 is not None else [])
        for name in names:
            try:
                array = _readonly(getattr(self, name))
            except (TypeError, ValueError):
                raise InvalidInputError(f"expected an array of numbers of shape ({n}, 3)",
                                        source=source, field=name) from None
            if array.shape != (n, 3):
                raise InvalidInputError(f"expected shape ({n}, 3), got {array.shape}", source=source, field=name)
            if not np.all(np.isfinite(array)):
                row = int(np.argwhere(~np.isfinite(array))[0][0])
                raise InvalidInputError(f"expected finite values, got {array[row].tolist()} in row {row}",
                                        source=source, field=name)
            object.__setattr__(self, name, array)
        steps = np.asarray(self.times[1:] - self.times[:-1], dtype=float) if n > 1 else np.zeros(0)
        if np.any(~(steps > 0.0)):
            row = int(np.argwhere(~(steps > 0.0))[0][0]) + 1
            raise InvalidInputError(
                f"expected strictly increasing epochs, got {self.times[row].utc_iso(6)} after "
                f"{self.times[row - 1].utc_iso(6)} (row {row})", source=source, field="times")
        if self.interpolation_degree is not None:
            degree = self.interpolation_degree
            if isinstance(degree, bool) or not isinstance(degree, (int, np.integer)) or degree < 1:
                raise InvalidInputError(f"expected a positive integer, got {degree!r}", source=source,
                                        field="interpolation_degree")
            object.__setattr__(self, "interpolation_degree", int(degree))
        start = self.start_time if self.start_time is not None else self.times[0]
        stop = self.stop_time if self.stop_time is not None else self.times[-1]
        for name, value in (("start_time", start), ("stop_time", stop),
                            ("useable_start_time", self.useable_start_time),
                            ("useable_stop_time", self.useable_stop_time)):
            if value is not None and (not isinstance(value, Time) or value.shape != ()):
                raise InvalidInputError(f"expected a single Time, got {value!r}", source=source, field=name)
        object.__setattr__(self, "start_time", start)
        object.__setattr__(self, "stop_time", stop)
        tolerance_s = 1e-9  # the two-part Julian date's own resolution is ~1e-11 s
        if self.times[0] - start < -tolerance_s or stop - self.times[-1] < -tolerance_s:
            raise InvalidInputError(
                f"expected every epoch within START_TIME {start.utc_iso(6)} and STOP_TIME "
                f"{stop.utc_iso(6)}, got epochs from {self.times[0].utc_iso(6)} to {self.times[-1].utc_iso(6)}",
                source=source, field="times")
        for name in ("useable_start_time", "useable_stop_time"):
            value = getattr(self, name)
            if value is not None and (value - start < -tolerance_s or stop - value < -tolerance_s):
                raise InvalidInputError(f"expected a time within START_TIME and STOP_TIME, got {value.utc_iso(6)}",
                                        source=source, field=name)
        if (self.useable_start_time is not None and self.useable_stop_time is not None
                and self.useable_stop_time - self.useable_start_time < 0):
            raise InvalidInputError("expected USEABLE_START_TIME before USEABLE_STOP_TIME", source=source,
                                    field="useable_stop_time")
        object.__setattr__(self, "comments", tuple(str(c) for c in self.comments))

    @property
    def frame(self) -> Frame | None:
        """``ref_frame`` as a Cosmodrome ``Frame`` (None when it has no equivalent)."""
        return frame_of_ccsds_name(self.ref_frame)

    def __len__(self) -> int:
        return len(self.times)


@dataclass(frozen=True, eq=False)
class OemFile:
    """A whole OEM: header fields and one or more segments."""

    segments: tuple[OemSegment, ...]
    originator: str = "COSMODROME"
    creation_date: Time | None = None  # None: the writer puts the time of writing
    version: str = "2.0"
    message_id: str | None = None
    comments: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        segments = tuple(self.segments)
        if not segments or not all(isinstance(s, OemSegment) for s in segments):
            raise InvalidInputError("expected one or more OemSegment", source="OEM", field="segments")
        object.__setattr__(self, "segments", segments)
        if self.version not in OEM_VERSIONS:
            raise InvalidInputError(f"expected one of {', '.join(OEM_VERSIONS)}, got {self.version!r}",
                                    source="OEM", field="CCSDS_OEM_VERS")
        object.__setattr__(self, "originator", _check_token(self.originator, "ORIGINATOR", "OEM"))
        object.__setattr__(self, "message_id", _check_token(self.message_id, "MESSAGE_ID", "OEM", optional=True))
        if self.creation_date is not None and (not isinstance(self.creation_date, Time)
                                               or self.creation_date.shape != ()):
            raise InvalidInputError(f"expected a single Time, got {self.creation_date!r}", source="OEM",
                                    field="CREATION_DATE")
        object.__setattr__(self, "comments", tuple(str(c) for c in self.comments))


@dataclass(frozen=True)
class OpmKeplerian:
    """Osculating Keplerian elements of an OPM (give exactly one of the two anomalies)."""

    semi_major_axis_m: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    argument_of_pericenter_deg: float
    gm_m3_s2: float
    true_anomaly_deg: float | None = None
    mean_anomaly_deg: float | None = None

    def __post_init__(self):
        for name in ("semi_major_axis_m", "eccentricity", "inclination_deg", "raan_deg",
                     "argument_of_pericenter_deg", "gm_m3_s2", "true_anomaly_deg", "mean_anomaly_deg"):
            value = getattr(self, name)
            if value is None and name.endswith("anomaly_deg"):
                continue
            if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                    or not math.isfinite(float(value)):
                raise InvalidInputError(f"expected a finite number, got {value!r}", source="OPM", field=name)
            object.__setattr__(self, name, float(value))
        if (self.true_anomaly_deg is None) == (self.mean_anomaly_deg is None):
            raise InvalidInputError("expected exactly one of true_anomaly_deg and mean_anomaly_deg",
                                    source="OPM", field="true_anomaly_deg")
        if not self.eccentricity >= 0.0:
            raise InvalidInputError(f"expected eccentricity >= 0, got {self.eccentricity}", source="OPM",
                                    field="eccentricity")
        if not 0.0 <= self.inclination_deg <= 180.0:
            raise InvalidInputError(f"expected 0 to 180 deg, got {self.inclination_deg}", source="OPM",
                                    field="inclination_deg")
        if not self.gm_m3_s2 > 0.0:
            raise InvalidInputError(f"expected a positive GM, got {self.gm_m3_s2}", source="OPM", field="gm_m3_s2")


@dataclass(frozen=True, eq=False)
class OpmFile:
    """An OPM: one state vector at an epoch (SI inside), optional Keplerian elements and spacecraft data."""

    object_name: str
    object_id: str
    epoch: Time
    position_m: np.ndarray
    velocity_m_s: np.ndarray
    center_name: str = "EARTH"
    ref_frame: str = "GCRF"
    time_system: str = "UTC"
    keplerian: OpmKeplerian | None = None
    mass_kg: float | None = None
    solar_rad_area_m2: float | None = None
    solar_rad_coeff: float | None = None
    drag_area_m2: float | None = None
    drag_coeff: float | None = None
    originator: str = "COSMODROME"
    creation_date: Time | None = None
    version: str = "2.0"
    message_id: str | None = None
    comments: tuple[str, ...] = field(default_factory=tuple)

    def __post_init__(self):
        source = "OPM"
        for name in ("object_name", "object_id", "center_name", "ref_frame", "time_system", "originator"):
            object.__setattr__(self, name, _check_token(getattr(self, name), name, source))
        object.__setattr__(self, "message_id", _check_token(self.message_id, "MESSAGE_ID", source, optional=True))
        if self.time_system.upper() != "UTC":
            raise InvalidInputError(f"expected UTC, got {self.time_system!r}", source=source, field="time_system")
        if self.version not in OPM_VERSIONS:
            raise InvalidInputError(f"expected one of {', '.join(OPM_VERSIONS)}, got {self.version!r}",
                                    source=source, field="CCSDS_OPM_VERS")
        for name in ("epoch", "creation_date"):
            value = getattr(self, name)
            if (value is not None or name == "epoch") and (not isinstance(value, Time) or value.shape != ()):
                raise InvalidInputError(f"expected a single Time, got {value!r}", source=source, field=name)
        for name in ("position_m", "velocity_m_s"):
            try:
                array = _readonly(getattr(self, name))
            except (TypeError, ValueError):
                raise InvalidInputError("expected 3 numbers", source=source, field=name) from None
            if array.shape != (3,) or not np.all(np.isfinite(array)):
                raise InvalidInputError(f"expected 3 finite numbers, got {array.tolist()}", source=source, field=name)
            object.__setattr__(self, name, array)
        for name in ("mass_kg", "solar_rad_area_m2", "solar_rad_coeff", "drag_area_m2", "drag_coeff"):
            value = getattr(self, name)
            if value is not None:
                if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)) \
                        or not math.isfinite(float(value)) or float(value) < 0.0:
                    raise InvalidInputError(f"expected a non-negative number, got {value!r}", source=source, field=name)
                object.__setattr__(self, name, float(value))
        if self.keplerian is not None and not isinstance(self.keplerian, OpmKeplerian):
            raise InvalidInputError("expected OpmKeplerian or None", source=source, field="keplerian")
        object.__setattr__(self, "comments", tuple(str(c) for c in self.comments))


# --- KVN lines ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Line:
    number: int
    kind: str  # "kv", "comment", "block", "data"
    key: str
    value: str
    unit: str | None
    text: str


def _kvn_lines(text: str, source: str) -> list[_Line]:
    if not isinstance(text, str):
        raise InvalidInputError(f"expected text, got {type(text).__name__}", source=source)
    lines = []
    for number, raw in enumerate(text.removeprefix("\ufeff").split("\n"), start=1):
        line = raw.strip()
        if not line:
            continue
        plain = raw.replace("\t", " ").replace("\r", " ")
        for column, char in ([] if plain.isascii() and plain.isprintable() else enumerate(raw, start=1)):
            if not (" " <= char <= "~" or char in "\t\r"):
                what = (f"byte 0x{ord(char) - 0xDC00:02X} (not UTF-8)" if 0xDC80 <= ord(char) <= 0xDCFF
                        else f"character {char!r} (U+{ord(char):04X})")
                raise InvalidInputError(f"line {number}, column {column}: expected plain ASCII (KVN), got {what}",
                                        source=source)
        if line == "COMMENT" or line.startswith(("COMMENT ", "COMMENT\t")):
            lines.append(_Line(number, "comment", "COMMENT", line[7:].strip(), None, line))
        elif line in ("META_START", "META_STOP", "COVARIANCE_START", "COVARIANCE_STOP"):
            lines.append(_Line(number, "block", line, "", None, line))
        elif "=" in line:
            key, value = (part.strip() for part in line.split("=", 1))
            if not _KEY_RE.fullmatch(key):
                raise InvalidInputError(f"line {number}: expected 'KEYWORD = value' with a keyword in capitals, "
                                        f"got {_clip(line)}", source=source)
            unit = None
            match = re.fullmatch(r"(.*?)\s*\[([^\]]*)\]", value)
            if match:
                value, unit = match.group(1), match.group(2).strip()
            lines.append(_Line(number, "kv", key, value, unit, line))
        else:
            lines.append(_Line(number, "data", "", line, None, line))
    return lines


def _clip(text: str) -> str:
    return repr(text if len(text) <= _MAX_TEXT else text[:_MAX_TEXT] + "...")


def _parse_epochs(texts: list[str], numbers: list[int], source: str, key: str) -> Time:
    """UTC epochs of CCSDS time texts (calendar or day-of-year form), one array."""
    fields = np.empty((len(texts), 6))
    for row, (text, number) in enumerate(zip(texts, numbers)):
        match = _EPOCH_RE.fullmatch(text)
        if not match:
            raise InvalidInputError(
                f"line {number}: expected a UTC time as YYYY-MM-DDThh:mm:ss[.fff] or YYYY-DDDThh:mm:ss[.fff], "
                f"got {_clip(text)}", source=source, field=key)
        year, month, day, doy, hour, minute, second = match.groups()
        year = int(year)
        if doy is not None:
            leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
            if not 1 <= int(doy) <= (366 if leap else 365) or year < 1:
                raise InvalidInputError(f"line {number}: day of year {doy} does not exist in {year}",
                                        source=source, field=key)
            date = _dt.date(year, 1, 1) + _dt.timedelta(days=int(doy) - 1)
            month, day = date.month, date.day
        fields[row] = (year, int(month), int(day), int(hour), int(minute), float(second))
    bad = ((fields[:, 0] < 1900) | (fields[:, 0] > 2200) | (fields[:, 1] < 1) | (fields[:, 1] > 12)
           | (fields[:, 2] < 1) | (fields[:, 2] > 31) | (fields[:, 3] > 23) | (fields[:, 4] > 59)
           | (fields[:, 5] >= 61.0))
    if np.any(bad):
        row = int(np.argmax(bad))
        raise InvalidInputError(f"line {numbers[row]}: expected a UTC date from 1900 to 2200 with hh < 24, "
                                f"mm < 60, ss < 61, got {_clip(texts[row])}", source=source, field=key)
    y, mo, d, h, mi = (fields[:, k].astype(int) for k in range(5))
    try:
        return Time.from_utc_calendar(y, mo, d, h, mi, fields[:, 5])
    except InvalidInputError:
        pass
    for row in range(len(texts)):  # find the row that failed, for the message
        try:
            Time.from_utc_calendar(int(y[row]), int(mo[row]), int(d[row]), int(h[row]), int(mi[row]), fields[row, 5])
        except InvalidInputError as error:
            raise InvalidInputError(f"line {numbers[row]}: {_clip(texts[row])} is not a UTC time: "
                                    f"{str(error).split(': ', 1)[-1]}", source=source, field=key) from None
    raise InvalidInputError(f"lines {numbers[0]}-{numbers[-1]}: invalid UTC times", source=source, field=key)


def _epoch(line: _Line, source: str) -> Time:
    return _parse_epochs([line.value], [line.number], source, line.key)[0]


def _number(line: _Line, source: str, unit: str | None = None) -> float:
    if not _NUMBER_RE.fullmatch(line.value):
        raise InvalidInputError(f"line {line.number}: expected a number, got {_clip(line.value)}",
                                source=source, field=line.key)
    value = float(line.value)
    if not math.isfinite(value):
        raise InvalidInputError(f"line {line.number}: expected a finite number, got {_clip(line.value)}",
                                source=source, field=line.key)
    if line.unit is not None and unit is not None and line.unit.lower() != unit.lower():
        raise InvalidInputError(f"line {line.number}: expected the unit [{unit}], got [{line.unit}]",
                                source=source, field=line.key)
    return value


def _text_value(line: _Line, source: str) -> str:
    if not line.value:
        raise InvalidInputError(f"line {line.number}: expected a value after '='", source=source, field=line.key)
    return line.value


def _time_text(time: Time, decimals: int) -> str:
    return time.utc_iso(decimals=decimals).removesuffix("Z")


def _creation_text(creation_date: Time | None) -> str:
    if creation_date is None:
        now = _dt.datetime.now(_dt.timezone.utc)
        creation_date = Time.from_utc_calendar(now.year, now.month, now.day, now.hour, now.minute,
                                               now.second + now.microsecond * 1e-6)
    return _time_text(creation_date, 6)


# --- OEM ------------------------------------------------------------------------------------------
_OEM_HEADER_REQUIRED = ("CCSDS_OEM_VERS", "CREATION_DATE", "ORIGINATOR")
_OEM_HEADER_KEYS = _OEM_HEADER_REQUIRED + ("MESSAGE_ID", "CLASSIFICATION")
_OEM_META_REQUIRED = ("OBJECT_NAME", "OBJECT_ID", "CENTER_NAME", "REF_FRAME", "TIME_SYSTEM",
                      "START_TIME", "STOP_TIME")
_OEM_META_KEYS = _OEM_META_REQUIRED + ("REF_FRAME_EPOCH", "USEABLE_START_TIME", "USEABLE_STOP_TIME",
                                       "INTERPOLATION", "INTERPOLATION_DEGREE")


def format_oem(oem: OemFile, *, time_decimals: int = 6, position_decimals: int = 6,
               velocity_decimals: int = 9) -> str:
    """OEM KVN text (version ``oem.version``): positions in km and velocities in km/s.

    Defaults print epochs to 1 microsecond, positions to 1 mm and velocities to 1 micrometre/s;
    reading the text back gives the states to within half of those.
    """
    out = [f"CCSDS_OEM_VERS = {oem.version}"]
    out += [f"COMMENT {c}" for c in oem.comments]
    out += [f"CREATION_DATE = {_creation_text(oem.creation_date)}", f"ORIGINATOR = {oem.originator}"]
    if oem.message_id is not None:
        if oem.version != "3.0":
            raise InvalidInputError(f"MESSAGE_ID exists only in OEM version 3.0, got version {oem.version}",
                                    source="OEM", field="MESSAGE_ID")
        out.append(f"MESSAGE_ID = {oem.message_id}")
    acceleration_decimals = velocity_decimals + 3
    for segment in oem.segments:
        out += ["", "META_START"]
        out += [f"OBJECT_NAME = {segment.object_name}", f"OBJECT_ID = {segment.object_id}",
                f"CENTER_NAME = {segment.center_name}", f"REF_FRAME = {segment.ref_frame}",
                f"TIME_SYSTEM = {segment.time_system}",
                f"START_TIME = {_time_text(segment.start_time, time_decimals)}"]
        if segment.useable_start_time is not None:
            out.append(f"USEABLE_START_TIME = {_time_text(segment.useable_start_time, time_decimals)}")
        if segment.useable_stop_time is not None:
            out.append(f"USEABLE_STOP_TIME = {_time_text(segment.useable_stop_time, time_decimals)}")
        out.append(f"STOP_TIME = {_time_text(segment.stop_time, time_decimals)}")
        if segment.interpolation is not None:
            out.append(f"INTERPOLATION = {segment.interpolation}")
        if segment.interpolation_degree is not None:
            out.append(f"INTERPOLATION_DEGREE = {segment.interpolation_degree}")
        out += ["META_STOP", ""]
        out += [f"COMMENT {c}" for c in segment.comments]
        epochs = np.atleast_1d(segment.times.utc_iso(decimals=time_decimals))
        position_km = segment.position_m / 1e3
        velocity_km_s = segment.velocity_m_s / 1e3
        columns = [f"%.{position_decimals}f"] * 3 + [f"%.{velocity_decimals}f"] * 3
        table = np.hstack([position_km, velocity_km_s])
        if segment.acceleration_m_s2 is not None:
            columns += [f"%.{acceleration_decimals}f"] * 3
            table = np.hstack([table, segment.acceleration_m_s2 / 1e3])
        row_format = "%s " + " ".join(columns)
        out += [row_format % (epoch.removesuffix("Z"), *values)
                for epoch, values in zip(epochs.tolist(), table.tolist())]
    return "\n".join(out) + "\n"


def write_oem(oem: OemFile, path: str | os.PathLike[str], **options) -> Path:
    """Write ``format_oem(oem, **options)`` to ``path`` and return the path."""
    path = Path(path)
    path.write_text(format_oem(oem, **options), encoding="ascii", newline="\n")
    return path


def read_oem(path: str | os.PathLike[str]) -> OemFile:
    """An OEM KVN file (see ``parse_oem``)."""
    text, source = _read_text(path)
    return parse_oem(text, source=source)


def parse_oem(text: str, *, source: str = "<oem>") -> OemFile:
    """An OEM from KVN text, versions 1.0-3.0; states converted to m and m/s.

    Raises:
        InvalidInputError: naming the line and key: a missing required header or metadata key, a
        bad value or unit, a data line that is not an epoch and six (or nine) numbers, epochs out of
        order or outside START_TIME/STOP_TIME, an unsupported TIME_SYSTEM.
    """
    lines = _kvn_lines(text, source)
    if not lines:
        raise InvalidInputError("empty file: expected an OEM starting with 'CCSDS_OEM_VERS = 2.0'",
                                source=source, field="CCSDS_OEM_VERS")
    first = lines[0]
    if first.kind != "kv" or first.key != "CCSDS_OEM_VERS":
        raise InvalidInputError(f"line {first.number}: missing required header key CCSDS_OEM_VERS: expected "
                                f"'CCSDS_OEM_VERS = 2.0' as the first line, got {_clip(first.text)}",
                                source=source, field="CCSDS_OEM_VERS")
    header: dict[str, _Line] = {}
    header_comments: list[str] = []
    index = 0
    while index < len(lines) and lines[index].kind in ("kv", "comment"):
        line = lines[index]
        if line.kind == "comment":
            header_comments.append(line.value)
        else:
            if line.key not in _OEM_HEADER_KEYS:
                raise InvalidInputError(f"line {line.number}: expected a header key ({', '.join(_OEM_HEADER_KEYS)}) "
                                        f"or META_START, got {line.key}", source=source, field=line.key)
            if line.key in header:
                raise InvalidInputError(f"line {line.number}: header key {line.key} given twice "
                                        f"(first on line {header[line.key].number})", source=source, field=line.key)
            header[line.key] = line
        index += 1
    header_end = lines[index].number if index < len(lines) else lines[-1].number
    for key in _OEM_HEADER_REQUIRED:
        if key not in header:
            raise InvalidInputError(
                f"line {header_end}: missing required header key {key}: the header (lines {first.number}-"
                f"{header_end}) must give {', '.join(_OEM_HEADER_REQUIRED)} before META_START",
                source=source, field=key)
    version = _text_value(header["CCSDS_OEM_VERS"], source)
    if version not in OEM_VERSIONS:
        raise InvalidInputError(f"line {header['CCSDS_OEM_VERS'].number}: expected version "
                                f"{' or '.join(OEM_VERSIONS)}, got {_clip(version)}", source=source,
                                field="CCSDS_OEM_VERS")
    creation = _epoch(header["CREATION_DATE"], source)
    originator = _text_value(header["ORIGINATOR"], source)
    message_id = _text_value(header["MESSAGE_ID"], source) if "MESSAGE_ID" in header else None
    if index >= len(lines):
        raise InvalidInputError(f"line {header_end}: expected META_START and a segment after the header, "
                                f"got the end of the file", source=source, field="META_START")
    segments = []
    while index < len(lines):
        segment, index = _oem_segment(lines, index, source)
        segments.append(segment)
    try:
        return OemFile(tuple(segments), originator=originator, creation_date=creation, version=version,
                       message_id=message_id, comments=tuple(header_comments))
    except InvalidInputError as error:
        raise InvalidInputError(f"header: {str(error).split(': ', 1)[-1]}", source=source, field=error.field) from None


def _oem_segment(lines: list[_Line], index: int, source: str) -> tuple[OemSegment, int]:
    start_line = lines[index]
    if start_line.kind != "block" or start_line.key != "META_START":
        raise InvalidInputError(f"line {start_line.number}: expected META_START, got {_clip(start_line.text)}",
                                source=source, field="META_START")
    index += 1
    meta: dict[str, _Line] = {}
    comments: list[str] = []
    while True:
        if index >= len(lines):
            raise InvalidInputError(f"line {start_line.number}: the metadata block opened here has no META_STOP",
                                    source=source, field="META_STOP")
        line = lines[index]
        index += 1
        if line.kind == "block" and line.key == "META_STOP":
            break
        if line.kind == "comment":
            comments.append(line.value)
            continue
        if line.kind != "kv":
            raise InvalidInputError(f"line {line.number}: expected 'KEYWORD = value' or META_STOP inside the "
                                    f"metadata block, got {_clip(line.text)}", source=source)
        if line.key not in _OEM_META_KEYS:
            raise InvalidInputError(f"line {line.number}: expected a metadata key ({', '.join(_OEM_META_KEYS)}), "
                                    f"got {line.key}", source=source, field=line.key)
        if line.key in meta:
            raise InvalidInputError(f"line {line.number}: metadata key {line.key} given twice", source=source,
                                    field=line.key)
        meta[line.key] = line
    stop_number = lines[index - 1].number
    for key in _OEM_META_REQUIRED:
        if key not in meta:
            raise InvalidInputError(
                f"line {stop_number}: missing required metadata key {key} in the block of lines "
                f"{start_line.number}-{stop_number} (required: {', '.join(_OEM_META_REQUIRED)})",
                source=source, field=key)
    time_system = _text_value(meta["TIME_SYSTEM"], source)
    if time_system.upper() != "UTC":
        raise InvalidInputError(f"line {meta['TIME_SYSTEM'].number}: expected UTC (the only time system "
                                f"supported), got {_clip(time_system)}", source=source, field="TIME_SYSTEM")
    # data block: comments first, then state lines, optional covariance
    epochs, numbers, rows = [], [], []
    width = None
    while index < len(lines):
        line = lines[index]
        if line.kind == "block" and line.key == "META_START":
            break
        index += 1
        if line.kind == "comment":
            if rows:
                raise InvalidInputError(f"line {line.number}: COMMENT lines belong before the first data line "
                                        f"of a segment", source=source, field="COMMENT")
            comments.append(line.value)
            continue
        if line.kind == "block" and line.key == "COVARIANCE_START":
            while index < len(lines) and not (lines[index].kind == "block" and lines[index].key == "COVARIANCE_STOP"):
                index += 1
            if index >= len(lines):
                raise InvalidInputError(f"line {line.number}: COVARIANCE_START without COVARIANCE_STOP",
                                        source=source, field="COVARIANCE_STOP")
            index += 1
            warnings.warn(f"{source}: covariance block at line {line.number} skipped (not kept by Cosmodrome)",
                          stacklevel=3)
            continue
        if line.kind != "data":
            raise InvalidInputError(f"line {line.number}: expected a data line 'epoch x y z vx vy vz' (km, km/s), "
                                    f"got {_clip(line.text)}", source=source)
        words = line.value.split()
        if len(words) not in (7, 10) or (width is not None and len(words) != width):
            expected = "7 values (epoch x y z vx vy vz)" if width in (None, 7) else "10 values (with ax ay az)"
            if width is None:
                expected = "7 values (epoch x y z vx vy vz) or 10 (with ax ay az)"
            raise InvalidInputError(f"line {line.number}: expected {expected}, got {len(words)}: {_clip(line.text)}",
                                    source=source)
        width = len(words)
        if not _DATA_RE.fullmatch(line.value):  # one match per line; find the culprit only on failure
            word = next(w for w in words[1:] if not _NUMBER_RE.fullmatch(w))
            raise InvalidInputError(f"line {line.number}: expected numbers after the epoch, got {_clip(word)}",
                                    source=source)
        epochs.append(words[0])
        numbers.append(line.number)
        rows.append([float(w) for w in words[1:]])
    if not rows:
        raise InvalidInputError(f"line {stop_number}: the segment has no data lines after META_STOP",
                                source=source)
    table = np.array(rows, dtype=float)
    if not np.all(np.isfinite(table)):
        row = int(np.argwhere(~np.isfinite(table))[0][0])
        raise InvalidInputError(f"line {numbers[row]}: expected finite numbers", source=source)
    times = _parse_epochs(epochs, numbers, source, "epoch")
    degree = None
    if "INTERPOLATION_DEGREE" in meta:
        line = meta["INTERPOLATION_DEGREE"]
        if not re.fullmatch(r"[0-9]{1,3}", line.value, re.ASCII) or int(line.value) < 1:
            raise InvalidInputError(f"line {line.number}: expected a positive integer, got {_clip(line.value)}",
                                    source=source, field=line.key)
        degree = int(line.value)
    try:
        segment = OemSegment(
            object_name=_text_value(meta["OBJECT_NAME"], source),
            object_id=_text_value(meta["OBJECT_ID"], source),
            center_name=_text_value(meta["CENTER_NAME"], source),
            ref_frame=_text_value(meta["REF_FRAME"], source),
            time_system=time_system,
            times=times,
            position_m=table[:, 0:3] * 1e3,
            velocity_m_s=table[:, 3:6] * 1e3,
            interpolation=_text_value(meta["INTERPOLATION"], source) if "INTERPOLATION" in meta else None,
            interpolation_degree=degree,
            useable_start_time=_epoch(meta["USEABLE_START_TIME"], source) if "USEABLE_START_TIME" in meta else None,
            useable_stop_time=_epoch(meta["USEABLE_STOP_TIME"], source) if "USEABLE_STOP_TIME" in meta else None,
            start_time=_epoch(meta["START_TIME"], source),
            stop_time=_epoch(meta["STOP_TIME"], source),
            acceleration_m_s2=table[:, 6:9] * 1e3 if width == 10 else None,
            comments=tuple(comments),
        )
    except InvalidInputError as error:
        raise InvalidInputError(f"segment starting on line {start_line.number}: {str(error).split(': ', 1)[-1]}",
                                source=source, field=error.field) from None
    return segment, index


# --- OPM ------------------------------------------------------------------------------------------
_OPM_STATE = (("X", "km"), ("Y", "km"), ("Z", "km"), ("X_DOT", "km/s"), ("Y_DOT", "km/s"), ("Z_DOT", "km/s"))
_OPM_REQUIRED = ("CCSDS_OPM_VERS", "CREATION_DATE", "ORIGINATOR", "OBJECT_NAME", "OBJECT_ID", "CENTER_NAME",
                 "REF_FRAME", "TIME_SYSTEM", "EPOCH") + tuple(key for key, _ in _OPM_STATE)
_OPM_KEPLER = (("SEMI_MAJOR_AXIS", "km"), ("ECCENTRICITY", None), ("INCLINATION", "deg"),
               ("RA_OF_ASC_NODE", "deg"), ("ARG_OF_PERICENTER", "deg"), ("TRUE_ANOMALY", "deg"),
               ("MEAN_ANOMALY", "deg"), ("GM", "km**3/s**2"))
_OPM_SPACECRAFT = (("MASS", "kg", "mass_kg"), ("SOLAR_RAD_AREA", "m**2", "solar_rad_area_m2"),
                   ("SOLAR_RAD_COEFF", None, "solar_rad_coeff"), ("DRAG_AREA", "m**2", "drag_area_m2"),
                   ("DRAG_COEFF", None, "drag_coeff"))


def format_opm(opm: OpmFile) -> str:
    """OPM KVN text: state vector in km and km/s (full double precision), optional elements and spacecraft data."""
    def num(value: float) -> str:
        return repr(float(value))

    out = [f"CCSDS_OPM_VERS = {opm.version}"]
    out += [f"COMMENT {c}" for c in opm.comments]
    out += [f"CREATION_DATE = {_creation_text(opm.creation_date)}", f"ORIGINATOR = {opm.originator}"]
    if opm.message_id is not None:
        out.append(f"MESSAGE_ID = {opm.message_id}")
    out += ["", f"OBJECT_NAME = {opm.object_name}", f"OBJECT_ID = {opm.object_id}",
            f"CENTER_NAME = {opm.center_name}", f"REF_FRAME = {opm.ref_frame}", f"TIME_SYSTEM = {opm.time_system}",
            "", "COMMENT State vector", f"EPOCH = {_time_text(opm.epoch, 6)}"]
    state = list(opm.position_m / 1e3) + list(opm.velocity_m_s / 1e3)
    out += [f"{key} = {num(value)} [{unit}]" for (key, unit), value in zip(_OPM_STATE, state)]
    if opm.keplerian is not None:
        k = opm.keplerian
        out += ["", "COMMENT Osculating Keplerian elements",
                f"SEMI_MAJOR_AXIS = {num(k.semi_major_axis_m / 1e3)} [km]",
                f"ECCENTRICITY = {num(k.eccentricity)}",
                f"INCLINATION = {num(k.inclination_deg)} [deg]",
                f"RA_OF_ASC_NODE = {num(k.raan_deg)} [deg]",
                f"ARG_OF_PERICENTER = {num(k.argument_of_pericenter_deg)} [deg]"]
        if k.true_anomaly_deg is not None:
            out.append(f"TRUE_ANOMALY = {num(k.true_anomaly_deg)} [deg]")
        else:
            out.append(f"MEAN_ANOMALY = {num(k.mean_anomaly_deg)} [deg]")
        out.append(f"GM = {num(k.gm_m3_s2 / 1e9)} [km**3/s**2]")
    spacecraft = [(key, unit, getattr(opm, name)) for key, unit, name in _OPM_SPACECRAFT
                  if getattr(opm, name) is not None]
    if spacecraft:
        out += ["", "COMMENT Spacecraft parameters"]
        out += [f"{key} = {num(value)}" + (f" [{unit}]" if unit else "") for key, unit, value in spacecraft]
    return "\n".join(out) + "\n"


def write_opm(opm: OpmFile, path: str | os.PathLike[str]) -> Path:
    """Write ``format_opm(opm)`` to ``path`` and return the path."""
    path = Path(path)
    path.write_text(format_opm(opm), encoding="ascii", newline="\n")
    return path


def read_opm(path: str | os.PathLike[str]) -> OpmFile:
    """An OPM KVN file (see ``parse_opm``)."""
    text, source = _read_text(path)
    return parse_opm(text, source=source)


def parse_opm(text: str, *, source: str = "<opm>") -> OpmFile:
    """An OPM from KVN text: header, metadata, state vector, optional Keplerian elements and spacecraft data.

    Maneuvers and covariance are not read (refused, with the line named).
    """
    lines = _kvn_lines(text, source)
    if not lines or lines[0].kind != "kv" or lines[0].key != "CCSDS_OPM_VERS":
        got = _clip(lines[0].text) if lines else "an empty file"
        raise InvalidInputError(f"line {lines[0].number if lines else 1}: missing required header key "
                                f"CCSDS_OPM_VERS: expected 'CCSDS_OPM_VERS = 2.0' first, got {got}",
                                source=source, field="CCSDS_OPM_VERS")
    known = set(_OPM_REQUIRED) | {key for key, _ in _OPM_KEPLER} | {key for key, _, _ in _OPM_SPACECRAFT} | {
        "MESSAGE_ID", "REF_FRAME_EPOCH", "CLASSIFICATION"}
    values: dict[str, _Line] = {}
    comments = []
    for line in lines:
        if line.kind == "comment":
            comments.append(line.value)
            continue
        if line.kind != "kv" or line.key not in known:
            raise InvalidInputError(f"line {line.number}: expected an OPM keyword (header, metadata, state vector, "
                                    f"Keplerian elements or spacecraft parameters), got {_clip(line.text)}",
                                    source=source, field=line.key or None)
        if line.key in values:
            raise InvalidInputError(f"line {line.number}: key {line.key} given twice", source=source, field=line.key)
        values[line.key] = line
    last = lines[-1].number
    for key in _OPM_REQUIRED:
        if key not in values:
            raise InvalidInputError(f"line {last}: missing required key {key} (required: {', '.join(_OPM_REQUIRED)})",
                                    source=source, field=key)
    keplerian = None
    kepler_given = [key for key, _ in _OPM_KEPLER if key in values]
    if kepler_given:
        needed = [key for key, _ in _OPM_KEPLER if key not in ("TRUE_ANOMALY", "MEAN_ANOMALY") and key not in values]
        if needed or ("TRUE_ANOMALY" in values) == ("MEAN_ANOMALY" in values):
            missing = needed[0] if needed else "TRUE_ANOMALY"
            raise InvalidInputError(f"line {values[kepler_given[0]].number}: incomplete Keplerian elements: missing "
                                    f"{missing} (give all six elements, one anomaly, and GM)", source=source,
                                    field=missing)
        units = dict(_OPM_KEPLER)
        k = {key: _number(values[key], source, units[key]) for key in kepler_given}
        keplerian = OpmKeplerian(
            semi_major_axis_m=k["SEMI_MAJOR_AXIS"] * 1e3, eccentricity=k["ECCENTRICITY"],
            inclination_deg=k["INCLINATION"], raan_deg=k["RA_OF_ASC_NODE"],
            argument_of_pericenter_deg=k["ARG_OF_PERICENTER"], gm_m3_s2=k["GM"] * 1e9,
            true_anomaly_deg=k.get("TRUE_ANOMALY"), mean_anomaly_deg=k.get("MEAN_ANOMALY"))
    version = _text_value(values["CCSDS_OPM_VERS"], source)
    state = [_number(values[key], source, unit) * 1e3 for key, unit in _OPM_STATE]
    spacecraft = {name: _number(values[key], source, unit) for key, unit, name in _OPM_SPACECRAFT if key in values}
    try:
        return OpmFile(
            object_name=_text_value(values["OBJECT_NAME"], source),
            object_id=_text_value(values["OBJECT_ID"], source),
            epoch=_epoch(values["EPOCH"], source),
            position_m=np.array(state[:3]), velocity_m_s=np.array(state[3:]),
            center_name=_text_value(values["CENTER_NAME"], source),
            ref_frame=_text_value(values["REF_FRAME"], source),
            time_system=_text_value(values["TIME_SYSTEM"], source),
            keplerian=keplerian,
            originator=_text_value(values["ORIGINATOR"], source),
            creation_date=_epoch(values["CREATION_DATE"], source),
            version=version,
            message_id=_text_value(values["MESSAGE_ID"], source) if "MESSAGE_ID" in values else None,
            comments=tuple(comments),
            **spacecraft,
        )
    except InvalidInputError as error:
        line = values.get(str(error.field).upper())
        where = f"line {line.number}: " if line is not None else ""
        raise InvalidInputError(f"{where}{str(error).split(': ', 1)[-1]}", source=source, field=error.field) from None

