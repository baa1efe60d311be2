"""Which launch azimuth puts the vehicle in the target orbit plane, and is it allowed from the site.

Geometry (spherical trigonometry of the right spherical triangle pad / node / foot of the meridian,
e.g. Curtis, "Orbital Mechanics for Engineering Students", and Vallado, "Fundamentals of
Astrodynamics and Applications", launch-azimuth section):

    cos i = cos(phi) sin(beta_I)

with phi the latitude of the pad and beta_I the inertial azimuth (clockwise from north). A plane
through the Earth's centre and the pad can only have i >= |phi| and i <= 180 - |phi|; in between
there are two solutions, northbound (beta_I in [-90, 90]) and southbound (beta_I in [90, 270]).
phi is the *geocentric* latitude: the plane contains the pad's geocentric radius vector. (Using the
geodetic latitude instead, as many textbooks do, moves the reachable limit by up to 0.19 deg.)

Earth rotation: the pad already moves east at v_pad = omega * (N + h) cos(phi_geodetic), its distance
from the spin axis on the WGS-84 ellipsoid times the rotation rate. The heading flown relative to
the ground (the launch azimuth beta) is that of the inertial velocity at insertion minus the pad
velocity:

    tan(beta) = (v sin(beta_I) - v_pad) / (v cos(beta_I))

(Vallado, launch-azimuth section; R. A. Braeunig, "Orbital Mechanics", braeunig.us, launch azimuth
with the Earth's rotation). Site azimuth limits are ground headings (beta), so they are compared with
beta; inclination limits are compared with i. Both convert consistently through the two formulas.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..earth.constants import WGS84_ECCENTRICITY_SQUARED, WGS84_EQUATORIAL_RADIUS_M, WGS84_ROTATION_RATE_RAD_S
from ..errors import InfeasibleRequestError, InvalidInputError
from ..sites import Site
from .target import TargetOrbit

# |cos i / cos phi| a rounding error above 1 still counts as reachable (due east or due west).
_RATIO_SLACK = 1e-12
# Requests this close to an interval end (deg) count as inside it.
_INCLINATION_TOLERANCE_DEG = 1e-9


# ---------------------------------------------------------------------------------------------
# kernels: radians and SI, scalar or array, NaN instead of raising
# ---------------------------------------------------------------------------------------------

def inertial_azimuth_rad(latitude_rad, inclination_rad, northbound=True) -> np.ndarray:
    """Inertial launch azimuth (rad, clockwise from north, in [0, 2 pi)) into a plane of inclination i.

    sin(beta_I) = cos(i) / cos(phi). Northbound: beta_I = asin(...) (north-east for prograde orbits,
    north-west for retrograde ones); southbound: beta_I = pi - asin(...). Arguments broadcast;
    ``latitude_rad`` is the geocentric latitude for an exact result. Where |cos i| > cos(phi) the
    plane does not pass over the pad and the result is NaN (no exception).
    """
    lat = np.asarray(latitude_rad, dtype=float)
    inc = np.asarray(inclination_rad, dtype=float)
    north = np.asarray(northbound, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.cos(inc) / np.cos(lat)
    reachable = np.abs(ratio) <= 1.0 + _RATIO_SLACK
    base = np.arcsin(np.clip(np.where(reachable, ratio, 0.0), -1.0, 1.0))
    azimuth = np.where(north, base, math.pi - base) % (2.0 * math.pi)
    azimuth = np.where(azimuth >= 2.0 * math.pi, 0.0, azimuth)  # -1e-20 % 2 pi rounds to 2 pi
    return np.where(reachable, azimuth, np.nan)


def geocentric_latitude_rad(geodetic_latitude_rad) -> np.ndarray:
    """Geocentric latitude (rad) of a point on the WGS-84 ellipsoid: tan(phi_c) = (1 - e^2) tan(phi)."""
    phi = np.asarray(geodetic_latitude_rad, dtype=float)
    return np.arctan2((1.0 - WGS84_ECCENTRICITY_SQUARED) * np.sin(phi), np.cos(phi))


def pad_eastward_speed_m_s(latitude_deg, altitude_m=0.0) -> np.ndarray:
    """Eastward speed of a point fixed to the Earth (m/s): omega * (N + h) * cos(phi_geodetic).

    N is the WGS-84 prime-vertical radius at that latitude, so (N + h) cos(phi) is exactly the
    distance from the spin axis (NIMA TR8350.2 eq. 4-14).
    """
    phi = np.radians(np.asarray(latitude_deg, dtype=float))
    n = WGS84_EQUATORIAL_RADIUS_M / np.sqrt(1.0 - WGS84_ECCENTRICITY_SQUARED * np.sin(phi) ** 2)
    return WGS84_ROTATION_RATE_RAD_S * (n + np.asarray(altitude_m, dtype=float)) * np.cos(phi)


def launch_azimuth_deg(latitude_deg, inclination_deg, orbital_speed_m_s, northbound=True, *,
                       altitude_m=0.0) -> np.ndarray:
    """Launch azimuth relative to the rotating Earth (deg clockwise from north, in [0, 360)).

    ``latitude_deg`` is the geodetic (WGS-84) latitude of the pad, ``altitude_m`` its height above the
    ellipsoid; ``orbital_speed_m_s`` the inertial speed at insertion. The inertial azimuth uses the
    geocentric latitude, then tan(beta) = (v sin(beta_I) - v_pad) / (v cos(beta_I)) removes the pad's
    eastward speed. Arguments broadcast; NaN where the inclination is not reachable from that
    latitude or the orbital speed does not exceed the pad speed.
    """
    phi_c = geocentric_latitude_rad(np.radians(np.asarray(latitude_deg, dtype=float)))
    beta_i = inertial_azimuth_rad(phi_c, np.radians(np.asarray(inclination_deg, dtype=float)), northbound)
    v = np.asarray(orbital_speed_m_s, dtype=float)
    v_pad = pad_eastward_speed_m_s(latitude_deg, altitude_m)
    east = v * np.sin(beta_i) - v_pad
    north = v * np.cos(beta_i)
    beta = np.degrees(np.arctan2(east, north)) % 360.0
    beta = np.where(beta >= 360.0, 0.0, beta)  # -1e-20 % 360 rounds to 360
    return np.where(v > v_pad, beta, np.nan)


def inclination_from_azimuth_deg(latitude_deg, azimuth_deg, orbital_speed_m_s, *, altitude_m=0.0) -> np.ndarray:
    """Inclination (deg) reached by launching at a ground azimuth (deg) from a geodetic latitude.

    Inverse of ``launch_azimuth_deg``: the inertial velocity v_pad e + s u(beta) has magnitude v, so
    s = -v_pad sin(beta) + sqrt(v^2 - v_pad^2 cos^2(beta)); beta_I is its heading and
    cos i = cos(phi_c) sin(beta_I). Arguments broadcast; NaN where v <= v_pad.
    """
    beta = np.radians(np.asarray(azimuth_deg, dtype=float))
    v = np.asarray(orbital_speed_m_s, dtype=float)
    v_pad = pad_eastward_speed_m_s(latitude_deg, altitude_m)
    with np.errstate(invalid="ignore"):
        s = -v_pad * np.sin(beta) + np.sqrt(v * v - (v_pad * np.cos(beta)) ** 2)
    beta_i = np.arctan2(v_pad + s * np.sin(beta), s * np.cos(beta))
    phi_c = geocentric_latitude_rad(np.radians(np.asarray(latitude_deg, dtype=float)))
    cos_i = np.clip(np.cos(phi_c) * np.sin(beta_i), -1.0, 1.0)
    return np.where(v > v_pad, np.degrees(np.arccos(cos_i)), np.nan)


def dogleg_delta_v_m_s(speed_m_s, dogleg_deg) -> np.ndarray:
    """Impulsive plane change at constant speed: delta-v = 2 v sin(delta_i / 2) (m/s).

    Curtis, "Orbital Mechanics for Engineering Students", pure plane-change manoeuvre. Exact when
    the burn is at a node shared by both planes; a dog-leg flown during ascent costs gravity and
    steering losses on top, which this does not include.
    """
    return 2.0 * np.asarray(speed_m_s, dtype=float) * np.sin(0.5 * np.radians(np.asarray(dogleg_deg, dtype=float)))


# ---------------------------------------------------------------------------------------------
# record
# ---------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class LaunchPlane:
    """The plane an ascent flies: ground launch azimuth and the inclination it gives.

    ``inclination_deg`` is the one flown; ``requested_inclination_deg`` the target's. When they
    differ, ``dogleg_deg`` (their difference, >= 0) is the plane change still needed after insertion.
    """

    azimuth_deg: float  # relative to the rotating Earth, clockwise from north, [0, 360)
    inclination_deg: float
    requested_inclination_deg: float
    northbound: bool
    dogleg_deg: float = 0.0
    message: str = ""

    def __post_init__(self) -> None:
        if not (math.isfinite(self.azimuth_deg) and 0.0 <= self.azimuth_deg < 360.0):
            raise InvalidInputError(f"expected an azimuth in [0, 360) deg, got {self.azimuth_deg}",
                                    source="LaunchPlane", field="azimuth_deg")
        for name in ("inclination_deg", "requested_inclination_deg"):
            value = getattr(self, name)
            if not (math.isfinite(value) and 0.0 <= value <= 180.0):
                raise InvalidInputError(f"expected an inclination in [0, 180] deg, got {value}",
                                        source="LaunchPlane", field=name)
        if not (math.isfinite(self.dogleg_deg) and self.dogleg_deg >= 0.0):
            raise InvalidInputError(f"expected a plane change >= 0 deg, got {self.dogleg_deg}",
                                    source="LaunchPlane", field="dogleg_deg")


# ---------------------------------------------------------------------------------------------
# services
# ---------------------------------------------------------------------------------------------

Interval = tuple[float, float]


def _merge(intervals: list[Interval]) -> list[Interval]:
    merged: list[Interval] = []
    for lo, hi in sorted(intervals):
        if merged and lo <= merged[-1][1] + _INCLINATION_TOLERANCE_DEG:
            merged[-1] = (merged[-1][0], max(merged[-1][1], hi))
        else:
            merged.append((lo, hi))
    return merged


def reachable_inclinations_deg(site: Site, orbital_speed_m_s: float) -> dict[bool, list[Interval]]:
    """Inclination intervals (deg) reachable by a direct ascent from ``site``, per branch.

    Returns {True: northbound intervals, False: southbound intervals}, each a sorted list of
    (low, high). Every interval lies in [|phi_c|, 180 - |phi_c|] and satisfies the site's azimuth
    ranges (converted to inclinations at ``orbital_speed_m_s``) and inclination limits.
    """
    lat, alt, v = site.latitude_deg, site.altitude_m, orbital_speed_m_s
    phi_c_deg = abs(math.degrees(float(geocentric_latitude_rad(math.radians(lat)))))
    physical = (phi_c_deg, 180.0 - phi_c_deg)
    limit_lo = site.inclination_min_deg if site.inclination_min_deg is not None else 0.0
    limit_hi = site.inclination_max_deg if site.inclination_max_deg is not None else 180.0
    result: dict[bool, list[Interval]] = {}
    for northbound in (True, False):
        if not site.azimuth_ranges_deg:
            pieces = [physical]
        else:
            # As i runs from |phi_c| to 180 - |phi_c| the ground azimuth sweeps, monotonically,
            # 90 -> 0 -> -90 (northbound) or 90 -> 180 -> 270 (southbound), in unwrapped degrees.
            sweep = (-90.0, 90.0) if northbound else (90.0, 270.0)
            pieces = []
            for a0, a1 in site.azimuth_ranges_deg:
                if a1 < a0:
                    a1 += 360.0
                for shift in (-360.0, 0.0, 360.0):
                    lo, hi = max(a0 + shift, sweep[0]), min(a1 + shift, sweep[1])
                    if lo <= hi:
                        ends = inclination_from_azimuth_deg(lat, [lo, hi], v, altitude_m=alt)
                        pieces.append((float(min(ends)), float(max(ends))))
        clipped = []
        for lo, hi in pieces:
            lo, hi = max(lo, physical[0], limit_lo), min(hi, physical[1], limit_hi)
            if lo <= hi + _INCLINATION_TOLERANCE_DEG:
                clipped.append((lo, max(lo, hi)))
        result[northbound] = _merge(clipped)
    return result


def _branch_name(northbound: bool) -> str:
    return "northbound" if northbound else "southbound"


def _format_intervals(intervals: list[Interval]) -> str:
    if not intervals:
        return "none"
    return ", ".join(f"{lo:.2f}-{hi:.2f} deg" for lo, hi in intervals)


def _limits_text(site: Site) -> str:
    parts = []
    if site.azimuth_ranges_deg:
        parts.append("launch azimuths " + ", ".join(f"{a:g}-{b:g}" for a, b in site.azimuth_ranges_deg) + " deg")
    lo, hi = site.inclination_min_deg, site.inclination_max_deg
    if lo is not None and hi is not None:
        parts.append(f"inclinations {lo:g}-{hi:g} deg")
    elif lo is not None:
        parts.append(f"inclinations from {lo:g} deg")
    elif hi is not None:
        parts.append(f"inclinations up to {hi:g} deg")
    return " and ".join(parts) if parts else "no azimuth limits"


def plan_launch_plane(site: Site, target: TargetOrbit, *, allow_dogleg: bool = False,
                      orbital_speed_m_s: float | None = None) -> LaunchPlane:
    """Launch azimuth and plane for ``target`` from ``site``, honouring the site's launch limits.

    ``orbital_speed_m_s`` (inertial speed at insertion) defaults to the target's perigee speed.
    When both the northbound and the southbound ascents are permitted, the site's
    ``preferred_direction`` wins. A target that cannot be reached directly (below the site latitude,
    above 180 deg minus it, or outside the site's permitted azimuths/inclinations) raises
    InfeasibleRequestError naming the nearest reachable inclination; with ``allow_dogleg`` the
    nearest reachable plane is returned instead, with ``dogleg_deg`` the inclination still to change.
    """
    speed = target.perigee_speed_m_s if orbital_speed_m_s is None else float(orbital_speed_m_s)
    pad_speed = float(pad_eastward_speed_m_s(site.latitude_deg, site.altitude_m))
    if not (math.isfinite(speed) and speed > pad_speed):
        raise InvalidInputError(f"expected an inertial orbital speed above the pad's eastward speed "
                                f"({pad_speed:.1f} m/s), got {speed} m/s", field="orbital_speed_m_s")
    requested = float(target.inclination_deg)
    reachable = reachable_inclinations_deg(site, speed)
    preferred = site.preferred_direction == "northbound"
    order = (preferred, not preferred)
    where = f"{site.name} ({site.id})"
    everything = _merge(reachable[True] + reachable[False])

    def azimuth_for(northbound: bool, inclination: float) -> float:
        return float(launch_azimuth_deg(site.latitude_deg, inclination, speed, northbound,
                                        altitude_m=site.altitude_m))

    for northbound in order:
        for lo, hi in reachable[northbound]:
            if lo - _INCLINATION_TOLERANCE_DEG <= requested <= hi + _INCLINATION_TOLERANCE_DEG:
                inclination = min(max(requested, lo), hi)
                azimuth = azimuth_for(northbound, inclination)
                return LaunchPlane(azimuth, inclination, requested, northbound, 0.0,
                                   f"{_branch_name(northbound)} launch from {where} at azimuth {azimuth:.2f} deg "
                                   f"into {requested:.2f} deg")

    if not everything:
        raise InfeasibleRequestError(
            f"{where}: no inclination can be reached directly: its {_limits_text(site)} exclude every plane "
            f"through the pad (latitude {site.latitude_deg:.2f} deg)")

    # Nearest reachable inclination; ties go to the preferred branch (it is tried first).
    best: tuple[float, bool, float] | None = None
    for northbound in order:
        for lo, hi in reachable[northbound]:
            candidate = min(max(requested, lo), hi)
            distance = abs(candidate - requested)
            if best is None or distance < best[0] - _INCLINATION_TOLERANCE_DEG:
                best = (distance, northbound, candidate)
    dogleg, northbound, nearest = best
    phi_c_deg = abs(math.degrees(float(geocentric_latitude_rad(math.radians(site.latitude_deg)))))
    if requested < phi_c_deg:
        reason = (f"it is below the site latitude ({phi_c_deg:.2f} deg geocentric), the lowest inclination of "
                  f"any plane through the pad")
    elif requested > 180.0 - phi_c_deg:
        reason = f"it is above 180 deg minus the site latitude ({180.0 - phi_c_deg:.2f} deg)"
    else:
        reason = f"the site's {_limits_text(site)} do not allow it"
    delta_v = float(dogleg_delta_v_m_s(speed, dogleg))
    azimuth = azimuth_for(northbound, nearest)
    if not allow_dogleg:
        raise InfeasibleRequestError(
            f"{where} cannot launch directly into a {requested:.2f} deg inclination: {reason}. "
            f"Directly reachable inclinations from this site: {_format_intervals(everything)} "
            f"(at {speed:.0f} m/s). The nearest reachable inclination is {nearest:.2f} deg "
            f"({_branch_name(northbound)}, launch azimuth {azimuth:.2f} deg); use --allow-dogleg to fly there "
            f"and change plane by {dogleg:.2f} deg after insertion (about {delta_v:.0f} m/s impulsive).")
    return LaunchPlane(azimuth, nearest, requested, northbound, dogleg,
                       f"{_branch_name(northbound)} launch from {where} at azimuth {azimuth:.2f} deg into "
                       f"{nearest:.2f} deg, the nearest reachable inclination to the requested {requested:.2f} deg "
                       f"({reason}); a dog-leg of {dogleg:.2f} deg remains, about {delta_v:.0f} m/s as an "
                       f"impulsive plane change at {speed:.0f} m/s")
