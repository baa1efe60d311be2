"""Frame conversions at the boundary between the ascent and the orbit work.

The ascent integrates in the launch-inertial frame (Earth-fixed axes frozen at lift-off, z on the
rotation axis). At an epoch, its states become ITRS (rotating the frame by the Earth's angle since
lift-off) and then GCRS through ERFA's IAU 2006/2000A celestial-to-terrestrial matrix.

Earth-orientation data: UT1-UTC and polar motion are taken as zero here (no table is shipped yet):
the GCRS position is then uncertain by up to ~0.9 s of Earth rotation (~420 m at the equator)
plus ~10 m of polar motion. Leap seconds come from ERFA's built-in table.
"""

from __future__ import annotations

import datetime as dt
from enum import Enum

import erfa
import numpy as np

from .earth.constants import WGS84_ROTATION_RATE_RAD_S

_ERA_RATE_RAD_S = 7.292115146706979e-5  # IERS Conventions 2010, d(ERA)/dt in SI seconds


class Frame(str, Enum):
    """Reference frames that vectors cross module boundaries in."""

    TEME = "TEME"        # True Equator Mean Equinox of date: what SGP4 gives
    GCRS = "GCRS"        # Geocentric Celestial Reference System (GCRF in CCSDS files)
    EME2000 = "EME2000"  # mean equator and equinox of J2000.0 (GCRS with the frame bias applied)
    ITRS = "ITRS"        # Earth-fixed; velocities relative to the rotating Earth


def utc_to_two_part_jd(epoch: dt.datetime):
    """(utc1, utc2), (tt1, tt2) ERFA two-part Julian dates of a timezone-aware UTC datetime."""
    epoch = epoch.astimezone(dt.timezone.utc)
    seconds = epoch.second + epoch.microsecond * 1e-6
    utc1, utc2 = erfa.dtf2d("UTC", epoch.year, epoch.month, epoch.day, epoch.hour, epoch.minute, seconds)
    tai1, tai2 = erfa.utctai(utc1, utc2)
    tt1, tt2 = erfa.taitt(tai1, tai2)
    return (utc1, utc2), (tt1, tt2)


def launch_inertial_to_gcrs(launch_utc: dt.datetime, time_since_liftoff_s: float,
                            position_m: np.ndarray, velocity_m_s: np.ndarray):
    """GCRS position (m), velocity (m/s) and UTC epoch of a launch-inertial state."""
    angle = WGS84_ROTATION_RATE_RAD_S * time_since_liftoff_s
    c, s = np.cos(angle), np.sin(angle)
    rot = np.array([[c, s, 0.0], [-s, c, 0.0], [0.0, 0.0, 1.0]])  # inertial -> Earth-fixed
    omega = np.array([0.0, 0.0, WGS84_ROTATION_RATE_RAD_S])
    r_itrs = rot @ position_m
    v_itrs = rot @ (velocity_m_s - np.cross(omega, position_m))
    epoch = launch_utc + dt.timedelta(seconds=float(time_since_liftoff_s))
    (u1, u2), (t1, t2) = utc_to_two_part_jd(epoch)
    c2t = erfa.c2t06a(t1, t2, u1, u2, 0.0, 0.0)  # UT1 = UTC, no polar motion
    r_gcrs = c2t.T @ r_itrs
    v_gcrs = c2t.T @ (v_itrs + np.cross(np.array([0.0, 0.0, _ERA_RATE_RAD_S]), r_itrs))
    return r_gcrs, v_gcrs, epoch
