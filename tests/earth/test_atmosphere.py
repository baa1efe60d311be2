"""US Standard Atmosphere 1976 against the values printed in the standard's Table I.

Reference: NOAA-S/T 76-1562 (NASA-TM-X-74335), October 1976, Table I; values and provenance in
tests/earth/data/us1976_table.csv (every whole kilometre from 0 to 86 km, then the upper nodes).
Tolerances are the print precision: half a unit in the last printed digit for temperature and
density (the table rounds them) and one unit for pressure (the table's pressures are truncated,
not rounded: 10 km computes to 264.999 mb and is printed 2.6499+2 mb; 15 km 121.118 mb printed
1.2111+2; every layer-base pressure shows the same). The ratio columns P/P0 and rho/rho0 of the
same table are held to the same rules as P and rho.
"""

from __future__ import annotations

import csv
import time
from decimal import Decimal
from pathlib import Path

import numpy as np
import pytest

from cosmodrome.earth.atmosphere import R0_M, us1976, us1976_table

DATA = Path(__file__).parent / "data" / "us1976_table.csv"

# Table 8 of the standard: M/M0 between 80 and 86 km geometric altitude, every 0.5 km.
TABLE8_Z_M = np.arange(80000.0, 86001.0, 500.0)
TABLE8_RATIO = np.array([1.000000, 0.999996, 0.999989, 0.999971, 0.999941, 0.999909, 0.999870,
                         0.999829, 0.999786, 0.999741, 0.999694, 0.999641, 0.999579])


def _rows():
    with DATA.open() as f:
        return list(csv.DictReader(line for line in f if not line.startswith("#")))


def _unit(text: str) -> float:
    """Value of one unit in the last printed digit of ``text``."""
    return float(Decimal(1).scaleb(Decimal(text).as_tuple().exponent))


def _geometric(row) -> float:
    value = float(row["altitude_m"])
    if row["altitude_kind"] == "geopotential":
        return R0_M * value / (R0_M - value)  # inverse of eq. 18
    return value


LOW = [r for r in _rows() if _geometric(r) <= 86000.0]
HIGH = [r for r in _rows() if _geometric(r) > 86000.0]

# Sea-level values the ratio columns of Table I are taken against (Table I at 0 m; section 1.2.1).
P0_PA = 101325.0
RHO0_KG_M3 = 1.2250

# Printed temperatures that the defining equations (eqs. 18 and 23 with Table 4) miss by a hair:
# the exact value lies just past the rounding boundary, so the model rounds to the neighbouring
# last digit. Exact kinetic T: 34 km 233.743519 K (printed 233.743), 61 km 244.273431 K (printed
# 244.274), 79 km 200.589474 K (printed 200.590), i.e. 0.019, 0.069 and 0.026 mK beyond half a
# unit. The table's own arithmetic, not a typing slip: two independent transcriptions (sources D
# and E of the data file) both read 233.743 at 34 km. Kept out of the print-precision test and
# reported by test_table_i_temperatures_off_by_its_own_rounding instead of widening the tolerance.
TABLE_ROUNDING_T_M = (34000.0, 61000.0, 79000.0)


def _ids(rows):
    return [f"{r['altitude_kind'][:4]}-{r['altitude_m']}" for r in rows]


@pytest.mark.parametrize("row", LOW, ids=_ids(LOW))
def test_below_86_km_matches_table_i_to_print_precision(row):
    z = _geometric(row)
    t, p, rho, _ = us1976(z)
    if (text := row["temperature_K"]) and z not in TABLE_ROUNDING_T_M:
        assert abs(t - float(text)) <= 0.5 * _unit(text) + 1e-9
    # T_M = T / (M/M0), Table 8.
    t_m = t / np.interp(z, TABLE8_Z_M, TABLE8_RATIO, left=1.0)
    if (text := row["molecular_temperature_K"]) and z not in TABLE_ROUNDING_T_M:
        assert abs(t_m - float(text)) <= 0.5 * _unit(text) + 1e-9
    if text := row["pressure"]:
        scale = 100.0 if row["pressure_unit"] == "mb" else 1.0
        assert abs(p - scale * float(text)) <= scale * _unit(text) * (1 + 1e-9)
    if text := row["pressure_ratio"]:
        assert abs(p / P0_PA - float(text)) <= _unit(text) * (1 + 1e-9)
    # 1e-5 relative on top of half a unit: the table's own arithmetic (85 km computes to
    # 8.21950e-6, exactly on a rounding boundary, printed 8.2196-6 and rho/rho0 6.7099-6).
    if text := row["density_kg_m3"]:
        assert abs(rho - float(text)) <= 0.5 * _unit(text) + 1e-5 * float(text)
    if text := row["density_ratio"]:
        assert abs(rho / RHO0_KG_M3 - float(text)) <= 0.5 * _unit(text) + 1e-5 * float(text)


def test_table_covers_every_kilometre_to_86_km_with_t_p_and_rho():
    # The requirement: temperature, pressure (mb or P/P0) and density (kg/m^3 or rho/rho0)
    # at every whole kilometre of Table I from 0 to 86 km. Where a value is missing the data file's
    # header says why (47 and 49 km are not in transcription D; two of D's pressures are typos).
    rows = {int(r["altitude_m"]): r for r in LOW if r["altitude_kind"] == "geometric"}
    assert set(range(0, 86001, 1000)) <= set(rows)
    has = {
        "T": {z for z, r in rows.items() if r["temperature_K"] or r["molecular_temperature_K"]},
        "P": {z for z, r in rows.items() if r["pressure"] or r["pressure_ratio"]},
        "rho": {z for z, r in rows.items() if r["density_kg_m3"] or r["density_ratio"]},
    }
    every_km = set(range(0, 86001, 1000))
    assert every_km <= has["T"]
    assert every_km - has["P"] == {49000, 83000}
    assert every_km - has["rho"] == {47000, 49000}


@pytest.mark.xfail(strict=True, reason="Table I's own rounding; see TABLE_ROUNDING_T_M")
@pytest.mark.parametrize("z", TABLE_ROUNDING_T_M)
def test_table_i_temperatures_off_by_its_own_rounding(z):
    row = next(r for r in LOW if r["altitude_kind"] == "geometric" and float(r["altitude_m"]) == z)
    text = row["molecular_temperature_K"]
    t_m = us1976(z)[0] / np.interp(z, TABLE8_Z_M, TABLE8_RATIO, left=1.0)
    assert abs(t_m - float(text)) <= 0.5 * _unit(text) + 1e-9


def test_kinetic_temperature_at_86_km_is_the_standards_t7():
    # Section 1.2.5: T_7 = 186.8673 K at 86 km = T_M (186.946 K) * M/M0 (0.999579, Table 8).
    t, _, _, _ = us1976(86000.0)
    assert t == pytest.approx(186.8673, abs=2e-4)


@pytest.mark.parametrize("row", HIGH, ids=_ids(HIGH))
def test_above_86_km_within_stated_accuracy(row):
    z = _geometric(row)
    t, p, rho, _ = us1976(z)
    # Density: log-linear interpolation through the printed nodes, so at a node it returns the
    # printed value (4 significant figures).
    assert rho == pytest.approx(float(row["density_kg_m3"]), rel=5e-4)
    # Temperature: defining equations of section 1.2.5, exact; table printed to 0.01 K.
    if row["temperature_K"]:
        assert abs(t - float(row["temperature_K"])) <= 0.5 * _unit(row["temperature_K"]) + 1e-6
    # Pressure: hydrostatic integral of the interpolated density from the 1000 km value; the
    # standard's pressure is n k T from diffusive equilibrium, so they differ: 1 % stated.
    if row["pressure"]:
        assert p == pytest.approx(float(row["pressure"]), rel=1e-2)


def test_density_between_upper_nodes_within_half_percent():
    # Leave-one-out: interpolating across two intervals and comparing with the dropped printed
    # node bounds the error at the real spacing by about a quarter of what is seen here
    # (interpolation error grows with the square of the step): 1.7 % here means < 0.5 %.
    nodes = np.array([(_geometric(r), float(r["density_kg_m3"])) for r in HIGH])
    nodes = np.vstack([[86000.0, us1976(86000.0)[2]], nodes])
    z, ln_rho = nodes[:, 0], np.log(nodes[:, 1])
    mid = np.interp(z[1:-1], z[::2], ln_rho[::2])  # only meaningful for odd points
    err = np.abs(np.expm1(mid - ln_rho[1:-1]))[::2]
    assert err.max() < 0.02


def test_continuous_across_86_km():
    below = np.array(us1976(86000.0 - 1e-3))
    above = np.array(us1976(86000.0 + 1e-3))
    # Temperature and density are continuous to the table's print precision; pressure joins the
    # hydrostatic integral to 0.02 %.
    assert above[0] == pytest.approx(below[0], abs=1e-3)
    assert above[2] == pytest.approx(below[2], rel=5e-4)
    assert above[1] == pytest.approx(below[1], rel=2e-4)


def test_above_1000_km_extrapolates_exponentially_and_stays_finite():
    t, p, rho, a = us1976(np.array([1000e3, 1500e3, 5000e3]))
    assert np.all(np.isfinite([t, p, rho, a]))
    assert rho[0] > rho[1] > rho[2] > 0.0
    assert t[1] == pytest.approx(1000.0, abs=1e-3)


def test_speed_of_sound_sea_level():
    # Table III of the standard: C_s = 340.294 m/s at sea level.
    assert us1976(0.0)[3] == pytest.approx(340.294, abs=5e-4)


def test_down_to_minus_5_km():
    # Table I, -5 km: T = 320.650 K, P = 1.7776+3 mb, rho = 1.9305 kg/m^3 (layer-1 formula).
    t, p, rho, _ = us1976(-5000.0)
    assert t == pytest.approx(320.676, abs=0.03)  # geometric -5 km is H = -5003.9 m'
    assert p > 101325.0 and rho > 1.225


def test_scalar_and_array_shapes_agree():
    z = np.array([[0.0, 11e3, 90e3], [150e3, 500e3, -1e3]])
    out = us1976(z)
    for k, arr in enumerate(out):
        assert arr.shape == z.shape
        for idx in np.ndindex(z.shape):
            assert float(us1976(z[idx])[k]) == pytest.approx(float(arr[idx]), rel=1e-14)
    assert np.ndim(us1976(1000.0)[0]) == 0


def test_array_call_is_cheap():
    # Not a benchmark (bench/ owns speed); a guard against a per-element Python loop.
    z = np.linspace(0.0, 200e3, 1000)
    start = time.perf_counter()
    for _ in range(20):
        us1976(z)
    assert (time.perf_counter() - start) / 20 < 5e-3


# The flight's tabulated atmosphere against the exact model above (earth/atmosphere.py describes
# the table). 2e-6 relative is the table's documented accuracy: 20 times finer than the 1e-5 the
# ascent needs for payloads to 0.1 % and far below the standard's own 4-figure print precision.
TABLE_TOLERANCE = 2e-6


def test_table_matches_exact_model_from_minus_10_to_10000_km():
    rng = np.random.default_rng(1976)
    z = np.concatenate([
        np.linspace(-10e3, 1000e3, 400_001),  # 2.5 m apart: every table interval, several times
        rng.uniform(-10e3, 150e3, 200_000),  # the dense lower atmosphere again, off any grid
        np.linspace(90e3, 111e3, 50_001),  # the sharply bent elliptical temperature segment
        rng.uniform(1000e3, 10_000e3, 1000),  # the single interval above the standard's range
    ])
    for exact, table, name in zip(us1976(z), us1976_table(z), ("T", "p", "rho", "sound")):
        assert np.max(np.abs(table / exact - 1.0)) < TABLE_TOLERANCE, name


def test_table_reproduces_the_jump_at_86_km_on_both_sides():
    # The exact model switches definitions at 86 km (test_continuous_across_86_km); the table
    # must follow each side, not smooth across.
    for z in (86000.0, 86000.0 - 1e-3, 86000.0 + 1e-3):
        assert np.array(us1976_table(z)) == pytest.approx(np.array(us1976(z)), rel=TABLE_TOLERANCE)


def test_table_is_exact_on_the_printed_sea_level_values():
    # Table I at 0 m: 288.150 K, 1.01325+3 mb, 1.2250 kg/m^3; Table III: 340.294 m/s.
    t, p, rho, a = us1976_table(0.0)
    assert (t, p, rho, a) == pytest.approx((288.15, 101325.0, 1.2250, 340.294), rel=TABLE_TOLERANCE)


def test_table_scalar_array_and_nan_paths():
    z = np.array([[0.0, 11e3, 90e3], [150e3, 500e3, -1e3]])
    out = us1976_table(z)
    for k, arr in enumerate(out):
        assert arr.shape == z.shape
        for idx in np.ndindex(z.shape):
            assert float(us1976_table(z[idx])[k]) == float(arr[idx])
    assert np.ndim(us1976_table(1000.0)[0]) == 0
    # Never raises: a NaN altitude gives NaN in every output, the other elements are unaffected.
    t, p, rho, a = us1976_table(np.array([np.nan, 0.0]))
    assert np.all(np.isnan([t[0], p[0], rho[0], a[0]])) and p[1] == pytest.approx(101325.0)
