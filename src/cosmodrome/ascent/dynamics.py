"""Equations of motion of a point mass over a rotating WGS-84 Earth (3 degrees of freedom).

Frame: launch-inertial, i.e. the Earth-fixed axes frozen at t = 0 (z along the rotation axis).
The Earth turns about z at WGS-84's rate, so the Earth-fixed position at time t is R_z(-w t) r.
Forces: J2 gravity (earth.gravity), drag against the air that co-rotates with the Earth, using
the US Standard Atmosphere 1976 at the geodetic height (its tabulated form `us1976_table`,
within 2e-6 of the exact model and ten times cheaper), and thrust whose magnitude falls with
ambient pressure as thrust_vac - exit_area * p (mass flow fixed by the vacuum figures).

State layout, shape (n, 7): x, y, z (m), vx, vy, vz (m/s), mass (kg). Every array argument is
per trajectory (n,), so one call advances many trajectories at once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..earth.atmosphere import us1976_table
from ..earth.constants import WGS84_ROTATION_RATE_RAD_S
from ..earth.geodesy import ecef_to_geodetic, enu_basis, geodetic_to_ecef
from ..earth.gravity import gravity_j2_m_s2

OMEGA = WGS84_ROTATION_RATE_RAD_S


@dataclass(frozen=True)
class Environment:
    """What the vehicle feels at one instant; arrays of shape (n,) or (n, 3)."""

    altitude_m: np.ndarray
    latitude_rad: np.ndarray
    longitude_rad: np.ndarray  # Earth-fixed
    pressure_pa: np.ndarray
    density_kg_m3: np.ndarray
    mach: np.ndarray
    dynamic_pressure_pa: np.ndarray
    relative_velocity_m_s: np.ndarray  # air-relative velocity, launch-inertial axes
    gravity_m_s2: np.ndarray
    thrust_n: np.ndarray  # vector, launch-inertial
    drag_n: np.ndarray  # vector, launch-inertial


def inertial_to_earth_fixed(t_s: float, vectors: np.ndarray) -> np.ndarray:
    """Rotate launch-inertial vectors (..., 3) into Earth-fixed axes at time t_s."""
    c, s = np.cos(OMEGA * t_s), np.sin(OMEGA * t_s)
    v = np.asarray(vectors, dtype=float)
    out = np.empty_like(v)
    out[..., 0] = c * v[..., 0] + s * v[..., 1]
    out[..., 1] = -s * v[..., 0] + c * v[..., 1]
    out[..., 2] = v[..., 2]
    return out


def earth_fixed_to_inertial(t_s: float, vectors: np.ndarray) -> np.ndarray:
    """Rotate Earth-fixed vectors (..., 3) at time t_s into launch-inertial axes."""
    return inertial_to_earth_fixed(-t_s, vectors)


def air_relative_velocity(position_m: np.ndarray, velocity_m_s: np.ndarray) -> np.ndarray:
    """Velocity relative to the co-rotating air, v - w x r, in the same (inertial) axes."""
    rel = np.array(velocity_m_s, dtype=float, copy=True)
    rel[..., 0] += OMEGA * position_m[..., 1]
    rel[..., 1] -= OMEGA * position_m[..., 0]
    return rel


def drag_coefficient(mach: np.ndarray, cd_mach: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """Cd at Mach numbers: linear between table points, held constant beyond the ends."""
    return np.interp(mach, cd_mach[0], cd_mach[1])


def _einsum_row_dot(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", a, b)


# row_dot(a, b): row-wise dot products of (n, 3) arrays, shape (n,). np.vecdot (NumPy >= 2.0) is a
# ufunc and twice as fast as einsum on a few rows; NumPy 1.26, which we still support, lacks it.
row_dot = getattr(np, "vecdot", _einsum_row_dot)


def air_loads(altitude_m: np.ndarray, position_m: np.ndarray, velocity_m_s: np.ndarray,
              drag_area_m2, cd_mach: tuple[np.ndarray, np.ndarray]):
    """Air data and drag of launch-inertial states (n, 3) at geodetic heights ``altitude_m`` (n,).

    Returns (pressure_pa, density_kg_m3, mach, dynamic_pressure_pa, drag_per_speed (n,), air-relative
    velocity (n, 3)), where the drag force is ``-drag_per_speed[:, None] * relative``, i.e.
    drag_per_speed = q Cd A / |v_rel| = rho |v_rel| Cd A / 2 (N per m/s; no division, so no guard
    at rest). Kept lean: the integrator calls it four times a step.
    """
    _, pressure, density, sound = us1976_table(altitude_m)
    relative = air_relative_velocity(position_m, velocity_m_s)
    speed = np.sqrt(row_dot(relative, relative))
    half_rho_v = 0.5 * density * speed
    mach = speed / sound
    drag_per_speed = half_rho_v * drag_coefficient(mach, cd_mach) * drag_area_m2
    return pressure, density, mach, half_rho_v * speed, drag_per_speed, relative


def environment(t_s: float, state: np.ndarray, thrust_direction: np.ndarray, thrust_vac_n: np.ndarray,
                exit_area_m2: np.ndarray, drag_area_m2: np.ndarray,
                cd_mach: tuple[np.ndarray, np.ndarray]) -> Environment:
    """Forces and air data for each trajectory in ``state`` (n, 7) at time ``t_s``.

    thrust_direction: unit vectors (n, 3), launch-inertial; thrust_vac_n, exit_area_m2: total
    over the burning units (n,), zero when coasting; drag_area_m2: reference area (n,).
    """
    position = state[:, 0:3]
    velocity = state[:, 3:6]
    latitude, longitude, altitude = ecef_to_geodetic(inertial_to_earth_fixed(t_s, position))
    pressure, density, mach, q, drag_per_speed, relative = air_loads(altitude, position, velocity,
                                                                     drag_area_m2, cd_mach)
    drag = -drag_per_speed[:, None] * relative
    thrust_magnitude = np.maximum(thrust_vac_n - exit_area_m2 * pressure, 0.0)
    thrust = thrust_magnitude[:, None] * thrust_direction
    return Environment(altitude, latitude, longitude, pressure, density, mach, q, relative,
                       gravity_j2_m_s2(position), thrust, drag)


def derivative(t_s: float, state: np.ndarray, thrust_direction: np.ndarray, thrust_vac_n: np.ndarray,
               exit_area_m2: np.ndarray, mass_flow_kg_s: np.ndarray, drag_area_m2: np.ndarray,
               cd_mach: tuple[np.ndarray, np.ndarray]) -> tuple[np.ndarray, Environment]:
    """Time derivative of ``state`` (n, 7) and the environment it was computed from."""
    env = environment(t_s, state, thrust_direction, thrust_vac_n, exit_area_m2, drag_area_m2, cd_mach)
    mass = state[:, 6:7]
    out = np.empty_like(state)
    out[:, 0:3] = state[:, 3:6]
    out[:, 3:6] = env.gravity_m_s2 + (env.thrust_n + env.drag_n) / mass
    out[:, 6] = -mass_flow_kg_s
    return out, env


def state_from_geodetic(latitude_rad, longitude_rad, height_m, velocity_ned_m_s, mass_kg) -> np.ndarray:
    """Launch-inertial state (n, 7) at t = 0 from a geodetic position and an Earth-relative
    velocity given in the local north-east-down frame."""
    lat = np.atleast_1d(np.asarray(latitude_rad, dtype=float))
    lon = np.atleast_1d(np.asarray(longitude_rad, dtype=float))
    position = geodetic_to_ecef(lat, lon, np.atleast_1d(height_m))
    east, north, up = np.moveaxis(enu_basis(lat, lon), -2, 0)
    ned = np.atleast_2d(np.asarray(velocity_ned_m_s, dtype=float))
    relative = ned[:, 0:1] * north + ned[:, 1:2] * east - ned[:, 2:3] * up
    velocity = relative.copy()
    velocity[:, 0] -= OMEGA * position[:, 1]
    velocity[:, 1] += OMEGA * position[:, 0]
    mass = np.broadcast_to(np.asarray(mass_kg, dtype=float), lat.shape)
    return np.column_stack([position, velocity, mass])


def geodetic_and_ned_velocity(t_s: float, state: np.ndarray):
    """(latitude_rad, longitude_rad, height_m, velocity_ned_m_s (n, 3)) of launch-inertial states;
    the velocity is relative to the rotating Earth, in the local north-east-down frame."""
    position = state[:, 0:3]
    relative = air_relative_velocity(position, state[:, 3:6])
    fixed_position = inertial_to_earth_fixed(t_s, position)
    fixed_relative = inertial_to_earth_fixed(t_s, relative)
    lat, lon, height = ecef_to_geodetic(fixed_position)
    east, north, up = np.moveaxis(enu_basis(lat, lon), -2, 0)
    ned = np.column_stack([np.einsum("ij,ij->i", fixed_relative, north),
                           np.einsum("ij,ij->i", fixed_relative, east),
                           -np.einsum("ij,ij->i", fixed_relative, up)])
    return lat, lon, height, ned
