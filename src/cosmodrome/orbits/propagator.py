"""The one propagator interface: states of many satellites at an array of times.

Anything with a ``frame`` and a ``propagate(times) -> Ephemeris`` method is a propagator (a
``typing.Protocol``, no base class to inherit). Every propagator returns positions in metres and
velocities in metres per second as arrays (satellites x times x 3) in its native frame, plus a
status per (satellite, time). It never raises halfway through an array: a row that cannot be
computed holds NaN and a non-zero :class:`Status`, and the other rows are still good.

Status codes 1 to 6 are SGP4's own error codes with their meanings (Vallado et al. 2006, AIAA
2006-6753, and ``sgp4.api.SGP4_ERRORS``); the numbers above 6 are Cosmodrome's.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum
from typing import Protocol, runtime_checkable

import numpy as np

from ..errors import InvalidInputError
from ..frames import Frame
from ..time import Time


class Status(IntEnum):
    """Per-row outcome of a propagation (0 is success; 1-6 are SGP4's error codes)."""

    OK = 0
    MEAN_ECCENTRICITY_OUT_OF_RANGE = 1       # SGP4 error 1: mean e outside 0 <= e < 1
    MEAN_MOTION_NEGATIVE = 2                 # SGP4 error 2: mean motion below zero
    PERTURBED_ECCENTRICITY_OUT_OF_RANGE = 3  # SGP4 error 3: perturbed e outside 0 <= e <= 1
    SEMILATUS_RECTUM_NEGATIVE = 4            # SGP4 error 4: semi-latus rectum below zero
    SUBORBITAL = 5                           # SGP4 error 5: no longer raised by SGP4 (meant "underground")
    DECAYED = 6                              # SGP4 error 6 (mrt < 1), or a numerical run that re-entered
    OUTSIDE_SPAN = 7                         # the time lies outside the span of a tabulated ephemeris
    NOT_CONVERGED = 8                        # an iterative solution (Kepler's equation, mean elements) failed
    INVALID_ORBIT = 9                        # the model cannot represent this orbit (e.g. e >= 1 for J2 secular)
    INTEGRATION_FAILED = 10                  # a numerical integrator gave up (its message is kept by the caller)

    @property
    def description(self) -> str:
        return _DESCRIPTIONS[self]


_DESCRIPTIONS = {
    Status.OK: "ok",
    Status.MEAN_ECCENTRICITY_OUT_OF_RANGE: "SGP4 error 1: mean eccentricity is outside the range 0 <= e < 1",
    Status.MEAN_MOTION_NEGATIVE: "SGP4 error 2: mean motion is less than zero",
    Status.PERTURBED_ECCENTRICITY_OUT_OF_RANGE:
        "SGP4 error 3: perturbed eccentricity is outside the range 0 <= e <= 1",
    Status.SEMILATUS_RECTUM_NEGATIVE: "SGP4 error 4: semi-latus rectum is less than zero",
    Status.SUBORBITAL: "SGP4 error 5: satellite underground (no longer raised by SGP4)",
    Status.DECAYED: "decayed: SGP4 error 6 (mean radius < 1 Earth radius) or re-entry in a numerical run",
    Status.OUTSIDE_SPAN: "time outside the span of the tabulated ephemeris",
    Status.NOT_CONVERGED: "an iterative solution did not converge",
    Status.INVALID_ORBIT: "orbit not representable by this propagator",
    Status.INTEGRATION_FAILED: "numerical integration failed",
}


def time_vector(times: Time) -> Time:
    """``times`` as a one-dimensional Time (a single instant becomes an array of one)."""
    if not isinstance(times, Time):
        raise InvalidInputError(
            f"times: expected a cosmodrome.time.Time, got {type(times).__name__} "
            "(build one with Time.from_utc_iso or Time.grid)")
    if times.shape == ():
        return times[None]
    if len(times.shape) != 1:
        raise InvalidInputError(f"times: expected a one-dimensional Time, got shape {times.shape}")
    return times


@dataclass(frozen=True, eq=False)
class Ephemeris:
    """States of ``n_sat`` satellites at ``n_time`` shared times, in one frame.

    ``satellite_ids`` (n_sat,) int64: catalogue numbers (or the caller's ids).
    ``times``: Time of shape (n_time,).
    ``position_m``, ``velocity_m_s``: float64 (n_sat, n_time, 3), metres and m/s in ``frame``
    (velocity relative to that frame's axes; ITRS velocities are relative to the rotating Earth).
    ``status``: int8 (n_sat, n_time), :class:`Status` values; rows with a non-zero status hold NaN.
    The arrays are read-only views.
    """

    satellite_ids: np.ndarray
    times: Time
    position_m: np.ndarray
    velocity_m_s: np.ndarray
    status: np.ndarray
    frame: Frame

    def __post_init__(self):
        ids = np.asarray(self.satellite_ids)
        if ids.ndim != 1 or not np.issubdtype(ids.dtype, np.integer):
            raise InvalidInputError(f"satellite_ids: expected a 1-D integer array, got {ids.dtype} {ids.shape}")
        if not isinstance(self.times, Time) or len(self.times.shape) != 1:
            raise InvalidInputError("times: expected a one-dimensional Time")
        if not isinstance(self.frame, Frame):
            raise InvalidInputError(f"frame: expected a cosmodrome.frames.Frame, got {self.frame!r}")
        shape = (ids.shape[0], self.times.shape[0])
        arrays = {}
        for name, want in (("position_m", shape + (3,)), ("velocity_m_s", shape + (3,)), ("status", shape)):
            value = np.asarray(getattr(self, name))
            if value.shape != want:
                raise InvalidInputError(f"{name}: expected shape {want} (satellites x times"
                                        f"{' x 3' if len(want) == 3 else ''}), got {value.shape}")
            arrays[name] = value
        if arrays["status"].dtype != np.int8:
            arrays["status"] = arrays["status"].astype(np.int8)
        for name, value in (("satellite_ids", ids.astype(np.int64, copy=False)), *arrays.items()):
            view = value.view()
            view.setflags(write=False)
            object.__setattr__(self, name, view)

    @property
    def n_satellites(self) -> int:
        return self.satellite_ids.shape[0]

    @property
    def n_times(self) -> int:
        return self.times.shape[0]

    @property
    def is_ok(self) -> bool:
        """True when every row has status OK."""
        return not np.any(self.status)

    def failures(self):
        """List of (satellite_id, index of the first bad time, Status) for satellites with a bad row."""
        out = []
        bad = self.status != 0
        for k in np.flatnonzero(bad.any(axis=1)):
            first = int(np.argmax(bad[k]))
            out.append((int(self.satellite_ids[k]), first, Status(int(self.status[k, first]))))
        return out

    def satellite(self, satellite_id: int) -> "Ephemeris":
        """The ephemeris of one satellite (first match of ``satellite_id``)."""
        rows = np.flatnonzero(self.satellite_ids == satellite_id)
        if rows.size == 0:
            raise InvalidInputError(f"satellite {satellite_id} is not in this ephemeris")
        k = slice(rows[0], rows[0] + 1)
        return Ephemeris(self.satellite_ids[k], self.times, self.position_m[k], self.velocity_m_s[k],
                         self.status[k], self.frame)


@runtime_checkable
class Propagator(Protocol):
    """Anything that gives states at an array of times."""

    @property
    def frame(self) -> Frame:
        """The frame its states come out in."""

    def propagate(self, times: Time) -> Ephemeris:
        """States at ``times`` (never raises halfway: bad rows get NaN and a status)."""


def empty_ephemeris_arrays(n_sat: int, n_time: int):
    """(position_m, velocity_m_s, status) arrays filled with NaN and Status.OK, for propagators to fill."""
    position = np.full((n_sat, n_time, 3), np.nan)
    velocity = np.full((n_sat, n_time, 3), np.nan)
    status = np.zeros((n_sat, n_time), dtype=np.int8)
    return position, velocity, status


def elapsed_s(times: Time, epochs) -> np.ndarray:
    """SI seconds from each epoch (a sequence of scalar Times, n_sat) to each time (n_time): (n_sat, n_time)."""
    t1, t2 = (np.asarray(x, dtype=float) for x in time_vector(times).tai_jd)
    pairs = np.array([[float(x) for x in epoch.tai_jd] for epoch in epochs], dtype=float).reshape(-1, 2)
    return ((t1[None, :] - pairs[:, :1]) + (t2[None, :] - pairs[:, 1:])) * 86400.0
