"""Two-body (Kepler) propagation: the universal-variable kernel and a propagator on top of it.

Kernel: Vallado, *Fundamentals of Astrodynamics and Applications*, 4th ed. (2013), algorithm 8
(KEPLER, universal variables with Stumpff functions c2 and c3 and the f and g functions), one
formulation for ellipses, parabolas and hyperbolas. Two choices differ from the textbook loop:

- an elliptic time of flight is first reduced to within half a period of the epoch, so that the
  universal variable stays within one revolution and the answer does not degrade after many orbits;
- Newton's iteration is safeguarded by a bracket: the time-of-flight function is increasing
  (its derivative is the radius r > 0), and since r >= r_periapsis the root lies within
  |chi| <= sqrt(mu) |dt| / r_periapsis; a Newton step leaving the bracket is replaced by bisection.

Rows that still do not converge come out as NaN with ``Status.NOT_CONVERGED``.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..earth.constants import WGS84_GM_M3_S2
from ..errors import InvalidInputError
from ..frames import Frame
from ..time import Time
from .propagator import Ephemeris, Status, elapsed_s, time_vector
from .records import KeplerianElements, StateVector

_MAX_ITERATIONS = 100


def _stumpff(z):
    """Stumpff functions c2(z) = (1 - cos sqrt z)/z and c3(z) = (sqrt z - sin sqrt z)/sqrt(z)^3, any real z."""
    c2 = np.empty_like(z)
    c3 = np.empty_like(z)
    small = np.abs(z) < 0.1
    pos = (z >= 0.1)
    neg = (z <= -0.1)
    zs = z[small]
    # Series (alternating factorials), truncated after z^6: error below 1e-17 for |z| < 0.1.
    c2[small] = 1/2 - zs * (1/24 - zs * (1/720 - zs * (1/40320 - zs * (1/3628800 - zs * (
        1/479001600 - zs / 87178291200)))))
    c3[small] = 1/6 - zs * (1/120 - zs * (1/5040 - zs * (1/362880 - zs * (1/39916800 - zs * (
        1/6227020800 - zs / 1307674368000)))))
    sz = np.sqrt(z[pos])
    # Half-angle form of 1 - cos avoids the cancellation of the textbook expression.
    c2[pos] = 2.0 * np.sin(sz / 2.0) ** 2 / z[pos]
    c3[pos] = (sz - np.sin(sz)) / sz**3
    with np.errstate(over="ignore", invalid="ignore"):
        sz = np.sqrt(-z[neg])
        c2[neg] = 2.0 * np.sinh(sz / 2.0) ** 2 / -z[neg]
        c3[neg] = (np.sinh(sz) - sz) / sz**3
    return c2, c3


def kepler_universal(r0_m, v0_m_s, dt_s, mu_m3_s2=WGS84_GM_M3_S2):
    """Two-body states after ``dt_s`` seconds from (r0, v0).

    ``r0_m``, ``v0_m_s``: (..., 3) in an inertial frame; ``dt_s``: broadcastable with r0[..., 0].
    Returns (r_m, v_m_s, status): (B..., 3), (B..., 3) and int8 (B...), B the broadcast shape.
    Formulas: Vallado (2013) algorithm 8 (module docstring for the two safeguards).
    """
    r0 = np.asarray(r0_m, dtype=float)
    v0 = np.asarray(v0_m_s, dtype=float)
    dt = np.asarray(dt_s, dtype=float)
    shape = np.broadcast_shapes(r0.shape[:-1], v0.shape[:-1], dt.shape)
    r0 = np.broadcast_to(r0, shape + (3,)).reshape(-1, 3)
    v0 = np.broadcast_to(v0, shape + (3,)).reshape(-1, 3)
    dt = np.broadcast_to(dt, shape).ravel()

    sqrt_mu = np.sqrt(mu_m3_s2)
    r0n = np.linalg.norm(r0, axis=-1)
    v0sq = np.einsum("ij,ij->i", v0, v0)
    sigma0 = np.einsum("ij,ij->i", r0, v0) / sqrt_mu
    alpha = 2.0 / r0n - v0sq / mu_m3_s2  # 1/a
    h = np.linalg.norm(np.cross(r0, v0), axis=-1)
    ecc = np.linalg.norm(((v0sq - mu_m3_s2 / r0n)[:, None] * r0 - (sigma0 * sqrt_mu)[:, None] * v0) / mu_m3_s2,
                         axis=-1)
    r_periapsis = h * h / mu_m3_s2 / (1.0 + ecc)

    elliptic = alpha > 1e-15 * (1.0 / r0n)  # alpha*r0 > 1e-15: ellipses; parabola-like rows use the bracket
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        period = np.where(elliptic, 2.0 * np.pi / (sqrt_mu * np.abs(alpha) ** 1.5), np.inf)
        revolutions = np.where(elliptic, np.round(dt / period), 0.0)
        tau = np.where(elliptic, dt - revolutions * period, dt)  # reduced time of flight
        target = sqrt_mu * tau
        bound = np.abs(target) / r_periapsis
        bound = np.where(elliptic, np.minimum(bound, (np.pi + 2.0) / np.sqrt(np.abs(alpha))), bound)
        lo = np.where(tau >= 0, 0.0, -bound)
        hi = np.where(tau >= 0, bound, 0.0)
        # Starting values: Vallado (2013) algorithm 8 for ellipses and hyperbolas; else mid-bracket.
        a = 1.0 / alpha
        sign = np.where(tau >= 0, 1.0, -1.0)
        chi_hyperbolic = sign * np.sqrt(-a) * np.log(
            (-2.0 * mu_m3_s2 * alpha * tau)
            / (sigma0 * sqrt_mu + sign * np.sqrt(-mu_m3_s2 * a) * (1.0 - r0n * alpha)))
        chi = np.where(elliptic, sqrt_mu * tau * alpha, np.where(alpha < 0, chi_hyperbolic, np.nan))
        chi = np.where(np.isfinite(chi) & (chi >= lo) & (chi <= hi), chi, 0.5 * (lo + hi))

        done = (tau == 0.0) | ~np.isfinite(target)
        chi = np.where(tau == 0.0, 0.0, chi)
        for _ in range(_MAX_ITERATIONS):
            z = alpha * chi * chi
            c2, c3 = _stumpff(z)
            chi2 = chi * chi
            time_fn = sigma0 * chi2 * c2 + (1.0 - alpha * r0n) * chi2 * chi * c3 + r0n * chi
            radius = chi2 * c2 + sigma0 * chi * (1.0 - z * c3) + r0n * (1.0 - z * c2)
            residual = time_fn - target
            lo = np.where(residual < 0, chi, lo)
            hi = np.where(residual > 0, chi, hi)
            newton = chi - residual / radius
            inside = (newton > lo) & (newton < hi)
            new = np.where(inside, newton, 0.5 * (lo + hi))
            step = new - chi
            chi = np.where(done, chi, new)
            done |= (np.abs(step) <= 1e-15 * np.maximum(np.abs(chi), 1.0)) | (hi - lo <= 4e-16 * np.abs(chi))
            if done.all():
                break

        z = alpha * chi * chi
        c2, c3 = _stumpff(z)
        chi2 = chi * chi
        f = 1.0 - chi2 / r0n * c2
        g = tau - chi2 * chi / sqrt_mu * c3
        r = f[:, None] * r0 + g[:, None] * v0
        rn = np.linalg.norm(r, axis=-1)
        fdot = sqrt_mu / (rn * r0n) * chi * (z * c3 - 1.0)
        gdot = 1.0 - chi2 / rn * c2
        v = fdot[:, None] * r0 + gdot[:, None] * v0

    good = done & np.isfinite(r).all(axis=-1) & np.isfinite(v).all(axis=-1)
    status = np.where(good, Status.OK, Status.NOT_CONVERGED).astype(np.int8)
    r[~good] = np.nan
    v[~good] = np.nan
    return r.reshape(shape + (3,)), v.reshape(shape + (3,)), status.reshape(shape)


def _as_states(states, gm_m3_s2: float, owner: str):
    if isinstance(states, (StateVector, KeplerianElements)):
        states = [states]
    if not isinstance(states, Sequence) or len(states) == 0:
        raise InvalidInputError(f"{owner}: expected a StateVector, KeplerianElements or a non-empty list of them")
    out = []
    for k, state in enumerate(states):
        if isinstance(state, KeplerianElements):
            state = state.to_state_vector(gm_m3_s2)
        if not isinstance(state, StateVector):
            raise InvalidInputError(f"{owner}: item {k}: expected a StateVector or KeplerianElements, "
                                    f"got {type(state).__name__}")
        out.append(state)
    frames = {s.frame for s in out}
    if len(frames) != 1:
        raise InvalidInputError(f"{owner}: all states must share one frame, got {sorted(f.value for f in frames)}")
    frame = frames.pop()
    if frame == Frame.ITRS:
        raise InvalidInputError(f"{owner}: needs states in an inertial frame (TEME, GCRS or EME2000), got ITRS")
    return out, frame


def _satellite_ids(satellite_ids, n: int, owner: str) -> np.ndarray:
    if satellite_ids is None:
        return np.arange(n, dtype=np.int64)
    ids = np.asarray(satellite_ids)
    if ids.shape != (n,) or not np.issubdtype(ids.dtype, np.integer):
        raise InvalidInputError(f"{owner}: satellite_ids must be {n} integers, got {ids!r}")
    return ids.astype(np.int64)


class KeplerPropagator:
    """Two-body propagation of one or many satellites in the frame of their initial states.

    ``states``: a StateVector or KeplerianElements (osculating), or a list of them, all in one
    inertial frame. ``gm_m3_s2``: the central body's GM (WGS-84 by default, as the ascent uses).
    ``satellite_ids``: integers for the Ephemeris (0, 1, ... by default).
    """

    def __init__(self, states, *, gm_m3_s2: float = WGS84_GM_M3_S2, satellite_ids=None):
        self._states, self._frame = _as_states(states, gm_m3_s2, "Kepler propagator")
        self._gm = float(gm_m3_s2)
        self._ids = _satellite_ids(satellite_ids, len(self._states), "Kepler propagator")

    @property
    def frame(self) -> Frame:
        return self._frame

    def propagate(self, times: Time) -> Ephemeris:
        """Two-body states at ``times`` (n_sat x n_time), in the frame of the initial states."""
        times = time_vector(times)
        dt = elapsed_s(times, [s.epoch for s in self._states])
        r0 = np.stack([s.position_m for s in self._states])[:, None, :]
        v0 = np.stack([s.velocity_m_s for s in self._states])[:, None, :]
        r, v, status = kepler_universal(r0, v0, dt, self._gm)
        return Ephemeris(self._ids, times, r, v, status, self._frame)
