"""Ground sites that watch satellites: position, elevation mask and range limit.

A ``GroundSite`` is a frozen record: WGS-84 geodetic latitude and longitude in degrees, altitude in
metres above the ellipsoid, an elevation mask and an optional largest slant range. It checks itself
when built and names the field and the value it refuses.

Elevation mask: the satellite counts as visible from the site when its geometric elevation (from the
plane normal to the WGS-84 ellipsoid normal, no refraction) is at or above

    mask(az) = max(min_elevation_deg, azimuth_mask(az))

and, when ``max_range_m`` is set, its slant range is at most that. ``azimuth_mask`` is optional; it
holds elevations at listed azimuths (degrees clockwise from true north) and is read either

- ``"linear"``: linearly interpolated in azimuth between neighbouring points, and across north from
  the last point back to the first (the mask is periodic); or
- ``"step"``: stepwise, each point's elevation holding from its azimuth up to (not including) the
  next point's azimuth, the last one holding across north up to the first.

Sites come from text (``parse_site_spec``: ``lat,lon[,alt_m]``, optionally ``name=lat,lon,...``,
or a spaceport id or name from ``cosmodrome.sites``), from the spaceport catalogue
(``ground_site_from_spaceport``), or from CSV/GeoJSON files (``cosmodrome.io.ground_sites``).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from enum import Enum

import numpy as np

from ..earth.geodesy import enu_basis, geodetic_to_ecef
from ..errors import InvalidInputError

_LOWEST_ALTITUDE_M = -500.0   # as cosmodrome.sites: the Dead Sea shore is about -430 m
_HIGHEST_ALTITUDE_M = 9000.0  # Everest is 8,849 m


class MaskInterpolation(str, Enum):
    """How an azimuth mask is read between its listed points."""

    LINEAR = "linear"
    STEP = "step"


def _is_number(value) -> bool:
    return isinstance(value, (int, float, np.floating, np.integer)) and not isinstance(value, bool) \
        and math.isfinite(float(value))


def _bad(where: str, field_name: str, message: str) -> InvalidInputError:
    return InvalidInputError(message, source=where, field=field_name)


def _check_elevation(value, where: str, field_name: str) -> float:
    if not _is_number(value):
        raise _bad(where, field_name, f"expected an elevation in degrees, got {value!r}")
    value = float(value)
    if value > 90.0:
        raise _bad(where, field_name, f"an elevation mask above 90 deg can never be met: got {value:g} deg "
                                      "(expected -90 to 90 deg)")
    if value < -90.0:
        raise _bad(where, field_name, f"expected an elevation from -90 to 90 deg, got {value:g} deg")
    return value


@dataclass(frozen=True)
class AzimuthMask:
    """Elevation mask by azimuth: points (azimuth_deg, elevation_deg) and how to read between them.

    ``azimuths_deg``: strictly increasing, in [0, 360), clockwise from true north.
    ``elevations_deg``: one per azimuth, each in [-90, 90].
    ``interpolation``: ``"linear"`` (periodic, across north too) or ``"step"`` (each value holds up
    to the next azimuth). Raises InvalidInputError naming the point that is out of range.
    """

    azimuths_deg: tuple[float, ...]
    elevations_deg: tuple[float, ...]
    interpolation: MaskInterpolation = MaskInterpolation.LINEAR

    def __post_init__(self):
        where = "azimuth mask"
        try:
            interpolation = MaskInterpolation(self.interpolation)
        except ValueError:
            raise _bad(where, "interpolation",
                       f"expected 'linear' or 'step', got {self.interpolation!r}") from None
        object.__setattr__(self, "interpolation", interpolation)
        az = tuple(self.azimuths_deg)
        el = tuple(self.elevations_deg)
        if len(az) == 0:
            raise _bad(where, "azimuths_deg", "expected at least one (azimuth, elevation) point, got none")
        if len(az) != len(el):
            raise _bad(where, "elevations_deg", f"expected one elevation per azimuth ({len(az)}), got {len(el)}")
        for k, a in enumerate(az):
            if not _is_number(a) or not 0.0 <= float(a) < 360.0:
                raise _bad(where, f"azimuths_deg[{k}]", f"expected an azimuth in [0, 360) deg, got {a!r}")
        for k in range(1, len(az)):
            if not float(az[k]) > float(az[k - 1]):
                raise _bad(where, f"azimuths_deg[{k}]", f"expected strictly increasing azimuths, got "
                                                        f"{az[k]!r} after {az[k - 1]!r}")
        checked = tuple(_check_elevation(e, where, f"elevations_deg[{k}]") for k, e in enumerate(el))
        object.__setattr__(self, "azimuths_deg", tuple(float(a) for a in az))
        object.__setattr__(self, "elevations_deg", checked)

    @property
    def minimum_deg(self) -> float:
        return min(self.elevations_deg)

    @property
    def maximum_deg(self) -> float:
        return max(self.elevations_deg)

    def elevation_deg(self, azimuth_deg):
        """The mask (deg) at azimuths (deg, any shape; wrapped into [0, 360))."""
        az = np.mod(np.asarray(azimuth_deg, dtype=float), 360.0)
        nodes = np.asarray(self.azimuths_deg)
        values = np.asarray(self.elevations_deg)
        if self.interpolation is MaskInterpolation.STEP:
            # Index of the last node at or before az; before the first node, the last one holds.
            index = np.searchsorted(nodes, az, side="right") - 1
            return values[index]  # index -1 wraps to the last node, as intended
        # Periodic linear interpolation: extend the table by one period on each side.
        xp = np.concatenate([nodes - 360.0, nodes, nodes + 360.0])
        fp = np.concatenate([values, values, values])
        return np.interp(az, xp, fp)

    def slope(self, azimuth_deg):
        """d(mask)/d(azimuth) (deg per deg) at azimuths: the segment's slope when linear, 0 when stepwise."""
        az = np.mod(np.asarray(azimuth_deg, dtype=float), 360.0)
        if self.interpolation is MaskInterpolation.STEP or len(self.azimuths_deg) == 1:
            return np.zeros_like(az)
        nodes = np.asarray(self.azimuths_deg)
        values = np.asarray(self.elevations_deg)
        xs = np.concatenate([nodes, [nodes[0] + 360.0]])
        ys = np.concatenate([values, [values[0]]])
        slopes = np.diff(ys) / np.diff(xs)
        index = np.searchsorted(nodes, az, side="right") - 1  # -1: before the first node, the wrap segment
        return slopes[index]


@dataclass(frozen=True)
class GroundSite:
    """A place on the ground that watches satellites.

    ``latitude_deg``: WGS-84 geodetic latitude, -90 to 90. ``longitude_deg``: east, -180 to 360
    (kept as given; 190 and -170 are the same place). ``altitude_m``: above the WGS-84 ellipsoid.
    ``min_elevation_deg``: constant elevation mask, -90 to 90 (default 0: the geometric horizon).
    ``azimuth_mask``: optional mask by azimuth; the effective mask is the larger of the two.
    ``max_range_m``: optional largest slant range (m) at which the site can work the satellite.

    Raises InvalidInputError naming the field and value when one is out of range.
    """

    name: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float = 0.0
    min_elevation_deg: float = 0.0
    azimuth_mask: AzimuthMask | None = None
    max_range_m: float | None = None
    source: str = field(default="", compare=False)

    def __post_init__(self):
        where = f"ground site {self.name!r}"
        if not isinstance(self.name, str) or not self.name.strip():
            raise _bad("ground site", "name", f"expected a non-empty name, got {self.name!r}")
        if not _is_number(self.latitude_deg) or not -90.0 <= float(self.latitude_deg) <= 90.0:
            raise _bad(where, "latitude_deg", f"expected a latitude from -90 to 90 deg, got {self.latitude_deg!r}")
        if not _is_number(self.longitude_deg) or not -180.0 <= float(self.longitude_deg) <= 360.0:
            raise _bad(where, "longitude_deg",
                       f"expected a longitude from -180 to 360 deg (east positive), got {self.longitude_deg!r}")
        if not _is_number(self.altitude_m) or not _LOWEST_ALTITUDE_M <= float(self.altitude_m) <= _HIGHEST_ALTITUDE_M:
            raise _bad(where, "altitude_m",
                       f"expected an altitude from {_LOWEST_ALTITUDE_M:g} to {_HIGHEST_ALTITUDE_M:g} m above the "
                       f"WGS-84 ellipsoid, got {self.altitude_m!r}")
        object.__setattr__(self, "latitude_deg", float(self.latitude_deg))
        object.__setattr__(self, "longitude_deg", float(self.longitude_deg))
        object.__setattr__(self, "altitude_m", float(self.altitude_m))
        object.__setattr__(self, "min_elevation_deg", _check_elevation(self.min_elevation_deg, where,
                                                                       "min_elevation_deg"))
        if self.azimuth_mask is not None and not isinstance(self.azimuth_mask, AzimuthMask):
            raise _bad(where, "azimuth_mask",
                       f"expected an AzimuthMask or None, got {type(self.azimuth_mask).__name__}")
        if self.max_range_m is not None:
            if not _is_number(self.max_range_m) or not float(self.max_range_m) > 0.0:
                raise _bad(where, "max_range_m", f"expected a positive slant range in metres, got {self.max_range_m!r}")
            object.__setattr__(self, "max_range_m", float(self.max_range_m))

    # --- the mask ---------------------------------------------------------------------------------
    def mask_deg(self, azimuth_deg):
        """Effective elevation mask (deg) at azimuths (deg, any shape)."""
        base = np.full(np.shape(azimuth_deg), self.min_elevation_deg)
        if self.azimuth_mask is None:
            return base
        return np.maximum(base, self.azimuth_mask.elevation_deg(azimuth_deg))

    @property
    def mask_range_deg(self) -> tuple[float, float]:
        """(lowest, highest) effective mask over all azimuths, degrees."""
        if self.azimuth_mask is None:
            return self.min_elevation_deg, self.min_elevation_deg
        return (max(self.min_elevation_deg, self.azimuth_mask.minimum_deg),
                max(self.min_elevation_deg, self.azimuth_mask.maximum_deg))

    def with_min_elevation(self, min_elevation_deg: float) -> "GroundSite":
        """A copy whose constant mask is raised to ``min_elevation_deg`` (never lowered)."""
        value = _check_elevation(min_elevation_deg, f"ground site {self.name!r}", "min_elevation_deg")
        from dataclasses import replace
        return replace(self, min_elevation_deg=max(self.min_elevation_deg, value))

    # --- geometry -----------------------------------------------------------------------------------
    @property
    def latitude_rad(self) -> float:
        return math.radians(self.latitude_deg)

    @property
    def longitude_rad(self) -> float:
        return math.radians(self.longitude_deg)

    @property
    def position_itrs_m(self) -> np.ndarray:
        """Earth-fixed (ITRS, WGS-84) position, metres, shape (3,)."""
        return geodetic_to_ecef(self.latitude_rad, self.longitude_rad, self.altitude_m)

    @property
    def east_north_up(self) -> np.ndarray:
        """Unit vectors east, north, up (rows) in ITRS; up is the WGS-84 ellipsoid normal. (3, 3)."""
        return enu_basis(self.latitude_rad, self.longitude_rad)


_NUMBER = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_COORDINATES = re.compile(rf"\s*({_NUMBER})\s*,\s*({_NUMBER})\s*(?:,\s*({_NUMBER})\s*)?")
SITE_SPEC_FORM = "'lat,lon[,alt_m]' in degrees and metres (e.g. '43.56,1.48,150'), 'name=lat,lon[,alt_m]', " \
                 "or a spaceport id or name from `cosmodrome sites`"


def parse_site_spec(text: str, *, min_elevation_deg: float = 0.0, source: str = "--site") -> GroundSite:
    """A GroundSite from command-line text.

    Accepted forms: ``lat,lon[,alt_m]`` (degrees, metres), ``name=lat,lon[,alt_m]``, or a spaceport
    id or name known to ``cosmodrome.sites.find_site``. Raises InvalidInputError with the expected
    form, or naming the coordinate that is out of range.
    """
    if not isinstance(text, str) or not text.strip():
        raise InvalidInputError(f"expected {SITE_SPEC_FORM}, got {text!r}", source=source)
    name = None
    body = text.strip()
    if "=" in body:
        name, body = (part.strip() for part in body.split("=", 1))
        if not name:
            raise InvalidInputError(f"empty name before '=': expected {SITE_SPEC_FORM}, got {text!r}", source=source)
    match = _COORDINATES.fullmatch(body)
    if match:
        lat, lon = float(match.group(1)), float(match.group(2))
        alt = float(match.group(3)) if match.group(3) is not None else 0.0
        label = name or f"{lat:.4f},{lon:.4f}"
        try:
            return GroundSite(label, lat, lon, alt, min_elevation_deg=min_elevation_deg,
                              source=f"{source} {text.strip()}")
        except InvalidInputError as exc:
            message = str(exc).split(": ", 1)[-1]  # the record's text without its own prefix
            raise InvalidInputError(message, source=f"{source} {text.strip()!r}", field=exc.field) from None
    if name is not None or any(ch.isdigit() for ch in body) and "," in body:
        raise InvalidInputError(f"expected {SITE_SPEC_FORM}, got {text!r}", source=source)
    return ground_site_from_spaceport(body, min_elevation_deg=min_elevation_deg)


def ground_site_from_spaceport(site_id: str, *, min_elevation_deg: float = 0.0) -> GroundSite:
    """The spaceport ``site_id`` (id or name, as ``cosmodrome.sites.find_site``) as a GroundSite."""
    from ..sites import find_site

    site = find_site(site_id)
    return GroundSite(site.id, site.latitude_deg, site.longitude_deg, site.altitude_m,
                      min_elevation_deg=min_elevation_deg, source=f"spaceport catalogue: {site.name}")
