"""Checks for chapter 6, when EM struggles (restarts, collapse, slow convergence, k-means, acceleration)."""
