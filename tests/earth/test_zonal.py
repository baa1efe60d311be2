"""Zonal harmonics J2..J8 of EGM2008 (earth.zonal)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cosmodrome.earth.constants import WGS84_EQUATORIAL_RADIUS_M, WGS84_GM_M3_S2, WGS84_J2
from cosmodrome.earth.gravity import gravity_j2_m_s2
from cosmodrome.earth.zonal import (EGM2008_EQUATORIAL_RADIUS_M, EGM2008_GM_M3_S2, zonal_acceleration_m_s2,
                                    zonal_coefficients, zonal_potential_m2_s2)
from cosmodrome.errors import InvalidInputError

POINTS = np.array([[7000e3, -1200e3, 3000e3], [6800e3, 0.0, 0.0], [1.0, 2.0, 6600e3],
                   [-3000e3, 4000e3, -5500e3], [26000e3, 1000e3, 12000e3]])


def test_coefficients_follow_from_the_egm2008_normalised_values():
    # EGM2008 tide-free file: C20 = -0.484165143790815e-3 ... C60 = -0.149953927978527e-6;
    # J_n = -sqrt(2n+1) C_n0 (full normalisation, factor sqrt(2n+1) for m = 0). The rounded J values are the
    # ones commonly quoted for EGM2008: J2 = 1.08263e-3, J3 = -2.5324e-6, J4 = -1.6199e-6,
    # J5 = -2.2775e-7, J6 = 5.4067e-7.
    j = zonal_coefficients(6)
    assert j[:2].tolist() == [0.0, 0.0]
    assert j[2] == pytest.approx(math.sqrt(5) * 0.484165143790815e-3, rel=1e-15)
    assert j[2:] == pytest.approx([1.08263e-3, -2.5324e-6, -1.6199e-6, -2.2775e-7, 5.4067e-7], rel=1e-4)


def test_degree_out_of_range_is_refused_with_the_allowed_range():
    with pytest.raises(InvalidInputError, match="from 0 .point mass. to 8, got 9"):
        zonal_coefficients(9)


def test_j2_alone_matches_the_ascent_gravity_kernel():
    # Vallado (2013) eq. 8-30 as written in earth.gravity, with the same constants: an independent
    # formula (no Legendre recursion), so agreement to rounding checks the recursion at degree 2.
    j = np.array([0.0, 0.0, WGS84_J2])
    mine = zonal_acceleration_m_s2(POINTS, j, gm_m3_s2=WGS84_GM_M3_S2, equatorial_radius_m=WGS84_EQUATORIAL_RADIUS_M)
    ref = gravity_j2_m_s2(POINTS)
    assert np.max(np.abs(mine - ref) / np.linalg.norm(ref, axis=-1, keepdims=True)) < 1e-14


def test_j3_alone_matches_the_closed_form():
    # Closed form, differentiated by hand from U3 = -mu J3 R^3 (5 z^3/r^3 - 3 z/r) / (2 r^4) (an
    # independent route to the Legendre recursion):
    # a_xy = -5 J3 mu R^3 (x, y)/(2 r^7) (3z - 7z^3/r^2), a_z = -5 J3 mu R^3/(2 r^7) (6z^2 - 7z^4/r^2 - 3r^2/5).
    # Tolerance: rounding of the total acceleration (the central term is 1e5 times the J3 term).
    j3 = zonal_coefficients(3)[3]
    j = np.array([0.0, 0.0, 0.0, j3])
    acc = zonal_acceleration_m_s2(POINTS, j)
    central = -EGM2008_GM_M3_S2 * POINTS / np.linalg.norm(POINTS, axis=-1, keepdims=True) ** 3
    x, y, z = POINTS.T
    r = np.linalg.norm(POINTS, axis=-1)
    k = -5.0 * j3 * EGM2008_GM_M3_S2 * EGM2008_EQUATORIAL_RADIUS_M**3 / (2.0 * r**7)
    expected = np.stack([k * x * (3 * z - 7 * z**3 / r**2), k * y * (3 * z - 7 * z**3 / r**2),
                         k * (6 * z**2 - 7 * z**4 / r**2 - 0.6 * r**2)], axis=-1)
    assert np.max(np.abs((acc - central) - expected)) < 1e-15 * np.max(np.abs(acc))


def test_acceleration_is_the_gradient_of_the_potential_to_degree_8():
    # Central differences of the potential with a 1 m step: truncation ~ |U'''| h^2 / 6 ~ 1e-13 of
    # the acceleration, rounding ~ eps U / h ~ 1e-8 m/s^2 absolute: 1e-7 relative is the honest bar.
    j = zonal_coefficients(8)
    acc = zonal_acceleration_m_s2(POINTS, j)
    step = 1.0
    grad = np.empty_like(POINTS)
    for axis in range(3):
        dx = np.zeros(3)
        dx[axis] = step
        grad[:, axis] = (zonal_potential_m2_s2(POINTS + dx, j) - zonal_potential_m2_s2(POINTS - dx, j)) / (2 * step)
    rel = np.linalg.norm(acc - grad, axis=-1) / np.linalg.norm(acc, axis=-1)
    assert np.all(rel < 1e-7)
    # and the zonal part alone (1e-3 of the total) is also right, to 1e-4 of itself
    zonal_part = acc + EGM2008_GM_M3_S2 * POINTS / np.linalg.norm(POINTS, axis=-1, keepdims=True) ** 3
    grad_part = grad + EGM2008_GM_M3_S2 * POINTS / np.linalg.norm(POINTS, axis=-1, keepdims=True) ** 3
    assert np.all(np.linalg.norm(zonal_part - grad_part, axis=-1) < 1e-4 * np.linalg.norm(zonal_part, axis=-1))


def test_turning_the_pole_turns_the_field():
    # The field is symmetric about the pole: rotating position and pole together rotates the acceleration.
    angle = 0.4
    rot = np.array([[1, 0, 0], [0, math.cos(angle), -math.sin(angle)], [0, math.sin(angle), math.cos(angle)]])
    j = zonal_coefficients(6)
    base = zonal_acceleration_m_s2(POINTS, j)
    turned = zonal_acceleration_m_s2(POINTS @ rot.T, j, pole=rot @ np.array([0.0, 0.0, 1.0]))
    assert np.max(np.abs(turned - base @ rot.T)) < 1e-15 * 10.0


def test_single_position_and_array_give_the_same_numbers():
    j = zonal_coefficients(6)
    many = zonal_acceleration_m_s2(POINTS, j)
    for k, point in enumerate(POINTS):
        one = zonal_acceleration_m_s2(point, j)
        assert one.shape == (3,)
        assert np.array_equal(one, many[k])
    assert zonal_potential_m2_s2(POINTS[0], j).shape == ()


def test_point_mass_potential_and_origin_gives_nan_not_an_exception():
    assert zonal_potential_m2_s2(POINTS, zonal_coefficients(0)) == pytest.approx(
        EGM2008_GM_M3_S2 / np.linalg.norm(POINTS, axis=-1), rel=1e-15)
    assert np.all(np.isnan(zonal_acceleration_m_s2(np.zeros(3), zonal_coefficients(4))))
