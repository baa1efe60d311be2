"""A tabulated ephemeris (e.g. a CCSDS OEM) used as a propagator, by Hermite or Lagrange interpolation.

Each query time is interpolated from a window of samples around it (the query in the middle
interval where the table allows; shifted inward at its ends):

- HERMITE: positions and velocities of m nodes fix one polynomial of degree 2m - 1 per
  coordinate; the velocity is its derivative. ``degree`` d uses m = ceil((d + 1) / 2) nodes.
- LAGRANGE: positions and velocities are interpolated separately, each with a polynomial of
  degree d through d + 1 nodes (as CCSDS OEM readers commonly do).

Both are evaluated in Newton's divided-difference form with repeated nodes for Hermite (Burden &
Faires, *Numerical Analysis*, section 3.4), on a time axis scaled by the window's length so that the
table stays well conditioned. Samples may be unevenly spaced. Times outside the table's span get
NaN and ``Status.OUTSIDE_SPAN``; nothing is extrapolated.
"""

from __future__ import annotations

from enum import Enum

import numpy as np

from ..errors import InvalidInputError
from ..frames import Frame
from ..time import Time
from .propagator import Ephemeris, Status, elapsed_s, empty_ephemeris_arrays, time_vector

# Queries this close (s) beyond either end of the table still count as inside: a time built from
# the table's own epochs by another route may differ from it by rounding.
_SPAN_TOLERANCE_S = 1e-6


class InterpolationMethod(str, Enum):
    HERMITE = "HERMITE"
    LAGRANGE = "LAGRANGE"


def _newton_coefficients(z, values, derivatives=None):
    """Divided differences along axis 1 of ``values`` (q, N, 3) at nodes z (q, N).

    With ``derivatives`` (q, N, 3), nodes come in equal pairs (z[2k] == z[2k+1]) and the first
    divided difference of each pair is the derivative (Hermite); otherwise nodes are distinct.
    """
    c = values.copy()
    n = z.shape[1]
    for k in range(1, n):
        step = (z[:, k:] - z[:, :n - k])[..., None]
        with np.errstate(invalid="ignore", divide="ignore"):
            new = (c[:, k:] - c[:, k - 1:n - 1]) / step
        if k == 1 and derivatives is not None:
            new[:, 0::2] = derivatives[:, 0::2]  # the pairs (z[2k], z[2k+1]): j = 1, 3, 5 ... -> slice 0::2
        c[:, k:] = new
    return c


def _newton_evaluate(c, z, tau):
    """Value and derivative of the Newton polynomial (coefficients c (q, N, 3), nodes z (q, N)) at tau (q,)."""
    n = z.shape[1]
    p = c[:, n - 1].copy()
    dp = np.zeros_like(p)
    for j in range(n - 2, -1, -1):
        w = (tau - z[:, j])[:, None]
        dp = dp * w + p
        p = p * w + c[:, j]
    return p, dp


class InterpolatingPropagator:
    """States of one satellite interpolated from a table of states.

    ``times``: Time (n,) strictly increasing; ``position_m``, ``velocity_m_s``: (n, 3) in ``frame``.
    ``method``: InterpolationMethod (HERMITE by default); ``degree``: polynomial degree (7 by
    default; the nodes used are in the module docstring). ``satellite_id``: the id in the Ephemeris.
    """

    def __init__(self, times: Time, position_m, velocity_m_s, frame: Frame, *,
                 method: InterpolationMethod = InterpolationMethod.HERMITE, degree: int = 7, satellite_id: int = 0):
        owner = "interpolated ephemeris"
        if not isinstance(times, Time) or len(times.shape) != 1:
            raise InvalidInputError(f"{owner}: times must be a one-dimensional Time")
        if not isinstance(frame, Frame):
            raise InvalidInputError(f"{owner}: frame must be a cosmodrome.frames.Frame, got {frame!r}")
        try:
            method = InterpolationMethod(method)
        except ValueError:
            raise InvalidInputError(f"{owner}: interpolation method must be HERMITE or LAGRANGE, got {method!r}",
                                    field="method") from None
        if not (isinstance(degree, (int, np.integer)) and 1 <= degree <= 31):
            raise InvalidInputError(f"{owner}: interpolation degree must be an integer from 1 to 31, got {degree!r}",
                                    field="degree")
        n = times.shape[0]
        position = np.array(position_m, dtype=float)
        velocity = np.array(velocity_m_s, dtype=float)
        for name, value in (("position_m", position), ("velocity_m_s", velocity)):
            if value.shape != (n, 3):
                raise InvalidInputError(f"{owner}: {name} must have shape ({n}, 3) to match the times, "
                                        f"got {value.shape}", field=name)
            if not np.all(np.isfinite(value)):
                row = int(np.flatnonzero(~np.isfinite(value).all(axis=1))[0])
                raise InvalidInputError(f"{owner}: {name} row {row} is not finite: {value[row].tolist()}", field=name)
        self._nodes = max(2, (degree + 2) // 2) if method == InterpolationMethod.HERMITE else degree + 1
        if n < self._nodes:
            raise InvalidInputError(f"{owner}: {method.value} of degree {degree} needs at least {self._nodes} "
                                    f"samples, got {n}")
        self._epoch = times[0]
        self._seconds = elapsed_s(times, [self._epoch])[0]
        steps = np.diff(self._seconds)
        if np.any(steps <= 0):
            k = int(np.flatnonzero(steps <= 0)[0])
            raise InvalidInputError(f"{owner}: times must be strictly increasing; sample {k + 1} "
                                    f"({times[k + 1]!r}) is not after sample {k} ({times[k]!r})")
        self._position = position
        self._velocity = velocity
        self._frame = frame
        self._method = method
        self._id = np.array([satellite_id], dtype=np.int64)
        self.start = times[0]
        self.stop = times[n - 1]

    @property
    def frame(self) -> Frame:
        return self._frame

    def propagate(self, times: Time) -> Ephemeris:
        """Interpolated states at ``times`` (1 x n_time); outside the span NaN and Status.OUTSIDE_SPAN."""
        times = time_vector(times)
        position, velocity, status = empty_ephemeris_arrays(1, times.shape[0])
        t = elapsed_s(times, [self._epoch])[0]
        s = self._seconds
        inside = (t >= s[0] - _SPAN_TOLERANCE_S) & (t <= s[-1] + _SPAN_TOLERANCE_S)
        status[0, ~inside] = Status.OUTSIDE_SPAN
        tq = np.clip(t[inside], s[0], s[-1])
        if tq.size:
            m = self._nodes
            interval = np.clip(np.searchsorted(s, tq, side="right") - 1, 0, s.size - 2)
            start = np.clip(interval - (m - 1) // 2, 0, s.size - m)
            window = start[:, None] + np.arange(m)
            # Scaled time: 0 at the window's first node, 1 at its last (well-conditioned differences).
            origin = s[window[:, 0]]
            scale = np.maximum(s[window[:, -1]] - origin, 1e-9)
            z = (s[window] - origin[:, None]) / scale[:, None]
            tau = (tq - origin) / scale
            r_nodes, v_nodes = self._position[window], self._velocity[window]
            if self._method == InterpolationMethod.HERMITE:
                z2 = np.repeat(z, 2, axis=1)
                c = _newton_coefficients(z2, np.repeat(r_nodes, 2, axis=1),
                                         np.repeat(v_nodes * scale[:, None, None], 2, axis=1))
                r, dr = _newton_evaluate(c, z2, tau)
                v = dr / scale[:, None]
            else:
                r, _ = _newton_evaluate(_newton_coefficients(z, r_nodes), z, tau)
                v, _ = _newton_evaluate(_newton_coefficients(z, v_nodes), z, tau)
            position[0, inside] = r
            velocity[0, inside] = v
        return Ephemeris(self._id, times, position, velocity, status, self._frame)
