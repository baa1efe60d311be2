"""The orbit an ascent aims for, and the sun-synchronous inclination.

Definitions (docs/definitions.md): altitudes are radius minus 6378.137 km; inclination is from
the true equator of date; the orbit reached is osculating at final cut-off.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..earth.constants import (ALTITUDE_REFERENCE_RADIUS_M, SUN_MEAN_MOTION_RAD_S, WGS84_GM_M3_S2,
                               WGS84_J2)
from ..errors import InvalidInputError

MIN_TARGET_ALTITUDE_M = 150e3  # below this an orbit decays within hours


def sso_inclination_deg(perigee_altitude_m: float, apogee_altitude_m: float | None = None) -> float:
    """Inclination whose J2 nodal precession follows the mean Sun (360 deg / 365.2422 days).

    cos i = -2 n_sun a^3.5 (1 - e^2)^2 / (3 J2 R_eq^2 sqrt(mu)), with a the mean semi-major axis
    taken as R_eq + mean altitude (Vallado, Fundamentals of Astrodynamics, eq. 9-42 rearranged).
    Raises InvalidInputError when no inclination can give it (above about 5,970 km circular).
    """
    apogee_altitude_m = perigee_altitude_m if apogee_altitude_m is None else apogee_altitude_m
    radius_p = ALTITUDE_REFERENCE_RADIUS_M + perigee_altitude_m
    radius_a = ALTITUDE_REFERENCE_RADIUS_M + apogee_altitude_m
    a = 0.5 * (radius_p + radius_a)
    e = (radius_a - radius_p) / (radius_a + radius_p)
    cos_i = (-2.0 * SUN_MEAN_MOTION_RAD_S * a**3.5 * (1.0 - e * e) ** 2
             / (3.0 * WGS84_J2 * ALTITUDE_REFERENCE_RADIUS_M**2 * math.sqrt(WGS84_GM_M3_S2)))
    if cos_i < -1.0:
        raise InvalidInputError(
            f"no sun-synchronous orbit exists at {perigee_altitude_m / 1e3:.0f} x "
            f"{apogee_altitude_m / 1e3:.0f} km: J2 precession is too weak there (cos i = {cos_i:.3f})",
            field="--sso")
    return math.degrees(math.acos(cos_i))


@dataclass(frozen=True)
class TargetOrbit:
    """Target: perigee and apogee altitudes (m) and inclination (deg). Insertion is at perigee."""

    perigee_altitude_m: float
    apogee_altitude_m: float
    inclination_deg: float
    is_sun_synchronous: bool = False

    def __post_init__(self) -> None:
        if not math.isfinite(self.perigee_altitude_m) or self.perigee_altitude_m < MIN_TARGET_ALTITUDE_M:
            raise InvalidInputError(
                f"expected a target altitude of at least {MIN_TARGET_ALTITUDE_M / 1e3:.0f} km, got "
                f"{self.perigee_altitude_m / 1e3:g} km", field="--altitude-km")
        if not math.isfinite(self.apogee_altitude_m) or self.apogee_altitude_m < self.perigee_altitude_m:
            raise InvalidInputError(
                f"expected an apogee at or above the perigee ({self.perigee_altitude_m / 1e3:g} km), got "
                f"{self.apogee_altitude_m / 1e3:g} km", field="--apogee-km")
        if not math.isfinite(self.inclination_deg) or not 0.0 <= self.inclination_deg <= 180.0:
            raise InvalidInputError(f"expected an inclination in [0, 180] deg, got {self.inclination_deg}",
                                    field="--inclination-deg")

    @classmethod
    def circular(cls, altitude_m: float, inclination_deg: float) -> "TargetOrbit":
        return cls(altitude_m, altitude_m, inclination_deg)

    @classmethod
    def sun_synchronous(cls, perigee_altitude_m: float, apogee_altitude_m: float | None = None) -> "TargetOrbit":
        apogee = perigee_altitude_m if apogee_altitude_m is None else apogee_altitude_m
        probe = cls(perigee_altitude_m, apogee, 0.0)  # validates altitudes before the formula runs
        return cls(probe.perigee_altitude_m, probe.apogee_altitude_m,
                   sso_inclination_deg(perigee_altitude_m, apogee), is_sun_synchronous=True)

    @property
    def perigee_radius_m(self) -> float:
        return ALTITUDE_REFERENCE_RADIUS_M + self.perigee_altitude_m

    @property
    def apogee_radius_m(self) -> float:
        return ALTITUDE_REFERENCE_RADIUS_M + self.apogee_altitude_m

    @property
    def perigee_speed_m_s(self) -> float:
        """Speed at perigee of the target ellipse (vis-viva, WGS-84 GM, no J2)."""
        rp, ra = self.perigee_radius_m, self.apogee_radius_m
        return math.sqrt(WGS84_GM_M3_S2 * 2.0 * ra / (rp * (rp + ra)))
