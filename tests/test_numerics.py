"""How differences are measured: absolute, in ulps, and bit for bit."""

import numpy as np

from rnn_stepper.core.distance import abs_diff, bits_differ, bits_equal, ulp_distance


def test_neighbouring_floats_are_one_ulp_apart_in_both_precisions():
    for dtype in (np.float32, np.float64):
        one = np.array([1.0, -1.0, 0.0], dtype=dtype)
        up = np.nextafter(one, np.array([2.0, -2.0, 1.0], dtype=dtype))
        assert ulp_distance(one, up).tolist() == [1.0, 1.0, 1.0]
        assert ulp_distance(one, one).tolist() == [0.0, 0.0, 0.0]


def test_ulps_count_across_zero():
    tiny = np.float32(np.nextafter(np.float32(0), np.float32(1)))
    a, b = np.array([tiny], dtype=np.float32), np.array([-tiny], dtype=np.float32)
    assert ulp_distance(a, b).tolist() == [2.0]
    assert ulp_distance(np.array([0.0], np.float32), np.array([-0.0], np.float32)).tolist() == [0.0]


def test_zeros_of_opposite_sign_are_0_ulp_apart_but_not_the_same_bits():
    for dtype in (np.float32, np.float64):
        a = np.array([0.0, -0.0, 0.0, np.nan, 1.0], dtype=dtype)
        b = np.array([-0.0, -0.0, 0.0, np.nan, np.nextafter(dtype(1.0), dtype(2.0))], dtype=dtype)
        assert bits_differ(a, b).tolist() == [True, False, False, False, True]
        assert ulp_distance(a, b).tolist() == [0.0, 0.0, 0.0, 0.0, 1.0]
        assert not bits_equal(a, b) and bits_equal(a[1:4], b[1:4])


def test_far_apart_float64s_do_not_overflow():
    a = np.array([np.finfo(np.float64).max], dtype=np.float64)
    assert ulp_distance(a, -a)[0] > 1e19


def test_nan_agrees_with_nan_and_with_nothing_else():
    a = np.array([np.nan, np.nan, 1.0], dtype=np.float32)
    b = np.array([np.nan, 1.0, 1.0], dtype=np.float32)
    assert ulp_distance(a, b).tolist() == [0.0, np.inf, 0.0]
    assert abs_diff(a, b).tolist() == [0.0, np.inf, 0.0]
    assert bits_equal(a, a) and not bits_equal(a, b)


def test_infinities_agree_with_themselves():
    a = np.array([np.inf, -np.inf], dtype=np.float64)
    assert abs_diff(a, a).tolist() == [0.0, 0.0]
    assert abs_diff(a, -a).tolist() == [np.inf, np.inf]


def test_signed_zeros_are_equal_in_value_but_not_in_bits():
    assert not bits_equal(np.array([0.0]), np.array([-0.0]))
    assert abs_diff(np.array([0.0]), np.array([-0.0])).tolist() == [0.0]
