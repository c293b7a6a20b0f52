"""Input checks shared by the numerical modules (private).

Every public function of :mod:`emteach.data`, :mod:`emteach.density`,
:mod:`emteach.coins` and :mod:`emteach.gmm` validates its arguments with these
helpers and then hands trusted arrays to its private core. Each check raises a
``ValueError`` (or a ``TypeError`` for data that is not numeric at all) whose
message says what was expected and what came.
"""

from __future__ import annotations

import numbers

import numpy as np


def _describe(value) -> str:
    """Short description of a value for an error message."""
    text = repr(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return text


def as_float_array(value, name: str, *, allow_empty: bool = False,
                   allow_nan: bool = False) -> np.ndarray:
    """Convert ``value`` to a finite float64 array.

    Parameters
    ----------
    value : array_like
        Numbers (nested sequences, NumPy arrays, scalars).
    name : str
        The argument's name, used in error messages.
    allow_empty : bool, default=False
        Accept an array with no elements.
    allow_nan : bool, default=False
        Accept NaN (a missing value); infinities are still rejected.

    Returns
    -------
    ndarray
        A float64 array (a new array when a conversion was needed).

    Raises
    ------
    TypeError
        If the values are not real numbers (strings, complex numbers, objects).
    ValueError
        If the array is empty (unless allowed) or holds NaN or infinity.
    """
    try:
        raw = np.asarray(value)
    except ValueError as exc:  # ragged nested sequences
        raise ValueError(
            f"Expected {name} to be a rectangular array of numbers, got {_describe(value)}"
        ) from exc
    if raw.dtype.kind not in "biuf":
        if raw.dtype.kind == "O":
            try:
                raw = raw.astype(np.float64)
            except (TypeError, ValueError) as exc:
                raise TypeError(
                    f"Expected {name} to hold real numbers, got {_describe(value)}"
                ) from exc
        else:
            raise TypeError(
                f"Expected {name} to hold real numbers, got an array of dtype "
                f"{raw.dtype} ({_describe(value)})"
            )
    array = np.asarray(raw, dtype=np.float64)
    if array.size == 0 and not allow_empty:
        raise ValueError(f"Expected {name} to hold at least one value, got an empty array")
    if allow_nan:
        if np.any(np.isinf(array)):
            n_bad = int(np.count_nonzero(np.isinf(array)))
            raise ValueError(
                f"Expected {name} to hold finite numbers or NaN, got {n_bad} infinite value(s)"
            )
    elif not np.all(np.isfinite(array)):
        n_bad = int(np.count_nonzero(~np.isfinite(array)))
        raise ValueError(
            f"Expected {name} to hold finite numbers, got {n_bad} NaN or infinite value(s)"
        )
    return array


def as_vector(value, name: str, *, length: int | None = None) -> np.ndarray:
    """Convert ``value`` to a finite, non-empty float64 array of shape (n,).

    A scalar becomes an array of length one.
    """
    array = np.atleast_1d(as_float_array(value, name))
    if array.ndim != 1:
        raise ValueError(
            f"Expected {name} to be one-dimensional, got an array of shape {array.shape}"
        )
    if length is not None and array.shape[0] != length:
        raise ValueError(
            f"Expected {name} to have length {length}, got length {array.shape[0]}"
        )
    return array


def as_samples(value, name: str = "x", *, allow_nan: bool = False) -> np.ndarray:
    """Convert data to a finite float64 array of shape (n_samples, n_features).

    A one-dimensional array of shape (n,) is read as n samples of one feature,
    i.e. it becomes shape (n, 1). With ``allow_nan``, NaN (a missing value)
    is accepted.
    """
    array = as_float_array(value, name, allow_empty=True, allow_nan=allow_nan)
    if array.ndim == 1:
        array = array[:, np.newaxis]
    if array.ndim != 2:
        raise ValueError(
            f"Expected {name} of shape (n_samples,) or (n_samples, n_features), "
            f"got an array of shape {array.shape}"
        )
    if array.shape[1] == 0:
        raise ValueError(f"Expected {name} to have at least one feature, got shape {array.shape}")
    if array.shape[0] == 0:
        raise ValueError(f"Expected {name} to hold at least one value, got an empty array")
    return array


def as_1d_samples(value, name: str = "x") -> np.ndarray:
    """Convert one-dimensional data to a finite float64 array of shape (n_samples,).

    Accepts shape (n,) or (n, 1), as :func:`as_samples` reads them; more
    than one feature is an error.
    """
    array = as_samples(value, name)
    if array.shape[1] != 1:
        raise ValueError(
            f"Expected one-dimensional data of shape (n_samples,), got {name} of shape {array.shape}"
        )
    return np.ascontiguousarray(array[:, 0])


def check_int(value, name: str, *, minimum: int = 1) -> int:
    """Check that ``value`` is an integer >= ``minimum`` and return it as ``int``."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Integral):
        raise ValueError(
            f"Expected {name} to be an integer >= {minimum}, got {_describe(value)}"
        )
    if value < minimum:
        raise ValueError(f"Expected {name} to be an integer >= {minimum}, got {name}={value}")
    return int(value)


def check_float(value, name: str, *, minimum: float | None = None,
                strictly_positive: bool = False) -> float:
    """Check that ``value`` is a finite real number, optionally bounded below."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
        raise ValueError(f"Expected {name} to be a real number, got {_describe(value)}")
    value = float(value)
    if not np.isfinite(value):
        raise ValueError(f"Expected {name} to be a finite number, got {name}={value}")
    if strictly_positive and value <= 0:
        raise ValueError(f"Expected {name} > 0, got {name}={value}")
    if minimum is not None and value < minimum:
        raise ValueError(f"Expected {name} >= {minimum}, got {name}={value}")
    return value


def check_integer_valued(array: np.ndarray, name: str) -> np.ndarray:
    """Check that a float array holds whole numbers; return it as int64."""
    if not np.all(array == np.round(array)):
        raise ValueError(f"Expected {name} to hold whole numbers, got {_describe(array.tolist())}")
    return array.astype(np.int64)


def check_counts(successes: np.ndarray, trials: np.ndarray, success_name: str,
                 trials_name: str):
    """Check counts of successes out of trials (heads out of tosses).

    Both arrays must already have the same shape. Trials must be whole
    numbers >= 1 and successes whole numbers between 0 and the trials.
    """
    if np.any(trials != np.round(trials)) or np.any(trials < 1):
        raise ValueError(f"Expected {trials_name} to be whole numbers >= 1, got {trials.tolist()}")
    if np.any(successes != np.round(successes)):
        raise ValueError(f"Expected {success_name} to be whole numbers, got {successes.tolist()}")
    if np.any((successes < 0) | (successes > trials)):
        raise ValueError(
            f"Expected 0 <= {success_name} <= {trials_name}, got {success_name}="
            f"{successes.tolist()} and {trials_name}={trials.tolist()}"
        )
    return successes, trials


def check_nonnegative(array: np.ndarray, name: str) -> np.ndarray:
    """Check that every entry of a float array is >= 0; return it."""
    if np.any(array < 0):
        raise ValueError(
            f"Expected every entry of {name} to be >= 0, got the value "
            f"{float(array.min())!r}"
        )
    return array


def make_rng(seed) -> np.random.Generator:
    """Return a NumPy Generator from ``None``, an int, a SeedSequence or a Generator."""
    if isinstance(seed, (bool, np.bool_)):
        raise ValueError(f"Expected seed to be None, an int or a numpy Generator, got {seed!r}")
    if seed is None or isinstance(
        seed, (numbers.Integral, np.random.SeedSequence, np.random.Generator)
    ):
        if isinstance(seed, numbers.Integral) and seed < 0:
            raise ValueError(f"Expected seed to be a non-negative integer, got seed={seed}")
        return np.random.default_rng(seed)
    raise ValueError(
        f"Expected seed to be None, an int or a numpy Generator, got {_describe(seed)}"
    )


def read_only(array: np.ndarray) -> np.ndarray:
    """Mark an array as read-only and return it."""
    array.flags.writeable = False
    return array
