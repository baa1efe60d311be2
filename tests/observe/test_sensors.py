"""Sensor records and the spherical-Earth geometry of cosmodrome.observe.sensors.

References: the closed forms of Wertz & Larson, SMAD 3rd ed. (1999), sec. 5.2, are checked against
an independent construction written here with plain vectors (a satellite on the z axis, a ground
point on the sphere, angles from dot products), and the ground sample distance against rays traced
from the satellite to the sphere. Tolerances are floating-point level (1e-12 rad, 1e-6 m) where the
two constructions are exact, and 1e-4 relative for the traced pixel, whose footprint on the curved
sphere differs from the tangent-plane formula by (pixel / Earth radius) ~ 1e-6.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.observe import sensors as S
from cosmodrome.observe.sensors import ObserverVisibility, Sensor, SensorClampWarning

R = 6378137.0


def _vector_geometry(central_angle_rad, altitude_m, radius_m=R):
    """Off-nadir angle, target elevation and slant range from vectors (no SMAD formula used)."""
    lam = np.asarray(central_angle_rad, dtype=float)
    sat = np.array([0.0, 0.0, radius_m + altitude_m])
    target = np.stack([radius_m * np.sin(lam), np.zeros_like(lam), radius_m * np.cos(lam)], axis=-1)
    to_target = target - sat
    distance = np.linalg.norm(to_target, axis=-1)
    off_nadir = np.arccos(np.clip(np.sum(to_target * -sat, axis=-1) / (distance * np.linalg.norm(sat)), -1, 1))
    up = target / radius_m
    elevation = np.arcsin(np.clip(np.sum(-to_target * up, axis=-1) / distance, -1, 1))
    return off_nadir, elevation, distance


def test_earth_disc_by_hand():
    # H = 1,000 km over R = 6,378 km: sin(rho) = 6378 / 7378 -> rho = 59.82 deg, lambda_0 = 30.18 deg,
    # horizon range sqrt(7378^2 - 6378^2) = 3,708.9 km (hand computation).
    rho = math.degrees(S.earth_angular_radius_rad(1000e3, 6378e3))
    lam0 = math.degrees(S.horizon_central_angle_rad(1000e3, 6378e3))
    d_max = S.slant_range_m(math.radians(lam0), 1000e3, 6378e3)
    assert rho == pytest.approx(59.8213, abs=1e-4)
    assert lam0 == pytest.approx(30.1787, abs=1e-4)
    assert rho + lam0 == pytest.approx(90.0, abs=1e-12)
    assert d_max == pytest.approx(math.sqrt(7378e3**2 - 6378e3**2), rel=1e-12)


@pytest.mark.parametrize("altitude_m", [300e3, 700e3, 20200e3, 35786e3])
def test_closed_forms_against_vector_geometry(altitude_m):
    lam0 = S.horizon_central_angle_rad(altitude_m)
    lam = np.linspace(0.0, float(lam0), 201)[1:]  # the array path
    eta, eps, distance = _vector_geometry(lam, altitude_m)
    assert np.allclose(S.off_nadir_from_central_angle_rad(lam, altitude_m), eta, atol=1e-12)
    assert np.allclose(S.off_nadir_from_elevation_rad(eps, altitude_m), eta, atol=1e-9)
    assert np.allclose(S.elevation_from_off_nadir_rad(eta, altitude_m), eps, atol=1e-7)  # acos near 1: sqrt(eps_mach)
    assert np.allclose(S.central_angle_from_off_nadir_rad(eta, altitude_m), lam, atol=1e-7)
    assert np.allclose(S.slant_range_m(lam, altitude_m), distance, rtol=1e-12, atol=1e-6)
    # eta + lambda + eps = 90 deg (SMAD 5.2)
    assert np.allclose(eta + lam + eps, 0.5 * np.pi, atol=1e-12)
    # the single-value path
    k = 100
    assert S.off_nadir_from_central_angle_rad(float(lam[k]), altitude_m) == pytest.approx(eta[k], abs=1e-12)
    assert np.ndim(S.slant_range_m(float(lam[k]), altitude_m)) == 0


def test_nadir_and_horizon_limits():
    h = 500e3
    assert S.slant_range_m(0.0, h) == pytest.approx(h, abs=1e-6)
    rho = S.earth_angular_radius_rad(h)
    assert S.elevation_from_off_nadir_rad(rho, h) == pytest.approx(0.0, abs=1e-7)
    assert np.isnan(S.elevation_from_off_nadir_rad(rho + 1e-3, h))  # the line of sight misses the Earth
    assert np.isnan(S.central_angle_from_off_nadir_rad(rho + 1e-3, h))


def test_swath_and_half_angle_round_trip():
    h = np.array([400e3, 600e3, 800e3])
    eta = np.radians([5.0, 20.0, 45.0])
    width = S.swath_width_from_half_angle_m(eta, h)
    assert np.allclose(S.half_angle_from_swath_width_rad(width, h), eta, atol=1e-9)
    # a 10 deg half-angle at 500 km: lambda from the vector construction, width = 2 R lambda
    lam = S.central_angle_from_off_nadir_rad(math.radians(10.0), 500e3)
    eta_v, _, _ = _vector_geometry(lam, 500e3)
    assert float(eta_v) == pytest.approx(math.radians(10.0), abs=1e-9)
    assert S.swath_width_from_half_angle_m(math.radians(10.0), 500e3) == pytest.approx(2 * R * lam, rel=1e-12)


def test_wide_cone_is_clamped_to_the_horizon_with_a_warning():
    sensor = Sensor(nadir_cone_half_angle_deg=80.0)
    with pytest.warns(SensorClampWarning, match=r"nadir cone half-angle 80.000 deg is wider than the Earth's disc"):
        limit = sensor.off_nadir_limit_rad(np.array([500e3, 36000e3]))
    assert limit[0] == pytest.approx(S.earth_angular_radius_rad(500e3), abs=1e-15)
    assert limit[1] == pytest.approx(S.earth_angular_radius_rad(36000e3), abs=1e-15)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert Sensor(off_nadir_max_deg=30.0).off_nadir_limit_rad(500e3) == pytest.approx(math.radians(30.0))
        sensor.off_nadir_limit_rad(500e3, warn=False)


def test_swath_sensor_converts_with_altitude_and_clamps():
    sensor = Sensor(swath_width_m=185e3)  # Landsat's swath
    h = np.array([700e3, 705e3, 710e3])
    limit = sensor.off_nadir_limit_rad(h)
    assert np.allclose(S.swath_width_from_half_angle_m(limit, h), 185e3, rtol=1e-12)
    assert np.all(np.diff(limit) < 0)  # the same swath needs a narrower cone from higher up
    with pytest.warns(SensorClampWarning, match="swath 5000.0 km is wider than the visible cap"):
        wide = Sensor(swath_width_m=5000e3).off_nadir_limit_rad(500e3)
    assert wide == pytest.approx(S.earth_angular_radius_rad(500e3), abs=1e-12)


def _ray_sphere(origin, direction, radius=R):
    """Nearest intersection of rays with the sphere (independent of the SMAD forms)."""
    b = np.sum(origin * direction, axis=-1)
    c = np.sum(origin * origin, axis=-1) - radius * radius
    t = -b - np.sqrt(b * b - c)
    return origin + t[..., None] * direction


@pytest.mark.parametrize("central_angle_deg", [0.0, 2.0, 8.0, 15.0])
def test_ground_sample_distance_against_traced_pixel(central_angle_deg):
    h, pitch, focal = 600e3, 5.5e-6, 1.2
    ifov = pitch / focal
    lam = math.radians(central_angle_deg)
    sat = np.array([0.0, 0.0, R + h])
    target = np.array([R * math.sin(lam), 0.0, R * math.cos(lam)])
    los = (target - sat) / np.linalg.norm(target - sat)
    # unit vectors across the line of sight: in the look plane (x-z) and perpendicular to it (y)
    in_plane = np.cross(np.array([0.0, 1.0, 0.0]), los) if central_angle_deg else np.array([1.0, 0.0, 0.0])
    in_plane /= np.linalg.norm(in_plane)
    across = np.array([0.0, 1.0, 0.0])

    def footprint(axis):
        rays = np.array([los + math.tan(s * ifov / 2) * axis for s in (-1.0, 1.0)])
        rays /= np.linalg.norm(rays, axis=-1)[:, None]
        points = _ray_sphere(np.array([sat, sat]), rays)
        return np.linalg.norm(points[1] - points[0])

    _, eps, distance = _vector_geometry(lam, h)
    look, perpendicular, mean = S.ground_sample_distance_m(pitch, focal, distance, eps)
    assert look == pytest.approx(footprint(in_plane), rel=1e-4)
    assert perpendicular == pytest.approx(footprint(across), rel=1e-4)
    assert mean == pytest.approx(math.sqrt(look * perpendicular), rel=1e-12)
    if central_angle_deg == 0.0:
        assert look == pytest.approx(h * pitch / focal, rel=1e-12)  # nadir: H p / f


def test_ground_sample_distance_reduces_to_the_flat_earth_textbook_form():
    # Flat Earth: D = H / cos(eta), eps = 90 deg - eta -> H p / (f cos^2 eta) and H p / (f cos eta).
    h, p, f, eta = 500e3, 10e-6, 0.5, math.radians(30.0)
    look, perpendicular, _ = S.ground_sample_distance_m(p, f, h / math.cos(eta), 0.5 * math.pi - eta)
    assert look == pytest.approx(h * p / (f * math.cos(eta) ** 2), rel=1e-12)
    assert perpendicular == pytest.approx(h * p / (f * math.cos(eta)), rel=1e-12)
    assert all(np.isnan(x) for x in S.ground_sample_distance_m(p, f, 1e6, -0.01))


def test_sensor_record_checks_its_fields():
    with pytest.raises(InvalidInputError, match="give exactly one of nadir_cone_half_angle_deg"):
        Sensor()
    with pytest.raises(InvalidInputError, match="got nadir_cone_half_angle_deg, off_nadir_max_deg"):
        Sensor(nadir_cone_half_angle_deg=10.0, off_nadir_max_deg=20.0)
    with pytest.raises(InvalidInputError,
                       match=r"field off_nadir_max_deg: expected an angle from 0 to below 90 deg, got 95.0"):
        Sensor(off_nadir_max_deg=95.0)
    with pytest.raises(InvalidInputError, match="expected a positive width in m, got -1.0"):
        Sensor(swath_width_m=-1.0)
    with pytest.raises(InvalidInputError, match="give both the pixel pitch and the focal length"):
        Sensor(off_nadir_max_deg=20.0, pixel_pitch_m=5e-6)
    with pytest.raises(InvalidInputError, match="min_sun_elevation_deg: expected -90 to 90 deg"):
        Sensor(off_nadir_max_deg=20.0, min_sun_elevation_deg=120.0)
    with pytest.raises(InvalidInputError, match="expected a finite number"):
        Sensor(off_nadir_max_deg=float("nan"))
    sensor = Sensor(off_nadir_max_deg=20, min_sun_elevation_deg=10, pixel_pitch_m=5e-6, focal_length_m=1.0)
    assert sensor.off_nadir_max_deg == 20.0 and sensor.has_optics
    radar = sensor.with_changes(off_nadir_max_deg=None, swath_width_m=100e3, min_sun_elevation_deg=None)
    assert radar.swath_width_m == 100e3 and radar.min_sun_elevation_deg is None
    assert "swath 100 km" in radar.describe()


def test_observer_visibility_defaults_and_checks():
    default = ObserverVisibility()
    assert (default.min_elevation_deg, default.max_sun_elevation_deg, default.requires_sunlit) == (10.0, -6.0, True)
    with pytest.raises(InvalidInputError, match="max_sun_elevation_deg: expected -90 to 90 deg, got 100.0"):
        ObserverVisibility(max_sun_elevation_deg=100.0)
