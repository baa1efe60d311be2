"""The main job: fly a mission file's ascent, then follow the satellite through its first day in orbit.

`run_mission` estimates the payload, flies the ascent, converts the insertion state to GCRS and
(unless told not to) runs `analyse_orbit` on it: osculating and Brouwer mean elements, a numerical
first day (and a second one to check the TLE against), the ground track, the orbit lifetime, and a
TLE fitted to the first day. Then `observe_orbit` follows that TLE over the places the mission file
names: passes over its ground stations, imaging opportunities of its targets, and the eclipse
seasons; and `cover_region` computes the coverage of the ``[coverage]`` region by that TLE and by
the constellation the file names, if any. The result records hold numbers only; `cosmodrome.report`
writes them.

Progress: ``progress(step)`` is called with each name of `RUN_STEPS` as that step starts (the
previous step is then done), so that a caller can size a progress bar from `RUN_STEPS` alone.
"""

from __future__ import annotations

import datetime as dt
import warnings
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

import numpy as np

from .ascent.service import PayloadEstimate, estimate_payload, simulate_ascent
from .earth.density import DensityModel, SpaceWeather
from .errors import InvalidInputError, SolverError
from .frames import gcrs_to_itrs, itrs_to_geodetic, launch_inertial_to_gcrs
from .io.mission import DEFAULT_ECLIPSE_DAYS, DEFAULT_PASS_DAYS, CoverageSpec, Mission, SpacecraftSpec
from .orbits.j2_secular import osculating_to_mean_elements
from .orbits.lifetime import OrbitLifetime, predict_lifetime
from .orbits.numerical import ForceModel, NumericalPropagator, Spacecraft
from .orbits.propagator import Ephemeris
from .orbits.records import KeplerianElements, StateVector, state_from_insertion
from .orbits.tle_fit import TleFit, fit_tle
from .sites import find_site
from .time import Time
from .vehicles.catalogue import load_vehicle

if TYPE_CHECKING:  # observe/ is imported when the observation runs (it loads pandas and numba)
    import pandas as pd

    from .observe.coverage import CoverageResult
    from .observe.ground import GroundSite
    from .observe.sensors import Sensor
    from .orbits.gp import MeanElementsGP

RUN_STEPS: tuple[str, ...] = ("payload estimate", "ascent", "orbit propagation", "orbit lifetime", "TLE fit",
                              "passes and imaging", "eclipse seasons", "coverage")
"""The steps of `run_mission` with the orbit analysis, in order: the names passed to ``progress``."""

ORBIT_DAY_S = 86400.0
"""The span of the ground track and of the TLE fit (s); the TLE is then checked over the next one."""
ORBIT_STEP_S = 60.0
"""Sampling of the numerical ephemeris, the ground track and the TLE fit (s)."""
TLE_CATALOGUE_NUMBER = 99999
"""The placeholder catalogue number of a satellite not yet catalogued (fits the five TLE columns)."""
LIFETIME_LIMIT_YEARS = 25.0
"""How far the lifetime search goes; a satellite still up then is reported as "beyond 25 years"."""
DEFAULT_BULK_DENSITY_KG_M3 = 100.0
"""Bulk density of the cube that the default drag area assumes (see `default_drag_area_m2`)."""
DEFAULT_DRAG_COEFFICIENT = 2.2
"""Drag coefficient when the mission file gives none (the value of `orbits.numerical.Spacecraft`)."""
_YEAR_S = 365.25 * 86400.0


@dataclass(frozen=True)
class InsertionState:
    """Where the payload separates: a GCRS state at a UTC epoch."""

    epoch_utc: dt.datetime
    position_gcrs_m: np.ndarray
    velocity_gcrs_m_s: np.ndarray

    @property
    def state_vector(self) -> StateVector:
        """The same state as the `StateVector` (frame GCRS) that every propagator takes."""
        return state_from_insertion(self.position_gcrs_m, self.velocity_gcrs_m_s, self.epoch_utc)


@dataclass(frozen=True, eq=False)
class OrbitAnalysis:
    """The satellite's first day in orbit, its lifetime and its TLE (see `analyse_orbit`).

    - ``state``: the insertion state (GCRS, UTC epoch).
    - ``osculating``: two-body elements of ``state`` (GCRS, WGS-84 GM).
    - ``mean``: Brouwer mean elements (first-order short-period J2 terms removed,
      `orbits.j2_secular`) about the GCRS z axis, or None with ``mean_error`` saying why.
    - ``spacecraft``: mass, drag area and coefficient used for drag; ``spacecraft_defaults``: the
      names of the fields that came from the defaults rather than the mission file.
    - ``force_model``: that of the numerical propagation (J6, NRLMSIS 2.1 drag, space weather).
    - ``ephemeris``: the numerical GCRS ephemeris over two days from the insertion epoch every
      `ORBIT_STEP_S` (the first day is the ground track and the TLE fit span, the second checks
      the TLE); ``reentry_epoch``: re-entry within those two days, or None; ``integrator_message``.
    - ``track_times``, ``track_latitude_deg``, ``track_longitude_deg``, ``track_height_m``: the
      first day's ground track, WGS-84 geodetic (height above the ellipsoid), NaN after a re-entry.
    - ``lifetime`` (`OrbitLifetime`) or None with ``lifetime_error``; searched up to
      ``lifetime_limit_s``.
    - ``tle_fit`` (`TleFit`, catalogue number `TLE_CATALOGUE_NUMBER`) or None with ``tle_error``.
    """

    state: StateVector
    osculating: KeplerianElements
    mean: KeplerianElements | None
    mean_error: str | None
    spacecraft: Spacecraft
    spacecraft_defaults: tuple[str, ...]
    force_model: ForceModel
    ephemeris: Ephemeris
    reentry_epoch: Time | None
    integrator_message: str
    track_times: Time
    track_latitude_deg: np.ndarray
    track_longitude_deg: np.ndarray
    track_height_m: np.ndarray
    lifetime: OrbitLifetime | None
    lifetime_error: str | None
    lifetime_limit_s: float
    tle_fit: TleFit | None
    tle_error: str | None


@dataclass(frozen=True, eq=False)
class Observation:
    """The satellite seen from the ground: passes, imaging opportunities, eclipse seasons (`observe_orbit`).

    - ``elements``: the SGP4 mean elements followed (the fitted TLE's, at the full precision of the
      OMM), or None with ``error`` saying why nothing was computed.
    - ``start``: the start of every window (the insertion epoch); ``pass_duration_s`` for passes and
      opportunities, ``eclipse_duration_s`` for the seasons (SI seconds), each cut at ``reentry``
      when that comes first (None otherwise): SGP4 would carry a decayed satellite on.
    - ``stations``, ``targets`` (`observe.ground.GroundSite`) and ``sensor`` (`observe.sensors.Sensor`
      or None), as the mission file gave them.
    - ``passes``: `observe.passes.find_passes` over the stations (columns ``PASS_COLUMNS``), None
      without stations; ``opportunities``: `observe.opportunities.find_imaging_opportunities` of the
      targets (``IMAGING_COLUMNS``), None without targets; ``seasons``:
      `observe.eclipses.eclipse_seasons` (``SEASON_COLUMNS``, one row per orbit), None with ``error``.
    """

    elements: MeanElementsGP | None
    start: Time
    pass_duration_s: float
    eclipse_duration_s: float
    stations: tuple[GroundSite, ...]
    targets: tuple[GroundSite, ...]
    sensor: Sensor | None
    passes: pd.DataFrame | None
    opportunities: pd.DataFrame | None
    seasons: pd.DataFrame | None
    error: str | None = None
    reentry: Time | None = None


@dataclass(frozen=True, eq=False)
class RegionCoverage:
    """Coverage of the mission's ``[coverage]`` region (`cover_region`).

    - ``spec``: the `io.mission.CoverageSpec` (grid, window, access rule, constellation), or None
      when the mission file asks for no coverage (then nothing else is set).
    - ``start``: the window's start (the insertion epoch); ``duration_s``: its length (SI s), cut at
      ``reentry`` (None otherwise) when the predicted re-entry comes first.
    - ``satellite``: `observe.coverage.CoverageResult` of the fitted TLE (SGP4), or None with
      ``satellite_error`` saying why; ``constellation``: that of the Walker constellation (J2
      secular propagator, elements at ``start``), None when the file names none.
    """

    spec: CoverageSpec | None
    start: Time | None = None
    duration_s: float = 0.0
    satellite: CoverageResult | None = None
    satellite_error: str | None = None
    constellation: CoverageResult | None = None
    reentry: Time | None = None


@dataclass(frozen=True)
class MissionResult:
    mission: Mission
    site: object
    vehicle: object
    estimate: PayloadEstimate
    ascent: object  # AscentResult flown with the mission's payload (or the quoted capability)
    insertion: InsertionState
    orbit: OrbitAnalysis | None = None  # None when run_mission(..., analyse=False)
    observation: Observation | None = None  # None when run_mission(..., analyse=False)
    coverage: RegionCoverage | None = None  # None when run_mission(..., analyse=False)


def default_drag_area_m2(mass_kg: float) -> float:
    """Mean drag area (m^2) assumed for a satellite of ``mass_kg`` when the mission file gives none.

    The satellite is taken as a cube of bulk density `DEFAULT_BULK_DENSITY_KG_M3` (100 kg/m^3, the
    order of large LEO satellites with their arrays stowed) tumbling at random, whose mean
    cross-section is a quarter of its surface (Cauchy's formula for convex bodies): 1.5 s^2 with
    s = (m / rho)^(1/3). With Cd = 2.2 that is a ballistic coefficient m / (Cd A) of about
    100 kg/m^2 at 3.6 t and 30 kg/m^2 at 100 kg. Small satellites are denser than this, so the
    default errs towards a shorter lifetime for them.
    """
    side_m = (mass_kg / DEFAULT_BULK_DENSITY_KG_M3) ** (1.0 / 3.0)
    return 1.5 * side_m * side_m


def resolve_spacecraft(spec: SpacecraftSpec, payload_kg: float) -> tuple[Spacecraft, tuple[str, ...]]:
    """The `Spacecraft` of a mission: the ``[spacecraft]`` fields given, defaults for the others.

    Defaults: mass = ``payload_kg`` (the separated mass flown), area = `default_drag_area_m2` of
    that mass, drag coefficient = `DEFAULT_DRAG_COEFFICIENT`. Returns the spacecraft and the names
    of the fields that were defaulted. Raises InvalidInputError when no positive mass is known.
    """
    defaults = []
    mass = spec.mass_kg
    if mass is None:
        mass = float(payload_kg)
        defaults.append("mass_kg")
        if not mass > 0:
            raise InvalidInputError(f"the separated payload mass is {mass} kg: give the satellite's mass as "
                                    "spacecraft.mass_kg", field="spacecraft.mass_kg")
    area = spec.area_m2
    if area is None:
        area = default_drag_area_m2(mass)
        defaults.append("area_m2")
    cd = spec.drag_coefficient
    if cd is None:
        cd = DEFAULT_DRAG_COEFFICIENT
        defaults.append("drag_coefficient")
    return Spacecraft(mass_kg=mass, drag_area_m2=area, drag_coefficient=cd), tuple(defaults)


def _mean_elements(osculating: KeplerianElements) -> tuple[KeplerianElements | None, str | None]:
    try:
        return osculating_to_mean_elements(osculating), None
    except InvalidInputError as error:
        return None, str(error)


def _ground_track(times: Time, position_gcrs_m: np.ndarray):
    """WGS-84 latitude (deg), longitude (deg) and height (m) of GCRS positions (n, 3); NaN rows stay NaN."""
    position_itrs_m, _ = gcrs_to_itrs(times, position_gcrs_m)
    with np.errstate(invalid="ignore"):
        latitude_rad, longitude_rad, height_m = itrs_to_geodetic(position_itrs_m)
    return np.degrees(latitude_rad), np.degrees(longitude_rad), np.asarray(height_m, dtype=float)


def _fit(ephemeris: Ephemeris, day_count: int, name: str) -> tuple[TleFit | None, str | None]:
    """A TLE fitted to the good rows of the first ``day_count`` samples, checked on the rest."""
    good = ephemeris.status[0] == 0
    fit_rows = np.flatnonzero(good[:day_count])
    check_rows = day_count + np.flatnonzero(good[day_count:])
    if fit_rows.size < 4:
        return None, (f"only {fit_rows.size} samples before re-entry: a TLE fit needs at least 4")
    check = {}
    if check_rows.size:
        check = dict(check_times=ephemeris.times[check_rows],
                     check_position_m=ephemeris.position_m[0, check_rows],
                     check_velocity_m_s=ephemeris.velocity_m_s[0, check_rows])
    try:
        fit = fit_tle(ephemeris.times[fit_rows], ephemeris.position_m[0, fit_rows],
                      ephemeris.velocity_m_s[0, fit_rows], ephemeris.frame,
                      catalogue_number=TLE_CATALOGUE_NUMBER, name=name, **check)
    except (InvalidInputError, SolverError) as error:
        return None, str(error)
    return fit, None


def analyse_orbit(state: StateVector, spacecraft: Spacecraft, *, name: str | None = None,
                  spacecraft_defaults: tuple[str, ...] = (), space_weather: SpaceWeather | None = None,
                  lifetime_limit_years: float = LIFETIME_LIMIT_YEARS,
                  progress: Callable[[str], None] | None = None) -> OrbitAnalysis:
    """Elements, first day, ground track, lifetime and TLE of a satellite from a GCRS ``state``.

    ``spacecraft``: mass and drag area (`orbits.numerical.Spacecraft`); ``name``: the satellite
    name written into the TLE/OMM record; ``space_weather``: constant solar and geomagnetic
    activity for drag, default ECSS moderate (F10.7 = 140 sfu, Ap = 15);
    ``lifetime_limit_years``: how far the lifetime search goes. ``progress`` is called with
    "orbit propagation", "orbit lifetime" and "TLE fit" as each starts.

    Models: the numerical propagation is Cowell with the EGM2008 zonal terms J2-J6 and NRLMSIS 2.1
    drag (`orbits.numerical`) over two days every `ORBIT_STEP_S`; the lifetime is the
    orbit-averaged integration of `orbits.lifetime` with the same density model and activity;
    the TLE is `orbits.tle_fit.fit_tle` on the first day (positions, B* free) and checked on the
    second. A failure of the lifetime or of the TLE fit (the satellite re-enters at once, or the
    solver gives up) is kept as a message in the record, not raised: the rest stays useful.
    Raises InvalidInputError for a state that is not GCRS or has no Keplerian elements.
    """
    step = progress or (lambda _message: None)
    weather = space_weather if space_weather is not None else SpaceWeather()
    osculating = state.to_keplerian()
    mean, mean_error = _mean_elements(osculating)

    step("orbit propagation")
    force = ForceModel(zonal_degree=6, drag=True, density_model=DensityModel.NRLMSIS21, space_weather=weather)
    times = Time.grid(state.epoch, 2.0 * ORBIT_DAY_S, ORBIT_STEP_S)
    day_count = int(round(ORBIT_DAY_S / ORBIT_STEP_S)) + 1  # both ends of the first day
    run = NumericalPropagator(state, spacecraft, force_model=force).run(times)
    ephemeris = run.ephemeris
    track_times = times[:day_count]
    latitude_deg, longitude_deg, height_m = _ground_track(track_times, ephemeris.position_m[0, :day_count])

    step("orbit lifetime")
    limit_s = float(lifetime_limit_years) * _YEAR_S
    try:
        lifetime, lifetime_error = predict_lifetime(state, spacecraft, space_weather=weather,
                                                    density_model=DensityModel.NRLMSIS21,
                                                    max_duration_s=limit_s), None
    except (InvalidInputError, SolverError) as error:
        lifetime, lifetime_error = None, str(error)

    step("TLE fit")
    tle_fit, tle_error = _fit(ephemeris, day_count, name)
    return OrbitAnalysis(
        state=state, osculating=osculating, mean=mean, mean_error=mean_error, spacecraft=spacecraft,
        spacecraft_defaults=tuple(spacecraft_defaults), force_model=force, ephemeris=ephemeris,
        reentry_epoch=run.reentry_epochs[0], integrator_message=run.messages[0], track_times=track_times,
        track_latitude_deg=latitude_deg, track_longitude_deg=longitude_deg, track_height_m=height_m,
        lifetime=lifetime, lifetime_error=lifetime_error, lifetime_limit_s=limit_s, tle_fit=tle_fit,
        tle_error=tle_error)


def observe_orbit(elements: MeanElementsGP | None, start: Time, *, stations: tuple = (), targets: tuple = (),
                  sensor: Sensor | None = None, pass_days: float = DEFAULT_PASS_DAYS,
                  eclipse_days: float = DEFAULT_ECLIPSE_DAYS, until: Time | None = None,
                  error: str | None = None, progress: Callable[[str], None] | None = None) -> Observation:
    """Passes over ``stations``, imaging opportunities of ``targets`` and eclipse seasons of a satellite.

    ``elements``: SGP4 mean elements (`orbits.gp.MeanElementsGP`; in `run_mission` the TLE fitted to
    the numerical first day), or None with ``error`` (why there are none: the record then holds no
    tables). ``start``: start of every window (scalar Time). ``stations``, ``targets``: GroundSite
    records (masks on each); ``sensor``: needed when there are targets. ``pass_days``: window of
    passes and opportunities, ``eclipse_days``: window of the eclipse seasons (days of 86,400 SI s).
    ``until``: the predicted re-entry, if any: both windows end there when it comes first (SGP4's
    own drag, fitted to a day or less, may keep such a satellite up long after).
    ``progress`` is called with "passes and imaging" and "eclipse seasons" as each starts.

    Models: `observe.passes.find_passes` (geometric elevation from the WGS-84 normal, no pass of
    10 s or more missed), `observe.opportunities.find_imaging_opportunities` (off-nadir angle, Sun
    elevation at the target, GSD), `observe.eclipses.eclipse_seasons` (conical shadow, WGS-84
    oblate Earth; share of each orbit in umbra and penumbra, beta angle). All on SGP4.

    The seasons run SGP4 for months from its epoch; the per-eclipse times drift (which is why the
    `StaleElementsWarning` of that search is not passed on: the report says it instead), while the
    shadow share and beta angle follow the orbit plane, whose precession SGP4 carries.
    Raises InvalidInputError for targets without a sensor or a non-positive window.
    """
    step = progress or (lambda _message: None)
    stations, targets = tuple(stations), tuple(targets)
    if targets and sensor is None:
        raise InvalidInputError("imaging targets need a sensor (its field of view)", field="sensor")
    for name, days in (("pass_days", pass_days), ("eclipse_days", eclipse_days)):
        if not days > 0:
            raise InvalidInputError(f"expected a positive number of days, got {days!r}", field=name)
    pass_s, eclipse_s = float(pass_days) * ORBIT_DAY_S, float(eclipse_days) * ORBIT_DAY_S
    reentry = None
    if until is not None and until - start < max(pass_s, eclipse_s):
        reentry = until
        pass_s, eclipse_s = (min(span, until - start) for span in (pass_s, eclipse_s))
    step("passes and imaging")
    if elements is None or not pass_s > 0.0:
        step("eclipse seasons")
        if elements is not None:
            error = f"the satellite re-enters at {until.utc_iso(decimals=0)}, before anything can be seen"
        return Observation(None, start, pass_s, eclipse_s, stations, targets, sensor, None, None, None,
                           error or "no SGP4 elements to follow", reentry)
    from .observe.eclipses import StaleElementsWarning, eclipse_seasons
    from .observe.opportunities import find_imaging_opportunities
    from .observe.passes import find_passes

    satellites = [elements]
    passes = find_passes(satellites, list(stations), start, pass_s) if stations else None
    opportunities = (find_imaging_opportunities(satellites, list(targets), start, pass_s, sensor)
                     if targets else None)
    step("eclipse seasons")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", StaleElementsWarning)
        seasons = eclipse_seasons(satellites, start, eclipse_s)
    return Observation(elements, start, pass_s, eclipse_s, stations, targets, sensor, passes, opportunities,
                       seasons, reentry=reentry)


def cover_region(spec: CoverageSpec | None, elements: MeanElementsGP | None, start: Time, *,
                 until: Time | None = None, error: str | None = None,
                 progress: Callable[[str], None] | None = None) -> RegionCoverage:
    """Coverage of the ``[coverage]`` region by the mission's satellite and its constellation, if any.

    ``spec``: the mission's `io.mission.CoverageSpec`, or None (nothing is computed: the record
    says none was requested). ``elements``: the satellite's SGP4 mean elements (in `run_mission`
    the fitted TLE, as `observe_orbit` follows), or None with ``error`` saying why. ``start``: the
    window's start (scalar Time, the insertion epoch), also the epoch of the Walker elements.
    ``until``: the predicted re-entry: the satellite's window stops there when it comes first
    (the constellation's does not; it is a comparison at the same altitude band, not this satellite).
    ``progress`` is called with "coverage" as the step starts.

    Model: `observe.coverage.compute_coverage` over the spec's equal-area grid with its access rule
    (elevation mask or the mission's sensor; edges to 1 s); the satellite on SGP4, the
    constellation (`orbits.constellation.walker_elements`, circular, Brouwer mean elements) on the
    J2 secular propagator. Figures of merit: docs/coverage-metrics.md.
    """
    step = progress or (lambda _message: None)
    step("coverage")
    if spec is None:
        return RegionCoverage(None)
    from .observe.coverage import compute_coverage
    from .orbits.constellation import walker_elements

    duration_s = float(spec.days) * ORBIT_DAY_S
    reentry = None
    if until is not None and until - start < duration_s:
        reentry = until
    satellite, satellite_error = None, error
    if elements is None:
        satellite_error = error or "no SGP4 elements to follow"
    elif reentry is not None and not until - start > spec.access.time_resolution_s:
        satellite_error = f"the satellite re-enters at {until.utc_iso(decimals=0)}, before anything can be seen"
    else:
        span = duration_s if reentry is None else float(until - start)
        satellite = compute_coverage([elements], spec.grid, start, span, spec.access)
        satellite_error = None
    constellation = None
    if spec.constellation is not None:
        walker = walker_elements(spec.constellation.walker, spec.constellation.altitude_m, start)
        constellation = compute_coverage(list(walker), spec.grid, start, duration_s, spec.access)
    return RegionCoverage(spec, start, duration_s, satellite, satellite_error, constellation, reentry)


def _predicted_reentry(orbit: OrbitAnalysis) -> Time | None:
    """The re-entry of the numerical propagation (within two days), else the lifetime's decay, else None."""
    if orbit.reentry_epoch is not None:
        return orbit.reentry_epoch
    if orbit.lifetime is not None and orbit.lifetime.decay_epoch is not None:
        return orbit.lifetime.decay_epoch
    return None


def _record_name(mission_name: str) -> str:
    # The OMM OBJECT_NAME: printable text on one line. (A 3LE name line would be cut to 24 columns by
    # most readers; the report prints the two TLE lines without one.)
    return " ".join(mission_name.split()) or "COSMODROME"


def run_mission(mission: Mission, progress: Callable[[str], None] | None = None, *,
                analyse: bool = True) -> MissionResult:
    """Estimate the payload, fly the ascent with the mission's payload, convert the insertion state,
    and (``analyse``, default True) follow the satellite in orbit (`analyse_orbit`).

    ``progress`` is called with each name of `RUN_STEPS` as that step starts (without the orbit
    analysis, only the first two). With it, `observe_orbit` follows the fitted TLE from the insertion
    epoch over the mission's ground stations and targets, and through its eclipse seasons, and
    `cover_region` computes the coverage of the mission's ``[coverage]`` region (nothing without one).
    """
    step = progress or (lambda _message: None)
    site = find_site(mission.site_id)
    vehicle = load_vehicle(mission.vehicle_ref)
    step("payload estimate")
    estimate = estimate_payload(vehicle, site, mission.target, allow_dogleg=mission.allow_dogleg)
    step("ascent")
    if mission.payload_kg is None:
        ascent = estimate.ascent
    else:
        ascent = simulate_ascent(vehicle, site, mission.target, mission.payload_kg,
                                 allow_dogleg=mission.allow_dogleg, pitch_kick_deg=estimate.pitch_kick_deg,
                                 profile=estimate.profile)
    r, v, epoch = launch_inertial_to_gcrs(mission.launch_utc, ascent.insertion_time_s,
                                          ascent.insertion_position_m, ascent.insertion_velocity_m_s)
    insertion = InsertionState(epoch, r, v)
    orbit = None
    if analyse:
        try:
            spacecraft, defaults = resolve_spacecraft(mission.spacecraft, ascent.payload_kg)
        except InvalidInputError as error:
            raise InvalidInputError(str(error).split(": ", 1)[-1], source=mission.source,
                                    field=error.field) from None
        orbit = analyse_orbit(insertion.state_vector, spacecraft, name=_record_name(mission.name),
                              spacecraft_defaults=defaults, progress=step)
        fit = orbit.tle_fit
        observation = observe_orbit(
            None if fit is None else fit.elements, orbit.state.epoch, stations=mission.ground_stations,
            targets=mission.targets, sensor=mission.sensor, pass_days=mission.pass_days,
            eclipse_days=mission.eclipse_days, until=_predicted_reentry(orbit), progress=step,
            error=None if fit is not None else f"no TLE was fitted ({orbit.tle_error})")
        coverage = cover_region(
            mission.coverage, None if fit is None else fit.elements, orbit.state.epoch,
            until=_predicted_reentry(orbit), progress=step,
            error=None if fit is not None else f"no TLE was fitted ({orbit.tle_error})")
        return MissionResult(mission, site, vehicle, estimate, ascent, insertion, orbit, observation, coverage)
    return MissionResult(mission, site, vehicle, estimate, ascent, insertion, orbit)


__all__ = ["RUN_STEPS", "InsertionState", "MissionResult", "Observation", "OrbitAnalysis", "RegionCoverage",
           "analyse_orbit", "cover_region", "default_drag_area_m2", "observe_orbit", "resolve_spacecraft",
           "run_mission"]
