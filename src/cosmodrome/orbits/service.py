"""Catalogue propagation: states of many satellites on a uniform time grid, in the frame asked for.

One service answers "where are these satellites over these times?":
``propagate_catalogue(source, start, duration_s, step_s, frame)``.

Sources:
- TLE / OMM mean elements (``MeanElementsGP``, as read by ``cosmodrome.io.tle`` and
  ``cosmodrome.io.omm``, or ``sgp4`` ``Satrec`` objects): SGP4/SDP4 through
  ``Sgp4Propagator`` (TEME, WGS-72). Element sets of another theory (SGP4-XP, ...) are refused
  per satellite: their rows hold NaN and ``Status.INVALID_ORBIT`` and a warning names them (a file
  in which every set is refused raises ``InvalidInputError``).
- A mission (``cosmodrome.io.mission.Mission``, whose ascent is flown here with
  ``cosmodrome.mission.run_mission(mission, analyse=False)``, a few seconds), a ``MissionResult``,
  or a GCRS ``StateVector``: the insertion state is propagated by ``NumericalPropagator`` (Cowell
  in GCRS; default force model J6 and NRLMSIS 2.1 drag with moderate solar activity). The drag
  needs a spacecraft: unless one is given, a mission's is the one its report uses,
  ``cosmodrome.mission.resolve_spacecraft`` (the file's ``[spacecraft]`` table, else the payload
  mass flown and the default drag area of that mass); the result's ``model`` text states it.

Times: ``Time.grid(start, duration_s, step_s)``, uniform in SI seconds (a leap second inside the
span is one more sample, printed 23:59:60). Frames out (``OutputFrame``): TEME, GCRS, ITRS
(velocities relative to the rotating Earth) and WGS-84 geodetic; the Earth's orientation is computed
once per time (``frames.frame_rotations``) and shared by every satellite through the from-to
functions of ``cosmodrome.frames``.

Warnings, not failures (``CatalogueWarning``, also kept in the result): element sets whose epoch
lies more than ``STALE_EPOCH_DAYS`` = 30 days from any requested time, and satellites that decay or
fail inside the run (their rows carry the status; the other satellites are unaffected).

Speed: satellites are processed in blocks of about ``BLOCK_STATES`` states (SGP4, then the frame
conversion while the block is in cache), so that only the outputs are full size. With
``workers`` > 1 the blocks are shared among forked worker processes (SGP4's ``SatrecArray`` holds
the GIL, so threads cannot overlap it); the outputs then live in anonymous shared memory that the
workers write into, so nothing is copied back. This needs the ``fork`` start method (Linux, macOS);
elsewhere the run stays in this process. It is off by default: a fork copies the caller's threads'
locks as they stand, which the worker code here never touches (SGP4 and element-wise NumPy only;
the frame matrices are computed before the fork), but an embedding application may prefer not to
fork. ``bench/bench_propagate.py`` measures both: 10,000 satellites x 1,440 times to geodetic at
1.57 million states per CPU second in one process, 97 % of the rate of the bare ``sgp4`` C++ core in
the same run (the whole-array version before the blocks: 0.98).
"""

from __future__ import annotations

import math
import mmap
import multiprocessing
import os
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum
from functools import partial

import numpy as np
from sgp4.api import Satrec

from ..errors import InfeasibleRequestError, InvalidInputError
from ..frames import (Frame, FrameRotations, frame_rotations, gcrs_to_itrs, gcrs_to_teme, itrs_to_geodetic,
                      teme_to_gcrs, teme_to_itrs)
from ..time import Time
from .gp import MeanElementsGP
from .numerical import ForceModel, NumericalPropagator, Spacecraft
from .propagator import Ephemeris, Status
from .records import StateVector, state_from_insertion
from .sgp4_source import STALE_EPOCH_DAYS, Sgp4Propagator, sgp4_time_split

UNCATALOGUED_NUMBER = 99999  # the usual placeholder for an object not yet catalogued
# States per block: 64k states x (position + velocity) = 3 MB, which stays in cache through SGP4
# and the frame conversion. Of 16k, 64k, 256k and 1M states per block, 64k was the fastest on the
# development machine (2,000 satellites x 1,440 times to geodetic).
BLOCK_STATES = 65_536
_LISTED = 10  # satellites named in one warning; the result keeps them all


class CatalogueWarning(UserWarning):
    """A catalogue run went on despite something the user should know (stale epochs, decays)."""


class OutputFrame(str, Enum):
    """Frames a catalogue run can give states in."""

    TEME = "teme"
    GCRS = "gcrs"
    ITRS = "itrs"
    GEODETIC = "geodetic"

    @property
    def is_cartesian(self) -> bool:
        return self is not OutputFrame.GEODETIC


@dataclass(frozen=True)
class SatelliteIdentity:
    """Who a row of a catalogue run is: catalogue number, name (or None) and COSPAR ID ('' unknown)."""

    catalogue_number: int
    name: str | None = None
    international_designator: str = ""


@dataclass(frozen=True)
class SatelliteFailure:
    """A satellite whose rows are not all OK: the first bad time and its status."""

    catalogue_number: int
    first_time_index: int
    first_time_utc: str
    status: Status


@dataclass(frozen=True)
class StaleElementSet:
    """An element set used more than STALE_EPOCH_DAYS from its epoch (largest distance in days)."""

    catalogue_number: int
    days_from_epoch: float


@dataclass(frozen=True, eq=False)
class CatalogueEphemeris:
    """States of a catalogue on a time grid, in one output frame.

    ``satellites``: one ``SatelliteIdentity`` per row; ``times``: 1-D ``Time`` (n_time).
    Cartesian frames: ``position_m`` and ``velocity_m_s`` (n_sat, n_time, 3) in metres and m/s
    (ITRS velocities relative to the rotating Earth); geodetic: ``latitude_rad``, ``longitude_rad``
    (east, in (-pi, pi]) and ``height_m`` above the WGS-84 ellipsoid, each (n_sat, n_time); the
    other arrays are None. ``status``: int8 (n_sat, n_time) of ``Status``; rows with a non-zero
    status hold NaN. ``failures``, ``stale_element_sets``: what the warnings said, complete.
    ``model``: the propagator and force model in words. ``notes``: the warning texts issued.
    """

    satellites: tuple[SatelliteIdentity, ...]
    times: Time
    frame: OutputFrame
    status: np.ndarray
    position_m: np.ndarray | None = None
    velocity_m_s: np.ndarray | None = None
    latitude_rad: np.ndarray | None = None
    longitude_rad: np.ndarray | None = None
    height_m: np.ndarray | None = None
    failures: tuple[SatelliteFailure, ...] = ()
    stale_element_sets: tuple[StaleElementSet, ...] = ()
    model: str = ""
    notes: tuple[str, ...] = ()

    @property
    def satellite_ids(self) -> np.ndarray:
        return np.array([s.catalogue_number for s in self.satellites], dtype=np.int64)

    @property
    def n_satellites(self) -> int:
        return len(self.satellites)

    @property
    def n_times(self) -> int:
        return self.times.shape[0]


def propagate_catalogue(source, start: Time, duration_s: float, step_s: float,
                        frame: OutputFrame | str = OutputFrame.GCRS, *, workers: int = 1,
                        progress: Callable[[int], None] | None = None,
                        spacecraft: Spacecraft | None = None, force_model: ForceModel | None = None,
                        block_states: int = BLOCK_STATES) -> CatalogueEphemeris:
    """States of every satellite of ``source`` from ``start`` over ``duration_s`` every ``step_s``.

    Args:
        source: a sequence of ``MeanElementsGP`` (TLE/OMM) or ``sgp4`` ``Satrec`` (SGP4); or a
            ``Mission``, ``MissionResult`` or GCRS ``StateVector`` (numerical propagation).
        start: the first time (scalar ``Time``); duration_s, step_s: SI seconds (step > 0).
        frame: ``OutputFrame`` or its name ('teme', 'gcrs', 'itrs', 'geodetic').
        workers: processes to share the SGP4 blocks among (1: this process only).
        progress: called with the number of satellites finished after each block.
        spacecraft, force_model: for numerical propagation (see the module docstring).
        block_states: states per block (memory and cache; not the results).

    Returns:
        ``CatalogueEphemeris``. Warns ``CatalogueWarning`` for stale element sets, refused
        element sets and satellites that decay or fail during the run.

    Raises:
        InvalidInputError: an unknown frame, a bad grid, an empty source or one of another type, a
        source in which every element set is refused.
        InfeasibleRequestError: results that would need more than 80 % of this machine's memory.
    """
    frame = _output_frame(frame)
    if not isinstance(start, Time) or start.shape != ():
        raise InvalidInputError(f"start: expected a single cosmodrome Time, got {start!r}", field="start")
    _check_size(source, frame, float(duration_s), float(step_s))
    times = Time.grid(start, float(duration_s), float(step_s))
    if not (isinstance(workers, (int, np.integer)) and workers >= 1):
        raise InvalidInputError(f"workers: expected a whole number >= 1, got {workers!r}", field="workers")
    if not (isinstance(block_states, (int, np.integer)) and block_states >= 1):
        raise InvalidInputError(f"block_states: expected a whole number >= 1, got {block_states!r}",
                                field="block_states")
    report = progress or (lambda _done: None)
    state, identity, default_craft, label = _numerical_source(source)
    if state is not None:
        return _propagate_numerical(state, identity, default_craft, label, times, frame, spacecraft,
                                    force_model, report)
    return _propagate_sgp4(source, times, frame, int(workers), report, int(block_states))


# --- SGP4 catalogues ---------------------------------------------------------------------------------

def _identity(record) -> SatelliteIdentity:
    if isinstance(record, Satrec):
        designator = (record.intldesg or "").strip()
        return SatelliteIdentity(int(record.satnum), None, designator)
    return SatelliteIdentity(int(record.catalogue_number), record.name, record.international_designator)


def _propagate_sgp4(source, times: Time, frame: OutputFrame, workers: int, report, block_states: int):
    if isinstance(source, (MeanElementsGP, Satrec)):
        source = [source]
    if not isinstance(source, Sequence) or isinstance(source, (str, bytes)) or len(source) == 0:
        raise InvalidInputError("expected a non-empty list of TLE/OMM element sets, a mission or a GCRS "
                                f"state vector, got {type(source).__name__}", field="source")
    for k, record in enumerate(source):
        if not isinstance(record, (MeanElementsGP, Satrec)):
            raise InvalidInputError(f"item {k}: expected MeanElementsGP (TLE/OMM) or an sgp4 Satrec, "
                                    f"got {type(record).__name__}", field="source")
    identities = tuple(_identity(r) for r in source)
    usable = [k for k, r in enumerate(source) if isinstance(r, Satrec) or r.is_sgp4_compatible]
    refused = sorted(set(range(len(source))) - set(usable))
    notes = []
    if refused:
        reason = _refusal(source[refused[0]])
        if not usable:
            raise InvalidInputError(f"no element set can be propagated with SGP4: {reason}", field="source")
        message = (f"{len(refused)} element set(s) refused, not propagated (their rows carry status "
                   f"INVALID_ORBIT): {_listing([identities[k].catalogue_number for k in refused])}; "
                   f"first: {reason}")
        notes.append(message)
        warnings.warn(message, CatalogueWarning, stacklevel=3)

    propagator = Sgp4Propagator([source[k] for k in usable])
    days = propagator.days_from_epoch(times)
    stale = tuple(StaleElementSet(identities[usable[j]].catalogue_number, float(days[j]))
                  for j in np.flatnonzero(days > STALE_EPOCH_DAYS))
    if stale:
        message = (f"{len(stale)} element set(s) used more than {STALE_EPOCH_DAYS:g} days from their epoch "
                   "(SGP4 errors grow by kilometres a day away from the epoch): "
                   + _listing([f"{s.catalogue_number} ({s.days_from_epoch:.1f} days)" for s in stale]))
        notes.append(message)
        warnings.warn(message, CatalogueWarning, stacklevel=3)

    n_sat, n_time = len(source), times.shape[0]
    rotations = _rotations_for(Frame.TEME, frame, times)
    parallel = workers > 1 and _can_fork()
    out = _allocate(frame, n_sat, n_time, shared=parallel)
    if refused:
        out["status"][refused] = Status.INVALID_ORBIT
        for name, array in out.items():
            if name != "status":
                array[refused] = np.nan
    jd, fr = sgp4_time_split(times)
    rows = np.asarray(usable, dtype=np.int64)
    contiguous = not refused
    job = partial(_sgp4_block, propagator, jd, fr, rows, contiguous, rotations, frame, out)
    block = max(1, block_states // n_time)
    _run_blocks(job, len(usable), block, workers if parallel else 1, report)
    if refused:
        report(len(refused))
    model = "SGP4/SDP4 (sgp4 package, WGS-72)" + ("" if frame is OutputFrame.TEME else
                                                   f", TEME converted to {frame.name}")
    return _finish(identities, times, frame, out, stale, model, notes)


def _refusal(record) -> str:
    try:
        record.to_satrec()
    except InvalidInputError as error:
        return str(error)
    return f"catalogue number {record.catalogue_number}: not SGP4 mean elements"  # pragma: no cover


def _sgp4_block(propagator, jd, fr, rows, contiguous, rotations, frame, out, s0: int, s1: int) -> None:
    """SGP4 of usable satellites s0..s1-1, converted to the output frame, written to their output rows."""
    k, n_time = s1 - s0, jd.shape[0]
    position = np.empty((k, n_time, 3))
    velocity = np.empty((k, n_time, 3))
    status = np.empty((k, n_time), dtype=np.int8)
    propagator.fill_states(jd, fr, s0, s1, position, velocity, status)
    target = slice(int(rows[s0]), int(rows[s0]) + k) if contiguous else rows[s0:s1]
    _store(out, target, _converted(Frame.TEME, frame, rotations, position, velocity), status)


# --- numerical propagation of a mission's insertion state ----------------------------------------------

def _numerical_source(source):
    """(GCRS StateVector, identity, default Spacecraft or None, label) of a mission-like source, else Nones."""
    from ..io.mission import Mission
    from ..mission import MissionResult, resolve_spacecraft, run_mission
    if isinstance(source, Mission):
        source = run_mission(source, analyse=False)
    if isinstance(source, MissionResult):
        insertion = source.insertion
        state = state_from_insertion(insertion.position_gcrs_m, insertion.velocity_gcrs_m_s, insertion.epoch_utc)
        craft, defaults = resolve_spacecraft(source.mission.spacecraft, source.ascent.payload_kg)
        assumed = f"; {', '.join(defaults)} by default" if defaults else ""
        label = (f"insertion state of mission {source.mission.name!r} ({craft.mass_kg:.0f} kg, drag area "
                 f"{craft.drag_area_m2:.2f} m^2, Cd {craft.drag_coefficient:g}{assumed})")
        name = " ".join(source.mission.name.split()) or None
        return state, SatelliteIdentity(UNCATALOGUED_NUMBER, name, ""), craft, label
    if isinstance(source, StateVector):
        if source.frame is not Frame.GCRS:
            raise InvalidInputError(f"a state vector source must be in GCRS, got {source.frame.value}",
                                    field="source")
        return source, SatelliteIdentity(UNCATALOGUED_NUMBER), None, "state vector"
    return None, None, None, None


def _propagate_numerical(state, identity, default_craft, label, times, frame, spacecraft, force_model, report):
    force = force_model if force_model is not None else ForceModel()
    craft = spacecraft if spacecraft is not None else default_craft
    if craft is None and (force.drag or force.solar_radiation_pressure):
        raise InvalidInputError("a state vector with drag or radiation pressure needs a Spacecraft (mass and "
                                "area); give one, or a ForceModel without them", field="spacecraft")
    run = NumericalPropagator(state, craft, force_model=force,
                              satellite_ids=[identity.catalogue_number]).run(times)
    eph = run.ephemeris
    rotations = _rotations_for(Frame.GCRS, frame, times)
    out = _allocate(frame, 1, times.shape[0], shared=False)
    _store(out, slice(0, 1), _converted(Frame.GCRS, frame, rotations, np.array(eph.position_m),
                                        np.array(eph.velocity_m_s)), np.array(eph.status))
    report(1)
    parts = [f"zonal J2..J{force.zonal_degree}" if force.zonal_degree >= 2 else "point-mass Earth"]
    if force.drag:
        parts.append(f"drag ({force.density_model.value})")
    if force.sun or force.moon:
        parts.append("third bodies")
    if force.solar_radiation_pressure:
        parts.append("radiation pressure")
    model = f"numerical (Cowell, GCRS; {', '.join(parts)}) from the {label}"
    notes = [m for m in run.messages if m and m != "ok"]
    return _finish((identity,), times, frame, out, (), model, notes)


# --- shared pieces -------------------------------------------------------------------------------------

def _check_size(source, frame: OutputFrame, duration_s: float, step_s: float) -> None:
    """Refuse a run whose results alone would not fit in this machine's memory (before allocating)."""
    if not (math.isfinite(duration_s) and math.isfinite(step_s)):
        raise InvalidInputError(f"expected finite numbers of seconds, got duration {duration_s} s, step {step_s} s")
    if not (step_s > 0 and duration_s >= 0):
        return  # Time.grid names the problem
    n_time = math.floor(duration_s / step_s + 1e-9) + 1
    n_sat = len(source) if isinstance(source, Sequence) else 1
    needed = n_sat * n_time * ((48 if frame.is_cartesian else 24) + 1)
    try:
        physical = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (AttributeError, ValueError, OSError):  # not a POSIX system: no check
        return
    if needed > 0.8 * physical:
        raise InfeasibleRequestError(
            f"{n_sat:,} satellites x {n_time:,} times need {needed / 1e9:.1f} GB for the results alone, and this "
            f"machine has {physical / 1e9:.1f} GB of memory: shorten the span, lengthen the step or split the "
            "catalogue")


def _output_frame(frame) -> OutputFrame:
    try:
        return OutputFrame(frame.lower() if isinstance(frame, str) else frame)
    except ValueError:
        raise InvalidInputError(f"expected one of {', '.join(f.value for f in OutputFrame)}, got {frame!r}",
                                field="frame") from None


def _rotations_for(native: Frame, frame: OutputFrame, times: Time) -> FrameRotations | None:
    """The Earth's orientation at each time, with the matrices that the conversion from the
    propagator's ``native`` frame uses computed now (once, and before any fork)."""
    if frame.value == native.value.lower():
        return None
    rotations = frame_rotations(times)
    probe = np.zeros((times.shape[0], 3))
    probe[:, 0] = 7e6
    _converted(native, frame, rotations, probe, probe)
    return rotations


def _converted(native: Frame, frame: OutputFrame, rotations, position, velocity):
    """{output name: array} of TEME or GCRS states (k, n_time, 3) in the output frame."""
    if frame is OutputFrame.TEME:
        if native is Frame.TEME:
            return {"position_m": position, "velocity_m_s": velocity}
        r, v = gcrs_to_teme(rotations, position, velocity)
        return {"position_m": r, "velocity_m_s": v}
    if frame is OutputFrame.GCRS:
        if native is Frame.GCRS:
            return {"position_m": position, "velocity_m_s": velocity}
        r, v = teme_to_gcrs(rotations, position, velocity)
        return {"position_m": r, "velocity_m_s": v}
    to_itrs = teme_to_itrs if native is Frame.TEME else gcrs_to_itrs
    if frame is OutputFrame.ITRS:
        r, v = to_itrs(rotations, position, velocity)
        return {"position_m": r, "velocity_m_s": v}
    r, _ = to_itrs(rotations, position)
    with np.errstate(invalid="ignore", divide="ignore"):  # NaN rows of failed satellites
        latitude, longitude, height = itrs_to_geodetic(r)
    return {"latitude_rad": latitude, "longitude_rad": longitude, "height_m": height}


def _store(out: dict, rows, values: dict, status) -> None:
    for name, array in values.items():
        out[name][rows] = array
    out["status"][rows] = status


def _allocate(frame: OutputFrame, n_sat: int, n_time: int, *, shared: bool) -> dict:
    empty = _shared_empty if shared else np.empty
    if frame.is_cartesian:
        out = {"position_m": empty((n_sat, n_time, 3)), "velocity_m_s": empty((n_sat, n_time, 3))}
    else:
        out = {name: empty((n_sat, n_time)) for name in ("latitude_rad", "longitude_rad", "height_m")}
    out["status"] = empty((n_sat, n_time), dtype=np.int8)
    return out


def _shared_empty(shape, dtype=np.float64) -> np.ndarray:
    """An array in anonymous shared memory (MAP_SHARED): forked workers write into the parent's copy.

    The mapping lives as long as the array (its buffer holds the mmap), so results need no copy.
    """
    dtype = np.dtype(dtype)
    size = max(1, int(np.prod(shape)) * dtype.itemsize)
    return np.frombuffer(mmap.mmap(-1, size), dtype=dtype, count=int(np.prod(shape))).reshape(shape)


def _can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def _run_blocks(job, n_items: int, block: int, workers: int, report) -> None:
    """``job(s0, s1)`` over [0, n_items) in blocks; in ``workers`` forked processes when > 1."""
    bounds = [(s0, min(n_items, s0 + block)) for s0 in range(0, n_items, block)]
    if workers <= 1 or len(bounds) < 2:
        for s0, s1 in bounds:
            job(s0, s1)
            report(s1 - s0)
        return
    # The job (propagator, time axis, frame matrices, shared outputs) reaches the workers through
    # the fork itself, as the pool initializer's argument: nothing is pickled but block bounds.
    context = multiprocessing.get_context("fork")
    with context.Pool(min(workers, len(bounds)), initializer=_worker_start, initargs=(job,)) as pool:
        for done in pool.imap_unordered(_worker_block, bounds):
            report(done)


_WORKER_JOB = None  # set in each forked worker by _worker_start; never in the parent


def _worker_start(job) -> None:
    global _WORKER_JOB
    _WORKER_JOB = job


def _worker_block(bounds) -> int:
    s0, s1 = bounds
    _WORKER_JOB(s0, s1)
    return s1 - s0


def _finish(identities, times, frame, out, stale, model, notes) -> CatalogueEphemeris:
    status = out["status"]
    failures = []
    bad = status != 0
    if bad.any():
        texts = np.atleast_1d(times.utc_iso())
        for k in np.flatnonzero(bad.any(axis=1)):
            first = int(np.argmax(bad[k]))
            failures.append(SatelliteFailure(identities[k].catalogue_number, first, str(texts[first]),
                                             Status(int(status[k, first]))))
    decayed = [f for f in failures if f.status is not Status.INVALID_ORBIT]
    notes = list(notes)
    if decayed:
        message = (f"{len(decayed)} satellite(s) decayed or failed during the run; their rows carry a status "
                   "and no state: " + _listing([f"{f.catalogue_number} ({f.status.name} from {f.first_time_utc})"
                                                for f in decayed]))
        notes.append(message)
        warnings.warn(message, CatalogueWarning, stacklevel=4)  # the caller of propagate_catalogue
    for array in out.values():
        array.flags.writeable = False
    return CatalogueEphemeris(satellites=tuple(identities), times=times, frame=frame, status=out["status"],
                              position_m=out.get("position_m"), velocity_m_s=out.get("velocity_m_s"),
                              latitude_rad=out.get("latitude_rad"), longitude_rad=out.get("longitude_rad"),
                              height_m=out.get("height_m"), failures=tuple(failures),
                              stale_element_sets=tuple(stale), model=model, notes=tuple(notes))


def _listing(items) -> str:
    items = [str(item) for item in items]
    shown = ", ".join(items[:_LISTED])
    return shown if len(items) <= _LISTED else f"{shown} and {len(items) - _LISTED} more"


def ephemeris_of(result: CatalogueEphemeris) -> Ephemeris:
    """The Cartesian states of a catalogue run as an ``Ephemeris`` (for fits and interpolation)."""
    if not result.frame.is_cartesian:
        raise InvalidInputError("a geodetic catalogue run has no Cartesian states", field="frame")
    frame = {OutputFrame.TEME: Frame.TEME, OutputFrame.GCRS: Frame.GCRS, OutputFrame.ITRS: Frame.ITRS}[result.frame]
    return Ephemeris(result.satellite_ids, result.times, result.position_m, result.velocity_m_s, result.status,
                     frame)


__all__ = ["CatalogueEphemeris", "CatalogueWarning", "OutputFrame", "SatelliteFailure", "SatelliteIdentity",
           "StaleElementSet", "propagate_catalogue", "ephemeris_of", "STALE_EPOCH_DAYS", "BLOCK_STATES"]
