"""Data sets used throughout the book.

* :func:`two_processes` -- the source article's example: draws from two (or
  more) Gaussian processes, concatenated, with the true labels.
* :func:`coin_sets` and :func:`coin_tosses` -- the two-coin experiment of
  Do & Batzoglou, "What is the expectation maximization algorithm?",
  *Nature Biotechnology* 26, 897--899 (2008), Figure 1.
* :func:`old_faithful` -- the Old Faithful geyser eruptions shipped with the
  package (see ``emteach/data/README.md`` for its provenance).
* :func:`linkage_counts` -- the genetic linkage counts of Dempster, Laird
  and Rubin (1977), EM's first worked example.
* :func:`casino` -- rolls of the occasionally dishonest casino of Durbin et
  al. (1998), a hidden Markov model with a fair and a loaded die.

Every function returns fresh arrays, so a chapter may modify what it gets.
"""

from __future__ import annotations

from importlib import resources

import numpy as np

from emteach._validation import as_vector, check_int, check_integer_valued, make_rng

__all__ = ["two_processes", "coin_sets", "coin_tosses", "old_faithful", "linkage_counts",
           "casino"]

# Figure 1 of Do & Batzoglou (2008): five sets of ten tosses, and which coin
# (A or B) produced each set.
_COIN_SEQUENCES = ("HTTTHHTHTH", "HHHHTHHHHH", "HTHHHHHTHH", "HTHTTTHHTT", "THHHTHHHTH")
_COIN_LABELS = "BAABA"


def two_processes(n=(4000, 8000), means=(20.0, 40.0), sds=(5.0, 5.0), seed=None):
    """Draw samples from several Gaussian processes and concatenate them.

    With the defaults this is the source article's example: 4,000 draws from
    N(20, 5^2) followed by 8,000 draws from N(40, 5^2).

    Parameters
    ----------
    n : sequence of int, default=(4000, 8000)
        Number of draws from each process; every entry must be >= 1.
    means : sequence of float, default=(20.0, 40.0)
        Mean of each process, same length as ``n``.
    sds : sequence of float, default=(5.0, 5.0)
        Standard deviation of each process (> 0), same length as ``n``.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness; the same seed gives the same data.

    Returns
    -------
    x : ndarray of shape (sum(n),)
        The draws, unshuffled: first ``n[0]`` from process 0, then ``n[1]``
        from process 1, and so on.
    z : ndarray of shape (sum(n),), dtype int
        The true process label of each draw (0, ..., then 1, ...).

    Raises
    ------
    ValueError
        If the three sequences differ in length, a count is not a positive
        integer, or a standard deviation is not positive.

    Examples
    --------
    >>> x, z = two_processes(seed=0)
    >>> x.shape, z[:3], z[-3:]
    ((12000,), array([0, 0, 0]), array([1, 1, 1]))
    """
    counts = as_vector(n, "n")
    means = as_vector(means, "means")
    sds = as_vector(sds, "sds")
    if not (counts.shape == means.shape == sds.shape):
        raise ValueError(
            "Expected n, means and sds to have the same length, got lengths "
            f"{counts.shape[0]}, {means.shape[0]} and {sds.shape[0]}"
        )
    counts = check_integer_valued(counts, "n")
    if np.any(counts < 1):
        raise ValueError(f"Expected every count in n to be >= 1, got n={counts.tolist()}")
    if np.any(sds <= 0):
        raise ValueError(f"Expected every standard deviation in sds to be > 0, got sds={sds.tolist()}")
    rng = make_rng(seed)
    x = np.concatenate([rng.normal(m, s, size=c) for c, m, s in zip(counts, means, sds)])
    z = np.repeat(np.arange(counts.shape[0]), counts)
    return x, z


def coin_sets():
    """Return the number of heads in each of the five sets of the coin experiment.

    Returns
    -------
    heads : ndarray of shape (5,), dtype int
        Heads per set: ``[5, 9, 8, 4, 7]``.
    n_tosses : int
        Tosses per set: 10.

    See Also
    --------
    coin_tosses : the individual tosses and the coin behind each set.

    Examples
    --------
    >>> coin_sets()
    (array([5, 9, 8, 4, 7]), 10)
    """
    tosses, _ = coin_tosses()
    return tosses.sum(axis=1), tosses.shape[1]


def coin_tosses():
    """Return the individual tosses of the coin experiment and the coin behind each set.

    The sequences are those of Figure 1 of Do & Batzoglou (2008)::

        set 1  H T T T H H T H T H   coin B
        set 2  H H H H T H H H H H   coin A
        set 3  H T H H H H H T H H   coin A
        set 4  H T H T T T H H T T   coin B
        set 5  T H H H T H H H T H   coin A

    Returns
    -------
    tosses : ndarray of shape (5, 10), dtype int
        1 for heads, 0 for tails.
    coins : ndarray of shape (5,), dtype int
        0 for coin A, 1 for coin B: ``[1, 0, 0, 1, 0]``.

    Notes
    -----
    With the coins known (complete data) the maximum-likelihood estimates
    are 24/30 = 0.80 for coin A and 9/20 = 0.45 for coin B.
    """
    tosses = np.array([[1 if toss == "H" else 0 for toss in row] for row in _COIN_SEQUENCES])
    coins = np.array([0 if label == "A" else 1 for label in _COIN_LABELS])
    return tosses, coins


def old_faithful():
    """Return the Old Faithful geyser data (272 eruptions).

    Returns
    -------
    ndarray of shape (272, 2)
        Column 0: eruption length in minutes; column 1: waiting time to the
        next eruption in minutes.

    Notes
    -----
    This is R's ``datasets::faithful`` (Härdle 1991; Azzalini & Bowman
    1990), read from ``emteach/data/old_faithful.csv``; the mean eruption is
    3.4878 minutes and the mean waiting time 70.897 minutes.
    """
    source = resources.files("emteach").joinpath("data").joinpath("old_faithful.csv")
    with source.open("r", encoding="utf-8") as handle:
        return np.loadtxt(handle, delimiter=",", skiprows=1, dtype=np.float64)


def linkage_counts():
    """Return the genetic linkage counts of Dempster, Laird and Rubin (1977).

    197 animals in four categories whose probabilities are
    (1/2 + pi/4, (1 - pi)/4, (1 - pi)/4, pi/4) for a linkage parameter pi
    (Rao 1973, used as the first example of EM in Dempster, Laird and
    Rubin, JRSS B 39, 1977, section 1).

    Returns
    -------
    ndarray of shape (4,), dtype int
        ``[125, 18, 20, 34]``.

    See Also
    --------
    emteach.linkage : EM and the closed-form estimate for these counts.

    Examples
    --------
    >>> linkage_counts()
    array([125,  18,  20,  34])
    """
    return np.array([125, 18, 20, 34])


def casino(n_rolls=300, seed=None):
    """Roll the dice of the occasionally dishonest casino.

    The casino of Durbin, Eddy, Krogh and Mitchison, *Biological Sequence
    Analysis* (1998), section 3.2: it starts with a fair die, switches to a
    loaded die (a six half the time) with probability 0.05 after each roll,
    and back with probability 0.10. The model is
    :func:`emteach.hmm.casino_params`.

    Parameters
    ----------
    n_rolls : int, default=300
        The number of rolls, >= 1.
    seed : None, int or numpy.random.Generator, optional
        Source of randomness; the same seed gives the same rolls.

    Returns
    -------
    rolls : ndarray of shape (n_rolls,), dtype int
        The faces shown, as 0..5 for faces 1..6.
    dice : ndarray of shape (n_rolls,), dtype int
        The die behind each roll: 0 fair, 1 loaded.

    Examples
    --------
    >>> rolls, dice = casino(10, seed=0)
    >>> rolls.shape, int(dice[0])
    ((10,), 0)
    """
    from emteach import hmm  # imported here: it compiles numba kernels on first use

    n_rolls = check_int(n_rolls, "n_rolls", minimum=1)
    return hmm.sample(hmm.casino_params(), n_rolls, seed=seed)
