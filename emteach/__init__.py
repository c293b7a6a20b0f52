"""emteach: the helper package of an interactive textbook on the EM algorithm.

Numerics (pure functions, no plotting):

- :mod:`emteach.data` -- the book's data sets (the article's two processes,
  the two-coin tosses, Old Faithful).
- :mod:`emteach.density` -- Gaussian densities, histograms and bin rules,
  kernel density estimates, maximum likelihood.
- :mod:`emteach.coins` -- EM for the two-coin experiment.
- :mod:`emteach.gmm` -- Gaussian mixtures: the E-step, the M-step, ``fit``.
- :mod:`emteach.kmeans` -- k-means (Lloyd's algorithm), EM's hard-assignment limit.
- :mod:`emteach.starts` -- start methods for mixtures, and matching components between fits.
- :mod:`emteach.linkage` -- EM for Dempster, Laird and Rubin's genetic linkage counts.
- :mod:`emteach.convergence` -- EM's linear rate, Aitken and SQUAREM acceleration.
- :mod:`emteach.fused` -- Gaussian-mixture EM in one compiled (numba) pass per iteration.
- :mod:`emteach.distributed` -- Gaussian-mixture EM as a map-reduce on Dask chunks.
- :mod:`emteach.naive` -- slow, fragile E-steps (loops, probability space) to measure against.
- :mod:`emteach.timing` -- EM's time per iteration, measured one way for the book and benchmarks.
- :mod:`emteach.hmm` -- hidden Markov models: forward-backward, Viterbi, Baum-Welch.
- :mod:`emteach.missing` -- EM for a multivariate normal with values missing at random.
- :mod:`emteach.tomography` -- ML-EM for emission tomography, a phantom and a system matrix.
- :mod:`emteach.tmix` -- mixtures of Student t by generalised EM (a numerical M-step).
- :mod:`emteach.direct` -- a mixture's log-likelihood and gradient for a quasi-Newton optimiser.
- :mod:`emteach.information` -- Louis's observed information and standard errors.

Around them: :mod:`emteach.plotting` (figures from computed arrays),
:mod:`emteach.widgets` (the chapters' experiments), :mod:`emteach.checks`
(exercise self-checks), :mod:`emteach.book` (the manifest ``book.toml``),
:mod:`emteach.environment` (is this installation able to run the book), and the
book-management code apart from the maths: :mod:`emteach.workspace` (readers' own copies),
:mod:`emteach.scaffold` (a new chapter's skeleton) and :mod:`emteach.html` (the static book).
"""

__version__ = "0.1.0"
