"""Time emteach.hmm.forward_backward against hmmlearn's CategoricalHMM.

Run from the repository root:

    .venv/bin/python benchmarks/bench_hmm.py

One problem: 100,000 rolls of the occasionally dishonest casino (k = 2
states, m = 6 symbols, drawn with seed 0). emteach returns the posteriors and
the log-likelihood from one call; hmmlearn needs ``score`` (the
log-likelihood) and ``predict_proba`` (the posteriors). Both are timed on the
same rolls with the same parameters, for hmmlearn's default implementation
("log") and its "scaling" one. The runs are interleaved so that both see the
same machine load; the best of several runs is reported, after one warm-up
call each (numba's compiled kernels load, hmmlearn's caches fill). The
results are checked to agree before anything is timed. See
benchmarks/README.md.
"""

from __future__ import annotations

import os
import platform
import time

import hmmlearn
import numpy as np
from hmmlearn.hmm import CategoricalHMM

from emteach import hmm

N_ROLLS = 100_000
REPEATS = 15


def hmmlearn_model(params, implementation):
    model = CategoricalHMM(n_components=params.n_states, n_features=params.n_symbols,
                           init_params="", params="", implementation=implementation)
    model.startprob_ = params.start.copy()
    model.transmat_ = params.transitions.copy()
    model.emissionprob_ = params.emissions.copy()
    return model


def best_time(function, repeats):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main():
    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"hmmlearn {hmmlearn.__version__}, {os.cpu_count()} CPUs")
    params = hmm.casino_params()
    rolls, _ = hmm.sample(params, N_ROLLS, seed=0)
    column = rolls.reshape(-1, 1)

    def ours():
        return hmm.forward_backward(rolls, params)

    runners = {"emteach forward_backward": ours}
    for implementation in ("log", "scaling"):
        model = hmmlearn_model(params, implementation)

        def theirs(model=model):
            return model.score(column), model.predict_proba(column)

        runners[f"hmmlearn score + predict_proba ({implementation})"] = theirs

    # Warm-up and agreement check.
    posteriors, log_likelihood = ours()
    for name, runner in runners.items():
        if name.startswith("hmmlearn"):
            score, proba = runner()
            assert abs(score - log_likelihood) <= 1e-9 * abs(log_likelihood), name
            assert np.max(np.abs(proba - posteriors)) < 1e-8, name

    times = {name: float("inf") for name in runners}
    for _ in range(REPEATS):  # interleaved
        for name, runner in runners.items():
            times[name] = min(times[name], best_time(runner, 1))

    ours_ms = 1e3 * times["emteach forward_backward"]
    print(f"T = {N_ROLLS:,} rolls, k = {params.n_states}, m = {params.n_symbols}; "
          f"best of {REPEATS} runs")
    print(f"{'method':<44} {'ms':>9} {'emteach / this':>15}")
    for name, seconds in times.items():
        print(f"{name:<44} {1e3 * seconds:>9.2f} {ours_ms / (1e3 * seconds):>15.3f}")
    print("ratio below 1: emteach is faster")


if __name__ == "__main__":
    main()
