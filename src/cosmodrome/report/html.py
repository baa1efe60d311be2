"""Self-contained HTML reports: headings, paragraphs, tables and PNG figures in one file.

The page needs nothing but itself: CSS is inline, images are base64 ``data:`` URIs, and there
are no scripts, web fonts or external links, so it opens offline and can be mailed as one file.
Every piece of text is escaped with ``html.escape``; callers pass plain text, never markup.
"""

from __future__ import annotations

import base64
import html
import os
import re
from dataclasses import dataclass
from pathlib import Path

from ..ascent.records import AscentResult
from ..earth.constants import STANDARD_GRAVITY_M_S2
from ..errors import InvalidInputError
from . import plots

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@dataclass(frozen=True)
class Table:
    """A table of text cells: a caption, column headings, and rows of the same width."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]

    def __post_init__(self) -> None:
        # Accept lists from callers, store tuples so the record stays immutable.
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
        object.__setattr__(self, "rows", tuple(tuple(str(cell) for cell in row) for row in self.rows))
        for number, row in enumerate(self.rows, start=1):
            if len(row) != len(self.columns):
                raise InvalidInputError(
                    f"row {number} has {len(row)} cells, expected {len(self.columns)} "
                    f"({', '.join(self.columns)})", source=f"table '{self.caption}'")


@dataclass(frozen=True)
class ReportSection:
    """One section of a report: a heading, then paragraphs, tables and figures in that order.

    ``figures`` holds (caption, PNG bytes) pairs. ``preformatted`` holds (caption, text) pairs
    shown in a fixed-width font with their line breaks kept (TLE lines, CCSDS messages), after the
    tables and before the figures.
    """

    heading: str
    paragraphs: tuple[str, ...] = ()
    tables: tuple[Table, ...] = ()
    figures: tuple[tuple[str, bytes], ...] = ()
    preformatted: tuple[tuple[str, str], ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.paragraphs, str):
            raise InvalidInputError("expected a sequence of paragraphs, got a single string",
                                    source=f"section '{self.heading}'", field="paragraphs")
        object.__setattr__(self, "paragraphs", tuple(self.paragraphs))
        object.__setattr__(self, "tables", tuple(self.tables))
        object.__setattr__(self, "figures", tuple((str(c), bytes(p)) for c, p in self.figures))
        object.__setattr__(self, "preformatted", tuple((str(c), str(t)) for c, t in self.preformatted))
        for caption, png in self.figures:
            if not png.startswith(_PNG_SIGNATURE):
                raise InvalidInputError(f"figure '{caption}': expected PNG bytes (starting with the "
                                        f"PNG signature), got {png[:8]!r}",
                                        source=f"section '{self.heading}'", field="figures")


_CSS = """
:root { color-scheme: light; }
body { margin: 0; background: #f4f5f7; color: #1d2330;
       font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; }
main { max-width: 960px; margin: 0 auto; padding: 24px 28px 48px; background: #ffffff;
       box-shadow: 0 0 0 1px #e3e6eb; min-height: 100vh; box-sizing: border-box; }
h1 { font-size: 26px; margin: 8px 0 4px; letter-spacing: -0.01em; }
h2 { font-size: 20px; margin: 36px 0 10px; padding-bottom: 4px; border-bottom: 2px solid #e3e6eb; }
p { margin: 8px 0; }
nav { margin: 12px 0 8px; font-size: 14px; }
nav ol { margin: 4px 0; padding-left: 22px; }
a { color: #1f5fa8; text-decoration: none; }
a:hover { text-decoration: underline; }
table { border-collapse: collapse; margin: 14px 0 20px; font-size: 14px; min-width: 50%; }
caption { caption-side: top; text-align: left; font-weight: 600; padding: 0 0 6px; color: #394150; }
th, td { padding: 5px 12px; border-bottom: 1px solid #e6e8ec; text-align: left; vertical-align: top; }
th { background: #f0f2f5; font-weight: 600; border-bottom: 1px solid #cfd4dc; }
td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
tbody tr:nth-child(even) td { background: #fafbfc; }
figure { margin: 18px 0 26px; }
figure img { display: block; max-width: 100%; height: auto; border: 1px solid #e6e8ec; }
figcaption { font-size: 13px; color: #4a5263; margin-top: 6px; }
footer { margin-top: 40px; font-size: 12px; color: #7a8191; }
pre { margin: 0; padding: 10px 12px; background: #f6f8fa; border: 1px solid #e6e8ec; overflow-x: auto;
      font: 13px/1.4 ui-monospace, "SFMono-Regular", Menlo, Consolas, "Liberation Mono", monospace; }
@media print { body { background: #ffffff; } main { box-shadow: none; } figure, table { break-inside: avoid; } }
"""

# A cell that is a number, possibly signed (ASCII or Unicode minus) and grouped with commas.
_NUMERIC = re.compile(r"^[+\-\u2212]?(\d[\d,]*)?(\.\d+)?([eE][+\-]?\d+)?$")


def _is_numeric(text: str) -> bool:
    stripped = text.strip()
    return bool(stripped) and any(ch.isdigit() for ch in stripped) and bool(_NUMERIC.match(stripped))


def _e(text: str) -> str:
    return html.escape(str(text), quote=True)


def _table_html(table: Table) -> str:
    lines = ["<table>"]
    if table.caption:
        lines.append(f"<caption>{_e(table.caption)}</caption>")
    lines.append("<thead><tr>" + "".join(f"<th scope=\"col\">{_e(c)}</th>" for c in table.columns)
                 + "</tr></thead>")
    lines.append("<tbody>")
    for row in table.rows:
        cells = "".join(f"<td class=\"num\">{_e(cell)}</td>" if _is_numeric(cell) else f"<td>{_e(cell)}</td>"
                        for cell in row)
        lines.append(f"<tr>{cells}</tr>")
    lines.append("</tbody></table>")
    return "\n".join(lines)


def _figure_html(caption: str, png: bytes) -> str:
    data = base64.b64encode(png).decode("ascii")
    return (f"<figure><img src=\"data:image/png;base64,{data}\" alt=\"{_e(caption)}\">"
            f"<figcaption>{_e(caption)}</figcaption></figure>")


def _preformatted_html(caption: str, text: str) -> str:
    return f"<figure><pre>{_e(text)}</pre><figcaption>{_e(caption)}</figcaption></figure>"


def render_report_html(title: str, sections: list[ReportSection]) -> str:
    """A complete, self-contained HTML5 document (str) with ``title`` and ``sections`` in order.

    All text is escaped; figures are embedded as base64 PNG data URIs; styling is inline CSS.
    A contents list links to the sections by in-page anchors when there is more than one.
    """
    parts = [
        "<!DOCTYPE html>",
        "<html lang=\"en\">",
        "<head>",
        "<meta charset=\"utf-8\">",
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">",
        f"<title>{_e(title)}</title>",
        f"<style>{_CSS}</style>",
        "</head>",
        "<body>",
        "<main>",
        f"<h1>{_e(title)}</h1>",
    ]
    if len(sections) > 1:
        items = "".join(f"<li><a href=\"#section-{n}\">{_e(s.heading)}</a></li>"
                        for n, s in enumerate(sections, start=1))
        parts.append(f"<nav aria-label=\"Contents\"><ol>{items}</ol></nav>")
    for number, section in enumerate(sections, start=1):
        parts.append(f"<section id=\"section-{number}\">")
        parts.append(f"<h2>{_e(section.heading)}</h2>")
        parts.extend(f"<p>{_e(paragraph)}</p>" for paragraph in section.paragraphs)
        parts.extend(_table_html(table) for table in section.tables)
        parts.extend(_preformatted_html(caption, text) for caption, text in section.preformatted)
        parts.extend(_figure_html(caption, png) for caption, png in section.figures)
        parts.append("</section>")
    parts += ["<footer>Generated by Cosmodrome.</footer>", "</main>", "</body>", "</html>", ""]
    return "\n".join(parts)


def write_report(path: str | os.PathLike[str], title: str, sections: list[ReportSection]) -> Path:
    """Write ``render_report_html(title, sections)`` to ``path`` as UTF-8; return the path."""
    path = Path(path)
    path.write_text(render_report_html(title, sections), encoding="utf-8")
    return path


# --- the standard ascent section -------------------------------------------------------------

_MINUS = "\u2212"


def _signed(value: float, decimals: int = 1) -> str:
    text = f"{value:+,.{decimals}f}"
    return text.replace("-", _MINUS)


def _number(value: float, decimals: int = 1) -> str:
    return f"{value:,.{decimals}f}".replace("-", _MINUS)


_FIGURE_CAPTIONS = {
    "altitude": "Altitude above the WGS-84 ellipsoid against time from lift-off; dotted lines mark events.",
    "speed": "Inertial speed and speed relative to the rotating Earth against time.",
    "dynamic_pressure": "Dynamic pressure against time, with maximum dynamic pressure (max-Q) marked.",
    "acceleration": "Sensed acceleration (thrust and aerodynamic force over mass) in g (9.80665 m/s\u00b2).",
    "pitch": "Pitch: thrust direction above the local horizontal (90 deg = vertical).",
    "profile": "Altitude against downrange distance; circles mark events.",
    "delta_v_budget": "Delta-v budget: Earth rotation and ideal delta-v, less each loss, against the final "
                      "inertial speed.",
}


def ascent_section(result: AscentResult,
                   estimate_rows: list[tuple[str, str]] | None = None) -> ReportSection:
    """The standard report section for one ascent: key figures, delta-v budget, events, propellant, plots.

    ``estimate_rows`` are extra (quantity, value) rows, already formatted by the caller (e.g. the
    payload search's margins), appended to the key-figures table. Values are shown in km, deg,
    kPa, g, m/s and kg; times are seconds from lift-off.
    """
    orbit = result.orbit
    budget = result.budget
    g0 = STANDARD_GRAVITY_M_S2
    q_max_kpa = result.max_dynamic_pressure_pa / 1e3

    summary = (f"{result.vehicle_name} from {result.site_id} with {result.payload_kg:,.0f} kg of payload, "
               f"launch azimuth {result.azimuth_deg:.2f} deg, {result.profile} profile: "
               f"orbit reached {orbit.perigee_altitude_m / 1e3:,.1f} x {orbit.apogee_altitude_m / 1e3:,.1f} km "
               f"at {orbit.inclination_deg:.2f} deg inclination, insertion at T+{result.insertion_time_s:,.1f} s.")
    paragraphs = [summary]
    if not result.reached_target:
        paragraphs.append("Warning: this ascent did not reach the target orbit; the figures below describe "
                          "the orbit actually reached at final cut-off.")

    key_rows = [
        ("vehicle", f"{result.vehicle_name} ({result.vehicle_id})"),
        ("launch site", result.site_id),
        ("payload (separated mass)", f"{result.payload_kg:,.0f} kg"),
        ("launch azimuth", f"{result.azimuth_deg:.2f} deg"),
        ("profile", result.profile),
        ("target reached", "yes" if result.reached_target else "no"),
        ("perigee altitude", f"{orbit.perigee_altitude_m / 1e3:,.1f} km"),
        ("apogee altitude", f"{orbit.apogee_altitude_m / 1e3:,.1f} km"),
        ("inclination", f"{orbit.inclination_deg:.2f} deg"),
        ("insertion time", f"T+{result.insertion_time_s:,.1f} s"),
        ("max-Q", f"{q_max_kpa:.1f} kPa at T+{result.max_dynamic_pressure_time_s:.1f} s"),
        ("max acceleration", f"{result.max_acceleration_m_s2 / g0:.2f} g"),
        ("pitch kick", f"{result.pitch_kick_deg:.2f} deg"),
    ]
    key_rows.extend((str(label), str(value)) for label, value in (estimate_rows or ()))
    key_table = Table("Key figures", ("quantity", "value"), tuple(key_rows))

    ideal = budget.ideal_m_s

    def share(value: float, signed: bool = True) -> str:
        if not ideal:
            return "-"
        return (_signed if signed else _number)(100.0 * value / ideal, 2)

    budget_table = Table(
        "Delta-v budget (final = Earth rotation + ideal - losses, up to the closure error)",
        ("term", "delta-v (m/s)", "% of ideal"),
        (
            ("ideal (rocket equation)", _signed(ideal), share(ideal, signed=False)),
            ("gravity loss", _signed(-budget.gravity_loss_m_s), share(-budget.gravity_loss_m_s)),
            ("drag loss", _signed(-budget.drag_loss_m_s), share(-budget.drag_loss_m_s)),
            ("steering loss", _signed(-budget.steering_loss_m_s), share(-budget.steering_loss_m_s)),
            ("back-pressure loss", _signed(-budget.back_pressure_loss_m_s),
             share(-budget.back_pressure_loss_m_s)),
            ("Earth rotation gain", _signed(budget.earth_rotation_gain_m_s),
             share(budget.earth_rotation_gain_m_s)),
            ("final inertial speed", _number(budget.final_inertial_speed_m_s),
             share(budget.final_inertial_speed_m_s, signed=False)),
            ("closure error", _signed(budget.closure_error_m_s, 2), share(budget.closure_error_m_s)),
        ),
    )

    events_table = Table(
        "Events",
        ("time (s)", "event", "altitude (km)", "inertial speed (m/s)", "detail"),
        tuple((_number(e.time_s, 1), e.name, _number(e.altitude_m / 1e3, 1),
               _number(e.inertial_speed_m_s, 0), e.detail)
              for e in sorted(result.events, key=lambda e: e.time_s)),
    )

    propellant_table = Table(
        "Propellant left at insertion",
        ("stage", "propellant left (kg)"),
        tuple((name, _number(kg, 0)) for name, kg in result.propellant_left_kg),
    )

    figures = plots.ascent_figures(result)
    figure_pairs = tuple((_FIGURE_CAPTIONS.get(name, name), png) for name, png in figures.items())

    return ReportSection(
        heading=f"Ascent: {result.vehicle_name}",
        paragraphs=tuple(paragraphs),
        tables=(key_table, budget_table, events_table, propellant_table),
        figures=figure_pairs,
    )
