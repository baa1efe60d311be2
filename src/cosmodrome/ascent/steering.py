"""Steering laws: where the thrust points, as unit vectors in the launch-inertial frame.

Each law maps (t_s, position (n,3), velocity (n,3)) to unit vectors (n,3). The local frame is
geocentric (up along the radius); over the few seconds where that matters (vertical rise,
pitch-over) it differs from the geodetic normal by at most 0.19 degrees.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .dynamics import air_relative_velocity, row_dot


def _unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def local_axes(position_m: np.ndarray):
    """(up, east, north) unit vectors (n,3) of the geocentric local frame at ``position_m``."""
    up = _unit(position_m)
    east = np.column_stack([-up[:, 1], up[:, 0], np.zeros(len(up))])
    east = _unit(east)
    north = np.cross(up, east)
    return up, east, north


@dataclass(frozen=True)
class AtmosphericSteering:
    """Vertical rise, pitch-over by ``pitch_kick_rad`` toward ``azimuth_rad``, then gravity turn.

    After ``vertical_rise_s`` the thrust holds the kick direction (elevation 90 deg - kick, on the
    launch azimuth) until the air-relative velocity has tipped as far; from then on it follows the
    air-relative velocity (zero angle of attack).
    """

    azimuth_rad: float
    pitch_kick_rad: float
    vertical_rise_s: float = 10.0

    @property
    def switch_times_s(self) -> tuple[float, ...]:
        return (self.vertical_rise_s,)

    def direction(self, t_s: float, position_m: np.ndarray, velocity_m_s: np.ndarray) -> np.ndarray:
        # Written out in components (see _kick_direction): with a handful of rows, NumPy's cost is
        # per call, and local_axes + np.cross cost several times the arithmetic. Scaling rows goes
        # through transposed views (v.T / k).T, cheaper than v / k[:, None] on a few rows.
        inv_r = 1.0 / np.sqrt(row_dot(position_m, position_m))
        if t_s < self.vertical_rise_s:
            return (position_m.T * inv_r).T
        relative = air_relative_velocity(position_m, velocity_m_s)
        speed = np.maximum(np.sqrt(row_dot(relative, relative)), 1e-9)
        along_air = (relative.T / speed).T
        sin_elevation = row_dot(relative, position_m) * inv_r / speed
        follow_air = sin_elevation <= math.cos(self.pitch_kick_rad)
        if follow_air.all():
            return along_air
        return np.where(follow_air[:, None], along_air, self._kick_direction(position_m, inv_r))

    def _kick_direction(self, position_m: np.ndarray, inv_r: np.ndarray) -> np.ndarray:
        """cos(kick) up + sin(kick) (cos(az) north + sin(az) east), with the local axes of
        local_axes written out: up = r/|r|, east = (-y, x, 0)/rho, north = (-z x, -z y, rho^2)/(|r| rho)."""
        x, y, z = position_m[:, 0], position_m[:, 1], position_m[:, 2]
        rho2 = x * x + y * y
        inv_rho = 1.0 / np.sqrt(rho2)
        sin_kick = math.sin(self.pitch_kick_rad)
        up_part = math.cos(self.pitch_kick_rad) * inv_r
        north_part = (sin_kick * math.cos(self.azimuth_rad)) * inv_r * inv_rho
        east_part = (sin_kick * math.sin(self.azimuth_rad)) * inv_rho
        radial = up_part - north_part * z
        out = np.empty_like(position_m)
        out[:, 0] = radial * x - east_part * y
        out[:, 1] = radial * y + east_part * x
        out[:, 2] = up_part * z + north_part * rho2
        return out


@dataclass(frozen=True)
class LinearTangentSteering:
    """Thrust along  t + (a + b tau) r + (c + d tau) h,  tau = t - t0, in a basis frozen at t0.

    r: radial unit vector at t0; h: normal of the target plane; t = h x r (downrange). The pitch
    part is the linear-tangent law, optimal in a uniform gravity field (Bryson & Ho, Applied
    Optimal Control, sec. 2.7); ``params`` has shape (n, 4) holding (a, b, c, d) per trajectory.
    """

    t0_s: float
    radial: np.ndarray  # (3,)
    downrange: np.ndarray  # (3,)
    normal: np.ndarray  # (3,)
    params: np.ndarray  # (n, 4)

    switch_times_s: tuple[float, ...] = ()

    def direction(self, t_s: float, position_m: np.ndarray, velocity_m_s: np.ndarray) -> np.ndarray:
        tau = t_s - self.t0_s
        # Row i of params steers state row i; a caller may evaluate fewer rows than params holds
        # (guidance.solve_cutoff differentiates trajectory 0 alone), so the extra rows are dropped.
        p = self.params[: len(position_m)]
        pitch = p[:, 0] + p[:, 1] * tau
        yaw = p[:, 2] + p[:, 3] * tau
        v = self.downrange + np.multiply.outer(pitch, self.radial) + np.multiply.outer(yaw, self.normal)
        return (v.T / np.sqrt(row_dot(v, v))).T


@dataclass(frozen=True)
class ProgradeHorizontalSteering:
    """Thrust along the horizontal part of the inertial velocity (for circularisation burns)."""

    switch_times_s: tuple[float, ...] = ()

    def direction(self, t_s: float, position_m: np.ndarray, velocity_m_s: np.ndarray) -> np.ndarray:
        # v - (v.r) r / |r|^2: the velocity less its radial part.
        radial_part = row_dot(velocity_m_s, position_m) / row_dot(position_m, position_m)
        horizontal = velocity_m_s - (radial_part * position_m.T).T
        return (horizontal.T / np.sqrt(row_dot(horizontal, horizontal))).T
