"""SGP4/SDP4 through the ``sgp4`` package's array API: TLE and OMM satellites by the thousand.

We trust the authority's numerics and wrap them thinly: ``sgp4.api.SatrecArray.sgp4(jd, fr)``
(Vallado's C++ SGP4, the code of Vallado et al. 2006, AIAA 2006-6753) propagates every satellite
to every time. This module only

- turns our Time into the two-part **UTC** Julian date SGP4 expects, on the axis the element-set
  epochs are read on: (Julian date of 0h UTC, seconds since then / 86400), ``gp.utc_day_split``.
  A TLE's day fraction and CelesTrak's OMM EPOCH count 86400-s days (sgp4's ``twoline2rv`` and
  ``jday``), so the requested times must be counted the same way: ERFA's quasi-JD (seconds / 86401
  on a day that ends in a leap second) would put a time on such a day up to 1 s away from the epoch
  it is measured from. Across a leap second this axis repeats one second, as the UTC of SGP4 users
  always has: 23:59:60.5 and 00:00:00.5 of the next day give the same state (Skyfield 1.55 agrees
  with us on both sides of the 2016 leap second; inside it, it runs half a second behind);
- converts kilometres to metres, copies SGP4's error codes (1 to 6) into ``Status`` (same numbers),
  and puts NaN in every row with a non-zero code. SGP4 itself returns numbers with code 6
  (decayed); we blank them too, since a position inside the Earth is not a state;
- works in chunks of satellites (and times) so that memory stays bounded: only the caller's metre
  arrays are full size (10,000 satellites x 1,440 times: 2 x 346 MB of float64). When a chunk
  holds every time, SGP4 writes straight into those arrays through ``SatrecArray._sgp4`` (what the
  public ``sgp4`` method calls after allocating its own arrays); otherwise, or should a future
  ``sgp4`` release drop that method, the public method and a copy are used. Both paths are tested
  to give identical results.

The gravity model is WGS-72, as SGP4 is defined (set when each Satrec was built, by ``twoline2rv``
or ``MeanElementsGP.to_satrec``); it is not unified with the WGS-84 of the ascent on purpose.
The output frame is TEME (True Equator, Mean Equinox of date), in metres and m/s.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sgp4.api import Satrec, SatrecArray

from ..errors import InvalidInputError
from ..frames import Frame
from ..time import Time
from .gp import utc_day_split
from .propagator import Ephemeris, Status, time_vector

# States computed per SGP4 call. 1e6 states = 2 x 24 MB of km arrays from SGP4 per chunk.
DEFAULT_CHUNK_STATES = 1_000_000


def _satrec_and_id(record, index: int):
    if isinstance(record, Satrec):
        return record, int(record.satnum)
    to_satrec = getattr(record, "to_satrec", None)
    if callable(to_satrec) and hasattr(record, "catalogue_number"):
        return to_satrec(), int(record.catalogue_number)
    raise InvalidInputError(f"SGP4 propagator: record {index}: expected MeanElementsGP (or an sgp4 Satrec), "
                            f"got {type(record).__name__}")


# Element sets used further than this from their epoch get a warning (issue 3, section 6): SGP4's
# errors grow by kilometres a day away from the epoch for low orbits.
STALE_EPOCH_DAYS = 30.0


def satrec_epochs(satrecs) -> Time:
    """Epochs of Satrecs (Time, n_sat), the day fraction read as seconds / 86400 (the TLE convention)."""
    jd = np.array([s.jdsatepoch for s in satrecs])
    fr = np.array([s.jdsatepochF for s in satrecs])
    return Time.from_utc_jd(jd, 0.0) + fr * 86400.0


def days_from_epoch(satrecs, times: Time) -> np.ndarray:
    """Largest |time - epoch| in days for each Satrec (n_sat,): the one stale-element test of the package.

    |time - epoch| is convex in time, so only the earliest and the latest time are compared.
    """
    times = time_vector(times)
    offsets = times - times[0]
    ends = times[np.array([int(np.argmin(offsets)), int(np.argmax(offsets))])]
    t1, t2 = (np.asarray(x, dtype=float) for x in ends.tai_jd)
    e1, e2 = (np.asarray(x, dtype=float) for x in satrec_epochs(satrecs).tai_jd)
    days = (t1[None, :] - e1[:, None]) + (t2[None, :] - e2[:, None])
    return np.abs(days).max(axis=1)


class Sgp4Propagator:
    """SGP4/SDP4 propagation of many satellites to TEME.

    ``records``: a sequence of ``cosmodrome.orbits.gp.MeanElementsGP`` (TLE or OMM) or of
    ``sgp4.api.Satrec``; a single record is accepted too. Satellite ids in the Ephemeris are the
    records' catalogue numbers (``catalogue_number``, or a Satrec's ``satnum``), so numbers beyond
    what a Satrec holds are kept. ``chunk_states``: at most this many states per SGP4 call.

    Raises InvalidInputError for an empty sequence or an item of another type, or from
    ``MeanElementsGP.to_satrec`` (elements of another theory, such as SGP4-XP).
    """

    frame = Frame.TEME

    def __init__(self, records, *, chunk_states: int = DEFAULT_CHUNK_STATES):
        if isinstance(records, Satrec) or hasattr(records, "to_satrec"):
            records = [records]
        if not isinstance(records, Sequence) or len(records) == 0:
            raise InvalidInputError("SGP4 propagator: expected a non-empty list of mean-element records")
        if not (isinstance(chunk_states, (int, np.integer)) and chunk_states >= 1):
            raise InvalidInputError(f"SGP4 propagator: chunk_states must be a positive integer, got {chunk_states!r}")
        pairs = [_satrec_and_id(record, k) for k, record in enumerate(records)]
        self._satrecs = [satrec for satrec, _ in pairs]
        self._ids = np.array([number for _, number in pairs], dtype=np.int64)
        self._chunk_states = int(chunk_states)

    @property
    def satellite_ids(self) -> np.ndarray:
        return self._ids.copy()

    @property
    def epochs(self) -> Time:
        """Epochs of the element sets (Time, n_sat): each Satrec's 0h UTC Julian date plus its day
        fraction read as seconds / 86400 (the TLE convention, see ``gp.utc_day_split``)."""
        return satrec_epochs(self._satrecs)

    def days_from_epoch(self, times: Time) -> np.ndarray:
        """Largest |time - epoch| in days for each satellite (n_sat,): to warn about stale element sets."""
        return days_from_epoch(self._satrecs, times)

    def propagate(self, times: Time) -> Ephemeris:
        """TEME states (m, m/s) of every satellite at ``times``; SGP4 errors as Status with NaN rows."""
        times = time_vector(times)
        jd, fr = sgp4_time_split(times)
        n_sat, n_time = len(self._satrecs), jd.shape[0]
        position = np.empty((n_sat, n_time, 3))
        velocity = np.empty((n_sat, n_time, 3))
        status = np.empty((n_sat, n_time), dtype=np.int8)
        self.fill_states(jd, fr, 0, n_sat, position, velocity, status)
        return Ephemeris(self._ids, times, position, velocity, status, Frame.TEME)

    def fill_states(self, jd, fr, first: int, stop: int, position_m, velocity_m_s, status) -> None:
        """TEME states of satellites ``first`` to ``stop - 1``, written into the arrays given.

        For callers that work through a catalogue in blocks (``cosmodrome.orbits.service``):
        ``jd``, ``fr``: the SGP4 time axis of ``sgp4_time_split(times)`` (n_time,);
        ``position_m``, ``velocity_m_s``: C-contiguous float64 (stop - first, n_time, 3), filled
        with metres and m/s; ``status``: C-contiguous int8 (stop - first, n_time), filled with
        SGP4's codes; rows with a non-zero code get NaN. Never raises halfway.
        """
        n_time = jd.shape[0]
        time_block = max(1, min(n_time, self._chunk_states))
        sat_block = max(1, self._chunk_states // time_block)
        for s0 in range(first, stop, sat_block):
            s1 = min(stop, s0 + sat_block)
            rows = slice(s0 - first, s1 - first)
            array = SatrecArray(self._satrecs[s0:s1])
            if time_block == n_time and hasattr(array, "_sgp4"):
                # All times in one block: the rows s0:s1 of our arrays are contiguous, so SGP4
                # writes its km straight into them (the body of SatrecArray.sgp4 without its own
                # allocation; measured ~1.3x faster than allocating and copying), then km -> m in place.
                array._sgp4(jd, fr, status[rows].view(np.uint8), position_m[rows], velocity_m_s[rows])
                position_m[rows] *= 1000.0
                velocity_m_s[rows] *= 1000.0
            else:
                for t0 in range(0, n_time, time_block):
                    t1 = min(n_time, t0 + time_block)
                    error, r_km, v_km_s = array.sgp4(jd[t0:t1], fr[t0:t1])
                    np.multiply(r_km, 1000.0, out=position_m[rows, t0:t1])
                    np.multiply(v_km_s, 1000.0, out=velocity_m_s[rows, t0:t1])
                    status[rows, t0:t1] = error
        block = status[: stop - first]
        bad = block != Status.OK
        if bad.any():
            position_m[: stop - first][bad] = np.nan
            velocity_m_s[: stop - first][bad] = np.nan


def sgp4_time_split(times: Time):
    """(jd, fr): contiguous float64 arrays (n_time,) of the SGP4 time axis of a 1-D Time.

    ``jd`` is the Julian date of 0h UTC of each time's UTC date and ``fr`` the seconds since then
    / 86400 (``gp.utc_day_split``), the convention of TLE and OMM epochs; inside a leap second
    ``fr`` exceeds 1.
    """
    day0, fraction = utc_day_split(time_vector(times))
    return (np.ascontiguousarray(np.atleast_1d(day0), dtype=float),
            np.ascontiguousarray(np.atleast_1d(fraction), dtype=float))
