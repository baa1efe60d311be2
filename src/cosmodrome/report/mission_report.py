"""The outputs of `cosmodrome run`: summary.json and a self-contained report.html."""

from __future__ import annotations

import json
from pathlib import Path

from ..mission import ORBIT_STEP_S
from .coverage_section import coverage_section
from .html import ReportSection, Table, ascent_section, write_report
from .orbit_section import orbit_sections, orbit_texts
from .passes_section import passes_section
from .summary import (ascent_dict, coverage_dict, eclipses_dict, estimate_dict, opportunities_dict,
                      orbit_analysis_dict, passes_dict)


def mission_summary(result, texts: tuple | None = None) -> dict:
    """The contents of summary.json. ``texts``: (TLE lines, OMM KVN) from ``orbit_texts`` when the
    caller prints them too; formatted here otherwise. The ``orbit`` key is present when the run
    analysed the orbit (``result.orbit`` is not None); ``passes``, ``opportunities`` and ``eclipses``
    when it followed the satellite over the mission's places (``result.observation``); ``coverage``
    then too ({"requested": false} without a [coverage] table)."""
    m = result.mission
    ins = result.insertion
    summary = {
        "mission": m.name, "site": result.site.id, "vehicle": result.vehicle.id,
        "launch_utc": m.launch_utc.isoformat().replace("+00:00", "Z"),
        "target": {"perigee_km": m.target.perigee_altitude_m / 1e3, "apogee_km": m.target.apogee_altitude_m / 1e3,
                   "inclination_deg": round(m.target.inclination_deg, 4),
                   "sun_synchronous": m.target.is_sun_synchronous},
        "payload_estimate": estimate_dict(result.estimate),
        "ascent": ascent_dict(result.ascent),
        "insertion": {"epoch_utc": ins.epoch_utc.isoformat().replace("+00:00", "Z"), "frame": "GCRS",
                      "position_km": [round(float(x) / 1e3, 6) for x in ins.position_gcrs_m],
                      "velocity_km_s": [round(float(x) / 1e3, 9) for x in ins.velocity_gcrs_m_s],
                      "note": "ITRS to GCRS (IAU 2006/2000A) with UT1-UTC, polar motion and celestial pole "
                              "offsets from the shipped IERS Earth-orientation table"},
    }
    if result.orbit is not None:
        tle_lines, omm_kvn = texts if texts is not None else orbit_texts(result.orbit)
        summary["orbit"] = orbit_analysis_dict(result.orbit, tle_lines=tle_lines, omm_kvn=omm_kvn,
                                               track_step_s=ORBIT_STEP_S)
    observation = getattr(result, "observation", None)
    if observation is not None:
        summary["passes"] = passes_dict(observation)
        summary["opportunities"] = opportunities_dict(observation)
        summary["eclipses"] = eclipses_dict(observation)
        summary["coverage"] = coverage_dict(getattr(result, "coverage", None))
    return summary


def write_mission_outputs(result, out_dir) -> list[Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    texts = orbit_texts(result.orbit) if result.orbit is not None else None
    summary = mission_summary(result, texts)
    summary_path = out / "summary.json"
    summary_path.write_text(json.dumps(summary, indent=1))
    e = result.estimate
    m = result.mission
    overview = ReportSection(
        heading="Mission",
        paragraphs=(f"{result.vehicle.name} from {result.site.name} to "
                    f"{m.target.perigee_altitude_m / 1e3:.0f} x {m.target.apogee_altitude_m / 1e3:.0f} km at "
                    f"{m.target.inclination_deg:.2f} deg{' (sun-synchronous)' if m.target.is_sun_synchronous else ''}, "
                    f"launch {summary['launch_utc']}.",),
        tables=(Table("Payload capability", ("quantity", "value"), (
            ("quoted payload (after residuals, reserve and adapter)", f"{e.payload_kg:,.0f} kg"),
            ("physical maximum (all propellant burnt)", f"{e.payload_max_kg:,.0f} kg"),
            ("separated mass, quoted configuration", f"{e.separated_mass_kg:,.0f} kg"),
            ("profile", e.profile),
            ("profiles tried (physical maximum)", ", ".join(f"{p}: {v:,.0f} kg" for p, v in e.profile_payloads_kg)),
            ("launch azimuth", f"{e.launch_plane.azimuth_deg:.2f} deg"),
            ("allowances", f"residuals {e.allowances.residual_fraction:.1%} per stage, reserve "
                           f"{e.allowances.reserve_fraction:.1%} of last stage, adapter {e.allowances.adapter_fraction:.1%}"),
        )), Table("Insertion state (GCRS)", ("quantity", "value"), (
            ("epoch (UTC)", summary["insertion"]["epoch_utc"]),
            ("position (km)", ", ".join(f"{x:.3f}" for x in summary["insertion"]["position_km"])),
            ("velocity (km/s)", ", ".join(f"{x:.6f}" for x in summary["insertion"]["velocity_km_s"])),
        ))),
    )
    sections = [overview, ascent_section(result.ascent)]
    if result.orbit is not None:
        sections += orbit_sections(result, summary["orbit"])
    if "passes" in summary:
        sections.append(passes_section(result.observation, summary["passes"], summary["opportunities"],
                                       summary["eclipses"], tle=summary.get("orbit", {}).get("tle")))
        sections.append(coverage_section(getattr(result, "coverage", None), summary["coverage"]))
    report_path = write_report(out / "report.html", m.name, sections)
    return [summary_path, Path(report_path)]
