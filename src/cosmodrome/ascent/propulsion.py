"""Stage groups as the flight sees them: mass flow, thrust, usable and dead mass.

A vehicle's stages become ``StageGroup`` records once the allowances are applied: unusable
residuals stay in every stage until it separates, the flight-performance reserve stays in the
last stage. All figures are totals over the ``count`` units of a stage.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..earth.constants import STANDARD_GRAVITY_M_S2
from ..errors import InvalidInputError
from ..vehicles.records import Allowances, Vehicle

# Used only when a vehicle gives neither diameters nor a reference area (a warning is issued):
# the frontal area of a cylinder whose diameter follows d = 0.04 m * (gross kg)^(1/3), a fit that
# gives 3.3 m for Falcon 9 (3.66 m actual) and 1.0 m for Electron (1.2 m actual).
def fallback_reference_area_m2(gross_mass_kg: float) -> float:
    diameter = 0.04 * gross_mass_kg ** (1.0 / 3.0)
    return math.pi * diameter * diameter / 4.0


@dataclass(frozen=True)
class StageGroup:
    """One stage entry of the vehicle, all its units together, allowances applied."""

    index: int
    name: str
    ignites_at_liftoff: bool
    thrust_vac_n: float
    exit_area_m2: float
    mass_flow_kg_s: float  # at full throttle
    usable_propellant_kg: float
    dead_mass_kg: float  # dry mass plus propellant that is never burnt (residuals, reserve)
    min_throttle: float
    throttle_schedule: tuple[tuple[float, float], ...]
    max_acceleration_m_s2: float | None
    restarts: int
    coast_before_s: float

    @property
    def exhaust_velocity_vac_m_s(self) -> float:
        return self.thrust_vac_n / self.mass_flow_kg_s

    def scheduled_throttle(self, time_since_ignition_s: float) -> float:
        level = 1.0
        for start, fraction in self.throttle_schedule:
            if time_since_ignition_s >= start - 1e-9:
                level = fraction
        return level

    def schedule_steps_after(self, time_since_ignition_s: float) -> list[float]:
        return [start for start, _ in self.throttle_schedule if start > time_since_ignition_s + 1e-9]


def stage_groups(vehicle: Vehicle, allowances: Allowances | None = None) -> tuple[StageGroup, ...]:
    """The vehicle's stages as groups, with ``allowances`` (default: the vehicle's own)."""
    allowances = vehicle.allowances if allowances is None else allowances
    groups = []
    last = len(vehicle.stages) - 1
    for index, stage in enumerate(vehicle.stages):
        residual = allowances.residual_fraction if stage.residual_fraction is None else stage.residual_fraction
        if allowances.residual_fraction == 0.0 and allowances.reserve_fraction == 0.0:
            residual = 0.0  # the physical maximum burns every loaded kilogram
        held_back = residual + (allowances.reserve_fraction if index == last else 0.0)
        loaded = stage.count * stage.propellant_mass_kg
        groups.append(StageGroup(
            index=index,
            name=stage.name,
            ignites_at_liftoff=stage.ignition == "liftoff",
            thrust_vac_n=stage.count * stage.thrust_vac_n,
            exit_area_m2=stage.count * stage.nozzle_exit_area_m2,
            mass_flow_kg_s=stage.count * stage.mass_flow_kg_s,
            usable_propellant_kg=loaded * (1.0 - held_back),
            dead_mass_kg=stage.count * stage.dry_mass_kg + loaded * held_back,
            min_throttle=stage.min_throttle,
            throttle_schedule=stage.throttle_schedule,
            max_acceleration_m_s2=stage.max_acceleration_m_s2,
            restarts=stage.restarts,
            coast_before_s=stage.coast_before_s,
        ))
    return tuple(groups)


def liftoff_thrust_to_weight(vehicle: Vehicle, payload_kg: float, pressure_pa: float = 101325.0) -> float:
    groups = stage_groups(vehicle)
    thrust = sum(max(g.scheduled_throttle(0.0) * g.thrust_vac_n - g.exit_area_m2 * pressure_pa, 0.0)
                 for g in groups if g.ignites_at_liftoff)
    mass = vehicle.gross_mass_kg + payload_kg
    return thrust / (mass * STANDARD_GRAVITY_M_S2)


def check_payload_mass(payload_kg: float) -> None:
    if not math.isfinite(payload_kg) or payload_kg < 0:
        raise InvalidInputError(f"expected a payload mass >= 0 kg, got {payload_kg}", field="--payload-kg")
