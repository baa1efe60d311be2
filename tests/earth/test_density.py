"""Tabulated thermospheric density for drag (earth.density)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cosmodrome.earth.atmosphere import us1976
from cosmodrome.earth.density import (DensityModel, SpaceWeather, annual_density_table, density_kg_m3,
                                      density_table)
from cosmodrome.errors import InvalidInputError
from cosmodrome.time import Time

EPOCH = Time.from_utc_iso("2024-03-20T06:00:00Z")


def test_table_reproduces_nrlmsis_at_random_points():
    # NRLMSIS 2.1 called directly (pymsis) against the multilinear table (4 km, 10 deg, 1 h).
    # Measured: below 250 km at most 1.9 % (RMS 0.6 %), above at most 2.3 % (RMS 0.5 %, from the
    # latitude and local-time steps). The model itself is uncertain by 10-20 %.
    msis = pytest.importorskip("pymsis.msis")
    table = density_table(DensityModel.NRLMSIS21, EPOCH)
    rng = np.random.default_rng(3)
    n = 2000
    h = rng.uniform(100e3, 1000e3, n)
    lat = rng.uniform(-89.0, 89.0, n)
    lon = rng.uniform(0.0, 360.0, n)
    direct = msis.calculate(np.repeat(np.datetime64("2024-03-20T06:00"), n), lon, lat, h / 1e3,
                            np.full(n, 140.0), np.full(n, 140.0), np.full((n, 7), 15.0))[:, 0]
    mine = density_kg_m3(table, 0.0, h, np.radians(lat), (6.0 + lon / 15.0) % 24.0)
    rel = mine / direct - 1.0
    assert np.max(np.abs(rel)) < 0.03
    assert np.sqrt(np.mean(rel**2)) < 0.01


def test_us1976_table_matches_the_standard_atmosphere():
    # Between the 4 km nodes ln rho is interpolated linearly: at most 1.5 % off near 100-120 km
    # (where the scale height changes fastest), 0.1 % above 200 km.
    table = density_table(DensityModel.US1976, EPOCH)
    h = np.array([100e3, 101e3, 150e3, 203e3, 350e3, 702e3, 998e3])
    got = density_kg_m3(table, 0.0, h, 0.3, 5.0)
    assert got == pytest.approx(us1976(h)[2], rel=0.015)
    assert density_kg_m3(table, 0.0, 400e3, 0.0, 0.0) == pytest.approx(us1976(400e3)[2], rel=1e-3)


def test_activity_raises_the_density_and_local_time_matters():
    low = density_table(DensityModel.NRLMSIS21, EPOCH, space_weather=SpaceWeather.low())
    high = density_table(DensityModel.NRLMSIS21, EPOCH, space_weather=SpaceWeather.high())
    assert density_kg_m3(high, 0.0, 500e3, 0.0, 14.0) > 5 * density_kg_m3(low, 0.0, 500e3, 0.0, 14.0)
    # diurnal bulge: mid-afternoon denser than before dawn at 500 km
    assert density_kg_m3(high, 0.0, 500e3, 0.0, 14.0) > 1.5 * density_kg_m3(high, 0.0, 500e3, 0.0, 4.0)


def test_scalar_and_array_paths_agree_and_nan_gives_nan():
    table = density_table(DensityModel.NRLMSIS21, EPOCH, height_max_m=600e3)
    h = np.array([200e3, 450e3, 800e3])
    many = density_kg_m3(table, 100.0, h, 0.5, 13.0)
    for k in range(3):
        assert density_kg_m3(table, 100.0, h[k], 0.5, 13.0) == many[k]
    assert np.isnan(density_kg_m3(table, 0.0, np.nan, 0.0, 0.0))
    # local time wraps: 25 h is 1 h
    assert density_kg_m3(table, 0.0, 400e3, 0.2, 25.0) == pytest.approx(density_kg_m3(table, 0.0, 400e3, 0.2, 1.0))


def test_annual_table_repeats_every_year():
    table = annual_density_table(DensityModel.NRLMSIS21, EPOCH, tables_per_year=4, height_max_m=500e3)
    year_s = 365.25 * 86400.0
    for t in (0.0, 0.3 * year_s, 0.9 * year_s):
        assert density_kg_m3(table, t + year_s, 400e3, 0.1, 10.0) == pytest.approx(
            density_kg_m3(table, t, 400e3, 0.1, 10.0), rel=1e-12)


def test_space_weather_out_of_range_names_the_field():
    with pytest.raises(InvalidInputError, match="field ap: expected a number from 0 to 400, got -3"):
        SpaceWeather(140.0, 140.0, -3.0)
    assert SpaceWeather() == SpaceWeather.moderate()
    assert math.isclose(SpaceWeather().f107_sfu, 140.0)
