"""Published payload capacities: reference data kept beside a vehicle for validation, never flown.

A ``PublishedPayload`` is what a user's manual, a press release or a flown mission says a vehicle
carried or can carry. It is comparable with a Cosmodrome payload estimate only when the source
states (or firmly implies) the orbit's altitudes and inclination and the launch site; the vehicle
files mark that with ``comparable = true`` (docs/vehicle-format.md).

Units: kg, metres of altitude above the equatorial radius, degrees of inclination.
"""

from __future__ import annotations

from dataclasses import dataclass

# Site ids of /work/shared/reference/spaceports.json (29 orbital launch sites, GCAT coordinates),
# copied here so that vehicle files can be checked without the shared folder. ``sites.py`` is the
# authority for coordinates; this list only guards against typing mistakes.
KNOWN_SITE_IDS: tuple[str, ...] = (
    "vostochny", "baikonur", "plesetsk", "kourou", "cape_canaveral", "ksc", "vandenberg", "wallops",
    "kodiak", "mahia", "jiuquan", "taiyuan", "xichang", "wenchang", "tanegashima", "uchinoura",
    "sriharikota", "naro", "sohae", "semnan", "shahroud", "palmachim", "alcantara", "kapustin_yar",
    "yasny", "kwajalein", "svobodny", "esrange", "andoya",
)


@dataclass(frozen=True)
class PublishedPayload:
    """One published payload figure with the orbit and site it applies to, where stated.

    ``perigee_altitude_m`` / ``apogee_altitude_m`` are altitudes above the equatorial radius as the
    source gives them (None when the source does not say); ``inclination_deg`` likewise. ``kind`` is a
    short tag such as "capability", "flown" or "capability_GTO"; ``comparable`` is True only when
    orbit and site are stated or firmly implied by the source.
    """

    payload_kg: float
    source: str
    perigee_altitude_m: float | None = None
    apogee_altitude_m: float | None = None
    inclination_deg: float | None = None
    site: str | None = None
    kind: str = "capability"
    configuration: str = ""
    notes: str = ""
    comparable: bool = False
