"""Defining constants of the Earth models, in SI units.

WGS-84: NIMA TR8350.2, 3rd edition (2000), tables 3.1 and 3.3. The ascent and every geodetic
conversion use these. SGP4 is defined with WGS-72 constants; those live with the SGP4 code and
must not be unified with these.
"""

from __future__ import annotations

import math

WGS84_EQUATORIAL_RADIUS_M = 6378137.0
WGS84_FLATTENING = 1.0 / 298.257223563
WGS84_POLAR_RADIUS_M = WGS84_EQUATORIAL_RADIUS_M * (1.0 - WGS84_FLATTENING)
WGS84_ECCENTRICITY_SQUARED = WGS84_FLATTENING * (2.0 - WGS84_FLATTENING)
WGS84_GM_M3_S2 = 3.986004418e14
WGS84_ROTATION_RATE_RAD_S = 7.292115e-5
# J2 = -sqrt(5) * C20bar, with C20bar = -0.484166774985e-3 (TR8350.2 table 3.3 / EGM96).
WGS84_J2 = -math.sqrt(5.0) * -0.484166774985e-3

STANDARD_GRAVITY_M_S2 = 9.80665  # defines Isp in seconds (CGPM 1901)
SEA_LEVEL_PRESSURE_PA = 101325.0  # US Standard Atmosphere 1976, p0

# Altitudes reported by Cosmodrome are radius minus this value (docs/definitions.md).
ALTITUDE_REFERENCE_RADIUS_M = WGS84_EQUATORIAL_RADIUS_M

# Mean motion of the fictitious mean Sun: 360 degrees per tropical year of 365.2422 days.
SUN_MEAN_MOTION_RAD_S = 2.0 * math.pi / (365.2422 * 86400.0)
