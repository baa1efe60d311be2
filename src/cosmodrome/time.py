"""One time type for the whole package: an instant or an array of instants.

Stored as a two-part Julian date in TAI (``tai_jd1`` + ``tai_jd2``), so that differences and offsets
are exact SI seconds and the precision is well under a microsecond over centuries (two float64s).
UTC, TT and UT1 are views computed on demand; the scale is in every name that exposes a number.

Leap seconds (UTC <-> TAI) go through ERFA (``utctai``/``taiutc``), which handles the day that holds
a leap second (23:59:60 is a valid UTC time on those days).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import erfa
import numpy as np

from .errors import InvalidInputError

SECONDS_PER_DAY = 86400.0
_TT_MINUS_TAI_S = 32.184


def _normalise(jd1, jd2):
    """Move whole days into jd1 (kept on half-day values as ERFA likes) and the rest into jd2."""
    jd1 = np.asarray(jd1, dtype=float)
    jd2 = np.asarray(jd2, dtype=float)
    total_whole = np.round(jd1) + np.round(jd2)
    rest = (jd1 - np.round(jd1)) + (jd2 - np.round(jd2))
    whole_rest = np.round(rest)
    return total_whole + whole_rest, rest - whole_rest


@dataclass(frozen=True, eq=False)
class Time:
    """An instant (0-d) or an array of instants, held as a two-part TAI Julian date."""

    tai_jd1: np.ndarray
    tai_jd2: np.ndarray

    def __post_init__(self):
        jd1, jd2 = np.broadcast_arrays(np.asarray(self.tai_jd1, dtype=float),
                                       np.asarray(self.tai_jd2, dtype=float))
        jd1, jd2 = _normalise(jd1, jd2)
        object.__setattr__(self, "tai_jd1", jd1)
        object.__setattr__(self, "tai_jd2", jd2)

    # --- construction -------------------------------------------------------------------------
    @classmethod
    def from_tai_jd(cls, jd1, jd2=0.0) -> "Time":
        return cls(jd1, jd2)

    @classmethod
    def from_tt_jd(cls, jd1, jd2=0.0) -> "Time":
        return cls(jd1, np.asarray(jd2, dtype=float) - _TT_MINUS_TAI_S / SECONDS_PER_DAY)

    @classmethod
    def from_utc_jd(cls, jd1, jd2=0.0) -> "Time":
        """From ERFA's two-part UTC quasi-Julian date (the leap-second day convention of ERFA)."""
        jd1, jd2 = np.broadcast_arrays(np.asarray(jd1, dtype=float), np.asarray(jd2, dtype=float))
        tai1, tai2 = erfa.utctai(jd1, jd2)
        return cls(tai1, tai2)

    @classmethod
    def from_utc_calendar(cls, year, month, day, hour=0, minute=0, second=0.0) -> "Time":
        """From UTC calendar fields (arrays allowed); ``second`` may be 60.x on a leap-second day."""
        try:
            utc1, utc2 = erfa.dtf2d("UTC", year, month, day, hour, minute, second)
        except erfa.ErfaError as exc:  # bad day/hour/minute/second
            raise InvalidInputError(f"invalid UTC date or time: {exc}") from None
        return cls.from_utc_jd(utc1, utc2)

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
    def from_utc_iso(cls, text) -> "Time":
        """From ISO 8601 UTC text ``YYYY-MM-DD[THH:MM[:SS[.fff]]][Z]`` (a str or a sequence of str)."""
        texts = np.atleast_1d(np.asarray(text, dtype=object))
        fields = np.array([_parse_iso_utc(str(t)) for t in texts.ravel()], dtype=float).reshape(
            texts.shape + (6,))
        y, mo, d, h, mi, s = (fields[..., k] for k in range(6))
        result = cls.from_utc_calendar(y.astype(int), mo.astype(int), d.astype(int), h.astype(int),
                                       mi.astype(int), s)
        if np.ndim(text) == 0:
            return result[0]
        return result

    @classmethod
    def grid(cls, start: "Time", duration_s: float, step_s: float) -> "Time":
        """A uniform grid from ``start`` over ``duration_s`` SI seconds (both ends included when they fall on a step)."""
        if not step_s > 0:
            raise InvalidInputError(f"time step must be positive, got {step_s} s")
        if not duration_s >= 0:
            raise InvalidInputError(f"duration must not be negative, got {duration_s} s")
        count = int(np.floor(duration_s / step_s + 1e-9)) + 1
        return start + np.arange(count) * float(step_s)

    # --- views --------------------------------------------------------------------------------
    @property
    def tai_jd(self):
        return self.tai_jd1, self.tai_jd2

    @property
    def tt_jd(self):
        """Two-part TT Julian date."""
        return self.tai_jd1, self.tai_jd2 + _TT_MINUS_TAI_S / SECONDS_PER_DAY

    @property
    def utc_jd(self):
        """Two-part UTC quasi-Julian date (ERFA convention on leap-second days)."""
        return erfa.taiutc(self.tai_jd1, self.tai_jd2)

    def utc_calendar(self, decimals: int = 3):
        """(year, month, day, hour, minute, second) arrays, second rounded to ``decimals``; :60 in a leap second."""
        utc1, utc2 = self.utc_jd
        iy, im, id_, ihmsf = erfa.d2dtf("UTC", decimals, utc1, utc2)
        seconds = ihmsf["s"] + ihmsf["f"] / 10.0 ** decimals
        return iy, im, id_, ihmsf["h"], ihmsf["m"], seconds

    def utc_iso(self, decimals: int = 3):
        """ISO 8601 UTC text ending in Z (``23:59:60.000Z`` inside a leap second); str or array of str."""
        utc1, utc2 = self.utc_jd
        iy, im, id_, ihmsf = erfa.d2dtf("UTC", decimals, np.atleast_1d(utc1), np.atleast_1d(utc2))
        out = []
        for y, mo, d, hmsf in zip(iy, im, id_, ihmsf):
            h, mi, s, f = (int(x) for x in hmsf)
            frac = f".{f:0{decimals}d}" if decimals > 0 else ""
            out.append(f"{y:04d}-{mo:02d}-{d:02d}T{h:02d}:{mi:02d}:{s:02d}{frac}Z")
        if self.shape == ():
            return out[0]
        return np.array(out, dtype=object).reshape(self.shape)

    def to_datetime(self) -> dt.datetime:
        """A timezone-aware UTC datetime (scalar times only; a leap second maps to 23:59:59.999999)."""
        if self.shape != ():
            raise ValueError("to_datetime() needs a single instant")
        y, mo, d, h, mi, s = (np.asarray(x).item() for x in self.utc_calendar(decimals=6))
        s = min(float(s), 59.999999)
        return dt.datetime(int(y), int(mo), int(d), int(h), int(mi), tzinfo=dt.timezone.utc) + \
            dt.timedelta(seconds=s)

    # --- array behaviour and arithmetic (SI seconds) --------------------------------------------
    @property
    def shape(self):
        return self.tai_jd1.shape

    def __len__(self):
        return len(self.tai_jd1)

    def __getitem__(self, index) -> "Time":
        return Time(self.tai_jd1[index], self.tai_jd2[index])

    def __add__(self, seconds) -> "Time":
        return Time(self.tai_jd1, self.tai_jd2 + np.asarray(seconds, dtype=float) / SECONDS_PER_DAY)

    def __sub__(self, other):
        if isinstance(other, Time):
            return ((self.tai_jd1 - other.tai_jd1) + (self.tai_jd2 - other.tai_jd2)) * SECONDS_PER_DAY
        return self + (-np.asarray(other, dtype=float))

    def __repr__(self):
        if self.shape == ():
            return f"Time({self.utc_iso()})"
        return f"Time(shape={self.shape}, first={self[(0,) * len(self.shape)].utc_iso()})"


def _parse_iso_utc(text: str):
    """Calendar fields of an ISO 8601 UTC string; raises InvalidInputError with the expected form."""
    import re

    m = re.fullmatch(r"\s*(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}(?:\.\d*)?))?)?\s*(Z|\+00:00|UTC)?\s*",
                     text)
    if not m:
        raise InvalidInputError(
            f"invalid UTC time {text!r}: expected ISO 8601 such as 2026-05-01T03:00:00Z")
    y, mo, d, h, mi, s, _ = m.groups()
    return int(y), int(mo), int(d), int(h or 0), int(mi or 0), float(s or 0.0)
