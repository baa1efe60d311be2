"""Walker delta and star patterns, sun-synchronous planes by local time, and the constellation propagator."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cosmodrome.errors import InfeasibleRequestError, InvalidInputError
from cosmodrome.frames import Frame, gcrs_to_itrs
from cosmodrome.orbits.constellation import (PropagatorModel, SolarTime, WalkerPattern, WalkerSpec,
                                             ascending_node_raan_rad, constellation_propagator,
                                             local_time_of_ascending_node_hours, sun_synchronous_elements,
                                             walker_elements)
from cosmodrome.orbits.j2_secular import J2SecularPropagator
from cosmodrome.time import Time, TimeScale

EPOCH = Time.from_utc_iso("2026-03-20T06:00:00")
R_EQ_M = 6378137.0


def _angle_diff_deg(a, b):
    return (np.asarray(a) - np.asarray(b) + 180.0) % 360.0 - 180.0


# --- Walker patterns ---------------------------------------------------------------------------

def test_walker_53_24_3_1_planes_and_phasing():
    # Walker (1984) / Wertz SMAD 3rd ed. section 7.6: planes at RAAN j * 360/p, satellites k * 360/s
    # apart in each plane, and plane j + 1 ahead of plane j by Delta u = 360 f / t = 15 deg.
    spec = WalkerSpec.from_notation("53:24/3/1")
    elements = walker_elements(spec, 550e3, EPOCH)
    assert len(elements) == 24
    raan = np.degrees([x.raan_rad for x in elements]).reshape(3, 8)
    u = np.degrees([x.argument_of_perigee_rad + x.true_anomaly_rad for x in elements]).reshape(3, 8) % 360.0
    np.testing.assert_allclose(raan, np.repeat([[0.0], [120.0], [240.0]], 8, axis=1), atol=1e-12)
    np.testing.assert_allclose(_angle_diff_deg(np.diff(u, axis=1), 45.0), 0.0, atol=1e-10)
    np.testing.assert_allclose(_angle_diff_deg(u[1:] - u[:-1], 15.0), 0.0, atol=1e-10)
    for x in elements:
        assert x.semi_major_axis_m == R_EQ_M + 550e3
        assert x.eccentricity == 0.0
        assert math.degrees(x.inclination_rad) == pytest.approx(53.0, abs=1e-12)
        assert x.frame is Frame.GCRS and x.epoch == EPOCH


def test_walker_spec_numbers():
    spec = WalkerSpec(53.0, 24, 3, 1)
    assert spec.notation == "53:24/3/1"
    assert spec.satellites_per_plane == 8
    assert spec.pattern_unit_deg == 15.0
    np.testing.assert_allclose(spec.raan_deg(10.0), [10.0, 130.0, 250.0])
    np.testing.assert_allclose(spec.argument_of_latitude_deg()[:, 0], [0.0, 15.0, 30.0])


def test_walker_phasing_zero_puts_satellites_abreast():
    u = WalkerSpec(60.0, 12, 4, 0).argument_of_latitude_deg()
    np.testing.assert_allclose(u - u[:1], 0.0)


def test_star_pattern_spreads_nodes_over_180_degrees():
    spec = WalkerSpec.from_notation("86.4:66/6/2", WalkerPattern.STAR)
    np.testing.assert_allclose(spec.raan_deg(), [0.0, 30.0, 60.0, 90.0, 120.0, 150.0])
    u = spec.argument_of_latitude_deg()
    np.testing.assert_allclose(_angle_diff_deg(u[1:, 0] - u[:-1, 0], 360.0 * 2 / 66), 0.0, atol=1e-10)


def test_offsets_eccentricity_and_argument_of_perigee():
    spec = WalkerSpec(45.0, 4, 2, 1)
    elements = walker_elements(spec, 1000e3, EPOCH, raan_offset_deg=30.0, argument_of_latitude_offset_deg=10.0,
                               eccentricity=0.01, argument_of_perigee_deg=90.0)
    assert math.degrees(elements[0].raan_rad) == pytest.approx(30.0)
    assert math.degrees(elements[2].raan_rad) == pytest.approx(210.0)
    # Phasing is in mean argument of latitude: mean anomaly = u - argp = 10 - 90 = -80 deg.
    from cosmodrome.orbits.elements import true_to_mean_anomaly

    m = math.degrees(float(true_to_mean_anomaly(elements[0].true_anomaly_rad, 0.01)))
    assert _angle_diff_deg(m, -80.0) == pytest.approx(0.0, abs=1e-9)


def test_walker_pattern_keeps_its_shape_under_j2():
    # Same a, e, i: every plane regresses at one rate, so the node spacing and the phasing hold.
    elements = walker_elements(WalkerSpec.from_notation("53:24/3/1"), 550e3, EPOCH)
    propagator = constellation_propagator(elements)
    assert isinstance(propagator, J2SecularPropagator)
    a, e, i, raan, argp, m = propagator.mean_elements(EPOCH + np.array([0.0, 86400.0]))
    spacing = np.degrees(raan[8::8, 1] - raan[:-8:8, 1])
    np.testing.assert_allclose(spacing, 120.0, atol=1e-9)
    u = np.degrees(argp + m)[:, 1].reshape(3, 8)
    np.testing.assert_allclose(_angle_diff_deg(u[1:] - u[:-1], 15.0), 0.0, atol=1e-9)


def test_ephemeris_rows_follow_the_element_order():
    elements = walker_elements(WalkerSpec(53.0, 6, 3, 1), 550e3, EPOCH)
    ephemeris = constellation_propagator(elements, satellite_ids=np.arange(101, 107)).propagate(EPOCH)
    np.testing.assert_array_equal(ephemeris.satellite_ids, np.arange(101, 107))
    radius = np.linalg.norm(ephemeris.position_m[:, 0], axis=-1)
    # Osculating radius of a mean-circular 550 km orbit: within ~10 km of a (J2 short-period terms).
    assert np.all(np.abs(radius - (R_EQ_M + 550e3)) < 15e3)


def test_numerical_propagator_follows_the_j2_secular_one():
    # J2-only force field about the GCRS z axis: over one hour the two propagators of the same mean
    # elements stay within 100 m (the J2 secular theory's short-period and second-order errors, plus
    # EGM2008's J2 against WGS-84's: tens of metres an hour in LEO).
    from cosmodrome.orbits.numerical import ForceModel, NumericalPropagator, PoleModel

    elements = walker_elements(WalkerSpec(53.0, 2, 2, 1), 550e3, EPOCH)
    force = ForceModel(zonal_degree=2, drag=False, pole=PoleModel.GCRS_Z)
    numerical = constellation_propagator(elements, model=PropagatorModel.NUMERICAL, force_model=force)
    assert isinstance(numerical, NumericalPropagator)
    times = Time.grid(EPOCH, 3600.0, 600.0)
    difference = numerical.propagate(times).position_m - constellation_propagator(elements).propagate(times).position_m
    assert np.max(np.linalg.norm(difference, axis=-1)) < 100.0


# --- sun-synchronous planes ----------------------------------------------------------------------

def _ascending_crossings(propagator, start, duration_s, step_s=1.0):
    """(UT1 hours, east longitude deg) of each ascending crossing of the ITRS equator, by brute force."""
    times = Time.grid(start, duration_s, step_s)
    position, _ = gcrs_to_itrs(times, propagator.propagate(times).position_m[0])
    z = position[:, 2]
    out = []
    for k in np.flatnonzero((z[:-1] < 0) & (z[1:] >= 0)):
        f = -z[k] / (z[k + 1] - z[k])
        p = position[k] + f * (position[k + 1] - position[k])
        ut1_1, ut1_2 = (float(x) for x in (times[k] + f * step_s).ut1_jd)
        ut1_hours = 24.0 * ((((ut1_1 - 0.5) % 1.0) + (ut1_2 % 1.0)) % 1.0)
        out.append((ut1_hours, math.degrees(math.atan2(p[1], p[0]))))
    return out


@pytest.mark.parametrize("ltan_hours", [10.5, 22.0, 6.0])
def test_sun_synchronous_node_is_seen_from_the_ground_at_its_local_mean_time(ltan_hours):
    # Independent check: propagate, find where the satellite crosses the Earth-fixed equator
    # northwards, and read the local mean time there, UT1 + longitude / 15 deg/h. Tolerance 2 s of
    # time (0.008 deg): the osculating node wobbles by hundredths of a degree about the mean one.
    elements = sun_synchronous_elements(700e3, ltan_hours, EPOCH)
    crossings = _ascending_crossings(constellation_propagator(elements), EPOCH, 2 * 6000.0)
    assert len(crossings) >= 1
    for ut1_hours, longitude_deg in crossings:
        local = (ut1_hours + longitude_deg / 15.0) % 24.0
        assert abs((local - ltan_hours + 12.0) % 24.0 - 12.0) * 3600.0 < 2.0


def test_sun_synchronous_planes_and_satellites():
    elements = sun_synchronous_elements(700e3, [10.5, 22.5], EPOCH, satellites_per_plane=3,
                                        argument_of_latitude_offset_deg=5.0)
    assert len(elements) == 6
    # The J2 condition of Vallado (2013) section 11.4.1 (computed in cosmodrome.orbits.elements and
    # tested there); satellites near 700 km fly at about 98.2 deg (CloudSat, 705 km: 98.2 deg).
    assert math.degrees(elements[0].inclination_rad) == pytest.approx(98.2, abs=0.05)
    local = local_time_of_ascending_node_hours([x.raan_rad for x in elements], elements[0].inclination_rad, EPOCH)
    np.testing.assert_allclose(local, [10.5] * 3 + [22.5] * 3, atol=1e-9)
    u = np.degrees([x.true_anomaly_rad for x in elements[:3]])
    np.testing.assert_allclose(u, [5.0, 125.0, 245.0], atol=1e-9)


def test_mean_and_apparent_local_times_differ_by_the_equation_of_time():
    # Meeus, Astronomical Algorithms, 2nd ed. (1998), example 28.b: on 1992 October 13.0 TD the
    # equation of time is +13 min 42.7 s. Our apparent Sun has no annual aberration (1.4 s of time
    # here), so 2 s is the tolerance.
    epoch = Time.from_iso("1992-10-13T00:00:00", TimeScale.TT)
    inclination = math.radians(98.0)
    mean = ascending_node_raan_rad(12.0, inclination, epoch, SolarTime.MEAN)
    apparent = ascending_node_raan_rad(12.0, inclination, epoch, SolarTime.APPARENT)
    equation_of_time_s = math.degrees(float(mean - apparent)) * 240.0
    assert equation_of_time_s == pytest.approx(13 * 60 + 42.7, abs=2.0)


def test_ascending_node_raan_takes_arrays_and_inverts():
    inclination = math.radians(97.5)
    hours = np.array([0.0, 6.0, 13.25, 23.9])
    raan = ascending_node_raan_rad(hours, inclination, EPOCH)
    assert raan.shape == (4,)
    np.testing.assert_allclose(local_time_of_ascending_node_hours(raan, inclination, EPOCH), hours, atol=1e-9)
    single = ascending_node_raan_rad(13.25, inclination, EPOCH)
    assert float(single) == pytest.approx(raan[2], abs=1e-13)


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, field, message", [
    ((53.0, 24, 5, 1), "total_satellites",
     "Walker 53.0:24/5/1: t = 24 satellites is not a multiple of p = 5 planes (every plane holds t/p satellites, "
     "a whole number)"),
    ((53.0, 24, 3, 3), "phasing",
     "Walker 53.0:24/3/3: phasing f = 3 is out of range: f must be a whole number from 0 to p - 1 = 2"),
    ((53.0, 24, 3, -1), "phasing",
     "Walker 53.0:24/3/-1: phasing f = -1 is out of range: f must be a whole number from 0 to p - 1 = 2"),
    ((53.0, 24, 0, 0), "planes", "Walker 53.0:24/0/0: the number of planes p must be at least 1, got 0"),
    ((53.0, 0, 1, 0), "total_satellites",
     "Walker 53.0:0/1/0: the number of satellites t must be at least 1, got 0"),
    ((53.0, 24.5, 3, 1), "total_satellites", "Walker 53.0:24.5/3/1: total_satellites must be a whole number, got 24.5"),
    ((53.0, 24, 3, True), "phasing", "Walker 53.0:24/3/True: phasing must be a whole number, got True"),
    ((190.0, 24, 3, 1), "inclination_deg", "Walker 190.0:24/3/1: inclination must be from 0 to 180 deg, got 190.0"),
])
def test_bad_walker_patterns_state_the_rule(args, field, message):
    with pytest.raises(InvalidInputError) as error:
        WalkerSpec(*args)
    assert str(error.value) == f"field {field}: {message}"
    assert error.value.exit_code == 2


def test_bad_walker_pattern_name():
    with pytest.raises(InvalidInputError, match=r"field pattern: Walker 53:24/3/1: pattern must be one of delta, "
                                                r"star, got 'spiral'"):
        WalkerSpec(53, 24, 3, 1, "spiral")


@pytest.mark.parametrize("text", ["53/24/3/1", "53:24/3", "fifty:24/3/1", "53:24/3/1.5", ""])
def test_bad_walker_notation(text):
    with pytest.raises(InvalidInputError) as error:
        WalkerSpec.from_notation(text)
    assert str(error.value) == ("field walker: expected Walker notation i:t/p/f such as '53:24/3/1' (inclination in "
                                f"deg : satellites / planes / phasing), got {text!r}")


def test_notation_with_spaces_and_decimals():
    spec = WalkerSpec.from_notation(" 97.5 : 12 / 4 / 3 ")
    assert (spec.inclination_deg, spec.total_satellites, spec.planes, spec.phasing) == (97.5, 12, 4, 3)


@pytest.mark.parametrize("kwargs, field, message", [
    ({"altitude_m": 0.0}, "altitude_m", "expected a finite number > 0 m, got 0.0"),
    ({"altitude_m": float("nan")}, "altitude_m", "expected a finite number > 0 m, got nan"),
    ({"eccentricity": 1.0}, "eccentricity", "expected a finite number >= 0 and < 1, got 1.0"),
    ({"eccentricity": 0.2}, "eccentricity", "perigee radius a (1 - e) = 5542.510 km lies inside the Earth "
                                            "(equatorial radius 6378.137 km) for altitude 550 km and e = 0.2"),
    ({"raan_offset_deg": float("inf")}, "raan_offset_deg", "expected a finite number, got inf"),
    ({"frame": Frame.ITRS}, "frame", "frame: elements need an inertial frame (TEME, GCRS or EME2000), got ITRS"),
    ({"frame": "ECEF"}, "frame", "frame must be one of TEME, GCRS, EME2000, got 'ECEF'"),
    ({"epoch": "2026-03-20"}, "epoch", "epoch must be a single cosmodrome.time.Time instant, got '2026-03-20'"),
])
def test_bad_walker_orbit_arguments(kwargs, field, message):
    arguments = {"altitude_m": 550e3, "epoch": EPOCH}
    arguments.update(kwargs)
    with pytest.raises(InvalidInputError) as error:
        walker_elements(WalkerSpec(53.0, 24, 3, 1), arguments.pop("altitude_m"), arguments.pop("epoch"), **arguments)
    assert str(error.value) == f"field {field}: {message}"


@pytest.mark.parametrize("ltan, kwargs, field, message", [
    (24.0, {}, "ltan_hours", "local time of the ascending node must be from 0 to 24 h (24 excluded), got 24.0 h"),
    ([10.0, -1.0], {}, "ltan_hours", "local time of the ascending node must be from 0 to 24 h (24 excluded), "
                                     "got -1.0 h"),
    ([], {}, "ltan_hours", "expected one or more local times in hours, got []"),
    ("10", {}, "ltan_hours", "expected one or more local times in hours, got '10'"),
    ([[10.0]], {}, "ltan_hours", "expected one or more local times in hours, got [[10.0]]"),
    (10.0, {"satellites_per_plane": 0}, "satellites_per_plane",
     "sun-synchronous: satellites_per_plane must be at least 1, got 0"),
    (10.0, {"frame": Frame.TEME}, "frame", "frame: sun-synchronous planes are laid out in GCRS (or EME2000), got TEME"),
    (10.0, {"solar_time": "sidereal"}, "solar_time", "expected one of mean, apparent, got 'sidereal'"),
])
def test_bad_sun_synchronous_arguments(ltan, kwargs, field, message):
    with pytest.raises(InvalidInputError) as error:
        sun_synchronous_elements(700e3, ltan, EPOCH, **kwargs)
    assert str(error.value) == f"field {field}: {message}"


def test_no_sun_synchronous_orbit_above_about_5970_km():
    with pytest.raises(InfeasibleRequestError) as error:
        sun_synchronous_elements(7000e3, 10.0, EPOCH)
    assert str(error.value).startswith("no sun-synchronous orbit at altitude 7000 km (e = 0): the J2 nodal "
                                       "regression there is slower than the mean Sun's 0.9856 deg/day")
    assert error.value.exit_code == 3


def test_bad_propagator_requests():
    elements = walker_elements(WalkerSpec(53.0, 2, 2, 1), 550e3, EPOCH)
    with pytest.raises(InvalidInputError, match=r"field model: expected one of j2_secular, numerical, got 'sgp4'"):
        constellation_propagator(elements, model="sgp4")
    with pytest.raises(InvalidInputError, match=r"field elements: expected one or more KeplerianElements"):
        constellation_propagator(())
    teme = walker_elements(WalkerSpec(53.0, 2, 2, 1), 550e3, EPOCH, frame=Frame.TEME)
    with pytest.raises(InvalidInputError, match=r"field frame: the numerical propagator integrates in GCRS"):
        constellation_propagator(teme, model=PropagatorModel.NUMERICAL)
