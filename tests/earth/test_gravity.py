"""Gravitation of the Earth: point mass plus J2 (earth.gravity)."""

from __future__ import annotations

import csv
import math
from pathlib import Path

import numpy as np
import pytest

from cosmodrome.earth.constants import WGS84_GM_M3_S2, WGS84_J2
from cosmodrome.earth.geodesy import geodetic_to_ecef
from cosmodrome.earth.gravity import gravity_j2_m_s2

FT = 0.3048
NESC_DIR = Path(__file__).resolve().parents[2] / ".." / "shared" / "reference" / "nesc-checkcases"


def test_point_mass_limit_when_j2_is_zero():
    r = np.array([[7000e3, -1200e3, 3000e3], [0.0, 0.0, 6400e3]])
    g = gravity_j2_m_s2(r, j2=0.0)
    rn = np.linalg.norm(r, axis=-1, keepdims=True)
    assert g == pytest.approx(-WGS84_GM_M3_S2 * r / rn**3, rel=1e-15)


def test_j2_from_wgs84_tr8350_2():
    # NIMA TR8350.2 (3rd ed.), EGM96 normalised C20 = -0.484166774985e-3; J2 = -sqrt(5) C20.
    assert WGS84_J2 == pytest.approx(-math.sqrt(5.0) * -0.484166774985e-3, rel=1e-15)
    # = 1.08262982131e-3, the EGM96 (tide-free) J2 that WGS-84 adopts.
    assert WGS84_J2 == pytest.approx(1.08262982131e-3, rel=1e-11)


def test_j2_strengthens_gravity_at_the_equator_and_weakens_it_at_the_pole():
    # Vallado eq. 8-30 at r = R_eq: factor (1 + 1.5 J2) at the equator, (1 - 3 J2) along the axis.
    r = 6378137.0
    g = gravity_j2_m_s2(np.array([[r, 0.0, 0.0], [0.0, 0.0, r]]))
    mu_r2 = WGS84_GM_M3_S2 / r**2
    assert -g[0, 0] == pytest.approx(mu_r2 * (1 + 1.5 * WGS84_J2), rel=1e-14)
    assert -g[1, 2] == pytest.approx(mu_r2 * (1 - 3.0 * WGS84_J2), rel=1e-14)


@pytest.mark.skipif(not NESC_DIR.is_dir(), reason=f"NESC reference files not found at {NESC_DIR}")
@pytest.mark.parametrize("case, height_ft", [("Atmos_01", 30000.0), ("Atmos_09", 0.0)])
@pytest.mark.parametrize("tool", ["sim_02", "sim_04"])
def test_local_gravity_matches_nesc_at_t0(case, height_ft, tool):
    # NASA/TM-2015-218675 check cases, column localGravity_ft_s2 at t = 0 (lat 0, lon 0).
    # Their value is gravitation only, without the centrifugal term: ours matches it to 1e-9
    # relative (sim_04) and 4e-8 (sim_02), while subtracting w^2 r (0.111 ft/s^2) would miss by
    # 0.35 %. Bound 1e-7 relative: sim_02 prints 10 significant figures of its own constants.
    with (NESC_DIR / f"{case}_{tool}.csv").open() as f:
        reference = float(next(csv.DictReader(f))["localGravity_ft_s2"])
    g = gravity_j2_m_s2(geodetic_to_ecef(0.0, 0.0, height_ft * FT))
    assert np.linalg.norm(g) / FT == pytest.approx(reference, rel=1e-7)
