"""WGS-84 geodetic <-> Earth-fixed conversions (earth.geodesy)."""

from __future__ import annotations

import numpy as np
import pytest

from cosmodrome.earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_POLAR_RADIUS_M
from cosmodrome.earth.geodesy import ecef_to_geodetic, ecef_to_geodetic_height, enu_basis, geodetic_to_ecef


def test_round_trip_within_1_mm_from_minus_5_km_to_40000_km_at_all_latitudes():
    # Closed form (Vermeille 2011) both ways: 1 mm is far below anything the ascent resolves and
    # well above double-precision noise at 46,000 km from the centre (~1e-8 m relative).
    lat = np.radians(np.linspace(-90.0, 90.0, 181))
    lon = np.radians(np.linspace(-180.0, 179.0, 181))
    height = np.geomspace(1.0, 40_000e3, 40) - 5_001.0
    lat_g, lon_g, h_g = (a.ravel() for a in np.meshgrid(lat, lon, height, indexing="ij"))
    position = geodetic_to_ecef(lat_g, lon_g, h_g)
    lat2, lon2, h2 = ecef_to_geodetic(position)
    back = geodetic_to_ecef(lat2, lon2, h2)
    assert np.max(np.linalg.norm(back - position, axis=-1)) < 1e-3
    assert np.max(np.abs(h2 - h_g)) < 1e-3
    # Latitude error as a distance along the meridian at that height.
    assert np.max(np.abs(lat2 - lat_g) * (WGS84_EQUATORIAL_RADIUS_M + np.abs(h_g))) < 1e-3


def test_vallado_example_3_3():
    # Vallado, Fundamentals of Astrodynamics and Applications, 4th ed., Example 3-3:
    # r_ECEF = (6524.834, 6862.875, 6448.296) km -> geodetic latitude 34.352496 deg,
    # longitude 46.4464 deg, height 5085.22 km. Vallado's iteration stops at 1e-8 rad-level and
    # prints 6 decimals; we agree to 1e-6 deg (11 cm at that radius) and to 0.01 km in height.
    lat, lon, h = ecef_to_geodetic(np.array([6524.834, 6862.875, 6448.296]) * 1e3)
    assert np.degrees(lat) == pytest.approx(34.352496, abs=1.5e-6)
    assert np.degrees(lon) == pytest.approx(46.4464, abs=5e-5)
    assert h / 1e3 == pytest.approx(5085.22, abs=5e-3)


def test_defining_points():
    # Equator and pole on the ellipsoid: radii a and b of WGS-84 (TR8350.2 table 3.1).
    assert geodetic_to_ecef(0.0, 0.0, 0.0) == pytest.approx([WGS84_EQUATORIAL_RADIUS_M, 0.0, 0.0])
    assert geodetic_to_ecef(np.pi / 2, 0.0, 0.0) == pytest.approx([0.0, 0.0, WGS84_POLAR_RADIUS_M],
                                                                   abs=1e-6)
    lat, _, h = ecef_to_geodetic(np.array([0.0, 0.0, WGS84_POLAR_RADIUS_M + 100.0]))
    assert np.degrees(lat) == pytest.approx(90.0) and h == pytest.approx(100.0, abs=1e-6)


def test_scalar_and_array_paths_agree():
    one = geodetic_to_ecef(0.5, 1.0, 1000.0)
    many = geodetic_to_ecef(np.array([0.5, -0.2]), np.array([1.0, 3.0]), np.array([1000.0, 5.0]))
    assert one.shape == (3,) and many.shape == (2, 3)
    assert many[0] == pytest.approx(one, abs=0.0)
    lat, lon, h = ecef_to_geodetic(one)
    assert np.ndim(lat) == 0 and (float(lat), float(lon), float(h)) == pytest.approx((0.5, 1.0, 1000.0))


def test_enu_basis_is_orthonormal_and_up_is_the_ellipsoid_normal():
    lat, lon = np.radians([10.0, -45.0, 89.0]), np.radians([0.0, 120.0, -170.0])
    basis = enu_basis(lat, lon)
    assert np.einsum("...ij,...kj->...ik", basis, basis) == pytest.approx(np.broadcast_to(np.eye(3), (3, 3, 3)))
    # Up is the direction in which the geodetic height grows at fixed latitude and longitude.
    step = geodetic_to_ecef(lat, lon, 1.0) - geodetic_to_ecef(lat, lon, 0.0)
    assert step == pytest.approx(basis[:, 2, :], abs=1e-9)


def test_height_only_routine_agrees_with_ecef_to_geodetic_within_1_mm():
    # ecef_to_geodetic_height (one Bowring step) serves the equations of motion; 1 mm is the
    # round-trip bound of ecef_to_geodetic itself. It actually agrees to ~1e-8 m over -10 km to
    # 10,000 km (beyond any ascent), poles and equator included.
    lat = np.radians(np.linspace(-90.0, 90.0, 361))
    lon = np.radians(np.linspace(-180.0, 170.0, 15))
    height = np.concatenate([np.geomspace(1.0, 10_010e3, 80) - 10_001.0, [0.0]])
    lat_g, lon_g, h_g = (a.ravel() for a in np.meshgrid(lat, lon, height, indexing="ij"))
    position = geodetic_to_ecef(lat_g, lon_g, h_g)
    h_full = ecef_to_geodetic(position)[2]
    h_only = ecef_to_geodetic_height(position)
    assert np.max(np.abs(h_only - h_full)) < 1e-3
    assert np.max(np.abs(h_only - h_g)) < 1e-3


def test_height_only_routine_scalar_path_and_defining_points():
    # On the WGS-84 ellipsoid at the equator and the poles (TR8350.2 table 3.1 radii).
    assert float(ecef_to_geodetic_height(np.array([WGS84_EQUATORIAL_RADIUS_M, 0.0, 0.0]))) == pytest.approx(0.0, abs=1e-6)
    assert float(ecef_to_geodetic_height([0.0, 0.0, -WGS84_POLAR_RADIUS_M - 250.0])) == pytest.approx(250.0, abs=1e-6)
    one = geodetic_to_ecef(0.5, 1.0, 1000.0)
    assert np.ndim(ecef_to_geodetic_height(one)) == 0
    assert ecef_to_geodetic_height(np.stack([one, one]))[1] == pytest.approx(1000.0, abs=1e-6)
