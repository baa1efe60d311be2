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
"""

from __future__ import annotations

import datetime as dt
import math
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ..ascent.target import TargetOrbit
from ..errors import InvalidInputError

_TOP = {"name", "site", "vehicle", "launch_utc", "orbit", "payload", "spacecraft", "notes"}
_ORBIT = {"altitude_km", "apogee_km", "inclination_deg", "sun_synchronous", "allow_dogleg"}
_PAYLOAD = {"mass_kg"}
_SPACECRAFT = {"mass_kg", "area_m2", "drag_coefficient"}
# A drag coefficient beyond this is a typing slip (2.0-2.5 is usual for satellites in free molecular flow).
_MAX_DRAG_COEFFICIENT = 10.0


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
    return Mission(name, site_id, vehicle_ref, launch_utc, target, allow_dogleg, mass, source, spacecraft)


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
