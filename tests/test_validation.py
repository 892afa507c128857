"""Tests of the shared input checks in reprcourse._validation."""

import numpy as np
import pytest
import torch

from reprcourse._validation import (check_array, check_choice, check_dictionary, check_generator,
                                    check_int, check_same_backend, check_scalar,
                                    check_torch_generator)


def test_check_array_keeps_kind_and_float_dtype():
    assert check_array(np.zeros((2, 3), np.float32), "X").dtype == np.float32
    assert check_array([[1, 2]], "X").dtype == np.float64
    assert check_array(np.zeros((2, 3), np.float16), "X").dtype == np.float32
    t = check_array(torch.zeros(2, 3, dtype=torch.int64), "X")
    assert isinstance(t, torch.Tensor) and t.is_floating_point()


@pytest.mark.parametrize("value, error, match", [
    (None, TypeError, "X must be a numpy array or torch tensor, got NoneType"),
    ("abc", TypeError, "got str"),
    (3.0, TypeError, "got float"),
    ([[1, 2], [3]], TypeError, "could not be converted"),
    (np.array([[1 + 2j]]), TypeError, "dtype complex128"),
    (np.array([["a"]]), TypeError, "must hold real numbers"),
    (torch.ones(2, 2, dtype=torch.bool), TypeError, "dtype torch.bool"),
    (np.zeros(3), ValueError, r"X must be 2-D \(n_samples, n_features\), got shape \(3,\)"),
    (np.zeros((0, 3)), ValueError, r"X is empty: got shape \(0, 3\)"),
    (np.array([[1.0, np.nan, np.inf]]), ValueError, r"X contains NaN or inf \(2 non-finite"),
    (torch.tensor([[float("nan")]]), ValueError, "X contains NaN or inf"),
])
def test_check_array_rejects(value, error, match):
    with pytest.raises(error, match=match):
        check_array(value, "X")


def test_check_scalar():
    assert check_scalar(np.float32(0.5), "lam", low=0) == 0.5
    assert check_scalar(torch.tensor(2.0), "lam", low=0) == 2.0
    with pytest.raises(ValueError, match="lam must be > 0, got 0.0"):
        check_scalar(0, "lam", low=0, low_open=True)
    with pytest.raises(ValueError, match="p must be <= 1, got 2.0"):
        check_scalar(2, "p", high=1)
    with pytest.raises(TypeError, match="lam must be a real number, got bool"):
        check_scalar(True, "lam")
    with pytest.raises(TypeError, match="lam must be a real number"):
        check_scalar(np.ones(3), "lam")


def test_check_int_and_choice():
    assert check_int(np.int64(3), "k", low=1) == 3
    with pytest.raises(TypeError, match="k must be an integer, got float"):
        check_int(3.0, "k")
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        check_int(0, "k", low=1)
    with pytest.raises(ValueError, match=r"kind must be one of \['a', 'b'\], got 'c'"):
        check_choice("c", "kind", ("a", "b"))


def test_check_dictionary():
    with pytest.raises(ValueError, match="D has 1 zero column"):
        check_dictionary(np.array([[1.0, 0.0], [0.0, 0.0]]))
    with pytest.raises(ValueError, match="column 1 has norm 2"):
        check_dictionary(np.array([[1.0, 0.0], [0.0, 2.0]]), unit_norm=True)
    check_dictionary(torch.eye(3), unit_norm=True)


def test_check_same_backend():
    check_same_backend(X=np.ones(2), D=np.ones(2))
    with pytest.raises(TypeError, match="X is a numpy array, D is a torch tensor"):
        check_same_backend(X=np.ones(2), D=torch.ones(2))


def test_generators_are_reproducible_and_validated():
    assert check_generator(3).random() == check_generator(3).random()
    rng = np.random.default_rng(0)
    assert check_generator(rng) is rng
    a = torch.rand(3, generator=check_torch_generator(5))
    assert torch.equal(a, torch.rand(3, generator=check_torch_generator(5)))
    for bad in ("1", 1.5, True):
        with pytest.raises(TypeError, match="seed must be"):
            check_generator(bad)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        check_torch_generator(-1)
