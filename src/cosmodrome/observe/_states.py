"""Satellite states in ITRS at arbitrary times, fast: SGP4 at (satellite, time) pairs and an Earth
rotation interpolated from ``cosmodrome.frames``.

Times inside the pass search are SI seconds after the window start (TAI), as float64: a week is
6e5 s, held to ~1e-10 s.

Earth rotation. ``frames.frame_rotations`` costs ~1.7 us per instant (ERFA pom00, sp00, gmst82 and
the EOP interpolation), more than an SGP4 evaluation, so the pass search computes it exactly at
nodes every ``NODE_SPACING_S`` (one hour) and interpolates in between:

- the GMST 1982 angle (of UT1, which defines TEME -> pseudo-Earth-fixed) linearly. Within a day
  UT1-TAI is linear in our EOP table (daily nodes, linear interpolation) and GMST82 is a cubic in
  UT1 whose second derivative is ~2e-20 rad/s^2, so the interpolation error is below 1e-13 rad
  inside a day. The nodes sit on whole UTC hours, so on every 0h UTC, where the table's UT1 rate
  changes (by up to ~1e-8 from one day's LOD to the next: 3 cm at geostationary distance after an
  hour, were a node not there);
- the polar-motion matrix W and the rotation rate (LOD-corrected, as frames uses for velocities)
  linearly, element by element: they change by ~1e-9 per day.

``tests/observe/test_passes_kernels.py`` checks the ITRS states against ``frames.teme_to_itrs`` at
random instants (position within 1 mm, velocity within 1e-6 m/s).
"""

from __future__ import annotations

import numpy as np
from sgp4.api import SatrecArray

from ..frames import frame_rotations
from ..orbits.sgp4_source import STALE_EPOCH_DAYS, days_from_epoch
from ..time import SECONDS_PER_DAY, Time
from .sensors import warn_at_caller

NODE_SPACING_S = 3600.0
_KM = 1000.0


class EarthRotation:
    """TEME -> ITRS over a window [start, start + duration_s], interpolated between hourly nodes.

    The nodes sit on whole UTC hours, so that every 0h UTC (where the daily Earth-orientation values
    change slope) is a node.
    """

    def __init__(self, start: Time, duration_s: float, *, polar_motion: bool = True):
        _, _, _, hour, minute, second = start.utc_calendar(decimals=6)
        offset = -(float(minute) * 60.0 + float(second))  # the UTC hour at or before the start
        count = int(np.ceil((duration_s - offset) / NODE_SPACING_S)) + 2
        node_s = offset + np.arange(count) * NODE_SPACING_S
        nodes = Time(start.tai_jd1, start.tai_jd2 + node_s / SECONDS_PER_DAY)
        rot = frame_rotations(nodes, polar_motion=polar_motion)
        self.start = start
        self.offset_s = offset
        self.node_s = node_s
        self.gmst_rad = np.unwrap(np.asarray(rot.gmst82_rad, dtype=float))
        self.polar = np.asarray(rot.tirs_to_itrs, dtype=float).reshape(count, 9)
        self.rate_rad_s = np.asarray(rot.rotation_rate_rad_s, dtype=float) * np.ones(count)
        self.polar_motion = polar_motion

    def _weights(self, t_s):
        t = np.asarray(t_s, dtype=float) - self.offset_s
        index = np.clip((t // NODE_SPACING_S).astype(np.int64), 0, len(self.node_s) - 2)
        frac = (t - (self.node_s[index] - self.offset_s)) / NODE_SPACING_S
        return index, frac

    def teme_to_itrs(self, t_s, r_teme, v_teme):
        """ITRS position (m) and Earth-relative velocity (m/s) of TEME states at times t_s (s after start).

        ``t_s`` shape (...), ``r_teme``/``v_teme`` shape (..., 3) (broadcasting over leading axes).
        The velocity is v' = W (R3 v - omega z x R3 r), as ``frames.teme_to_itrs``.
        """
        index, frac = self._weights(t_s)
        theta = self.gmst_rad[index] + (self.gmst_rad[index + 1] - self.gmst_rad[index]) * frac
        rate = self.rate_rad_s[index] + (self.rate_rad_s[index + 1] - self.rate_rad_s[index]) * frac
        c, s = np.cos(theta), np.sin(theta)
        x, y, z = r_teme[..., 0], r_teme[..., 1], r_teme[..., 2]
        px = c * x + s * y
        py = c * y - s * x
        vx, vy, vz = v_teme[..., 0], v_teme[..., 1], v_teme[..., 2]
        qx = c * vx + s * vy + rate * py
        qy = c * vy - s * vx - rate * px
        r = np.empty(np.broadcast_shapes(np.shape(px), np.shape(z)) + (3,))
        v = np.empty_like(r)
        if not self.polar_motion:
            r[..., 0], r[..., 1], r[..., 2] = px, py, z
            v[..., 0], v[..., 1], v[..., 2] = qx, qy, vz
            return r, v
        w = self.polar[index] + (self.polar[index + 1] - self.polar[index]) * frac[..., None]
        for i in range(3):
            r[..., i] = w[..., 3 * i] * px + w[..., 3 * i + 1] * py + w[..., 3 * i + 2] * z
            v[..., i] = w[..., 3 * i] * qx + w[..., 3 * i + 1] * qy + w[..., 3 * i + 2] * vz
        return r, v


class SatelliteStates:
    """SGP4 TEME states of a list of ``sgp4.api.Satrec`` at shared grids or at (satellite, time) pairs.

    Rows where SGP4 reports an error (codes 1-6) come back as NaN, as ``Sgp4Propagator`` does.
    """

    def __init__(self, satrecs, start: Time):
        self.satrecs = list(satrecs)
        self.start = start
        # The compiled routine behind Satrec.sgp4_array, looked up once (None: pure-Python Satrec).
        self._direct = [getattr(satrec, "_sgp4", None) for satrec in self.satrecs]

    def _utc(self, t_s):
        t = np.asarray(t_s, dtype=float)
        times = Time(self.start.tai_jd1, self.start.tai_jd2 + t / SECONDS_PER_DAY)
        jd1, jd2 = times.utc_jd
        return np.ascontiguousarray(np.broadcast_to(jd1, t.shape), dtype=float), \
            np.ascontiguousarray(np.broadcast_to(jd2, t.shape), dtype=float)

    def grid(self, sat_index, t_s):
        """TEME (r m, v m/s) of satellites ``sat_index`` (n,) at shared times ``t_s`` (m,): (n, m, 3)."""
        jd1, jd2 = self._utc(t_s)
        array = SatrecArray([self.satrecs[k] for k in sat_index])
        error, r, v = array.sgp4(jd1, jd2)
        r *= _KM
        v *= _KM
        bad = error != 0
        if bad.any():
            r[bad] = np.nan
            v[bad] = np.nan
        return r, v

    def pairs(self, sat_index, t_s):
        """TEME (r m, v m/s) at (satellite, time) pairs: ``sat_index`` (n,) int and ``t_s`` (n,): (n, 3).

        One call per distinct satellite (the ``sgp4`` package has no call for per-satellite times),
        so callers batch all the pairs of one search step together. The call is the compiled routine
        behind ``Satrec.sgp4_array`` (``Satrec._sgp4``), writing into slices of one output array;
        ``sgp4_array`` itself where that routine is absent (sgp4's pure-Python fallback).
        """
        sat_index = np.asarray(sat_index, dtype=np.int64)
        n = sat_index.shape[0]
        r = np.empty((n, 3))
        v = np.empty((n, 3))
        if n == 0:
            return r, v
        jd1, jd2 = self._utc(t_s)
        order = np.argsort(sat_index, kind="stable")
        sorted_sat = sat_index[order]
        cuts = np.flatnonzero(np.diff(sorted_sat)) + 1
        starts = np.concatenate(([0], cuts))
        stops = np.concatenate((cuts, [n]))
        jd1o = np.ascontiguousarray(jd1[order])
        jd2o = np.ascontiguousarray(jd2[order])
        ro = np.empty((n, 3))
        vo = np.empty((n, 3))
        eo = np.empty(n, dtype=np.uint8)
        satrecs, directs = self.satrecs, self._direct
        first = sorted_sat[starts].tolist()
        for k, a, b in zip(first, starts.tolist(), stops.tolist()):
            direct = directs[k]
            if direct is not None:
                # What Satrec.sgp4_array does, less its three array allocations (~4 us a call):
                # the compiled routine writes straight into slices of one output array.
                direct(jd1o[a:b], jd2o[a:b], eo[a:b], ro[a:b], vo[a:b])
            else:  # sgp4's pure-Python Satrec
                e, rr, vv = satrecs[k].sgp4_array(jd1o[a:b], jd2o[a:b])
                ro[a:b], vo[a:b], eo[a:b] = rr, vv, e
        ro *= _KM
        vo *= _KM
        r[order] = ro
        v[order] = vo
        bad = np.zeros(n, dtype=bool)
        bad[order] = eo != 0
        if bad.any():
            r[bad] = np.nan
            v[bad] = np.nan
        return r, v


STALE_ELEMENTS_DAYS = STALE_EPOCH_DAYS  # one threshold for the package (orbits.sgp4_source)


class StaleElementsWarning(UserWarning):
    """The search window lies far from the epoch of some element sets: SGP4's errors grow with time."""


def warn_if_stale(satrecs, ids, start: Time, duration_s: float) -> None:
    """One StaleElementsWarning when the window reaches more than 30 days from some element set's epoch."""
    days = days_from_epoch(satrecs, start + np.array([0.0, float(duration_s)]))
    stale = np.flatnonzero(days > STALE_ELEMENTS_DAYS)
    if stale.size:
        worst = stale[np.argmax(days[stale])]
        warn_at_caller(f"{stale.size} of {len(satrecs)} element sets are more than {STALE_ELEMENTS_DAYS:g} days "
                       f"from the window (satellite {int(ids[worst])}: {days[worst]:.0f} days); SGP4 errors grow "
                       "with the distance from the epoch (kilometres a day for low orbits), so these times may be "
                       "wrong", StaleElementsWarning)
