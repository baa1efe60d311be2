"""A TLE fitted to any ephemeris: least squares on SGP4 mean elements.

The satellite Cosmodrome has just launched (or any ephemeris: numerical, OEM, another TLE) becomes a
set of SGP4 mean elements that any tracking tool can propagate. The fit is a batch least squares on
positions (and optionally velocities) in TEME, the frame SGP4 works in (GCRS, EME2000 and ITRS input
is rotated to TEME with ``cosmodrome.frames``), with SGP4 itself (the ``sgp4`` package, WGS-72
constants, the constants SGP4 is defined with) as the model:

1. Initial guess: the osculating elements of the sample nearest the epoch (two-body, WGS-72 mu),
   moved to the epoch along the two-body orbit.
2. A few fixed-point iterations on the mean elements: propagate the guess with SGP4 to that sample,
   convert SGP4's state and the truth to osculating elements, add the difference to the mean
   elements. This removes SGP4's short-period terms from the guess (they are ~10 km at LEO, far
   larger than the final residual) without any mean-element theory written here.
3. ``scipy.optimize.least_squares`` (trust-region reflective) on a span that grows by a factor of
   four per stage (two orbits first) up to the whole span, so that an error in mean motion cannot
   wrap the along-track residual by a revolution. B* is freed in the last stage only: it is barely
   observable over a few orbits and would otherwise soak up noise.

Parameters are non-singular (equinoctial) so that circular and low-inclination orbits fit as well
as eccentric ones: Kozai mean motion n, (af, ag) = e (cos, sin)(argp + raan),
(p, q) = tan(i/2) (sin, cos)(raan) [Broucke and Cefola 1972, Celest. Mech. 5, 303], mean longitude
L = M + argp + raan, and B*.

Times: the epoch is UTC (as in every TLE) and is rounded to the 1e-8 day a TLE prints. SGP4 is
driven with UTC Julian dates, as ``Satrec.sgp4_array`` and every TLE user does.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.optimize import least_squares
from sgp4.api import WGS72, Satrec, SatrecArray
from sgp4.earth_gravity import wgs72

from ..errors import InvalidInputError, SolverError
from ..frames import Frame, eme2000_to_gcrs, gcrs_to_teme, itrs_to_teme
from ..time import Time
from .gp import MeanElementsGP, utc_day_split
from .propagator import Ephemeris
from .sgp4_source import sgp4_time_split

_MU_KM3_S2 = wgs72.mu                    # 398600.8 km^3/s^2: WGS-72, the constants SGP4 uses
_EARTH_RADIUS_KM = wgs72.radiusearthkm   # 6378.135 km
_SGP4_EPOCH_JD = 2433281.5               # SGP4's epoch origin: 1949 December 31 00:00 UTC
_TWO_PI = 2.0 * math.pi
_MINUTES_PER_DAY = 1440.0
# A residual row where SGP4 fails (decay, e >= 1) during the search: large, finite, so that the
# trust region shrinks back instead of the solver stopping on a NaN.
_FAILED_ROW_KM = 1.0e4
_FIXED_POINT_MAX_ITERATIONS = 12
_FIXED_POINT_TOLERANCE_KM = 1.0e-7


@dataclass(frozen=True)
class Residuals:
    """Position residual statistics of an element set against a truth ephemeris.

    ``rms_m`` and ``max_m`` are the root-mean-square and largest distance (m) between SGP4 and the
    truth over ``count`` samples; ``velocity_rms_m_s`` is the RMS velocity difference (m/s) when the
    truth carried velocities, else None.
    """

    rms_m: float
    max_m: float
    count: int
    velocity_rms_m_s: float | None = None


@dataclass(frozen=True)
class TleFit:
    """The result of :func:`fit_tle`.

    - ``elements``: the fitted mean elements at full precision (what an OMM carries).
    - ``fit_span``: residuals over the samples fitted.
    - ``beyond_span``: residuals against the check ephemeris (e.g. the day after the fit span),
      None when no check ephemeris was given.
    - ``printed_fit_span`` / ``printed_beyond_span``: the same for the elements rounded to the
      precision a TLE prints (mean anomaly to 1e-4 deg is ~12 m along-track at LEO); this is what a
      tool that reads the TLE text will see.
    - ``fixed_point_iterations``, ``lsq_iterations`` (Jacobian evaluations summed over the stages),
      ``function_evaluations``;
    - ``residual_history_m``: RMS position residual (m) over each stage's samples after the initial
      guess, after each fixed-point iteration (over the whole span) and at each least-squares iterate;
    - ``solver_message``: the last ``least_squares`` message.
    """

    elements: MeanElementsGP
    fit_span: Residuals
    beyond_span: Residuals | None
    printed_fit_span: Residuals
    printed_beyond_span: Residuals | None
    fixed_point_iterations: int
    lsq_iterations: int
    function_evaluations: int
    residual_history_m: tuple[float, ...]
    solver_message: str


# --- kernels: equinoctial elements <-> state, SGP4 calls ---------------------------------------------

def _equinoctial_from_state(r_km, v_km_s, mu=_MU_KM3_S2):
    """Osculating (n rad/min, af, ag, p, q, L rad) of TEME states (..., 3) in km and km/s.

    Two-body relations; the frame vectors f, g follow Broucke and Cefola (1972) with
    p = tan(i/2) sin(raan), q = tan(i/2) cos(raan). Not defined for retrograde equatorial orbits.
    """
    with np.errstate(invalid="ignore", divide="ignore"):  # unbound states give NaN; callers check
        return _equinoctial_from_state_unchecked(np.asarray(r_km, dtype=float),
                                                 np.asarray(v_km_s, dtype=float), mu)


def _equinoctial_from_state_unchecked(r_km, v_km_s, mu):
    r = np.linalg.norm(r_km, axis=-1)
    v2 = np.sum(v_km_s * v_km_s, axis=-1)
    rv = np.sum(r_km * v_km_s, axis=-1)
    a = 1.0 / (2.0 / r - v2 / mu)
    h = np.cross(r_km, v_km_s)
    w = h / np.linalg.norm(h, axis=-1)[..., None]
    p = w[..., 0] / (1.0 + w[..., 2])
    q = -w[..., 1] / (1.0 + w[..., 2])
    f_hat, g_hat = _equinoctial_axes(p, q)
    e_vec = ((v2 - mu / r)[..., None] * r_km - rv[..., None] * v_km_s) / mu
    af = np.sum(e_vec * f_hat, axis=-1)
    ag = np.sum(e_vec * g_hat, axis=-1)
    true_longitude = np.arctan2(np.sum(r_km * g_hat, axis=-1), np.sum(r_km * f_hat, axis=-1))
    # Mean minus true anomaly from e cos E and e sin E, which stay regular as e -> 0.
    e_cos_e = 1.0 - r / a
    e_sin_e = rv / np.sqrt(mu * a)
    ecc2 = e_cos_e ** 2 + e_sin_e ** 2
    s = 1.0 + np.sqrt(1.0 - ecc2)
    true_minus_eccentric = 2.0 * np.arctan2(e_sin_e / s, 1.0 - e_cos_e / s)
    mean_longitude = true_longitude - true_minus_eccentric - e_sin_e
    n_rad_min = np.sqrt(mu / a ** 3) * 60.0
    return np.stack([n_rad_min, af, ag, p, q, np.mod(mean_longitude, _TWO_PI)], axis=-1)


def _equinoctial_axes(p, q):
    """Unit vectors f, g spanning the orbit plane (Broucke and Cefola 1972)."""
    d = 1.0 + p * p + q * q
    f_hat = np.stack([1.0 - p * p + q * q, 2.0 * p * q, -2.0 * p], axis=-1) / d[..., None]
    g_hat = np.stack([2.0 * p * q, 1.0 + p * p - q * q, 2.0 * q], axis=-1) / d[..., None]
    return f_hat, g_hat


def _classical_from_equinoctial(x):
    """(n rad/min, e, i rad, raan rad, argp rad, M rad) of an equinoctial vector (n, af, ag, p, q, L)."""
    n, af, ag, p, q, mean_longitude = x[:6]
    e = math.hypot(af, ag)
    longitude_of_perigee = math.atan2(ag, af)
    raan = math.atan2(p, q)
    inclination = 2.0 * math.atan(math.hypot(p, q))
    argp = longitude_of_perigee - raan
    mean_anomaly = mean_longitude - longitude_of_perigee
    return n, e, inclination, raan % _TWO_PI, argp % _TWO_PI, mean_anomaly % _TWO_PI


def _satrec(x, bstar, epoch_split):
    """An SGP4 record (WGS-72, improved mode) from equinoctial mean elements and B* (1/earth radii).

    ``epoch_split`` is (Julian date of 0h UTC, fraction of the day), set into the record exactly as
    ``MeanElementsGP.to_satrec`` does, so that the fit and the final record propagate alike.
    """
    n, e, inclination, raan, argp, mean_anomaly = _classical_from_equinoctial(x)
    day0, fraction = epoch_split
    sat = Satrec()
    sat.sgp4init(WGS72, "i", 0, (day0 + fraction) - _SGP4_EPOCH_JD, bstar, 0.0, 0.0, e, argp,
                 inclination, mean_anomaly, n, raan)
    sat.jdsatepoch = day0
    sat.jdsatepochF = fraction
    return sat


def _propagate_km(satrecs, jd1, jd2):
    """SGP4 positions and velocities (n_sat, n_time, 3) km, km/s and error codes; failed rows NaN."""
    errors, r, v = SatrecArray(satrecs).sgp4(jd1, jd2)
    bad = errors != 0
    r[bad] = np.nan
    v[bad] = np.nan
    return r, v, errors


# --- the service ------------------------------------------------------------------------------------

def fit_tle(times: Time, position_m, velocity_m_s=None, frame: Frame = Frame.TEME, *,
            epoch: Time | None = None,
            catalogue_number: int = 99999,
            name: str | None = None,
            international_designator: str = "",
            classification: str = "U",
            element_set_number: int = 999,
            revolution_number: int = 0,
            fit_bstar: bool = True,
            bstar_per_earth_radii: float = 0.0,
            velocity_weight_s: float = 0.0,
            check_times: Time | None = None,
            check_position_m=None,
            check_velocity_m_s=None,
            check: Callable[[Time], tuple] | None = None,
            max_rms_m: float = 50_000.0) -> TleFit:
    """Fit SGP4 mean elements (a TLE) to an ephemeris by least squares.

    Args:
        times: the ephemeris times (1-D ``Time``, at least 4 distinct instants).
        position_m: (n, 3) positions in metres, in ``frame``.
        velocity_m_s: (n, 3) velocities in m/s, in ``frame``, or None. Without velocities the
            initial guess differentiates the positions, which then need at least 3 samples within
            an eighth of an orbit of the epoch.
        frame: the frame of the input: TEME as is; GCRS, EME2000 and ITRS (ITRS velocities relative
            to the rotating Earth) converted to TEME with ``cosmodrome.frames`` (the shipped
            Earth-orientation table for ITRS and GCRS).
        epoch: the element epoch (UTC, rounded to the 1e-8 day a TLE prints); default the first time.
        catalogue_number, name, international_designator, classification, element_set_number,
            revolution_number: copied into the record (99999 is the usual placeholder for an
            object not yet catalogued).
        fit_bstar: fit B* (last stage only); if False, B* stays at ``bstar_per_earth_radii``.
        bstar_per_earth_radii: initial (or fixed) B*, 1/earth radii.
        velocity_weight_s: seconds that multiply the velocity residual (m/s) before it joins the
            position residual (m); 0 fits positions only. 1/n (about 900 s at LEO) weighs both alike.
        check_times, check_position_m, check_velocity_m_s: a truth beyond the fit span (same frame),
            e.g. the following day, for the ``beyond_span`` residuals.
        check: alternatively a callable ``check(times) -> (position_m, velocity_m_s or None)`` in
            ``frame``; it is sampled over one day after the fit span at the fit's median step.
        max_rms_m: a fit whose RMS position residual exceeds this is reported as not converged.

    Returns:
        ``TleFit``: the elements, residuals over the fit span and beyond it, and the history.

    Raises:
        InvalidInputError: shapes, non-finite values, too few samples, a frame not supported, a
            position inside the Earth, an unbound state, position-only input too sparse to start from.
        SolverError: the least squares did not converge, or converged to an RMS above
            ``max_rms_m``, or SGP4 cannot propagate the result over the span (the SGP4 or
            ``least_squares`` message is kept).
    """
    jd1_utc, jd2_utc, r_km, v_km_s = _truth_in_teme(times, position_m, velocity_m_s, frame, "position_m")
    n_samples = r_km.shape[0]
    n_distinct = np.unique(np.round((jd1_utc - jd1_utc[0] + jd2_utc) * 864e5)).size  # to 1 ms
    if n_distinct < 4:
        raise InvalidInputError(f"a TLE fit needs at least 4 samples at distinct times, got {n_distinct}",
                                field="times")
    if not velocity_weight_s >= 0.0 or not math.isfinite(velocity_weight_s):
        raise InvalidInputError(f"velocity_weight_s must be a non-negative number, got {velocity_weight_s}")
    if velocity_weight_s > 0.0 and v_km_s is None:
        raise InvalidInputError("velocity_weight_s > 0 needs velocities (velocity_m_s is None)")
    if not math.isfinite(bstar_per_earth_radii):
        raise InvalidInputError(f"bstar_per_earth_radii must be finite, got {bstar_per_earth_radii}")
    if check is not None and (check_times is not None or check_position_m is not None):
        raise InvalidInputError("give either check or check_times/check_position_m, not both")
    if (check_times is None) != (check_position_m is None):
        raise InvalidInputError("check_times and check_position_m go together: give both or neither")

    epoch = _tle_epoch(times[0] if epoch is None else epoch)
    epoch_split = utc_day_split(epoch)
    dt_min = ((jd1_utc - epoch_split[0]) + (jd2_utc - epoch_split[1])) * _MINUTES_PER_DAY

    # 1. Osculating elements of the sample nearest the epoch, moved to the epoch (two-body).
    k = int(np.argmin(np.abs(dt_min)))
    v_k = v_km_s[k] if v_km_s is not None else _velocity_from_positions(dt_min, r_km, k)
    target = _equinoctial_from_state(r_km[k], v_k)
    if not np.all(np.isfinite(target)) or math.hypot(target[1], target[2]) >= 0.99:
        raise InvalidInputError(
            f"the state at {times[k].utc_iso()} is not a bound orbit (two-body eccentricity "
            f"{math.hypot(target[1], target[2]):.3f}): SGP4 needs 0 <= e < 1", field="position_m")
    x = target.copy()
    x[5] = (x[5] - x[0] * dt_min[k]) % _TWO_PI
    bstar = float(bstar_per_earth_radii)
    history = [_rms_km(_position_residual_km(x, bstar, epoch_split, jd1_utc, jd2_utc, r_km)) * 1e3]

    # 2. Fixed-point iterations: make SGP4's osculating state at sample k equal to the truth's.
    fixed_point_iterations = 0
    for fixed_point_iterations in range(1, _FIXED_POINT_MAX_ITERATIONS + 1):
        sat = _satrec(x, bstar, epoch_split)
        r, v, errors = _propagate_km([sat], jd1_utc[k:k + 1], jd2_utc[k:k + 1])
        if errors[0, 0] != 0:
            raise SolverError(
                f"TLE fit: SGP4 cannot propagate the initial guess (SGP4 error {int(errors[0, 0])}: "
                f"{_sgp4_error_text(int(errors[0, 0]))}); is the orbit above the atmosphere?")
        delta = target - _equinoctial_from_state(r[0, 0], v[0, 0])
        delta[5] = (delta[5] + math.pi) % _TWO_PI - math.pi
        delta[5] -= delta[0] * dt_min[k]
        x = x + delta
        history.append(_rms_km(_position_residual_km(x, bstar, epoch_split, jd1_utc, jd2_utc, r_km)) * 1e3)
        a_km = (_MU_KM3_S2 * 3600.0 / x[0] ** 2) ** (1.0 / 3.0)
        step_km = a_km * float(np.max(np.abs(np.concatenate([delta[0:1] / x[0], delta[1:]]))))
        if step_km < _FIXED_POINT_TOLERANCE_KM:
            break

    # 3. Least squares over growing spans; B* freed in the last stage.
    period_min = _TWO_PI / x[0]
    span_limits = []
    half_span = 2.0 * period_min
    while half_span < np.max(np.abs(dt_min)):
        span_limits.append(half_span)
        half_span *= 4.0
    span_limits.append(math.inf)

    lsq_iterations = 0
    function_evaluations = 0
    message = ""
    for stage, limit in enumerate(span_limits):
        rows = np.abs(dt_min) <= limit
        if np.count_nonzero(rows) < 4:
            continue
        is_last = stage == len(span_limits) - 1
        frees_bstar = fit_bstar and is_last
        problem = _Problem(x, bstar, frees_bstar, epoch_split, jd1_utc[rows], jd2_utc[rows],
                           r_km[rows], None if v_km_s is None else v_km_s[rows], velocity_weight_s,
                           span_min=float(np.max(np.abs(dt_min[rows]))))
        result = least_squares(problem.residuals, np.zeros(problem.size), jac=problem.jacobian,
                               method="trf", x_scale="jac", ftol=1e-10, xtol=1e-10, gtol=1e-10,
                               max_nfev=200)
        history.extend(problem.history_m)
        lsq_iterations += int(result.njev or 0)
        function_evaluations += int(result.nfev)
        message = str(result.message)
        if result.status <= 0:
            raise SolverError(f"TLE fit did not converge (stage {stage + 1} of {len(span_limits)}, "
                              f"{int(np.count_nonzero(rows))} samples): least_squares: {result.message}; "
                              f"RMS position residual {_rms_km(result.fun) * 1e3:.1f} m")
        x, bstar = problem.elements(result.x)

    elements = _record(x, bstar, epoch, catalogue_number=catalogue_number, name=name,
                       international_designator=international_designator, classification=classification,
                       element_set_number=element_set_number, revolution_number=revolution_number)
    fit_span = _residuals_teme(elements, jd1_utc, jd2_utc, r_km, v_km_s)
    if not math.isfinite(fit_span.rms_m):
        errors = elements.to_satrec().sgp4_array(jd1_utc, jd2_utc)[0]
        code = int(errors[errors != 0][0])
        raise SolverError(
            f"TLE fit did not converge to a usable set: SGP4 cannot propagate the fitted elements over "
            f"the whole span ({int(np.count_nonzero(errors))} of {n_samples} samples fail with SGP4 error "
            f"{code}: {_sgp4_error_text(code)}); least_squares: {message}")
    if not fit_span.rms_m <= max_rms_m:
        raise SolverError(
            f"TLE fit did not converge to a usable set: RMS position residual {fit_span.rms_m:.1f} m "
            f"(maximum {fit_span.max_m:.1f} m) exceeds max_rms_m = {max_rms_m:.1f} m; "
            f"least_squares: {message}")

    printed = rounded_to_tle_precision(elements)
    printed_fit_span = _residuals_teme(printed, jd1_utc, jd2_utc, r_km, v_km_s)
    beyond_span = printed_beyond_span = None
    if check is not None:
        step_s = float(np.median(np.diff(np.unique(dt_min)))) * 60.0
        last = times[int(np.argmax(dt_min))]
        check_times = Time.grid(last + step_s, 86400.0 - step_s, step_s)
        check_position_m, check_velocity_m_s = check(check_times)
    if check_times is not None:
        c_jd1, c_jd2, c_r_km, c_v_km_s = _truth_in_teme(check_times, check_position_m, check_velocity_m_s,
                                                        frame, "check_position_m")
        beyond_span = _residuals_teme(elements, c_jd1, c_jd2, c_r_km, c_v_km_s)
        printed_beyond_span = _residuals_teme(printed, c_jd1, c_jd2, c_r_km, c_v_km_s)

    return TleFit(elements=elements, fit_span=fit_span, beyond_span=beyond_span,
                  printed_fit_span=printed_fit_span, printed_beyond_span=printed_beyond_span,
                  fixed_point_iterations=fixed_point_iterations, lsq_iterations=lsq_iterations,
                  function_evaluations=function_evaluations, residual_history_m=tuple(history),
                  solver_message=message)


def fit_tle_to_ephemeris(ephemeris: Ephemeris, satellite: int = 0, **options) -> TleFit:
    """:func:`fit_tle` on one satellite (row index ``satellite``) of an :class:`Ephemeris`.

    Rows with a non-zero status (decayed, outside the span, ...) are left out; the ephemeris's
    velocities are passed on (they weigh in only with ``velocity_weight_s`` > 0). ``options`` are
    the keyword arguments of :func:`fit_tle`; ``catalogue_number`` defaults to the satellite's id.
    """
    if not isinstance(ephemeris, Ephemeris):
        raise InvalidInputError(f"expected a cosmodrome Ephemeris, got {type(ephemeris).__name__}")
    if not 0 <= satellite < ephemeris.n_satellites:
        raise InvalidInputError(f"satellite index {satellite} outside 0..{ephemeris.n_satellites - 1}",
                                field="satellite")
    good = ephemeris.status[satellite] == 0
    options.setdefault("catalogue_number", int(ephemeris.satellite_ids[satellite]))
    return fit_tle(ephemeris.times[np.flatnonzero(good)], ephemeris.position_m[satellite, good],
                   ephemeris.velocity_m_s[satellite, good], ephemeris.frame, **options)


def tle_residuals(elements: MeanElementsGP, times: Time, position_m, velocity_m_s=None,
                  frame: Frame = Frame.TEME) -> Residuals:
    """Position (and velocity) residuals of an element set against a truth ephemeris.

    ``position_m`` (n, 3) m and ``velocity_m_s`` (n, 3) m/s or None, in ``frame`` (as ``fit_tle``), at
    ``times``. Samples where SGP4 fails count as infinite residuals.
    """
    jd1, jd2, r_km, v_km_s = _truth_in_teme(times, position_m, velocity_m_s, frame, "position_m")
    return _residuals_teme(elements, jd1, jd2, r_km, v_km_s)


def rounded_to_tle_precision(elements: MeanElementsGP) -> MeanElementsGP:
    """The element set rounded to the fields of the TLE text (epoch to 1e-8 day, mean motion to 1e-8
    rev/day, eccentricity to 1e-7, angles to 1e-4 deg, B* to 5 significant digits)."""
    return dataclasses.replace(
        elements,
        epoch=_tle_epoch(elements.epoch),
        mean_motion_rev_day=round(elements.mean_motion_rev_day, 8),
        eccentricity=round(elements.eccentricity, 7),
        inclination_deg=round(elements.inclination_deg, 4),
        raan_deg=round(elements.raan_deg, 4) % 360.0,
        argument_of_perigee_deg=round(elements.argument_of_perigee_deg, 4) % 360.0,
        mean_anomaly_deg=round(elements.mean_anomaly_deg, 4) % 360.0,
        bstar_per_earth_radii=float(f"{elements.bstar_per_earth_radii:.4e}"),
    )


# --- helpers ----------------------------------------------------------------------------------------

class _Problem:
    """Residuals and forward-difference Jacobian of one least-squares stage.

    The solver sees offsets from the starting elements, scaled so that a unit step moves the
    satellite by about 1 km over the stage's span: the trust region and the finite-difference step
    then mean the same thing for every parameter.
    """

    _STEP = 1e-6  # finite-difference step in scaled units (~1 mm of position)

    def __init__(self, x0, bstar0, frees_bstar, epoch_split, jd1, jd2, r_km, v_km_s,
                 velocity_weight_s, span_min):
        self.x0 = np.asarray(x0, dtype=float)
        self.bstar0 = float(bstar0)
        self.frees_bstar = frees_bstar
        self.size = 7 if frees_bstar else 6
        self.epoch_split = epoch_split
        self.jd1, self.jd2 = jd1, jd2
        self.r_km, self.v_km_s = r_km, v_km_s
        self.velocity_weight_s = velocity_weight_s
        a_km = (_MU_KM3_S2 * 3600.0 / self.x0[0] ** 2) ** (1.0 / 3.0)
        angle = 1.0 / a_km
        # n: a change dn (rad/min) moves the satellite a * dn * span along-track.
        n_scale = 1.0 / (a_km * max(span_min, 1.0))
        # B*: its effect depends on the density SGP4 assumes at this height (large at 200 km,
        # almost nil at 2000 km), so the unit is measured: the B* change that moves the satellite
        # by about 1 km over the span (at most 1 /earth radii).
        self.scale = np.array([n_scale, angle, angle, angle / 2.0, angle / 2.0, angle, 1.0])[:self.size]
        self.history_m = []
        if frees_bstar:
            self.scale[6] = self._bstar_unit()
        self._last_u = None
        self._last_f = None

    def _bstar_unit(self):
        trial = 1e-5
        f0, f1 = self._residuals_many([np.zeros(self.size), np.r_[np.zeros(6), trial]])
        n_pos = 3 * len(self.jd1)
        effect_km = float(np.max(np.abs(f1[:n_pos] - f0[:n_pos])))
        return min(trial / max(effect_km, 1e-12), 1.0)

    def elements(self, u):
        x = self.x0.copy()
        x[:6] = self.x0[:6] + u[:6] * self.scale[:6]
        bstar = self.bstar0 + (u[6] * self.scale[6] if self.frees_bstar else 0.0)
        return x, bstar

    def _residuals_many(self, us):
        sats = []
        for u in us:
            x, bstar = self.elements(u)
            sats.append(_satrec(x, bstar, self.epoch_split))
        r, v, errors = _propagate_km(sats, self.jd1, self.jd2)
        dr = r - self.r_km[None]
        blocks = [dr.reshape(len(us), -1)]
        if self.velocity_weight_s > 0.0:
            dv = (v - self.v_km_s[None]) * self.velocity_weight_s
            blocks.append(dv.reshape(len(us), -1))
        f = np.concatenate(blocks, axis=1)
        return np.where(np.isfinite(f), f, _FAILED_ROW_KM)

    def residuals(self, u):
        f = self._residuals_many([u])[0]
        self._last_u, self._last_f = np.array(u, dtype=float), f
        return f

    def jacobian(self, u):
        u = np.asarray(u, dtype=float)
        if self._last_u is not None and np.array_equal(u, self._last_u):
            f0 = self._last_f
        else:
            f0 = self.residuals(u)
        n_pos = 3 * len(self.jd1)
        self.history_m.append(_rms_km(f0[:n_pos]) * 1e3)
        perturbed = np.repeat(u[None], self.size, axis=0) + self._STEP * np.eye(self.size)
        f = self._residuals_many(perturbed)
        return ((f - f0[None]) / self._STEP).T


def _truth_in_teme(times, position_m, velocity_m_s, frame, field):
    """UTC JD parts (n,), TEME positions (n, 3) km and velocities km/s (or None) of an input ephemeris."""
    if not isinstance(times, Time):
        raise InvalidInputError(f"times must be a cosmodrome Time, got {type(times).__name__}", field="times")
    if times.shape == ():
        raise InvalidInputError("times must be an array of instants, got a single instant", field="times")
    if len(times.shape) != 1:
        raise InvalidInputError(f"times must be one-dimensional, got shape {times.shape}", field="times")
    n = times.shape[0]
    position_m = np.asarray(position_m, dtype=float)
    if position_m.shape != (n, 3):
        raise InvalidInputError(f"expected shape ({n}, 3) (one row per time, metres), got {position_m.shape}",
                                field=field)
    if not np.all(np.isfinite(position_m)):
        raise InvalidInputError("positions must be finite (no NaN rows: drop failed samples first)",
                                field=field)
    radius_km = np.linalg.norm(position_m, axis=1) / 1e3
    if np.any(radius_km < _EARTH_RADIUS_KM):
        worst = float(np.min(radius_km))
        raise InvalidInputError(f"a position lies inside the Earth (|r| = {worst:.1f} km < "
                                f"{_EARTH_RADIUS_KM} km); positions are expected in metres", field=field)
    if velocity_m_s is not None:
        velocity_m_s = np.asarray(velocity_m_s, dtype=float)
        vfield = "velocity_m_s" if field == "position_m" else "check_velocity_m_s"
        if velocity_m_s.shape != (n, 3):
            raise InvalidInputError(f"expected shape ({n}, 3) (m/s), got {velocity_m_s.shape}", field=vfield)
        if not np.all(np.isfinite(velocity_m_s)):
            raise InvalidInputError("velocities must be finite", field=vfield)
    try:
        frame = Frame(frame)
    except ValueError:
        raise InvalidInputError(f"expected a frame such as Frame.TEME or Frame.GCRS, got {frame!r}",
                                field="frame") from None
    if frame != Frame.TEME:
        if frame == Frame.EME2000:
            position_m, velocity_m_s = eme2000_to_gcrs(position_m, velocity_m_s)
            frame = Frame.GCRS
        if frame == Frame.GCRS:
            position_m, velocity_m_s = gcrs_to_teme(times, position_m, velocity_m_s)
        elif frame == Frame.ITRS:
            position_m, velocity_m_s = itrs_to_teme(times, position_m, velocity_m_s)
        else:  # pragma: no cover - a Frame added later and not handled here
            raise InvalidInputError(f"TLE fit cannot take {frame.value} input yet", field="frame")
    jd1, jd2 = sgp4_time_split(times)  # the axis SGP4 epochs are read on (leap-second days included)
    r_km = np.asarray(position_m, dtype=float) / 1e3
    v_km_s = None if velocity_m_s is None else np.asarray(velocity_m_s, dtype=float) / 1e3
    return np.asarray(jd1, dtype=float), np.asarray(jd2, dtype=float), r_km, v_km_s


def _tle_epoch(epoch: Time) -> Time:
    """The epoch rounded to the 1e-8 day of UTC that a TLE prints."""
    if not isinstance(epoch, Time) or epoch.shape != ():
        raise InvalidInputError(f"epoch must be a single Time instant, got {epoch!r}", field="epoch")
    jd1, jd2 = (float(x) for x in epoch.utc_jd)
    days = (jd1 - _SGP4_EPOCH_JD) + jd2
    whole = math.floor(days)
    fraction = round(((jd1 - _SGP4_EPOCH_JD - whole) + jd2) * 1e8) / 1e8
    return Time.from_utc_jd(_SGP4_EPOCH_JD + whole, fraction)


def _velocity_from_positions(dt_min, r_km, k):
    """Velocity (km/s) at sample k from a polynomial through the samples within 1/8 orbit of it."""
    radius = float(np.linalg.norm(r_km[k]))
    period_min = _TWO_PI * math.sqrt(radius ** 3 / _MU_KM3_S2) / 60.0
    near = np.abs(dt_min - dt_min[k]) <= period_min / 8.0
    if np.count_nonzero(near) < 3:
        raise InvalidInputError(
            f"without velocities the fit needs at least 3 samples within {period_min / 8.0:.1f} min of the "
            "epoch to start from; give velocity_m_s or sample more densely", field="velocity_m_s")
    t = (dt_min[near] - dt_min[k]) * 60.0
    degree = min(int(np.count_nonzero(near)) - 1, 6)
    scale = max(float(np.max(np.abs(t))), 1.0)
    coefficients = np.polynomial.polynomial.polyfit(t / scale, r_km[near], degree)
    return coefficients[1] / scale


def _position_residual_km(x, bstar, epoch_split, jd1, jd2, r_km):
    r, _, _ = _propagate_km([_satrec(x, bstar, epoch_split)], jd1, jd2)
    return (r[0] - r_km).ravel()


def _rms_km(f):
    f = np.asarray(f, dtype=float)
    if not np.all(np.isfinite(f)):
        return math.inf
    return float(np.sqrt(np.mean(f.reshape(-1, 3) ** 2) * 3.0)) if f.size else math.nan


def _record(x, bstar, epoch, **identity):
    """The MeanElementsGP of equinoctial mean elements; ndot/2 is SGP4's own drag rate (for display:
    SGP4 ignores ndot and nddot)."""
    n, e, inclination, raan, argp, mean_anomaly = _classical_from_equinoctial(x)
    sat = _satrec(x, bstar, utc_day_split(epoch))
    rates = []
    for tsince_min in (-60.0, 60.0):
        sat.sgp4_tsince(tsince_min)
        rates.append(sat.nm)
    ndot_rad_min2 = (rates[1] - rates[0]) / 120.0
    ndot_rev_day2 = ndot_rad_min2 * _MINUTES_PER_DAY ** 2 / _TWO_PI
    return MeanElementsGP(
        epoch=epoch,
        mean_motion_rev_day=float(n * _MINUTES_PER_DAY / _TWO_PI),
        eccentricity=float(e),
        inclination_deg=math.degrees(inclination),
        raan_deg=math.degrees(raan),
        argument_of_perigee_deg=math.degrees(argp),
        mean_anomaly_deg=math.degrees(mean_anomaly),
        bstar_per_earth_radii=float(bstar),
        mean_motion_dot_rev_day2=float(ndot_rev_day2 / 2.0),
        mean_motion_ddot_rev_day3=0.0,
        **identity,
    )


def _residuals_teme(elements, jd1, jd2, r_km, v_km_s) -> Residuals:
    """Residuals of a record (propagated through its own ``to_satrec``) against TEME truth in km."""
    errors, r, v = elements.to_satrec().sgp4_array(jd1, jd2)
    distance_m = np.linalg.norm(r - r_km, axis=1) * 1e3
    distance_m[errors != 0] = math.inf
    velocity_rms = None
    if v_km_s is not None:
        speed_m_s = np.linalg.norm(v - v_km_s, axis=1) * 1e3
        speed_m_s[errors != 0] = math.inf
        velocity_rms = float(np.sqrt(np.mean(speed_m_s ** 2)))
    return Residuals(rms_m=float(np.sqrt(np.mean(distance_m ** 2))), max_m=float(np.max(distance_m)),
                     count=int(distance_m.size), velocity_rms_m_s=velocity_rms)


def _sgp4_error_text(code: int) -> str:
    return {
        1: "mean eccentricity out of range",
        2: "mean motion below zero",
        3: "perturbed eccentricity out of range",
        4: "semi-latus rectum below zero",
        6: "orbit decayed",
    }.get(code, "unknown error")
