"""Launch sites: the bundled spaceport table and ad-hoc sites from coordinates.

Coordinates are geodetic (WGS-84) in degrees, altitude in metres above the ellipsoid. Launch limits
are kept as the sources give them: permitted launch azimuths (degrees clockwise from north, relative
to the rotating Earth) and/or permitted orbit inclinations. A site with neither accepts every
azimuth. The table ships as package data (``data/spaceports.json``, provenance in
``data/spaceports.md``); nothing is downloaded.
"""

from __future__ import annotations

import difflib
import functools
import json
import math
import re
from dataclasses import dataclass
from importlib import resources
from typing import Literal

import numpy as np

from .earth.geodesy import geodetic_to_ecef
from .errors import InvalidInputError

Direction = Literal["northbound", "southbound"]

_DATA_FILE = "spaceports.json"
_DATA_LABEL = "cosmodrome/data/spaceports.json"
_LOWEST_ALTITUDE_M = -500.0  # Dead Sea shore is about -430 m; anything lower is a sign slip
_HIGHEST_ALTITUDE_M = 9000.0


def _require(condition: bool, where: str, field_name: str, message: str) -> None:
    if not condition:
        raise InvalidInputError(message, source=where, field=field_name)


def _is_number(value) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


@dataclass(frozen=True)
class Site:
    """A launch site. Angles in degrees, altitude in metres; validates itself when built.

    ``azimuth_ranges_deg`` holds (min, max) pairs of permitted launch azimuths, clockwise from north
    and relative to the rotating Earth; a pair with min > max wraps through north (e.g. (340, 20)).
    An empty tuple means no azimuth limit. ``inclination_min_deg``/``inclination_max_deg`` are the
    documented inclination limits (None where not documented). ``preferred_direction`` breaks the tie
    when both the northbound and the southbound ascent to an inclination are permitted.
    """

    id: str
    name: str
    country: str
    latitude_deg: float
    longitude_deg: float
    altitude_m: float = 0.0
    azimuth_ranges_deg: tuple[tuple[float, float], ...] = ()
    inclination_min_deg: float | None = None
    inclination_max_deg: float | None = None
    source: str = ""
    notes: str = ""
    preferred_direction: Direction = "northbound"

    def __post_init__(self) -> None:
        where = f"site '{self.id}'"
        _require(isinstance(self.id, str) and self.id.strip() != "", where, "id",
                 f"expected a non-empty text identifier, got {self.id!r}")
        _require(isinstance(self.name, str) and self.name.strip() != "", where, "name",
                 f"expected a non-empty name, got {self.name!r}")
        _require(_is_number(self.latitude_deg) and -90.0 <= self.latitude_deg <= 90.0, where, "latitude_deg",
                 f"expected a latitude in [-90, 90] deg, got {self.latitude_deg!r}")
        _require(_is_number(self.longitude_deg) and -180.0 <= self.longitude_deg < 360.0, where,
                 "longitude_deg", f"expected a longitude in [-180, 360) deg, got {self.longitude_deg!r}")
        _require(_is_number(self.altitude_m) and _LOWEST_ALTITUDE_M <= self.altitude_m <= _HIGHEST_ALTITUDE_M,
                 where, "altitude_m",
                 f"expected an altitude in [{_LOWEST_ALTITUDE_M:g}, {_HIGHEST_ALTITUDE_M:g}] m above the "
                 f"WGS-84 ellipsoid, got {self.altitude_m!r}")
        _require(self.preferred_direction in ("northbound", "southbound"), where, "preferred_direction",
                 f"expected 'northbound' or 'southbound', got {self.preferred_direction!r}")
        # Lists from JSON become tuples so the record stays hashable and immutable.
        ranges = self.azimuth_ranges_deg if self.azimuth_ranges_deg is not None else ()
        checked = []
        for index, pair in enumerate(ranges):
            ok = (isinstance(pair, (tuple, list)) and len(pair) == 2 and all(_is_number(v) for v in pair)
                  and all(0.0 <= v <= 360.0 for v in pair) and pair[0] != pair[1])
            _require(ok, where, f"azimuth_ranges_deg[{index}]",
                     f"expected [min, max] azimuths in [0, 360] deg, clockwise from north, min != max "
                     f"(min > max wraps through north), got {pair!r}")
            checked.append((float(pair[0]), float(pair[1])))
        object.__setattr__(self, "azimuth_ranges_deg", tuple(checked))
        for name in ("inclination_min_deg", "inclination_max_deg"):
            value = getattr(self, name)
            _require(value is None or (_is_number(value) and 0.0 <= value <= 180.0), where, name,
                     f"expected an inclination in [0, 180] deg or null, got {value!r}")
        if self.inclination_min_deg is not None and self.inclination_max_deg is not None:
            _require(self.inclination_min_deg <= self.inclination_max_deg, where, "inclination_max_deg",
                     f"expected at least inclination_min_deg ({self.inclination_min_deg} deg), got "
                     f"{self.inclination_max_deg} deg")

    @property
    def has_limits(self) -> bool:
        """True when the site documents azimuth or inclination limits."""
        return bool(self.azimuth_ranges_deg) or self.inclination_min_deg is not None \
            or self.inclination_max_deg is not None

    @property
    def position_ecef_m(self) -> np.ndarray:
        """Earth-fixed (ITRS, WGS-84) position of the site, metres, shape (3,)."""
        return geodetic_to_ecef(math.radians(self.latitude_deg), math.radians(self.longitude_deg),
                                self.altitude_m)


def site_from_coordinates(latitude_deg: float, longitude_deg: float, altitude_m: float = 0.0, *,
                          name: str = "ad-hoc site") -> Site:
    """An ad-hoc site at geodetic coordinates (deg, m above WGS-84); no launch limits (every azimuth).

    Raises InvalidInputError naming the field when a coordinate is out of range.
    """
    return Site(id="adhoc", name=name, country="", latitude_deg=latitude_deg, longitude_deg=longitude_deg,
                altitude_m=altitude_m, source="user-supplied coordinates",
                notes="ad-hoc site: no azimuth or inclination limits, every launch azimuth accepted")


def _site_from_record(record: dict) -> Site:
    where = f"{_DATA_LABEL}, site '{record.get('id', '?')}'"
    for key in ("id", "name", "country", "latitude_deg", "longitude_deg", "altitude_m"):
        _require(key in record, where, key, "expected this field in every site record, it is missing")
    source = record.get("coord_source") or ""
    if record.get("limits_source"):
        source = f"coordinates: {source}; limits: {record['limits_source']}"
    notes = " ".join(text if text.endswith(".") else text + "."
                     for text in (record.get("limits_note"), record.get("altitude_note"),
                                  (record.get("reference") or {}).get("notes")) if text)
    try:
        return Site(id=record["id"], name=record["name"], country=record["country"],
                    latitude_deg=record["latitude_deg"], longitude_deg=record["longitude_deg"],
                    altitude_m=record["altitude_m"],
                    azimuth_ranges_deg=record.get("azimuth_ranges_deg") or (),
                    inclination_min_deg=record.get("inclination_min_deg"),
                    inclination_max_deg=record.get("inclination_max_deg"),
                    source=source, notes=notes,
                    preferred_direction=record.get("preferred_direction") or "northbound")
    except InvalidInputError as exc:
        # Same message, with the bundled file named in front of the site and field.
        error = InvalidInputError(str(exc), source=_DATA_LABEL)
        error.field = exc.field
        raise error from exc


@functools.lru_cache(maxsize=1)
def _bundled_sites() -> tuple[Site, ...]:
    text = resources.files("cosmodrome").joinpath("data", _DATA_FILE).read_text(encoding="utf-8")
    document = json.loads(text)
    records = document.get("sites") if isinstance(document, dict) else None
    _require(isinstance(records, list), _DATA_LABEL, "sites",
             "expected a top-level object with a 'sites' list")
    sites = tuple(_site_from_record(record) for record in records)
    seen: set[str] = set()
    for site in sites:
        _require(site.id not in seen, _DATA_LABEL, "id", f"expected unique site ids, '{site.id}' repeats")
        seen.add(site.id)
    return sites


def load_sites() -> list[Site]:
    """Every bundled launch site, in table order (read once from package data, then cached)."""
    return list(_bundled_sites())


def _key(text: str) -> str:
    return re.sub(r"[\s\-]+", "_", text.strip().casefold())


def _words(text: str) -> list[str]:
    return re.findall(r"[\w']+", text.casefold())


def find_site(site_id: str) -> Site:
    """The bundled site with this id or name, matched case-insensitively.

    Accepts an id ("vostochny", "cape-canaveral"), a full name, or words that appear in exactly one
    site name ("Kennedy", "Vostochny"). Raises InvalidInputError with the closest ids otherwise.
    """
    sites = _bundled_sites()
    query = _key(str(site_id))
    for site in sites:
        if site.id == query or _key(site.name) == query:
            return site
    words = _words(str(site_id))
    if words:
        hits = [site for site in sites if _contains_run(_words(site.name), words)]
        if len(hits) == 1:
            return hits[0]
        if len(hits) > 1:
            listed = ", ".join(f"'{site.id}'" for site in hits)
            raise InvalidInputError(f"'{site_id}' matches several launch sites ({listed}); give one of these ids",
                                    field="site")
    choices = {site.id: site.id for site in sites}
    choices.update({_key(site.name): site.id for site in sites})
    close = difflib.get_close_matches(query, list(choices), n=6, cutoff=0.5)
    suggestions = list(dict.fromkeys(choices[c] for c in close))[:3]
    hint = f"did you mean {' or '.join(repr(s) for s in suggestions)}? " if suggestions else ""
    raise InvalidInputError(
        f"unknown launch site '{site_id}': {hint}`cosmodrome sites` lists the {len(sites)} known sites "
        f"(or give latitude and longitude for an ad-hoc site)", field="site")


def _contains_run(haystack: list[str], needle: list[str]) -> bool:
    n = len(needle)
    return any(haystack[k:k + n] == needle for k in range(len(haystack) - n + 1))
