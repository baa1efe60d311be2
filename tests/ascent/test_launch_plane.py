"""Launch azimuth, Earth-rotation correction, site limits and dog-legs."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cosmodrome.ascent.launch_plane import (LaunchPlane, dogleg_delta_v_m_s, geocentric_latitude_rad,
                                            inclination_from_azimuth_deg, inertial_azimuth_rad,
                                            launch_azimuth_deg, pad_eastward_speed_m_s, plan_launch_plane,
                                            reachable_inclinations_deg)
from cosmodrome.ascent.target import TargetOrbit
from cosmodrome.earth.constants import WGS84_ROTATION_RATE_RAD_S
from cosmodrome.earth.geodesy import enu_basis, geodetic_to_ecef
from cosmodrome.errors import InfeasibleRequestError, InvalidInputError
from cosmodrome.sites import Site, find_site, site_from_coordinates

LEO_SPEED_M_S = 7800.0


def _deg(x):
    return np.degrees(x)


# --- kernel: inertial azimuth -------------------------------------------------------------------

def test_inertial_azimuth_sso_from_vandenberg_textbook_example():
    # holooly.com, textbook problem 6.10 (solution to "launch azimuth for the sun-synchronous
    # satellite of Example 4.7 ... launched from Vandenberg AFB, latitude 34.5 N"):
    # i = 98.43 deg, sin A = cos i / cos(lat) = -0.1779, A = 190.2 deg (south) or 349.8 deg (north).
    # The book rounds to 0.1 deg, so 0.06 deg is the tolerance.
    lat, inc = math.radians(34.5), math.radians(98.43)
    assert _deg(inertial_azimuth_rad(lat, inc, northbound=False)) == pytest.approx(190.2, abs=0.06)
    assert _deg(inertial_azimuth_rad(lat, inc, northbound=True)) == pytest.approx(349.8, abs=0.06)


def test_inertial_azimuth_iss_from_cape_orbiterwiki_example():
    # OrbiterWiki "Launch Azimuth", example: ISS 51.6 deg from latitude 28.5 deg ->
    # 44.98 deg or 135.02 deg (given to 0.01 deg).
    both = _deg(inertial_azimuth_rad(math.radians(28.5), math.radians(51.6), np.array([True, False])))
    np.testing.assert_allclose(both, [44.98, 135.02], atol=0.006)


def test_inertial_azimuth_identity_on_arrays():
    # cos i = cos(lat) sin(beta_I) on both branches, over a grid of latitudes and inclinations;
    # unreachable pairs (|cos i| > cos lat) are NaN and nothing raises.
    lat = np.radians(np.linspace(-70.0, 70.0, 29))[:, None]
    inc = np.radians(np.linspace(0.0, 180.0, 61))[None, :]
    for northbound in (True, False):
        beta = inertial_azimuth_rad(lat, inc, northbound)
        margin = np.cos(lat) - np.abs(np.cos(inc))  # > 0: the plane passes over the pad
        assert beta.shape == (29, 61)
        assert np.all(np.isnan(beta[margin < -1e-9]))
        assert not np.any(np.isnan(beta[margin > 1e-9]))
        ok = ~np.isnan(beta)
        assert ok.sum() > 900
        lhs = np.broadcast_to(np.cos(inc), beta.shape)[ok]
        rhs = (np.cos(lat) * np.sin(beta))[ok]
        np.testing.assert_allclose(lhs, rhs, atol=1e-12)
        assert np.all((beta[ok] >= 0) & (beta[ok] < 2 * math.pi))
        north_component = np.cos(beta[ok])
        assert np.all(north_component >= -1e-12) if northbound else np.all(north_component <= 1e-12)


def test_inertial_azimuth_scalar_unreachable_is_nan():
    assert math.isnan(float(inertial_azimuth_rad(math.radians(51.9), math.radians(28.5))))
    # Due east when the inclination equals the latitude, on both branches.
    for northbound in (True, False):
        assert _deg(inertial_azimuth_rad(0.5, 0.5, northbound)) == pytest.approx(90.0, abs=1e-6)


# --- Earth rotation ---------------------------------------------------------------------------

def test_pad_speed_at_equator_is_omega_times_equatorial_radius():
    # WGS-84: 7.292115e-5 rad/s * 6378137 m = 465.10 m/s (NIMA TR8350.2 table 3.1).
    assert float(pad_eastward_speed_m_s(0.0)) == pytest.approx(465.1011, abs=1e-3)
    assert float(pad_eastward_speed_m_s(90.0)) == pytest.approx(0.0, abs=1e-9)


def test_launch_azimuth_matches_a_vector_construction():
    # Independent check: build the ground velocity along the launch azimuth in the local (geodetic)
    # east-north-up frame, add omega x r, and take the inclination of r x v. The formulas use the
    # geocentric horizon; the two horizons differ by a 0.19 deg tilt, whose effect on the
    # inclination is second order (< 1e-3 deg).
    for lat_deg, inc_deg, northbound in [(28.6083, 51.6, True), (34.632, 98.43, False), (62.93, 70.0, True),
                                         (-39.26, 45.0, False), (5.2333, 100.0, True)]:
        az = float(launch_azimuth_deg(lat_deg, inc_deg, LEO_SPEED_M_S, northbound))
        lat, lon = math.radians(lat_deg), math.radians(10.0)
        r = geodetic_to_ecef(lat, lon, 0.0)
        east, north, _ = enu_basis(lat, lon)
        ground_direction = math.sin(math.radians(az)) * east + math.cos(math.radians(az)) * north
        omega_cross_r = np.cross([0.0, 0.0, WGS84_ROTATION_RATE_RAD_S], r)
        # ground speed s such that |s d + omega x r| = v
        b = float(np.dot(ground_direction, omega_cross_r))
        s = -b + math.sqrt(b * b - (float(np.dot(omega_cross_r, omega_cross_r)) - LEO_SPEED_M_S**2))
        v = s * ground_direction + omega_cross_r
        h = np.cross(r, v)
        inclination = math.degrees(math.acos(h[2] / np.linalg.norm(h)))
        assert inclination == pytest.approx(inc_deg, abs=1e-3)
        assert (math.cos(math.radians(az)) > 0) == northbound


def test_rotation_turns_the_heading_away_from_east():
    # Removing the pad's eastward speed moves a north-east heading towards north and a
    # south-west (retrograde) heading further west.
    inertial = _deg(inertial_azimuth_rad(geocentric_latitude_rad(math.radians(28.5)), math.radians(51.6)))
    ground = float(launch_azimuth_deg(28.5, 51.6, LEO_SPEED_M_S, True))
    assert ground < inertial
    assert float(launch_azimuth_deg(34.632, 123.0, LEO_SPEED_M_S, False)) > 221.0


def test_eastern_range_limits_in_inclination():
    # spaceports.json, cape_canaveral: Eastern Range azimuths 35-120 deg "about 57 deg at az 35 and
    # about 39 deg at az 120" (satobs.org). "About" is taken as within 1 deg.
    inc = inclination_from_azimuth_deg(28.46, [35.0, 120.0], LEO_SPEED_M_S)
    np.testing.assert_allclose(inc, [57.0, 39.0], atol=1.0)


def test_apollo_17_flight_azimuth():
    # Adamo, Apollo 17 launch analysis (aiaahouston.org), as recorded in spaceports.json (ksc):
    # LC-39A 28.608 N, flight azimuth 91.5 deg into a 166.7 km circular, 28.526 deg parking orbit.
    # Near due east the azimuth is very sensitive to the inclination (0.05 deg of inclination is
    # ~1 deg of azimuth), so the check runs from azimuth to inclination. The real ascent was not a
    # single plane through the pad; 0.1 deg of inclination covers that.
    target = TargetOrbit.circular(166.7e3, 28.526)
    inc = float(inclination_from_azimuth_deg(28.608, 91.5, target.perigee_speed_m_s, altitude_m=-32.0))
    assert inc == pytest.approx(28.526, abs=0.1)


def test_azimuth_inclination_round_trip_on_arrays():
    lat = np.array([0.0, 28.6, -39.3, 51.9, 57.0])[:, None]  # all reach 65-120 deg
    inc = np.array([65.0, 90.0, 97.4, 120.0])[None, :]
    for northbound in (True, False):
        az = launch_azimuth_deg(lat, inc, LEO_SPEED_M_S, northbound)
        back = inclination_from_azimuth_deg(lat, az, LEO_SPEED_M_S)
        np.testing.assert_allclose(back, np.broadcast_to(inc, back.shape), atol=1e-9)


def test_launch_azimuth_unreachable_or_too_slow_is_nan():
    assert math.isnan(float(launch_azimuth_deg(51.88, 28.5, LEO_SPEED_M_S, True)))
    assert math.isnan(float(launch_azimuth_deg(0.0, 30.0, 400.0, True)))


# --- site limits ------------------------------------------------------------------------------

def _circular(inclination_deg: float, altitude_m: float = 400e3) -> TargetOrbit:
    return TargetOrbit.circular(altitude_m, inclination_deg)


def test_plesetsk_limits_63_to_83():
    # FAS "Plesetsk Cosmodrome": "restricted to orbital inclinations between 63 degrees and 83 degrees".
    site = find_site("plesetsk")
    assert plan_launch_plane(site, _circular(63.0)).inclination_deg == pytest.approx(63.0)
    assert plan_launch_plane(site, _circular(83.0)).inclination_deg == pytest.approx(83.0)
    plane = plan_launch_plane(site, _circular(72.9))
    assert plane.northbound and plane.dogleg_deg == 0.0
    with pytest.raises(InfeasibleRequestError, match=r"nearest reachable inclination is 83\.00 deg"):
        plan_launch_plane(site, _circular(97.8))
    with pytest.raises(InfeasibleRequestError, match=r"nearest reachable inclination is 63\.00 deg"):
        plan_launch_plane(site, _circular(62.5))


def test_inclination_limits_convert_to_azimuths_and_back():
    site = find_site("plesetsk")
    speed = _circular(63.0).perigee_speed_m_s
    for inc in (63.0, 83.0):
        for northbound in (True, False):
            az = launch_azimuth_deg(site.latitude_deg, inc, speed, northbound)
            assert float(inclination_from_azimuth_deg(site.latitude_deg, az, speed)) == pytest.approx(inc, abs=1e-9)
    # Azimuth limits convert to inclination intervals whose ends map back onto the limits.
    kodiak = find_site("kodiak")
    (lo, hi), = reachable_inclinations_deg(kodiak, speed)[False]
    ends = sorted(float(launch_azimuth_deg(kodiak.latitude_deg, i, speed, False)) for i in (lo, hi))
    np.testing.assert_allclose(ends, [110.0, 220.0], atol=1e-9)
    assert reachable_inclinations_deg(kodiak, speed)[True] == []


def test_vostochny_refuses_28_5_deg_and_names_the_nearest_reachable():
    site = find_site("vostochny")
    with pytest.raises(InfeasibleRequestError) as info:
        plan_launch_plane(site, _circular(28.5))
    text = str(info.value)
    nearest = math.degrees(float(geocentric_latitude_rad(math.radians(site.latitude_deg))))
    assert "Vostochny Cosmodrome (vostochny)" in text
    assert "28.50 deg inclination" in text
    assert f"nearest reachable inclination is {nearest:.2f} deg" in text  # 51.69: geocentric latitude
    assert "51.69-110.00 deg" in text
    assert "--allow-dogleg" in text
    assert info.value.exit_code == 3


def test_dogleg_mode_returns_the_nearest_plane():
    site = find_site("vostochny")
    plane = plan_launch_plane(site, _circular(28.5), allow_dogleg=True)
    nearest = math.degrees(float(geocentric_latitude_rad(math.radians(site.latitude_deg))))
    assert isinstance(plane, LaunchPlane)
    assert plane.inclination_deg == pytest.approx(nearest)
    assert plane.requested_inclination_deg == 28.5
    assert plane.dogleg_deg == pytest.approx(nearest - 28.5)
    assert plane.azimuth_deg == pytest.approx(90.0, abs=1e-6)  # due east at the latitude limit
    assert "dog-leg" in plane.message


def test_dogleg_to_an_inclination_limit():
    # Cape Canaveral cannot go direct to SSO; the nearest plane is the 57 deg documented maximum.
    plane = plan_launch_plane(find_site("cape_canaveral"), TargetOrbit.sun_synchronous(500e3), allow_dogleg=True)
    assert plane.inclination_deg == pytest.approx(57.0)
    assert plane.dogleg_deg == pytest.approx(97.40 - 57.0, abs=0.01)
    assert 35.0 <= plane.azimuth_deg <= 120.0


def test_dogleg_delta_v_formula():
    # Impulsive plane change at constant speed, delta-v = 2 v sin(di/2) (Curtis, Orbital Mechanics for
    # Engineering Students, pure plane change). At di = 60 deg it equals v exactly.
    assert float(dogleg_delta_v_m_s(7700.0, 60.0)) == pytest.approx(7700.0, rel=1e-12)
    dv = dogleg_delta_v_m_s(np.array([7700.0, 3070.0]), np.array([0.0, 28.5]))
    np.testing.assert_allclose(dv, [0.0, 2 * 3070.0 * math.sin(math.radians(14.25))], rtol=1e-12)


def test_vandenberg_sso_flies_south():
    # spaceports.json (vandenberg): launch azimuths "always to the south"; SSO 98.43 deg -> 190.2 deg
    # inertial (holooly example). The ground azimuth is a few degrees further west once the pad's
    # 383 m/s eastward speed is removed.
    plane = plan_launch_plane(find_site("vandenberg"), _circular(98.43, 700e3))
    assert not plane.northbound
    inertial = _deg(inertial_azimuth_rad(geocentric_latitude_rad(math.radians(34.632)), math.radians(98.43), False))
    assert inertial == pytest.approx(190.2, abs=0.1)
    assert 190.2 < plane.azimuth_deg < 195.0


def test_both_branches_and_preference():
    # Ad-hoc sites allow every azimuth: both branches are open and northbound is preferred.
    pad = site_from_coordinates(45.0, 10.0)
    north = plan_launch_plane(pad, _circular(98.0))
    assert north.northbound and (north.azimuth_deg > 270.0)
    south_pad = Site(id="s", name="South-preferring", country="", latitude_deg=45.0, longitude_deg=10.0,
                     preferred_direction="southbound")
    south = plan_launch_plane(south_pad, _circular(98.0))
    assert not south.northbound and 180.0 < south.azimuth_deg < 270.0
    assert north.inclination_deg == south.inclination_deg == 98.0


def test_only_the_permitted_branch_is_used():
    # Baikonur (no azimuth limits) picks northbound for the ISS; Kodiak 110-220 deg must go south.
    assert plan_launch_plane(find_site("baikonur"), _circular(51.6)).northbound
    assert not plan_launch_plane(find_site("kodiak"), _circular(97.4)).northbound


def test_azimuth_range_wrapping_through_north():
    site = Site(id="w", name="Wrap", country="", latitude_deg=60.0, longitude_deg=0.0,
                azimuth_ranges_deg=((340.0, 20.0),))
    reach = reachable_inclinations_deg(site, LEO_SPEED_M_S)
    assert reach[False] == []
    (lo, hi), = reach[True]
    assert lo < 90.0 < hi
    plane = plan_launch_plane(site, _circular(90.0))
    assert plane.azimuth_deg > 340.0 or plane.azimuth_deg < 20.0
    with pytest.raises(InfeasibleRequestError, match="launch azimuths 340-20 deg"):
        plan_launch_plane(site, _circular(65.0))


def test_unreachable_retrograde_above_180_minus_latitude():
    with pytest.raises(InfeasibleRequestError, match="above 180 deg minus the site latitude"):
        plan_launch_plane(site_from_coordinates(60.0, 0.0), _circular(150.0))


def test_orbital_speed_must_exceed_pad_speed():
    with pytest.raises(InvalidInputError, match="orbital_speed_m_s"):
        plan_launch_plane(find_site("kourou"), _circular(10.0), orbital_speed_m_s=100.0)
