"""Tabulated ephemerides as propagators (orbits.ephemeris_source), checked against the Kepler solution.

Reference: the two-body solution (orbits.kepler, itself checked against Vallado Example 2-4),
sampled on a grid and interpolated at the midpoints between samples, where interpolation error
is largest. The bounds are the measured errors with a factor ~3 of margin; the measured values
follow the expected power of the step (error ~ (n dt)^(degree+1)).
"""

from __future__ import annotations

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.frames import Frame
from cosmodrome.orbits.ephemeris_source import InterpolatingPropagator, InterpolationMethod
from cosmodrome.orbits.kepler import KeplerPropagator
from cosmodrome.orbits.propagator import Propagator, Status
from cosmodrome.orbits.records import KeplerianElements
from cosmodrome.time import Time

EPOCH = Time.from_utc_iso("2026-03-01T00:00:00Z")
LEO = KeplerianElements(6878137.0, 0.001, 1.7, 0.3, 0.5, 0.1, EPOCH, Frame.GCRS)
MOLNIYA = KeplerianElements(26560e3, 0.7, 1.107, 0.3, 4.7, 0.1, EPOCH, Frame.GCRS)


def _table_and_midpoints(elements, step_s, span_s=86400.0):
    kepler = KeplerPropagator(elements)
    grid = Time.grid(EPOCH, span_s, step_s)
    table = kepler.propagate(grid)
    midpoints = Time.grid(EPOCH + step_s / 2, span_s - step_s, step_s)
    return grid, table, kepler.propagate(midpoints), midpoints


# (orbit, step s, method, degree, position bound m, velocity bound m/s); measured values in comments.
CASES = [
    (LEO, 60.0, "HERMITE", 7, 2e-7, 1e-8),        # 6.4e-8 m, 2.3e-9 m/s
    (LEO, 60.0, "LAGRANGE", 9, 5e-7, 1e-9),       # 1.5e-7 m, 2.4e-10 m/s
    (LEO, 300.0, "HERMITE", 7, 0.08, 6e-4),       # 2.4e-2 m, 1.7e-4 m/s
    (LEO, 300.0, "LAGRANGE", 7, 45.0, 0.06),      # 14 m, 1.7e-2 m/s
    (MOLNIYA, 60.0, "HERMITE", 7, 4e-5, 1.5e-6),  # 1.2e-5 m, 4.3e-7 m/s (perigee passes dominate)
    (MOLNIYA, 60.0, "HERMITE", 5, 5e-3, 1e-4),    # 1.4e-3 m, 3.1e-5 m/s
]


@pytest.mark.parametrize("elements, step, method, degree, bound_r, bound_v", CASES)
def test_interpolation_error_against_kepler(elements, step, method, degree, bound_r, bound_v):
    grid, table, truth, midpoints = _table_and_midpoints(elements, step)
    propagator = InterpolatingPropagator(grid, table.position_m[0], table.velocity_m_s[0], Frame.GCRS,
                                         method=method, degree=degree)
    eph = propagator.propagate(midpoints)
    assert eph.is_ok
    assert np.linalg.norm(eph.position_m - truth.position_m, axis=-1).max() < bound_r
    assert np.linalg.norm(eph.velocity_m_s - truth.velocity_m_s, axis=-1).max() < bound_v


def test_samples_are_reproduced_and_uneven_spacing_works():
    grid, table, _, _ = _table_and_midpoints(LEO, 60.0, span_s=3600.0)
    keep = np.sort(np.random.default_rng(1).choice(np.arange(1, 60), 35, replace=False))
    keep = np.concatenate([[0], keep, [60]])
    uneven = grid[keep]
    propagator = InterpolatingPropagator(uneven, table.position_m[0, keep], table.velocity_m_s[0, keep], Frame.GCRS)
    at_nodes = propagator.propagate(uneven)
    np.testing.assert_allclose(at_nodes.position_m[0], table.position_m[0, keep], rtol=0, atol=1e-6)
    truth = KeplerPropagator(LEO).propagate(grid)
    # Gaps up to several minutes in LEO: 7th-degree Hermite keeps to a few centimetres.
    assert np.linalg.norm(propagator.propagate(grid).position_m - truth.position_m, axis=-1).max() < 0.05


def test_outside_the_span_is_nan_with_status_and_the_rest_is_kept():
    grid, table, _, _ = _table_and_midpoints(LEO, 60.0, span_s=3600.0)
    propagator = InterpolatingPropagator(grid, table.position_m[0], table.velocity_m_s[0], Frame.GCRS,
                                         satellite_id=25544)
    assert isinstance(propagator, Propagator) and propagator.frame == Frame.GCRS
    times = EPOCH + np.array([-1.0, 0.0, 1800.0, 3600.0, 3600.5])
    eph = propagator.propagate(times)
    assert eph.status[0].tolist() == [Status.OUTSIDE_SPAN, 0, 0, 0, Status.OUTSIDE_SPAN]
    assert np.isnan(eph.position_m[0, [0, 4]]).all() and np.isfinite(eph.position_m[0, 1:4]).all()
    assert eph.satellite_ids.tolist() == [25544]
    assert eph.failures() == [(25544, 0, Status.OUTSIDE_SPAN)]
    single = propagator.propagate(EPOCH + 1800.0)
    np.testing.assert_array_equal(single.position_m[0, 0], eph.position_m[0, 2])


def test_bad_tables_are_refused_with_clear_messages():
    grid, table, _, _ = _table_and_midpoints(LEO, 60.0, span_s=600.0)
    r, v = table.position_m[0], table.velocity_m_s[0]
    with pytest.raises(InvalidInputError, match=r"position_m must have shape \(11, 3\)"):
        InterpolatingPropagator(grid, r[:-1], v, Frame.GCRS)
    backwards = Time.from_utc_jd(*(np.asarray(x)[::-1] for x in grid.utc_jd))
    with pytest.raises(InvalidInputError, match="strictly increasing; sample 1"):
        InterpolatingPropagator(backwards, r, v, Frame.GCRS)
    with pytest.raises(InvalidInputError, match="HERMITE or LAGRANGE"):
        InterpolatingPropagator(grid, r, v, Frame.GCRS, method="SPLINE")
    with pytest.raises(InvalidInputError, match="needs at least 12 samples"):
        InterpolatingPropagator(grid, r, v, Frame.GCRS, method=InterpolationMethod.LAGRANGE, degree=11)
    bad = r.copy()
    bad[3, 1] = np.nan
    with pytest.raises(InvalidInputError, match="position_m row 3 is not finite"):
        InterpolatingPropagator(grid, bad, v, Frame.GCRS)
