"""Coverage figures of merit: the worked example of docs/coverage-metrics.md and brute-force cross-checks."""

from __future__ import annotations

import math

import numpy as np
import pytest

from cosmodrome.errors import InvalidInputError
from cosmodrome.observe.metrics import (AccessIntervals, area_summary, area_weighted_statistics,
                                        covered_area_fraction, covered_area_fraction_from_timeline, point_figures)

NAN = math.nan


# --- the worked example (docs/coverage-metrics.md, computed there by hand) -------------------------

@pytest.fixture
def example():
    # Window 100 s. A: three accesses. B: none. C: two satellites overlap on [25, 30], then one more.
    intervals = AccessIntervals.from_lists([[[10, 20], [50, 55], [70, 80]], [], [[0, 30], [25, 40], [60, 100]]],
                                           100.0)
    return intervals, np.array([1.0, 1.0, 2.0])


def test_worked_example_merges_overlapping_accesses(example):
    intervals, _ = example
    np.testing.assert_array_equal(intervals.point_index, [0, 0, 0, 2, 2])
    np.testing.assert_array_equal(intervals.start_s, [10, 50, 70, 0, 60])
    np.testing.assert_array_equal(intervals.end_s, [20, 55, 80, 40, 100])


def test_worked_example_point_figures(example):
    figures = point_figures(example[0], percentiles=(50, 90))
    columns = figures.columns()
    expected = {
        "access_count": [3, 0, 2],
        "accesses_per_day": [2592.0, 0.0, 1728.0],
        "covered_fraction": [0.25, 0.0, 0.8],
        "time_to_first_access_s": [10.0, NAN, 0.0],
        "leading_gap_s": [10.0, 100.0, 0.0],
        "trailing_gap_s": [20.0, 100.0, 0.0],
        "gap_count": [2, 0, 1],
        "mean_gap_s": [22.5, NAN, 20.0],
        "max_gap_s": [30.0, NAN, 20.0],
        "mean_gap_time_weighted_s": [25.0, NAN, 20.0],
        "gap_p50_s": [15.0, NAN, 20.0],
        "gap_p50_time_weighted_s": [30.0, NAN, 20.0],
        "gap_p90_s": [30.0, NAN, 20.0],
        "gap_p90_time_weighted_s": [30.0, NAN, 20.0],
        "mean_response_time_s": [8.125, NAN, 2.0],
    }
    assert set(columns) == set(expected)
    for name, values in expected.items():
        np.testing.assert_array_equal(columns[name], values, err_msg=name)


def test_worked_example_covered_area_at_each_instant(example):
    intervals, weights = example
    times = np.arange(0.0, 101.0, 10.0)
    expected = [0.5, 0.75, 0.75, 0.5, 0.5, 0.25, 0.5, 0.75, 0.75, 0.5, 0.5]
    np.testing.assert_array_equal(covered_area_fraction(intervals, weights, times), expected)


def test_worked_example_area_summaries(example):
    intervals, weights = example
    summary = area_summary(point_figures(intervals, (50,)), weights, percentiles=(50,))
    covered = summary["covered_fraction"]
    assert covered.mean == pytest.approx(0.4625) and covered.defined_area_fraction == 1.0
    response = summary["mean_response_time_s"]
    assert response.mean == pytest.approx(12.125 / 3.0)
    assert (response.minimum, response.maximum, response.defined_area_fraction) == (2.0, 8.125, 0.75)
    assert response.percentiles == ((50.0, 2.0),)
    assert summary["accesses_per_day"].percentiles == ((50.0, 1728.0),)


# --- cross-checks against straightforward computations --------------------------------------------

def _random_intervals(rng, n_points, duration, max_count=12):
    per_point = []
    for _ in range(n_points):
        count = rng.integers(0, max_count)
        starts = rng.uniform(0.0, duration, count)
        lengths = rng.exponential(duration / 30.0, count)
        per_point.append(np.column_stack([starts, np.minimum(starts + lengths, duration)]))
    return per_point


def _merge_by_hand(pairs):
    merged = []
    for s, e in sorted(map(tuple, pairs)):
        if merged and s <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], e)
        else:
            merged.append([s, e])
    return merged


def test_vectorised_merge_matches_a_plain_loop():
    rng = np.random.default_rng(5)
    per_point = _random_intervals(rng, 60, 1000.0)
    intervals = AccessIntervals.from_lists(per_point, 1000.0)
    for k, pairs in enumerate(per_point):
        start, end = intervals.for_point(k)
        expected = np.array(_merge_by_hand(pairs)).reshape(-1, 2)
        np.testing.assert_array_equal(np.column_stack([start, end]), expected)


def test_count_weighted_percentiles_match_numpy_inverted_cdf():
    rng = np.random.default_rng(7)
    intervals = AccessIntervals.from_lists(_random_intervals(rng, 80, 5000.0, 20), 5000.0)
    percentiles = (0, 10, 50, 90, 95, 100)
    figures = point_figures(intervals, percentiles)
    gap_point, gaps = intervals.gaps()
    for k in range(intervals.n_points):
        own = gaps[gap_point == k]
        if own.size == 0:
            assert np.all(np.isnan(figures.gap_percentiles_s[k]))
            continue
        expected = np.percentile(own, percentiles, method="inverted_cdf")
        np.testing.assert_array_equal(figures.gap_percentiles_s[k], expected)
        assert figures.mean_gap_s[k] == pytest.approx(own.mean(), rel=1e-12)
        assert figures.max_gap_s[k] == own.max()


def test_time_weighted_statistics_match_sampling_the_gap_time():
    # Integer gap lengths: sampling each whole second of gap time is exactly the time-weighted
    # distribution, so repeating gap g g times and taking numpy's inverted-CDF percentile must agree.
    per_point = [[[0, 1], [4, 5], [15, 16], [17, 18], [40, 41]], [[2, 3], [10, 11]], [[5, 6]]]
    intervals = AccessIntervals.from_lists(per_point, 50.0)
    percentiles = (10, 25, 50, 75, 90, 100)
    figures = point_figures(intervals, percentiles)
    gap_point, gaps = intervals.gaps()
    for k in (0, 1):
        own = gaps[gap_point == k].astype(int)
        samples = np.repeat(own, own)
        np.testing.assert_array_equal(figures.gap_percentiles_time_weighted_s[k],
                                      np.percentile(samples, percentiles, method="inverted_cdf"))
        assert figures.mean_gap_time_weighted_s[k] == pytest.approx(samples.mean(), rel=1e-12)
    assert np.all(np.isnan(figures.gap_percentiles_time_weighted_s[2]))


def test_mean_response_time_matches_a_fine_time_average():
    # Wait until the next access start at the midpoints of 0.01 s steps; after the last access
    # the wait runs to the window's end (the stated convention). The midpoint rule is exact for
    # this piecewise-linear wait except in the step where an access ends and the wait jumps from 0
    # to the next gap's length g: there it errs by at most g * step / 2, averaged over T.
    rng = np.random.default_rng(11)
    duration = 400.0
    per_point = _random_intervals(rng, 12, duration, 8)
    per_point[0] = [[100.0, 150.0]]
    intervals = AccessIntervals.from_lists(per_point, duration)
    figures = point_figures(intervals)
    t = np.arange(0.005, duration, 0.01)
    for k in range(intervals.n_points):
        start, end = intervals.for_point(k)
        if start.size == 0:
            assert math.isnan(figures.mean_response_time_s[k])
            continue
        inside = np.any((t[:, None] >= start) & (t[:, None] <= end), axis=1)
        upcoming = np.where(start[None, :] >= t[:, None], start[None, :], np.inf).min(axis=1)
        wait = np.where(inside, 0.0, np.minimum(upcoming, duration) - t)
        bound = 0.5 * 0.01 * (duration - np.sum(end - start)) / duration
        assert figures.mean_response_time_s[k] == pytest.approx(wait.mean(), abs=bound + 1e-9)
        assert figures.covered_fraction[k] == pytest.approx(inside.mean(), abs=1e-4 * (start.size + 1))


def test_covered_area_fraction_matches_the_timeline_version():
    rng = np.random.default_rng(3)
    intervals = AccessIntervals.from_lists(_random_intervals(rng, 40, 600.0), 600.0)
    weights = rng.uniform(0.5, 2.0, 40)
    times = np.linspace(0.0, 600.0, 241)
    timeline = np.zeros((40, times.size), dtype=bool)
    for k in range(40):
        for s, e in zip(*intervals.for_point(k)):
            timeline[k] |= (times >= s) & (times <= e)
    np.testing.assert_allclose(covered_area_fraction(intervals, weights, times),
                               covered_area_fraction_from_timeline(timeline, weights), atol=1e-12)


def test_intervals_from_a_sampled_timeline():
    covered = np.array([[0, 1, 1, 0, 0, 1], [1, 1, 1, 1, 1, 1], [0, 0, 0, 0, 0, 0]], dtype=bool)
    intervals = AccessIntervals.from_timeline(covered, np.arange(6) * 10.0)
    assert intervals.window_duration_s == 50.0
    np.testing.assert_array_equal(intervals.point_index, [0, 0, 1])
    np.testing.assert_array_equal(intervals.start_s, [10.0, 50.0, 0.0])
    np.testing.assert_array_equal(intervals.end_s, [20.0, 50.0, 50.0])
    figures = point_figures(intervals)
    assert figures.access_count.tolist() == [2, 1, 0]
    assert figures.gap_count.tolist() == [1, 0, 0]


def test_touching_accesses_merge_and_edge_cut_accesses_count_once():
    intervals = AccessIntervals.from_lists([[[0.0, 10.0], [10.0, 20.0], [90.0, 100.0]]], 100.0)
    figures = point_figures(intervals)
    assert figures.access_count[0] == 2
    assert (figures.leading_gap_s[0], figures.trailing_gap_s[0], figures.mean_gap_s[0]) == (0.0, 0.0, 70.0)
    assert figures.time_to_first_access_s[0] == 0.0


def test_edge_slack_is_clipped():
    intervals = AccessIntervals.from_lists([[[-1e-7, 5.0], [95.0, 100.0 + 1e-7]]], 100.0)
    np.testing.assert_array_equal(intervals.start_s, [0.0, 95.0])
    np.testing.assert_array_equal(intervals.end_s, [5.0, 100.0])


def test_area_weighted_statistics_of_plain_values():
    values = np.array([3.0, 1.0, NAN, 2.0])
    weights = np.array([1.0, 1.0, 4.0, 2.0])
    stat = area_weighted_statistics(values, weights, percentiles=(0, 25, 50, 100))
    assert stat.mean == pytest.approx((3.0 + 1.0 + 4.0) / 4.0)
    assert (stat.minimum, stat.maximum) == (1.0, 3.0)
    # Sorted 1 (w1), 2 (w2), 3 (w1): cumulative shares 0.25, 0.75, 1.
    assert stat.percentiles == ((0.0, 1.0), (25.0, 1.0), (50.0, 2.0), (100.0, 3.0))
    assert stat.defined_area_fraction == pytest.approx(0.5)
    nothing = area_weighted_statistics([NAN, NAN], [1.0, 1.0], (50,))
    assert math.isnan(nothing.mean) and nothing.defined_area_fraction == 0.0


# --- bad input ---------------------------------------------------------------------------------

@pytest.mark.parametrize("args, message", [
    (([0], [10.0], [5.0], 1, 100.0), "field end_s: access intervals: interval 0 (point 0): end 5.0 s is before its "
                                     "start 10.0 s"),
    (([0, 3], [1.0, 2.0], [2.0, 3.0], 2, 100.0), "field point_index: access intervals: interval 1 (point 3): point "
                                                 "index 3 is outside 0..1"),
    (([0], [-5.0], [5.0], 1, 100.0), "field start_s: access intervals: interval 0 (point 0): [-5.0, 5.0] s lies "
                                     "outside the window [0, 100.0] s"),
    (([0], [5.0], [101.0], 1, 100.0), "field start_s: access intervals: interval 0 (point 0): [5.0, 101.0] s lies "
                                      "outside the window [0, 100.0] s"),
    (([0], [NAN], [5.0], 1, 100.0), "field start_s: access intervals: interval 0 (point 0): start nan s / end 5.0 s "
                                    "must be finite"),
    (([0], [1.0], [5.0], 1, 0.0), "field window_duration_s: access intervals: the window must last a positive, "
                                  "finite number of seconds, got 0.0"),
    (([0], [1.0], [5.0], 0, 100.0), "field n_points: access intervals: expected a whole number of points >= 1, "
                                    "got 0"),
    (([0.5], [1.0], [5.0], 1, 100.0), "field point_index: access intervals: point_index must hold integers, got "
                                      "float64"),
    (([0, 0], [1.0], [5.0], 1, 100.0), "field point_index: access intervals: point_index, start_s and end_s must be "
                                       "1-D arrays of one length, got shapes (2,), (1,), (1,)"),
])
def test_bad_access_intervals_are_refused(args, message):
    with pytest.raises(InvalidInputError) as error:
        AccessIntervals(*args)
    assert str(error.value) == message


@pytest.mark.parametrize("pairs", [[[1.0, 2.0, 3.0]], [1.0, 2.0], [["a", "b"]]])
def test_bad_pairs_are_refused(pairs):
    with pytest.raises(InvalidInputError) as error:
        AccessIntervals.from_lists([[], pairs], 10.0)
    assert str(error.value) == ("field per_point: access intervals: point 1: expected a list of [start_s, end_s] "
                                f"pairs, got {pairs!r}")


def test_bad_lists_and_timelines_are_refused():
    with pytest.raises(InvalidInputError, match=r"field per_point: access intervals: expected at least one point"):
        AccessIntervals.from_lists([], 10.0)
    with pytest.raises(InvalidInputError, match=r"field is_covered: expected a timeline \(n_points, n_times\) and "
                                                r"n_times sample times, got shapes \(2, 3\) and \(4,\)"):
        AccessIntervals.from_timeline(np.zeros((2, 3), bool), np.arange(4.0))
    with pytest.raises(InvalidInputError, match=r"field times_s: sample times must be finite and strictly increasing"):
        AccessIntervals.from_timeline(np.zeros((2, 3), bool), np.array([0.0, 2.0, 1.0]))


def test_bad_percentiles_weights_and_times_are_refused(example):
    intervals, weights = example
    with pytest.raises(InvalidInputError, match=r"field percentiles: percentiles must be from 0 to 100, got "
                                                r"\[50.0, 101.0\]"):
        point_figures(intervals, (50, 101))
    with pytest.raises(InvalidInputError, match=r"field weights: expected one area weight per point \(3\), got "
                                                r"shape \(2,\)"):
        covered_area_fraction(intervals, [1.0, 1.0], [0.0])
    with pytest.raises(InvalidInputError, match=r"field weights: area weights must be finite, non-negative and not "
                                                r"all zero"):
        covered_area_fraction(intervals, [1.0, -1.0, 1.0], [0.0])
    with pytest.raises(InvalidInputError, match=r"field times_s: expected a 1-D array of finite, non-decreasing "
                                                r"sample times in seconds"):
        covered_area_fraction(intervals, weights, [10.0, 0.0])
    with pytest.raises(InvalidInputError, match=r"field intervals: expected AccessIntervals, got list"):
        point_figures([])
    with pytest.raises(InvalidInputError, match=r"field values: expected one value per point \(1-D\), got shape "
                                                r"\(1, 2\)"):
        area_weighted_statistics([[1.0, 2.0]], [1.0, 1.0])
