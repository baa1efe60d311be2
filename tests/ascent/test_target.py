"""Target orbits: the sun-synchronous inclination and the validation of altitudes."""

from __future__ import annotations

import pytest

from cosmodrome.ascent.target import TargetOrbit, sso_inclination_deg
from cosmodrome.errors import InvalidInputError


def test_sso_inclination_at_500_km():
    # The issue states 97.40 deg for a 500 km circular sun-synchronous orbit (J2 nodal precession
    # equal to the mean Sun's 360 deg / 365.2422 d; Vallado, Fundamentals of Astrodynamics and
    # Applications, eq. 9-42). Given to 0.01 deg, so 0.005 deg is the rounding tolerance.
    assert sso_inclination_deg(500e3) == pytest.approx(97.40, abs=0.005)


def test_sun_synchronous_target_uses_the_formula():
    target = TargetOrbit.sun_synchronous(500e3)
    assert target.is_sun_synchronous
    assert target.perigee_altitude_m == target.apogee_altitude_m == 500e3
    assert target.inclination_deg == pytest.approx(97.40, abs=0.005)  # as above


def test_sso_inclination_at_800_km_and_array_of_altitudes():
    # Wikipedia, "Sun-synchronous orbit": a circular orbit at 800 km needs about 98.6 deg (one
    # decimal, so 0.05 deg). The inclination rises monotonically with altitude.
    assert sso_inclination_deg(800e3) == pytest.approx(98.6, abs=0.05)
    values = [sso_inclination_deg(h) for h in (200e3, 500e3, 800e3, 1500e3)]
    assert values == sorted(values)


def test_target_below_150_km_is_rejected():
    with pytest.raises(InvalidInputError) as info:
        TargetOrbit.circular(100e3, 51.6)
    assert info.value.field == "--altitude-km"
    assert str(info.value) == "field --altitude-km: expected a target altitude of at least 150 km, got 100 km"


def test_sso_below_150_km_is_rejected_before_the_formula():
    with pytest.raises(InvalidInputError, match="at least 150 km, got 120 km"):
        TargetOrbit.sun_synchronous(120e3)


def test_apogee_below_perigee_is_rejected():
    with pytest.raises(InvalidInputError) as info:
        TargetOrbit(300e3, 250e3, 51.6)
    assert info.value.field == "--apogee-km"
    assert str(info.value) == ("field --apogee-km: expected an apogee at or above the perigee (300 km), "
                               "got 250 km")


@pytest.mark.parametrize("inclination", [-1.0, 180.5, float("nan")])
def test_inclination_out_of_range_is_rejected(inclination):
    with pytest.raises(InvalidInputError, match=r"expected an inclination in \[0, 180\] deg"):
        TargetOrbit.circular(300e3, inclination)


def test_no_sso_above_about_5970_km():
    # cos i < -1 there: J2 precession is too weak (the sso_inclination_deg docstring).
    with pytest.raises(InvalidInputError, match="no sun-synchronous orbit exists at 7000 x 7000 km"):
        sso_inclination_deg(7000e3)


def test_elliptical_target_perigee_speed_is_vis_viva():
    # Vis-viva at perigee, v^2 = mu (2/rp - 1/a), WGS-84 GM 3.986004418e14 m^3/s^2:
    # 200 x 1000 km -> rp = 6578.137 km, a = 6978.137 km, v = 8004.26 m/s (hand calculation,
    # 0.01 m/s: the rounding of the hand value).
    target = TargetOrbit(200e3, 1000e3, 28.5)
    assert target.perigee_speed_m_s == pytest.approx(8004.26, abs=0.01)
