"""Records returned by the ascent services. SI units; times in seconds from lift-off.

The launch-inertial frame: Earth-centred, axes of the Earth-fixed frame (ITRS, z along the
rotation axis) frozen at the lift-off instant. Inclinations measured in it are from the true
equator of date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Trajectory:
    """Time histories of one ascent, one row per output sample (arrays of shape (n,) or (n, 3))."""

    time_s: np.ndarray
    position_m: np.ndarray  # launch-inertial
    velocity_m_s: np.ndarray  # launch-inertial
    mass_kg: np.ndarray
    altitude_m: np.ndarray  # geodetic height above WGS-84
    latitude_deg: np.ndarray  # geodetic
    longitude_deg: np.ndarray
    downrange_m: np.ndarray  # great-circle distance on the equatorial sphere from the pad
    inertial_speed_m_s: np.ndarray
    relative_speed_m_s: np.ndarray  # speed relative to the rotating Earth (air)
    flight_path_angle_deg: np.ndarray  # inertial velocity above the local horizontal
    dynamic_pressure_pa: np.ndarray
    mach: np.ndarray
    acceleration_m_s2: np.ndarray  # sensed: (thrust + aerodynamic force) / mass
    pitch_deg: np.ndarray  # thrust direction above the local horizontal (90 = vertical)
    throttle: np.ndarray  # fraction of full thrust of the burning units (0 when coasting)
    stage_index: np.ndarray  # index into Vehicle.stages of the topmost burning stage (-1 coasting)

    def __len__(self) -> int:
        return len(self.time_s)


@dataclass(frozen=True)
class Event:
    """A moment of the flight: lift-off, max-Q, separation, fairing jettison, cut-off, insertion."""

    name: str
    time_s: float
    altitude_m: float
    inertial_speed_m_s: float
    detail: str = ""


@dataclass(frozen=True)
class DeltaVBudget:
    """Where the ideal delta-v went (m/s). Losses are positive numbers.

    final inertial speed = rotation gain + ideal - gravity - drag - steering - back_pressure,
    up to ``closure_error_m_s`` (integration error; must stay well under 1 %).
    """

    ideal_m_s: float  # sum of g0 * Isp_vac * ln(m0/m1) over the burnt propellant
    gravity_loss_m_s: float
    drag_loss_m_s: float
    steering_loss_m_s: float
    back_pressure_loss_m_s: float  # thrust lost to ambient pressure against vacuum thrust
    earth_rotation_gain_m_s: float  # inertial speed of the pad at lift-off
    final_inertial_speed_m_s: float
    closure_error_m_s: float


@dataclass(frozen=True)
class OrbitReached:
    """Osculating elements at final cut-off (launch-inertial frame, WGS-84 GM)."""

    perigee_altitude_m: float  # radius minus 6378.137 km
    apogee_altitude_m: float
    inclination_deg: float
    semi_major_axis_m: float
    eccentricity: float
    raan_deg: float  # in the launch-inertial frame (from the Greenwich meridian at lift-off)
    argument_of_perigee_deg: float
    true_anomaly_deg: float


@dataclass(frozen=True)
class AscentResult:
    """One simulated ascent with a given payload and guidance."""

    vehicle_id: str
    vehicle_name: str
    site_id: str
    payload_kg: float  # separated mass at insertion (spacecraft and adapter)
    azimuth_deg: float
    profile: str  # "direct" or "two-burn"
    trajectory: Trajectory
    events: tuple[Event, ...]
    budget: DeltaVBudget
    orbit: OrbitReached
    max_dynamic_pressure_pa: float
    max_dynamic_pressure_time_s: float
    max_acceleration_m_s2: float
    propellant_left_kg: tuple[tuple[str, float], ...]  # (stage name, kg left in all its units) at insertion
    insertion_time_s: float
    insertion_position_m: np.ndarray  # launch-inertial
    insertion_velocity_m_s: np.ndarray
    pitch_kick_deg: float
    reached_target: bool
