"""The kernels under the pass search: the interpolated Earth rotation against cosmodrome.frames, the
orbit's speed and acceleration bounds against SGP4 itself, and the gap bounds on known functions.

The search's guarantee (no pass of the minimum duration or longer missed) rests on these bounds
holding; docs/passes.md derives them, these tests check them on real orbits of every kind.
"""

from __future__ import annotations

import importlib.resources
from pathlib import Path

import numpy as np
import pytest
from sgp4.api import Satrec

from cosmodrome.frames import frame_rotations, teme_to_itrs
from cosmodrome.io.tle import read_tle
from cosmodrome.observe import _screen
from cosmodrome.observe._states import EarthRotation, SatelliteStates
from cosmodrome.orbits.sgp4_source import Sgp4Propagator
from cosmodrome.time import Time

DATA = Path(__file__).parent / "data"


@pytest.mark.parametrize("polar_motion", [True, False])
def test_interpolated_rotation_matches_frames(polar_motion):
    # Reference: frames.teme_to_itrs with the ERFA matrices of each instant. Tolerance 1 mm and
    # 1e-6 m/s (docs: GMST82 interpolation error < 1e-11 rad, 0.5 mm at GEO distance).
    start = Time.from_utc_iso("2024-02-28T21:37:00Z")  # the window crosses a day boundary (EOP node)
    rotation = EarthRotation(start, 3 * 86400.0, polar_motion=polar_motion)
    rng = np.random.default_rng(4)
    t = np.sort(rng.uniform(0.0, 3 * 86400.0, 2000))
    r = rng.normal(0.0, 3e7, (2000, 3))
    v = rng.normal(0.0, 5e3, (2000, 3))
    ours_r, ours_v = rotation.teme_to_itrs(t, r, v)
    times = Time(start.tai_jd1, start.tai_jd2 + t / 86400.0)
    ref_r, ref_v = teme_to_itrs(frame_rotations(times, polar_motion=polar_motion), r, v)
    assert np.max(np.abs(ours_r - ref_r)) < 1e-3
    assert np.max(np.abs(ours_v - ref_v)) < 1e-6


def test_pairs_and_grid_evaluations_agree_with_the_propagator():
    records = read_tle(DATA / "passes_satellites.tle")
    start = Time.from_utc_iso("2018-03-22T10:00:00Z")
    states = SatelliteStates([record.to_satrec() for record in records], start)
    t = np.array([0.0, 1234.5, 86400.0])
    grid_r, grid_v = states.grid(np.arange(len(records)), t)
    sat = np.array([4, 0, 3, 4, 1])
    times = np.array([86400.0, 0.0, 1234.5, 0.0, 86400.0])
    pair_r, pair_v = states.pairs(sat, times)
    column = {0.0: 0, 1234.5: 1, 86400.0: 2}
    for k, (s, when) in enumerate(zip(sat, times)):
        assert np.array_equal(pair_r[k], grid_r[s, column[when]], equal_nan=True)
        assert np.array_equal(pair_v[k], grid_v[s, column[when]], equal_nan=True)
    # And both are what Sgp4Propagator gives (same SGP4 call, same km -> m).
    ephemeris = Sgp4Propagator(records).propagate(Time(start.tai_jd1, start.tai_jd2 + t / 86400.0))
    assert np.allclose(ephemeris.position_m, grid_r, rtol=0, atol=1e-6, equal_nan=True)


def _verification_satrecs():
    """Every element set of Vallado's SGP4-VER.TLE (sgp4 package) that propagates a week cleanly."""
    text = (importlib.resources.files("sgp4") / "SGP4-VER.TLE").read_text(encoding="ascii").splitlines()
    out = []
    for k, line in enumerate(text):
        if line.startswith("1 "):
            out.append(Satrec.twoline2rv(line, text[k + 1][:69]))
    return out


def test_speed_and_acceleration_bounds_hold_on_real_orbits():
    # The bounds V >= |v_itrs| and A >= |a_itrs| (docs/passes.md) from a coarse sample (four per
    # orbit, as the search takes them), checked every 20 s over 3 days against SGP4 itself, the
    # acceleration by central differences of SGP4 velocities 0.5 s apart (truncation
    # |a''| h^2 / 6 < 1e-5 m/s^2, far below the margins).
    satrecs = [r.to_satrec() for r in read_tle(DATA / "passes_satellites.tle")] + _verification_satrecs()
    checked = 0
    days = 3 * 86400.0
    for satrec in satrecs:
        start = Time.from_utc_jd(satrec.jdsatepoch, satrec.jdsatepochF)
        states = SatelliteStates([satrec], start)
        period_s = 2.0 * np.pi / satrec.no_kozai * 60.0
        r, v = states.grid([0], np.arange(0.0, days, period_s / 4.0))
        if not np.all(np.isfinite(r)):
            continue  # decays in the window: SGP4 error codes, not a bound question
        speed, accel = _screen.orbit_bounds(r, v)
        rotation = EarthRotation(start, days + 60.0)
        h = 0.5
        t = np.arange(h, days, 20.0)

        def itrs_velocity(times):
            r_teme, v_teme = states.grid([0], times)
            return rotation.teme_to_itrs(times, r_teme[0], v_teme[0])[1]

        v_itrs = itrs_velocity(t)
        acceleration = (itrs_velocity(t + h) - itrs_velocity(t - h)) / (2.0 * h)
        if not np.all(np.isfinite(acceleration)):
            continue
        assert np.max(np.linalg.norm(v_itrs, axis=1)) <= speed[0], satrec.satnum
        assert np.max(np.linalg.norm(acceleration, axis=1)) <= accel[0], satrec.satnum
        checked += 1
    assert checked >= 20


def _sinusoids(rng, n):
    amplitude = rng.uniform(0.1, 2.0, n)
    omega = rng.uniform(1e-4, 5e-2, n)
    phase = rng.uniform(0.0, 2.0 * np.pi, n)
    span = rng.uniform(1.0, 500.0, n)
    return amplitude, omega, phase, span


def test_quadratic_bounds_contain_the_function_and_derivative_bound_holds():
    # f = A sin(w t + p) has |f''| <= A w^2: the bounds must contain f and f' on every gap.
    rng = np.random.default_rng(7)
    amplitude, omega, phase, span = _sinusoids(rng, 5000)
    f = lambda t: amplitude * np.sin(omega * t + phase)
    df = lambda t: amplitude * omega * np.cos(omega * t + phase)
    curvature = amplitude * omega ** 2
    upper = _screen.quadratic_upper_bound(f(0), df(0), f(span), df(span), curvature, span)
    lower = _screen.quadratic_lower_bound(f(0), df(0), f(span), df(span), curvature, span)
    slope_low = _screen.derivative_lower_bound(df(0), df(span), curvature, span)
    fractions = np.linspace(0.0, 1.0, 201)[:, None]
    values = f(fractions * span)
    slopes = df(fractions * span)
    assert np.all(values.max(axis=0) <= upper + 1e-12)
    assert np.all(values.min(axis=0) >= lower - 1e-12)
    assert np.all(slopes.min(axis=0) >= slope_low - 1e-12)
    # Not vacuous: at t the parabola from the left end is within c t^2 of f (both curvatures are at
    # most c) and the one from the right within c (span - t)^2, so the bound exceeds the true
    # maximum by at most c span^2 / 4.
    assert np.all(upper - values.max(axis=0) <= curvature * span ** 2 / 4.0 + 1e-12)
    # Scalar path: f(0) = f(2) = 0, f'(0) = 1, f'(2) = -1, |f''| <= 2: the parabolas t + t^2 and
    # (2 - t) + (2 - t)^2 meet at t = 1, at 2. Infinite curvature gives no bound.
    assert _screen.quadratic_upper_bound(0.0, 1.0, 0.0, -1.0, 2.0, 2.0) == pytest.approx(2.0)
    assert _screen.quadratic_upper_bound(0.0, 1.0, 0.0, -1.0, np.inf, 2.0) == np.inf
    assert _screen.derivative_lower_bound(1.0, 1.0, 0.5, 2.0) == pytest.approx(0.5)


def test_elevation_curvature_bound_holds_along_real_passes():
    # |d^2 sin(el)/dt^2| <= A / rho + (2 / sqrt 3) V^2 / rho^2 (docs/passes.md), checked every
    # second over a day of the ISS and of the GTO object from Toulouse, second differences of
    # sin(el) (truncation < 1e-9 1/s^2) against the bound at the sampled range.
    from cosmodrome.observe import GroundSite

    site = GroundSite("Toulouse", 43.5603, 1.4808, 150.0)
    for record in read_tle(DATA / "passes_satellites.tle")[::3]:
        satrec = record.to_satrec()
        start = Time.from_utc_jd(satrec.jdsatepoch, satrec.jdsatepochF)
        states = SatelliteStates([satrec], start)
        coarse = np.arange(0.0, 86400.0, 2.0 * np.pi / satrec.no_kozai * 15.0)
        speed, accel = _screen.orbit_bounds(*states.grid([0], coarse))
        t = np.arange(0.0, 86400.0, 1.0)
        rotation = EarthRotation(start, 86400.0)
        r, v = rotation.teme_to_itrs(t, *[x[0] for x in states.grid([0], t)])
        basis = site.east_north_up
        look = _screen.look(r, v, site.position_itrs_m, basis[0], basis[1], basis[2])
        s = look.sin_elevation
        second = (s[2:] - 2.0 * s[1:-1] + s[:-2])
        bound = _screen.sin_elevation_curvature(look.range_m[1:-1], speed[0], accel[0])
        assert np.all(np.abs(second) <= bound), record.name
        # The analytic rate agrees with the differences (a check on look()); the central difference
        # is off by |s'''| h^2 / 6, up to ~2e-6 1/s at the 400 km closest approach of the ISS.
        assert np.allclose(look.sin_elevation_rate[1:-1], 0.5 * (s[2:] - s[:-2]), atol=1e-5)


def test_compiled_kernels_agree_with_their_numpy_references(monkeypatch):
    # _compiled.rotate_and_look and gap_status are numba twins of EarthRotation.teme_to_itrs +
    # _screen.look and passes._gap_status_numpy: look quantities to rounding, gap classes exactly,
    # on the real samples of a search (ISS and GTO over two sites, one with a range limit and an
    # azimuth mask) and on random gaps.
    from cosmodrome.observe import AzimuthMask, GroundSite, passes

    records = [r for r in read_tle(DATA / "passes_satellites.tle") if r.catalogue_number in (25544, 29274)]
    sites = [GroundSite("Toulouse", 43.5603, 1.4808, 150.0),
             GroundSite("masked", -30.0, 20.0, 0.0, max_range_m=3e6,
                        azimuth_mask=AzimuthMask((0.0, 90.0), (5.0, 12.0)))]
    start = Time.from_utc_iso("2018-03-22T10:00:00Z")
    satellites, ids = passes._satellites(records)
    search = passes._Search(satellites, ids, passes._sites(sites, None), start, 86400.0, 10.0, True)
    search.screen()
    search.refine()
    columns = search.samples.table()
    n = len(columns["t"])
    rng = np.random.default_rng(11)
    ia = rng.integers(0, n - 1, 20000)
    ib = np.minimum(ia + rng.integers(1, 40, 20000), n - 1)
    same_track = columns["track"][ia] == columns["track"][ib]
    ia, ib = ia[same_track], ib[same_track]
    order = columns["t"][ib] > columns["t"][ia]
    ia, ib = ia[order], ib[order]
    track = columns["track"][ia]
    monkeypatch.setattr(passes, "COMPILED", True)
    compiled = search._gap_status(columns, ia, ib, track // 2, track % 2)
    monkeypatch.setattr(passes, "COMPILED", False)
    reference = search._gap_status(columns, ia, ib, track // 2, track % 2)
    assert np.array_equal(compiled[0], reference[0]) and np.array_equal(compiled[1], reference[1])
    assert compiled[0].any() and compiled[1].any() and (~compiled[0] & ~compiled[1]).any()
    # Look quantities at random pairs, both paths.
    t = rng.uniform(0.0, 86400.0, 3000)
    sat = rng.integers(0, 2, 3000)
    site = rng.integers(0, 2, 3000)
    r, v = search.states.pairs(sat, t)
    monkeypatch.setattr(passes, "COMPILED", True)
    fast, fast_r, fast_v = search._look(t, r, v, site)
    monkeypatch.setattr(passes, "COMPILED", False)
    slow, slow_r, slow_v = search._look(t, r, v, site)
    assert np.allclose(fast_r, slow_r, rtol=0, atol=1e-6) and np.allclose(fast_v, slow_v, rtol=0, atol=1e-9)
    for name in ("sin_elevation", "sin_elevation_rate", "range_m", "range_rate_m_s", "azimuth_rad",
                 "azimuth_rate_rad_s", "elevation_rad"):
        assert np.allclose(getattr(fast, name), getattr(slow, name), rtol=1e-12, atol=1e-12), name


def test_numpy_path_finds_the_same_passes(monkeypatch):
    from cosmodrome.observe import GroundSite, find_passes, passes

    record = read_tle(DATA / "passes_satellites.tle")[0]
    site = GroundSite("Toulouse", 43.5603, 1.4808, 150.0)
    start = Time.from_utc_iso("2008-09-20T13:00:00Z")
    compiled = find_passes(record, site, start, 2 * 86400.0)
    monkeypatch.setattr(passes, "COMPILED", False)
    reference = find_passes(record, site, start, 2 * 86400.0)
    assert len(compiled) == len(reference) > 0
    for column in ("rise_tai_mjd", "culmination_tai_mjd", "set_tai_mjd"):
        assert np.allclose(compiled[column], reference[column], rtol=0, atol=1e-9 / 86400.0)
