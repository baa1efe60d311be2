"""General-perturbations (GP) mean elements: the record behind a TLE and an OMM, and its SGP4 model.

A TLE and a CCSDS OMM with ``MEAN_ELEMENT_THEORY = SGP4`` carry the same numbers: Kozai mean motion
in rev/day, eccentricity, angles in degrees (TEME of epoch), the drag term B* in 1/earth-radii, and
the two mean-motion derivatives *as printed* (the TLE columns are ndot/2 in rev/day^2 and nddot/6 in
rev/day^3; SGP4 itself ignores both). ``MeanElementsGP`` holds them once, in those printed units,
so a record read from either format writes back to either format digit for digit.

``to_satrec`` builds the ``sgp4`` package's ``Satrec`` with ``sgp4init`` and the WGS-72 constants
that SGP4 is defined with (Hoots & Roehrich, Spacetrack Report #3; Vallado et al., AIAA 2006-6753),
doing the same unit conversions as ``Satrec.twoline2rv`` so that a record read from a TLE propagates
exactly as ``twoline2rv`` on the same two lines (tests/orbits/test_gp.py checks this).
"""

from __future__ import annotations

import math
import operator
import re
from dataclasses import dataclass

import erfa
import numpy as np
from sgp4.api import WGS72, Satrec

from ..errors import InvalidInputError
from ..time import Time

# Theories whose elements SGP4 propagates correctly. CCSDS 502.0-B-2 (OMM) names the TLE theory
# "SGP/SGP4"; CelesTrak and Space-Track write "SGP4". Anything else (SGP4-XP, DSST, USM, ...) is a
# different mean-element definition: SGP4 on it gives wrong positions, so it is refused.
SGP4_THEORIES = frozenset({"SGP4", "SGP/SGP4"})

# Ephemeris type 4 is what Space-Track gives SGP4-XP element sets (and 5 was SDP8); types 0-3 are
# the historic SGP/SGP4/SDP4 codes, all propagated by today's SGP4/SDP4.
_SGP4_EPHEMERIS_TYPES = frozenset({0, 1, 2, 3})

# The largest number a Satrec holds: Alpha-5 "Z9999".
SATREC_MAX_CATALOGUE_NUMBER = 339999

# Days from the Julian date of 1949 December 31 00:00 UTC: the epoch origin of sgp4init.
_SGP4INIT_EPOCH_JD = 2433281.5

# The conversion factors of twoline2rv (Vallado's SGP4.cpp), kept in the same arithmetic form so
# that the doubles match bit for bit.
_XPDOTP = 1440.0 / (2.0 * math.pi)  # rev/day per rad/min
_DEG2RAD = math.pi / 180.0

_COSPAR_RE = re.compile(r"(\d{4})-(\d{3})([A-Z]{1,3})", re.ASCII)


@dataclass(frozen=True)
class MeanElementsGP:
    """SGP4 mean elements of one satellite at one epoch, in the units a TLE or OMM prints.

    Attributes:
        name: object name (3LE line 0, OMM OBJECT_NAME), or None.
        catalogue_number: NORAD catalogue number (any size; Alpha-5 is a TLE spelling only).
        international_designator: COSPAR ID in OMM form ``'1998-067A'`` (TLE ``'98067A'`` is
            converted on reading), or ``''`` when unknown; other short ASCII text is kept as given.
        classification: ``'U'``, ``'C'`` or ``'S'``.
        epoch: UTC epoch of the elements (a scalar ``Time``).
        mean_motion_rev_day: Kozai mean motion, rev/day (> 0).
        eccentricity: in [0, 1).
        inclination_deg: 0 to 180, TEME of epoch.
        raan_deg, argument_of_perigee_deg, mean_anomaly_deg: 0 to 360.
        bstar_per_earth_radii: SGP4 drag term B*, 1/earth radii.
        mean_motion_dot_rev_day2: as printed in TLE/OMM, i.e. ndot/2, rev/day^2.
        mean_motion_ddot_rev_day3: as printed, i.e. nddot/6, rev/day^3.
        element_set_number, revolution_number: non-negative integers.
        ephemeris_type: 0 for published element sets; 4 marks SGP4-XP (refused by ``to_satrec``).
        mean_element_theory: ``'SGP4'`` (or ``'SGP/SGP4'``); anything else is kept but cannot be
            propagated with SGP4.

    Raises:
        InvalidInputError: on a field out of range, with the field named.
    """

    name: str | None
    catalogue_number: int
    international_designator: str
    classification: str
    epoch: Time
    mean_motion_rev_day: float
    eccentricity: float
    inclination_deg: float
    raan_deg: float
    argument_of_perigee_deg: float
    mean_anomaly_deg: float
    bstar_per_earth_radii: float
    mean_motion_dot_rev_day2: float
    mean_motion_ddot_rev_day3: float
    element_set_number: int
    revolution_number: int
    ephemeris_type: int = 0
    mean_element_theory: str = "SGP4"

    def __post_init__(self):
        source = "mean elements" if self.name is None else f"mean elements of {self.name!r}"

        def bad(field, message):
            return InvalidInputError(message, source=source, field=field)

        if self.name is not None and not isinstance(self.name, str):
            raise bad("name", f"expected text or None, got {type(self.name).__name__}")
        if self.name is not None and not self.name.isprintable():
            raise bad("name", f"expected printable text (no line breaks or control characters), got {self.name!r}")
        for field in ("catalogue_number", "element_set_number", "revolution_number", "ephemeris_type"):
            value = getattr(self, field)
            if isinstance(value, bool):
                raise bad(field, f"expected a non-negative integer, got {value!r}")
            try:
                value = operator.index(value)
            except TypeError:
                raise bad(field, f"expected a non-negative integer, got {value!r}") from None
            if value < 0:
                raise bad(field, f"expected a non-negative integer, got {value}")
            object.__setattr__(self, field, int(value))
        if self.catalogue_number > 999_999_999:
            raise bad("catalogue_number",
                      f"expected at most 9 digits (0 to 999999999), got {self.catalogue_number}")
        for field in ("international_designator", "classification", "mean_element_theory"):
            value = getattr(self, field)
            if not isinstance(value, str):
                raise bad(field, f"expected text, got {type(value).__name__}")
            if not value.isascii() or not value.isprintable():
                raise bad(field, f"expected printable ASCII text, got {value!r}")
        if self.classification not in ("U", "C", "S"):
            raise bad("classification",
                      f"expected U (unclassified), C (classified) or S (secret), got {self.classification!r}")
        if not self.mean_element_theory.strip():
            raise bad("mean_element_theory", "expected a theory name such as 'SGP4', got an empty text")
        if not isinstance(self.epoch, Time) or self.epoch.shape != ():
            raise bad("epoch", f"expected a single Time (UTC epoch of the elements), got {self.epoch!r}")

        for field in ("mean_motion_rev_day", "eccentricity", "inclination_deg", "raan_deg",
                      "argument_of_perigee_deg", "mean_anomaly_deg", "bstar_per_earth_radii",
                      "mean_motion_dot_rev_day2", "mean_motion_ddot_rev_day3"):
            value = getattr(self, field)
            if isinstance(value, bool):
                raise bad(field, f"expected a number, got {value!r}")
            try:
                number = float(value)
            except (TypeError, ValueError):
                raise bad(field, f"expected a number, got {value!r}") from None
            if not math.isfinite(number):
                raise bad(field, f"expected a finite number, got {number}")
            object.__setattr__(self, field, number)
        if not self.mean_motion_rev_day > 0.0:
            raise bad("mean_motion_rev_day", f"expected a positive mean motion in rev/day, got {self.mean_motion_rev_day}")
        if not 0.0 <= self.eccentricity < 1.0:
            raise bad("eccentricity", f"expected 0 <= eccentricity < 1, got {self.eccentricity}")
        if not 0.0 <= self.inclination_deg <= 180.0:
            raise bad("inclination_deg", f"expected 0 to 180 deg, got {self.inclination_deg} deg")
        for field in ("raan_deg", "argument_of_perigee_deg", "mean_anomaly_deg"):
            value = getattr(self, field)
            if not 0.0 <= value <= 360.0:
                raise bad(field, f"expected 0 to 360 deg, got {value} deg")

    # ------------------------------------------------------------------------------------------
    @property
    def is_sgp4_compatible(self) -> bool:
        """True when SGP4 propagates these elements as they were fitted (theory and ephemeris type)."""
        return (self.mean_element_theory.strip().upper() in SGP4_THEORIES
                and self.ephemeris_type in _SGP4_EPHEMERIS_TYPES)

    @property
    def tle_international_designator(self) -> str:
        """The designator as a TLE spells it (``'98067A'``), or the stored text when it is not a COSPAR ID."""
        match = _COSPAR_RE.fullmatch(self.international_designator)
        if match:
            year, number, piece = match.groups()
            return f"{year[2:]}{number}{piece}"
        return self.international_designator

    def epoch_utc_day_split(self) -> tuple[float, float]:
        """The epoch as SGP4 holds it: ``utc_day_split(self.epoch)``."""
        return utc_day_split(self.epoch)

    def to_satrec(self) -> Satrec:
        """An ``sgp4.api.Satrec`` for these elements (WGS-72, improved mode), ready to propagate.

        Units handed to ``sgp4init``: epoch in days since 1949-12-31 00:00 UTC, angles in radians,
        mean motion in rad/min, the printed ndot/2 and nddot/6 in rad/min^2 and rad/min^3 (the
        conversions of ``twoline2rv``). The epoch is then stored in the Satrec as a whole Julian day
        plus a fraction at full precision. A catalogue number above 339999 (beyond Alpha-5) cannot
        be held by a Satrec: it gets satnum 0, and the true number stays in this record.

        Raises:
            InvalidInputError: when the elements are not SGP4 mean elements (e.g. SGP4-XP), since
            SGP4 would propagate them wrongly.
        """
        if not self.is_sgp4_compatible:
            theory = self.mean_element_theory
            if self.mean_element_theory.strip().upper() in SGP4_THEORIES:
                theory = f"ephemeris type {self.ephemeris_type}" + (
                    " (SGP4-XP)" if self.ephemeris_type == 4 else "")
            raise InvalidInputError(
                f"catalogue number {self.catalogue_number}: these are {theory} mean elements; SGP4 "
                f"would propagate them wrongly (expected MEAN_ELEMENT_THEORY SGP4 and ephemeris type 0); "
                f"use the propagator of that theory, or SGP4 elements of the same object",
                source="mean elements", field="mean_element_theory")
        day0, fraction = self.epoch_utc_day_split()
        # A TLE prints its epoch to 1e-8 day. The trip UTC -> TAI -> UTC through two doubles leaves
        # ~1e-16 day of noise; snapping back to that grid when within 1e-13 day (9 ns, 0.07 mm of
        # flight) gives the very double twoline2rv reads from the same text, so that both
        # propagate bit for bit alike.
        snapped = round(fraction, 8)
        on_tle_grid = abs(snapped - fraction) < 1e-13 and snapped < 1.0  # (1.0: a leap second)
        if on_tle_grid:
            fraction = snapped
        satnum = self.catalogue_number if self.catalogue_number <= SATREC_MAX_CATALOGUE_NUMBER else 0
        satrec = Satrec()
        satrec.sgp4init(
            WGS72, "i", satnum,
            (day0 + fraction) - _SGP4INIT_EPOCH_JD,  # the same rounding as twoline2rv's argument
            self.bstar_per_earth_radii,
            self.mean_motion_dot_rev_day2 / (_XPDOTP * 1440.0),
            self.mean_motion_ddot_rev_day3 / (_XPDOTP * 1440.0 * 1440.0),
            self.eccentricity,
            self.argument_of_perigee_deg * _DEG2RAD,
            self.inclination_deg * _DEG2RAD,
            self.mean_anomaly_deg * _DEG2RAD,
            self.mean_motion_rev_day / _XPDOTP,
            self.raan_deg * _DEG2RAD,
        )
        # sgp4init splits its one-double epoch itself (to ~4e-12 day); propagation measures time
        # from jdsatepoch + jdsatepochF, so give it the exact split.
        satrec.jdsatepoch = day0
        satrec.jdsatepochF = fraction
        # epochyr/epochdays (informational: what a TLE writer prints) as twoline2rv has them
        year, _, _, _ = erfa.jd2cal(day0, 0.0)
        day_of_year = int(round(day0 - sum(erfa.cal2jd(int(year), 1, 1)))) + 1
        satrec.epochyr = int(year) % 100
        satrec.epochdays = (float(f"{day_of_year}.{round(fraction * 1e8):08d}") if on_tle_grid
                            else day_of_year + fraction)
        satrec.classification = self.classification
        designator = self.tle_international_designator
        if len(designator) <= 8:
            satrec.intldesg = designator
        satrec.elnum = self.element_set_number % 10000
        satrec.revnum = self.revolution_number % 100000
        satrec.ephtype = self.ephemeris_type
        return satrec


def utc_day_split(times: Time):
    """(Julian date of 0h UTC of each time's UTC date, seconds since that 0h divided by 86400).

    This is how a TLE counts its epoch (day of year plus a fraction of 86400-s days, as
    ``twoline2rv`` and sgp4's ``jday`` do) and how CelesTrak's OMM EPOCH (hh:mm:ss.ffffff) relates
    to it. On a day that ends with a leap second the fraction is still seconds/86400 (not ERFA's
    stretched quasi-JD), so a TLE and an OMM of the same element set mean the same instant; inside
    23:59:60 it exceeds 1. Both parts are exact to ~1e-16 day (ten picoseconds). Floats for a
    scalar Time, arrays for an array.
    """
    jd1, jd2 = (np.asarray(x, dtype=float) for x in times.utc_jd)
    # may be a day off within ~20 us of midnight (rounding of the sum): fixed below
    day0 = np.floor((jd1 - 0.5) + jd2) + 0.5
    seconds = np.asarray(times - Time.from_utc_jd(day0, 0.0), dtype=float)
    day0 = np.where(seconds < 0.0, day0 - 1.0, day0)
    late = seconds >= 86400.0
    if np.any(late):
        day0 = np.where(late & (np.asarray(times - Time.from_utc_jd(day0 + 1.0, 0.0)) >= 0.0), day0 + 1.0, day0)
    if np.any(late) or np.any(seconds < 0.0):
        seconds = np.asarray(times - Time.from_utc_jd(day0, 0.0), dtype=float)
    fraction = seconds / 86400.0
    if np.ndim(day0) == 0:
        return float(day0), float(fraction)
    return day0, fraction
