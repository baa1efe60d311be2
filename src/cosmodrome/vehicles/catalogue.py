"""Vehicle files (TOML) and the bundled catalogue: read, check, convert to ``Vehicle`` records.

The format is documented in docs/vehicle-format.md. Files use kN, km and g where people think in
them; this module converts once, on entry (kN -> N, km -> m, g -> m/s^2 with g0 = 9.80665).
Every problem raises ``InvalidInputError`` naming the file, the field (``stages[1].dry_mass_kg``)
and what was expected against what was received. Suspicious but usable figures raise a
``VehicleDataWarning`` for user files; bundled files are checked by ``vehicles.audit`` instead.
"""

from __future__ import annotations

import difflib
import math
import tomllib
import warnings
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Callable

from ..earth.constants import STANDARD_GRAVITY_M_S2
from ..errors import InvalidInputError
from .published import KNOWN_SITE_IDS, PublishedPayload
from .records import Aero, Allowances, Fairing, Stage, Vehicle

__all__ = [
    "VehicleDataWarning", "VehicleEntry", "catalogue_ids", "load_catalogue", "load_catalogue_entries",
    "load_vehicle", "load_vehicle_entry", "load_vehicle_file", "parse_vehicle_toml",
    "published_payloads",
]

ISP_CONSISTENCY_TOLERANCE = 0.02  # sea-level Isp vs thrust_sl / mass flow, relative


class VehicleDataWarning(UserWarning):
    """A vehicle file loads, but a figure in it looks wrong (inconsistent or implausible)."""


@dataclass(frozen=True)
class VehicleEntry:
    """Everything a vehicle file holds: the flyable record plus reference data for validation.

    ``raw`` is the parsed TOML table as read (file units), kept for the data audit (gross masses,
    lift-off mass); treat it as read-only.
    """

    vehicle: Vehicle
    published_payloads: tuple[PublishedPayload, ...] = ()
    sources: tuple[str, ...] = ()
    raw: dict = field(default_factory=dict, compare=False, repr=False)


# ---------------------------------------------------------------------------------------------
# Field schemas. Each checker takes (value, source, field path) and returns the converted value.

def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return f"{str(value).lower()} (a boolean)"
    if isinstance(value, str):
        return f"{value!r} (a string)"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _fail(source: str, path: str, expected: str, value: Any) -> InvalidInputError:
    return InvalidInputError(f"expected {expected}, got {_describe(value)}", source=source, field=path)


def _number(minimum: float | None = None, *, inclusive: bool = True, maximum: float | None = None,
            maximum_inclusive: bool = True, scale: float = 1.0) -> Callable[[Any, str, str], float]:
    if minimum is None:
        expected = "a number"
    elif minimum == 0 and not inclusive:
        expected = "a positive number"
    else:
        expected = f"a number {'>=' if inclusive else '>'} {minimum:g}"
    if maximum is not None:
        expected += f" and {'<=' if maximum_inclusive else '<'} {maximum:g}"

    def check(value: Any, source: str, path: str) -> float:
        if not _is_number(value) or not math.isfinite(value):
            raise _fail(source, path, expected, value)
        if minimum is not None and (value < minimum or (not inclusive and value == minimum)):
            raise _fail(source, path, expected, value)
        if maximum is not None and (value > maximum or (not maximum_inclusive and value == maximum)):
            raise _fail(source, path, expected, value)
        return float(value) * scale

    return check


def _integer(minimum: int) -> Callable[[Any, str, str], int]:
    def check(value: Any, source: str, path: str) -> int:
        if not isinstance(value, int) or isinstance(value, bool) or value < minimum:
            raise _fail(source, path, f"an integer >= {minimum}", value)
        return value

    return check


def _string(value: Any, source: str, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(source, path, "a string", value)
    return value


def _nonempty_string(value: Any, source: str, path: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise _fail(source, path, "a non-empty string", value)
    return value.strip()


def _text(value: Any, source: str, path: str) -> str:
    """A string, or a list of strings joined with spaces (long notes read better as lists)."""
    if isinstance(value, str):
        return value
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return " ".join(item.strip() for item in value)
    raise _fail(source, path, "a string or a list of strings", value)


def _string_list(value: Any, source: str, path: str) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise _fail(source, path, "a list of strings", value)


def _boolean(value: Any, source: str, path: str) -> bool:
    if not isinstance(value, bool):
        raise _fail(source, path, "true or false", value)
    return value


def _choice(*options: str) -> Callable[[Any, str, str], str]:
    expected = " or ".join(f'"{option}"' for option in options)

    def check(value: Any, source: str, path: str) -> str:
        if value not in options:
            raise _fail(source, path, expected, value)
        return value

    return check


def _site(value: Any, source: str, path: str) -> str:
    if not isinstance(value, str):
        raise _fail(source, path, "a site id string", value)
    if value not in KNOWN_SITE_IDS:
        close = difflib.get_close_matches(value, KNOWN_SITE_IDS, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise InvalidInputError(
            f"unknown site id {value!r}{hint} Known sites: {', '.join(KNOWN_SITE_IDS)}",
            source=source, field=path)
    return value


def _pairs(name: str, first: str, second: str) -> Callable[[Any, str, str], tuple[tuple[float, float], ...]]:
    expected = f"a list of [{first}, {second}] pairs of numbers"

    def check(value: Any, source: str, path: str) -> tuple[tuple[float, float], ...]:
        if not isinstance(value, list) or not value:
            raise _fail(source, path, expected, value)
        rows = []
        for i, row in enumerate(value):
            if (not isinstance(row, list) or len(row) != 2
                    or not all(_is_number(x) and math.isfinite(x) for x in row)):
                raise _fail(source, f"{path}[{i}]", f"[{first}, {second}] (two numbers)", row)
            rows.append((float(row[0]), float(row[1])))
        return tuple(rows)

    return check


_POSITIVE = _number(0, inclusive=False)
_NON_NEGATIVE = _number(0)
_FRACTION_OPEN = _number(0, maximum=0.5, maximum_inclusive=False)  # [0, 0.5)

# name in file -> (checker, required)
_STAGE_FIELDS: dict[str, tuple[Callable, bool]] = {
    "name": (_nonempty_string, True),
    "count": (_integer(1), False),
    "ignition": (_choice("liftoff", "sequential"), False),
    "propellant_mass_kg": (_POSITIVE, True),
    "dry_mass_kg": (_NON_NEGATIVE, True),
    "thrust_vac_kN": (_number(0, inclusive=False, scale=1e3), True),
    "isp_vac_s": (_POSITIVE, True),
    "thrust_sl_kN": (_number(0, inclusive=False, scale=1e3), False),
    "isp_sl_s": (_POSITIVE, False),
    "burn_time_s": (_POSITIVE, False),
    "diameter_m": (_POSITIVE, False),
    "min_throttle": (_number(0, inclusive=False, maximum=1.0), False),
    "throttle": (_pairs("throttle", "time_since_ignition_s", "fraction"), False),
    "max_acceleration_g": (_number(0, inclusive=False, scale=STANDARD_GRAVITY_M_S2), False),
    "restarts": (_integer(0), False),
    "coast_before_s": (_NON_NEGATIVE, False),
    "residual_fraction": (_FRACTION_OPEN, False),
    "gross_mass_kg": (_POSITIVE, False),  # audit only: checked against dry + propellant
    "engines": (_string, False),  # descriptive
    "propellants": (_string, False),  # descriptive
    "sources": (None, False),  # table field -> text, or one string; checked separately
    "notes": (_text, False),
}

_TOP_FIELDS: dict[str, tuple[Callable | None, bool]] = {
    "name": (_nonempty_string, True),
    "id": (_nonempty_string, False),
    "notes": (_text, False),
    "sources": (_string_list, False),
    "liftoff_mass_kg": (_POSITIVE, False),  # audit only
    "stages": (None, True),
    "fairing": (None, False),
    "aero": (None, False),
    "allowances": (None, False),
    "published_payloads": (None, False),
}

_FAIRING_FIELDS: dict[str, tuple[Callable, bool]] = {
    "mass_kg": (_NON_NEGATIVE, True),
    "jettison_heat_flux_W_m2": (_POSITIVE, False),
    "jettison_altitude_km": (_number(0, inclusive=False, scale=1e3), False),
    "diameter_m": (_POSITIVE, False),  # descriptive; the drag area comes from the stages or [aero]
    "source": (_text, False),
    "notes": (_text, False),
}

_AERO_FIELDS: dict[str, tuple[Callable, bool]] = {
    "cd_mach": (_pairs("cd_mach", "mach", "cd"), False),
    "reference_area_m2": (_POSITIVE, False),
    "source": (_text, False),
}

_ALLOWANCE_FIELDS: dict[str, tuple[Callable, bool]] = {
    "residual_fraction": (_FRACTION_OPEN, False),
    "reserve_fraction": (_FRACTION_OPEN, False),
    "adapter_fraction": (_FRACTION_OPEN, False),
    "source": (_text, False),
}

_PAYLOAD_FIELDS: dict[str, tuple[Callable, bool]] = {
    "payload_kg": (_POSITIVE, True),
    "perigee_km": (_number(0, scale=1e3), False),
    "apogee_km": (_number(0, scale=1e3), False),
    "inclination_deg": (_number(0, maximum=180.0), False),
    "site": (_site, False),
    "kind": (_nonempty_string, False),
    "configuration": (_string, False),
    "source": (_nonempty_string, True),
    "notes": (_text, False),
    "comparable": (_boolean, False),
}


def _check_table(table: Any, fields: dict, source: str, path: str) -> dict[str, Any]:
    """Check a TOML table against a schema; return converted values of the fields present."""
    if not isinstance(table, dict):
        raise _fail(source, path, "a table", table)
    prefix = f"{path}." if path else ""
    for key in table:
        if key not in fields:
            close = difflib.get_close_matches(key, list(fields), n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InvalidInputError(
                f"unknown field '{key}'{hint} Known fields here: {', '.join(fields)}",
                source=source, field=f"{prefix}{key}")
    out: dict[str, Any] = {}
    for key, (checker, required) in fields.items():
        if key not in table:
            if required:
                raise InvalidInputError(f"required field '{key}' is missing", source=source,
                                        field=f"{prefix}{key}")
            continue
        out[key] = table[key] if checker is None else checker(table[key], source, f"{prefix}{key}")
    return out


# ---------------------------------------------------------------------------------------------
# Parsing

def _stage_sources(value: Any, source: str, path: str) -> str:
    if isinstance(value, str):
        return value
    if not isinstance(value, dict):
        raise _fail(source, path, "a table of field name -> source text, or a string", value)
    known = [k for k in _STAGE_FIELDS if k not in ("sources",)] + ["*"]
    parts = []
    for key, text in value.items():
        if key not in known:
            close = difflib.get_close_matches(key, known, n=1, cutoff=0.6)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise InvalidInputError(f"source given for unknown field '{key}'{hint}",
                                    source=source, field=f"{path}.{key}")
        if not isinstance(text, str):
            raise _fail(source, f"{path}.{key}", "a string", text)
        parts.append(f"{key}: {text}")
    return "; ".join(parts)


def _rebuild(err: InvalidInputError, source: str, path: str) -> InvalidInputError:
    """Re-raise a record's own check with the file name and the full field path."""
    where = ", ".join(p for p in (err.source, f"field {err.field}" if err.field else None) if p)
    message = str(err)
    if where and message.startswith(where + ": "):
        message = message[len(where) + 2:]
    field_path = f"{path}.{err.field}" if err.field else path
    return InvalidInputError(message, source=source, field=field_path)


def _parse_stage(table: Any, source: str, index: int, warn: bool) -> Stage:
    path = f"stages[{index}]"
    values = _check_table(table, _STAGE_FIELDS, source, path)
    min_throttle = values.get("min_throttle", 1.0)
    schedule = values.get("throttle", ())
    times = [t for t, _ in schedule]
    for i, (t_s, fraction) in enumerate(schedule):
        if t_s < 0 or not (min_throttle - 1e-9 <= fraction <= 1.0):
            raise InvalidInputError(
                f"expected [time_since_ignition_s >= 0, fraction in [min_throttle = {min_throttle:g}, 1]], "
                f"got [{t_s:g}, {fraction:g}]", source=source, field=f"{path}.throttle[{i}]")
    if any(b <= a for a, b in zip(times, times[1:])):
        raise InvalidInputError(f"expected times in increasing order, got {times}", source=source,
                                field=f"{path}.throttle")
    thrust_vac = values["thrust_vac_kN"]
    thrust_sl = values.get("thrust_sl_kN")
    if thrust_sl is not None and thrust_sl > thrust_vac:
        raise InvalidInputError(
            f"expected a sea-level thrust <= thrust_vac_kN = {thrust_vac / 1e3:g} kN, "
            f"got {thrust_sl / 1e3:g} kN", source=source, field=f"{path}.thrust_sl_kN")
    isp_sl = values.get("isp_sl_s")
    if isp_sl is not None and isp_sl > values["isp_vac_s"]:
        raise InvalidInputError(
            f"expected a sea-level Isp <= isp_vac_s = {values['isp_vac_s']:g} s, got {isp_sl:g} s",
            source=source, field=f"{path}.isp_sl_s")
    stage_sources = _stage_sources(table["sources"], source, f"{path}.sources") if "sources" in table else ""
    try:
        stage = Stage(
            name=values["name"],
            propellant_mass_kg=values["propellant_mass_kg"],
            dry_mass_kg=values["dry_mass_kg"],
            thrust_vac_n=thrust_vac,
            isp_vac_s=values["isp_vac_s"],
            count=values.get("count", 1),
            ignition=values.get("ignition", "sequential"),
            thrust_sl_n=thrust_sl,
            isp_sl_s=isp_sl,
            burn_time_s=values.get("burn_time_s"),
            diameter_m=values.get("diameter_m"),
            min_throttle=min_throttle,
            throttle_schedule=schedule,
            max_acceleration_m_s2=values.get("max_acceleration_g"),
            restarts=values.get("restarts", 0),
            coast_before_s=values.get("coast_before_s", 0.0),
            residual_fraction=values.get("residual_fraction"),
            source=stage_sources,
        )
    except InvalidInputError as err:
        raise _rebuild(err, source, path) from None
    if warn and thrust_sl is not None and isp_sl is not None:
        implied = thrust_sl / (stage.mass_flow_kg_s * STANDARD_GRAVITY_M_S2)
        if abs(implied - isp_sl) > ISP_CONSISTENCY_TOLERANCE * isp_sl:
            warnings.warn(
                f"{source}, field {path}.isp_sl_s: sea-level Isp {isp_sl:g} s disagrees with the "
                f"{implied:.1f} s implied by thrust_sl_kN = {thrust_sl / 1e3:g} kN at the vacuum mass flow "
                f"{stage.mass_flow_kg_s:.1f} kg/s (more than {ISP_CONSISTENCY_TOLERANCE:.0%}); the ascent "
                f"uses thrust_sl_kN", VehicleDataWarning, stacklevel=4)
    if warn:
        dry_fraction = stage.dry_mass_kg / stage.gross_mass_kg
        if not 0.03 <= dry_fraction <= 0.30:
            warnings.warn(
                f"{source}, field {path}.dry_mass_kg: dry mass is {dry_fraction:.1%} of the stage's "
                f"gross mass; real stages lie between 3 % and 30 %", VehicleDataWarning, stacklevel=4)
        if "min_throttle" not in values and (schedule or "max_acceleration_g" in values):
            warnings.warn(
                f"{source}, field {path}.min_throttle: a throttle table or acceleration limit is given "
                f"but min_throttle is not; the engines cannot throttle below 1.0", VehicleDataWarning,
                stacklevel=4)
    return stage


def _parse_payload(table: Any, source: str, index: int) -> PublishedPayload:
    path = f"published_payloads[{index}]"
    values = _check_table(table, _PAYLOAD_FIELDS, source, path)
    comparable = values.get("comparable", False)
    if comparable:
        missing = [k for k in ("perigee_km", "apogee_km", "inclination_deg", "site") if k not in values]
        if missing:
            raise InvalidInputError(
                f"comparable = true needs the orbit and site; missing {', '.join(missing)}",
                source=source, field=f"{path}.comparable")
    perigee = values.get("perigee_km")
    apogee = values.get("apogee_km")
    if perigee is not None and apogee is not None and apogee < perigee:
        raise InvalidInputError(
            f"expected apogee_km >= perigee_km = {perigee / 1e3:g}, got {apogee / 1e3:g}",
            source=source, field=f"{path}.apogee_km")
    return PublishedPayload(
        payload_kg=values["payload_kg"], source=values["source"], perigee_altitude_m=perigee,
        apogee_altitude_m=apogee, inclination_deg=values.get("inclination_deg"),
        site=values.get("site"), kind=values.get("kind", "capability"),
        configuration=values.get("configuration", ""), notes=values.get("notes", ""),
        comparable=comparable)


def _list_of_tables(value: Any, source: str, path: str) -> list:
    if not isinstance(value, list) or not all(isinstance(item, dict) for item in value):
        raise _fail(source, path, f"a list of tables ([[{path}]] entries)", value)
    return value


def parse_vehicle_toml(text: str, source: str, default_id: str = "vehicle", *,
                       warn: bool = True) -> VehicleEntry:
    """Parse the text of a vehicle file. ``source`` names it in messages; ``default_id`` is used
    when the file has no ``id``. Raises InvalidInputError; warns VehicleDataWarning if ``warn``."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidInputError(f"not valid TOML: {exc}", source=source) from None
    top = _check_table(raw, _TOP_FIELDS, source, "")
    stage_tables = _list_of_tables(top["stages"], source, "stages")
    if not stage_tables:
        raise InvalidInputError("expected at least one [[stages]] entry, got none", source=source,
                                field="stages")
    stages = tuple(_parse_stage(t, source, i, warn) for i, t in enumerate(stage_tables))
    if stages[0].ignition != "liftoff":
        raise InvalidInputError('expected ignition = "liftoff" on the bottom stage (stages are listed '
                                f"bottom to top), got {stages[0].ignition!r}", source=source,
                                field="stages[0].ignition")
    for i in range(1, len(stages)):
        if stages[i].ignition == "liftoff" and stages[i - 1].ignition == "sequential":
            raise InvalidInputError('a "liftoff" stage cannot sit above a "sequential" one (list stages '
                                    "bottom to top)", source=source, field=f"stages[{i}].ignition")
    fairing = None
    if "fairing" in top:
        values = _check_table(top["fairing"], _FAIRING_FIELDS, source, "fairing")
        fairing = Fairing(
            mass_kg=values["mass_kg"],
            jettison_heat_flux_w_m2=values.get("jettison_heat_flux_W_m2", Fairing.jettison_heat_flux_w_m2),
            jettison_altitude_m=values.get("jettison_altitude_km"),
            source=values.get("source", ""))
    aero = Aero()
    if "aero" in top:
        values = _check_table(top["aero"], _AERO_FIELDS, source, "aero")
        cd_mach = values.get("cd_mach", aero.cd_mach)
        machs = [m for m, _ in cd_mach]
        if any(b <= a for a, b in zip(machs, machs[1:])) or any(m < 0 or cd < 0 for m, cd in cd_mach):
            raise InvalidInputError(f"expected [[mach, cd], ...] with Mach >= 0 increasing and cd >= 0, "
                                    f"got {[list(row) for row in cd_mach]}", source=source,
                                    field="aero.cd_mach")
        aero = Aero(cd_mach=cd_mach, reference_area_m2=values.get("reference_area_m2"))
    allowances = Allowances()
    if "allowances" in top:
        values = _check_table(top["allowances"], _ALLOWANCE_FIELDS, source, "allowances")
        allowances = Allowances(**{k: v for k, v in values.items() if k != "source"})
    payloads: tuple[PublishedPayload, ...] = ()
    if "published_payloads" in top:
        tables = _list_of_tables(top["published_payloads"], source, "published_payloads")
        payloads = tuple(_parse_payload(t, source, i) for i, t in enumerate(tables))
    try:
        vehicle = Vehicle(id=top.get("id", default_id), name=top["name"], stages=stages, fairing=fairing,
                          aero=aero, allowances=allowances, source=source, notes=top.get("notes", ""))
    except InvalidInputError as err:
        raise _rebuild(err, source, "vehicle") from None
    return VehicleEntry(vehicle=vehicle, published_payloads=payloads, sources=top.get("sources", ()),
                        raw=raw)


# ---------------------------------------------------------------------------------------------
# Files and the bundled catalogue

def _bundled_dir():
    return resources.files("cosmodrome").joinpath("data", "vehicles")


def catalogue_ids() -> list[str]:
    """Ids of the bundled vehicles (file names without .toml), sorted."""
    return sorted(item.name[:-5] for item in _bundled_dir().iterdir() if item.name.endswith(".toml"))


def _read_file(path: str | Path, warn: bool) -> VehicleEntry:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInputError("file not found (expected a vehicle TOML file; see "
                                "docs/vehicle-format.md)", source=str(path)) from None
    except IsADirectoryError:
        raise InvalidInputError("is a directory, expected a vehicle TOML file", source=str(path)) from None
    except UnicodeDecodeError as exc:
        raise InvalidInputError(f"not UTF-8 text: {exc}", source=str(path)) from None
    except OSError as exc:
        raise InvalidInputError(f"cannot read the file: {exc.strerror}", source=str(path)) from None
    return parse_vehicle_toml(text, str(path), default_id=path.stem, warn=warn)


def _read_bundled(vehicle_id: str) -> VehicleEntry:
    item = _bundled_dir().joinpath(f"{vehicle_id}.toml")
    with resources.as_file(item) as path:
        # Bundled data is curated and its contradictions are reported by vehicles.audit, so the
        # loader does not repeat them as warnings on every load.
        return _read_file(path, warn=False)


def _looks_like_path(id_or_path: str | Path) -> bool:
    if isinstance(id_or_path, Path):
        return True
    text = str(id_or_path)
    return text.endswith(".toml") or "/" in text or "\\" in text or Path(text).is_file()


def load_vehicle_entry(id_or_path: str | Path) -> VehicleEntry:
    """A bundled vehicle by id (``angara_1_2``) or a user's file by path, with its reference data.

    Raises InvalidInputError for an unknown id (naming the closest ids) or a bad file.
    """
    if _looks_like_path(id_or_path):
        return _read_file(id_or_path, warn=True)
    ids = catalogue_ids()
    if id_or_path not in ids:
        close = difflib.get_close_matches(str(id_or_path), ids, n=3, cutoff=0.4)
        hint = f"; closest: {', '.join(close)}" if close else ""
        raise InvalidInputError(
            f"unknown vehicle {str(id_or_path)!r}{hint}. `cosmodrome vehicles` lists the catalogue; "
            "a path to a .toml file also works", field="vehicle")
    return _read_bundled(str(id_or_path))


def load_vehicle(id_or_path: str | Path) -> Vehicle:
    """A ``Vehicle`` from a catalogue id or a path to a vehicle TOML file."""
    return load_vehicle_entry(id_or_path).vehicle


def load_vehicle_file(path: str | Path) -> Vehicle:
    """A ``Vehicle`` from a user's TOML file (docs/vehicle-format.md)."""
    return _read_file(path, warn=True).vehicle


def published_payloads(id_or_path: str | Path) -> list[PublishedPayload]:
    """The published payload figures kept with a vehicle (reference data, not flown)."""
    return list(load_vehicle_entry(id_or_path).published_payloads)


def load_catalogue_entries() -> list[VehicleEntry]:
    """Every bundled vehicle with its reference data, in id order."""
    return [_read_bundled(vehicle_id) for vehicle_id in catalogue_ids()]


def load_catalogue() -> list[Vehicle]:
    """Every bundled vehicle, in id order."""
    return [entry.vehicle for entry in load_catalogue_entries()]
