"""The main job: fly a mission file's ascent and hand its insertion state to the orbit work."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Callable

import numpy as np

from .ascent.service import PayloadEstimate, estimate_payload, simulate_ascent
from .frames import launch_inertial_to_gcrs
from .io.mission import Mission
from .sites import find_site
from .vehicles.catalogue import load_vehicle


@dataclass(frozen=True)
class InsertionState:
    """Where the payload separates: a GCRS state at a UTC epoch."""

    epoch_utc: dt.datetime
    position_gcrs_m: np.ndarray
    velocity_gcrs_m_s: np.ndarray


@dataclass(frozen=True)
class MissionResult:
    mission: Mission
    site: object
    vehicle: object
    estimate: PayloadEstimate
    ascent: object  # AscentResult flown with the mission's payload (or the quoted capability)
    insertion: InsertionState


def run_mission(mission: Mission, progress: Callable[[str], None] | None = None) -> MissionResult:
    """Estimate the payload, fly the ascent with the mission's payload, convert the insertion state."""
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
    return MissionResult(mission, site, vehicle, estimate, ascent, InsertionState(epoch, r, v))
