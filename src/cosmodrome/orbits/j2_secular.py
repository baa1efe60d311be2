"""J2 secular propagation of mean elements, with Brouwer's short-period J2 terms between mean and osculating.

Theory
------
- Secular rates: Brouwer (1959, *Astron. J.* 64, 378) to second order in J2, with n = sqrt(mu/a^3)
  of the mean semi-major axis; to first order (Vallado 2013 eq. 9-41, p = a (1 - e^2)):

      dRAAN/dt = -3/2 n J2 (R/p)^2 cos i
      dargp/dt =  3/4 n J2 (R/p)^2 (5 cos^2 i - 1)
      dM/dt    =  n [1 + 3/4 J2 (R/p)^2 sqrt(1 - e^2) (3 cos^2 i - 1)]

  (the J2^2 terms are in :func:`j2_secular_rates`). a, e and i have no secular change under J2.
- Mean <-> osculating: the first-order **short-period** terms of Brouwer (1959), in the
  non-singular form of Lyddane (1963, *Astron. J.* 68, 555) that carries e*dM and e + de instead
  of dividing by e, laid out as in Schaub & Junkins, *Analytical Mechanics of Space Systems*
  (2003), appendix F. During development each of the six corrections was checked against the
  derivatives of Brouwer's short-period generating function W1 (complex-step differentiation;
  differences scale as J2^2), and the tests check the map against numerical integration: the
  mean a, e, i of a numerically integrated J2 orbit stay constant to O(J2^2).
  Brouwer's long-period terms (in 2 argp, singular at the critical inclination 63.4 deg) are
  left out on purpose: the mean elements here are Brouwer's single-primed elements (secular plus
  long-period part), so the conversion works at every inclination. The long-period
  terms are O(J2 e), metres for near-circular orbits; the secular propagator does not model them.
- Osculating -> mean: the inverse of the short-period map, by fixed-point iteration in equinoctial
  elements (a, e sin(argp+raan), e cos(argp+raan), sin(i/2) sin raan, sin(i/2) cos raan,
  M + argp + raan), which exist for circular and equatorial orbits. The round trip
  mean -> osculating -> mean is then exact to the iteration tolerance (1e-13), not just to O(J2^2).
- The propagator (not the kernels) then computes the secular rates with a mean semi-major axis
  refined from the conserved energy of the J2 problem, matched to Brouwer's mean Hamiltonian to
  second order (:func:`energy_mean_semi_major_axis`); the short-period map keeps the exact-inverse
  mean a, so the state at epoch is reproduced. Without the refinement, the O(J2^2) error of a
  first-order mean semi-major axis (~30 m in LEO) makes the mean motion wrong by ~6e-6 and the
  satellite drifts ~4 km per day along track. With it, against a numerical J2-only integration
  (measured, docs/propagators.md): 500 km sun-synchronous 43 m after 1 day and 47 m after 10;
  e = 0.1 LEO 38 m and 300 m (Brouwer's long-period terms, O(J2 e), are not modelled); Molniya
  78 m and 100 m.

Frame: the elements' z axis is taken as the Earth's rotation axis. In TEME this holds (to the
precision SGP4 itself assumes). In GCRS or EME2000 the pole is off by precession and nutation
since J2000 (about 0.15 deg in 2026), so the node regresses about a tilted axis: an error that grows
like pole offset x nodal motion x radius, ~0.3 km per day for a LEO sun-synchronous orbit.
For accurate J2 secular work, give the propagator TEME (true-of-date) states.

Constants default to WGS-84 GM and radius with the EGM96 J2 (``cosmodrome.earth.constants``).
Kernels work on arrays and never raise: an orbit that is not elliptic (e >= 1 or a <= 0) gives NaN
and ``Status.INVALID_ORBIT``; an inverse that does not converge gives ``Status.NOT_CONVERGED``.
"""

from __future__ import annotations

import numpy as np

from ..earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_GM_M3_S2, WGS84_J2
from ..errors import InvalidInputError
from ..time import Time
from .elements import (cartesian_to_keplerian, keplerian_to_cartesian, mean_to_true_anomaly,
                       true_to_mean_anomaly)
from .kepler import _as_states, _satellite_ids
from .propagator import Ephemeris, Status, elapsed_s, time_vector
from .records import KeplerianElements

_TWO_PI = 2.0 * np.pi


def j2_secular_rates(a_m, e, i_rad, mu_m3_s2=WGS84_GM_M3_S2, j2=WGS84_J2,
                     equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M):
    """(raan_rate, argp_rate, mean_anomaly_rate) in rad/s for mean a (m), e, i (rad).

    Brouwer (1959) secular rates to second order in J2 (J2-only field), with
    g = gamma2' = J2/2 (R/p)^2, n = sqrt(mu/a^3), theta = cos i, eta = sqrt(1 - e^2):

        dM/dt    = n [1 + 3/2 g eta (3 theta^2 - 1) + 3/32 g^2 eta (-15 + 16 eta + 25 eta^2
                        + (30 - 96 eta - 90 eta^2) theta^2 + (105 + 144 eta + 25 eta^2) theta^4)]
        dargp/dt = n [3/2 g (5 theta^2 - 1) + 3/32 g^2 (-35 + 24 eta + 25 eta^2
                        + (90 - 192 eta - 126 eta^2) theta^2 + (385 + 360 eta + 45 eta^2) theta^4)]
        dRAAN/dt = n [-3 g theta + 3/8 g^2 ((-5 + 12 eta + 9 eta^2) theta + (-35 - 36 eta - 5 eta^2) theta^3)]

    The first-order parts are Vallado (2013) eq. 9-41. At eta = 1 the J2^2 parts reduce to the
    ones SGP4 uses (Hoots & Roehrich 1980, Spacetrack Report 3: mdot, argpdot, nodedot), which
    cross-checks them; against a numerical J2-only integration they cut the error of the fitted
    mean RAAN rate from ~1e-3 to ~1e-5 relative (tests/orbits/test_j2_secular.py).
    """
    a = np.asarray(a_m, dtype=float)
    e = np.asarray(e, dtype=float)
    th = np.cos(i_rad)
    th2 = th * th
    with np.errstate(invalid="ignore", divide="ignore"):
        n = np.sqrt(mu_m3_s2 / a**3)
        eta = np.sqrt(1.0 - e * e)
        g = 0.5 * j2 * (equatorial_radius_m / (a * eta * eta)) ** 2
    eta2 = eta * eta
    mean_anomaly_rate = n * (1.0 + 1.5 * g * eta * (3.0 * th2 - 1.0)
                             + 3.0 / 32.0 * g * g * eta * (-15.0 + 16.0 * eta + 25.0 * eta2
                                                           + (30.0 - 96.0 * eta - 90.0 * eta2) * th2
                                                           + (105.0 + 144.0 * eta + 25.0 * eta2) * th2 * th2))
    argp_rate = n * (1.5 * g * (5.0 * th2 - 1.0)
                     + 3.0 / 32.0 * g * g * (-35.0 + 24.0 * eta + 25.0 * eta2
                                             + (90.0 - 192.0 * eta - 126.0 * eta2) * th2
                                             + (385.0 + 360.0 * eta + 45.0 * eta2) * th2 * th2))
    raan_rate = n * (-3.0 * g * th
                     + 3.0 / 8.0 * g * g * ((-5.0 + 12.0 * eta + 9.0 * eta2) * th
                                            + (-35.0 - 36.0 * eta - 5.0 * eta2) * th2 * th))
    return raan_rate, argp_rate, mean_anomaly_rate


def _short_period(a, e, i, raan, argp, M, sign, j2, radius):
    """Apply Brouwer's short-period J2 terms to (a, e, i, raan, argp, M) with gamma2 -> sign*gamma2.

    sign = +1 maps mean to osculating elements; the terms are evaluated at the elements given.
    Schaub & Junkins (2003) appendix F with the long-period terms dropped (module docstring).
    """
    eta = np.sqrt(1.0 - e * e)
    theta = np.cos(i)
    theta2 = theta * theta
    gamma2 = sign * 0.5 * j2 * (radius / a) ** 2
    gamma2p = gamma2 / eta**4
    nu = mean_to_true_anomaly(M, e)
    cos_f, sin_f = np.cos(nu), np.sin(nu)
    a_over_r = (1.0 + e * cos_f) / (eta * eta)
    a_over_r3 = a_over_r**3
    two_w = 2.0 * argp
    c2w2f, s2w2f = np.cos(two_w + 2 * nu), np.sin(two_w + 2 * nu)
    c2wf, s2wf = np.cos(two_w + nu), np.sin(two_w + nu)
    c2w3f, s2w3f = np.cos(two_w + 3 * nu), np.sin(two_w + 3 * nu)
    equation_of_centre = (nu - M + np.pi) % _TWO_PI - np.pi  # f - M, wrapped

    a_osc = a + a * gamma2 * ((3 * theta2 - 1) * (a_over_r3 - eta**-3) + 3 * (1 - theta2) * a_over_r3 * c2w2f)

    cubic = 3 * cos_f + 3 * e * cos_f**2 + e * e * cos_f**3
    de = 0.5 * eta**2 * (
        gamma2 * ((3 * theta2 - 1) / eta**6 * (e * eta + e / (1 + eta) + cubic)
                  + 3 * (1 - theta2) / eta**6 * (e + cubic) * c2w2f)
        - gamma2p * (1 - theta2) * (3 * c2wf + c2w3f))

    di = 0.5 * gamma2p * theta * np.sqrt(1 - theta2) * (3 * c2w2f + 3 * e * c2wf + e * c2w3f)

    aeta_r2 = (a_over_r * eta) ** 2
    # Brouwer's bracket shared by dl (= -gamma2' eta^3 B / (4 e)) and dg (which holds +gamma2' eta^2 B / (4 e)).
    bracket = (2 * (3 * theta2 - 1) * (aeta_r2 + a_over_r + 1) * sin_f
               + 3 * (1 - theta2) * ((-aeta_r2 - a_over_r + 1) * s2wf + (aeta_r2 + a_over_r + 1.0 / 3.0) * s2w3f))
    e_dM = -0.25 * gamma2p * eta**3 * bracket

    periodic = 3 * s2w2f + 3 * e * s2wf + e * s2w3f
    draan = -0.5 * gamma2p * theta * (6 * (equation_of_centre + e * sin_f) - periodic)
    # d(M + argp) = dl + dg; the 1/e parts of dl and dg combine into e eta^2 / (1 + eta) B, no division by e.
    dlambda = (0.25 * gamma2p * (-6 * (1 - 5 * theta2) * (equation_of_centre + e * sin_f)
                                 + (3 - 5 * theta2) * periodic
                                 + e * eta**2 / (1 + eta) * bracket)
               + draan)

    # Lyddane's recombination: e and M through (e + de, e dM); i and raan through sin(i/2).
    d1 = (e + de) * np.sin(M) + e_dM * np.cos(M)
    d2 = (e + de) * np.cos(M) - e_dM * np.sin(M)
    M_osc = np.arctan2(d1, d2)
    M_osc = M_osc + np.round((M - M_osc) / _TWO_PI) * _TWO_PI  # keep the revolution count
    e_osc = np.hypot(d1, d2)
    s_half, c_half = np.sin(i / 2), np.cos(i / 2)
    d3 = (s_half + 0.5 * c_half * di) * np.sin(raan) + s_half * draan * np.cos(raan)
    d4 = (s_half + 0.5 * c_half * di) * np.cos(raan) - s_half * draan * np.sin(raan)
    raan_osc = np.arctan2(d3, d4)
    raan_osc = raan_osc + np.round((raan - raan_osc) / _TWO_PI) * _TWO_PI
    i_osc = 2.0 * np.arcsin(np.clip(np.hypot(d3, d4), 0.0, 1.0))
    argp_osc = (M + argp + raan + dlambda) - M_osc - raan_osc
    return a_osc, e_osc, i_osc, raan_osc, argp_osc, M_osc


def _valid(a, e):
    return (a > 0) & (e >= 0) & (e < 1)


def mean_to_osculating(a_m, e, i_rad, raan_rad, argp_rad, M_rad, *, j2=WGS84_J2,
                       equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M):
    """Osculating (a_m, e, i, raan, argp, M) from mean elements (Brouwer short-period J2 terms).

    Arrays broadcast; angles in radians; NaN for rows that are not elliptic. The osculating
    elements are two-body elements with the GM used to turn them into a state.
    """
    a, e, i, raan, argp, M = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                                   for x in (a_m, e, i_rad, raan_rad, argp_rad, M_rad)))
    ok = _valid(a, e)
    with np.errstate(invalid="ignore", divide="ignore"):
        out = _short_period(np.where(ok, a, np.nan), np.where(ok, e, np.nan), i, raan, argp, M, 1.0, j2,
                            equatorial_radius_m)
    return tuple(np.where(ok, x, np.nan) for x in out)


def _to_equinoctial(a, e, i, raan, argp, M):
    s_half = np.sin(i / 2)
    lon_peri = argp + raan
    return np.stack([a, e * np.sin(lon_peri), e * np.cos(lon_peri), s_half * np.sin(raan),
                     s_half * np.cos(raan), M + lon_peri])


def _from_equinoctial(q, lam_reference):
    a, h, k, p, s = q
    e = np.hypot(h, k)
    lon_peri = np.arctan2(h, k)
    raan = np.arctan2(p, s)
    i = 2.0 * np.arcsin(np.clip(np.hypot(p, s), 0.0, 1.0))
    argp = lon_peri - raan
    M = lam_reference - lon_peri
    return a, e, i, raan, argp, M


def osculating_to_mean(a_m, e, i_rad, raan_rad, argp_rad, M_rad, *, j2=WGS84_J2,
                       equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M, tolerance=1e-13, max_iterations=50):
    """Mean (a_m, e, i, raan, argp, M) and a status array from osculating elements.

    Inverts :func:`mean_to_osculating` by fixed-point iteration in equinoctial elements (module
    docstring). Returns ``(a, e, i, raan, argp, M, status)``; rows that are not elliptic get NaN and
    ``Status.INVALID_ORBIT``, rows that do not converge NaN and ``Status.NOT_CONVERGED``.
    """
    a, e, i, raan, argp, M = np.broadcast_arrays(*(np.asarray(x, dtype=float)
                                                   for x in (a_m, e, i_rad, raan_rad, argp_rad, M_rad)))
    ok = _valid(a, e)
    target = _to_equinoctial(a, e, i, raan, argp, M)
    target_lambda = target[5]
    mean = target.copy()
    done = ~ok
    with np.errstate(invalid="ignore", divide="ignore"):
        for _ in range(max_iterations):
            elements = _from_equinoctial(mean[:5], mean[5])
            osc = _to_equinoctial(*mean_to_osculating(*elements, j2=j2, equatorial_radius_m=equatorial_radius_m))
            error = target - osc
            error[5] = (error[5] + np.pi) % _TWO_PI - np.pi
            scale = np.array([a, np.ones_like(a), np.ones_like(a), np.ones_like(a), np.ones_like(a),
                              np.ones_like(a)])
            converged = np.all(np.abs(error) <= tolerance * scale, axis=0)
            mean = np.where(done, mean, mean + error)
            done = done | converged
            if done.all():
                break
    # Keep the mean longitude within half a turn of the osculating one (revolution count of the input).
    mean[5] = target_lambda + ((mean[5] - target_lambda + np.pi) % _TWO_PI - np.pi)
    result = _from_equinoctial(mean[:5], mean[5])
    status = np.where(ok, np.where(done, Status.OK, Status.NOT_CONVERGED), Status.INVALID_ORBIT).astype(np.int8)
    good = status == Status.OK
    result = tuple(np.where(good, x, np.nan) for x in result)
    return (*result, status)


def _second_order_hamiltonian_factor(eta, theta):
    """Brouwer's secular J2^2 Hamiltonian F2 divided by (mu/a) gamma2'^2, as a function of eta and cos i.

    Obtained by integrating the second-order rates of :func:`j2_secular_rates` (dF/dH, dF/dG, dF/dL
    in Delaunay variables); the three rates integrate to this one function with nothing left over,
    which cross-checks them.
    """
    t2 = theta * theta
    t4 = t2 * t2
    return (eta**3 * (-15 * t4 / 32 + 27 * t2 / 16 - 15 / 32)
            + eta**2 * (-27 * t4 / 8 + 9 * t2 / 4 - 3 / 8)
            + eta * (-105 * t4 / 32 - 15 * t2 / 16 + 15 / 32))


def energy_mean_semi_major_axis(r_m, v_m_s, a_mean_m, e_mean, i_mean_rad, *, mu_m3_s2=WGS84_GM_M3_S2,
                                j2=WGS84_J2, equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M, iterations=4):
    """Mean semi-major axis (m) whose mean J2 energy, to second order, equals the state's energy.

    The energy v^2/2 - mu/r + mu J2 R^2 (3 z^2/r^2 - 1) / (2 r^3) of the J2 problem is conserved,
    and equals Brouwer's mean Hamiltonian -mu/(2a) + F1 + F2 evaluated at the mean elements, with
    F1 = -mu J2 R^2 (3 cos^2 i - 1) / (4 a^3 eta^3) and F2 from :func:`_second_order_hamiltonian_factor`.
    Solving that for a (e and i held at their mean values) removes the O(J2^2) error that the
    first-order short-period map leaves in the mean semi-major axis; that error, through the mean
    motion, is what makes a first-order theory drift along track (km per day in LEO). ``r_m``,
    ``v_m_s`` (..., 3) osculating, with z along the rotation axis; ``a_mean_m`` is the starting value.
    """
    r = np.asarray(r_m, dtype=float)
    v = np.asarray(v_m_s, dtype=float)
    rn = np.linalg.norm(r, axis=-1)
    sin2_lat = (r[..., 2] / rn) ** 2
    energy = (0.5 * np.einsum("...k,...k->...", v, v) - mu_m3_s2 / rn
              + mu_m3_s2 * j2 * equatorial_radius_m**2 * (3.0 * sin2_lat - 1.0) / (2.0 * rn**3))
    a = np.asarray(a_mean_m, dtype=float)
    eta = np.sqrt(1.0 - np.asarray(e_mean, dtype=float) ** 2)
    theta = np.cos(i_mean_rad)
    factor = _second_order_hamiltonian_factor(eta, theta)
    for _ in range(iterations):
        gamma2p = 0.5 * j2 * (equatorial_radius_m / (a * eta * eta)) ** 2
        mean_energy = (-mu_m3_s2 / (2.0 * a)
                       - mu_m3_s2 * j2 * equatorial_radius_m**2 * (3.0 * theta**2 - 1.0) / (4.0 * a**3 * eta**3)
                       + mu_m3_s2 / a * gamma2p**2 * factor)
        # Newton on the Keplerian term only: the J2 terms change the slope by O(J2), so each step
        # gains a factor ~1e-3; four steps reach rounding.
        a = a - (mean_energy - energy) / (mu_m3_s2 / (2.0 * a * a))
    return a


def osculating_to_mean_elements(elements: KeplerianElements, *, j2=WGS84_J2,
                                equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M) -> KeplerianElements:
    """Brouwer mean elements (short-period J2 terms removed) of osculating ``elements``, same epoch and frame.

    The exact inverse of :func:`mean_to_osculating_elements` (no energy refinement). The true anomaly
    of the result is that of the mean orbit. Raises InvalidInputError for a hyperbola (no mean
    elements) or if the iteration does not converge (not seen for ellipses from LEO to GEO, e up to 0.9).
    """
    M = true_to_mean_anomaly(elements.true_anomaly_rad, elements.eccentricity)
    a, e, i, raan, argp, Mm, status = osculating_to_mean(
        elements.semi_major_axis_m, elements.eccentricity, elements.inclination_rad, elements.raan_rad,
        elements.argument_of_perigee_rad, M, j2=j2, equatorial_radius_m=equatorial_radius_m)
    if status != Status.OK:
        raise InvalidInputError(f"osculating elements: no Brouwer mean elements ({Status(int(status)).description})")
    return KeplerianElements(float(a), float(e), float(i), float(raan) % _TWO_PI, float(argp) % _TWO_PI,
                             float(mean_to_true_anomaly(Mm, e)) % _TWO_PI, elements.epoch, elements.frame)


def mean_to_osculating_elements(elements: KeplerianElements, *, j2=WGS84_J2,
                                equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M) -> KeplerianElements:
    """Osculating elements of Brouwer mean ``elements`` (short-period J2 terms added), same epoch and frame."""
    if not elements.eccentricity < 1:
        raise InvalidInputError(f"mean elements: expected an ellipse, got e = {elements.eccentricity}",
                                field="eccentricity")
    M = true_to_mean_anomaly(elements.true_anomaly_rad, elements.eccentricity)
    a, e, i, raan, argp, Mo = mean_to_osculating(
        elements.semi_major_axis_m, elements.eccentricity, elements.inclination_rad, elements.raan_rad,
        elements.argument_of_perigee_rad, M, j2=j2, equatorial_radius_m=equatorial_radius_m)
    return KeplerianElements(float(a), float(e), float(i), float(raan) % _TWO_PI, float(argp) % _TWO_PI,
                             float(mean_to_true_anomaly(Mo, e)) % _TWO_PI, elements.epoch, elements.frame)


class J2SecularPropagator:
    """Mean elements drifting at the J2 secular rates, returned as osculating states.

    ``states``: osculating StateVector or KeplerianElements (or a list of them, one inertial frame);
    they are turned into Brouwer mean elements once, at construction. Use
    :meth:`from_mean_elements` when the elements given are already mean elements.
    Each output state = mean elements at t -> short-period terms -> Cartesian (two-body GM).
    Satellites whose elements are not elliptic get NaN and ``Status.INVALID_ORBIT`` at every time.
    """

    def __init__(self, states, *, gm_m3_s2: float = WGS84_GM_M3_S2, j2: float = WGS84_J2,
                 equatorial_radius_m: float = WGS84_EQUATORIAL_RADIUS_M, satellite_ids=None,
                 _mean=None):
        self._gm = float(gm_m3_s2)
        self._j2 = float(j2)
        self._radius = float(equatorial_radius_m)
        if _mean is not None:
            (self._mean, self._status, self._epochs, self._frame) = _mean
            self._rate_a = self._mean[0]
        else:
            state_list, self._frame = _as_states(states, self._gm, "J2 secular propagator")
            r = np.stack([s.position_m for s in state_list])
            v = np.stack([s.velocity_m_s for s in state_list])
            a, e, i, raan, argp, nu = cartesian_to_keplerian(r, v, self._gm)
            M = true_to_mean_anomaly(nu, e)
            *mean, status = osculating_to_mean(a, e, i, raan, argp, M, j2=self._j2,
                                               equatorial_radius_m=self._radius)
            self._mean = np.array(mean)
            # The rates use the energy-matched semi-major axis (second order; see
            # energy_mean_semi_major_axis): it cuts the along-track drift from km to tens of m per
            # day. The short-period map keeps the mean a of the exact inverse, so that the state
            # at epoch is reproduced exactly.
            with np.errstate(invalid="ignore"):
                self._rate_a = energy_mean_semi_major_axis(r, v, mean[0], mean[1], mean[2], mu_m3_s2=self._gm,
                                                           j2=self._j2, equatorial_radius_m=self._radius)
            self._status = status
            self._epochs = [s.epoch for s in state_list]
        self._ids = _satellite_ids(satellite_ids, len(self._epochs), "J2 secular propagator")

    @classmethod
    def from_mean_elements(cls, elements, *, gm_m3_s2: float = WGS84_GM_M3_S2, j2: float = WGS84_J2,
                           equatorial_radius_m: float = WGS84_EQUATORIAL_RADIUS_M, satellite_ids=None):
        """A propagator from Brouwer mean KeplerianElements (one or a list, one inertial frame, ellipses)."""
        if isinstance(elements, KeplerianElements):
            elements = [elements]
        if not elements or not all(isinstance(x, KeplerianElements) for x in elements):
            raise InvalidInputError("J2 secular propagator: from_mean_elements expects KeplerianElements")
        frames = {x.frame for x in elements}
        if len(frames) != 1:
            raise InvalidInputError("J2 secular propagator: all elements must share one frame, "
                                    f"got {sorted(f.value for f in frames)}")
        mean = np.array([[x.semi_major_axis_m, x.eccentricity, x.inclination_rad, x.raan_rad,
                          x.argument_of_perigee_rad, float(true_to_mean_anomaly(x.true_anomaly_rad, x.eccentricity))]
                         for x in elements]).T
        status = np.where(_valid(mean[0], mean[1]), Status.OK, Status.INVALID_ORBIT).astype(np.int8)
        return cls(None, gm_m3_s2=gm_m3_s2, j2=j2, equatorial_radius_m=equatorial_radius_m,
                   satellite_ids=satellite_ids,
                   _mean=(mean, status, [x.epoch for x in elements], frames.pop()))

    @property
    def frame(self):
        return self._frame

    def mean_elements(self, times: Time):
        """Mean (a_m, e, i, raan, argp, M) arrays (n_sat, n_time) at ``times`` (angles not wrapped).

        a, e and i are constant; the angles drift at :func:`j2_secular_rates`, evaluated (for a
        propagator built from osculating states) with the energy-matched semi-major axis.
        """
        dt = elapsed_s(times, self._epochs)
        a, e, i, raan, argp, M = (x[:, None] for x in self._mean)
        raan_rate, argp_rate, m_rate = j2_secular_rates(self._rate_a[:, None], e, i, self._gm, self._j2,
                                                        self._radius)
        shape = dt.shape
        return (np.broadcast_to(a, shape), np.broadcast_to(e, shape), np.broadcast_to(i, shape),
                raan + raan_rate * dt, argp + argp_rate * dt, M + m_rate * dt)

    def propagate(self, times: Time) -> Ephemeris:
        """Osculating states at ``times`` (n_sat x n_time) in the frame of the initial states."""
        times = time_vector(times)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = self.mean_elements(times)
            a, e, i, raan, argp, M = mean_to_osculating(*mean, j2=self._j2, equatorial_radius_m=self._radius)
            nu = mean_to_true_anomaly(M, e)
            r, v = keplerian_to_cartesian(a, e, i, raan, argp, nu, self._gm)
        status = np.broadcast_to(self._status[:, None], r.shape[:2]).astype(np.int8)
        bad = (status == Status.OK) & ~(np.isfinite(r).all(axis=-1) & np.isfinite(v).all(axis=-1))
        status = np.where(bad, np.int8(Status.NOT_CONVERGED), status).astype(np.int8)
        r[status != 0] = np.nan
        v[status != 0] = np.nan
        return Ephemeris(self._ids, times, r, v, status, self._frame)
