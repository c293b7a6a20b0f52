"""Time EM per iteration, the same way in chapter 9, its experiment and benchmarks/.

A fit costs set-up (input checks, the start, a final E-step) plus one
E-step and one M-step per iteration. :func:`ms_per_iteration` times each
implementation at two iteration counts, ``few`` and ``many``, from the same
start with ``tol=0``, keeps the best of ``repeats`` runs, and returns
(best time at many - best time at few) / (many - few): the cost of one
iteration without the set-up. Runs of different implementations are
interleaved, so all see the same machine load.
"""

from __future__ import annotations

import time
import warnings

import numpy as np

from emteach import gmm

__all__ = ["IMPLEMENTATIONS", "random_problem", "subnormal_problem", "runner", "ms_per_iteration"]

#: Names accepted by :func:`runner`.
IMPLEMENTATIONS = ("gmm.fit", "fused.fit", "scikit-learn")


def random_problem(n_samples, n_features, n_components, seed=0):
    """Return data and a start for timing: a random well-separated mixture.

    Parameters
    ----------
    n_samples, n_features, n_components : int
    seed : int

    Returns
    -------
    x : ndarray of shape (n_samples, n_features)
        Drawn from equal-weight components with means N(0, 4^2) per
        coordinate and identity covariances.
    init : GMMParams
        The true means moved by N(0, 0.5^2) noise, covariances 2 I.
    """
    rng = np.random.default_rng(seed)
    means = rng.normal(0.0, 4.0, (n_components, n_features))
    truth = gmm.GMMParams(np.full(n_components, 1.0 / n_components), means,
                          np.repeat(np.eye(n_features)[np.newaxis], n_components, axis=0))
    x, _ = gmm.sample(truth, n_samples, seed=rng)
    init = gmm.GMMParams(truth.weights, means + rng.normal(0.0, 0.5, means.shape),
                         2.0 * truth.covariances)
    return x, init


def subnormal_problem(n_samples=12_000, seed=50):
    """Return 50-D data and a start whose log-responsibilities often fall in (-745, -708).

    Three unit-covariance components with means 27 from the origin in random
    directions (about 38 apart), so the log-ratio of a point's own component
    to another is about -720 +- 38: exp of it is often subnormal.

    Parameters
    ----------
    n_samples : int
    seed : int

    Returns
    -------
    x : ndarray of shape (n_samples, 50)
    init : GMMParams
        The true means moved by N(0, 0.3^2) noise, covariances 1.5 I.
    """
    rng = np.random.default_rng(seed)
    directions = rng.normal(size=(3, 50))
    directions /= np.linalg.norm(directions, axis=1, keepdims=True)
    means = 27.0 * directions
    truth = gmm.GMMParams(np.full(3, 1 / 3), means, np.repeat(np.eye(50)[np.newaxis], 3, axis=0))
    x, _ = gmm.sample(truth, n_samples, seed=rng)
    init = gmm.GMMParams(truth.weights, means + rng.normal(0.0, 0.3, means.shape),
                         1.5 * truth.covariances)
    return x, init


def _sklearn(x, init, n_iter):
    from sklearn.mixture import GaussianMixture

    model = GaussianMixture(
        n_components=init.n_components, covariance_type="full", weights_init=init.weights,
        means_init=init.means,
        precisions_init=np.linalg.inv(init.covariances),  # set-up for scikit-learn only
        max_iter=n_iter, tol=0.0, n_init=1,
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # tol=0 never converges: scikit-learn warns
        model.fit(x)


def runner(name):
    """Return a function (x, init, n_iter) that runs ``n_iter`` iterations of one implementation.

    Parameters
    ----------
    name : str
        One of :data:`IMPLEMENTATIONS`.

    Returns
    -------
    callable
    """
    if name == "gmm.fit":
        return lambda x, init, n_iter: gmm.fit(x, init.n_components, init=init, max_iter=n_iter,
                                               tol=0.0)
    if name == "fused.fit":
        from emteach import fused

        return lambda x, init, n_iter: fused.fit(x, init.n_components, init=init,
                                                 max_iter=n_iter, tol=0.0)
    if name == "scikit-learn":
        return _sklearn
    raise ValueError(f"Expected one of {', '.join(IMPLEMENTATIONS)}, got {name!r}")


def _seconds(function, *args, clock=time.perf_counter):
    start = clock()
    function(*args)
    return clock() - start


def ms_per_iteration(runners, x, init, *, few=2, many=6, repeats=3, clock=time.perf_counter):
    """Return the best-of-repeats milliseconds per iteration of each runner.

    Parameters
    ----------
    runners : dict of str to callable
        Functions (x, init, n_iter), e.g. from :func:`runner`.
    x : ndarray of shape (n_samples, n_features)
    init : GMMParams or object
        The common start, passed through to every runner.
    few, many : int
        The two iteration counts, few < many.
    repeats : int
        Runs at each count; the fastest counts.
    clock : callable, default=time.perf_counter
        Wall-clock time by default; ``time.process_time`` counts only this
        process's CPU time (all its threads), which a busy machine disturbs less.

    Returns
    -------
    dict of str to float
    """
    best = {name: [np.inf, np.inf] for name in runners}
    for function in runners.values():  # warm-up: imports, compilation, caches
        function(x, init, few)
    for _ in range(repeats):
        for name, function in runners.items():
            best[name][0] = min(best[name][0], _seconds(function, x, init, few, clock=clock))
            best[name][1] = min(best[name][1], _seconds(function, x, init, many, clock=clock))
    return {name: 1e3 * max(t_many - t_few, 0.0) / (many - few)
            for name, (t_few, t_many) in best.items()}
