"""A small synthetic Trajectory for the CSV tests (made-up values, every column distinct)."""

from __future__ import annotations

import numpy as np
import pytest

from cosmodrome.ascent.records import Trajectory


@pytest.fixture
def trajectory() -> Trajectory:
    t = np.linspace(0.0, 500.0, 51)
    u = t / 500.0
    radius = 6378137.0 + 200e3 * u**1.5
    angle = 0.3 * u**2
    speed = 408.0 + 7380.0 * u**1.6
    position = np.stack([radius * np.cos(angle), radius * np.sin(angle), 1000.0 * u], axis=1)
    velocity = np.stack([-speed * np.sin(angle), speed * np.cos(angle), 2.0 + u], axis=1)
    mach = speed / 300.0
    mach[t > 300.0] = np.nan  # no air up there: the writer must keep NaN
    return Trajectory(
        time_s=t, position_m=position, velocity_m_s=velocity, mass_kg=550e3 - 800.0 * t,
        altitude_m=200e3 * u**1.5, latitude_deg=28.5 + 3.0 * u, longitude_deg=-80.6 + 18.0 * u,
        downrange_m=1.9e6 * u**2, inertial_speed_m_s=speed, relative_speed_m_s=speed - 400.0,
        flight_path_angle_deg=90.0 * (1.0 - u), dynamic_pressure_pa=35e3 * np.sin(np.pi * u) ** 4,
        mach=mach, acceleration_m_s2=9.80665 * (1.3 + 3.0 * u), pitch_deg=90.0 - 88.0 * u,
        throttle=np.where(t < 250.0, 1.0, 0.7), stage_index=np.where(t < 160.0, 0, np.where(t < 170.0, -1, 1)),
    )
