"""Mission files (TOML): site, vehicle, payload, target orbit and launch time.

Format (docs/mission-format.md)::

    name = "Angara-1.2 to a 500 km sun-synchronous orbit"
    site = "vostochny"              # catalogue id (cosmodrome sites)
    vehicle = "angara_1_2"          # catalogue id or a path relative to this file
    launch_utc = "2027-06-01T03:00:00Z"
    [orbit]
    altitude_km = 500               # perigee altitude (circular if apogee_km is absent)
    apogee_km = 500                 # optional
    sun_synchronous = true          # or inclination_deg = 97.4
    allow_dogleg = false            # optional
    [payload]
    mass_kg = 1500                  # optional: separated mass; default: the quoted capability
    [spacecraft]                    # optional: what drag acts on after insertion (orbit section)
    mass_kg = 1500                  # default: the separated payload mass
    area_m2 = 12.0                  # mean drag area; default: derived from the mass (mission-format.md)
    drag_coefficient = 2.2          # default 2.2
    [[ground_stations]]             # optional, any number: passes over them (report section)
    name = "Svalbard"
    latitude_deg = 78.23            # or spaceport = "vostochny" instead of the coordinates
    longitude_deg = 15.39
    altitude_m = 500                # optional, default 0
    min_elevation_deg = 5           # optional, default 0
    [[targets]]                     # optional, any number: imaging opportunities (needs [sensor])
    name = "Moscow"
    latitude_deg = 55.75
    longitude_deg = 37.62
    [sensor]                        # one of off_nadir_max_deg, nadir_cone_deg, swath_km
    off_nadir_max_deg = 30
    min_sun_elevation_deg = 10      # optional: optical imaging
    pixel_pitch_um = 5.5            # optional, with focal_length_mm: ground sample distance
    focal_length_mm = 1200
    [observation]                   # optional
    pass_days = 3                   # passes and imaging opportunities from insertion (default 3)
    eclipse_days = 90               # eclipse seasons and beta angle from insertion (default 90)
    [coverage]                      # optional: revisit of a region (report section "Coverage")
    lat_band = [40, 70]             # or region = "global", or region = "area.geojson" (relative to this file)
    resolution_deg = 2              # equal-area grid (default 2, at least 0.1)
    days = 1                        # window from insertion (default 1)
    min_elevation_deg = 10          # access above this elevation (default 10), or use_sensor = true
    [coverage.constellation]        # optional: the same for a Walker constellation
    walker = "97.4:6/3/1"           # i:t/p/f
    altitude_km = 500
    pattern = "delta"               # or "star" (default delta)
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ..ascent.target import TargetOrbit
from ..errors import InvalidInputError

if TYPE_CHECKING:  # the records are imported when a file has stations or targets (observe loads numba)
    from ..observe.access import AccessSpec
    from ..observe.areas import Area, Grid
    from ..observe.ground import GroundSite
    from ..observe.sensors import Sensor

_TOP = {"name", "site", "vehicle", "launch_utc", "orbit", "payload", "spacecraft", "notes",
        "ground_stations", "targets", "sensor", "observation", "coverage"}
_ORBIT = {"altitude_km", "apogee_km", "inclination_deg", "sun_synchronous", "allow_dogleg"}
_PAYLOAD = {"mass_kg"}
_SPACECRAFT = {"mass_kg", "area_m2", "drag_coefficient"}
# A drag coefficient beyond this is a typing slip (2.0-2.5 is usual for satellites in free molecular flow).
_MAX_DRAG_COEFFICIENT = 10.0
_STATION_PLACE = {"latitude_deg", "longitude_deg", "altitude_m"}
_STATION = {"name", "spaceport", "min_elevation_deg"} | _STATION_PLACE
_TARGET = {"name"} | _STATION_PLACE
_SENSOR_VIEW = ("off_nadir_max_deg", "nadir_cone_deg", "swath_km")
_SENSOR = {*_SENSOR_VIEW, "min_sun_elevation_deg", "min_target_elevation_deg", "pixel_pitch_um", "focal_length_mm"}
_OBSERVATION = {"pass_days", "eclipse_days"}
_COVERAGE = {"region", "lat_band", "resolution_deg", "days", "min_elevation_deg", "use_sensor", "constellation"}
_CONSTELLATION = {"walker", "altitude_km", "pattern"}
DEFAULT_COVERAGE_RESOLUTION_DEG = 2.0
"""Grid resolution of ``[coverage]`` when the file gives none (deg; 10,313 points over the globe)."""
DEFAULT_COVERAGE_DAYS = 1.0
"""Window of ``[coverage]`` from insertion when the file gives none (days)."""
DEFAULT_COVERAGE_ELEVATION_DEG = 10.0
"""Elevation mask of ``[coverage]`` when the file gives neither min_elevation_deg nor use_sensor (deg)."""
# The fitted TLE (SGP4) times passes to seconds for days only; coverage is statistics over the
# window, which the orbit plane's precession (carried by SGP4) keeps meaningful for weeks.
_MAX_COVERAGE_DAYS = 30.0
DEFAULT_PASS_DAYS = 3.0
"""Days from insertion searched for passes and imaging opportunities when ``[observation]`` gives none."""
DEFAULT_ECLIPSE_DAYS = 90.0
"""Days from insertion covered by the eclipse seasons when ``[observation]`` gives none."""
# Beyond these the fitted TLE (SGP4) is carried too far from its epoch to time anything (passes,
# kilometres a day of along-track error) or to hold the orbit plane (eclipses, a year).
_MAX_PASS_DAYS = 30.0
_MAX_ECLIPSE_DAYS = 366.0
_LOWEST_ALTITUDE_M = -500.0   # as cosmodrome.observe.ground: the Dead Sea shore is about -430 m
_HIGHEST_ALTITUDE_M = 9000.0  # Everest is 8,849 m


@dataclass(frozen=True)
class SpacecraftSpec:
    """The optional ``[spacecraft]`` table as given: None where a field was left out.

    ``mass_kg`` (> 0), ``area_m2`` (mean area facing the flow, > 0), ``drag_coefficient`` (0 to 10).
    The defaults that fill the gaps are applied by ``cosmodrome.mission.resolve_spacecraft``.
    """

    mass_kg: float | None = None
    area_m2: float | None = None
    drag_coefficient: float | None = None


@dataclass(frozen=True)
class ConstellationSpec:
    """The optional ``[coverage.constellation]`` table: a Walker pattern (``orbits.constellation.WalkerSpec``,
    its pattern inside) at ``altitude_m`` (circular, above 6378.137 km), epoch = the insertion epoch."""

    walker: object  # WalkerSpec (orbits.constellation is imported only when a file has one)
    altitude_m: float

    def describe(self) -> str:
        return f"Walker {self.walker.pattern.value} {self.walker.notation} at {self.altitude_m / 1e3:g} km"


@dataclass(frozen=True, eq=False)
class CoverageSpec:
    """The optional ``[coverage]`` table: the region (an ``observe.areas.Area``), its grid resolution
    (deg), the window from insertion (days), what access means (``observe.access.AccessSpec``) and
    an optional constellation to compare with the mission's satellite. The equal-area grid
    (``observe.areas.equal_area_grid``) is built when the file is read, so that a region and
    resolution that leave no grid point are refused before anything is flown."""

    grid: Grid
    days: float
    access: AccessSpec
    constellation: ConstellationSpec | None = None

    @property
    def area(self) -> Area:
        return self.grid.area

    @property
    def resolution_deg(self) -> float:
        return self.grid.resolution_deg


@dataclass(frozen=True)
class Mission:
    name: str
    site_id: str
    vehicle_ref: str  # catalogue id or resolved file path
    launch_utc: dt.datetime  # timezone-aware, UTC
    target: TargetOrbit
    allow_dogleg: bool
    payload_kg: float | None
    source: str
    spacecraft: SpacecraftSpec = SpacecraftSpec()
    # The places the mission cares about (report section "Passes and imaging"): ground stations
    # (passes), imaging targets and the sensor that images them, and how far to look ahead.
    ground_stations: tuple[GroundSite, ...] = ()
    targets: tuple[GroundSite, ...] = ()
    sensor: Sensor | None = None
    pass_days: float = DEFAULT_PASS_DAYS
    eclipse_days: float = DEFAULT_ECLIPSE_DAYS
    coverage: CoverageSpec | None = None  # None: no [coverage] table, no coverage computed


def _unknown(table: dict, allowed: set, source: str, prefix: str) -> None:
    import difflib
    for key in table:
        if key not in allowed:
            close = difflib.get_close_matches(key, sorted(allowed), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else f"; known fields: {', '.join(sorted(allowed))}"
            raise InvalidInputError(f"unknown field{hint}", source=source, field=prefix + key)


def _number(table: dict, key: str, source: str, prefix: str, *, required: bool, minimum: float | None = None,
            positive: bool = False, maximum: float | None = None):
    if key not in table:
        if required:
            raise InvalidInputError("missing required field (a number)", source=source, field=prefix + key)
        return None
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(f"expected a number, got {value!r}", source=source, field=prefix + key)
    if minimum is not None and value < minimum:
        raise InvalidInputError(f"expected a number >= {minimum:g}, got {value}", source=source, field=prefix + key)
    if positive and not value > 0:
        raise InvalidInputError(f"expected a positive number, got {value}", source=source, field=prefix + key)
    if maximum is not None and value > maximum:
        raise InvalidInputError(f"expected a number <= {maximum:g}, got {value}", source=source, field=prefix + key)
    return float(value)


def _text(table: dict, key: str, source: str) -> str:
    value = table.get(key)
    if not isinstance(value, str) or not value.strip():
        raise InvalidInputError(f"expected a non-empty string, got {value!r}", source=source, field=key)
    return value.strip()


def parse_utc(text: str, source: str, field: str) -> dt.datetime:
    """ISO 8601 time with a Z or +00:00 suffix (or none: taken as UTC)."""
    try:
        value = dt.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInputError(f"expected an ISO 8601 UTC time such as 2027-06-01T03:00:00Z, got {text!r}",
                                source=source, field=field) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.timezone.utc)
    return value.astimezone(dt.timezone.utc)


def load_mission(path: str | Path) -> Mission:
    """Read and validate a mission file; every problem is an InvalidInputError naming the field."""
    path = Path(path)
    source = str(path)
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InvalidInputError("file not found", source=source) from None
    except tomllib.TOMLDecodeError as error:
        raise InvalidInputError(f"not valid TOML: {error}", source=source) from None
    _unknown(raw, _TOP, source, "")
    name = _text(raw, "name", source)
    site_id = _text(raw, "site", source)
    vehicle_ref = _text(raw, "vehicle", source)
    if vehicle_ref.endswith(".toml"):
        vehicle_ref = str((path.parent / vehicle_ref).resolve())
    launch = raw.get("launch_utc")
    if isinstance(launch, dt.datetime):
        launch_utc = launch if launch.tzinfo else launch.replace(tzinfo=dt.timezone.utc)
    elif isinstance(launch, str):
        launch_utc = parse_utc(launch, source, "launch_utc")
    else:
        raise InvalidInputError(f"expected a UTC time such as \"2027-06-01T03:00:00Z\", got {launch!r}",
                                source=source, field="launch_utc")
    orbit = raw.get("orbit")
    if not isinstance(orbit, dict):
        raise InvalidInputError("missing [orbit] table (altitude_km and inclination_deg or sun_synchronous)",
                                source=source, field="orbit")
    _unknown(orbit, _ORBIT, source, "orbit.")
    perigee_km = _number(orbit, "altitude_km", source, "orbit.", required=True)
    apogee_km = _number(orbit, "apogee_km", source, "orbit.", required=False)
    sso = orbit.get("sun_synchronous", False)
    if not isinstance(sso, bool):
        raise InvalidInputError(f"expected true or false, got {sso!r}", source=source, field="orbit.sun_synchronous")
    inclination = _number(orbit, "inclination_deg", source, "orbit.", required=not sso)
    if sso and inclination is not None:
        raise InvalidInputError("give either inclination_deg or sun_synchronous = true, not both",
                                source=source, field="orbit.inclination_deg")
    allow_dogleg = orbit.get("allow_dogleg", False)
    if not isinstance(allow_dogleg, bool):
        raise InvalidInputError(f"expected true or false, got {allow_dogleg!r}", source=source,
                                field="orbit.allow_dogleg")
    try:
        if sso:
            target = TargetOrbit.sun_synchronous(perigee_km * 1e3, None if apogee_km is None else apogee_km * 1e3)
        else:
            target = TargetOrbit(perigee_km * 1e3, (apogee_km if apogee_km is not None else perigee_km) * 1e3,
                                 inclination)
    except InvalidInputError as error:
        field = {"--altitude-km": "orbit.altitude_km", "--apogee-km": "orbit.apogee_km",
                 "--inclination-deg": "orbit.inclination_deg", "--sso": "orbit.sun_synchronous"}.get(error.field, error.field)
        message = str(error).split(": ", 1)[-1]
        raise InvalidInputError(message, source=source, field=field) from None
    payload = raw.get("payload", {})
    if not isinstance(payload, dict):
        raise InvalidInputError("expected a [payload] table", source=source, field="payload")
    _unknown(payload, _PAYLOAD, source, "payload.")
    mass = _number(payload, "mass_kg", source, "payload.", required=False, minimum=0.0)
    spacecraft = _spacecraft(raw, source)
    if mass == 0.0 and spacecraft.mass_kg is None:
        raise InvalidInputError("a payload of 0 kg leaves no satellite to follow in orbit: give a positive "
                                "payload.mass_kg, or the satellite's mass as spacecraft.mass_kg",
                                source=source, field="payload.mass_kg")
    stations = _places(raw, "ground_stations", source)
    targets = _places(raw, "targets", source)
    sensor = _sensor(raw, source)
    if targets and sensor is None:
        raise InvalidInputError("the file names imaging targets but no [sensor] table: give one with "
                                "off_nadir_max_deg (or nadir_cone_deg or swath_km)", source=source, field="sensor")
    pass_days, eclipse_days = _observation(raw, source)
    coverage = _coverage(raw, source, path.parent, sensor)
    return Mission(name, site_id, vehicle_ref, launch_utc, target, allow_dogleg, mass, source, spacecraft,
                   ground_stations=stations, targets=targets, sensor=sensor, pass_days=pass_days,
                   eclipse_days=eclipse_days, coverage=coverage)


def _spacecraft(raw: dict, source: str) -> SpacecraftSpec:
    table = raw.get("spacecraft", {})
    if not isinstance(table, dict):
        raise InvalidInputError("expected a [spacecraft] table (mass_kg, area_m2, drag_coefficient)",
                                source=source, field="spacecraft")
    _unknown(table, _SPACECRAFT, source, "spacecraft.")
    return SpacecraftSpec(
        mass_kg=_number(table, "mass_kg", source, "spacecraft.", required=False, positive=True),
        area_m2=_number(table, "area_m2", source, "spacecraft.", required=False, positive=True),
        drag_coefficient=_number(table, "drag_coefficient", source, "spacecraft.", required=False, positive=True,
                                 maximum=_MAX_DRAG_COEFFICIENT))


# --- the places the mission cares about ----------------------------------------------------------

def _ranged(table: dict, key: str, source: str, prefix: str, low: float, high: float, unit: str, *,
            default: float | None = None, open_low: bool = False, open_high: bool = False,
            what: str = "") -> float | None:
    """A number in [low, high] (an end excluded when ``open_*``), or ``default`` when absent."""
    field = prefix + key
    if key not in table:
        return default
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInputError(f"expected a number in {unit}, got {value!r}{what}", source=source, field=field)
    if (value <= low if open_low else value < low) or (value >= high if open_high else value > high):
        if open_low or open_high:
            span = f"a value {'>' if open_low else '>='} {low:g} and {'<' if open_high else '<='} {high:g}"
        else:
            span = f"{low:g}..{high:g}"
        raise InvalidInputError(f"expected {span} {unit}, got {value:g}{what}", source=source, field=field)
    return float(value)


def _array_of_tables(raw: dict, key: str, source: str) -> list:
    value = raw.get(key, [])
    if isinstance(value, dict):
        raise InvalidInputError(f"expected an array of tables: write [[{key}]] (double brackets) before each one",
                                source=source, field=key)
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise InvalidInputError(f"expected [[{key}]] tables, got {value!r}", source=source, field=key)
    return value


def _places(raw: dict, key: str, source: str) -> tuple:
    """The ``[[ground_stations]]`` or ``[[targets]]`` as GroundSite records, in file order.

    Fields are named ``key[i].field`` with i counted from 0 in file order. A station may give
    ``spaceport = "id"`` (a site of `cosmodrome sites`) instead of its coordinates.
    """
    tables = _array_of_tables(raw, key, source)
    if not tables:
        return ()
    from ..observe.ground import GroundSite
    from ..sites import find_site

    is_station = key == "ground_stations"
    places, seen = [], {}
    for index, table in enumerate(tables):
        prefix = f"{key}[{index}]."
        _unknown(table, _STATION if is_station else _TARGET, source, prefix)
        name = table.get("name")
        if name is not None and (not isinstance(name, str) or not name.strip()):
            raise InvalidInputError(f"expected a non-empty string, got {name!r}", source=source, field=prefix + "name")
        what = f" ({'station' if is_station else 'target'} {name.strip()!r})" if name else ""
        spaceport = table.get("spaceport") if is_station else None
        if spaceport is not None:
            if not isinstance(spaceport, str) or not spaceport.strip():
                raise InvalidInputError(f"expected a spaceport id of `cosmodrome sites`, got {spaceport!r}",
                                        source=source, field=prefix + "spaceport")
            given = sorted(_STATION_PLACE & set(table))
            if given:
                raise InvalidInputError(f"give either spaceport or coordinates, not both (got spaceport and "
                                        f"{', '.join(given)})", source=source, field=prefix + given[0])
            try:
                site = find_site(spaceport)
            except InvalidInputError as error:
                raise InvalidInputError(str(error).split(": ", 1)[-1], source=source,
                                        field=prefix + "spaceport") from None
            latitude, longitude, altitude = site.latitude_deg, site.longitude_deg, site.altitude_m
            name = name or site.name
        else:
            if name is None:
                raise InvalidInputError("missing required field (a non-empty string)", source=source,
                                        field=prefix + "name")
            for required in ("latitude_deg", "longitude_deg"):
                if required not in table:
                    hint = " (or spaceport = \"id\")" if is_station else ""
                    raise InvalidInputError(f"missing required field (a number in deg){hint}{what}", source=source,
                                            field=prefix + required)
            latitude = _ranged(table, "latitude_deg", source, prefix, -90.0, 90.0, "deg", what=what)
            longitude = _ranged(table, "longitude_deg", source, prefix, -180.0, 360.0, "deg (east positive)",
                                what=what)
            altitude = _ranged(table, "altitude_m", source, prefix, _LOWEST_ALTITUDE_M, _HIGHEST_ALTITUDE_M,
                               "m above the WGS-84 ellipsoid", default=0.0, what=what)
        mask = _ranged(table, "min_elevation_deg", source, prefix, -90.0, 90.0, "deg", default=0.0, what=what)
        name = name.strip()
        if name in seen:
            raise InvalidInputError(f"duplicate name {name!r} (also {key}[{seen[name]}]): the report tells "
                                    "places apart by name", source=source, field=prefix + "name")
        seen[name] = index
        try:
            places.append(GroundSite(name, latitude, longitude, altitude, min_elevation_deg=mask,
                                     source=f"{source}, {key}[{index}]"))
        except InvalidInputError as error:  # the reader's checks above should leave nothing for these
            raise InvalidInputError(str(error).split(": ", 1)[-1], source=source,
                                    field=prefix + (error.field or "name")) from None
    return tuple(places)


# Sensor record fields back to the names of the [sensor] table, for the record's own errors.
_SENSOR_FIELDS = {"nadir_cone_half_angle_deg": "nadir_cone_deg", "swath_width_m": "swath_km",
                  "pixel_pitch_m": "pixel_pitch_um", "focal_length_m": "focal_length_mm"}


def _sensor(raw: dict, source: str) -> Sensor | None:
    """The ``[sensor]`` table as a Sensor (km, um and mm converted to m here), or None without one."""
    if "sensor" not in raw:
        return None
    table = raw["sensor"]
    if not isinstance(table, dict):
        raise InvalidInputError("expected a [sensor] table (off_nadir_max_deg, nadir_cone_deg or swath_km, ...)",
                                source=source, field="sensor")
    prefix = "sensor."
    _unknown(table, _SENSOR, source, prefix)
    given = [key for key in _SENSOR_VIEW if key in table]
    if len(given) != 1:
        raise InvalidInputError("give exactly one field of view: off_nadir_max_deg, nadir_cone_deg or swath_km"
                                f" (got {', '.join(given) if given else 'none'})", source=source,
                                field=prefix + (given[1] if given else "off_nadir_max_deg"))
    off_nadir = _ranged(table, "off_nadir_max_deg", source, prefix, 0.0, 90.0, "deg", open_high=True)
    cone = _ranged(table, "nadir_cone_deg", source, prefix, 0.0, 90.0, "deg", open_low=True, open_high=True)
    swath_km = _number(table, "swath_km", source, prefix, required=False, positive=True)
    sun = _ranged(table, "min_sun_elevation_deg", source, prefix, -90.0, 90.0, "deg")
    elevation = _ranged(table, "min_target_elevation_deg", source, prefix, 0.0, 90.0, "deg", default=0.0,
                        open_high=True)
    pitch_um = _number(table, "pixel_pitch_um", source, prefix, required=False, positive=True)
    focal_mm = _number(table, "focal_length_mm", source, prefix, required=False, positive=True)
    if (pitch_um is None) != (focal_mm is None):
        raise InvalidInputError("give both pixel_pitch_um and focal_length_mm (for the ground sample distance), "
                                "or neither", source=source,
                                field=prefix + ("pixel_pitch_um" if pitch_um is None else "focal_length_mm"))
    from ..observe.sensors import Sensor

    try:
        return Sensor(nadir_cone_half_angle_deg=cone, off_nadir_max_deg=off_nadir,
                      swath_width_m=None if swath_km is None else swath_km * 1e3,
                      min_target_elevation_deg=elevation, min_sun_elevation_deg=sun,
                      pixel_pitch_m=None if pitch_um is None else pitch_um * 1e-6,
                      focal_length_m=None if focal_mm is None else focal_mm * 1e-3)
    except InvalidInputError as error:  # the checks above should leave nothing for the record's own
        field = _SENSOR_FIELDS.get(error.field, error.field or "sensor")
        raise InvalidInputError(str(error).split(": ", 1)[-1], source=source, field=prefix + field) from None


def _observation(raw: dict, source: str) -> tuple[float, float]:
    """(pass_days, eclipse_days) of the optional ``[observation]`` table, defaults filled in."""
    table = raw.get("observation", {})
    if not isinstance(table, dict):
        raise InvalidInputError("expected an [observation] table (pass_days, eclipse_days)", source=source,
                                field="observation")
    prefix = "observation."
    _unknown(table, _OBSERVATION, source, prefix)
    pass_days = _ranged(table, "pass_days", source, prefix, 0.0, _MAX_PASS_DAYS, "days", open_low=True,
                        default=DEFAULT_PASS_DAYS)
    eclipse_days = _ranged(table, "eclipse_days", source, prefix, 0.0, _MAX_ECLIPSE_DAYS, "days", open_low=True,
                           default=DEFAULT_ECLIPSE_DAYS)
    return pass_days, eclipse_days


def _coverage(raw: dict, source: str, folder: Path, sensor) -> CoverageSpec | None:
    """The optional ``[coverage]`` table as a CoverageSpec (the GeoJSON region read here), or None."""
    if "coverage" not in raw:
        return None
    table = raw["coverage"]
    prefix = "coverage."
    if not isinstance(table, dict):
        raise InvalidInputError("expected a [coverage] table (region or lat_band, resolution_deg, days, ...)",
                                source=source, field="coverage")
    _unknown(table, _COVERAGE, source, prefix)
    from ..observe.access import AccessSpec
    from ..observe.areas import MIN_RESOLUTION_DEG, equal_area_grid

    area = _coverage_area(table, source, folder)
    resolution = _ranged(table, "resolution_deg", source, prefix, MIN_RESOLUTION_DEG, 90.0, "deg",
                         default=DEFAULT_COVERAGE_RESOLUTION_DEG,
                         what=f" (the finest grid is {MIN_RESOLUTION_DEG:g} deg)")
    days = _ranged(table, "days", source, prefix, 0.0, _MAX_COVERAGE_DAYS, "days", open_low=True,
                   default=DEFAULT_COVERAGE_DAYS)
    use_sensor = table.get("use_sensor", False)
    if not isinstance(use_sensor, bool):
        raise InvalidInputError(f"expected true or false, got {use_sensor!r}", source=source,
                                field=prefix + "use_sensor")
    if use_sensor:
        if "min_elevation_deg" in table:
            raise InvalidInputError("give either min_elevation_deg or use_sensor = true, not both", source=source,
                                    field=prefix + "min_elevation_deg")
        if sensor is None:
            raise InvalidInputError("use_sensor = true needs a [sensor] table", source=source,
                                    field=prefix + "use_sensor")
        access = AccessSpec.for_sensor(sensor)
    else:
        elevation = _ranged(table, "min_elevation_deg", source, prefix, 0.0, 90.0, "deg", open_high=True,
                            default=DEFAULT_COVERAGE_ELEVATION_DEG)
        access = AccessSpec.elevation_mask(elevation)
    try:
        grid = equal_area_grid(area, resolution)
    except InvalidInputError as error:
        raise InvalidInputError(str(error).split(": ", 1)[-1], source=source,
                                field=prefix + ("resolution_deg" if error.field == "resolution_deg" else "region")
                                ) from None
    return CoverageSpec(grid, days, access, _constellation(table, source))


def _coverage_area(table: dict, source: str, folder: Path):
    from ..observe.areas import Area

    prefix = "coverage."
    given = [key for key in ("region", "lat_band") if key in table]
    if len(given) != 1:
        raise InvalidInputError("give exactly one of region (\"global\" or a GeoJSON file) and lat_band = [min, max]"
                                f" (got {', '.join(given) if given else 'none'})", source=source,
                                field=prefix + (given[1] if given else "region"))
    if "lat_band" in table:
        band = table["lat_band"]
        if (not isinstance(band, list) or len(band) != 2
                or any(isinstance(x, bool) or not isinstance(x, (int, float)) or not math.isfinite(x) for x in band)):
            raise InvalidInputError(f"expected [min, max] latitudes in deg such as [40, 70], got {band!r}",
                                    source=source, field=prefix + "lat_band")
        try:
            return Area.latitude_band(float(band[0]), float(band[1]))
        except InvalidInputError as error:
            raise InvalidInputError(str(error).split(": ", 1)[-1], source=source, field=prefix + "lat_band") from None
    region = table["region"]
    if not isinstance(region, str) or not region.strip():
        raise InvalidInputError(f"expected \"global\" or a GeoJSON file name, got {region!r}", source=source,
                                field=prefix + "region")
    if region.strip().lower() == "global":
        return Area.globe()
    from ..io.geojson_areas import read_area_geojson

    try:
        return read_area_geojson(folder / region.strip())
    except InvalidInputError as error:  # the reader names the GeoJSON file (and the JSON path) itself
        raise InvalidInputError(f"{error}", source=source, field=prefix + "region") from None


def _constellation(table: dict, source: str) -> ConstellationSpec | None:
    if "constellation" not in table:
        return None
    sub = table["constellation"]
    prefix = "coverage.constellation."
    if not isinstance(sub, dict):
        raise InvalidInputError("expected a [coverage.constellation] table (walker, altitude_km, pattern)",
                                source=source, field="coverage.constellation")
    _unknown(sub, _CONSTELLATION, source, prefix)
    from ..orbits.constellation import WalkerPattern, WalkerSpec

    pattern = sub.get("pattern", "delta")
    if pattern not in [p.value for p in WalkerPattern]:
        raise InvalidInputError(f"expected one of {', '.join(p.value for p in WalkerPattern)}, got {pattern!r}",
                                source=source, field=prefix + "pattern")
    notation = sub.get("walker")
    if not isinstance(notation, str):
        raise InvalidInputError(f"expected Walker notation i:t/p/f such as \"53:24/3/1\", got {notation!r}",
                                source=source, field=prefix + "walker")
    try:
        walker = WalkerSpec.from_notation(notation, WalkerPattern(pattern))
    except InvalidInputError as error:
        raise InvalidInputError(str(error).split(": ", 1)[-1], source=source, field=prefix + "walker") from None
    altitude_km = _number(sub, "altitude_km", source, prefix, required=True, positive=True)
    return ConstellationSpec(walker, altitude_km * 1e3)
