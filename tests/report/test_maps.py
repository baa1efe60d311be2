"""World maps: bundled outlines, antimeridian splitting, ground tracks, sites and value maps."""

from __future__ import annotations

import io
import json
import socket
from pathlib import Path

import matplotlib.image
import numpy as np
import pytest
from matplotlib.collections import PathCollection, QuadMesh

from cosmodrome.errors import InvalidInputError
from cosmodrome.report import maps
from cosmodrome.report.plots import png_bytes

SHARED_GEOJSON = (Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "naturalearth"
                  / "countries_110m.geojson")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
EARTH_RATE_DEG_S = np.degrees(7.2921159e-5)


def _circular_track(inclination_deg: float, orbits: float, samples: int = 4000, period_s: float = 5560.0,
                    lon0_deg: float = 0.0):
    """Ground track of a circular orbit over a spherical rotating Earth: (lat_deg, unwrapped lon_deg)."""
    t = np.linspace(0.0, orbits * period_s, samples)
    u = 2.0 * np.pi * t / period_s
    i = np.radians(inclination_deg)
    lat = np.degrees(np.arcsin(np.sin(i) * np.sin(u)))
    lon = np.degrees(np.unwrap(np.arctan2(np.cos(i) * np.sin(u), np.cos(u)))) - EARTH_RATE_DEG_S * t + lon0_deg
    return lat, lon


def _max_step_deg(lon_deg: np.ndarray) -> float:
    """Largest longitude step between consecutive finite samples of one drawn line."""
    steps = np.abs(np.diff(lon_deg))
    return float(np.nanmax(steps)) if np.any(np.isfinite(steps)) else 0.0


# --- bundled outlines ---------------------------------------------------------------------------

def test_packaged_outlines_load():
    outlines = maps.country_outlines()
    # Natural Earth 1:110m Admin 0: 177 countries, 288 rings, 10,591 points (data/naturalearth.md).
    assert len(outlines) == 177
    rings = [ring for country in outlines for ring in country.rings_deg]
    assert len(rings) == 288
    assert sum(len(ring) for ring in rings) == 10591
    names = {country.name for country in outlines}
    assert {"France", "Brazil", "Antarctica", "Fiji", "Russia"} <= names
    for ring in rings:
        assert ring.shape[1] == 2 and len(ring) >= 4
        assert np.array_equal(ring[0], ring[-1])  # closed
        assert np.all(np.abs(ring[:, 0]) <= 180.0) and np.all(np.abs(ring[:, 1]) <= 90.0)
        assert not ring.flags.writeable


def test_packaged_outlines_equal_the_shared_geojson():
    if not SHARED_GEOJSON.exists():
        pytest.skip(f"shared Natural Earth file not present at {SHARED_GEOJSON}")
    features = json.loads(SHARED_GEOJSON.read_text(encoding="utf-8"))["features"]
    outlines = maps.country_outlines()
    assert [f["properties"]["name"] for f in features] == [c.name for c in outlines]
    for feature, country in zip(features, outlines):
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        source_rings = [np.array(ring) for polygon in polygons for ring in polygon]
        assert len(source_rings) == len(country.rings_deg)
        for source, packaged in zip(source_rings, country.rings_deg):
            # The source sits on a 0.001 deg grid and is stored in integer thousandths: exact.
            np.testing.assert_allclose(packaged, source, rtol=0.0, atol=1e-9)


def test_antimeridian_and_pole_cuts_are_not_drawn_as_coast():
    lon, lat = maps._coastline_xy()
    same_lon = (lon[:-1] == lon[1:]) & (np.abs(lon[:-1]) == 180.0)
    along_pole = (lat[:-1] == -90.0) & (lat[1:] == -90.0)
    assert not np.any(same_lon) and not np.any(along_pole)


# --- antimeridian split -------------------------------------------------------------------------

@pytest.mark.parametrize("inclination_deg", [51.6, 97.5, 28.5, 140.0])
def test_split_track_has_no_step_longer_than_180_deg(inclination_deg):
    lat, lon = _circular_track(inclination_deg, orbits=5.0, lon0_deg=170.0)
    pieces = maps.split_at_antimeridian(lat, lon)
    assert len(pieces) > 1
    for piece_lat, piece_lon in pieces:
        assert piece_lat.shape == piece_lon.shape and piece_lon.size >= 2
        assert np.all(piece_lon >= -180.0) and np.all(piece_lon <= 180.0)
        assert _max_step_deg(piece_lon) <= 180.0
        # Each map step is the true step: nothing is drawn the long way round.
        assert _max_step_deg(piece_lon) < 10.0


def test_split_ends_pieces_on_the_map_edges_at_the_interpolated_crossing():
    # A straight eastward line, latitude linear in longitude: the crossing latitude is exact.
    lon = np.linspace(100.0, 620.0, 261)  # crosses 180 and 540 (= 180 again)
    lat = (lon - 100.0) / 10.0
    pieces = maps.split_at_antimeridian(lat, lon)
    assert len(pieces) == 3
    (lat0, lon0), (lat1, lon1), (lat2, lon2) = pieces
    assert lon0[-1] == 180.0 and lon1[0] == -180.0 and lon1[-1] == 180.0 and lon2[0] == -180.0
    assert lat0[-1] == pytest.approx(8.0) and lat1[0] == pytest.approx(8.0)
    assert lat1[-1] == pytest.approx(44.0) and lat2[0] == pytest.approx(44.0)
    assert lon2[-1] == pytest.approx(620.0 - 720.0)


def test_split_westward_track_and_longitudes_in_0_to_360():
    lon = np.linspace(30.0, -600.0, 400) % 360.0  # westward over -180 and -540, given in [0, 360)
    lat = np.zeros_like(lon)
    pieces = maps.split_at_antimeridian(lat, lon)
    assert len(pieces) == 3
    assert pieces[0][1][-1] == -180.0 and pieces[1][1][0] == 180.0
    assert all(_max_step_deg(piece_lon) <= 180.0 for _, piece_lon in pieces)


def test_split_without_crossing_returns_the_track_and_nan_makes_gaps():
    lat = np.array([0.0, 1.0, np.nan, 3.0, 4.0])
    lon = np.array([10.0, 11.0, 12.0, 13.0, 14.0])
    pieces = maps.split_at_antimeridian(lat, lon)
    assert [p[1].tolist() for p in pieces] == [[10.0, 11.0], [13.0, 14.0]]
    single = maps.split_at_antimeridian(5.0, 190.0)
    assert len(single) == 1 and single[0][1].tolist() == [-170.0]


def test_split_rejects_bad_coordinates():
    with pytest.raises(InvalidInputError, match="same shape"):
        maps.split_at_antimeridian([0.0, 1.0], [0.0])
    with pytest.raises(InvalidInputError, match=r"latitudes in \[-90, 90\] deg, got 91.0"):
        maps.split_at_antimeridian([0.0, 91.0], [0.0, 1.0])


# --- drawing ------------------------------------------------------------------------------------

def test_ground_track_lines_never_cross_the_map():
    figure, ax = maps.world_axes()
    for inclination, lon0 in ((51.6, 170.0), (97.5, -20.0)):
        lat, lon = _circular_track(inclination, orbits=3.0, lon0_deg=lon0)
        maps.plot_ground_track(lat, lon, ax, label=f"{inclination} deg")
    tracks = [line for line in ax.lines if not line.get_label().startswith("_")]
    assert len(tracks) == 2
    for line in tracks:
        assert _max_step_deg(np.asarray(line.get_xdata(), dtype=float)) <= 180.0
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["51.6 deg", "97.5 deg"]


def test_world_map_png_is_drawn_offline(monkeypatch, tmp_path):
    def refuse(*args, **kwargs):
        raise AssertionError("maps must not touch the network")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    figure, ax = maps.world_axes(title="Ground track, 3 orbits at 51.6 deg")
    lat, lon = _circular_track(51.6, orbits=3.0)
    maps.plot_ground_track(lat, lon, ax, label="51.6 deg")
    maps.plot_points([45.965, 28.573, 5.236], [63.305, -80.649, -52.769], ax,
                     labels=["Baikonur", "Cape Canaveral", "Kourou"], label="launch sites")
    png = png_bytes(figure)
    assert png.startswith(PNG_SIGNATURE)
    (tmp_path / "map.png").write_bytes(png)
    image = matplotlib.image.imread(io.BytesIO(png), format="png")
    height, width = image.shape[:2]
    assert width >= 900 and height >= 450
    rgb = (image[..., :3] * 255).astype(np.uint8).reshape(-1, 3)
    assert len(np.unique(rgb, axis=0)) > 50  # land, sea, coast, track, text: not a blank canvas


def test_world_axes_spans_the_globe_with_a_labelled_graticule():
    _, ax = maps.world_axes(graticule_step_deg=30.0)
    assert ax.get_xlim() == (-180.0, 180.0) and ax.get_ylim() == (-90.0, 90.0)
    assert list(ax.get_xticks()) == list(np.arange(-180.0, 181.0, 30.0))
    labels = [ax.xaxis.get_major_formatter()(v, 0) for v in (-120.0, 0.0, 60.0, 180.0)]
    assert labels == ["120°W", "0°", "60°E", "180°"]
    assert ax.yaxis.get_major_formatter()(-30.0, 0) == "30°S"
    with pytest.raises(InvalidInputError, match="graticule step"):
        maps.world_axes(graticule_step_deg=0.0)


def test_points_with_labels_and_label_count_checked():
    _, ax = maps.plot_points([51.88, 45.97], [128.33, 63.31], labels=["Vostochny", "Baikonur"])
    assert sorted(t.get_text() for t in ax.texts) == ["Baikonur", "Vostochny"]
    with pytest.raises(InvalidInputError, match=r"one label per point \(2\), got 1"):
        maps.plot_points([51.88, 45.97], [128.33, 63.31], labels=["Vostochny"])


def test_grid_values_on_a_lat_lon_grid_make_a_mesh_with_a_unit_colour_bar():
    lat = np.arange(-87.5, 90.0, 5.0)
    lon = np.arange(0.0, 360.0, 5.0)  # 0-360 input, wrapped and closed at the antimeridian
    values = np.cos(np.radians(lat))[:, None] * np.ones(lon.size)
    figure, ax = maps.plot_grid_values(lat, lon, values, unit_label="revisits per day", title="Revisits")
    meshes = [c for c in ax.collections if isinstance(c, QuadMesh)]
    assert len(meshes) == 1
    assert meshes[0].get_array().size == lat.size * (lon.size + 1)
    colour_bars = [a for a in figure.axes if a is not ax]
    assert len(colour_bars) == 1 and colour_bars[0].get_ylabel() == "revisits per day"
    assert png_bytes(figure).startswith(PNG_SIGNATURE)


def test_grid_values_from_a_meshgrid_and_from_scattered_points():
    lat, lon = np.meshgrid(np.arange(-60.0, 61.0, 10.0), np.arange(-180.0, 180.0, 10.0), indexing="ij")
    _, ax = maps.plot_grid_values(lat, lon, lat * 0 + 1.0, unit_label="count")
    assert any(isinstance(c, QuadMesh) for c in ax.collections)
    _, ax = maps.plot_grid_values([10.0, 20.0, -5.0], [200.0, 10.0, -30.0], [1.0, np.nan, 3.0],
                                  unit_label="hours")
    dots = [c for c in ax.collections if isinstance(c, PathCollection)]
    assert len(dots) == 1 and dots[0].get_offsets()[0][0] == pytest.approx(-160.0)


def test_grid_values_need_matching_shapes_and_a_unit():
    with pytest.raises(InvalidInputError, match="unit label"):
        maps.plot_grid_values([0.0], [0.0], [1.0], unit_label=" ")
    with pytest.raises(InvalidInputError, match=r"got lat \(3,\), lon \(4,\), values \(4, 3\)"):
        maps.plot_grid_values(np.zeros(3), np.zeros(4), np.zeros((4, 3)), unit_label="deg")


def test_pyplot_state_is_untouched():
    import matplotlib.pyplot as plt

    before = plt.get_fignums()
    maps.plot_ground_track([0.0, 10.0], [170.0, 200.0])
    assert plt.get_fignums() == before
