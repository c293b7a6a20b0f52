"""Time one EM iteration of emteach.gmm against scikit-learn's GaussianMixture.

Run from the repository root:

    .venv/bin/python benchmarks/bench_gmm.py

Two problems: the source article's 12,000 one-dimensional points with two
components, and 1,000,000 two-dimensional points with three components. Both
libraries start from the same parameters, run a fixed number of iterations
(``tol=0``) and are timed at two iteration counts; the difference, divided
by the difference in iterations, is the cost of one iteration without the
set-up (input checks, the start, scikit-learn's final E-step). Each
measurement is repeated and the median reported. See benchmarks/README.md.
"""

from __future__ import annotations

import os
import platform
import statistics
import sys
import time
import warnings

import numpy as np
import sklearn
from sklearn.exceptions import ConvergenceWarning as SklearnConvergenceWarning
from sklearn.mixture import GaussianMixture

from emteach import gmm
from emteach.data import two_processes


def run_emteach(x, init, n_iter):
    gmm.fit(x, init.n_components, init=init, max_iter=n_iter, tol=0.0)


def run_sklearn(x, init, n_iter):
    model = GaussianMixture(
        n_components=init.n_components,
        covariance_type="full",
        weights_init=init.weights,
        means_init=init.means,
        # The benchmark's own set-up; the library itself never inverts.
        precisions_init=np.linalg.inv(init.covariances),
        max_iter=n_iter,
        tol=0.0,
        n_init=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SklearnConvergenceWarning)
        model.fit(x)


def seconds(function, *args):
    start = time.perf_counter()
    function(*args)
    return time.perf_counter() - start


def ms_per_iteration(x, init, few, many, repeats):
    """Median over repeats of (time(many) - time(few)) / (many - few), in ms, per library."""
    per_library = {"emteach": [], "sklearn": []}
    runners = {"emteach": run_emteach, "sklearn": run_sklearn}
    for name, runner in runners.items():  # warm-up: imports, caches, BLAS threads
        runner(x, init, few)
    for _ in range(repeats):
        for name, runner in runners.items():  # interleaved, so both see the same load
            elapsed = seconds(runner, x, init, many) - seconds(runner, x, init, few)
            per_library[name].append(1e3 * elapsed / (many - few))
    return {name: statistics.median(values) for name, values in per_library.items()}


def problems():
    x_small, _ = two_processes(seed=0)
    init_small = gmm.GMMParams.from_1d([0.5, 0.5], [15.0, 45.0], [10.0, 10.0])
    truth = gmm.GMMParams(
        [0.3, 0.3, 0.4],
        [[0.0, 0.0], [5.0, 5.0], [0.0, 8.0]],
        [[[1.0, 0.3], [0.3, 2.0]], [[1.5, -0.4], [-0.4, 1.0]], [[2.0, 0.0], [0.0, 0.5]]],
    )
    x_large, _ = gmm.sample(truth, 1_000_000, seed=0)
    init_large = gmm.GMMParams(
        [1 / 3, 1 / 3, 1 / 3],
        [[1.0, 1.0], [4.0, 4.0], [1.0, 7.0]],
        np.repeat(3.0 * np.eye(2)[np.newaxis], 3, axis=0),
    )
    return [
        ("12,000 points, 1-D, k=2", x_small[:, np.newaxis], init_small, 5, 45, 7),
        ("1,000,000 points, 2-D, k=3", x_large, init_large, 2, 6, 5),
    ]


def main():
    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs")
    print(f"{'problem':<28} {'emteach ms/iter':>16} {'sklearn ms/iter':>16} {'ratio':>7}")
    total = time.perf_counter()
    for label, x, init, few, many, repeats in problems():
        result = ms_per_iteration(x, init, few, many, repeats)
        ratio = result["emteach"] / result["sklearn"]
        print(f"{label:<28} {result['emteach']:>16.3f} {result['sklearn']:>16.3f} {ratio:>7.2f}")
        sys.stdout.flush()
    print(f"ratio = emteach / scikit-learn (below 1: emteach is faster); "
          f"total {time.perf_counter() - total:.0f} s")


if __name__ == "__main__":
    main()
