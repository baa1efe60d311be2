"""PNG figures of one ascent: altitude, speed, dynamic pressure, acceleration, pitch, profile, budget.

Figures are drawn on ``matplotlib.figure.Figure`` with an explicit Agg canvas, never through
pyplot: nothing here selects a backend or touches pyplot's global figure registry, so importing
this module changes nothing for a caller who uses pyplot interactively.

Plots show human units (km, kPa, g, deg); the result record is SI and converted here. Curves are
coloured by the burning stage (``Trajectory.stage_index``; grey while coasting) and the events of
the flight are drawn as labelled dotted vertical lines on every plot against time.
"""

from __future__ import annotations

import os
import warnings
from io import BytesIO
from pathlib import Path

import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from ..ascent.records import AscentResult, Event
from ..earth.constants import STANDARD_GRAVITY_M_S2

FIGURE_NAMES: tuple[str, ...] = (
    "altitude", "speed", "dynamic_pressure", "acceleration", "pitch", "profile", "delta_v_budget",
)
"""Keys of ``ascent_figures`` and file stems of ``write_ascent_plots``, in order."""

_FIGSIZE_IN = (8.0, 4.5)
_DPI = 110
_COAST_COLOUR = "#8c8c8c"
_STAGE_COLOURS = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b")
_EVENT_COLOUR = "#555555"
# Events closer than this fraction of the plotted time span share one label (e.g. cut-off and
# separation two seconds apart), so their texts do not print over each other.
_EVENT_MERGE_FRACTION = 0.02


def _new_figure() -> Figure:
    figure = Figure(figsize=_FIGSIZE_IN, dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    return figure


def png_bytes(figure: Figure) -> bytes:
    """The figure as PNG bytes.

    Constrained layout gives up when long labels (crowded event names on a two-burn flight with a
    long coast) leave the axes no room; the figure is then drawn again with a tight bounding box
    instead of printing matplotlib's warning at the user.
    """
    buffer = BytesIO()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        figure.savefig(buffer, format="png", dpi=_DPI)
    if any("constrained_layout not applied" in str(w.message) for w in caught):
        figure.set_layout_engine(None)
        buffer = BytesIO()
        figure.savefig(buffer, format="png", dpi=_DPI, bbox_inches="tight")
    else:
        for w in caught:  # anything else is passed on unchanged
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    return buffer.getvalue()


def _stage_colour(stage_index: int) -> str:
    if stage_index < 0:
        return _COAST_COLOUR
    return _STAGE_COLOURS[stage_index % len(_STAGE_COLOURS)]


def _stage_label(stage_index: int, names: tuple[str, ...]) -> str:
    if stage_index < 0:
        return "coast"
    if stage_index < len(names):
        return names[stage_index]
    return f"stage {stage_index + 1}"


def _stage_names(result: AscentResult) -> tuple[str, ...]:
    # propellant_left_kg lists the stages by name; it is used for labels only when it covers every
    # stage index that appears, otherwise labels fall back to "stage N" (N = index + 1).
    names = tuple(name for name, _ in result.propellant_left_kg)
    stage_index = np.asarray(result.trajectory.stage_index)
    if stage_index.size and int(stage_index.max()) >= len(names):
        return ()
    return names


def _runs(stage_index: np.ndarray) -> list[tuple[int, int, int]]:
    """Runs of equal stage index as (stage, first row, last row inclusive)."""
    if stage_index.size == 0:
        return []
    breaks = np.flatnonzero(np.diff(stage_index) != 0) + 1
    starts = np.concatenate(([0], breaks))
    ends = np.concatenate((breaks - 1, [stage_index.size - 1]))
    return [(int(stage_index[s]), int(s), int(e)) for s, e in zip(starts, ends)]


def _plot_by_stage(axes, x: np.ndarray, y: np.ndarray, stage_index: np.ndarray,
                   names: tuple[str, ...], linewidth: float = 1.8) -> list[Line2D]:
    """Draw y(x) in one colour per stage run; return one legend handle per stage seen."""
    handles: dict[int, Line2D] = {}
    for stage, first, last in _runs(stage_index):
        # Extend each run by one sample so consecutive runs join without a gap.
        stop = min(last + 2, x.size)
        (line,) = axes.plot(x[first:stop], y[first:stop], color=_stage_colour(stage), linewidth=linewidth)
        handles.setdefault(stage, line)
    ordered = sorted(handles, key=lambda s: (s < 0, s))
    legend = []
    for stage in ordered:
        handle = Line2D([], [], color=_stage_colour(stage), linewidth=linewidth,
                        label=_stage_label(stage, names))
        legend.append(handle)
    return legend


def _event_groups(events: tuple[Event, ...], span_s: float) -> list[tuple[float, str]]:
    """(label time, joined names) for events, merging those closer than a fraction of the span."""
    groups: list[tuple[float, list[str]]] = []
    for event in sorted(events, key=lambda e: e.time_s):
        if groups and event.time_s - groups[-1][0] < _EVENT_MERGE_FRACTION * span_s:
            groups[-1][1].append(event.name)
        else:
            groups.append((event.time_s, [event.name]))
    return [(time_s, " / ".join(names)) for time_s, names in groups]


def _mark_events(axes, events: tuple[Event, ...], time_s: np.ndarray) -> None:
    if not events or time_s.size == 0:
        return
    t0, t1 = float(np.nanmin(time_s)), float(np.nanmax(time_s))
    span = max(t1 - t0, 1e-9)
    for event in events:
        axes.axvline(event.time_s, color=_EVENT_COLOUR, linestyle=":", linewidth=0.9, zorder=1)
    transform = axes.get_xaxis_transform()  # x in data, y in axes fraction
    for time_value, label in _event_groups(events, span):
        axes.annotate(label, xy=(time_value, 0.98), xycoords=transform, xytext=(3, 0),
                      textcoords="offset points", rotation=90, ha="left", va="top", fontsize=7,
                      color="#333333", zorder=1.5,  # under the curves, which stay readable
                      bbox={"boxstyle": "round,pad=0.15", "facecolor": "white", "edgecolor": "none",
                            "alpha": 0.75})


def _style(axes, title: str, xlabel: str, ylabel: str) -> None:
    axes.set_title(title, fontsize=11, loc="left")
    axes.set_xlabel(xlabel)
    axes.set_ylabel(ylabel)
    axes.grid(True, color="#e0e0e0", linewidth=0.6)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)


def _legend(axes, handles: list[Line2D], loc: str = "lower right") -> None:
    if len(handles) > 1:
        axes.legend(handles=handles, loc=loc, fontsize=8, framealpha=0.85)


def _time_figure(result: AscentResult, values: np.ndarray, title: str,
                 ylabel: str) -> tuple[Figure, object, list[Line2D]]:
    """A plot of ``values`` against time, coloured by stage, events marked; legend left to the caller."""
    trajectory = result.trajectory
    time_s = np.asarray(trajectory.time_s, dtype=float)
    stage_index = np.asarray(trajectory.stage_index, dtype=int)
    figure = _new_figure()
    axes = figure.add_subplot()
    handles = _plot_by_stage(axes, time_s, np.asarray(values, dtype=float), stage_index, _stage_names(result))
    _mark_events(axes, result.events, time_s)
    _style(axes, title, "time from lift-off (s)", ylabel)
    if time_s.size:
        axes.set_xlim(float(time_s[0]), float(time_s[-1]))
    return figure, axes, handles


def _altitude(result: AscentResult) -> bytes:
    figure, axes, handles = _time_figure(result, result.trajectory.altitude_m / 1e3, "Altitude",
                                         "altitude (km)")
    _legend(axes, handles, "lower right")
    axes.set_ylim(bottom=0.0)
    return png_bytes(figure)


def _speed(result: AscentResult) -> bytes:
    trajectory = result.trajectory
    figure, axes, handles = _time_figure(result, trajectory.inertial_speed_m_s,
                                         "Speed: inertial (solid) and relative to Earth (dashed)",
                                         "speed (m/s)")
    axes.plot(trajectory.time_s, trajectory.relative_speed_m_s, color="#222222", linestyle="--",
              linewidth=1.1, zorder=3)
    handles.append(Line2D([], [], color="#222222", linestyle="--", linewidth=1.1, label="relative to Earth"))
    # Below the event labels, which hang from the top of the axes.
    axes.legend(handles=handles, loc="center left", fontsize=8, framealpha=0.85)
    axes.set_ylim(bottom=0.0)
    return png_bytes(figure)


def _dynamic_pressure(result: AscentResult) -> bytes:
    q_kpa = np.asarray(result.trajectory.dynamic_pressure_pa, dtype=float) / 1e3
    figure, axes, handles = _time_figure(result, q_kpa, "Dynamic pressure", "dynamic pressure (kPa)")
    _legend(axes, handles, "center right")
    q_max_kpa = result.max_dynamic_pressure_pa / 1e3
    t_max_s = result.max_dynamic_pressure_time_s
    axes.plot([t_max_s], [q_max_kpa], marker="o", markersize=6, color="black", zorder=6)
    axes.annotate(f"max-Q {q_max_kpa:.1f} kPa\nat T+{t_max_s:.1f} s", xy=(t_max_s, q_max_kpa),
                  xytext=(12, -4), textcoords="offset points", fontsize=8, va="top", zorder=6)
    axes.set_ylim(bottom=0.0, top=max(q_max_kpa, float(np.nanmax(q_kpa, initial=0.0))) * 1.12 or 1.0)
    return png_bytes(figure)


def _acceleration(result: AscentResult) -> bytes:
    accel_g = np.asarray(result.trajectory.acceleration_m_s2, dtype=float) / STANDARD_GRAVITY_M_S2
    figure, axes, handles = _time_figure(result, accel_g, "Sensed acceleration", "acceleration (g)")
    _legend(axes, handles, "lower right")
    axes.set_ylim(bottom=0.0)
    return png_bytes(figure)


def _pitch(result: AscentResult) -> bytes:
    figure, axes, handles = _time_figure(result, result.trajectory.pitch_deg,
                                         "Pitch (thrust above local horizontal)", "pitch (deg)")
    _legend(axes, handles, "lower left")
    axes.set_ylim(min(-5.0, float(np.nanmin(result.trajectory.pitch_deg, initial=0.0)) - 5.0), 95.0)
    return png_bytes(figure)


def _profile(result: AscentResult) -> bytes:
    trajectory = result.trajectory
    downrange_km = np.asarray(trajectory.downrange_m, dtype=float) / 1e3
    altitude_km = np.asarray(trajectory.altitude_m, dtype=float) / 1e3
    figure = _new_figure()
    axes = figure.add_subplot()
    handles = _plot_by_stage(axes, downrange_km, altitude_km, np.asarray(trajectory.stage_index, dtype=int),
                             _stage_names(result))
    time_s = np.asarray(trajectory.time_s, dtype=float)
    if result.events and time_s.size > 1:
        # Place each event on the curve by interpolating in time.
        event_times = np.array([e.time_s for e in result.events])
        x = np.interp(event_times, time_s, downrange_km)
        y = np.array([e.altitude_m for e in result.events]) / 1e3
        axes.plot(x, y, linestyle="none", marker="o", markersize=4, markerfacecolor="white",
                  markeredgecolor="black", zorder=6, clip_on=False)
        for (tx, ty, label) in _profile_labels(result.events, x, y, time_s):
            axes.annotate(label, xy=(tx, ty), xytext=(4, -8), textcoords="offset points",
                          fontsize=7, color="#333333", zorder=6)
    _style(axes, "Ascent profile", "downrange (km)", "altitude (km)")
    axes.set_xlim(left=0.0)
    axes.set_ylim(bottom=0.0)
    _legend(axes, handles, "lower right")
    return png_bytes(figure)


def _profile_labels(events: tuple[Event, ...], x: np.ndarray, y: np.ndarray,
                    time_s: np.ndarray) -> list[tuple[float, float, str]]:
    span = max(float(time_s[-1] - time_s[0]), 1e-9)
    order = np.argsort([e.time_s for e in events], kind="stable")
    labels: list[tuple[float, float, str]] = []
    for time_value, label in _event_groups(events, span):
        first = next(i for i in order if events[i].time_s >= time_value)
        labels.append((float(x[first]), float(y[first]), label))
    return labels


def _delta_v_budget(result: AscentResult) -> bytes:
    budget = result.budget
    # Waterfall: start from the pad's own speed, add the ideal delta-v, step down by each loss,
    # and compare the resulting bar with the final inertial speed the integration produced.
    steps = (
        ("Earth\nrotation", budget.earth_rotation_gain_m_s, "#2ca02c"),
        ("ideal\n(rocket eq.)", budget.ideal_m_s, "#1f77b4"),
        ("gravity\nloss", -budget.gravity_loss_m_s, "#d62728"),
        ("drag\nloss", -budget.drag_loss_m_s, "#d62728"),
        ("steering\nloss", -budget.steering_loss_m_s, "#d62728"),
        ("back-pressure\nloss", -budget.back_pressure_loss_m_s, "#d62728"),
    )
    figure = _new_figure()
    axes = figure.add_subplot()
    level = 0.0
    labels = []
    for position, (label, change, colour) in enumerate(steps):
        bottom = level if change >= 0 else level + change
        axes.bar(position, abs(change), bottom=bottom, color=colour, width=0.62, edgecolor="white")
        text = f"{change:+,.0f}"
        axes.annotate(text, xy=(position, max(level, level + change)), xytext=(0, 3),
                      textcoords="offset points", ha="center", va="bottom", fontsize=8)
        if position < len(steps) - 1:
            axes.plot([position + 0.31, position + 0.69], [level + change] * 2, color="#777777",
                      linewidth=0.8)
        level += change
        labels.append(label)
    final_position = len(steps)
    axes.plot([final_position - 1 + 0.31, final_position - 0.31], [level] * 2, color="#777777", linewidth=0.8)
    final = budget.final_inertial_speed_m_s
    axes.bar(final_position, final, color="#222222", width=0.62)
    axes.annotate(f"{final:,.0f}\n(closure {budget.closure_error_m_s:+.1f})", xy=(final_position, final),
                  xytext=(0, 3), textcoords="offset points", ha="center", va="bottom", fontsize=8)
    labels.append("final\ninertial speed")
    axes.set_xticks(range(len(labels)), labels, fontsize=8)
    top = max(budget.earth_rotation_gain_m_s + budget.ideal_m_s, final, 1.0)
    axes.set_ylim(0.0, top * 1.15)
    _style(axes, "Delta-v budget", "", "delta-v (m/s)")
    axes.grid(False, axis="x")
    return png_bytes(figure)


_BUILDERS = {
    "altitude": _altitude,
    "speed": _speed,
    "dynamic_pressure": _dynamic_pressure,
    "acceleration": _acceleration,
    "pitch": _pitch,
    "profile": _profile,
    "delta_v_budget": _delta_v_budget,
}


def ascent_figures(result: AscentResult) -> dict[str, bytes]:
    """PNG images (bytes) of one ascent, keyed by ``FIGURE_NAMES``, in that order.

    altitude (km) vs time; speed (m/s, inertial and relative to Earth) vs time; dynamic pressure
    (kPa) vs time with max-Q marked; sensed acceleration (g, 9.80665 m/s^2) vs time; pitch (deg)
    vs time; altitude (km) vs downrange (km); and the delta-v budget as a waterfall of bars.
    Time is seconds from lift-off; events from ``result.events`` are marked on the time plots.
    """
    return {name: _BUILDERS[name](result) for name in FIGURE_NAMES}


def write_ascent_plots(result: AscentResult, out_dir: str | os.PathLike[str]) -> list[Path]:
    """Write ``ascent_figures(result)`` as ``<name>.png`` in ``out_dir`` (created if missing).

    Returns the paths written, in ``FIGURE_NAMES`` order. Existing files of those names are replaced.
    """
    directory = Path(out_dir)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for name, png in ascent_figures(result).items():
        path = directory / f"{name}.png"
        path.write_bytes(png)
        paths.append(path)
    return paths
