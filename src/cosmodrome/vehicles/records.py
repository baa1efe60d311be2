"""Frozen records describing a launch vehicle. SI units inside (N, kg, s, m).

Per-stage figures are per unit: ``count`` identical units burn together. Files on disk use kN
and tonnes-free SI (see docs/vehicle-format.md); ``vehicles.catalogue`` converts once on entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Literal

from ..earth.constants import SEA_LEVEL_PRESSURE_PA, STANDARD_GRAVITY_M_S2
from ..errors import InvalidInputError

Ignition = Literal["liftoff", "sequential"]


def _require(condition: bool, source: str, field_name: str, message: str) -> None:
    if not condition:
        raise InvalidInputError(message, source=source, field=field_name)


@dataclass(frozen=True)
class Stage:
    """One stage (or one group of ``count`` identical units burning together).

    Mass flow comes from the vacuum figures: mdot = thrust_vac / (isp_vac * g0). Thrust at ambient
    pressure p is thrust_vac - nozzle_exit_area * p, with the exit area from
    (thrust_vac - thrust_sl) / p0 (zero when no sea-level figure is known).
    """

    name: str
    propellant_mass_kg: float
    dry_mass_kg: float
    thrust_vac_n: float
    isp_vac_s: float
    count: int = 1
    ignition: Ignition = "sequential"
    thrust_sl_n: float | None = None
    isp_sl_s: float | None = None
    burn_time_s: float | None = None  # published figure; kept for the audit, not used to fly
    diameter_m: float | None = None
    min_throttle: float = 1.0  # lowest thrust fraction the engines can hold
    throttle_schedule: tuple[tuple[float, float], ...] = ()  # (time since ignition s, fraction), stepwise
    max_acceleration_m_s2: float | None = None  # throttle down to hold this, within min_throttle
    restarts: int = 0  # extra ignitions after the first
    coast_before_s: float = 0.0  # separation/ignition delay before a sequential stage lights
    residual_fraction: float | None = None  # overrides Allowances.residual_fraction for this stage
    source: str = ""

    def __post_init__(self) -> None:
        where = f"stage '{self.name}'"
        _require(self.count >= 1, where, "count", f"expected an integer >= 1, got {self.count}")
        _require(self.ignition in ("liftoff", "sequential"), where, "ignition",
                 f"expected 'liftoff' or 'sequential', got {self.ignition!r}")
        for name in ("propellant_mass_kg", "thrust_vac_n", "isp_vac_s"):
            value = getattr(self, name)
            _require(math.isfinite(value) and value > 0, where, name,
                     f"expected a positive number, got {value}")
        _require(math.isfinite(self.dry_mass_kg) and self.dry_mass_kg >= 0, where, "dry_mass_kg",
                 f"expected a number >= 0, got {self.dry_mass_kg}")
        for name in ("thrust_sl_n", "isp_sl_s", "burn_time_s", "diameter_m", "max_acceleration_m_s2"):
            value = getattr(self, name)
            _require(value is None or (math.isfinite(value) and value > 0), where, name,
                     f"expected a positive number, got {value}")
        _require(0.0 < self.min_throttle <= 1.0, where, "min_throttle",
                 f"expected a fraction in (0, 1], got {self.min_throttle}")
        _require(self.restarts >= 0, where, "restarts", f"expected an integer >= 0, got {self.restarts}")
        _require(self.coast_before_s >= 0, where, "coast_before_s",
                 f"expected a number >= 0, got {self.coast_before_s}")
        _require(self.residual_fraction is None or 0.0 <= self.residual_fraction < 0.5, where,
                 "residual_fraction", f"expected a fraction in [0, 0.5), got {self.residual_fraction}")
        if self.thrust_sl_n is not None:
            _require(self.thrust_sl_n <= self.thrust_vac_n, where, "thrust_sl_kN",
                     f"sea-level thrust {self.thrust_sl_n / 1e3:.1f} kN exceeds vacuum thrust "
                     f"{self.thrust_vac_n / 1e3:.1f} kN")
        for t_s, fraction in self.throttle_schedule:
            _require(t_s >= 0 and self.min_throttle - 1e-9 <= fraction <= 1.0, where, "throttle",
                     f"expected [time_s >= 0, fraction in [{self.min_throttle}, 1]], got [{t_s}, {fraction}]")

    @property
    def mass_flow_kg_s(self) -> float:
        """Full-throttle mass flow of one unit."""
        return self.thrust_vac_n / (self.isp_vac_s * STANDARD_GRAVITY_M_S2)

    @property
    def effective_thrust_sl_n(self) -> float | None:
        """Sea-level thrust of one unit: given, or from the sea-level Isp at the vacuum mass flow."""
        if self.thrust_sl_n is not None:
            return self.thrust_sl_n
        if self.isp_sl_s is not None:
            return self.mass_flow_kg_s * self.isp_sl_s * STANDARD_GRAVITY_M_S2
        return None

    @property
    def nozzle_exit_area_m2(self) -> float:
        """Total exit area of one unit's nozzles, (thrust_vac - thrust_sl) / p0; 0 if unknown."""
        thrust_sl = self.effective_thrust_sl_n
        if thrust_sl is None:
            return 0.0
        return (self.thrust_vac_n - thrust_sl) / SEA_LEVEL_PRESSURE_PA

    @property
    def full_burn_time_s(self) -> float:
        """Time to burn all loaded propellant at full throttle (from the mass flow)."""
        return self.propellant_mass_kg / self.mass_flow_kg_s

    @property
    def gross_mass_kg(self) -> float:
        return self.propellant_mass_kg + self.dry_mass_kg


@dataclass(frozen=True)
class Fairing:
    """Payload fairing and when it is dropped.

    Jettison happens at the first instant after lift-off when the free-molecular heat flux
    0.5 * rho * v^3 falls below ``jettison_heat_flux_w_m2``, or when the altitude exceeds
    ``jettison_altitude_m`` if that is given (whichever comes first).
    """

    mass_kg: float
    jettison_heat_flux_w_m2: float = 1135.0
    jettison_altitude_m: float | None = None
    source: str = ""

    def __post_init__(self) -> None:
        _require(math.isfinite(self.mass_kg) and self.mass_kg >= 0, "fairing", "mass_kg",
                 f"expected a number >= 0, got {self.mass_kg}")
        _require(self.jettison_heat_flux_w_m2 > 0, "fairing", "jettison_heat_flux_W_m2",
                 f"expected a positive number, got {self.jettison_heat_flux_w_m2}")


# Generic zero-lift drag coefficient of a slender launch vehicle against Mach number.
# Documented in docs/ascent-model.md with its source; used when a vehicle file gives no table.
GENERIC_CD_MACH: tuple[tuple[float, float], ...] = (
    (0.0, 0.30), (0.6, 0.28), (0.8, 0.30), (0.95, 0.42), (1.05, 0.50), (1.2, 0.50),
    (1.5, 0.45), (2.0, 0.38), (3.0, 0.30), (4.0, 0.26), (5.0, 0.24), (10.0, 0.22),
)


@dataclass(frozen=True)
class Aero:
    """Drag model: Cd against Mach (linear between points, held beyond) and the reference area."""

    cd_mach: tuple[tuple[float, float], ...] = GENERIC_CD_MACH
    reference_area_m2: float | None = None  # None: frontal area of all units burning at lift-off

    def __post_init__(self) -> None:
        machs = [m for m, _ in self.cd_mach]
        _require(len(machs) >= 1 and all(b > a for a, b in zip(machs, machs[1:])), "aero", "cd_mach",
                 "expected [[mach, cd], ...] with increasing Mach numbers")
        _require(all(cd >= 0 for _, cd in self.cd_mach), "aero", "cd_mach",
                 "expected drag coefficients >= 0")
        _require(self.reference_area_m2 is None or self.reference_area_m2 > 0, "aero",
                 "reference_area_m2", f"expected a positive number, got {self.reference_area_m2}")


@dataclass(frozen=True)
class Allowances:
    """What launch providers hold back before quoting a payload (docs/allowances.md gives sources).

    residual_fraction: unusable propellant left in every stage at burnout, as a fraction of its
    loaded propellant. reserve_fraction: flight-performance reserve kept in the last stage, as a
    fraction of its loaded propellant. adapter_fraction: payload adapter mass as a fraction of
    the separated mass (the quoted payload is the separated mass less the adapter).
    """

    residual_fraction: float = 0.01
    reserve_fraction: float = 0.01
    adapter_fraction: float = 0.03

    def __post_init__(self) -> None:
        for name in ("residual_fraction", "reserve_fraction", "adapter_fraction"):
            value = getattr(self, name)
            _require(math.isfinite(value) and 0.0 <= value < 0.5, "allowances", name,
                     f"expected a fraction in [0, 0.5), got {value}")

    @staticmethod
    def none() -> "Allowances":
        """No allowances: every kilogram of loaded propellant burnt, no adapter deducted."""
        return Allowances(residual_fraction=0.0, reserve_fraction=0.0, adapter_fraction=0.0)


@dataclass(frozen=True)
class Vehicle:
    """A launch vehicle: stages bottom to top, optional fairing, drag model and allowances."""

    id: str
    name: str
    stages: tuple[Stage, ...]
    fairing: Fairing | None = None
    aero: Aero = field(default_factory=Aero)
    allowances: Allowances = field(default_factory=Allowances)
    source: str = ""  # file the vehicle came from, for messages
    notes: str = ""

    def __post_init__(self) -> None:
        where = self.source or f"vehicle '{self.id}'"
        _require(len(self.stages) >= 1, where, "stages", "expected at least one [[stages]] entry")
        _require(self.stages[0].ignition == "liftoff", where, "stages[0].ignition",
                 "the bottom stage must have ignition = \"liftoff\"")
        seen_sequential = False
        for stage in self.stages:
            if stage.ignition == "sequential":
                seen_sequential = True
            else:
                _require(not seen_sequential, where, f"stage '{stage.name}' ignition",
                         "a \"liftoff\" stage cannot sit above a \"sequential\" one (list stages bottom to top)")

    @property
    def liftoff_stages(self) -> tuple[Stage, ...]:
        return tuple(s for s in self.stages if s.ignition == "liftoff")

    @property
    def gross_mass_kg(self) -> float:
        """Lift-off mass without payload."""
        fairing = self.fairing.mass_kg if self.fairing else 0.0
        return sum(s.count * s.gross_mass_kg for s in self.stages) + fairing

    @property
    def reference_area_m2(self) -> float | None:
        """Drag reference area: given, or the frontal area of every unit burning at lift-off."""
        if self.aero.reference_area_m2 is not None:
            return self.aero.reference_area_m2
        diameters = [(s.count, s.diameter_m) for s in self.liftoff_stages]
        if any(d is None for _, d in diameters):
            return None
        return sum(count * math.pi * d * d / 4.0 for count, d in diameters)

    def with_allowances(self, allowances: Allowances) -> "Vehicle":
        return replace(self, allowances=allowances)
