"""Ascent figures: every figure is a PNG that decodes to a real image, and files are written."""

from __future__ import annotations

import io

import matplotlib.image
import numpy as np
import pytest

from cosmodrome.report.plots import FIGURE_NAMES, ascent_figures, write_ascent_plots

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def figures(ascent_result):
    return ascent_figures(ascent_result)


def test_all_figures_are_present(figures):
    assert tuple(figures) == FIGURE_NAMES
    assert set(FIGURE_NAMES) == {"altitude", "speed", "dynamic_pressure", "acceleration", "pitch",
                                 "profile", "delta_v_budget"}


@pytest.mark.parametrize("name", FIGURE_NAMES)
def test_figure_is_a_nontrivial_png(figures, name):
    png = figures[name]
    assert png.startswith(PNG_SIGNATURE)
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = image.shape[:2]
    assert width >= 400 and height >= 250
    # A drawn plot has many distinct colours (curves, text, anti-aliasing), not one flat fill.
    rgb = (image[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(rgb, axis=0)) > 20
    assert rgb.std() > 5


def test_pyplot_state_is_untouched(ascent_result):
    # Drawing must not open pyplot figures (the module works on Figure + FigureCanvasAgg only).
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    ascent_figures(ascent_result)
    assert plt.get_fignums() == before


def test_write_ascent_plots_writes_one_png_per_figure(tmp_path, ascent_result):
    paths = write_ascent_plots(ascent_result, tmp_path / "plots")
    assert [p.name for p in paths] == [f"{name}.png" for name in FIGURE_NAMES]
    for path in paths:
        assert path.read_bytes().startswith(PNG_SIGNATURE)


def test_figures_without_events_or_coast(ascent_result):
    import dataclasses

    trajectory = dataclasses.replace(ascent_result.trajectory,
                                     stage_index=np.zeros(len(ascent_result.trajectory), dtype=int))
    plain = dataclasses.replace(ascent_result, trajectory=trajectory, events=())
    for png in ascent_figures(plain).values():
        assert png.startswith(PNG_SIGNATURE)
