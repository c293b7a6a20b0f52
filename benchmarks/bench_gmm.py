"""Time EM per iteration: emteach.gmm, emteach.fused, emteach.distributed, scikit-learn.

Run from the repository root (without OPENBLAS_NUM_THREADS set, so that the
BLAS-threads section compares real thread pools):

    .venv/bin/python benchmarks/bench_gmm.py            # every section
    .venv/bin/python benchmarks/bench_gmm.py speed fused --before /tmp/gmm_old.py

Sections (all by default):

* ``speed``: ms per iteration of ``gmm.fit`` and scikit-learn's
  ``GaussianMixture(covariance_type="full")`` from the same start, in four
  cells (n, d, k); ``--before FILE`` adds an older copy of ``emteach/gmm.py``.
* ``fused``: ``fused.fit`` against ``gmm.fit``, scikit-learn and the exp/log
  floor at (1,000,000, 2, 3).
* ``memory``: peak memory (tracemalloc) of one fit at (1,000,000, 2, 3).
* ``threads``: ``gmm.fit`` with BLAS limited to one thread in its loop (what
  it does) and with the thread pools left alone.
* ``subnormal``: ``gmm.fit`` with and without zeroing responsibilities below
  exp(-700), on data where many would be subnormal.
* ``distributed``: ``distributed.fit`` on a LocalCluster of 2 worker
  processes: the same path as ``gmm.fit`` (to 1e-9) and the cost per
  iteration.

Method: every fit starts from the same parameters with ``tol=0``; each
library is timed at two iteration counts, and (best time at many - best
time at few) / (many - few) is the cost of one iteration without set-up.
Runs are interleaved so all see the same machine load; best of ``--repeats``.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import os
import platform
import sys
import time
import tracemalloc

import numpy as np
import sklearn

from emteach import fused, gmm, timing
from emteach.data import two_processes

LARGE = "1,000,000 x 2, k=3"
CLOCK = {"clock": time.perf_counter}  # --cpu switches to time.process_time


# ---------------------------------------------------------------------------
# Problems: (label, x, (weights, means, covariances) of the start, few, many)
# ---------------------------------------------------------------------------

def _random_covariances(rng, k, d, scale=1.0):
    a = rng.normal(size=(k, d, d)) / np.sqrt(d)
    return scale * (a @ a.transpose(0, 2, 1) + 0.5 * np.eye(d))


def problems():
    """The four cells: (label, x, start GMMParams, few, many)."""
    x_small, _ = two_processes(seed=0)
    cells = [("12,000 x 1, k=2", x_small[:, np.newaxis],
              gmm.GMMParams.from_1d([0.5, 0.5], [15.0, 45.0], [10.0, 10.0]), 5, 45)]

    truth = gmm.GMMParams(
        [0.3, 0.3, 0.4],
        [[0.0, 0.0], [5.0, 5.0], [0.0, 8.0]],
        [[[1.0, 0.3], [0.3, 2.0]], [[1.5, -0.4], [-0.4, 1.0]], [[2.0, 0.0], [0.0, 0.5]]],
    )
    x_large, _ = gmm.sample(truth, 1_000_000, seed=0)
    cells.append((LARGE, x_large,
                  gmm.GMMParams(np.full(3, 1 / 3), [[1.0, 1.0], [4.0, 4.0], [1.0, 7.0]],
                                np.repeat(3.0 * np.eye(2)[np.newaxis], 3, axis=0)), 2, 6))

    x_wide, start_wide = timing.subnormal_problem(12_000)
    cells.append(("12,000 x 50, k=3", x_wide, start_wide, 2, 10))

    rng = np.random.default_rng(10)
    means = rng.normal(0.0, 3.0, (10, 10))
    truth = gmm.GMMParams(np.full(10, 0.1), means, _random_covariances(rng, 10, 10))
    x_many, _ = gmm.sample(truth, 100_000, seed=1)
    start = gmm.GMMParams(np.full(10, 0.1), means + rng.normal(0.0, 1.0, means.shape),
                          np.repeat(4.0 * np.eye(10)[np.newaxis], 10, axis=0))
    cells.append(("100,000 x 10, k=10", x_many, start, 2, 6))
    return cells


# ---------------------------------------------------------------------------
# Runners: (x, start, n_iter) -> None
# ---------------------------------------------------------------------------

def module_runner(module):
    """Runner for an older copy of gmm: the start is rebuilt with its own GMMParams."""
    def run(x, start, n_iter):
        init = module.GMMParams(start.weights, start.means, start.covariances)
        module.fit(x, start.n_components, init=init, max_iter=n_iter, tol=0.0)
    return run


run_gmm = timing.runner("gmm.fit")
run_fused = timing.runner("fused.fit")
run_sklearn = timing.runner("scikit-learn")


def load_before(path):
    spec = importlib.util.spec_from_file_location("gmm_before", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["gmm_before"] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def seconds(function, *args):
    start = CLOCK["clock"]()
    function(*args)
    return CLOCK["clock"]() - start


def ms_per_iteration(runners, x, start, few, many, repeats):
    return timing.ms_per_iteration(runners, x, start, few=few, many=many, repeats=repeats,
                                   clock=CLOCK["clock"])


def line(values, first=36, width=16):
    """Print one row of a table: the first column left-aligned, the rest right-aligned."""
    values = [str(v) for v in values]
    print(values[0].ljust(first) + "".join(v.rjust(width) for v in values[1:]))
    sys.stdout.flush()


def table(header, rows):
    for values in [header] + rows:
        line(values)


# ---------------------------------------------------------------------------
# Sections
# ---------------------------------------------------------------------------

def section_speed(cells, repeats, before):
    print("\n## gmm.fit against scikit-learn, ms per iteration (best of %d)" % repeats)
    runners = {"gmm": run_gmm, "sklearn": run_sklearn}
    if before is not None:
        runners["gmm before"] = module_runner(before)
    header = ["cell"] + list(runners) + ["gmm/sklearn"]
    if before is not None:
        header.append("before/sklearn")
    line(header)
    for label, x, start, few, many in cells:
        result = ms_per_iteration(runners, x, start, few, many, repeats)
        row = [label] + [f"{result[name]:.2f}" for name in runners]
        row.append(f"{result['gmm'] / result['sklearn']:.3f}")
        if before is not None:
            row.append(f"{result['gmm before'] / result['sklearn']:.3f}")
        line(row)


def floor_ms(n, k, repeats):
    """Best ms of the compiled exp/log floor (the kernel's vectorised exp and log), of the
    same calls to the C library's exp and log, and of numpy's exp + log, on (n, k) values."""
    values = np.random.default_rng(0).normal(-3.0, 1.0, (n, k))
    assert abs(fused.exp_log_floor(values) / fused.exp_log_floor(values, library=True) - 1) < 1e-12
    compiled = min(seconds(fused.exp_log_floor, values) for _ in range(repeats))
    library = min(seconds(lambda: fused.exp_log_floor(values, library=True)) for _ in range(repeats))
    out = np.empty_like(values)

    def numpy_floor():
        np.exp(values, out=out)
        np.log(out.sum(axis=1))
    as_numpy = min(seconds(numpy_floor) for _ in range(repeats))
    return 1e3 * compiled, 1e3 * library, 1e3 * as_numpy


def section_fused(cells, repeats):
    label, x, start, few, many = next(c for c in cells if c[0] == LARGE)
    print(f"\n## fused.fit at {label}, ms per iteration (best of {repeats})")
    runners = {"fused": run_fused, "gmm": run_gmm, "sklearn": run_sklearn}
    result = ms_per_iteration(runners, x, start, few, many, repeats)
    compiled, library, as_numpy = floor_ms(x.shape[0], start.n_components, repeats)
    table(["implementation", "ms/iter", "fused / this"],
          [["fused.fit", f"{result['fused']:.1f}", "1.00"],
           ["gmm.fit", f"{result['gmm']:.1f}", f"{result['fused'] / result['gmm']:.2f}"],
           ["scikit-learn", f"{result['sklearn']:.1f}", f"{result['fused'] / result['sklearn']:.3f}"],
           ["floor: n(k-1) exp + n log, the kernel's", f"{compiled:.1f}", f"{result['fused'] / compiled:.2f}"],
           ["same calls, C library exp/log", f"{library:.1f}", f"{result['fused'] / library:.2f}"],
           ["floor: n k exp + n log, numpy", f"{as_numpy:.1f}", f"{result['fused'] / as_numpy:.2f}"]])


def peak_mb(runner, x, start, n_iter):
    tracemalloc.start()
    tracemalloc.reset_peak()
    runner(x, start, n_iter)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 1e6


def section_memory(cells):
    label, x, start, few, _ = next(c for c in cells if c[0] == LARGE)
    print(f"\n## peak memory of one fit ({few} iterations) at {label}, tracemalloc")
    runners = {"gmm.fit": run_gmm, "fused.fit": run_fused, "scikit-learn": run_sklearn}
    data_mb = x.nbytes / 1e6
    rows = []
    for name, runner in runners.items():
        runner(x, start, 1)  # compile and warm up outside the measurement
        mb = peak_mb(runner, x, start, few)
        rows.append([name, f"{mb:.1f}", f"{mb / data_mb:.2f}"])
    print(f"data: {data_mb:.1f} MB")
    table(["implementation", "peak MB", "x data size"], rows)


def section_threads(cells, repeats):
    print(f"\n## gmm.fit with BLAS threads limited to 1 in its loop vs left alone (best of {repeats})")
    limited = run_gmm

    def free(x, start, n_iter):
        saved = gmm._BLAS_THREADS
        gmm._BLAS_THREADS = None  # threadpool_limits(None) changes nothing
        try:
            limited(x, start, n_iter)
        finally:
            gmm._BLAS_THREADS = saved

    from threadpoolctl import threadpool_info
    print("BLAS pools:", ", ".join(f"{p['prefix']} {p['num_threads']} threads" for p in threadpool_info()
                                   if p["user_api"] == "blas"))
    line(["cell", "1 thread", "left alone", "ratio"])
    for label, x, start, few, many in cells:
        result = ms_per_iteration({"1 thread": limited, "left alone": free}, x, start, few, many,
                                  repeats)
        line([label, f"{result['1 thread']:.2f}", f"{result['left alone']:.2f}",
              f"{result['left alone'] / result['1 thread']:.2f}"])


def section_subnormal(repeats):
    x, start = timing.subnormal_problem(12_000)
    few, many = 2, 10
    print(f"\n## subnormal responsibilities at 12,000 x 50, k=3 (best of {repeats})")
    floored = run_gmm

    def unfloored(x, start, n_iter):
        saved = gmm._LOG_RESP_FLOOR
        gmm._LOG_RESP_FLOOR = -np.inf
        try:
            floored(x, start, n_iter)
        finally:
            gmm._LOG_RESP_FLOOR = saved

    after_one = gmm.fit(x, 3, init=start, max_iter=1, tol=0).params
    log_prob = np.column_stack([
        np.log(w) + gmm.log_prob_per_sample(x, gmm.GMMParams([1.0], m[None], c[None]))
        for w, m, c in zip(after_one.weights, after_one.means, after_one.covariances)])
    log_resp = log_prob - np.logaddexp.reduce(log_prob, axis=1, keepdims=True)
    share = np.mean((log_resp > -745.2) & (log_resp < np.log(np.finfo(np.float64).tiny)))
    print(f"share of responsibilities in the subnormal range after one iteration: {share:.3f}")
    result = ms_per_iteration({"zeroed": floored, "kept": unfloored}, x, start, few, many, repeats)
    table(["responsibilities < exp(-700)", "ms/iter"],
          [["set to 0 (gmm now)", f"{result['zeroed']:.2f}"],
           ["kept (subnormal)", f"{result['kept']:.2f}"],
           ["ratio", f"{result['kept'] / result['zeroed']:.2f}"]])


def section_distributed(cells, repeats, workers):
    import dask.array as da
    from dask.distributed import Client, LocalCluster

    from emteach import distributed

    label, x, start, few, many = next(c for c in cells if c[0] == LARGE)
    init = start
    print(f"\n## distributed.fit at {label}, LocalCluster of {workers} worker processes")
    began = time.perf_counter()
    with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                      dashboard_address=None) as cluster, Client(cluster):
        print(f"cluster start-up: {time.perf_counter() - began:.1f} s")
        chunked = da.from_array(x, chunks=(250_000, 2)).persist()
        there = distributed.fit(chunked, 3, init=init, max_iter=20, tol=0)
        here = gmm.fit(x, 3, init=init, max_iter=20, tol=0)
        worst = max(
            float(np.max(np.abs(there.log_likelihoods - here.log_likelihoods)
                         / np.abs(here.log_likelihoods))),
            float(np.max(np.abs(there.params.means - here.params.means) / np.abs(here.params.means))),
            float(np.max(np.abs(there.params.covariances - here.params.covariances)
                         / np.abs(here.params.covariances).max())),
        )
        print(f"same path as gmm.fit over 20 iterations: largest relative difference {worst:.1e} "
              f"({'within' if worst < 1e-9 else 'NOT within'} 1e-9)")

        def run_distributed(_, start_, n_iter):
            distributed.fit(chunked, 3, init=start_, max_iter=n_iter, tol=0)

        result = ms_per_iteration({"distributed": run_distributed, "gmm": run_gmm},
                                  x, start, few, many, repeats)
    table(["implementation", "ms/iter"],
          [[f"distributed.fit, 4 chunks, {workers} workers", f"{result['distributed']:.1f}"],
           ["gmm.fit, one process", f"{result['gmm']:.1f}"],
           ["overhead per iteration", f"{result['distributed'] - result['gmm']:.1f}"]])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("sections", nargs="*",
                        default=["speed", "fused", "memory", "threads", "subnormal", "distributed"])
    parser.add_argument("--before", help="an older copy of emteach/gmm.py to time beside it")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--cpu", action="store_true",
                        help="time by this process's CPU time (all threads) instead of wall time")
    args = parser.parse_args(argv)
    if args.cpu:
        CLOCK["clock"] = time.process_time
    print(f"Python {platform.python_version()}, numpy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}, {os.cpu_count()} CPUs, "
          f"OPENBLAS_NUM_THREADS={os.environ.get('OPENBLAS_NUM_THREADS', 'unset')}, "
          f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', 'unset')}, "
          f"{'CPU' if args.cpu else 'wall'} time, load average {os.getloadavg()[0]:.1f}")
    began = time.perf_counter()
    cells = problems()
    before = load_before(args.before) if args.before else None
    for name in args.sections:
        if name == "speed":
            section_speed(cells, args.repeats, before)
        elif name == "fused":
            section_fused(cells, args.repeats)
        elif name == "memory":
            section_memory(cells)
        elif name == "threads":
            section_threads(cells, args.repeats)
        elif name == "subnormal":
            section_subnormal(args.repeats)
        elif name == "distributed":
            section_distributed(cells, args.repeats, args.workers)
        else:
            parser.error(f"unknown section {name!r}")
    print(f"\ntotal {time.perf_counter() - began:.0f} s")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        main()
