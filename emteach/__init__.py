"""emteach: the helper package of an interactive textbook on the EM algorithm."""

__version__ = "0.1.0"
