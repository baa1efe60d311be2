"""One time type for the whole package, with the leap-second and Earth-orientation tables it needs.

``Time`` holds an instant or an array of instants as a two-part Julian date in TAI
(``tai_jd1 + tai_jd2``), so that differences and offsets are exact SI seconds and the precision is
well under a microsecond over centuries. UTC, TT, TDB and UT1 are views computed on demand; the
scale is in every name that exposes a number.

Data shipped with the package (``cosmodrome/data/``; refresh with ``tools/refresh_time_data.py``):

- ``Leap_Second.dat``: the IERS table of TAI-UTC since 1972-01-01, verbatim, with its expiry date.
  UTC <-> TAI is computed on this table here (not on ERFA's built-in copy). A UTC time after the
  expiry, or before 1972, gives a ``DataRangeWarning`` and uses the nearest entry (37 s / 10 s).
- ``eop_finals2000A.csv``: daily UT1-UTC, polar motion, length of day and celestial pole offsets
  dX, dY reduced from IERS finals2000A (observed values since 1973-01-02 and about a year of
  predictions). Outside its range a ``DataRangeWarning`` is given and the values of the nearest end
  are held.

UTC Julian dates follow ERFA's quasi-JD convention: on a day that ends in a leap second the
fraction of the day is elapsed seconds / 86401, so 23:59:60.5 is a valid, distinct UTC time.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import sys
import warnings
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache
from importlib import resources

import erfa
import numpy as np

from .errors import InvalidInputError

SECONDS_PER_DAY = 86400.0
_TT_MINUS_TAI_S = 32.184
_MJD_ZERO_JD = 2400000.5
_PACKAGE_DIR = os.path.dirname(os.path.abspath(__file__))


class DataRangeWarning(UserWarning):
    """A bundled table (leap seconds, Earth orientation) does not cover a requested time.

    The computation goes on with a stated fallback value; the message names the table, its range
    and the fallback.
    """


class TimeScale(str, Enum):
    """Time scales a calendar date or ISO text can be given in."""

    UTC = "UTC"
    TAI = "TAI"
    TT = "TT"


def warn_data_range(message: str) -> None:
    """Warn with the location set to the first caller outside this package (where the user is)."""
    frame = sys._getframe(1)
    level = 2
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(_PACKAGE_DIR):
        frame = frame.f_back
        level += 1
    warnings.warn(message, DataRangeWarning, stacklevel=level)


def _mjd_to_iso_date(mjd: float) -> str:
    return (dt.date(1858, 11, 17) + dt.timedelta(days=int(math.floor(mjd)))).isoformat()


def _split_mjd(jd1, jd2):
    """(whole MJD day, fraction in [0, 1)) of a two-part Julian date, without losing precision."""
    a = np.asarray(jd1, dtype=float) - _MJD_ZERO_JD  # exact for the usual splits (Sterbenz)
    b = np.asarray(jd2, dtype=float)
    ai, bi = np.floor(a), np.floor(b)
    day = ai + bi
    frac = (a - ai) + (b - bi)
    carry = np.floor(frac)
    return day + carry, frac - carry


# --- leap seconds --------------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class LeapSecondTable:
    """TAI-UTC (s) from each listed UTC day (MJD, 0h UTC) on, and the date the table expires."""

    mjd_utc: np.ndarray
    tai_minus_utc_s: np.ndarray
    expires_mjd: float
    updated_through: str
    source: str

    def describe(self) -> str:
        return (f"leap-second table {self.source} (IERS; {_mjd_to_iso_date(self.mjd_utc[0])} to its expiry "
                f"{_mjd_to_iso_date(self.expires_mjd)})")

    def tai_minus_utc_s_on_day(self, mjd_day):
        """TAI-UTC (s) in force at 0h UTC of each MJD day (10 s before 1972, the last value after)."""
        idx = np.searchsorted(self.mjd_utc, np.floor(mjd_day), side="right") - 1
        return self.tai_minus_utc_s[np.clip(idx, 0, len(self.mjd_utc) - 1)]

    def _day_offsets(self, day, warn=True):
        """TAI-UTC at the start of each UTC day and the jump (s) at its end (+1 on a leap-second day)."""
        dat0 = self.tai_minus_utc_s_on_day(day)
        dleap = self.tai_minus_utc_s_on_day(day + 1.0) - dat0
        if warn:
            self._check_range(day)
        return dat0, dleap

    def _check_range(self, day) -> None:
        day = np.asarray(day)
        if day.size == 0:
            return
        if np.any(day > self.expires_mjd):
            warn_data_range(f"UTC time after {_mjd_to_iso_date(self.expires_mjd)}, when the {self.describe()} "
                  f"expires ({self.updated_through}): TAI-UTC is held at {self.tai_minus_utc_s[-1]:.0f} s; "
                  "a leap second announced later would move these UTC times by 1 s. "
                  "Refresh with tools/refresh_time_data.py.")
        if np.any(day < self.mjd_utc[0]):
            warn_data_range(f"UTC time before {_mjd_to_iso_date(self.mjd_utc[0])}, where the {self.describe()} "
                  f"starts: TAI-UTC is taken as {self.tai_minus_utc_s[0]:.0f} s (the real UTC of 1961-1971 "
                  "differed from TAI by 1.4 s to 10 s, with rate offsets not modelled here).")


_LEAP_ROW = re.compile(r"\s*(\d+(?:\.\d*)?)\s+(\d+)\s+(\d+)\s+(\d+)\s+(-?\d+(?:\.\d*)?)\s*")
_MONTHS = {m: k for k, m in enumerate(["january", "february", "march", "april", "may", "june", "july",
                                        "august", "september", "october", "november", "december"], 1)}


def parse_leap_second_file(text: str, source: str = "Leap_Second.dat") -> LeapSecondTable:
    """Read the IERS ``Leap_Second.dat`` format (MJD, day, month, year, TAI-UTC; '#' header lines).

    The header line ``File expires on DD Month YYYY`` gives the expiry. Raises InvalidInputError
    naming the line when a data row does not have that layout.
    """
    mjds, values = [], []
    expires = None
    updated = "update date unknown"
    for number, line in enumerate(text.splitlines(), start=1):
        if line.lstrip().startswith("#"):
            m = re.search(r"expires on\s+(\d+)\s+([A-Za-z]+)\s+(\d{4})", line)
            if m and m.group(2).lower() in _MONTHS:
                date = dt.date(int(m.group(3)), _MONTHS[m.group(2).lower()], int(m.group(1)))
                expires = float((date - dt.date(1858, 11, 17)).days)
            m = re.search(r"(Updated through .*\S)", line)
            if m:
                updated = m.group(1).replace("Updated through", "updated through")
            continue
        if not line.strip():
            continue
        m = _LEAP_ROW.fullmatch(line)
        if not m:
            raise InvalidInputError(f"line {number}: expected 'MJD day month year TAI-UTC' such as "
                                    f"'57754.0    1  1 2017       37', got {line.strip()!r}", source=source)
        mjds.append(float(m.group(1)))
        values.append(float(m.group(5)))
    if not mjds:
        raise InvalidInputError("no TAI-UTC rows found", source=source)
    if expires is None:
        raise InvalidInputError("no 'File expires on DD Month YYYY' header line found", source=source)
    mjd = np.array(mjds)
    if np.any(np.diff(mjd) <= 0):
        raise InvalidInputError("TAI-UTC rows are not in increasing date order", source=source)
    return LeapSecondTable(mjd, np.array(values), expires, updated, source)


@lru_cache(maxsize=1)
def leap_second_table() -> LeapSecondTable:
    """The table shipped in ``cosmodrome/data/Leap_Second.dat`` (read once)."""
    text = resources.files("cosmodrome").joinpath("data/Leap_Second.dat").read_text(encoding="ascii")
    return parse_leap_second_file(text, source="Leap_Second.dat")


def _utc_to_tai(utc1, utc2, table: LeapSecondTable | None = None):
    """Two-part TAI JD of two-part UTC quasi-JDs (ERFA's convention on leap-second days)."""
    table = table or leap_second_table()
    day, frac = _split_mjd(utc1, utc2)
    dat0, dleap = table._day_offsets(day)
    return _MJD_ZERO_JD + day, frac * ((SECONDS_PER_DAY + dleap) / SECONDS_PER_DAY) + dat0 / SECONDS_PER_DAY


def _tai_to_utc(tai1, tai2, table: LeapSecondTable | None = None, warn=True):
    """(utc1, utc2, TAI-UTC at the start of the UTC day) of two-part TAI JDs; exact inverse of _utc_to_tai."""
    table = table or leap_second_table()
    day_t, frac_t = _split_mjd(tai1, tai2)
    # The UTC day n starts at TAI n + dat(n)/86400 and dat < 1 day: the UTC day is day_t or day_t - 1.
    dat_today = table.tai_minus_utc_s_on_day(day_t)
    earlier = frac_t < dat_today / SECONDS_PER_DAY
    day = np.where(earlier, day_t - 1.0, day_t)
    dat0, dleap = table._day_offsets(day, warn=warn)
    elapsed = np.where(earlier, frac_t + 1.0, frac_t) - dat0 / SECONDS_PER_DAY
    frac = elapsed * (SECONDS_PER_DAY / (SECONDS_PER_DAY + dleap))
    return _MJD_ZERO_JD + day, frac, dat0


# --- Earth orientation ---------------------------------------------------------------------------

@dataclass(frozen=True, eq=False)
class EarthOrientation:
    """Earth-orientation parameters at each instant of a Time (arrays of the time's shape).

    ``ut1_minus_tai_s`` is what the frames need (continuous across leap seconds); the polar motion
    (x, y) and the celestial pole offsets (dX, dY, with respect to IAU 2006/2000A) are in arcsec as
    the IERS publishes them; ``excess_length_of_day_s`` is LOD, the length of day minus 86400 s.
    """

    ut1_minus_tai_s: np.ndarray
    polar_x_arcsec: np.ndarray
    polar_y_arcsec: np.ndarray
    dx_arcsec: np.ndarray
    dy_arcsec: np.ndarray
    excess_length_of_day_s: np.ndarray
    is_predicted: np.ndarray
    source: str

    @classmethod
    def from_values(cls, time: "Time", *, ut1_minus_utc_s, polar_x_arcsec=0.0, polar_y_arcsec=0.0,
                    dx_arcsec=0.0, dy_arcsec=0.0, excess_length_of_day_s=0.0,
                    source: str = "given values") -> "EarthOrientation":
        """Values given by hand (for example a published test case), broadcast to the time's shape.

        UT1-UTC is converted to UT1-TAI with the leap-second table at each instant.
        """
        shape = time.shape
        dut1 = np.broadcast_to(np.asarray(ut1_minus_utc_s, dtype=float), shape)

        def arr(v):
            return np.broadcast_to(np.asarray(v, dtype=float), shape).copy()

        return cls(dut1 - time.tai_minus_utc_s, arr(polar_x_arcsec), arr(polar_y_arcsec), arr(dx_arcsec),
                   arr(dy_arcsec), arr(excess_length_of_day_s), np.zeros(shape, dtype=bool), source)

    @classmethod
    def zero(cls, time: "Time") -> "EarthOrientation":
        """UT1 = UTC, no polar motion, no pole offsets (the convention of tools that ignore EOP)."""
        return cls.from_values(time, ut1_minus_utc_s=0.0, source="zero (UT1 = UTC, no polar motion)")


@dataclass(frozen=True, eq=False)
class EopTable:
    """Daily Earth-orientation values at 0h UTC of each MJD, as read from the shipped CSV."""

    mjd_utc: np.ndarray
    polar_x_arcsec: np.ndarray
    polar_y_arcsec: np.ndarray
    ut1_minus_utc_s: np.ndarray
    excess_length_of_day_s: np.ndarray
    dx_arcsec: np.ndarray
    dy_arcsec: np.ndarray
    is_predicted: np.ndarray
    source: str

    @property
    def last_observed_mjd(self) -> float:
        observed = self.mjd_utc[~self.is_predicted]
        return float(observed[-1]) if observed.size else float("nan")

    def describe(self) -> str:
        return (f"Earth-orientation table {self.source} (IERS finals2000A, "
                f"{_mjd_to_iso_date(self.mjd_utc[0])} to {_mjd_to_iso_date(self.mjd_utc[-1])}, observed to "
                f"{_mjd_to_iso_date(self.last_observed_mjd)})")

    def at(self, time: "Time", leap_seconds: LeapSecondTable | None = None) -> EarthOrientation:
        """Values at each instant, linearly interpolated in TAI between the daily rows.

        UT1 is interpolated as UT1-TAI, which is continuous, so no interpolation crosses a
        leap-second step. Outside the table a DataRangeWarning is given and the nearest end's
        UT1-UTC, polar motion, LOD and dX/dY are held. Linear interpolation of daily values adds
        under 0.02 ms to UT1 (1 cm at the equator) and under 0.1 mas to the pole.
        """
        leap = leap_seconds or leap_second_table()
        dat = leap.tai_minus_utc_s_on_day(self.mjd_utc)
        nodes = self.mjd_utc + dat / SECONDS_PER_DAY  # TAI MJD of 0h UTC of each row
        t = (time.tai_jd1 - _MJD_ZERO_JD) + time.tai_jd2
        ut1_tai = np.interp(t, nodes, self.ut1_minus_utc_s - dat)
        before, after = t < nodes[0], t > nodes[-1]
        if np.any(before) or np.any(after):
            warn_data_range(f"time outside the {self.describe()}: UT1-UTC, polar motion and dX/dY are held at the "
                  "value of the nearest end (UT1-UTC drifts by up to ~1 s a year, the pole by ~0.5 arcsec, "
                  "15 m). Refresh with tools/refresh_time_data.py.")
            held = np.where(before, self.ut1_minus_utc_s[0], self.ut1_minus_utc_s[-1])
            ut1_tai = np.where(before | after, held - time._tai_minus_utc_quiet(), ut1_tai)

        def interp(column):
            return np.interp(t, nodes, column)

        idx = np.clip(np.searchsorted(nodes, t, side="right"), 0, len(nodes) - 1)
        return EarthOrientation(ut1_tai, interp(self.polar_x_arcsec), interp(self.polar_y_arcsec),
                                interp(self.dx_arcsec), interp(self.dy_arcsec),
                                interp(self.excess_length_of_day_s), self.is_predicted[idx] | after,
                                self.source)


def parse_eop_csv(text: str, source: str = "eop_finals2000A.csv") -> EopTable:
    """Read the compact EOP CSV written by tools/refresh_time_data.py ('#' lines are provenance)."""
    rows = []
    header_seen = False
    for number, line in enumerate(text.splitlines(), start=1):
        if not line or line.startswith("#"):
            continue
        if not header_seen:
            header_seen = True
            if not line.startswith("mjd_utc,"):
                raise InvalidInputError(f"line {number}: expected the header 'mjd_utc,flag,x_arcsec,...'",
                                        source=source)
            continue
        fields = line.split(",")
        if len(fields) != 9:
            raise InvalidInputError(f"line {number}: expected 9 comma-separated fields "
                                    "(mjd_utc,flag,x_arcsec,y_arcsec,ut1_minus_utc_s,lod_ms,dx_mas,dy_mas,filled), "
                                    f"got {len(fields)}", source=source)
        rows.append(fields)
    if len(rows) < 2:
        raise InvalidInputError("fewer than two data rows", source=source)
    cols = list(zip(*rows))
    try:
        num = [np.array(cols[k], dtype=float) for k in (0, 2, 3, 4, 5, 6, 7)]
    except ValueError as exc:
        raise InvalidInputError(f"a numeric field does not parse: {exc}", source=source) from None
    mjd, x, y, dut1, lod_ms, dx_mas, dy_mas = num
    if np.any(np.diff(mjd) <= 0):
        raise InvalidInputError("rows are not in increasing MJD order", source=source)
    predicted = np.array([f != "I" for f in cols[1]])
    return EopTable(mjd, x, y, dut1, lod_ms * 1e-3, dx_mas * 1e-3, dy_mas * 1e-3, predicted, source)


@lru_cache(maxsize=1)
def eop_table() -> EopTable:
    """The table shipped in ``cosmodrome/data/eop_finals2000A.csv`` (read once)."""
    text = resources.files("cosmodrome").joinpath("data/eop_finals2000A.csv").read_text(encoding="ascii")
    return parse_eop_csv(text, source="eop_finals2000A.csv")


# --- the time type -------------------------------------------------------------------------------

def _normalise(jd1, jd2):
    """Move whole days into jd1 (an integer) and the rest into jd2 (within half a day)."""
    jd1 = np.asarray(jd1, dtype=float)
    jd2 = np.asarray(jd2, dtype=float)
    total_whole = np.round(jd1) + np.round(jd2)
    rest = (jd1 - np.round(jd1)) + (jd2 - np.round(jd2))
    whole_rest = np.round(rest)
    return total_whole + whole_rest, rest - whole_rest


def _as_int_field(value, name: str, low: int, high: int):
    arr = np.asarray(value)
    as_float = arr.astype(float)
    bad = ~np.isfinite(as_float) | (as_float != np.round(as_float)) | (as_float < low) | (as_float > high)
    if np.any(bad):
        first = (arr[bad].ravel()[0] if arr.ndim else arr).item()
        raise InvalidInputError(f"{name} must be a whole number from {low} to {high}, got {first!r}",
                                field=name)
    return as_float.astype(np.int64)


def _days_in_month(year, month):
    leap = ((year % 4 == 0) & (year % 100 != 0)) | (year % 400 == 0)
    table = np.array([0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31])
    return table[month] + (leap & (month == 2))


def _calendar_to_mjd(year, month, day):
    """MJD (float) of 0h of Gregorian calendar dates, after validating them."""
    year = _as_int_field(year, "year", -4799, 999999)
    month = _as_int_field(month, "month", 1, 12)
    day = _as_int_field(day, "day", 1, 31)
    year, month, day = np.broadcast_arrays(year, month, day)
    too_big = day > _days_in_month(year, month)
    if np.any(too_big):
        k = np.flatnonzero(too_big.ravel())[0]
        raise InvalidInputError(f"day {day.ravel()[k]} does not exist in {year.ravel()[k]:04d}-"
                                f"{month.ravel()[k]:02d}", field="day")
    _, mjd = erfa.cal2jd(np.atleast_1d(year), np.atleast_1d(month), np.atleast_1d(day))
    return mjd.reshape(year.shape)


@dataclass(frozen=True, eq=False)
class Time:
    """An instant (0-d) or an array of instants, held as a two-part TAI Julian date."""

    tai_jd1: np.ndarray
    tai_jd2: np.ndarray

    # NumPy must not turn ``array + time`` into an object array of Times: let Time.__radd__ answer.
    __array_ufunc__ = None

    def __post_init__(self):
        jd1, jd2 = np.broadcast_arrays(np.asarray(self.tai_jd1, dtype=float),
                                       np.asarray(self.tai_jd2, dtype=float))
        jd1, jd2 = _normalise(jd1, jd2)
        object.__setattr__(self, "tai_jd1", jd1)
        object.__setattr__(self, "tai_jd2", jd2)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_tai_jd(cls, jd1, jd2=0.0) -> "Time":
        """From a (two-part) TAI Julian date."""
        return cls(jd1, jd2)

    @classmethod
    def from_tt_jd(cls, jd1, jd2=0.0) -> "Time":
        """From a (two-part) TT Julian date (TT = TAI + 32.184 s)."""
        return cls(jd1, np.asarray(jd2, dtype=float) - _TT_MINUS_TAI_S / SECONDS_PER_DAY)

    @classmethod
    def from_utc_jd(cls, jd1, jd2=0.0) -> "Time":
        """From a two-part UTC quasi-Julian date (ERFA's convention on leap-second days)."""
        jd1, jd2 = np.broadcast_arrays(np.asarray(jd1, dtype=float), np.asarray(jd2, dtype=float))
        return cls(*_utc_to_tai(jd1, jd2))

    @classmethod
    def from_utc_mjd(cls, mjd) -> "Time":
        """From a UTC Modified Julian Date (JD - 2400000.5) as one float (about 1 microsecond resolution)."""
        return cls.from_utc_jd(_MJD_ZERO_JD, mjd)

    @classmethod
    def from_calendar(cls, year, month, day, hour=0, minute=0, second=0.0,
                      scale: TimeScale = TimeScale.UTC) -> "Time":
        """From calendar fields in UTC, TAI or TT (arrays allowed).

        In UTC, ``second`` may reach 60.999... in the last minute of a day that ends in a leap
        second (per the shipped table), and must be below 60 otherwise. Raises InvalidInputError
        naming the field for a month, day, hour, minute or second that does not exist.
        """
        scale = TimeScale(scale)
        mjd = _calendar_to_mjd(year, month, day)
        hour = _as_int_field(hour, "hour", 0, 23)
        minute = _as_int_field(minute, "minute", 0, 59)
        second = np.asarray(second, dtype=float)
        mjd, hour, minute, second = np.broadcast_arrays(mjd, hour, minute, second)
        if scale is TimeScale.UTC:
            dat0, dleap = leap_second_table()._day_offsets(mjd, warn=False)
        else:
            dleap = np.zeros_like(second)
        last_minute = (hour == 23) & (minute == 59)
        limit = np.where(last_minute, 60.0 + dleap, 60.0)
        bad = ~np.isfinite(second) | (second < 0.0) | (second >= limit)
        if np.any(bad):
            k = np.flatnonzero(bad.ravel())[0]
            raise InvalidInputError(
                f"second must be in [0, 60) (up to 60.999... only in the last minute of a UTC day that ends "
                f"in a leap second, such as 2016-12-31T23:59:60), got {second.ravel()[k].item()!r}", field="second")
        seconds_of_day = 3600.0 * hour + 60.0 * minute + second
        if scale is TimeScale.UTC:
            return cls.from_utc_jd(_MJD_ZERO_JD + mjd, seconds_of_day / (SECONDS_PER_DAY + dleap))
        jd1, jd2 = _MJD_ZERO_JD + mjd, seconds_of_day / SECONDS_PER_DAY
        return cls.from_tai_jd(jd1, jd2) if scale is TimeScale.TAI else cls.from_tt_jd(jd1, jd2)

    @classmethod
    def from_utc_calendar(cls, year, month, day, hour=0, minute=0, second=0.0) -> "Time":
        """From UTC calendar fields (arrays allowed); ``second`` may be 60.x on a leap-second day."""
        return cls.from_calendar(year, month, day, hour, minute, second, TimeScale.UTC)

    @classmethod
    def from_utc_day_of_year(cls, year, day_of_year) -> "Time":
        """From a UTC year and fractional day of year (1.0 = 1 January 0h), as in TLE epochs.

        The fraction counts 86400 SI seconds from 0h UTC of that day, as sgp4 and Skyfield read
        TLE epochs (so it never reaches the 23:59:60 of a leap-second day).
        """
        day_of_year = np.asarray(day_of_year, dtype=float)
        if np.any(~np.isfinite(day_of_year) | (day_of_year < 1.0) | (day_of_year >= 367.0)):
            raise InvalidInputError(f"day of year must be in [1, 367), got {day_of_year!r}", field="day_of_year")
        mjd0 = _calendar_to_mjd(year, 1, 1)
        whole = np.floor(day_of_year)
        midnight = cls.from_utc_jd(_MJD_ZERO_JD + mjd0 + whole - 1.0, 0.0)
        return midnight + (day_of_year - whole) * SECONDS_PER_DAY

    @classmethod
    def from_datetime(cls, value: dt.datetime) -> "Time":
        """From a timezone-aware datetime (naive datetimes are refused: their scale is unknown)."""
        if value.tzinfo is None:
            raise InvalidInputError(
                f"datetime {value.isoformat()} has no time zone: give it in UTC (e.g. 2026-05-01T03:00:00Z)")
        value = value.astimezone(dt.timezone.utc)
        return cls.from_utc_calendar(value.year, value.month, value.day, value.hour, value.minute,
                                     value.second + value.microsecond * 1e-6)

    @classmethod
    def from_iso(cls, text, scale: TimeScale = TimeScale.UTC) -> "Time":
        """From ISO 8601 text in the given scale: ``YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]`` or ``YYYY-DDDT...``.

        A str gives a scalar Time; a sequence of str gives an array. A trailing Z (or +00:00, or
        the scale's name) is accepted. Raises InvalidInputError showing the expected form.
        """
        scale = TimeScale(scale)
        texts = np.atleast_1d(np.asarray(text, dtype=object))
        parsed = [_parse_iso(str(t), scale) for t in texts.ravel()]
        fields = np.array([p[:6] for p in parsed], dtype=float).reshape(texts.shape + (6,))
        doy = np.array([p[6] for p in parsed], dtype=bool).reshape(texts.shape)
        y, mo, d, h, mi, s = (fields[..., k] for k in range(6))
        if np.any(doy):
            # Ordinal dates: turn the day of year into month 1, day N, via the MJD of 1 January.
            mjd = _calendar_to_mjd(y, 1, 1) + d - 1.0
            bad = doy & ((d < 1) | (d > 337 + _days_in_month(y.astype(np.int64), np.full(y.shape, 2))))
            if np.any(bad):
                raise InvalidInputError(f"day of year {int(d[bad].ravel()[0])} does not exist in "
                                        f"{int(y[bad].ravel()[0])}", field="day")
            _, mo_doy, d_doy, _ = erfa.jd2cal(np.atleast_1d(np.full(mjd.shape, _MJD_ZERO_JD)),
                                              np.atleast_1d(mjd))
            mo = np.where(doy, mo_doy.reshape(mjd.shape), mo)
            d = np.where(doy, d_doy.reshape(mjd.shape), d)
        result = cls.from_calendar(y, mo, d, h, mi, s, scale)
        if np.ndim(text) == 0:
            return result[0]
        return result

    @classmethod
    def from_utc_iso(cls, text) -> "Time":
        """From ISO 8601 UTC text ``YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]`` (a str or a sequence of str)."""
        return cls.from_iso(text, TimeScale.UTC)

    @classmethod
    def grid(cls, start: "Time", duration_s: float, step_s: float) -> "Time":
        """A uniform grid from ``start`` over ``duration_s`` SI seconds (both ends included when they fall on a step)."""
        if not step_s > 0:
            raise InvalidInputError(f"time step must be positive, got {step_s} s")
        if not duration_s >= 0:
            raise InvalidInputError(f"duration must not be negative, got {duration_s} s")
        count = int(np.floor(duration_s / step_s + 1e-9)) + 1
        return start + np.arange(count) * float(step_s)

    @classmethod
    def concatenate(cls, times) -> "Time":
        """One 1-d Time of the instants of several Times, in the order given (scalars count as one)."""
        times = list(times)
        if not times:
            raise InvalidInputError("concatenate needs at least one Time")
        return cls(np.concatenate([np.ravel(t.tai_jd1) for t in times]),
                   np.concatenate([np.ravel(t.tai_jd2) for t in times]))

    # --- views --------------------------------------------------------------------------------
    @property
    def tai_jd(self):
        """Two-part TAI Julian date."""
        return self.tai_jd1, self.tai_jd2

    @property
    def tt_jd(self):
        """Two-part TT Julian date."""
        return self.tai_jd1, self.tai_jd2 + _TT_MINUS_TAI_S / SECONDS_PER_DAY

    @property
    def tdb_jd(self):
        """Two-part TDB Julian date at the geocentre (TT + ERFA ``dtdb``, Fairhead & Bretagnon; < 2 ms)."""
        tt1, tt2 = self.tt_jd
        return tt1, tt2 + erfa.dtdb(tt1, tt2, 0.0, 0.0, 0.0, 0.0) / SECONDS_PER_DAY

    @property
    def utc_jd(self):
        """Two-part UTC quasi-Julian date (ERFA convention on leap-second days)."""
        utc1, utc2, _ = _tai_to_utc(self.tai_jd1, self.tai_jd2)
        return utc1, utc2

    @property
    def utc_mjd(self):
        """UTC Modified Julian Date as one float (about 1 microsecond resolution)."""
        utc1, utc2 = self.utc_jd
        return (utc1 - _MJD_ZERO_JD) + utc2

    @property
    def tai_mjd(self):
        """TAI Modified Julian Date as one float."""
        return (self.tai_jd1 - _MJD_ZERO_JD) + self.tai_jd2

    @property
    def tt_mjd(self):
        """TT Modified Julian Date as one float."""
        return self.tai_mjd + _TT_MINUS_TAI_S / SECONDS_PER_DAY

    @property
    def tai_minus_utc_s(self):
        """TAI-UTC (s) in force on each instant's UTC day (the old value during a leap second)."""
        return _tai_to_utc(self.tai_jd1, self.tai_jd2)[2]

    def _tai_minus_utc_quiet(self):
        return _tai_to_utc(self.tai_jd1, self.tai_jd2, warn=False)[2]

    def earth_orientation(self) -> EarthOrientation:
        """Earth-orientation values at each instant from the shipped table (warns outside it)."""
        return eop_table().at(self)

    @property
    def ut1_jd(self):
        """Two-part UT1 Julian date from the shipped EOP table (warns and holds values outside it)."""
        return self.ut1_jd_using(self.earth_orientation())

    def ut1_jd_using(self, eop: EarthOrientation):
        """Two-part UT1 Julian date with the given Earth-orientation values."""
        return self.tai_jd1, self.tai_jd2 + np.asarray(eop.ut1_minus_tai_s) / SECONDS_PER_DAY

    def utc_calendar(self, decimals: int = 3):
        """(year, month, day, hour, minute, second) arrays, second rounded to ``decimals``; :60 in a leap second."""
        year, month, day, hour, minute, units, scale = self._calendar_units(decimals, TimeScale.UTC)
        return year, month, day, hour, minute, units / scale

    def _calendar_units(self, decimals: int, scale: TimeScale):
        if not (isinstance(decimals, (int, np.integer)) and 0 <= decimals <= 9):
            raise InvalidInputError(f"decimals must be a whole number from 0 to 9, got {decimals!r}")
        scale = TimeScale(scale)
        if scale is TimeScale.UTC:
            jd1, jd2 = self.utc_jd
        elif scale is TimeScale.TT:
            jd1, jd2 = self.tt_jd
        else:
            jd1, jd2 = self.tai_jd
        day, frac = _split_mjd(jd1, jd2)
        if scale is TimeScale.UTC:
            _, dleap = leap_second_table()._day_offsets(day, warn=False)
        else:
            dleap = np.zeros_like(day)
        per_second = 10 ** int(decimals)
        day_length = ((SECONDS_PER_DAY + dleap) * per_second).astype(np.int64)
        units = np.round(frac * (SECONDS_PER_DAY + dleap) * per_second).astype(np.int64)
        rollover = units >= day_length
        day = np.where(rollover, day + 1.0, day)
        units = np.where(rollover, units - day_length, units)
        hour = np.minimum(units // (3600 * per_second), 23)
        units = units - hour * 3600 * per_second
        minute = np.minimum(units // (60 * per_second), 59)
        units = units - minute * 60 * per_second
        year, month, dom, _ = erfa.jd2cal(np.atleast_1d(np.full(np.shape(day), _MJD_ZERO_JD)),
                                          np.atleast_1d(day))
        shape = np.shape(day)
        return (year.reshape(shape), month.reshape(shape), dom.reshape(shape), hour, minute, units,
                float(per_second))

    def iso(self, scale: TimeScale = TimeScale.UTC, decimals: int = 3):
        """ISO 8601 text in the given scale (UTC ends in Z and shows 23:59:60 in a leap second; TAI
        and TT end in ' TAI' / ' TT'); str for a scalar Time, else an object array of str."""
        scale = TimeScale(scale)
        year, month, day, hour, minute, units, per_second = self._calendar_units(decimals, scale)
        whole = units // int(per_second)
        frac = units - whole * int(per_second)
        suffix = "Z" if scale is TimeScale.UTC else f" {scale.value}"
        out = []
        for y, mo, d, h, mi, s, f in zip(np.ravel(year), np.ravel(month), np.ravel(day), np.ravel(hour),
                                         np.ravel(minute), np.ravel(whole), np.ravel(frac)):
            fraction = f".{int(f):0{decimals}d}" if decimals > 0 else ""
            out.append(f"{int(y):04d}-{int(mo):02d}-{int(d):02d}T{int(h):02d}:{int(mi):02d}:{int(s):02d}"
                       f"{fraction}{suffix}")
        if self.shape == ():
            return out[0]
        return np.array(out, dtype=object).reshape(self.shape)

    def utc_iso(self, decimals: int = 3):
        """ISO 8601 UTC text ending in Z (``23:59:60.000Z`` inside a leap second); str or array of str."""
        return self.iso(TimeScale.UTC, decimals)

    def to_datetime(self) -> dt.datetime:
        """A timezone-aware UTC datetime (scalar times only; a leap second maps to 23:59:59.999999)."""
        if self.shape != ():
            raise ValueError("to_datetime() needs a single instant")
        y, mo, d, h, mi, s = (np.asarray(x).item() for x in self.utc_calendar(decimals=6))
        s = min(float(s), 59.999999)
        return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), tzinfo=dt.timezone.utc) + \
            dt.timedelta(seconds=s)

    # --- array behaviour, comparison and arithmetic (SI seconds) --------------------------------
    @property
    def shape(self):
        return self.tai_jd1.shape

    @property
    def ndim(self):
        return self.tai_jd1.ndim

    @property
    def size(self):
        return self.tai_jd1.size

    def __len__(self):
        return len(self.tai_jd1)

    def __getitem__(self, index) -> "Time":
        return Time(self.tai_jd1[index], self.tai_jd2[index])

    def reshape(self, *shape) -> "Time":
        return Time(self.tai_jd1.reshape(*shape), self.tai_jd2.reshape(*shape))

    def ravel(self) -> "Time":
        return Time(self.tai_jd1.ravel(), self.tai_jd2.ravel())

    def __add__(self, seconds) -> "Time":
        seconds = np.asarray(seconds, dtype=float)
        # Whole days go into jd1 so that long offsets keep their sub-microsecond part.
        days = np.floor(seconds / SECONDS_PER_DAY)
        rest = seconds - days * SECONDS_PER_DAY
        return Time(self.tai_jd1 + days, self.tai_jd2 + rest / SECONDS_PER_DAY)

    __radd__ = __add__

    def __sub__(self, other):
        """Time - Time: SI seconds (float array); Time - seconds: an earlier Time."""
        if isinstance(other, Time):
            return (self.tai_jd1 - other.tai_jd1) * SECONDS_PER_DAY + \
                (self.tai_jd2 - other.tai_jd2) * SECONDS_PER_DAY
        return self + (-np.asarray(other, dtype=float))

    def _compare(self, other, op):
        if not isinstance(other, Time):
            return NotImplemented
        return op(self - other, 0.0)

    def __eq__(self, other):
        """Elementwise: the same instant (to the last bit of the two-part date)."""
        return self._compare(other, np.equal)

    def __ne__(self, other):
        return self._compare(other, np.not_equal)

    def __lt__(self, other):
        return self._compare(other, np.less)

    def __le__(self, other):
        return self._compare(other, np.less_equal)

    def __gt__(self, other):
        return self._compare(other, np.greater)

    def __ge__(self, other):
        return self._compare(other, np.greater_equal)

    def __hash__(self):
        return hash((self.shape, self.tai_jd1.tobytes(), self.tai_jd2.tobytes()))

    def __repr__(self):
        if self.shape == ():
            return f"Time({self.utc_iso()})"
        if self.size == 0:
            return f"Time(shape={self.shape})"
        return f"Time(shape={self.shape}, first={self[(0,) * len(self.shape)].utc_iso()})"


_ISO = re.compile(r"\s*(\d{4})-(?:(\d{2})-(\d{2})|(\d{3}))(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?"
                  r"\s*(Z|\+00:00|UTC|TAI|TT)?\s*")


def _parse_iso(text: str, scale: TimeScale):
    """(y, mo, d, h, mi, s, is_day_of_year) of ISO 8601 text; raises InvalidInputError with the expected form."""
    m = _ISO.fullmatch(text)
    suffix = m.group(8) if m else None
    allowed = {"Z", "+00:00", "UTC"} if scale is TimeScale.UTC else {scale.value}
    if not m or (suffix is not None and suffix not in allowed):
        example = "2026-05-01T03:00:00Z" if scale is TimeScale.UTC else f"2026-05-01T03:00:00 {scale.value}"
        raise InvalidInputError(
            f"invalid {scale.value} time {text!r}: expected ISO 8601 such as {example} "
            "(or a day of year: 2026-121T03:00:00)")
    y, mo, d, doy, h, mi, s, _ = m.groups()
    if doy is not None:
        return int(y), 1, int(doy), int(h or 0), int(mi or 0), float(s or 0.0), True
    return int(y), int(mo), int(d), int(h or 0), int(mi or 0), float(s or 0.0), False


def _parse_iso_utc(text: str):
    """Calendar fields of an ISO 8601 UTC string (kept for callers of the first version)."""
    return _parse_iso(text, TimeScale.UTC)[:6]
