"""Data audit: figures in a vehicle file that contradict each other or look implausible.

Published launcher data mixes engine versions, counts propellant differently and rounds
freely; the audit makes each disagreement visible with its numbers instead of hiding it in the
ascent. Checks (thresholds in the constants below):

- stage gross mass (file ``gross_mass_kg``) against dry + propellant;
- vehicle lift-off mass (file ``liftoff_mass_kg``) against the sum of stages and fairing;
- published burn time against propellant / mass flow (following the throttle table);
- sea-level against vacuum figures: thrust_sl / thrust_vac should equal isp_sl / isp_vac at one
  mass flow, and neither sea-level figure may exceed the vacuum one;
- lift-off thrust-to-weight below 1 with no payload;
- dry mass outside 3-30 % of the stage's gross mass;
- upper-stage vacuum thrust-to-weight below 0.4 at ignition with no payload (a note).

Severity "contradiction" marks figures that cannot all be right; "note" marks something worth
knowing that is not necessarily an error.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from ..earth.constants import STANDARD_GRAVITY_M_S2
from .records import Stage, Vehicle

GROSS_MASS_TOLERANCE = 0.01  # relative; smaller non-zero differences are reported as notes
LIFTOFF_MASS_TOLERANCE = 0.02  # a larger difference is reported as a note
LIFTOFF_MASS_EXCESS_TOLERANCE = 0.005  # stages heavier than the whole vehicle by more: contradiction
BURN_TIME_TOLERANCE = 0.05
SEA_LEVEL_RATIO_TOLERANCE = 0.02
DRY_FRACTION_RANGE = (0.03, 0.30)
UPPER_STAGE_MIN_THRUST_TO_WEIGHT = 0.4

Severity = Literal["contradiction", "note"]


@dataclass(frozen=True)
class AuditFinding:
    """One finding: which vehicle and stage, which check, the numbers, and how serious."""

    vehicle_id: str
    stage: str | None
    check: str
    message: str
    severity: Severity


def _throttled_burn_time_s(stage: Stage) -> float:
    """Time to burn all loaded propellant following the stepwise throttle table (full thrust
    before the first entry and after the last one holds)."""
    mdot = stage.mass_flow_kg_s
    remaining = stage.propellant_mass_kg
    steps = list(stage.throttle_schedule)
    if not steps or steps[0][0] > 0:
        steps.insert(0, (0.0, 1.0))
    for (t0, fraction), (t1, _) in zip(steps, steps[1:]):
        used = mdot * fraction * (t1 - t0)
        if used >= remaining:
            return t0 + remaining / (mdot * fraction)
        remaining -= used
    t_last, fraction = steps[-1]
    return t_last + remaining / (mdot * fraction)


def _raw_stage(raw: dict | None, index: int) -> dict:
    if not raw:
        return {}
    stages = raw.get("stages")
    if isinstance(stages, list) and index < len(stages) and isinstance(stages[index], dict):
        return stages[index]
    return {}


def _number(value) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None


def audit_vehicle(vehicle: Vehicle, raw: dict | None = None) -> list[AuditFinding]:
    """Findings for one vehicle. ``raw`` is the parsed TOML table (``VehicleEntry.raw``); the
    gross-mass and lift-off-mass checks need it and are skipped without it."""
    findings: list[AuditFinding] = []

    def add(stage: str | None, check: str, message: str, severity: Severity) -> None:
        findings.append(AuditFinding(vehicle.id, stage, check, message, severity))

    g0 = STANDARD_GRAVITY_M_S2
    for index, stage in enumerate(vehicle.stages):
        label = f"stages[{index}] {stage.name}"
        stage_raw = _raw_stage(raw, index)

        gross = _number(stage_raw.get("gross_mass_kg"))
        if gross is not None:
            total = stage.dry_mass_kg + stage.propellant_mass_kg
            difference = total - gross
            if abs(difference) > GROSS_MASS_TOLERANCE * gross:
                add(label, "gross_mass",
                    f"published gross mass {gross:,.0f} kg but dry {stage.dry_mass_kg:,.0f} + propellant "
                    f"{stage.propellant_mass_kg:,.0f} = {total:,.0f} kg ({difference:+,.0f} kg, "
                    f"{difference / gross:+.1%})", "contradiction")
            elif abs(difference) >= 1.0:
                add(label, "gross_mass",
                    f"published gross mass {gross:,.0f} kg vs dry + propellant {total:,.0f} kg "
                    f"({difference:+,.0f} kg, within {GROSS_MASS_TOLERANCE:.0%})", "note")

        if stage.burn_time_s is not None:
            expected = _throttled_burn_time_s(stage)
            off = (stage.burn_time_s - expected) / expected
            if abs(off) > BURN_TIME_TOLERANCE:
                how = "following its throttle table" if stage.throttle_schedule else "at full thrust"
                add(label, "burn_time",
                    f"published burn time {stage.burn_time_s:.0f} s but propellant "
                    f"{stage.propellant_mass_kg:,.0f} kg / mass flow {stage.mass_flow_kg_s:,.1f} kg/s "
                    f"({stage.thrust_vac_n / 1e3:,.1f} kN at {stage.isp_vac_s:g} s) gives {expected:.0f} s "
                    f"{how} ({off:+.1%})", "contradiction")

        thrust_sl_kn = _number(stage_raw.get("thrust_sl_kN"))
        thrust_sl = thrust_sl_kn * 1e3 if thrust_sl_kn is not None else stage.thrust_sl_n
        if thrust_sl is not None and thrust_sl > stage.thrust_vac_n:
            add(label, "sea_level_vs_vacuum",
                f"sea-level thrust {thrust_sl / 1e3:,.1f} kN exceeds vacuum thrust "
                f"{stage.thrust_vac_n / 1e3:,.1f} kN", "contradiction")
        if stage.isp_sl_s is not None and stage.isp_sl_s > stage.isp_vac_s:
            add(label, "sea_level_vs_vacuum",
                f"sea-level Isp {stage.isp_sl_s:g} s exceeds vacuum Isp {stage.isp_vac_s:g} s",
                "contradiction")
        if thrust_sl is not None and stage.isp_sl_s is not None:
            thrust_ratio = thrust_sl / stage.thrust_vac_n
            isp_ratio = stage.isp_sl_s / stage.isp_vac_s
            if abs(thrust_ratio - isp_ratio) > SEA_LEVEL_RATIO_TOLERANCE * isp_ratio:
                add(label, "sea_level_vs_vacuum",
                    f"thrust_sl/thrust_vac = {thrust_sl / 1e3:,.1f}/{stage.thrust_vac_n / 1e3:,.1f} kN = "
                    f"{thrust_ratio:.4f} but isp_sl/isp_vac = {stage.isp_sl_s:g}/{stage.isp_vac_s:g} s = "
                    f"{isp_ratio:.4f} ({(thrust_ratio - isp_ratio) / isp_ratio:+.1%}); at one mass flow they "
                    f"must be equal, so the figures come from different engine versions or conditions",
                    "contradiction")

        dry_fraction = stage.dry_mass_kg / stage.gross_mass_kg
        low, high = DRY_FRACTION_RANGE
        if not low <= dry_fraction <= high:
            add(label, "dry_fraction",
                f"dry mass {stage.dry_mass_kg:,.0f} kg is {dry_fraction:.1%} of gross "
                f"{stage.gross_mass_kg:,.0f} kg, outside the plausible {low:.0%}-{high:.0%}",
                "contradiction")

    liftoff = vehicle.liftoff_stages
    weight_n = vehicle.gross_mass_kg * g0
    thrust_n = 0.0
    missing_sl = []
    for stage in liftoff:
        fraction = 1.0
        if stage.throttle_schedule and stage.throttle_schedule[0][0] <= 0.0:
            fraction = stage.throttle_schedule[0][1]
        sl = stage.effective_thrust_sl_n
        if sl is None:
            missing_sl.append(stage.name)
            sl = stage.thrust_vac_n
        thrust_n += stage.count * sl * fraction
    if missing_sl:
        add(None, "liftoff_thrust_to_weight",
            f"no sea-level thrust or Isp for {', '.join(missing_sl)}; lift-off thrust-to-weight uses "
            "vacuum thrust and is optimistic", "note")
    ratio = thrust_n / weight_n
    if ratio < 1.0:
        add(None, "liftoff_thrust_to_weight",
            f"lift-off thrust {thrust_n / 1e3:,.0f} kN against weight {weight_n / 1e3:,.0f} kN "
            f"({vehicle.gross_mass_kg:,.0f} kg, no payload): thrust-to-weight {ratio:.2f} < 1",
            "contradiction")

    liftoff_mass = _number(raw.get("liftoff_mass_kg")) if raw else None
    if liftoff_mass is not None:
        total = vehicle.gross_mass_kg
        difference = liftoff_mass - total
        if -difference > LIFTOFF_MASS_EXCESS_TOLERANCE * liftoff_mass:
            add(None, "liftoff_mass",
                f"published lift-off mass {liftoff_mass:,.0f} kg is less than stages + fairing "
                f"{total:,.0f} kg ({difference:+,.0f} kg, {difference / liftoff_mass:+.1%}) even before any "
                "payload (a published stage mass may be a loaded mass that partly burns before release)",
                "contradiction")
        elif abs(difference) > LIFTOFF_MASS_TOLERANCE * liftoff_mass:
            add(None, "liftoff_mass",
                f"published lift-off mass {liftoff_mass:,.0f} kg exceeds stages + fairing {total:,.0f} kg by "
                f"{difference:,.0f} kg ({difference / liftoff_mass:.1%}): payload, adapters, interstages or "
                "an escape tower not listed in the file", "note")

    above = 0.0
    for index in range(len(vehicle.stages) - 1, -1, -1):
        stage = vehicle.stages[index]
        mass = stage.count * stage.gross_mass_kg + above
        above = mass
        if stage.ignition != "sequential":
            continue
        twr = stage.count * stage.thrust_vac_n / (mass * g0)
        if twr < UPPER_STAGE_MIN_THRUST_TO_WEIGHT:
            add(f"stages[{index}] {stage.name}", "upper_stage_thrust_to_weight",
                f"vacuum thrust {stage.count * stage.thrust_vac_n / 1e3:,.1f} kN against {mass:,.0f} kg at "
                f"ignition (no payload, no fairing): thrust-to-weight {twr:.2f} < "
                f"{UPPER_STAGE_MIN_THRUST_TO_WEIGHT}; long burn, large gravity losses", "note")
    return findings


def audit_catalogue() -> list[AuditFinding]:
    """Findings for every bundled vehicle, in catalogue order."""
    from .catalogue import load_catalogue_entries  # local: catalogue is the io layer above us

    findings: list[AuditFinding] = []
    for entry in load_catalogue_entries():
        findings.extend(audit_vehicle(entry.vehicle, entry.raw))
    return findings
